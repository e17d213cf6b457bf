//! Who is asking, and signing in: passwords (Argon2id), the TOTP second
//! factor, login throttling (counted in the database), and the session's sign-in state with
//! its idle and absolute timeouts. Authorization decisions live in
//! [`Actor`]'s methods; every console server function calls one of them
//! before it reads anything.

use std::net::IpAddr;
use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use store::AccountRecord;

use crate::core::access::{Actor, Staff, entry};
use crate::core::error::{AppError, AuthError};
use crate::core::session::{self, Ctx, Key};

/// The signed-in account.
const AUTH: Key<SignedIn> = Key::new("auth");
/// A password accepted, waiting for the second factor.
const AUTH_PENDING: Key<PasswordChecked> = Key::new("auth_pending");
/// A new second-factor secret, until a code made from it is typed.
const TOTP_SETUP: Key<TotpSetup> = Key::new("totp_setup");
use crate::core::state::AppState;

/// Staff sessions end after this long without a request.
pub const STAFF_IDLE: Duration = Duration::minutes(30);
/// Resident sessions end after this long without a request.
pub const RESIDENT_IDLE: Duration = Duration::minutes(60);
/// No sign-in lasts longer than this, active or not.
pub const STAFF_ABSOLUTE: Duration = Duration::hours(10);
pub const RESIDENT_ABSOLUTE: Duration = Duration::hours(24);
/// A password check awaiting its TOTP code lapses after this.
const SECOND_STEP: Duration = Duration::minutes(5);

/// Password length limits (characters). Long passphrases are welcome; the
/// upper bound keeps hashing time bounded.
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;

/// The sign-in kept in the session (`auth`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignedIn {
    pub account: i64,
    pub epoch: i32,
    /// Unix seconds of the sign-in and of the last request.
    pub since: i64,
    pub seen: i64,
}

/// A correct password waiting for its TOTP code (`auth_pending`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PasswordChecked {
    pub account: i64,
    pub epoch: i32,
    pub at: i64,
}

fn argon2() -> Argon2<'static> {
    // OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// An Argon2id PHC string for the password.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Unavailable
        })
}

/// Whether the password matches the stored hash.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash to check against when the e-mail is unknown, so both answers take
/// the same time.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password, never valid").unwrap_or_default())
}

/// Checks a new password's length; the message says what to fix.
pub fn check_new_password(password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if (PASSWORD_MIN..=PASSWORD_MAX).contains(&n) {
        Ok(())
    } else {
        Err(AppError::Auth(AuthError::WeakPassword))
    }
}

/// A new random TOTP secret (160 bits), base32.
pub fn new_totp_secret() -> String {
    totp_rs::Secret::generate_secret().to_encoded().to_string()
}

fn totp(secret: &str, email: &str) -> Option<totp_rs::TOTP> {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .ok()?;
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        // No skew here: `totp_step` tries the neighbouring steps itself, to
        // know which one matched.
        0,
        TOTP_STEP,
        bytes,
        Some("TownBooking".to_owned()),
        email.to_owned(),
    )
    .ok()
}

/// Seconds per TOTP code.
const TOTP_STEP: u64 = 30;

/// The `otpauth://` address an authenticator app takes.
pub fn totp_url(secret: &str, email: &str) -> Option<String> {
    totp(secret, email).map(|t| t.get_url())
}

/// The step (unix time / 30 s) whose code `code` is, if it is the code at
/// `now` or one step either side (clock drift); `None` if it is none of them.
/// The comparison is totp-rs' constant-time one.
pub fn totp_step(secret: &str, email: &str, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let t = u64::try_from(now.timestamp()).ok()?;
    let totp = totp(secret, email)?;
    let step = t / TOTP_STEP;
    [step, step.checked_sub(1)?, step + 1]
        .into_iter()
        .find(|s| totp.check(&code, s * TOTP_STEP))
        .and_then(|s| i64::try_from(s).ok())
}

/// Sign-in throttling, per account and per client address, counted in the
/// database so that it holds across every server process.
pub async fn throttle(
    state: &AppState,
    account: &str,
    address: Option<IpAddr>,
) -> Result<(), AppError> {
    let throttled = |e: AppError| match e {
        AppError::RateLimited(_) => AppError::Auth(AuthError::Throttled),
        other => other,
    };
    if let Some(a) = address {
        state
            .limit_address(crate::core::limits::Action::Account, a)
            .await
            .map_err(throttled)?;
    }
    state
        .limit_key(&crate::core::limits::SIGN_IN, account)
        .await
        .map_err(throttled)
}

