//! Staff administration (admins): accounts, roles, second factors.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;
use crate::console::types::*;
use crate::core::error::AppError;

#[server(prefix = "/sfn", endpoint = "get_staff_page")]
pub async fn get_staff_page(edit: Option<String>) -> Result<StaffPage, AppError> {
    let (c, actor) = ssr::ctx().await?;
    let mut page = c.state.staff_page(&actor, c.lang).await?;
    if let Some(id) = edit {
        page.editing = Some(c.state.staff_edit(&actor, ssr::id(&id)?).await?);
    }
    page.flash = ssr::take_flash(&c).await?;
    Ok(page)
}

/// Creates a member's account; they are mailed an enrolment code.
#[server(prefix = "/sfn", endpoint = "create_staff_account")]
pub async fn create_staff_account(
    email: String,
    name: String,
    role: String,
    facilities: Option<Vec<String>>,
    departments: Option<Vec<String>>,
) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.admin()?;
    let outcome = c
        .state
        .create_staff(
            &actor,
            &email,
            &name,
            &role,
            &facilities.unwrap_or_default(),
            &departments.unwrap_or_default(),
        )
        .await
        .map(|email| (crate::console::texts::texts(c.lang).account_created)(&email));
    ssr::done(&c, "/console/staff", outcome).await
}

/// Clears a member's lost second factor (admins; audited).
#[server(prefix = "/sfn", endpoint = "reset_staff_totp")]
pub async fn reset_staff_totp(id: String) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.admin()?;
    let id = ssr::id(&id)?;
    let outcome = c.state.reset_staff_totp(&actor, id).await.map(|()| {
        crate::console::texts::texts(c.lang)
            .totp_reset_done
            .to_owned()
    });
    ssr::done(&c, "/console/staff", outcome).await
}

/// Changes a member's role and scope (admins; audited).
#[server(prefix = "/sfn", endpoint = "update_staff_role")]
pub async fn update_staff_role(
    id: String,
    role: String,
    facilities: Option<Vec<String>>,
    departments: Option<Vec<String>>,
) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    let outcome = c
        .state
        .update_staff_role(
            &actor,
            ssr::id(&id)?,
            &role,
            &facilities.unwrap_or_default(),
            &departments.unwrap_or_default(),
        )
        .await
        .map(|()| {
            crate::console::texts::texts(c.lang)
                .staff_updated
                .to_owned()
        });
    ssr::done(&c, "/console/staff", outcome).await
}

#[server(prefix = "/sfn", endpoint = "set_staff_active")]
pub async fn set_staff_active(id: String, active: String) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.admin()?;
    let id = ssr::id(&id)?;
    let outcome = c
        .state
        .set_staff_active(&actor, id, active == "true")
        .await
        .map(|()| crate::console::texts::texts(c.lang).saved.to_owned());
    ssr::done(&c, "/console/staff", outcome).await
}
