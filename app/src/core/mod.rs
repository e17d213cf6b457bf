//! What every feature uses and that uses no feature: the language, the
//! error, the translated site-wide texts and shared components, and on the
//! server the application state, the browser session, access control,
//! sign-in, rate limits, mail, QR codes and calendar files.

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod calendar;
pub mod components;
pub mod error;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod ics;
pub mod lang;
#[cfg(feature = "ssr")]
pub mod limits;
pub mod live;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod messages;
#[cfg(feature = "ssr")]
pub mod qr;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod state;
pub mod text_size;
#[cfg(feature = "ssr")]
pub mod time;
pub mod town;
pub mod types;
