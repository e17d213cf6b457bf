use leptos::prelude::*;
use leptos_meta::Title;

use crate::core::components::set_status;
use crate::core::i18n::texts;
use crate::core::lang::use_lang;
use crate::core::town::at;

/// Home: what can be done here, in plain words, with one big button. (On
/// an installation of several towns, `/` with no town named goes to
/// `/towns`, the towns to choose from.)
#[component]
pub fn Home() -> impl IntoView {
    let t = texts(use_lang());
    view! {
        <Title text=""/>
        <h1>{t.home_title}</h1>
        <p class="lead">{t.home_lead}</p>
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
