//! Server functions of the unit form.

use leptos::prelude::*;

use crate::core::error::AppError;
use crate::setup::types::{
    ArchivePage, CounterForm, DetailsForm, DetailsPage, DivisionForm, DivisionPage, DivisionsPage,
    EquipmentForm, EquipmentPage, MemberForm, MemberPage, NewFacilityForm, NewFacilityPage,
    NewUnitPage, ProcedureForm, ProcedurePage, ReductionForm, ReductionsPage, TownForm, TownsPage,
    UnitForm,
};

#[cfg(feature = "ssr")]
mod ssr {
    use crate::core::session::Key;
    use crate::setup::types::{
        CounterForm, DetailsForm, DivisionForm, EquipmentForm, FormMessage, HeldLine, MemberForm,
        NewFacilityForm, PhotoForm, ProcedureForm, ReductionForm, StrandedLine, TownForm, UnitForm,
    };

    /// The bookings that kept something of a facility from being archived:
    /// (facility, bookings).
    pub const ARCHIVE_HELD: Key<(i64, Vec<HeldLine>)> = Key::new("archive_held");

    /// The form sent back with its problems: (facility, values, problems).
    pub const UNIT_DRAFT: Key<(i64, UnitForm, Vec<FormMessage>)> = Key::new("unit_draft");
    /// The same for the new-facility form (no facility yet).
    pub const FACILITY_DRAFT: Key<(NewFacilityForm, Vec<FormMessage>)> = Key::new("facility_draft");
    /// The same for the details form.
    pub const DETAILS_DRAFT: Key<(i64, DetailsForm, Vec<FormMessage>)> = Key::new("details_draft");
    /// The same for the photo form (the file is never kept).
    pub const PHOTO_DRAFT: Key<(i64, PhotoForm, Vec<FormMessage>)> = Key::new("photo_draft");
    /// The new-division form with its problems.
    pub const DIVISION_DRAFT: Key<(DivisionForm, Vec<FormMessage>)> = Key::new("division_draft");
    /// The counter form: (division, counter changed or none, values,
    /// problems).
    pub type CounterDraft = (i64, Option<i64>, CounterForm, Vec<FormMessage>);
    pub const COUNTER_DRAFT: Key<CounterDraft> = Key::new("counter_draft");
    /// The division's rename form: (division, values, problems).
    pub const RENAME_DRAFT: Key<(i64, DivisionForm, Vec<FormMessage>)> = Key::new("rename_draft");
    /// The procedure form: (division, procedure, values, problems).
    pub type ProcedureDraft = (i64, Option<i64>, ProcedureForm, Vec<FormMessage>);
    pub const PROCEDURE_DRAFT: Key<ProcedureDraft> = Key::new("procedure_draft");
    /// The member form: (division, member, values, problems, stranded visits).
    pub type MemberDraft = (
        i64,
        Option<i64>,
        MemberForm,
        Vec<FormMessage>,
        Vec<StrandedLine>,
    );
    pub const MEMBER_DRAFT: Key<MemberDraft> = Key::new("member_draft");
    /// The equipment form: (facility, equipment changed or none, values,
    /// problems, bookings that would have no copy).
    pub type EquipmentDraft = (
        i64,
        Option<i64>,
        EquipmentForm,
        Vec<FormMessage>,
        Vec<HeldLine>,
    );
    pub const EQUIPMENT_DRAFT: Key<EquipmentDraft> = Key::new("equipment_draft");
    /// The fee reduction form: (category changed or none, values, problems).
    pub type ReductionDraft = (Option<i64>, ReductionForm, Vec<FormMessage>);
    pub const REDUCTION_DRAFT: Key<ReductionDraft> = Key::new("reduction_draft");
    /// The new-town form with its problems.
    pub const TOWN_DRAFT: Key<(TownForm, Vec<FormMessage>)> = Key::new("town_draft");

    /// A text bounded before it is kept in the session (the checks allow
    /// less, and say so).
    pub fn cut(v: &str) -> String {
        v.chars().take(2_000).collect()
    }

