use domain::status::{BookingKind, BookingStatus, Usage};
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
    pub status: BookingStatus,
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
    /// The staff account (`account.id`) that made a proxy booking (代行予約).
    pub created_by_staff_id: Option<i64>,
    pub kind: BookingKind,
    /// `used` (利用済) or `no_show` (不来場), once staff mark it.
    pub usage: Option<Usage>,
    /// When staff recorded the fee as received (収納済).
    pub paid_at: Option<DateTimeUtc>,
    /// Why staff rejected or cancelled it, or why a block was made.
    pub status_reason: Option<String>,
    /// A pending request that staff turned down (status `cancelled`).
    pub rejected: bool,
    /// Why a proxy booking was allowed outside the window or deadline.
    pub override_reason: Option<String>,
    /// The resident account that made it, if signed in.
    pub account_id: Option<i64>,
    /// The random key of the draft that made it: a form sent twice is
    /// recognised by it (never by contact data).
    pub request_key: Option<String>,
    /// The iCalendar SEQUENCE: raised by a trigger on every change to time,
    /// place, staff or status.
    pub sequence: i64,
    /// Unix second of that last change (none since it was made).
    pub modified_s: Option<i64>,
    /// The series (定期利用) it is one date of, if any.
    pub series_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
