//! Live changes: the change log (written by triggers, see migration 008)
//! delivered to everything in this process that listens — the live pages'
//! streams and the caches of rules and staff.
//!
//! - PostgreSQL: a listener connection receives each row as `pg_notify`
//!   sends it, which the database does only after commit, to every process.
//!   After the listener reconnects it reads what it missed from the table.
//! - SQLite (one process): new rows are read in id order every
//!   [`POLL`] (a read of the primary key's end, a few microseconds); SQLite
//!   commits one writer at a time, so ids commit in order.
//!
//! Rows older than [`KEEP_SECONDS`] are pruned; a page that was away longer
//! than that reloads its data instead of replaying.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::broadcast;

use crate::entity::change_event::{self, Column};
use crate::migration::m20261206_000008_change_events::CHANNEL;
use crate::{Store, StoreError};

pub use crate::entity::change_event::Model as Change;

/// How often SQLite's log is read for new rows.
pub const POLL: Duration = Duration::from_millis(25);
/// How long rows are kept for pages that reconnect.
pub const KEEP_SECONDS: i64 = 24 * 60 * 60;
/// Changes buffered per subscriber; one that falls further behind is told
/// to reload (it lags) instead of being buffered without limit.
pub const FEED_CAPACITY: usize = 1024;
/// On PostgreSQL ids can commit out of order; catching up re-reads this many
/// ids before the newest seen (and skips those already delivered).
const LOOKBACK: i64 = 256;

/// What a change is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// A booking or block made, approved, cancelled, moved.
    Booking,
    /// A closure of a facility or unit (dates).
    Closure,
    /// A visit (one procedure of an appointment) booked, moved, called, cancelled.
    Visit,
    /// A facility's or unit's rules: hours, periods, windows, fees.
    Rules,
    /// Staff, qualifications, duty hours, absences, procedures; a town
    /// added or its host name changed.
    Staff,
}

impl Change {
    pub fn kind(&self) -> Option<ChangeKind> {
        Some(match self.kind.as_str() {
            "booking" => ChangeKind::Booking,
            "closure" => ChangeKind::Closure,
            "visit" => ChangeKind::Visit,
            "rules" => ChangeKind::Rules,
            "staff" => ChangeKind::Staff,
            _ => return None,
        })
    }
}

/// This process's end of the log: one broadcast channel.
#[derive(Debug)]
pub struct Feed {
    tx: broadcast::Sender<Arc<Change>>,
    started: AtomicBool,
}

impl Default for Feed {
    fn default() -> Self {
        Feed {
            tx: broadcast::channel(FEED_CAPACITY).0,
            started: AtomicBool::new(false),
        }
    }
}

/// The ids delivered lately (PostgreSQL may deliver a row twice: once by
/// notification, once when catching up).
#[derive(Default)]
struct Seen {
    order: VecDeque<i64>,
    set: HashSet<i64>,
    newest: i64,
}

impl Seen {
    /// True the first time an id is seen.
    fn first(&mut self, id: i64) -> bool {
        if !self.set.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > 4 * LOOKBACK as usize
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        self.newest = self.newest.max(id);
        true
    }
}

impl Store {
    /// Receives every change committed from now on (after
    /// [`Store::start_changes`]).
    pub fn subscribe_changes(&self) -> broadcast::Receiver<Arc<Change>> {
        self.feed.tx.subscribe()
    }

    /// Starts delivering the log to subscribers and pruning it; once per
    /// store (clones share it). Needs a Tokio runtime.
    pub fn start_changes(&self) {
        if self.feed.started.swap(true, Ordering::SeqCst) {
            return;
        }
        let store = self.clone();
        tokio::spawn(async move {
            if store.db.get_database_backend() == DatabaseBackend::Postgres {
                store.listen().await;
            } else {
                store.poll().await;
            }
        });
        let store = self.clone();
        tokio::spawn(async move {
            loop {
                let now = chrono::Utc::now().timestamp();
                if let Err(e) = store.prune_changes(now - KEEP_SECONDS).await {
                    tracing::warn!(error = %e, "pruning the change log failed");
                }
                tokio::time::sleep(Duration::from_secs(600)).await;
            }
        });
    }

