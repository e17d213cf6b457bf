//! The counter side of visit appointments: a day's list with status
//! buttons, the absence form with a decision per appointment it meets, and
//! the waiting display. Server-rendered forms, usable without JavaScript.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::console::pages::{ConsoleBar, FlashView};
use crate::core::components::loaded;
use crate::core::lang::use_lang;
use crate::core::live::{Live, LiveNote, keep_live};
use crate::counters::api::{
    CheckAbsence, SaveAbsence, SetVisitStatus, get_absence_page, get_counter_day,
    get_waiting_display,
};
use crate::counters::types::{AbsencePage, CounterDay, WaitingDisplay};
use crate::visits::texts::{VisitTexts, texts};

fn vt() -> &'static VisitTexts {
    texts(use_lang())
}

/// `/console/visits?date=…`.
#[component]
pub fn CounterDayPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || (query.read().get("date"), query.read().get("v")),
        |(date, _)| get_counter_day(date),
    );
    loaded(data, false, |day: CounterDay| {
        let t = vt();
        let status = ServerAction::<SetVisitStatus>::new();
        let date = day.date.clone();
        // The list as last loaded; a visit's change reloads it and redraws
        // the rows that differ.
        let lines = RwSignal::new(day.lines.clone());
        let live = Live::new();
        let url = format!("/live/counters?date={date}&after={}", day.version);
        let day_date = date.clone();
        keep_live(live, url, move || {
            let day_date = day_date.clone();
            leptos::task::spawn_local(async move {
                if let Ok(new) = get_counter_day(Some(day_date)).await {
                    let n = lines.with_untracked(|old| {
                        new.lines.iter().filter(|l| !old.contains(l)).count()
                            + old.iter().filter(|l| !new.lines.contains(l)).count()
                    });
                    lines.set(new.lines);
                    live.changed(n);
                }
            });
        });
        view! {
            <Title text=t.counter_title/>
            {day.me.clone().map(|me| view! { <ConsoleBar me/> })}
            <h1>{t.counter_title}": "{day.date_text.clone()}</h1>
            <FlashView flash=day.flash.clone()/>
            <p>{t.counter_lead}</p>
            <p class="pager no-print">
                <a href=format!("/console/visits?date={}", day.prev)>"← "{t.prev_day}</a>" "
                <a href=format!("/console/visits?date={}", day.next)>{t.next_day}" →"</a>" "
                <a class="button" href="/console/visits/absence">{t.absence_link}</a>
            </p>
            <ul class="no-print">
                {day.departments.iter().map(|d| view! {
                    <li><a href=format!("/display/{}", d.id)>{t.display_link}": "{d.name.clone()}</a></li>
                }).collect_view()}
            </ul>
            <LiveNote live/>
            {move || lines.with(Vec::is_empty).then(|| view! { <p role="status">{t.counter_empty}</p> })}
            {move || (!lines.with(Vec::is_empty)).then(|| {
                let date = date.clone();
                view! {
                    <div class="table-scroll" role="region" aria-label=t.counter_title tabindex="0">
                        <table class="list">
                            <thead><tr>
                                <th scope="col">{t.col_time}</th>
                                <th scope="col">{t.reference}</th>
                                <th scope="col">{t.col_visitor}</th>
                                <th scope="col">{t.col_items}</th>
                                <th scope="col">{t.status}</th>
                            </tr></thead>
                            <tbody>
                                <For each=move || lines.get() key=|l| l.clone() children=move |l| {
                                    let date = date.clone();
                                    view! {
                                        <tr>
                                            <td>{l.when.clone()}</td>
                                            <td>{l.reference.clone()}</td>
                                            <td>{l.visitor.clone()}</td>
                                            <td><ul>{l.items.iter().map(|i| view! { <li>{i.clone()}</li> }).collect_view()}</ul></td>
                                            <td>
                                                <span data-status=l.status.clone()>{l.status_text.clone()}</span>
                                                {l.needs_contact.then(|| view! { " " <strong>"（"{t.needs_contact}"）"</strong> })}
                                                {l.actions.clone().into_iter().map(|(action, label)| {
                                                    let (id, date, reference) = (l.id.to_string(), date.clone(), l.reference.clone());
                                                    view! {
                                                        <ActionForm action=status attr:class="inline-form">
                                                            <input type="hidden" name="id" value=id/>
                                                            <input type="hidden" name="action" value=action/>
                                                            <input type="hidden" name="date" value=date/>
                                                            <button type="submit" class="button">{label}<span class="visually-hidden">" "{reference}</span></button>
                                                        </ActionForm>
                                                    }
                                                }).collect_view()}
                                            </td>
                                        </tr>
                                    }
                                }/>
                            </tbody>
                        </table>
                    </div>
                }
            })}
        }
    })
}