    /// The counter form as posted, each text bounded.
    pub fn counter_form(counter: &CounterForm) -> CounterForm {
        CounterForm {
            name_ja: cut(&counter.name_ja),
            name_en: cut(&counter.name_en),
            location_ja: cut(&counter.location_ja),
            location_en: cut(&counter.location_en),
        }
    }
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
pub async fn add_unit(facility: String, unit: UnitForm) -> Result<(), AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let clip = crate::core::session::clip;
    let form = UnitForm {
        name_ja: clip(&unit.name_ja),
        name_en: clip(&unit.name_en),
        notes_ja: unit.notes_ja.chars().take(1_000).collect(),
        notes_en: unit.notes_en.chars().take(1_000).collect(),
        capacity: clip(&unit.capacity),
        kind: clip(&unit.kind),
        parent: clip(&unit.parent),
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
    let photo_draft = c
        .get(ssr::PHOTO_DRAFT)
        .await?
        .filter(|(f, _, _)| *f == facility.0)
        .map(|(_, values, errors)| (values, errors));
    let mut page = c
        .state
        .details_page(&actor, c.lang, facility, draft, photo_draft)
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

/// The divisions in the member's scope (admins and counter staff).
#[server(prefix = "/sfn", endpoint = "get_divisions_page")]
pub async fn get_divisions_page() -> Result<DivisionsPage, AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let draft = c.get(ssr::DIVISION_DRAFT).await?;
    let mut page = c.state.divisions_page(&actor, c.lang, draft).await?;
    page.flash = crate::console::api::ssr::take_flash(&c).await?;
    Ok(page)
}

/// Adds a division (admins) and goes to it; or back with the problems.
#[server(prefix = "/sfn", endpoint = "add_division")]
pub async fn add_division(division: DivisionForm) -> Result<(), AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.admin()?;
    let form = DivisionForm {
        name_ja: ssr::cut(&division.name_ja),
        name_en: ssr::cut(&division.name_en),
    };
    let v = c.state.now().timestamp_millis();
    match c.state.add_division(&actor, c.lang, &form).await? {
        Ok((id, name)) => {
            c.take(ssr::DIVISION_DRAFT).await?;
            let text = (crate::setup::texts::messages(c.lang).division_created)(&name);
            crate::console::api::ssr::done(&c, &format!("/console/divisions/{id}?v={v}"), Ok(text))
                .await
        }
        Err(errors) => {
            c.set(ssr::DIVISION_DRAFT, &(form, errors)).await?;
            crate::core::session::redirect(&format!("/console/divisions?v={v}"));
            Ok(())
        }
    }
}

/// A division's counters, procedures and staff; `counter`: the counter
/// being changed in the counter form.
#[server(prefix = "/sfn", endpoint = "get_division_page")]
pub async fn get_division_page(
    division: String,
    counter: Option<String>,
) -> Result<DivisionPage, AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let id = division.trim().parse::<i64>().ok();
    let editing = counter
        .as_deref()
        .and_then(|x| x.trim().parse::<i64>().ok());
    let draft = c
        .get(ssr::COUNTER_DRAFT)
        .await?
        .filter(|(d, e, _, _)| id == Some(*d) && *e == editing)
        .map(|(_, _, values, errors)| (values, errors));
    let rename = c
        .get(ssr::RENAME_DRAFT)
        .await?
        .filter(|(d, _, _)| id == Some(*d))
        .map(|(_, values, errors)| (values, errors));
    let mut page = c
        .state
        .division_page(&actor, c.lang, &division, counter.as_deref(), draft, rename)
        .await?;
    page.flash = crate::console::api::ssr::take_flash(&c).await?;
    Ok(page)
}

