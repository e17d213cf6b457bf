//! Editing a unit's rules in the console: the form filled with the current
//! rules, validation, a preview of next month's availability under the new
//! rules with the bookings to come that would no longer fit (each needs a
//! decision: keep or cancel), and the audited save.

use chrono::{DateTime, Duration, Utc};
use domain::availability::{self, FacilityPlan, Slot, SlotReason, SlotStatus};
use domain::calendar::{DateRange, YearMonth};
use domain::error::{DomainError, Field, InvalidReason};
use domain::ids::{FacilityId, UnitId};
use domain::rules_edit::{
    CheckedRules, HoursInput, RulesField, RulesInput, TemplateInput, check_rules_input, format_time,
};
use domain::schedule::SlotPlan;
use domain::status::BookingKind;
use domain::text::Lang;
use store::FacilityRecord;
use store::entity::booking;

use crate::booking::mail::MailEvent;
use crate::console::texts as ct;
use crate::console::types::{BookingLine, PreviewDay, RulesMessage, RulesPage, RulesPreview};
use crate::core::access::Actor;
use crate::core::error::AppError;
use crate::core::state::AppState;
use crate::core::types::Choice;

/// The form's name for a field (also the id suffix of its input).
pub fn rules_key(field: RulesField) -> String {
    match field {
        RulesField::Template(i) => format!("template-{i}"),
        RulesField::Hours(i) => format!("hours-{i}"),
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v["field"].as_str().map(str::to_owned))
            .unwrap_or_default(),
    }
}

fn yen(y: domain::booking::Yen) -> String {
    y.0.to_string()
}

/// The unit's current rules, as the form shows them.
pub fn current_input(f: &FacilityRecord, i: usize) -> RulesInput {
    let unit = &f.units[i];
    let plan = &f.plan.units[i];
    let r = &unit.rules;
    let w = &plan.window;
    let templates = match &plan.slots {
        SlotPlan::Fixed(ts) => ts
            .iter()
            .zip(r.fees.iter())
            .map(|(t, fee)| TemplateInput {
                label_ja: t.label.ja.clone(),
                label_en: t.label.en.clone(),
                start: format_time(t.start),
                end: format_time(t.end),
                fee_resident: yen(fee.resident),
                fee_nonresident: yen(fee.nonresident),
                holiday_resident: fee.holiday_resident.map(yen).unwrap_or_default(),
                holiday_nonresident: fee.holiday_nonresident.map(yen).unwrap_or_default(),
            })
            .collect(),
        SlotPlan::Grid { .. } => Vec::new(),
    };
    let (grid_step, grid_fee_resident, grid_fee_nonresident) = match &plan.slots {
        SlotPlan::Grid { step } => (
            step.to_string(),
            r.fees.first().map(|f| yen(f.resident)).unwrap_or_default(),
            r.fees
                .first()
                .map(|f| yen(f.nonresident))
                .unwrap_or_default(),
        ),
        SlotPlan::Fixed(_) => Default::default(),
    };
    RulesInput {
        capacity: r.capacity.to_string(),
        min_slots: r.min_slots.to_string(),
        max_slots: r.max_slots.to_string(),
        requires_approval: r.requires_approval,
        pending_hold_hours: r.pending_hold_hours.to_string(),
        open_months_before: w.open_months_before.to_string(),
        open_months_before_nonresident: r.open_months_before_nonresident.to_string(),
        open_day: w.open_day.to_string(),
        open_time: format_time(w.open_minute),
        close_days_before: w.close_days_before.to_string(),
        close_time: format_time(w.close_minute),
        cancel_days_before: r.cancel_days_before.to_string(),
        cancel_time: format_time(r.cancel_minute),
        grid_step,
        grid_fee_resident,
        grid_fee_nonresident,
        templates,
        hours: f
            .plan
            .hours
            .0
            .iter()
            .map(|h| match h {
                Some((a, b)) => HoursInput {
                    opens: format_time(*a),
                    closes: format_time(*b),
                },
                None => HoursInput::default(),
            })
            .collect(),
        closed_days: f
            .plan
            .closures
            .weekly
            .iter()
            .map(|d| d.num_days_from_monday().to_string())
            .collect(),
        shift_when_holiday: f.plan.closures.shift_when_holiday,
        closed_on_holidays: f.plan.closures.closed_on_holidays,
        year_end: f.plan.closures.year_end,
    }
}

/// The form always offers one blank period row to add, and seven weekdays.
fn with_blank_rows(mut v: RulesInput, grid: bool) -> RulesInput {
    if !grid && v.templates.last().is_none_or(|t| !t.label_ja.is_empty()) {
        v.templates.push(TemplateInput::default());
    }
    v.hours.resize(7, HoursInput::default());
    v
}

