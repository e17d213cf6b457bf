//! Sign-in: the password form, enrolment with the mailed code and the
//! second-factor step.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::ct;
use crate::console::api::*;

/// `/console/login`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("retry"), |_| get_login_page());
    let signed_out = move || query.read_untracked().get("signed_out").is_some();
    let changed = move || query.read_untracked().get("changed").is_some();
    crate::core::components::loaded(
        data,
        false,
        move |page: crate::console::types::LoginPage| {
            let t = ct();
            let login = ServerAction::<Login>::new();
            let invalid = page.error.is_some().then_some("true");
            view! {
                <Title text=t.login_title/>
                <h1>{t.login_title}</h1>
                {signed_out().then(|| view! { <p class="notice notice-ok" role="status">{t.signed_out}</p> })}
                {changed().then(|| view! { <p class="notice notice-ok" role="status">{t.password_changed}</p> })}
                {page.error.clone().map(|e| view! { <p class="notice notice-error" role="alert" id="login-error">{e}</p> })}
                <p class="lead">{t.login_lead}</p>
                <ActionForm action=login>
                    <TownField page=page.clone() id="l-town"/>
                    <div class="field">
                        <label for="l-email">{t.email}</label>
                        <input id="l-email" name="email" type="email" autocomplete="username" required
                            value=page.email aria-invalid=invalid/>
                    </div>
                    <div class="field">
                        <label for="l-password">{t.password}</label>
                        <input id="l-password" name="password" type="password" autocomplete="current-password" required aria-invalid=invalid/>
                    </div>
                    <p><button type="submit" class="button button-primary">{t.login_button}</button></p>
                </ActionForm>
            }
        },
    )
}

/// Which town, when the installation serves several (nothing otherwise).
#[component]
fn TownField(page: crate::console::types::LoginPage, id: &'static str) -> impl IntoView {
    let t = ct();
    (!page.towns.is_empty()).then(|| {
        view! {
            <div class="field">
                <label for=id>{t.town}</label>
                <select id=id name="town">
                    {page.towns.iter().map(|m| view! {
                        <option value=m.id.to_string() selected=page.town == Some(m.id)>{m.name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
        }
    })
}

/// `/console/enrol`: a new member sets their password with the mailed code.
#[component]
pub fn EnrolPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("retry"), |_| get_enrol_page());
    crate::core::components::loaded(data, false, |page: crate::console::types::LoginPage| {
        let t = ct();
        let enrol = ServerAction::<Enrol>::new();
        let invalid = page.error.is_some().then_some("true");
        view! {
            <Title text=t.enrol_title/>
            <h1>{t.enrol_title}</h1>
            {page.error.clone().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
            <p class="lead">{t.enrol_lead}</p>
            <crate::core::components::ActionError action=enrol/>
            <ActionForm action=enrol>
                <TownField page=page.clone() id="e-town"/>
                <div class="field">
                    <label for="e-email">{t.email}</label>
                    <input id="e-email" name="email" type="email" autocomplete="username" required
                        value=page.email aria-invalid=invalid/>
                </div>
                <div class="field">
                    <label for="e-code">{t.enrol_code}</label>
                    <p class="hint" id="e-code-hint">{t.enrol_code_hint}</p>
                    <input id="e-code" name="code" type="text" autocomplete="one-time-code" autocapitalize="characters"
                        spellcheck="false" maxlength="20" required aria-describedby="e-code-hint" aria-invalid=invalid/>
                </div>
                <div class="field">
                    <label for="e-password">{t.enrol_password}</label>
                    <p class="hint" id="e-password-hint">{t.password_hint}</p>
                    <input id="e-password" name="password" type="password" autocomplete="new-password" required
                        minlength="10" maxlength="128" aria-describedby="e-password-hint" aria-invalid=invalid/>
                </div>
                <div class="field">
                    <label for="e-password-confirm">{t.enrol_password_confirm}</label>
                    <input id="e-password-confirm" name="password_confirm" type="password" autocomplete="new-password"
                        required aria-invalid=invalid/>
                </div>
                <p><button type="submit" class="button button-primary">{t.enrol_button}</button></p>
            </ActionForm>
        }
    })
}

/// `/console/login/code`: the TOTP step.
#[component]
pub fn CodePage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("retry"), |_| get_code_page());
    crate::core::components::loaded(data, false, |page: crate::console::types::LoginPage| {
        let t = ct();
        let code = ServerAction::<LoginCode>::new();
        let invalid = page.error.is_some().then_some("true");
        view! {
            <Title text=t.code_title/>
            <h1>{t.code_title}</h1>
            {page.error.clone().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
            <p class="lead">{t.code_lead}</p>
            <ActionForm action=code>
                <div class="field">
                    <label for="l-code">{t.code_label}</label>
                    <input id="l-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                        pattern="[0-9 ]{6,7}" required aria-invalid=invalid/>
                </div>
                <p><button type="submit" class="button button-primary">{t.code_button}</button></p>
            </ActionForm>
        }
    })
}
