//! `/towns`: the towns of the installation to choose from (共同利用).

use domain::view::TownLink;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::browse::api::get_towns;
use crate::core::components::loaded;
use crate::core::i18n::texts;
use crate::core::lang::use_lang;

/// Every town with its pages' address.
#[component]
pub fn TownChoice() -> impl IntoView {
    let t = texts(use_lang());
    let towns = Resource::new(|| (), |_| get_towns());
    view! {
        <Title text=t.choose_town_title/>
        <h1>{t.choose_town_title}</h1>
        <p class="lead">{t.choose_town_lead}</p>
        {loaded(towns, true, |towns: Vec<TownLink>| view! {
            <ul class="town-list">
                // A town's pages have their own base: the browser loads
                // them (the router here has none).
                {towns.into_iter().map(|l| view! {
                    <li><a class="button" href=l.href rel="external">{l.name}</a></li>
                }).collect_view()}
            </ul>
        })}
    }
}
