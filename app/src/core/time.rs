//! Instants and the town's wall clock: the service's clock, a local date
//! and time to UTC, and a span as people read it.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::availability;
use domain::text::Lang;

use crate::core::i18n::format_date;

/// `2026年12月8日(火) 13:00–17:00`.
pub fn when_text(
    lang: Lang,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> String {
    let (s, e) = (start.with_timezone(&tz), end.with_timezone(&tz));
    format!(
        "{} {}–{}",
        format_date(lang, s.date_naive()),
        s.format("%-H:%M"),
        e.format("%-H:%M")
    )
}

/// A local date and `HH:MM` as an instant in the facility's zone.
pub fn local_instant(tz: chrono_tz::Tz, date: NaiveDate, time: &str) -> Option<DateTime<Utc>> {
    let t = NaiveTime::parse_from_str(time.trim(), "%H:%M").ok()?;
    availability::to_utc(tz, date.and_time(t))
}

/// Where "now" comes from; tests pin it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;
