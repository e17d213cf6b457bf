//! Rate limits that hold across every server process on one database.
//!
//! Fixed windows counted in `rate_limit` rows, keyed by a SHA-256 of the
//! limit's name and what it limits (a client address, a reference, a
//! contact), so no address or e-mail is stored in the clear. One statement
//! (`INSERT … ON CONFLICT DO UPDATE … RETURNING`) counts a hit atomically,
//! whichever process sends it.
//!
//! On PostgreSQL the counters live in the shared database, written through
//! a small pool of their own with `synchronous_commit = off` (a counter
//! lost in a crash costs nothing), one statement for all the limits of a
//! request.
//! SQLite serves one process, so its counters live in a private in-memory
//! SQLite database: the same SQL, without an fsync per hit on the booking
//! file. Expired rows are pruned every few hundred hits, so a flood of
//! random keys cannot grow the table past what one window holds.

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr,
    Statement,
};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Store, StoreError};

/// A limit: at most `max` hits per `window_s` seconds for one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Keeps the keys of different limits apart.
    pub name: &'static str,
    pub window_s: i64,
    pub max: u32,
}

/// Refused: try again after this many seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter(pub i64);

/// Hits between two prunes of expired rows.
const PRUNE_EVERY: u64 = 256;

const TABLE: &str = "CREATE TABLE IF NOT EXISTS rate_limit (key TEXT PRIMARY KEY, \
     window_start_s INTEGER NOT NULL, hits INTEGER NOT NULL, expires_s INTEGER NOT NULL)";

/// Where the counters live (see the module doc).
#[derive(Debug)]
pub(crate) struct Counters {
    db: DatabaseConnection,
    hits: AtomicU64,
}

impl Counters {
    pub(crate) async fn open(url: &str, main: &DatabaseConnection) -> Result<Counters, DbErr> {
        let db = match main.get_database_backend() {
            DatabaseBackend::Sqlite => {
                // One connection that never closes: the in-memory database
                // lives exactly as long as it.
                let mut o = ConnectOptions::new("sqlite::memory:");
                o.sqlx_logging(false)
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None::<std::time::Duration>)
                    .max_lifetime(None::<std::time::Duration>);
                let db = Database::connect(o).await?;
                db.execute_unprepared(TABLE).await?;
                db
            }
            _ => {
                // A small pool of its own whose sessions do not wait for the
                // WAL flush (`synchronous_commit=off`): a hit is one
                // statement, and a counter lost in a crash costs nothing.
                let mut o = ConnectOptions::new(url.to_owned());
                o.sqlx_logging(false)
                    .max_connections(4)
                    .acquire_timeout(std::time::Duration::from_secs(10));
                o.map_sqlx_postgres_opts(|p| p.options([("synchronous_commit", "off")]));
                Database::connect(o).await?
            }
        };
        Ok(Counters {
            db,
            hits: AtomicU64::new(0),
        })
    }
}

