//! `/console/divisions…`: a town's divisions, each with its counters,
//! procedures and staff members, and the forms that add or change them
//! (plain action forms, with or without JavaScript; problems next to their
//! fields); and `/console/facilities/{id}/archive`, ending or resuming a
//! facility's bookings.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::console::pages::{ConsoleBar, FlashView};
use crate::core::lang::use_lang;
use crate::setup::api::*;
use crate::setup::pages::{Field, FixNotice, message};
use crate::setup::texts::{counter_texts, texts};
use crate::setup::types::{ArchivePage, DivisionPage, DivisionsPage, MemberPage, ProcedurePage};

/// `/console/divisions`.
#[component]
pub fn DivisionsView() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("v"), |_| get_divisions_page());
    crate::core::components::loaded(data, false, |p: DivisionsPage| {
        let lang = use_lang();
        let (t, s) = (counter_texts(lang), texts(lang));
        let add = ServerAction::<AddDivision>::new();
        let e = p.errors.clone();
        let n = |key: &str| format!("division[{key}]");
        view! {
            <Title text=t.title/>
            <ConsoleBar me=p.me.clone()/>
            <h1>{t.title}</h1>
            <FlashView flash=p.flash.clone()/>
            <p class="lead">{t.lead}</p>
            {if p.divisions.is_empty() {
                view! { <p>{t.no_divisions}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" role="region" aria-label=t.title tabindex="0">
                        <table class="list">
                            <thead><tr>
                                <th scope="col">{t.col_division}</th>
                                <th scope="col">{t.col_counters}</th>
                                <th scope="col">{t.col_procedures}</th>
                                <th scope="col">{t.col_staff}</th>
                            </tr></thead>
                            <tbody>
                                {p.divisions.iter().map(|d| view! {
                                    <tr>
                                        <th scope="row"><a href=format!("/console/divisions/{}", d.id)>{d.name.clone()}</a></th>
                                        <td>{d.counters}</td>
                                        <td>{d.procedures}</td>
                                        <td>{d.staff}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {p.can_add.then(|| view! {
                <section aria-labelledby="add-division">
                    <h2 id="add-division">{t.add_division}</h2>
                    <FixNotice errors=e.clone()/>
                    <ActionForm action=add>
                        <Field key="name_ja" name=n("name_ja") label=s.name_ja value=p.values.name_ja.clone() errors=e.clone() required=true/>
                        <Field key="name_en" name=n("name_en") label=s.name_en value=p.values.name_en.clone() errors=e.clone() hint=s.name_en_hint/>
                        <p><button type="submit" class="button button-primary">{t.add_division}</button></p>
                    </ActionForm>
                </section>
            })}
        }
    })
}

/// `/console/divisions/{id}`.
#[component]
pub fn DivisionView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("counter"),
                query.read().get("v"),
            )
        },
        |(id, counter, _)| get_division_page(id, counter),
    );
    crate::core::components::loaded(data, false, |p: DivisionPage| {
        let lang = use_lang();
        let (t, s) = (counter_texts(lang), texts(lang));
        let add = ServerAction::<AddCounter>::new();
        let save = ServerAction::<SaveCounter>::new();
        let rename = ServerAction::<RenameDivision>::new();
        let e = p.errors.clone();
        let re = p.rename_errors.clone();
        let rn = |key: &str| format!("name[{key}]");
        let n = |key: &str| format!("counter[{key}]");
        let base = format!("/console/divisions/{}", p.id);
        view! {
            <Title text=p.name.clone()/>
            <ConsoleBar me=p.me.clone()/>
            <p><a href="/console/divisions">{t.title}</a></p>
            <h1>{p.name.clone()}</h1>
            <FlashView flash=p.flash.clone()/>
            <section aria-labelledby="d-procedures">
                <h2 id="d-procedures">{t.procedures}</h2>
                {if p.procedures.is_empty() {
                    view! { <p>{t.no_procedures}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" role="region" aria-labelledby="d-procedures" tabindex="0">
                            <table class="list">
                                <thead><tr>
                                    <th scope="col">{t.col_name}</th>
                                    <th scope="col">{t.col_minutes}</th>
                                    <th scope="col">{t.col_online}</th>
                                    <th scope="col">{t.col_bookable}</th>
                                </tr></thead>
                                <tbody>
                                    {p.procedures.iter().map(|x| view! {
                                        <tr>
                                            <th scope="row">
                                                <a href=format!("{base}/procedures/{}", x.id) aria-label=(t.edit_procedure)(&x.name)>{x.name.clone()}</a>
                                            </th>
                                            <td>{(t.minutes)(x.minutes)}</td>
                                            <td>{if x.online { t.yes } else { t.no }}</td>
                                            <td>{if x.staff > 0 {
                                                view! { <span>{(t.bookable)(x.staff)}</span> }.into_any()
                                            } else {
                                                view! { <strong class="warning"><span aria-hidden="true">"⚠ "</span>{t.not_bookable}</strong> }.into_any()
                                            }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
                <p><a class="button" href=format!("{base}/new-procedure")>{t.add_procedure}</a></p>
            </section>
            <section aria-labelledby="d-staff">
                <h2 id="d-staff">{t.staff}</h2>
                {if p.staff.is_empty() {
                    view! { <p>{t.no_staff}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" role="region" aria-labelledby="d-staff" tabindex="0">
                            <table class="list">
                                <thead><tr>
                                    <th scope="col">{t.col_name}</th>
                                    <th scope="col">{t.col_status}</th>
                                    <th scope="col">{t.col_qualified}</th>
                                    <th scope="col">{t.col_duty}</th>
                                </tr></thead>
                                <tbody>
                                    {p.staff.iter().map(|m| {
                                        let list = |v: &Vec<String>| if v.is_empty() { t.none.to_owned() } else { v.join("、") };
                                        view! {
                                            <tr>
                                                <th scope="row">
                                                    <a href=format!("{base}/staff/{}", m.id) aria-label=(t.edit)(&m.name)>{m.name.clone()}</a>
                                                </th>
                                                <td>{if m.active { t.active } else { t.inactive }}</td>
                                                <td>{list(&m.procedures)}</td>
                                                <td>{list(&m.duty)}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
                <p><a class="button" href=format!("{base}/new-member")>{t.add_member}</a></p>
            </section>
            <section aria-labelledby="d-counters">
                <h2 id="d-counters">{t.counters}</h2>
                {if p.counters.is_empty() {
                    view! { <p>{t.no_counters}</p> }.into_any()
                } else {
                    view! {
                        <ul>
                            {p.counters.iter().map(|c| view! {
                                <li>
                                    {c.name.clone()}{(!c.location.is_empty()).then(|| format!("（{}）", c.location))}" "
                                    <a href=format!("{base}?counter={}#counter-form", c.id) aria-label=(t.edit_counter_link)(&c.name)>{t.change}</a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                {match p.editing.clone() {
                    Some(c) => view! {
                        <h3 id="counter-form">{(t.edit_counter)(&c.name)}</h3>
                        <FixNotice errors=e.clone()/>
                        <ActionForm action=save>
                            <input type="hidden" name="division" value=p.id.to_string()/>
                            <input type="hidden" name="id" value=c.id.to_string()/>
                            <Field key="name_ja" name=n("name_ja") label=s.name_ja value=p.values.name_ja.clone() errors=e.clone() required=true/>
                            <Field key="name_en" name=n("name_en") label=s.name_en value=p.values.name_en.clone() errors=e.clone() hint=s.name_en_hint/>
                            <Field key="location_ja" name=n("location_ja") label=t.location_ja value=p.values.location_ja.clone() errors=e.clone()/>
                            <Field key="location_en" name=n("location_en") label=t.location_en value=p.values.location_en.clone() errors=e.clone()/>
                            <p>
                                <button type="submit" class="button button-primary">{t.save_counter}</button>" "
                                <a class="button" href=base.clone()>{t.cancel_edit}</a>
                            </p>
                        </ActionForm>
                    }.into_any(),
                    None => view! {
                        <h3 id="counter-form">{t.add_counter}</h3>
                        <FixNotice errors=e.clone()/>
                        <ActionForm action=add>
                            <input type="hidden" name="division" value=p.id.to_string()/>
                            <Field key="name_ja" name=n("name_ja") label=s.name_ja value=p.values.name_ja.clone() errors=e.clone() required=true/>
                            <Field key="name_en" name=n("name_en") label=s.name_en value=p.values.name_en.clone() errors=e.clone() hint=s.name_en_hint/>
                            <Field key="location_ja" name=n("location_ja") label=t.location_ja value=p.values.location_ja.clone() errors=e.clone()/>
                            <Field key="location_en" name=n("location_en") label=t.location_en value=p.values.location_en.clone() errors=e.clone()/>
                            <p><button type="submit" class="button button-primary">{t.add_counter}</button></p>
                        </ActionForm>
                    }.into_any(),
                }}
            </section>
            {p.can_rename.then(|| view! {
                <section aria-labelledby="rename">
                    <h2 id="rename">{t.rename_heading}</h2>
                    <FixNotice errors=re.clone()/>
                    <ActionForm action=rename>
                        <input type="hidden" name="division" value=p.id.to_string()/>
                        <Field key="rename_ja" name=rn("name_ja") label=s.name_ja value=p.rename.name_ja.clone() errors=re.clone() required=true/>
                        <Field key="rename_en" name=rn("name_en") label=s.name_en value=p.rename.name_en.clone() errors=re.clone() hint=s.name_en_hint/>
                        <p><button type="submit" class="button">{t.rename_button}</button></p>
                    </ActionForm>
                </section>
            })}
        }
    })
}

/// `/console/divisions/{id}/new-procedure` and
/// `/console/divisions/{id}/procedures/{procedure}`.
#[component]
pub fn ProcedureView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                params.read().get("procedure"),
                query.read().get("v"),
            )
        },
        |(id, procedure, _)| get_procedure_page(id, procedure),
    );
    crate::core::components::loaded(data, false, |p: ProcedurePage| {
        let lang = use_lang();
        let (t, s) = (counter_texts(lang), texts(lang));
        let add = ServerAction::<SaveProcedure>::new();
        let e = p.errors.clone();
        let v = p.values.clone();
        let n = |key: &str| format!("procedure[{key}]");
        let title = match p.procedure {
            Some(_) => (t.procedure_edit)(&v.name_ja),
            None => (t.procedure_title)(&p.division),
        };
        let (events_error, events_error_id) = message(&e, "events");
        let ticked = v.events.clone().unwrap_or_default();
        view! {
            <Title text=title.clone()/>
            <ConsoleBar me=p.me.clone()/>
            <p><a href=format!("/console/divisions/{}", p.division_id)>{(t.back)(&p.division)}</a></p>
            <h1>{title}</h1>
            <FlashView flash=p.flash.clone()/>
            <p class="lead">{t.procedure_lead}</p>
            <FixNotice errors=e.clone()/>
            <ActionForm action=add>
                <input type="hidden" name="division" value=p.division_id.to_string()/>
                {p.procedure.map(|id| view! { <input type="hidden" name="id" value=id.to_string()/> })}
                <Field key="name_ja" name=n("name_ja") label=s.name_ja value=v.name_ja.clone() errors=e.clone() required=true/>
                <Field key="name_en" name=n("name_en") label=s.name_en value=v.name_en.clone() errors=e.clone() hint=s.name_en_hint/>
                <Field key="reading" name=n("reading") label=t.p_reading value=v.reading.clone() errors=e.clone() hint=t.p_reading_hint/>
                <Field key="minutes" name=n("minutes") label=t.p_minutes value=v.minutes.clone() errors=e.clone() hint=t.p_minutes_hint numeric=true required=true/>
                <Field key="documents_ja" name=n("documents_ja") label=t.p_documents_ja value=v.documents_ja.clone() errors=e.clone() long=true/>
                <Field key="documents_en" name=n("documents_en") label=t.p_documents_en value=v.documents_en.clone() errors=e.clone() long=true/>
                <div class="field">
                    <div class="choice">
                        <input type="checkbox" id="nu-online" name=n("online") value="on" checked=v.online.is_some() aria-describedby="nu-online-hint"/>
                        <label for="nu-online">{t.p_online}</label>
                    </div>
                    <p class="hint" id="nu-online-hint">{t.p_online_hint}</p>
                </div>
                <Field key="notes_ja" name=n("notes_ja") label=t.p_notes_ja value=v.notes_ja.clone() errors=e.clone() long=true/>
                <Field key="notes_en" name=n("notes_en") label=t.p_notes_en value=v.notes_en.clone() errors=e.clone() long=true/>
                <fieldset class="field" class:has-error=events_error.is_some()
                    aria-describedby=events_error.is_some().then(|| events_error_id.clone())>
                    <legend>{t.p_events}</legend>
                    {events_error.clone().map(|m| view! { <p id=events_error_id.clone() class="field-error"><span aria-hidden="true">"⚠ "</span>{m}</p> })}
                    {crate::visits::texts::EVENTS.iter().enumerate().map(|(k, code)| {
                        let id = format!("nu-event-{code}");
                        view! {
                            <div class="choice">
                                <input type="checkbox" id=id.clone() name=format!("procedure[events][{k}]") value=*code
                                    checked=ticked.iter().any(|x| x == code)/>
                                <label for=id>{crate::visits::texts::event_name(lang, code).unwrap_or(code)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <p><button type="submit" class="button button-primary">{if p.procedure.is_some() { t.m_save } else { t.add_procedure }}</button></p>
            </ActionForm>
        }
    })
}

/// `/console/divisions/{id}/new-member` and `/console/divisions/{id}/staff/{member}`.
#[component]
pub fn MemberView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                params.read().get("member"),
                query.read().get("v"),
            )
        },
        |(id, member, _)| get_member_page(id, member),
    );
    crate::core::components::loaded(data, false, |p: MemberPage| {
        let lang = use_lang();
        let t = counter_texts(lang);
        let save = ServerAction::<SaveMember>::new();
        let e = p.errors.clone();
        let v = p.values.clone();
        let title = match p.member {
            Some(_) => (t.member_edit)(&v.name),
            None => (t.member_new)(&p.division),
        };
        let (q_error, q_error_id) = message(&e, "qualified");
        let ticked = v.qualified.clone().unwrap_or_default();
        let days = [
            chrono::Weekday::Mon,
            chrono::Weekday::Tue,
            chrono::Weekday::Wed,
            chrono::Weekday::Thu,
            chrono::Weekday::Fri,
            chrono::Weekday::Sat,
            chrono::Weekday::Sun,
        ];
        let day_errors: Vec<String> = (0..7)
            .filter_map(|k| message(&e, &format!("day{k}")).0)
            .collect();
        view! {
            <Title text=title.clone()/>
            <ConsoleBar me=p.me.clone()/>
            <p><a href=format!("/console/divisions/{}", p.division_id)>{(t.back)(&p.division)}</a></p>
            <h1>{title}</h1>
            <FlashView flash=p.flash.clone()/>
            <p class="lead">{t.member_lead}</p>
            <FixNotice errors=e.clone()/>
            <ActionForm action=save>
                <input type="hidden" name="division" value=p.division_id.to_string()/>
                {p.member.map(|m| view! { <input type="hidden" name="member" value=m.to_string()/> })}
                <Field key="name" name="staff[name]".to_owned() label=t.m_name value=v.name.clone() errors=e.clone() required=true/>
                <div class="field">
                    <div class="choice">
                        <input type="checkbox" id="nu-active" name="staff[active]" value="on" checked=v.active.is_some()/>
                        <label for="nu-active">{t.m_active}</label>
                    </div>
                </div>
                <fieldset class="field" class:has-error=q_error.is_some()
                    aria-describedby=q_error.is_some().then(|| q_error_id.clone())>
                    <legend>{t.m_qualified}</legend>
                    {q_error.clone().map(|m| view! { <p id=q_error_id.clone() class="field-error"><span aria-hidden="true">"⚠ "</span>{m}</p> })}
                    {if p.procedures.is_empty() {
                        view! { <p>{t.no_procedures}</p> }.into_any()
                    } else {
                        p.procedures.iter().enumerate().map(|(k, c)| {
                            let id = format!("nu-q-{}", c.id);
                            view! {
                                <div class="choice">
                                    <input type="checkbox" id=id.clone() name=format!("staff[qualified][{k}]") value=c.id.to_string()
                                        checked=ticked.iter().any(|x| *x == c.id.to_string())/>
                                    <label for=id>{c.name.clone()}</label>
                                </div>
                            }
                        }).collect_view().into_any()
                    }}
                </fieldset>
                <fieldset class="field" class:has-error=!day_errors.is_empty()>
                    <legend>{t.m_duty}</legend>
                    <p class="hint">{t.m_duty_hint}</p>
                    {day_errors.iter().map(|m| view! { <p class="field-error"><span aria-hidden="true">"⚠ "</span>{m.clone()}</p> }).collect_view()}
                    <table class="duty">
                        <thead><tr>
                            <th scope="col">{t.m_day}</th>
                            <th scope="col">{t.m_start}</th>
                            <th scope="col">{t.m_end}</th>
                        </tr></thead>
                        <tbody>
                            {days.iter().enumerate().map(|(k, d)| {
                                let day = crate::core::i18n::weekday_long(lang, *d);
                                let bad = message(&e, &format!("day{k}")).0.is_some().then_some("true");
                                let value = |list: &Vec<String>| list.get(k).cloned().unwrap_or_default();
                                view! {
                                    <tr>
                                        <th scope="row">{day}</th>
                                        <td><input type="text" inputmode="numeric" size="5" name=format!("staff[starts][{k}]")
                                            aria-label=format!("{day} {}", t.m_start) aria-invalid=bad value=value(&v.starts)/></td>
                                        <td><input type="text" inputmode="numeric" size="5" name=format!("staff[ends][{k}]")
                                            aria-label=format!("{day} {}", t.m_end) aria-invalid=bad value=value(&v.ends)/></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </fieldset>
                {(!p.stranded.is_empty()).then(|| {
                    let contact = crate::visits::texts::texts(lang).absence_contact;
                    view! {
                        <section aria-labelledby="m-stranded">
                            <h2 id="m-stranded">{t.stranded}</h2>
                            {p.stranded.iter().enumerate().map(|(n, v)| {
                                let name = format!("staff[decisions][{n}]");
                                view! {
                                    <fieldset>
                                        <legend>{format!("{} {} {}", v.reference, v.procedure, v.when)}</legend>
                                        {v.candidates.iter().map(|m| {
                                            let id = format!("m-{}-{}", v.item, m.id);
                                            view! { <p><input type="radio" id=id.clone() name=name.clone() value=format!("{}:move:{}", v.item, m.id) required/>
                                                <label for=id>{m.name.clone()}</label></p> }
                                        }).collect_view()}
                                        <p><input type="radio" id=format!("m-{}-contact", v.item) name=name.clone() value=format!("{}:contact", v.item) required/>
                                            <label for=format!("m-{}-contact", v.item)>{contact}</label></p>
                                    </fieldset>
                                }
                            }).collect_view()}
                        </section>
                    }
                })}
                <p><button type="submit" class="button button-primary">{t.m_save}</button></p>
            </ActionForm>
        }
    })
}

/// `/console/facilities/{id}/archive`.
#[component]
pub fn ArchiveView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("v"),
            )
        },
        |(id, _)| get_archive_page(id),
    );
    crate::core::components::loaded(data, false, |p: ArchivePage| {
        let t = crate::setup::texts::archive_texts(use_lang());
        let title = (t.title)(&p.facility);
        let facility = p.facility_id;
        let spaces = p.units.clone();
        // One small form per button: the facility's, or a unit's.
        let button = move |unit: Option<i64>, archived: bool, label: String| {
            let set = ServerAction::<SetArchive>::new();
            view! {
                <ActionForm action=set>
                    <input type="hidden" name="facility" value=facility.to_string()/>
                    {unit.map(|u| view! { <input type="hidden" name="unit" value=u.to_string()/> })}
                    <input type="hidden" name="action" value=if archived { "restore" } else { "archive" }/>
                    <button type="submit" class="button">{label}</button>
                </ActionForm>
            }
        };
        let status = move |since: &Option<String>| match since {
            Some(d) => (t.since)(d),
            None => t.taking.to_owned(),
        };
        view! {
            <Title text=title.clone()/>
            <ConsoleBar me=p.me.clone()/>
            <p><a href=format!("/console/facilities/{}", p.facility_id)>{p.facility.clone()}</a></p>
            <h1>{title}</h1>
            <FlashView flash=p.flash.clone()/>
            <p class="lead">{t.lead}</p>
            {(!p.held.is_empty()).then(|| view! { <HeldTable heading=t.held held=p.held.clone()/> })}
            <h2>{t.facility}</h2>
            <p>{status(&p.archived)}</p>
            {button(None, p.archived.is_some(), if p.archived.is_some() { t.restore_facility } else { t.archive_facility }.to_owned())}
            <h2>{t.units}</h2>
            <ul class="plain">
                {p.units.iter().map(|u| view! {
                    <li>
                        <strong>{u.name.clone()}</strong>": "{status(&u.archived)}
                        {button(Some(u.id), u.archived.is_some(), if u.archived.is_some() { (t.restore_unit)(&u.name) } else { (t.archive_unit)(&u.name) })}
                    </li>
                }).collect_view()}
            </ul>
            {(spaces.len() > 1).then(move || view! {
                <section aria-labelledby="a-space">
                    <h2 id="a-space">{t.space}</h2>
                    <p>{t.space_lead}</p>
                    {spaces.into_iter().map(|u| {
                        let set = ServerAction::<SetUnitParent>::new();
                        let id = format!("a-parent-{}", u.id);
                        view! {
                            <ActionForm action=set>
                                <input type="hidden" name="facility" value=facility.to_string()/>
                                <input type="hidden" name="unit" value=u.id.to_string()/>
                                <div class="field">
                                    <label for=id.clone()>{(t.part_of)(&u.name)}</label>
                                    <select id=id name="parent">
                                        <option value="" selected=u.parent.is_none()>{t.own_space}</option>
                                        {u.parents.iter().map(|c| view! {
                                            <option value=c.id.to_string() selected=u.parent == Some(c.id)>{c.name.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <p><button type="submit" class="button">{(t.change_space)(&u.name)}</button></p>
                            </ActionForm>
                        }
                    }).collect_view()}
                </section>
            })}
        }
    })
}

/// The bookings that kept a change from being written, each linking to
/// its page (where staff move or cancel it).
#[component]
pub(crate) fn HeldTable(
    #[prop(into)] heading: String,
    held: Vec<crate::setup::types::HeldLine>,
) -> impl IntoView {
    let t = crate::setup::texts::archive_texts(use_lang());
    view! {
        <section aria-labelledby="a-held">
            <h2 id="a-held">{heading}</h2>
            <div class="table-scroll" role="region" aria-labelledby="a-held" tabindex="0">
                <table class="list">
                    <thead><tr>
                        <th scope="col">{t.col_reference}</th>
                        <th scope="col">{t.col_when}</th>
                        <th scope="col">{t.col_unit}</th>
                    </tr></thead>
                    <tbody>
                        {held.iter().map(|h| view! {
                            <tr>
                                <th scope="row"><a href=format!("/console/bookings/{}", h.id)>{h.reference.clone()}</a></th>
                                <td>{h.when.clone()}</td>
                                <td>{h.unit.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
