//! Fee reductions (減免): each town's categories as its administrators
//! keep them, and on a booking the category asked for with the share it
//! took off, the applicant's note and the staff's decision. A booking that
//! asks for one is pending (仮予約) until staff approve it with the
//! reduction, or at the full fee (`crate::console`'s `staff_approve`).
//! Categories are never deleted: one no longer offered stays on the
//! bookings that used it.

use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::accounts::{AuditEntry, append_audit};
use crate::entity::{booking_reduction, fee_reduction};
use crate::{Store, StoreError};

/// A category as an administrator gives it (already checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReduction {
    pub name_ja: String,
    pub name_en: String,
    /// 1–100.
    pub percent: i32,
    pub proof_ja: String,
    pub proof_en: String,
    pub offered: bool,
}

/// The reduction a booking asks for, as checked when it was requested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReductionRequest {
    pub reduction_id: i64,
    pub percent: u8,
    pub note: String,
}

/// What staff decide on a reduction when they approve the booking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReductionDecision {
    /// The reduced fee stands.
    Grant,
    /// Not granted: the booking's fee becomes `full`.
    Refuse { full: domain::booking::Fee },
}

fn json(r: &NewReduction) -> serde_json::Value {
    serde_json::json!({
        "name_ja": r.name_ja, "name_en": r.name_en, "percent": r.percent,
        "proof_ja": r.proof_ja, "proof_en": r.proof_en, "offered": r.offered,
    })
}

fn json_of(r: &fee_reduction::Model) -> serde_json::Value {
    json(&NewReduction {
        name_ja: r.name_ja.clone(),
        name_en: r.name_en.clone(),
        percent: r.percent,
        proof_ja: r.proof_ja.clone(),
        proof_en: r.proof_en.clone(),
        offered: r.offered,
    })
}

impl Store {
    /// The town's categories, in the order they were added.
    pub async fn reductions(
        &self,
        municipality: i64,
    ) -> Result<Vec<fee_reduction::Model>, StoreError> {
        Ok(fee_reduction::Entity::find()
            .filter(fee_reduction::Column::MunicipalityId.eq(municipality))
            .order_by_asc(fee_reduction::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// One category, by id.
    pub async fn reduction(&self, id: i64) -> Result<Option<fee_reduction::Model>, StoreError> {
        Ok(fee_reduction::Entity::find_by_id(id).one(&self.db).await?)
    }

    /// Adds a category to the town with the audit entry: its id.
    pub async fn create_reduction(
        &self,
        municipality: i64,
        new: &NewReduction,
        audit: &AuditEntry,
    ) -> Result<i64, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let id = fee_reduction::ActiveModel {
            id: NotSet,
            municipality_id: Set(municipality),
            name_ja: Set(new.name_ja.clone()),
            name_en: Set(new.name_en.clone()),
            percent: Set(new.percent),
            proof_ja: Set(new.proof_ja.clone()),
            proof_en: Set(new.proof_en.clone()),
            offered: Set(new.offered),
        }
        .insert(&txn)
        .await?
        .id;
        let mut e = audit.clone();
        e.target = format!("reduction:{id}");
        e.after = Some(json(new));
        append_audit(&txn, &e).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Changes the town's category `id` with the audit entry (before and
    /// after); false when the town has no such category. Bookings already
    /// made keep the share they were given.
    pub async fn update_reduction(
        &self,
        municipality: i64,
        id: i64,
        new: &NewReduction,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let Some(row) = fee_reduction::Entity::find_by_id(id)
            .filter(fee_reduction::Column::MunicipalityId.eq(municipality))
            .one(&txn)
            .await?
        else {
            return Ok(false);
        };
        let mut e = audit.clone();
        e.target = format!("reduction:{id}");
        e.before = Some(json_of(&row));
        e.after = Some(json(new));
        let mut active: fee_reduction::ActiveModel = row.into();
        active.name_ja = Set(new.name_ja.clone());
        active.name_en = Set(new.name_en.clone());
        active.percent = Set(new.percent);
        active.proof_ja = Set(new.proof_ja.clone());
        active.proof_en = Set(new.proof_en.clone());
        active.offered = Set(new.offered);
        active.update(&txn).await?;
        append_audit(&txn, &e).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// The reduction a booking asked for, if any.
    pub async fn booking_reduction(
        &self,
        booking: i64,
    ) -> Result<Option<booking_reduction::Model>, StoreError> {
        Ok(booking_reduction::Entity::find_by_id(booking)
            .one(&self.db)
            .await?)
    }

    /// The reductions of these bookings (those that asked for one).
    pub async fn booking_reductions(
        &self,
        bookings: &[i64],
    ) -> Result<Vec<booking_reduction::Model>, StoreError> {
        let mut out = Vec::new();
        // Bounded lists keep every database's parameter limit.
        for chunk in bookings.chunks(500) {
            out.extend(
                booking_reduction::Entity::find()
                    .filter(booking_reduction::Column::BookingId.is_in(chunk.iter().copied()))
                    .all(&self.db)
                    .await?,
            );
        }
        Ok(out)
    }
}