fn hashed(limit: &Limit, key: &str) -> String {
    let digest = Sha256::digest(format!("{}\u{0}{key}", limit.name).as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// `$1, $2 …` for PostgreSQL, `?` for SQLite (each placeholder is used once, in order).
fn sql(backend: DatabaseBackend, text: &str) -> String {
    if backend == DatabaseBackend::Postgres {
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

/// The fixed window `now` falls in.
struct Window {
    now: i64,
    start: i64,
    len: i64,
}

impl Window {
    fn of(limit: &Limit, now: DateTime<Utc>) -> Window {
        let (now, len) = (now.timestamp(), limit.window_s.max(1));
        Window {
            now,
            start: now - now.rem_euclid(len),
            len,
        }
    }

    /// Refused while `hits` is over `allowed`, until the window ends.
    fn verdict(&self, hits: i64, allowed: i64) -> Result<(), RetryAfter> {
        if hits > allowed {
            Err(RetryAfter((self.start + self.len - self.now).max(1)))
        } else {
            Ok(())
        }
    }
}

/// The count in the first column of a row (INTEGER on SQLite, BIGINT or
/// INT on PostgreSQL), 0 for no row.
fn count(row: Option<sea_orm::QueryResult>) -> Result<i64, DbErr> {
    match row {
        Some(r) => r
            .try_get_by_index::<i64>(0)
            .or_else(|_| r.try_get_by_index::<i32>(0).map(i64::from)),
        None => Ok(0),
    }
}

impl Store {
    /// Counts one hit of `key`; refused once the window holds more than
    /// `limit.max` hits (refused hits count too, so hammering never
    /// reopens the door early).
    pub async fn rate_hit(
        &self,
        limit: &Limit,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<(), RetryAfter>, StoreError> {
        self.rate_hits(&[(limit, key)], now).await
    }

    /// Counts one hit for each `(limit, key)` in one statement; refused
    /// when any of them is over its limit (the longest wait is given).
    pub async fn rate_hits(
        &self,
        hits: &[(&Limit, &str)],
        now: DateTime<Utc>,
    ) -> Result<Result<(), RetryAfter>, StoreError> {
        if hits.is_empty() {
            return Ok(Ok(()));
        }
        let c = &self.limits;
        let backend = c.db.get_database_backend();
        let mut values = Vec::with_capacity(hits.len() * 3);
        let mut rows = Vec::with_capacity(hits.len());
        let mut wanted = Vec::with_capacity(hits.len());
        for (n, (limit, key)) in hits.iter().enumerate() {
            let w = Window::of(limit, now);
            let k = hashed(limit, key);
            rows.push(format!(
                "(${}, ${}, 1, ${})",
                3 * n + 1,
                3 * n + 2,
                3 * n + 3
            ));
            values.push(k.clone().into());
            values.push(w.start.into());
            values.push((w.start + w.len).into());
            wanted.push((k, w, i64::from(limit.max)));
        }
        let stmt = Statement::from_sql_and_values(
            backend,
            sql(
                backend,
                &format!(
                    "INSERT INTO rate_limit (key, window_start_s, hits, expires_s) VALUES {} \
                     ON CONFLICT (key) DO UPDATE SET \
                     hits = CASE WHEN rate_limit.window_start_s = excluded.window_start_s \
                     THEN rate_limit.hits + 1 ELSE 1 END, \
                     window_start_s = excluded.window_start_s, expires_s = excluded.expires_s \
                     RETURNING key, hits",
                    rows.join(", ")
                ),
            ),
            values,
        );
        let answered = match c.db.query_all_raw(stmt.clone()).await {
            // SQLite: the in-memory database went with a connection sqlx
            // had to replace; its counters are gone: start a new table.
            Err(e) if e.to_string().contains("no such table") => {
                c.db.execute_unprepared(TABLE).await?;
                c.db.query_all_raw(stmt).await?
            }
            other => other?,
        };
        let mut verdict = Ok(());
        for (key, w, allowed) in &wanted {
            let row = answered
                .iter()
                .find(|r| r.try_get_by_index::<String>(0).is_ok_and(|k| k == *key))
                .ok_or_else(|| StoreError::Corrupt("rate_limit returned no row".into()))?;
            let hits = row
                .try_get_by_index::<i64>(1)
                .or_else(|_| row.try_get_by_index::<i32>(1).map(i64::from))?;
            if let Err(RetryAfter(s)) = w.verdict(hits, *allowed) {
                verdict = Err(RetryAfter(match verdict {
                    Err(RetryAfter(t)) => s.max(t),
                    Ok(()) => s,
                }));
            }
        }
        if c.hits.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.rate_prune(now).await?;
        }
        Ok(verdict)
    }

    /// Takes back one hit of `key` in the current window (an attempt that
    /// turned out fine: a lockout counts only failures, yet every attempt
    /// is counted first, atomically, so a burst cannot slip past it).
    pub async fn rate_refund(
        &self,
        limit: &Limit,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let c = &self.limits;
        let backend = c.db.get_database_backend();
        let w = Window::of(limit, now);
        c.db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql(
                backend,
                "UPDATE rate_limit SET hits = hits - 1 \
                 WHERE key = $1 AND window_start_s = $2 AND hits > 0",
            ),
            [hashed(limit, key).into(), w.start.into()],
        ))
        .await?;
        Ok(())
    }

    /// Deletes counters whose window has ended; returns how many.
    pub async fn rate_prune(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let c = &self.limits;
        let backend = c.db.get_database_backend();
        let done =
            c.db.execute_raw(Statement::from_sql_and_values(
                backend,
                sql(backend, "DELETE FROM rate_limit WHERE expires_s <= $1"),
                [now.timestamp().into()],
            ))
            .await?;
        Ok(done.rows_affected())
    }

    /// How many counters are kept (for tests and the bench).
    pub async fn rate_rows(&self) -> Result<i64, StoreError> {
        let c = &self.limits;
        let backend = c.db.get_database_backend();
        let row =
            c.db.query_one_raw(Statement::from_string(
                backend,
                "SELECT COUNT(*) FROM rate_limit",
            ))
            .await?;
        Ok(count(row)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_backend() {
        assert_eq!(
            sql(DatabaseBackend::Sqlite, "a = $1 AND b = $2 AND c = 'x$'"),
            "a = ? AND b = ? AND c = 'x$'"
        );
        assert_eq!(sql(DatabaseBackend::Postgres, "a = $1"), "a = $1");
    }

    #[test]
    fn keys_are_hashed_and_kept_apart_per_limit() {
        let a = Limit {
            name: "a",
            window_s: 60,
            max: 1,
        };
        let b = Limit { name: "b", ..a };
        let k = hashed(&a, "192.0.2.1");
        assert_eq!(k.len(), 32);
        assert!(!k.contains("192"));
        assert_ne!(k, hashed(&b, "192.0.2.1"));
        assert_eq!(k, hashed(&a, "192.0.2.1"));
    }
}
