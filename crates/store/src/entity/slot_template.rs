use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "slot_template")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub unit_id: i64,
    pub label_ja: String,
    pub label_en: String,
    pub start_minute: i32,
    pub end_minute: i32,
    pub fee_resident_yen: i64,
    pub fee_nonresident_yen: i64,
    pub holiday_fee_resident_yen: Option<i64>,
    pub holiday_fee_nonresident_yen: Option<i64>,
    pub sort_order: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
