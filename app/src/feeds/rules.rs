//! What a feed request may ask for, and who may have a feed of what: the
//! form's fields parsed, the scopes an account may subscribe to, and whom a
//! feed still shows to when it is fetched (checked on every fetch, with the
//! account as it is then).

use domain::error::{DomainError, Field, InvalidReason};
use domain::status::{FeedDetail, FeedScope};
use domain::text::Lang;
use store::entity::calendar_feed;

use crate::core::access::Actor;
use crate::core::error::{AppError, AuthError};
use crate::core::state::AppState;
use crate::feeds::texts::texts;

/// The longest feed name.
const MAX_NAME: usize = 60;

/// A refusal naming the field to fix.
pub(crate) fn invalid(field: Field, reason: InvalidReason) -> AppError {
    AppError::Domain(DomainError::invalid(field, reason))
}

/// A feed name: trimmed, 1–60 characters, no control characters.
pub fn parse_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    let n = name.chars().count();
    if n == 0 {
        return Err(invalid(Field::FeedName, InvalidReason::Missing));
    }
    if n > MAX_NAME || name.chars().any(char::is_control) {
        return Err(invalid(Field::FeedName, InvalidReason::Malformed));
    }
    Ok(name.to_owned())
}

/// A scope as a form sends it: `facility:3`.
pub fn parse_scope(raw: &str) -> Result<(FeedScope, i64), AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(invalid(Field::FeedScope, InvalidReason::Missing));
    }
    raw.split_once(':')
        .and_then(|(k, id)| {
            let id = id.parse::<i64>().ok().filter(|id| *id > 0)?;
            Some((k.parse::<FeedScope>().ok()?, id))
        })
        .ok_or(invalid(Field::FeedScope, InvalidReason::Malformed))
}

pub fn parse_detail(raw: &str) -> Result<FeedDetail, AppError> {
    raw.trim()
        .parse::<FeedDetail>()
        .map_err(|_| invalid(Field::FeedDetail, InvalidReason::Missing))
}

/// A feed's id as a form sends it.
pub fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(not_found)
}

/// What every feed that does not open answers: the same 404.
pub(crate) fn not_found() -> AppError {
    AppError::Domain(DomainError::NotFound(domain::error::Missing::Feed))
}

/// The town a scope belongs to, if this actor may subscribe to it.
pub(crate) async fn allowed(
    state: &AppState,
    actor: &Actor,
    scope: FeedScope,
    id: i64,
) -> Result<i64, AppError> {
    let forbidden = || AppError::Auth(AuthError::Forbidden);
    match scope {
        FeedScope::Resident => {
            let r = actor.resident()?;
            match actor {
                Actor::Resident { municipality, .. } if r.account() == id => Ok(*municipality),
                _ => Err(forbidden()),
            }
        }
        FeedScope::Facility | FeedScope::Unit => {
            let facility = if scope == FeedScope::Unit {
                state
                    .store
                    .unit_facility(domain::ids::UnitId(id))
                    .await?
                    .ok_or_else(forbidden)?
            } else {
                domain::ids::FacilityId(id)
            };
            let f = state
                .store
                .facility(facility)
                .await?
                .ok_or_else(forbidden)?;
            actor.facility_staff(f.id.0, f.municipality.0)?;
            Ok(f.municipality.0)
        }
        FeedScope::Department => {
            let town = actor.staff()?.municipality;
            let known = state
                .store
                .departments(town)
                .await?
                .iter()
                .any(|d| d.id == id);
            if !known {
                return Err(forbidden());
            }
            actor.counter_staff(Some(id), town)?;
            Ok(town)
        }
        // A booking's or visit's own feed is made on its page, not here.
        FeedScope::Booking | FeedScope::Visit => Err(forbidden()),
        FeedScope::Staff => {
            let town = actor.staff()?.municipality;
            let member = state
                .store
                .staff_members(town)
                .await?
                .into_iter()
                .find(|s| s.id == id)
                .ok_or_else(forbidden)?;
            // A member of no division: administrators only.
            actor.counter_staff(Some(member.department_id.unwrap_or(0)), town)?;
            Ok(town)
        }
    }
}

/// Labels every scope an actor may subscribe to.
pub(crate) async fn choices(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
) -> Result<Vec<(FeedScope, i64, String)>, AppError> {
    let t = texts(lang);
    let mut out = Vec::new();
    match actor {
        Actor::Anonymous => return Err(AppError::Auth(AuthError::SignInRequired)),
        Actor::Resident { id, .. } => {
            out.push((FeedScope::Resident, *id, t.own_bookings.to_owned()));
        }
        Actor::Staff(s) => {
            for f in state.store.facilities().await? {
                if actor.facility_staff(f.id.0, f.municipality.0).is_err() {
                    continue;
                }
                let name = f.name.get(lang);
                out.push((FeedScope::Facility, f.id.0, (t.whole_facility)(name)));
                for u in &f.units {
                    out.push((
                        FeedScope::Unit,
                        u.id.0,
                        format!("{name} {}", u.name.get(lang)),
                    ));
                }
            }
            let departments = state.store.departments(s.municipality).await?;
            for d in &departments {
                if actor.counter_staff(Some(d.id), s.municipality).is_ok() {
                    let name = if lang == Lang::Ja {
                        &d.name_ja
                    } else {
                        &d.name_en
                    };
                    out.push((FeedScope::Department, d.id, (t.department)(name)));
                }
            }
            for m in state.store.staff_members(s.municipality).await? {
                let dept = m.department_id.unwrap_or(0);
                if m.active && actor.counter_staff(Some(dept), s.municipality).is_ok() {
                    out.push((FeedScope::Staff, m.id, (t.staff_member)(&m.display_name)));
                }
            }
        }
    }
    Ok(out)
}

/// Whom a feed shows to now: its owner's account, if it still works and
/// may still see the scope (`Some(None)`: a booking's or visit's own feed);
/// `None` if the feed no longer opens.
pub(crate) async fn reader(
    state: &AppState,
    feed: &calendar_feed::Model,
) -> Result<Option<Option<Actor>>, AppError> {
    let Some(owner) = feed.owner_id else {
        let own = matches!(feed.scope, FeedScope::Booking | FeedScope::Visit);
        return Ok(own.then_some(None));
    };
    let Some(actor) = crate::core::auth::account_actor(state, owner).await? else {
        return Ok(None);
    };
    Ok(allowed(state, &actor, feed.scope, feed.scope_id)
        .await
        .is_ok()
        .then_some(Some(actor)))
}
