//! Server functions of the booking flow. The forms post to them with or
//! without JavaScript: each one stores its outcome in the browser's
//! server-side session and redirects (POST/redirect/GET), and the page it
//! redirects to loads what to show. Personal data never goes in a URL.
//!
//! Session keys: `draft` (the answers being filled in, forgotten once
//! booked), `done` (the last booking confirmed here), `granted` (references
//! this browser has proved it owns), `find_flash` and `booking_flash` (a
//! message for the next find or booking page).

// The macro's generated client and server functions take one argument per
// form field; the attribute cannot reach them one by one.
#![allow(
    clippy::too_many_arguments,
    reason = "one server-function argument per form field"
)]

use crate::booking::types::{BookingDetail, BookingForm, FindPage, ReviewPage, WaitPage};
use leptos::prelude::*;

use crate::core::error::AppError;

#[cfg(feature = "ssr")]
use crate::core::session;

#[cfg(feature = "ssr")]
use crate::core::session::Key;
/// The reference just booked, for the done page.
#[cfg(feature = "ssr")]
const DONE: Key<String> = Key::new("done");
/// The last failed lookup (reference typed, why it failed).
#[cfg(feature = "ssr")]
const FIND_FLASH: Key<(String, AppError)> = Key::new("find_flash");
/// The last failed cancel of a booking.
#[cfg(feature = "ssr")]
const BOOKING_FLASH: Key<(String, AppError)> = Key::new("booking_flash");
/// A place in line just joined (`true`) or left (`false`), for its page.
#[cfg(feature = "ssr")]
const WAIT_FLASH: Key<(String, bool)> = Key::new("wait_flash");

/// The signed-in staff member managing the facility of this unit, who
/// books on a resident's behalf (代行予約); `None` for everyone else.
#[cfg(feature = "ssr")]
async fn proxy_staff(
    c: &session::Ctx,
    unit: &str,
) -> Result<Option<crate::core::access::Staff>, AppError> {
    let actor = crate::core::auth::actor(c).await?;
    let (crate::core::access::Actor::Staff(_), Ok(unit)) = (&actor, unit.trim().parse::<i64>())
    else {
        return Ok(None);
    };
    let Some(facility) = c
        .state
        .store
        .unit_facility(domain::ids::UnitId(unit))
        .await?
    else {
        return Ok(None);
    };
    let Some(f) = c.state.store.facility(facility).await? else {
        return Ok(None);
    };
    Ok(actor
        .facility_staff(f.id.0, f.municipality.0)
        .ok()
        .map(|g| (*g).clone()))
}

/// The empty or pre-filled form for a unit from a start time.
#[server(prefix = "/sfn", endpoint = "get_booking_form")]
pub async fn get_booking_form(
    facility: String,
    unit: String,
    date: String,
    time: String,
    until: Option<String>,
    wait: Option<String>,
) -> Result<BookingForm, AppError> {
    use domain::error::{DomainError, Field, InvalidReason, Missing};
    let c = session::ctx().await?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let unit = unit
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|u| *u > 0)
        .map(domain::ids::UnitId)
        .ok_or(AppError::Domain(DomainError::NotFound(Missing::Unit)))?;
    let date = domain::calendar::parse_date(Field::Date, &date)?;
    let tz = c
        .state
        .store
        .facility(facility)
        .await?
        .ok_or(AppError::Domain(DomainError::NotFound(Missing::Facility)))?
        .plan
        .tz;
    let start = crate::core::time::local_instant(tz, date, &time).ok_or(AppError::Domain(
        DomainError::invalid(Field::Query, InvalidReason::Malformed),
    ))?;
    let end = until
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .and_then(|u| crate::core::time::local_instant(tz, date, u));
    // Earlier answers save typing: all of them when coming back to change
    // this same request, the person's details when booking another time.
    let draft = c
        .get(crate::booking::input::DRAFT)
        .await?
        .unwrap_or_default();
    let same = draft.input.unit_id == unit.0.to_string()
        && chrono::DateTime::parse_from_rfc3339(&draft.input.start)
            .is_ok_and(|s| s.with_timezone(&chrono::Utc) == start);
    let staff = proxy_staff(&c, &unit.0.to_string()).await?.is_some();
    let input = draft.input;
    let (equipment, override_reason, reduction, reduction_note, series) = if same {
        (
            input.equipment,
            input.override_reason,
            input.reduction,
            input.reduction_note,
            input.series,
        )
    } else {
        Default::default()
    };
    let req = crate::booking::input::FormFor {
        facility,
        unit,
        start,
        end,
        values: input.applicant,
        equipment,
        override_reason: staff.then_some(override_reason),
        reduction,
        reduction_note,
        wait: wait.is_some_and(|w| w == "1"),
        series,
    };
    c.state.booking_form(req, c.lang).await
}

