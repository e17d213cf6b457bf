//! `/console/reductions`: the town's fee reductions (減免区分) and the form
//! to add one or change one (`?reduction=ID`), a plain action form with or
//! without JavaScript, its problems next to their fields.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::console::pages::{ConsoleBar, FlashView};
use crate::core::lang::use_lang;
use crate::setup::api::{SaveReduction, get_reductions_page};
use crate::setup::pages::{Field, FixNotice};
use crate::setup::texts::reduction_texts;
use crate::setup::types::ReductionsPage;

#[component]
pub fn ReductionsView() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (q.get("reduction"), q.get("v"))
        },
        |(reduction, _)| get_reductions_page(reduction),
    );
    crate::core::components::loaded(data, false, |p: ReductionsPage| {
        let t = reduction_texts(use_lang());
        let save = ServerAction::<SaveReduction>::new();
        let e = p.errors.clone();
        let v = p.values.clone();
        let n = |key: &str| format!("reduction[{key}]");
        let editing_name = p
            .editing
            .and_then(|id| p.lines.iter().find(|l| l.id == id))
            .map(|l| l.name.clone());
        let form_title = match &editing_name {
            Some(name) => (t.edit_title)(name),
            None => t.add_title.to_owned(),
        };
        view! {
            <Title text=t.title/>
            <ConsoleBar me=p.me.clone()/>
            <h1>{t.title}</h1>
            <FlashView flash=p.flash.clone()/>
            <p class="lead">{t.lead}</p>
            <h2>{t.list}</h2>
            {if p.lines.is_empty() {
                view! { <p>{t.none}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" role="region" aria-label=t.list tabindex="0">
                        <table class="list">
                            <thead><tr>
                                <th scope="col">{t.col_name}</th>
                                <th scope="col">{t.col_percent}</th>
                                <th scope="col">{t.col_proof}</th>
                                <th scope="col">{t.col_offered}</th>
                                <th scope="col"><span class="visually-hidden">{t.save}</span></th>
                            </tr></thead>
                            <tbody>
                                {p.lines.iter().map(|l| view! {
                                    <tr>
                                        <th scope="row">{l.name.clone()}</th>
                                        <td>{format!("{}%", l.percent)}</td>
                                        <td>{l.proof.clone()}</td>
                                        <td>{if l.offered { t.offered_yes } else { t.offered_no }}</td>
                                        <td><a href=format!("/console/reductions?reduction={}#reduction-form", l.id)>{(t.edit)(&l.name)}</a></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <section id="reduction-form" aria-labelledby="rd-form-title">
                <h2 id="rd-form-title">{form_title}</h2>
                <FixNotice errors=e.clone()/>
                <ActionForm action=save>
                    <input type="hidden" name="id" value=p.editing.map(|i| i.to_string()).unwrap_or_default()/>
                    <Field key="name_ja" name=n("name_ja") label=t.name_ja value=v.name_ja.clone() errors=e.clone() required=true/>
                    <Field key="name_en" name=n("name_en") label=t.name_en value=v.name_en.clone() errors=e.clone()/>
                    <Field key="percent" name=n("percent") label=t.percent value=v.percent.clone() errors=e.clone() hint=t.percent_hint numeric=true required=true/>
                    <Field key="proof_ja" name=n("proof_ja") label=t.proof_ja value=v.proof_ja.clone() errors=e.clone() hint=t.proof_hint long=true/>
                    <Field key="proof_en" name=n("proof_en") label=t.proof_en value=v.proof_en.clone() errors=e.clone() long=true/>
                    <div class="field">
                        <div class="choice">
                            <input type="checkbox" id="nu-offered" name=n("offered") value="on" checked=v.offered.is_some() aria-describedby="nu-offered-hint"/>
                            <label for="nu-offered">{t.offered}</label>
                        </div>
                        <p class="hint" id="nu-offered-hint">{t.offered_hint}</p>
                    </div>
                    <p class="actions">
                        <button type="submit" class="button button-primary">{if p.editing.is_some() { t.save } else { t.add }}</button>
                        {p.editing.is_some().then(|| view! { <a class="button" href="/console/reductions">{t.cancel_edit}</a> })}
                    </p>
                </ActionForm>
            </section>
        }
    })
}
