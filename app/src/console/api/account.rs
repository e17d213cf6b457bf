//! The member's own account: password and second factor.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;
use crate::console::types::*;
use crate::core::error::AppError;

/// Changes one's own password; every session of the account ends.
#[server(prefix = "/sfn", endpoint = "change_password")]
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

#[server(prefix = "/sfn", endpoint = "get_account_page")]
pub async fn get_account_page() -> Result<AccountData, AppError> {
    let (c, actor) = ssr::ctx().await?;
    let s = actor.staff()?;
    let totp = if s.has_totp {
        TotpState::On
    } else if let Some(setup) = crate::core::auth::totp_setup(&c, &s).await? {
        let url = crate::core::auth::totp_url(&setup.secret, &s.email).unwrap_or_default();
        TotpState::Setup {
            qr_svg: crate::core::qr::svg(&url).unwrap_or_default(),
            secret: setup.secret,
        }
    } else {
        TotpState::Off
    };
    Ok(AccountData {
        me: crate::console::service::me(&s, c.lang),
        totp,
        flash: ssr::take_flash(&c).await?,
    })
}

/// Starts setting up a second factor (the account page then shows it).
#[server(prefix = "/sfn", endpoint = "start_totp")]
pub async fn start_totp() -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    crate::core::auth::start_totp_setup(&c, &actor).await?;
    crate::core::session::redirect("/console/account");
    Ok(())
}

/// Finishes the second factor's set-up with a code from the app.
#[server(prefix = "/sfn", endpoint = "confirm_totp")]
pub async fn confirm_totp(code: String) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    let address = ssr::address().await;
    let outcome = crate::core::auth::confirm_totp_setup(&c.state, &c, &actor, &code, address)
        .await
        .map(|()| crate::console::texts::texts(c.lang).totp_enabled.to_owned());
    ssr::done(&c, "/console/account", outcome).await
}
