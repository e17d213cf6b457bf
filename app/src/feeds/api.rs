//! Server functions of the feed pages. Forms post here with or without
//! JavaScript; the outcome (and a new feed's URL, the only time it is shown)
//! is left in the session for the next page, which is where the browser is
//! sent (POST/redirect/GET).

use leptos::prelude::*;

use crate::core::error::AppError;
use crate::feeds::types::{FeedsPage, FollowView};

#[cfg(feature = "ssr")]
mod ssr {
    use crate::core::access::Actor;
    use crate::core::error::{AppError, AuthError};
    use crate::core::session::{Ctx, Key};
    use crate::core::types::Flash;
    use crate::feeds::types::FreshUrl;

    /// The outcome of the last feed form.
    pub const FEEDS_FLASH: Key<Flash> = Key::new("feeds_flash");
    /// A feed's URL just made, shown once.
    pub const FEEDS_FRESH: Key<FreshUrl> = Key::new("feeds_fresh");

    /// Where feed URLs point: the public origin, else (a development server,
    /// the tests) the host this request came to.
    pub fn origin(c: &Ctx) -> String {
        if let Some(o) = &c.state.web.public_origin {
            return o.clone();
        }
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|p| {
                let host = p.headers.get(http::header::HOST)?.to_str().ok()?.to_owned();
                let plain = !host.is_empty()
                    && host
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c));
                plain.then(|| format!("http://{host}"))
            })
            .unwrap_or_else(|| c.state.origin())
    }

    /// The outcome of the last form of a booking's or visit's calendar
    /// section: (reference, message, the URL just made).
    pub const FOLLOW_DONE: Key<(String, Flash, Option<FreshUrl>)> = Key::new("follow_done");

    /// The booking (`kind` = `booking`) or visit (`visit`) of a page, if
    /// this browser proved it (or, for a booking, its account holds it);
    /// else the same "not found" as the page.
    pub async fn subject(
        c: &Ctx,
        kind: &str,
        reference: &str,
    ) -> Result<crate::feeds::service::Subject, AppError> {
        use domain::error::{DomainError, Missing};
        use domain::status::FeedScope;
        let missing = |m: Missing| AppError::Domain(DomainError::NotFound(m));
        match kind {
            "booking" => {
                let reference = domain::reference::normalize(reference)
                    .ok_or_else(|| missing(Missing::Booking))?;
                let record = match c.state.booking_by_reference(&reference).await {
                    Err(AppError::Domain(_)) => return Err(missing(Missing::Booking)),
                    other => other?,
                };
                if !crate::core::auth::may_see(&c.state, &c.session, &record).await? {
                    return Err(missing(Missing::Booking));
                }
                let (f, _) = c
                    .state
                    .unit_facility(domain::ids::UnitId(record.row.unit_id))
                    .await?;
                let now = c.state.now();
                Ok(crate::feeds::service::Subject {
                    scope: FeedScope::Booking,
                    id: record.row.id,
                    town: f.municipality.0,
                    reference,
                    active: record.row.status.at(record.row.expires_at, now).is_active()
                        && record.row.end_at > now,
                })
            }
            "visit" => {
                let r = match c.state.visit_by_reference(reference).await {
                    Err(AppError::Domain(_)) => return Err(missing(Missing::Appointment)),
                    other => other?,
                };
                if !crate::visits::api::may_see_visit(&c.state, &c.session, &r).await? {
                    return Err(missing(Missing::Appointment));
                }
                let now = c.state.now();
                Ok(crate::feeds::service::Subject {
                    scope: FeedScope::Visit,
                    id: r.row.id,
                    town: r.row.municipality_id,
                    active: r.row.status == domain::status::AppointmentStatus::Booked
                        && r.items.iter().any(|i| i.end_at > now),
                    reference: r.row.reference,
                })
            }
            _ => Err(missing(Missing::Feed)),
        }
    }

    /// Leaves a calendar form's outcome for the booking's or visit's page
    /// and goes back to its calendar section.
    pub async fn followed(
        c: &Ctx,
        subject: &crate::feeds::service::Subject,
        outcome: Result<(String, Option<FreshUrl>), AppError>,
    ) -> Result<(), AppError> {
        let (flash, fresh) = match outcome {
            Ok((text, fresh)) => (Flash { ok: true, text }, fresh),
            Err(e @ AppError::Domain(_)) => (
                Flash {
                    ok: false,
                    text: crate::core::messages::error_message(c.lang, &e),
                },
                None,
            ),
            Err(e) => return Err(e),
        };
        c.set(FOLLOW_DONE, &(subject.reference.clone(), flash, fresh))
            .await?;
        let page = match subject.scope {
            domain::status::FeedScope::Booking => format!("/bookings/{}", subject.reference),
            _ => format!("/visits/appointments/{}", subject.reference),
        };
        let v = c.state.now().timestamp_millis();
        crate::core::session::redirect(&format!("{page}?feed={v}#follow"));
        Ok(())
    }

    /// The session, the actor, and the state in the actor's own town
    /// (a member's feeds page is at `/console/feeds` whatever the town).
    pub async fn ctx() -> Result<(Ctx, Actor), AppError> {
        let mut c = crate::core::session::ctx().await?;
        let actor = crate::core::auth::actor(&c).await?;
        match &actor {
            Actor::Staff(s) => c.state = c.state.clone().in_town(s.municipality),
            Actor::Resident { municipality, .. } => {
                c.state = c.state.clone().in_town(*municipality)
            }
            Actor::Anonymous => {}
        }
        Ok((c, actor))
    }

    /// Leaves the outcome (and a fresh URL) and goes back to the actor's
    /// feed page. Errors the user can act on become the message; a missing
    /// sign-in, a refusal and a failing database stay errors.
    pub async fn done(
        c: &Ctx,
        actor: &Actor,
        outcome: Result<(String, Option<FreshUrl>), AppError>,
    ) -> Result<(), AppError> {
        let back = match actor {
            Actor::Staff(_) => "/console/feeds",
            Actor::Resident { .. } => "/my/feeds",
            Actor::Anonymous => return Err(AppError::Auth(AuthError::SignInRequired)),
        };
        let flash = match outcome {
            Ok((text, fresh)) => {
                if let Some(f) = fresh {
                    c.set(FEEDS_FRESH, &f).await?;
                }
                Flash { ok: true, text }
            }
            Err(e @ AppError::Domain(_)) => Flash {
                ok: false,
                text: crate::core::messages::error_message(c.lang, &e),
            },
            Err(e) => return Err(e),
        };
        c.set(FEEDS_FLASH, &flash).await?;
        // A new query, so the page reads its data again after a form sent
        // with JavaScript.
        let v = c.state.now().timestamp_millis();
        crate::core::session::redirect(&format!("{back}?v={v}"));
        Ok(())
    }
}

