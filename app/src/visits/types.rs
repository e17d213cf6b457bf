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

/// `/visits`: the procedures to choose from, by department, filtered by a
/// search or a life event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitList {
    pub q: String,
    pub event: String,
    /// Department name and its procedures.
    pub groups: Vec<(String, Vec<ProcedureSummary>)>,
}

/// A start time to pick, in local wall-clock time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeChoice {
    /// `2026-11-25T09:00` (local), as the booking form takes it.
    pub start: String,
    /// `9:00–9:30`.
    pub label: String,
    pub remaining: u32,
}

/// The times of one day for a visit (procedure page, and moving a visit).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitDay {
    pub date: String,
    pub date_text: String,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub times: Vec<TimeChoice>,
    /// Why nothing can be booked that day, in words.
    pub closed: Option<String>,
    /// The newest change the times include (the live stream resumes after it).
    pub version: i64,
}

/// `/visits/procedures/:id`: the chosen procedures, others to add, a day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitPlan {
    pub procedures: Vec<ProcedureSummary>,
    /// Procedures that can be added to the same visit: id and name.
    pub others: Vec<(i64, String)>,
    /// The ids of the visit, comma-separated (`5,7,6`).
    pub ids: String,
    pub total_minutes: u32,
    pub day: VisitDay,
}

/// The contact details typed in the visit form (kept to show them again).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitValues {
    pub name: String,
    pub name_kana: String,
    pub phone: String,
    pub email: String,
    pub mode: String,
}

/// `/visits/book`: the contact form for a chosen visit and time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitForm {
    pub procedures: Vec<ProcedureSummary>,
    pub ids: String,
    pub start: String,
    pub when: String,
    pub online_possible: bool,
    pub values: VisitValues,
    /// Field name → what to fix.
    pub field_errors: Vec<(String, String)>,
    /// A problem with the visit itself (time taken meanwhile, say).
    pub error: Option<String>,
    /// A random key sent back with the form: a form sent twice gets the
    /// appointment the first send made.
    pub key: String,
}

/// One procedure of a visit, as its holder reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitItemLine {
    pub procedure: String,
    pub when: String,
    /// The staff member who will serve it.
    pub staff: String,
}

/// `/visits/appointments/:reference`, for the browser that booked or
/// proved it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitDetail {
    pub reference: String,
    pub status: String,
    pub status_text: String,
    pub mode_text: String,
    pub items: Vec<VisitItemLine>,
    pub documents: Vec<String>,
    pub notes: Vec<String>,
    /// The reference as a QR code (SVG), for the counter's reader.
    pub qr_svg: String,
    pub booked: bool,
    /// Staff will call the visitor (their member became unavailable).
    pub needs_contact: bool,
    /// Other times of a day to move to (while booked).
    pub day: Option<VisitDay>,
    pub flash: Option<String>,
    pub error: Option<String>,
}

/// `/visits/find`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitFind {
    pub reference: String,
    pub error: Option<String>,
}
