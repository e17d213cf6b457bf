//! 来庁予約: when a visit for one or more procedures can start, decided by
//! the staff who can actually handle them.
//!
//! A start time is offered only if, for every procedure of the visit (taken
//! back to back in the order given), some staff member is qualified for it,
//! on duty for the whole of it (local wall-clock duty hours), not absent and
//! not serving another appointment then. Each item of a visit is assigned to
//! one such member; the store refuses two overlapping items of one member
//! (an exclusion constraint / trigger), so appointments for a procedure at any
//! instant never exceed the qualified staff on duty then.
//!
//! Instants are UTC; duty hours and the day offered are local to the town.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

use crate::availability::to_utc;
use crate::holidays::Holiday;
use crate::schedule::{Minute, local_datetime};

/// Start times are offered on this grid (minutes after local midnight).
pub const START_STEP: Minute = 15;
/// The earliest start offered is this long after now (time to get there).
pub const MIN_LEAD: Duration = Duration::minutes(60);
/// How far ahead appointments can be made.
pub const MAX_DAYS_AHEAD: i64 = 62;
/// At most this many procedures in one visit.
pub const MAX_ITEMS: usize = 5;

/// A procedure as scheduling sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcedurePlan {
    pub id: i64,
    /// Minutes, 5–240.
    pub duration: Minute,
}

/// A staff member as scheduling sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffPlan {
    pub id: i64,
    /// The procedures they can handle.
    pub qualified: Vec<i64>,
    /// Duty spans per weekday (Monday first), local minutes, half-open; a
    /// day may have several (a lunch break between them).
    pub duty: [Vec<(Minute, Minute)>; 7],
    /// Absences and appointment items already assigned to them (UTC,
    /// half-open).
    pub busy: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

impl StaffPlan {
    /// Whether they are on duty for all of `[start, end)`, which must lie
    /// within one local day and one duty span.
    pub fn on_duty(&self, tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        let (s, e) = (start.with_timezone(&tz), end.with_timezone(&tz));
        if e <= s || s.date_naive() != (e - Duration::minutes(1)).date_naive() {
            return false;
        }
        let minute = |t: chrono::DateTime<Tz>| {
            let n = t.naive_local();
            let since = n - n.date().and_hms_opt(0, 0, 0).unwrap_or(n);
            since.num_minutes()
        };
        let (from, to) = (minute(s), minute(s) + (e - s).num_minutes());
        self.duty[s.weekday().num_days_from_monday() as usize]
            .iter()
            .any(|&(a, b)| i64::from(a) <= from && to <= i64::from(b))
    }

    /// Whether nothing of theirs (absence or appointment) overlaps.
    pub fn is_free(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        self.busy.iter().all(|&(a, b)| b <= start || end <= a)
    }

    /// Qualified, on duty and free for `[start, end)`.
    pub fn can_serve(
        &self,
        tz: Tz,
        procedure: i64,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> bool {
        self.qualified.contains(&procedure)
            && self.on_duty(tz, start, end)
            && self.is_free(start, end)
    }
}

/// One procedure of a visit, at its time, with who serves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Assigned {
    pub procedure: i64,
    pub staff: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// A start time that can be booked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartOption {
    pub start: DateTime<Utc>,
    /// The end of the visit's last procedure.
    pub end: DateTime<Utc>,
    /// How many more visits of this kind could start then: the fewest
    /// free qualified staff over the visit's procedures.
    pub remaining: u32,
}

/// Why a day offers no times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClosedDay {
    /// Saturday or Sunday (the town hall's counters are closed).
    Weekend,
    Holiday(Holiday),
    /// 年末年始, 12/29–1/3.
    YearEnd,
}

/// Whether the town hall is closed on `date`.
pub fn closed_day(date: NaiveDate, holidays: &BTreeMap<NaiveDate, Holiday>) -> Option<ClosedDay> {
    if let Some(h) = holidays.get(&date) {
        return Some(ClosedDay::Holiday(*h));
    }
    if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        return Some(ClosedDay::Weekend);
    }
    let (m, d) = (date.month(), date.day());
    ((m == 12 && d >= 29) || (m == 1 && d <= 3)).then_some(ClosedDay::YearEnd)
}

