//! Server functions of the unit form.

use leptos::prelude::*;

use crate::core::error::AppError;
use crate::setup::types::{
    DetailsForm, DetailsPage, NewFacilityForm, NewFacilityPage, NewUnitPage,
};

#[cfg(feature = "ssr")]
mod ssr {
    use crate::core::session::Key;
    use crate::setup::types::{DetailsForm, FormMessage, NewFacilityForm, UnitForm};

    /// The form sent back with its problems: (facility, values, problems).
    pub const UNIT_DRAFT: Key<(i64, UnitForm, Vec<FormMessage>)> = Key::new("unit_draft");
    /// The same for the new-facility form (no facility yet).
    pub const FACILITY_DRAFT: Key<(NewFacilityForm, Vec<FormMessage>)> = Key::new("facility_draft");
    /// The same for the details form.
    pub const DETAILS_DRAFT: Key<(i64, DetailsForm, Vec<FormMessage>)> = Key::new("details_draft");
}

/// The form (with what was typed and its problems, when it came back).
#[server(prefix = "/sfn", endpoint = "get_new_unit_page")]
pub async fn get_new_unit_page(facility: String) -> Result<NewUnitPage, AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let draft = c
        .get(ssr::UNIT_DRAFT)
        .await?
        .filter(|(f, _, _)| *f == facility.0)
        .map(|(_, values, errors)| (values, errors));
    let mut page = c
        .state
        .new_unit_page(&actor, c.lang, facility, draft)
        .await?;
    page.flash = crate::console::api::ssr::take_flash(&c).await?;
    Ok(page)
}

/// Adds the unit and goes to its rules; or back to the form with its
/// problems.
#[server(prefix = "/sfn", endpoint = "add_unit")]
pub async fn add_unit(
    facility: String,
    name_ja: String,
    name_en: String,
    notes_ja: String,
    notes_en: String,
    capacity: String,
    kind: Option<String>,
) -> Result<(), AppError> {
    use crate::setup::types::UnitForm;
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let clip = crate::core::session::clip;
    let form = UnitForm {
        name_ja: clip(&name_ja),
        name_en: clip(&name_en),
        notes_ja: notes_ja.chars().take(1_000).collect(),
        notes_en: notes_en.chars().take(1_000).collect(),
        capacity: clip(&capacity),
        kind: clip(&kind.unwrap_or_default()),
    };
    let v = c.state.now().timestamp_millis();
    match c.state.add_unit(&actor, c.lang, facility, &form).await? {
        Ok((unit, name)) => {
            c.take(ssr::UNIT_DRAFT).await?;
            let text = (crate::setup::texts::messages(c.lang).created)(&name);
            let back = format!(
                "/console/facilities/{}/units/{unit}/rules?v={v}",
                facility.0
            );
            crate::console::api::ssr::done(&c, &back, Ok(text)).await
        }
        Err(errors) => {
            c.set(ssr::UNIT_DRAFT, &(facility.0, form, errors)).await?;
            crate::core::session::redirect(&format!(
                "/console/facilities/{}/units/new?v={v}",
                facility.0
            ));
            Ok(())
        }
    }
}

/// The details form, as saved or as typed with its problems.
#[server(prefix = "/sfn", endpoint = "get_details_page")]
pub async fn get_details_page(facility: String) -> Result<DetailsPage, AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let draft = c
        .get(ssr::DETAILS_DRAFT)
        .await?
        .filter(|(f, _, _)| *f == facility.0)
        .map(|(_, values, errors)| (values, errors));
    let mut page = c
        .state
        .details_page(&actor, c.lang, facility, draft)
        .await?;
    page.flash = crate::console::api::ssr::take_flash(&c).await?;
    Ok(page)
}

/// Saves a facility's details; or back to the form with its problems.
#[server(prefix = "/sfn", endpoint = "save_details")]
pub async fn save_details(facility: String, details: DetailsForm) -> Result<(), AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    // Bounded before it is kept in the session (the checks allow 2,000).
    let cut = |v: &str| v.chars().take(4_000).collect::<String>();
    let form = DetailsForm {
        name_ja: cut(&details.name_ja),
        name_en: cut(&details.name_en),
        name_kana: cut(&details.name_kana),
        address_ja: cut(&details.address_ja),
        address_en: cut(&details.address_en),
        phone: cut(&details.phone),
        latitude: cut(&details.latitude),
        longitude: cut(&details.longitude),
        url: cut(&details.url),
        description_ja: cut(&details.description_ja),
        description_en: cut(&details.description_en),
        accessibility_ja: cut(&details.accessibility_ja),
        accessibility_en: cut(&details.accessibility_en),
    };
    let v = c.state.now().timestamp_millis();
    let back = format!("/console/facilities/{}/details?v={v}", facility.0);
    match c
        .state
        .save_details(&actor, c.lang, facility, &form)
        .await?
    {
        Ok(text) => {
            c.take(ssr::DETAILS_DRAFT).await?;
            crate::console::api::ssr::done(&c, &back, Ok(text)).await
        }
        Err(errors) => {
            c.set(ssr::DETAILS_DRAFT, &(facility.0, form, errors))
                .await?;
            crate::core::session::redirect(&back);
            Ok(())
        }
    }
}

/// The new-facility form (admins).
#[server(prefix = "/sfn", endpoint = "get_new_facility_page")]
pub async fn get_new_facility_page() -> Result<NewFacilityPage, AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.admin()?;
    let draft = c.get(ssr::FACILITY_DRAFT).await?;
    let mut page = c.state.new_facility_page(&actor, c.lang, draft).await?;
    page.flash = crate::console::api::ssr::take_flash(&c).await?;
    Ok(page)
}

/// Adds a facility and goes to its console page; or back with the form's
/// problems.
#[server(prefix = "/sfn", endpoint = "create_facility")]
pub async fn create_facility(facility: NewFacilityForm) -> Result<(), AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.admin()?;
    let clip = crate::core::session::clip;
    let form = NewFacilityForm {
        id: clip(&facility.id),
        name_ja: clip(&facility.name_ja),
        name_kana: clip(&facility.name_kana),
        name_en: clip(&facility.name_en),
        address_ja: clip(&facility.address_ja),
        phone: clip(&facility.phone),
    };
    let v = c.state.now().timestamp_millis();
    match c.state.create_facility(&actor, c.lang, &form).await? {
        Ok((id, name)) => {
            c.take(ssr::FACILITY_DRAFT).await?;
            let text = (crate::setup::texts::messages(c.lang).facility_created)(&name);
            crate::console::api::ssr::done(&c, &format!("/console/facilities/{id}?v={v}"), Ok(text))
                .await
        }
        Err(errors) => {
            c.set(ssr::FACILITY_DRAFT, &(form, errors)).await?;
            crate::core::session::redirect(&format!("/console/new-facility?v={v}"));
            Ok(())
        }
    }
}
