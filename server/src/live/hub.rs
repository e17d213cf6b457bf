//! The process's side of the live streams: the store's changes framed once
//! as SSE bytes, gathered under load, and passed to every open stream; the
//! caps on open streams.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use store::Change;
use tokio::sync::broadcast;

use super::scope::Scope;

/// While changes keep coming, the shortest time between two sends to the
/// streams: at a month-start rush each stream writes (and each browser
/// wakes) at most 10 times a second, however many bookings commit.
pub(super) const COALESCE: Duration = Duration::from_millis(100);

/// A change with its two event frames, made once for all streams.
#[derive(Debug)]
pub(super) struct Encoded {
    pub(super) change: Change,
    public: Bytes,
    staff: Bytes,
}

impl Encoded {
    pub(super) fn new(c: &Change) -> Encoded {
        Encoded {
            public: frame(c, false),
            staff: frame(c, true),
            change: c.clone(),
        }
    }
}

/// What the process sends its streams: changes that reached it together,
/// written as one; or word that changes were missed (every stream resyncs).
pub(super) type Batch = Arc<Result<Changes, Missed>>;

/// Changes that go out together.
#[derive(Debug)]
pub(super) struct Changes {
    pub(super) each: Vec<Encoded>,
    /// All their frames joined (public, staff), made by the first stream
    /// that shows them all and shared by the rest: at a rush most streams
    /// watch the same facility and month, and need not each copy the same
    /// bytes.
    joined: [OnceLock<Bytes>; 2],
}

impl Changes {
    pub(super) fn new(each: Vec<Encoded>) -> Changes {
        Changes {
            each,
            joined: Default::default(),
        }
    }

    /// What a stream writes for these changes: those in its scope (and not
    /// already replayed to it), framed, in order, as one write.
    pub(super) fn for_stream(
        &self,
        scope: &Scope,
        staff: bool,
        replayed: &mut HashSet<i64>,
    ) -> Option<Bytes> {
        let frames: Vec<&Bytes> = self
            .each
            .iter()
            .filter(|e| !replayed.remove(&e.change.id) && scope.matches(&e.change))
            .map(|e| if staff { &e.staff } else { &e.public })
            .collect();
        match frames.len() {
            0 => None,
            n if n == self.each.len() => Some(
                self.joined[usize::from(staff)]
                    .get_or_init(|| join(&frames))
                    .clone(),
            ),
            _ => Some(join(&frames)),
        }
    }
}

/// Changes the process could not read from the store's feed in time.
#[derive(Debug)]
pub(super) struct Missed;

/// Passes the store's changes to the streams, each encoded once. While
/// changes keep coming it sends at most every [`COALESCE`].
pub(super) async fn relay(
    mut feed: broadcast::Receiver<Arc<Change>>,
    tx: broadcast::Sender<Batch>,
) {
    let mut last_sent: Option<tokio::time::Instant> = None;
    loop {
        let mut batch = match feed.recv().await {
            Ok(c) => Ok(vec![Encoded::new(&c)]),
            Err(broadcast::error::RecvError::Lagged(_)) => Err(Missed),
            Err(broadcast::error::RecvError::Closed) => return,
        };
        // Under load, wait out the rest of the gap since the last send;
        // then everything the feed holds goes out as one batch.
        if let Some(at) = last_sent {
            tokio::time::sleep_until(at + COALESCE).await;
        }
        let mut closed = false;
        loop {
            match feed.try_recv() {
                Ok(c) => {
                    if let Ok(b) = batch.as_mut() {
                        b.push(Encoded::new(&c));
                    }
                }
                Err(broadcast::error::TryRecvError::Lagged(_)) => batch = Err(Missed),
                Err(broadcast::error::TryRecvError::Empty) => break,
                Err(broadcast::error::TryRecvError::Closed) => {
                    closed = true;
                    break;
                }
            }
        }
        if batch.is_err() {
            tracing::warn!("live streams fell behind the change feed; every page reloads");
        }
        // No stream open is not an error.
        let _ = tx.send(Arc::new(batch.map(Changes::new)));
        last_sent = Some(tokio::time::Instant::now());
        if closed {
            return;
        }
    }
}

