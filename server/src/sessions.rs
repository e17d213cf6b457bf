//! Browser sessions (tower-sessions) stored in the database, so that every
//! server process on one database shares them. The cookie carries only a
//! random 128-bit id; the data (a booking form's answers, which bookings
//! this browser has proved it owns) stays on the server.

use async_trait::async_trait;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use store::Store;
use store::entity::web_session;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};

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
            .with_name("session")
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(secure)
            .with_expiry(Expiry::OnInactivity(IDLE))
    }
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let db = self.store.connection();
        // Expired sessions go whenever a new one starts.
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        web_session::Entity::delete_many()
            .filter(web_session::Column::ExpiresS.lt(now))
            .exec(db)
            .await
            .map_err(backend)?;
        // A colliding random id is practically impossible; draw again if so.
        for _ in 0..3 {
            let row = web_session::ActiveModel {
                id: Set(record.id.to_string()),
                data: Set(serde_json::to_string(&record.data)
                    .map_err(|e| session_store::Error::Encode(e.to_string()))?),
                expires_s: Set(record.expiry_date.unix_timestamp()),
            };
            match web_session::Entity::insert(row)
                .exec_without_returning(db)
                .await
            {
                Ok(_) => return Ok(()),
                Err(e)
                    if matches!(
                        e.sql_err(),
                        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                    ) =>
                {
                    record.id = Id::default();
                }
                Err(e) => return Err(backend(e)),
            }
        }
        Err(backend("could not draw a unique session id"))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let row = web_session::ActiveModel {
            id: Set(record.id.to_string()),
            data: Set(serde_json::to_string(&record.data)
                .map_err(|e| session_store::Error::Encode(e.to_string()))?),
            expires_s: Set(record.expiry_date.unix_timestamp()),
        };
        web_session::Entity::insert(row)
            .on_conflict(
                OnConflict::column(web_session::Column::Id)
                    .update_columns([web_session::Column::Data, web_session::Column::ExpiresS])
                    .to_owned(),
            )
            .exec_without_returning(self.store.connection())
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let Some(row) = web_session::Entity::find_by_id(id.to_string())
            .filter(web_session::Column::ExpiresS.gt(now))
            .one(self.store.connection())
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
        web_session::Entity::delete_by_id(id.to_string())
            .exec(self.store.connection())
            .await
            .map_err(backend)?;
        Ok(())
    }
}