/// Keeps the answers and goes to the review (which shows what to fix, if anything).
#[server(prefix = "/sfn", endpoint = "review_booking")]
pub async fn review_booking(
    facility: String,
    unit_id: String,
    start: String,
    end: String,
    name: String,
    name_kana: String,
    phone: String,
    email: String,
    purpose: String,
    attendees: String,
    resident: Option<String>,
    equipment: Option<Vec<String>>,
    override_reason: Option<String>,
    reduction: Option<String>,
    reduction_note: Option<String>,
    wait: Option<String>,
    repeat: Option<String>,
    days: Option<Vec<String>>,
    weeks: Option<Vec<String>>,
    until: Option<String>,
) -> Result<(), AppError> {
    use domain::applicant::BookingField as F;
    let series = crate::booking::input::SeriesInput {
        repeat: repeat.unwrap_or_default(),
        days: days.unwrap_or_default(),
        weeks: weeks.unwrap_or_default(),
        until: until.unwrap_or_default(),
    };
    let equipment = equipment.unwrap_or_default();
    let override_reason = override_reason.unwrap_or_default();
    let reduction = reduction.unwrap_or_default();
    let reduction_note = reduction_note.unwrap_or_default();
    let resident = resident.unwrap_or_default();
    let mut too_long = domain::applicant::oversized(&[
        (F::UnitId, &unit_id),
        (F::Start, &start),
        (F::End, &end),
        (F::Name, &name),
        (F::NameKana, &name_kana),
        (F::Phone, &phone),
        (F::Email, &email),
        (F::Purpose, &purpose),
        (F::Attendees, &attendees),
        (F::Resident, &resident),
        (F::OverrideReason, &override_reason),
        (F::Reduction, &reduction),
        (F::ReductionNote, &reduction_note),
        (F::Repeat, &series.repeat),
        (F::Until, &series.until),
    ]);
    if series.days.len() > 7
        || series.weeks.len() > 5
        || series.days.iter().chain(&series.weeks).any(|d| d.len() > 2)
    {
        too_long.push(domain::applicant::FieldProblem {
            field: F::Repeat,
            problem: domain::applicant::Problem::UnknownChoice,
        });
    }
    if equipment.len() > 50 || equipment.iter().any(|e| e.len() > 20) {
        too_long.push(domain::applicant::FieldProblem {
            field: F::Equipment,
            problem: domain::applicant::Problem::TooLong { max: 50 },
        });
    }
    if !too_long.is_empty() {
        // Nothing is kept: the answers are not what any form sends.
        return Err(AppError::Domain(domain::DomainError::Fields(too_long)));
    }
    let c = session::ctx().await?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let previous = c.get(crate::booking::input::DRAFT).await?;
    if previous.is_none() {
        // Personal data is about to be kept: never under an id that could
        // have been planted before.
        c.cycle().await?;
    }
    let (version, key) = match previous {
        Some(d) if !d.key.is_empty() => (d.version + 1, d.key),
        Some(d) => (d.version + 1, store::random_key()?),
        None => (1, store::random_key()?),
    };
    let draft = crate::booking::input::Draft {
        input: crate::booking::input::BookingInput {
            facility: Some(facility),
            unit_id,
            start,
            end,
            applicant: domain::applicant::ApplicantInput {
                name,
                name_kana,
                phone,
                email,
                purpose,
                attendees,
                resident,
            },
            equipment,
            override_reason,
            reduction,
            reduction_note,
            wait: wait.is_some_and(|w| w == "1"),
            series,
        },
        version,
        last_error: None,
        key,
    };
    c.set(crate::booking::input::DRAFT, &draft).await?;
    crate::core::session::redirect(&format!("/book/review?v={version}"));
    Ok(())
}

