//! The counters' day: visits per counter, statuses, absences and the
//! waiting display.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
pub mod types;
