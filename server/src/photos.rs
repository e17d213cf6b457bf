//! A facility's photo: `POST /console/facilities/{id}/photo` (its staff,
//! a multipart form: the file, its alt texts, or taking it away; the
//! outcome is left in the session and the browser goes back to the
//! details page) and `GET /facilities/{id}/photo` (public, the request's
//! town's facilities only).

use app::core::state::AppState;
use app::setup::types::PhotoForm;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

/// The most a photo upload may send: well above the largest photo kept
/// (`app::setup::photo::MAX_BYTES`), so a photo a little too large gets a
/// message that says so instead of a bare refusal.
pub const REQUEST_LIMIT: usize = 10 * 1024 * 1024;

/// Whether a request path is a photo upload (for the body limit).
pub fn is_upload(path: &str) -> bool {
    path.strip_prefix("/console/facilities/")
        .and_then(|rest| rest.strip_suffix("/photo"))
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// The form's fields and the file's bytes (none when no file was chosen).
async fn read(mut multipart: Multipart) -> Result<(PhotoForm, Option<Vec<u8>>), StatusCode> {
    let mut form = PhotoForm::default();
    let mut file = None;
    let bad = |e: axum::extract::multipart::MultipartError| e.status();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                let bytes = field.bytes().await.map_err(bad)?;
                if !bytes.is_empty() {
                    file = Some(bytes.to_vec());
                }
            }
            "alt_ja" | "alt_en" | "remove" => {
                let text = field.text().await.map_err(bad)?;
                let text: String = text.chars().take(2_000).collect();
                match name.as_str() {
                    "alt_ja" => form.alt_ja = text,
                    "alt_en" => form.alt_en = text,
                    _ => form.remove = text == "true",
                }
            }
            _ => {}
        }
    }
    Ok((form, file))
}

/// `POST /console/facilities/{id}/photo`.
pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
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
    let facility = match app::core::state::parse_facility_id(&id) {
        Ok(f) => f,
        Err(e) => return refuse(e),
    };
    // Who may, before the file is read.
    if let Err(e) = state.require_facility(&actor, facility).await {
        return refuse(e);
    }
    let t = app::setup::texts::messages(lang);
    let outcome = match multipart {
        Ok(m) => match read(m).await {
            Ok((form, file)) => {
                match state
                    .save_photo(&actor, lang, facility, file.as_deref(), &form)
                    .await
                {
                    Ok(outcome) => Ok((form, outcome)),
                    Err(e) => return refuse(e),
                }
            }
            Err(status) => Err(status),
        },
        Err(_) => Err(StatusCode::BAD_REQUEST),
    };
    let (form, outcome) = outcome.unwrap_or_else(|status| {
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            t.photo_too_large
        } else {
            t.photo_not_image
        };
        (
            PhotoForm::default(),
            Err(vec![app::setup::types::FormMessage {
                key: "file".into(),
                message: message.to_owned(),
            }]),
        )
    });
    match app::setup::api::after_photo(&session, facility.0, &form, outcome, state.now()).await {
        Ok(back) => Redirect::to(&back).into_response(),
        Err(e) => refuse(e),
    }
}

/// `GET /facilities/{id}/photo`: the bytes as kept. Its address names the
/// version (`?v=`), so it may be kept for a day.
pub async fn serve(
    crate::towns::TownState(state): crate::towns::TownState,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let found = match app::core::state::parse_facility_id(&id) {
        Ok(f) => state.photo(f).await,
        Err(e) => Err(e),
    };
    match found {
        Ok((content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=86400".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => crate::refusal(app::core::lang::from_headers(&headers), &e),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_photo_uploads_get_the_larger_limit() {
        assert!(super::is_upload("/console/facilities/12/photo"));
        for other in [
            "/console/facilities//photo",
            "/console/facilities/1/2/photo",
            "/console/facilities/1/details",
            "/facilities/1/photo",
        ] {
            assert!(!super::is_upload(other), "{other}");
        }
    }
}