fn unix(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// Loads the actor of this request from the session, ending the sign-in if
/// it went idle, outlived its absolute limit, or the account's sessions were
/// ended elsewhere (password change, deactivation).
pub async fn actor(c: &Ctx) -> Result<Actor, AppError> {
    actor_of(&c.state, &c.session).await
}

/// As [`actor`], for plain axum handlers.
pub async fn actor_of(
    state: &AppState,
    session: &tower_sessions::Session,
) -> Result<Actor, AppError> {
    let Some(mut signed) = session::read(session, AUTH).await? else {
        return Ok(Actor::Anonymous);
    };
    let now = (state.clock)();
    let record = state.store.account(signed.account).await?;
    let valid = record.as_ref().filter(|r| {
        let staff = r.row.kind == domain::status::AccountKind::Staff;
        let (idle, absolute) = if staff {
            (STAFF_IDLE, STAFF_ABSOLUTE)
        } else {
            (RESIDENT_IDLE, RESIDENT_ABSOLUTE)
        };
        r.row.active
            && r.row.session_epoch == signed.epoch
            && unix(now) - signed.seen <= idle.num_seconds()
            && unix(now) - signed.since <= absolute.num_seconds()
    });
    let Some(record) = valid else {
        session::forget(session, AUTH).await?;
        return Ok(Actor::Anonymous);
    };
    // A resident's account is of one town: on another town's pages they
    // are not signed in (the session stays for their own town's pages).
    let resident = record.row.kind == domain::status::AccountKind::Resident;
    if resident && state.town.is_some_and(|t| t != record.row.municipality_id) {
        return Ok(Actor::Anonymous);
    }
    // Note the activity, at most once a minute (a session write each time).
    if unix(now) - signed.seen >= 60 {
        signed.seen = unix(now);
        session::write(session, AUTH, &signed).await?;
    }
    Ok(to_actor(record))
}

/// An account as the actor it is now, without a session (calendar feeds
/// act for their owner): `None` when it is gone or deactivated.
pub async fn account_actor(state: &AppState, id: i64) -> Result<Option<Actor>, AppError> {
    Ok(state
        .store
        .account(id)
        .await?
        .filter(|r| r.row.active)
        .map(|r| to_actor(&r)))
}

fn to_actor(r: &AccountRecord) -> Actor {
    match r.row.role {
        Some(role) => Actor::Staff(Staff {
            id: r.row.id,
            municipality: r.row.municipality_id,
            email: r.row.email.clone(),
            name: r.row.display_name.clone(),
            role,
            facilities: r.facilities.clone(),
            departments: r.departments.clone(),
            has_totp: r.row.totp_secret.is_some(),
            installation_admin: r.row.installation_admin,
        }),
        None => Actor::Resident {
            id: r.row.id,
            municipality: r.row.municipality_id,
            email: r.row.email.clone(),
            name: r.row.display_name.clone(),
        },
    }
}

/// What a correct password leads to.
pub enum PasswordOutcome {
    /// Signed in (no second factor on this account).
    SignedIn { staff: bool },
    /// The TOTP code is asked next.
    NeedsCode,
}

/// Checks e-mail and password (throttled). The same error whether the
/// e-mail is unknown or the password wrong.
pub async fn sign_in_password(
    state: &AppState,
    c: &Ctx,
    municipality: i64,
    email: &str,
    password: &str,
    address: Option<IpAddr>,
) -> Result<PasswordOutcome, AppError> {
    let email = email.trim().to_lowercase();
    throttle(state, &email, address).await?;
    let account = state.store.account_by_email(municipality, &email).await?;
    let password = password.to_owned();
    let hash = account
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| decoy_hash().to_owned());
    // Argon2 takes tens of milliseconds of CPU: off the async threads.
    let ok = tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .unwrap_or(false);
    let Some(account) = account.filter(|a| ok && a.active) else {
        return Err(AppError::Auth(AuthError::BadCredentials));
    };
    let now = unix((state.clock)());
    // A fresh session id before anything about the sign-in is kept, so an
    // id planted in the browser beforehand is worthless (session fixation).
    c.cycle().await?;
    c.take(AUTH).await?;
    if account.totp_secret.is_some() {
        c.set(
            AUTH_PENDING,
            &PasswordChecked {
                account: account.id,
                epoch: account.session_epoch,
                at: now,
            },
        )
        .await?;
        return Ok(PasswordOutcome::NeedsCode);
    }
    c.set(
        AUTH,
        &SignedIn {
            account: account.id,
            epoch: account.session_epoch,
            since: now,
            seen: now,
        },
    )
    .await?;
    Ok(PasswordOutcome::SignedIn {
        staff: account.kind == domain::status::AccountKind::Staff,
    })
}

/// How long a new member's enrolment code lasts.
pub const ENROL_SECONDS: i64 = 72 * 3600;

