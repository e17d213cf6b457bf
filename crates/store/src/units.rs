//! Adding a unit (room or area) to a facility, as staff do when a town sets
//! itself up: the unit with the rules most towns start from, and for fixed
//! periods the usual three (午前 / 午後 / 夜間) at no fee, in one transaction
//! with the audit entry. The rules page then sets periods, fees, windows.
//! A unit may be part of another's space (a half of the whole floor): the
//! bookings to come of the whole then hold the new part too, so splitting
//! a floor never lets a half be booked over a booking of the whole.

use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};

use domain::ids::{FacilityId, UnitId};
use domain::status::BookingStatus;

use crate::accounts::{AuditEntry, append_audit};
use crate::entity::{booking, booking_hold, slot_template, unit};
use crate::{Store, StoreError};

/// What staff give for a new unit (already checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUnit {
    pub name_ja: String,
    pub name_en: String,
    pub notes_ja: String,
    pub notes_en: String,
    pub capacity: i32,
    /// Booked by the hour on a grid, instead of by fixed periods.
    pub grid: bool,
    /// The unit whose space it is part of (a half of the whole floor,
    /// 半面 of 全面), of the same facility.
    pub parent: Option<i64>,
}

/// The periods a new fixed-period unit starts with: label and minutes.
pub const FIRST_PERIODS: [(&str, &str, i32, i32); 3] = [
    ("午前", "Morning", 9 * 60, 12 * 60),
    ("午後", "Afternoon", 13 * 60, 17 * 60),
    ("夜間", "Evening", 18 * 60, 21 * 60),
];

impl Store {
    /// Adds the unit after the facility's others: its id.
    pub async fn create_unit(
        &self,
        facility_id: i64,
        new: &NewUnit,
        audit: &AuditEntry,
    ) -> Result<i64, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        // The parent and its own parents (a whole floor above a half).
        let mut above = Vec::new();
        let mut next = new.parent;
        while let Some(p) = next.filter(|p| !above.contains(p)) {
            let row = unit::Entity::find_by_id(p)
                .filter(unit::Column::FacilityId.eq(facility_id))
                .one(&txn)
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("unit {p} not of {facility_id}")))?;
            above.push(p);
            next = row.parent_id;
        }
        let order = unit::Entity::find()
            .filter(unit::Column::FacilityId.eq(facility_id))
            .select_only()
            .column_as(unit::Column::SortOrder.max(), "m")
            .into_tuple::<Option<i32>>()
            .one(&txn)
            .await?
            .flatten()
            .map_or(0, |m| m + 1);
        let row = unit::Model {
            id: 0,
            facility_id,
            parent_id: new.parent,
            name_ja: new.name_ja.clone(),
            name_en: new.name_en.clone(),
            notes_ja: new.notes_ja.clone(),
            notes_en: new.notes_en.clone(),
            capacity: new.capacity,
            booking_kind: if new.grid { "grid" } else { "fixed" }.into(),
            grid_step_minutes: if new.grid { 60 } else { 0 },
            min_slots: 1,
            max_slots: if new.grid { 4 } else { 3 },
            requires_approval: false,
            pending_hold_hours: 72,
            open_months_before: 3,
            open_months_before_nonresident: 2,
            open_day: 1,
            open_minute: 9 * 60,
            close_days_before: 1,
            close_minute: 17 * 60,
            cancel_days_before: 3,
            cancel_minute: 17 * 60,
            grid_fee_resident_yen: 0,
            grid_fee_nonresident_yen: 0,
            sort_order: order,
            archived_at: None,
        };
        let mut row = row.into_active_model();
        row.id = NotSet;
        let id = row.insert(&txn).await?.id;
        if !new.grid {
            for (k, (ja, en, start, end)) in FIRST_PERIODS.into_iter().enumerate() {
                let mut t = slot_template::Model {
                    id: 0,
                    unit_id: id,
                    label_ja: ja.into(),
                    label_en: en.into(),
                    start_minute: start,
                    end_minute: end,
                    fee_resident_yen: 0,
                    fee_nonresident_yen: 0,
                    holiday_fee_resident_yen: None,
                    holiday_fee_nonresident_yen: None,
                    sort_order: i32::try_from(k).unwrap_or(0),
                }
                .into_active_model();
                t.id = NotSet;
                t.insert(&txn).await?;
            }
        }
        // The space the bookings to come of the units above already hold
        // now includes this part of it: each holds it too, so a booking of
        // this part can never overlap them (the database's rule).
        if !above.is_empty() {
            let holding = booking::Entity::find()
                .filter(booking::Column::UnitId.is_in(above.clone()))
                .filter(booking::Column::EndAt.gt(audit.at))
                .filter(
                    booking::Column::Status
                        .is_in([BookingStatus::Pending, BookingStatus::Confirmed]),
                )
                .all(&txn)
                .await?;
            let holds: Vec<booking_hold::ActiveModel> = holding
                .iter()
                .map(|b| booking_hold::ActiveModel {
                    id: NotSet,
                    booking_id: Set(b.id),
                    resource: Set(crate::bookings::unit_resource(UnitId(id))),
                    start_s: Set(b.start_at.timestamp()),
                    end_s: Set(b.end_at.timestamp()),
                })
                .collect();
            if !holds.is_empty() {
                booking_hold::Entity::insert_many(holds)
                    .exec_without_returning(&txn)
                    .await?;
            }
        }
        let mut e = audit.clone();
        e.target = format!("unit:{id}");
        e.after = Some(serde_json::json!({
            "facility": facility_id,
            "name_ja": new.name_ja,
            "name_en": new.name_en,
            "capacity": new.capacity,
            "grid": new.grid,
            "parent": new.parent,
        }));
        append_audit(&txn, &e).await?;
        txn.commit().await?;
        // This process shows the unit at once; others when the change
        // event (the unit's trigger) reaches them.
        self.rules.forget(FacilityId(facility_id));
        Ok(id)
    }
}
