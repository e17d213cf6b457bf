//! What the browsing pages and the availability API show: the facility
//! list, a facility's month calendar and a day's slots, computed from the
//! facility's rules and its busy intervals, in the reader's language.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::availability::{self, Availability, SlotReason, SlotStatus, day_status};
use domain::calendar::{DateRange, YearMonth};
use domain::error::{DomainError, Field, InvalidReason, Missing};
use domain::ids::FacilityId;
use domain::schedule::local_datetime;
use domain::text::Lang;
use domain::view::{
    DayCell, DayCellSlot, DayColumn, DayRow, DaySchedule, FacilityAvailability, FacilitySummary,
    MonthCalendar, SlotView, UnitAvailability, UnitSummary,
};
use store::FacilityRecord;

use crate::core::error::AppError;
use crate::core::i18n::{self, texts};
use crate::core::state::AppState;

impl AppState {
    /// A facility of the request's town.
    pub(crate) async fn record(&self, id: FacilityId) -> Result<FacilityRecord, AppError> {
        let f = self
            .store
            .facility(id)
            .await?
            .ok_or(AppError::Domain(DomainError::NotFound(Missing::Facility)))?;
        self.check_town(f.municipality.0, Missing::Facility)?;
        Ok(f)
    }

    /// Every town of the installation, each under its `/t/{slug}/` address.
    pub async fn town_links(&self, lang: Lang) -> Result<Vec<domain::view::TownLink>, AppError> {
        Ok(self
            .store
            .towns_now()
            .await?
            .iter()
            .map(|t| domain::view::TownLink {
                name: match lang {
                    Lang::Ja => t.name_ja.clone(),
                    Lang::En => t.name_en.clone(),
                },
                href: format!("/t/{}/", t.slug),
            })
            .collect())
    }

    /// The town's facilities that take bookings, with their units that do
    /// (archived ones keep their pages for history, off the list).
    pub async fn facilities(&self, lang: Lang) -> Result<Vec<FacilitySummary>, AppError> {
        let (town, _) = self.town().await?;
        Ok(self
            .store
            .facilities()
            .await?
            .iter()
            .filter(|f| !f.archived && f.municipality.0 == town)
            .map(|f| {
                let mut s = summary(self, f, lang);
                s.units
                    .retain(|u| f.units.iter().any(|r| r.id == u.id && !r.archived));
                s
            })
            .collect())
    }

    /// One facility with its units.
    pub async fn facility(&self, id: FacilityId, lang: Lang) -> Result<FacilitySummary, AppError> {
        Ok(summary(self, &self.record(id).await?, lang))
    }

    async fn compute(
        &self,
        f: &FacilityRecord,
        range: DateRange,
    ) -> Result<Availability, AppError> {
        let tz = f.plan.tz;
        let edge = |d: NaiveDate| availability::to_utc_at_or_after(tz, local_datetime(d, 0));
        let (from, to) = (edge(range.from), edge(range.to + Duration::days(1)));
        let (Some(from), Some(to)) = (from, to) else {
            return Err(AppError::Domain(DomainError::invalid(
                Field::From,
                InvalidReason::DateFormat,
            )));
        };
        // One instant for the whole answer: pending expiry and "past" agree.
        let now = self.now();
        let ids: Vec<_> = f.units.iter().map(|u| u.id).collect();
        let busy = self.store.busy(&ids, from, to, now).await?;
        Ok(availability::compute(&f.plan, range, &busy, now))
    }

    /// The availability API body.
    pub async fn availability(
        &self,
        id: FacilityId,
        range: DateRange,
        lang: Lang,
    ) -> Result<FacilityAvailability, AppError> {
        let f = self.record(id).await?;
        let a = self.compute(&f, range).await?;
        let tz = f.plan.tz;
        let units = f
            .units
            .iter()
            .zip(&f.plan.units)
            .zip(a.units)
            .map(|((u, plan), slots)| UnitAvailability {
                id: u.id,
                name: u.name.get(lang).to_owned(),
                parent_id: u.parent,
                slots: slots
                    .slots
                    .into_iter()
                    .map(|s| SlotView {
                        start: s.start.with_timezone(&tz).fixed_offset(),
                        end: s.end.with_timezone(&tz).fixed_offset(),
                        status: s.status,
                        reason: s.reason.as_ref().map(|r| i18n::slot_reason(lang, r)),
                        reason_code: s.reason.as_ref().map(|r| r.code().to_owned()),
                        label: slot_label(plan, s.template, lang),
                    })
                    .collect(),
            })
            .collect();
        Ok(FacilityAvailability {
            facility_id: f.id,
            time_zone: tz.name().to_owned(),
            from: range.from,
            to: range.to,
            units,
        })
    }

