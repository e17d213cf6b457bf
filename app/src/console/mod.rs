//! The managers' console: sign-in, timeline, decisions, blocks, closures,
//! rules, usage report, staff, audit log and outbox.

pub mod api;
#[cfg(feature = "ssr")]
mod audit;
#[cfg(feature = "ssr")]
mod blocks;
#[cfg(feature = "ssr")]
mod decisions;
pub mod pages;
#[cfg(feature = "ssr")]
mod report;
#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod staff;
pub mod texts;
#[cfg(feature = "ssr")]
mod timeline;
pub mod types;
