//! Typed identifiers so that a unit id can never be passed where a facility id
//! is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        /// The one way ids are read from text (paths, forms, queries):
        /// a whole number of 1 or more, surrounding spaces ignored.
        impl std::str::FromStr for $name {
            type Err = BadId;
            fn from_str(raw: &str) -> Result<Self, BadId> {
                raw.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .map($name)
                    .ok_or(BadId)
            }
        }
    )*};
}

/// Text that is no id: not a whole number of 1 or more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadId;

id_type!(
    /// A municipality (自治体).
    MunicipalityId,
    /// A facility (施設).
    FacilityId,
    /// A bookable unit (部屋・区画).
    UnitId,
    /// Equipment a facility lends (付帯設備).
    EquipmentId,
    /// A booking (予約).
    BookingId,
    /// A procedure at the town hall's counters (手続き).
    ProcedureId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positive_whole_numbers() {
        assert_eq!(" 12 ".parse::<UnitId>(), Ok(UnitId(12)));
        for bad in ["", "0", "-3", "1.5", "abc", "9999999999999999999"] {
            assert_eq!(bad.parse::<FacilityId>(), Err(BadId), "{bad}");
        }
    }
}
