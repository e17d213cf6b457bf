//! Blocks and closures, with a decision on each colliding booking.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{ConsoleBar, FlashView, console_loaded, ct};
use crate::console::api::*;
use crate::console::types::*;

/// `/console/facilities/{id}/block`.
#[component]
pub fn BlockPageView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("decide"),
            )
        },
        |(id, _)| get_block_page(id),
    );
    console_loaded(data, |p: BlockPage| {
        let facility_for_save = p.facility_id.to_string();
        let t = ct();
        let check = ServerAction::<CheckBlock>::new();
        let save = ServerAction::<SaveBlock>::new();
        let v = p.values.clone();
        let facility = p.facility_id.to_string();
        let n = p.collisions.len();
        view! {
            <Title text=t.block_title/>
            {p.me.clone().map(|me| view! { <ConsoleBar me/> })}
            <h1>{t.block_title}</h1>
            <p class="lead">{p.facility.clone()}</p>
            <FlashView flash=p.flash.clone()/>
            <p>{t.block_lead}</p>
            <ActionForm action=check>
                <input type="hidden" name="facility" value=facility.clone()/>
                <fieldset class="field">
                    <legend>{t.kind_legend}</legend>
                    <div class="choice">
                        <input type="radio" id="b-kind-block" name="kind" value="block" checked=!v.is_closure()/>
                        <label for="b-kind-block">{t.kind_block}</label>
                    </div>
                    <div class="choice">
                        <input type="radio" id="b-kind-closure" name="kind" value="closure" checked=v.is_closure()/>
                        <label for="b-kind-closure">{t.kind_closure}</label>
                    </div>
                </fieldset>
                <div class="field">
                    <label for="b-unit">{t.unit}</label>
                    <select id="b-unit" name="unit">
                        <option value="" selected=v.unit.is_empty()>{t.whole_facility}</option>
                        {p.units.iter().map(|u| {
                            let selected = v.unit == u.id.to_string();
                            view! { <option value=u.id.to_string() selected=selected>{u.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="b-date">{t.date}</label>
                    <input id="b-date" name="date" type="date" required value=v.date.clone()/>
                </div>
                <p id="b-times-hint" class="hint">{t.block_times_hint}</p>
                <div class="field">
                    <label for="b-until">{t.until_label}</label>
                    <input id="b-until" name="until" type="date" value=v.until.clone() aria-describedby="b-times-hint"/>
                </div>
                <div class="field">
                    <label for="b-from">{t.start_time}</label>
                    <input id="b-from" name="from" type="time" value=v.from.clone() aria-describedby="b-times-hint"/>
                </div>
                <div class="field">
                    <label for="b-to">{t.end_time}</label>
                    <input id="b-to" name="to" type="time" value=v.to.clone() aria-describedby="b-times-hint"/>
                </div>
                <div class="field">
                    <label for="b-reason">{t.reason}</label>
                    <input id="b-reason" name="reason" type="text" required maxlength="500" value=v.reason.clone()/>
                </div>
                <p><button type="submit" class="button">{t.check_button}</button></p>
            </ActionForm>
            {(n > 0).then(|| view! {
                <section>
                    <h2>{(t.collisions_heading)(n)}</h2>
                    <p>{t.collisions_lead}</p>
                    <ActionForm action=save>
                        <input type="hidden" name="facility" value=facility_for_save/>
                        {p.collisions.iter().enumerate().map(|(i, c)| {
                            let name = format!("decisions[{i}]");
                            let (cancel_id, keep_id) = (format!("dc-{}", c.id), format!("dk-{}", c.id));
                            view! {
                                <fieldset class="decision">
                                    <legend>{format!("{} {} {} {}", c.reference, c.unit, c.when, c.status_label)}</legend>
                                    <p>
                                        <input type="radio" id=cancel_id.clone() name=name.clone() value=format!("{}:cancel", c.id) required/>
                                        <label for=cancel_id>{t.decision_cancel}</label>
                                    </p>
                                    <p>
                                        <input type="radio" id=keep_id.clone() name=name value=format!("{}:keep", c.id)/>
                                        <label for=keep_id>{t.decision_keep}</label>
                                    </p>
                                </fieldset>
                            }
                        }).collect_view()}
                        <p><button type="submit" class="button button-primary">{t.save_block}</button></p>
                    </ActionForm>
                </section>
            })}
        }
    })
}
