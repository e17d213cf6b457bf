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
//! most every [`hub::COALESCE`] (an idle town's change goes out at once).

mod hub;
mod scope;
#[cfg(test)]
mod tests;

use std::collections::{HashSet, VecDeque};
use std::net::IpAddr;
use std::sync::Arc;
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
use chrono::NaiveDate;
use domain::error::{DomainError, Field, InvalidReason, Missing};
use serde::Deserialize;
use tokio::sync::broadcast;

pub use hub::Streams;
use hub::{Batch, Missed, Ticket, frame, join};
use scope::Scope;

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

/// The live routes (the caps come from the router as an extension).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/live/facilities/{id}", get(facility))
        .route("/live/visits", get(visits))
        .route("/live/display/{department}", get(display))
        .route("/live/counters", get(counters))
        .route("/live/console/facilities/{id}", get(console_facility))
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
        let town = parts
            .extensions
            .get::<app::core::town::RequestTown>()
            .cloned()
            .unwrap_or_default();
        Ok(Opening {
            state: state.clone().for_town(&town),
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
    state.check_town(f.municipality.0, Missing::Facility)?;
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
        let state = own_town(&r.state, &actor);
        state
            .may_manage(&actor, app::core::state::parse_facility_id(&id)?)
            .await?;
        facility_scope(&state, &id, &r.q).await
    };
    let scope = scope.await;
    r.open(scope, true).await
}

/// The state in a signed-in member's own town (console streams, as the
/// console's pages).
fn own_town(state: &AppState, actor: &app::core::access::Actor) -> AppState {
    match actor {
        app::core::access::Actor::Staff(s) => state.clone().in_town(s.municipality),
        _ => state.clone(),
    }
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
        let state = own_town(&r.state, &actor);
        state.counter_access(&actor).await?;
        town_day(&state, r.q.date.as_deref(), None).await
    };
    let scope = scope.await;
    r.open(scope, true).await
}
