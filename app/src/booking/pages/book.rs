//! The booking flow: form → review → done. Each step is a server-rendered
//! page whose form posts to a server function and is redirected to the
//! next page (POST/redirect/GET), so it works without JavaScript; with it,
//! the same forms run as an SPA without page loads.

use crate::booking::types::{BookingDetail, BookingForm, BookingReview, FeeText, ReviewPage};
use domain::applicant::BookingField;
use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::core::town::at;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::booking::api::{
    ConfirmBooking, JoinWaitlist, ReviewBooking, get_booking_form, get_done, get_review,
};
use crate::booking::texts::texts;
use crate::core::components::ActionError;
use crate::core::components::{loaded, set_status};
use crate::core::lang::use_lang;
use crate::core::messages::field_label;

/// Step 1: the form, for a unit and start time chosen on the day view.
#[component]
pub fn BookForm() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("id").unwrap_or_default(),
                q.get("unit").unwrap_or_default(),
                q.get("date").unwrap_or_default(),
                q.get("time").unwrap_or_default(),
                q.get("until"),
                q.get("wait"),
            )
        },
        |(id, unit, date, time, until, wait)| get_booking_form(id, unit, date, time, until, wait),
    );
    loaded(data, false, |form| view! { <FormStep form/> })
}

/// Step 2: what to fix, or everything as it will be booked.
#[component]
pub fn BookReview() -> impl IntoView {
    let query = use_query_map();
    // `v` changes with every new set of answers, so the page reloads them.
    let data = Resource::new(move || query.read().get("v"), |_| get_review());
    loaded(data, false, |page| match page {
        ReviewPage::Missing => view! { <MissingDraft/> }.into_any(),
        ReviewPage::Form(form) => view! { <FormStep form=*form/> }.into_any(),
        ReviewPage::Review(review) => view! { <ReviewStep review=*review/> }.into_any(),
    })
}

/// Step 3: the reference code and everything to keep.
#[component]
pub fn BookDone() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_done());
    loaded(data, false, |d| view! { <DoneStep d/> })
}

