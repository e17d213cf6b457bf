//! `/console/feeds` (staff) and `/my/feeds` (residents): the account's
//! calendar feeds, a new feed's URL once, and the forms that make, renew and
//! stop feeds; and the calendar section of a booking's or visit's page.
//! Plain forms: they work without JavaScript.

use domain::error::DomainError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::console::pages::{ConsoleBar, FlashView};
use crate::core::components::ErrorView;
use crate::core::error::AppError;
use crate::core::lang::use_lang;
use crate::feeds::api::*;
use crate::feeds::texts::texts;
use crate::feeds::types::{FeedLine, FeedsPage, FollowView, FreshUrl};

/// The URL of a feed just made or renewed, and the ways to add it.
#[component]
fn Fresh(fresh: FreshUrl) -> impl IntoView {
    let t = texts(use_lang());
    view! {
        <section class="notice notice-ok fresh-feed" aria-labelledby="fresh-heading">
            <h2 id="fresh-heading">{t.fresh_heading}</h2>
            <p>{t.fresh_lead}</p>
            <div class="field">
                <label for="fresh-url">{format!("{} ({})", t.url_label, fresh.name)}</label>
                <input id="fresh-url" type="text" readonly value=fresh.https.clone() class="feed-url"
                    data-testid="feed-url"/>
            </div>
            <ul class="plain-list">
                <li><a href=fresh.webcal>{t.webcal_link}</a></li>
                <li><a href=fresh.google rel="noopener noreferrer">{t.google_link}</a></li>
                <li><a href=fresh.outlook rel="noopener noreferrer">{t.outlook_link}</a></li>
            </ul>
        </section>
    }
}

