//! A booking as a series (定期利用): the same unit and time of day on the
//! dates a pattern gives, from the first date to a last one. Each date is
//! then checked as a single booking would be; the store books the chosen
//! dates all or none.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::applicant::{BookingField, FieldProblem, Problem};

/// The most dates one series may hold (a year of weekly use).
pub const MAX_OCCURRENCES: usize = 52;

/// How the dates repeat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Repeat {
    /// Every week, every 2nd week, every 4th week … counted from the
    /// first date's week (Monday to Sunday).
    Weeks(u8),
    /// In the given weeks of each month (第1…第5: the 1st–7th day is the
    /// first week, the 8th–14th the second …), e.g. 第2・第4火曜.
    MonthWeeks(Vec<u8>),
}

/// A series' dates: how they repeat, on which weekdays, until when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pattern {
    pub repeat: Repeat,
    /// Never empty (the first date's weekday when none was chosen).
    pub weekdays: Vec<Weekday>,
    pub until: NaiveDate,
}

/// The week of the month a date falls in (1–5).
pub fn month_week(d: NaiveDate) -> u8 {
    // day0 is 0–30, so the quotient is 0–4.
    (d.day0() / 7) as u8 + 1
}

fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

impl Pattern {
    /// Whether a date after the first is one of the series'.
    fn matches(&self, first: NaiveDate, d: NaiveDate) -> bool {
        if !self.weekdays.contains(&d.weekday()) {
            return false;
        }
        match &self.repeat {
            Repeat::Weeks(n) => {
                let weeks = (monday(d) - monday(first)).num_days() / 7;
                weeks % i64::from((*n).max(1)) == 0
            }
            Repeat::MonthWeeks(weeks) => weeks.contains(&month_week(d)),
        }
    }

    /// The series' dates: the first date, then every later date up to
    /// `until` that the pattern gives.
    pub fn dates(&self, first: NaiveDate) -> Result<Vec<NaiveDate>, FieldProblem> {
        let problem = |problem| FieldProblem {
            field: BookingField::Until,
            problem,
        };
        if self.until <= first {
            return Err(problem(Problem::SeriesEndBefore));
        }
        let mut dates = vec![first];
        for d in first.iter_days().skip(1).take_while(|d| *d <= self.until) {
            if self.matches(first, d) {
                if dates.len() == MAX_OCCURRENCES {
                    return Err(problem(Problem::SeriesTooLong {
                        max: MAX_OCCURRENCES as u32,
                    }));
                }
                dates.push(d);
            }
        }
        Ok(dates)
    }
}

/// Reads the form's series fields: `repeat` (empty for a single booking,
/// `1`, `2` or `4` weeks, or `m` for weeks of the month), the weekdays
/// ticked (`1` Monday … `7` Sunday), the weeks of the month ticked (`1`–`5`)
/// and the last date. `None`: a single booking.
pub fn parse(
    first: NaiveDate,
    repeat: &str,
    days: &[String],
    weeks: &[String],
    until: &str,
) -> Result<Option<Pattern>, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let repeat_problem = |problem| FieldProblem {
        field: BookingField::Repeat,
        problem,
    };
    let mut weekdays = Vec::new();
    for raw in days {
        match raw.trim().parse::<u8>() {
            Ok(n @ 1..=7) => {
                let day = Weekday::try_from(n - 1).unwrap_or(Weekday::Mon);
                if !weekdays.contains(&day) {
                    weekdays.push(day);
                }
            }
            _ => problems.push(repeat_problem(Problem::UnknownChoice)),
        }
    }
    let mut month_weeks = Vec::new();
    for raw in weeks {
        match raw.trim().parse::<u8>() {
            Ok(n @ 1..=5) if !month_weeks.contains(&n) => month_weeks.push(n),
            Ok(1..=5) => {}
            _ => problems.push(repeat_problem(Problem::UnknownChoice)),
        }
    }
    let repeat = match repeat.trim() {
        "" => {
            return if problems.is_empty() {
                Ok(None)
            } else {
                Err(problems)
            };
        }
        "1" => Repeat::Weeks(1),
        "2" => Repeat::Weeks(2),
        "4" => Repeat::Weeks(4),
        "m" => {
            if month_weeks.is_empty() {
                month_weeks.push(month_week(first));
            }
            month_weeks.sort_unstable();
            Repeat::MonthWeeks(month_weeks)
        }
        _ => {
            problems.push(repeat_problem(Problem::UnknownChoice));
            Repeat::Weeks(1)
        }
    };
    if weekdays.is_empty() {
        weekdays.push(first.weekday());
    }
    weekdays.sort_by_key(|d| d.num_days_from_monday());
    let until = match until.trim() {
        "" => Err(Problem::Required),
        raw => crate::calendar::parse_date(crate::error::Field::Date, raw)
            .map_err(|_| Problem::DateFormat),
    };
    let until = match until {
        Ok(d) => Some(d),
        Err(problem) => {
            problems.push(FieldProblem {
                field: BookingField::Until,
                problem,
            });
            None
        }
    };
    match until {
        Some(until) if problems.is_empty() => Ok(Some(Pattern {
            repeat,
            weekdays,
            until,
        })),
        _ => Err(problems),
    }
}

#[cfg(test)]
#[path = "series_tests.rs"]
mod tests;
