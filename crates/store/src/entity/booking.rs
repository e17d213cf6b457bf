use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "booking")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub unit_id: i64,
    pub reference: String,
    pub start_at: DateTimeUtc,
    pub end_at: DateTimeUtc,
    /// `pending`, `confirmed`, `cancelled` or `expired`.
    pub status: String,
    pub name: String,
    pub name_kana: String,
    pub phone: String,
    pub email: String,
    pub purpose: String,
    pub attendees: i32,
    pub resident: bool,
    pub fee_total_yen: i64,
    /// JSON array of the fee lines as computed at booking time.
    pub fee_lines: String,
    pub created_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub created_by_staff_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
