//! Calendar feeds on the server: making, renewing and revoking feeds
//! (audited), a booking's or visit's own feed, and the feed file itself
//! (who may subscribe to what is in `rules`).
//!
//! The owner's role and scope are checked when a feed is made *and* on every
//! fetch, with the account as it is then: a deactivated account, or one that
//! no longer manages that facility or serves that division, gets the same
//! 404 as an unknown token. A booking's or visit's own feed has no owner:
//! whoever proves the booking (reference + contact) on its page may make it
//! again (the old URL stops) or stop it.

use axum::body::Bytes;
use chrono::{DateTime, Duration, Utc};
use domain::error::{Field, InvalidReason};
use domain::status::{AuditAction, FeedDetail, FeedScope};
use domain::text::Lang;
use store::entity::calendar_feed;
use store::{AuditEntry, FacilityRecord, NewFeed};

use crate::core::access::{Actor, entry};
use crate::core::calendar::{Detail, booking_event, visit_event};
use crate::core::error::{AppError, AuthError};
use crate::core::ics::{IcsCalendar, IcsEvent, write};
use crate::core::state::AppState;
use crate::feeds::rules::{
    allowed, choices, invalid, not_found, parse_detail, parse_name, parse_scope, reader,
};
use crate::feeds::texts::texts;
use crate::feeds::types::{FeedChoice, FeedLine, FreshUrl};

/// Past events, and events cancelled this long ago, stay in feeds (so
/// subscribed calendars see a cancellation and remove the event).
pub const KEEP_DAYS: i64 = 30;
/// How often calendars are asked to fetch again.
pub const REFRESH_MINUTES: i64 = 15;
/// Working feeds one account may hold.
const MAX_FEEDS: usize = 50;
/// Feeds being made now, at most.
static MAKING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// A feed file, or that the caller's copy is current.
pub enum FeedAnswer {
    File {
        body: Bytes,
        etag: String,
        modified: DateTime<Utc>,
    },
    NotModified {
        etag: String,
        modified: DateTime<Utc>,
    },
}

/// What the caller already has (`If-None-Match`, `If-Modified-Since`).
#[derive(Default)]
pub struct Validators {
    pub if_none_match: Option<String>,
    pub if_modified_since: Option<DateTime<Utc>>,
}

/// `https://…/feeds/{token}.ics` and the ways to add it.
pub fn fresh_url(origin: &str, name: &str, token: &str) -> FreshUrl {
    let https = format!("{origin}/feeds/{token}.ics");
    let webcal = match https.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => https.clone(),
    };
    let enc = crate::core::lang::encode_next;
    FreshUrl {
        name: name.to_owned(),
        google: format!(
            "https://calendar.google.com/calendar/render?cid={}",
            enc(&webcal)
        ),
        outlook: format!(
            "https://outlook.live.com/calendar/0/addfromweb?url={}&name={}",
            enc(&https),
            enc(name)
        ),
        webcal,
        https,
    }
}

/// A booking or visit whose own feed is asked for, already proved by the
/// caller (reference + contact, or the account it belongs to).
pub struct Subject {
    pub scope: FeedScope,
    pub id: i64,
    pub town: i64,
    pub reference: String,
    /// Still to come (not cancelled, not over).
    pub active: bool,
}

impl Subject {
    /// The audit entry of a change to its feed, made by whoever proved it.
    fn audit(&self, action: AuditAction, now: DateTime<Utc>) -> AuditEntry {
        AuditEntry {
            municipality_id: self.town,
            actor: format!("reference:{}", self.reference),
            action,
            target: String::new(),
            before: None,
            after: Some(serde_json::json!({
                "scope": self.scope.code(), "scope_id": self.id,
            })),
            at: now,
        }
    }
}

impl AppState {
    /// Whether a booking or visit has its own working feed.
    pub async fn following(&self, subject: &Subject) -> Result<bool, AppError> {
        Ok(self
            .store
            .subject_feed(subject.scope, subject.id)
            .await?
            .is_some())
    }

    /// Makes a booking's or visit's own feed (a full one, in `lang`),
    /// stopping the one it had; returns its name, its token and whether it
    /// replaced one.
    pub async fn follow(
        &self,
        subject: &Subject,
        lang: Lang,
    ) -> Result<(String, String, bool), AppError> {
        let t = texts(lang);
        let name = match subject.scope {
            FeedScope::Booking => (t.booking_feed_name)(&subject.reference),
            _ => (t.visit_feed_name)(&subject.reference),
        };
        let renewed = self.following(subject).await?;
        let action = if renewed {
            AuditAction::FeedRenew
        } else {
            AuditAction::FeedCreate
        };
        let new = NewFeed {
            municipality_id: subject.town,
            owner_id: None,
            name: name.clone(),
            scope: subject.scope,
            scope_id: subject.id,
            detail: FeedDetail::Full,
            lang: lang.code().to_owned(),
        };
        let now = self.now();
        let (_, token) = self
            .store
            .replace_subject_feed(&new, &subject.audit(action, now), now)
            .await?;
        Ok((name, token, renewed))
    }

