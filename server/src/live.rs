//! Live pages: Server-Sent Events, one stream per open page, scoped to what
//! the page shows.
//!
//! - `GET /live/facilities/{id}?from=&to=` a facility's dates (month and
//!   day views, the booking form): bookings, closures, rules.
//! - `GET /live/visits?date=` a town's visits on a date (the time picker):
//!   visits and staff changes (any of them can change which times fit).
//! - `GET /live/display/{department}` the waiting display: visits of a
//!   division today.
//! - `GET /live/counters?date=` (counter staff only) the counters' day, with
//!   the appointment each change is about.
//! - `GET /live/console/facilities/{id}?from=&to=` (the facility's managers
//!   only) the timeline, with the booking each change is about.
//!
//! Events (`event: change`) carry the change's id (also the SSE `id`, so a
//! browser that reconnects sends `Last-Event-ID` and gets what it missed),
//! what it is about (unit or procedure, time range, dates) and a status;
//! never a name, e-mail or phone. A page that missed too much, or read too
//! slowly, gets `event: resync` (its id is the newest change) and reloads its
//! data. Comments every 15 s keep idle proxies from cutting the stream.
//! Streams are capped per client address and in total (503 + Retry-After).

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::core::error::AppError;
use app::core::limits::ClientAddr;
use app::core::state::AppState;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use domain::error::{DomainError, Field, InvalidReason, Missing};
use serde::Deserialize;
use store::{Change, ChangeKind};
use tokio::sync::broadcast;

/// How many streams one client address may hold (shared addresses: a
/// carrier's NAT, the town hall's public PCs).
pub const MAX_PER_ADDRESS: usize = 64;
/// How many streams one process holds at most.
pub const MAX_STREAMS: usize = 4096;
/// The longest range of dates one stream may watch.
const MAX_DAYS: i64 = 62;
/// More missed changes than this and the page reloads instead.
const MAX_REPLAY: u64 = 500;
/// What a browser waits before reconnecting.
const RETRY: Duration = Duration::from_secs(3);
/// Comments that keep the connection alive through proxies.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// A change with its two encodings, made once for all streams.
#[derive(Debug)]
struct Encoded {
    change: Change,
    public: String,
    staff: String,
}

impl Encoded {
    fn new(c: &Change) -> Encoded {
        Encoded {
            public: encode(c, false),
            staff: encode(c, true),
            change: c.clone(),
        }
    }
}

/// Changes that reached this process together, sent to streams as one.
type Batch = Arc<Vec<Encoded>>;

/// The open streams (per client address and in total) and the process's
/// changes, each encoded once for every stream.
#[derive(Debug)]
pub struct Streams {
    open: Mutex<(usize, HashMap<IpAddr, usize>)>,
    per_address: usize,
    total: usize,
    hub: broadcast::Sender<Batch>,
}

impl Streams {
    /// Starts encoding the store's changes for the streams (needs a Tokio
    /// runtime; the store's feed must be started, see `Store::start_changes`).
    pub fn start(store: &store::Store, per_address: usize, total: usize) -> Arc<Streams> {
        let hub = broadcast::channel(store::changes::FEED_CAPACITY).0;
        let mut feed = store.subscribe_changes();
        let tx = hub.clone();
        tokio::spawn(async move {
            loop {
                let first = match feed.recv().await {
                    Ok(c) => c,
                    // Streams that needed those changes lag too and resync.
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "live streams fell behind the change feed");
                        continue;
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                // Everything the feed holds now goes out as one batch: a
                // stream wakes and writes once for it, not once per change.
                let mut batch = vec![Encoded::new(&first)];
                let mut closed = false;
                loop {
                    match feed.try_recv() {
                        Ok(c) => batch.push(Encoded::new(&c)),
                        Err(broadcast::error::TryRecvError::Lagged(n)) => {
                            tracing::warn!(missed = n, "live streams fell behind the change feed");
                        }
                        Err(broadcast::error::TryRecvError::Empty) => break,
                        Err(broadcast::error::TryRecvError::Closed) => {
                            closed = true;
                            break;
                        }
                    }
                }
                // No stream open is not an error.
                let _ = tx.send(Arc::new(batch));
                if closed {
                    return;
                }
            }
        });
        Arc::new(Streams {
            open: Mutex::new((0, HashMap::new())),
            per_address,
            total,
            hub,
        })
    }

