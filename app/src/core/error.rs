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
    /// Signing in, or not allowed.
    #[error("{0:?}")]
    Auth(AuthError),
    /// Too many requests of this kind from this address, for this
    /// reference or this contact; nothing was written. Try again after
    /// this many seconds.
    #[error("rate limited for {0} s")]
    RateLimited(u32),
    /// The server holds as many live streams as it may (from this address,
    /// or in all); try again after this many seconds.
    #[error("busy for {0} s")]
    Busy(u32),
}

/// Why a request about accounts or the console was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthError {
    /// Not signed in, or the sign-in ended (idle, timed out, signed out).
    SignInRequired,
    /// Signed in, but this is outside the account's role or scope.
    Forbidden,
    /// Wrong e-mail or password (never says which).
    BadCredentials,
    /// Wrong or expired TOTP code.
    BadCode,
    /// A TOTP code that was already used (a replay, or typed twice).
    CodeUsed,
    /// A second-factor set-up that is no longer in the session.
    SetupLapsed,
    /// Making an admin of a member without a second factor.
    AdminNeedsTotp,
    /// Too many attempts; wait a little.
    Throttled,
    /// A new password too short or too long.
    WeakPassword,
    /// The e-mail already has an account.
    EmailTaken,
    /// The password and its confirmation differ.
    PasswordMismatch,
    /// The current password given to change it was wrong.
    WrongCurrentPassword,
    /// A state-changing request from another site (CSRF).
    CrossSite,
    /// A registration whose mailed code lapsed (or was never started here).
    RegistrationLapsed,
    /// A code from a mail (registration, enrolment) that is wrong or expired.
    BadMailedCode,
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
            AppError::RateLimited(_) => 429,
            AppError::Busy(_) => 503,
            AppError::Auth(a) => match a {
                AuthError::SignInRequired
                | AuthError::BadCredentials
                | AuthError::BadCode
                | AuthError::BadMailedCode
                | AuthError::CodeUsed => 401,
                AuthError::Forbidden | AuthError::WrongCurrentPassword | AuthError::CrossSite => {
                    403
                }
                AuthError::Throttled => 429,
                AuthError::WeakPassword
                | AuthError::PasswordMismatch
                | AuthError::SetupLapsed
                | AuthError::RegistrationLapsed
                | AuthError::AdminNeedsTotp => 422,
                AuthError::EmailTaken => 409,
            },
        }
    }

    /// A stable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Domain(e) => e.code(),
            AppError::Unavailable => "unavailable",
            AppError::Transport => "transport",
            AppError::RateLimited(_) => "rate_limited",
            AppError::Busy(_) => "busy",
            AppError::Auth(a) => match a {
                AuthError::SignInRequired => "sign_in_required",
                AuthError::Forbidden => "forbidden",
                AuthError::BadCredentials => "bad_credentials",
                AuthError::BadCode => "bad_code",
                AuthError::CodeUsed => "code_used",
                AuthError::SetupLapsed => "setup_lapsed",
                AuthError::AdminNeedsTotp => "admin_needs_totp",
                AuthError::Throttled => "too_many_attempts",
                AuthError::WeakPassword => "weak_password",
                AuthError::EmailTaken => "email_taken",
                AuthError::PasswordMismatch => "password_mismatch",
                AuthError::WrongCurrentPassword => "wrong_current_password",
                AuthError::CrossSite => "cross_site_request",
                AuthError::RegistrationLapsed => "registration_lapsed",
                AuthError::BadMailedCode => "bad_mailed_code",
            },
        }
    }
}

impl AppError {
    /// The seconds for a `Retry-After` header, for a refusal that has one.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            AppError::RateLimited(s) | AppError::Busy(s) => Some(*s),
            // The longest of the sign-in windows (`limits::SIGN_IN`).
            AppError::Auth(AuthError::Throttled) => Some(300),
            _ => None,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<store::RetryAfter> for AppError {
    fn from(r: store::RetryAfter) -> Self {
        AppError::RateLimited(u32::try_from(r.0.max(1)).unwrap_or(u32::MAX))
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
