//! Server functions of residents' accounts. Like the booking flow, forms
//! post here with or without JavaScript, leave a one-time message in the
//! session and redirect (POST/redirect/GET).

use leptos::prelude::*;

use crate::account::types::{AccountForm, MyPageView};
use crate::core::error::AppError;

#[cfg(feature = "ssr")]
use crate::core::session::Key;
/// The registration form as last sent, with its error.
#[cfg(feature = "ssr")]
const REGISTER_FLASH: Key<AccountForm> = Key::new("register_flash");
/// Why the mailed code was refused.
#[cfg(feature = "ssr")]
const REGISTER_CONFIRM_FLASH: Key<String> = Key::new("register_confirm_flash");
/// The residents' sign-in form as last sent, with its error.
#[cfg(feature = "ssr")]
const RESIDENT_LOGIN_FLASH: Key<AccountForm> = Key::new("resident_login_flash");
/// The outcome of adding a booking to "my bookings".
#[cfg(feature = "ssr")]
const MY_FLASH: Key<crate::core::types::Flash> = Key::new("my_flash");
/// The reference typed when adding a booking failed.
#[cfg(feature = "ssr")]
const MY_REFERENCE: Key<String> = Key::new("my_reference");

#[cfg(feature = "ssr")]
use crate::core::limits::client_address as address;

/// The registration form, with the last attempt's error.
#[server(prefix = "/sfn", endpoint = "get_register_page")]
pub async fn get_register_page() -> Result<AccountForm, AppError> {
    let c = crate::core::session::ctx().await?;
    Ok(c.take(REGISTER_FLASH).await?.unwrap_or_default())
}

