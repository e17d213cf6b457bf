use domain::status::AppointmentStatus;
use sea_orm::entity::prelude::*;

/// A visit appointment (来庁予約): who comes, how, and its state.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appointment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub reference: String,
    pub name: String,
    pub name_kana: String,
    /// Digits only.
    pub phone: String,
    /// Lower-cased.
    pub email: String,
    /// `in_person` or `online`.
    pub mode: String,
    /// `booked`, `checked_in`, `serving`, `done`, `no_show` or `cancelled`.
    pub status: AppointmentStatus,
    pub created_at: DateTimeUtc,
    pub cancelled_at: Option<DateTimeUtc>,
    /// Staff are to call the visitor (an absence met the appointment).
    pub needs_contact: bool,
    /// The random key of the form that made it (a form sent twice).
    pub request_key: Option<String>,
    /// The iCalendar SEQUENCE: raised by a trigger on every change to time,
    /// place, staff or status.
    pub sequence: i64,
    /// Unix second of that last change (none since it was made).
    pub modified_s: Option<i64>,
    /// The resident account that booked it, if signed in (migration 010).
    pub account_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
