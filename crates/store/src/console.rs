//! What facility staff change on bookings: approve or reject requests,
//! cancel, block time (with a decision for each booking it collides with),
//! and record use, no-shows and payment. Every change is one transaction
//! with its audit entry, and each update is conditional on the state it
//! expects, so a concurrent change is reported instead of overwritten.

use chrono::{DateTime, Utc};
use domain::ids::UnitId;
use domain::status::{BookingKind, BookingStatus, ReductionState, Usage};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use crate::accounts::{AuditEntry, append_audit};
use crate::bookings::{holding, is_overlap_error, new_reference, unit_resource};
use crate::entity::{booking, booking_hold, booking_reduction};
use crate::migration::m20261122_000002_booking_holds::MAX_HOLD_SECONDS;
use crate::outbox::Compose;
use crate::reductions::ReductionDecision;
use crate::{ChangeError, Store, StoreError};

/// Time the town keeps for itself on a unit (maintenance, 行政優先).
#[derive(Clone, Debug)]
pub struct NewBlock {
    pub unit: UnitId,
    /// The leaf units whose space it occupies.
    pub leaves: Vec<UnitId>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub reason: String,
    /// Colliding bookings to cancel (the residents are told).
    pub cancel: Vec<i64>,
    /// Colliding bookings to keep: the block leaves their time free.
    pub keep: Vec<i64>,
    pub staff_account: i64,
}

/// Days a facility (or one unit) is closed (休館), e.g. for repairs.
#[derive(Clone, Debug)]
pub struct NewClosure {
    pub facility: domain::ids::FacilityId,
    /// `None`: the whole facility.
    pub unit: Option<UnitId>,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    /// The leaf units whose bookings it collides with, and the instants of
    /// the first day's start and the day after the last.
    pub leaves: Vec<UnitId>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub reason: String,
    pub cancel: Vec<i64>,
    pub keep: Vec<i64>,
}

