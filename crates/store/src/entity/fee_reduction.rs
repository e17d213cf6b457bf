use sea_orm::entity::prelude::*;

/// A town's fee reduction category (減免区分).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fee_reduction")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub name_ja: String,
    pub name_en: String,
    /// The share of the fee taken off, 1–100.
    pub percent: i32,
    /// What the applicant must give (a group's register, a plan …).
    pub proof_ja: String,
    pub proof_en: String,
    /// Offered on the booking form (bookings keep a category no longer offered).
    pub offered: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
