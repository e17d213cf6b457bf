//! Local calendar dates: parsing what people and URLs send, month arithmetic,
//! and checked date ranges. All dates here are wall-clock dates in the
//! municipality's zone.

use crate::error::{DomainError, Field, InvalidReason};
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The years whose holidays and calendars this system vouches for.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2099;

/// The longest range the availability API accepts, in days (inclusive).
pub const MAX_RANGE_DAYS: u32 = 92;

/// Parses a `YYYY-MM-DD` date within the supported years.
pub fn parse_date(field: Field, raw: &str) -> Result<NaiveDate, DomainError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(DomainError::invalid(field, InvalidReason::Missing));
    }
    let ok_shape = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let date = ok_shape
        .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
        .flatten()
        .ok_or(DomainError::invalid(field, InvalidReason::DateFormat))?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        return Err(DomainError::invalid(
            field,
            InvalidReason::OutOfSupportedYears,
        ));
    }
    Ok(date)
}

/// A calendar month, e.g. 2026年12月.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn of(date: NaiveDate) -> Self {
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Parses `YYYY-MM` within the supported years.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let invalid = |reason| DomainError::invalid(Field::Month, reason);
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(invalid(InvalidReason::Missing));
        }
        let (y, m) = raw
            .split_once('-')
            .filter(|(y, m)| {
                y.len() == 4
                    && m.len() == 2
                    && y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
            })
            .ok_or(invalid(InvalidReason::MonthFormat))?;
        let year: i32 = y.parse().map_err(|_| invalid(InvalidReason::MonthFormat))?;
        let month: u32 = m.parse().map_err(|_| invalid(InvalidReason::MonthFormat))?;
        if !(1..=12).contains(&month) {
            return Err(invalid(InvalidReason::MonthFormat));
        }
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(invalid(InvalidReason::OutOfSupportedYears));
        }
        Ok(YearMonth { year, month })
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated month")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day() - Duration::days(1)
    }

    /// Adds (or with a negative `n`, subtracts) whole months.
    pub fn add_months(self, n: i32) -> Self {
        let index = self.year * 12 + (self.month as i32 - 1) + n;
        YearMonth {
            year: index.div_euclid(12),
            month: index.rem_euclid(12) as u32 + 1,
        }
    }

    pub fn next(self) -> Self {
        self.add_months(1)
    }

    pub fn prev(self) -> Self {
        self.add_months(-1)
    }

    /// Whether the month lies within the supported years.
    pub fn is_supported(self) -> bool {
        (FIRST_YEAR..=LAST_YEAR).contains(&self.year)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// An inclusive range of local dates, at most [`MAX_RANGE_DAYS`] long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    /// Checks order and length.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, DomainError> {
        if to < from {
            return Err(DomainError::invalid(
                Field::To,
                InvalidReason::EndBeforeStart,
            ));
        }
        let days = (to - from).num_days() + 1;
        if days > i64::from(MAX_RANGE_DAYS) {
            return Err(DomainError::invalid(
                Field::To,
                InvalidReason::RangeTooLong {
                    max_days: MAX_RANGE_DAYS,
                },
            ));
        }
        Ok(DateRange { from, to })
    }

    /// Parses the `from`/`to` query parameters of the availability API.
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Self, DomainError> {
        let from = parse_date(Field::From, from.unwrap_or(""))?;
        let to = parse_date(Field::To, to.unwrap_or(""))?;
        Self::new(from, to)
    }

    pub fn month(month: YearMonth) -> Self {
        DateRange {
            from: month.first_day(),
            to: month.last_day(),
        }
    }

    pub fn days(self) -> impl Iterator<Item = NaiveDate> {
        self.from.iter_days().take_while(move |d| *d <= self.to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_dates_and_refuses_bad_ones() {
        assert_eq!(parse_date(Field::From, "2026-12-07"), Ok(d(2026, 12, 7)));
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "26-12-07",
            "2026/12/07",
            "２０２６-12-07",
            "2026-12-7",
            "x",
        ] {
            assert_eq!(
                parse_date(Field::From, bad),
                Err(DomainError::invalid(Field::From, InvalidReason::DateFormat)),
                "{bad}"
            );
        }
        assert_eq!(
            parse_date(Field::To, ""),
            Err(DomainError::invalid(Field::To, InvalidReason::Missing))
        );
        assert_eq!(
            parse_date(Field::To, "1999-12-31"),
            Err(DomainError::invalid(
                Field::To,
                InvalidReason::OutOfSupportedYears
            ))
        );
        assert_eq!(
            parse_date(Field::To, "2100-01-01"),
            Err(DomainError::invalid(
                Field::To,
                InvalidReason::OutOfSupportedYears
            ))
        );
    }

    #[test]
    fn months_parse_and_step_across_years() {
        let m = YearMonth::parse("2026-12").unwrap();
        assert_eq!(
            m.next(),
            YearMonth {
                year: 2027,
                month: 1
            }
        );
        assert_eq!(
            m.add_months(-12),
            YearMonth {
                year: 2025,
                month: 12
            }
        );
        assert_eq!(
            YearMonth {
                year: 2027,
                month: 1
            }
            .prev(),
            m
        );
        assert_eq!(
            YearMonth {
                year: 2028,
                month: 2
            }
            .last_day(),
            d(2028, 2, 29)
        );
        assert_eq!(m.to_string(), "2026-12");
        for bad in [
            "2026-1",
            "2026-00",
            "2026-13",
            "abcd-ef",
            "202612",
            "2026-12-01",
        ] {
            assert!(YearMonth::parse(bad).is_err(), "{bad}");
        }
        assert!(YearMonth::parse("3000-01").is_err());
    }

    #[test]
    fn ranges_are_inclusive_and_bounded() {
        let r = DateRange::parse(Some("2026-12-01"), Some("2026-12-31")).unwrap();
        assert_eq!(r.days().count(), 31);
        assert!(DateRange::new(d(2026, 1, 1), d(2026, 4, 2)).is_ok()); // 92 days
        assert_eq!(
            DateRange::new(d(2026, 1, 1), d(2026, 4, 3)),
            Err(DomainError::invalid(
                Field::To,
                InvalidReason::RangeTooLong { max_days: 92 }
            ))
        );
        assert_eq!(
            DateRange::new(d(2026, 1, 2), d(2026, 1, 1))
                .unwrap_err()
                .code(),
            "end_before_start"
        );
        assert!(DateRange::parse(None, Some("2026-01-01")).is_err());
    }
}
