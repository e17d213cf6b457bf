//! Server functions of sign-in and the managers' console. Like the booking
//! flow, forms post here with or without JavaScript; each stores a one-time
//! message in the session and redirects back (POST/redirect/GET). Every
//! function loads the actor from the session and the service checks role
//! and scope before anything is read (`console.rs`).

#![allow(
    clippy::too_many_arguments,
    reason = "one server-function argument per form field"
)]

use leptos::prelude::*;

use crate::console::types::*;
use crate::core::error::AppError;
#[cfg(feature = "ssr")]
use crate::core::types::{Choice, Flash};

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::core::session::Key;

    /// The outcome of the last console form (shown once).
    pub const CONSOLE_FLASH: Key<Flash> = Key::new("console_flash");
    /// A sign-in-like form as last sent: e-mail, error, town.
    pub const LOGIN_FLASH: Key<(String, String, i64)> = Key::new("login_flash");
    pub const ENROL_FLASH: Key<(String, String, i64)> = Key::new("enrol_flash");
    /// Why the second-factor code was refused.
    pub const CODE_FLASH: Key<String> = Key::new("code_flash");
    /// A rules form being previewed: unit, version, answers.
    pub const RULES_DRAFT: Key<(i64, u32, domain::rules_edit::RulesInput)> =
        Key::new("rules_draft");
    /// The booking whose contact details were just opened (audited).
    pub const CONTACT_SHOWN: Key<i64> = Key::new("contact_shown");
    /// A block being decided: facility, values.
    pub const BLOCK_DRAFT: Key<(i64, BlockValues)> = Key::new("block_draft");
    use crate::console::types::{BlockValues, LoginPage};
    use crate::core::auth::{self, Actor};
    use crate::core::error::{AppError, AuthError};
    use crate::core::session::{self, Ctx};
    use crate::core::types::Flash;

    pub async fn ctx() -> Result<(Ctx, Actor), AppError> {
        let c = session::ctx().await?;
        let actor = auth::actor(&c).await?;
        Ok((c, actor))
    }

    pub use crate::core::limits::client_address as address;

    /// A sign-in-like form (sign-in, enrolment): the towns to choose from
    /// and the last attempt's address and error, kept under `flash`.
    pub async fn login_page(
        c: &Ctx,
        flash: Key<(String, String, i64)>,
    ) -> Result<LoginPage, AppError> {
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
            None => LoginPage {
                towns,
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
    pub async fn done(
        c: &Ctx,
        back: &str,
        outcome: Result<String, AppError>,
    ) -> Result<(), AppError> {
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
        raw.trim()
            .parse::<i64>()
            .ok()
            .filter(|i| *i > 0)
            .ok_or(AppError::Domain(domain::DomainError::NotFound(
                domain::error::Missing::Booking,
            )))
    }

    pub async fn block_draft(c: &Ctx, facility: i64) -> Result<Option<BlockValues>, AppError> {
        Ok(c.get(BLOCK_DRAFT)
            .await?
            .filter(|(f, _)| *f == facility)
            .map(|(_, v)| v))
    }
}

/// The sign-in form, with the last attempt's error.
#[server(prefix = "/sfn")]
pub async fn get_login_page() -> Result<LoginPage, AppError> {
    let c = crate::core::session::ctx().await?;
    ssr::login_page(&c, ssr::LOGIN_FLASH).await
}

/// Checks e-mail and password; staff with a second factor go on to the code.
/// `town` is asked only when the installation serves several towns.
#[server(prefix = "/sfn")]
pub async fn login(email: String, password: String, town: Option<String>) -> Result<(), AppError> {
    use crate::core::auth::{PasswordOutcome, sign_in_password};
    let c = crate::core::session::ctx().await?;
    let municipality = c.state.sign_in_town(town.as_deref()).await?;
    let address = ssr::address().await;
    match sign_in_password(&c.state, &c, municipality, &email, &password, address).await {
        Ok(PasswordOutcome::NeedsCode) => crate::core::session::redirect("/console/login/code"),
        Ok(PasswordOutcome::SignedIn { staff: true }) => crate::core::session::redirect("/console"),
        Ok(PasswordOutcome::SignedIn { staff: false }) => crate::core::session::redirect("/"),
        Err(e @ AppError::Auth(_)) => {
            let message = crate::core::messages::error_message(c.lang, &e);
            c.set(
                ssr::LOGIN_FLASH,
                &(crate::core::session::clip(&email), message, municipality),
            )
            .await?;
            crate::core::session::redirect("/console/login?retry=1");
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// The TOTP form, with the last attempt's error.
#[server(prefix = "/sfn")]
pub async fn get_code_page() -> Result<LoginPage, AppError> {
    let c = crate::core::session::ctx().await?;
    let error: Option<String> = c.take(ssr::CODE_FLASH).await?;
    Ok(LoginPage {
        error,
        ..LoginPage::default()
    })
}

#[server(prefix = "/sfn")]
pub async fn login_code(code: String) -> Result<(), AppError> {
    use crate::core::error::AuthError;
    let c = crate::core::session::ctx().await?;
    let address = ssr::address().await;
    match crate::core::auth::sign_in_code(&c.state, &c, &code, address).await {
        Ok(()) => crate::core::session::redirect("/console"),
        Err(AppError::Auth(AuthError::SignInRequired)) => {
            crate::core::session::redirect("/console/login")
        }
        Err(e @ AppError::Auth(_)) => {
            c.set(
                ssr::CODE_FLASH,
                &crate::core::messages::error_message(c.lang, &e),
            )
            .await?;
            crate::core::session::redirect("/console/login/code?retry=1");
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Ends the session on the server.
#[server(prefix = "/sfn")]
pub async fn logout() -> Result<(), AppError> {
    let c = crate::core::session::ctx().await?;
    crate::core::auth::sign_out(&c).await?;
    crate::core::session::redirect("/console/login?signed_out=1");
    Ok(())
}

/// Changes one's own password; every session of the account ends.
#[server(prefix = "/sfn")]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    match c.state.change_password(&actor, &current, &new).await {
        Ok(()) => {
            crate::core::auth::sign_out(&c).await?;
            crate::core::session::redirect("/console/login?changed=1");
            Ok(())
        }
        Err(e) => ssr::done(&c, "/console/account", Err(e)).await,
    }
}

#[server(prefix = "/sfn")]
pub async fn get_account_page() -> Result<AccountData, AppError> {
    let (c, actor) = ssr::ctx().await?;
    let s = actor.staff()?;
    let totp = if s.has_totp {
        TotpState::On
    } else if let Some(setup) = crate::core::auth::totp_setup(&c, s).await? {
        let url = crate::core::auth::totp_url(&setup.secret, &s.email).unwrap_or_default();
        TotpState::Setup {
            qr_svg: crate::core::qr::svg(&url).unwrap_or_default(),
            secret: setup.secret,
        }
    } else {
        TotpState::Off
    };
    Ok(AccountData {
        me: crate::console::service::me(s, c.lang),
        totp,
        flash: ssr::take_flash(&c).await?,
    })
}

/// Starts setting up a second factor (the account page then shows it).
#[server(prefix = "/sfn")]
pub async fn start_totp() -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    crate::core::auth::start_totp_setup(&c, &actor).await?;
    crate::core::session::redirect("/console/account");
    Ok(())
}

/// Finishes the second factor's set-up with a code from the app.
#[server(prefix = "/sfn")]
pub async fn confirm_totp(code: String) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    let address = ssr::address().await;
    let outcome = crate::core::auth::confirm_totp_setup(&c.state, &c, &actor, &code, address)
        .await
        .map(|()| crate::console::texts::texts(c.lang).totp_enabled.to_owned());
    ssr::done(&c, "/console/account", outcome).await
}

#[server(prefix = "/sfn")]
pub async fn get_console_home() -> Result<ConsoleHome, AppError> {
    let (c, actor) = ssr::ctx().await?;
    let mut home = c.state.console_home(&actor, c.lang).await?;
    home.flash = ssr::take_flash(&c).await?;
    Ok(home)
}

/// A unit's rules form: the draft being edited when `v` is given (with
/// what to fix or the preview), else the rules in force.
#[server(prefix = "/sfn")]
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
#[server(prefix = "/sfn")]
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

/// Saves the previewed rules.
#[server(prefix = "/sfn")]
pub async fn save_rules(facility: String, unit: String) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let facility_id = crate::core::state::parse_facility_id(&facility)?;
    let unit_id = domain::ids::UnitId(ssr::id(&unit)?);
    c.state.require_facility(&actor, facility_id).await?;
    let back = format!(
        "/console/facilities/{}/units/{}/rules",
        facility_id.0, unit_id.0
    );
    let Some((_, _, draft)) = c
        .get(ssr::RULES_DRAFT)
        .await?
        .filter(|(u, _, _)| *u == unit_id.0)
    else {
        crate::core::session::redirect(&back);
        return Ok(());
    };
    let outcome = c
        .state
        .save_rules(&actor, facility_id, unit_id, &draft)
        .await
        .map(|()| crate::console::texts::texts(c.lang).rules_saved.to_owned());
    if outcome.is_ok() {
        c.take(ssr::RULES_DRAFT).await?;
    }
    ssr::done(&c, &back, outcome).await
}

/// The usage report of a facility: six months ending with `month`.
#[server(prefix = "/sfn")]
pub async fn get_usage_report(
    facility: String,
    month: Option<String>,
) -> Result<UsageReport, AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let month = month
        .filter(|m| !m.trim().is_empty())
        .map(|m| domain::calendar::YearMonth::parse(&m))
        .transpose()?;
    c.state.usage_report(&actor, facility, month, c.lang).await
}

#[server(prefix = "/sfn")]
pub async fn get_timeline(
    facility: String,
    date: Option<String>,
    view: Option<String>,
) -> Result<Timeline, AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let facility = crate::core::state::parse_facility_id(&facility)?;
    let date = date
        .filter(|d| !d.trim().is_empty())
        .map(|d| domain::calendar::parse_date(domain::error::Field::Date, &d))
        .transpose()?;
    let week = view.as_deref() == Some("week");
    let mut t = c
        .state
        .timeline(&actor, facility, date, week, c.lang)
        .await?;
    t.flash = ssr::take_flash(&c).await?;
    Ok(t)
}

