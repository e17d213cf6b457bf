//! Finding a booking (reference + e-mail or phone), seeing it, and
//! cancelling it before the deadline. Once the browser has proved it owns a
//! booking, its session may show it; the address never carries the proof.

use crate::booking::types::{BookingDetail, FindPage};
use domain::applicant::BookingField;
use domain::error::{DomainError, Missing};
use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::core::town::at;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::book::{BookingSummary, KeepIt};
use crate::booking::api::{
    AcceptOffer, CancelMyBooking, CancelSeriesRest, FindBooking, get_booking_page, get_find_page,
    take_booking_flash,
};
use crate::booking::texts::texts;
use crate::core::components::{ErrorView, Loading};
use crate::core::error::AppError;
use crate::core::lang::use_lang;
use crate::core::messages::field_label;

/// `/bookings`: the find form.
#[component]
pub fn FindBookingPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("retry"), |_| get_find_page());
    crate::core::components::loaded(data, false, |page| view! { <FindForm page/> })
}

#[component]
pub(super) fn FindForm(page: FindPage) -> impl IntoView {
    let lang = use_lang();
    let t = texts(lang);
    let find = ServerAction::<FindBooking>::new();
    let invalid = page.error.is_some().then_some("true");
    let has_error = page.error.is_some();
    let described = move |hint: &str| {
        if has_error {
            format!("find-error {hint}")
        } else {
            hint.to_owned()
        }
    };
    view! {
        <Title text=t.find_title/>
        <h1>{t.find_title}</h1>
        <p class="lead">{t.find_lead}</p>
        {page.error.clone().map(|e| view! { <p class="notice notice-error" role="alert" id="find-error">{e}</p> })}
        <crate::core::components::ActionError action=find/>
        <ActionForm action=find>
            <div class="field">
                <label for="f-reference">{field_label(lang, BookingField::Reference)}</label>
                <p id="f-reference-hint" class="hint">{t.reference_hint}</p>
                <input id="f-reference" name="reference" type="text" value=page.reference
                    autocomplete="off" autocapitalize="characters" spellcheck="false"
                    aria-required="true" aria-invalid=invalid aria-describedby=described("f-reference-hint")/>
            </div>
            <div class="field">
                <label for="f-contact">{field_label(lang, BookingField::Contact)}</label>
                <p id="f-contact-hint" class="hint">{t.contact_hint}</p>
                <input id="f-contact" name="contact" type="text" autocomplete="email"
                    aria-required="true" aria-invalid=invalid aria-describedby=described("f-contact-hint")/>
            </div>
            <p><button type="submit" class="button button-primary">{t.find_button}</button></p>
        </ActionForm>
    }
}

/// Loads the booking named in the path if this browser may see it; else
/// offers the find form for it.
fn booking_resource() -> Resource<Result<(BookingDetail, Option<String>), AppError>> {
    let params = use_params_map();
    let query = use_query_map();
    Resource::new(
        move || {
            (
                params.read().get("reference").unwrap_or_default(),
                query.read().get("cancelled"),
                query.read().get("retry"),
                query.read().get("taken"),
            )
        },
        |(reference, _, _, _)| async move {
            let detail = get_booking_page(reference).await?;
            let flash = take_booking_flash(detail.reference.clone()).await?;
            Ok((detail, flash))
        },
    )
}