/// Adds a counter to the division; back to it, with the problems if any.
#[server(prefix = "/sfn", endpoint = "add_counter")]
pub async fn add_counter(division: String, counter: CounterForm) -> Result<(), AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let form = ssr::counter_form(&counter);
    let v = c.state.now().timestamp_millis();
    let outcome = c
        .state
        .add_counter(&actor, c.lang, &division, &form)
        .await?;
    let id = division.trim().parse::<i64>().unwrap_or_default();
    let back = format!("/console/divisions/{id}?v={v}");
    match outcome {
        Ok(text) => {
            c.take(ssr::COUNTER_DRAFT).await?;
            crate::console::api::ssr::done(&c, &back, Ok(text)).await
        }
        Err(errors) => {
            c.set(ssr::COUNTER_DRAFT, &(id, None, form, errors)).await?;
            crate::core::session::redirect(&format!("{back}#counter-form"));
            Ok(())
        }
    }
}

/// Changes a counter of the division; back to the division, or to the
/// form with the problems.
#[server(prefix = "/sfn", endpoint = "save_counter")]
pub async fn save_counter(
    division: String,
    id: String,
    counter: CounterForm,
) -> Result<(), AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let form = ssr::counter_form(&counter);
    let v = c.state.now().timestamp_millis();
    let outcome = c
        .state
        .save_counter(&actor, c.lang, &division, &id, &form)
        .await?;
    let division = division.trim().parse::<i64>().unwrap_or_default();
    let back = format!("/console/divisions/{division}?v={v}");
    match outcome {
        Ok(text) => {
            c.take(ssr::COUNTER_DRAFT).await?;
            crate::console::api::ssr::done(&c, &back, Ok(text)).await
        }
        Err(errors) => {
            let counter = id.trim().parse::<i64>().ok();
            c.set(ssr::COUNTER_DRAFT, &(division, counter, form, errors))
                .await?;
            let counter = counter.unwrap_or_default();
            crate::core::session::redirect(&format!("{back}&counter={counter}#counter-form"));
            Ok(())
        }
    }
}

/// Renames the division (admins); back to it, with the problems if any.
#[server(prefix = "/sfn", endpoint = "rename_division")]
pub async fn rename_division(division: String, name: DivisionForm) -> Result<(), AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.admin()?;
    let form = DivisionForm {
        name_ja: ssr::cut(&name.name_ja),
        name_en: ssr::cut(&name.name_en),
    };
    let v = c.state.now().timestamp_millis();
    let outcome = c
        .state
        .rename_division(&actor, c.lang, &division, &form)
        .await?;
    let id = division.trim().parse::<i64>().unwrap_or_default();
    let back = format!("/console/divisions/{id}?v={v}");
    match outcome {
        Ok(text) => {
            c.take(ssr::RENAME_DRAFT).await?;
            crate::console::api::ssr::done(&c, &back, Ok(text)).await
        }
        Err(errors) => {
            c.set(ssr::RENAME_DRAFT, &(id, form, errors)).await?;
            crate::core::session::redirect(&format!("{back}#rename"));
            Ok(())
        }
    }
}

/// The procedure form of a division: a new procedure (`id` none) or one
/// of its procedures.
#[server(prefix = "/sfn", endpoint = "get_procedure_page")]
pub async fn get_procedure_page(
    division: String,
    id: Option<String>,
) -> Result<ProcedurePage, AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let wanted = (
        division.trim().parse::<i64>().ok(),
        id.as_deref().and_then(|p| p.trim().parse::<i64>().ok()),
    );
    let draft = c
        .get(ssr::PROCEDURE_DRAFT)
        .await?
        .filter(|(d, p, _, _)| (Some(*d), *p) == wanted)
        .map(|(_, _, values, errors)| (values, errors));
    let mut page = c
        .state
        .procedure_page(&actor, c.lang, &division, id.as_deref(), draft)
        .await?;
    page.flash = crate::console::api::ssr::take_flash(&c).await?;
    Ok(page)
}

