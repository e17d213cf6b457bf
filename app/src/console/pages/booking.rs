//! One booking for staff: details, contact, decisions and records.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{ConsoleBar, FlashView, console_loaded, ct};
use crate::console::api::*;
use crate::console::types::*;
use crate::core::messages::field_label;
use domain::applicant::BookingField;

/// `/console/bookings/{id}`.
#[component]
pub fn StaffBookingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("v"),
            )
        },
        |(id, _)| get_staff_booking(id),
    );
    console_loaded(data, |b: StaffBooking| {
        let t = ct();
        let decide = ServerAction::<DecideBooking>::new();
        let mark = ServerAction::<MarkBooking>::new();
        let reveal = ServerAction::<RevealContact>::new();
        let id = b.line.id.to_string();
        let reveal_id = id.clone();
        let l = b.line.clone();
        let title = (t.booking_title)(&l.reference);
        let mark_id = id.clone();
        let approve_id = id.clone();
        let mark_button = move |what: &'static str, label: &'static str| {
            let id = mark_id.clone();
            view! {
                <ActionForm action=mark attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="what" value=what/>
                    <button type="submit" class="button">{label}</button>
                </ActionForm>
            }
        };
        view! {
            <Title text=title.clone()/>
            <ConsoleBar me=b.me.clone()/>
            <h1>{title}</h1>
            <FlashView flash=b.flash.clone()/>
            <dl class="summary">
                <dt>{t.status}</dt><dd><span class=format!("tag tag-{}", l.status)>{l.status_label.clone()}</span></dd>
                <dt>{t.facility}</dt><dd><a href=format!("/console/facilities/{}", b.facility_id)>{l.facility.clone()}</a></dd>
                <dt>{t.unit}</dt><dd>{l.unit.clone()}</dd>
                <dt>{t.when}</dt><dd>{l.when.clone()}</dd>
                {l.expires.clone().map(|e| view! { <dt>{t.expires}</dt><dd>{e}</dd> })}
                <dt>{t.purpose}</dt><dd>{l.purpose.clone()}</dd>
                {(!b.block).then(|| view! {
                    <dt>{t.attendees}</dt><dd>{l.attendees}</dd>
                    <dt>{t.resident}</dt><dd>{b.resident_label.clone()}</dd>
                    <dt>{t.fee}</dt><dd>{b.fee.clone()}</dd>
                    <dt>{t.paid}</dt><dd>{b.paid.clone().unwrap_or_else(|| t.not_paid.to_owned())}</dd>
                    <dt>{t.usage}</dt><dd>{b.usage.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                    <dt>{t.no_shows}</dt><dd>{b.no_shows}</dd>
                })}
                {b.proxy_by.clone().map(|p| view! { <dt>{t.proxy_by}</dt><dd>{p}</dd> })}
                {b.override_reason.clone().map(|p| view! { <dt>{t.override_reason}</dt><dd>{p}</dd> })}
                {b.status_reason.clone().map(|p| view! { <dt>{t.status_reason}</dt><dd>{p}</dd> })}
                {b.waitlist.clone().map(|(label, text)| view! { <dt>{label}</dt><dd>{text}</dd> })}
                {b.series.clone().map(|(label, text)| view! { <dt>{label}</dt><dd>{text}</dd> })}
                {b.reduction.clone().map(|r| {
                    let lang = crate::core::lang::use_lang();
                    view! {
                        <dt>{field_label(lang, BookingField::Reduction)}</dt><dd>{r.name}</dd>
                        <dt>{field_label(lang, BookingField::ReductionNote)}</dt><dd>{r.note}</dd>
                        {r.state.map(|s| view! { <dt>{crate::booking::texts::texts(lang).reduction_state_label}</dt><dd data-testid="reduction-state">{s}</dd> })}
                    }
                })}
            </dl>
            {(!b.block).then(|| match b.contact.clone() {
                Some(c) => view! {
                    <section>
                        <h2>{t.contact_heading}</h2>
                        <p class="hint">{t.contact_logged}</p>
                        <dl class="summary">
                            <dt>{t.name}</dt><dd>{c.name}</dd>
                            <dt>{t.name_kana}</dt><dd>{c.name_kana}</dd>
                            <dt>{t.phone}</dt><dd>{c.phone}</dd>
                            <dt>{t.email}</dt><dd>{c.email}</dd>
                        </dl>
                    </section>
                }.into_any(),
                None => view! {
                    <ActionForm action=reveal attr:class="no-print">
                        <input type="hidden" name="id" value=reveal_id.clone()/>
                        <button type="submit" class="button">{t.show_contact}</button>
                    </ActionForm>
                }.into_any(),
            })}
            {(b.can_approve || b.can_cancel).then(|| view! {
                <section class="no-print">
                    <h2>{t.decide_heading}</h2>
                    {b.can_approve.then(|| match b.reduction.clone().and_then(|r| r.approve) {
                        // A reduction asked for: approve with it or without.
                        Some((with, without)) => view! {
                            <ActionForm action=decide>
                                <input type="hidden" name="id" value=approve_id.clone()/>
                                <p class="actions">
                                    <button type="submit" name="action" value="approve" class="button button-primary">{with}</button>
                                    <button type="submit" name="action" value="approve_full" class="button">{without}</button>
                                </p>
                            </ActionForm>
                        }.into_any(),
                        None => view! {
                            <ActionForm action=decide>
                                <input type="hidden" name="id" value=approve_id.clone()/>
                                <input type="hidden" name="action" value="approve"/>
                                <p><button type="submit" class="button button-primary">{t.approve}</button></p>
                            </ActionForm>
                        }.into_any(),
                    })}
                    <ActionForm action=decide>
                        <input type="hidden" name="id" value=id.clone()/>
                        <div class="field">
                            <label for="d-reason">{t.reason}</label>
                            <p class="hint" id="d-reason-hint">{t.reason_hint}</p>
                            <textarea id="d-reason" name="reason" rows="3" maxlength="500" aria-describedby="d-reason-hint"></textarea>
                        </div>
                        <p class="actions">
                            {b.can_approve.then(|| view! { <button type="submit" name="action" value="reject" class="button button-danger">{t.reject}</button> })}
                            <button type="submit" name="action" value="cancel" class="button button-danger">{t.cancel}</button>
                        </p>
                    </ActionForm>
                </section>
            })}
            {b.can_mark.then(|| view! {
                <section class="no-print">
                    <h2>{t.record_heading}</h2>
                    <div class="actions">
                        {mark_button("used", t.mark_used)}
                        {mark_button("no_show", t.mark_no_show)}
                        {mark_button("usage_clear", t.clear_usage)}
                        {mark_button("paid", t.mark_paid)}
                        {mark_button("paid_clear", t.clear_paid)}
                    </div>
                </section>
            })}
        }
    })
}
