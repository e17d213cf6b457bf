//! Blocks and closures, with a decision on each colliding booking.

#![allow(
    clippy::too_many_arguments,
    reason = "one server-function argument per form field"
)]

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;
use crate::console::types::*;
use crate::core::error::AppError;
#[cfg(feature = "ssr")]
use crate::core::types::{Choice, Flash};

#[server(prefix = "/sfn", endpoint = "get_block_page")]
pub async fn get_block_page(facility: String) -> Result<BlockPage, AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let id = crate::core::state::parse_facility_id(&facility)?;
    let t = c.state.timeline(&actor, id, None, false, c.lang).await?;
    let record = c.state.store.facility(id).await?.ok_or(AppError::Domain(
        domain::DomainError::NotFound(domain::error::Missing::Facility),
    ))?;
    let values = ssr::block_draft(&c, id.0).await?.unwrap_or_default();
    let collisions = if values.date.is_empty() {
        Vec::new()
    } else {
        c.state
            .block_collisions(&actor, id, &values, c.lang)
            .await
            .unwrap_or_default()
    };
    Ok(BlockPage {
        me: Some(t.me),
        facility_id: id.0,
        facility: t.facility,
        units: record
            .units
            .iter()
            .map(|u| Choice {
                id: u.id.0,
                name: u.name.get(c.lang).to_owned(),
            })
            .collect(),
        values,
        collisions,
        flash: ssr::take_flash(&c).await?,
    })
}

/// Checks a block: with no collisions it is saved at once, else the page
/// asks for a decision on each colliding booking.
#[server(prefix = "/sfn", endpoint = "check_block")]
pub async fn check_block(
    facility: String,
    kind: Option<String>,
    unit: String,
    date: String,
    until: Option<String>,
    from: Option<String>,
    to: Option<String>,
    reason: String,
) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let id = crate::core::state::parse_facility_id(&facility)?;
    let back = format!("/console/facilities/{}/block", id.0);
    let values = BlockValues {
        kind: kind.unwrap_or_else(|| "block".to_owned()),
        unit,
        date,
        until: until.unwrap_or_default(),
        from: from.unwrap_or_default(),
        to: to.unwrap_or_default(),
        reason,
    };
    c.set(ssr::BLOCK_DRAFT, &(id.0, values.clone())).await?;
    match c.state.block_collisions(&actor, id, &values, c.lang).await {
        Ok(list) if list.is_empty() => save(&c, &actor, id, &values, &[]).await,
        Ok(_) => {
            crate::core::session::redirect(&format!("{back}?decide=1"));
            Ok(())
        }
        Err(e) => ssr::done(&c, &back, Err(e)).await,
    }
}

#[cfg(feature = "ssr")]
async fn save(
    c: &crate::core::session::Ctx,
    actor: &crate::core::access::Actor,
    id: domain::ids::FacilityId,
    values: &BlockValues,
    decisions: &[String],
) -> Result<(), AppError> {
    let back = format!("/console/facilities/{}/block", id.0);
    match c
        .state
        .save_block(actor, id, values, decisions, c.lang)
        .await
    {
        Ok(Ok(text)) => {
            c.take(ssr::BLOCK_DRAFT).await?;
            ssr::done(
                c,
                &format!("/console/facilities/{}?date={}", id.0, values.date.trim()),
                Ok(text),
            )
            .await
        }
        Ok(Err(_)) => {
            let text = crate::console::texts::texts(c.lang)
                .block_changed
                .to_owned();
            c.set(ssr::CONSOLE_FLASH, &Flash { ok: false, text })
                .await?;
            crate::core::session::redirect(&format!("{back}?decide=2"));
            Ok(())
        }
        Err(e) => ssr::done(c, &back, Err(e)).await,
    }
}

/// Saves the block in the session with a decision per colliding booking
/// (`decisions[i]` = `<id>:cancel` or `<id>:keep`).
#[server(prefix = "/sfn", endpoint = "save_block")]
pub async fn save_block(facility: String, decisions: Option<Vec<String>>) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let id = crate::core::state::parse_facility_id(&facility)?;
    c.state.require_facility(&actor, id).await?;
    let Some(values) = ssr::block_draft(&c, id.0).await? else {
        crate::core::session::redirect(&format!("/console/facilities/{}/block", id.0));
        return Ok(());
    };
    save(&c, &actor, id, &values, &decisions.unwrap_or_default()).await
}
