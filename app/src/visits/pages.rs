//! Town-hall visit appointments (来庁予約) for residents: choose a
//! procedure (by department, life event or search), see what to bring, pick
//! a day and a start time that a qualified staff member can really serve,
//! give contact details, and keep the reference (with its QR code). Found
//! again by reference plus e-mail or phone, to move or cancel. Every step
//! is a server-rendered page with plain forms, so no JavaScript is needed.

use crate::visits::types::{
    ProcedureSummary, TimeChoice, VisitDay, VisitDetail, VisitFind, VisitForm, VisitList, VisitPlan,
};
use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::core::town::at;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::core::components::loaded;
use crate::core::lang::use_lang;
use crate::core::live::{Live, LiveNote, keep_live};
use crate::visits::api::{
    BookVisit, CancelVisit, FindVisit, MoveVisit, get_visit_detail, get_visit_find, get_visit_form,
    get_visit_list, get_visit_plan,
};
use crate::visits::texts::{EVENTS, event_name, texts};

/// A time choice handed to a picker: `start|label`.
fn split_choice(choice: &str) -> (String, String) {
    let (start, label) = choice.split_once('|').unwrap_or((choice, ""));
    (start.to_owned(), label.to_owned())
}

fn vt() -> &'static crate::visits::texts::VisitTexts {
    texts(use_lang())
}

/// `/visits`: every procedure, or those matching a search or life event.
#[component]
pub fn VisitListPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || (query.read().get("q"), query.read().get("event")),
        |(q, event)| get_visit_list(q, event),
    );
    loaded(data, false, |list: VisitList| {
        let t = vt();
        let lang = use_lang();
        let empty = list.groups.is_empty();
        view! {
            <Title text=t.list_title/>
            <h1>{t.list_title}</h1>
            <p class="lead">{t.list_lead}</p>
            <form method="get" action=at("/visits") role="search">
                <div class="field">
                    <label for="v-q">{t.search_label}</label>
                    <p class="hint" id="v-q-hint">{t.search_hint}</p>
                    <input id="v-q" name="q" type="search" value=list.q.clone() aria-describedby="v-q-hint"/>
                </div>
                <p><button type="submit" class="button">{t.search_button}</button></p>
            </form>
            <nav aria-labelledby="v-events">
                <h2 id="v-events">{t.events_heading}</h2>
                <ul class="chips">
                    {EVENTS.iter().map(|e| {
                        let current = (list.event == *e).then_some("page");
                        view! { <li><a href=at(&format!("/visits?event={e}")) aria-current=current>{event_name(lang, e)}</a></li> }
                    }).collect_view()}
                    <li><a href=at("/visits")>{t.all_procedures}</a></li>
                </ul>
            </nav>
            {empty.then(|| view! { <p role="status">{t.no_match}</p> })}
            {list.groups.into_iter().map(|(department, procedures)| view! {
                <section>
                    <h2>{department}</h2>
                    <ul class="procedure-list">
                        {procedures.into_iter().map(|p| view! { <li><ProcedureCard p/></li> }).collect_view()}
                    </ul>
                </section>
            }).collect_view()}
            <p class="link-row"><a href=at("/visits/find")>{t.find_link}</a></p>
        }
    })
}

#[component]
fn ProcedureCard(p: ProcedureSummary) -> impl IntoView {
    let t = vt();
    view! {
        <article class="procedure">
            <h3><a href=at(&format!("/visits/procedures/{}", p.id))>{p.name.clone()}</a></h3>
            <p>{t.duration}": "{p.duration_minutes}{t.minutes}
                " ・ "{if p.online_possible { t.online_possible } else { t.in_person_only }}</p>
        </article>
    }
}

