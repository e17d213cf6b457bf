//! Browser sessions (the web layer's records, as JSON text), shared by every
//! server process on the database. The web layer encodes and decodes them;
//! this module only stores them until they expire.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::entity::web_session;
use crate::{Store, StoreError};

/// A stored session: its data and when it expires (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSession {
    pub data: String,
    pub expires_s: i64,
}

impl Store {
    /// Stores a new session, after deleting the sessions expired at
    /// `now_s`. `false`: the id is taken (the caller draws another).
    pub async fn session_insert(
        &self,
        id: &str,
        session: &StoredSession,
        now_s: i64,
    ) -> Result<bool, StoreError> {
        web_session::Entity::delete_many()
            .filter(web_session::Column::ExpiresS.lt(now_s))
            .exec(&self.db)
            .await?;
        let row = web_session::ActiveModel {
            id: Set(id.to_owned()),
            data: Set(session.data.clone()),
            expires_s: Set(session.expires_s),
        };
        match web_session::Entity::insert(row)
            .exec_without_returning(&self.db)
            .await
        {
            Ok(_) => Ok(true),
            Err(e)
                if matches!(
                    e.sql_err(),
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                ) =>
            {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Writes a session, new or not.
    pub async fn session_save(&self, id: &str, session: &StoredSession) -> Result<(), StoreError> {
        let row = web_session::ActiveModel {
            id: Set(id.to_owned()),
            data: Set(session.data.clone()),
            expires_s: Set(session.expires_s),
        };
        web_session::Entity::insert(row)
            .on_conflict(
                OnConflict::column(web_session::Column::Id)
                    .update_columns([web_session::Column::Data, web_session::Column::ExpiresS])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    /// The session with this id, unless it expired by `now_s`.
    pub async fn session_load(
        &self,
        id: &str,
        now_s: i64,
    ) -> Result<Option<StoredSession>, StoreError> {
        Ok(web_session::Entity::find_by_id(id.to_owned())
            .filter(web_session::Column::ExpiresS.gt(now_s))
            .one(&self.db)
            .await?
            .map(|row| StoredSession {
                data: row.data,
                expires_s: row.expires_s,
            }))
    }

    /// Forgets a session.
    pub async fn session_delete(&self, id: &str) -> Result<(), StoreError> {
        web_session::Entity::delete_by_id(id.to_owned())
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
