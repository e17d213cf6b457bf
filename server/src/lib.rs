//! The axum server: router, JSON API, OpenAPI document, language switch and
//! the Leptos pages. `main.rs` holds only the command line.

#![recursion_limit = "512"]

pub mod api;
pub mod config;
pub mod guard;
pub mod imports;
pub mod live;
pub mod openapi;
pub mod opendata;
pub mod photos;
pub mod reminders;
pub mod sessions;
pub mod towns;
pub mod waitlist;

use app::core::state::AppState;
use app::{App, shell};
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use serde::Deserialize;
use std::sync::OnceLock;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};

/// The router as a service that knows each client's address (for login
/// throttling).
pub fn app(
    state: AppState,
) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, std::net::SocketAddr> {
    router(state).into_make_service_with_connect_info::<std::net::SocketAddr>()
}

/// What the server listens with: a TCP listener whose accepted connections
/// have Nagle's algorithm off.
pub type Listener = axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)>;

/// Listens on `addr` with `TCP_NODELAY` on every accepted connection. With
/// Nagle's algorithm on, the last small write of a response waits for the
/// client's delayed ACK: about 40 ms for every static file after the first
/// on a kept-alive connection (CSS, JS and WASM share one).
pub async fn listen(addr: std::net::SocketAddr) -> std::io::Result<Listener> {
    use axum::serve::ListenerExt;
    let tap: fn(&mut tokio::net::TcpStream) = no_delay;
    Ok(tokio::net::TcpListener::bind(addr).await?.tap_io(tap))
}

fn no_delay(tcp: &mut tokio::net::TcpStream) {
    if let Err(e) = tcp.set_nodelay(true) {
        tracing::warn!("could not set TCP_NODELAY on a connection: {e}");
    }
}

/// The app's routes, listed once per process. Listing them renders the app
/// with resource loading switched off process-wide (Leptos' own
/// `SuppressResourceLoad` is a global flag): a page whose resource first
/// polled while another router of the same process listed them waited
/// forever (leptos-rs/leptos#4773). Every HTTP test builds a router while
/// others serve pages; one page request in a few hundred hung.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Builds the whole application router: the request's town is resolved
/// (and a `/t/{town}` prefix stripped) before anything routes it.
pub fn router(state: AppState) -> Router {
    let towns = from_fn_with_state(state.clone(), towns::resolve_town);
    Router::new().fallback_service(tower::Layer::layer(&towns, routes(state)))
}

/// Every route, written once for every town.
fn routes(state: AppState) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    // Live pages read committed changes from the store's feed; the feed
    // also empties the rules and staff caches when they change elsewhere.
    state.store.start_changes();
    Router::new()
        .nest("/api/v1", api::routes())
        .merge(live::routes())
        .route("/api/openapi.json", get(openapi::document))
        .route("/lang/{code}", get(switch_language))
        .route("/text-size/{code}", get(switch_text_size))
        .route("/healthz", get(|| async { "ok" }))
        .route("/bookings/{reference}/booking.ics", get(booking_ics))
        .route("/visits/appointments/{reference}/visit.ics", get(visit_ics))
        .route("/feeds/{file}", get(feed))
        .route(
            "/console/facilities/{id}/bookings.csv",
            axum::routing::post(console_csv),
        )
        .route("/opendata/facilities.csv", get(opendata::csv))
        .route("/opendata/facilities.json", get(opendata::json))
        .route(
            "/console/facility-list",
            axum::routing::post(opendata::upload)
                .layer(axum::extract::DefaultBodyLimit::max(imports::REQUEST_LIMIT)),
        )
        .route("/facilities/{id}/photo", get(photos::serve))
        .route(
            "/console/facilities/{id}/photo",
            axum::routing::post(photos::upload)
                .layer(axum::extract::DefaultBodyLimit::max(photos::REQUEST_LIMIT)),
        )
        .route(
            "/console/import",
            axum::routing::post(imports::upload)
                .layer(axum::extract::DefaultBodyLimit::max(imports::REQUEST_LIMIT)),
        )
        .leptos_routes_with_context(&state, routes, provide_request_context, move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(provide_request_context, shell))
        .layer(from_fn(sessions::note_untouched))
        .layer(sessions::DbSessionStore::new(state.store.clone()).layer(state.secure_cookies))
        .layer(from_fn(sessions::keep_cookie_unless_changed))
        .layer(from_fn(guard::server_fn_status))
        .layer(from_fn_with_state(state.clone(), guard::limits))
        .layer(from_fn_with_state(state.clone(), guard::same_origin_only))
        .layer(from_fn(guard::body_limit))
        .layer(axum::extract::DefaultBodyLimit::max(guard::BODY_LIMIT))
        .layer(from_fn_with_state(state.clone(), guard::security_headers))
        // Not the feeds: some Outlook versions fail on a compressed calendar.
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("text/calendar")),
        ))
        .layer(axum::Extension(live::Streams::start(
            &state.store,
            live::MAX_PER_ADDRESS,
            live::MAX_STREAMS,
        )))
        .with_state(state)
}

