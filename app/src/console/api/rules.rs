//! A unit's rules: the form, the preview and saving.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;
use crate::console::types::*;
use crate::core::error::AppError;

/// A unit's rules form: the draft being edited when `v` is given (with
/// what to fix or the preview), else the rules in force.
#[server(prefix = "/sfn", endpoint = "get_rules_page")]
pub async fn get_rules_page(
    facility: String,
    unit: String,
    v: Option<String>,
) -> Result<RulesPage, AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let unit = domain::ids::UnitId(ssr::id(&unit)?);
    let draft = match v {
        Some(_) => c
            .get(ssr::RULES_DRAFT)
            .await?
            .filter(|(u, _, _)| *u == unit.0)
            .map(|(_, _, d)| d),
        None => None,
    };
    let mut page = c
        .state
        .rules_page(&actor, facility, unit, draft, c.lang)
        .await?;
    page.flash = ssr::take_flash(&c).await?;
    Ok(page)
}

/// Keeps the edited rules and shows them checked, with their effect.
#[server(prefix = "/sfn", endpoint = "preview_rules")]
pub async fn preview_rules(
    facility: String,
    unit: String,
    rules: domain::rules_edit::RulesInput,
) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let facility_id = crate::core::state::parse_facility_id(&facility)?;
    let unit_id = domain::ids::UnitId(ssr::id(&unit)?);
    // Scope first: nothing is kept for a facility this member may not manage.
    c.state.require_facility(&actor, facility_id).await?;
    let version = c
        .get(ssr::RULES_DRAFT)
        .await?
        .map(|(_, v, _)| v + 1)
        .unwrap_or(1);
    c.set(ssr::RULES_DRAFT, &(unit_id.0, version, rules))
        .await?;
    crate::core::session::redirect(&format!(
        "/console/facilities/{}/units/{}/rules?v={version}",
        facility_id.0, unit_id.0
    ));
    Ok(())
}

/// Saves the previewed rules with a decision for each booking that no
/// longer fits (`decisions[i]` = `<id>:cancel` or `<id>:keep`); back to the
/// preview when bookings still need one.
#[server(prefix = "/sfn", endpoint = "save_rules")]
pub async fn save_rules(
    facility: String,
    unit: String,
    decisions: Option<Vec<String>>,
) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let facility_id = crate::core::state::parse_facility_id(&facility)?;
    let unit_id = domain::ids::UnitId(ssr::id(&unit)?);
    c.state.require_facility(&actor, facility_id).await?;
    let back = format!(
        "/console/facilities/{}/units/{}/rules",
        facility_id.0, unit_id.0
    );
    let Some((_, version, draft)) = c
        .get(ssr::RULES_DRAFT)
        .await?
        .filter(|(u, _, _)| *u == unit_id.0)
    else {
        crate::core::session::redirect(&back);
        return Ok(());
    };
    let t = crate::console::texts::texts(c.lang);
    match c
        .state
        .save_rules(
            &actor,
            facility_id,
            unit_id,
            &draft,
            &decisions.unwrap_or_default(),
            c.lang,
        )
        .await
    {
        Ok(Ok(())) => {
            c.take(ssr::RULES_DRAFT).await?;
            ssr::done(&c, &back, Ok(t.rules_saved.to_owned())).await
        }
        Ok(Err(_)) => {
            let flash = crate::core::types::Flash {
                ok: false,
                text: crate::console::texts::rules_messages(c.lang)
                    .decide
                    .to_owned(),
            };
            c.set(ssr::CONSOLE_FLASH, &flash).await?;
            crate::core::session::redirect(&format!("{back}?v={version}#preview"));
            Ok(())
        }
        Err(e) => ssr::done(&c, &back, Err(e)).await,
    }
}
