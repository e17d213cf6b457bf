//! Server-side services shared by the server functions and the JSON API:
//! load from the store, compute with the domain rules, present in the
//! reader's language. Handlers stay one line on top of these.

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use domain::error::{DomainError, Field, InvalidReason, Missing};
use domain::ids::FacilityId;
use domain::text::Lang;
use leptos::prelude::LeptosOptions;
use store::Store;

use crate::core::error::AppError;
use crate::core::time::Clock;

/// Shared by every request: the Leptos options, the store, the clock,
/// whether cookies must be `Secure` (served over HTTPS), the mailer and the
/// feeds made lately.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub clock: Clock,
    pub secure_cookies: bool,
    pub mailer: crate::core::mail::Mailer,
    pub web: WebConfig,
    pub made_feeds: MadeFeeds,
    /// The request's town (`core::town`): None until a request names one,
    /// or when nothing did on an installation of several towns.
    pub town: Option<i64>,
    /// The request's path prefix (`/t/kita`), put back on links and
    /// redirects.
    pub base: String,
}

/// How the site is reached from outside.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// `scheme://host[:port]` residents type (`TOWN_PUBLIC_ORIGIN`): the
    /// only origin whose state-changing requests are accepted. Unset (tests,
    /// a development server on loopback): `http://` plus the `Host` header.
    pub public_origin: Option<String>,
    /// Proxies whose `X-Forwarded-For` names the client
    /// (`TOWN_TRUSTED_PROXIES`); from anyone else the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Hosts inside the network that calendars may be imported from by
    /// URL (`TOWN_IMPORT_ALLOW_HOSTS`, e.g. the town's groupware); any
    /// other internal or loopback address is refused.
    pub import_hosts: Vec<String>,
}

impl WebConfig {
    /// Whether residents reach the site over HTTPS (HSTS is sent then).
    pub fn https(&self) -> bool {
        self.public_origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://"))
    }
}

impl AppState {
    /// The site's address for links in mails and feed URLs: the public
    /// origin, else the address the server listens on.
    pub fn origin(&self) -> String {
        self.web
            .public_origin
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.leptos_options.site_addr))
    }

    /// Where a town's pages are, for links in mails: its own host name,
    /// else the site's address with the town's `/t/{slug}` prefix when the
    /// installation has several towns.
    pub fn town_origin(&self, town: &store::entity::municipality::Model, several: bool) -> String {
        match &town.host {
            Some(host) => {
                let scheme = if self.web.https() { "https" } else { "http" };
                format!("{scheme}://{host}")
            }
            None if several => format!("{}/t/{}", self.origin(), town.slug),
            None => self.origin(),
        }
    }

    /// The path prefix of a town's public pages on this site (`/t/{slug}`),
    /// empty when the installation has one town.
    pub async fn town_prefix(&self, town: i64) -> Result<String, AppError> {
        let towns = self.store.towns_now().await?;
        Ok(match towns.iter().find(|t| t.id == town) {
            Some(t) if towns.len() > 1 => format!("/t/{}", t.slug),
            _ => String::new(),
        })
    }

    pub fn new(
        leptos_options: LeptosOptions,
        store: Store,
        clock: Clock,
        secure_cookies: bool,
        mailer: crate::core::mail::Mailer,
    ) -> AppState {
        AppState {
            leptos_options,
            store,
            clock,
            secure_cookies,
            mailer,
            web: WebConfig::default(),
            made_feeds: Default::default(),
            town: None,
            base: String::new(),
        }
    }

    /// The same state for a request's town.
    pub fn for_town(mut self, t: &crate::core::town::RequestTown) -> AppState {
        self.town = t.id;
        self.base = t.base.clone();
        self
    }

    /// The same state as the state of the page being served (pages and
    /// server functions; outside a request, unchanged).
    pub fn for_request(self) -> AppState {
        let t = crate::core::town::request_town();
        self.for_town(&t)
    }

    /// The same state in `town` (the console: a member's own town).
    pub fn in_town(mut self, town: i64) -> AppState {
        self.town = Some(town);
        self
    }

    /// A local path of the request's town (links, redirects).
    pub fn at(&self, path: &str) -> String {
        crate::core::town::join(&self.base, path)
    }

    /// Refuses, as `missing`, what belongs to another town than the
    /// request's (one town's pages never show another's).
    pub fn check_town(&self, municipality: i64, missing: Missing) -> Result<(), AppError> {
        match self.town {
            Some(t) if t != municipality => Err(AppError::Domain(DomainError::NotFound(missing))),
            _ => Ok(()),
        }
    }

    /// The same state, reached from outside as `web` says.
    pub fn with_web(mut self, web: WebConfig) -> AppState {
        self.web = web;
        self
    }
}

/// Parses a facility id from a path segment.
pub fn parse_facility_id(raw: &str) -> Result<FacilityId, AppError> {
    raw.parse::<FacilityId>().map_err(|_| {
        AppError::Domain(DomainError::invalid(
            Field::FacilityId,
            InvalidReason::IdFormat,
        ))
    })
}

impl AppState {
    /// The clock's time (fixed in tests).
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}

impl AppState {
    /// The towns of the installation, for a sign-in form's choice; empty
    /// when there is only one (the form then asks nothing).
    pub async fn town_choices(
        &self,
        lang: Lang,
    ) -> Result<Vec<crate::core::types::Choice>, AppError> {
        let towns = self.store.municipalities().await?;
        if towns.len() < 2 {
            return Ok(vec![]);
        }
        Ok(towns
            .into_iter()
            .map(|m| crate::core::types::Choice {
                id: m.id,
                name: if lang == Lang::Ja {
                    m.name_ja
                } else {
                    m.name_en
                },
            })
            .collect())
    }

    /// The town a staff sign-in is for: the one chosen on the form if it
    /// exists, else the installation's first.
    pub async fn sign_in_town(&self, chosen: Option<&str>) -> Result<i64, AppError> {
        let towns = self.store.municipalities().await?;
        let chosen = chosen.and_then(|c| c.trim().parse::<i64>().ok());
        towns
            .iter()
            .find(|m| Some(m.id) == chosen)
            .or(towns.first())
            .map(|m| m.id)
            .ok_or(AppError::Unavailable)
    }

    /// The municipality that residents register and sign in to: the
    /// request's town.
    pub async fn town_id(&self) -> Result<i64, AppError> {
        Ok(self.town().await?.0)
    }
}

/// How many feeds are kept for a second caller.
const KEEP_MADE: usize = 16;

/// Feeds made lately, for one database: (feed, validator, body), newest
/// last.
#[derive(Clone, Default)]
pub struct MadeFeeds(
    std::sync::Arc<std::sync::Mutex<std::collections::VecDeque<(i64, String, Bytes)>>>,
);

impl MadeFeeds {
    pub(crate) fn get(&self, feed: i64, etag: &str) -> Option<Bytes> {
        let kept = self.0.lock().ok()?;
        kept.iter()
            .find(|(f, e, _)| *f == feed && e == etag)
            .map(|(_, _, b)| b.clone())
    }

    pub(crate) fn keep(&self, feed: i64, etag: &str, body: Bytes) {
        if let Ok(mut kept) = self.0.lock() {
            kept.retain(|(f, _, _)| *f != feed);
            if kept.len() >= KEEP_MADE {
                kept.pop_front();
            }
            kept.push_back((feed, etag.to_owned(), body));
        }
    }
}