/// The facility's plan with unit `i`'s rules and the hours as checked.
fn plan_after(f: &FacilityRecord, i: usize, c: &CheckedRules) -> FacilityPlan {
    let mut after = f.plan.clone();
    after.hours = c.hours.clone();
    after.closures.weekly = c.closed.weekly.clone();
    after.closures.shift_when_holiday = c.closed.shift_when_holiday;
    after.closures.closed_on_holidays = c.closed.closed_on_holidays;
    after.closures.year_end = c.closed.year_end;
    after.units[i].slots = c.slots.clone();
    after.units[i].window = c.window;
    after
}

/// Whether a booking from `start` to `end` matches the slots (starts at
/// one and ends at one) on a day the facility is open.
fn fits(slots: &[Slot], start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    let open = |s: &&Slot| !matches!(s.reason, Some(SlotReason::Closure { .. }));
    slots.iter().filter(open).any(|s| s.start == start)
        && slots.iter().filter(open).any(|s| s.end == end)
}

impl AppState {
    /// The facility's bookings to come that fit its rules now but would
    /// not under `after` (a unit's periods changed, or the facility's
    /// hours or closed days, which every unit shares).
    async fn misfits(
        &self,
        f: &FacilityRecord,
        after: &FacilityPlan,
    ) -> Result<Vec<booking::Model>, AppError> {
        let now = self.now();
        let tz = f.plan.tz;
        let units: Vec<i64> = f.units.iter().map(|u| u.id.0).collect();
        let coming: Vec<booking::Model> = self
            .store
            .bookings_between(&units, now, now + Duration::days(800))
            .await?
            .into_iter()
            .filter(|r| r.kind != BookingKind::Block)
            .filter(|r| r.status.at(r.expires_at, now).is_active())
            .collect();
        let Some(last) = coming.iter().map(|r| r.end_at).max() else {
            return Ok(Vec::new());
        };
        let range = DateRange {
            from: now.with_timezone(&tz).date_naive(),
            to: last.with_timezone(&tz).date_naive(),
        };
        let before = availability::compute(&f.plan, range, &[], now);
        let after = availability::compute(after, range, &[], now);
        let slots = |a: &availability::Availability, unit: i64| -> Vec<Slot> {
            a.units
                .iter()
                .find(|u| u.unit.0 == unit)
                .map(|u| u.slots.clone())
                .unwrap_or_default()
        };
        let mut out = Vec::new();
        for unit in units {
            let (b, a) = (slots(&before, unit), slots(&after, unit));
            out.extend(
                coming
                    .iter()
                    .filter(|r| r.unit_id == unit)
                    .filter(|r| fits(&b, r.start_at, r.end_at) && !fits(&a, r.start_at, r.end_at))
                    .cloned(),
            );
        }
        out.sort_by_key(|r| (r.start_at, r.id));
        Ok(out)
    }

