//! Server functions of the counter side of visit appointments (窓口): the
//! day list, status changes, absences, and the public waiting display. Each
//! loads the actor and the service checks role and scope first.

use leptos::prelude::*;

use crate::core::error::AppError;
use crate::counters::types::{AbsencePage, CounterDay, WaitingDisplay};

#[cfg(feature = "ssr")]
use crate::core::session::Key;
/// An absence being decided, between the check and the save.
#[cfg(feature = "ssr")]
const ABSENCE_DRAFT: Key<crate::counters::types::AbsenceValues> = Key::new("absence_draft");

#[cfg(feature = "ssr")]
use crate::console::api::ssr;

#[server(prefix = "/sfn", endpoint = "get_counter_day")]
pub async fn get_counter_day(date: Option<String>) -> Result<CounterDay, AppError> {
    let (c, actor) = ssr::ctx().await?;
    let mut day = c.state.counter_day(&actor, c.lang, date.as_deref()).await?;
    day.flash = c.take(crate::console::api::ssr::CONSOLE_FLASH).await?;
    Ok(day)
}

/// 受付 / 対応開始 / 完了 / 不在 for one appointment.
#[server(prefix = "/sfn", endpoint = "set_visit_status")]
pub async fn set_visit_status(id: String, action: String, date: String) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    let id = id.trim().parse::<i64>().unwrap_or(0);
    let outcome = c.state.counter_status(&actor, id, &action).await.map(|()| {
        crate::visits::texts::texts(c.lang)
            .status_changed
            .to_owned()
    });
    let back = format!(
        "/console/visits?date={}",
        crate::core::lang::encode_next(date.trim())
    );
    ssr::done(&c, &back, outcome).await
}

/// The absence form; after a check, the appointments it would meet.
#[server(prefix = "/sfn", endpoint = "get_absence_page")]
pub async fn get_absence_page() -> Result<AbsencePage, AppError> {
    let (c, actor) = ssr::ctx().await?;
    let values: Option<crate::counters::types::AbsenceValues> = c.get(ABSENCE_DRAFT).await?;
    let mut page = match c.state.absence_page(&actor, c.lang, values.clone()).await {
        Ok(page) => page,
        // A draft that no longer reads (a member moved out of scope, say)
        // is dropped; the form starts again.
        Err(AppError::Domain(_)) if values.is_some() => {
            c.take(ABSENCE_DRAFT).await?;
            c.state.absence_page(&actor, c.lang, None).await?
        }
        Err(e) => return Err(e),
    };
    page.flash = c.take(crate::console::api::ssr::CONSOLE_FLASH).await?;
    Ok(page)
}

/// Checks an absence: keeps the answers and shows what it meets.
#[server(prefix = "/sfn", endpoint = "check_absence")]
pub async fn check_absence(
    staff: String,
    date: String,
    from: String,
    to: String,
    reason: String,
) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    let values = crate::counters::types::AbsenceValues {
        staff,
        date,
        from,
        to,
        reason,
    };
    let outcome = c
        .state
        .absence_page(&actor, c.lang, Some(values.clone()))
        .await;
    match outcome {
        Ok(_) => {
            c.set(ABSENCE_DRAFT, &values).await?;
            crate::core::session::redirect("/console/visits/absence?checked=1");
            Ok(())
        }
        Err(e) => {
            c.take(ABSENCE_DRAFT).await?;
            ssr::done(&c, "/console/visits/absence?retry=1", Err(e)).await
        }
    }
}

/// Records the checked absence with a decision per appointment it meets.
#[server(prefix = "/sfn", endpoint = "save_absence")]
pub async fn save_absence(decisions: Option<Vec<String>>) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    c.state.counter_access(&actor).await?;
    let Some(values) = c.get(ABSENCE_DRAFT).await? else {
        crate::core::session::redirect("/console/visits/absence");
        return Ok(());
    };
    let outcome = c
        .state
        .save_absence(&actor, &values, &decisions.unwrap_or_default())
        .await;
    match outcome {
        Ok(()) => {
            c.take(ABSENCE_DRAFT).await?;
            let text = crate::visits::texts::texts(c.lang).absence_saved.to_owned();
            ssr::done(
                &c,
                &format!("/console/visits?date={}", values.date.trim()),
                Ok(text),
            )
            .await
        }
        Err(e) => ssr::done(&c, "/console/visits/absence?retry=1", Err(e)).await,
    }
}

/// The waiting display of a department (reference codes only; public).
#[server(prefix = "/sfn", endpoint = "get_waiting_display")]
pub async fn get_waiting_display(department: String) -> Result<WaitingDisplay, AppError> {
    let c = crate::core::session::ctx().await?;
    let id = department.trim().parse::<i64>().unwrap_or(0);
    c.state.waiting_display(c.lang, id).await
}
