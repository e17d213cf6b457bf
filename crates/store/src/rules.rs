//! Saving a unit's rules edited in the console: the unit's row, its fixed
//! periods and the facility's opening hours and closed days, in one
//! transaction with the audit entry. Existing bookings keep the times and
//! fees they were booked with, except those that no longer fit and that
//! staff chose to cancel: cancelled in the same transaction, with notice.

use chrono::{DateTime, Utc};
use domain::ids::{FacilityId, UnitId};
use domain::rules_edit::CheckedRules;
use domain::schedule::SlotPlan;
use domain::status::BookingStatus;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveValue::NotSet, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::accounts::{AuditEntry, append_audit};
use crate::entity::{booking, facility, opening_hours, slot_template, unit};
use crate::outbox::Compose;
use crate::{Store, StoreError};

/// Bookings of the facility that no longer fit the new rules, which staff
/// chose to cancel (each told by `mail`), and why.
pub struct RulesCancel<'a> {
    pub bookings: &'a [i64],
    pub reason: &'a str,
    pub now: DateTime<Utc>,
    pub mail: Compose<'a>,
}

fn int(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

impl Store {
    /// Replaces the unit's rules and periods and the facility's hours.
    pub async fn save_unit_rules(
        &self,
        facility: FacilityId,
        unit_id: UnitId,
        c: &CheckedRules,
        audit: &AuditEntry,
        cancel: &RulesCancel<'_>,
    ) -> Result<Vec<booking::Model>, StoreError> {
        use unit::Column as U;
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let r = &c.rules;
        let w = &c.window;
        let mut update = unit::Entity::update_many()
            .col_expr(U::Capacity, Expr::value(int(r.capacity)))
            .col_expr(U::MinSlots, Expr::value(int(r.min_slots)))
            .col_expr(U::MaxSlots, Expr::value(int(r.max_slots)))
            .col_expr(U::RequiresApproval, Expr::value(r.requires_approval))
            .col_expr(U::PendingHoldHours, Expr::value(int(r.pending_hold_hours)))
            .col_expr(U::OpenMonthsBefore, Expr::value(int(w.open_months_before)))
            .col_expr(
                U::OpenMonthsBeforeNonresident,
                Expr::value(int(r.open_months_before_nonresident)),
            )
            .col_expr(U::OpenDay, Expr::value(int(w.open_day)))
            .col_expr(U::OpenMinute, Expr::value(int(w.open_minute)))
            .col_expr(U::CloseDaysBefore, Expr::value(int(w.close_days_before)))
            .col_expr(U::CloseMinute, Expr::value(int(w.close_minute)))
            .col_expr(U::CancelDaysBefore, Expr::value(int(r.cancel_days_before)))
            .col_expr(U::CancelMinute, Expr::value(int(r.cancel_minute)));
        if let (SlotPlan::Grid { step }, Some(fee)) = (&c.slots, &c.grid_fee) {
            update = update
                .col_expr(U::GridStepMinutes, Expr::value(int(*step)))
                .col_expr(U::GridFeeResidentYen, Expr::value(fee.resident.0))
                .col_expr(U::GridFeeNonresidentYen, Expr::value(fee.nonresident.0));
        }
        let done = update
            .filter(U::Id.eq(unit_id.0))
            .filter(U::FacilityId.eq(facility.0))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(StoreError::Corrupt(format!(
                "unit {} is not in facility {}",
                unit_id.0, facility.0
            )));
        }
        if let SlotPlan::Fixed(templates) = &c.slots {
            slot_template::Entity::delete_many()
                .filter(slot_template::Column::UnitId.eq(unit_id.0))
                .exec(&txn)
                .await?;
            let rows = templates
                .iter()
                .zip(&r.fees)
                .enumerate()
                .map(|(i, (t, f))| slot_template::ActiveModel {
                    id: NotSet,
                    unit_id: Set(unit_id.0),
                    label_ja: Set(t.label.ja.clone()),
                    label_en: Set(t.label.en.clone()),
                    start_minute: Set(int(t.start)),
                    end_minute: Set(int(t.end)),
                    fee_resident_yen: Set(f.resident.0),
                    fee_nonresident_yen: Set(f.nonresident.0),
                    holiday_fee_resident_yen: Set(f.holiday_resident.map(|y| y.0)),
                    holiday_fee_nonresident_yen: Set(f.holiday_nonresident.map(|y| y.0)),
                    sort_order: Set(i32::try_from(i).unwrap_or(i32::MAX)),
                });
            slot_template::Entity::insert_many(rows)
                .exec_without_returning(&txn)
                .await?;
        }
        opening_hours::Entity::delete_many()
            .filter(opening_hours::Column::FacilityId.eq(facility.0))
            .exec(&txn)
            .await?;
        let hours: Vec<opening_hours::ActiveModel> = c
            .hours
            .0
            .iter()
            .enumerate()
            .filter_map(|(day, h)| {
                h.map(|(opens, closes)| opening_hours::ActiveModel {
                    id: NotSet,
                    facility_id: Set(facility.0),
                    weekday: Set(i32::try_from(day).unwrap_or(0)),
                    opens_minute: Set(int(opens)),
                    closes_minute: Set(int(closes)),
                })
            })
            .collect();
        if !hours.is_empty() {
            opening_hours::Entity::insert_many(hours)
                .exec_without_returning(&txn)
                .await?;
        }
        let weekly: Vec<&str> = c
            .closed
            .weekly
            .iter()
            .filter_map(|d| {
                crate::facility_list::WEEKDAYS
                    .get(d.num_days_from_monday() as usize)
                    .copied()
            })
            .collect();
        facility::Entity::update_many()
            .col_expr(
                facility::Column::ClosedWeekdays,
                Expr::value(weekly.join(",")),
            )
            .col_expr(
                facility::Column::ShiftWhenHoliday,
                Expr::value(c.closed.shift_when_holiday),
            )
            .col_expr(
                facility::Column::ClosedOnHolidays,
                Expr::value(c.closed.closed_on_holidays),
            )
            .col_expr(
                facility::Column::YearEndClosure,
                Expr::value(c.closed.year_end),
            )
            .filter(facility::Column::Id.eq(facility.0))
            .exec(&txn)
            .await?;
        append_audit(&txn, audit).await?;
        // Only the facility's bookings still to come and still active.
        let units = Query::select()
            .column(unit::Column::Id)
            .from(unit::Entity)
            .and_where(unit::Column::FacilityId.eq(facility.0))
            .to_owned();
        let chosen = booking::Entity::find()
            .filter(booking::Column::Id.is_in(cancel.bookings.iter().copied()))
            .filter(booking::Column::UnitId.in_subquery(units))
            .filter(booking::Column::EndAt.gt(cancel.now))
            .filter(
                booking::Column::Status.is_in([BookingStatus::Pending, BookingStatus::Confirmed]),
            )
            .all(&txn)
            .await?;
        let mut cancelled = Vec::new();
        for b in chosen
            .iter()
            .filter(|b| b.status.at(b.expires_at, cancel.now).is_active())
        {
            cancelled
                .push(Self::cancel_with_reason(&txn, b, cancel.reason, cancel.now, audit).await?);
        }
        crate::outbox::enqueue_for(&txn, cancel.mail, &cancelled, cancel.now).await?;
        txn.commit().await?;
        // This process sees the change at once; others when the change
        // event (the tables' triggers) reaches them.
        self.rules.forget(facility);
        Ok(cancelled)
    }
}
