//! The one domain error. Rule: functions handling a request return a specific
//! error (this type, or the store's, which wraps it); `anyhow`-style catch-alls
//! are only for start-up and CLI code. The client always gets a translated
//! message built from the variant (see `app::i18n`), never the `Display` text of
//! a database error; the log gets the cause.

use serde::{Deserialize, Serialize};

/// Which input field an `Invalid` error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    From,
    To,
    Month,
    Date,
    FacilityId,
    /// The query string as a whole.
    Query,
}

impl Field {
    /// The parameter name as it appears in URLs and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::From => "from",
            Field::To => "to",
            Field::Month => "month",
            Field::Date => "date",
            Field::FacilityId => "facility_id",
            Field::Query => "query",
        }
    }
}

/// Why a field was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvalidReason {
    /// The value is missing.
    Missing,
    /// A date must look like `2026-12-07`.
    DateFormat,
    /// A month must look like `2026-12`.
    MonthFormat,
    /// An id must be a positive whole number.
    IdFormat,
    /// Only dates between 2000 and 2099 are supported.
    OutOfSupportedYears,
    /// `to` is before `from`.
    EndBeforeStart,
    /// The query string cannot be read (e.g. a parameter given twice).
    Malformed,
    /// The range is longer than allowed (days).
    RangeTooLong { max_days: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum DomainError {
    #[error("not found: {0:?}")]
    NotFound(Missing),
    #[error("invalid {field:?}: {reason:?}")]
    Invalid { field: Field, reason: InvalidReason },
}

/// What could not be found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    Facility,
}

impl DomainError {
    pub fn invalid(field: Field, reason: InvalidReason) -> Self {
        DomainError::Invalid { field, reason }
    }

    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::NotFound(_) => "not_found",
            DomainError::Invalid { reason, .. } => match reason {
                InvalidReason::RangeTooLong { .. } => "range_too_long",
                InvalidReason::EndBeforeStart => "end_before_start",
                _ => "invalid_parameter",
            },
        }
    }
}