/// Why a block was not saved.
#[derive(Debug, thiserror::Error)]
pub enum BlockError {
    /// Bookings collide that the request has no decision for (made since
    /// the list was shown); the list must be shown again.
    #[error("new bookings collide with the block")]
    Undecided(Vec<booking::Model>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for BlockError {
    fn from(e: sea_orm::DbErr) -> Self {
        BlockError::Store(StoreError::Db(e))
    }
}

/// A block's or closure's audit `after`, with what the caller's entry
/// already says (an import names its source there).
fn with_context(audit: &AuditEntry, after: serde_json::Value) -> Option<serde_json::Value> {
    let mut after = after;
    if let (Some(serde_json::Value::Object(extra)), serde_json::Value::Object(own)) =
        (&audit.after, &mut after)
    {
        for (k, v) in extra {
            own.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    Some(after)
}

/// `[start, end)` minus the `taken` intervals, as the pieces left.
fn subtract(start: i64, end: i64, taken: &mut [(i64, i64)]) -> Vec<(i64, i64)> {
    taken.sort_unstable();
    let mut pieces = Vec::new();
    let mut at = start;
    for &(s, e) in taken.iter() {
        if e <= at || s >= end {
            continue;
        }
        if s > at {
            pieces.push((at, s));
        }
        at = at.max(e);
    }
    if at < end {
        pieces.push((at, end));
    }
    pieces
}

/// What a staff change does besides its update, in the same transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Then {
    Nothing,
    /// Frees the booking's time and equipment (cancelled or rejected) and
    /// offers the time to the first in line for it.
    Release,
    /// Records the decision on the fee reduction asked for.
    Decide(ReductionState),
}

impl Store {
    /// Bookings (every kind and status) on `units` that overlap `[from, to)`.
    pub async fn bookings_between(
        &self,
        units: &[i64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<booking::Model>, StoreError> {
        use booking::Column as C;
        Ok(booking::Entity::find()
            .filter(C::UnitId.is_in(units.iter().copied()))
            .filter(C::StartAt.lt(to))
            .filter(C::EndAt.gt(from))
            .order_by_asc(C::StartAt)
            .order_by_asc(C::Id)
            .all(&self.db)
            .await?)
    }

    /// Pending requests (仮予約) on `units` still waiting for a decision
    /// (not times held for someone from a waiting list: theirs to confirm).
    pub async fn pending_requests(
        &self,
        units: &[i64],
        now: DateTime<Utc>,
    ) -> Result<Vec<booking::Model>, StoreError> {
        use booking::Column as C;
        Ok(booking::Entity::find()
            .filter(C::UnitId.is_in(units.iter().copied()))
            .filter(C::Status.eq(BookingStatus::Pending))
            .filter(C::ExpiresAt.gt(now))
            .filter(C::Id.not_in_subquery(crate::waitlist::open_offers()))
            .order_by_asc(C::ExpiresAt)
            .all(&self.db)
            .await?)
    }

    pub async fn booking_row(&self, id: i64) -> Result<Option<booking::Model>, StoreError> {
        Ok(booking::Entity::find_by_id(id).one(&self.db).await?)
    }

    /// How many bookings made with this e-mail or phone at the town's
    /// facilities were marked 不来場 (another town's records are not ours
    /// to read).
    pub async fn no_shows(
        &self,
        municipality: i64,
        email: &str,
        phone: &str,
    ) -> Result<u64, StoreError> {
        use booking::Column as C;
        let mut who = Condition::any();
        if !email.is_empty() {
            who = who.add(C::Email.eq(email));
        }
        if !phone.is_empty() {
            who = who.add(C::Phone.eq(phone));
        }
        if who.is_empty() {
            return Ok(0);
        }
        Ok(booking::Entity::find()
            .filter(C::Usage.eq(Usage::NoShow))
            .filter(C::UnitId.in_subquery(crate::bookings::town_units(municipality)))
            .filter(who)
            .count(&self.db)
            .await?)
    }

    /// Runs a conditional update of one booking with its audit entry;
    /// `release` also frees the booking's time.
    async fn staff_update(
        &self,
        update: sea_orm::UpdateMany<booking::Entity>,
        id: i64,
        then: Then,
        now: DateTime<Utc>,
        audit: &AuditEntry,
        mail: Compose<'_>,
    ) -> Result<booking::Model, ChangeError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let done = update.filter(booking::Column::Id.eq(id)).exec(&txn).await?;
        if done.rows_affected != 1 {
            return Err(Self::why_not(&txn, booking::Entity::find_by_id(id), now).await);
        }
        if let Then::Decide(state) = then {
            use booking_reduction::Column as R;
            booking_reduction::Entity::update_many()
                .col_expr(R::State, Expr::value(state))
                .col_expr(R::DecidedAt, Expr::value(now))
                .filter(R::BookingId.eq(id))
                .filter(R::State.eq(ReductionState::Requested))
                .exec(&txn)
                .await?;
        }
        let row = booking::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(ChangeError::NotFound)?;
        if then == Then::Release {
            let facility = Self::lock_line(&txn, row.unit_id).await?;
            booking_hold::Entity::delete_many()
                .filter(booking_hold::Column::BookingId.eq(id))
                .exec(&txn)
                .await?;
            Self::offer_freed(&txn, facility, &row, now).await?;
        }
        append_audit(&txn, audit).await?;
        crate::outbox::enqueue_for(&txn, mail, std::slice::from_ref(&row), now).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Approves a pending request that has neither lapsed nor started,
    /// deciding on the fee reduction it asked for, if any: granted, or
    /// refused and the fee set back to the full rate (`full`).
    pub async fn staff_approve(
        &self,
        id: i64,
        now: DateTime<Utc>,
        audit: &AuditEntry,
        mail: Compose<'_>,
        reduction: Option<&ReductionDecision>,
    ) -> Result<booking::Model, ChangeError> {
        use booking::Column as C;
        let mut update = booking::Entity::update_many()
            .col_expr(C::Status, Expr::value(BookingStatus::Confirmed))
            .col_expr(C::ExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(C::Status.eq(BookingStatus::Pending))
            .filter(C::ExpiresAt.gt(now))
            .filter(C::StartAt.gt(now))
            // A time held from a waiting list is the resident's to confirm.
            .filter(C::Id.not_in_subquery(crate::waitlist::open_offers()));
        let state = match reduction {
            None => None,
            Some(ReductionDecision::Grant) => Some(ReductionState::Approved),
            Some(ReductionDecision::Refuse { full }) => {
                let lines = serde_json::to_string(&full.lines)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                update = update
                    .col_expr(C::FeeTotalYen, Expr::value(full.total_yen.0))
                    .col_expr(C::FeeLines, Expr::value(lines));
                Some(ReductionState::Refused)
            }
        };
        let then = state.map_or(Then::Nothing, Then::Decide);
        self.staff_update(update, id, then, now, audit, mail).await
    }

    /// Turns down a pending request, with the reason the resident is told.
    pub async fn staff_reject(
        &self,
        id: i64,
        reason: &str,
        now: DateTime<Utc>,
        audit: &AuditEntry,
        mail: Compose<'_>,
    ) -> Result<booking::Model, ChangeError> {
        use booking::Column as C;
        let update = booking::Entity::update_many()
            .col_expr(C::Status, Expr::value(BookingStatus::Cancelled))
            .col_expr(C::Rejected, Expr::value(true))
            .col_expr(C::StatusReason, Expr::value(reason))
            .col_expr(C::CancelledAt, Expr::value(now))
            .filter(C::Status.eq(BookingStatus::Pending))
            .filter(C::ExpiresAt.gt(now));
        self.staff_update(update, id, Then::Release, now, audit, mail)
            .await
    }

    /// Cancels an active booking or block at any time, with a reason.
    pub async fn staff_cancel(
        &self,
        id: i64,
        reason: &str,
        now: DateTime<Utc>,
        audit: &AuditEntry,
        mail: Compose<'_>,
    ) -> Result<booking::Model, ChangeError> {
        use booking::Column as C;
        let update = booking::Entity::update_many()
            .col_expr(C::Status, Expr::value(BookingStatus::Cancelled))
            .col_expr(C::StatusReason, Expr::value(reason))
            .col_expr(C::CancelledAt, Expr::value(now))
            .filter(holding(now));
        self.staff_update(update, id, Then::Release, now, audit, mail)
            .await
    }

    /// Records use (`used`), a no-show (`no_show`) or clears it, on a
    /// confirmed resident booking.
    pub async fn set_usage(
        &self,
        id: i64,
        usage: Option<&str>,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<booking::Model, ChangeError> {
        use booking::Column as C;
        let update = booking::Entity::update_many()
            .col_expr(C::Usage, Expr::value(usage.map(str::to_owned)))
            .filter(C::Status.eq(BookingStatus::Confirmed))
            .filter(C::Kind.eq(BookingKind::Resident));
        self.staff_update(
            update,
            id,
            Then::Nothing,
            now,
            audit,
            &crate::outbox::no_mail,
        )
        .await
    }

    /// Records the fee as received (収納済) at `paid`, or clears it.
    pub async fn set_paid(
        &self,
        id: i64,
        paid: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<booking::Model, ChangeError> {
        use booking::Column as C;
        let update = booking::Entity::update_many()
            .col_expr(C::PaidAt, Expr::value(paid))
            .filter(C::Kind.eq(BookingKind::Resident))
            .filter(C::Status.is_in([BookingStatus::Confirmed, BookingStatus::Pending]));
        self.staff_update(
            update,
            id,
            Then::Nothing,
            now,
            audit,
            &crate::outbox::no_mail,
        )
        .await
    }

    /// Active bookings holding any of `leaves` during `[start, end)`.
    pub async fn collisions(
        &self,
        leaves: &[UnitId],
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<booking::Model>, StoreError> {
        Ok(Self::collisions_on(&self.db, leaves, start, end, now).await?)
    }

    pub(crate) async fn collisions_on(
        db: &impl sea_orm::ConnectionTrait,
        leaves: &[UnitId],
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<booking::Model>, sea_orm::DbErr> {
        use booking_hold::Column as H;
        let (start_s, end_s) = (start.timestamp(), end.timestamp());
        let ids: Vec<i64> = booking_hold::Entity::find()
            .filter(H::Resource.is_in(leaves.iter().map(|u| unit_resource(*u))))
            .filter(H::StartS.gt(start_s - MAX_HOLD_SECONDS))
            .filter(H::StartS.lt(end_s))
            .filter(H::EndS.gt(start_s))
            .all(db)
            .await?
            .into_iter()
            .map(|h| h.booking_id)
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        booking::Entity::find()
            .filter(booking::Column::Id.is_in(ids))
            .filter(holding(now))
            .order_by_asc(booking::Column::StartAt)
            .all(db)
            .await
    }

    /// Saves a block. Every active booking it collides with must be in
    /// `cancel` or `keep`; those to cancel are cancelled (returned, to tell
    /// their residents), those kept keep their time and the block takes the
    /// rest. The database's overlap rule still has the last word.
    pub async fn create_block(
        &self,
        b: &NewBlock,
        now: DateTime<Utc>,
        audit: &AuditEntry,
        mail: Compose<'_>,
    ) -> Result<(booking::Model, Vec<booking::Model>), BlockError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let Some((row, cancelled)) = Self::block_in(&txn, b, now, audit).await? else {
            // Only a booking committed by another process after our read
            // could do this; show the list again.
            drop(txn);
            let again = self.collisions(&b.leaves, b.start, b.end, now).await?;
            return Err(BlockError::Undecided(again));
        };
        crate::outbox::enqueue_for(&txn, mail, &cancelled, now).await?;
        txn.commit().await?;
        Ok((row, cancelled))
    }

    /// Writes a block inside `txn` (see [`Store::create_block`]): `None`
    /// if the database's overlap rule refused its holds.
    pub(crate) async fn block_in(
        txn: &DatabaseTransaction,
        b: &NewBlock,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<Option<(booking::Model, Vec<booking::Model>)>, BlockError> {
        // Lapsed 仮予約 no longer count as collisions, but their holds stay
        // until released: release them now, or the block's holds would
        // meet them with nothing left to decide.
        let leaves: Vec<String> = b.leaves.iter().map(|u| unit_resource(*u)).collect();
        let span = (b.start.timestamp(), b.end.timestamp());
        Self::release_expired(txn, &leaves, span, now, false).await?;
        let colliding = Self::collisions_on(txn, &b.leaves, b.start, b.end, now).await?;
        let undecided: Vec<booking::Model> = colliding
            .iter()
            .filter(|c| !b.cancel.contains(&c.id) && !b.keep.contains(&c.id))
            .cloned()
            .collect();
        if !undecided.is_empty() {
            return Err(BlockError::Undecided(undecided));
        }
        let mut cancelled = Vec::new();
        for c in colliding.iter().filter(|c| b.cancel.contains(&c.id)) {
            cancelled.push(Self::cancel_with_reason(txn, c, &b.reason, now, audit).await?);
        }
        let reference = new_reference()?;
        let model = booking::Model {
            id: 0,
            unit_id: b.unit.0,
            reference: reference.clone(),
            start_at: b.start,
            end_at: b.end,
            status: BookingStatus::Confirmed,
            name: String::new(),
            name_kana: String::new(),
            phone: String::new(),
            email: String::new(),
            purpose: b.reason.clone(),
            attendees: 0,
            resident: true,
            fee_total_yen: 0,
            fee_lines: "[]".into(),
            created_at: now,
            expires_at: None,
            cancelled_at: None,
            created_by_staff_id: Some(b.staff_account),
            kind: BookingKind::Block,
            usage: None,
            paid_at: None,
            status_reason: Some(b.reason.clone()),
            rejected: false,
            override_reason: None,
            account_id: None,
            request_key: None,
            sequence: 0,
            modified_s: None,
            series_id: None,
        };
        let mut row = model.clone().into_active_model();
        row.id = NotSet;
        let row = booking::Entity::insert(row)
            .exec_with_returning(txn)
            .await?;
        let kept: Vec<booking_hold::Model> = if b.keep.is_empty() {
            Vec::new()
        } else {
            booking_hold::Entity::find()
                .filter(booking_hold::Column::BookingId.is_in(b.keep.iter().copied()))
                .all(txn)
                .await?
        };
        let mut holds = Vec::new();
        for leaf in &b.leaves {
            let resource = unit_resource(*leaf);
            let mut taken: Vec<(i64, i64)> = kept
                .iter()
                .filter(|h| h.resource == resource)
                .map(|h| (h.start_s, h.end_s))
                .collect();
            for (s, e) in subtract(b.start.timestamp(), b.end.timestamp(), &mut taken) {
                holds.push(booking_hold::ActiveModel {
                    id: NotSet,
                    booking_id: Set(row.id),
                    resource: Set(resource.clone()),
                    start_s: Set(s),
                    end_s: Set(e),
                });
            }
        }
        if !holds.is_empty() {
            match booking_hold::Entity::insert_many(holds).exec(txn).await {
                Err(e) if is_overlap_error(&e) => return Ok(None),
                other => other?,
            };
        }
        let mut entry = audit.clone();
        entry.target = format!("booking:{reference}");
        entry.after = with_context(
            audit,
            serde_json::json!({
                "kind": "block",
                "unit_id": b.unit.0,
                "start": b.start,
                "end": b.end,
                "reason": b.reason,
                "cancelled": cancelled.iter().map(|c| c.reference.clone()).collect::<Vec<_>>(),
                "kept": colliding.iter().filter(|c| b.keep.contains(&c.id)).map(|c| c.reference.clone()).collect::<Vec<_>>(),
            }),
        );
        append_audit(txn, &entry).await?;
        Ok(Some((row, cancelled)))
    }

    /// Residents' active bookings a closure would collide with.
    pub async fn closure_collisions(
        &self,
        c: &NewClosure,
        now: DateTime<Utc>,
    ) -> Result<Vec<booking::Model>, StoreError> {
        let rows = Self::collisions_on(&self.db, &c.leaves, c.start, c.end, now).await?;
        Ok(rows
            .into_iter()
            .filter(|b| b.kind == BookingKind::Resident)
            .collect())
    }

    /// Saves a closure. As with blocks, every resident's booking it
    /// collides with needs a decision: cancelled ones are returned (to tell
    /// their residents), kept ones stay booked on the closed day. Blocks
    /// (the town's own use) are left as they are.
    pub async fn create_closure(
        &self,
        c: &NewClosure,
        now: DateTime<Utc>,
        audit: &AuditEntry,
        mail: Compose<'_>,
    ) -> Result<Vec<booking::Model>, BlockError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let cancelled = Self::closure_in(&txn, c, now, audit).await?;
        crate::outbox::enqueue_for(&txn, mail, &cancelled, now).await?;
        txn.commit().await?;
        self.rules.forget(c.facility);
        Ok(cancelled)
    }

    /// Writes a closure inside `txn` (see [`Store::create_closure`]).
    pub(crate) async fn closure_in(
        txn: &DatabaseTransaction,
        c: &NewClosure,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<Vec<booking::Model>, BlockError> {
        use crate::entity::closure;
        let colliding: Vec<booking::Model> =
            Self::collisions_on(txn, &c.leaves, c.start, c.end, now)
                .await?
                .into_iter()
                .filter(|b| b.kind == BookingKind::Resident)
                .collect();
        let undecided: Vec<booking::Model> = colliding
            .iter()
            .filter(|b| !c.cancel.contains(&b.id) && !c.keep.contains(&b.id))
            .cloned()
            .collect();
        if !undecided.is_empty() {
            return Err(BlockError::Undecided(undecided));
        }
        let mut cancelled = Vec::new();
        for b in colliding.iter().filter(|b| c.cancel.contains(&b.id)) {
            cancelled.push(Self::cancel_with_reason(txn, b, &c.reason, now, audit).await?);
        }
        let row = closure::Entity::insert(closure::ActiveModel {
            id: NotSet,
            facility_id: Set(c.facility.0),
            unit_id: Set(c.unit.map(|u| u.0)),
            from_date: Set(c.from),
            to_date: Set(c.to),
            reason_ja: Set(c.reason.clone()),
            reason_en: Set(c.reason.clone()),
        })
        .exec(txn)
        .await?;
        let mut entry = audit.clone();
        entry.target = format!("closure:{}", row.last_insert_id);
        entry.after = with_context(
            audit,
            serde_json::json!({
                "facility": c.facility.0,
                "unit": c.unit.map(|u| u.0),
                "from": c.from,
                "to": c.to,
                "reason": c.reason,
                "cancelled": cancelled.iter().map(|b| &b.reference).collect::<Vec<_>>(),
                "kept": c.keep,
            }),
        );
        append_audit(txn, &entry).await?;
        Ok(cancelled)
    }

    /// Cancels a booking for the facility (a block, a closure, new rules
    /// it no longer fits) in `txn`, with its own audit entry.
    pub(crate) async fn cancel_with_reason(
        txn: &DatabaseTransaction,
        c: &booking::Model,
        reason: &str,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<booking::Model, sea_orm::DbErr> {
        use booking::Column as C;
        booking::Entity::update_many()
            .col_expr(C::Status, Expr::value(BookingStatus::Cancelled))
            .col_expr(C::StatusReason, Expr::value(reason))
            .col_expr(C::CancelledAt, Expr::value(now))
            .filter(C::Id.eq(c.id))
            .exec(txn)
            .await?;
        booking_hold::Entity::delete_many()
            .filter(booking_hold::Column::BookingId.eq(c.id))
            .exec(txn)
            .await?;
        // The town takes the time (a block, a closure): an offer it was is
        // over, and nobody else is offered it.
        Self::offer_passed(txn, c.id).await?;
        let mut entry = audit.clone();
        entry.action = domain::status::AuditAction::BookingCancel;
        entry.target = format!("booking:{}", c.reference);
        entry.before = Some(serde_json::json!({ "status": c.status }));
        entry.after = Some(
            serde_json::json!({ "status": BookingStatus::Cancelled.code(), "reason": reason }),
        );
        append_audit(txn, &entry).await?;
        let mut row = c.clone();
        row.status = BookingStatus::Cancelled;
        row.status_reason = Some(reason.to_owned());
        row.cancelled_at = Some(now);
        Ok(row)
    }
}

#[cfg(test)]
mod tests {
    use super::subtract;

    #[test]
    fn kept_time_is_cut_out_of_a_block() {
        assert_eq!(subtract(0, 10, &mut []), vec![(0, 10)]);
        assert_eq!(subtract(0, 10, &mut [(3, 5)]), vec![(0, 3), (5, 10)]);
        assert_eq!(subtract(0, 10, &mut [(5, 12), (-2, 1)]), vec![(1, 5)]);
        assert_eq!(subtract(0, 10, &mut [(0, 10)]), Vec::<(i64, i64)>::new());
        assert_eq!(
            subtract(0, 10, &mut [(4, 6), (2, 5)]),
            vec![(0, 2), (6, 10)]
        );
        assert_eq!(subtract(0, 10, &mut [(10, 12)]), vec![(0, 10)]);
    }
}
