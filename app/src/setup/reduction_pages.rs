//! `/console/reductions`: the town's fee reductions (減免区分) and the form
//! to add one or change one (`?reduction=ID`), a plain action form with or
//! without JavaScript, its problems next to their fields. Its words come
//! with its data (`ReductionsPage::t`), not from the front end.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::console::pages::{ConsoleBar, FlashView};
use crate::setup::api::{SaveReduction, get_reductions_page};
use crate::setup::pages::{Field, FixNotice};
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
        let t = p.t.clone();
        let save = ServerAction::<SaveReduction>::new();
        let e = p.errors.clone();
        let v = p.values.clone();
        let n = |key: &str| format!("reduction[{key}]");
        view! {
            <Title text=t.title.clone()/>
            <ConsoleBar me=p.me.clone()/>
            <h1>{t.title.clone()}</h1>
            <FlashView flash=p.flash.clone()/>
            <p class="lead">{t.lead.clone()}</p>
            <h2>{t.list.clone()}</h2>
            {if p.lines.is_empty() {
                view! { <p>{t.none.clone()}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" role="region" aria-label=t.list.clone() tabindex="0">
                        <table class="list">
                            <thead><tr>
                                <th scope="col">{t.col_name.clone()}</th>
                                <th scope="col">{t.col_percent.clone()}</th>
                                <th scope="col">{t.col_proof.clone()}</th>
                                <th scope="col">{t.col_offered.clone()}</th>
                                <th scope="col"><span class="visually-hidden">{t.submit.clone()}</span></th>
                            </tr></thead>
                            <tbody>
                                {p.lines.iter().map(|l| view! {
                                    <tr>
                                        <th scope="row">{l.name.clone()}</th>
                                        <td>{format!("{}%", l.percent)}</td>
                                        <td>{l.proof.clone()}</td>
                                        <td>{if l.offered { t.offered_yes.clone() } else { t.offered_no.clone() }}</td>
                                        <td><a href=format!("/console/reductions?reduction={}#reduction-form", l.id)>{l.edit.clone()}</a></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <section id="reduction-form" aria-labelledby="rd-form-title">
                <h2 id="rd-form-title">{t.form_title.clone()}</h2>
                <FixNotice errors=e.clone()/>
                <ActionForm action=save>
                    <input type="hidden" name="id" value=p.editing.map(|i| i.to_string()).unwrap_or_default()/>
                    <Field key="name_ja" name=n("name_ja") label=t.name_ja.clone() value=v.name_ja.clone() errors=e.clone() required=true/>
                    <Field key="name_en" name=n("name_en") label=t.name_en.clone() value=v.name_en.clone() errors=e.clone()/>
                    <Field key="percent" name=n("percent") label=t.percent.clone() value=v.percent.clone() errors=e.clone() hint=t.percent_hint.clone() numeric=true required=true/>
                    <Field key="proof_ja" name=n("proof_ja") label=t.proof_ja.clone() value=v.proof_ja.clone() errors=e.clone() hint=t.proof_hint.clone() long=true/>
                    <Field key="proof_en" name=n("proof_en") label=t.proof_en.clone() value=v.proof_en.clone() errors=e.clone() long=true/>
                    <div class="field">
                        <div class="choice">
                            <input type="checkbox" id="nu-offered" name=n("offered") value="on" checked=v.offered.is_some() aria-describedby="nu-offered-hint"/>
                            <label for="nu-offered">{t.offered.clone()}</label>
                        </div>
                        <p class="hint" id="nu-offered-hint">{t.offered_hint.clone()}</p>
                    </div>
                    <p class="actions">
                        <button type="submit" class="button button-primary">{t.submit.clone()}</button>
                        {p.editing.is_some().then(|| view! { <a class="button" href="/console/reductions">{t.cancel_edit.clone()}</a> })}
                    </p>
                </ActionForm>
            </section>
        }
    })
}