/// Hands the response's CSP nonce (made by `guard::security_headers`) to
/// Leptos, which puts it on its hydration scripts, and the town's path
/// prefix to the pages' links.
fn provide_request_context() {
    use leptos::prelude::{provide_context, use_context};
    let parts = use_context::<http::request::Parts>();
    let nonce = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<guard::CspNonce>().cloned());
    if let Some(guard::CspNonce(n)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(n));
    }
    let town = parts
        .and_then(|p| p.extensions.get::<app::core::town::RequestTown>().cloned())
        .unwrap_or_default();
    let name = match (town.names, app::core::lang::detect()) {
        (Some((ja, _)), domain::text::Lang::Ja) => ja,
        (Some((_, en)), domain::text::Lang::En) => en,
        (None, _) => String::new(),
    };
    provide_context(app::core::town::TownBase {
        base: town.base,
        name,
    });
}

/// The HTTP status of an error: the one mapping every route uses (the
/// API, the file routes, server functions and refusals before a handler).
pub(crate) fn status_of(e: &app::core::error::AppError) -> axum::http::StatusCode {
    axum::http::StatusCode::from_u16(e.status())
        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
}

/// An error as the answer to a plain form post or file request: its
/// status and the message in the reader's language.
pub(crate) fn refusal(lang: domain::text::Lang, e: &app::core::error::AppError) -> Response {
    (status_of(e), app::core::messages::error_message(lang, e)).into_response()
}

/// Who posts an upload form (a multipart post to an axum route, outside
/// the server functions' context): the session's account, or the refusal.
pub(crate) async fn uploader(
    state: &AppState,
    session: &tower_sessions::Session,
    lang: domain::text::Lang,
) -> Result<app::core::access::Actor, Response> {
    app::core::auth::actor_of(state, session)
        .await
        .map_err(|e| refusal(lang, &e))
}

/// A file to download (a calendar, a CSV export), never cached; or, for an
/// error, its status with the message in the reader's language as text.
fn attachment(
    lang: domain::text::Lang,
    content_type: &'static str,
    made: Result<(String, String), app::core::error::AppError>,
) -> Response {
    match made {
        Ok((filename, body)) => (
            [
                (header::CONTENT_TYPE, content_type.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{filename}\""),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            let mut res =
                (status_of(&e), app::core::messages::error_message(lang, &e)).into_response();
            if let Some(s) = e.retry_after() {
                res.headers_mut().insert(header::RETRY_AFTER, s.into());
            }
            res
        }
    }
}

const CSV: &str = "text/csv; charset=utf-8";
const CALENDAR: &str = "text/calendar; charset=utf-8";

#[derive(Deserialize)]
struct Period {
    from: Option<String>,
    to: Option<String>,
}

/// `POST /console/facilities/{id}/bookings.csv` (form fields `from`, `to`):
/// the bookings of a facility the signed-in member manages, for Excel. A
/// post, checked like every form, because the export is audited.
async fn console_csv(
    axum::extract::State(state): axum::extract::State<AppState>,
    Path(id): Path<String>,
    session: tower_sessions::Session,
    headers: axum::http::HeaderMap,
    form: Result<axum::Form<Period>, axum::extract::rejection::FormRejection>,
) -> Response {
    use domain::error::Field;
    let q = form.map(|axum::Form(q)| q).unwrap_or(Period {
        from: None,
        to: None,
    });
    let lang = app::core::lang::from_headers(&headers);
    let csv = async {
        let actor = app::core::auth::actor_of(&state, &session).await?;
        actor.staff()?;
        let facility = app::core::state::parse_facility_id(&id)?;
        let from =
            domain::calendar::parse_date(Field::From, q.from.as_deref().unwrap_or_default())?;
        let to = domain::calendar::parse_date(Field::To, q.to.as_deref().unwrap_or_default())?;
        let body = state.export_csv(&actor, facility, from, to, lang).await?;
        Ok((format!("bookings-{}.csv", facility.0), body))
    };
    attachment(lang, CSV, csv.await)
}

/// `GET /bookings/{reference}/booking.ics`: the booking as a calendar file,
/// for a browser whose session has proved it owns the booking.
async fn booking_ics(
    towns::TownState(state): towns::TownState,
    Path(reference): Path<String>,
    session: tower_sessions::Session,
    headers: axum::http::HeaderMap,
) -> Response {
    let lang = app::core::lang::from_headers(&headers);
    let missing = || {
        app::core::error::AppError::Domain(domain::DomainError::NotFound(
            domain::error::Missing::Booking,
        ))
    };
    let ics = async {
        let reference = domain::reference::normalize(&reference).ok_or_else(missing)?;
        let record = state.booking_by_reference(&reference).await?;
        if !app::core::auth::may_see(&state, &session, &record).await? {
            return Err(missing());
        }
        let body = state.booking_ics(&record, lang).await?;
        Ok((format!("booking-{reference}.ics"), body))
    };
    attachment(lang, CALENDAR, ics.await)
}

/// An HTTP date (`Last-Modified`).
fn http_date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// `GET /feeds/{token}.ics`: a calendar feed, for calendar apps that
/// subscribe to it (no sign-in: the token is the key). Answers 304 when the
/// caller's copy is current; never compressed; an unknown, renewed-away or
/// revoked token, or an owner who lost the scope, is the same 404.
async fn feed(
    axum::extract::State(state): axum::extract::State<AppState>,
    Path(file): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    use app::feeds::service::{FeedAnswer, Validators};
    let text = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let have = Validators {
        if_none_match: text(header::IF_NONE_MATCH),
        if_modified_since: text(header::IF_MODIFIED_SINCE)
            .and_then(|v| chrono::DateTime::parse_from_rfc2822(&v).ok())
            .map(|t| t.with_timezone(&chrono::Utc)),
    };
    // Calendars fetch again on their own; they must ask each time.
    let cache = (header::CACHE_CONTROL, "private, no-cache".to_owned());
    match state.feed_file(&file, &have).await {
        Ok(FeedAnswer::File {
            body,
            etag,
            modified,
        }) => (
            [
                (header::CONTENT_TYPE, CALENDAR.to_owned()),
                (header::ETAG, etag),
                (header::LAST_MODIFIED, http_date(modified)),
                cache,
                (
                    header::CONTENT_DISPOSITION,
                    "inline; filename=\"calendar.ics\"".to_owned(),
                ),
            ],
            body,
        )
            .into_response(),
        Ok(FeedAnswer::NotModified { etag, modified }) => (
            axum::http::StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag),
                (header::LAST_MODIFIED, http_date(modified)),
                cache,
            ],
        )
            .into_response(),
        Err(e) => {
            let lang = app::core::lang::from_headers(&headers);
            (status_of(&e), app::core::messages::error_message(lang, &e)).into_response()
        }
    }
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// Whether `next` is a path on this site: it starts with one `/` (not `//`
/// or `/\`) and holds only visible ASCII, so browsers cannot read it as
/// another host (they drop tabs and newlines, which would turn `/\t/x` into `//x`).
pub(crate) fn is_local_path(next: &str) -> bool {
    let b = next.as_bytes();
    b.first() == Some(&b'/')
        && !matches!(b.get(1), Some(b'/' | b'\\'))
        && b.iter().all(|c| c.is_ascii_graphic())
}

