//! The console's start page, a facility's timeline and its usage report.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;
use crate::console::types::*;
use crate::core::error::AppError;

#[server(prefix = "/sfn", endpoint = "get_console_home")]
pub async fn get_console_home() -> Result<ConsoleHome, AppError> {
    let (c, actor) = ssr::ctx().await?;
    let mut home = c.state.console_home(&actor, c.lang).await?;
    home.flash = ssr::take_flash(&c).await?;
    Ok(home)
}

/// The usage report of a facility: six months ending with `month`.
#[server(prefix = "/sfn", endpoint = "get_usage_report")]
pub async fn get_usage_report(
    facility: String,
    month: Option<String>,
) -> Result<UsageReport, AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let month = month
        .filter(|m| !m.trim().is_empty())
        .map(|m| domain::calendar::YearMonth::parse(&m))
        .transpose()?;
    c.state.usage_report(&actor, facility, month, c.lang).await
}

#[server(prefix = "/sfn", endpoint = "get_timeline")]
pub async fn get_timeline(
    facility: String,
    date: Option<String>,
    view: Option<String>,
) -> Result<Timeline, AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let date = date
        .filter(|d| !d.trim().is_empty())
        .map(|d| domain::calendar::parse_date(domain::error::Field::Date, &d))
        .transpose()?;
    let week = view.as_deref() == Some("week");
    let mut t = c
        .state
        .timeline(&actor, facility, date, week, c.lang)
        .await?;
    t.flash = ssr::take_flash(&c).await?;
    Ok(t)
}