/// The signed-in account's feeds, what it may subscribe to, and the last
/// form's outcome.
#[server(prefix = "/sfn", endpoint = "get_feeds_page")]
pub async fn get_feeds_page() -> Result<FeedsPage, AppError> {
    let (c, actor) = ssr::ctx().await?;
    let (feeds, choices) = c.state.feed_lines(&actor, c.lang).await?;
    let staff = match &actor {
        crate::core::access::Actor::Staff(s) => Some(crate::console::service::me(s, c.lang)),
        _ => None,
    };
    Ok(FeedsPage {
        staff,
        feeds,
        choices,
        flash: c.take(ssr::FEEDS_FLASH).await?,
        fresh: c.take(ssr::FEEDS_FRESH).await?,
    })
}

/// Makes a feed; its URL is shown once on the next page.
#[server(prefix = "/sfn", endpoint = "create_feed")]
pub async fn create_feed(name: String, scope: String, detail: String) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    let t = crate::feeds::texts::texts(c.lang);
    let outcome = c
        .state
        .create_feed(&actor, c.lang, &name, &scope, &detail)
        .await
        .map(|(name, token)| {
            let fresh = crate::feeds::service::fresh_url(&ssr::origin(&c), &name, &token);
            ((t.created)(&name), Some(fresh))
        });
    ssr::done(&c, &actor, outcome).await
}

/// Gives a feed a new URL (shown once); the old one stops at once.
#[server(prefix = "/sfn", endpoint = "renew_feed")]
pub async fn renew_feed(id: String) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    let t = crate::feeds::texts::texts(c.lang);
    let outcome = match crate::feeds::rules::parse_id(&id) {
        Ok(id) => c.state.renew_feed(&actor, id).await.map(|(name, token)| {
            let fresh = crate::feeds::service::fresh_url(&ssr::origin(&c), &name, &token);
            ((t.renewed)(&name), Some(fresh))
        }),
        Err(e) => Err(e),
    };
    ssr::done(&c, &actor, outcome).await
}

/// Stops a feed for good.
#[server(prefix = "/sfn", endpoint = "revoke_feed")]
pub async fn revoke_feed(id: String) -> Result<(), AppError> {
    let (c, actor) = ssr::ctx().await?;
    let t = crate::feeds::texts::texts(c.lang);
    let outcome = match crate::feeds::rules::parse_id(&id) {
        Ok(id) => c
            .state
            .revoke_feed(&actor, id)
            .await
            .map(|name| ((t.revoked)(&name), None)),
        Err(e) => Err(e),
    };
    ssr::done(&c, &actor, outcome).await
}

/// The calendar section of a booking's (`kind` = `booking`) or visit's
/// (`visit`) page, for a browser that proved it.
#[server(prefix = "/sfn", endpoint = "get_follow")]
pub async fn get_follow(kind: String, reference: String) -> Result<FollowView, AppError> {
    let c = crate::core::session::ctx().await?;
    let subject = ssr::subject(&c, &kind, &reference).await?;
    let done = match c.get(ssr::FOLLOW_DONE).await? {
        Some((r, flash, fresh)) if r == subject.reference => {
            c.take(ssr::FOLLOW_DONE).await?;
            Some((flash, fresh))
        }
        _ => None,
    };
    let (flash, fresh) = done.unzip();
    Ok(FollowView {
        active: subject.active,
        following: c.state.following(&subject).await?,
        fresh: fresh.flatten(),
        flash,
    })
}

/// Makes a booking's or visit's own calendar URL (shown once; an older one
/// stops at once), or with `stop` stops it. One server function for both
/// forms of the section (one form type in the browser's code).
#[server(prefix = "/sfn", endpoint = "follow_feed")]
pub async fn follow_feed(
    kind: String,
    reference: String,
    stop: Option<String>,
) -> Result<(), AppError> {
    let c = crate::core::session::ctx().await?;
    let subject = ssr::subject(&c, &kind, &reference).await?;
    let t = crate::feeds::texts::texts(c.lang);
    let outcome = if stop.is_some() {
        c.state
            .unfollow(&subject)
            .await
            .map(|()| (t.follow_stopped.to_owned(), None))
    } else {
        c.state
            .follow(&subject, c.lang)
            .await
            .map(|(name, token, renewed)| {
                let fresh = crate::feeds::service::fresh_url(&ssr::origin(&c), &name, &token);
                let text = if renewed {
                    t.follow_renewed
                } else {
                    t.follow_made
                };
                (text.to_owned(), Some(fresh))
            })
    };
    ssr::followed(&c, &subject, outcome).await
}
