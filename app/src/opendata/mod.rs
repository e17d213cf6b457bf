//! The town's facility list as open data (「公共施設一覧」): imported by an
//! admin from the Digital Agency's recommended CSV (read, previewed, then
//! written whole) and published as CSV and JSON with its licence. The
//! upload and the published files are axum routes (`server::imports`,
//! `server::lib`); the pages are `/console/facility-list` and `/opendata`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod list;
#[cfg(all(test, feature = "ssr"))]
mod list_tests;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
pub mod texts;
pub mod types;
