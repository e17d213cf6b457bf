//! The JSON API under `/api/v1`. Handlers parse with the domain types, call
//! the same services as the server functions, and map errors once.

use app::error::AppError;
use app::i18n::error_message;
use app::service::{AppState, parse_facility_id};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::calendar::DateRange;
use domain::error::{DomainError, Field, InvalidReason};
use domain::view::Lang;
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/facilities", get(facilities))
        .route("/facilities/{id}", get(facility))
        .route("/facilities/{id}/availability", get(availability))
}

/// The error body: a stable code and a message in the caller's language.
#[derive(Serialize, Deserialize, Debug)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// An API error, carrying the language to answer in.
pub struct ApiError(AppError, Lang);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let ApiError(error, lang) = self;
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody {
            code: error.code().to_owned(),
            message: error_message(lang, &error),
        };
        (status, Json(body)).into_response()
    }
}

/// Query parameters common to every route: `lang=ja|en` overrides the headers.
#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

fn lang(query: Option<&str>, headers: &HeaderMap) -> Lang {
    query
        .and_then(Lang::from_code)
        .unwrap_or_else(|| app::lang::from_headers(headers))
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// The facility id from the path; undecodable bytes get the id message.
fn facility_id(
    id: Result<Path<String>, PathRejection>,
) -> Result<domain::ids::FacilityId, AppError> {
    let Path(id) =
        id.map_err(|_| DomainError::invalid(Field::FacilityId, InvalidReason::IdFormat))?;
    parse_facility_id(&id)
}

/// Reads the query string, answering a malformed one (a parameter given
/// twice, say) with the same JSON error as any other bad input.
fn query<T>(q: Result<Query<T>, QueryRejection>, headers: &HeaderMap) -> Result<T, ApiError> {
    q.map(|Query(q)| q).map_err(|_| {
        let error = DomainError::invalid(Field::Query, InvalidReason::Malformed);
        ApiError(error.into(), app::lang::from_headers(headers))
    })
}

async fn facilities(
    State(state): State<AppState>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult<Vec<domain::view::FacilitySummary>> {
    let q = query(q, &headers)?;
    let lang = lang(q.lang.as_deref(), &headers);
    state
        .facilities(lang)
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

async fn facility(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult<domain::view::FacilitySummary> {
    let q = query(q, &headers)?;
    let lang = lang(q.lang.as_deref(), &headers);
    let run = async { state.facility(facility_id(id)?, lang).await };
    run.await.map(Json).map_err(|e| ApiError(e, lang))
}

#[derive(Deserialize)]
pub struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
    lang: Option<String>,
}

async fn availability(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    q: Result<Query<RangeQuery>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult<domain::view::FacilityAvailability> {
    let q = query(q, &headers)?;
    let lang = lang(q.lang.as_deref(), &headers);
    let run = async {
        let id = facility_id(id)?;
        let range = DateRange::parse(q.from.as_deref(), q.to.as_deref())?;
        state.availability(id, range, lang).await
    };
    run.await.map(Json).map_err(|e| ApiError(e, lang))
}
