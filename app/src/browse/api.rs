//! Server functions: one line each on top of `service::AppState`. Arguments
//! arrive as raw strings and are parsed by the domain types, so bad input gets
//! the same translated message as in the JSON API.

use domain::view::{DaySchedule, FacilitySummary, MonthCalendar};
use leptos::prelude::*;

use crate::core::error::AppError;

#[cfg(feature = "ssr")]
fn context() -> Result<(crate::core::state::AppState, domain::text::Lang), AppError> {
    let state = use_context::<crate::core::state::AppState>()
        .ok_or(AppError::Unavailable)?
        .for_request();
    Ok((state, crate::core::lang::detect()))
}

/// The towns of the installation, each with its pages' address.
#[server(prefix = "/sfn", endpoint = "get_towns")]
pub async fn get_towns() -> Result<Vec<domain::view::TownLink>, AppError> {
    let (state, lang) = context()?;
    state.town_links(lang).await
}

#[server(prefix = "/sfn", endpoint = "get_facilities")]
pub async fn get_facilities() -> Result<Vec<FacilitySummary>, AppError> {
    let (state, lang) = context()?;
    state.facilities(lang).await
}

#[server(prefix = "/sfn", endpoint = "get_month_calendar")]
pub async fn get_month_calendar(
    facility: String,
    month: Option<String>,
) -> Result<MonthCalendar, AppError> {
    let (state, lang) = context()?;
    let id = crate::core::state::parse_facility_id(&facility)?;
    let month = month
        .filter(|m| !m.trim().is_empty())
        .map(|m| domain::calendar::YearMonth::parse(&m))
        .transpose()?;
    state.month(id, month, lang).await
}

#[server(prefix = "/sfn", endpoint = "get_day_schedule")]
pub async fn get_day_schedule(facility: String, date: String) -> Result<DaySchedule, AppError> {
    let (state, lang) = context()?;
    let id = crate::core::state::parse_facility_id(&facility)?;
    let date = domain::calendar::parse_date(domain::error::Field::Date, &date)?;
    let actor = crate::core::auth::actor(&crate::core::session::ctx().await?).await?;
    state.day(id, date, lang, &actor).await
}