/// `/console/visits/absence`: the form, then a decision per appointment.
#[component]
pub fn AbsencePageView() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || (query.read().get("checked"), query.read().get("retry")),
        |_| get_absence_page(),
    );
    loaded(data, false, |page: AbsencePage| {
        let t = vt();
        let check = ServerAction::<CheckAbsence>::new();
        let save = ServerAction::<SaveAbsence>::new();
        let v = page.values.clone();
        view! {
            <Title text=t.absence_title/>
            {page.me.clone().map(|me| view! { <ConsoleBar me/> })}
            <h1>{t.absence_title}</h1>
            <FlashView flash=page.flash.clone()/>
            <p>{t.absence_lead}</p>
            <ActionForm action=check>
                <div class="field">
                    <label for="ab-staff">{t.absence_staff}</label>
                    <select id="ab-staff" name="staff">
                        {page.staff.iter().map(|m| view! {
                            <option value=m.id.to_string() selected=v.staff == m.id.to_string()>{m.name.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="ab-date">{t.date_label}</label>
                    <input id="ab-date" name="date" type="date" required value=v.date.clone()/>
                </div>
                <div class="field">
                    <label for="ab-from">{t.absence_from}</label>
                    <input id="ab-from" name="from" type="time" required value=v.from.clone()/>
                </div>
                <div class="field">
                    <label for="ab-to">{t.absence_to}</label>
                    <input id="ab-to" name="to" type="time" required value=v.to.clone()/>
                </div>
                <div class="field">
                    <label for="ab-reason">{t.absence_reason}</label>
                    <input id="ab-reason" name="reason" type="text" maxlength="200" value=v.reason.clone()/>
                </div>
                <p><button type="submit" class="button">{t.absence_check}</button></p>
            </ActionForm>
            {page.collisions.clone().map(|collisions| view! {
                <section aria-labelledby="ab-met">
                    <h2 id="ab-met">{t.absence_met}</h2>
                    {collisions.is_empty().then(|| view! { <p role="status">{t.absence_none}</p> })}
                    <ActionForm action=save>
                        {collisions.iter().enumerate().map(|(n, c)| {
                            let name = format!("decisions[{n}]");
                            view! {
                                <fieldset>
                                    <legend>{format!("{} {} {}", c.reference, c.procedure, c.when)}</legend>
                                    {c.candidates.iter().map(|m| {
                                        let id = format!("ab-{}-{}", c.item, m.id);
                                        view! { <p><input type="radio" id=id.clone() name=name.clone() value=format!("{}:move:{}", c.item, m.id) required/>
                                            <label for=id>{m.name.clone()}</label></p> }
                                    }).collect_view()}
                                    <p><input type="radio" id=format!("ab-{}-contact", c.item) name=name.clone() value=format!("{}:contact", c.item) required/>
                                        <label for=format!("ab-{}-contact", c.item)>{t.absence_contact}</label></p>
                                </fieldset>
                            }
                        }).collect_view()}
                        <p><button type="submit" class="button button-primary">{t.absence_save}</button></p>
                    </ActionForm>
                </section>
            })}
        }
    })
}

/// `/display/:department`: a screen by the counter. With JavaScript it
/// follows changes as they happen; without, it reloads itself every 15
/// seconds (a meta refresh inside `<noscript>`).
#[component]
pub fn WaitingDisplayPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("department").unwrap_or_default(),
        get_waiting_display,
    );
    loaded(data, false, move |d: WaitingDisplay| {
        let t = vt();
        let list = move |codes: Vec<String>| {
            if codes.is_empty() {
                view! { <p>{t.display_none}</p> }.into_any()
            } else {
                view! { <ul class="display-codes">{codes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul> }.into_any()
            }
        };
        // With JavaScript the screen follows the counters' changes as they
        // happen; without it, the refresh inside <noscript> reloads it.
        let shown = RwSignal::new(d.clone());
        let live = Live::new();
        let department = params
            .read_untracked()
            .get("department")
            .unwrap_or_default();
        keep_live(live, format!("/live/display/{department}"), move || {
            let department = department.clone();
            leptos::task::spawn_local(async move {
                if let Ok(new) = get_waiting_display(department).await {
                    shown.set(new);
                }
            });
        });
        view! {
            <Title text=format!("{} {}", t.display_title, d.department)/>
            <noscript inner_html=r#"<meta http-equiv="refresh" content="15">"#></noscript>
            <h1>{t.display_title}": "{d.department.clone()}</h1>
            <section aria-labelledby="d-serving" aria-live="polite">
                <h2 id="d-serving">{t.display_serving}</h2>
                {move || list(shown.with(|s| s.serving.clone()))}
            </section>
            <section aria-labelledby="d-next">
                <h2 id="d-next">{t.display_next}</h2>
                {move || list(shown.with(|s| s.next.clone()))}
            </section>
            <p>{t.display_updated}" "{move || shown.with(|s| s.updated.clone())}</p>
        }
    })
}
