//! `/console/facility-list`: choose a 公共施設一覧 CSV; then the preview,
//! with every row's line and what it changes, and every problem with its
//! line and column. The first form is a plain multipart form (a file
//! upload), with or without JavaScript; the others are action forms.
//!
//! `/opendata`: the town's published list and its licence.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::console::pages::{ConsoleBar, FlashView};
use crate::core::lang::use_lang;
use crate::opendata::api::*;
use crate::opendata::texts::texts;
use crate::opendata::types::{ListImportPage, ListPreview, OpenDataPage};

/// What the draft would write, or what to fix first.
#[component]
fn Preview(preview: ListPreview) -> impl IntoView {
    let t = texts(use_lang());
    let apply = ServerAction::<ApplyFacilityList>::new();
    let discard = ServerAction::<DiscardFacilityList>::new();
    let n_problems = preview.problems.len();
    view! {
        <section aria-labelledby="fl-preview" class="import-preview">
            <h2 id="fl-preview">{t.preview_heading}</h2>
            <p role="status">{preview.summary.clone()}</p>
            {(n_problems > 0).then(|| view! {
                <div class="problems" role="alert">
                    <h3>{(t.problems_heading)(n_problems)}</h3>
                    <p>{t.problems_lead}</p>
                    <ul>
                        {preview.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}
                    </ul>
                </div>
            })}
            {preview.not_kept.clone().map(|n| view! { <p class="hint">{n}</p> })}
            {(!preview.lines.is_empty()).then(|| view! {
                <div class="table-scroll" role="region" aria-label=t.preview_heading tabindex="0">
                    <table class="list">
                        <thead>
                            <tr>
                                <th scope="col">{t.col_line}</th>
                                <th scope="col">{t.col_id}</th>
                                <th scope="col">{t.col_name}</th>
                                <th scope="col">{t.col_change}</th>
                                <th scope="col">{t.col_fields}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {preview.lines.iter().map(|l| view! {
                                <tr>
                                    <td>{l.line}</td>
                                    <td>{l.id.clone()}</td>
                                    <td>{l.name.clone()}</td>
                                    <td class="kind">{l.change.clone()}</td>
                                    <td>{l.fields.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p class="hint">{t.new_hint}</p>
            })}
            {preview.can_apply.then(|| view! {
                <ActionForm action=apply attr:aria-labelledby="fl-preview">
                    <p><button type="submit" class="button button-primary">{t.apply}</button></p>
                </ActionForm>
            })}
            <ActionForm action=discard>
                <p><button type="submit" class="button">{t.discard}</button></p>
            </ActionForm>
        </section>
    }
}

/// The town's code and licence.
#[component]
fn Settings(code: String, licence: String) -> impl IntoView {
    let t = texts(use_lang());
    let save = ServerAction::<SaveOpenDataSettings>::new();
    view! {
        <section aria-labelledby="fl-settings">
            <h2 id="fl-settings">{t.settings_heading}</h2>
            <p>{t.settings_lead}</p>
            <ActionForm action=save>
                <div class="field">
                    <label for="fl-code">{t.code_label}</label>
                    <p class="hint" id="fl-code-hint">{t.code_hint}</p>
                    <input id="fl-code" name="code" type="text" inputmode="numeric" autocomplete="off"
                        maxlength="6" value=code aria-describedby="fl-code-hint"/>
                </div>
                <div class="field">
                    <label for="fl-licence">{t.licence_label}</label>
                    <p class="hint" id="fl-licence-hint">{t.licence_hint}</p>
                    <input id="fl-licence" name="licence" type="text" autocomplete="off" required
                        maxlength="100" value=licence aria-describedby="fl-licence-hint"/>
                </div>
                <p><button type="submit" class="button">{t.save}</button></p>
            </ActionForm>
        </section>
    }
}

/// `/console/facility-list`.
#[component]
pub fn ListImportView() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || (query.read().get("v"), query.read().get("checked")),
        |_| get_facility_list_page(),
    );
    crate::core::components::loaded(data, false, |page: ListImportPage| {
        let t = texts(use_lang());
        view! {
            <Title text=t.title/>
            {page.me.clone().map(|me| view! { <ConsoleBar me/> })}
            <h1>{t.title}</h1>
            <FlashView flash=page.flash.clone()/>
            <p class="lead">{t.lead}</p>
            <p><a href="/console/new-facility">{t.new_facility_link}</a></p>
            <form method="post" action=PAGE enctype="multipart/form-data">
                <div class="field">
                    <label for="fl-file">{t.file_label}</label>
                    <p class="hint" id="fl-file-hint">{t.file_hint}</p>
                    <input id="fl-file" name="file" type="file" accept=".csv,text/csv" required
                        aria-describedby="fl-file-hint"/>
                </div>
                <p><button type="submit" class="button">{t.check}</button></p>
            </form>
            {page.preview.clone().map(|preview| view! { <Preview preview/> })}
            <Settings code=page.code.clone() licence=page.licence.clone()/>
            <section aria-labelledby="fl-published">
                <h2 id="fl-published">{t.published_heading}</h2>
                <p>{t.published_lead}</p>
                <ul>
                    <li><a href=page.csv_url.clone() rel="external">{t.csv_link}</a></li>
                    <li><a href=page.json_url.clone() rel="external">{t.json_link}</a></li>
                </ul>
            </section>
        }
    })
}

/// `/opendata`.
#[component]
pub fn OpenDataView() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_open_data_page());
    crate::core::components::loaded(data, false, |page: OpenDataPage| {
        let t = texts(use_lang());
        view! {
            <Title text=t.open_title/>
            <h1>{t.open_title}</h1>
            <p class="lead">{(t.open_lead)(&page.town)}</p>
            <section aria-labelledby="od-list">
                <h2 id="od-list">{(t.open_list)(page.facilities)}</h2>
                <p class="pager">
                    <a class="button" href=page.csv_url.clone() rel="external" download>{t.csv_link}</a>
                    <a class="button" href=page.json_url.clone() rel="external">{t.json_link}</a>
                </p>
                <p>{(t.open_licence)(&page.licence)}</p>
                <p class="hint">{t.open_format}</p>
            </section>
        }
    })
}
