use leptos::prelude::*;
use leptos_meta::Title;

use crate::browse::api::get_home_towns;
use crate::core::components::{loaded, set_status};
use crate::core::i18n::texts;
use crate::core::lang::use_lang;
use crate::core::town::at;

/// Home: what can be done here, in plain words, with one big button; on an
/// installation of several towns and none named, the towns to choose from.
#[component]
pub fn Home() -> impl IntoView {
    let t = texts(use_lang());
    let towns = Resource::new(|| (), |_| get_home_towns());
    view! {
        <Title text=""/>
        {loaded(towns, false, move |h: domain::view::HomeTowns| match h.town {
            Some(town) => view! { <TownHome town/> }.into_any(),
            None => view! {
                <h1>{t.choose_town_title}</h1>
                <p class="lead">{t.choose_town_lead}</p>
                <ul class="town-list">
                    // A town's pages have their own base: the browser loads
                    // them (the router here has none).
                    {h.towns.into_iter().map(|l| view! {
                        <li><a class="button" href=l.href rel="external">{l.name}</a></li>
                    }).collect_view()}
                </ul>
            }.into_any(),
        })}
    }
}

/// One town's home.
#[component]
fn TownHome(town: String) -> impl IntoView {
    let t = texts(use_lang());
    view! {
        <h1>{t.home_title}</h1>
        <p class="lead">{(t.home_town)(&town)}" "{t.home_lead}</p>
        <p><a class="button button-primary" href=at("/facilities")>{t.home_cta}</a></p>
        <section aria-labelledby="how">
            <h2 id="how">{t.home_how_heading}</h2>
            <ol class="steps">
                {t.home_steps.iter().map(|s| view! { <li>{*s}</li> }).collect_view()}
            </ol>
        </section>
        <section aria-labelledby="help">
            <h2 id="help">{t.home_help_heading}</h2>
            <p>{t.home_help}</p>
        </section>
    }
}

/// Any unknown address.
#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    let t = texts(use_lang());
    view! {
        <Title text=t.not_found_title/>
        <h1>{t.not_found_title}</h1>
        <p>{t.not_found_body}</p>
        <p><a href=at("/")>{t.nav_home}</a></p>
    }
}
