//! Rate limits that hold across every server process on one database.
//!
//! Fixed windows keyed by a SHA-256 of the limit's name and what it limits
//! (a client address, a reference, a contact), so no address or e-mail is
//! kept in the clear.
//!
//! On PostgreSQL the counters live in the shared database, in the unlogged
//! `rate_limit` table: one statement (`INSERT … ON CONFLICT DO UPDATE …
//! RETURNING`) counts all the limits of a request atomically, whichever
//! process sends it, through a small pool of its own with
//! `synchronous_commit = off` (a counter lost in a crash costs nothing).
//! SQLite serves one process, so its counters live in that process's
//! memory, in a map behind a mutex: the same windows without a query per
//! hit. Expired counters are pruned every few hundred hits, so a flood of
//! random keys cannot grow them past what one window holds.

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr,
    Statement,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
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

/// Where the counters live (see the module doc).
#[derive(Debug)]
pub(crate) struct Counters {
    place: Place,
    hits: AtomicU64,
}

#[derive(Debug)]
enum Place {
    /// This process's counters: key → (window start, hits, expires), seconds.
    Memory(Mutex<HashMap<String, (i64, i64, i64)>>),
    /// The shared table, through a pool of its own.
    Shared(DatabaseConnection),
}

impl Counters {
    pub(crate) async fn open(url: &str, main: &DatabaseConnection) -> Result<Counters, DbErr> {
        let place = match main.get_database_backend() {
            DatabaseBackend::Sqlite => Place::Memory(Mutex::new(HashMap::new())),
            _ => {
                // A small pool of its own whose sessions do not wait for the
                // WAL flush (`synchronous_commit=off`): a hit is one
                // statement, and a counter lost in a crash costs nothing.
                let mut o = ConnectOptions::new(url.to_owned());
                o.sqlx_logging(false)
                    .max_connections(4)
                    .acquire_timeout(std::time::Duration::from_secs(10));
                o.map_sqlx_postgres_opts(|p| p.options([("synchronous_commit", "off")]));
                Place::Shared(Database::connect(o).await?)
            }
        };
        Ok(Counters {
            place,
            hits: AtomicU64::new(0),
        })
    }
}

/// The map, even if a panicking holder poisoned it (counters stay usable).
fn locked(
    map: &Mutex<HashMap<String, (i64, i64, i64)>>,
) -> std::sync::MutexGuard<'_, HashMap<String, (i64, i64, i64)>> {
    map.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn hashed(limit: &Limit, key: &str) -> String {
    let digest = Sha256::digest(format!("{}\u{0}{key}", limit.name).as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
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
        let mut counted = Vec::with_capacity(hits.len());
        match &c.place {
            Place::Memory(map) => {
                let mut map = locked(map);
                for (limit, key) in hits {
                    let w = Window::of(limit, now);
                    let entry =
                        map.entry(hashed(limit, key))
                            .or_insert((w.start, 0, w.start + w.len));
                    if entry.0 != w.start {
                        *entry = (w.start, 0, w.start + w.len);
                    }
                    entry.1 += 1;
                    counted.push((w, entry.1, i64::from(limit.max)));
                }
            }
            Place::Shared(db) => {
                let backend = db.get_database_backend();
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
                    format!(
                        "INSERT INTO rate_limit (key, window_start_s, hits, expires_s) VALUES {} \
                         ON CONFLICT (key) DO UPDATE SET \
                         hits = CASE WHEN rate_limit.window_start_s = excluded.window_start_s \
                         THEN rate_limit.hits + 1 ELSE 1 END, \
                         window_start_s = excluded.window_start_s, expires_s = excluded.expires_s \
                         RETURNING key, hits",
                        rows.join(", ")
                    ),
                    values,
                );
                let answered = db.query_all_raw(stmt).await?;
                for (key, w, allowed) in wanted {
                    let row = answered
                        .iter()
                        .find(|r| r.try_get_by_index::<String>(0).is_ok_and(|k| k == key))
                        .ok_or_else(|| StoreError::Corrupt("rate_limit returned no row".into()))?;
                    let hits = row
                        .try_get_by_index::<i64>(1)
                        .or_else(|_| row.try_get_by_index::<i32>(1).map(i64::from))?;
                    counted.push((w, hits, allowed));
                }
            }
        }
        let mut verdict = Ok(());
        for (w, hits, allowed) in &counted {
            if let Err(RetryAfter(s)) = w.verdict(*hits, *allowed) {
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
        let w = Window::of(limit, now);
        match &self.limits.place {
            Place::Memory(map) => {
                if let Some(entry) = locked(map).get_mut(&hashed(limit, key))
                    && entry.0 == w.start
                    && entry.1 > 0
                {
                    entry.1 -= 1;
                }
            }
            Place::Shared(db) => {
                db.execute_raw(Statement::from_sql_and_values(
                    db.get_database_backend(),
                    "UPDATE rate_limit SET hits = hits - 1 \
                     WHERE key = $1 AND window_start_s = $2 AND hits > 0",
                    [hashed(limit, key).into(), w.start.into()],
                ))
                .await?;
            }
        }
        Ok(())
    }

    /// Deletes counters whose window has ended; returns how many.
    pub async fn rate_prune(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let t = now.timestamp();
        match &self.limits.place {
            Place::Memory(map) => {
                let mut map = locked(map);
                let before = map.len();
                map.retain(|_, (_, _, expires)| *expires > t);
                Ok((before - map.len()) as u64)
            }
            Place::Shared(db) => {
                let done = db
                    .execute_raw(Statement::from_sql_and_values(
                        db.get_database_backend(),
                        "DELETE FROM rate_limit WHERE expires_s <= $1",
                        [t.into()],
                    ))
                    .await?;
                Ok(done.rows_affected())
            }
        }
    }

    /// How many counters are kept (for tests and the bench).
    pub async fn rate_rows(&self) -> Result<i64, StoreError> {
        match &self.limits.place {
            Place::Memory(map) => Ok(i64::try_from(locked(map).len()).unwrap_or(i64::MAX)),
            Place::Shared(db) => {
                let row = db
                    .query_one_raw(Statement::from_string(
                        db.get_database_backend(),
                        "SELECT COUNT(*) FROM rate_limit",
                    ))
                    .await?;
                Ok(count(row)?)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
