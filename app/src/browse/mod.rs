//! Browsing: the home page, the facility list, a facility's month calendar
//! and a day's slots.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