/// Adds a procedure (`id` none) or changes one, and goes back to the
/// division; or back to the form with its problems.
#[server(prefix = "/sfn", endpoint = "save_procedure")]
pub async fn save_procedure(
    division: String,
    id: Option<String>,
    procedure: ProcedureForm,
) -> Result<(), AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let cut = ssr::cut;
    let form = ProcedureForm {
        name_ja: cut(&procedure.name_ja),
        name_en: cut(&procedure.name_en),
        reading: cut(&procedure.reading),
        minutes: cut(&procedure.minutes),
        documents_ja: cut(&procedure.documents_ja),
        documents_en: cut(&procedure.documents_en),
        notes_ja: cut(&procedure.notes_ja),
        notes_en: cut(&procedure.notes_en),
        online: procedure.online.map(|_| "on".to_owned()),
        events: procedure
            .events
            .map(|e| e.iter().take(10).map(|x| cut(x)).collect()),
    };
    let id = id.filter(|p| !p.trim().is_empty());
    let v = c.state.now().timestamp_millis();
    let outcome = c
        .state
        .save_procedure(&actor, c.lang, &division, id.as_deref(), &form)
        .await?;
    let d = division.trim().parse::<i64>().unwrap_or_default();
    match outcome {
        Ok(text) => {
            c.take(ssr::PROCEDURE_DRAFT).await?;
            crate::console::api::ssr::done(&c, &format!("/console/divisions/{d}?v={v}"), Ok(text))
                .await
        }
        Err(errors) => {
            let p = id.as_deref().and_then(|p| p.trim().parse::<i64>().ok());
            c.set(ssr::PROCEDURE_DRAFT, &(d, p, form, errors)).await?;
            let back = match p {
                Some(p) => format!("/console/divisions/{d}/procedures/{p}?v={v}"),
                None => format!("/console/divisions/{d}/new-procedure?v={v}"),
            };
            crate::core::session::redirect(&back);
            Ok(())
        }
    }
}

/// The member form: a new member of the division, or one of its members.
#[server(prefix = "/sfn", endpoint = "get_member_page")]
pub async fn get_member_page(
    division: String,
    member: Option<String>,
) -> Result<MemberPage, AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let wanted = (
        division.trim().parse::<i64>().ok(),
        member.as_deref().and_then(|m| m.trim().parse::<i64>().ok()),
    );
    let draft = c
        .get(ssr::MEMBER_DRAFT)
        .await?
        .filter(|(d, m, _, _, _)| (Some(*d), *m) == wanted)
        .map(|(_, _, values, errors, stranded)| (values, errors, stranded));
    let mut page = c
        .state
        .member_page(&actor, c.lang, &division, member.as_deref(), draft)
        .await?;
    page.flash = crate::console::api::ssr::take_flash(&c).await?;
    Ok(page)
}

/// Adds or changes a member and goes back to the division; or back to the
/// form with its problems and the visits the change would strand.
#[server(prefix = "/sfn", endpoint = "save_member")]
pub async fn save_member(
    division: String,
    member: Option<String>,
    staff: MemberForm,
) -> Result<(), AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let cut = ssr::cut;
    let form = MemberForm {
        name: cut(&staff.name),
        active: staff.active.map(|_| "on".to_owned()),
        qualified: staff
            .qualified
            .map(|q| q.iter().take(500).map(|x| cut(x)).collect()),
        starts: staff.starts.iter().take(7).map(|x| cut(x)).collect(),
        ends: staff.ends.iter().take(7).map(|x| cut(x)).collect(),
        decisions: staff
            .decisions
            .map(|d| d.iter().take(500).map(|x| cut(x)).collect()),
    };
    let member = member.filter(|m| !m.trim().is_empty());
    let v = c.state.now().timestamp_millis();
    let outcome = c
        .state
        .save_member(&actor, c.lang, &division, member.as_deref(), &form)
        .await?;
    let id = division.trim().parse::<i64>().unwrap_or_default();
    match outcome {
        Ok(text) => {
            c.take(ssr::MEMBER_DRAFT).await?;
            crate::console::api::ssr::done(&c, &format!("/console/divisions/{id}?v={v}"), Ok(text))
                .await
        }
        Err((errors, stranded)) => {
            let m = member.as_deref().and_then(|m| m.trim().parse::<i64>().ok());
            c.set(ssr::MEMBER_DRAFT, &(id, m, form, errors, stranded))
                .await?;
            let back = match m {
                Some(m) => format!("/console/divisions/{id}/staff/{m}?v={v}"),
                None => format!("/console/divisions/{id}/new-member?v={v}"),
            };
            crate::core::session::redirect(&back);
            Ok(())
        }
    }
}