/// What to bring and the notes of one procedure.
#[component]
fn ProcedureFacts(p: ProcedureSummary) -> impl IntoView {
    let t = vt();
    view! {
        <section class="procedure" aria-labelledby=format!("p-{}", p.id)>
            <h2 id=format!("p-{}", p.id)>{p.name.clone()}</h2>
            <dl class="summary">
                <dt>{t.department}</dt><dd>{p.department.clone()}</dd>
                <dt>{t.duration}</dt><dd>{p.duration_minutes}{t.minutes}</dd>
                <dt>{t.mode}</dt><dd>{if p.online_possible { t.online_possible } else { t.in_person_only }}</dd>
            </dl>
            <h3>{t.documents}</h3>
            <ul>{p.documents.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ul>
            {(!p.notes.is_empty()).then(|| view! { <p>{p.notes.clone()}</p> })}
        </section>
    }
}

/// A day's free start times, each a link (or a button, to move a visit).
#[component]
fn DayTimes(
    day: VisitDay,
    base: String,
    heading: &'static str,
    pick: Callback<String, AnyView>,
    /// The times as last loaded (a live page reloads them).
    times: RwSignal<Vec<TimeChoice>>,
    /// Set on a live page: its status line.
    #[prop(optional)]
    live: Option<Live>,
) -> impl IntoView {
    let t = vt();
    let sep = if base.contains('?') { '&' } else { '?' };
    view! {
        <section aria-labelledby="v-day">
            <h2 id="v-day">{heading}</h2>
            <form method="get" action=base.clone() class="inline-form">
                {base.split_once('?').map(|(_, q)| q.split('&').filter_map(|kv| kv.split_once('=')).map(|(k, v)| {
                    view! { <input type="hidden" name=k.to_owned() value=v.to_owned()/> }
                }).collect_view())}
                <label for="v-date">{t.date_label}</label>
                <input id="v-date" name="date" type="date" value=day.date.clone()/>
                <button type="submit" class="button">{t.show_times}</button>
            </form>
            <p class="pager">
                {day.prev.clone().map(|d| view! { <a class="button" href=format!("{base}{sep}date={d}")>"← "{t.prev_day}</a> })}
                " "
                {day.next.clone().map(|d| view! { <a class="button" href=format!("{base}{sep}date={d}")>{t.next_day}" →"</a> })}
            </p>
            <h3>{t.times_heading}": "{day.date_text.clone()}</h3>
            {day.closed.clone().map(|c| view! { <p role="status">{c}</p> })}
            {live.map(|live| view! { <LiveNote live/> })}
            {move || times.with(Vec::is_empty).then(|| {
                (day.closed.is_none()).then(|| view! { <p role="status">{t.no_times}</p> })
            })}
            <ul class="time-list">
                <For
                    each=move || times.get()
                    key=|c| (c.start.clone(), c.label.clone())
                    children=move |c| view! { <li>{pick.run(c.start.clone() + "|" + &c.label)}</li> }
                />
            </ul>
        </section>
    }
}

/// `/visits/procedures/:id?w=…&date=…`.
#[component]
pub fn ProcedurePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            let mut ids = vec![params.read().get("id").unwrap_or_default()];
            ids.extend(q.get_all("w").unwrap_or_default());
            (ids.join(","), q.get("date"))
        },
        |(ids, date)| get_visit_plan(ids, date),
    );
    loaded(data, false, |plan: VisitPlan| {
        let t = vt();
        let first = plan.procedures.first().map(|p| p.id).unwrap_or_default();
        let extra: Vec<String> = plan.ids.split(',').skip(1).map(str::to_owned).collect();
        let base = if extra.is_empty() {
            at(&format!("/visits/procedures/{first}"))
        } else {
            at(&format!(
                "/visits/procedures/{first}?{}",
                extra
                    .iter()
                    .map(|w| format!("w={w}"))
                    .collect::<Vec<_>>()
                    .join("&")
            ))
        };
        let names: Vec<String> = plan.procedures.iter().map(|p| p.name.clone()).collect();
        let title = names.join(" + ");
        let ids = plan.ids.clone();
        // The day's times as last loaded; a visit or staff change anywhere
        // in the town reloads them (any of them can free or fill a time).
        let times = RwSignal::new(plan.day.times.clone());
        let live = Live::new();
        let url = format!(
            "/live/visits?date={}&after={}",
            plan.day.date, plan.day.version
        );
        let (plan_ids, date) = (plan.ids.clone(), plan.day.date.clone());
        keep_live(live, url, move || {
            let (plan_ids, date) = (plan_ids.clone(), date.clone());
            leptos::task::spawn_local(async move {
                if let Ok(new) = get_visit_plan(plan_ids, Some(date)).await {
                    let n = times.with_untracked(|old| {
                        let gone = old.iter().filter(|c| !new.day.times.contains(c)).count();
                        let came = new.day.times.iter().filter(|c| !old.contains(c)).count();
                        gone + came
                    });
                    times.set(new.day.times);
                    live.changed(n);
                }
            });
        });
        let pick = Callback::new(move |choice: String| {
            let (start, label) = split_choice(&choice);
            view! { <a class="button" href=at(&format!("/visits/book?p={ids}&start={start}"))>{label}</a> }.into_any()
        });
        view! {
            <Title text=title.clone()/>
            <h1>{title}</h1>
            <p>{t.duration}": "{plan.total_minutes}{t.minutes}</p>
            {plan.procedures.into_iter().map(|p| view! { <ProcedureFacts p/> }).collect_view()}
            <section aria-labelledby="v-add">
                <h2 id="v-add">{t.add_heading}</h2>
                <p>{t.add_lead}</p>
                <form method="get" action=at(&format!("/visits/procedures/{first}"))>
                    <fieldset>
                        <legend>{t.add_heading}</legend>
                        {plan.others.iter().map(|(id, name)| {
                            let field = format!("w-{id}");
                            let checked = extra.contains(&id.to_string());
                            view! { <p class="choice"><input type="checkbox" id=field.clone() name="w" value=id.to_string() checked=checked/><label for=field>{name.clone()}</label></p> }
                        }).collect_view()}
                        {extra.iter().filter(|w| !plan.others.iter().any(|(id, _)| id.to_string() == **w)).map(|w| view! {
                            <input type="hidden" name="w" value=w.clone()/>
                        }).collect_view()}
                    </fieldset>
                    <p><button type="submit" class="button">{t.add_button}</button></p>
                </form>
            </section>
            <DayTimes day=plan.day base heading=t.day_heading pick times live/>
        }
    })
}