/// The open streams (per client address and in total) and the process's
/// changes, each encoded once for every stream.
#[derive(Debug)]
pub struct Streams {
    open: Mutex<(usize, HashMap<IpAddr, usize>)>,
    per_address: usize,
    total: usize,
    pub(super) hub: broadcast::Sender<Batch>,
}

impl Streams {
    /// Starts encoding the store's changes for the streams (needs a Tokio
    /// runtime; the store's feed must be started, see `Store::start_changes`).
    pub fn start(store: &store::Store, per_address: usize, total: usize) -> Arc<Streams> {
        let hub = broadcast::channel(store::changes::FEED_CAPACITY).0;
        let feed = store.subscribe_changes();
        tokio::spawn(relay(feed, hub.clone()));
        Arc::new(Streams {
            open: Mutex::new((0, HashMap::new())),
            per_address,
            total,
            hub,
        })
    }

    /// A place for one more stream, or `None` when full.
    pub(super) fn enter(self: &Arc<Self>, addr: Option<IpAddr>) -> Option<Ticket> {
        let mut open = self.open.lock().ok()?;
        if open.0 >= self.total {
            return None;
        }
        if let Some(a) = addr {
            let n = open.1.entry(a).or_insert(0);
            if *n >= self.per_address {
                return None;
            }
            *n += 1;
        }
        open.0 += 1;
        Some(Ticket {
            streams: self.clone(),
            addr,
        })
    }

    /// How many streams are open (for the benchmark and tests).
    pub fn count(&self) -> usize {
        self.open.lock().map(|o| o.0).unwrap_or(0)
    }
}

/// One open stream's place; given back when the stream ends.
#[derive(Debug)]
pub(super) struct Ticket {
    streams: Arc<Streams>,
    addr: Option<IpAddr>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let Ok(mut open) = self.streams.open.lock() {
            open.0 = open.0.saturating_sub(1);
            if let Some(a) = self.addr
                && let Some(n) = open.1.get_mut(&a)
            {
                *n -= 1;
                if *n == 0 {
                    open.1.remove(&a);
                }
            }
        }
    }
}

/// A change as a stream sends it (JSON): no personal data; the appointment
/// or booking it is about only on staff streams.
fn encode(c: &Change, staff: bool) -> String {
    let time = |s: Option<i64>| s.and_then(|s| DateTime::<Utc>::from_timestamp(s, 0));
    let status = if staff {
        c.status.as_str()
    } else {
        match c.status.as_str() {
            "pending" | "confirmed" | "booked" | "arrived" | "called" | "serving" => "taken",
            "cancelled" | "expired" | "deleted" | "moved" | "no_show" | "done" => "freed",
            "closed" => "closed",
            "open" => "open",
            _ => "changed",
        }
    };
    let mut data = serde_json::json!({
        "id": c.id,
        "kind": c.kind,
        "facility": c.facility_id,
        "unit": c.unit_id,
        "department": c.department_id,
        "procedure": c.procedure_id,
        "start": time(c.start_s),
        "end": time(c.end_s),
        "from": c.from_day,
        "to": c.to_day,
        "status": status,
    });
    if staff {
        data["subject"] = c.subject_id.into();
        data["staff"] = c.staff_id.into();
    }
    data.to_string()
}

/// A change as a stream sends it: an SSE `change` event whose id is the
/// change's and whose data is [`encode`]'s JSON.
pub(super) fn frame(c: &Change, staff: bool) -> Bytes {
    Bytes::from(format!(
        "event: change\nid: {}\ndata: {}\n\n",
        c.id,
        encode(c, staff)
    ))
}

/// Frames written together as one.
pub(super) fn join(frames: &[&Bytes]) -> Bytes {
    match frames {
        [one] => (*one).clone(),
        _ => {
            let mut all = Vec::with_capacity(frames.iter().map(|f| f.len()).sum());
            for f in frames {
                all.extend_from_slice(f);
            }
            Bytes::from(all)
        }
    }
}
