use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "municipality")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub time_zone: String,
    pub phone: String,
    /// 全国地方公共団体コード (six digits), empty until the town sets it.
    pub code: String,
    /// The licence of the town's published open data.
    pub open_data_licence: String,
    /// A host name that serves only this town (lower-cased), if any.
    pub host: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
