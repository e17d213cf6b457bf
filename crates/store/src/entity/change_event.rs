use sea_orm::entity::prelude::*;

/// One committed change, written by the triggers of migration 008 (no
/// personal data: ids, times, a status).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "change_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: Option<i64>,
    pub kind: String,
    pub facility_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub department_id: Option<i64>,
    pub procedure_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub subject_id: Option<i64>,
    pub status: String,
    pub start_s: Option<i64>,
    pub end_s: Option<i64>,
    pub from_day: Option<String>,
    pub to_day: Option<String>,
    pub at_s: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
