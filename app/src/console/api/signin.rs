//! Sign-in, the second-factor step, sign-out and enrolment.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;
use crate::console::types::*;
use crate::core::error::AppError;

/// The sign-in form, with the last attempt's error.
#[server(prefix = "/sfn", endpoint = "get_login_page")]
pub async fn get_login_page() -> Result<LoginPage, AppError> {
    let c = crate::core::session::ctx().await?;
    ssr::login_page(&c, ssr::LOGIN_FLASH).await
}

/// Checks e-mail and password; staff with a second factor go on to the code.
/// `town` is asked only when the installation serves several towns.
#[server(prefix = "/sfn", endpoint = "login")]
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
#[server(prefix = "/sfn", endpoint = "get_code_page")]
pub async fn get_code_page() -> Result<LoginPage, AppError> {
    let c = crate::core::session::ctx().await?;
    let error: Option<String> = c.take(ssr::CODE_FLASH).await?;
    Ok(LoginPage {
        error,
        ..LoginPage::default()
    })
}

#[server(prefix = "/sfn", endpoint = "login_code")]
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
#[server(prefix = "/sfn", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let c = crate::core::session::ctx().await?;
    crate::core::auth::sign_out(&c).await?;
    crate::core::session::redirect("/console/login?signed_out=1");
    Ok(())
}

/// The enrolment form, with the last attempt's error.
#[server(prefix = "/sfn", endpoint = "get_enrol_page")]
pub async fn get_enrol_page() -> Result<LoginPage, AppError> {
    let c = crate::core::session::ctx().await?;
    ssr::login_page(&c, ssr::ENROL_FLASH).await
}

/// A new member sets their password with the mailed code and is signed in;
/// the account page then sets up their second factor.
#[server(prefix = "/sfn", endpoint = "enrol")]
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
