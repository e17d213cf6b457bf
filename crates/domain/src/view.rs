//! View types shared by the JSON API, the server functions and the WASM front
//! end. Strings in them are already in the reader's language: the server
//! localises through `app::i18n` so the browser needs no tables of its own.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::availability::{DayStatus, SlotStatus};
use crate::calendar::YearMonth;
use crate::ids::{FacilityId, UnitId};

/// The two languages of the product: Japanese first, English complete.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// Parses a language code; anything unknown is `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "ja" | "ja-jp" => Some(Lang::Ja),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the language from an `Accept-Language` header: the first
    /// supported entry by preference order; Japanese when none is.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut entries: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        entries.sort_by(|a, b| b.0.total_cmp(&a.0));
        entries
            .iter()
            .find_map(|(_, tag)| Lang::from_code(tag.split('-').next().unwrap_or(tag)))
            .unwrap_or_default()
    }
}

/// A text kept in both languages (names and notes entered by the town).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub ja: String,
    pub en: String,
}

impl Text {
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            ja: ja.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`, falling back to Japanese when no English was entered.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en.is_empty() => &self.en,
            _ => &self.ja,
        }
    }
}

/// A bookable unit, for lists and the API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitSummary {
    pub id: UnitId,
    pub name: String,
    pub parent_id: Option<UnitId>,
    pub capacity: u32,
    /// `fixed` periods (時間区分) or a free `grid`.
    pub booking_kind: String,
    pub notes: String,
}

/// A facility with its units.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacilitySummary {
    pub id: FacilityId,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub description: String,
    pub accessibility: String,
    /// Opening days and closing days in plain words.
    pub hours: String,
    pub units: Vec<UnitSummary>,
}

/// One slot in the availability API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlotView {
    /// RFC 3339 with the municipality's offset.
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub status: SlotStatus,
    /// Short human text for `closed` slots (休館日, 年末年始, 受付終了 …).
    pub reason: Option<String>,
    /// Stable code for `reason`: weekly, shifted_from_holiday, year_end,
    /// holiday, dated, window_closed.
    pub reason_code: Option<String>,
    /// The period's name for fixed slots (午前, 午後, 夜間).
    pub label: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitAvailability {
    pub id: UnitId,
    pub name: String,
    pub parent_id: Option<UnitId>,
    pub slots: Vec<SlotView>,
}

/// Body of `GET /api/v1/facilities/{id}/availability`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacilityAvailability {
    pub facility_id: FacilityId,
    pub time_zone: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub units: Vec<UnitAvailability>,
}

/// One day of the month calendar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayCell {
    pub date: NaiveDate,
    pub status: DayStatus,
    /// The holiday's name, if the day is one.
    pub holiday: Option<String>,
    /// Why the facility is closed, if it is.
    pub closure: Option<String>,
}

/// The month calendar of a facility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthCalendar {
    pub facility: FacilitySummary,
    pub month: YearMonth,
    pub today: NaiveDate,
    pub days: Vec<DayCell>,
}

/// A column of the day table: one period of the day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayColumn {
    /// Local `HH:MM`.
    pub start: String,
    pub end: String,
    pub label: Option<String>,
}

/// A cell of the day table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayCellSlot {
    pub status: SlotStatus,
    pub reason: Option<String>,
    /// Closed because booking for it has ended (受付終了), not because the
    /// facility is closed: shown with its own word.
    pub window_closed: bool,
    /// For a free slot: the booking form's address.
    pub book_href: Option<String>,
}

/// A row of the day table: one unit; `None` where the unit has no such period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayRow {
    pub unit: UnitSummary,
    pub cells: Vec<Option<DayCellSlot>>,
}

/// The day view: units × periods.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DaySchedule {
    pub facility: FacilitySummary,
    pub date: NaiveDate,
    pub today: NaiveDate,
    pub holiday: Option<String>,
    pub closure: Option<String>,
    pub columns: Vec<DayColumn>,
    pub rows: Vec<DayRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_supported_by_quality() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,ja;q=0.8"),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language("fr;q=1, ja;q=0.5, en;q=0.4"),
            Lang::Ja
        );
        assert_eq!(Lang::from_accept_language("de, en;q=0.1"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::Ja);
        assert_eq!(Lang::from_accept_language(";;;,q=x"), Lang::Ja);
    }

    #[test]
    fn text_falls_back_to_japanese() {
        assert_eq!(Text::new("和室", "").get(Lang::En), "和室");
        assert_eq!(
            Text::new("和室", "Japanese-style room").get(Lang::En),
            "Japanese-style room"
        );
    }

    #[test]
    fn slot_view_serialises_with_offset() {
        let t = DateTime::parse_from_rfc3339("2026-12-07T13:00:00+09:00").unwrap();
        let v = SlotView {
            start: t,
            end: t,
            status: SlotStatus::NotYetOpen,
            reason: None,
            reason_code: None,
            label: None,
        };
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["start"], "2026-12-07T13:00:00+09:00");
        assert_eq!(json["status"], "not_yet_open");
    }
}
