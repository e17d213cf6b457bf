//! The audit log and the mail outbox (admins).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{ConsoleBar, console_loaded, ct};
use crate::console::api::*;
use crate::console::types::*;

/// `/console/audit` (admins), filtered by the query string.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let q = move |k: &str| query.read().get(k);
    let data = Resource::new(
        move || (q("actor"), q("action"), q("target"), q("from"), q("to")),
        |(actor, action, target, from, to)| get_audit_page(actor, action, target, from, to),
    );
    console_loaded(data, move |p: AuditPage| {
        let t = ct();
        let value = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
        let none = p.entries.is_empty();
        view! {
            <Title text=t.audit_title/>
            <ConsoleBar me=p.me.clone()/>
            <h1>{t.audit_title}</h1>
            <form method="get" action="/console/audit" class="inline-form">
                <label for="a-actor">{t.audit_actor}</label>
                <input id="a-actor" name="actor" type="text" value=value("actor")/>
                <label for="a-action">{t.audit_action}</label>
                <input id="a-action" name="action" type="text" value=value("action")/>
                <label for="a-target">{t.audit_target}</label>
                <input id="a-target" name="target" type="text" value=value("target")/>
                <label for="a-from">{t.from}</label>
                <input id="a-from" name="from" type="date" value=value("from")/>
                <label for="a-to">{t.to}</label>
                <input id="a-to" name="to" type="date" value=value("to")/>
                <button type="submit" class="button">{t.filter_button}</button>
            </form>
            {if none {
                view! { <p>{t.no_entries}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" role="region" aria-label=t.audit_title tabindex="0">
                        <table class="list">
                            <thead><tr>
                                <th scope="col">{t.audit_at}</th>
                                <th scope="col">{t.audit_actor}</th>
                                <th scope="col">{t.audit_action}</th>
                                <th scope="col">{t.audit_target}</th>
                                <th scope="col">{t.audit_before}</th>
                                <th scope="col">{t.audit_after}</th>
                            </tr></thead>
                            <tbody>
                                {p.entries.iter().map(|e| view! {
                                    <tr>
                                        <td>{e.at.clone()}</td>
                                        <td>{e.actor.clone()}</td>
                                        <td>{e.action.clone()}</td>
                                        <td>{e.target.clone()}</td>
                                        <td><code>{e.before.clone()}</code></td>
                                        <td><code>{e.after.clone()}</code></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        }
    })
}

/// `/console/outbox` (admins).
#[component]
pub fn OutboxPageView() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_outbox_page());
    console_loaded(data, |p: OutboxPage| {
        let t = ct();
        view! {
            <Title text=t.outbox_title/>
            <ConsoleBar me=p.me.clone()/>
            <h1>{t.outbox_title}</h1>
            <p>{t.outbox_lead}</p>
            <div class="table-scroll" role="region" aria-label=t.outbox_title tabindex="0">
                <table class="list">
                    <thead><tr>
                        <th scope="col">{t.mail_created}</th>
                        <th scope="col">{t.mail_to}</th>
                        <th scope="col">{t.mail_subject}</th>
                        <th scope="col">{t.mail_sent}</th>
                    </tr></thead>
                    <tbody>
                        {p.mails.iter().map(|m| view! {
                            <tr>
                                <td>{m.created.clone()}</td>
                                <td>{m.to.clone()}</td>
                                <td>{m.subject.clone()}</td>
                                <td>{m.sent.clone().unwrap_or_else(|| format!("{} ({})", t.mail_waiting, m.error.clone().unwrap_or_default()))}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    })
}
