//! Hardening against hostile visitors (issue 14):
//!
//! - `booking.request_key` / `appointment.request_key`: the random key of the
//!   form or draft that made it (unique). A form sent twice is recognised by
//!   this key alone, never by contact data.
//! - `outbox.attempts`, `outbox.next_attempt_s`, `outbox.claimed_until_s`: the
//!   outbox is written in the same transaction as the change it reports and
//!   sent by a worker that retries with backoff; a claim (lease) keeps two
//!   processes from sending one mail.
//! - `rate_limit`: fixed-window counters keyed by a hash of what is limited
//!   (a client address, a reference, a contact), shared by every process on
//!   one PostgreSQL database. (On SQLite, one process, the same table lives
//!   in a private in-memory database instead; see `limits`.)
//! - `account.enrol_digest`, `account.enrol_expires_s`: a new member's
//!   one-time enrolment code (the account keeps only its SHA-256; the code
//!   itself travels in the mail, whose outbox row admins cannot read in the
//!   console), with which they set their own password.

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000006_hardening"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let pg = m.get_database_backend() == DatabaseBackend::Postgres;
        let big = if pg { "BIGINT" } else { "INTEGER" };
        for sql in [
            "ALTER TABLE booking ADD COLUMN request_key TEXT".to_owned(),
            "CREATE UNIQUE INDEX idx_booking_request_key ON booking (request_key)".to_owned(),
            "ALTER TABLE appointment ADD COLUMN request_key TEXT".to_owned(),
            "CREATE UNIQUE INDEX idx_appointment_request_key ON appointment (request_key)"
                .to_owned(),
            "ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0".to_owned(),
            format!("ALTER TABLE outbox ADD COLUMN next_attempt_s {big} NOT NULL DEFAULT 0"),
            format!("ALTER TABLE outbox ADD COLUMN claimed_until_s {big} NOT NULL DEFAULT 0"),
            "CREATE INDEX idx_outbox_due ON outbox (sent_at, next_attempt_s)".to_owned(),
            format!(
                "CREATE TABLE rate_limit (key TEXT PRIMARY KEY, window_start_s {big} NOT NULL, \
                 hits INTEGER NOT NULL, expires_s {big} NOT NULL)"
            ),
            "CREATE INDEX idx_rate_limit_expires ON rate_limit (expires_s)".to_owned(),
            "ALTER TABLE account ADD COLUMN enrol_digest TEXT".to_owned(),
            format!("ALTER TABLE account ADD COLUMN enrol_expires_s {big}"),
        ] {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for sql in [
            "DROP TABLE rate_limit",
            "DROP INDEX idx_outbox_due",
            "DROP INDEX idx_booking_request_key",
            "DROP INDEX idx_appointment_request_key",
            "ALTER TABLE booking DROP COLUMN request_key",
            "ALTER TABLE appointment DROP COLUMN request_key",
            "ALTER TABLE outbox DROP COLUMN attempts",
            "ALTER TABLE outbox DROP COLUMN next_attempt_s",
            "ALTER TABLE outbox DROP COLUMN claimed_until_s",
            "ALTER TABLE account DROP COLUMN enrol_digest",
            "ALTER TABLE account DROP COLUMN enrol_expires_s",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
