//! What the booking pages and the API show: the form with its choices, the
//! review with the fee, alternatives when a time is taken, the booking itself.

use crate::booking::types::{
    AlternativeChoice, BookingBody, BookingDetail, BookingForm, BookingReview, EndChoice,
    EquipmentChoice, FeeBody, FeeLineBody, FieldMessage, ReductionBody, ReductionChoice,
    ReductionSummary, ReductionText, ReviewPage,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::availability::{self, Availability, SlotReason, SlotStatus};
use domain::booking::{self, Selection, cancel_deadline};
use domain::calendar::DateRange;
use domain::error::RuleViolation;
use domain::error::{Conflict, DomainError, Missing};
use domain::ids::{FacilityId, UnitId};
use domain::schedule::local_datetime;
use domain::text::Lang;
use std::collections::BTreeMap;
use store::{BookingRecord, FacilityRecord};

use crate::booking::input::*;
use crate::booking::service::*;
use crate::booking::texts::{self as bt, resident_text};
use crate::core::error::AppError;
use crate::core::i18n::{self, format_date};
use crate::core::i18n::{date_time, yen};
use crate::core::state::AppState;
use crate::core::time::when_text;

impl AppState {
    /// The API body of a booking.
    pub async fn booking_body(
        &self,
        record: &BookingRecord,
        lang: Lang,
    ) -> Result<BookingBody, AppError> {
        let (f, i) = self.unit_facility(UnitId(record.row.unit_id)).await?;
        let tz = f.plan.tz;
        let r = &record.row;
        let lines = stored_fee(r).lines;
        let deadline = deadline_of(&f, i, r);
        let offset = |t: DateTime<Utc>| t.with_timezone(&tz).fixed_offset();
        Ok(BookingBody {
            reference: r.reference.clone(),
            status: record.status(self.now()).code().to_owned(),
            facility_id: f.id,
            unit_id: UnitId(r.unit_id),
            unit_name: f.units[i].name.get(lang).to_owned(),
            start: offset(r.start_at),
            end: offset(r.end_at),
            name: r.name.clone(),
            name_kana: r.name_kana.clone(),
            phone: r.phone.clone(),
            email: r.email.clone(),
            purpose: r.purpose.clone(),
            attendees: u32::try_from(r.attendees).unwrap_or(0),
            resident: r.resident,
            equipment: record.equipment.clone(),
            fee: FeeBody {
                total_yen: r.fee_total_yen,
                lines: lines
                    .iter()
                    .map(|l| FeeLineBody {
                        label: l.label.get(lang).to_owned(),
                        rate: l.rate,
                        quantity: l.quantity,
                        unit_yen: l.unit_yen.0,
                        amount_yen: l.amount_yen.0,
                    })
                    .collect(),
            },
            cancel_deadline: availability::to_utc(tz, deadline)
                .map(offset)
                .unwrap_or_else(|| offset(r.start_at)),
            expires_at: r
                .expires_at
                .filter(|_| r.status == domain::status::BookingStatus::Pending)
                .map(offset),
            reduction: self
                .booking_reduction(r.id)
                .await?
                .map(|(asked, category)| ReductionBody {
                    id: category.id,
                    name: crate::core::i18n::pick(lang, &category.name_ja, &category.name_en),
                    percent: u8::try_from(asked.percent).unwrap_or(100),
                    state: asked.state.code().to_owned(),
                }),
        })
    }

    /// The town's fee reductions that can be asked for (the API's list).
    pub async fn reduction_list(&self, lang: Lang) -> Result<Vec<ReductionSummary>, AppError> {
        let (town, _) = self.town().await?;
        Ok(self
            .store
            .reductions(town)
            .await?
            .into_iter()
            .filter(|r| r.offered)
            .map(|r| ReductionSummary {
                id: r.id,
                name: crate::core::i18n::pick(lang, &r.name_ja, &r.name_en),
                percent: percent_of(&r),
                proof: crate::core::i18n::pick(lang, &r.proof_ja, &r.proof_en),
            })
            .collect())
    }

    /// The booking as its owner reads it.
    pub async fn booking_detail(
        &self,
        record: &BookingRecord,
        lang: Lang,
    ) -> Result<BookingDetail, AppError> {
        let (f, i) = self.unit_facility(UnitId(record.row.unit_id)).await?;
        let reduction = self.reduction_text(record, lang).await?;
        let mut detail = self.detail_in(&f, i, record, lang, reduction);
        detail.offer = self.offer_text(record, &f, lang).await?;
        detail.series = self.series_part(&f, i, record, lang).await?;
        if detail.offer.is_some() {
            detail.status_text = crate::booking::texts::offer_status(lang).to_owned();
            // Declined by cancelling, until the hold ends.
            detail.can_cancel = true;
        }
        Ok(detail)
    }

    /// The booking form for a unit from a start time, with the person's
    /// earlier answers (if any) filled in.
    pub async fn booking_form(&self, req: FormFor, lang: Lang) -> Result<BookingForm, AppError> {
        let FormFor {
            facility,
            unit,
            start,
            end,
            values,
            equipment,
            override_reason,
            reduction,
            reduction_note,
            wait,
            series,
        } = req;
        let staff = override_reason.is_some();
        let (f, i) = self.unit_facility(unit).await?;
        if f.id != facility {
            return Err(AppError::Domain(DomainError::NotFound(Missing::Unit)));
        }
        let tz = f.plan.tz;
        let date = start.with_timezone(&tz).date_naive();
        let now = self.now();
        let a = self.availability_for(&f, date, date, now).await?;
        let slots = &a.units[i].slots;
        let rules = &f.units[i].rules;
        let t = bt::texts(lang);
        let mut ends = Vec::new();
        if let Some(first) = slots.iter().position(|s| s.start == start) {
            for (n, s) in slots[first..].iter().enumerate() {
                let count = u32::try_from(n + 1).unwrap_or(u32::MAX);
                // Waiting for a taken time: its booked slots may be chosen.
                let bookable = s.status == SlotStatus::Free
                    || (wait && s.status == SlotStatus::Booked)
                    || (staff
                        && (s.status == SlotStatus::NotYetOpen
                            || s.reason == Some(SlotReason::WindowClosed)));
                if !bookable || count > rules.max_slots {
                    break;
                }
                if count < rules.min_slots {
                    continue;
                }
                let label = crate::browse::service::slot_label(&f.plan.units[i], s.template, lang);
                let time = s.end.with_timezone(&tz).format("%-H:%M").to_string();
                ends.push(EndChoice {
                    value: s.end.with_timezone(&tz).to_rfc3339(),
                    text: match label {
                        Some(l) => (t.until_period)(&time, &l),
                        None => time,
                    },
                });
            }
        }
        let chosen_end = end
            .map(|e| e.with_timezone(&tz).to_rfc3339())
            .filter(|e| ends.iter().any(|c| &c.value == e))
            .or_else(|| ends.first().map(|c| c.value.clone()))
            .unwrap_or_default();
        let mut rules_text = vec![
            (t.rule_slots)(rules.min_slots, rules.max_slots),
            (t.rule_capacity)(rules.capacity),
        ];
        if rules.requires_approval {
            rules_text.push(t.rule_approval.to_owned());
        }
        let local_start = start.with_timezone(&tz).naive_local();
        rules_text.push(format!(
            "{}: {}",
            t.cancel_deadline_label,
            date_time(lang, cancel_deadline(rules, local_start))
        ));
        let notice = if ends.is_empty() {
            let status = slots.iter().find(|s| s.start == start);
            Some(match status.map(|s| (&s.status, &s.reason)) {
                Some((SlotStatus::Booked, _)) => {
                    crate::core::messages::conflict_message(lang, &Conflict::SlotTaken)
                }
                Some((_, Some(reason))) => format!(
                    "{} ({})",
                    t.nothing_to_book,
                    i18n::slot_reason(lang, reason)
                ),
                _ => t.nothing_to_book.to_owned(),
            })
        } else {
            None
        };
        Ok(BookingForm {
            facility_id: f.id,
            facility_name: f.name.get(lang).to_owned(),
            unit_id: unit,
            unit_name: f.units[i].name.get(lang).to_owned(),
            capacity: rules.capacity,
            date,
            when_text: (t.from_time)(
                &format_date(lang, date),
                &local_start.format("%-H:%M").to_string(),
            ),
            start: start.with_timezone(&tz).to_rfc3339(),
            ends,
            end: chosen_end,
            equipment: f
                .equipment
                .iter()
                // None left to lend (staff ended lending): not offered.
                .filter(|e| e.quantity > 0 && !wait)
                .map(|e| EquipmentChoice {
                    id: e.id,
                    name: e.name.get(lang).to_owned(),
                    fee: (t.per_period)(&yen(lang, e.fee_per_slot)),
                    checked: equipment.contains(&e.id.to_string()),
                })
                .collect(),
            values,
            errors: Vec::new(),
            notice,
            alternatives: Vec::new(),
            rules: rules_text,
            day_href: self.at(&format!("/facilities/{}/days/{date}", f.id)),
            edit_href: self.at(&if wait {
                format!("{}&wait=1", form_href(f.id, unit, start, end, tz))
            } else {
                form_href(f.id, unit, start, end, tz)
            }),
            override_reason,
            reductions: self
                .store
                .reductions(f.municipality.0)
                .await?
                .into_iter()
                // The waiting list takes the time alone.
                .filter(|r| r.offered && !wait)
                .map(|r| {
                    let name = crate::core::i18n::pick(lang, &r.name_ja, &r.name_en);
                    let proof = crate::core::i18n::pick(lang, &r.proof_ja, &r.proof_en);
                    ReductionChoice {
                        id: r.id,
                        name: (bt::reduction_texts(lang).choice)(&name, percent_of(&r)),
                        proof,
                        selected: reduction.trim() == r.id.to_string(),
                    }
                })
                .collect(),
            reduction_note,
            wait: wait.then(|| crate::booking::waitlist::form_lead(lang)),
            // Waiting is for one time.
            series: (!wait).then(|| crate::booking::series::series_form(lang, date, &series)),
        })
    }

    async fn availability_for(
        &self,
        f: &FacilityRecord,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Availability, AppError> {
        let tz = f.plan.tz;
        let edge = |d: NaiveDate| availability::to_utc_at_or_after(tz, local_datetime(d, 0));
        let (Some(a), Some(b)) = (edge(from), edge(to + Duration::days(1))) else {
            return Err(AppError::Domain(DomainError::NotFound(Missing::Unit)));
        };
        let ids: Vec<UnitId> = f.units.iter().map(|u| u.id).collect();
        let busy = self.store.busy(&ids, a, b, now).await?;
        Ok(availability::compute(
            &f.plan,
            DateRange { from, to },
            &busy,
            now,
        ))
    }

    /// Free times near a request that cannot be booked as asked.
    pub async fn alternatives(
        &self,
        input: &BookingInput,
        lang: Lang,
    ) -> Result<Vec<AlternativeChoice>, AppError> {
        let p = parse(input)?;
        let (f, _) = self.unit_facility(p.unit).await?;
        let tz = f.plan.tz;
        let now = self.now();
        let date = p.start.with_timezone(&tz).date_naive();
        let a = self
            .availability_for(&f, date, date + Duration::days(ALTERNATIVE_DAYS), now)
            .await?;
        let Some(wanted_slots) = a.units.iter().find(|u| u.unit == p.unit).map(|u| {
            u.slots
                .iter()
                .filter(|s| s.start >= p.start && s.end <= p.end)
                .cloned()
                .collect::<Vec<_>>()
        }) else {
            return Ok(Vec::new());
        };
        let wanted = Selection {
            unit: p.unit,
            date,
            start: p.start,
            end: p.end,
            slots: wanted_slots,
            holiday: None,
        };
        let capacities: BTreeMap<UnitId, u32> =
            f.units.iter().map(|u| (u.id, u.capacity)).collect();
        let alts = booking::alternatives(&a, &capacities, &wanted, p.applicant.attendees, 5);
        Ok(alts
            .into_iter()
            .map(|alt| {
                let unit = f
                    .units
                    .iter()
                    .find(|u| u.id == alt.unit)
                    .map(|u| u.name.get(lang).to_owned())
                    .unwrap_or_default();
                AlternativeChoice {
                    text: format!("{} {unit}", when_text(lang, alt.start, alt.end, tz)),
                    href: self.at(&form_href(f.id, alt.unit, alt.start, Some(alt.end), tz)),
                }
            })
            .collect())
    }

    /// The review page for the answers kept in the session: the form again
    /// with what to fix, or everything as it will be booked.
    pub async fn review(
        &self,
        input: &BookingInput,
        version: u32,
        last_error: Option<&AppError>,
        lang: Lang,
        staff: bool,
    ) -> Result<ReviewPage, AppError> {
        let (Some(facility), Ok(unit), Ok(start)) = (
            input.facility,
            parse_id(&input.unit_id),
            parse_instant(&input.start),
        ) else {
            return Ok(ReviewPage::Missing);
        };
        let end = parse_instant(&input.end).ok();
        let req = FormFor {
            facility,
            unit: UnitId(unit),
            start,
            end,
            values: input.applicant.clone(),
            equipment: input.equipment.clone(),
            override_reason: staff.then(|| input.override_reason.clone()),
            reduction: input.reduction.clone(),
            reduction_note: input.reduction_note.clone(),
            wait: input.wait,
            series: input.series.clone(),
        };
        let mut form = match self.booking_form(req, lang).await {
            Ok(f) => f,
            Err(AppError::Domain(_)) => return Ok(ReviewPage::Missing),
            Err(e) => return Err(e),
        };
        let outcome = match last_error {
            Some(e) => Err(e.clone()),
            None => self.prepare(input, staff).await.map(Some),
        };
        // A series: the first date is checked above, then every date.
        let series = match &outcome {
            Ok(Some(_)) if !input.wait => match self.prepare_series(input, staff).await {
                Err(e) if !matches!(e, AppError::Domain(_)) => return Err(e),
                checked => checked,
            },
            _ => Ok(None),
        };
        let outcome = match (outcome, series) {
            (Ok(p), Ok(plan)) => Ok(p.map(|p| (p, plan))),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        match outcome {
            Ok(Some((p, plan))) => {
                let tz = p.facility.plan.tz;
                let rules = p.rules();
                let t = bt::texts(lang);
                Ok(ReviewPage::Review(Box::new(BookingReview {
                    when_text: when_text(lang, p.selection.start, p.selection.end, tz),
                    resident_text: resident_text(lang, p.applicant.resident).to_owned(),
                    equipment: p
                        .equipment
                        .iter()
                        .map(|e| e.name.get(lang).to_owned())
                        .collect(),
                    fee: fee_text(lang, p.fee.total_yen, &p.fee.lines),
                    cancel_deadline: date_time(
                        lang,
                        cancel_deadline(rules, p.selection.start.with_timezone(&tz).naive_local()),
                    ),
                    pending_note: if p.reduction.is_some() {
                        Some((bt::reduction_texts(lang).pending_note)(
                            rules.pending_hold_hours,
                        ))
                    } else {
                        rules
                            .requires_approval
                            .then(|| (t.pending_note)(rules.pending_hold_hours))
                    },
                    override_reason: p.override_reason.clone(),
                    reduction: p.reduction.as_ref().map(|(r, note)| ReductionText {
                        name: (bt::reduction_texts(lang).named)(
                            &crate::core::i18n::pick(lang, &r.name_ja, &r.name_en),
                            percent_of(r),
                        ),
                        note: note.clone(),
                        state: None,
                    }),
                    version,
                    series: plan
                        .as_ref()
                        .map(|plan| crate::booking::series::series_review(lang, plan)),
                    form,
                })))
            }
            Ok(None) => Ok(ReviewPage::Missing),
            Err(AppError::Domain(DomainError::Fields(problems))) => {
                form.errors = problems
                    .iter()
                    .map(|p| FieldMessage {
                        field: p.field,
                        message: crate::core::messages::problem_message(lang, p.field, p.problem),
                    })
                    .collect();
                if let Some(series) = form.series.as_mut() {
                    crate::booking::series::show_errors(series, &form.errors);
                }
                Ok(ReviewPage::Form(Box::new(form)))
            }
            // Taken, as expected when filled in to wait for it: the form
            // offers the waiting list if the request could join it.
            Err(AppError::Domain(DomainError::Conflict(Conflict::SlotTaken)))
                if input.wait && self.prepare_wait(input, staff).await.is_ok() =>
            {
                form.wait = Some(crate::booking::waitlist::join_offer(lang, version));
                Ok(ReviewPage::Form(Box::new(form)))
            }
            Err(AppError::Domain(e)) => {
                form.notice = Some(crate::core::messages::error_message(
                    lang,
                    &AppError::Domain(e.clone()),
                ));
                if matches!(
                    e,
                    DomainError::Conflict(Conflict::SlotTaken)
                        | DomainError::Rule(
                            RuleViolation::ClosedDay { .. }
                                | RuleViolation::WindowClosed { .. }
                                | RuleViolation::OverCapacity { .. }
                                | RuleViolation::InPast
                        )
                ) {
                    form.alternatives = self.alternatives(input, lang).await.unwrap_or_default();
                }
                Ok(ReviewPage::Form(Box::new(form)))
            }
            Err(e) => Err(e),
        }
    }
}

/// How far ahead alternatives are searched.
const ALTERNATIVE_DAYS: i64 = 14;

/// The booking form's address for a unit, start and (optional) end.
pub fn form_href(
    facility: FacilityId,
    unit: UnitId,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
    tz: chrono_tz::Tz,
) -> String {
    let s = start.with_timezone(&tz);
    let mut href = format!(
        "/facilities/{facility}/book?unit={unit}&date={}&time={}",
        s.date_naive(),
        s.format("%H:%M")
    );
    if let Some(e) = end {
        href.push_str(&format!("&until={}", e.with_timezone(&tz).format("%H:%M")));
    }
    href
}
