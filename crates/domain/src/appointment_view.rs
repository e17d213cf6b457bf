//! What the appointment API (and, later, its pages) sends: procedures with
//! what to bring, the free start times of a day, and an appointment.
//! Instants are RFC 3339 with the town's offset.

use serde::{Deserialize, Serialize};

/// A procedure (手続き) in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureSummary {
    pub id: i64,
    pub name: String,
    pub department: String,
    pub duration_minutes: u32,
    /// What to bring (持ち物).
    pub documents: Vec<String>,
    pub notes: String,
    pub online_possible: bool,
    /// Life events it belongs to: `moving`, `childcare`, `mynumber`, `tax`.
    pub life_events: Vec<String>,
}

/// One start time that can be booked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeOption {
    pub start: String,
    pub end: String,
    /// How many more appointments can start then.
    pub remaining: u32,
}

/// `GET /api/v1/procedures/{id}/availability?date=…`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureAvailability {
    pub procedure_id: i64,
    pub date: String,
    pub times: Vec<TimeOption>,
    /// Why the day offers nothing when the office is closed (`weekend`,
    /// `holiday`, `year_end`), else absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
}

/// One procedure of an appointment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentItemBody {
    pub procedure_id: i64,
    pub procedure: String,
    pub start: String,
    pub end: String,
}

/// An appointment as its holder sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentBody {
    pub reference: String,
    /// `booked`, `checked_in`, `serving`, `done`, `no_show` or `cancelled`.
    pub status: String,
    /// `in_person` or `online`.
    pub mode: String,
    pub items: Vec<AppointmentItemBody>,
    /// What to bring, for all its procedures together.
    pub documents: Vec<String>,
}
