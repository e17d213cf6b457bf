//! The member's own account: password and second factor.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{ConsoleBar, FlashView, console_loaded, ct};
use crate::console::api::*;
use crate::console::types::*;

/// `/console/account`: change one's own password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("v"), |_| get_account_page());
    console_loaded(data, |page: AccountData| {
        let t = ct();
        let change = ServerAction::<ChangePassword>::new();
        view! {
            <Title text=t.account_title/>
            <ConsoleBar me=page.me.clone()/>
            <h1>{t.account_title}</h1>
            <FlashView flash=page.flash.clone()/>
            <h2>{t.password_heading}</h2>
            <p>{t.change_password_note}</p>
            <ActionForm action=change>
                <div class="field">
                    <label for="p-current">{t.current_password}</label>
                    <input id="p-current" name="current" type="password" required autocomplete="current-password"/>
                </div>
                <div class="field">
                    <label for="p-new">{t.new_password}</label>
                    <p class="hint" id="p-new-hint">{t.password_hint}</p>
                    <input id="p-new" name="new" type="password" required minlength="10" maxlength="128"
                        autocomplete="new-password" aria-describedby="p-new-hint"/>
                </div>
                <p><button type="submit" class="button button-primary">{t.change_password}</button></p>
            </ActionForm>
            <h2>{t.totp_heading}</h2>
            <TotpSection state=page.totp.clone()/>
        }
    })
}

/// The second factor on the account page: on, off (with the way to set it
/// up) or being set up (QR code, secret and the code that finishes it).
#[component]
fn TotpSection(state: TotpState) -> impl IntoView {
    let t = ct();
    match state {
        TotpState::On => view! { <p data-testid="totp-state">{t.totp_on}</p> }.into_any(),
        TotpState::Off => {
            let start = ServerAction::<StartTotp>::new();
            view! {
                <p data-testid="totp-state">{t.totp_off}</p>
                <ActionForm action=start>
                    <p><button type="submit" class="button">{t.totp_start}</button></p>
                </ActionForm>
            }
            .into_any()
        }
        TotpState::Setup { secret, qr_svg } => {
            let confirm = ServerAction::<ConfirmTotp>::new();
            view! {
                <p>{t.totp_scan}</p>
                <div class="qr" role="img" aria-label=t.totp_qr_label inner_html=qr_svg></div>
                <p>{t.totp_secret}": "<code data-testid="totp-secret">{secret}</code></p>
                <ActionForm action=confirm>
                    <div class="field">
                        <label for="t-code">{t.code_label}</label>
                        <p class="hint" id="t-code-hint">{t.totp_confirm_hint}</p>
                        <input id="t-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                            pattern="[0-9 ]{6,7}" required aria-describedby="t-code-hint"/>
                    </div>
                    <p><button type="submit" class="button button-primary">{t.totp_confirm}</button></p>
                </ActionForm>
            }
            .into_any()
        }
    }
}
