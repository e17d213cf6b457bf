//! The managers' console: sign-in, timeline, decisions, blocks, closures,
//! rules, usage report, staff, audit log and outbox.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
pub mod texts;
pub mod types;