/// The items of a visit starting at `start`: the procedures back to back.
pub fn items_from(
    procedures: &[ProcedurePlan],
    start: DateTime<Utc>,
) -> Vec<(i64, DateTime<Utc>, DateTime<Utc>)> {
    let mut at = start;
    procedures
        .iter()
        .map(|p| {
            let end = at + Duration::minutes(i64::from(p.duration));
            let item = (p.id, at, end);
            at = end;
            item
        })
        .collect()
}

/// Chooses who serves each item of a visit starting at `start`, or `None`
/// if some item has nobody. The member of the previous item is kept when
/// they can (one counter, no queueing twice); otherwise the member
/// qualified for the fewest procedures, so generalists stay free for
/// visits only they can serve; ties go to the lower id.
pub fn assign(
    tz: Tz,
    procedures: &[ProcedurePlan],
    staff: &[StaffPlan],
    start: DateTime<Utc>,
) -> Option<Vec<Assigned>> {
    let mut out: Vec<Assigned> = Vec::with_capacity(procedures.len());
    for (procedure, s, e) in items_from(procedures, start) {
        let previous = out.last().map(|a| a.staff);
        let chosen = staff
            .iter()
            .filter(|m| m.can_serve(tz, procedure, s, e))
            .min_by_key(|m| (Some(m.id) != previous, m.qualified.len(), m.id))?;
        out.push(Assigned {
            procedure,
            staff: chosen.id,
            start: s,
            end: e,
        });
    }
    Some(out)
}