    /// The month calendar; `month` defaults to the current one.
    pub async fn month(
        &self,
        id: FacilityId,
        month: Option<YearMonth>,
        lang: Lang,
    ) -> Result<MonthCalendar, AppError> {
        // Read before the data: a change in between is replayed, not lost.
        let version = self.store.latest_change_id().await?;
        let f = self.record(id).await?;
        let today = self.now().with_timezone(&f.plan.tz).date_naive();
        let month = month.unwrap_or_else(|| YearMonth::of(today));
        let a = self.compute(&f, DateRange::month(month)).await?;
        let days = DateRange::month(month)
            .days()
            .map(|date| {
                let slots = a
                    .units
                    .iter()
                    .flat_map(|u| u.slots.iter().filter(move |s| s.date == date));
                let closure = a.closures.get(&date);
                DayCell {
                    date,
                    status: day_status(slots, closure.is_some()),
                    holiday: a
                        .holidays
                        .get(&date)
                        .map(|h| i18n::holiday_name(lang, *h).to_owned()),
                    closure: closure.map(|c| i18n::closure_reason(lang, c)),
                }
            })
            .collect();
        Ok(MonthCalendar {
            facility: summary(self, &f, lang),
            month,
            today,
            days,
            version,
        })
    }

    /// The day view: units × periods.
    /// The day view. Staff managing the facility also get booking links on
    /// slots outside the booking window (代行予約 with a written reason).
    pub async fn day(
        &self,
        id: FacilityId,
        date: NaiveDate,
        lang: Lang,
        actor: &crate::core::access::Actor,
    ) -> Result<DaySchedule, AppError> {
        let version = self.store.latest_change_id().await?;
        let f = self.record(id).await?;
        let proxy = actor.facility_staff(f.id.0, f.municipality.0).is_ok();
        let tz = f.plan.tz;
        let today = self.now().with_timezone(&tz).date_naive();
        let a = self
            .compute(
                &f,
                DateRange {
                    from: date,
                    to: date,
                },
            )
            .await?;
        let mut periods: Vec<(DateTime<Utc>, DateTime<Utc>, Option<String>)> = Vec::new();
        for (plan, unit) in f.plan.units.iter().zip(&a.units) {
            for s in &unit.slots {
                if !periods
                    .iter()
                    .any(|(st, en, _)| *st == s.start && *en == s.end)
                {
                    periods.push((s.start, s.end, slot_label(plan, s.template, lang)));
                }
            }
        }
        periods.sort_by_key(|(s, e, _)| (*s, *e));
        let facility = summary(self, &f, lang);
        let rows = facility
            .units
            .iter()
            .cloned()
            .zip(&a.units)
            .map(|(unit, slots)| DayRow {
                unit,
                cells: periods
                    .iter()
                    .map(|(st, en, _)| {
                        slots
                            .slots
                            .iter()
                            .find(|s| s.start == *st && s.end == *en)
                            .map(|s| DayCellSlot {
                                status: s.status,
                                reason: s.reason.as_ref().map(|r| i18n::slot_reason(lang, r)),
                                window_closed: s.reason == Some(SlotReason::WindowClosed),
                                book_href: (s.status == SlotStatus::Free
                                    || s.status == SlotStatus::Booked
                                    || (proxy
                                        && (s.status == SlotStatus::NotYetOpen
                                            || s.reason == Some(SlotReason::WindowClosed))))
                                .then(|| {
                                    // A taken time's form joins its waiting list.
                                    let wait = if s.status == SlotStatus::Booked {
                                        "&wait=1"
                                    } else {
                                        ""
                                    };
                                    self.at(&format!(
                                        "/facilities/{}/book?unit={}&date={date}&time={}{wait}",
                                        f.id,
                                        slots.unit,
                                        minutes(s.start, tz)
                                    ))
                                }),
                            })
                    })
                    .collect(),
            })
            .collect();
        Ok(DaySchedule {
            facility,
            date,
            today,
            holiday: a
                .holidays
                .get(&date)
                .map(|h| i18n::holiday_name(lang, *h).to_owned()),
            closure: a.closures.get(&date).map(|c| i18n::closure_reason(lang, c)),
            columns: periods
                .into_iter()
                .map(|(s, e, label)| DayColumn {
                    start: minutes(s, tz),
                    end: minutes(e, tz),
                    label,
                })
                .collect(),
            rows,
            version,
        })
    }
}

