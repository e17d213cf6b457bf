//! Adding a unit (room or area) to a facility, as staff do when a town sets
//! itself up: the unit with the rules most towns start from, and for fixed
//! periods the usual three (午前 / 午後 / 夜間) at no fee, in one transaction
//! with the audit entry. The rules page then sets periods, fees, windows.

use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect,
};

use domain::ids::FacilityId;

use crate::accounts::{AuditEntry, append_audit};
use crate::entity::{slot_template, unit};
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
            parent_id: None,
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
        let mut e = audit.clone();
        e.target = format!("unit:{id}");
        e.after = Some(serde_json::json!({
            "facility": facility_id,
            "name_ja": new.name_ja,
            "name_en": new.name_en,
            "capacity": new.capacity,
            "grid": new.grid,
        }));
        append_audit(&txn, &e).await?;
        txn.commit().await?;
        // This process shows the unit at once; others when the change
        // event (the unit's trigger) reaches them.
        self.rules.forget(FacilityId(facility_id));
        Ok(id)
    }
}
