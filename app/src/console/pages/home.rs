//! The console's start page: facilities and bookings awaiting a decision.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{ConsoleBar, FlashView, console_loaded, ct};
use crate::console::api::*;
use crate::console::types::*;

#[component]
fn Lines(lines: Vec<BookingLine>, #[prop(optional)] pending: bool) -> impl IntoView {
    let t = ct();
    view! {
        <div class="table-scroll" role="region" aria-label=t.bookings_table tabindex="0">
            <table class="list">
                <thead>
                    <tr>
                        <th scope="col">{t.reference}</th>
                        <th scope="col">{t.facility}</th>
                        <th scope="col">{t.unit}</th>
                        <th scope="col">{t.when}</th>
                        <th scope="col">{t.status}</th>
                        {pending.then(|| view! { <th scope="col">{t.expires}</th> })}
                        <th scope="col">{t.attendees}</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|l| view! {
                        <tr>
                            <td><a href=format!("/console/bookings/{}", l.id)>{l.reference.clone()}</a></td>
                            <td>{l.facility.clone()}</td>
                            <td>{l.unit.clone()}</td>
                            <td>{l.when.clone()}</td>
                            <td><span class=format!("tag tag-{}", l.status)>{l.status_label.clone()}</span></td>
                            {pending.then(|| view! { <td>{l.expires.clone().unwrap_or_default()}</td> })}
                            <td>{l.attendees}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `/console`.
#[component]
pub fn ConsoleHomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_console_home());
    console_loaded(data, |home: ConsoleHome| {
        let t = ct();
        let none = home.pending.is_empty();
        view! {
            <Title text=t.console_title/>
            <ConsoleBar me=home.me.clone()/>
            <h1>{t.console_title}</h1>
            <FlashView flash=home.flash.clone()/>
            <h2>{t.facilities_heading}</h2>
            <ul class="plain-list">
                {home.facilities.iter().map(|f| view! {
                    <li><a href=format!("/console/facilities/{}", f.id)>{f.name.clone()}</a></li>
                }).collect_view()}
            </ul>
            <h2>{t.pending_heading}</h2>
            {if none {
                view! { <p>{t.no_pending}</p> }.into_any()
            } else {
                view! { <Lines lines=home.pending.clone() pending=true/> }.into_any()
            }}
        }
    })
}
