//! Database access: connection set-up (SQLite by default, PostgreSQL by URL),
//! migrations, the queries the app needs, and the demo-town seed.
//!
//! Rule for errors: everything here returns [`StoreError`]; callers map it to
//! a user-facing message once (see `app::error`) and log the cause.

pub mod accounts;
pub mod appointments;
pub mod archive;
pub mod booking_records;
pub mod bookings;
pub mod changes;
pub mod console;
pub mod counters;
pub mod divisions;
pub mod entity;
pub mod equipment;
pub mod facility_list;
pub mod feeds;
pub mod imports;
pub mod limits;
pub mod migration;
pub mod outbox;
pub mod photos;
mod queries;
pub mod reductions;
pub mod reminders;
pub mod rules;
pub mod seed;
mod seed_counters;
pub mod series;
pub mod sessions;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod units;
pub mod waitlist;

pub use accounts::{AccountError, AccountRecord, AuditEntry, AuditFilter, Enrolment, NewAccount};
pub use appointments::{AppointmentError, AppointmentRecord, Visitor};
pub use bookings::{BookingRecord, ChangeError, CreateError, NewBooking};
pub use changes::{Change, ChangeKind};
pub use counters::{AbsenceDecision, AbsenceError, NewAbsence};
pub use feeds::NewFeed;
pub use limits::{Limit, RetryAfter};
pub use outbox::{Compose, NewMail, VisitCompose};
pub use queries::{FacilityRecord, MAX_BOOKING_HOURS, PhotoInfo, UnitRecord};
pub use reminders::Remind;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

/// The SQLite file used when no `DATABASE_URL` is set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/town.db";

/// Rows sqlx's SQLite worker may hand over before the reader takes them.
const ROW_CHANNEL: usize = 8_192;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("inconsistent data: {0}")]
    Corrupt(String),
    #[error("cannot prepare the database file: {0}")]
    Io(#[from] std::io::Error),
}

/// A handle to the database; cheap to clone (a connection pool inside).
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    /// Serialises this process's SQLite write transactions (see `bookings`).
    write_queue: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Recently read facility rules (see `Store::facility`).
    rules: std::sync::Arc<queries::RulesCache>,
    /// Recently read staff (qualifications, duty hours) and procedures, per
    /// town, for availability reads (see `appointments`).
    counters: std::sync::Arc<appointments::CountersCache>,
    /// Rate-limit counters (see `limits`).
    limits: std::sync::Arc<limits::Counters>,
    /// Committed changes, delivered to this process (see `changes`).
    feed: std::sync::Arc<changes::Feed>,
}

impl Store {
    /// Connects, creating the SQLite file (and its folder) if needed, and
    /// applies pending migrations.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let dir = sqlite_path(url)
            .and_then(|path| std::path::Path::new(path).parent())
            .filter(|d| !d.as_os_str().is_empty());
        if let Some(dir) = dir {
            std::fs::create_dir_all(dir)?;
        }
        let mut opts = ConnectOptions::new(url.to_owned());
        // sqlx would log statements; keep queries (and any personal data
        // near them) out of the log.
        opts.sqlx_logging(false)
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10));
        // WAL lets readers run while one writer commits; FULL sync makes a
        // commit durable before we answer, so a confirmed booking survives
        // `kill -9` (and a power cut). sqlx's SQLite worker thread hands
        // rows over through a channel of 50 by default: a feed's 5,000 rows
        // then cost a thread switch every few rows. Every query here reads
        // all its rows anyway, so the channel may hold them.
        opts.map_sqlx_sqlite_opts(|o| {
            o.row_buffer_size(ROW_CHANNEL)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
        });
        let db = Database::connect(opts).await?;
        migrate(&db).await?;
        let limits = std::sync::Arc::new(limits::Counters::open(url, &db).await?);
        Ok(Store {
            db,
            write_queue: Default::default(),
            rules: Default::default(),
            counters: Default::default(),
            limits,
            feed: Default::default(),
        })
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }
}

/// A fresh random key of 128 bits, as 32 hex digits (idempotency keys,
/// one-time links).
pub fn random_key() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::Corrupt(format!("no random source: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A fresh 8-character code in the reference alphabet (no 0/O/1/I/L), for
/// codes a person types from a mail.
pub fn random_code() -> Result<String, StoreError> {
    bookings::new_reference()
}

/// A short SHA-256 of some values (kept apart by NUL), to store a key made
/// of them without storing them.
pub fn digest(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Applies pending migrations. On PostgreSQL a transaction-scoped advisory
/// lock, held by a transaction on one connection while the migrator works on
/// the others, makes processes that start together take turns: the second
/// finds the work done.
async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, TransactionTrait};
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return migration::Migrator::up(db, None).await;
    }
    let lock = db.begin().await?;
    lock.execute_unprepared("SELECT pg_advisory_xact_lock(7346482901)")
        .await?;
    let outcome = migration::Migrator::up(db, None).await;
    lock.commit().await?;
    outcome
}

/// The file path of a SQLite URL (`sqlite://data/town.db?mode=rwc` →
/// `data/town.db`), or `None` for other databases and in-memory SQLite.
pub fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// `$1, $2 …` for PostgreSQL, `?` for SQLite (each placeholder is used once, in order).
pub(crate) fn placeholders(backend: sea_orm::DatabaseBackend, text: &str) -> String {
    if backend == sea_orm::DatabaseBackend::Postgres {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{placeholders, sqlite_path};

    #[test]
    fn placeholders_follow_the_backend() {
        assert_eq!(
            placeholders(
                sea_orm::DatabaseBackend::Sqlite,
                "a = $1 AND b = $2 AND c = 'x$'"
            ),
            "a = ? AND b = ? AND c = 'x$'"
        );
        assert_eq!(
            placeholders(sea_orm::DatabaseBackend::Postgres, "a = $1"),
            "a = $1"
        );
    }

    #[test]
    fn sqlite_paths() {
        assert_eq!(sqlite_path("sqlite://data/town.db"), Some("data/town.db"));
        assert_eq!(
            sqlite_path("sqlite:///tmp/x.db?mode=rwc"),
            Some("/tmp/x.db")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://postgres@127.0.0.1/test"), None);
    }
}
