use sea_orm::entity::prelude::*;

/// One procedure of an appointment, at its time, with the member serving it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appointment_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub appointment_id: i64,
    pub procedure_id: i64,
    pub staff_id: i64,
    pub counter_id: Option<i64>,
    pub start_at: DateTimeUtc,
    pub end_at: DateTimeUtc,
    /// Unix seconds of `start_at` / `end_at`, for the no-overlap rule.
    pub start_s: i64,
    pub end_s: i64,
    /// False once the appointment is cancelled (it then holds no time).
    pub active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
