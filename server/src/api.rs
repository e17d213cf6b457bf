//! The JSON API under `/api/v1`. Handlers parse with the domain types, call
//! the same services as the server functions, and map errors once.

use app::booking::input::BookingInput;
use app::booking::types::BookingBody;
use app::core::error::AppError;
use app::core::messages::error_message;
use app::core::state::{AppState, parse_facility_id};
use app::visits::service::AppointmentInput;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::applicant::{BookingField, FieldProblem, Problem};
use domain::calendar::DateRange;
use domain::error::{DomainError, Field, InvalidReason};
use domain::text::Lang;
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/facilities", get(facilities))
        .route("/facilities/{id}", get(facility))
        .route("/facilities/{id}/availability", get(availability))
        .route("/bookings", post(create_booking))
        .route("/bookings/{reference}", get(get_booking))
        .route("/bookings/{reference}/lookup", post(lookup_booking))
        .route("/bookings/{reference}/cancel", post(cancel_booking))
        .route("/procedures", get(procedures))
        .route("/procedures/{id}/availability", get(procedure_availability))
        .route("/appointments", post(create_appointment))
        .route("/appointments/{reference}", get(get_appointment))
        .route("/appointments/{reference}/lookup", post(lookup_appointment))
        .route("/appointments/{reference}/cancel", post(cancel_appointment))
        .route(
            "/appointments/{reference}/reschedule",
            post(reschedule_appointment),
        )
}

/// The error body: a stable code and a message in the caller's language;
/// for invalid input, also each field with what to fix.
#[derive(Serialize, Deserialize, Debug)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// One field to fix.
#[derive(Serialize, Deserialize, Debug)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// An API error, carrying the language to answer in.
pub struct ApiError(AppError, Lang);

/// The API's answer for an error (also for refusals made before a handler runs).
pub fn error_response(error: AppError, lang: Lang) -> Response {
    ApiError(error, lang).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let ApiError(error, lang) = self;
        let status = crate::status_of(&error);
        let fields = match &error {
            AppError::Domain(DomainError::Fields(problems)) => problems
                .iter()
                .map(|p| FieldError {
                    field: p.field.as_str().to_owned(),
                    code: p.problem.code().to_owned(),
                    message: app::core::messages::problem_message(lang, p.field, p.problem),
                })
                .collect(),
            _ => Vec::new(),
        };
        let body = ErrorBody {
            code: error.code().to_owned(),
            message: error_message(lang, &error),
            fields,
        };
        let mut res = (status, Json(body)).into_response();
        if let Some(s) = error.retry_after() {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, s.into());
        }
        res
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
        .unwrap_or_else(|| app::core::lang::from_headers(headers))
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
        ApiError(error.into(), app::core::lang::from_headers(headers))
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

/// Reads a JSON body; anything that is not a JSON object gets one clear error.
fn json_body(
    body: Result<Json<serde_json::Value>, JsonRejection>,
    lang: Lang,
) -> Result<serde_json::Value, ApiError> {
    match body {
        Ok(Json(v)) if v.is_object() => Ok(v),
        _ => Err(ApiError(
            DomainError::invalid(Field::Body, InvalidReason::Malformed).into(),
            lang,
        )),
    }
}

/// The `Idempotency-Key` header (16 to 100 visible ASCII characters),
/// scoped by the contact of the request: repeating the request answers with
/// what the first one made, and the key alone opens nobody else's booking.
fn idempotency_key(
    headers: &HeaderMap,
    body: &serde_json::Value,
) -> Result<Option<String>, AppError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .filter(|k| (16..=100).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or(DomainError::invalid(
            Field::IdempotencyKey,
            InvalidReason::Malformed,
        ))?;
    let text = |k: &str| body.get(k).and_then(|v| v.as_str()).unwrap_or_default();
    Ok(Some(format!(
        "api:{}",
        store::digest(&[key, text("email").trim(), text("phone").trim()])
    )))
}

