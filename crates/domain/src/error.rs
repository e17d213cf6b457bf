//! The one domain error. Rule: functions handling a request return a specific
//! error (this type, or the store's, which wraps it); `anyhow`-style catch-alls
//! are only for start-up and CLI code. The client always gets a translated
//! message built from the variant (see `app::i18n`), never the `Display` text of
//! a database error; the log gets the cause.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::applicant::FieldProblem;
use crate::closure::ClosureReason;

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
    /// A request body as a whole.
    Body,
    /// Console forms: why staff act, which action, and account fields.
    Reason,
    Action,
    StartTime,
    EndTime,
    Email,
    Name,
    Role,
    Scope,
    /// Visit appointments: the procedures, the start time, in person or online.
    ProcedureIds,
    Start,
    Mode,
    /// The API's `Idempotency-Key` header.
    IdempotencyKey,
    /// Calendar feeds: the name, what it shows, how much it tells.
    FeedName,
    FeedScope,
    FeedDetail,
    /// The unit whose space a unit is part of (全面 of 半面).
    Parent,
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
            Field::Body => "body",
            Field::Reason => "reason",
            Field::Action => "action",
            Field::StartTime => "from",
            Field::EndTime => "to",
            Field::Email => "email",
            Field::IdempotencyKey => "idempotency-key",
            Field::Name => "name",
            Field::Role => "role",
            Field::Scope => "scope",
            Field::ProcedureIds => "procedure_ids",
            Field::Start => "start",
            Field::Mode => "mode",
            Field::FeedName => "name",
            Field::FeedScope => "scope",
            Field::FeedDetail => "detail",
            Field::Parent => "parent",
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
    /// More items than allowed (procedures in one visit).
    TooMany { max: u32 },
    /// A start time (or way of attending) that is not offered at all: off
    /// the 15-minute grid, outside duty hours, a closed day, too soon or too
    /// far ahead; or online for a procedure only done in person.
    NotOffered,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum DomainError {
    #[error("not found: {0:?}")]
    NotFound(Missing),
    #[error("invalid {field:?}: {reason:?}")]
    Invalid { field: Field, reason: InvalidReason },
    /// Form or body fields to fix, all at once (HTTP 422).
    #[error("invalid fields: {0:?}")]
    Fields(Vec<FieldProblem>),
    /// The unit's rules refuse the request (HTTP 422).
    #[error("rule: {0:?}")]
    Rule(RuleViolation),
    /// The state of the booking or its slots does not allow it (HTTP 409).
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
}

/// Why a request clashes with the current state (HTTP 409).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Conflict {
    /// Someone else holds (part of) the time.
    SlotTaken,
    /// All of this equipment is lent out at that time.
    EquipmentUnavailable,
    /// The booking is already cancelled (or expired).
    AlreadyCancelled,
    /// No qualified staff member is free for some procedure of the visit
    /// then (taken meanwhile, absent, or busy).
    NoCapacity,
    /// An absence meets an appointment that has no decision (booked while
    /// the form was open, say): decide again.
    AbsenceUndecided,
    /// Past the cancellation deadline: the facility must be contacted.
    CancelDeadlinePassed { phone: String },
    /// The time asked to wait for is free now: book it instead.
    WaitFree,
    /// This contact is already in line for this time.
    AlreadyWaiting,
    /// This contact already holds as many places in the facility's lines
    /// as it may hold active bookings there.
    WaitLimit { max: u32 },
    /// The waiting list takes the time alone, without equipment or a fee
    /// reduction.
    WaitExtras,
}

impl Conflict {
    pub fn code(&self) -> &'static str {
        match self {
            Conflict::SlotTaken => "slot_taken",
            Conflict::EquipmentUnavailable => "equipment_unavailable",
            Conflict::AlreadyCancelled => "already_cancelled",
            Conflict::NoCapacity => "no_capacity",
            Conflict::AbsenceUndecided => "absence_undecided",
            Conflict::CancelDeadlinePassed { .. } => "cancel_deadline_passed",
            Conflict::WaitFree => "wait_free",
            Conflict::AlreadyWaiting => "already_waiting",
            Conflict::WaitLimit { .. } => "wait_limit",
            Conflict::WaitExtras => "wait_extras",
        }
    }
}

/// What could not be found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    Facility,
    Unit,
    /// No booking with that reference and contact (one answer for both, so
    /// nobody can probe which references exist).
    Booking,
    /// The booking form's answers (expired or never started).
    Draft,
    Procedure,
    Department,
    /// A staff member (of the division asked for).
    StaffMember,
    /// A counter (of the division asked for).
    Counter,
    /// A piece of equipment (of the facility asked for).
    Equipment,
    /// A fee reduction category (of the town).
    Reduction,
    /// No appointment with that reference and contact (one answer for both).
    Appointment,
    /// No working calendar feed with that token (unknown, renewed, revoked
    /// or its owner's scope gone: one answer for all).
    Feed,
    /// No town named in the address (an installation of several towns), or
    /// no town of that name.
    Town,
}

impl DomainError {
    pub fn invalid(field: Field, reason: InvalidReason) -> Self {
        DomainError::Invalid { field, reason }
    }

    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::NotFound(Missing::Booking) => "booking_not_found",
            DomainError::NotFound(Missing::Appointment) => "appointment_not_found",
            DomainError::NotFound(Missing::Town) => "town_not_found",
            DomainError::NotFound(_) => "not_found",
            DomainError::Fields(_) => "invalid_input",
            DomainError::Rule(r) => r.code(),
            DomainError::Conflict(c) => c.code(),
            DomainError::Invalid { reason, .. } => match reason {
                InvalidReason::RangeTooLong { .. } => "range_too_long",
                InvalidReason::EndBeforeStart => "end_before_start",
                InvalidReason::TooMany { .. } => "too_many",
                InvalidReason::NotOffered => "not_offered",
                _ => "invalid_parameter",
            },
        }
    }
}

/// Why the rules refuse a request (HTTP 422; each has a stable code).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleViolation {
    /// Start and end do not match this unit's slots on one day.
    SlotMismatch,
    TooFewSlots {
        min: u32,
    },
    TooManySlots {
        max: u32,
    },
    ClosedDay {
        reason: ClosureReason,
    },
    InPast,
    /// Booking opens at this local time (町外 windows are shorter).
    WindowNotOpen {
        opens: NaiveDateTime,
        nonresident: bool,
    },
    WindowClosed {
        closed: NaiveDateTime,
    },
    OverCapacity {
        capacity: u32,
    },
    LimitReached {
        max: u32,
    },
    /// The contact holds `max` active bookings and visits in the whole town.
    TownLimitReached {
        max: u32,
    },
}

impl RuleViolation {
    pub fn code(&self) -> &'static str {
        match self {
            RuleViolation::SlotMismatch => "slot_mismatch",
            RuleViolation::TooFewSlots { .. } => "too_few_slots",
            RuleViolation::TooManySlots { .. } => "too_many_slots",
            RuleViolation::ClosedDay { .. } => "closed_day",
            RuleViolation::InPast => "slot_in_past",
            RuleViolation::WindowNotOpen { .. } => "window_not_open",
            RuleViolation::WindowClosed { .. } => "window_closed",
            RuleViolation::OverCapacity { .. } => "over_capacity",
            RuleViolation::LimitReached { .. } => "limit_reached",
            RuleViolation::TownLimitReached { .. } => "town_limit_reached",
        }
    }
}
