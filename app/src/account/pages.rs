//! Residents' accounts: registration, sign-in and "my bookings".
//! Server-rendered forms posting to `account_api.rs`.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::account::api::*;
use crate::account::texts::texts;
use crate::account::types::{AccountForm, MyBookingLine, MyPageView};
use crate::core::lang::use_lang;
use crate::core::types::Flash;

fn at() -> &'static crate::account::texts::AccountTexts {
    texts(use_lang())
}

/// `/account/register`.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("retry"), |_| get_register_page());
    crate::core::components::loaded(data, false, |form: AccountForm| {
        let t = at();
        let register = ServerAction::<Register>::new();
        let invalid = form.error.is_some().then_some("true");
        view! {
            <Title text=t.register_title/>
            <h1>{t.register_title}</h1>
            {form.error.clone().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
            <p class="lead">{t.register_lead}</p>
            <crate::core::components::ActionError action=register/>
            <ActionForm action=register>
                <div class="field">
                    <label for="r-name">{t.name}</label>
                    <p id="r-name-hint" class="hint">{t.name_hint}</p>
                    <input id="r-name" name="name" type="text" autocomplete="name" required
                        aria-describedby="r-name-hint" value=form.name aria-invalid=invalid/>
                </div>
                <div class="field">
                    <label for="r-email">{t.email}</label>
                    <input id="r-email" name="email" type="email" autocomplete="email" required
                        value=form.email aria-invalid=invalid/>
                </div>
                <div class="field">
                    <label for="r-password">{t.password}</label>
                    <p id="r-password-hint" class="hint">{t.password_hint}</p>
                    <input id="r-password" name="password" type="password" autocomplete="new-password" required
                        minlength="10" maxlength="128" aria-describedby="r-password-hint" aria-invalid=invalid/>
                </div>
                <div class="field">
                    <label for="r-password-confirm">{t.password_confirm}</label>
                    <input id="r-password-confirm" name="password_confirm" type="password" autocomplete="new-password"
                        required aria-invalid=invalid/>
                </div>
                <p><button type="submit" class="button button-primary">{t.register_button}</button></p>
            </ActionForm>
            <p><a href=crate::core::town::at("/account/login")>{t.to_login}</a></p>
        }
    })
}

/// `/account/register/confirm`: the code mailed to the address.
#[component]
pub fn RegisterConfirmPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || query.read().get("retry"),
        |_| get_register_confirm_page(),
    );
    crate::core::components::loaded(data, false, |form: Option<AccountForm>| {
        let t = at();
        let confirm = ServerAction::<ConfirmRegistration>::new();
        match form {
            None => view! {
                <Title text=t.confirm_title/>
                <h1>{t.confirm_title}</h1>
                <p class="lead">{t.confirm_none}</p>
                <p><a class="button" href=crate::core::town::at("/account/register")>{t.to_register}</a></p>
            }
            .into_any(),
            Some(form) => {
                let invalid = form.error.is_some().then_some("true");
                view! {
                    <Title text=t.confirm_title/>
                    <h1>{t.confirm_title}</h1>
                    {form.error.clone().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
                    <p class="lead">{(t.confirm_lead)(&form.email)}</p>
                    <crate::core::components::ActionError action=confirm/>
                    <ActionForm action=confirm>
                        <div class="field">
                            <label for="r-code">{t.code}</label>
                            <p id="r-code-hint" class="hint">{t.code_hint}</p>
                            <input id="r-code" name="code" type="text" autocomplete="one-time-code"
                                inputmode="text" autocapitalize="characters" spellcheck="false" required
                                maxlength="20" aria-describedby="r-code-hint" aria-invalid=invalid/>
                        </div>
                        <p><button type="submit" class="button button-primary">{t.confirm_button}</button></p>
                    </ActionForm>
                }
                .into_any()
            }
        }
    })
}

/// `/account/login`.
#[component]
pub fn ResidentLoginPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || query.read().get("retry"),
        |_| get_resident_login_page(),
    );
    crate::core::components::loaded(data, false, |form: AccountForm| {
        let t = at();
        let login = ServerAction::<ResidentLogin>::new();
        let invalid = form.error.is_some().then_some("true");
        view! {
            <Title text=t.login_title/>
            <h1>{t.login_title}</h1>
            {form.error.clone().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
            <p class="lead">{t.login_lead}</p>
            <crate::core::components::ActionError action=login/>
            <ActionForm action=login>
                <div class="field">
                    <label for="a-email">{t.email}</label>
                    <input id="a-email" name="email" type="email" autocomplete="username" required
                        value=form.email aria-invalid=invalid/>
                </div>
                <div class="field">
                    <label for="a-password">{t.password}</label>
                    <input id="a-password" name="password" type="password" autocomplete="current-password"
                        required aria-invalid=invalid/>
                </div>
                <p><button type="submit" class="button button-primary">{t.login_button}</button></p>
            </ActionForm>
            <p><a href=crate::core::town::at("/account/register")>{t.to_register}</a></p>
        }
    })
}