    async fn rules_target<'a>(
        &self,
        actor: &'a Actor,
        facility: FacilityId,
        unit: UnitId,
    ) -> Result<
        (
            FacilityRecord,
            usize,
            crate::core::access::FacilityGrant<'a>,
        ),
        AppError,
    > {
        let (f, s) = self.managed(actor, facility).await?;
        let i = f
            .units
            .iter()
            .position(|u| u.id == unit)
            .ok_or(AppError::Domain(DomainError::NotFound(
                domain::error::Missing::Unit,
            )))?;
        Ok((f, i, s))
    }

    /// The rules page: the draft being edited (with what to fix, or the
    /// preview of its effect) or else the current rules.
    pub async fn rules_page(
        &self,
        actor: &Actor,
        facility: FacilityId,
        unit: UnitId,
        draft: Option<RulesInput>,
        lang: Lang,
    ) -> Result<RulesPage, AppError> {
        let (f, i, s) = self.rules_target(actor, facility, unit).await?;
        let grid = f.units[i].grid;
        let t = ct::texts(lang);
        let (values, errors, preview) = match draft {
            None => (current_input(&f, i), Vec::new(), None),
            Some(d) => match check_rules_input(&d, grid) {
                Ok(c) => {
                    let p = self.rules_preview(&f, i, &c, lang).await?;
                    (d, Vec::new(), Some(p))
                }
                Err(issues) => {
                    let errors = issues
                        .iter()
                        .map(|x| RulesMessage {
                            key: rules_key(x.field),
                            message: ct::rules_problem(lang, x.field, x.problem),
                        })
                        .collect();
                    (d, errors, None)
                }
            },
        };
        Ok(RulesPage {
            me: crate::console::service::me(&s, lang),
            facility_id: f.id.0,
            unit_id: unit.0,
            title: (t.rules_title)(f.name.get(lang), f.units[i].name.get(lang)),
            grid,
            values: with_blank_rows(values, grid),
            errors,
            preview,
            weekdays: (0..7u8)
                .map(|d| {
                    let day = chrono::Weekday::try_from(d).unwrap_or(chrono::Weekday::Mon);
                    crate::core::i18n::weekday_long(lang, day).to_owned()
                })
                .collect(),
            units: f
                .units
                .iter()
                .map(|u| Choice {
                    id: u.id.0,
                    name: u.name.get(lang).to_owned(),
                })
                .collect(),
            flash: None,
        })
    }

    /// How next month's availability of unit `i` changes under `c`.
    async fn rules_preview(
        &self,
        f: &FacilityRecord,
        i: usize,
        c: &CheckedRules,
        lang: Lang,
    ) -> Result<RulesPreview, AppError> {
        let tz = f.plan.tz;
        let now = self.now();
        let month = YearMonth::of(now.with_timezone(&tz).date_naive()).next();
        let range = DateRange {
            from: month.first_day(),
            to: month.last_day(),
        };
        let bad_month =
            || AppError::Domain(DomainError::invalid(Field::Month, InvalidReason::Malformed));
        let from =
            crate::core::time::local_instant(tz, range.from, "00:00").ok_or_else(bad_month)?;
        let to = crate::core::time::local_instant(tz, range.to, "00:00").ok_or_else(bad_month)?
            + Duration::days(1);
        let ids: Vec<UnitId> = f.units.iter().map(|u| u.id).collect();
        let busy = self.store.busy(&ids, from, to, now).await?;
        let after_plan = plan_after(f, i, c);
        let before = availability::compute(&f.plan, range, &busy, now);
        let after = availability::compute(&after_plan, range, &busy, now);
        let offered = |a: &availability::Availability, d| {
            let n = a.units[i]
                .slots
                .iter()
                .filter(|s| s.date == d)
                .filter(|s| matches!(s.status, SlotStatus::Free | SlotStatus::NotYetOpen))
                .count();
            u32::try_from(n).unwrap_or(u32::MAX)
        };
        let mut days = Vec::new();
        let (mut before_total, mut after_total) = (0, 0);
        for d in range.from.iter_days().take_while(|d| *d <= range.to) {
            let (b, a) = (offered(&before, d), offered(&after, d));
            before_total += b;
            after_total += a;
            if a != b {
                days.push(PreviewDay {
                    date: crate::core::i18n::format_date(lang, d),
                    before: b,
                    after: a,
                });
            }
        }
        // Bookings already made keep their times unless staff decide
        // otherwise: say which no longer fit.
        let misfits = self.misfits(f, &after_plan).await?;
        let misfits = self.lines(&misfits, f, lang);
        let opens = |w: &domain::schedule::BookingWindow| {
            crate::core::i18n::date_time(lang, w.opens_at(range.from))
        };
        Ok(RulesPreview {
            month: (crate::core::i18n::texts(lang).month_title)(month.year, month.month),
            before_total,
            after_total,
            days,
            opens_before: opens(&f.plan.units[i].window),
            opens_after: opens(&c.window),
            misfits,
        })
    }

    /// Saves the checked draft with an audit entry (before and after) and
    /// a decision for each booking to come that no longer fits
    /// (`<id>:cancel` or `<id>:keep`); cancelled ones are told by mail.
    /// Bookings no decision covers come back as `Err` to decide on.
    pub async fn save_rules(
        &self,
        actor: &Actor,
        facility: FacilityId,
        unit: UnitId,
        draft: &RulesInput,
        decisions: &[String],
        lang: Lang,
    ) -> Result<Result<(), Vec<BookingLine>>, AppError> {
        let (f, i, s) = self.rules_target(actor, facility, unit).await?;
        let checked = check_rules_input(draft, f.units[i].grid).map_err(|_| {
            AppError::Domain(DomainError::invalid(Field::Query, InvalidReason::Malformed))
        })?;
        let decided = crate::console::blocks::parse_decisions(decisions)?;
        let misfits = self.misfits(&f, &plan_after(&f, i, &checked)).await?;
        let undecided: Vec<booking::Model> = misfits
            .iter()
            .filter(|m| !decided.iter().any(|(id, _)| *id == m.id))
            .cloned()
            .collect();
        if !undecided.is_empty() {
            return Ok(Err(self.lines(&undecided, &f, lang)));
        }
        let cancel: Vec<i64> = misfits
            .iter()
            .filter(|m| decided.contains(&(m.id, true)))
            .map(|m| m.id)
            .collect();
        let now = self.now();
        let mut e = crate::core::access::entry(
            &s,
            domain::status::AuditAction::UnitRules,
            format!("unit:{}", unit.0),
            now,
        );
        e.before = serde_json::to_value(current_input(&f, i)).ok();
        e.after = serde_json::to_value(draft).ok();
        let mail = |b: &booking::Model| self.mail_in(b, &f, MailEvent::CancelledByStaff);
        let cancelled = self
            .store
            .save_unit_rules(
                f.id,
                unit,
                &checked,
                &e,
                &store::rules::RulesCancel {
                    bookings: &cancel,
                    reason: ct::rules_messages(lang).cancel_reason,
                    now,
                    mail: &mail,
                },
            )
            .await?;
        if !cancelled.is_empty() {
            self.mailer.wake();
        }
        tracing::info!(
            unit = unit.0,
            cancelled = cancelled.len(),
            "unit rules changed"
        );
        Ok(Ok(()))
    }
}