/// The stored form of an enrolment code (the code itself is only mailed).
pub fn enrolment_digest(code: &str, municipality: i64, email: &str) -> String {
    let code: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    store::digest(&["enrol", &code, &municipality.to_string(), email])
}

/// What the enrolment form was given.
pub struct EnrolForm<'a> {
    pub email: &'a str,
    pub code: &'a str,
    pub password: &'a str,
    pub password_confirm: &'a str,
}

/// A new member sets their own password with the mailed code (throttled,
/// one use, audited) and is signed in; the second factor comes next, on
/// their account page.
pub async fn enrol(
    state: &AppState,
    c: &Ctx,
    municipality: i64,
    f: &EnrolForm<'_>,
    address: Option<IpAddr>,
) -> Result<(), AppError> {
    let email = f.email.trim().to_lowercase();
    throttle(state, &format!("enrol:{email}"), address).await?;
    check_new_password(f.password)?;
    if f.password != f.password_confirm {
        return Err(AppError::Auth(AuthError::PasswordMismatch));
    }
    let digest = enrolment_digest(f.code, municipality, &email);
    let account = state
        .store
        .account_by_email(municipality, &email)
        .await?
        .filter(|a| a.active && a.enrol_digest.as_deref() == Some(digest.as_str()))
        .ok_or(AppError::Auth(AuthError::BadMailedCode))?;
    let password = f.password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| AppError::Unavailable)??;
    let now = (state.clock)();
    let audit = store::AuditEntry {
        municipality_id: municipality,
        actor: format!("account:{} {}", account.id, account.email),
        action: domain::status::AuditAction::AccountEnrol,
        target: format!("account:{}", account.id),
        before: None,
        after: Some(serde_json::json!({ "password": "set by the member" })),
        at: now,
    };
    if !state
        .store
        .complete_enrolment(account.id, &digest, &hash, now, &audit)
        .await?
    {
        return Err(AppError::Auth(AuthError::BadMailedCode));
    }
    let record = state
        .store
        .account(account.id)
        .await?
        .ok_or(AppError::Auth(AuthError::BadMailedCode))?;
    sign_in_new(state, c, &record).await
}

/// Whether this browser may see the booking: it proved it owns it or its
/// series (the session's `granted` list), or the signed-in resident's
/// account lists it.
pub async fn may_see(
    state: &AppState,
    session: &tower_sessions::Session,
    record: &store::BookingRecord,
) -> Result<bool, AppError> {
    let granted = session::read(session, session::GRANTED)
        .await?
        .unwrap_or_default();
    if granted.contains(&record.row.reference) {
        return Ok(true);
    }
    // Every date of a series booked in this browser (its reference granted).
    if let Some(id) = record.row.series_id
        && let Some(s) = state.store.series(id).await?
        && granted.contains(&s.series.reference)
    {
        return Ok(true);
    }
    Ok(match actor_of(state, session).await? {
        Actor::Resident { id, .. } => record.row.account_id == Some(id),
        _ => false,
    })
}

/// Signs a just-registered resident in, under a fresh session id.
pub async fn sign_in_new(
    state: &AppState,
    c: &Ctx,
    account: &AccountRecord,
) -> Result<(), AppError> {
    let now = unix((state.clock)());
    c.cycle().await?;
    c.set(
        AUTH,
        &SignedIn {
            account: account.row.id,
            epoch: account.row.session_epoch,
            since: now,
            seen: now,
        },
    )
    .await
}

/// Checks the TOTP code after a correct password (throttled per account).
pub async fn sign_in_code(
    state: &AppState,
    c: &Ctx,
    code: &str,
    address: Option<IpAddr>,
) -> Result<(), AppError> {
    let now = (state.clock)();
    let Some(pending) = c
        .get(AUTH_PENDING)
        .await?
        .filter(|p| unix(now) - p.at <= SECOND_STEP.num_seconds())
    else {
        return Err(AppError::Auth(AuthError::SignInRequired));
    };
    let account = state
        .store
        .account(pending.account)
        .await?
        .filter(|a| a.row.active && a.row.session_epoch == pending.epoch)
        .ok_or(AppError::Auth(AuthError::SignInRequired))?;
    throttle(state, &format!("totp:{}", account.row.id), address).await?;
    let secret = account.row.totp_secret.clone().unwrap_or_default();
    let step = totp_step(&secret, &account.row.email, code, now)
        .ok_or(AppError::Auth(AuthError::BadCode))?;
    // Each code signs in once: a replay within its 30 seconds is refused.
    if !state.store.use_totp_step(account.row.id, step).await? {
        return Err(AppError::Auth(AuthError::CodeUsed));
    }
    c.cycle().await?;
    c.take(AUTH_PENDING).await?;
    c.set(
        AUTH,
        &SignedIn {
            account: account.row.id,
            epoch: account.row.session_epoch,
            since: unix(now),
            seen: unix(now),
        },
    )
    .await
}

