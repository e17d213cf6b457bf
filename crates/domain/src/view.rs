//! View types shared by the JSON API, the server functions and the WASM front
//! end. Strings in them are already in the reader's language: the server
//! localises through `app::i18n` so the browser needs no tables of its own.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::availability::{DayStatus, SlotStatus};
use crate::calendar::YearMonth;
use crate::ids::{FacilityId, UnitId};

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
    /// Its photo, if it has one.
    pub photo: Option<Photo>,
}

/// A facility's photo: where it is, and what it shows for those who
/// cannot see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    /// Path of the image (under the town's prefix), naming its version.
    pub url: String,
    pub alt: String,
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
    /// The newest change the data includes: a live page's stream resumes
    /// after it (`/live/facilities/{id}?after=`).
    pub version: i64,
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
    /// For a free slot: the booking form's address; for a taken one, the
    /// form that joins its waiting list.
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
    /// The newest change the data includes (see [`MonthCalendar::version`]).
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

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

/// A town of the installation and its pages' address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TownLink {
    pub name: String,
    pub href: String,
}
