//! The audit log and the mail outbox (admins).

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;
use crate::console::types::*;
use crate::core::error::AppError;

#[server(prefix = "/sfn", endpoint = "get_audit_page")]
pub async fn get_audit_page(
    actor_filter: Option<String>,
    action: Option<String>,
    target: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<AuditPage, AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.admin()?;
    let nonempty = |s: Option<String>| s.map(|x| x.trim().to_owned()).filter(|x| !x.is_empty());
    let date = |s: Option<String>, field| -> Result<Option<chrono::NaiveDate>, AppError> {
        nonempty(s)
            .map(|d| domain::calendar::parse_date(field, &d).map_err(AppError::from))
            .transpose()
    };
    let days = (
        date(from, domain::error::Field::From)?,
        date(to, domain::error::Field::To)?,
    );
    let filter = store::AuditFilter {
        actor: nonempty(actor_filter),
        action: nonempty(action),
        target: nonempty(target),
        from: None,
        to: None,
    };
    c.state.audit_page(&actor, &filter, days, c.lang).await
}

#[server(prefix = "/sfn", endpoint = "get_outbox_page")]
pub async fn get_outbox_page() -> Result<OutboxPage, AppError> {
    let (c, actor) = ssr::ctx().await?;
    c.state.outbox_page(&actor, c.lang).await
}
