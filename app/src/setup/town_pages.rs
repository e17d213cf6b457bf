//! `/console/towns`: the installation's towns, a town added, host names
//! set (the super-administrator; plain action forms, with or without
//! JavaScript). Its own words come with its data (`TownsPage::t`).

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::console::pages::{ConsoleBar, FlashView};
use crate::core::lang::use_lang;
use crate::setup::api::{AddTown, SetTownHost, get_towns_page};
use crate::setup::pages::{Field, FixNotice};
use crate::setup::texts::texts;
use crate::setup::types::TownsPage;

/// `/console/towns`.
#[component]
pub fn TownsView() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("v"), |_| get_towns_page());
    crate::core::components::loaded(data, false, |p: TownsPage| {
        let lang = use_lang();
        let (t, s) = (p.t.clone(), texts(lang));
        let add = ServerAction::<AddTown>::new();
        let e = p.errors.clone();
        let n = |key: &str| format!("town[{key}]");
        view! {
            <Title text=t.title.clone()/>
            <ConsoleBar me=p.me.clone()/>
            <h1>{t.title.clone()}</h1>
            <FlashView flash=p.flash.clone()/>
            <p class="lead">{t.lead.clone()}</p>
            <div class="table-scroll" role="region" aria-label=t.title.clone() tabindex="0">
                <table class="list">
                    <thead><tr>
                        <th scope="col">{t.col_town.clone()}</th>
                        <th scope="col">{t.col_address.clone()}</th>
                        <th scope="col">{t.col_code.clone()}</th>
                        <th scope="col">{t.col_host.clone()}</th>
                    </tr></thead>
                    <tbody>
                        {p.towns.into_iter().map(|town| {
                            let save = ServerAction::<SetTownHost>::new();
                            let id = format!("host-{}", town.id);
                            let save_label = t.save_host.clone();
                            view! {
                                <tr>
                                    <th scope="row">{town.name.clone()}</th>
                                    <td><a href=town.address.clone() rel="external">{town.address.clone()}</a></td>
                                    <td>{if town.code.is_empty() { "—".to_owned() } else { town.code.clone() }}</td>
                                    <td>
                                        <ActionForm action=save attr:class="inline-form">
                                            <input type="hidden" name="town" value=town.id.to_string()/>
                                            <label for=id.clone() class="vh">{town.host_label.clone()}</label>
                                            <input id=id type="text" name="host" value=town.host.clone() inputmode="url" autocomplete="off" spellcheck="false"/>
                                            " "<button type="submit" class="button">{save_label}</button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <section aria-labelledby="add-town">
                <h2 id="add-town">{t.add_town.clone()}</h2>
                <FixNotice errors=e.clone()/>
                <ActionForm action=add>
                    <Field key="slug" name=n("slug") label=t.slug.clone() value=p.values.slug.clone() errors=e.clone() hint=t.slug_hint.clone() required=true/>
                    <Field key="name_ja" name=n("name_ja") label=s.name_ja value=p.values.name_ja.clone() errors=e.clone() required=true/>
                    <Field key="name_en" name=n("name_en") label=s.name_en value=p.values.name_en.clone() errors=e.clone() hint=s.name_en_hint/>
                    <Field key="zone" name=n("zone") label=t.zone.clone() value=p.values.zone.clone() errors=e.clone() hint=t.zone_hint.clone()/>
                    <Field key="host" name=n("host") label=t.host.clone() value=p.values.host.clone() errors=e.clone() hint=t.host_hint.clone()/>
                    <p><button type="submit" class="button button-primary">{t.add_town.clone()}</button></p>
                </ActionForm>
            </section>
        }
    })
}