    /// Stops a booking's or visit's own feed (none: "not found").
    pub async fn unfollow(&self, subject: &Subject) -> Result<(), AppError> {
        let now = self.now();
        let audit = subject.audit(AuditAction::FeedRevoke, now);
        if self
            .store
            .revoke_subject_feed(subject.scope, subject.id, &audit, now)
            .await?
        {
            Ok(())
        } else {
            Err(not_found())
        }
    }

    /// The feeds an account holds, and what it may make, in `lang`.
    pub async fn feed_lines(
        &self,
        actor: &Actor,
        lang: Lang,
    ) -> Result<(Vec<FeedLine>, Vec<FeedChoice>), AppError> {
        let choices = choices(self, actor, lang).await?;
        let account = account_id(actor)?;
        let t = texts(lang);
        let tz = self.town().await?.1;
        let label = |scope: FeedScope, id: i64| {
            choices
                .iter()
                .find(|(s, i, _)| *s == scope && *i == id)
                .map(|(_, _, l)| l.clone())
                .unwrap_or_else(|| format!("{} {id}", scope.code()))
        };
        let feeds = self
            .store
            .feeds_of(account)
            .await?
            .into_iter()
            .map(|f| FeedLine {
                id: f.id,
                scope: label(f.scope, f.scope_id),
                detail: match f.detail {
                    FeedDetail::Busy => t.busy,
                    FeedDetail::Full => t.full,
                }
                .to_owned(),
                renewed: crate::core::i18n::date_time(
                    lang,
                    f.renewed_at.with_timezone(&tz).naive_local(),
                ),
                name: f.name,
            })
            .collect();
        let choices = choices
            .into_iter()
            .map(|(s, id, label)| FeedChoice {
                value: format!("{}:{id}", s.code()),
                label,
            })
            .collect();
        Ok((feeds, choices))
    }

    /// Makes a feed for what the actor may see; returns its name and token.
    pub async fn create_feed(
        &self,
        actor: &Actor,
        lang: Lang,
        name: &str,
        scope: &str,
        detail: &str,
    ) -> Result<(String, String), AppError> {
        let account = account_id(actor)?;
        let name = parse_name(name)?;
        let (scope, id) = parse_scope(scope)?;
        let detail = parse_detail(detail)?;
        let town = allowed(self, actor, scope, id).await?;
        if self.store.feeds_of(account).await?.len() >= MAX_FEEDS {
            return Err(invalid(
                Field::FeedScope,
                InvalidReason::TooMany {
                    max: MAX_FEEDS as u32,
                },
            ));
        }
        let new = NewFeed {
            municipality_id: town,
            owner_id: Some(account),
            name: name.clone(),
            scope,
            scope_id: id,
            detail,
            lang: lang.code().to_owned(),
        };
        let mut audit = self.feed_audit(actor, AuditAction::FeedCreate, 0)?;
        audit.after = Some(serde_json::json!({
            "name": name, "scope": scope.code(), "scope_id": id, "detail": detail.code(),
        }));
        let (_, token) = self.store.create_feed(&new, &audit, self.now()).await?;
        Ok((name, token))
    }

    /// One of the actor's own working feeds.
    async fn own_feed(&self, actor: &Actor, id: i64) -> Result<calendar_feed::Model, AppError> {
        let account = account_id(actor)?;
        self.store
            .feed(id)
            .await?
            .filter(|f| f.owner_id == Some(account) && f.revoked_at.is_none())
            .ok_or_else(not_found)
    }

    /// A new URL for one of the actor's feeds; returns its name and token.
    pub async fn renew_feed(&self, actor: &Actor, id: i64) -> Result<(String, String), AppError> {
        let f = self.own_feed(actor, id).await?;
        let audit = self.feed_audit(actor, AuditAction::FeedRenew, f.id)?;
        let token = self
            .store
            .renew_feed(f.id, &audit, self.now())
            .await?
            .ok_or_else(not_found)?;
        Ok((f.name, token))
    }

    /// Stops one of the actor's feeds; returns its name.
    pub async fn revoke_feed(&self, actor: &Actor, id: i64) -> Result<String, AppError> {
        let f = self.own_feed(actor, id).await?;
        let audit = self.feed_audit(actor, AuditAction::FeedRevoke, f.id)?;
        if !self.store.revoke_feed(f.id, &audit, self.now()).await? {
            return Err(not_found());
        }
        Ok(f.name)
    }