fn minutes(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz).format("%-H:%M").to_string()
}

/// Opening hours as residents read them: one time when every open day has
/// the same, else each set of days with its own (「月・火・水・木・金
/// 9:00〜21:30、土・日 9:00〜17:00」). Days closed every week are left out
/// (the closed days follow).
fn week_hours(f: &FacilityRecord, lang: Lang) -> String {
    let t = texts(lang);
    let fmt = |m: u32| format!("{}:{:02}", m / 60, m % 60);
    let mut groups: Vec<((u32, u32), Vec<chrono::Weekday>)> = Vec::new();
    for (i, h) in f.plan.hours.0.iter().enumerate() {
        let (Some(h), Ok(day)) = (h, chrono::Weekday::try_from(u8::try_from(i).unwrap_or(7)))
        else {
            continue;
        };
        if f.plan.closures.weekly.contains(&day) {
            continue;
        }
        match groups.iter_mut().find(|(g, _)| g == h) {
            Some((_, days)) => days.push(day),
            None => groups.push((*h, vec![day])),
        }
    }
    let line = |(open, close): (u32, u32)| (t.hours_line)(&fmt(open), &fmt(close));
    match groups.as_slice() {
        [] => String::new(),
        [(h, _)] => line(*h),
        _ => groups
            .iter()
            .map(|(h, days)| {
                let names: Vec<&str> = days.iter().map(|d| i18n::weekday_short(lang, *d)).collect();
                let sep = match lang {
                    Lang::Ja => "・",
                    Lang::En => ", ",
                };
                format!("{} {}", names.join(sep), line(*h))
            })
            .collect::<Vec<_>>()
            .join(t.list_separator),
    }
}

fn summary(state: &AppState, f: &FacilityRecord, lang: Lang) -> FacilitySummary {
    let t = texts(lang);
    let name_of = |id| {
        f.units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.get(lang).to_owned())
    };
    let hours = week_hours(f, lang);
    let mut closed: Vec<String> = f
        .plan
        .closures
        .weekly
        .iter()
        .map(|d| {
            let shift = if f.plan.closures.shift_when_holiday {
                t.weekday_closed_shift
            } else {
                ""
            };
            format!("{}{shift}", i18n::weekday_long(lang, *d))
        })
        .collect();
    if f.plan.closures.closed_on_holidays {
        closed.push(t.holidays_closed.to_owned());
    }
    if f.plan.closures.year_end {
        closed.push(t.year_end_days.to_owned());
    }
    let hours = if closed.is_empty() {
        hours
    } else {
        format!(
            "{hours} / {}",
            (t.closed_days_line)(&closed.join(t.list_separator))
        )
    };
    FacilitySummary {
        id: f.id,
        name: f.name.get(lang).to_owned(),
        address: f.address.get(lang).to_owned(),
        phone: f.phone.clone(),
        description: f.description.get(lang).to_owned(),
        accessibility: f.accessibility.get(lang).to_owned(),
        hours,
        units: f
            .units
            .iter()
            .map(|u| {
                let mut notes = u.notes.get(lang).to_owned();
                if let Some(parent) = u.parent.and_then(name_of) {
                    notes = format!("{notes} {}", (t.shares_space_with)(&parent))
                        .trim()
                        .to_owned();
                }
                UnitSummary {
                    id: u.id,
                    name: u.name.get(lang).to_owned(),
                    parent_id: u.parent,
                    capacity: u.capacity,
                    booking_kind: if u.grid { "grid" } else { "fixed" }.to_owned(),
                    notes,
                }
            })
            .collect(),
        photo: f.photo.as_ref().map(|p| domain::view::Photo {
            url: state.at(&format!("/facilities/{}/photo?v={}", f.id.0, p.version)),
            alt: p.alt.get(lang).to_owned(),
        }),
    }
}

/// The name of a fixed period (午前), if the slot is one.
pub fn slot_label(
    plan: &domain::availability::UnitPlan,
    template: Option<usize>,
    lang: Lang,
) -> Option<String> {
    match (&plan.slots, template) {
        (domain::schedule::SlotPlan::Fixed(t), Some(i)) => {
            t.get(i).map(|t| t.label.get(lang).to_owned())
        }
        _ => None,
    }
}
