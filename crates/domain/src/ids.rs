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
    )*};
}

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
);
