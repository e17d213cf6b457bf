//! `/waitlist/{reference}`: a place on a waiting list (キャンセル待ち) as its
//! owner sees it: where it stands, the booking held once offered, and
//! leaving the line. A browser that has not proved it owns the place gets
//! the find form (reference + e-mail or phone), as for a booking.

use crate::booking::types::{FindPage, WaitPage};
use domain::error::{DomainError, Missing};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::my_booking::FindForm;
use crate::booking::api::{LeaveWaitlist, get_wait_page};
use crate::core::components::{ErrorView, Loading};
use crate::core::error::AppError;

#[component]
pub fn WaitlistPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("reference").unwrap_or_default(),
                query.read().get("v"),
            )
        },
        |(reference, _)| get_wait_page(reference),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <WaitView page/> }.into_any(),
                    Err(AppError::Domain(DomainError::NotFound(Missing::Booking))) => {
                        let reference = params.read_untracked().get("reference").unwrap_or_default();
                        view! { <FindForm page=FindPage { reference, error: None }/> }.into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn WaitView(page: WaitPage) -> impl IntoView {
    let leave = ServerAction::<LeaveWaitlist>::new();
    let reference = page.reference.clone();
    view! {
        <Title text=page.title.clone()/>
        <h1>{page.title.clone()}</h1>
        {page.flash.map(|f| view! { <p class="notice notice-ok" role="status">{f}</p> })}
        <p class="lead">{page.lead}</p>
        <dl class="summary">
            {page.rows.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
        </dl>
        {page.offer.map(|(text, href)| view! { <p><a class="button button-primary" href=href>{text}</a></p> })}
        {page.withdraw.map(|text| view! {
            <crate::core::components::ActionError action=leave/>
            <ActionForm action=leave>
                <input type="hidden" name="reference" value=reference/>
                <p><button type="submit" class="button button-danger">{text}</button></p>
            </ActionForm>
        })}
    }
}
