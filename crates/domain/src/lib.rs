//! Pure domain types and rules of the town booking system: calendars, Japanese
//! public holidays, facility closures, slot generation, availability, and
//! the booking rules (applicant details, slot choice, fees, deadlines).
//!
//! No I/O lives here: the store loads rows and hands plain values to these
//! functions, so nearly every rule is unit-tested in this crate. The crate also
//! compiles for `wasm32` because the front end shares its view types (`view`).

pub mod applicant;
pub mod appointment;
pub mod availability;
pub mod booking;
pub mod calendar;
pub mod closure;
pub mod error;
pub mod holidays;
pub mod ids;
pub mod reference;
pub mod report;
pub mod rules_edit;
pub mod schedule;
pub mod series;
pub mod space;
pub mod status;
pub mod text;
pub mod view;

pub use error::DomainError;
