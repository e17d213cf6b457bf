//! Sign-in and the managers' console. Server-rendered forms posting to the
//! server functions in `console::api`; status is always said in words.

mod account;
mod audit;
mod blocks;
mod booking;
mod home;
mod report;
mod rules;
mod signin;
mod staff;
mod timeline;

pub use account::AccountPage;
pub use audit::{AuditLogPage, OutboxPageView};
pub use blocks::BlockPageView;
pub use booking::StaffBookingPage;
pub use home::ConsoleHomePage;
pub use report::UsageReportPage;
pub use rules::RulesPageView;
pub use signin::{CodePage, EnrolPage, LoginPage};
pub use staff::StaffAdminPage;
pub use timeline::TimelinePage;

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::console::api::Logout;
use crate::console::texts::{ConsoleTexts, texts};
use crate::console::types::Me;
use crate::core::error::AppError;
use crate::core::lang::use_lang;
use crate::core::types::Flash;

fn ct() -> &'static ConsoleTexts {
    texts(use_lang())
}

/// Console pages show their data or the translated error (with a sign-in
/// link when the sign-in is missing, see `ErrorView`).
fn console_loaded<T, V>(
    data: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    crate::core::components::loaded(data, false, render)
}

#[component]
pub fn FlashView(flash: Option<Flash>) -> impl IntoView {
    flash.map(|f| {
        if f.ok {
            view! { <p class="notice notice-ok" role="status">{f.text}</p> }.into_any()
        } else {
            view! { <p class="notice notice-error" role="alert">{f.text}</p> }.into_any()
        }
    })
}

/// The console's own menu and who is signed in.
#[component]
pub fn ConsoleBar(me: Me) -> impl IntoView {
    let t = ct();
    let logout = ServerAction::<Logout>::new();
    view! {
        <nav class="console-bar no-print" aria-label=t.console_nav>
            <ul>
                <li><a href="/console">{t.nav_home}</a></li>
                {me.counters.then(|| view! {
                    <li><a href="/console/visits">{crate::visits::texts::texts(crate::core::lang::use_lang()).nav_counter}</a></li>
                    <li><a href="/console/divisions">{t.nav_divisions}</a></li>
                })}
                {me.is_admin.then(|| view! {
                    <li><a href="/console/staff">{t.nav_staff}</a></li>
                    <li><a href="/console/audit">{t.nav_audit}</a></li>
                    <li><a href="/console/outbox">{t.nav_outbox}</a></li>
                    <li><a href="/console/facility-list">{t.nav_facility_list}</a></li>
                    <li><a href="/console/reductions">{t.nav_reductions}</a></li>
                })}
                {me.towns.then(|| view! {
                    <li><a href="/console/towns">{t.nav_towns}</a></li>
                })}
                <li><a href="/console/feeds">{t.nav_feeds}</a></li>
                <li><a href="/console/import">{t.nav_import}</a></li>
                <li><a href="/console/account">{t.nav_account}</a></li>
            </ul>
            <p>{(t.signed_in_as)(&me.name, &me.role)}</p>
            <ActionForm action=logout>
                <button type="submit" class="button">{t.sign_out}</button>
            </ActionForm>
        </nav>
    }
}