#[component]
fn Steps(current: usize) -> impl IntoView {
    let t = texts(use_lang());
    view! {
        <ol class="steps" aria-label=t.steps_label>
            {t.steps.iter().enumerate().map(|(i, s)| {
                let here = i + 1 == current;
                view! {
                    <li aria-current=here.then_some("step") class:current=here>
                        {*s}{here.then_some(t.step_current).map(|c| view! { <span class="vh">{c}</span> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// The waiting list's part of the form: what it is, and once the answers
/// are checked, the button that joins the line.
#[component]
fn WaitSection(w: crate::booking::types::WaitJoin) -> impl IntoView {
    let join = ServerAction::<JoinWaitlist>::new();
    let button = w.join.map(|(text, version)| {
        view! {
            <crate::core::components::ActionError action=join/>
            <ActionForm action=join>
                <input type="hidden" name="version" value=version.to_string()/>
                <p><button type="submit" class="button button-primary">{text}</button></p>
            </ActionForm>
        }
    });
    view! {
        <section class="wait" aria-labelledby="wait-heading">
            <h2 id="wait-heading">{w.heading}</h2>
            <p>{w.lead}</p>
            {button}
        </section>
    }
}

#[component]
fn MissingDraft() -> impl IntoView {
    let lang = use_lang();
    let t = texts(lang);
    set_status(404);
    view! {
        <Title text=t.missing_draft_title/>
        <h1>{t.missing_draft_title}</h1>
        <p class="notice">{crate::core::messages::missing_message(lang, domain::error::Missing::Draft)}</p>
        <p><a href=at("/facilities")>{crate::core::i18n::texts(lang).back_to_facilities}</a></p>
    }
}

fn field_id(field: BookingField) -> String {
    format!("f-{}", field.as_str().replace('_', "-"))
}

/// One labelled input with its hint and, if any, what to fix.
#[component]
fn Field(
    field: BookingField,
    hint: String,
    value: String,
    error: Option<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] multiline: bool,
) -> impl IntoView {
    let lang = use_lang();
    let t = texts(lang);
    let id = field_id(field);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = if error.is_some() {
        format!("{error_id} {hint_id}")
    } else {
        hint_id.clone()
    };
    let invalid = error.is_some().then_some("true");
    let has_error = error.is_some();
    let input = if multiline {
        view! {
            <textarea id=id.clone() name=field.as_str() rows="3" aria-required="true"
                aria-invalid=invalid aria-describedby=described.clone()>{value}</textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() name=field.as_str() type=kind value=value aria-required="true"
                aria-invalid=invalid aria-describedby=described.clone()
                autocomplete=autocomplete inputmode=inputmode/>
        }
        .into_any()
    };
    view! {
        <div class="field" class:has-error=has_error>
            <label for=id>{field_label(lang, field)}" "<span class="req">{t.required}</span></label>
            <p id=hint_id class="hint">{hint}</p>
            {error.map(|e| view! { <p id=error_id class="field-error"><span aria-hidden="true">"⚠ "</span>{e}</p> })}
            {input}
        </div>
    }
}

#[component]
fn FormStep(form: BookingForm) -> impl IntoView {
    let lang = use_lang();
    let t = texts(lang);
    let review = ServerAction::<ReviewBooking>::new();
    let errors = form.errors.clone();
    let error_of = move |field: BookingField| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    };
    let v = form.values.clone();
    let has_errors = !form.errors.is_empty();
    let can_book = !form.ends.is_empty();
    let single_end = form.ends.len() == 1;
    let resident_error = error_of(BookingField::Resident);
    let equipment_error = error_of(BookingField::Equipment);
    let title = if has_errors {
        format!(
            "{} ({})",
            t.form_title,
            (t.errors_heading)(form.errors.len())
        )
    } else {
        t.form_title.to_owned()
    };
    if has_errors {
        set_status(422);
    }
    view! {
        <Title text=title/>
        <p class="breadcrumb"><a href=form.day_href.clone()><span aria-hidden="true">"← "</span>{t.back_to_day}</a></p>
        <h1>{t.form_title}</h1>
        <Steps current=1/>
        {form.wait.is_none().then(|| view! { <TakenWatch form=form.clone()/> })}
        {has_errors.then(|| view! {
            <div class="notice notice-error" role="alert" id="errors">
                <h2>{(t.errors_heading)(form.errors.len())}</h2>
                <ul>
                    {form.errors.iter().map(|e| {
                        // Fields the person types in get a link to the input;
                        // the slot itself (unit, start, end) has no input here.
                        let linked = !matches!(e.field, BookingField::UnitId | BookingField::Start | BookingField::End);
                        let target = if e.field == BookingField::Resident { "f-resident".to_owned() } else { field_id(e.field) };
                        if linked {
                            view! { <li><a href=format!("#{target}")>{e.message.clone()}</a></li> }.into_any()
                        } else {
                            view! { <li>{e.message.clone()}</li> }.into_any()
                        }
                    }).collect_view()}
                </ul>
            </div>
        })}
        {form.notice.clone().map(|n| view! { <p class="notice notice-error" role="alert">{n}</p> })}
        {form.wait.clone().map(|w| view! { <WaitSection w/> })}
        {(!form.alternatives.is_empty() || (form.notice.is_some() && !can_book)).then(|| view! {
            <section class="alternatives" aria-labelledby="alt-heading">
                <h2 id="alt-heading">{t.alternatives_heading}</h2>
                {if form.alternatives.is_empty() {
                    view! { <p>{t.no_alternatives}</p> }.into_any()
                } else {
                    view! {
                        <ul class="choices">
                            {form.alternatives.iter().map(|a| view! {
                                <li><a class="button" href=a.href.clone()>{a.text.clone()}<span class="vh">{format!(" {}", t.choose_this)}</span></a></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        })}
        <dl class="summary">
            <dt>{crate::booking::texts::texts(lang).facility_label}</dt><dd>{form.facility_name.clone()}</dd>
            <dt>{t.unit_label}</dt><dd>{form.unit_name.clone()}</dd>
            <dt>{t.when_label}</dt><dd>{form.when_text.clone()}</dd>
        </dl>
        {can_book.then(|| view! {
            <p class="lead">{t.form_lead}</p>
            <ActionForm action=review>
                {form.wait.is_some().then(|| view! { <input type="hidden" name="wait" value="1"/> })}
                <input type="hidden" name="facility" value=form.facility_id.to_string()/>
                <input type="hidden" name="unit_id" value=form.unit_id.to_string()/>
                <input type="hidden" name="start" value=form.start.clone()/>
                {if single_end {
                    view! { <input type="hidden" name="end" value=form.end.clone()/> }.into_any()
                } else {
                    view! {
                        <div class="field">
                            <label for="f-end">{t.end_label}</label>
                            <select id="f-end" name="end">
                                {form.ends.iter().map(|e| view! {
                                    <option value=e.value.clone() selected=e.value == form.end>{e.text.clone()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                    }.into_any()
                }}
                <Field field=BookingField::Name hint=t.name_hint.into() value=v.name.clone()
                    error=error_of(BookingField::Name) autocomplete="name"/>
                <Field field=BookingField::NameKana hint=t.kana_hint.into() value=v.name_kana.clone()
                    error=error_of(BookingField::NameKana)/>
                <Field field=BookingField::Phone hint=t.phone_hint.into() value=v.phone.clone()
                    error=error_of(BookingField::Phone) kind="tel" autocomplete="tel" inputmode="tel"/>
                <Field field=BookingField::Email hint=t.email_hint.into() value=v.email.clone()
                    error=error_of(BookingField::Email) kind="email" autocomplete="email" inputmode="email"/>
                <Field field=BookingField::Purpose hint=t.purpose_hint.into() value=v.purpose.clone()
                    error=error_of(BookingField::Purpose) multiline=true/>
                <Field field=BookingField::Attendees hint=(t.attendees_hint)(form.capacity) value=v.attendees.clone()
                    error=error_of(BookingField::Attendees) inputmode="numeric"/>
                <fieldset class="field" class:has-error=resident_error.is_some()
                    aria-describedby=resident_error.is_some().then_some("f-resident-error")>
                    <legend>{t.resident_legend}" "<span class="req">{t.required}</span></legend>
                    {resident_error.clone().map(|e| view! { <p id="f-resident-error" class="field-error"><span aria-hidden="true">"⚠ "</span>{e}</p> })}
                    <div class="choice">
                        <input type="radio" id="f-resident" name="resident" value="true" checked=v.resident == "true"
                            aria-invalid=resident_error.is_some().then_some("true")/>
                        <label for="f-resident">{t.resident_yes}</label>
                    </div>
                    <div class="choice">
                        <input type="radio" id="f-nonresident" name="resident" value="false" checked=v.resident == "false"
                            aria-invalid=resident_error.is_some().then_some("true")/>
                        <label for="f-nonresident">{t.resident_no}</label>
                    </div>
                </fieldset>
                // The waiting list takes the time alone.
                {form.wait.is_none().then(|| view! {
                <fieldset class="field" id=field_id(BookingField::Equipment)
                    aria-describedby=equipment_error.is_some().then_some("f-equipment-error")>
                    <legend>{t.equipment_legend}</legend>
                    {equipment_error.clone().map(|e| view! { <p id="f-equipment-error" class="field-error"><span aria-hidden="true">"⚠ "</span>{e}</p> })}
                    {if form.equipment.is_empty() {
                        view! { <p class="hint">{t.no_equipment}</p> }.into_any()
                    } else {
                        form.equipment.iter().enumerate().map(|(i, e)| {
                            let id = format!("f-eq-{}", e.id);
                            view! {
                                <div class="choice">
                                    <input type="checkbox" id=id.clone() name=format!("equipment[{i}]") value=e.id.to_string() checked=e.checked/>
                                    <label for=id>{format!("{} ({})", e.name, e.fee)}</label>
                                </div>
                            }
                        }).collect_view().into_any()
                    }}
                </fieldset>
                })}
                {(!form.reductions.is_empty()).then(|| {
                    let choice_error = error_of(BookingField::Reduction);
                    let note_error = error_of(BookingField::ReductionNote);
                    let none_chosen = !form.reductions.iter().any(|r| r.selected);
                    let note_described = if note_error.is_some() {
                        "f-reduction-note-error f-reduction-hint"
                    } else {
                        "f-reduction-hint"
                    };
                    view! {
                        <fieldset class="field" id=field_id(BookingField::Reduction)
                            class:has-error=choice_error.is_some() || note_error.is_some()
                            aria-describedby="f-reduction-hint">
                            <legend>{t.reduction_legend}" "<span class="opt">{t.optional}</span></legend>
                            <p id="f-reduction-hint" class="hint">{t.reduction_hint}</p>
                            {choice_error.clone().map(|e| view! { <p class="field-error"><span aria-hidden="true">"⚠ "</span>{e}</p> })}
                            <div class="choice">
                                <input type="radio" id="f-reduction-none" name="reduction" value="" checked=none_chosen/>
                                <label for="f-reduction-none">{t.reduction_none}</label>
                            </div>
                            {form.reductions.iter().map(|r| {
                                let id = format!("f-reduction-{}", r.id);
                                let proof_id = format!("{id}-proof");
                                view! {
                                    <div class="choice">
                                        <input type="radio" id=id.clone() name="reduction" value=r.id.to_string()
                                            checked=r.selected aria-describedby=proof_id.clone()/>
                                        <label for=id>{r.name.clone()}</label>
                                    </div>
                                    <p id=proof_id class="hint choice-hint">{r.proof.clone()}</p>
                                }
                            }).collect_view()}
                            <label for=field_id(BookingField::ReductionNote)>{field_label(lang, BookingField::ReductionNote)}</label>
                            {note_error.clone().map(|e| view! { <p id="f-reduction-note-error" class="field-error"><span aria-hidden="true">"⚠ "</span>{e}</p> })}
                            <textarea id=field_id(BookingField::ReductionNote) name="reduction_note" rows="2"
                                aria-invalid=note_error.is_some().then_some("true") aria-describedby=note_described>{form.reduction_note.clone()}</textarea>
                        </fieldset>
                    }
                })}
                {form.series.clone().map(|series| view! { <SeriesFields series/> })}
                {form.override_reason.clone().map(|reason| {
                    let error = error_of(BookingField::OverrideReason);
                    let described = if error.is_some() {
                        "f-override-reason-error f-override-reason-hint"
                    } else {
                        "f-override-reason-hint"
                    };
                    view! {
                        <fieldset class="field proxy" class:has-error=error.is_some()>
                            <legend>{t.proxy_legend}</legend>
                            <label for="f-override-reason">{field_label(lang, BookingField::OverrideReason)}" "<span class="opt">{t.optional}</span></label>
                            <p id="f-override-reason-hint" class="hint">{t.override_hint}</p>
                            {error.clone().map(|e| view! { <p id="f-override-reason-error" class="field-error"><span aria-hidden="true">"⚠ "</span>{e}</p> })}
                            <textarea id="f-override-reason" name="override_reason" rows="2"
                                aria-invalid=error.is_some().then_some("true") aria-describedby=described>{reason}</textarea>
                        </fieldset>
                    }
                })}
                <ActionError action=review/>
                <p><button type="submit" class="button button-primary">{t.submit_review}</button></p>
            </ActionForm>
        })}
        <section class="rules" aria-labelledby="rules-heading">
            <h2 id="rules-heading">{t.rules_heading}</h2>
            <ul>{form.rules.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}</ul>
        </section>
    }
}

/// The fee table.
#[component]
pub fn FeeTable(fee: FeeText) -> impl IntoView {
    let t = texts(use_lang());
    view! {
        <table class="fee-table">
            <caption>{t.fee_caption}</caption>
            // Two columns, the price and count under each item, so the
            // amounts keep their place on a phone with large text.
            <thead><tr><th scope="col">{t.fee_item}</th><th scope="col" class="num">{t.fee_amount}</th></tr></thead>
            <tbody>
                {fee.lines.into_iter().map(|l| view! {
                    <tr><th scope="row">{l.label}<span class="fee-detail">{l.detail}</span></th><td class="num">{l.amount}</td></tr>
                }).collect_view()}
            </tbody>
            <tfoot><tr><th scope="row">{t.fee_total}</th><td class="num"><strong>{fee.total}</strong></td></tr></tfoot>
        </table>
    }
}

#[component]
fn ReviewStep(review: BookingReview) -> impl IntoView {
    let lang = use_lang();
    let t = texts(lang);
    let confirm = ServerAction::<ConfirmBooking>::new();
    let f = review.form.clone();
    let v = f.values.clone();
    let none = t.none.to_owned();
    let equipment = if review.equipment.is_empty() {
        none
    } else {
        review
            .equipment
            .join(crate::core::i18n::texts(lang).list_separator)
    };
    view! {
        <Title text=t.review_title/>
        <h1>{t.review_title}</h1>
        <Steps current=2/>
        <p class="lead">{t.review_lead}</p>
        <dl class="summary">
            <dt>{t.facility_label}</dt><dd>{f.facility_name}</dd>
            <dt>{t.unit_label}</dt><dd>{f.unit_name}</dd>
            <dt>{t.when_label}</dt><dd>{review.when_text}</dd>
            <dt>{field_label(lang, BookingField::Name)}</dt><dd>{v.name}</dd>
            <dt>{field_label(lang, BookingField::NameKana)}</dt><dd>{v.name_kana}</dd>
            <dt>{field_label(lang, BookingField::Phone)}</dt><dd>{v.phone}</dd>
            <dt>{field_label(lang, BookingField::Email)}</dt><dd>{v.email}</dd>
            <dt>{field_label(lang, BookingField::Purpose)}</dt><dd>{v.purpose}</dd>
            <dt>{field_label(lang, BookingField::Attendees)}</dt><dd>{v.attendees}</dd>
            <dt>{field_label(lang, BookingField::Resident)}</dt><dd>{review.resident_text}</dd>
            <dt>{field_label(lang, BookingField::Equipment)}</dt><dd>{equipment}</dd>
            <dt>{t.cancel_deadline_label}</dt><dd>{review.cancel_deadline}</dd>
            {review.override_reason.map(|r| view! {
                <dt>{field_label(lang, BookingField::OverrideReason)}</dt><dd>{r}</dd>
            })}
            {review.reduction.map(|r| view! {
                <dt>{field_label(lang, BookingField::Reduction)}</dt><dd>{r.name}</dd>
                <dt>{field_label(lang, BookingField::ReductionNote)}</dt><dd>{r.note}</dd>
            })}
        </dl>
        <h2>{t.fee_heading}</h2>
        <FeeTable fee=review.fee/>
        <p class="hint">{t.fee_note}</p>
        {review.pending_note.map(|n| view! { <p class="notice">{n}</p> })}
        {match review.series {
            Some(series) => view! { <SeriesDates series version=review.version edit=f.edit_href/> }.into_any(),
            None => view! {
                <ActionForm action=confirm>
                    <input type="hidden" name="version" value=review.version.to_string()/>
                    <ActionError action=confirm/>
                    <p class="actions">
                        <button type="submit" class="button button-primary">{t.confirm_button}</button>
                        <a class="button" href=f.edit_href>{t.edit_button}</a>
                    </p>
                </ActionForm>
            }.into_any(),
        }}
    }
}

/// The form's series fields (定期利用); words come with the data.
#[component]
fn SeriesFields(series: crate::booking::types::SeriesForm) -> impl IntoView {
    let s = series;
    let has_error = s.repeat_error.is_some() || s.until_error.is_some();
    let until_described = if s.until_error.is_some() {
        "f-until-error f-until-hint"
    } else {
        "f-until-hint"
    };
    let checks = |name: &'static str, items: Vec<crate::booking::types::Option3>| {
        items
            .into_iter()
            .enumerate()
            .map(|(i, (value, words, checked))| {
                let id = format!("f-{name}-{value}");
                view! {
                    <div class="choice">
                        <input type="checkbox" id=id.clone() name=format!("{name}[{i}]") value=value checked=checked/>
                        <label for=id>{words}</label>
                    </div>
                }
            })
            .collect_view()
    };
    let checks = move |name, items| view! { <div class="choice-grid">{checks(name, items)}</div> };
    view! {
        <fieldset class="field series" id="f-repeat-set" class:has-error=has_error aria-describedby="f-series-hint">
            <legend>{s.legend}" "<span class="opt">{texts(use_lang()).optional}</span></legend>
            <p id="f-series-hint" class="hint">{s.hint}</p>
            <label for="f-repeat">{s.repeat_label}</label>
            {s.repeat_error.clone().map(|e| view! { <p id="f-repeat-error" class="field-error"><span aria-hidden="true">"⚠ "</span>{e}</p> })}
            <select id="f-repeat" name="repeat" aria-invalid=s.repeat_error.is_some().then_some("true")
                aria-describedby=s.repeat_error.is_some().then_some("f-repeat-error")>
                {s.repeats.into_iter().map(|(value, words, selected)| view! {
                    <option value=value selected=selected>{words}</option>
                }).collect_view()}
            </select>
            <fieldset class="series-days">
                <legend>{s.days_legend}</legend>
                {checks("days", s.days)}
            </fieldset>
            <fieldset class="series-days" aria-describedby="f-weeks-hint">
                <legend>{s.weeks_legend}</legend>
                <p id="f-weeks-hint" class="hint">{s.weeks_hint}</p>
                {checks("weeks", s.weeks)}
            </fieldset>
            <label for="f-until">{s.until_label}</label>
            <p id="f-until-hint" class="hint">{s.until_hint}</p>
            {s.until_error.clone().map(|e| view! { <p id="f-until-error" class="field-error"><span aria-hidden="true">"⚠ "</span>{e}</p> })}
            <input id="f-until" name="until" type="date" value=s.until
                aria-invalid=s.until_error.is_some().then_some("true") aria-describedby=until_described/>
        </fieldset>
    }
}

/// The review of a series: every date, which can be booked and why not,
/// and the button that books all of them or only the free ones.
#[component]
fn SeriesDates(
    series: crate::booking::types::SeriesReview,
    version: u32,
    edit: String,
) -> impl IntoView {
    let t = texts(use_lang());
    let confirm = ServerAction::<ConfirmBooking>::new();
    let s = series;
    let [c1, c2] = s.columns;
    view! {
        <section class="series" aria-labelledby="series-heading">
            <h2 id="series-heading">{s.heading}</h2>
            <p>{s.lead}</p>
            <table class="fee-table series-table">
                <caption>{s.caption}</caption>
                <thead><tr><th scope="col">{c1}</th><th scope="col" class="num">{c2}</th></tr></thead>
                <tbody>
                    {s.dates.into_iter().map(|d| view! {
                        <tr class:refused=!d.ok>
                            <th scope="row">{d.when}
                                <span class="fee-detail"><span aria-hidden="true">{if d.ok { "○ " } else { "× " }}</span>{d.outcome}</span>
                            </th>
                            <td class="num">{d.fee}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p><strong>{s.total}</strong></p>
        </section>
        <ActionForm action=confirm>
            <input type="hidden" name="version" value=version.to_string()/>
            <ActionError action=confirm/>
            <p class="actions">
                {s.buttons.into_iter().map(|(value, words)| view! {
                    <button type="submit" name="series" value=value class="button button-primary">{words}</button>
                }).collect_view()}
                <a class="button" href=edit>{t.edit_button}</a>
            </p>
        </ActionForm>
    }
}

/// A booking's series on its page: every date with its state.
#[component]
fn SeriesOf(s: crate::booking::types::SeriesPart) -> impl IntoView {
    view! {
        <section class="series" aria-labelledby="series-of-heading">
            <h2 id="series-of-heading">{s.heading}</h2>
            <p>{s.lead}</p>
            <ul class="series-list">
                {s.dates.into_iter().map(|(reference, when, state, here)| {
                    let text = format!("{when}　{state}");
                    if here {
                        view! { <li aria-current="true"><strong>{text}</strong></li> }.into_any()
                    } else {
                        view! { <li><a href=at(&format!("/bookings/{reference}"))>{text}</a></li> }.into_any()
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The booking's details, shared by the confirmation and the booking page.
#[component]
pub fn BookingSummary(d: BookingDetail) -> impl IntoView {
    let lang = use_lang();
    let t = texts(lang);
    let equipment = if d.equipment.is_empty() {
        t.none.to_owned()
    } else {
        d.equipment
            .join(crate::core::i18n::texts(lang).list_separator)
    };
    view! {
        <dl class="summary">
            <dt>{t.reference_label}</dt><dd><strong class="reference">{d.reference.clone()}</strong></dd>
            <dt>{t.status_label}</dt><dd data-status=d.status.clone()>{d.status_text}</dd>
            {d.pending_until.map(|p| view! { <dt>{t.pending_until_label}</dt><dd>{p}</dd> })}
            <dt>{t.facility_label}</dt><dd>{d.facility_name}<br/><span class="note">{d.facility_address}</span><br/><span class="note">{(t.phone_line)(&d.facility_phone)}</span></dd>
            <dt>{t.unit_label}</dt><dd>{d.unit_name}</dd>
            <dt>{t.when_label}</dt><dd>{d.when_text}</dd>
            <dt>{field_label(lang, BookingField::Name)}</dt><dd>{d.name}" ("{d.name_kana}")"</dd>
            <dt>{field_label(lang, BookingField::Phone)}</dt><dd>{d.phone}</dd>
            <dt>{field_label(lang, BookingField::Email)}</dt><dd>{d.email}</dd>
            <dt>{field_label(lang, BookingField::Purpose)}</dt><dd>{d.purpose}</dd>
            <dt>{field_label(lang, BookingField::Attendees)}</dt><dd>{(t.people)(d.attendees)}</dd>
            <dt>{field_label(lang, BookingField::Resident)}</dt><dd>{d.resident_text}</dd>
            <dt>{field_label(lang, BookingField::Equipment)}</dt><dd>{equipment}</dd>
            <dt>{t.cancel_deadline_label}</dt><dd>{d.cancel_deadline}</dd>
            {d.reduction.map(|r| view! {
                <dt>{field_label(lang, BookingField::Reduction)}</dt><dd>{r.name}</dd>
                <dt>{field_label(lang, BookingField::ReductionNote)}</dt><dd>{r.note}</dd>
                {r.state.map(|s| view! { <dt>{t.reduction_state_label}</dt><dd data-testid="reduction-state">{s}</dd> })}
            })}
        </dl>
        <h2>{t.fee_heading}</h2>
        <FeeTable fee=d.fee/>
        {d.series.map(|s| view! { <SeriesOf s/> })}
    }
}

/// Opens the browser's print dialog (a handler, not inline script: the
/// Content-Security-Policy allows no inline script).
pub fn print_page(_: leptos::ev::MouseEvent) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// Print (with JavaScript) or how to print (without), and the `.ics` link.
#[component]
pub fn KeepIt(reference: String) -> impl IntoView {
    let t = texts(use_lang());
    view! {
        <p class="actions no-print">
            <button type="button" class="button js-only" on:click=print_page>{t.print_button}</button>
            <a class="button" href=at(&format!("/bookings/{reference}/booking.ics")) rel="external" download="">{t.ics_link}</a>
        </p>
        <p class="hint no-js-only no-print">{t.print_hint}</p>
    }
}

#[component]
fn DoneStep(d: BookingDetail) -> impl IntoView {
    let lang = use_lang();
    let t = texts(lang);
    let title = if d.status == "pending" {
        t.done_title_pending
    } else {
        t.done_title
    };
    let reference = d.reference.clone();
    let day = at(&format!("/facilities/{}/days/{}", d.facility_id, d.date));
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        <Steps current=3/>
        <p class="reference-box" role="status">
            {t.reference_label}": "<strong class="reference" data-testid="reference">{reference.clone()}</strong>
        </p>
        <p>{t.reference_note}</p>
        <KeepIt reference=reference.clone()/>
        <BookingSummary d/>
        <p class="actions no-print">
            <a class="button" href=at(&format!("/bookings/{reference}"))>{crate::core::i18n::texts(use_lang()).nav_my_booking}</a>
            <a class="button" href=day>{t.see_day}</a>
        </p>
    }
}

/// Watches the chosen time while the form is open: when someone else books
/// it, says so (an alert) before the resident submits.
#[component]
fn TakenWatch(form: BookingForm) -> impl IntoView {
    let lang = use_lang();
    let live = crate::core::live::Live::new();
    let taken = RwSignal::new(false);
    let local = |rfc: &str| {
        chrono::DateTime::parse_from_rfc3339(rfc)
            .ok()
            .map(|t| t.naive_local().time())
    };
    let (start, end) = (local(&form.start), local(&form.end));
    let (facility, unit, date) = (form.facility_id.to_string(), form.unit_id, form.date);
    let url = format!("/live/facilities/{facility}?from={date}");
    crate::core::live::keep_live(live, url, move || {
        let facility = facility.clone();
        leptos::task::spawn_local(async move {
            let Ok(day) = crate::browse::api::get_day_schedule(facility, date.to_string()).await
            else {
                return;
            };
            let (Some(start), Some(end)) = (start, end) else {
                return;
            };
            let at = |hm: &str| chrono::NaiveTime::parse_from_str(hm, "%H:%M").ok();
            let booked = day.rows.iter().filter(|r| r.unit.id == unit).any(|r| {
                day.columns.iter().zip(&r.cells).any(|(c, cell)| {
                    let overlaps = matches!((at(&c.start), at(&c.end)), (Some(a), Some(b)) if a < end && b > start);
                    overlaps
                        && cell
                            .as_ref()
                            .is_some_and(|x| x.status == domain::availability::SlotStatus::Booked)
                })
            });
            taken.set(booked);
        });
    });
    let t = crate::core::i18n::texts(lang);
    move || {
        taken
            .get()
            .then(|| view! { <p class="notice notice-error" role="alert">{t.live_taken}</p> })
    }
}
