//! The booking flow (form → review → done), finding, showing and
//! cancelling a booking.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
pub mod texts;
