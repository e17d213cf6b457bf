use sea_orm::entity::prelude::*;

/// A procedure (手続き) visitors come for.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "procedure")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub department_id: i64,
    pub name_ja: String,
    pub name_en: String,
    /// Hiragana reading and other forms that the search matches.
    pub reading: String,
    pub duration_minutes: i32,
    /// What to bring (持ち物), one item a line.
    pub documents_ja: String,
    pub documents_en: String,
    /// Notes, and for online consultations how to join.
    pub notes_ja: String,
    pub notes_en: String,
    pub online_possible: bool,
    /// Life events (引越し …) as comma-separated codes: `moving`, `childcare`,
    /// `mynumber`, `tax`.
    pub life_events: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