/// The archive page of a facility (its staff).
#[server(prefix = "/sfn", endpoint = "get_archive_page")]
pub async fn get_archive_page(facility: String) -> Result<ArchivePage, AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let held = c
        .get(ssr::ARCHIVE_HELD)
        .await?
        .filter(|(f, _)| *f == facility.0)
        .map(|(_, held)| held)
        .unwrap_or_default();
    let mut page = c.state.archive_page(&actor, c.lang, facility, held).await?;
    page.flash = crate::console::api::ssr::take_flash(&c).await?;
    Ok(page)
}

/// Ends (`action` = `archive`) or resumes (`restore`) the bookings of the
/// facility, or of one of its units; back to the page, with the bookings
/// that kept it from ending if any.
#[server(prefix = "/sfn", endpoint = "set_archive")]
pub async fn set_archive(
    facility: String,
    unit: Option<String>,
    action: String,
) -> Result<(), AppError> {
    use domain::error::{DomainError, Field, InvalidReason};
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    // Who may, before anything else of the request is read.
    c.state.require_facility(&actor, facility).await?;
    let bad = || {
        AppError::Domain(DomainError::invalid(
            Field::Action,
            InvalidReason::Malformed,
        ))
    };
    let archive = match action.as_str() {
        "archive" => true,
        "restore" => false,
        _ => return Err(bad()),
    };
    let unit = match unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => Some(u.parse::<i64>().map_err(|_| bad())?),
        None => None,
    };
    let v = c.state.now().timestamp_millis();
    let back = format!("/console/facilities/{}/archive?v={v}", facility.0);
    match c
        .state
        .set_archived(&actor, c.lang, facility, unit, archive)
        .await?
    {
        Ok(text) => {
            c.take(ssr::ARCHIVE_HELD).await?;
            crate::console::api::ssr::done(&c, &back, Ok(text)).await
        }
        Err(held) => {
            c.set(ssr::ARCHIVE_HELD, &(facility.0, held)).await?;
            let flash = crate::core::types::Flash {
                ok: false,
                text: crate::setup::texts::messages(c.lang).held.to_owned(),
            };
            c.set(crate::console::api::ssr::CONSOLE_FLASH, &flash)
                .await?;
            crate::core::session::redirect(&back);
            Ok(())
        }
    }
}

/// Makes a unit part of another's space (`parent` empty: its own); back
/// to the archive page, with the bookings that kept it from changing.
#[server(prefix = "/sfn", endpoint = "set_unit_parent")]
pub async fn set_unit_parent(
    facility: String,
    unit: String,
    parent: String,
) -> Result<(), AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let v = c.state.now().timestamp_millis();
    let back = format!("/console/facilities/{}/archive?v={v}", facility.0);
    match c
        .state
        .set_unit_parent(&actor, c.lang, facility, &unit, &parent)
        .await
    {
        Ok(Ok(text)) => {
            c.take(ssr::ARCHIVE_HELD).await?;
            crate::console::api::ssr::done(&c, &back, Ok(text)).await
        }
        Ok(Err(held)) => {
            c.set(ssr::ARCHIVE_HELD, &(facility.0, held)).await?;
            let flash = crate::core::types::Flash {
                ok: false,
                text: crate::setup::texts::messages(c.lang).parent_held.to_owned(),
            };
            c.set(crate::console::api::ssr::CONSOLE_FLASH, &flash)
                .await?;
            crate::core::session::redirect(&back);
            Ok(())
        }
        Err(e) => crate::console::api::ssr::done(&c, &back, Err(e)).await,
    }
}

