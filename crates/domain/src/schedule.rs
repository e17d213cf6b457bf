//! Per-facility and per-unit schedule rules: opening hours, slot plans (fixed
//! periods or a free grid) and the booking window. All times are local
//! wall-clock minutes after midnight.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use crate::calendar::YearMonth;
use crate::text::Text;

/// Minutes after local midnight (0..=1440).
pub type Minute = u32;

/// Local date and minute as a wall-clock date-time; 1440 is the next midnight.
pub fn local_datetime(date: NaiveDate, minute: Minute) -> NaiveDateTime {
    date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute))
}

/// Opening hours per weekday (Monday first); `None` means no hours that day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningHours(pub [Option<(Minute, Minute)>; 7]);

impl OpeningHours {
    pub fn on(&self, weekday: Weekday) -> Option<(Minute, Minute)> {
        self.0[weekday.num_days_from_monday() as usize]
    }
}

/// A fixed period such as 午前 9:00–12:00.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotTemplate {
    pub label: Text,
    pub start: Minute,
    pub end: Minute,
}

/// How a unit is divided into bookable slots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlotPlan {
    /// Fixed periods (時間区分).
    Fixed(Vec<SlotTemplate>),
    /// Free intervals on a grid of `step` minutes within opening hours.
    Grid { step: Minute },
}

impl SlotPlan {
    /// The (start, end, template index) of each slot offered on a day with the
    /// given opening hours; fixed periods outside the hours are not offered.
    pub fn slots(&self, hours: (Minute, Minute)) -> Vec<(Minute, Minute, Option<usize>)> {
        let (open, close) = hours;
        match self {
            SlotPlan::Fixed(templates) => templates
                .iter()
                .enumerate()
                .filter(|(_, t)| t.start >= open && t.end <= close && t.start < t.end)
                .map(|(i, t)| (t.start, t.end, Some(i)))
                .collect(),
            SlotPlan::Grid { step } if *step > 0 => (open..close)
                .step_by(*step as usize)
                .filter(|s| s + step <= close)
                .map(|s| (s, s + step, None))
                .collect(),
            SlotPlan::Grid { .. } => Vec::new(),
        }
    }
}

/// When booking for a day opens and closes (受付期間).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingWindow {
    /// Opens this many months before the month of use…
    pub open_months_before: u32,
    /// …on this day of that month (clamped to the month's length)…
    pub open_day: u32,
    /// …at this local time.
    pub open_minute: Minute,
    /// Closes this many days before the day of use…
    pub close_days_before: u32,
    /// …at this local time (never later than the slot's start).
    pub close_minute: Minute,
}

impl BookingWindow {
    /// The local instant booking opens for slots on `date`.
    pub fn opens_at(&self, date: NaiveDate) -> NaiveDateTime {
        let month = YearMonth::of(date).add_months(-(self.open_months_before as i32));
        let last = month.last_day().day();
        let day = NaiveDate::from_ymd_opt(month.year, month.month, self.open_day.clamp(1, last))
            .expect("clamped day");
        local_datetime(day, self.open_minute)
    }

    /// The local instant booking closes for a slot starting at `slot_start`.
    pub fn closes_at(&self, slot_start: NaiveDateTime) -> NaiveDateTime {
        let day = slot_start.date() - Duration::days(i64::from(self.close_days_before));
        local_datetime(day, self.close_minute).min(slot_start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn three_months() -> BookingWindow {
        BookingWindow {
            open_months_before: 3,
            open_day: 1,
            open_minute: 9 * 60,
            close_days_before: 1,
            close_minute: 17 * 60,
        }
    }

    #[test]
    fn window_opens_on_the_first_three_months_ahead() {
        let w = three_months();
        assert_eq!(
            w.opens_at(d("2027-03-15")),
            local_datetime(d("2026-12-01"), 540)
        );
        assert_eq!(
            w.opens_at(d("2027-01-01")),
            local_datetime(d("2026-10-01"), 540)
        );
        let end_of_month = BookingWindow { open_day: 31, ..w };
        assert_eq!(
            end_of_month.opens_at(d("2027-05-10")),
            local_datetime(d("2027-02-28"), 540)
        );
    }

    #[test]
    fn window_closes_the_day_before_or_at_the_start() {
        let w = three_months();
        let start = local_datetime(d("2026-12-07"), 13 * 60);
        assert_eq!(w.closes_at(start), local_datetime(d("2026-12-06"), 17 * 60));
        let same_day = BookingWindow {
            close_days_before: 0,
            close_minute: 20 * 60,
            ..w
        };
        assert_eq!(same_day.closes_at(start), start);
    }

    #[test]
    fn fixed_slots_respect_opening_hours_and_grid_fits() {
        let plan = SlotPlan::Fixed(vec![
            SlotTemplate {
                label: Text::new("午前", "Morning"),
                start: 540,
                end: 720,
            },
            SlotTemplate {
                label: Text::new("夜間", "Evening"),
                start: 1080,
                end: 1290,
            },
        ]);
        assert_eq!(plan.slots((540, 1290)).len(), 2);
        assert_eq!(plan.slots((540, 1020)), vec![(540, 720, Some(0))]);
        let grid = SlotPlan::Grid { step: 60 };
        let slots = grid.slots((480, 1110));
        assert_eq!(slots.first(), Some(&(480, 540, None)));
        assert_eq!(slots.last(), Some(&(1020, 1080, None)));
        assert_eq!(slots.len(), 10);
        assert!(SlotPlan::Grid { step: 0 }.slots((0, 60)).is_empty());
        assert_eq!(
            local_datetime(d("2026-12-07"), 1440),
            local_datetime(d("2026-12-08"), 0)
        );
    }
}
