//! The day/week timeline of a facility's units.

use chrono::{Duration, NaiveDate};
use domain::error::Field;
use domain::ids::{FacilityId, UnitId};
use domain::text::Lang;
use store::entity::booking;

use super::service::*;
use crate::console::texts as ct;
use crate::console::types::*;
use crate::core::access::Actor;
use crate::core::error::AppError;
use crate::core::state::AppState;
use crate::core::time::when_text;

impl AppState {
    /// A day (units × hours) or a week (units × days) of one facility.
    pub async fn timeline(
        &self,
        actor: &Actor,
        facility: FacilityId,
        date: Option<NaiveDate>,
        week: bool,
        lang: Lang,
    ) -> Result<Timeline, AppError> {
        let (f, s) = self.managed(actor, facility).await?;
        // Read before the data: a change in between is replayed, not lost.
        let version = self.store.latest_change_id().await?;
        let tz = f.plan.tz;
        let now = self.now();
        let date = date.unwrap_or_else(|| now.with_timezone(&tz).date_naive());
        let days: Vec<NaiveDate> = if week {
            (0..7)
                .filter_map(|d| date.checked_add_days(chrono::Days::new(d)))
                .collect()
        } else {
            vec![date]
        };
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            return Err(invalid(Field::Date));
        };
        let from =
            crate::core::time::local_instant(tz, *first, "00:00").ok_or(invalid(Field::Date))?;
        let to = crate::core::time::local_instant(tz, *last, "00:00")
            .ok_or(invalid(Field::Date))?
            + Duration::days(1);
        let ids: Vec<i64> = f.units.iter().map(|u| u.id.0).collect();
        let rows = self.store.bookings_between(&ids, from, to).await?;
        let active = |r: &&booking::Model| r.status.at(r.expires_at, now).is_active();
        const HOURS: std::ops::Range<u32> = 6..23;
        let columns: Vec<String> = if week {
            days.iter()
                .map(|d| crate::core::i18n::format_date(lang, *d))
                .collect()
        } else {
            HOURS.map(|h| format!("{h}:00")).collect()
        };
        let availability = domain::availability::compute(
            &f.plan,
            domain::calendar::DateRange {
                from: *first,
                to: *last,
            },
            &[],
            now,
        );
        let closed = |unit: UnitId, day: NaiveDate| {
            availability
                .units
                .iter()
                .find(|u| u.unit == unit)
                .is_some_and(|u| {
                    u.slots.iter().any(|sl| {
                        sl.start.with_timezone(&tz).date_naive() == day
                            && matches!(
                                sl.reason,
                                Some(domain::availability::SlotReason::Closure { .. })
                            )
                    })
                })
        };
        let entry_of = |r: &booking::Model| {
            let kind = if r.kind == domain::status::BookingKind::Block {
                "block"
            } else {
                r.status.code()
            };
            let time = when_text(lang, r.start_at, r.end_at, tz);
            TimelineEntry {
                kind: kind.to_owned(),
                label: format!("{} {} {}", ct::status_label(lang, kind), time, r.reference),
                href: Some(format!("/console/bookings/{}", r.id)),
            }
        };
        let table = f
            .units
            .iter()
            .map(|u| {
                let mine: Vec<&booking::Model> = rows
                    .iter()
                    .filter(active)
                    .filter(|r| r.unit_id == u.id.0)
                    .collect();
                let cells = if week {
                    days.iter()
                        .map(|d| {
                            let mut c: Vec<TimelineEntry> = mine
                                .iter()
                                .filter(|r| r.start_at.with_timezone(&tz).date_naive() == *d)
                                .map(|r| entry_of(r))
                                .collect();
                            if closed(u.id, *d) {
                                c.push(TimelineEntry {
                                    kind: "closed".into(),
                                    label: ct::status_label(lang, "closed").to_owned(),
                                    href: None,
                                });
                            }
                            c
                        })
                        .collect()
                } else {
                    HOURS
                        .map(|h| {
                            let at =
                                crate::core::time::local_instant(tz, date, &format!("{h:02}:00"));
                            let Some(at) = at else { return Vec::new() };
                            let end = at + Duration::hours(1);
                            let mut c: Vec<TimelineEntry> = mine
                                .iter()
                                .filter(|r| r.start_at < end && r.end_at > at)
                                .map(|r| entry_of(r))
                                .collect();
                            if c.is_empty() && closed(u.id, date) {
                                c.push(TimelineEntry {
                                    kind: "closed".into(),
                                    label: ct::status_label(lang, "closed").to_owned(),
                                    href: None,
                                });
                            }
                            c
                        })
                        .collect()
                };
                TimelineRow {
                    unit_id: u.id.0,
                    unit: u.name.get(lang).to_owned(),
                    cells,
                }
            })
            .collect();
        let step = if week { 7 } else { 1 };
        let shift = |n: i64| {
            date.checked_add_signed(Duration::days(n))
                .unwrap_or(date)
                .to_string()
        };
        Ok(Timeline {
            me: me(&s, lang),
            facility_id: f.id.0,
            facility: f.name.get(lang).to_owned(),
            title: (ct::texts(lang).timeline_title)(
                f.name.get(lang),
                &crate::core::i18n::format_date(lang, date),
                week,
            ),
            week,
            date: date.to_string(),
            prev: shift(-step),
            next: shift(step),
            columns,
            rows: table,
            flash: None,
            last: last.to_string(),
            version,
        })
    }
}