#[component]
fn MyLines(lines: Vec<MyBookingLine>, caption: &'static str, empty: &'static str) -> impl IntoView {
    let t = at();
    if lines.is_empty() {
        return view! { <p>{empty}</p> }.into_any();
    }
    view! {
        <div class="table-scroll" role="region" aria-label=caption tabindex="0">
            <table class="list">
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.reference}</th>
                        <th scope="col">{t.facility}</th>
                        <th scope="col">{t.when}</th>
                        <th scope="col">{t.status}</th>
                        <th scope="col">{t.open}</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|l| view! {
                        <tr>
                            <td>{l.reference.clone()}</td>
                            <td>{format!("{} {}", l.facility, l.unit)}</td>
                            <td>{l.when}</td>
                            <td>{l.status_label}</td>
                            <td><a href=l.href aria-label=(t.open_label)(&l.reference)>{t.open}</a></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// `/my`: the signed-in resident's bookings.
#[component]
pub fn MyBookingsPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                query.read().get("signed_out"),
                query.read().get("welcome"),
                query.read().get("v"),
            )
        },
        |(signed_out, _, _)| get_my_page(signed_out),
    );
    let welcome = move || query.read_untracked().get("welcome").is_some();
    crate::core::components::loaded(data, false, move |view: MyPageView| {
        let t = at();
        match view {
            MyPageView::SignedOut { signed_out } => view! {
                <Title text=t.my_title/>
                <h1>{t.my_title}</h1>
                {signed_out.then(|| view! { <p class="notice notice-ok" role="status">{t.signed_out}</p> })}
                <p class="lead">{t.signed_out_lead}</p>
                <p class="actions">
                    <a class="button button-primary" href=crate::core::town::at("/account/login")>{t.to_login}</a>
                    <a class="button" href=crate::core::town::at("/account/register")>{t.to_register}</a>
                </p>
            }
            .into_any(),
            MyPageView::Page(page) => {
                let logout = ServerAction::<ResidentLogout>::new();
                let link = ServerAction::<LinkMyBooking>::new();
                let flash: Option<Flash> = page.flash.clone();
                view! {
                    <Title text=t.my_title/>
                    <h1>{t.my_title}</h1>
                    {welcome().then(|| view! { <p class="notice notice-ok" role="status">{t.welcome}</p> })}
                    {flash.map(|f| if f.ok {
                        view! { <p class="notice notice-ok" role="status">{f.text}</p> }.into_any()
                    } else {
                        view! { <p class="notice notice-error" role="alert">{f.text}</p> }.into_any()
                    })}
                    <p>{(t.signed_in_as)(&page.name, &page.email)}</p>
                    <ActionForm action=logout>
                        <button type="submit" class="button">{t.sign_out}</button>
                    </ActionForm>
                    <p class="lead">{t.my_lead}</p>
                    <p><a class="button button-primary" href=crate::core::town::at("/facilities")>{t.book_link}</a></p>
                    <p><a href=crate::core::town::at("/my/feeds")>{t.feeds_link}</a></p>
                    <h2>{t.upcoming}</h2>
                    <MyLines lines=page.upcoming caption=t.upcoming empty=t.none_upcoming/>
                    <h2>{t.past}</h2>
                    <MyLines lines=page.past caption=t.past empty=t.none_past/>
                    <section aria-labelledby="link-heading">
                        <h2 id="link-heading">{t.link_heading}</h2>
                        <p>{t.link_lead}</p>
                        <crate::core::components::ActionError action=link/>
                        <ActionForm action=link>
                            <div class="field">
                                <label for="m-reference">{t.link_reference}</label>
                                <input id="m-reference" name="reference" type="text" required value=page.reference
                                    autocomplete="off"/>
                            </div>
                            <div class="field">
                                <label for="m-contact">{t.link_contact}</label>
                                <input id="m-contact" name="contact" type="text" required autocomplete="off"/>
                            </div>
                            <p><button type="submit" class="button">{t.link_button}</button></p>
                        </ActionForm>
                    </section>
                }
                .into_any()
            }
        }
    })
}
