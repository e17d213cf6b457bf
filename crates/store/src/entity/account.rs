use domain::status::{AccountKind, Role};
use sea_orm::entity::prelude::*;

/// A person who signs in: staff (with a role) or a resident.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    /// Lower-cased.
    pub email: String,
    pub display_name: String,
    /// Argon2id, PHC string format.
    pub password_hash: String,
    /// `staff` or `resident`.
    pub kind: AccountKind,
    /// `admin`, `facility_manager` or `counter_staff` (staff only).
    pub role: Option<Role>,
    /// Base32 TOTP secret once a second factor is set up.
    pub totp_secret: Option<String>,
    /// The TOTP step (unix time / 30 s) of the last code used to sign in;
    /// codes of that step or earlier are refused (no replay).
    pub totp_last_step: Option<i64>,
    /// Sessions started under an older epoch are no longer valid.
    pub session_epoch: i32,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub password_changed_at: DateTimeUtc,
    /// SHA-256 of a new member's mailed enrolment code, until they use it.
    pub enrol_digest: Option<String>,
    /// Unix second after which the enrolment code no longer works.
    pub enrol_expires_s: Option<i64>,
    /// The installation's super-administrator (adds towns, sets host names).
    pub installation_admin: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
