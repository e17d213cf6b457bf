//! Browser sessions (tower-sessions) stored in the database, so that every
//! server process on one database shares them. The cookie carries only a
//! random 128-bit id; the data (a booking form's answers, which bookings
//! this browser has proved it owns) stays on the server.

use async_trait::async_trait;
use axum::extract::Request;
use axum::http::header::SET_COOKIE;
use axum::middleware::Next;
use axum::response::Response;
use store::Store;
use store::sessions::StoredSession;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};

/// The session cookie's name.
const COOKIE: &str = "session";

/// Idle time after which a session (and any half-filled form in it) is gone.
pub const IDLE: time::Duration = time::Duration::hours(1);

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    store: Store,
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

impl DbSessionStore {
    pub fn new(store: Store) -> Self {
        DbSessionStore { store }
    }

    /// The session layer: HttpOnly, SameSite=Lax, Secure when served over HTTPS.
    pub fn layer(self, secure: bool) -> SessionManagerLayer<DbSessionStore> {
        SessionManagerLayer::new(self)
            .with_name(COOKIE)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(secure)
            .with_expiry(Expiry::OnInactivity(IDLE))
    }
}

/// Put on a response whose request neither changed nor ended its session
/// (inside the session layer, see [`keep_cookie_unless_changed`]).
#[derive(Clone, Copy)]
struct Untouched;

/// Inside the session layer: notes on the response that the request left
/// its session as it found it.
pub async fn note_untouched(req: Request, next: Next) -> Response {
    let session = req.extensions().get::<tower_sessions::Session>().cloned();
    let mut res = next.run(req).await;
    if session.is_some_and(|s| !s.is_modified()) {
        res.extensions_mut().insert(Untouched);
    }
    res
}

/// Outside the session layer: a request that did not change its session
/// never removes the browser's session cookie. tower-sessions sends a
/// removal whenever the cookie's session is not in the store; when 確定 is
/// pressed twice, the first press gives the browser a fresh id (and deletes
/// the old record), the second still carries the old id, finds nothing and
/// would tell the browser to drop its cookie, losing the fresh one if that
/// answer arrives last. Signing out changes the session, so it still
/// removes the cookie; a stale cookie that is left simply ends at its own
/// expiry.
pub async fn keep_cookie_unless_changed(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if res.extensions().get::<Untouched>().is_some() {
        let kept: Vec<_> = res
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter(|v| !is_session_cookie(v.as_bytes()))
            .cloned()
            .collect();
        let headers = res.headers_mut();
        headers.remove(SET_COOKIE);
        for v in kept {
            headers.append(SET_COOKIE, v);
        }
    }
    res
}

fn is_session_cookie(set_cookie: &[u8]) -> bool {
    set_cookie
        .strip_prefix(COOKIE.as_bytes())
        .is_some_and(|rest| rest.first() == Some(&b'='))
}

fn encoded(record: &Record) -> session_store::Result<StoredSession> {
    Ok(StoredSession {
        data: serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?,
        expires_s: record.expiry_date.unix_timestamp(),
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // Expired sessions go whenever a new one starts.
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let stored = encoded(record)?;
        // A colliding random id is practically impossible; draw again if so.
        for _ in 0..3 {
            if self
                .store
                .session_insert(&record.id.to_string(), &stored, now)
                .await
                .map_err(backend)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(backend("could not draw a unique session id"))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.store
            .session_save(&record.id.to_string(), &encoded(record)?)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let Some(row) = self
            .store
            .session_load(&id.to_string(), now)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_s)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.store
            .session_delete(&id.to_string())
            .await
            .map_err(backend)
    }
}
