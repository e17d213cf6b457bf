use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "facility")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub name_ja: String,
    pub name_en: String,
    pub address_ja: String,
    pub address_en: String,
    pub phone: String,
    pub description_ja: String,
    pub description_en: String,
    pub accessibility_ja: String,
    pub accessibility_en: String,
    /// Comma-separated weekdays: `mon,tue`.
    pub closed_weekdays: String,
    pub shift_when_holiday: bool,
    pub year_end_closure: bool,
    pub closed_on_holidays: bool,
    pub sort_order: i32,
    /// Active bookings one e-mail address or phone number may hold here.
    pub max_active_bookings: i32,
    /// The `ID` of the town's open data facility list (公共施設一覧), unique
    /// within the town; `None` for a facility the list does not hold.
    pub open_data_id: Option<String>,
    pub name_kana: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// The facility's own page on the town's website.
    pub url: String,
    /// Since when it takes no bookings (受付終了); none: it takes them.
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
