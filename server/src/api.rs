//! The JSON API under `/api/v1`. Handlers parse with the domain types, call
//! the same services as the server functions, and map errors once.

use crate::towns::TownState;
use app::booking::input::BookingInput;
use app::booking::types::BookingBody;
use app::core::error::AppError;
use app::core::messages::error_message;
use app::core::state::{AppState, parse_facility_id};
use app::visits::service::AppointmentInput;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
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
        .route("/reductions", get(reductions))
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
struct LangQuery {
    lang: Option<String>,
}

/// The language to answer in: `?lang=ja|en`, else `Accept-Language` (and
/// the `lang` cookie), else Japanese. A malformed query string is refused
/// with the usual JSON error.
pub struct ReqLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let q = Query::<LangQuery>::from_request_parts(parts, state).await;
        let q = query(q, &parts.headers)?;
        Ok(ReqLang(
            q.lang
                .as_deref()
                .and_then(Lang::from_code)
                .unwrap_or_else(|| app::core::lang::from_headers(&parts.headers)),
        ))
    }
}

/// The proof that goes with a booking or appointment reference: `email`
/// or `phone` from the JSON body (preferred: it stays out of logs and
/// history), else from the query string (the deprecated GET form).
pub struct Proof(pub String);

impl<S: Send + Sync> FromRequest<S> for Proof {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let (mut parts, body) = req.into_parts();
        let q = Query::<ProofQuery>::from_request_parts(&mut parts, state).await;
        let q = query(q, &parts.headers)?;
        let body =
            Json::<serde_json::Value>::from_request(Request::from_parts(parts, body), state).await;
        let text = |key: &str| {
            body.as_ref()
                .ok()
                .and_then(|Json(v)| v.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        Ok(Proof(
            text("email")
                .or_else(|| text("phone"))
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| q.contact()),
        ))
    }
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
    TownState(state): TownState,
    ReqLang(lang): ReqLang,
) -> ApiResult<Vec<domain::view::FacilitySummary>> {
    state
        .facilities(lang)
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

async fn facility(
    TownState(state): TownState,
    id: Result<Path<String>, PathRejection>,
    ReqLang(lang): ReqLang,
) -> ApiResult<domain::view::FacilitySummary> {
    let run = async { state.facility(facility_id(id)?, lang).await };
    run.await.map(Json).map_err(|e| ApiError(e, lang))
}

/// The town's fee reductions (減免) a booking may ask for.
async fn reductions(
    TownState(state): TownState,
    ReqLang(lang): ReqLang,
) -> ApiResult<Vec<app::booking::types::ReductionSummary>> {
    state
        .reduction_list(lang)
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

#[derive(Deserialize)]
pub struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
}

async fn availability(
    TownState(state): TownState,
    ReqLang(lang): ReqLang,
    id: Result<Path<String>, PathRejection>,
    q: Result<Query<RangeQuery>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult<domain::view::FacilityAvailability> {
    let q = query(q, &headers)?;
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
    TownState(state): TownState,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<(StatusCode, Json<BookingBody>), ApiError> {
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

/// The proof in the query string (the deprecated GET form).
#[derive(Deserialize, Default)]
struct ProofQuery {
    email: Option<String>,
    phone: Option<String>,
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
    TownState(state): TownState,
    Path(reference): Path<String>,
    ReqLang(lang): ReqLang,
    Proof(contact): Proof,
) -> ApiResult<BookingBody> {
    let run = async {
        let record = state.find_booking(&reference, &contact).await?;
        state.booking_body(&record, lang).await
    };
    run.await.map(Json).map_err(|e| ApiError(e, lang))
}

/// `POST …/lookup`: the proof in the JSON body, where it stays out of
/// access logs and browser history (the GET form is kept, deprecated).
async fn lookup_booking(
    TownState(state): TownState,
    Path(reference): Path<String>,
    ReqLang(lang): ReqLang,
    Proof(contact): Proof,
) -> ApiResult<BookingBody> {
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
    TownState(state): TownState,
    Path(reference): Path<String>,
    ReqLang(lang): ReqLang,
    Proof(contact): Proof,
) -> ApiResult<BookingBody> {
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
    TownState(state): TownState,
    ReqLang(lang): ReqLang,
) -> ApiResult<Vec<app::visits::types::ProcedureSummary>> {
    state
        .procedures(lang)
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

#[derive(Deserialize)]
pub struct DateQuery {
    date: Option<String>,
}

async fn procedure_availability(
    TownState(state): TownState,
    ReqLang(lang): ReqLang,
    id: Result<Path<String>, PathRejection>,
    q: Result<Query<DateQuery>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult<app::visits::types::ProcedureAvailability> {
    let q = query(q, &headers)?;
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
    id.parse::<domain::ids::ProcedureId>()
        .map(|id| id.0)
        .map_err(|_| bad().into())
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
    TownState(state): TownState,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<(StatusCode, Json<app::visits::types::AppointmentBody>), ApiError> {
    let body = json_body(body, lang)?;
    let run = async {
        let mut input = appointment_input(&body)?;
        input.request_key = idempotency_key(&headers, &body)?;
        state.book_appointment(&input, None, lang).await
    };
    run.await
        .map(|b| (StatusCode::CREATED, Json(b)))
        .map_err(|e| ApiError(e, lang))
}

async fn lookup_appointment(
    TownState(state): TownState,
    Path(reference): Path<String>,
    ReqLang(lang): ReqLang,
    Proof(contact): Proof,
) -> ApiResult<app::visits::types::AppointmentBody> {
    state
        .find_appointment(&reference, &contact, lang)
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

async fn get_appointment(
    TownState(state): TownState,
    Path(reference): Path<String>,
    ReqLang(lang): ReqLang,
    Proof(contact): Proof,
) -> ApiResult<app::visits::types::AppointmentBody> {
    state
        .find_appointment(&reference, &contact, lang)
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
    TownState(state): TownState,
    Path(reference): Path<String>,
    ReqLang(lang): ReqLang,
    Proof(contact): Proof,
) -> ApiResult<app::visits::types::AppointmentBody> {
    state
        .cancel_appointment(&reference, &contact, lang)
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

async fn reschedule_appointment(
    TownState(state): TownState,
    ReqLang(lang): ReqLang,
    Path(reference): Path<String>,
    q: Result<Query<ProofQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> ApiResult<app::visits::types::AppointmentBody> {
    let q = query(q, &headers)?;
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
