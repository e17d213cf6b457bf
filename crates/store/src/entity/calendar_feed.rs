use domain::status::{FeedDetail, FeedScope};
use sea_orm::entity::prelude::*;

/// One secret calendar feed URL (migration 009): only its token's SHA-256
/// is kept.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_feed")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    /// The account that made it; its role and scope are checked on every
    /// fetch. None: a booking's or a visit's own feed, made on its page
    /// after the reference + contact proof (migration 010).
    pub owner_id: Option<i64>,
    pub name: String,
    pub scope: FeedScope,
    pub scope_id: i64,
    pub detail: FeedDetail,
    /// `ja` or `en`: the language of its summaries.
    pub lang: String,
    /// SHA-256 of the token, as 64 hex digits.
    pub token_hash: String,
    pub created_at: DateTimeUtc,
    /// When the current token was made (creation or the last renewal).
    pub renewed_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
