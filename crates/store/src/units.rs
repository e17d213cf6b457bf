//! Adding a unit (room or area) to a facility, as staff do when a town sets
//! itself up: the unit with the rules most towns start from, and for fixed
//! periods the usual three (午前 / 午後 / 夜間) at no fee, in one transaction
//! with the audit entry. The rules page then sets periods, fees, windows.
//! A unit may be part of another's space (a half of the whole floor): the
//! bookings to come of the whole then hold the new part too, so splitting
//! a floor never lets a half be booked over a booking of the whole.
//! An existing unit may be moved into another's space (or out of it) the
//! same way, once no two bookings to come would meet in the space.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseBackend,
    DatabaseTransaction, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, Set,
    Statement,
};

use domain::ids::{FacilityId, UnitId};
use domain::space;
use domain::status::BookingStatus;

use crate::accounts::{AuditEntry, append_audit};
use crate::archive::HeldBy;
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

/// The tree of the facility that `unit` belongs to (empty when there is
/// no such unit), read inside a write transaction.
pub(crate) async fn tree_in(
    txn: &DatabaseTransaction,
    unit: i64,
) -> Result<Vec<(UnitId, Option<UnitId>)>, DbErr> {
    let facility = Query::select()
        .column(unit::Column::FacilityId)
        .from(unit::Entity)
        .and_where(unit::Column::Id.eq(unit))
        .to_owned();
    let rows: Vec<(i64, Option<i64>)> = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .column(unit::Column::ParentId)
        .filter(unit::Column::FacilityId.in_subquery(facility))
        .into_tuple()
        .all(txn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(u, p)| (UnitId(u), p.map(UnitId)))
        .collect())
}

/// What became of moving a unit into another's space.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParentOutcome {
    /// Written (or already so).
    Done,
    /// The new parent is the unit itself, inside it, archived or of
    /// another facility.
    NotAllowed,
    /// Not written: these bookings to come would overlap in the space
    /// they would then share; staff move or cancel some first.
    Held(Vec<HeldBy>),
}