/// The account's working feeds, each with "new URL" and "stop".
#[component]
fn Lines(feeds: Vec<FeedLine>) -> impl IntoView {
    let t = texts(use_lang());
    if feeds.is_empty() {
        return view! { <p>{t.none}</p> }.into_any();
    }
    let renew = ServerAction::<RenewFeed>::new();
    let revoke = ServerAction::<RevokeFeed>::new();
    view! {
        <div class="table-scroll" role="region" aria-label=t.list_heading tabindex="0">
            <table class="list">
                <thead>
                    <tr>
                        <th scope="col">{t.col_name}</th>
                        <th scope="col">{t.col_scope}</th>
                        <th scope="col">{t.col_detail}</th>
                        <th scope="col">{t.col_renewed}</th>
                        <th scope="col">{t.col_actions}</th>
                    </tr>
                </thead>
                <tbody>
                    {feeds.into_iter().map(|f| {
                        let (renew_label, revoke_label) = ((t.renew_label)(&f.name), (t.revoke_label)(&f.name));
                        let id = f.id;
                        view! {
                        <tr>
                            <td>{f.name}</td>
                            <td>{f.scope}</td>
                            <td>{f.detail}</td>
                            <td>{f.renewed}</td>
                            <td class="row-actions">
                                <ActionForm action=renew attr:class="inline-form">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <button type="submit" class="button" aria-label=renew_label.clone()>{t.renew}</button>
                                </ActionForm>
                                <ActionForm action=revoke attr:class="inline-form">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <button type="submit" class="button" aria-label=revoke_label.clone()>{t.revoke}</button>
                                </ActionForm>
                            </td>
                        </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The form that makes a feed.
#[component]
fn CreateForm(page: FeedsPage) -> impl IntoView {
    let t = texts(use_lang());
    let create = ServerAction::<CreateFeed>::new();
    let staff = page.staff.is_some();
    let name = if staff { "" } else { t.own_bookings };
    view! {
        <h2 id="create-heading">{t.create_heading}</h2>
        <crate::core::components::ActionError action=create/>
        <ActionForm action=create attr:aria-labelledby="create-heading">
            <div class="field">
                <label for="f-name">{t.name_label}</label>
                <p class="hint" id="f-name-hint">{t.name_hint}</p>
                <input id="f-name" name="name" type="text" required maxlength="60" value=name
                    aria-describedby="f-name-hint" autocomplete="off"/>
            </div>
            <div class="field">
                <label for="f-scope">{t.scope_label}</label>
                <select id="f-scope" name="scope" required>
                    {page.choices.into_iter().map(|c| view! {
                        <option value=c.value>{c.label}</option>
                    }).collect_view()}
                </select>
            </div>
            <fieldset class="field">
                <legend>{t.detail_legend}</legend>
                <div class="choice">
                    <input id="f-busy" type="radio" name="detail" value="busy" checked=staff/>
                    <label for="f-busy">{t.busy_choice}</label>
                </div>
                <div class="choice">
                    <input id="f-full" type="radio" name="detail" value="full" checked=!staff/>
                    <label for="f-full">{if staff { t.full_choice } else { t.full_choice_resident }}</label>
                </div>
            </fieldset>
            <p><button type="submit" class="button button-primary">{t.create}</button></p>
        </ActionForm>
    }
}

/// `/console/feeds` for staff, `/my/feeds` for residents (the server knows
/// which from the sign-in).
#[component]
pub fn FeedsView() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("v"), |_| get_feeds_page());
    crate::core::components::loaded(data, false, |page: FeedsPage| {
        let t = texts(use_lang());
        let title = if page.staff.is_some() {
            t.console_title
        } else {
            t.my_title
        };
        view! {
            <Title text=title/>
            {page.staff.clone().map(|me| view! { <ConsoleBar me/> })}
            <h1>{title}</h1>
            <FlashView flash=page.flash.clone()/>
            {page.fresh.clone().map(|fresh| view! { <Fresh fresh/> })}
            <p class="lead">{t.lead}</p>
            <p>{t.secret_note}</p>
            <h2>{t.list_heading}</h2>
            <Lines feeds=page.feeds.clone()/>
            <CreateForm page/>
        }
    })
}

/// `/bookings/{reference}`: the booking's page, then its calendar section.
#[component]
pub fn BookingWithCalendar() -> impl IntoView {
    view! {
        <crate::booking::pages::MyBookingPage/>
        <Follow kind="booking"/>
    }
}

/// `/visits/appointments/{reference}`: the visit's page, then its calendar
/// section.
#[component]
pub fn VisitWithCalendar() -> impl IntoView {
    view! {
        <crate::visits::pages::VisitDetailPage/>
        <Follow kind="visit"/>
    }
}

/// The calendar section of the booking (`kind` = `booking`) or visit
/// (`visit`) of the page's path: its own feed's URL, made, made anew or
/// stopped. Nothing while the browser has not proved it (the page shows the
/// find form then); once it is over or cancelled, only stopping.
#[component]
fn Follow(kind: &'static str) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("reference").unwrap_or_default(),
                query.read().get("feed"),
                // The page's own forms (cancel, move) change what it offers.
                query.read().get("cancelled"),
            )
        },
        move |(reference, _, _)| get_follow(kind.to_owned(), reference),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <FollowSection kind v/> }.into_any(),
                    Err(AppError::Domain(DomainError::NotFound(_))) => ().into_any(),
                    Err(error) => view! { <ErrorView error nested=true/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FollowSection(kind: &'static str, v: FollowView) -> impl IntoView {
    let t = texts(use_lang());
    let follow = ServerAction::<FollowFeed>::new();
    let params = use_params_map();
    let reference = move || params.read_untracked().get("reference").unwrap_or_default();
    (v.active || v.following || v.flash.is_some()).then(move || {
        view! {
            <section class="no-print" id="follow" aria-labelledby="follow-heading">
                <h2 id="follow-heading">{t.follow_heading}</h2>
                {v.flash.clone().map(|f| if f.ok {
                    view! { <p class="notice notice-ok" role="status">{f.text}</p> }.into_any()
                } else {
                    view! { <p class="notice notice-error" role="alert">{f.text}</p> }.into_any()
                })}
                {v.fresh.clone().map(|fresh| view! { <Fresh fresh/> })}
                <p>{if v.following { t.follow_on } else { t.follow_lead }}</p>
                <crate::core::components::ActionError action=follow/>
                {v.active.then(|| view! {
                    <ActionForm action=follow attr:class="inline-form">
                        <input type="hidden" name="kind" value=kind/>
                        <input type="hidden" name="reference" value=reference()/>
                        <button type="submit" class="button">{if v.following { t.renew } else { t.follow_make }}</button>
                    </ActionForm>
                })}
                {v.following.then(|| view! {
                    <ActionForm action=follow attr:class="inline-form">
                        <input type="hidden" name="kind" value=kind/>
                        <input type="hidden" name="reference" value=reference()/>
                        <input type="hidden" name="stop" value="1"/>
                        <button type="submit" class="button">{t.follow_stop}</button>
                    </ActionForm>
                })}
            </section>
        }
    })
}
