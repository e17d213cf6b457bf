//! What every request passes before it runs: the client's address, the
//! per-address rate limits, the same-origin check for state-changing
//! requests, and (on the way out) real status codes for server functions
//! and the security headers.

use std::net::{IpAddr, SocketAddr};

use app::core::error::AppError;
use app::core::limits::{Action, ClientAddr};
use app::core::state::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::text::Lang;
use leptos::server_fn::ServerFn;

/// A server function's error answer carries this header (set by server_fn).
const SERVER_FN_ERROR: &str = "serverfnerror";

/// Largest request body accepted (forms and JSON are far smaller).
pub const BODY_LIMIT: usize = 64 * 1024;

/// Refuses a body over its route's limit (413), and cuts one that grows
/// past it: [`BODY_LIMIT`], a calendar's or facility list's upload
/// [`crate::imports::REQUEST_LIMIT`], or a photo's
/// [`crate::photos::REQUEST_LIMIT`].
pub async fn body_limit(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let limit = if path == "/console/import" || path == "/console/facility-list" {
        crate::imports::REQUEST_LIMIT
    } else if crate::photos::is_upload(path) {
        crate::photos::REQUEST_LIMIT
    } else {
        BODY_LIMIT
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let (parts, body) = req.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// The per-request nonce that lets the page's hydration script run under the
/// Content-Security-Policy.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// The client's address: the peer, or, when the peer is a configured proxy,
/// the last address in `X-Forwarded-For` that is not one of them.
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    // From the right: each proxy appends what it saw. The first entry that
    // is not one of ours is the client; an entry that does not parse means
    // a proxy we do not understand, so the peer counts (never an address the
    // client could have written further left).
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for entry in entries.into_iter().rev() {
        match entry.parse::<IpAddr>() {
            Ok(a) if trusted.contains(&a) => continue,
            Ok(a) => return Some(a),
            Err(_) => return Some(peer),
        }
    }
    Some(peer)
}

/// The per-address limits a request falls under, if it is one of the
/// anonymous writes or proofs.
fn action(method: &Method, path: &str) -> Option<Action> {
    use app::account::api::{ConfirmRegistration, LinkMyBooking};
    use app::booking::api::{CancelMyBooking, ConfirmBooking, FindBooking};
    use app::console::api::Enrol;
    use app::visits::api::{BookVisit, CancelVisit, FindVisit, MoveVisit};
    if path.starts_with("/sfn/") {
        if [ConfirmBooking::PATH, BookVisit::PATH].contains(&path) {
            return Some(Action::Create);
        }
        let proofs = [
            FindBooking::PATH,
            CancelMyBooking::PATH,
            FindVisit::PATH,
            MoveVisit::PATH,
            CancelVisit::PATH,
            LinkMyBooking::PATH,
            ConfirmRegistration::PATH,
            Enrol::PATH,
        ];
        return proofs.contains(&path).then_some(Action::Prove);
    }
    let api = path.strip_prefix("/api/v1/")?;
    let parts: Vec<&str> = api.split('/').collect();
    match (method, parts.as_slice()) {
        (&Method::POST, ["bookings" | "appointments"]) => Some(Action::Create),
        (_, ["bookings" | "appointments", _, ..]) => Some(Action::Prove),
        _ => None,
    }
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// Finds the client's address and applies the per-address limits before
/// anything runs; beyond a limit the answer is 429 with `Retry-After` and
/// nothing is written.
pub async fn limits(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let address = client_address(peer, req.headers(), &state.web.trusted_proxies);
    if let Some(a) = address {
        req.extensions_mut().insert(ClientAddr(a));
    }
    if let (Some(a), Some(action)) = (address, action(req.method(), req.uri().path()))
        && let Err(e) = state.limit_address(action, a).await
    {
        let lang = app::core::lang::from_headers(req.headers());
        return refusal(req.uri().path(), req.headers(), lang, &e);
    }
    next.run(req).await
}

/// The answer for an error that stops a request before it runs, shaped as
/// its caller expects: the API's JSON body, a server function's encoded
/// error, or a page for a form posted without JavaScript.
fn refusal(path: &str, headers: &HeaderMap, lang: Lang, e: &AppError) -> Response {
    let status = crate::status_of(e);
    let mut res = if path.starts_with("/api/") {
        crate::api::error_response(e.clone(), lang)
    } else if wants_html(headers) {
        error_page(status, lang, e, headers)
    } else {
        let body = serde_json::to_string(e).unwrap_or_default();
        let mut r = (status, body).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Ok(v) = HeaderValue::from_str(path) {
            r.headers_mut().insert(SERVER_FN_ERROR, v);
        }
        r
    };
    *res.status_mut() = status;
    retry_after(&mut res, e);
    res
}

fn retry_after(res: &mut Response, e: &AppError) {
    if let Some(s) = e.retry_after() {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A plain page with the message and a way back, for forms posted without
/// JavaScript whose server function refused.
fn error_page(status: StatusCode, lang: Lang, e: &AppError, headers: &HeaderMap) -> Response {
    let t = app::core::i18n::texts(lang);
    // Back to the page the form was on, if it was one of ours.
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| &rest[i..]))
        .filter(|p| crate::is_local_path(p))
        .map(|p| {
            p.split("?__path")
                .next()
                .unwrap_or(p)
                .split("&__path")
                .next()
                .unwrap_or(p)
        })
        .unwrap_or("/");
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/town-booking.css\"></head>\
         <body><main id=\"main\" class=\"page\"><h1>{title}</h1>\
         <p class=\"error\" role=\"alert\">{message}</p>\
         <p><a href=\"{back}\">{back_text}</a></p></main></body></html>",
        lang = lang.code(),
        title = escape(t.refused_title),
        message = escape(&app::core::messages::error_message(lang, e)),
        back = escape(back),
        back_text = escape(t.refused_back),
    );
    let mut res = (status, html).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res
}

/// Server functions answer a refusal with its real status (401, 403, 404,
/// 409, 422, 429 …) instead of server_fn's 500, through the one mapping in
/// `AppError::status`, so a real 500 stands out; a form posted without
/// JavaScript gets a page with the message instead of a silent redirect.
pub async fn server_fn_status(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/sfn/") {
        return next.run(req).await;
    }
    let headers = req.headers().clone();
    let path = req.uri().path().to_owned();
    let res = next.run(req).await;
    if !res.headers().contains_key(SERVER_FN_ERROR) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    let Ok(error) = serde_json::from_slice::<AppError>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if wants_html(&headers) {
        let lang = app::core::lang::from_headers(&headers);
        let mut page = refusal(&path, &headers, lang, &error);
        // A session id renewed before the refusal must still reach the browser.
        for cookie in parts.headers.get_all(header::SET_COOKIE) {
            page.headers_mut()
                .append(header::SET_COOKIE, cookie.clone());
        }
        return page;
    }
    let mut res = Response::from_parts(parts, Body::from(bytes));
    *res.status_mut() = crate::status_of(&error);
    retry_after(&mut res, &error);
    res
}