    fn feed_audit(
        &self,
        actor: &Actor,
        action: AuditAction,
        id: i64,
    ) -> Result<AuditEntry, AppError> {
        let target = format!("feed:{id}");
        Ok(match actor {
            Actor::Staff(s) => entry(s, action, target, self.now()),
            Actor::Resident {
                id: account,
                municipality,
                ..
            } => AuditEntry {
                municipality_id: *municipality,
                actor: format!("account:{account}"),
                action,
                target,
                before: None,
                after: None,
                at: self.now(),
            },
            Actor::Anonymous => return Err(AppError::Auth(AuthError::SignInRequired)),
        })
    }

    /// The feed a token opens, as a calendar file (or "not modified").
    /// Unknown, renewed-away and revoked tokens, and feeds whose owner lost
    /// the account or the scope, are all the same 404.
    pub async fn feed_file(&self, token: &str, have: &Validators) -> Result<FeedAnswer, AppError> {
        let token = token.strip_suffix(".ics").unwrap_or(token);
        let feed = self
            .store
            .feed_by_token(token)
            .await?
            .ok_or_else(not_found)?;
        let actor = reader(self, &feed).await?.ok_or_else(not_found)?;
        let now = self.now();
        // Every change to bookings, visits, staff and rules is in the change
        // log; its newest id stands for "anything this feed shows". What
        // time alone changes (the window, a request lapsing unrecorded) is
        // covered by the refresh period the validator also names.
        let (latest, latest_at) = self.store.latest_change().await?;
        let period = REFRESH_MINUTES * 60;
        let bucket = now.timestamp().div_euclid(period);
        let etag = format!(
            "\"f{}-{}-{}-{bucket}\"",
            feed.id,
            feed.renewed_at.timestamp(),
            latest,
        );
        let bucket_start = DateTime::from_timestamp(bucket * period, 0).unwrap_or(now);
        let modified = [latest_at, feed.renewed_at, bucket_start]
            .into_iter()
            .max()
            .unwrap_or(now);
        let fresh = match (&have.if_none_match, have.if_modified_since) {
            (Some(tags), _) => tags.split(',').any(|t| {
                let t = t.trim();
                t == "*" || t.trim_start_matches("W/") == etag
            }),
            (None, Some(since)) => modified.timestamp() <= since.timestamp(),
            (None, None) => false,
        };
        if fresh {
            return Ok(FeedAnswer::NotModified { etag, modified });
        }
        // At most two feeds are made at once (a hundred calendar apps asking
        // together wait their turn rather than each holding a feed in
        // memory), and one just made for the same validator is sent again.
        let _turn = MAKING.acquire().await.map_err(|_| AppError::Unavailable)?;
        let body = match self.made_feeds.get(feed.id, &etag) {
            Some(body) => body,
            None => {
                let town = self
                    .store
                    .towns_now()
                    .await?
                    .into_iter()
                    .find(|t| t.id == feed.municipality_id)
                    .ok_or_else(not_found)?;
                let tz: chrono_tz::Tz = town.time_zone.parse().unwrap_or(chrono_tz::Asia::Tokyo);
                // Feeds hold the last 30 days from the start of a town day.
                let today = now.with_timezone(&tz).date_naive();
                let since = crate::core::time::local_instant(
                    tz,
                    today - Duration::days(KEEP_DAYS),
                    "00:00",
                )
                .unwrap_or(now - Duration::days(KEEP_DAYS));
                let lang = Lang::from_code(&feed.lang).unwrap_or(Lang::Ja);
                let events = self.feed_events(&feed, actor.as_ref(), since, lang).await?;
                let body = Bytes::from(write(&IcsCalendar {
                    name: &feed.name,
                    tz,
                    stamp: now,
                    refresh: Some(Duration::minutes(REFRESH_MINUTES)),
                    events: &events,
                }));
                self.made_feeds.keep(feed.id, &etag, body.clone());
                body
            }
        };
        if feed.detail == FeedDetail::Full
            && let Some(Actor::Staff(s)) = &actor
        {
            let mut e = entry(
                s,
                AuditAction::ContactView,
                format!("feed:{}", feed.id),
                now,
            );
            e.after = Some(serde_json::json!({ "via": "calendar_feed" }));
            self.store.audit(&e).await?;
        }
        Ok(FeedAnswer::File {
            body,
            etag,
            modified,
        })
    }

