use sea_orm::entity::prelude::*;

/// An e-mail: sent (`sent_at`) or waiting in the outbox.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    /// The booking's calendar file, attached when sent.
    pub ics: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// Why the SMTP server did not take it (no personal data).
    pub last_error: Option<String>,
    /// Sending attempts so far.
    pub attempts: i32,
    /// Not to be tried before this Unix second (backoff).
    pub next_attempt_s: i64,
    /// A process sending it holds it until this Unix second.
    pub claimed_until_s: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
