use sea_orm::entity::prelude::*;

/// A booking as a series (定期利用): its bookings carry its id.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_series")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The resident's number for the whole series (受付番号).
    pub reference: String,
    pub unit_id: i64,
    /// `domain::series::Pattern` as JSON.
    pub pattern: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
