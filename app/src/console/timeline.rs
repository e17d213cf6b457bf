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
        let shown: Vec<&booking::Model> = rows.iter().filter(active).collect();
        let local: Vec<_> = shown
            .iter()
            .map(|r| {
                (
                    r.start_at.with_timezone(&tz).naive_local(),
                    r.end_at.with_timezone(&tz).naive_local(),
                )
            })
            .collect();
        let hours = day_hours(&f.plan.hours, date, &local);
        let columns: Vec<String> = if week {
            days.iter()
                .map(|d| crate::core::i18n::format_day_short(lang, *d))
                .collect()
        } else {
            hours.clone().map(|h| format!("{h}:00")).collect()
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
                label: match r.series_id {
                    // A date of a series (定期利用) says so.
                    Some(_) => format!(
                        "{}・{} {} {}",
                        ct::status_label(lang, kind),
                        ct::series_mark(lang),
                        time,
                        r.reference
                    ),
                    None => format!("{} {} {}", ct::status_label(lang, kind), time, r.reference),
                },
                href: Some(format!("/console/bookings/{}", r.id)),
            }
        };
        let closed_entry = || TimelineEntry {
            kind: "closed".into(),
            label: ct::status_label(lang, "closed").to_owned(),
            href: None,
        };
        let table = f
            .units
            .iter()
            .map(|u| {
                let mine: Vec<&booking::Model> = shown
                    .iter()
                    .copied()
                    .filter(|r| r.unit_id == u.id.0)
                    .collect();
                let cells = if week {
                    days.iter()
                        .map(|d| {
                            let mut entries: Vec<TimelineEntry> = mine
                                .iter()
                                .filter(|r| r.start_at.with_timezone(&tz).date_naive() == *d)
                                .map(|r| entry_of(r))
                                .collect();
                            if closed(u.id, *d) {
                                entries.push(closed_entry());
                            }
                            TimelineCell { span: 1, entries }
                        })
                        .collect()
                } else {
                    // Each hour's bookings; then hours that share a booking
                    // become one cell spanning them.
                    let per_hour: Vec<Vec<&booking::Model>> = hours
                        .clone()
                        .map(|h| {
                            crate::core::time::local_instant(tz, date, &format!("{h:02}:00"))
                                .map(|at| {
                                    let end = at + Duration::hours(1);
                                    mine.iter()
                                        .copied()
                                        .filter(|r| r.start_at < end && r.end_at > at)
                                        .collect()
                                })
                                .unwrap_or_default()
                        })
                        .collect();
                    let mut cells: Vec<TimelineCell> = merge_hours(&per_hour, |a, b| a.id == b.id)
                        .into_iter()
                        .map(|(span, bookings)| TimelineCell {
                            span,
                            entries: bookings.into_iter().map(entry_of).collect(),
                        })
                        .collect();
                    if closed(u.id, date) {
                        // Hours with nothing booked on a closed day: one
                        // cell 休館 for each run of them.
                        let mut merged: Vec<TimelineCell> = Vec::new();
                        for c in cells {
                            match merged.last_mut() {
                                Some(last)
                                    if c.entries.is_empty() && last.entries == [closed_entry()] =>
                                {
                                    last.span += c.span;
                                }
                                _ if c.entries.is_empty() => merged.push(TimelineCell {
                                    span: c.span,
                                    entries: vec![closed_entry()],
                                }),
                                _ => merged.push(c),
                            }
                        }
                        cells = merged;
                    }
                    cells
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
            public_href: format!(
                "{}/facilities/{}",
                self.town_prefix(f.municipality.0).await?,
                f.id.0
            ),
        })
    }
}

/// The hours a day's timeline shows: the facility's opening hours that
/// weekday (the widest of the week when it is closed that day), widened to
/// any booking or block of the day (local start and end) outside them.
fn day_hours(
    hours: &domain::schedule::OpeningHours,
    date: NaiveDate,
    bookings: &[(chrono::NaiveDateTime, chrono::NaiveDateTime)],
) -> std::ops::Range<u32> {
    use chrono::{Datelike, Timelike};
    let open = hours.on(date.weekday()).or_else(|| {
        let days = hours.0.iter().flatten();
        let first = days.clone().map(|(from, _)| *from).min()?;
        let last = days.map(|(_, to)| *to).max()?;
        Some((first, last))
    });
    let (mut first, mut last) = open
        .map(|(from, to)| (from / 60, to.div_ceil(60)))
        .unwrap_or((9, 22));
    for (start, end) in bookings {
        if start.date() == date {
            first = first.min(start.hour());
        }
        if end.date() > date {
            last = 24;
        } else if end.date() == date {
            last = last.max(end.hour() + u32::from(end.minute() > 0));
        }
    }
    first..last.clamp(first + 1, 24)
}

/// Hours whose bookings overlap (a booking over 9–12 is in the hours 9, 10
/// and 11) as one cell: (columns spanned, the bookings in them, each once).
fn merge_hours<T: Copy>(per_hour: &[Vec<T>], same: impl Fn(&T, &T) -> bool) -> Vec<(u32, Vec<T>)> {
    let mut cells: Vec<(u32, Vec<T>)> = Vec::new();
    for hour in per_hour {
        match cells.last_mut() {
            Some((span, prev)) if hour.iter().any(|b| prev.iter().any(|p| same(p, b))) => {
                *span += 1;
                for b in hour {
                    if !prev.iter().any(|p| same(p, b)) {
                        prev.push(*b);
                    }
                }
            }
            _ => cells.push((1, hour.clone())),
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::schedule::OpeningHours;

    #[test]
    fn hours_that_share_a_booking_are_one_cell() {
        // 1: 9–12; 2: 13:00–13:30 and 3: 13:30–15:00 touch in the 13 o'clock hour.
        let hours: Vec<Vec<i64>> = vec![
            vec![1],
            vec![1],
            vec![1],
            vec![],
            vec![2, 3],
            vec![3],
            vec![],
        ];
        assert_eq!(
            merge_hours(&hours, |a, b| a == b),
            vec![(3, vec![1]), (1, vec![]), (2, vec![2, 3]), (1, vec![])]
        );
        assert_eq!(merge_hours::<i64>(&[], |a, b| a == b), vec![]);
    }

    #[test]
    fn a_day_shows_its_opening_hours_and_whatever_is_booked_outside_them() {
        let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let sunday = NaiveDate::from_ymd_opt(2026, 12, 13).unwrap();
        // 9:00–21:30 on weekdays, closed on Sundays, 8:30–17:00 on Saturdays.
        let mut week = [Some((540, 1290)); 7];
        week[5] = Some((510, 1020));
        week[6] = None;
        let hours = OpeningHours(week);
        assert_eq!(day_hours(&hours, monday, &[]), 9..22);
        // A closed day shows the widest hours of the week.
        assert_eq!(day_hours(&hours, sunday, &[]), 8..22);
        let at = |h, m| monday.and_hms_opt(h, m, 0).unwrap();
        assert_eq!(day_hours(&hours, monday, &[(at(7, 30), at(8, 0))]), 7..22);
        assert_eq!(day_hours(&hours, monday, &[(at(21, 0), at(22, 15))]), 9..23);
        let overnight = (at(23, 0), sunday.and_hms_opt(1, 0, 0).unwrap());
        assert_eq!(day_hours(&hours, monday, &[overnight]), 9..24);
        assert_eq!(day_hours(&OpeningHours([None; 7]), monday, &[]), 9..22);
    }
}
