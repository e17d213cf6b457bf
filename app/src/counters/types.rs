//! What the counter pages show, already in the reader's language.

use serde::{Deserialize, Serialize};

use crate::console::types::Me;
use crate::core::types::{Choice, Flash};

/// `/console/visits`: a day's appointments at the counters in scope.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterDay {
    pub me: Option<Me>,
    pub date: String,
    pub date_text: String,
    pub prev: String,
    pub next: String,
    pub lines: Vec<CounterLine>,
    /// The departments in scope, for their waiting displays.
    pub departments: Vec<Choice>,
    pub flash: Option<Flash>,
    /// The newest change the list includes (the live stream resumes after it).
    pub version: i64,
}

/// One appointment on the counter list (keyed by all of it: a row is
/// drawn again when anything in it changed).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CounterLine {
    pub id: i64,
    pub reference: String,
    pub visitor: String,
    pub when: String,
    /// Each procedure with the member serving it.
    pub items: Vec<String>,
    pub status: String,
    pub status_text: String,
    pub needs_contact: bool,
    /// The status changes offered now: action code and button text.
    pub actions: Vec<(String, String)>,
}

/// The absence form's answers, kept while collisions are decided.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsenceValues {
    pub staff: String,
    pub date: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

/// `/console/visits/absence`: the form, then each appointment it meets.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsencePage {
    pub me: Option<Me>,
    pub staff: Vec<Choice>,
    pub values: AbsenceValues,
    /// `None` before the check; then the appointments met (maybe none).
    pub collisions: Option<Vec<AbsenceCollision>>,
    pub flash: Option<Flash>,
}

/// An appointment item the absence meets, and who could take it over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsenceCollision {
    pub item: i64,
    pub reference: String,
    pub procedure: String,
    pub when: String,
    pub candidates: Vec<Choice>,
}

/// `/display/:department`: the waiting display (reference codes only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingDisplay {
    pub department: String,
    pub serving: Vec<String>,
    pub next: Vec<String>,
    pub updated: String,
}