/// A booking for staff, with the resident's contact details once after
/// `reveal_contact` logged the look.
#[server(prefix = "/sfn")]
pub async fn get_staff_booking(id: String) -> Result<StaffBooking, AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let id = ssr::id(&id)?;
    let reveal = c.take(ssr::CONTACT_SHOWN).await? == Some(id);
    let mut b = c.state.staff_booking(&actor, id, reveal, c.lang).await?;
    b.flash = ssr::take_flash(&c).await?;
    Ok(b)
}

/// Opens a resident's contact details: a post (CSRF-checked) because the
/// look is written to the audit log; the booking page then shows them once.
#[server(prefix = "/sfn")]
pub async fn reveal_contact(id: String) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let id = ssr::id(&id)?;
    c.state.log_contact_view(&actor, id).await?;
    c.set(ssr::CONTACT_SHOWN, &id).await?;
    crate::core::session::redirect(&format!("/console/bookings/{id}?v=contact"));
    Ok(())
}

/// `action`: `approve`, `reject` or `cancel` (the last two need a reason).
#[server(prefix = "/sfn")]
pub async fn decide_booking(
    id: String,
    action: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let id = ssr::id(&id)?;
    let outcome = c
        .state
        .decide(&actor, id, &action, reason.as_deref().unwrap_or_default())
        .await
        .map(|()| crate::console::texts::texts(c.lang).saved.to_owned());
    ssr::done(&c, &format!("/console/bookings/{id}"), outcome).await
}