/// The equipment page of a facility; `equipment`: the one being changed.
#[server(prefix = "/sfn", endpoint = "get_equipment_page")]
pub async fn get_equipment_page(
    facility: String,
    equipment: Option<String>,
) -> Result<EquipmentPage, AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let editing = match equipment
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
            AppError::Domain(domain::error::DomainError::NotFound(
                domain::error::Missing::Equipment,
            ))
        })?),
        None => None,
    };
    let draft = c
        .get(ssr::EQUIPMENT_DRAFT)
        .await?
        .filter(|(f, e, ..)| *f == facility.0 && *e == editing)
        .map(|(_, _, values, errors, held)| (values, errors, held));
    let mut page = c
        .state
        .equipment_page(&actor, c.lang, facility, editing, draft)
        .await?;
    page.flash = crate::console::api::ssr::take_flash(&c).await?;
    Ok(page)
}

/// Adds equipment (`id` empty) or changes one; back to the list, or to
/// the form with its problems or the bookings that would have no copy.
#[server(prefix = "/sfn", endpoint = "save_equipment")]
pub async fn save_equipment(
    facility: String,
    id: String,
    equipment: EquipmentForm,
) -> Result<(), AppError> {
    use crate::setup::equipment::Refused;
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let form = EquipmentForm {
        name_ja: ssr::cut(&equipment.name_ja),
        name_en: ssr::cut(&equipment.name_en),
        fee: ssr::cut(&equipment.fee),
        quantity: ssr::cut(&equipment.quantity),
    };
    let v = c.state.now().timestamp_millis();
    let back = format!("/console/facilities/{}/equipment?v={v}", facility.0);
    let outcome = c
        .state
        .save_equipment(&actor, c.lang, facility, &id, &form)
        .await?;
    let editing = id.trim().parse::<i64>().ok();
    let (errors, held) = match outcome {
        Ok(text) => {
            c.take(ssr::EQUIPMENT_DRAFT).await?;
            return crate::console::api::ssr::done(&c, &back, Ok(text)).await;
        }
        Err(Refused::Form(errors)) => (errors, Vec::new()),
        Err(Refused::Held(held)) => {
            let flash = crate::core::types::Flash {
                ok: false,
                text: crate::setup::texts::messages(c.lang).copies_held.to_owned(),
            };
            c.set(crate::console::api::ssr::CONSOLE_FLASH, &flash)
                .await?;
            (Vec::new(), held)
        }
    };
    c.set(
        ssr::EQUIPMENT_DRAFT,
        &(facility.0, editing, form, errors, held),
    )
    .await?;
    let edit = editing
        .map(|e| format!("&equipment={e}"))
        .unwrap_or_default();
    crate::core::session::redirect(&format!("{back}{edit}#equipment-form"));
    Ok(())
}

/// The town's fee reductions page; `reduction`: the one being changed.
#[server(prefix = "/sfn", endpoint = "get_reductions_page")]
pub async fn get_reductions_page(reduction: Option<String>) -> Result<ReductionsPage, AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.admin()?;
    let editing = match reduction
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
            AppError::Domain(domain::error::DomainError::NotFound(
                domain::error::Missing::Reduction,
            ))
        })?),
        None => None,
    };
    let draft = c
        .get(ssr::REDUCTION_DRAFT)
        .await?
        .filter(|(r, ..)| *r == editing)
        .map(|(_, values, errors)| (values, errors));
    let mut page = c
        .state
        .reductions_page(&actor, c.lang, editing, draft)
        .await?;
    page.flash = crate::console::api::ssr::take_flash(&c).await?;
    Ok(page)
}

/// Adds a fee reduction category (`id` empty) or changes one; back to the
/// list, or to the form with its problems.
#[server(prefix = "/sfn", endpoint = "save_reduction")]
pub async fn save_reduction(id: String, reduction: ReductionForm) -> Result<(), AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.admin()?;
    let form = ReductionForm {
        name_ja: ssr::cut(&reduction.name_ja),
        name_en: ssr::cut(&reduction.name_en),
        percent: ssr::cut(&reduction.percent),
        proof_ja: ssr::cut(&reduction.proof_ja),
        proof_en: ssr::cut(&reduction.proof_en),
        offered: reduction.offered.map(|_| "on".to_owned()),
    };
    let v = c.state.now().timestamp_millis();
    let back = format!("/console/reductions?v={v}");
    let editing = id.trim().parse::<i64>().ok();
    match c.state.save_reduction(&actor, c.lang, &id, &form).await? {
        Ok(text) => {
            c.take(ssr::REDUCTION_DRAFT).await?;
            crate::console::api::ssr::done(&c, &back, Ok(text)).await
        }
        Err(errors) => {
            c.set(ssr::REDUCTION_DRAFT, &(editing, form, errors))
                .await?;
            let edit = editing
                .map(|e| format!("&reduction={e}"))
                .unwrap_or_default();
            crate::core::session::redirect(&format!("{back}{edit}#reduction-form"));
            Ok(())
        }
    }
}