/// `GET /lang/{ja|en}?next=/path`: remembers the language in a cookie and goes
/// back to `next` if it is a local path, else to the home page. An unknown
/// language code changes nothing.
async fn switch_language(Path(code): Path<String>, Query(q): Query<Next>) -> Response {
    let lang = domain::text::Lang::from_code(&code);
    remember(app::core::lang::COOKIE, lang.map(|l| l.code()), q)
}

/// `GET /text-size/{standard|large|largest}?next=/path`: the same for the
/// text size.
async fn switch_text_size(Path(code): Path<String>, Query(q): Query<Next>) -> Response {
    use app::core::text_size::{COOKIE, TextSize};
    remember(COOKIE, TextSize::from_code(&code).map(TextSize::code), q)
}

/// A reader's display choice kept for a year in `cookie` (nothing when the
/// choice was unknown), then back to `next` if it is a local path, else to
/// the home page.
fn remember(cookie: &str, value: Option<&str>, q: Next) -> Response {
    let next = q
        .next
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/".to_owned());
    let mut res = Redirect::to(&next).into_response();
    if let Some(value) = value {
        let cookie = format!("{cookie}={value}; Path=/; Max-Age=31536000; SameSite=Lax");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    res
}

/// `GET /visits/appointments/{reference}/visit.ics`: the visit as a calendar
/// file, for a browser whose session booked or proved it (or whose
/// resident account booked it).
async fn visit_ics(
    towns::TownState(state): towns::TownState,
    Path(reference): Path<String>,
    session: tower_sessions::Session,
    headers: axum::http::HeaderMap,
) -> Response {
    let lang = app::core::lang::from_headers(&headers);
    let ics = async {
        let record = state.visit_by_reference(&reference).await?;
        if !app::visits::api::may_see_visit(&state, &session, &record).await? {
            return Err(app::core::error::AppError::Domain(
                domain::DomainError::NotFound(domain::error::Missing::Appointment),
            ));
        }
        let body = state.visit_ics(lang, &record).await?;
        Ok((format!("visit-{}.ics", record.row.reference), body))
    };
    attachment(lang, CALENDAR, ics.await)
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        for ok in [
            "/",
            "/facilities/1?month=2026-12",
            "/facilities/1/days/2026-12-07",
        ] {
            assert!(is_local_path(ok), "{ok}");
        }
        for bad in [
            "",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "https://evil.example",
            "/a\r\nSet-Cookie: x",
            "evil",
            "/ space",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }
}