/// Creates a resident account and signs it in.
#[server(prefix = "/sfn", endpoint = "register")]
pub async fn register(
    name: String,
    email: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    let c = crate::core::session::ctx().await?;
    let r = crate::account::service::Registration {
        name: &name,
        email: &email,
        password: &password,
        password_confirm: &password_confirm,
    };
    match c.state.register_resident(&c, &r, address().await).await {
        Ok(()) => crate::core::session::redirect("/account/register/confirm"),
        Err(e @ (AppError::Auth(_) | AppError::Domain(_))) => {
            let form = AccountForm {
                email: crate::core::session::clip(&email),
                name: crate::core::session::clip(&name),
                error: Some(crate::core::messages::error_message(c.lang, &e)),
            };
            c.set(REGISTER_FLASH, &form).await?;
            crate::core::session::redirect("/account/register?retry=1");
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// The code form of a registration in this session (`None`: none waits).
#[server(prefix = "/sfn", endpoint = "get_register_confirm_page")]
pub async fn get_register_confirm_page() -> Result<Option<AccountForm>, AppError> {
    let c = crate::core::session::ctx().await?;
    let Some(email) = c.state.pending_registration(&c).await? else {
        return Ok(None);
    };
    let error: Option<String> = c.take(REGISTER_CONFIRM_FLASH).await?;
    Ok(Some(AccountForm {
        email,
        name: String::new(),
        error,
    }))
}

/// Checks the mailed code; on success the account exists and is signed in.
#[server(prefix = "/sfn", endpoint = "confirm_registration")]
pub async fn confirm_registration(code: String) -> Result<(), AppError> {
    let c = crate::core::session::ctx().await?;
    match c.state.confirm_registration(&c, &code).await {
        Ok(()) => crate::core::session::redirect("/my?welcome=1"),
        Err(e @ AppError::Auth(crate::core::error::AuthError::BadMailedCode)) => {
            c.set(
                REGISTER_CONFIRM_FLASH,
                &crate::core::messages::error_message(c.lang, &e),
            )
            .await?;
            crate::core::session::redirect("/account/register/confirm?retry=1");
        }
        Err(e @ AppError::Auth(crate::core::error::AuthError::RegistrationLapsed)) => {
            let form = AccountForm {
                error: Some(crate::core::messages::error_message(c.lang, &e)),
                ..AccountForm::default()
            };
            c.set(REGISTER_FLASH, &form).await?;
            crate::core::session::redirect("/account/register?retry=1");
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// The residents' sign-in form, with the last attempt's error.
#[server(prefix = "/sfn", endpoint = "get_resident_login_page")]
pub async fn get_resident_login_page() -> Result<AccountForm, AppError> {
    let c = crate::core::session::ctx().await?;
    Ok(c.take(RESIDENT_LOGIN_FLASH).await?.unwrap_or_default())
}

/// Signs a resident in (staff who sign in here go on to the console).
#[server(prefix = "/sfn", endpoint = "resident_login")]
pub async fn resident_login(email: String, password: String) -> Result<(), AppError> {
    use crate::core::auth::{PasswordOutcome, sign_in_password};
    let c = crate::core::session::ctx().await?;
    let municipality = c.state.town_id().await?;
    let address = address().await;
    match sign_in_password(&c.state, &c, municipality, &email, &password, address).await {
        Ok(PasswordOutcome::NeedsCode) => crate::core::session::redirect("/console/login/code"),
        Ok(PasswordOutcome::SignedIn { staff: true }) => crate::core::session::redirect("/console"),
        Ok(PasswordOutcome::SignedIn { staff: false }) => crate::core::session::redirect("/my"),
        Err(e @ AppError::Auth(_)) => {
            let form = AccountForm {
                email: crate::core::session::clip(&email),
                name: String::new(),
                error: Some(crate::core::messages::error_message(c.lang, &e)),
            };
            c.set(RESIDENT_LOGIN_FLASH, &form).await?;
            crate::core::session::redirect("/account/login?retry=1");
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// The signed-in resident's bookings, or the way to sign in.
#[server(prefix = "/sfn", endpoint = "get_my_page")]
pub async fn get_my_page(signed_out: Option<String>) -> Result<MyPageView, AppError> {
    let c = crate::core::session::ctx().await?;
    let actor = crate::core::auth::actor(&c).await?;
    if matches!(actor, crate::core::access::Actor::Anonymous) {
        return Ok(MyPageView::SignedOut {
            signed_out: signed_out.is_some(),
        });
    }
    let flash = c.take(MY_FLASH).await?;
    let reference: Option<String> = c.take(MY_REFERENCE).await?;
    let page = c
        .state
        .my_page(&actor, c.lang, flash, reference.unwrap_or_default())
        .await?;
    Ok(MyPageView::Page(page))
}

/// Adds a booking made without signing in, proved by reference and contact.
#[server(prefix = "/sfn", endpoint = "link_my_booking")]
pub async fn link_my_booking(reference: String, contact: String) -> Result<(), AppError> {
    use crate::core::types::Flash;
    let c = crate::core::session::ctx().await?;
    let actor = crate::core::auth::actor(&c).await?;
    let t = crate::account::texts::texts(c.lang);
    let flash = match c.state.link_my_booking(&actor, &reference, &contact).await {
        Ok(r) => Flash {
            ok: true,
            text: (t.linked)(&r),
        },
        Err(e @ AppError::Domain(_)) => {
            c.set(MY_REFERENCE, &crate::core::session::clip(&reference))
                .await?;
            Flash {
                ok: false,
                text: crate::core::messages::error_message(c.lang, &e),
            }
        }
        Err(e) => return Err(e),
    };
    c.set(MY_FLASH, &flash).await?;
    crate::core::session::redirect("/my");
    Ok(())
}

/// Ends the resident's session on the server.
#[server(prefix = "/sfn", endpoint = "resident_logout")]
pub async fn resident_logout() -> Result<(), AppError> {
    let c = crate::core::session::ctx().await?;
    crate::core::auth::sign_out(&c).await?;
    crate::core::session::redirect("/my?signed_out=1");
    Ok(())
}
