//! The booking flow (form → review → done), finding, showing and
//! cancelling a booking, series (定期利用) and the waiting list (キャンセル待ち).

pub mod api;
#[cfg(feature = "ssr")]
pub mod input;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod present;
#[cfg(feature = "ssr")]
pub mod series;
#[cfg(feature = "ssr")]
pub mod service;
pub mod texts;
pub mod types;
#[cfg(feature = "ssr")]
pub mod waitlist;