/// After a photo upload (`server::photos`): the outcome left in the
/// session for the details page; where to go.
#[cfg(feature = "ssr")]
pub async fn after_photo(
    session: &tower_sessions::Session,
    facility: i64,
    form: &crate::setup::types::PhotoForm,
    outcome: Result<String, Vec<crate::setup::types::FormMessage>>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, AppError> {
    use crate::core::session::{forget, write};
    let back = format!(
        "/console/facilities/{facility}/details?v={}",
        now.timestamp_millis()
    );
    match outcome {
        Ok(text) => {
            forget(session, ssr::PHOTO_DRAFT).await?;
            let flash = crate::core::types::Flash { ok: true, text };
            write(session, crate::console::api::ssr::CONSOLE_FLASH, &flash).await?;
            Ok(format!("{back}#photo"))
        }
        Err(errors) => {
            let form = crate::setup::types::PhotoForm {
                alt_ja: ssr::cut(&form.alt_ja),
                alt_en: ssr::cut(&form.alt_en),
                remove: form.remove,
            };
            write(session, ssr::PHOTO_DRAFT, &(facility, form, errors)).await?;
            Ok(format!("{back}#photo"))
        }
    }
}

/// The installation's towns (its super-administrator).
#[server(prefix = "/sfn", endpoint = "get_towns_page")]
pub async fn get_towns_page() -> Result<TownsPage, AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.installation_admin()?;
    let draft = c.get(ssr::TOWN_DRAFT).await?;
    let flash = crate::console::api::ssr::take_flash(&c).await?;
    c.state.towns_page(&actor, c.lang, draft, flash).await
}

/// Adds a town; or back with the problems.
#[server(prefix = "/sfn", endpoint = "add_town")]
pub async fn add_town(town: TownForm) -> Result<(), AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.installation_admin()?;
    let form = TownForm {
        slug: ssr::cut(&town.slug),
        name_ja: ssr::cut(&town.name_ja),
        name_en: ssr::cut(&town.name_en),
        zone: ssr::cut(&town.zone),
        host: ssr::cut(&town.host),
    };
    let v = c.state.now().timestamp_millis();
    match c.state.add_town(&actor, c.lang, &form).await? {
        Ok(name) => {
            c.take(ssr::TOWN_DRAFT).await?;
            let text = (crate::setup::texts::messages(c.lang).town_created)(&name);
            crate::console::api::ssr::done(&c, &format!("/console/towns?v={v}"), Ok(text)).await
        }
        Err(errors) => {
            c.set(ssr::TOWN_DRAFT, &(form, errors)).await?;
            crate::core::session::redirect(&format!("/console/towns?v={v}#add-town"));
            Ok(())
        }
    }
}

/// Sets or clears a town's host name.
#[server(prefix = "/sfn", endpoint = "set_town_host")]
pub async fn set_town_host(town: String, host: String) -> Result<(), AppError> {
    let (c, actor) = crate::console::api::ssr::ctx().await?;
    actor.installation_admin()?;
    let v = c.state.now().timestamp_millis();
    let outcome = c
        .state
        .set_host(&actor, c.lang, &town, &ssr::cut(&host))
        .await?;
    let flash = match outcome {
        Ok(text) => crate::core::types::Flash { ok: true, text },
        Err(text) => crate::core::types::Flash { ok: false, text },
    };
    c.set(crate::console::api::ssr::CONSOLE_FLASH, &flash)
        .await?;
    crate::core::session::redirect(&format!("/console/towns?v={v}"));
    Ok(())
}