    /// A place for one more stream, or `None` when full.
    fn enter(self: &Arc<Self>, addr: Option<IpAddr>) -> Option<Ticket> {
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
struct Ticket {
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

/// The live routes (the caps come from the router as an extension).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/live/facilities/{id}", get(facility))
        .route("/live/visits", get(visits))
        .route("/live/display/{department}", get(display))
        .route("/live/counters", get(counters))
        .route("/live/console/facilities/{id}", get(console_facility))
}

/// What one stream shows.
#[derive(Clone, Debug)]
enum Scope {
    /// A facility's dates: `[from, to)` in UTC and the same dates as days.
    Facility {
        id: i64,
        from: i64,
        to: i64,
        days: (NaiveDate, NaiveDate),
    },
    /// A town's visits and staff changes in `[from, to)`; with a division,
    /// only that division's visits.
    Visits {
        town: i64,
        department: Option<i64>,
        from: i64,
        to: i64,
    },
}

impl Scope {
    fn matches(&self, c: &Change) -> bool {
        let overlaps = |from: i64, to: i64| match (c.start_s, c.end_s) {
            (Some(s), Some(e)) => s < to && e > from,
            _ => true,
        };
        match (self, c.kind()) {
            (Scope::Facility { id, from, to, days }, Some(kind)) => {
                c.facility_id == Some(*id)
                    && match kind {
                        ChangeKind::Booking => overlaps(*from, *to),
                        ChangeKind::Closure => {
                            let day = |d: &Option<String>| {
                                d.as_deref().and_then(|d| d.parse::<NaiveDate>().ok())
                            };
                            match (day(&c.from_day), day(&c.to_day)) {
                                (Some(a), Some(b)) => a <= days.1 && b >= days.0,
                                _ => true,
                            }
                        }
                        ChangeKind::Rules => true,
                        ChangeKind::Visit | ChangeKind::Staff => false,
                    }
            }
            (
                Scope::Visits {
                    town,
                    department,
                    from,
                    to,
                },
                Some(kind @ (ChangeKind::Visit | ChangeKind::Staff)),
            ) => {
                c.municipality_id == Some(*town)
                    && overlaps(*from, *to)
                    && (kind == ChangeKind::Staff
                        || department.is_none()
                        || c.department_id == *department)
            }
            _ => false,
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

/// What a stream sends next.
#[derive(Debug, PartialEq)]
enum Out {
    /// A change in the stream's scope: its id and JSON.
    Change(i64, String),
    /// Reload your data; resume after this id.
    Resync(i64),
}

impl Out {
    fn event(self) -> Event {
        match self {
            Out::Change(id, data) => Event::default()
                .event("change")
                .id(id.to_string())
                .data(data),
            Out::Resync(latest) => Event::default()
                .event("resync")
                .id(latest.to_string())
                .data("{}"),
        }
    }
}

/// Where a stream starts: the browser's `Last-Event-ID` (a reconnect), else
/// the page's version (`after`, the newest change when its data was read).
fn resume_from(headers: &HeaderMap, after: Option<&str>) -> Option<i64> {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .or(after)
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|v| *v >= 0)
}

/// A refusal before the stream starts, in the reader's language.
fn refuse(headers: &HeaderMap, e: AppError) -> Response {
    let lang = app::core::lang::from_headers(headers);
    let mut res = (
        crate::status_of(&e),
        app::core::messages::error_message(lang, &e),
    )
        .into_response();
    if let Some(s) = e.retry_after() {
        res.headers_mut().insert(header::RETRY_AFTER, s.into());
    }
    res
}

/// What every stream request brings: the state, the caps, the client's
/// address, its headers and its query.
struct Opening {
    state: AppState,
    streams: Arc<Streams>,
    addr: Option<IpAddr>,
    headers: HeaderMap,
    q: Dates,
}

impl axum::extract::FromRequestParts<AppState> for Opening {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Response> {
        let Query(q) = Query::<Dates>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let streams = parts
            .extensions
            .get::<Arc<Streams>>()
            .cloned()
            .ok_or_else(|| axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
        Ok(Opening {
            state: state.clone(),
            streams,
            addr: parts.extensions.get::<ClientAddr>().map(|a| a.0),
            headers: parts.headers.clone(),
            q,
        })
    }
}

impl Opening {
    /// Opens a stream for a checked scope (or says why not): takes a place,
    /// subscribes, replays what the page missed.
    async fn open(self, scope: Result<Scope, AppError>, staff: bool) -> Response {
        let Opening {
            state,
            streams,
            addr,
            headers,
            q,
        } = self;
        let scope = match scope {
            Ok(scope) => scope,
            Err(e) => return refuse(&headers, e),
        };
        open(
            &state,
            &streams,
            addr,
            &headers,
            q.after.as_deref(),
            scope,
            staff,
        )
        .await
    }
}

/// Takes a place, subscribes, replays what the page missed.
async fn open(
    state: &AppState,
    streams: &Arc<Streams>,
    addr: Option<IpAddr>,
    headers: &HeaderMap,
    after: Option<&str>,
    scope: Scope,
    staff: bool,
) -> Response {
    let Some(ticket) = streams.enter(addr) else {
        return refuse(headers, AppError::Busy(30));
    };
    // Subscribe before reading the log, so nothing falls between the two.
    let rx = streams.hub.subscribe();
    let mut first = VecDeque::new();
    let mut replayed = HashSet::new();
    let mut closing = false;
    if let Some(after) = resume_from(headers, after) {
        let read = async {
            let latest = state.store.latest_change_id().await?;
            let oldest = state.store.oldest_change_id().await?;
            let missed = state.store.changes_after(after, MAX_REPLAY).await?;
            Ok::<_, store::StoreError>((latest, oldest, missed))
        };
        match read.await {
            Ok((latest, oldest, missed)) => {
                let gap = oldest.is_some_and(|o| o > after + 1) || after > latest;
                if gap || missed.len() as u64 >= MAX_REPLAY {
                    first.push_back(Out::Resync(latest));
                    closing = true;
                } else {
                    for c in missed.iter().filter(|c| scope.matches(c)) {
                        first.push_back(Out::Change(c.id, encode(c, staff)));
                    }
                    replayed.extend(missed.iter().map(|c| c.id));
                }
            }
            Err(e) => return refuse(headers, AppError::from(e)),
        }
    }
    let live = Live {
        rx,
        first,
        replayed,
        scope,
        staff,
        closing,
        store: state.store.clone(),
        _ticket: ticket,
    };
    let stream = futures_util::stream::unfold(live, |mut live| async move {
        live.next()
            .await
            .map(|out| (Ok::<_, std::convert::Infallible>(out.event()), live))
    });
    let retry = futures_util::stream::once(async {
        Ok::<_, std::convert::Infallible>(Event::default().retry(RETRY).comment("live"))
    });
    use futures_util::StreamExt;
    let mut res = Sse::new(retry.chain(stream))
        .keep_alive(KeepAlive::new().interval(HEARTBEAT))
        .into_response();
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Proxies such as nginx would buffer the stream otherwise.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    res
}

/// One stream's state.
struct Live {
    rx: broadcast::Receiver<Batch>,
    first: VecDeque<Out>,
    replayed: HashSet<i64>,
    scope: Scope,
    staff: bool,
    closing: bool,
    store: store::Store,
    _ticket: Ticket,
}

impl Live {
    /// The next event; a batch's changes in this stream's scope are queued
    /// together, so they are written together.
    async fn next(&mut self) -> Option<Out> {
        loop {
            if let Some(e) = self.first.pop_front() {
                return Some(e);
            }
            if self.closing {
                return None;
            }
            match self.rx.recv().await {
                Ok(batch) => {
                    for e in batch.iter() {
                        let c = &e.change;
                        if self.replayed.remove(&c.id) || !self.scope.matches(c) {
                            continue;
                        }
                        let data = if self.staff { &e.staff } else { &e.public };
                        self.first.push_back(Out::Change(c.id, data.clone()));
                    }
                }
                // Too slow to keep up: tell the page to reload, and end
                // (nothing is buffered beyond the channel's capacity).
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    self.closing = true;
                    let latest = self.store.latest_change_id().await.unwrap_or(0);
                    return Some(Out::Resync(latest));
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

#[derive(Deserialize)]
struct Dates {
    from: Option<String>,
    to: Option<String>,
    date: Option<String>,
    after: Option<String>,
}

fn date(field: Field, raw: Option<&str>) -> Result<NaiveDate, AppError> {
    Ok(domain::calendar::parse_date(
        field,
        raw.unwrap_or_default(),
    )?)
}

/// `[from, to]` as UTC seconds in a zone: from the start of `from` to the
/// start of the day after `to`.
fn bounds(tz: chrono_tz::Tz, from: NaiveDate, to: NaiveDate) -> Result<(i64, i64), AppError> {
    let start = |d: NaiveDate| {
        domain::availability::to_utc_at_or_after(tz, d.and_hms_opt(0, 0, 0)?).map(|t| t.timestamp())
    };
    let invalid = |reason| AppError::Domain(DomainError::invalid(Field::To, reason));
    if to < from {
        return Err(invalid(InvalidReason::EndBeforeStart));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(invalid(InvalidReason::RangeTooLong {
            max_days: MAX_DAYS as u32,
        }));
    }
    let invalid = || invalid(InvalidReason::OutOfSupportedYears);
    let next = to.succ_opt().ok_or_else(invalid)?;
    Ok((
        start(from).ok_or_else(invalid)?,
        start(next).ok_or_else(invalid)?,
    ))
}

/// A facility's dates as a scope, checked like the pages that show them.
async fn facility_scope(state: &AppState, id: &str, q: &Dates) -> Result<Scope, AppError> {
    let id = app::core::state::parse_facility_id(id)?;
    let f = state
        .store
        .facility(id)
        .await?
        .ok_or(AppError::Domain(DomainError::NotFound(Missing::Facility)))?;
    let from = date(Field::From, q.from.as_deref())?;
    let to = match q.to.as_deref() {
        Some(_) => date(Field::To, q.to.as_deref())?,
        None => from,
    };
    let (a, b) = bounds(f.plan.tz, from, to)?;
    Ok(Scope::Facility {
        id: id.0,
        from: a,
        to: b,
        days: (from, to),
    })
}

async fn facility(r: Opening, Path(id): Path<String>) -> Response {
    let scope = facility_scope(&r.state, &id, &r.q).await;
    r.open(scope, false).await
}

async fn console_facility(
    r: Opening,
    session: tower_sessions::Session,
    Path(id): Path<String>,
) -> Response {
    let scope = async {
        let actor = app::core::auth::actor_of(&r.state, &session).await?;
        r.state
            .may_manage(&actor, app::core::state::parse_facility_id(&id)?)
            .await?;
        facility_scope(&r.state, &id, &r.q).await
    };
    let scope = scope.await;
    r.open(scope, true).await
}

/// A town's visits and staff changes on one day (today without `day`).
async fn town_day(
    state: &AppState,
    day: Option<&str>,
    department: Option<i64>,
) -> Result<Scope, AppError> {
    let (town, tz) = state.town().await?;
    let day = match day {
        Some(d) => date(Field::Date, Some(d))?,
        None => state.now().with_timezone(&tz).date_naive(),
    };
    let (from, to) = bounds(tz, day, day)?;
    Ok(Scope::Visits {
        town,
        department,
        from,
        to,
    })
}

async fn visits(r: Opening) -> Response {
    // The time picker always names its date (none: a clear refusal).
    let day = r.q.date.as_deref().unwrap_or_default();
    let scope = town_day(&r.state, Some(day), None).await;
    r.open(scope, false).await
}

async fn display(r: Opening, Path(department): Path<String>) -> Response {
    let department = department
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| *d > 0)
        .ok_or(AppError::Domain(DomainError::NotFound(Missing::Department)));
    let scope = match department {
        Ok(d) => town_day(&r.state, None, Some(d)).await,
        Err(e) => Err(e),
    };
    r.open(scope, false).await
}

async fn counters(r: Opening, session: tower_sessions::Session) -> Response {
    let scope = async {
        let actor = app::core::auth::actor_of(&r.state, &session).await?;
        r.state.counter_access(&actor).await?;
        town_day(&r.state, r.q.date.as_deref(), None).await
    };
    let scope = scope.await;
    r.open(scope, true).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::testing::TestDb;

    fn change(id: i64, facility: i64) -> Change {
        Change {
            id,
            municipality_id: Some(1),
            kind: "booking".into(),
            facility_id: Some(facility),
            unit_id: Some(2),
            department_id: None,
            procedure_id: None,
            staff_id: None,
            subject_id: Some(99),
            status: "confirmed".into(),
            start_s: Some(1_000),
            end_s: Some(2_000),
            from_day: None,
            to_day: None,
            at_s: 0,
        }
    }

    fn booking(id: i64, facility: i64) -> Batch {
        Arc::new(vec![Encoded::new(&change(id, facility))])
    }

    fn live(rx: broadcast::Receiver<Batch>, store: &store::Store, ticket: Ticket) -> Live {
        Live {
            rx,
            first: VecDeque::new(),
            replayed: HashSet::new(),
            scope: Scope::Facility {
                id: 1,
                from: 0,
                to: 10_000,
                days: (NaiveDate::MIN, NaiveDate::MAX),
            },
            staff: false,
            closing: false,
            store: store.clone(),
            _ticket: ticket,
        }
    }

    #[tokio::test]
    async fn a_stream_sends_its_scope_only_and_no_booking_id() {
        let db = TestDb::sqlite().await;
        let streams = Streams::start(&db.store, 4, 4);
        let (tx, rx) = broadcast::channel(8);
        let mut l = live(rx, &db.store, streams.enter(None).unwrap());
        tx.send(booking(1, 2)).unwrap();
        tx.send(booking(2, 1)).unwrap();
        let Some(Out::Change(id, data)) = l.next().await else {
            panic!("a change");
        };
        assert_eq!(id, 2, "facility 2 is not this stream's");
        assert!(data.contains("\"status\":\"taken\""), "{data}");
        assert!(!data.contains("subject") && !data.contains("99"), "{data}");
        db.drop_db().await;
    }

    #[tokio::test]
    async fn a_batch_goes_out_in_order_and_only_what_is_in_scope() {
        let db = TestDb::sqlite().await;
        let streams = Streams::start(&db.store, 4, 4);
        let (tx, rx) = broadcast::channel(8);
        let mut l = live(rx, &db.store, streams.enter(None).unwrap());
        let batch = [change(3, 1), change(4, 2), change(5, 1)];
        tx.send(Arc::new(batch.iter().map(Encoded::new).collect()))
            .unwrap();
        tx.send(booking(6, 1)).unwrap();
        let mut ids = Vec::new();
        for _ in 0..3 {
            match l.next().await {
                Some(Out::Change(id, _)) => ids.push(id),
                other => panic!("a change, not {other:?}"),
            }
        }
        assert_eq!(ids, [3, 5, 6], "facility 2 is not this stream's");
        db.drop_db().await;
    }

    #[tokio::test]
    async fn a_reader_that_falls_behind_is_told_to_reload_and_dropped() {
        let db = TestDb::sqlite().await;
        let streams = Streams::start(&db.store, 4, 4);
        let (tx, rx) = broadcast::channel(2);
        let mut l = live(rx, &db.store, streams.enter(None).unwrap());
        assert_eq!(streams.count(), 1);
        for id in 1..=5 {
            tx.send(booking(id, 1)).unwrap();
        }
        assert_eq!(l.next().await, Some(Out::Resync(0)));
        assert_eq!(l.next().await, None, "then the stream ends");
        drop(l);
        assert_eq!(streams.count(), 0, "its place is given back");
        db.drop_db().await;
    }
}
