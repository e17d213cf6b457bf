//! A town sets up its facilities and counters in the console: adding rooms
//! and areas (units) to a facility, so that a facility imported from the
//! town's list becomes bookable; divisions with their counters, procedures
//! and staff members (qualifications, duty hours), so residents can book
//! visits. Equipment lent with bookings, and units made part of another's
//! space, are kept on their own pages, as are the town's fee reductions
//! (減免区分). The new unit starts from the rules most towns use; its
//! periods, fees and windows are then edited on the rules page. The
//! installation's super-administrator adds towns and sets their host names.

pub mod api;
#[cfg(feature = "ssr")]
pub mod archive;
pub mod counter_pages;
#[cfg(feature = "ssr")]
pub mod counters;
#[cfg(feature = "ssr")]
pub mod equipment;
pub mod equipment_pages;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod photo;
pub mod reduction_pages;
#[cfg(feature = "ssr")]
pub mod reductions;
#[cfg(feature = "ssr")]
pub mod service;
pub mod texts;
pub mod town_pages;
#[cfg(feature = "ssr")]
pub mod towns;
pub mod types;
