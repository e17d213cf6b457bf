//! Server-side services shared by the server functions and the JSON API:
//! load from the store, compute with the domain rules, present in the
//! reader's language. Handlers stay one line on top of these.

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
use leptos::prelude::LeptosOptions;
use store::{FacilityRecord, Store};

use crate::core::error::AppError;
use crate::core::i18n::{self, texts};
use crate::core::time::Clock;

/// Shared by every request: the Leptos options, the store, the clock,
/// whether cookies must be `Secure` (served over HTTPS) and the mailer.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub clock: Clock,
    pub secure_cookies: bool,
    pub mailer: crate::core::mail::Mailer,
    pub web: WebConfig,
}

/// How the site is reached from outside.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// `scheme://host[:port]` residents type (`TOWN_PUBLIC_ORIGIN`): the
    /// only origin whose state-changing requests are accepted. Unset (tests,
    /// a development server on loopback): `http://` plus the `Host` header.
    pub public_origin: Option<String>,
    /// Proxies whose `X-Forwarded-For` names the client
    /// (`TOWN_TRUSTED_PROXIES`); from anyone else the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl WebConfig {
    /// Whether residents reach the site over HTTPS (HSTS is sent then).
    pub fn https(&self) -> bool {
        self.public_origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://"))
    }
}

impl AppState {
    pub fn new(
        leptos_options: LeptosOptions,
        store: Store,
        clock: Clock,
        secure_cookies: bool,
        mailer: crate::core::mail::Mailer,
    ) -> AppState {
        AppState {
            leptos_options,
            store,
            clock,
            secure_cookies,
            mailer,
            web: WebConfig::default(),
        }
    }

    /// The same state, reached from outside as `web` says.
    pub fn with_web(mut self, web: WebConfig) -> AppState {
        self.web = web;
        self
    }
}

/// Parses a facility id from a path segment.
pub fn parse_facility_id(raw: &str) -> Result<FacilityId, AppError> {
    raw.parse::<FacilityId>().map_err(|_| {
        AppError::Domain(DomainError::invalid(
            Field::FacilityId,
            InvalidReason::IdFormat,
        ))
    })
}

fn minutes(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz).format("%-H:%M").to_string()
}

fn summary(f: &FacilityRecord, lang: Lang) -> FacilitySummary {
    let t = texts(lang);
    let name_of = |id| {
        f.units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.get(lang).to_owned())
    };
    let hours = f
        .plan
        .hours
        .0
        .iter()
        .flatten()
        .next()
        .map(|(open, close)| {
            let fmt = |m: u32| format!("{}:{:02}", m / 60, m % 60);
            (t.hours_line)(&fmt(*open), &fmt(*close))
        })
        .unwrap_or_default();
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
    }
}

impl AppState {
    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    async fn record(&self, id: FacilityId) -> Result<FacilityRecord, AppError> {
        self.store
            .facility(id)
            .await?
            .ok_or(AppError::Domain(DomainError::NotFound(Missing::Facility)))
    }

    /// All facilities with their units.
    pub async fn facilities(&self, lang: Lang) -> Result<Vec<FacilitySummary>, AppError> {
        Ok(self
            .store
            .facilities()
            .await?
            .iter()
            .map(|f| summary(f, lang))
            .collect())
    }

    /// One facility with its units.
    pub async fn facility(&self, id: FacilityId, lang: Lang) -> Result<FacilitySummary, AppError> {
        Ok(summary(&self.record(id).await?, lang))
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
            facility: summary(&f, lang),
            month,
            today,
            days,
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
        let facility = summary(&f, lang);
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
                                    || (proxy
                                        && (s.status == SlotStatus::NotYetOpen
                                            || s.reason == Some(SlotReason::WindowClosed))))
                                .then(|| {
                                    format!(
                                        "/facilities/{}/book?unit={}&date={date}&time={}",
                                        f.id,
                                        slots.unit,
                                        minutes(s.start, tz)
                                    )
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
        })
    }
}

/// The name of a fixed period (午前), if the slot is one.
pub(crate) fn slot_label(
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

impl AppState {
    /// The towns of the installation, for a sign-in form's choice; empty
    /// when there is only one (the form then asks nothing).
    pub async fn town_choices(
        &self,
        lang: Lang,
    ) -> Result<Vec<crate::core::types::Choice>, AppError> {
        let towns = self.store.municipalities().await?;
        if towns.len() < 2 {
            return Ok(vec![]);
        }
        Ok(towns
            .into_iter()
            .map(|m| crate::core::types::Choice {
                id: m.id,
                name: if lang == Lang::Ja {
                    m.name_ja
                } else {
                    m.name_en
                },
            })
            .collect())
    }

    /// The town a staff sign-in is for: the one chosen on the form if it
    /// exists, else the installation's first.
    pub async fn sign_in_town(&self, chosen: Option<&str>) -> Result<i64, AppError> {
        let towns = self.store.municipalities().await?;
        let chosen = chosen.and_then(|c| c.trim().parse::<i64>().ok());
        towns
            .iter()
            .find(|m| Some(m.id) == chosen)
            .or(towns.first())
            .map(|m| m.id)
            .ok_or(AppError::Unavailable)
    }

    /// The municipality that residents register and sign in to (the first
    /// one of the installation).
    pub async fn default_municipality(&self) -> Result<i64, AppError> {
        self.store
            .municipalities()
            .await?
            .first()
            .map(|m| m.id)
            .ok_or(AppError::Unavailable)
    }
}
