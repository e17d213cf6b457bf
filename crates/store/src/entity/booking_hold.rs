use sea_orm::entity::prelude::*;

/// One resource (leaf unit `u:<id>` or equipment copy `e:<id>:<n>`) held by
/// an active booking from `start_s` to `end_s` (Unix seconds, half-open).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_hold")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub booking_id: i64,
    pub resource: String,
    pub start_s: i64,
    pub end_s: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
