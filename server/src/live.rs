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
//!
//! Cost under load: each change is framed once per process (public and
//! staff bytes), a stream writes once for all the changes that reach it
//! together, and while changes keep coming the process sends them out at
//! most every [`COALESCE`] (an idle town's change goes out at once).

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use app::core::error::AppError;
use app::core::limits::ClientAddr;
use app::core::state::AppState;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, header};
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
/// While changes keep coming, the shortest time between two sends to the
/// streams: at a month-start rush each stream writes (and each browser
/// wakes) at most 10 times a second, however many bookings commit.
const COALESCE: Duration = Duration::from_millis(100);

/// A change with its two event frames, made once for all streams.
#[derive(Debug)]
struct Encoded {
    change: Change,
    public: Bytes,
    staff: Bytes,
}

impl Encoded {
    fn new(c: &Change) -> Encoded {
        Encoded {
            public: frame(c, false),
            staff: frame(c, true),
            change: c.clone(),
        }
    }
}

/// What the process sends its streams: changes that reached it together,
/// written as one; or word that changes were missed (every stream resyncs).
type Batch = Arc<Result<Changes, Missed>>;

/// Changes that go out together.
#[derive(Debug)]
struct Changes {
    each: Vec<Encoded>,
    /// All their frames joined (public, staff), made by the first stream
    /// that shows them all and shared by the rest: at a rush most streams
    /// watch the same facility and month, and need not each copy the same
    /// bytes.
    joined: [OnceLock<Bytes>; 2],
}

impl Changes {
    fn new(each: Vec<Encoded>) -> Changes {
        Changes {
            each,
            joined: Default::default(),
        }
    }

