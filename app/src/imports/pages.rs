//! `/console/import`: choose where to import and a file or URL; then the
//! preview, with a decision for every booking or visit it meets. The first
//! form is a plain multipart form (a file upload), with or without
//! JavaScript; the others are action forms.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::console::pages::{ConsoleBar, FlashView};
use crate::core::lang::use_lang;
use crate::imports::api::*;
use crate::imports::texts::texts;
use crate::imports::types::{ImportPage, ImportPreview};

/// What the draft would write, and the decisions it needs.
#[component]
fn Preview(preview: ImportPreview) -> impl IntoView {
    let t = texts(use_lang());
    let apply = ServerAction::<ApplyImport>::new();
    let discard = ServerAction::<DiscardImport>::new();
    let n_bookings = preview.bookings.len();
    let n_visits = preview.visits.len();
    view! {
        <section aria-labelledby="im-preview" class="import-preview">
            <h2 id="im-preview">{t.preview_heading}</h2>
            <p role="status">{(t.preview_lead)(&preview.target, &preview.source, preview.lines.len(), preview.skipped)}</p>
            <div class="table-scroll" role="region" aria-label=t.preview_heading tabindex="0">
                <table class="list">
                    <thead>
                        <tr>
                            <th scope="col">{t.col_when}</th>
                            <th scope="col">{t.col_summary}</th>
                            <th scope="col">{t.col_kind}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {preview.lines.into_iter().map(|l| view! {
                            <tr><td>{l.when}</td><td>{l.summary}</td><td class="kind">{l.kind}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <ActionForm action=apply attr:aria-labelledby="im-preview">
                {(n_bookings > 0).then(|| view! { <h3>{(t.met_bookings)(n_bookings)}</h3> })}
                {preview.bookings.into_iter().enumerate().map(|(i, c)| {
                    let name = format!("decisions[{i}]");
                    let (cancel_id, keep_id) = (format!("im-c-{}", c.id), format!("im-k-{}", c.id));
                    view! {
                        <fieldset class="decision">
                            <legend>{format!("{} {} {} {}", c.reference, c.unit, c.when, c.status_label)}</legend>
                            <div class="choice">
                                <input type="radio" id=cancel_id.clone() name=name.clone() value=format!("{}:cancel", c.id) required/>
                                <label for=cancel_id>{t.decision_cancel}</label>
                            </div>
                            <div class="choice">
                                <input type="radio" id=keep_id.clone() name=name value=format!("{}:keep", c.id)/>
                                <label for=keep_id>{t.decision_keep}</label>
                            </div>
                        </fieldset>
                    }
                }).collect_view()}
                {(n_visits > 0).then(|| view! { <h3>{(t.met_visits)(n_visits)}</h3> })}
                {preview.visits.into_iter().enumerate().map(|(i, c)| {
                    let name = format!("decisions[{}]", n_bookings + i);
                    let contact_id = format!("im-v-{}-contact", c.item);
                    view! {
                        <fieldset class="decision">
                            <legend>{format!("{} {} {}", c.reference, c.procedure, c.when)}</legend>
                            {c.candidates.iter().map(|m| {
                                let id = format!("im-v-{}-{}", c.item, m.id);
                                view! { <div class="choice"><input type="radio" id=id.clone() name=name.clone() value=format!("{}:move:{}", c.item, m.id) required/>
                                    <label for=id>{(t.move_to)(&m.name)}</label></div> }
                            }).collect_view()}
                            <div class="choice"><input type="radio" id=contact_id.clone() name=name.clone() value=format!("{}:contact", c.item) required/>
                                <label for=contact_id>{t.decision_contact}</label></div>
                        </fieldset>
                    }
                }).collect_view()}
                {(n_bookings + n_visits == 0).then(|| view! { <p>{t.met_none}</p> })}
                <p><button type="submit" class="button button-primary">{t.apply}</button></p>
            </ActionForm>
            <ActionForm action=discard>
                <p><button type="submit" class="button">{t.discard}</button></p>
            </ActionForm>
        </section>
    }
}

/// `/console/import`.
#[component]
pub fn ImportView() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || (query.read().get("v"), query.read().get("checked")),
        |_| get_import_page(),
    );
    crate::core::components::loaded(data, false, |page: ImportPage| {
        let t = texts(use_lang());
        view! {
            <Title text=t.title/>
            {page.me.clone().map(|me| view! { <ConsoleBar me/> })}
            <h1>{t.title}</h1>
            <FlashView flash=page.flash.clone()/>
            <p class="lead">{t.lead}</p>
            <form method="post" action="/console/import" enctype="multipart/form-data">
                <div class="field">
                    <label for="im-target">{t.target_label}</label>
                    <select id="im-target" name="target" required>
                        {page.targets.iter().map(|c| view! {
                            <option value=c.value.clone()>{c.label.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="im-file">{t.file_label}</label>
                    <p class="hint" id="im-file-hint">{t.file_hint}</p>
                    <input id="im-file" name="file" type="file" accept=".ics,text/calendar"
                        aria-describedby="im-file-hint"/>
                </div>
                <div class="field">
                    <label for="im-url">{t.url_label}</label>
                    <p class="hint" id="im-url-hint">{t.url_hint}</p>
                    <input id="im-url" name="url" type="url" inputmode="url" autocomplete="off"
                        aria-describedby="im-url-hint"/>
                </div>
                <p><button type="submit" class="button">{t.check}</button></p>
            </form>
            {page.preview.clone().map(|preview| view! { <Preview preview/> })}
        }
    })
}