/// `/visits/book?p=…&start=…`: contact details, then confirm.
#[component]
pub fn VisitFormPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("p").unwrap_or_default(),
                q.get("start").unwrap_or_default(),
                q.get("retry"),
            )
        },
        |(p, start, _)| get_visit_form(p, start),
    );
    loaded(data, false, |form: VisitForm| {
        let t = vt();
        let book = ServerAction::<BookVisit>::new();
        let errors = form.field_errors.clone();
        let field = move |name: &'static str,
                          label: &'static str,
                          kind: &'static str,
                          value: String,
                          autocomplete: &'static str| {
            let error = errors
                .iter()
                .find(|(f, _)| f == name)
                .map(|(_, m)| m.clone());
            contact_field(name, label, kind, value, autocomplete, error)
        };
        let first = form.procedures.first().map(|p| p.id).unwrap_or_default();
        let v = form.values.clone();
        let online = v.mode == "online";
        view! {
            <Title text=t.form_title/>
            <h1>{t.form_title}</h1>
            {form.error.clone().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
            {(!form.field_errors.is_empty()).then(|| view! { <p class="notice notice-error" role="alert">{t.fix_these}</p> })}
            <dl class="summary">
                <dt>{t.form_when}</dt><dd>{form.when.clone()}</dd>
                {form.procedures.iter().map(|p| view! {
                    <dt>{p.name.clone()}</dt>
                    <dd>{t.documents}": "{p.documents.join("、")}</dd>
                }).collect_view()}
            </dl>
            <crate::core::components::ActionError action=book/>
            <ActionForm action=book>
                <input type="hidden" name="ids" value=form.ids.clone()/>
                <input type="hidden" name="key" value=form.key.clone()/>
                <input type="hidden" name="start" value=form.start.clone()/>
                {field("name", t.name, "text", v.name.clone(), "name")}
                {field("name_kana", t.name_kana, "text", v.name_kana.clone(), "off")}
                {field("phone", t.phone, "tel", v.phone.clone(), "tel")}
                {field("email", t.email, "email", v.email.clone(), "email")}
                {form.online_possible.then(|| view! {
                    <fieldset>
                        <legend>{t.mode}</legend>
                        <p class="choice"><input type="radio" id="vf-in-person" name="mode" value="in_person" checked=!online/><label for="vf-in-person">{t.mode_in_person}</label></p>
                        <p class="choice"><input type="radio" id="vf-online" name="mode" value="online" checked=online/><label for="vf-online">{t.mode_online}</label></p>
                    </fieldset>
                })}
                <p><button type="submit" class="button button-primary">{t.confirm_button}</button></p>
            </ActionForm>
            <p class="link-row"><a href=at(&format!("/visits/procedures/{first}"))>{t.back_to_times}</a></p>
        }
    })
}

/// One contact field of the visit form, with its problem if any.
fn contact_field(
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    value: String,
    autocomplete: &'static str,
    error: Option<String>,
) -> impl IntoView {
    let id = format!("vf-{name}");
    let invalid = error.is_some().then_some("true");
    let described = error.is_some().then(|| format!("{id}-error"));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {error.map(|e| view! { <p class="field-error" id=format!("{id}-error")>{e}</p> })}
            <input id=id name=name type=kind value=value autocomplete=autocomplete
                aria-required="true" aria-invalid=invalid aria-describedby=described/>
        </div>
    }
}

/// `/visits/find`.
#[component]
pub fn FindVisitPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("retry"), |_| get_visit_find());
    loaded(
        data,
        false,
        |page: VisitFind| view! { <FindVisitForm page/> },
    )
}