    /// What a stream writes for these changes: those in its scope (and not
    /// already replayed to it), framed, in order, as one write.
    fn for_stream(&self, scope: &Scope, staff: bool, replayed: &mut HashSet<i64>) -> Option<Bytes> {
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
struct Missed;

/// Passes the store's changes to the streams, each encoded once. While
/// changes keep coming it sends at most every [`COALESCE`].
async fn relay(mut feed: broadcast::Receiver<Arc<Change>>, tx: broadcast::Sender<Batch>) {
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
    hub: broadcast::Sender<Batch>,
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

/// A change as a stream sends it: an SSE `change` event whose id is the
/// change's and whose data is [`encode`]'s JSON.
fn frame(c: &Change, staff: bool) -> Bytes {
    Bytes::from(format!(
        "event: change\nid: {}\ndata: {}\n\n",
        c.id,
        encode(c, staff)
    ))
}

/// What a stream writes next.
#[derive(Debug, PartialEq)]
enum Out {
    /// Changes in the stream's scope, framed, in order.
    Changes(Bytes),
    /// Reload your data; resume after this id.
    Resync(i64),
    /// A comment that keeps the connection open.
    Heartbeat,
}

impl Out {
    fn bytes(self) -> Bytes {
        match self {
            Out::Changes(b) => b,
            Out::Resync(latest) => {
                Bytes::from(format!("event: resync\nid: {latest}\ndata: {{}}\n\n"))
            }
            Out::Heartbeat => Bytes::from_static(b":\n\n"),
        }
    }
}

/// Frames written together as one.
fn join(frames: &[&Bytes]) -> Bytes {
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
                    let frames: Vec<Bytes> = missed
                        .iter()
                        .filter(|c| scope.matches(c))
                        .map(|c| frame(c, staff))
                        .collect();
                    if !frames.is_empty() {
                        first.push_back(Out::Changes(join(&frames.iter().collect::<Vec<_>>())));
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
        heartbeat: Box::pin(tokio::time::sleep(HEARTBEAT)),
        _ticket: ticket,
    };
    let retry = format!(": live\nretry: {}\n\n", RETRY.as_millis());
    let opening = futures_util::stream::once(async move { Ok(Bytes::from(retry)) });
    let stream = futures_util::stream::unfold(live, |mut live| async move {
        live.next()
            .await
            .map(|out| (Ok::<_, std::convert::Infallible>(out.bytes()), live))
    });
    use futures_util::StreamExt;
    let mut res = Body::from_stream(opening.chain(stream)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
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
    /// When the next keep-alive comment is due.
    heartbeat: std::pin::Pin<Box<tokio::time::Sleep>>,
    _ticket: Ticket,
}

impl Live {
    /// What to write next: the changes of a batch that are in this stream's
    /// scope, as one write; a resync; or, every [`HEARTBEAT`], a comment.
    async fn next(&mut self) -> Option<Out> {
        loop {
            if let Some(e) = self.first.pop_front() {
                return Some(e);
            }
            if self.closing {
                return None;
            }
            let got = tokio::select! {
                got = self.rx.recv() => got,
                () = self.heartbeat.as_mut() => {
                    let next = tokio::time::Instant::now() + HEARTBEAT;
                    self.heartbeat.as_mut().reset(next);
                    return Some(Out::Heartbeat);
                }
            };
            match got.as_deref() {
                Ok(Ok(batch)) => {
                    if let Some(bytes) =
                        batch.for_stream(&self.scope, self.staff, &mut self.replayed)
                    {
                        return Some(Out::Changes(bytes));
                    }
                }
                // Too slow to keep up (this stream or the process): tell
                // the page to reload, and end (nothing is buffered beyond
                // the channel's capacity).
                Ok(Err(Missed)) | Err(broadcast::error::RecvError::Lagged(_)) => {
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
        Arc::new(Ok(Changes::new(vec![Encoded::new(&change(id, facility))])))
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
            heartbeat: Box::pin(tokio::time::sleep(HEARTBEAT)),
            _ticket: ticket,
        }
    }

    /// The text of what a stream writes next.
    async fn next_text(l: &mut Live) -> String {
        let out = l.next().await.expect("something to write");
        String::from_utf8(out.bytes().to_vec()).unwrap()
    }

    /// The change ids in written text.
    fn ids(text: &str) -> Vec<i64> {
        text.lines()
            .filter_map(|l| l.strip_prefix("id: "))
            .map(|v| v.parse().unwrap())
            .collect()
    }

    #[tokio::test]
    async fn a_stream_sends_its_scope_only_and_no_booking_id() {
        let db = TestDb::sqlite().await;
        let streams = Streams::start(&db.store, 4, 4);
        let (tx, rx) = broadcast::channel(8);
        let mut l = live(rx, &db.store, streams.enter(None).unwrap());
        tx.send(booking(1, 2)).unwrap();
        tx.send(booking(2, 1)).unwrap();
        let data = next_text(&mut l).await;
        assert_eq!(ids(&data), [2], "facility 2 is not this stream's");
        assert!(data.starts_with("event: change\nid: 2\ndata: {"), "{data}");
        assert!(data.ends_with("}\n\n"), "{data}");
        assert!(data.contains("\"status\":\"taken\""), "{data}");
        assert!(!data.contains("subject") && !data.contains("99"), "{data}");
        db.drop_db().await;
    }

    #[tokio::test]
    async fn a_batch_goes_out_as_one_write_in_order_and_only_what_is_in_scope() {
        let db = TestDb::sqlite().await;
        let streams = Streams::start(&db.store, 4, 4);
        let (tx, rx) = broadcast::channel(8);
        let mut l = live(rx, &db.store, streams.enter(None).unwrap());
        let batch = [change(3, 1), change(4, 2), change(5, 1)];
        tx.send(Arc::new(Ok(Changes::new(
            batch.iter().map(Encoded::new).collect(),
        ))))
        .unwrap();
        tx.send(booking(6, 1)).unwrap();
        assert_eq!(
            ids(&next_text(&mut l).await),
            [3, 5],
            "one write for the batch; facility 2 is not this stream's"
        );
        assert_eq!(ids(&next_text(&mut l).await), [6]);
        db.drop_db().await;
    }

    #[tokio::test]
    async fn streams_that_show_a_whole_batch_share_one_copy_of_it() {
        let db = TestDb::sqlite().await;
        let streams = Streams::start(&db.store, 4, 4);
        let (tx, rx) = broadcast::channel(8);
        let mut a = live(rx, &db.store, streams.enter(None).unwrap());
        let mut b = live(tx.subscribe(), &db.store, streams.enter(None).unwrap());
        let mut other = live(tx.subscribe(), &db.store, streams.enter(None).unwrap());
        other.scope = Scope::Facility {
            id: 2,
            from: 0,
            to: 10_000,
            days: (NaiveDate::MIN, NaiveDate::MAX),
        };
        let batch = [change(3, 1), change(4, 1), change(5, 2)];
        tx.send(Arc::new(Ok(Changes::new(
            batch.iter().map(Encoded::new).collect(),
        ))))
        .unwrap();
        let (Some(Out::Changes(x)), Some(Out::Changes(y))) = (a.next().await, b.next().await)
        else {
            panic!("both streams show facility 1");
        };
        assert_eq!(ids(&String::from_utf8_lossy(&x)), [3, 4]);
        assert_ne!(
            x.as_ptr(),
            y.as_ptr(),
            "a part of the batch is joined per stream"
        );
        let whole = [change(6, 1), change(7, 1)];
        tx.send(Arc::new(Ok(Changes::new(
            whole.iter().map(Encoded::new).collect(),
        ))))
        .unwrap();
        let (Some(Out::Changes(x)), Some(Out::Changes(y))) = (a.next().await, b.next().await)
        else {
            panic!("both streams show facility 1");
        };
        assert_eq!(ids(&String::from_utf8_lossy(&x)), [6, 7]);
        assert_eq!(x, y);
        assert_eq!(x.as_ptr(), y.as_ptr(), "the whole batch is joined once");
        let Some(Out::Changes(z)) = other.next().await else {
            panic!("facility 2's change");
        };
        assert_eq!(
            ids(&String::from_utf8_lossy(&z)),
            [5],
            "then nothing of 6 and 7"
        );
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

    #[tokio::test]
    async fn changes_that_keep_coming_go_out_together_at_most_every_gap() {
        tokio::time::pause();
        let (feed, rx) = broadcast::channel(16);
        let (hub, mut out) = broadcast::channel(16);
        tokio::spawn(relay(rx, hub));
        let ids_of = |b: &Batch| match b.as_ref() {
            Ok(v) => v.each.iter().map(|e| e.change.id).collect::<Vec<_>>(),
            Err(Missed) => panic!("nothing was missed"),
        };
        let start = tokio::time::Instant::now();
        feed.send(Arc::new(change(1, 1))).unwrap();
        assert_eq!(ids_of(&out.recv().await.unwrap()), [1]);
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "a lone change goes at once"
        );
        feed.send(Arc::new(change(2, 1))).unwrap();
        feed.send(Arc::new(change(3, 1))).unwrap();
        tokio::time::sleep(Duration::from_millis(10)).await;
        feed.send(Arc::new(change(4, 1))).unwrap();
        assert_eq!(ids_of(&out.recv().await.unwrap()), [2, 3, 4]);
        let waited = start.elapsed();
        // (Tokio's timers have a 1 ms grain.)
        assert!(
            waited >= COALESCE && waited <= COALESCE + Duration::from_millis(2),
            "the next waits out the gap: {waited:?}"
        );
        tokio::time::sleep(COALESCE * 3).await;
        let quiet = tokio::time::Instant::now();
        feed.send(Arc::new(change(5, 1))).unwrap();
        assert_eq!(ids_of(&out.recv().await.unwrap()), [5]);
        assert_eq!(
            quiet.elapsed(),
            Duration::ZERO,
            "after a quiet spell, at once"
        );
    }

    #[tokio::test]
    async fn changes_the_process_missed_make_every_stream_reload() {
        let db = TestDb::sqlite().await;
        let streams = Streams::start(&db.store, 4, 4);
        let (feed, rx) = broadcast::channel(2);
        let (hub, mut out) = broadcast::channel(16);
        for id in 1..=5 {
            feed.send(Arc::new(change(id, 1))).unwrap();
        }
        tokio::spawn(relay(rx, hub.clone()));
        let batch = out.recv().await.unwrap();
        assert!(batch.is_err(), "changes 1 to 3 were lost: {batch:?}");
        let mut l = live(hub.subscribe(), &db.store, streams.enter(None).unwrap());
        hub.send(batch).unwrap();
        assert_eq!(l.next().await, Some(Out::Resync(0)));
        assert_eq!(l.next().await, None, "then the stream ends");
        db.drop_db().await;
    }

    #[tokio::test]
    async fn an_idle_stream_sends_a_comment_every_heartbeat() {
        let db = TestDb::sqlite().await;
        let streams = Streams::start(&db.store, 4, 4);
        let (_tx, rx) = broadcast::channel::<Batch>(8);
        tokio::time::pause();
        let mut l = live(rx, &db.store, streams.enter(None).unwrap());
        let start = tokio::time::Instant::now();
        // (Tokio's timers have a 1 ms grain.)
        let about = |n: u32| {
            let t = start.elapsed();
            t >= HEARTBEAT * n && t <= HEARTBEAT * n + Duration::from_millis(2 * n as u64)
        };
        assert_eq!(next_text(&mut l).await, ":\n\n");
        assert!(about(1), "{:?}", start.elapsed());
        assert_eq!(next_text(&mut l).await, ":\n\n");
        assert!(about(2), "{:?}", start.elapsed());
        db.drop_db().await;
    }
}
