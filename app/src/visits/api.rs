//! Server functions of the residents' visit pages (来庁予約). Forms post
//! here with or without JavaScript, leave their outcome in the session and
//! redirect (POST/redirect/GET). A browser sees an appointment once it
//! booked or proved it (reference plus e-mail or phone); addresses never
//! carry contact details.

#![allow(
    clippy::too_many_arguments,
    reason = "one server-function argument per form field"
)]

use crate::visits::types::{VisitDetail, VisitFind, VisitForm, VisitList, VisitPlan};
use leptos::prelude::*;

use crate::core::error::AppError;

#[cfg(feature = "ssr")]
use crate::core::session::Key;
/// The outcome of a move or cancel (ok, text).
#[cfg(feature = "ssr")]
const VISIT_MSG: Key<(bool, String)> = Key::new("visit_msg");
/// The visit form as last sent, with its problems.
#[cfg(feature = "ssr")]
const VISIT_FLASH: Key<VisitForm> = Key::new("visit_flash");
/// The find form as last sent, with its error.
#[cfg(feature = "ssr")]
const VISIT_FIND_FLASH: Key<VisitFind> = Key::new("visit_find_flash");
/// The appointments this browser booked or proved.
#[cfg(feature = "ssr")]
const GRANTED_VISITS: Key<Vec<String>> = Key::new("granted_visits");

/// Whether this browser may see the appointment (its page, `.ics` file and
/// calendar section): its session booked or proved it, or the signed-in
/// resident's account booked it.
#[cfg(feature = "ssr")]
pub async fn may_see_visit(
    state: &crate::core::state::AppState,
    session: &tower_sessions::Session,
    record: &store::AppointmentRecord,
) -> Result<bool, AppError> {
    let list = crate::core::session::read(session, GRANTED_VISITS)
        .await?
        .unwrap_or_default();
    if list.contains(&record.row.reference) {
        return Ok(true);
    }
    Ok(match crate::core::auth::actor_of(state, session).await? {
        crate::core::access::Actor::Resident { id, .. } => record.row.account_id == Some(id),
        _ => false,
    })
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::{GRANTED_VISITS as GRANTED, VISIT_MSG, may_see_visit};
    use crate::core::error::AppError;
    use crate::core::session::Ctx;

    /// This browser may see the appointment from now on (a fresh session
    /// id first, as for bookings).
    pub async fn grant(c: &Ctx, reference: &str) -> Result<(), AppError> {
        let mut list: Vec<String> = c.get(GRANTED).await?.unwrap_or_default();
        c.cycle().await?;
        list.retain(|r| r != reference);
        list.push(reference.to_owned());
        if list.len() > 20 {
            list.remove(0);
        }
        c.set(GRANTED, &list).await
    }

    /// The granted appointment of the path, or "not found".
    pub async fn own(c: &Ctx, reference: &str) -> Result<store::AppointmentRecord, AppError> {
        let r = c.state.visit_by_reference(reference).await?;
        if may_see_visit(&c.state, &c.session, &r).await? {
            Ok(r)
        } else {
            Err(AppError::Domain(domain::DomainError::NotFound(
                domain::error::Missing::Appointment,
            )))
        }
    }

    /// Runs a change on the granted appointment, leaves its outcome for the
    /// appointment page and goes back there.
    pub async fn visit_outcome(
        reference: String,
        change: impl AsyncFnOnce(&Ctx, store::AppointmentRecord) -> Result<&'static str, AppError>,
    ) -> Result<(), AppError> {
        let c = crate::core::session::ctx().await?;
        let r = own(&c, &reference).await?;
        let back = format!("/visits/appointments/{}", r.row.reference);
        let message = match change(&c, r).await {
            Ok(text) => (true, text.to_owned()),
            Err(e @ AppError::Domain(_)) => {
                (false, crate::core::messages::error_message(c.lang, &e))
            }
            Err(e) => return Err(e),
        };
        c.set(VISIT_MSG, &message).await?;
        crate::core::session::redirect(&back);
        Ok(())
    }
}

#[server(prefix = "/sfn", endpoint = "get_visit_list")]
pub async fn get_visit_list(
    q: Option<String>,
    event: Option<String>,
) -> Result<VisitList, AppError> {
    let c = crate::core::session::ctx().await?;
    c.state
        .visit_list(
            c.lang,
            q.as_deref().unwrap_or(""),
            event.as_deref().unwrap_or(""),
        )
        .await
}

#[server(prefix = "/sfn", endpoint = "get_visit_plan")]
pub async fn get_visit_plan(ids: String, date: Option<String>) -> Result<VisitPlan, AppError> {
    let c = crate::core::session::ctx().await?;
    c.state.visit_plan(c.lang, &ids, date.as_deref()).await
}

/// The contact form, with the answers and problems of a refused attempt.
#[server(prefix = "/sfn", endpoint = "get_visit_form")]
pub async fn get_visit_form(ids: String, start: String) -> Result<VisitForm, AppError> {
    let c = crate::core::session::ctx().await?;
    let mut form = c.state.visit_form(c.lang, &ids, &start).await?;
    form.key = store::random_key()?;
    if let Some(before) = c.take(VISIT_FLASH).await?
        && before.ids == form.ids
        && before.start == form.start
    {
        form.values = before.values;
        form.field_errors = before.field_errors;
        form.error = before.error;
    }
    Ok(form)
}

