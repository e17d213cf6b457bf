//! `POST /console/import`: a calendar to import, sent as a multipart form
//! (a file, or a calendar's URL that the server fetches). The draft it
//! reads, or what to fix, is left in the session and the browser goes to
//! `/console/import` to see the preview (POST/redirect/GET).
//!
//! Fetching a URL given by a user is guarded: `http`/`https`/`webcal`
//! only, no redirects, a time limit and a size limit, and the host must
//! resolve to a public address (or be listed in `TOWN_IMPORT_ALLOW_HOSTS`).
//! The address checked is the one connected to, so a second DNS answer
//! cannot point the request inside the network.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use app::core::state::AppState;
use app::imports::types::SourceProblem;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// The largest calendar an import reads.
pub const IMPORT_LIMIT: usize = 1024 * 1024;
/// The request's limit: the calendar and the form around it.
pub const REQUEST_LIMIT: usize = IMPORT_LIMIT + 16 * 1024;

/// Whether a client may be sent to this address at a user's request: not
/// loopback, private, link-local, shared (CGNAT), multicast or reserved.
pub fn public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.is_multicast()
                || a == 0
                || a >= 240
                || (a == 100 && (b & 0xc0) == 64))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// Fetches a calendar: its text and the host it came from.
pub async fn fetch(raw: &str, allowed: &[String]) -> Result<(String, String), SourceProblem> {
    let raw = raw.trim();
    let raw = match raw.get(..9) {
        Some(p) if p.eq_ignore_ascii_case("webcal://") => format!("https://{}", &raw[9..]),
        _ => raw.to_owned(),
    };
    let url = reqwest::Url::parse(&raw).map_err(|_| SourceProblem::BadUrl)?;
    if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() {
        return Err(SourceProblem::BadUrl);
    }
    let host = url
        .host_str()
        .ok_or(SourceProblem::BadUrl)?
        .trim_matches(['[', ']'])
        .to_ascii_lowercase();
    let port = url.port_or_known_default().ok_or(SourceProblem::BadUrl)?;
    let found: Vec<SocketAddr> = tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::lookup_host((host.as_str(), port)),
    )
    .await
    .map_err(|_| SourceProblem::Unreachable)?
    .map_err(|_| SourceProblem::Unreachable)?
    .collect();
    let listed = allowed.contains(&host);
    let addr = match found.iter().find(|a| listed || public(a.ip())) {
        Some(a) => *a,
        None if found.is_empty() => return Err(SourceProblem::Unreachable),
        None => return Err(SourceProblem::NotAllowed),
    };
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(15))
        .resolve(&host, addr)
        .build()
        .map_err(|_| SourceProblem::Unreachable)?;
    let mut res = client
        .get(url)
        .header(reqwest::header::ACCEPT, "text/calendar, */*;q=0.5")
        .send()
        .await
        .map_err(|_| SourceProblem::Unreachable)?;
    if res.status() != reqwest::StatusCode::OK {
        return Err(SourceProblem::Refused(res.status().as_u16()));
    }
    if res
        .content_length()
        .is_some_and(|n| n > IMPORT_LIMIT as u64)
    {
        return Err(SourceProblem::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(|_| SourceProblem::Unreachable)? {
        body.extend_from_slice(&chunk);
        if body.len() > IMPORT_LIMIT {
            return Err(SourceProblem::TooLarge);
        }
    }
    let text = String::from_utf8(body).map_err(|_| SourceProblem::NotText)?;
    Ok((text, host))
}

/// The form's fields: where to import, and the calendar's text and name.
async fn form(
    mut multipart: Multipart,
    allowed: &[String],
) -> Result<(String, String, String), SourceProblem> {
    let (mut target, mut url, mut file) = (String::new(), String::new(), None);
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            SourceProblem::TooLarge
        } else {
            SourceProblem::NotText
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(too_large)? {
        match field.name().unwrap_or_default() {
            "target" => target = field.text().await.map_err(too_large)?,
            "url" => url = field.text().await.map_err(too_large)?,
            "file" => {
                // Only the name's last part, as a label ("holidays.ics").
                let name = field
                    .file_name()
                    .unwrap_or_default()
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(80)
                    .collect::<String>();
                let bytes = field.bytes().await.map_err(too_large)?;
                if bytes.len() > IMPORT_LIMIT {
                    return Err(SourceProblem::TooLarge);
                }
                if !bytes.is_empty() {
                    file = Some((name, bytes));
                }
            }
            _ => {}
        }
    }
    match file {
        Some((name, bytes)) => {
            let text = String::from_utf8(bytes.to_vec()).map_err(|_| SourceProblem::NotText)?;
            Ok((target, name, text))
        }
        None if !url.trim().is_empty() => {
            let (text, host) = fetch(&url, allowed).await?;
            Ok((target, host, text))
        }
        None => Err(SourceProblem::Missing),
    }
}

/// `POST /console/import`.
pub async fn upload(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let lang = app::core::lang::from_headers(&headers);
    let refuse = |e: app::core::error::AppError| crate::refusal(lang, &e);
    let actor = match crate::uploader(&state, &session, lang).await {
        Ok(a) => a,
        Err(answer) => return answer,
    };
    let state = match actor.staff() {
        Ok(m) => state.clone().in_town(m.municipality),
        Err(e) => return refuse(e),
    };
    let read = match multipart {
        Ok(m) => form(m, &state.web.import_hosts).await,
        Err(_) => Err(SourceProblem::Missing),
    };
    let outcome = match read {
        Ok((target, source, text)) => {
            match state
                .read_import(&actor, lang, &target, &source, &text)
                .await
            {
                Ok(read) => read,
                Err(e @ app::core::error::AppError::Domain(_)) => {
                    Err(app::core::messages::error_message(lang, &e))
                }
                Err(e) => return refuse(e),
            }
        }
        Err(p) => Err(app::imports::texts::source_problem(lang, p)),
    };
    let back = if outcome.is_ok() {
        "/console/import?checked=1"
    } else {
        "/console/import?retry=1"
    };
    match app::imports::api::after_upload(&session, outcome).await {
        Ok(()) => Redirect::to(back).into_response(),
        Err(e) => refuse(e),
    }
}