/// `what`: `used`, `no_show`, `usage_clear`, `paid` or `paid_clear`.
#[server(prefix = "/sfn")]
pub async fn mark_booking(id: String, what: String) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    actor.staff()?;
    let id = ssr::id(&id)?;
    let outcome = c
        .state
        .mark(&actor, id, &what)
        .await
        .map(|()| crate::console::texts::texts(c.lang).saved.to_owned());
    ssr::done(&c, &format!("/console/bookings/{id}"), outcome).await
}

#[server(prefix = "/sfn")]
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
#[server(prefix = "/sfn")]
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
    actor: &crate::core::auth::Actor,
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
#[server(prefix = "/sfn")]
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

#[server(prefix = "/sfn")]
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
#[server(prefix = "/sfn")]
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
#[server(prefix = "/sfn")]
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

/// The enrolment form, with the last attempt's error.
#[server(prefix = "/sfn")]
pub async fn get_enrol_page() -> Result<LoginPage, AppError> {
    let c = crate::core::session::ctx().await?;
    ssr::login_page(&c, ssr::ENROL_FLASH).await
}

/// A new member sets their password with the mailed code and is signed in;
/// the account page then sets up their second factor.
#[server(prefix = "/sfn")]
pub async fn enrol(
    email: String,
    code: String,
    password: String,
    password_confirm: String,
    town: Option<String>,
) -> Result<(), AppError> {
    let c = crate::core::session::ctx().await?;
    let municipality = c.state.sign_in_town(town.as_deref()).await?;
    let form = crate::core::auth::EnrolForm {
        email: &email,
        code: &code,
        password: &password,
        password_confirm: &password_confirm,
    };
    match crate::core::auth::enrol(&c.state, &c, municipality, &form, ssr::address().await).await {
        Ok(()) => crate::core::session::redirect("/console/account"),
        Err(e @ AppError::Auth(_)) => {
            let message = crate::core::messages::error_message(c.lang, &e);
            c.set(
                ssr::ENROL_FLASH,
                &(crate::core::session::clip(&email), message, municipality),
            )
            .await?;
            crate::core::session::redirect("/console/enrol?retry=1");
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Changes a member's role and scope (admins; audited).
#[server(prefix = "/sfn")]
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

#[server(prefix = "/sfn")]
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

#[server(prefix = "/sfn")]
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

#[server(prefix = "/sfn")]
pub async fn get_outbox_page() -> Result<OutboxPage, AppError> {
    let (c, actor) = ssr::ctx().await?;
    c.state.outbox_page(&actor, c.lang).await
}