/// What the review page shows for the answers in this session.
#[server(prefix = "/sfn", endpoint = "get_review")]
pub async fn get_review() -> Result<ReviewPage, AppError> {
    let c = session::ctx().await?;
    let Some(mut draft) = c.get(crate::booking::input::DRAFT).await? else {
        return Ok(ReviewPage::Missing);
    };
    let staff = proxy_staff(&c, &draft.input.unit_id).await?.is_some();
    let page = c
        .state
        .review(
            &draft.input,
            draft.version,
            draft.last_error.as_ref(),
            c.lang,
            staff,
        )
        .await?;
    if draft.last_error.take().is_some() {
        c.set(crate::booking::input::DRAFT, &draft).await?;
    }
    Ok(page)
}

/// Books what the review showed. On success the session remembers the
/// reference (for the confirmation page and the `.ics`). For a series,
/// `series` is `all` (every date, or nothing) or `free` (only the dates
/// that can be booked).
#[server(prefix = "/sfn", endpoint = "confirm_booking")]
pub async fn confirm_booking(version: String, series: Option<String>) -> Result<(), AppError> {
    let c = session::ctx().await?;
    let Some(draft) = reviewed_draft(&c, &version).await? else {
        return Ok(());
    };
    if draft.input.series.is_series() {
        return confirm_series(&c, draft, series.as_deref() != Some("free")).await;
    }
    // Staff managing this facility book on a resident's behalf (代行予約):
    // the same flow and rules, with the member recorded on the booking.
    let staff = proxy_staff(&c, &draft.input.unit_id).await?;
    // A signed-in resident finds it in their account.
    let account = resident_account(&c).await?;
    // Pressed twice? The key finds what the first press booked.
    let key = (!draft.key.is_empty()).then(|| format!("draft:{}", draft.key));
    let outcome = c
        .state
        .create_booking_as(&draft.input, staff.as_ref(), account, key)
        .await;
    match outcome {
        Ok(record) => {
            let reference = record.row.reference;
            c.grant(&reference).await?;
            c.set(DONE, &reference).await?;
            // Forget the answers: the next person at a shared computer must
            // not find them filled in.
            c.take(crate::booking::input::DRAFT).await?;
            crate::core::session::redirect("/book/done");
        }
        Err(AppError::Domain(e)) => back_to_review(&c, draft, e).await?,
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Books the series the review showed: every date (`all`) or the free ones.
#[cfg(feature = "ssr")]
async fn confirm_series(
    c: &session::Ctx,
    draft: crate::booking::input::Draft,
    all: bool,
) -> Result<(), AppError> {
    let staff = proxy_staff(c, &draft.input.unit_id).await?;
    let account = resident_account(c).await?;
    let key = (!draft.key.is_empty()).then(|| format!("draft:{}", draft.key));
    let outcome = c
        .state
        .create_series_as(&draft.input, staff.as_ref(), account, key, all)
        .await;
    match outcome {
        Ok(record) => {
            let Some(first) = record.bookings.first() else {
                return Err(AppError::Unavailable);
            };
            // The series' reference lets this browser see every date.
            c.grant(&record.series.reference).await?;
            c.grant(&first.reference).await?;
            c.set(DONE, &first.reference).await?;
            c.take(crate::booking::input::DRAFT).await?;
            crate::core::session::redirect("/book/done");
        }
        Err(AppError::Domain(e)) => back_to_review(c, draft, e).await?,
        Err(e) => return Err(e),
    }
    Ok(())
}

/// The answers the review showed, if `version` is still theirs; else
/// `None`, the browser sent back to the review (gone, or changed by another
/// tab: shown again before anything is done).
#[cfg(feature = "ssr")]
async fn reviewed_draft(
    c: &session::Ctx,
    version: &str,
) -> Result<Option<crate::booking::input::Draft>, AppError> {
    let Some(draft) = c.get(crate::booking::input::DRAFT).await? else {
        crate::core::session::redirect("/book/review");
        return Ok(None);
    };
    if version.trim() != draft.version.to_string() {
        crate::core::session::redirect(&format!("/book/review?v={}", draft.version));
        return Ok(None);
    }
    Ok(Some(draft))
}

/// The signed-in resident's account, if a resident is signed in.
#[cfg(feature = "ssr")]
async fn resident_account(c: &session::Ctx) -> Result<Option<i64>, AppError> {
    Ok(match crate::core::auth::actor(c).await? {
        crate::core::access::Actor::Resident { id, .. } => Some(id),
        _ => None,
    })
}

/// Back to the review, which shows once why the answers were refused.
#[cfg(feature = "ssr")]
async fn back_to_review(
    c: &session::Ctx,
    mut draft: crate::booking::input::Draft,
    e: domain::DomainError,
) -> Result<(), AppError> {
    draft.version += 1;
    draft.last_error = Some(AppError::Domain(e));
    c.set(crate::booking::input::DRAFT, &draft).await?;
    crate::core::session::redirect(&format!("/book/review?v={}", draft.version));
    Ok(())
}

/// The booking just confirmed in this session.
#[server(prefix = "/sfn", endpoint = "get_done")]
pub async fn get_done() -> Result<BookingDetail, AppError> {
    use domain::error::{DomainError, Missing};
    let c = session::ctx().await?;
    let reference: String = c
        .get(DONE)
        .await?
        .ok_or(AppError::Domain(DomainError::NotFound(Missing::Booking)))?;
    let record = c.state.booking_by_reference(&reference).await?;
    c.state.booking_detail(&record, c.lang).await
}

/// Looks a booking up by reference and e-mail or phone; on success this
/// browser may see it.
#[server(prefix = "/sfn", endpoint = "find_booking")]
pub async fn find_booking(reference: String, contact: String) -> Result<(), AppError> {
    let c = session::ctx().await?;
    // A reference is a booking's or a place on a waiting list's.
    let found = match c.state.find_booking(&reference, &contact).await {
        Err(AppError::Domain(domain::DomainError::NotFound(_))) => c
            .state
            .find_wait(&reference, &contact)
            .await
            .map(|e| format!("/waitlist/{}", e.reference)),
        Ok(record) => {
            // A date of a series: the series' other dates are theirs too.
            if let Some(id) = record.row.series_id
                && let Some(s) = c.state.store.series(id).await?
            {
                c.grant(&s.series.reference).await?;
            }
            Ok(format!("/bookings/{}", record.row.reference))
        }
        Err(e) => Err(e),
    };
    match found {
        Ok(path) => {
            let reference = path.rsplit('/').next().unwrap_or_default().to_owned();
            c.grant(&reference).await?;
            crate::core::session::redirect(&path);
        }
        Err(AppError::Domain(e)) => {
            c.set(
                FIND_FLASH,
                &(crate::core::session::clip(&reference), AppError::Domain(e)),
            )
            .await?;
            crate::core::session::redirect("/bookings?retry=1");
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// The find page, with the last lookup's error if it failed.
#[server(prefix = "/sfn", endpoint = "get_find_page")]
pub async fn get_find_page() -> Result<FindPage, AppError> {
    let c = session::ctx().await?;
    let flash: Option<(String, AppError)> = c.take(FIND_FLASH).await?;
    Ok(match flash {
        Some((reference, error)) => FindPage {
            reference,
            error: Some(crate::core::messages::error_message(c.lang, &error)),
        },
        None => FindPage::default(),
    })
}

/// A booking this browser has proved it owns.
#[server(prefix = "/sfn", endpoint = "get_booking_page")]
pub async fn get_booking_page(reference: String) -> Result<BookingDetail, AppError> {
    use domain::error::{DomainError, Missing};
    let c = session::ctx().await?;
    let reference = domain::reference::normalize(&reference)
        .ok_or(AppError::Domain(DomainError::NotFound(Missing::Booking)))?;
    let not_found = AppError::Domain(DomainError::NotFound(Missing::Booking));
    let record = match c.state.booking_by_reference(&reference).await {
        Err(AppError::Domain(_)) => return Err(not_found),
        other => other?,
    };
    if !crate::core::auth::may_see(&c.state, &c.session, &record).await? {
        return Err(not_found);
    }
    c.state.booking_detail(&record, c.lang).await
}

/// The booking `reference` if this browser has proved it owns it (with the
/// reference as written); else `None`, the browser sent to the find form.
#[cfg(feature = "ssr")]
async fn owned_booking(
    c: &session::Ctx,
    reference: &str,
) -> Result<Option<(String, store::BookingRecord)>, AppError> {
    use domain::error::{DomainError, Missing};
    let reference = domain::reference::normalize(reference)
        .ok_or(AppError::Domain(DomainError::NotFound(Missing::Booking)))?;
    let record = match c.state.booking_by_reference(&reference).await {
        Err(AppError::Domain(_)) => None,
        other => Some(other?),
    };
    match record {
        Some(r) if crate::core::auth::may_see(&c.state, &c.session, &r).await? => {
            Ok(Some((reference, r)))
        }
        _ => {
            crate::core::session::redirect("/bookings");
            Ok(None)
        }
    }
}

/// After a change to an owned booking: its page (with `query`, a new
/// address so a hydrated page loads it again), or its page with the
/// refusal kept for it in the session.
#[cfg(feature = "ssr")]
async fn after_change(
    c: &session::Ctx,
    reference: &str,
    outcome: Result<(), AppError>,
    query: &str,
) -> Result<(), AppError> {
    match outcome {
        Ok(()) => crate::core::session::redirect(&format!("/bookings/{reference}?{query}")),
        Err(AppError::Domain(e)) => {
            c.set(BOOKING_FLASH, &(reference.to_owned(), AppError::Domain(e)))
                .await?;
            crate::core::session::redirect(&format!("/bookings/{reference}?retry=1"));
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Cancels a booking this browser has proved it owns.
#[server(prefix = "/sfn", endpoint = "cancel_my_booking")]
pub async fn cancel_my_booking(reference: String) -> Result<(), AppError> {
    let c = session::ctx().await?;
    let Some((reference, record)) = owned_booking(&c, &reference).await? else {
        return Ok(());
    };
    let outcome = c.state.cancel(&record).await;
    after_change(&c, &reference, outcome, "cancelled=1").await
}

/// Cancels a date of a series and the later ones, for their owner.
#[server(prefix = "/sfn", endpoint = "cancel_series_rest")]
pub async fn cancel_series_rest(reference: String) -> Result<(), AppError> {
    let c = session::ctx().await?;
    let Some((reference, record)) = owned_booking(&c, &reference).await? else {
        return Ok(());
    };
    let outcome = c.state.cancel_series_rest(&record).await;
    after_change(&c, &reference, outcome, "cancelled=rest").await
}

/// A message left for this booking's page (e.g. why a cancel failed).
#[server(prefix = "/sfn", endpoint = "take_booking_flash")]
pub async fn take_booking_flash(reference: String) -> Result<Option<String>, AppError> {
    let c = session::ctx().await?;
    let flash: Option<(String, AppError)> = c.get(BOOKING_FLASH).await?;
    match flash {
        Some((r, e)) if r == reference => {
            c.take(BOOKING_FLASH).await?;
            Ok(Some(crate::core::messages::error_message(c.lang, &e)))
        }
        _ => Ok(None),
    }
}

/// Joins the waiting list of the taken time the review showed (キャンセル待ち).
#[server(prefix = "/sfn", endpoint = "join_waitlist")]
pub async fn join_waitlist(version: String) -> Result<(), AppError> {
    let c = session::ctx().await?;
    let Some(draft) = reviewed_draft(&c, &version).await? else {
        return Ok(());
    };
    let staff = proxy_staff(&c, &draft.input.unit_id).await?.is_some();
    let account = resident_account(&c).await?;
    match c.state.join_waitlist(&draft.input, staff, account).await {
        Ok((entry, _)) => {
            c.grant(&entry.reference).await?;
            c.set(WAIT_FLASH, &(entry.reference.clone(), true)).await?;
            c.take(crate::booking::input::DRAFT).await?;
            crate::core::session::redirect(&format!("/waitlist/{}", entry.reference));
        }
        Err(AppError::Domain(e)) => back_to_review(&c, draft, e).await?,
        Err(e) => return Err(e),
    }
    Ok(())
}

/// A place on a waiting list this browser has proved it owns.
#[server(prefix = "/sfn", endpoint = "get_wait_page")]
pub async fn get_wait_page(reference: String) -> Result<WaitPage, AppError> {
    use domain::error::{DomainError, Missing};
    let c = session::ctx().await?;
    let not_found = AppError::Domain(DomainError::NotFound(Missing::Booking));
    let entry = match c.state.wait_by_reference(&reference).await {
        Err(AppError::Domain(_)) => return Err(not_found),
        other => other?,
    };
    if !c.granted().await?.contains(&entry.reference) {
        return Err(not_found);
    }
    let flash: Option<(String, bool)> = c.get(WAIT_FLASH).await?;
    let flash = match flash {
        Some((r, joined)) if r == entry.reference => {
            c.take(WAIT_FLASH).await?;
            Some(crate::core::state::AppState::wait_flash(c.lang, joined))
        }
        _ => None,
    };
    let page = c.state.wait_page(&entry, flash, c.lang).await?;
    // The booking held for them is theirs to open (and confirm).
    if let Some((_, href)) = &page.offer {
        let held = href.rsplit('/').next().unwrap_or_default();
        if !c.granted().await?.iter().any(|r| r == held) {
            c.grant(held).await?;
        }
    }
    Ok(page)
}

/// Leaves a waiting list this browser has proved it owns.
#[server(prefix = "/sfn", endpoint = "leave_waitlist")]
pub async fn leave_waitlist(reference: String) -> Result<(), AppError> {
    let c = session::ctx().await?;
    let entry = match c.state.wait_by_reference(&reference).await {
        Err(AppError::Domain(_)) => None,
        other => Some(other?),
    };
    let Some(entry) = entry else {
        crate::core::session::redirect("/bookings");
        return Ok(());
    };
    if !c.granted().await?.contains(&entry.reference) {
        crate::core::session::redirect("/bookings");
        return Ok(());
    }
    match c.state.withdraw_wait(&entry).await {
        Ok(()) => c.set(WAIT_FLASH, &(entry.reference.clone(), false)).await?,
        // No longer waiting (offered meanwhile): the page says where it stands.
        Err(AppError::Domain(_)) => {}
        Err(e) => return Err(e),
    }
    // A new address, so a hydrated page loads the place again.
    crate::core::session::redirect(&format!("/waitlist/{}?v=left", entry.reference));
    Ok(())
}

/// Confirms a booking held from the waiting list, for its owner.
#[server(prefix = "/sfn", endpoint = "accept_offer")]
pub async fn accept_offer(reference: String) -> Result<(), AppError> {
    let c = session::ctx().await?;
    let Some((reference, record)) = owned_booking(&c, &reference).await? else {
        return Ok(());
    };
    let outcome = c.state.accept_offer(&record).await;
    after_change(&c, &reference, outcome, "taken=1").await
}