async fn create_booking(
    State(state): State<AppState>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<(StatusCode, Json<BookingBody>), ApiError> {
    let q = query(q, &headers)?;
    let lang = lang(q.lang.as_deref(), &headers);
    let body = json_body(body, lang)?;
    let run = async {
        let input = BookingInput::from_json(&body)?;
        let key = idempotency_key(&headers, &body)?;
        let record = state.create_booking(&input, key).await?;
        state.booking_body(&record, lang).await
    };
    run.await
        .map(|b| (StatusCode::CREATED, Json(b)))
        .map_err(|e| ApiError(e, lang))
}

/// The proof of a booking: `email` or `phone`, in the query or the body.
#[derive(Deserialize, Default)]
pub struct ProofQuery {
    email: Option<String>,
    phone: Option<String>,
    lang: Option<String>,
}

impl ProofQuery {
    fn contact(&self) -> String {
        self.email
            .clone()
            .or_else(|| self.phone.clone())
            .unwrap_or_default()
    }
}

async fn get_booking(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    q: Result<Query<ProofQuery>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult<BookingBody> {
    let q = query(q, &headers)?;
    let lang = lang(q.lang.as_deref(), &headers);
    let run = async {
        let record = state.find_booking(&reference, &q.contact()).await?;
        state.booking_body(&record, lang).await
    };
    run.await.map(Json).map_err(|e| ApiError(e, lang))
}

/// `POST …/lookup`: the proof in the JSON body, where it stays out of
/// access logs and browser history (the GET form is kept, deprecated).
async fn lookup_booking(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> ApiResult<BookingBody> {
    let q = query(q, &headers)?;
    let lang = lang(q.lang.as_deref(), &headers);
    let contact = body_contact(&body);
    let run = async {
        let record = state.find_booking(&reference, &contact).await?;
        state.booking_body(&record, lang).await
    };
    run.await.map(Json).map_err(|e| ApiError(e, lang))
}

/// The `email` or `phone` of a JSON body.
fn body_contact(body: &Result<Json<serde_json::Value>, JsonRejection>) -> String {
    body_text(body, "email")
        .or_else(|| body_text(body, "phone"))
        .unwrap_or_default()
}

async fn cancel_booking(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    q: Result<Query<ProofQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> ApiResult<BookingBody> {
    let q = query(q, &headers)?;
    let lang = lang(q.lang.as_deref(), &headers);
    // The proof may come in the JSON body (preferred) or the query string.
    let contact = Some(body_contact(&body))
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| q.contact());
    let run = async {
        let record = state.find_booking(&reference, &contact).await?;
        state.cancel(&record).await?;
        let record = state.booking_by_reference(&record.row.reference).await?;
        state.booking_body(&record, lang).await
    };
    run.await.map(Json).map_err(|e| ApiError(e, lang))
}

// ------------------------------------------------------------ appointments

async fn procedures(
    State(state): State<AppState>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult<Vec<app::visits::types::ProcedureSummary>> {
    let q = query(q, &headers)?;
    let lang = lang(q.lang.as_deref(), &headers);
    state
        .procedures(lang)
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

#[derive(Deserialize)]
pub struct DateQuery {
    date: Option<String>,
    lang: Option<String>,
}

async fn procedure_availability(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    q: Result<Query<DateQuery>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult<app::visits::types::ProcedureAvailability> {
    let q = query(q, &headers)?;
    let lang = lang(q.lang.as_deref(), &headers);
    let run = async {
        let id = procedure_id(id)?;
        let date = q
            .date
            .as_deref()
            .ok_or(DomainError::invalid(Field::Date, InvalidReason::Missing))?;
        state.procedure_availability(id, date).await
    };
    run.await.map(Json).map_err(|e| ApiError(e, lang))
}

fn procedure_id(id: Result<Path<String>, PathRejection>) -> Result<i64, AppError> {
    let bad = || DomainError::NotFound(domain::error::Missing::Procedure);
    let Path(id) = id.map_err(|_| bad())?;
    id.trim()
        .parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or_else(|| bad().into())
}

/// Reads the visit request, saying which field has the wrong JSON type.
fn appointment_input(v: &serde_json::Value) -> Result<AppointmentInput, AppError> {
    use serde_json::Value;
    let ids = match v.get("procedure_ids") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_i64().filter(|i| *i > 0))
            .collect::<Option<Vec<i64>>>()
            .ok_or(DomainError::invalid(
                Field::ProcedureIds,
                InvalidReason::IdFormat,
            ))?,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => {
            return Err(DomainError::invalid(Field::ProcedureIds, InvalidReason::IdFormat).into());
        }
    };
    let mut problems = Vec::new();
    let mut text = |key: &str, field: BookingField| match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => String::new(),
        Some(_) => {
            problems.push(FieldProblem {
                field,
                problem: Problem::NotText,
            });
            String::new()
        }
    };
    let mode = match v.get("mode") {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => String::new(),
        Some(_) => return Err(DomainError::invalid(Field::Mode, InvalidReason::Malformed).into()),
    };
    let input = AppointmentInput {
        procedure_ids: ids,
        start: text("start", BookingField::Start),
        name: text("name", BookingField::Name),
        name_kana: text("name_kana", BookingField::NameKana),
        phone: text("phone", BookingField::Phone),
        email: text("email", BookingField::Email),
        mode,
        request_key: None,
    };
    if problems.is_empty() {
        Ok(input)
    } else {
        Err(DomainError::Fields(problems).into())
    }
}

async fn create_appointment(
    State(state): State<AppState>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<(StatusCode, Json<app::visits::types::AppointmentBody>), ApiError> {
    let q = query(q, &headers)?;
    let lang = lang(q.lang.as_deref(), &headers);
    let body = json_body(body, lang)?;
    let run = async {
        let mut input = appointment_input(&body)?;
        input.request_key = idempotency_key(&headers, &body)?;
        state.book_appointment(&input, lang).await
    };
    run.await
        .map(|b| (StatusCode::CREATED, Json(b)))
        .map_err(|e| ApiError(e, lang))
}

async fn lookup_appointment(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> ApiResult<app::visits::types::AppointmentBody> {
    let q = query(q, &headers)?;
    let lang = lang(q.lang.as_deref(), &headers);
    state
        .find_appointment(&reference, &body_contact(&body), lang)
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

async fn get_appointment(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    q: Result<Query<ProofQuery>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult<app::visits::types::AppointmentBody> {
    let q = query(q, &headers)?;
    let lang = lang(q.lang.as_deref(), &headers);
    state
        .find_appointment(&reference, &q.contact(), lang)
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

/// A string field of an optional JSON body.
fn body_text(body: &Result<Json<serde_json::Value>, JsonRejection>, key: &str) -> Option<String> {
    body.as_ref()
        .ok()
        .and_then(|Json(v)| v.get(key))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

async fn cancel_appointment(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    q: Result<Query<ProofQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> ApiResult<app::visits::types::AppointmentBody> {
    let q = query(q, &headers)?;
    let lang = lang(q.lang.as_deref(), &headers);
    let contact = Some(body_contact(&body))
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| q.contact());
    state
        .cancel_appointment(&reference, &contact, lang)
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

async fn reschedule_appointment(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    q: Result<Query<ProofQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> ApiResult<app::visits::types::AppointmentBody> {
    let q = query(q, &headers)?;
    let lang = lang(q.lang.as_deref(), &headers);
    let contact = Some(body_contact(&body))
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| q.contact());
    let start = body_text(&body, "start").unwrap_or_default();
    state
        .reschedule_appointment(&reference, &contact, &start, lang)
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}
