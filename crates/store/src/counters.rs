//! The counter side of visit appointments: a day's appointments, their
//! status at the counter, and absences that meet appointments. Every change
//! is written with its audit entry in one transaction.

use chrono::{DateTime, Utc};
use domain::status::AppointmentStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::NotSet, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::accounts::append_audit;
use crate::appointments::{AppointmentError, AppointmentRecord, appointment_lock};
use crate::entity::{appointment, appointment_item, staff, staff_absence};
use crate::migration::m20261201_000005_appointment_holds::MAX_ITEM_SECONDS;
use crate::{AuditEntry, Store, StoreError};

/// What to do with an appointment item that a new absence meets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbsenceDecision {
    /// Another qualified member on duty and free takes it over.
    MoveTo(i64),
    /// It stays; staff will call the visitor (`needs_contact`).
    Contact,
}

/// An absence to record.
#[derive(Clone, Debug)]
pub struct NewAbsence {
    pub staff: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub reason: String,
}

impl Store {
    /// The town's staff members.
    pub async fn staff_members(&self, municipality: i64) -> Result<Vec<staff::Model>, StoreError> {
        Ok(staff::Entity::find()
            .filter(staff::Column::MunicipalityId.eq(municipality))
            .order_by_asc(staff::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// Appointments with an item starting in `[from, to)`, cancelled ones
    /// left out, in order of their first item.
    pub async fn appointments_between(
        &self,
        municipality: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AppointmentRecord>, StoreError> {
        let items = appointment_item::Entity::find()
            .filter(appointment_item::Column::Active.eq(true))
            .filter(appointment_item::Column::StartS.gte(from.timestamp()))
            .filter(appointment_item::Column::StartS.lt(to.timestamp()))
            .order_by_asc(appointment_item::Column::StartS)
            .all(&self.db)
            .await?;
        let mut ids: Vec<i64> = items.iter().map(|i| i.appointment_id).collect();
        ids.dedup();
        let rows = appointment::Entity::find()
            .filter(appointment::Column::Id.is_in(ids.clone()))
            .filter(appointment::Column::MunicipalityId.eq(municipality))
            .all(&self.db)
            .await?;
        let mut out: Vec<AppointmentRecord> = Vec::new();
        for id in ids {
            if out.iter().any(|r| r.row.id == id) {
                continue;
            }
            if let Some(row) = rows.iter().find(|r| r.id == id) {
                out.push(AppointmentRecord {
                    row: row.clone(),
                    items: items
                        .iter()
                        .filter(|i| i.appointment_id == id)
                        .cloned()
                        .collect(),
                });
            }
        }
        Ok(out)
    }

    /// Moves an appointment's status from one of `from` to `to` (a
    /// conditional update, so two clicks cannot both apply), audited.
    pub async fn set_appointment_status(
        &self,
        id: i64,
        from: &[AppointmentStatus],
        to: AppointmentStatus,
        audit: &AuditEntry,
    ) -> Result<(), AppointmentError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let done = appointment::Entity::update_many()
            .col_expr(appointment::Column::Status, Expr::value(to))
            .filter(appointment::Column::Id.eq(id))
            .filter(appointment::Column::Status.is_in(from.iter().copied()))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(AppointmentError::WrongStatus);
        }
        append_audit(&txn, audit).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The active appointment items of `staff` that `[start, end)` meets,
    /// as they are now.
    pub async fn items_met_now(
        &self,
        staff: i64,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<appointment_item::Model>, StoreError> {
        self.items_met(&self.db, staff, start, end).await
    }

    /// The active appointment items of `staff` that `[start, end)` meets.
    pub(crate) async fn items_met(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        staff: i64,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<appointment_item::Model>, StoreError> {
        Ok(appointment_item::Entity::find()
            .filter(appointment_item::Column::StaffId.eq(staff))
            .filter(appointment_item::Column::Active.eq(true))
            .filter(appointment_item::Column::StartS.gt(start.timestamp() - MAX_ITEM_SECONDS))
            .filter(appointment_item::Column::StartS.lt(end.timestamp()))
            .filter(appointment_item::Column::EndS.gt(start.timestamp()))
            .order_by_asc(appointment_item::Column::StartS)
            .all(db)
            .await?)
    }

    /// Records an absence with a decision for every appointment item it
    /// meets, in one transaction: `Undecided` (nothing written) if an item
    /// met lacks a decision, as when one was booked meanwhile; `NoCapacity`
    /// if a member to move to is not free (the database refuses it).
    pub async fn add_absence(
        &self,
        a: &NewAbsence,
        decisions: &[(i64, AbsenceDecision)],
        audit: &AuditEntry,
    ) -> Result<Vec<i64>, AbsenceError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let met = self.absence_in(&txn, a, decisions, audit).await?;
        txn.commit()
            .await
            .map_err(|e| AbsenceError::Store(e.into()))?;
        Ok(met)
    }

    /// Writes an absence inside `txn` (see [`Store::add_absence`]); the
    /// items it met.
    pub(crate) async fn absence_in(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        a: &NewAbsence,
        decisions: &[(i64, AbsenceDecision)],
        audit: &AuditEntry,
    ) -> Result<Vec<i64>, AbsenceError> {
        // The lock a visit being booked holds while it reads the staff
        // (PostgreSQL): an absence either sees that visit or is seen by it.
        Self::advisory_lock(txn, &appointment_lock(audit.municipality_id))
            .await
            .map_err(|e| AbsenceError::Store(e.into()))?;
        let met = self.items_met(txn, a.staff, a.start, a.end).await?;
        if met
            .iter()
            .any(|i| !decisions.iter().any(|(id, _)| *id == i.id))
        {
            return Err(AbsenceError::Undecided);
        }
        for item in &met {
            let decision = decisions
                .iter()
                .find(|(id, _)| *id == item.id)
                .map(|(_, d)| *d);
            match decision {
                Some(AbsenceDecision::MoveTo(other)) => {
                    let moved = appointment_item::Entity::update_many()
                        .col_expr(appointment_item::Column::StaffId, Expr::value(other))
                        .filter(appointment_item::Column::Id.eq(item.id))
                        .exec(txn)
                        .await;
                    if let Err(e) = moved {
                        return Err(if crate::appointments::is_overlap_error(&e) {
                            AbsenceError::Taken
                        } else {
                            AbsenceError::Store(e.into())
                        });
                    }
                }
                Some(AbsenceDecision::Contact) => {
                    appointment::Entity::update_many()
                        .col_expr(appointment::Column::NeedsContact, Expr::value(true))
                        .filter(appointment::Column::Id.eq(item.appointment_id))
                        .exec(txn)
                        .await
                        .map_err(|e| AbsenceError::Store(e.into()))?;
                }
                None => return Err(AbsenceError::Undecided),
            }
        }
        let row = staff_absence::Entity::insert(staff_absence::ActiveModel {
            id: NotSet,
            staff_id: Set(a.staff),
            start_at: Set(a.start),
            end_at: Set(a.end),
            reason: Set(a.reason.clone()),
        })
        .exec_with_returning(txn)
        .await
        .map_err(|e| AbsenceError::Store(e.into()))?;
        let mut audit = audit.clone();
        audit.target = format!("staff_absence:{}", row.id);
        append_audit(txn, &audit)
            .await
            .map_err(|e| AbsenceError::Store(e.into()))?;
        Ok(met.iter().map(|i| i.id).collect())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AbsenceError {
    #[error("an appointment met by the absence has no decision")]
    Undecided,
    #[error("the member to move to is not free then")]
    Taken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for AbsenceError {
    fn from(e: sea_orm::DbErr) -> Self {
        AbsenceError::Store(StoreError::Db(e))
    }
}
