//! A facility's equipment (備品: projectors, tables, a piano) as its staff
//! keep it: names, fee per slot and how many copies are lent. A booking
//! holds one copy (`e:<id>:<n>` in `booking_hold`), so fewer copies than
//! before must still cover every booking to come: holds of removed copies
//! move to copies that are free at their time, and where the bookings at
//! once outnumber the copies nothing is written and those bookings are
//! returned for staff to decide on (move or cancel) first. Zero copies
//! ends lending: the equipment stays on past bookings, new ones cannot
//! choose it. Nothing is deleted.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use domain::ids::FacilityId;
use domain::space::{CopyHold, assign_copies};
use domain::status::BookingStatus;

use crate::accounts::{AuditEntry, append_audit};
use crate::archive::HeldBy;
use crate::entity::{booking, booking_hold, equipment};
use crate::{Store, StoreError};

/// Most copies of one piece of equipment (the rules read no more).
pub const MAX_COPIES: i32 = 1000;

/// Equipment as staff give it (already checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEquipment {
    pub name_ja: String,
    pub name_en: String,
    pub fee_yen: i64,
    /// 0 ends lending.
    pub quantity: i32,
}

/// What became of a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EquipmentOutcome {
    Saved,
    /// No such equipment at the facility.
    NotFound,
    /// Not written: these bookings to come would have no copy.
    Held(Vec<HeldBy>),
}

fn json(facility: i64, e: &NewEquipment) -> serde_json::Value {
    serde_json::json!({
        "facility": facility, "name_ja": e.name_ja, "name_en": e.name_en,
        "fee_yen": e.fee_yen, "quantity": e.quantity,
    })
}

/// The hold key prefix of one piece of equipment's copies.
fn copy_prefix(id: i64) -> String {
    format!("e:{id}:")
}