/// The bookings, among `(booking, leaves, start, end)`, that would hold
/// the same leaf at overlapping times.
fn overlapping(wants: &[(i64, Vec<UnitId>, i64, i64)]) -> Vec<i64> {
    let mut by_leaf: std::collections::BTreeMap<UnitId, Vec<(i64, i64, i64)>> =
        std::collections::BTreeMap::new();
    for (id, leaves, start, end) in wants {
        for leaf in leaves {
            by_leaf.entry(*leaf).or_default().push((*start, *end, *id));
        }
    }
    let mut out = Vec::new();
    for (_, mut spans) in by_leaf {
        spans.sort();
        // The span reaching furthest so far, and whose it is.
        let mut reach: Option<(i64, i64)> = None;
        for (start, end, id) in spans {
            if let Some((far, who)) = reach
                && start < far
            {
                out.extend([who, id]);
            }
            if reach.is_none_or(|(far, _)| end > far) {
                reach = Some((end, id));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

impl Store {
    /// Makes `unit` part of `parent`'s space (or its own, `None`) at
    /// `now`, with the audit entry. Every booking to come then holds the
    /// space as the new tree has it (a booking of the whole floor holds the
    /// half moved under it); where two would meet in it nothing is written
    /// and they are returned to decide on. Past bookings keep their holds.
    pub async fn set_unit_parent(
        &self,
        facility_id: i64,
        unit_id: i64,
        parent: Option<i64>,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<ParentOutcome, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        // On PostgreSQL a booking being made reads its unit's row with a
        // shared lock (see `archive::archived_in`) and the tree after it,
        // so it waits for this change or is among the bookings below.
        if txn.get_database_backend() == DatabaseBackend::Postgres {
            txn.execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT 1 FROM unit WHERE facility_id = $1 FOR UPDATE",
                [facility_id.into()],
            ))
            .await?;
        }
        let units = unit::Entity::find()
            .filter(unit::Column::FacilityId.eq(facility_id))
            .all(&txn)
            .await?;
        let Some(row) = units.iter().find(|u| u.id == unit_id).cloned() else {
            return Ok(ParentOutcome::NotAllowed);
        };
        if row.parent_id == parent {
            return Ok(ParentOutcome::Done);
        }
        let tree: Vec<(UnitId, Option<UnitId>)> = units
            .iter()
            .map(|u| (UnitId(u.id), u.parent_id.map(UnitId)))
            .collect();
        if let Some(p) = parent {
            let open = units.iter().any(|u| u.id == p && u.archived_at.is_none());
            if !open || !space::may_be_part_of(&tree, UnitId(unit_id), UnitId(p)) {
                return Ok(ParentOutcome::NotAllowed);
            }
        }
        let after = space::moved(&tree, UnitId(unit_id), parent.map(UnitId));
        let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
        let coming: Vec<booking::Model> = booking::Entity::find()
            .filter(booking::Column::UnitId.is_in(ids))
            .filter(booking::Column::EndAt.gt(now))
            .filter(
                booking::Column::Status.is_in([BookingStatus::Pending, BookingStatus::Confirmed]),
            )
            .all(&txn)
            .await?
            .into_iter()
            .filter(|b| b.status.at(b.expires_at, now).is_active())
            .collect();
        let wants: Vec<(i64, Vec<UnitId>, i64, i64)> = coming
            .iter()
            .map(|b| {
                (
                    b.id,
                    space::leaves(&after, UnitId(b.unit_id)),
                    b.start_at.timestamp(),
                    b.end_at.timestamp(),
                )
            })
            .collect();
        let clash = overlapping(&wants);
        if !clash.is_empty() {
            let mut held: Vec<HeldBy> = coming
                .iter()
                .filter(|b| clash.contains(&b.id))
                .map(HeldBy::from)
                .collect();
            held.sort_by_key(|h| (h.start_at, h.id));
            return Ok(ParentOutcome::Held(held));
        }
        // Each booking to come holds its space anew where it changed.
        let booking_ids: Vec<i64> = coming.iter().map(|b| b.id).collect();
        let holds = booking_hold::Entity::find()
            .filter(booking_hold::Column::BookingId.is_in(booking_ids))
            .filter(booking_hold::Column::Resource.starts_with("u:"))
            .all(&txn)
            .await?;
        let mut stale = Vec::new();
        let mut fresh = Vec::new();
        for (id, leaves, start, end) in &wants {
            let want: Vec<String> = leaves
                .iter()
                .map(|u| crate::bookings::unit_resource(*u))
                .collect();
            let mut have: Vec<&booking_hold::Model> =
                holds.iter().filter(|h| h.booking_id == *id).collect();
            have.sort_by(|a, b| a.resource.cmp(&b.resource));
            let mut sorted = want.clone();
            sorted.sort();
            if have.iter().map(|h| &h.resource).eq(sorted.iter()) {
                continue;
            }
            stale.extend(have.iter().map(|h| h.id));
            fresh.extend(want.into_iter().map(|resource| booking_hold::ActiveModel {
                id: NotSet,
                booking_id: Set(*id),
                resource: Set(resource),
                start_s: Set(*start),
                end_s: Set(*end),
            }));
        }
        if !stale.is_empty() {
            booking_hold::Entity::delete_many()
                .filter(booking_hold::Column::Id.is_in(stale))
                .exec(&txn)
                .await?;
        }
        if !fresh.is_empty() {
            booking_hold::Entity::insert_many(fresh)
                .exec_without_returning(&txn)
                .await?;
        }
        let municipality = crate::entity::facility::Entity::find_by_id(facility_id)
            .one(&txn)
            .await?
            .map(|f| f.municipality_id)
            .ok_or_else(|| StoreError::Corrupt(format!("no facility {facility_id}")))?;
        let mut e = audit.clone();
        e.target = format!("unit:{unit_id}");
        e.before = Some(serde_json::json!({ "parent": row.parent_id }));
        e.after = Some(serde_json::json!({ "parent": parent }));
        let mut active = row.into_active_model();
        active.parent_id = Set(parent);
        active.update(&txn).await?;
        append_audit(&txn, &e).await?;
        crate::facility_list::log_facility_change(&txn, municipality, facility_id, now.timestamp())
            .await?;
        txn.commit().await?;
        self.rules.forget(FacilityId(facility_id));
        Ok(ParentOutcome::Done)
    }
}
