//! Importing closures (a facility or a unit) and absences (a staff member)
//! from a calendar file or a calendar's URL: read, previewed with every
//! booking or visit it meets, then written whole with a decision for each,
//! as a closure, block or absence made by hand. The upload itself is an
//! axum route (`server::imports`); the page is `/console/import`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod parse;
#[cfg(all(test, feature = "ssr"))]
mod parse_tests;
#[cfg(feature = "ssr")]
pub mod service;
pub mod texts;
pub mod types;
