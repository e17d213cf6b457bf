use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "unit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub facility_id: i64,
    pub parent_id: Option<i64>,
    pub name_ja: String,
    pub name_en: String,
    pub notes_ja: String,
    pub notes_en: String,
    pub capacity: i32,
    /// `fixed` or `grid`.
    pub booking_kind: String,
    pub grid_step_minutes: i32,
    pub min_slots: i32,
    pub max_slots: i32,
    pub requires_approval: bool,
    pub pending_hold_hours: i32,
    pub open_months_before: i32,
    pub open_months_before_nonresident: i32,
    pub open_day: i32,
    pub open_minute: i32,
    pub close_days_before: i32,
    pub close_minute: i32,
    pub cancel_days_before: i32,
    pub cancel_minute: i32,
    pub grid_fee_resident_yen: i64,
    pub grid_fee_nonresident_yen: i64,
    pub sort_order: i32,
    /// Since when it takes no bookings (受付終了); none: it takes them.
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