impl Store {
    /// The facility's equipment, in the order it was added.
    pub async fn equipment_of(&self, facility: i64) -> Result<Vec<equipment::Model>, StoreError> {
        Ok(equipment::Entity::find()
            .filter(equipment::Column::FacilityId.eq(facility))
            .order_by_asc(equipment::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// Adds equipment to the facility with the audit entry: its id.
    pub async fn create_equipment(
        &self,
        municipality: i64,
        facility: i64,
        new: &NewEquipment,
        audit: &AuditEntry,
    ) -> Result<i64, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let id = equipment::ActiveModel {
            id: NotSet,
            facility_id: Set(facility),
            name_ja: Set(new.name_ja.clone()),
            name_en: Set(new.name_en.clone()),
            fee_yen: Set(new.fee_yen),
            quantity: Set(new.quantity),
        }
        .insert(&txn)
        .await?
        .id;
        let mut e = audit.clone();
        e.target = format!("equipment:{id}");
        e.after = Some(json(facility, new));
        append_audit(&txn, &e).await?;
        crate::facility_list::log_facility_change(
            &txn,
            municipality,
            facility,
            audit.at.timestamp(),
        )
        .await?;
        txn.commit().await?;
        self.rules.forget(FacilityId(facility));
        Ok(id)
    }

    /// Changes the facility's equipment `id` at `now`, with the audit entry
    /// (before and after). Fewer copies move the holds of bookings to come
    /// onto the copies left, or return the bookings that would have none.
    pub async fn update_equipment(
        &self,
        municipality: i64,
        facility: i64,
        id: i64,
        new: &NewEquipment,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<EquipmentOutcome, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        // A booking taking a copy holds the same lock (PostgreSQL) and
        // reads the number of copies after it, so it sees this change or
        // is seen below.
        Self::advisory_lock(&txn, &format!("equipment:{id}")).await?;
        let Some(row) = equipment::Entity::find_by_id(id)
            .filter(equipment::Column::FacilityId.eq(facility))
            .one(&txn)
            .await?
        else {
            return Ok(EquipmentOutcome::NotFound);
        };
        if new.quantity < row.quantity {
            let prefix = copy_prefix(id);
            let now_s = now.timestamp();
            let holds = booking_hold::Entity::find()
                .filter(booking_hold::Column::Resource.starts_with(&prefix))
                .filter(booking_hold::Column::EndS.gt(now_s))
                .order_by_asc(booking_hold::Column::Id)
                .all(&txn)
                .await?;
            let ids: Vec<i64> = holds.iter().map(|h| h.booking_id).collect();
            let bookings = booking::Entity::find()
                .filter(booking::Column::Id.is_in(ids))
                .all(&txn)
                .await?;
            // A pending request past its expiry holds nothing any more.
            let live = |booking_id: i64| {
                bookings
                    .iter()
                    .find(|b| b.id == booking_id)
                    .is_some_and(|b| b.status.at(b.expires_at, now).is_active())
            };
            let holds: Vec<booking_hold::Model> =
                holds.into_iter().filter(|h| live(h.booking_id)).collect();
            let wanted: Vec<CopyHold> = holds
                .iter()
                .map(|h| CopyHold {
                    start: h.start_s,
                    end: h.end_s,
                    copy: h
                        .resource
                        .strip_prefix(&prefix)
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(0),
                })
                .collect();
            let copies = u32::try_from(new.quantity).unwrap_or(0);
            let given = assign_copies(&wanted, copies);
            let mut held: Vec<HeldBy> = holds
                .iter()
                .zip(&given)
                .filter(|(_, c)| c.is_none())
                .filter_map(|(h, _)| bookings.iter().find(|b| b.id == h.booking_id))
                .map(HeldBy::from)
                .collect();
            if !held.is_empty() {
                held.sort_by_key(|h| h.start_at);
                return Ok(EquipmentOutcome::Held(held));
            }
            // Every hold of this equipment still to come, written again on
            // its copy (deleted first, so a swap never meets itself). An
            // expired request's holds go with them.
            booking_hold::Entity::delete_many()
                .filter(booking_hold::Column::Resource.starts_with(&prefix))
                .filter(booking_hold::Column::EndS.gt(now_s))
                .exec(&txn)
                .await?;
            let rows: Vec<booking_hold::ActiveModel> = holds
                .iter()
                .zip(&given)
                .filter_map(|(h, c)| {
                    c.map(|c| booking_hold::ActiveModel {
                        id: NotSet,
                        booking_id: Set(h.booking_id),
                        resource: Set(format!("{prefix}{c}")),
                        start_s: Set(h.start_s),
                        end_s: Set(h.end_s),
                    })
                })
                .collect();
            if !rows.is_empty() {
                booking_hold::Entity::insert_many(rows)
                    .exec_without_returning(&txn)
                    .await?;
            }
            let expired: Vec<i64> = bookings
                .iter()
                .filter(|b| b.status == BookingStatus::Pending && !live(b.id))
                .map(|b| b.id)
                .collect();
            if !expired.is_empty() {
                booking::Entity::update_many()
                    .col_expr(
                        booking::Column::Status,
                        sea_orm::sea_query::Expr::value(BookingStatus::Expired),
                    )
                    .filter(booking::Column::Id.is_in(expired.clone()))
                    .exec(&txn)
                    .await?;
                booking_hold::Entity::delete_many()
                    .filter(booking_hold::Column::BookingId.is_in(expired))
                    .exec(&txn)
                    .await?;
            }
        }
        let mut e = audit.clone();
        e.target = format!("equipment:{id}");
        e.before = Some(json(
            facility,
            &NewEquipment {
                name_ja: row.name_ja.clone(),
                name_en: row.name_en.clone(),
                fee_yen: row.fee_yen,
                quantity: row.quantity,
            },
        ));
        e.after = Some(json(facility, new));
        let mut active: equipment::ActiveModel = row.into();
        active.name_ja = Set(new.name_ja.clone());
        active.name_en = Set(new.name_en.clone());
        active.fee_yen = Set(new.fee_yen);
        active.quantity = Set(new.quantity);
        active.update(&txn).await?;
        append_audit(&txn, &e).await?;
        crate::facility_list::log_facility_change(&txn, municipality, facility, now.timestamp())
            .await?;
        txn.commit().await?;
        self.rules.forget(FacilityId(facility));
        Ok(EquipmentOutcome::Saved)
    }
}