/// Paths whose answers hold nothing personal and may be kept by the
/// browser (revalidated each time: availability changes). Everything else
/// is `no-store`.
fn public(path: &str) -> bool {
    // The booking form (`/facilities/{id}/book`) holds contact fields.
    let facility_pages = path.starts_with("/facilities") && !path.ends_with("/book");
    facility_pages
        || path == "/"
        || path == "/healthz"
        || path == "/api/openapi.json"
        || path == "/visits"
        || [
            "/pkg/",
            "/visits/procedures/",
            "/api/v1/facilities",
            "/api/v1/procedures",
            "/display/",
            "/lang/",
            "/text-size/",
            "/opendata",
        ]
        .iter()
        .any(|p| path.starts_with(p))
}

/// The Content-Security-Policy of pages: scripts only with this response's
/// nonce (the hydration script `app::shell` writes) and what they load,
/// WebAssembly, no inline event handlers, no framing, forms only to this
/// site.
fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Headers every response carries, and the nonce for pages.
pub async fn security_headers(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let nonce = store::random_key().unwrap_or_default();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let h = res.headers_mut();
    if !h.contains_key(header::CACHE_CONTROL) {
        let value = if public(&path) {
            "private, no-cache"
        } else {
            // Pages and answers that may hold personal data are never
            // kept (a shared computer's next user must not find them).
            "private, no-store"
        };
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    let policy = if html {
        page_policy(&nonce)
    } else {
        "default-src 'none'; frame-ancestors 'none'".to_owned()
    };
    if let Ok(v) = HeaderValue::from_str(&policy) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    if state.web.https() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

/// The `scheme://host[:port]` part of an Origin or Referer value.
fn origin_of(value: &str) -> Option<&str> {
    let (scheme, rest) = value.split_once("://")?;
    let host = rest.split('/').next().unwrap_or(rest);
    Some(&value[..scheme.len() + 3 + host.len()])
}

/// CSRF defence for every state-changing request (server functions, form
/// posts, the JSON API), on top of SameSite=Lax cookies: a browser request
/// must come from this site. Browsers send `Origin` (or at least
/// `Sec-Fetch-Site` / `Referer`) with cross-site posts; it must be this
/// site's origin, scheme included: the configured public origin, or else
/// `http://` and the `Host` header (development on loopback). Requests with
/// none of them come from non-browser clients, which carry no victim's
/// cookies.
pub async fn same_origin_only(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let h = req.headers();
    let text = |name: header::HeaderName| h.get(name).and_then(|v| v.to_str().ok());
    let ours = match &state.web.public_origin {
        Some(o) => Some(o.trim_end_matches('/').to_owned()),
        None => text(header::HOST).map(|host| format!("http://{host}")),
    };
    let cross_fetch = h
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| !matches!(v, "same-origin" | "none"));
    let claimed = text(header::ORIGIN).or_else(|| text(header::REFERER));
    let foreign = match claimed {
        Some(o) => origin_of(o).is_none_or(|o| {
            Some(o.to_ascii_lowercase()) != ours.as_ref().map(|s| s.to_ascii_lowercase())
        }),
        None => false,
    };
    if cross_fetch || foreign {
        let lang = app::core::lang::from_headers(h);
        let e = AppError::Auth(app::core::error::AuthError::CrossSite);
        return (
            StatusCode::FORBIDDEN,
            app::core::messages::error_message(lang, &e),
        )
            .into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() {
        let peer: IpAddr = "192.0.2.1".parse().unwrap();
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.9, 198.51.100.7"),
        );
        // Not trusted: the header is anyone's to write.
        assert_eq!(client_address(Some(peer), &h, &[proxy]), Some(peer));
        // From the proxy: the last address it added.
        assert_eq!(
            client_address(Some(proxy), &h, &[proxy]),
            Some("198.51.100.7".parse().unwrap())
        );
        assert_eq!(
            client_address(Some(proxy), &HeaderMap::new(), &[proxy]),
            Some(proxy)
        );
        // An entry the proxy wrote that does not parse: the peer, not the
        // client-written address to its left.
        let mut odd = HeaderMap::new();
        odd.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.9, unknown"),
        );
        assert_eq!(client_address(Some(proxy), &odd, &[proxy]), Some(proxy));
    }

    #[test]
    fn origins_keep_their_scheme() {
        assert_eq!(
            origin_of("https://a.example/x?y"),
            Some("https://a.example")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:3000"),
            Some("http://127.0.0.1:3000")
        );
        assert_eq!(origin_of("nonsense"), None);
    }

    #[test]
    fn anonymous_writes_and_proofs_are_limited_and_reads_are_not() {
        assert_eq!(
            action(&Method::POST, "/api/v1/bookings"),
            Some(Action::Create)
        );
        assert_eq!(
            action(&Method::POST, "/api/v1/appointments"),
            Some(Action::Create)
        );
        assert_eq!(
            action(&Method::GET, "/api/v1/bookings/ABCD2345"),
            Some(Action::Prove)
        );
        assert_eq!(
            action(&Method::POST, "/api/v1/appointments/ABCD2345/reschedule"),
            Some(Action::Prove)
        );
        assert_eq!(
            action(&Method::GET, "/api/v1/facilities/1/availability"),
            None
        );
        assert_eq!(
            action(&Method::POST, app::booking::api::ConfirmBooking::PATH),
            Some(Action::Create)
        );
        assert_eq!(
            action(&Method::POST, app::booking::api::FindBooking::PATH),
            Some(Action::Prove)
        );
        assert_eq!(
            action(&Method::POST, app::browse::api::GetFacilities::PATH),
            None
        );
    }
}
