//! Leptos routes, pages, components and server functions, shared by the
//! server (feature `ssr`) and the browser (feature `hydrate`).

// The views' types nest deeply; the release hydrate build needs more room
// than the default 128 to compute their layout.
#![recursion_limit = "256"]

pub mod account;
pub mod booking;
pub mod browse;
pub mod console;
pub mod core;
pub mod counters;
pub mod visits;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::core::components::Layout;
use crate::core::i18n::texts;
use crate::core::lang;

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
                <Routes fallback=browse::pages::home::NotFound>
                    <Route path=path!("/") view=browse::pages::home::Home ssr=SsrMode::Async/>
                    <Route path=path!("/facilities") view=browse::pages::facilities::FacilityList ssr=SsrMode::Async/>
                    <Route path=path!("/facilities/:id") view=browse::pages::month::FacilityMonth ssr=SsrMode::Async/>
                    <Route path=path!("/facilities/:id/days/:date") view=browse::pages::day::FacilityDay ssr=SsrMode::Async/>
                    <Route path=path!("/facilities/:id/book") view=booking::pages::BookForm ssr=SsrMode::Async/>
                    <Route path=path!("/book/review") view=booking::pages::BookReview ssr=SsrMode::Async/>
                    <Route path=path!("/book/done") view=booking::pages::BookDone ssr=SsrMode::Async/>
                    <Route path=path!("/bookings") view=booking::pages::FindBookingPage ssr=SsrMode::Async/>
                    <Route path=path!("/bookings/:reference") view=booking::pages::MyBookingPage ssr=SsrMode::Async/>
                    <Route path=path!("/bookings/:reference/cancel") view=booking::pages::CancelBookingPage ssr=SsrMode::Async/>
                    <Route path=path!("/my") view=account::pages::MyBookingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/register") view=account::pages::RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/register/confirm") view=account::pages::RegisterConfirmPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/login") view=account::pages::ResidentLoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/visits") view=visits::pages::VisitListPage ssr=SsrMode::Async/>
                    <Route path=path!("/visits/procedures/:id") view=visits::pages::ProcedurePage ssr=SsrMode::Async/>
                    <Route path=path!("/visits/book") view=visits::pages::VisitFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/visits/find") view=visits::pages::FindVisitPage ssr=SsrMode::Async/>
                    <Route path=path!("/visits/appointments/:reference") view=visits::pages::VisitDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/display/:department") view=counters::pages::WaitingDisplayPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/visits") view=counters::pages::CounterDayPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/visits/absence") view=counters::pages::AbsencePageView ssr=SsrMode::Async/>
                    <Route path=path!("/console/login") view=console::pages::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/enrol") view=console::pages::EnrolPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/login/code") view=console::pages::CodePage ssr=SsrMode::Async/>
                    <Route path=path!("/console") view=console::pages::ConsoleHomePage ssr=SsrMode::Async/>
                    <Route path=path!("/console/account") view=console::pages::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id") view=console::pages::TimelinePage ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id/block") view=console::pages::BlockPageView ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id/report") view=console::pages::UsageReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id/units/:unit/rules") view=console::pages::RulesPageView ssr=SsrMode::Async/>
                    <Route path=path!("/console/bookings/:id") view=console::pages::StaffBookingPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/staff") view=console::pages::StaffAdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/audit") view=console::pages::AuditLogPage ssr=SsrMode::Async/>
                    <Route path=path!("/console/outbox") view=console::pages::OutboxPageView ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
