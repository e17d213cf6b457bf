//! The facility list as open data: `POST /console/facility-list` (an
//! admin's 公共施設一覧 CSV, a multipart form; the draft or what to fix is
//! left in the session and the browser goes back to the page to see the
//! preview), and the published list, `GET /opendata/facilities.csv` and
//! `GET /opendata/facilities.json` (public: no personal data).

use app::core::state::AppState;
use app::opendata::api::{PAGE, after_upload};
use app::opendata::texts::messages;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::imports::IMPORT_LIMIT;

/// How long a published list may be kept by a client or proxy.
const PUBLISHED_CACHE: &str = "public, max-age=300";

/// The file's name (its last part, as a label) and bytes; `Err` says what
/// to fix.
async fn file(
    mut multipart: Multipart,
    lang: domain::text::Lang,
) -> Result<(String, Vec<u8>), String> {
    let t = messages(lang);
    let problem = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            t.too_large.to_owned()
        } else {
            t.no_file.to_owned()
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(problem)? {
        if field.name() != Some("file") {
            continue;
        }
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
        let bytes = field.bytes().await.map_err(problem)?;
        if bytes.len() > IMPORT_LIMIT {
            return Err(t.too_large.to_owned());
        }
        if bytes.is_empty() {
            break;
        }
        return Ok((name, bytes.to_vec()));
    }
    Err(t.no_file.to_owned())
}

/// `POST /console/facility-list`.
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
    if let Err(e) = actor.admin() {
        return refuse(e);
    }
    let read = match multipart {
        Ok(m) => file(m, lang).await,
        Err(_) => Err(messages(lang).no_file.to_owned()),
    };
    let outcome = match read {
        Ok((name, bytes)) => match state.read_facility_list(&actor, lang, &name, &bytes).await {
            Ok(read) => read,
            Err(e) => return refuse(e),
        },
        Err(text) => Err(text),
    };
    let v = state.now().timestamp_millis();
    let back = if outcome.is_ok() {
        format!("{PAGE}?checked={v}")
    } else {
        format!("{PAGE}?v={v}")
    };
    match after_upload(&session, outcome).await {
        Ok(()) => Redirect::to(&back).into_response(),
        Err(e) => refuse(e),
    }
}

fn published(
    headers: &HeaderMap,
    content_type: &'static str,
    filename: &'static str,
    made: Result<String, app::core::error::AppError>,
) -> Response {
    match made {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, PUBLISHED_CACHE),
                (header::CONTENT_DISPOSITION, filename),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            ],
            body,
        )
            .into_response(),
        Err(e) => (
            crate::status_of(&e),
            app::core::messages::error_message(app::core::lang::from_headers(headers), &e),
        )
            .into_response(),
    }
}

/// `GET /opendata/facilities.csv`.
pub async fn csv(
    crate::towns::TownState(state): crate::towns::TownState,
    headers: HeaderMap,
) -> Response {
    published(
        &headers,
        "text/csv; charset=utf-8",
        "inline; filename=\"facilities.csv\"",
        state.facility_list_csv().await,
    )
}

/// `GET /opendata/facilities.json`.
pub async fn json(
    crate::towns::TownState(state): crate::towns::TownState,
    headers: HeaderMap,
) -> Response {
    published(
        &headers,
        "application/json",
        "inline; filename=\"facilities.json\"",
        state
            .facility_list_json()
            .await
            .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default()),
    )
}