fn with_booking<V: IntoView + 'static>(
    data: Resource<Result<(BookingDetail, Option<String>), AppError>>,
    render: impl Fn(BookingDetail, Option<String>) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let params = use_params_map();
    view! {
        <Suspense fallback=Loading>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok((d, flash)) => render(d, flash).into_any(),
                        Err(AppError::Domain(DomainError::NotFound(Missing::Booking))) => {
                            let reference = params.read_untracked().get("reference").unwrap_or_default();
                            view! { <FindForm page=FindPage { reference, error: None }/> }.into_any()
                        }
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// `/bookings/{reference}`: the booking, printable, with cancel if allowed.
#[component]
pub fn MyBookingPage() -> impl IntoView {
    let query = use_query_map();
    let data = booking_resource();
    with_booking(data, move |d, flash| {
        let lang = use_lang();
        let t = texts(lang);
        let cancelled =
            query.read_untracked().get("cancelled").is_some() && d.status == "cancelled";
        let active = matches!(d.status.as_str(), "pending" | "confirmed");
        let reference = d.reference.clone();
        let phone = d.facility_phone.clone();
        let can_cancel = d.can_cancel;
        view! {
            <Title text=t.detail_title/>
            <h1>{t.detail_title}</h1>
            {cancelled.then(|| view! { <p class="notice notice-ok" role="status">{t.cancelled_notice}</p> })}
            {flash.map(|f| view! { <p class="notice notice-error" role="alert">{f}</p> })}
            {d.offer.clone().map(|o| view! { <Offer o reference=reference.clone()/> })}
            <KeepIt reference=reference.clone()/>
            <BookingSummary d/>
            {if can_cancel {
                view! { <p class="no-print"><a class="button" href=at(&format!("/bookings/{reference}/cancel"))>{t.cancel_link}</a></p> }.into_any()
            } else if active {
                view! { <p class="notice">{crate::core::messages::cancel_closed(lang, &phone)}</p> }.into_any()
            } else {
                ().into_any()
            }}
        }
    })
}

/// A time offered from the waiting list: what to do, and the button that
/// confirms it (declining is cancelling).
#[component]
fn Offer(o: crate::booking::types::OfferText, reference: String) -> impl IntoView {
    let accept = ServerAction::<AcceptOffer>::new();
    view! {
        <section class="notice notice-ok offer" aria-labelledby="offer-text">
            <p id="offer-text">{o.notice}</p>
            <crate::core::components::ActionError action=accept/>
            <ActionForm action=accept>
                <input type="hidden" name="reference" value=reference/>
                <p><button type="submit" class="button button-primary">{o.button}</button></p>
            </ActionForm>
        </section>
    }
}

/// `/bookings/{reference}/cancel`: asks once more before cancelling.
#[component]
pub fn CancelBookingPage() -> impl IntoView {
    let data = booking_resource();
    with_booking(data, move |d, _| {
        let lang = use_lang();
        let t = texts(lang);
        let cancel = ServerAction::<CancelMyBooking>::new();
        let cancel_rest = ServerAction::<CancelSeriesRest>::new();
        let reference = d.reference.clone();
        let can_cancel = d.can_cancel;
        let rest = d.series.as_ref().and_then(|s| s.cancel_rest.clone());
        let rest_reference = reference.clone();
        let phone = d.facility_phone.clone();
        view! {
            <Title text=t.cancel_title/>
            <h1>{t.cancel_title}</h1>
            {if can_cancel {
                view! {
                    <p class="lead">{t.cancel_lead}</p>
                    <crate::core::components::ActionError action=cancel/>
                    <ActionForm action=cancel>
                        <input type="hidden" name="reference" value=reference.clone()/>
                        <p class="actions">
                            <button type="submit" class="button button-danger">{t.cancel_button}</button>
                            <a class="button" href=at(&format!("/bookings/{reference}"))>{t.keep_button}</a>
                        </p>
                    </ActionForm>
                    // A date of a series: this one and the later ones at once.
                    {rest.map(|words| view! {
                        <crate::core::components::ActionError action=cancel_rest/>
                        <ActionForm action=cancel_rest>
                            <input type="hidden" name="reference" value=rest_reference/>
                            <p><button type="submit" class="button button-danger">{words}</button></p>
                        </ActionForm>
                    })}
                }.into_any()
            } else {
                view! { <p class="notice">{crate::core::messages::cancel_closed(lang, &phone)}</p> }.into_any()
            }}
            <BookingSummary d/>
        }
    })
}