/// Every start time of `date` (local) at which the visit fits, in order.
/// `now` hides starts less than [`MIN_LEAD`] away; closed days and days
/// beyond [`MAX_DAYS_AHEAD`] offer none.
pub fn start_options(
    tz: Tz,
    procedures: &[ProcedurePlan],
    staff: &[StaffPlan],
    date: NaiveDate,
    holidays: &BTreeMap<NaiveDate, Holiday>,
    now: DateTime<Utc>,
) -> Vec<StartOption> {
    if procedures.is_empty() || closed_day(date, holidays).is_some() {
        return Vec::new();
    }
    let today = now.with_timezone(&tz).date_naive();
    if (date - today).num_days() > MAX_DAYS_AHEAD {
        return Vec::new();
    }
    let total: i64 = procedures.iter().map(|p| i64::from(p.duration)).sum();
    let weekday = date.weekday().num_days_from_monday() as usize;
    let first = staff
        .iter()
        .flat_map(|m| m.duty[weekday].iter().map(|&(a, _)| a))
        .min();
    let last = staff
        .iter()
        .flat_map(|m| m.duty[weekday].iter().map(|&(_, b)| b))
        .max();
    let (Some(first), Some(last)) = (first, last) else {
        return Vec::new();
    };
    let first = first.div_ceil(START_STEP) * START_STEP;
    (first..last)
        .step_by(START_STEP as usize)
        .filter_map(|minute| to_utc(tz, local_datetime(date, minute)))
        .filter(|start| *start >= now + MIN_LEAD)
        .filter_map(|start| {
            let remaining = items_from(procedures, start)
                .into_iter()
                .map(|(procedure, s, e)| {
                    let n = staff
                        .iter()
                        .filter(|m| m.can_serve(tz, procedure, s, e))
                        .count();
                    u32::try_from(n).unwrap_or(u32::MAX)
                })
                .min()
                .unwrap_or(0);
            (remaining > 0).then(|| StartOption {
                start,
                end: start + Duration::minutes(total),
                remaining,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const TOKYO: Tz = chrono_tz::Asia::Tokyo;

    fn weekdays(spans: &[(Minute, Minute)]) -> [Vec<(Minute, Minute)>; 7] {
        let mut d: [Vec<(Minute, Minute)>; 7] = Default::default();
        for day in d.iter_mut().take(5) {
            *day = spans.to_vec();
        }
        d
    }

    fn member(id: i64, qualified: &[i64]) -> StaffPlan {
        StaffPlan {
            id,
            qualified: qualified.to_vec(),
            // 8:30–12:00 and 13:00–17:15.
            duty: weekdays(&[(510, 720), (780, 1035)]),
            busy: vec![],
        }
    }

    fn jst(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        TOKYO
            .with_ymd_and_hms(2026, 12, d, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn no_holidays() -> BTreeMap<NaiveDate, Holiday> {
        BTreeMap::new()
    }

    /// Monday 2026-12-07, seen from the Friday before.
    fn monday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    fn friday_morning() -> DateTime<Utc> {
        jst(4, 9, 0)
    }

    const P30: ProcedurePlan = ProcedurePlan {
        id: 1,
        duration: 30,
    };
    const P20: ProcedurePlan = ProcedurePlan {
        id: 2,
        duration: 20,
    };

    #[test]
    fn starts_fit_the_whole_duration_inside_a_duty_span() {
        let staff = [member(10, &[1])];
        let opts = start_options(
            TOKYO,
            &[P30],
            &staff,
            monday(),
            &no_holidays(),
            friday_morning(),
        );
        let starts: Vec<DateTime<Utc>> = opts.iter().map(|o| o.start).collect();
        // 8:30 is the first; 11:30 is the last before lunch (ends 12:00);
        // 11:45 would run into lunch; 16:45 is the last of the day.
        assert_eq!(starts.first(), Some(&jst(7, 8, 30)));
        assert!(starts.contains(&jst(7, 11, 30)));
        assert!(!starts.contains(&jst(7, 11, 45)));
        assert!(!starts.contains(&jst(7, 12, 30)));
        assert!(starts.contains(&jst(7, 13, 0)));
        assert_eq!(starts.last(), Some(&jst(7, 16, 45)));
        assert!(
            opts.iter()
                .all(|o| o.remaining == 1 && o.end - o.start == Duration::minutes(30))
        );
    }

    #[test]
    fn remaining_counts_qualified_free_staff_only() {
        let mut busy = member(11, &[1]);
        busy.busy.push((jst(7, 9, 0), jst(7, 9, 30)));
        let staff = [member(10, &[1]), busy, member(12, &[2])];
        let opts = start_options(
            TOKYO,
            &[P30],
            &staff,
            monday(),
            &no_holidays(),
            friday_morning(),
        );
        let at = |h, m| {
            opts.iter()
                .find(|o| o.start == jst(7, h, m))
                .map(|o| o.remaining)
        };
        assert_eq!(at(8, 30), Some(2));
        // 8:45–9:15 and 9:00–9:30 overlap member 11's appointment.
        assert_eq!(at(8, 45), Some(1));
        assert_eq!(at(9, 0), Some(1));
        assert_eq!(at(9, 30), Some(2));
    }

    #[test]
    fn absences_are_honoured_to_the_minute() {
        let mut m = member(10, &[1]);
        // Absent 10:07–10:52 (a meeting).
        m.busy.push((jst(7, 10, 7), jst(7, 10, 52)));
        let staff = [m];
        let opts = start_options(
            TOKYO,
            &[P30],
            &staff,
            monday(),
            &no_holidays(),
            friday_morning(),
        );
        let starts: Vec<DateTime<Utc>> = opts.iter().map(|o| o.start).collect();
        assert!(starts.contains(&jst(7, 9, 30))); // ends 10:00
        assert!(!starts.contains(&jst(7, 9, 45))); // ends 10:15, into the absence
        assert!(!starts.contains(&jst(7, 10, 45))); // starts inside it
        assert!(starts.contains(&jst(7, 11, 0)));
        // Touching the absence's end is fine (half-open).
        let mut m = member(10, &[1]);
        m.busy.push((jst(7, 10, 0), jst(7, 11, 0)));
        assert!(m.can_serve(TOKYO, 1, jst(7, 11, 0), jst(7, 11, 30)));
        assert!(m.can_serve(TOKYO, 1, jst(7, 9, 30), jst(7, 10, 0)));
        assert!(!m.can_serve(TOKYO, 1, jst(7, 10, 59), jst(7, 11, 29)));
    }

    #[test]
    fn duty_hours_are_local_across_the_utc_midnight() {
        // 8:30 JST is 23:30 UTC of the day before: the local day decides.
        let staff = [member(10, &[1])];
        let opts = start_options(
            TOKYO,
            &[P30],
            &staff,
            monday(),
            &no_holidays(),
            friday_morning(),
        );
        let first = opts.first().unwrap().start;
        assert_eq!(first, Utc.with_ymd_and_hms(2026, 12, 6, 23, 30, 0).unwrap());
        // Sunday in UTC, Monday in Tokyo: on duty.
        assert!(staff[0].on_duty(TOKYO, first, first + Duration::minutes(30)));
        // A late duty span up to midnight local, and a visit crossing it.
        let mut late = member(10, &[1]);
        late.duty = weekdays(&[(1320, 1440)]);
        assert!(late.on_duty(
            TOKYO,
            jst(7, 23, 30),
            jst(7, 23, 30) + Duration::minutes(30)
        ));
        assert!(!late.on_duty(
            TOKYO,
            jst(7, 23, 45),
            jst(7, 23, 45) + Duration::minutes(30)
        ));
    }

    #[test]
    fn closed_days_weekends_holidays_and_year_end_offer_nothing() {
        let staff = [member(10, &[1])];
        let now = jst(1, 9, 0);
        let holidays = crate::holidays::holidays_between(
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
        );
        for (y, m, d) in [
            (2026, 12, 5),
            (2026, 12, 6),
            (2026, 12, 29),
            (2027, 1, 1),
            (2027, 1, 11),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert!(closed_day(date, &holidays).is_some(), "{date}");
            assert!(
                start_options(TOKYO, &[P30], &staff, date, &holidays, now).is_empty(),
                "{date}"
            );
        }
        let open = NaiveDate::from_ymd_opt(2026, 12, 28).unwrap();
        assert_eq!(closed_day(open, &holidays), None);
        assert!(!start_options(TOKYO, &[P30], &staff, open, &holidays, now).is_empty());
        // Too far ahead.
        let far = NaiveDate::from_ymd_opt(2027, 2, 15).unwrap();
        assert!(start_options(TOKYO, &[P30], &staff, far, &holidays, now).is_empty());
    }

    #[test]
    fn today_offers_only_starts_an_hour_away() {
        let staff = [member(10, &[1])];
        let now = jst(7, 10, 10);
        let opts = start_options(TOKYO, &[P30], &staff, monday(), &no_holidays(), now);
        assert_eq!(opts.first().map(|o| o.start), Some(jst(7, 11, 15)));
        let yesterday = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert!(start_options(TOKYO, &[P30], &staff, yesterday, &no_holidays(), now).is_empty());
    }

    #[test]
    fn a_visit_of_several_procedures_runs_back_to_back_with_the_right_staff() {
        // 10 handles procedure 1 only, 11 handles 2 only.
        let staff = [member(10, &[1]), member(11, &[2])];
        let start = jst(7, 9, 0);
        let plan = assign(TOKYO, &[P30, P20], &staff, start).unwrap();
        assert_eq!(
            plan,
            vec![
                Assigned {
                    procedure: 1,
                    staff: 10,
                    start,
                    end: jst(7, 9, 30)
                },
                Assigned {
                    procedure: 2,
                    staff: 11,
                    start: jst(7, 9, 30),
                    end: jst(7, 9, 50)
                },
            ]
        );
        // The whole visit must fit: at 11:15 the second item would run into lunch.
        assert!(assign(TOKYO, &[P30, P20], &staff, jst(7, 11, 15)).is_none());
        let opts = start_options(
            TOKYO,
            &[P30, P20],
            &staff,
            monday(),
            &no_holidays(),
            friday_morning(),
        );
        assert!(
            opts.iter()
                .all(|o| o.end - o.start == Duration::minutes(50))
        );
        assert!(opts.iter().any(|o| o.start == jst(7, 11, 0)));
        assert!(!opts.iter().any(|o| o.start == jst(7, 11, 15)));
    }

    #[test]
    fn one_member_keeps_a_visit_and_specialists_are_chosen_first() {
        // 10 can do both; 11 only procedure 2.
        let staff = [member(10, &[1, 2]), member(11, &[2])];
        let plan = assign(TOKYO, &[P30, P20], &staff, jst(7, 9, 0)).unwrap();
        assert_eq!(
            plan.iter().map(|a| a.staff).collect::<Vec<_>>(),
            vec![10, 10]
        );
        // A visit for procedure 2 alone goes to the specialist.
        let plan = assign(TOKYO, &[P20], &staff, jst(7, 9, 0)).unwrap();
        assert_eq!(plan[0].staff, 11);
        // Nobody qualified: nothing.
        assert!(
            assign(
                TOKYO,
                &[ProcedurePlan {
                    id: 9,
                    duration: 10
                }],
                &staff,
                jst(7, 9, 0)
            )
            .is_none()
        );
    }
}
