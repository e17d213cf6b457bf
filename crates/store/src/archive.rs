//! Archiving (受付の終了) a facility or one of its units: it takes no new
//! bookings from that day on (the rules read it as closed for good) and
//! keeps its rows, bookings and history. Nothing is archived while it still
//! holds bookings from now on: they are returned, so staff decide for each
//! (move or cancel) first. Restoring takes bookings again. Each change is
//! one transaction with its audit entry and a change event, so every
//! process drops its cached rules at once.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseTransaction, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, Set, Statement,
};

use domain::ids::FacilityId;
use domain::status::BookingStatus;

use crate::accounts::{AuditEntry, append_audit};
use crate::entity::{booking, facility, unit};
use crate::{Store, StoreError};

/// Why an archived facility or unit shows as closed.
pub fn archived_reason() -> domain::text::Text {
    domain::text::Text::new("受付終了", "No longer taken")
}

/// A booking that keeps something from being archived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldBy {
    pub id: i64,
    pub reference: String,
    pub unit_id: i64,
    pub start_at: DateTime<Utc>,
}

impl From<&booking::Model> for HeldBy {
    fn from(b: &booking::Model) -> Self {
        HeldBy {
            id: b.id,
            reference: b.reference.clone(),
            unit_id: b.unit_id,
            start_at: b.start_at,
        }
    }
}

/// What became of an archive request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArchiveOutcome {
    /// Written (or already so).
    Done,
    /// Not written: these bookings from now on need a decision first.
    Held(Vec<HeldBy>),
}

impl Store {
    /// Archives (`archive`) or restores the facility (`unit` none) or one
    /// of its units, at `now`.
    pub async fn set_archived(
        &self,
        facility_id: i64,
        unit_id: Option<i64>,
        archive: bool,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<ArchiveOutcome, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        // On PostgreSQL the facility's and units' rows are locked first, so
        // a booking being made waits (see `archived_in`) or is seen below.
        if txn.get_database_backend() == DatabaseBackend::Postgres {
            for sql in [
                "SELECT 1 FROM facility WHERE id = $1 FOR UPDATE",
                "SELECT 1 FROM unit WHERE facility_id = $1 FOR UPDATE",
            ] {
                txn.execute_raw(Statement::from_sql_and_values(
                    DatabaseBackend::Postgres,
                    sql,
                    [facility_id.into()],
                ))
                .await?;
            }
        }
        let Some(f) = facility::Entity::find_by_id(facility_id).one(&txn).await? else {
            return Err(StoreError::Corrupt(format!("no facility {facility_id}")));
        };
        let units: Vec<unit::Model> = unit::Entity::find()
            .filter(unit::Column::FacilityId.eq(facility_id))
            .all(&txn)
            .await?;
        let scope: Vec<i64> = match unit_id {
            Some(u) if units.iter().any(|x| x.id == u) => vec![u],
            Some(u) => {
                return Err(StoreError::Corrupt(format!(
                    "unit {u} not of {facility_id}"
                )));
            }
            None => units.iter().map(|u| u.id).collect(),
        };
        if archive {
            let held: Vec<HeldBy> = booking::Entity::find()
                .filter(booking::Column::UnitId.is_in(scope.clone()))
                .filter(booking::Column::EndAt.gt(now))
                .filter(
                    booking::Column::Status
                        .is_in([BookingStatus::Pending, BookingStatus::Confirmed]),
                )
                .all(&txn)
                .await?
                .into_iter()
                .filter(|b| b.status.at(b.expires_at, now).is_active())
                .map(|b| HeldBy::from(&b))
                .collect();
            if !held.is_empty() {
                let mut held = held;
                held.sort_by_key(|h| h.start_at);
                return Ok(ArchiveOutcome::Held(held));
            }
        }
        let at = archive.then_some(now);
        let (before, target) = match unit_id {
            None => {
                let before = f.archived_at;
                let mut a = f.clone().into_active_model();
                a.archived_at = Set(at);
                a.update(&txn).await?;
                (before, format!("facility:{facility_id}"))
            }
            Some(u) => {
                let row = units
                    .into_iter()
                    .find(|x| x.id == u)
                    .ok_or_else(|| StoreError::Corrupt(format!("unit {u} not of {facility_id}")))?;
                let before = row.archived_at;
                let mut a = row.into_active_model();
                a.archived_at = Set(at);
                a.update(&txn).await?;
                (before, format!("unit:{u}"))
            }
        };
        let mut e = audit.clone();
        e.target = target;
        e.before = Some(serde_json::json!({ "archived_at": before }));
        e.after = Some(serde_json::json!({ "archived_at": at }));
        append_audit(&txn, &e).await?;
        crate::facility_list::log_facility_change(
            &txn,
            f.municipality_id,
            facility_id,
            now.timestamp(),
        )
        .await?;
        txn.commit().await?;
        self.rules.forget(FacilityId(facility_id));
        Ok(ArchiveOutcome::Done)
    }
}

/// Whether the unit or its facility is archived, read inside a booking's
/// write transaction. On PostgreSQL it shares the rows' lock with
/// [`Store::set_archived`]'s exclusive one, so one waits for the other:
/// a booking either commits before the archive looks for bookings, or sees
/// the archive (SQLite's write transactions are serial already).
pub(crate) async fn archived_in(txn: &DatabaseTransaction, unit: i64) -> Result<bool, DbErr> {
    let backend = txn.get_database_backend();
    let (sql, lock) = match backend {
        DatabaseBackend::Postgres => ("$1", " FOR SHARE"),
        _ => ("?", ""),
    };
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT CASE WHEN u.archived_at IS NULL AND f.archived_at IS NULL THEN 0 ELSE 1 END \
                 AS archived FROM unit u JOIN facility f ON f.id = u.facility_id WHERE u.id = {sql}{lock}"
            ),
            [unit.into()],
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get::<i32>("", "archived")? == 1,
        None => true,
    })
}

impl Store {
    /// A facility's units in display order, with when each was archived.
    pub async fn units_of(&self, facility_id: i64) -> Result<Vec<unit::Model>, StoreError> {
        use sea_orm::QueryOrder;
        Ok(unit::Entity::find()
            .filter(unit::Column::FacilityId.eq(facility_id))
            .order_by_asc(unit::Column::SortOrder)
            .order_by_asc(unit::Column::Id)
            .all(&self.db)
            .await?)
    }
}
