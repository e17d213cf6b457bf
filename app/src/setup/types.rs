//! What the unit form shows.

use serde::{Deserialize, Serialize};

use crate::console::types::Me;
use crate::core::types::Flash;

/// The unit form as typed (kept to show again with its messages).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitForm {
    pub name_ja: String,
    pub name_en: String,
    pub notes_ja: String,
    pub notes_en: String,
    pub capacity: String,
    /// `fixed` or `grid`.
    pub kind: String,
}

/// A problem shown next to its field (`key` names the input).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormMessage {
    pub key: String,
    pub message: String,
}

/// `/console/facilities/{id}/units/new`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUnitPage {
    pub me: Me,
    pub facility_id: i64,
    pub facility: String,
    pub values: UnitForm,
    pub errors: Vec<FormMessage>,
    pub flash: Option<Flash>,
}

/// The facility details form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailsForm {
    pub name_ja: String,
    pub name_en: String,
    pub name_kana: String,
    pub address_ja: String,
    pub address_en: String,
    pub phone: String,
    pub latitude: String,
    pub longitude: String,
    pub url: String,
    pub description_ja: String,
    pub description_en: String,
    pub accessibility_ja: String,
    pub accessibility_en: String,
}

/// `/console/facilities/{id}/details`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailsPage {
    pub me: Me,
    pub facility_id: i64,
    pub title: String,
    pub values: DetailsForm,
    pub errors: Vec<FormMessage>,
    pub flash: Option<Flash>,
}

/// A new facility as typed: its list ID and what the details form starts
/// with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFacilityForm {
    pub id: String,
    pub name_ja: String,
    pub name_kana: String,
    pub name_en: String,
    pub address_ja: String,
    pub phone: String,
}

/// `/console/new-facility`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFacilityPage {
    pub me: Me,
    pub values: NewFacilityForm,
    pub errors: Vec<FormMessage>,
    pub flash: Option<Flash>,
}
