//! Which town each request is for (共同利用), decided once before routing:
//! by the town's host name, by a `/t/{slug}` (or `/t/{code}`) prefix,
//! which is stripped so every route is written once, by the prefix of the
//! page that sent a server function call or opened an event stream
//! (same-origin `Referer`), or as the installation's only town. The answer
//! rides on the request as [`RequestTown`]; [`TownState`] hands handlers
//! the state scoped to it.

use app::core::state::AppState;
use app::core::town::{RequestTown, Resolved, resolve};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Resolves the request's town and strips a `/t/…` prefix from the path.
/// A prefix naming no town goes on unchanged (the pages answer 404).
pub async fn resolve_town(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let towns = match state.store.towns_now().await {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "reading the towns");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let path = req.uri().path().to_owned();
    let host = host_name(req.headers());
    let referer = from_page(&path)
        .then(|| referer_path(req.headers(), host.as_deref()))
        .flatten();
    let town = match resolve(&towns, host.as_deref(), &path, referer.as_deref()) {
        Resolved::Town { id, base, path } => {
            if let Some(rest) = path
                && let Some(uri) = with_path(req.uri(), &rest)
            {
                *req.uri_mut() = uri;
            }
            // Named in the header only where there is a choice of towns.
            let names = towns
                .iter()
                .find(|t| t.id == id && towns.len() > 1)
                .map(|t| (t.name_ja.clone(), t.name_en.clone()));
            RequestTown {
                id: Some(id),
                base,
                names,
            }
        }
        // Several towns and none named: the home page is the list of towns.
        Resolved::Unnamed if path == "/" && req.method() == axum::http::Method::GET => {
            return axum::response::Redirect::to("/towns").into_response();
        }
        Resolved::Unknown | Resolved::Unnamed => RequestTown::default(),
    };
    req.extensions_mut().insert(town);
    next.run(req).await
}

/// Requests a page makes for itself, which carry no prefix of their own
/// (server functions, whose form targets Leptos fixes, and event streams).
fn from_page(path: &str) -> bool {
    path.starts_with("/sfn/") || path.starts_with("/live/")
}

/// The `Host` header's name, lower-case, without the port.
fn host_name(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get(header::HOST)?.to_str().ok()?;
    let authority: axum::http::uri::Authority = raw.parse().ok()?;
    Some(authority.host().to_ascii_lowercase())
}

/// The path of a `Referer` from this same host (pages send it: the server
/// asks for `Referrer-Policy: same-origin`).
fn referer_path(headers: &HeaderMap, host: Option<&str>) -> Option<String> {
    let raw = headers.get(header::REFERER)?.to_str().ok()?;
    let uri: Uri = raw.parse().ok()?;
    let same = uri
        .host()
        .zip(host)
        .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
    same.then(|| uri.path().to_owned())
}

/// `uri` with its path replaced (the query kept).
fn with_path(uri: &Uri, path: &str) -> Option<Uri> {
    let pq = match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(pq.parse().ok()?);
    Uri::from_parts(parts).ok()
}

/// The state scoped to the request's town, for plain axum handlers.
pub struct TownState(pub AppState);

impl FromRequestParts<AppState> for TownState {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let town = parts
            .extensions
            .get::<RequestTown>()
            .cloned()
            .unwrap_or_default();
        Ok(TownState(state.clone().for_town(&town)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_is_stripped_and_the_query_kept() {
        let uri: Uri = "/t/kita/facilities/3?month=2026-12".parse().unwrap();
        assert_eq!(
            with_path(&uri, "/facilities/3").unwrap().to_string(),
            "/facilities/3?month=2026-12"
        );
    }

    #[test]
    fn only_a_same_host_referer_counts() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "town.example:3000".parse().unwrap());
        h.insert(
            header::REFERER,
            "http://town.example:3000/t/kita/facilities"
                .parse()
                .unwrap(),
        );
        let host = host_name(&h);
        assert_eq!(host.as_deref(), Some("town.example"));
        assert_eq!(
            referer_path(&h, host.as_deref()).as_deref(),
            Some("/t/kita/facilities")
        );
        h.insert(
            header::REFERER,
            "http://elsewhere.example/t/kita/".parse().unwrap(),
        );
        assert_eq!(referer_path(&h, host.as_deref()), None);
    }
}
