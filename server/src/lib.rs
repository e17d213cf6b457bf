//! The axum server: router, JSON API, OpenAPI document, language switch and
//! the Leptos pages. `main.rs` holds only the command line.

#![recursion_limit = "512"]

pub mod api;
pub mod config;
pub mod openapi;

use app::service::AppState;
use app::{App, shell};
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use leptos_axum::{LeptosRoutes, generate_route_list};
use serde::Deserialize;
use tower_http::compression::CompressionLayer;

/// Builds the whole application router.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .nest("/api/v1", api::routes())
        .route("/api/openapi.json", get(openapi::document))
        .route("/lang/{code}", get(switch_language))
        .route("/healthz", get(|| async { "ok" }))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// Headers every response carries.
async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
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

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// Whether `next` is a path on this site: it starts with one `/` (not `//`
/// or `/\`) and holds only visible ASCII, so browsers cannot read it as
/// another host (they drop tabs and newlines, which would turn `/\t/x` into `//x`).
fn is_local_path(next: &str) -> bool {
    let b = next.as_bytes();
    b.first() == Some(&b'/')
        && !matches!(b.get(1), Some(b'/' | b'\\'))
        && b.iter().all(|c| c.is_ascii_graphic())
}

/// `GET /lang/{ja|en}?next=/path`: remembers the language in a cookie and goes
/// back to `next` if it is a local path, else to the home page. An unknown
/// language code changes nothing.
async fn switch_language(Path(code): Path<String>, Query(q): Query<Next>) -> Response {
    let next = q
        .next
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/".to_owned());
    let mut res = Redirect::to(&next).into_response();
    if let Some(lang) = domain::view::Lang::from_code(&code) {
        let cookie = format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            app::lang::COOKIE,
            lang.code()
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    res
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
