//! Where the rate-limit counters live, per backend.
//! - PostgreSQL: `rate_limit` becomes UNLOGGED. Its rows are counters of the
//!   current minute or day; losing them in a crash costs nothing, and an
//!   unlogged table writes no WAL, so each hit is cheaper.
//! - SQLite: the counters live in a private in-memory database (see
//!   `limits`), so the empty table in the booking file is dropped.

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000007_rate_limit_storage"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let sql: &[&str] = if m.get_database_backend() == DatabaseBackend::Postgres {
            &["ALTER TABLE rate_limit SET UNLOGGED"]
        } else {
            &["DROP INDEX idx_rate_limit_expires", "DROP TABLE rate_limit"]
        };
        for s in sql {
            db.execute_unprepared(s).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let sql: &[&str] = if m.get_database_backend() == DatabaseBackend::Postgres {
            &["ALTER TABLE rate_limit SET LOGGED"]
        } else {
            &[
                "CREATE TABLE rate_limit (key TEXT PRIMARY KEY, window_start_s INTEGER NOT NULL, \
                 hits INTEGER NOT NULL, expires_s INTEGER NOT NULL)",
                "CREATE INDEX idx_rate_limit_expires ON rate_limit (expires_s)",
            ]
        };
        for s in sql {
            db.execute_unprepared(s).await?;
        }
        Ok(())
    }
}
