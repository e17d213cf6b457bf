use sea_orm::entity::prelude::*;

/// One staff action (append-only: the database refuses updates and deletes).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    /// `account:<id> <email>` of the staff member.
    pub actor: String,
    /// e.g. `booking.approve`, `contact.view`, `account.create`.
    pub action: String,
    /// e.g. `booking:K7MQ2X`, `unit:3`, `account:5`.
    pub target: String,
    /// JSON of the changed fields before and after.
    pub before: Option<String>,
    pub after: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
