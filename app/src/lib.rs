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
pub mod feeds;
pub mod imports;
pub mod opendata;
#[cfg(feature = "ssr")]
pub mod reminders;
pub mod routes;
pub mod setup;
pub mod visits;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::{Lazy, SsrMode, path};

use crate::core::components::Layout;
use crate::core::i18n::texts;
use crate::core::lang;

/// The HTML document around the app (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = lang::detect();
    let size = core::text_size::detect();
    let town = use_context::<core::town::TownBase>().unwrap_or_default();
    let base = Some(town.base).filter(|b| !b.is_empty());
    let name = Some(town.name).filter(|n| !n.is_empty());
    view! {
        <!DOCTYPE html>
        <html lang=lang.code() data-text-size=size.code() data-demo=core::components::demo().then_some("true") data-town-base=base data-town-name=name>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="data:,"/>
                <AutoReload options=options.clone()/>
                <HydrateAfterPaint options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Starts the WASM once the browser has painted the server's HTML: the
/// pages are complete without JavaScript, so on a slow phone their text
/// comes first. Leptos' own `HydrationScripts` also has the server list
/// every WASM part of a lazy page as a `<link rel="preload">`, and those
/// (on a calendar day page 28 files, 388 KB with the main file) then share
/// the first paint's bandwidth.
#[component]
fn HydrateAfterPaint(options: LeptosOptions) -> impl IntoView {
    let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    // Without cargo-leptos (plain `cargo build`) wasm-bindgen's default
    // file name applies, as in Leptos' own script.
    let wasm = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
        format!("{pkg}.wasm")
    } else {
        format!("{pkg}_bg.wasm")
    };
    let script = format!(
        "requestAnimationFrame(()=>setTimeout(()=>import({js:?}).then(m=>m.default({{module_or_path:{wasm:?}}}).then(()=>m.hydrate()))));",
        js = format!("{pkg}.js"),
    );
    // The page's Content-Security-Policy allows scripts by nonce only.
    let nonce = leptos::nonce::use_nonce();
    view! { <script type="module" nonce=nonce>{script}</script> }
}

/// Marks `<html data-hydrated>` once the browser has hydrated the whole page
/// (called by the `frontend` crate), so tests and styles can tell the SPA is
/// live.
#[cfg(feature = "hydrate")]
pub fn mark_hydrated() {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = lang::detect();
    provide_context(lang);
    // The town's path prefix: on the server the request's (already
    // stripped from the path the routes see), in the browser the one the
    // server wrote on the page, which the router then strips itself.
    #[cfg(feature = "hydrate")]
    let (base, router_base) = {
        let base = core::town::page_base();
        if !base.base.is_empty() {
            let root: &'static str = Box::leak(base.base.clone().into_boxed_str());
            let _ = leptos::server_fn::client::try_set_server_url(root);
        }
        let router_base = (!base.base.is_empty()).then(|| base.base.clone());
        (base, router_base)
    };
    #[cfg(not(feature = "hydrate"))]
    let (base, router_base) = (
        use_context::<core::town::TownBase>().unwrap_or_default(),
        None::<String>,
    );
    provide_context(base);
    let t = texts(lang);
    // Every route waits for its data before sending HTML (`SsrMode::Async`),
    // so pages are complete without JavaScript.
    view! {
        <Stylesheet id="leptos" href="/pkg/town-booking.css"/>
        <Title formatter=move |page: String| if page.is_empty() { t.site_name.to_owned() } else { format!("{page} | {}", t.site_name) }/>
        <Router base=router_base.unwrap_or_default()>
            <Layout>
                <FlatRoutes fallback=browse::pages::home::NotFound>
                    <Route path=path!("/") view=browse::pages::home::Home ssr=SsrMode::Async/>
                    <Route path=path!("/towns") view={Lazy::<routes::TownChoiceRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/facilities") view={Lazy::<routes::FacilityListRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/facilities/:id") view={Lazy::<routes::FacilityMonthRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/facilities/:id/days/:date") view={Lazy::<routes::FacilityDayRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/facilities/:id/book") view={Lazy::<routes::BookFormRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/book/review") view={Lazy::<routes::BookReviewRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/book/done") view={Lazy::<routes::BookDoneRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/bookings") view={Lazy::<routes::FindBookingRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/bookings/:reference") view={Lazy::<routes::MyBookingRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/bookings/:reference/cancel") view={Lazy::<routes::CancelBookingRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/waitlist/:reference") view={Lazy::<routes::WaitlistRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/my") view={Lazy::<routes::MyBookingsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/my/feeds") view={Lazy::<routes::FeedsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/register") view={Lazy::<routes::RegisterRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/register/confirm") view={Lazy::<routes::RegisterConfirmRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/login") view={Lazy::<routes::ResidentLoginRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/visits") view={Lazy::<routes::VisitListRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/visits/procedures/:id") view={Lazy::<routes::ProcedureRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/visits/book") view={Lazy::<routes::VisitFormRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/visits/find") view={Lazy::<routes::FindVisitRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/visits/appointments/:reference") view={Lazy::<routes::VisitDetailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/display/:department") view={Lazy::<routes::WaitingDisplayRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/visits") view={Lazy::<routes::CounterDayRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/visits/absence") view={Lazy::<routes::AbsenceRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/login") view={Lazy::<routes::LoginRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/enrol") view={Lazy::<routes::EnrolRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/login/code") view={Lazy::<routes::CodeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console") view={Lazy::<routes::ConsoleHomeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/account") view={Lazy::<routes::StaffAccountRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/feeds") view={Lazy::<routes::FeedsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/import") view={Lazy::<routes::ImportRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/facility-list") view={Lazy::<routes::FacilityListImportRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/opendata") view={Lazy::<routes::OpenDataRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id") view={Lazy::<routes::TimelineRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id/block") view={Lazy::<routes::BlockRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id/report") view={Lazy::<routes::UsageReportRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/new-facility") view={Lazy::<routes::NewFacilityRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id/archive") view={Lazy::<routes::ArchiveRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id/equipment") view={Lazy::<routes::EquipmentRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id/details") view={Lazy::<routes::DetailsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id/units/new") view={Lazy::<routes::NewUnitRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/facilities/:id/units/:unit/rules") view={Lazy::<routes::RulesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/divisions") view={Lazy::<routes::DivisionsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/towns") view={Lazy::<routes::TownsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/reductions") view={Lazy::<routes::ReductionsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/divisions/:id") view={Lazy::<routes::DivisionRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/divisions/:id/new-procedure") view={Lazy::<routes::ProcedureFormRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/divisions/:id/procedures/:procedure") view={Lazy::<routes::ProcedureFormRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/divisions/:id/new-member") view={Lazy::<routes::MemberRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/divisions/:id/staff/:member") view={Lazy::<routes::MemberRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/bookings/:id") view={Lazy::<routes::StaffBookingRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/staff") view={Lazy::<routes::StaffAdminRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/audit") view={Lazy::<routes::AuditLogRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/console/outbox") view={Lazy::<routes::OutboxRoute>::new()} ssr=SsrMode::Async/>
                </FlatRoutes>
            </Layout>
        </Router>
    }
}
