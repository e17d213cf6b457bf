//! The browser's server-side session (tower-sessions) as server functions
//! use it: typed get/set/take, the booking draft, and proved references.

use domain::view::Lang;
use leptos::prelude::use_context;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::booking::service::BookingInput;
use crate::core::error::AppError;
use crate::core::state::AppState;

/// The answers being filled in, kept between the form and the review.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Draft {
    pub input: BookingInput,
    /// Bumped on every change so pages refetch and a stale tab cannot
    /// confirm answers it has not shown.
    pub version: u32,
    /// Why the last confirm failed, shown on the review page once.
    pub last_error: Option<AppError>,
    /// A random key made with the draft and stored with the booking it
    /// makes: a confirm sent twice finds that booking by this key (never
    /// by contact data, which anyone may know).
    #[serde(default)]
    pub key: String,
}

/// Goes to a local path after a form post (POST/redirect/GET). A path that
/// cannot be a header value (a control character that came in with user
/// input) goes to the home page instead of failing the request.
pub fn redirect(path: &str) {
    if http::HeaderValue::from_str(path).is_ok() {
        leptos_axum::redirect(path);
    } else {
        tracing::warn!("a redirect with characters a header cannot hold went home instead");
        leptos_axum::redirect("/");
    }
}

/// A typed value as kept for the next page (to show it again): at most 254
/// characters, so an oversized post is never stored in the session.
pub fn clip(value: &str) -> String {
    value.trim().chars().take(254).collect()
}

/// How many proved references one browser keeps.
const MAX_GRANTED: usize = 20;

pub struct Ctx {
    pub state: AppState,
    pub lang: Lang,
    pub session: Session,
}

pub async fn ctx() -> Result<Ctx, AppError> {
    let state = use_context::<AppState>().ok_or(AppError::Unavailable)?;
    let session: Session = leptos_axum::extract().await.map_err(|e| {
        tracing::error!(error = %e, "no session layer");
        AppError::Unavailable
    })?;
    Ok(Ctx {
        state,
        lang: crate::core::lang::detect(),
        session,
    })
}

fn failed(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store");
    AppError::Unavailable
}

impl Ctx {
    pub async fn get<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, AppError> {
        self.session.get(key).await.map_err(failed)
    }

    pub async fn set<T: Serialize>(&self, key: &str, value: &T) -> Result<(), AppError> {
        self.session.insert(key, value).await.map_err(failed)
    }

    pub async fn take<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, AppError> {
        self.session.remove(key).await.map_err(failed)
    }

    pub async fn draft(&self) -> Result<Option<Draft>, AppError> {
        self.get("draft").await
    }

    pub async fn granted(&self) -> Result<Vec<String>, AppError> {
        Ok(self.get("granted").await?.unwrap_or_default())
    }

    pub async fn grant(&self, reference: &str) -> Result<(), AppError> {
        let mut granted = self.granted().await?;
        granted.retain(|r| r != reference);
        granted.push(reference.to_owned());
        if granted.len() > MAX_GRANTED {
            granted.remove(0);
        }
        // A fresh session id whenever the browser gains access to a
        // booking, so an id seen before cannot be used to read it.
        self.cycle().await?;
        self.set("granted", &granted).await
    }

    pub async fn cycle(&self) -> Result<(), AppError> {
        self.session.cycle_id().await.map_err(failed)
    }
}
