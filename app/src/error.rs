//! The error every server function returns. Mapped once: to an HTTP status
//! here, and to a translated message in `i18n::error_message`. Database and
//! transport details are logged on the server, never sent to the browser.

use domain::DomainError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Bad input or a missing record: the user can fix it.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The database failed; the cause is in the server log.
    #[error("service unavailable")]
    Unavailable,
    /// The request never reached the server function, or its answer was garbled.
    #[error("transport failure")]
    Transport,
}

impl AppError {
    /// The HTTP status for this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Domain(DomainError::NotFound(_)) => 404,
            AppError::Domain(DomainError::Invalid { .. }) => 400,
            AppError::Domain(DomainError::Fields(_) | DomainError::Rule(_)) => 422,
            AppError::Domain(DomainError::Conflict(_)) => 409,
            AppError::Unavailable => 503,
            AppError::Transport => 500,
        }
    }

    /// A stable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Domain(e) => e.code(),
            AppError::Unavailable => "unavailable",
            AppError::Transport => "transport",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        leptos::logging::warn!("server function transport error: {value}");
        AppError::Transport
    }
}

#[cfg(feature = "ssr")]
impl From<store::StoreError> for AppError {
    fn from(e: store::StoreError) -> Self {
        tracing::error!(error = %e, "store error");
        AppError::Unavailable
    }
}
