use domain::view::FacilitySummary;
use leptos::prelude::*;

use crate::core::town::at;
use leptos_meta::Title;

use crate::browse::api::get_facilities;
use crate::core::components::loaded;
use crate::core::i18n::texts;
use crate::core::lang::use_lang;

/// Every facility with its units, capacity and accessibility notes.
#[component]
pub fn FacilityList() -> impl IntoView {
    let t = texts(use_lang());
    let data = Resource::new(|| (), |_| get_facilities());
    view! {
        <Title text=t.facilities_title/>
        <h1>{t.facilities_title}</h1>
        <p class="lead">{t.facilities_lead}</p>
        {loaded(data, true, move |list: Vec<FacilitySummary>| {
            if list.is_empty() {
                view! { <p>{t.no_facilities}</p> }.into_any()
            } else {
                list.into_iter().map(|f| view! { <FacilityCard facility=f/> }).collect_view().into_any()
            }
        })}
        <p><a class="button" href=at("/opendata")>{t.open_data_link}</a></p>
    }
}

#[component]
fn FacilityCard(facility: FacilitySummary) -> impl IntoView {
    let t = texts(use_lang());
    let heading = format!("facility-{}", facility.id);
    let labelled_by = heading.clone();
    let href = at(&format!("/facilities/{}", facility.id));
    view! {
        <article class="card" aria-labelledby=labelled_by>
            <h2 id=heading>{facility.name.clone()}</h2>
            <p>{facility.description}</p>
            {if facility.units.is_empty() {
                view! { <p class="note">{t.not_bookable}</p> }.into_any()
            } else {
                view! { <p><a class="button" href=href>{(t.see_availability)(&facility.name)}</a></p> }.into_any()
            }}
            <FacilityFacts address=facility.address phone=facility.phone hours=facility.hours accessibility=facility.accessibility/>
            {(!facility.units.is_empty()).then(|| view! { <h3>{t.units_heading}</h3> })}
            <ul class="units">
                {facility.units.into_iter().map(|u| {
                    let kind = if u.booking_kind == "grid" { t.booking_kind_grid } else { t.booking_kind_fixed };
                    view! {
                        <li>
                            <strong>{u.name}</strong>
                            " — "{(t.capacity)(u.capacity)}" / "{kind}
                            {(!u.notes.is_empty()).then(|| view! { <br/><span class="note">{u.notes}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </article>
    }
}

/// Address, phone, hours and accessibility as a description list.
#[component]
pub fn FacilityFacts(
    address: String,
    phone: String,
    hours: String,
    accessibility: String,
) -> impl IntoView {
    let t = texts(use_lang());
    let tel = format!("tel:{}", phone.replace('-', ""));
    view! {
        <dl class="facts">
            <dt>{t.address_label}</dt><dd>{address}</dd>
            <dt>{t.phone_label}</dt><dd><a href=tel>{phone}</a></dd>
            <dt>{t.hours_heading}</dt><dd>{hours}</dd>
            <dt>{t.accessibility_heading}</dt><dd>{accessibility}</dd>
        </dl>
    }
}
