//! A booking once made: reading it by reference, cancelling it (its holds
//! go in the same transaction), the bulk insert of the seed and benches, and
//! a resident account's bookings.

use chrono::{DateTime, Utc};
use domain::ids::{BookingId, EquipmentId, UnitId};
use domain::status::{BookingKind, BookingStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter,
};
use std::collections::HashMap;

use crate::bookings::*;
use crate::entity::{booking, booking_equipment, booking_hold};
use crate::outbox::Compose;
use crate::{Store, StoreError};

impl Store {
    /// The booking with this reference, if any.
    pub async fn booking(&self, reference: &str) -> Result<Option<BookingRecord>, StoreError> {
        let Some(row) = booking::Entity::find()
            .filter(booking::Column::Reference.eq(reference))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let equipment = booking_equipment::Entity::find()
            .filter(booking_equipment::Column::BookingId.eq(row.id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|e| EquipmentId(e.equipment_id))
            .collect();
        Ok(Some(BookingRecord { row, equipment }))
    }

    /// Cancels an active booking and frees its time, offering it to the
    /// first in line for it (`crate::waitlist`). The update is
    /// conditional on the status, so a concurrent change (approval, expiry)
    /// cannot be overwritten.
    pub async fn cancel_booking(
        &self,
        id: BookingId,
        now: DateTime<Utc>,
        mail: Compose<'_>,
    ) -> Result<booking::Model, ChangeError> {
        use booking::Column as C;
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let done = booking::Entity::update_many()
            .col_expr(C::Status, Expr::value(BookingStatus::Cancelled))
            .col_expr(C::CancelledAt, Expr::value(now))
            .filter(C::Id.eq(id.0))
            .filter(holding(now))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(Self::why_not(&txn, booking::Entity::find_by_id(id.0), now).await);
        }
        let row = booking::Entity::find_by_id(id.0)
            .one(&txn)
            .await?
            .ok_or(ChangeError::NotFound)?;
        let facility = Self::lock_line(&txn, row.unit_id).await?;
        booking_hold::Entity::delete_many()
            .filter(booking_hold::Column::BookingId.eq(id.0))
            .exec(&txn)
            .await?;
        Self::offer_freed(&txn, facility, &row, now).await?;
        crate::outbox::enqueue_for(&txn, mail, std::slice::from_ref(&row), now).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Inserts many confirmed bookings with their holds in one transaction,
    /// for the demo seed and benchmarks. `rows` carry the leaf units each
    /// occupies; overlaps are refused by the database as always.
    pub async fn insert_bookings(
        &self,
        rows: Vec<(booking::Model, Vec<UnitId>)>,
    ) -> Result<(), StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        for chunk in rows.chunks(400) {
            let leaves: HashMap<&str, &[UnitId]> = chunk
                .iter()
                .map(|(m, l)| (m.reference.as_str(), l.as_slice()))
                .collect();
            let models = chunk.iter().map(|(m, _)| {
                let mut a = m.clone().into_active_model();
                a.id = NotSet;
                a
            });
            let inserted = booking::Entity::insert_many(models)
                .exec_with_returning(&txn)
                .await?;
            let holds: Vec<booking_hold::ActiveModel> = inserted
                .iter()
                .flat_map(|m| {
                    leaves
                        .get(m.reference.as_str())
                        .copied()
                        .unwrap_or_default()
                        .iter()
                        .map(move |u| booking_hold::ActiveModel {
                            id: NotSet,
                            booking_id: sea_orm::Set(m.id),
                            resource: sea_orm::Set(unit_resource(*u)),
                            start_s: sea_orm::Set(m.start_at.timestamp()),
                            end_s: sea_orm::Set(m.end_at.timestamp()),
                        })
                })
                .collect();
            if !holds.is_empty() {
                booking_hold::Entity::insert_many(holds).exec(&txn).await?;
            }
        }
        txn.commit().await?;
        Ok(())
    }

    /// A resident account's bookings, soonest first.
    pub async fn account_bookings(&self, account: i64) -> Result<Vec<booking::Model>, StoreError> {
        use sea_orm::QueryOrder;
        Ok(booking::Entity::find()
            .filter(booking::Column::AccountId.eq(account))
            .order_by_asc(booking::Column::StartAt)
            .all(&self.db)
            .await?)
    }

    /// Adds a booking to a resident's account. False when it already
    /// belongs to another account (it is never moved).
    pub async fn link_booking(&self, booking: i64, account: i64) -> Result<bool, StoreError> {
        let _writer = self.writer().await;
        let updated = booking::Entity::update_many()
            .col_expr(booking::Column::AccountId, Expr::value(account))
            .filter(booking::Column::Id.eq(booking))
            .filter(booking::Column::Kind.eq(BookingKind::Resident))
            .filter(
                Condition::any()
                    .add(booking::Column::AccountId.is_null())
                    .add(booking::Column::AccountId.eq(account)),
            )
            .exec(&self.db)
            .await?;
        Ok(updated.rows_affected == 1)
    }
}
