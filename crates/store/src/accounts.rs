//! Accounts (staff and residents), their scopes, the audit log and the mail
//! outbox. Passwords arrive here already hashed (Argon2id, in `app::auth`);
//! nothing in this module sees a plain password or a TOTP code.

use chrono::{DateTime, Utc};
use domain::status::{AccountKind, AuditAction, Role};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::entity::{
    account, account_department, account_facility, audit_log, department, municipality,
};
use crate::{Store, StoreError};

/// An account with its scope.
#[derive(Clone, Debug)]
pub struct AccountRecord {
    pub row: account::Model,
    /// Facilities a `facility_manager` manages.
    pub facilities: Vec<i64>,
    /// Departments a `counter_staff` member works for.
    pub departments: Vec<i64>,
}

/// An account to create.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub municipality_id: i64,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    /// `None` for a resident.
    pub role: Option<Role>,
    pub totp_secret: Option<String>,
    pub facilities: Vec<i64>,
    pub departments: Vec<i64>,
    /// A new member's enrolment: the code's digest, its expiry and the mail
    /// that carries the code (written with the account).
    pub enrolment: Option<Enrolment>,
    /// The installation's super-administrator (the command line sets it).
    pub installation_admin: bool,
}

/// The one-time code with which a new member sets their own password.
#[derive(Clone, Debug)]
pub struct Enrolment {
    pub digest: String,
    pub expires_s: i64,
    pub mail: crate::NewMail,
}

/// One line of the audit log, written in the same transaction as the change.
#[derive(Clone, Debug)]
pub struct AuditEntry {
    pub municipality_id: i64,
    /// `account:<id> <email>` (or `cli` for the command line).
    pub actor: String,
    pub action: AuditAction,
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub at: DateTime<Utc>,
}

/// What to look for in the audit log (all optional).
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("an account with this e-mail exists")]
    EmailTaken,
    #[error("no such account")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for AccountError {
    fn from(e: sea_orm::DbErr) -> Self {
        AccountError::Store(StoreError::Db(e))
    }
}

