//! Calendar feeds (iCal subscriptions): secret URLs that staff add to
//! Outlook, Google or Apple Calendar for a unit, a facility, a division's
//! counters or one staff member, and that residents add for their own
//! bookings. Made, renewed and revoked on `/console/feeds` and `/my/feeds`;
//! served at `/feeds/{token}.ics` (see `server`).

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
pub mod texts;
pub mod types;
