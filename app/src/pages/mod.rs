//! One module per screen.

mod day;
mod facilities;
mod home;
mod month;

pub use day::FacilityDay;
pub use facilities::FacilityList;
pub use home::{Home, NotFound};
pub use month::FacilityMonth;
