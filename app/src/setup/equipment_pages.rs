//! `/console/facilities/{id}/equipment`: the facility's equipment and the
//! form to add one or change one (`?equipment=ID`), a plain action form
//! with or without JavaScript, its problems next to their fields. Its
//! words come with its data (`EquipmentPage::t`), not from the front end.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::console::pages::{ConsoleBar, FlashView};
use crate::setup::api::{SaveEquipment, get_equipment_page};
use crate::setup::counter_pages::HeldTable;
use crate::setup::pages::{Field, FixNotice};
use crate::setup::types::EquipmentPage;

#[component]
pub fn EquipmentView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("id").unwrap_or_default(),
                q.get("equipment"),
                q.get("v"),
            )
        },
        |(id, equipment, _)| get_equipment_page(id, equipment),
    );
    crate::core::components::loaded(data, false, |p: EquipmentPage| {
        let t = p.t.clone();
        let save = ServerAction::<SaveEquipment>::new();
        let base = format!("/console/facilities/{}/equipment", p.facility_id);
        let e = p.errors.clone();
        let v = p.values.clone();
        let n = |key: &str| format!("equipment[{key}]");
        view! {
            <Title text=t.title.clone()/>
            <ConsoleBar me=p.me.clone()/>
            <p><a href=format!("/console/facilities/{}", p.facility_id)>{p.facility.clone()}</a></p>
            <h1>{t.title.clone()}</h1>
            <FlashView flash=p.flash.clone()/>
            <p class="lead">{t.lead.clone()}</p>
            {(!p.held.is_empty()).then(|| view! { <HeldTable heading=t.held.clone() held=p.held.clone()/> })}
            <h2>{t.list.clone()}</h2>
            {if p.lines.is_empty() {
                view! { <p>{t.none.clone()}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" role="region" aria-label=t.list.clone() tabindex="0">
                        <table class="list">
                            <thead><tr>
                                <th scope="col">{t.col_name.clone()}</th>
                                <th scope="col">{t.col_fee.clone()}</th>
                                <th scope="col">{t.col_quantity.clone()}</th>
                                <th scope="col"><span class="visually-hidden">{t.submit.clone()}</span></th>
                            </tr></thead>
                            <tbody>
                                {p.lines.iter().map(|l| view! {
                                    <tr>
                                        <th scope="row">{l.name.clone()}</th>
                                        <td>{l.fee.clone()}</td>
                                        <td>{if l.quantity == 0 { t.not_lent.clone() } else { l.quantity.to_string() }}</td>
                                        <td><a href=format!("{base}?equipment={}#equipment-form", l.id)>{l.edit.clone()}</a></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <section id="equipment-form" aria-labelledby="eq-form-title">
                <h2 id="eq-form-title">{t.form_title.clone()}</h2>
                <FixNotice errors=e.clone()/>
                <ActionForm action=save>
                    <input type="hidden" name="facility" value=p.facility_id.to_string()/>
                    <input type="hidden" name="id" value=p.editing.map(|i| i.to_string()).unwrap_or_default()/>
                    <Field key="name_ja" name=n("name_ja") label=t.name_ja.clone() value=v.name_ja.clone() errors=e.clone() required=true/>
                    <Field key="name_en" name=n("name_en") label=t.name_en.clone() value=v.name_en.clone() errors=e.clone() hint=t.name_en_hint.clone()/>
                    <Field key="fee" name=n("fee") label=t.fee.clone() value=v.fee.clone() errors=e.clone() hint=t.fee_hint.clone() numeric=true required=true/>
                    <Field key="quantity" name=n("quantity") label=t.quantity.clone() value=v.quantity.clone() errors=e.clone() hint=t.quantity_hint.clone() numeric=true required=true/>
                    <p class="actions">
                        <button type="submit" class="button button-primary">{t.submit.clone()}</button>
                        {p.editing.is_some().then(|| view! { <a class="button" href=base.clone()>{t.cancel_edit.clone()}</a> })}
                    </p>
                </ActionForm>
            </section>
        }
    })
}