    /// Changes with an id above `after`, oldest first, at most `limit`.
    pub async fn changes_after(&self, after: i64, limit: u64) -> Result<Vec<Change>, StoreError> {
        Ok(change_event::Entity::find()
            .filter(Column::Id.gt(after))
            .order_by_asc(Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    /// The newest change's id (0 when the log is empty): a page's version.
    pub async fn latest_change_id(&self) -> Result<i64, StoreError> {
        Ok(change_event::Entity::find()
            .select_only()
            .column_as(Column::Id.max(), "id")
            .into_tuple::<Option<i64>>()
            .one(&self.db)
            .await?
            .flatten()
            .unwrap_or(0))
    }

    /// The newest change's id and when it was made (`(0, epoch)` when the
    /// log is empty).
    pub async fn latest_change(&self) -> Result<(i64, DateTime<Utc>), StoreError> {
        let row = change_event::Entity::find()
            .order_by_desc(Column::Id)
            .one(&self.db)
            .await?;
        Ok(row
            .map(|r| {
                (
                    r.id,
                    DateTime::from_timestamp(r.at_s, 0).unwrap_or_default(),
                )
            })
            .unwrap_or_default())
    }

    /// The oldest change still kept, if any: resuming from before it would
    /// miss pruned rows.
    pub async fn oldest_change_id(&self) -> Result<Option<i64>, StoreError> {
        Ok(change_event::Entity::find()
            .select_only()
            .column_as(Column::Id.min(), "id")
            .into_tuple::<Option<i64>>()
            .one(&self.db)
            .await?
            .flatten())
    }

    /// Deletes the changes logged before `before_s` (Unix seconds).
    pub async fn prune_changes(&self, before_s: i64) -> Result<u64, StoreError> {
        Ok(change_event::Entity::delete_many()
            .filter(Column::AtS.lt(before_s))
            .exec(&self.db)
            .await?
            .rows_affected)
    }

    /// Hands one change to this process: caches first, then subscribers.
    fn deliver(&self, c: Change) {
        match c.kind() {
            Some(ChangeKind::Rules | ChangeKind::Closure) => {
                if let Some(f) = c.facility_id {
                    self.rules.forget(domain::ids::FacilityId(f));
                }
            }
            Some(ChangeKind::Staff) => {
                if let Some(m) = c.municipality_id {
                    self.counters.forget(m);
                }
                // A town added or its host changed is logged as its staff's.
                self.counters.forget_towns();
            }
            _ => {}
        }
        // No receivers is not an error: nobody is watching.
        let _ = self.feed.tx.send(Arc::new(c));
    }

    /// SQLite: reads new rows in id order.
    async fn poll(&self) {
        let mut cursor = self.latest_change_id().await.unwrap_or(0);
        loop {
            tokio::time::sleep(POLL).await;
            match self.changes_after(cursor, 512).await {
                Ok(rows) => {
                    for c in rows {
                        cursor = c.id;
                        self.deliver(c);
                    }
                }
                Err(e) => tracing::warn!(error = %e, "reading the change log failed"),
            }
        }
    }

    /// Reads rows that may have been missed (after a reconnect).
    async fn catch_up(&self, seen: &mut Seen) {
        match self
            .changes_after((seen.newest - LOOKBACK).max(0), 4096)
            .await
        {
            Ok(rows) => {
                for c in rows {
                    if seen.first(c.id) {
                        self.deliver(c);
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "reading the change log failed"),
        }
    }

    /// PostgreSQL: LISTEN on the log's channel, reconnecting as needed.
    async fn listen(&self) {
        use sea_orm::sqlx::postgres::PgListener;
        // Everything committed before now is history: mark it seen, so the
        // first catch-up delivers only what is new.
        let mut seen = Seen::default();
        let newest = self.latest_change_id().await.unwrap_or(0);
        for id in (newest - LOOKBACK + 1).max(1)..=newest {
            seen.first(id);
        }
        let pool = self.db.get_postgres_connection_pool();
        loop {
            let listener = async {
                let mut l = PgListener::connect_with(pool).await?;
                l.listen(CHANNEL).await?;
                Ok::<_, sea_orm::sqlx::Error>(l)
            };
            let mut listener = match listener.await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "listening for changes failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            self.catch_up(&mut seen).await;
            loop {
                match listener.try_recv().await {
                    Ok(Some(n)) => match serde_json::from_str::<Change>(n.payload()) {
                        Ok(c) => {
                            if seen.first(c.id) {
                                self.deliver(c);
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, "unreadable change notification"),
                    },
                    // The connection was lost and is back: read what it missed.
                    Ok(None) => self.catch_up(&mut seen).await,
                    Err(e) => {
                        tracing::warn!(error = %e, "the change listener failed; reconnecting");
                        break;
                    }
                }
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}
