//! Accounts, scopes, the mail outbox, what staff record on bookings, and an
//! append-only audit log.
//!
//! - `account`: staff (with a role) and residents, per municipality. Passwords
//!   are Argon2id PHC strings; `session_epoch` is bumped to end every session
//!   of the account at once ("sign out everywhere").
//! - `account_facility` / `account_department`: the scope of a
//!   `facility_manager` / `counter_staff` account.
//! - `outbox`: every e-mail, kept when no SMTP server is configured or the
//!   server refused it, with when it was sent.
//! - `booking`: `kind` (`resident` or `block`: time the town keeps for
//!   maintenance or its own use), `usage` (`used` / `no_show`), `paid_at`,
//!   `status_reason` (why staff rejected or cancelled), `rejected`,
//!   `override_reason` (why a proxy booking bypassed a window or deadline),
//!   `account_id` (the resident account that booked).
//! - `audit_log` refuses UPDATE and DELETE (a trigger on both databases).

use sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000003_accounts"
    }
}

#[derive(DeriveIden)]
enum Municipality {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Facility {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Department {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    MunicipalityId,
    Email,
    DisplayName,
    PasswordHash,
    Kind,
    Role,
    TotpSecret,
    SessionEpoch,
    Active,
    CreatedAt,
    PasswordChangedAt,
}

#[derive(DeriveIden)]
enum AccountFacility {
    Table,
    AccountId,
    FacilityId,
}

#[derive(DeriveIden)]
enum AccountDepartment {
    Table,
    AccountId,
    DepartmentId,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    MunicipalityId,
    ToAddr,
    Subject,
    Body,
    Ics,
    CreatedAt,
    SentAt,
    LastError,
}

#[derive(DeriveIden)]
enum Booking {
    Table,
    Kind,
    Usage,
    PaidAt,
    StatusReason,
    Rejected,
    OverrideReason,
    AccountId,
    CreatedByStaffId,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    MunicipalityId,
    At,
}

/// The message both databases give when something tries to change the log.
pub const APPEND_ONLY: &str = "audit_log is append-only";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Account::Table)
                .col(big_pk_auto(Account::Id))
                .col(big_integer(Account::MunicipalityId))
                .col(string(Account::Email))
                .col(string(Account::DisplayName))
                .col(string(Account::PasswordHash))
                .col(string(Account::Kind))
                .col(string_null(Account::Role))
                .col(string_null(Account::TotpSecret))
                .col(integer(Account::SessionEpoch).default(0))
                .col(boolean(Account::Active).default(true))
                .col(timestamp_with_time_zone(Account::CreatedAt))
                .col(timestamp_with_time_zone(Account::PasswordChangedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Account::Table, Account::MunicipalityId)
                        .to(Municipality::Table, Municipality::Id),
                )
                .check(Expr::col(Account::Kind).is_in(["staff", "resident"]))
                .check(Expr::col(Account::Role).is_in([
                    "admin",
                    "facility_manager",
                    "counter_staff",
                ]))
                // Staff have a role, residents none.
                .check(
                    Expr::col(Account::Kind)
                        .eq("staff")
                        .eq(Expr::col(Account::Role).is_not_null()),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_account_email")
                .table(Account::Table)
                .col(Account::MunicipalityId)
                .col(Account::Email)
                .unique()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AccountFacility::Table)
                .col(big_integer(AccountFacility::AccountId))
                .col(big_integer(AccountFacility::FacilityId))
                .primary_key(
                    Index::create()
                        .col(AccountFacility::AccountId)
                        .col(AccountFacility::FacilityId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AccountFacility::Table, AccountFacility::AccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AccountFacility::Table, AccountFacility::FacilityId)
                        .to(Facility::Table, Facility::Id),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AccountDepartment::Table)
                .col(big_integer(AccountDepartment::AccountId))
                .col(big_integer(AccountDepartment::DepartmentId))
                .primary_key(
                    Index::create()
                        .col(AccountDepartment::AccountId)
                        .col(AccountDepartment::DepartmentId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AccountDepartment::Table, AccountDepartment::AccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AccountDepartment::Table, AccountDepartment::DepartmentId)
                        .to(Department::Table, Department::Id),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(big_pk_auto(Outbox::Id))
                .col(big_integer(Outbox::MunicipalityId))
                .col(string(Outbox::ToAddr))
                .col(string(Outbox::Subject))
                .col(text(Outbox::Body))
                .col(text_null(Outbox::Ics))
                .col(timestamp_with_time_zone(Outbox::CreatedAt))
                .col(timestamp_with_time_zone_null(Outbox::SentAt))
                .col(text_null(Outbox::LastError))
                .foreign_key(
                    ForeignKey::create()
                        .from(Outbox::Table, Outbox::MunicipalityId)
                        .to(Municipality::Table, Municipality::Id),
                )
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Booking::Table)
                .add_column(string(Booking::Kind).default("resident"))
                .take(),
        )
        .await?;
        for col in [
            string_null(Booking::Usage),
            timestamp_with_time_zone_null(Booking::PaidAt),
            text_null(Booking::StatusReason),
            boolean(Booking::Rejected).default(false).take(),
            text_null(Booking::OverrideReason),
            big_integer_null(Booking::AccountId),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(Booking::Table)
                    .add_column(&mut col)
                    .take(),
            )
            .await?;
        }
        for (name, table, cols) in [
            (
                "idx_booking_account",
                Booking::Table.into_iden(),
                vec![Booking::AccountId.into_iden()],
            ),
            (
                "idx_booking_created_by",
                Booking::Table.into_iden(),
                vec![Booking::CreatedByStaffId.into_iden()],
            ),
            (
                "idx_audit_log_at",
                AuditLog::Table.into_iden(),
                vec![
                    AuditLog::MunicipalityId.into_iden(),
                    AuditLog::At.into_iden(),
                ],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(table);
            for c in cols {
                index.col(c);
            }
            m.create_index(index.take()).await?;
        }
        let db = m.get_connection();
        match m.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION audit_log_append_only() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
                ))
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
                     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log \
                     FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
                )
                .await?;
            }
            _ => {
                for (name, event) in [("update", "UPDATE"), ("delete", "DELETE")] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER audit_log_no_{name} BEFORE {event} ON audit_log \
                         BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared("DROP TRIGGER audit_log_no_truncate ON audit_log")
                    .await?;
                db.execute_unprepared("DROP TRIGGER audit_log_append_only ON audit_log")
                    .await?;
                db.execute_unprepared("DROP FUNCTION audit_log_append_only()")
                    .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER audit_log_no_update")
                    .await?;
                db.execute_unprepared("DROP TRIGGER audit_log_no_delete")
                    .await?;
            }
        }
        for index in [
            "idx_audit_log_at",
            "idx_booking_created_by",
            "idx_booking_account",
        ] {
            m.drop_index(Index::drop().name(index).to_owned()).await?;
        }
        for col in [
            "account_id",
            "override_reason",
            "rejected",
            "status_reason",
            "paid_at",
            "usage",
            "kind",
        ] {
            db.execute_unprepared(&format!("ALTER TABLE booking DROP COLUMN {col}"))
                .await?;
        }
        for table in [
            "outbox",
            "account_department",
            "account_facility",
            "account",
        ] {
            m.drop_table(Table::drop().table(Alias::new(table)).take())
                .await?;
        }
        Ok(())
    }
}
