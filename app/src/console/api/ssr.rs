//! Helpers shared by the console's server functions (and the counters').

use crate::console::types::{BlockValues, LoginPage};
use crate::core::access::Actor;
use crate::core::auth;
use crate::core::error::{AppError, AuthError};
use crate::core::session::{self, Ctx, Key};
use crate::core::types::Flash;

/// The outcome of the last console form (shown once).
pub const CONSOLE_FLASH: Key<Flash> = Key::new("console_flash");
/// A sign-in-like form as last sent: e-mail, error, town.
pub const LOGIN_FLASH: Key<(String, String, i64)> = Key::new("login_flash");
pub const ENROL_FLASH: Key<(String, String, i64)> = Key::new("enrol_flash");
/// Why the second-factor code was refused.
pub const CODE_FLASH: Key<String> = Key::new("code_flash");
/// A rules form being previewed: unit, version, answers.
pub const RULES_DRAFT: Key<(i64, u32, domain::rules_edit::RulesInput)> = Key::new("rules_draft");
/// The booking whose contact details were just opened (audited).
pub const CONTACT_SHOWN: Key<i64> = Key::new("contact_shown");
/// A block being decided: facility, values.
pub const BLOCK_DRAFT: Key<(i64, BlockValues)> = Key::new("block_draft");

/// The session, the actor, and the state in a signed-in member's own town
/// (the console shows their town whatever the address names).
pub async fn ctx() -> Result<(Ctx, Actor), AppError> {
    let mut c = session::ctx().await?;
    let actor = auth::actor(&c).await?;
    if let Actor::Staff(s) = &actor {
        c.state = c.state.clone().in_town(s.municipality);
    }
    Ok((c, actor))
}

pub use crate::core::limits::client_address as address;

/// A sign-in-like form (sign-in, enrolment): the towns to choose from
/// and the last attempt's address and error, kept under `flash`.
pub async fn login_page(c: &Ctx, flash: Key<(String, String, i64)>) -> Result<LoginPage, AppError> {
    let kept: Option<(String, String, i64)> = c.take(flash).await?;
    let towns = c.state.town_choices(c.lang).await?;
    Ok(match kept {
        Some((email, error, town)) => LoginPage {
            email,
            error: Some(error),
            signed_out: false,
            towns,
            town: Some(town),
        },
        // The town the address names is chosen to start with.
        None => LoginPage {
            towns,
            town: c.state.town,
            ..LoginPage::default()
        },
    })
}

pub async fn take_flash(c: &Ctx) -> Result<Option<Flash>, AppError> {
    c.take(CONSOLE_FLASH).await
}

/// Leaves the outcome for the next page and goes to `back`. Errors the
/// user can act on become the message; a failing database, a missing
/// sign-in and a refusal stay errors (the answer's status says so).
pub async fn done(c: &Ctx, back: &str, outcome: Result<String, AppError>) -> Result<(), AppError> {
    let flash = match outcome {
        Ok(text) => Flash { ok: true, text },
        Err(
            e @ (AppError::Unavailable
            | AppError::Transport
            | AppError::Auth(AuthError::SignInRequired | AuthError::Forbidden)),
        ) => return Err(e),
        Err(e) => Flash {
            ok: false,
            text: crate::core::messages::error_message(c.lang, &e),
        },
    };
    c.set(CONSOLE_FLASH, &flash).await?;
    crate::core::session::redirect(back);
    Ok(())
}

pub fn id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<domain::ids::BookingId>()
        .map(|id| id.0)
        .map_err(|_| {
            AppError::Domain(domain::DomainError::NotFound(
                domain::error::Missing::Booking,
            ))
        })
}

pub async fn block_draft(c: &Ctx, facility: i64) -> Result<Option<BlockValues>, AppError> {
    Ok(c.get(BLOCK_DRAFT)
        .await?
        .filter(|(f, _)| *f == facility)
        .map(|(_, v)| v))
}
