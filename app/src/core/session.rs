//! The browser's server-side session (tower-sessions) as server functions
//! use it: values under typed keys, and the references a browser proved.

use domain::text::Lang;
use leptos::prelude::use_context;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use tower_sessions::Session;

use crate::core::error::AppError;
use crate::core::state::AppState;

/// A value kept in the browser's session: the name it is stored under and
/// the one type stored there, so a page cannot read a value as another
/// type. Each feature declares its own keys next to the code that uses them.
pub struct Key<T> {
    name: &'static str,
    value: PhantomData<fn() -> T>,
}

impl<T> Key<T> {
    pub const fn new(name: &'static str) -> Self {
        Key {
            name,
            value: PhantomData,
        }
    }
}

impl<T> Clone for Key<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Key<T> {}

/// The references this browser proved (reference + contact) or booked.
pub const GRANTED: Key<Vec<String>> = Key::new("granted");

/// Reads a value from a session outside a server function (plain axum
/// handlers such as the file routes).
pub async fn read<T: DeserializeOwned>(
    session: &Session,
    key: Key<T>,
) -> Result<Option<T>, AppError> {
    session.get(key.name).await.map_err(failed)
}

/// Keeps a value in a session outside a server function.
pub async fn write<T: Serialize>(
    session: &Session,
    key: Key<T>,
    value: &T,
) -> Result<(), AppError> {
    session.insert(key.name, value).await.map_err(failed)
}

/// Forgets a value of a session outside a server function.
pub async fn forget<T: DeserializeOwned>(session: &Session, key: Key<T>) -> Result<(), AppError> {
    session
        .remove::<T>(key.name)
        .await
        .map_err(failed)
        .map(drop)
}

/// Goes to a local path after a form post (POST/redirect/GET). A path that
/// cannot be a header value (a control character that came in with user
/// input) goes to the home page instead of failing the request.
pub fn redirect(path: &str) {
    let path = crate::core::town::join(&crate::core::town::request_town().base, path);
    let path = path.as_str();
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
    let state = use_context::<AppState>()
        .ok_or(AppError::Unavailable)?
        .for_request();
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
    pub async fn get<T: DeserializeOwned>(&self, key: Key<T>) -> Result<Option<T>, AppError> {
        self.session.get(key.name).await.map_err(failed)
    }

    pub async fn set<T: Serialize>(&self, key: Key<T>, value: &T) -> Result<(), AppError> {
        self.session.insert(key.name, value).await.map_err(failed)
    }

    pub async fn take<T: DeserializeOwned>(&self, key: Key<T>) -> Result<Option<T>, AppError> {
        self.session.remove(key.name).await.map_err(failed)
    }

    pub async fn granted(&self) -> Result<Vec<String>, AppError> {
        Ok(self.get(GRANTED).await?.unwrap_or_default())
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
        self.set(GRANTED, &granted).await
    }

    pub async fn cycle(&self) -> Result<(), AppError> {
        self.session.cycle_id().await.map_err(failed)
    }
}