/// Writes an audit entry on `db` (a transaction, normally).
pub async fn append_audit(db: &impl ConnectionTrait, e: &AuditEntry) -> Result<(), sea_orm::DbErr> {
    audit_log::Entity::insert(audit_log::ActiveModel {
        id: NotSet,
        municipality_id: Set(e.municipality_id),
        actor: Set(e.actor.clone()),
        action: Set(e.action.code().to_owned()),
        target: Set(e.target.clone()),
        before: Set(e.before.as_ref().map(|v| v.to_string())),
        after: Set(e.after.as_ref().map(|v| v.to_string())),
        at: Set(e.at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

impl Store {
    /// The municipalities of this installation, by id.
    pub async fn municipalities(&self) -> Result<Vec<municipality::Model>, StoreError> {
        Ok(municipality::Entity::find()
            .order_by_asc(municipality::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// The municipality's departments (課).
    pub async fn departments(
        &self,
        municipality_id: i64,
    ) -> Result<Vec<department::Model>, StoreError> {
        Ok(department::Entity::find()
            .filter(department::Column::MunicipalityId.eq(municipality_id))
            .order_by_asc(department::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// Creates an account with its scope, and audits it when `audit` is given.
    pub async fn create_account(
        &self,
        a: &NewAccount,
        now: DateTime<Utc>,
        audit: Option<&AuditEntry>,
    ) -> Result<AccountRecord, AccountError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let taken = account::Entity::find()
            .filter(account::Column::MunicipalityId.eq(a.municipality_id))
            .filter(account::Column::Email.eq(a.email.as_str()))
            .one(&txn)
            .await?
            .is_some();
        if taken {
            return Err(AccountError::EmailTaken);
        }
        let row = account::Entity::insert(account::ActiveModel {
            id: NotSet,
            municipality_id: Set(a.municipality_id),
            email: Set(a.email.clone()),
            display_name: Set(a.display_name.clone()),
            password_hash: Set(a.password_hash.clone()),
            kind: Set(if a.role.is_some() {
                AccountKind::Staff
            } else {
                AccountKind::Resident
            }),
            role: Set(a.role),
            totp_secret: Set(a.totp_secret.clone()),
            totp_last_step: Set(None),
            session_epoch: Set(0),
            active: Set(true),
            created_at: Set(now),
            password_changed_at: Set(now),
            enrol_digest: Set(a.enrolment.as_ref().map(|e| e.digest.clone())),
            enrol_expires_s: Set(a.enrolment.as_ref().map(|e| e.expires_s)),
            installation_admin: Set(a.installation_admin),
        })
        .exec_with_returning(&txn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AccountError::EmailTaken,
            _ => e.into(),
        })?;
        Self::write_scope(&txn, row.id, &a.facilities, &a.departments).await?;
        if let Some(audit) = audit {
            let mut audit = audit.clone();
            audit.target = format!("account:{}", row.id);
            append_audit(&txn, &audit).await?;
        }
        if let Some(e) = &a.enrolment {
            crate::outbox::enqueue(&txn, e.mail.clone(), now).await?;
        }
        txn.commit().await?;
        Ok(AccountRecord {
            row,
            facilities: a.facilities.clone(),
            departments: a.departments.clone(),
        })
    }

    async fn write_scope(
        txn: &impl ConnectionTrait,
        id: i64,
        facilities: &[i64],
        departments: &[i64],
    ) -> Result<(), sea_orm::DbErr> {
        account_facility::Entity::delete_many()
            .filter(account_facility::Column::AccountId.eq(id))
            .exec(txn)
            .await?;
        account_department::Entity::delete_many()
            .filter(account_department::Column::AccountId.eq(id))
            .exec(txn)
            .await?;
        if !facilities.is_empty() {
            account_facility::Entity::insert_many(facilities.iter().map(|f| {
                account_facility::ActiveModel {
                    account_id: Set(id),
                    facility_id: Set(*f),
                }
            }))
            .exec_without_returning(txn)
            .await?;
        }
        if !departments.is_empty() {
            account_department::Entity::insert_many(departments.iter().map(|d| {
                account_department::ActiveModel {
                    account_id: Set(id),
                    department_id: Set(*d),
                }
            }))
            .exec_without_returning(txn)
            .await?;
        }
        Ok(())
    }

    /// The account with this id, with its scope.
    pub async fn account(&self, id: i64) -> Result<Option<AccountRecord>, StoreError> {
        let Some(row) = account::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(None);
        };
        let (facilities, departments) = tokio::try_join!(
            account_facility::Entity::find()
                .filter(account_facility::Column::AccountId.eq(id))
                .all(&self.db),
            account_department::Entity::find()
                .filter(account_department::Column::AccountId.eq(id))
                .all(&self.db),
        )?;
        Ok(Some(AccountRecord {
            row,
            facilities: facilities.into_iter().map(|f| f.facility_id).collect(),
            departments: departments.into_iter().map(|d| d.department_id).collect(),
        }))
    }

    /// Sets a new member's own password with their enrolment code (its
    /// digest, unexpired): the code then stops working, and sessions of the
    /// account (there should be none) end. `false` when the code does not
    /// match. Audited in the same transaction.
    pub async fn complete_enrolment(
        &self,
        id: i64,
        digest: &str,
        password_hash: &str,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        use account::Column as C;
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let done = account::Entity::update_many()
            .col_expr(C::PasswordHash, Expr::value(password_hash))
            .col_expr(C::PasswordChangedAt, Expr::value(now))
            .col_expr(C::EnrolDigest, Expr::value(Option::<String>::None))
            .col_expr(C::EnrolExpiresS, Expr::value(Option::<i64>::None))
            .col_expr(C::SessionEpoch, Expr::col(C::SessionEpoch).add(1))
            .filter(C::Id.eq(id))
            .filter(C::Active.eq(true))
            .filter(C::EnrolDigest.eq(digest))
            .filter(C::EnrolExpiresS.gte(now.timestamp()))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Ok(false);
        }
        append_audit(&txn, audit).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Clears a member's second factor (lost authenticator) and ends their
    /// sessions; they set a new one up after signing in. Audited.
    pub async fn reset_totp(&self, id: i64, audit: &AuditEntry) -> Result<(), StoreError> {
        use account::Column as C;
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        account::Entity::update_many()
            .col_expr(C::TotpSecret, Expr::value(Option::<String>::None))
            .col_expr(C::TotpLastStep, Expr::value(Option::<i64>::None))
            .col_expr(C::SessionEpoch, Expr::col(C::SessionEpoch).add(1))
            .filter(C::Id.eq(id))
            .exec(&txn)
            .await?;
        append_audit(&txn, audit).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The account with this (lower-cased) e-mail in the municipality.
    pub async fn account_by_email(
        &self,
        municipality_id: i64,
        email: &str,
    ) -> Result<Option<account::Model>, StoreError> {
        Ok(account::Entity::find()
            .filter(account::Column::MunicipalityId.eq(municipality_id))
            .filter(account::Column::Email.eq(email))
            .one(&self.db)
            .await?)
    }

    /// Every staff account of the municipality, with scopes.
    pub async fn staff_accounts(
        &self,
        municipality_id: i64,
    ) -> Result<Vec<AccountRecord>, StoreError> {
        let rows = account::Entity::find()
            .filter(account::Column::MunicipalityId.eq(municipality_id))
            .filter(account::Column::Kind.eq(AccountKind::Staff))
            .order_by_asc(account::Column::Id)
            .all(&self.db)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let (facilities, departments) = tokio::try_join!(
            account_facility::Entity::find()
                .filter(account_facility::Column::AccountId.is_in(ids.clone()))
                .all(&self.db),
            account_department::Entity::find()
                .filter(account_department::Column::AccountId.is_in(ids))
                .all(&self.db),
        )?;
        Ok(rows
            .into_iter()
            .map(|row| AccountRecord {
                facilities: facilities
                    .iter()
                    .filter(|f| f.account_id == row.id)
                    .map(|f| f.facility_id)
                    .collect(),
                departments: departments
                    .iter()
                    .filter(|d| d.account_id == row.id)
                    .map(|d| d.department_id)
                    .collect(),
                row,
            })
            .collect())
    }

    /// Replaces a staff account's role, scope and active flag. Deactivating
    /// also ends its sessions.
    pub async fn update_staff(
        &self,
        id: i64,
        role: &str,
        active: bool,
        facilities: &[i64],
        departments: &[i64],
        audit: &AuditEntry,
    ) -> Result<(), AccountError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let done = account::Entity::update_many()
            .col_expr(account::Column::Role, Expr::value(role))
            .col_expr(account::Column::Active, Expr::value(active))
            .col_expr(
                account::Column::SessionEpoch,
                Expr::col(account::Column::SessionEpoch).add(i32::from(!active)),
            )
            .filter(account::Column::Id.eq(id))
            .filter(account::Column::Kind.eq(AccountKind::Staff))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(AccountError::NotFound);
        }
        Self::write_scope(&txn, id, facilities, departments).await?;
        append_audit(&txn, audit).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Stores a new password hash and ends every session of the account
    /// (the session epoch moves on).
    pub async fn set_password(
        &self,
        id: i64,
        hash: &str,
        now: DateTime<Utc>,
        audit: Option<&AuditEntry>,
    ) -> Result<(), AccountError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let done = account::Entity::update_many()
            .col_expr(account::Column::PasswordHash, Expr::value(hash))
            .col_expr(account::Column::PasswordChangedAt, Expr::value(now))
            .col_expr(
                account::Column::SessionEpoch,
                Expr::col(account::Column::SessionEpoch).add(1),
            )
            .filter(account::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(AccountError::NotFound);
        }
        if let Some(audit) = audit {
            append_audit(&txn, audit).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Sets up the account's TOTP secret, once: an account that has one
    /// keeps it (`NotFound`), so two set-ups racing cannot replace a secret
    /// already in use. `step` is the step of the code that confirmed it,
    /// which cannot then be used to sign in.
    pub async fn set_totp(
        &self,
        id: i64,
        secret: &str,
        step: i64,
        audit: &AuditEntry,
    ) -> Result<(), AccountError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let done = account::Entity::update_many()
            .col_expr(account::Column::TotpSecret, Expr::value(secret))
            .col_expr(account::Column::TotpLastStep, Expr::value(step))
            .filter(account::Column::Id.eq(id))
            .filter(account::Column::TotpSecret.is_null())
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(AccountError::NotFound);
        }
        append_audit(&txn, audit).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records that a TOTP code of `step` was used, if no code of this step
    /// or a later one was used before; `false` means a replay. One
    /// conditional update, so two processes cannot both accept one code.
    pub async fn use_totp_step(&self, id: i64, step: i64) -> Result<bool, StoreError> {
        let _writer = self.writer().await;
        let done = account::Entity::update_many()
            .col_expr(account::Column::TotpLastStep, Expr::value(step))
            .filter(account::Column::Id.eq(id))
            .filter(
                Condition::any()
                    .add(account::Column::TotpLastStep.is_null())
                    .add(account::Column::TotpLastStep.lt(step)),
            )
            .exec(&self.db)
            .await?;
        Ok(done.rows_affected == 1)
    }

    /// Writes one audit entry on its own (for reads worth recording, such
    /// as a resident's contact details being looked at).
    pub async fn audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        append_audit(&txn, e).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The newest audit entries of the municipality matching the filter.
    pub async fn audit_entries(
        &self,
        municipality_id: i64,
        f: &AuditFilter,
        limit: u64,
    ) -> Result<Vec<audit_log::Model>, StoreError> {
        use audit_log::Column as C;
        let mut q = audit_log::Entity::find().filter(C::MunicipalityId.eq(municipality_id));
        if let Some(a) = f.actor.as_deref() {
            q = q.filter(C::Actor.contains(a));
        }
        if let Some(a) = f.action.as_deref() {
            q = q.filter(C::Action.starts_with(a));
        }
        if let Some(t) = f.target.as_deref() {
            q = q.filter(C::Target.contains(t));
        }
        if let Some(from) = f.from {
            q = q.filter(C::At.gte(from));
        }
        if let Some(to) = f.to {
            q = q.filter(C::At.lt(to));
        }
        Ok(q.order_by_desc(C::At)
            .order_by_desc(C::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }
}
