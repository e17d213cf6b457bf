//! Residents' accounts: registration, sign-in, "my bookings".

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
pub mod texts;
pub mod types;
