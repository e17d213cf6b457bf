//! 来庁予約: procedures, a visit's start times, booking, finding, moving and
//! cancelling a visit.

pub mod api;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod present;
#[cfg(feature = "ssr")]
pub mod procedures;
#[cfg(feature = "ssr")]
pub mod service;
pub mod texts;
pub mod types;
