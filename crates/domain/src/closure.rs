//! Facility closures (休館日): weekly closed days with the rule
//! 「休館日が祝日の場合は翌平日」, year-end days (12/29–1/3), closure on
//! holidays, and dated closures such as maintenance.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::holidays::Holiday;
use crate::text::Text;

/// A dated closure, e.g. maintenance (施設点検), inclusive local dates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatedClosure {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: Text,
}

/// A facility's closure rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClosureRules {
    /// Regular closed weekdays (定休日).
    pub weekly: Vec<Weekday>,
    /// When a regular closed day is a holiday, open then and close on the next
    /// weekday that is not a holiday instead.
    pub shift_when_holiday: bool,
    /// Closed 12/29–1/3 (年末年始).
    pub year_end: bool,
    /// Closed on every public holiday.
    pub closed_on_holidays: bool,
    pub dated: Vec<DatedClosure>,
}

/// Why a facility is closed on a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClosureReason {
    /// A regular closed day (休館日).
    Weekly,
    /// The weekday after a holiday that fell on a regular closed day.
    ShiftedFromHoliday,
    /// 年末年始.
    YearEnd,
    /// Closed for a public holiday.
    Holiday { holiday: Holiday },
    /// A dated closure with its own reason.
    Dated { reason: Text },
}

impl ClosureReason {
    /// A stable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            ClosureReason::Weekly => "weekly",
            ClosureReason::ShiftedFromHoliday => "shifted_from_holiday",
            ClosureReason::YearEnd => "year_end",
            ClosureReason::Holiday { .. } => "holiday",
            ClosureReason::Dated { .. } => "dated",
        }
    }
}

fn is_weekday_off(date: NaiveDate, holidays: &BTreeMap<NaiveDate, Holiday>) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun) || holidays.contains_key(&date)
}

/// The next 平日 (Monday–Friday, not a holiday) after `date`.
fn next_weekday(date: NaiveDate, holidays: &BTreeMap<NaiveDate, Holiday>) -> NaiveDate {
    let mut next = date + Duration::days(1);
    while is_weekday_off(next, holidays) {
        next += Duration::days(1);
    }
    next
}

impl ClosureRules {
    /// Why the facility is closed on `date`, or `None` when it is open.
    /// `holidays` must cover at least the 14 days before `date` and `date`.
    pub fn closure_on(
        &self,
        date: NaiveDate,
        holidays: &BTreeMap<NaiveDate, Holiday>,
    ) -> Option<ClosureReason> {
        if let Some(c) = self.dated.iter().find(|c| (c.from..=c.to).contains(&date)) {
            return Some(ClosureReason::Dated {
                reason: c.reason.clone(),
            });
        }
        if self.year_end && matches!((date.month(), date.day()), (12, 29..=31) | (1, 1..=3)) {
            return Some(ClosureReason::YearEnd);
        }
        let holiday = holidays.get(&date).copied();
        if self.weekly.contains(&date.weekday()) && !(self.shift_when_holiday && holiday.is_some())
        {
            return Some(ClosureReason::Weekly);
        }
        if self.shift_when_holiday && self.is_shifted_closure(date, holidays) {
            return Some(ClosureReason::ShiftedFromHoliday);
        }
        match holiday {
            Some(holiday) if self.closed_on_holidays => Some(ClosureReason::Holiday { holiday }),
            _ => None,
        }
    }

    /// Whether `date` is the 翌平日 of a regular closed day that was a holiday.
    fn is_shifted_closure(&self, date: NaiveDate, holidays: &BTreeMap<NaiveDate, Holiday>) -> bool {
        (1..=14).any(|back| {
            let earlier = date - Duration::days(back);
            self.weekly.contains(&earlier.weekday())
                && holidays.contains_key(&earlier)
                && next_weekday(earlier, holidays) == date
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::holidays::holidays_between;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn monday_rules() -> ClosureRules {
        ClosureRules {
            weekly: vec![Weekday::Mon],
            shift_when_holiday: true,
            year_end: true,
            closed_on_holidays: false,
            dated: vec![DatedClosure {
                from: d("2027-02-15"),
                to: d("2027-02-16"),
                reason: Text::new("設備点検", "Maintenance"),
            }],
        }
    }

    fn closure(rules: &ClosureRules, s: &str) -> Option<ClosureReason> {
        let date = d(s);
        let holidays = holidays_between(date - Duration::days(20), date);
        rules.closure_on(date, &holidays)
    }

    #[test]
    fn monday_holiday_moves_closure_to_next_weekday() {
        let r = monday_rules();
        // 2027-01-11 is 成人の日 (Monday): open, closed Tuesday instead.
        assert_eq!(closure(&r, "2027-01-11"), None);
        assert_eq!(
            closure(&r, "2027-01-12"),
            Some(ClosureReason::ShiftedFromHoliday)
        );
        assert_eq!(closure(&r, "2027-01-13"), None);
        // An ordinary Monday is closed.
        assert_eq!(closure(&r, "2027-01-18"), Some(ClosureReason::Weekly));
        // Golden Week 2026: Mon 5/4, Tue 5/5, Wed 5/6 are holidays -> Thu 5/7.
        assert_eq!(closure(&r, "2026-05-04"), None);
        assert_eq!(closure(&r, "2026-05-06"), None);
        assert_eq!(
            closure(&r, "2026-05-07"),
            Some(ClosureReason::ShiftedFromHoliday)
        );
        // Without the rule a holiday Monday stays closed.
        let plain = ClosureRules {
            shift_when_holiday: false,
            ..monday_rules()
        };
        assert_eq!(closure(&plain, "2027-01-11"), Some(ClosureReason::Weekly));
        assert_eq!(closure(&plain, "2027-01-12"), None);
    }

    #[test]
    fn year_end_and_dated_closures() {
        let r = monday_rules();
        assert_eq!(closure(&r, "2026-12-28"), Some(ClosureReason::Weekly));
        assert_eq!(closure(&r, "2026-12-29"), Some(ClosureReason::YearEnd));
        assert_eq!(closure(&r, "2027-01-01"), Some(ClosureReason::YearEnd));
        assert_eq!(closure(&r, "2027-01-03"), Some(ClosureReason::YearEnd));
        assert_eq!(closure(&r, "2027-01-04"), Some(ClosureReason::Weekly));
        assert_eq!(closure(&r, "2027-01-05"), None);
        assert_eq!(closure(&r, "2027-02-16").map(|c| c.code()), Some("dated"));
        assert_eq!(closure(&r, "2027-02-17"), None);
    }

    #[test]
    fn closed_on_holidays() {
        let r = ClosureRules {
            closed_on_holidays: true,
            ..ClosureRules::default()
        };
        assert_eq!(
            closure(&r, "2026-11-23"),
            Some(ClosureReason::Holiday {
                holiday: Holiday::LaborThanksgivingDay
            })
        );
        assert_eq!(closure(&r, "2026-11-24"), None);
    }
}
