//! What the import page shows, already in the reader's language.

use serde::{Deserialize, Serialize};

use crate::console::types::{BookingLine, Me};
use crate::core::types::Flash;
use crate::counters::types::AbsenceCollision;

/// Something to import into: `value` is `facility:F`, `facility:F:U` or
/// `staff:S`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportTarget {
    pub value: String,
    pub label: String,
}

/// One item the import will write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewLine {
    pub when: String,
    pub summary: String,
    /// 休館日, 使用停止 or 不在, in words.
    pub kind: String,
}

/// A file read and not yet written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub target: String,
    pub source: String,
    pub lines: Vec<PreviewLine>,
    /// Events outside the next year, cancelled, or with no length.
    pub skipped: usize,
    /// Bookings the closures or blocks meet (each needs a decision).
    pub bookings: Vec<BookingLine>,
    /// Visits the absences meet (each needs a decision).
    pub visits: Vec<AbsenceCollision>,
}

/// `/console/import`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPage {
    pub me: Option<Me>,
    pub targets: Vec<ImportTarget>,
    pub flash: Option<Flash>,
    pub preview: Option<ImportPreview>,
}

/// Why a calendar's URL could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SourceProblem {
    /// Neither a file nor a URL.
    Missing,
    /// Not an `https://`, `http://` or `webcal://` address.
    BadUrl,
    /// An address inside the town's network (or this server).
    NotAllowed,
    /// No answer, or not in time.
    Unreachable,
    /// An answer other than 200.
    Refused(u16),
    /// Over the size an import may have.
    TooLarge,
    /// Not UTF-8 text.
    NotText,
}
