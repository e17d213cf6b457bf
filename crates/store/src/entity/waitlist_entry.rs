use domain::status::WaitState;
use sea_orm::entity::prelude::*;

/// A place on a waiting list (キャンセル待ち): the time wanted, who wants
/// it and the fee it would cost, and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "waitlist_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The resident's number for it (受付番号), like a booking's.
    pub reference: String,
    pub municipality_id: i64,
    pub facility_id: i64,
    pub unit_id: i64,
    pub start_at: DateTimeUtc,
    pub end_at: DateTimeUtc,
    pub name: String,
    pub name_kana: String,
    pub phone: String,
    pub email: String,
    pub purpose: String,
    pub attendees: i32,
    pub resident: bool,
    pub fee_total_yen: i64,
    /// JSON array of the fee lines, as a booking keeps them.
    pub fee_lines: String,
    pub account_id: Option<i64>,
    pub state: WaitState,
    /// The pending booking held for them once offered.
    pub booking_id: Option<i64>,
    /// Whether the offer's mail is in the outbox.
    pub offer_mailed: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
