//! One booking for staff: details, contact, decisions and records.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;
use crate::console::types::*;
use crate::core::error::AppError;

/// A booking for staff, with the resident's contact details once after
/// `reveal_contact` logged the look.
#[server(prefix = "/sfn", endpoint = "get_staff_booking")]
pub async fn get_staff_booking(id: String) -> Result<StaffBooking, AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let id = ssr::id(&id)?;
    let reveal = c.take(ssr::CONTACT_SHOWN).await? == Some(id);
    let mut b = c.state.staff_booking(&actor, id, reveal, c.lang).await?;
    b.flash = ssr::take_flash(&c).await?;
    Ok(b)
}

/// Opens a resident's contact details: a post (CSRF-checked) because the
/// look is written to the audit log; the booking page then shows them once.
#[server(prefix = "/sfn", endpoint = "reveal_contact")]
pub async fn reveal_contact(id: String) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let id = ssr::id(&id)?;
    c.state.log_contact_view(&actor, id).await?;
    c.set(ssr::CONTACT_SHOWN, &id).await?;
    crate::core::session::redirect(&format!("/console/bookings/{id}?v=contact"));
    Ok(())
}

/// `action`: `approve`, `reject` or `cancel` (the last two need a reason).
#[server(prefix = "/sfn", endpoint = "decide_booking")]
pub async fn decide_booking(
    id: String,
    action: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let id = ssr::id(&id)?;
    let outcome = c
        .state
        .decide(&actor, id, &action, reason.as_deref().unwrap_or_default())
        .await
        .map(|()| crate::console::texts::texts(c.lang).saved.to_owned());
    ssr::done(&c, &format!("/console/bookings/{id}"), outcome).await
}

/// `what`: `used`, `no_show`, `usage_clear`, `paid` or `paid_clear`.
#[server(prefix = "/sfn", endpoint = "mark_booking")]
pub async fn mark_booking(id: String, what: String) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let id = ssr::id(&id)?;
    let outcome = c
        .state
        .mark(&actor, id, &what)
        .await
        .map(|()| crate::console::texts::texts(c.lang).saved.to_owned());
    ssr::done(&c, &format!("/console/bookings/{id}"), outcome).await
}
