//! A unit's rules: edit, preview and save.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{ConsoleBar, FlashView, console_loaded, ct};
use crate::console::api::*;
use crate::console::types::*;

/// One labelled input of the rules form, with its message if any.
#[component]
fn RuleInput(
    key: &'static str,
    label: &'static str,
    value: String,
    errors: Vec<RulesMessage>,
    #[prop(default = "numeric")] inputmode: &'static str,
) -> impl IntoView {
    let id = format!("rule-{key}");
    let error = errors
        .iter()
        .find(|e| e.key == key)
        .map(|e| e.message.clone());
    let error_id = format!("{id}-error");
    let described = error.is_some().then(|| error_id.clone());
    view! {
        <div class="field" class:has-error=error.is_some()>
            <label for=id.clone()>{label}</label>
            {error.clone().map(|e| view! { <p id=error_id.clone() class="field-error"><span aria-hidden="true">"⚠ "</span>{e}</p> })}
            <input id=id name=format!("rules[{key}]") type="text" inputmode=inputmode value=value
                aria-invalid=error.is_some().then_some("true") aria-describedby=described/>
        </div>
    }
}

/// `/console/facilities/{id}/units/{unit}/rules`: edit, preview, save.
#[component]
pub fn RulesPageView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                params.read().get("unit").unwrap_or_default(),
                query.read().get("v"),
            )
        },
        |(id, unit, v)| get_rules_page(id, unit, v),
    );
    console_loaded(data, |p: RulesPage| {
        let t = ct();
        let preview = ServerAction::<PreviewRules>::new();
        let save = ServerAction::<SaveRules>::new();
        let v = p.values.clone();
        let errs = p.errors.clone();
        let row_error = move |key: String| {
            errs.iter()
                .find(|e| e.key == key)
                .map(|e| e.message.clone())
        };
        let row_error2 = row_error.clone();
        let e = p.errors.clone();
        let facility = p.facility_id.to_string();
        let unit = p.unit_id.to_string();
        let (f2, u2) = (facility.clone(), unit.clone());
        view! {
            <Title text=p.title.clone()/>
            <ConsoleBar me=p.me.clone()/>
            <h1>{p.title.clone()}</h1>
            <FlashView flash=p.flash.clone()/>
            <p class="lead">{t.rules_lead}</p>
            <nav aria-label=t.rules_units_heading class="no-print">
                <ul class="inline-list">
                    {p.units.iter().map(|u| {
                        let current = u.id == p.unit_id;
                        view! { <li><a href=format!("/console/facilities/{}/units/{}/rules", p.facility_id, u.id)
                            aria-current=current.then_some("page")>{u.name.clone()}</a></li> }
                    }).collect_view()}
                </ul>
            </nav>
            {(!p.errors.is_empty()).then(|| view! {
                <div class="notice notice-error" role="alert">
                    <p>{t.rules_fix}</p>
                    <ul>{p.errors.iter().map(|e| view! { <li>{e.message.clone()}</li> }).collect_view()}</ul>
                </div>
            })}
            {p.preview.clone().map(|pv| view! {
                <section id="preview" class="notice" aria-labelledby="preview-heading">
                    <h2 id="preview-heading">{(t.preview_heading)(&pv.month)}</h2>
                    <p>{(t.preview_totals)(pv.before_total, pv.after_total)}</p>
                    <p>{(t.preview_opens)(&pv.opens_before, &pv.opens_after)}</p>
                    {if pv.days.is_empty() {
                        view! { <p>{t.preview_no_change}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-scroll" role="region" aria-label=t.preview_day_caption tabindex="0">
                                <table class="list">
                                    <caption>{t.preview_day_caption}</caption>
                                    <thead><tr>
                                        <th scope="col">{t.date_label}</th>
                                        <th scope="col">{t.preview_before}</th>
                                        <th scope="col">{t.preview_after}</th>
                                    </tr></thead>
                                    <tbody>{pv.days.iter().map(|d| view! {
                                        <tr><th scope="row">{d.date.clone()}</th><td>{d.before}</td><td>{d.after}</td></tr>
                                    }).collect_view()}</tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                    <ActionForm action=save>
                        <input type="hidden" name="facility" value=f2.clone()/>
                        <input type="hidden" name="unit" value=u2.clone()/>
                        {(!pv.misfits.is_empty()).then(|| view! {
                            <h3>{t.preview_misfits}</h3>
                            {pv.misfits.iter().enumerate().map(|(i, m)| {
                                let name = format!("decisions[{i}]");
                                let (cancel_id, keep_id) = (format!("mc-{}", m.id), format!("mk-{}", m.id));
                                view! {
                                    <fieldset class="decision">
                                        <legend>{format!("{} {} {} {}", m.reference, m.unit, m.when, m.status_label)}</legend>
                                        <p>
                                            <input type="radio" id=keep_id.clone() name=name.clone() value=format!("{}:keep", m.id) required/>
                                            <label for=keep_id>{t.misfit_keep}</label>
                                        </p>
                                        <p>
                                            <input type="radio" id=cancel_id.clone() name=name value=format!("{}:cancel", m.id)/>
                                            <label for=cancel_id>{t.misfit_cancel}</label>
                                        </p>
                                    </fieldset>
                                }
                            }).collect_view()}
                        })}
                        <p><button type="submit" class="button button-primary">{t.save_rules_button}</button></p>
                    </ActionForm>
                </section>
            })}
            <ActionForm action=preview>
                <input type="hidden" name="facility" value=facility/>
                <input type="hidden" name="unit" value=unit/>
                <fieldset>
                    <legend>{t.rules_basics}</legend>
                    <RuleInput key="capacity" label=t.f_capacity value=v.capacity.clone() errors=e.clone()/>
                    <RuleInput key="min_slots" label=t.f_min_slots value=v.min_slots.clone() errors=e.clone()/>
                    <RuleInput key="max_slots" label=t.f_max_slots value=v.max_slots.clone() errors=e.clone()/>
                    <div class="choice">
                        <input type="checkbox" id="rule-requires_approval" name="rules[requires_approval]" value="true"
                            checked=v.requires_approval/>
                        <label for="rule-requires_approval">{t.f_requires_approval}</label>
                    </div>
                    <RuleInput key="pending_hold_hours" label=t.f_pending_hold_hours value=v.pending_hold_hours.clone() errors=e.clone()/>
                </fieldset>
                <fieldset>
                    <legend>{t.rules_window}</legend>
                    <RuleInput key="open_months_before" label=t.f_open_months_before value=v.open_months_before.clone() errors=e.clone()/>
                    <RuleInput key="open_months_before_nonresident" label=t.f_open_months_before_nonresident value=v.open_months_before_nonresident.clone() errors=e.clone()/>
                    <RuleInput key="open_day" label=t.f_open_day value=v.open_day.clone() errors=e.clone()/>
                    <RuleInput key="open_time" label=t.f_open_time value=v.open_time.clone() errors=e.clone() inputmode="text"/>
                    <RuleInput key="close_days_before" label=t.f_close_days_before value=v.close_days_before.clone() errors=e.clone()/>
                    <RuleInput key="close_time" label=t.f_close_time value=v.close_time.clone() errors=e.clone() inputmode="text"/>
                    <RuleInput key="cancel_days_before" label=t.f_cancel_days_before value=v.cancel_days_before.clone() errors=e.clone()/>
                    <RuleInput key="cancel_time" label=t.f_cancel_time value=v.cancel_time.clone() errors=e.clone() inputmode="text"/>
                </fieldset>
                {if p.grid {
                    view! {
                        <fieldset>
                            <legend>{t.rules_grid}</legend>
                            <RuleInput key="grid_step" label=t.f_grid_step value=v.grid_step.clone() errors=e.clone()/>
                            <RuleInput key="grid_fee_resident" label=t.f_grid_fee_resident value=v.grid_fee_resident.clone() errors=e.clone()/>
                            <RuleInput key="grid_fee_nonresident" label=t.f_grid_fee_nonresident value=v.grid_fee_nonresident.clone() errors=e.clone()/>
                        </fieldset>
                    }.into_any()
                } else {
                    view! {
                        <fieldset>
                            <legend>{t.rules_periods}</legend>
                            <p class="hint">{t.rules_periods_hint}</p>
                            {v.templates.iter().enumerate().map(|(i, tp)| {
                                let key = format!("template-{i}");
                                let err = row_error(key.clone());
                                let cell = move |name: &'static str, label: &'static str, value: String| {
                                    let id = format!("rule-{key}-{name}");
                                    view! {
                                        <div class="field">
                                            <label for=id.clone()>{label}</label>
                                            <input id=id name=format!("rules[templates][{i}][{name}]") type="text" value=value
                                                size="8"/>
                                        </div>
                                    }
                                };
                                view! {
                                    <fieldset class="row-fields" class:has-error=err.is_some()>
                                        <legend>{(t.period_row)(i)}</legend>
                                        {err.clone().map(|m| view! { <p class="field-error" role="alert"><span aria-hidden="true">"⚠ "</span>{m}</p> })}
                                        {cell("label_ja", t.f_label_ja, tp.label_ja.clone())}
                                        {cell("label_en", t.f_label_en, tp.label_en.clone())}
                                        {cell("start", t.f_start, tp.start.clone())}
                                        {cell("end", t.f_end, tp.end.clone())}
                                        {cell("fee_resident", t.f_fee_resident, tp.fee_resident.clone())}
                                        {cell("fee_nonresident", t.f_fee_nonresident, tp.fee_nonresident.clone())}
                                        {cell("holiday_resident", t.f_holiday_resident, tp.holiday_resident.clone())}
                                        {cell("holiday_nonresident", t.f_holiday_nonresident, tp.holiday_nonresident.clone())}
                                    </fieldset>
                                }
                            }).collect_view()}
                        </fieldset>
                    }.into_any()
                }}
                <fieldset>
                    <legend>{t.rules_hours}</legend>
                    <p class="hint">{t.rules_hours_hint}</p>
                    {v.hours.iter().enumerate().map(|(d, h)| {
                        let key = format!("hours-{d}");
                        let err = row_error2(key.clone());
                        let day = p.weekdays.get(d).cloned().unwrap_or_default();
                        view! {
                            <fieldset class="row-fields" class:has-error=err.is_some()>
                                <legend>{day}</legend>
                                {err.clone().map(|m| view! { <p class="field-error"><span aria-hidden="true">"⚠ "</span>{m}</p> })}
                                <div class="field">
                                    <label for=format!("rule-{key}-opens")>{t.f_opens}</label>
                                    <input id=format!("rule-{key}-opens") name=format!("rules[hours][{d}][opens]") type="text" value=h.opens.clone() size="6"/>
                                </div>
                                <div class="field">
                                    <label for=format!("rule-{key}-closes")>{t.f_closes}</label>
                                    <input id=format!("rule-{key}-closes") name=format!("rules[hours][{d}][closes]") type="text" value=h.closes.clone() size="6"/>
                                </div>
                            </fieldset>
                        }
                    }).collect_view()}
                </fieldset>
                <fieldset class:has-error=row_error2("closed_days".to_owned()).is_some()>
                    <legend>{t.rules_closed}</legend>
                    <p class="hint">{t.rules_closed_hint}</p>
                    {row_error2("closed_days".to_owned()).map(|m| view! { <p class="field-error"><span aria-hidden="true">"⚠ "</span>{m}</p> })}
                    {p.weekdays.iter().enumerate().map(|(d, day)| {
                        let id = format!("rule-closed-{d}");
                        view! {
                            <div class="choice">
                                <input type="checkbox" id=id.clone() name=format!("rules[closed_days][{d}]") value=d.to_string()
                                    checked=v.closed_days.iter().any(|x| *x == d.to_string())/>
                                <label for=id>{day.clone()}</label>
                            </div>
                        }
                    }).collect_view()}
                    <div class="choice">
                        <input type="checkbox" id="rule-shift_when_holiday" name="rules[shift_when_holiday]" value="true" checked=v.shift_when_holiday/>
                        <label for="rule-shift_when_holiday">{t.f_shift_when_holiday}</label>
                    </div>
                    <div class="choice">
                        <input type="checkbox" id="rule-closed_on_holidays" name="rules[closed_on_holidays]" value="true" checked=v.closed_on_holidays/>
                        <label for="rule-closed_on_holidays">{t.f_closed_on_holidays}</label>
                    </div>
                    <div class="choice">
                        <input type="checkbox" id="rule-year_end" name="rules[year_end]" value="true" checked=v.year_end/>
                        <label for="rule-year_end">{t.f_year_end}</label>
                    </div>
                </fieldset>
                <p><button type="submit" class="button button-primary">{t.preview_button}</button></p>
            </ActionForm>
        }
    })
}
