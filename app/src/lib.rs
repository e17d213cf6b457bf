//! Leptos routes, pages, components and server functions, shared by the
//! server (feature `ssr`) and the browser (feature `hydrate`).

#[cfg(feature = "ssr")]
pub mod account;
pub mod account_api;
pub mod account_view;
pub mod api;
#[cfg(feature = "ssr")]
pub mod appointments;
#[cfg(feature = "ssr")]
pub mod auth;
pub mod booking_api;
#[cfg(feature = "ssr")]
pub mod bookings;
mod components;
#[cfg(feature = "ssr")]
pub mod console;
pub mod console_api;
pub mod console_view;
pub mod counter_api;
#[cfg(feature = "ssr")]
pub mod counters;
pub mod error;
pub mod i18n;
#[cfg(feature = "ssr")]
mod ics;
pub mod lang;
#[cfg(feature = "ssr")]
pub mod limits;
#[cfg(feature = "ssr")]
pub mod mail;
mod pages;
#[cfg(feature = "ssr")]
mod qr;
#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;
pub mod visit_api;
#[cfg(feature = "ssr")]
pub mod visits;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::Layout;
use crate::i18n::texts;

/// The HTML document around the app (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = lang::detect();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="data:,"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = lang::detect();
    provide_context(lang);
    let t = texts(lang);
    // Effects run only in the browser: mark the document once hydrated, so
    // tests (and styles) can tell the SPA is live.
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    // Every route waits for its data before sending HTML (`SsrMode::Async`),
    // so pages are complete without JavaScript.
    view! {
        <Stylesheet id="leptos" href="/pkg/town-booking.css"/>
        <Title formatter=move |page: String| if page.is_empty() { t.site_name.to_owned() } else { format!("{page} | {}", t.site_name) }/>
        <Router>
            <Layout>
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::Home ssr=SsrMode::Async/>
                    <Route path=path!("/facilities") view=pages::FacilityList ssr=SsrMode::Async/>
                    <Route path=path!("/facilities/:id") view=pages::FacilityMonth ssr=SsrMode::Async/>
                    <Route path=path!("/facilities/:id/days/:date") view=pages::FacilityDay ssr=SsrMode::Async/>
                    <Route path=path!("/facilities/:id/book") view=pages::BookForm ssr=SsrMode::Async/>
                    <Route path=path!("/book/review") view=pages::BookReview ssr=SsrMode::Async/>
                    <Route path=path!("/book/done") view=pages::BookDone ssr=SsrMode::Async/>
                    <Route path=path!("/bookings") view=pages::FindBookingPage ssr=SsrMode::Async/>
                    <Route path=path!("/bookings/:reference") view=pages::MyBookingPage ssr=SsrMode::Async/>
                    <Route path=path!("/bookings/:reference/cancel") view=pages::CancelBookingPage ssr=SsrMode::Async/>
                    <Route path=path!("/my") view=pages::MyBookingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/register") view=pages::RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/register/confirm") view=pages::RegisterConfirmPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/login") view=pages::ResidentLoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/visits") view=pages::VisitListPage ssr=SsrMode::Async/>
                    <Route path=path!("/visits/procedures/:id") view=pages::ProcedurePage ssr=SsrMode::Async/>
                    <Route path=path!("/visits/book") view=pages::VisitFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/visits/find") view=pages::FindVisitPage ssr=SsrMode::Async/>
                    <Route path=path!("/visits/appointments/:reference") view=pages::VisitDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/display/:department") view=pages::WaitingDisplayPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/visits") view=pages::CounterDayPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/visits/absence") view=pages::AbsencePageView ssr=SsrMode::Async/>
                    <Route path=path!("/console/login") view=pages::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/enrol") view=pages::EnrolPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/login/code") view=pages::CodePage ssr=SsrMode::Async/>
                    <Route path=path!("/console") view=pages::ConsoleHomePage ssr=SsrMode::Async/>
                    <Route path=path!("/console/account") view=pages::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id") view=pages::TimelinePage ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id/block") view=pages::BlockPageView ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id/report") view=pages::UsageReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id/units/:unit/rules") view=pages::RulesPageView ssr=SsrMode::Async/>
                    <Route path=path!("/console/bookings/:id") view=pages::StaffBookingPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/staff") view=pages::StaffAdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/audit") view=pages::AuditLogPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/outbox") view=pages::OutboxPageView ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