/// Books the visit; on success this browser is shown its appointment.
#[server(prefix = "/sfn", endpoint = "book_visit")]
pub async fn book_visit(
    ids: String,
    start: String,
    name: String,
    name_kana: String,
    phone: String,
    email: String,
    mode: Option<String>,
    key: Option<String>,
) -> Result<(), AppError> {
    use domain::DomainError;
    let c = crate::core::session::ctx().await?;
    let back = format!(
        "/visits/book?p={}&start={}&retry=1",
        crate::core::lang::encode_next(ids.trim()),
        crate::core::lang::encode_next(start.trim())
    );
    let input = crate::visits::service::AppointmentInput {
        procedure_ids: crate::visits::present::parse_ids(&ids).unwrap_or_default(),
        start: c.state.visit_start(&start).await?,
        name: name.clone(),
        name_kana: name_kana.clone(),
        phone: phone.clone(),
        email: email.clone(),
        mode: mode.clone().unwrap_or_default(),
        // A form's key is 32 hex digits; anything else is ignored.
        // Bound to the contact too: the key alone opens nobody's visit.
        request_key: key
            .filter(|k| k.len() == 32 && k.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(|k| format!("form:{}", store::digest(&[&k, email.trim(), phone.trim()]))),
    };
    // A signed-in resident's own feed shows it.
    let account = match crate::core::auth::actor(&c).await? {
        crate::core::access::Actor::Resident { id, .. } => Some(id),
        _ => None,
    };
    match c.state.book_appointment(&input, account, c.lang).await {
        Ok(body) => {
            ssr::grant(&c, &body.reference).await?;
            crate::core::session::redirect(&format!(
                "/visits/appointments/{}?new=1",
                body.reference
            ));
            Ok(())
        }
        Err(e @ AppError::Domain(_)) => {
            let field_errors = match &e {
                AppError::Domain(DomainError::Fields(problems)) => problems
                    .iter()
                    .map(|p| {
                        (
                            p.field.as_str().to_owned(),
                            crate::core::messages::problem_message(c.lang, p.field, p.problem),
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            };
            use crate::core::session::clip;
            let form = VisitForm {
                ids: clip(&ids),
                start: clip(&start),
                values: crate::visits::types::VisitValues {
                    name: clip(&name),
                    name_kana: clip(&name_kana),
                    phone: clip(&phone),
                    email: clip(&email),
                    mode: clip(&mode.unwrap_or_default()),
                },
                error: field_errors
                    .is_empty()
                    .then(|| crate::core::messages::error_message(c.lang, &e)),
                field_errors,
                ..VisitForm::default()
            };
            c.set(VISIT_FLASH, &form).await?;
            crate::core::session::redirect(&back);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

#[server(prefix = "/sfn", endpoint = "get_visit_find")]
pub async fn get_visit_find() -> Result<VisitFind, AppError> {
    let c = crate::core::session::ctx().await?;
    Ok(c.take(VISIT_FIND_FLASH).await?.unwrap_or_default())
}

/// Reference plus e-mail or phone: this browser may then see it.
#[server(prefix = "/sfn", endpoint = "find_visit")]
pub async fn find_visit(reference: String, contact: String) -> Result<(), AppError> {
    let c = crate::core::session::ctx().await?;
    match c.state.find_appointment(&reference, &contact, c.lang).await {
        Ok(body) => {
            ssr::grant(&c, &body.reference).await?;
            crate::core::session::redirect(&format!("/visits/appointments/{}", body.reference));
        }
        Err(e @ AppError::Domain(_)) => {
            let find = VisitFind {
                reference: crate::core::session::clip(&reference),
                error: Some(crate::core::messages::error_message(c.lang, &e)),
            };
            c.set(VISIT_FIND_FLASH, &find).await?;
            crate::core::session::redirect("/visits/find?retry=1");
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// The appointment, if this browser booked or proved it (`None`: show the
/// find form instead).
#[server(prefix = "/sfn", endpoint = "get_visit_detail")]
pub async fn get_visit_detail(
    reference: String,
    date: Option<String>,
) -> Result<Option<VisitDetail>, AppError> {
    let c = crate::core::session::ctx().await?;
    let r = match ssr::own(&c, &reference).await {
        Ok(r) => r,
        Err(AppError::Domain(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut detail = c.state.visit_detail(c.lang, &r, date.as_deref()).await?;
    if let Some((ok, text)) = c.take(VISIT_MSG).await? {
        if ok {
            detail.flash = Some(text);
        } else {
            detail.error = Some(text);
        }
    }
    Ok(Some(detail))
}

/// Moves the visit to another free start time.
#[server(prefix = "/sfn", endpoint = "move_visit")]
pub async fn move_visit(reference: String, start: String) -> Result<(), AppError> {
    ssr::visit_outcome(reference, async move |c, r| {
        c.state.move_visit(&r, &start).await?;
        Ok(crate::visits::texts::texts(c.lang).moved)
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "cancel_visit")]
pub async fn cancel_visit(reference: String) -> Result<(), AppError> {
    ssr::visit_outcome(reference, async move |c, r| {
        c.state.cancel_visit(&r).await?;
        Ok(crate::visits::texts::texts(c.lang).cancelled)
    })
    .await
}
