//! Leptos routes, pages, components and server functions, shared by the
//! server (feature `ssr`) and the browser (feature `hydrate`).

pub mod api;
pub mod booking_api;
#[cfg(feature = "ssr")]
pub mod bookings;
mod components;
pub mod error;
pub mod i18n;
#[cfg(feature = "ssr")]
mod ics;
pub mod lang;
mod pages;
#[cfg(feature = "ssr")]
pub mod service;

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
                </Routes>
            </Layout>
        </Router>
    }
}