#[component]
fn FindVisitForm(page: VisitFind) -> impl IntoView {
    let t = vt();
    let find = ServerAction::<FindVisit>::new();
    let invalid = page.error.is_some().then_some("true");
    view! {
        <Title text=t.find_title/>
        <h1>{t.find_title}</h1>
        <p class="lead">{t.find_lead}</p>
        {page.error.clone().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
        <crate::core::components::ActionError action=find/>
        <ActionForm action=find>
            <div class="field">
                <label for="vf-reference">{t.reference}</label>
                <input id="vf-reference" name="reference" type="text" value=page.reference autocomplete="off"
                    autocapitalize="characters" spellcheck="false" aria-required="true" aria-invalid=invalid/>
            </div>
            <div class="field">
                <label for="vf-contact">{t.contact}</label>
                <input id="vf-contact" name="contact" type="text" autocomplete="email" aria-required="true" aria-invalid=invalid/>
            </div>
            <p><button type="submit" class="button button-primary">{t.find_button}</button></p>
        </ActionForm>
    }
}

/// `/visits/appointments/:reference`: the appointment for the browser that
/// booked or proved it; anyone else gets the find form.
#[component]
pub fn VisitDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("reference").unwrap_or_default(),
                q.get("date"),
                q.get("new"),
            )
        },
        |(reference, date, _)| get_visit_detail(reference, date),
    );
    loaded(data, false, |detail: Option<VisitDetail>| match detail {
        Some(d) => view! { <VisitView d/> }.into_any(),
        None => view! { <FindVisitForm page=VisitFind::default()/> }.into_any(),
    })
}

#[component]
fn VisitView(d: VisitDetail) -> impl IntoView {
    let t = vt();
    let query = use_query_map();
    let new = query.read_untracked().get("new").is_some();
    let cancel = ServerAction::<CancelVisit>::new();
    let reference = d.reference.clone();
    let base = at(&format!("/visits/appointments/{}", d.reference));
    let pick = {
        let reference = reference.clone();
        Callback::new(move |choice: String| {
            let (start, label) = split_choice(&choice);
            let action = ServerAction::<MoveVisit>::new();
            let reference = reference.clone();
            view! {
                <crate::core::components::ActionError action=action/>
                <ActionForm action=action attr:class="inline-form">
                    <input type="hidden" name="reference" value=reference/>
                    <input type="hidden" name="start" value=start/>
                    <button type="submit" class="button">{label}<span class="visually-hidden">" "{t.move_button}</span></button>
                </ActionForm>
            }
            .into_any()
        })
    };
    view! {
        <Title text=t.detail_title/>
        <h1>{t.detail_title}</h1>
        {new.then(|| view! { <p class="notice notice-ok" role="status">{t.booked_lead}</p> })}
        {d.flash.clone().map(|f| view! { <p class="notice notice-ok" role="status">{f}</p> })}
        {d.error.clone().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
        <dl class="summary">
            <dt>{t.reference}</dt><dd><strong class="reference" data-testid="visit-reference">{d.reference.clone()}</strong></dd>
            <dt>{t.status}</dt><dd data-status=d.status.clone()>{d.status_text.clone()}</dd>
            <dt>{t.mode}</dt><dd>{d.mode_text.clone()}</dd>
            {d.items.iter().map(|i| view! {
                <dt>{i.procedure.clone()}</dt>
                <dd>{i.when.clone()}" ・ "{t.staff_label}": "<span data-testid="visit-staff">{i.staff.clone()}</span></dd>
            }).collect_view()}
        </dl>
        {d.needs_contact.then(|| view! { <p class="notice" role="status">{t.contact_note}</p> })}
        <div class="qr" role="img" aria-label=t.qr_label inner_html=d.qr_svg.clone()></div>
        <h2>{t.documents}</h2>
        <ul>{d.documents.iter().map(|x| view! { <li>{x.clone()}</li> }).collect_view()}</ul>
        {d.notes.iter().map(|n| view! { <p>{n.clone()}</p> }).collect_view()}
        <p class="no-print link-row"><a href=format!("{base}/visit.ics")>{t.ics}</a></p>
        {d.day.clone().map(|day| {
            let times = RwSignal::new(day.times.clone());
            view! { <div class="no-print"><DayTimes day base=base.clone() heading=t.move_heading pick times/></div> }
        })}
        {d.booked.then(|| view! {
            <section class="no-print" aria-labelledby="v-cancel">
                <h2 id="v-cancel">{t.cancel_heading}</h2>
                <crate::core::components::ActionError action=cancel/>
                <ActionForm action=cancel>
                    <input type="hidden" name="reference" value=reference.clone()/>
                    <p><button type="submit" class="button">{t.cancel_button}</button></p>
                </ActionForm>
            </section>
        })}
    }
}
