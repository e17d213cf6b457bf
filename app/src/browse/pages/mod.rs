//! The browsing pages.

pub mod day;
pub mod facilities;
pub mod home;
pub mod month;
pub mod towns;