/// A second factor being set up: the new secret waits in the session
/// (`totp_setup`) until a code made from it is typed, so a secret that never
/// reached an app is never required at sign-in.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TotpSetup {
    pub account: i64,
    pub secret: String,
}

/// What the account page shows about the second factor.
pub async fn totp_setup(c: &Ctx, s: &Staff) -> Result<Option<TotpSetup>, AppError> {
    Ok(c.get(TOTP_SETUP)
        .await?
        .filter(|x| x.account == s.id && !s.has_totp))
}

/// Starts setting up a second factor for a member who has none (a member
/// who has one keeps it).
pub async fn start_totp_setup(c: &Ctx, actor: &Actor) -> Result<(), AppError> {
    let s = actor.staff()?;
    if !s.has_totp && totp_setup(c, &s).await?.is_none() {
        let setup = TotpSetup {
            account: s.id,
            secret: new_totp_secret(),
        };
        c.set(TOTP_SETUP, &setup).await?;
    }
    Ok(())
}

/// Finishes the set-up with a code from the new secret (throttled like
/// sign-in codes); the change is audited. That code's step counts as used.
pub async fn confirm_totp_setup(
    state: &AppState,
    c: &Ctx,
    actor: &Actor,
    code: &str,
    address: Option<IpAddr>,
) -> Result<(), AppError> {
    let s = actor.staff()?;
    if s.has_totp {
        // Finished already (in another tab, say): nothing to change.
        return Ok(());
    }
    let setup = totp_setup(c, &s)
        .await?
        .ok_or(AppError::Auth(AuthError::SetupLapsed))?;
    throttle(state, &format!("totp:{}", s.id), address).await?;
    let now = (state.clock)();
    let step =
        totp_step(&setup.secret, &s.email, code, now).ok_or(AppError::Auth(AuthError::BadCode))?;
    let mut e = entry(
        &s,
        domain::status::AuditAction::AccountTotpEnable,
        format!("account:{}", s.id),
        now,
    );
    e.before = Some(serde_json::json!({ "totp": false }));
    e.after = Some(serde_json::json!({ "totp": true }));
    match state.store.set_totp(s.id, &setup.secret, step, &e).await {
        // `NotFound`: a second factor was set up meanwhile (another tab).
        Ok(()) | Err(store::AccountError::NotFound) => {}
        Err(store::AccountError::Store(e)) => return Err(e.into()),
        Err(store::AccountError::EmailTaken) => return Err(AppError::Unavailable),
    }
    c.take(TOTP_SETUP).await?;
    Ok(())
}

/// Ends this browser's session on the server (not just the cookie).
pub async fn sign_out(c: &Ctx) -> Result<(), AppError> {
    c.session.flush().await.map_err(|e| {
        tracing::error!(error = %e, "session store");
        AppError::Unavailable
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse batterY"));
        assert!(!verify_password("not a hash", "x"));
        // Salted: the same password hashes differently each time.
        assert_ne!(h, hash_password("correct horse battery").unwrap());
    }

    #[test]
    fn totp_codes_match_the_clock_and_name_their_step() {
        let secret = new_totp_secret();
        let email = "a@example.jp";
        // 2026-12-01T00:00:15Z, inside step 59_869_440.
        let now = DateTime::from_timestamp(1_796_083_215, 0).unwrap();
        let step = now.timestamp() / 30;
        let t = totp(&secret, email).unwrap();
        let code_at = |s: i64| t.generate(u64::try_from(s * 30).unwrap());
        assert_eq!(totp_step(&secret, email, &code_at(step), now), Some(step));
        assert_eq!(
            totp_step(&secret, email, &format!(" {} ", code_at(step)), now),
            Some(step)
        );
        // One step of drift either way, and which step it was.
        assert_eq!(
            totp_step(&secret, email, &code_at(step - 1), now),
            Some(step - 1)
        );
        assert_eq!(
            totp_step(&secret, email, &code_at(step + 1), now),
            Some(step + 1)
        );
        assert_eq!(
            totp_step(&secret, email, &code_at(step), now + Duration::minutes(5)),
            None
        );
        assert_eq!(totp_step(&secret, email, &code_at(step - 2), now), None);
        assert_eq!(totp_step(&secret, email, "12345", now), None);
        assert_eq!(totp_step("not base32!", email, "123456", now), None);
        assert!(
            totp_url(&secret, email)
                .unwrap()
                .starts_with("otpauth://totp/")
        );
    }

    #[test]
    fn new_passwords_need_a_sensible_length() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("ちょうどじゅうもじです").is_ok());
        assert!(check_new_password(&"x".repeat(129)).is_err());
    }
}