    async fn feed_events(
        &self,
        feed: &calendar_feed::Model,
        actor: Option<&Actor>,
        since: DateTime<Utc>,
        lang: Lang,
    ) -> Result<Vec<IcsEvent>, AppError> {
        let now = self.now();
        let detail = match (feed.detail, actor) {
            (FeedDetail::Busy, _) => Detail::Busy,
            (FeedDetail::Full, Some(Actor::Staff(_))) => Detail::Staff,
            (FeedDetail::Full, _) => Detail::Owner,
        };
        let personal = detail != Detail::Busy;
        let mut out = Vec::new();
        match feed.scope {
            FeedScope::Unit | FeedScope::Facility | FeedScope::Resident | FeedScope::Booking => {
                let rows = match feed.scope {
                    FeedScope::Resident => {
                        self.store
                            .feed_account_bookings(feed.scope_id, since)
                            .await?
                    }
                    FeedScope::Booking => self.store.feed_booking(feed.scope_id, since).await?,
                    FeedScope::Unit => {
                        self.store
                            .feed_bookings(&[feed.scope_id], since, personal)
                            .await?
                    }
                    _ => {
                        let f = self
                            .store
                            .facility(domain::ids::FacilityId(feed.scope_id))
                            .await?
                            .ok_or_else(not_found)?;
                        let units: Vec<i64> = f.units.iter().map(|u| u.id.0).collect();
                        self.store.feed_bookings(&units, since, personal).await?
                    }
                };
                let mut facilities: Vec<FacilityRecord> = Vec::new();
                for r in rows {
                    let unit = domain::ids::UnitId(r.unit_id);
                    if !facilities
                        .iter()
                        .any(|f| f.units.iter().any(|u| u.id == unit))
                    {
                        facilities.push(self.unit_facility(unit).await?.0);
                    }
                    let Some(f) = facilities
                        .iter()
                        .find(|f| f.units.iter().any(|u| u.id == unit))
                    else {
                        continue;
                    };
                    out.push(booking_event(f, &r, detail, lang, now));
                }
                if feed.scope == FeedScope::Resident {
                    out.extend(
                        self.own_visit_events(feed, Some(feed.scope_id), None, since, lang)
                            .await?,
                    );
                }
            }
            FeedScope::Visit => {
                out = self
                    .own_visit_events(feed, None, Some(feed.scope_id), since, lang)
                    .await?;
            }
            FeedScope::Department | FeedScope::Staff => {
                let (department, member) = match feed.scope {
                    FeedScope::Department => (Some(feed.scope_id), None),
                    _ => (None, Some(feed.scope_id)),
                };
                let visits = self
                    .store
                    .feed_visits(feed.municipality_id, department, member, since)
                    .await?;
                let procedures = self.store.procedures(feed.municipality_id).await?;
                let members = self.store.staff_members(feed.municipality_id).await?;
                for v in &visits {
                    let names = |id: i64| {
                        procedures
                            .iter()
                            .find(|(p, _)| p.id == id)
                            .map(|(p, _)| {
                                if lang == Lang::Ja {
                                    p.name_ja.clone()
                                } else {
                                    p.name_en.clone()
                                }
                            })
                            .unwrap_or_default()
                    };
                    let staff_name = |id: i64| {
                        members
                            .iter()
                            .find(|m| m.id == id)
                            .map(|m| m.display_name.clone())
                            .unwrap_or_default()
                    };
                    if let Some(e) = visit_event(v, detail, lang, &names, &staff_name) {
                        out.push(e);
                    }
                }
            }
        }
        Ok(out)
    }

    /// A resident's visits (of an account, or one visit) as their holder's
    /// events: the same as the visit's `.ics` file and mails.
    async fn own_visit_events(
        &self,
        feed: &calendar_feed::Model,
        account: Option<i64>,
        visit: Option<i64>,
        since: DateTime<Utc>,
        lang: Lang,
    ) -> Result<Vec<IcsEvent>, AppError> {
        let visits = self.store.own_visits(account, visit, since).await?;
        if visits.is_empty() {
            return Ok(Vec::new());
        }
        let facts = self.visit_facts(feed.municipality_id).await?;
        let none = |_: i64| String::new();
        Ok(visits
            .iter()
            .filter(|v| v.row.municipality_id == feed.municipality_id)
            .filter_map(|v| match feed.detail {
                FeedDetail::Full => facts.event(v, lang),
                FeedDetail::Busy => visit_event(v, Detail::Busy, lang, &none, &none),
            })
            .collect())
    }
}

fn account_id(actor: &Actor) -> Result<i64, AppError> {
    match actor {
        Actor::Staff(s) => Ok(s.id),
        Actor::Resident { id, .. } => Ok(*id),
        Actor::Anonymous => Err(AppError::Auth(AuthError::SignInRequired)),
    }
}
