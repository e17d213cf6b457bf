//! The waiting list (キャンセル待ち). A resident joins the line for a time
//! that is taken; when the time frees up (a cancellation, a refused or
//! lapsed 仮予約, a lifted block), the first in line whose whole time is now
//! free is offered it **in the same transaction that freed it**: a pending
//! booking held for them until the offer's deadline, so nobody else can
//! book it first and live pages show it held. They confirm it, or it lapses
//! (or they decline it) and the next in line is offered it.
//!
//! Offers of one facility are made one transaction at a time (an advisory
//! lock on PostgreSQL, taken before the freeing change deletes any hold; on
//! SQLite writers are serial anyway), so two cancellations racing each see
//! the other's offer. Holds still decide: an offer whose time meets
//! another hold is rolled back to its savepoint and the next in line is
//! tried. The offer's mail is written by the app's worker
//! ([`Store::offers_to_mail`]), which needs the facility's names and zone.

use chrono::{DateTime, Duration, Utc};
use domain::applicant::Applicant;
use domain::booking::Fee;
use domain::ids::UnitId;
use domain::status::{BookingKind, BookingStatus, WaitState};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
    TransactionTrait,
};

use crate::bookings::{is_overlap_error, new_reference, unit_resource};
use crate::entity::{booking, booking_hold, unit, waitlist_entry};
use crate::migration::m20261122_000002_booking_holds::MAX_HOLD_SECONDS;
use crate::outbox::{Compose, NewMail};
use crate::{ChangeError, Store, StoreError};

/// How long an offer is held for the resident to confirm it (never past
/// the start of the time itself).
pub const OFFER_HOLD_HOURS: i64 = 24;

/// A place in line to add, already checked against the unit's rules (as if
/// the time were free) and priced.
#[derive(Clone, Debug)]
pub struct NewWait {
    pub unit: UnitId,
    /// The leaf units the time needs (`domain::booking::space_leaves`).
    pub leaves: Vec<UnitId>,
    pub facility_id: i64,
    pub municipality_id: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub applicant: Applicant,
    pub fee: Fee,
    pub account_id: Option<i64>,
    /// How many places one contact may hold in this facility's lines (the
    /// facility's limit of active bookings).
    pub max_waiting: u32,
}

/// Why a place in line was not added.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    /// Nothing holds the time now: book it instead.
    #[error("the time is free")]
    Free,
    #[error("the contact is already in line for this time")]
    AlreadyWaiting,
    #[error("the contact is already in {max} lines of the facility")]
    LimitReached { max: u32 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DbErr> for JoinError {
    fn from(e: DbErr) -> Self {
        JoinError::Store(StoreError::Db(e))
    }
}

/// Writes the mail that tells a resident their place in line (1 = next).
pub type WaitCompose<'a> =
    &'a (dyn Fn(&waitlist_entry::Model, u64) -> Option<NewMail> + Send + Sync);

/// Made with this e-mail or this phone number.
fn contact_is(email: &str, phone: &str) -> sea_orm::Condition {
    use waitlist_entry::Column as W;
    let mut who = sea_orm::Condition::any();
    if !email.is_empty() {
        who = who.add(W::Email.eq(email));
    }
    if !phone.is_empty() {
        who = who.add(W::Phone.eq(phone));
    }
    who
}

/// Still in line: waiting, or offered the time.
fn in_line() -> sea_orm::Condition {
    use waitlist_entry::Column as W;
    sea_orm::Condition::any()
        .add(W::State.eq(WaitState::Waiting))
        .add(W::State.eq(WaitState::Offered))
}

/// Booking ids whose holds meet `resources` in `[start_s, end_s)`.
async fn holders(
    txn: &DatabaseTransaction,
    resources: Vec<String>,
    start_s: i64,
    end_s: i64,
) -> Result<Vec<i64>, DbErr> {
    use booking_hold::Column as H;
    booking_hold::Entity::find()
        .select_only()
        .column(H::BookingId)
        .filter(H::Resource.is_in(resources))
        .filter(H::StartS.gt(start_s - MAX_HOLD_SECONDS))
        .filter(H::StartS.lt(end_s))
        .filter(H::EndS.gt(start_s))
        .into_tuple()
        .all(txn)
        .await
}

/// The bookings held as offers not yet taken.
pub(crate) fn open_offers() -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::Query;
    use waitlist_entry::Column as W;
    Query::select()
        .column(W::BookingId)
        .from(waitlist_entry::Entity)
        .and_where(W::State.eq(WaitState::Offered))
        .and_where(W::BookingId.is_not_null())
        .to_owned()
}

impl Store {
    /// Adds a place in line for a taken time, with the mail that tells the
    /// resident their place. The contact may hold one place per time and
    /// `max_waiting` places in the facility's lines.
    pub async fn join_waitlist(
        &self,
        w: &NewWait,
        now: DateTime<Utc>,
        mail: WaitCompose<'_>,
    ) -> Result<(waitlist_entry::Model, u64), JoinError> {
        use waitlist_entry::Column as W;
        let a = &w.applicant;
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        Self::advisory_locks(
            &txn,
            &[
                &format!("waitlist:email:{}", a.email),
                &format!("waitlist:phone:{}", a.phone),
            ],
        )
        .await?;
        let resources = w.leaves.iter().map(|u| unit_resource(*u)).collect();
        let ids = holders(&txn, resources, w.start.timestamp(), w.end.timestamp()).await?;
        let held = !ids.is_empty()
            && booking::Entity::find()
                .filter(booking::Column::Id.is_in(ids))
                .filter(crate::bookings::holding(now))
                .count(&txn)
                .await?
                > 0;
        if !held {
            return Err(JoinError::Free);
        }
        let mine = waitlist_entry::Entity::find()
            .filter(W::FacilityId.eq(w.facility_id))
            .filter(in_line())
            .filter(contact_is(&a.email, &a.phone))
            .all(&txn)
            .await?;
        if mine
            .iter()
            .any(|e| e.unit_id == w.unit.0 && e.start_at < w.end && e.end_at > w.start)
        {
            return Err(JoinError::AlreadyWaiting);
        }
        if mine.len() >= w.max_waiting as usize {
            return Err(JoinError::LimitReached { max: w.max_waiting });
        }
        let row = waitlist_entry::ActiveModel {
            id: NotSet,
            reference: Set(new_reference()?),
            municipality_id: Set(w.municipality_id),
            facility_id: Set(w.facility_id),
            unit_id: Set(w.unit.0),
            start_at: Set(w.start),
            end_at: Set(w.end),
            name: Set(a.name.clone()),
            name_kana: Set(a.name_kana.clone()),
            phone: Set(a.phone.clone()),
            email: Set(a.email.clone()),
            purpose: Set(a.purpose.clone()),
            attendees: Set(i32::try_from(a.attendees).unwrap_or(i32::MAX)),
            resident: Set(a.resident),
            fee_total_yen: Set(w.fee.total_yen.0),
            fee_lines: Set(serde_json::to_string(&w.fee.lines)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?),
            account_id: Set(w.account_id),
            state: Set(WaitState::Waiting),
            booking_id: Set(None),
            offer_mailed: Set(false),
            created_at: Set(now),
        };
        let entry = waitlist_entry::Entity::insert(row)
            .exec_with_returning(&txn)
            .await?;
        let place = Self::place_in(&txn, &entry).await?;
        if let Some(m) = mail(&entry, place) {
            crate::outbox::enqueue(&txn, m, now).await?;
        }
        txn.commit().await?;
        Ok((entry, place))
    }

    /// A place in line by its reference.
    pub async fn wait_entry(
        &self,
        reference: &str,
    ) -> Result<Option<waitlist_entry::Model>, StoreError> {
        Ok(waitlist_entry::Entity::find()
            .filter(waitlist_entry::Column::Reference.eq(reference))
            .one(&self.db)
            .await?)
    }

    /// The place in line whose offer is this booking, if it is one.
    pub async fn offer_of(
        &self,
        booking_id: i64,
    ) -> Result<Option<waitlist_entry::Model>, StoreError> {
        Ok(waitlist_entry::Entity::find()
            .filter(waitlist_entry::Column::BookingId.eq(booking_id))
            .one(&self.db)
            .await?)
    }

    /// How many wait in the facility's lines for a time that meets
    /// `[start, end)` (what staff see on a booking's page).
    pub async fn waiting_near(
        &self,
        facility: i64,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        use waitlist_entry::Column as W;
        Ok(waitlist_entry::Entity::find()
            .filter(W::FacilityId.eq(facility))
            .filter(W::State.eq(WaitState::Waiting))
            .filter(W::StartAt.lt(end))
            .filter(W::EndAt.gt(start))
            .count(&self.db)
            .await?)
    }

    /// Where a waiting entry stands in line: 1 + the places still waiting
    /// before it for a time that meets its own, in the same unit.
    pub async fn wait_place(&self, entry: &waitlist_entry::Model) -> Result<u64, StoreError> {
        let txn = self.db.begin().await?;
        let place = Self::place_in(&txn, entry).await?;
        txn.commit().await?;
        Ok(place)
    }

    async fn place_in(
        txn: &DatabaseTransaction,
        entry: &waitlist_entry::Model,
    ) -> Result<u64, DbErr> {
        use waitlist_entry::Column as W;
        let before = waitlist_entry::Entity::find()
            .filter(W::UnitId.eq(entry.unit_id))
            .filter(W::State.eq(WaitState::Waiting))
            .filter(W::Id.lt(entry.id))
            .filter(W::StartAt.lt(entry.end_at))
            .filter(W::EndAt.gt(entry.start_at))
            .count(txn)
            .await?;
        Ok(before + 1)
    }

    /// Leaves the line. Only a place still waiting can (an offer is
    /// declined by cancelling its booking): false if it was not waiting.
    pub async fn withdraw_wait(&self, id: i64) -> Result<bool, StoreError> {
        use waitlist_entry::Column as W;
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let done = waitlist_entry::Entity::update_many()
            .col_expr(W::State, Expr::value(WaitState::Withdrawn))
            .filter(W::Id.eq(id))
            .filter(W::State.eq(WaitState::Waiting))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(done.rows_affected == 1)
    }

    /// Takes the offer: the booking held for them becomes theirs, confirmed,
    /// or (`pending_until`) a 仮予約 awaiting approval as any other would.
    pub async fn accept_offer(
        &self,
        booking_id: i64,
        pending_until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        mail: Compose<'_>,
    ) -> Result<booking::Model, ChangeError> {
        use booking::Column as C;
        use waitlist_entry::Column as W;
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let taken = waitlist_entry::Entity::update_many()
            .col_expr(W::State, Expr::value(WaitState::Booked))
            .filter(W::BookingId.eq(booking_id))
            .filter(W::State.eq(WaitState::Offered))
            .exec(&txn)
            .await?;
        let status = if pending_until.is_some() {
            BookingStatus::Pending
        } else {
            BookingStatus::Confirmed
        };
        let done = booking::Entity::update_many()
            .col_expr(C::Status, Expr::value(status))
            .col_expr(C::ExpiresAt, Expr::value(pending_until))
            .filter(C::Id.eq(booking_id))
            .filter(C::Status.eq(BookingStatus::Pending))
            .filter(C::ExpiresAt.gt(now))
            .exec(&txn)
            .await?;
        if taken.rows_affected != 1 || done.rows_affected != 1 {
            return Err(Self::why_not(&txn, booking::Entity::find_by_id(booking_id), now).await);
        }
        let row = booking::Entity::find_by_id(booking_id)
            .one(&txn)
            .await?
            .ok_or(ChangeError::NotFound)?;
        crate::outbox::enqueue_for(&txn, mail, std::slice::from_ref(&row), now).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Serialises the offers of the facility of `unit` (PostgreSQL), and
    /// says which facility that is. Freeing changes call it before they
    /// delete any hold.
    pub(crate) async fn lock_line(txn: &DatabaseTransaction, unit: i64) -> Result<i64, DbErr> {
        let facility: Option<i64> = unit::Entity::find_by_id(unit)
            .select_only()
            .column(unit::Column::FacilityId)
            .into_tuple()
            .one(txn)
            .await?;
        let facility = facility.unwrap_or_default();
        Self::advisory_lock(txn, &format!("waitlist:facility:{facility}")).await?;
        Ok(facility)
    }

    /// After `freed` gave up its time inside `txn` (with [`Store::lock_line`]
    /// taken first): an offer it was is passed on, and the time is offered
    /// to the first in line whose whole time is now free, then to the next
    /// for what is left. Returns the places offered.
    pub(crate) async fn offer_freed(
        txn: &DatabaseTransaction,
        facility: i64,
        freed: &booking::Model,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, DbErr> {
        use waitlist_entry::Column as W;
        Self::offer_passed(txn, freed.id).await?;
        let line = waitlist_entry::Entity::find()
            .filter(W::FacilityId.eq(facility))
            .filter(W::State.eq(WaitState::Waiting))
            .filter(W::StartAt.lt(freed.end_at))
            .filter(W::EndAt.gt(freed.start_at))
            .filter(W::StartAt.gt(now))
            .order_by_asc(W::Id)
            .all(txn)
            .await?;
        let mut offered = Vec::new();
        for entry in line {
            let point = txn.begin().await?;
            match Self::offer_in(&point, &entry, now).await {
                Ok(()) => {
                    point.commit().await?;
                    offered.push(entry.id);
                }
                Err(e) if is_overlap_error(&e) => point.rollback().await?,
                Err(e) => return Err(e),
            }
        }
        Ok(offered)
    }

    /// The place whose offer `booking` was (if any) has passed: the booking
    /// gave up its time untaken.
    pub(crate) async fn offer_passed(txn: &DatabaseTransaction, booking: i64) -> Result<(), DbErr> {
        use waitlist_entry::Column as W;
        waitlist_entry::Entity::update_many()
            .col_expr(W::State, Expr::value(WaitState::Passed))
            .filter(W::BookingId.eq(booking))
            .filter(W::State.eq(WaitState::Offered))
            .exec(txn)
            .await?;
        Ok(())
    }

    /// Holds the entry's time for it as a pending booking (inside a savepoint).
    async fn offer_in(
        txn: &DatabaseTransaction,
        entry: &waitlist_entry::Model,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        let tree = crate::units::tree_in(txn, entry.unit_id).await?;
        let leaves = domain::space::leaves(&tree, UnitId(entry.unit_id));
        let until = (now + Duration::hours(OFFER_HOLD_HOURS)).min(entry.start_at);
        let reference = new_reference().map_err(|e| DbErr::Custom(e.to_string()))?;
        let model = booking::Model {
            id: 0,
            unit_id: entry.unit_id,
            reference,
            start_at: entry.start_at,
            end_at: entry.end_at,
            status: BookingStatus::Pending,
            name: entry.name.clone(),
            name_kana: entry.name_kana.clone(),
            phone: entry.phone.clone(),
            email: entry.email.clone(),
            purpose: entry.purpose.clone(),
            attendees: entry.attendees,
            resident: entry.resident,
            fee_total_yen: entry.fee_total_yen,
            fee_lines: entry.fee_lines.clone(),
            created_at: now,
            expires_at: Some(until),
            cancelled_at: None,
            created_by_staff_id: None,
            kind: BookingKind::Resident,
            usage: None,
            paid_at: None,
            status_reason: None,
            rejected: false,
            override_reason: None,
            account_id: entry.account_id,
            request_key: None,
            sequence: 0,
            modified_s: None,
            series_id: None,
        };
        let mut row = model.into_active_model();
        row.id = NotSet;
        let id = booking::Entity::insert(row).exec(txn).await?.last_insert_id;
        let holds = leaves.into_iter().map(|u| booking_hold::ActiveModel {
            id: NotSet,
            booking_id: Set(id),
            resource: Set(unit_resource(u)),
            start_s: Set(entry.start_at.timestamp()),
            end_s: Set(entry.end_at.timestamp()),
        });
        booking_hold::Entity::insert_many(holds).exec(txn).await?;
        use waitlist_entry::Column as W;
        waitlist_entry::Entity::update_many()
            .col_expr(W::State, Expr::value(WaitState::Offered))
            .col_expr(W::BookingId, Expr::value(id))
            .col_expr(W::OfferMailed, Expr::value(false))
            .filter(W::Id.eq(entry.id))
            .exec(txn)
            .await?;
        Ok(())
    }

    /// Lapsed 仮予約 (offers included) whose time someone waits for: each is
    /// marked expired, its holds go, and its time is offered on, in one
    /// transaction per booking. Safe to run in every process at once: the
    /// update is conditional, so each lapse is handled once. Returns the
    /// places offered.
    pub async fn pass_lapsed(&self, now: DateTime<Utc>) -> Result<Vec<i64>, StoreError> {
        let backend = self.db.get_database_backend();
        let text = "SELECT b.id FROM booking b JOIN unit u ON u.id = b.unit_id \
             WHERE b.status = $1 AND b.expires_at <= $2 AND EXISTS (SELECT 1 FROM waitlist_entry w \
             WHERE w.facility_id = u.facility_id AND (w.state = $3 OR w.booking_id = b.id) \
             AND w.start_at < b.end_at AND w.end_at > b.start_at) ORDER BY b.id LIMIT 100";
        let rows = self
            .db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                crate::placeholders(backend, text),
                [
                    BookingStatus::Pending.code().into(),
                    now.into(),
                    WaitState::Waiting.code().into(),
                ],
            ))
            .await?;
        let mut offered = Vec::new();
        for r in rows {
            let id: i64 = r.try_get_by_index(0)?;
            offered.extend(self.pass_one(id, now).await?);
        }
        Ok(offered)
    }

    async fn pass_one(&self, id: i64, now: DateTime<Utc>) -> Result<Vec<i64>, StoreError> {
        use booking::Column as C;
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let Some(row) = booking::Entity::find_by_id(id).one(&txn).await? else {
            return Ok(Vec::new());
        };
        let facility = Self::lock_line(&txn, row.unit_id).await?;
        let done = booking::Entity::update_many()
            .col_expr(C::Status, Expr::value(BookingStatus::Expired))
            .filter(C::Id.eq(id))
            .filter(C::Status.eq(BookingStatus::Pending))
            .filter(C::ExpiresAt.lte(now))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Ok(Vec::new());
        }
        booking_hold::Entity::delete_many()
            .filter(booking_hold::Column::BookingId.eq(id))
            .exec(&txn)
            .await?;
        let offered = Self::offer_freed(&txn, facility, &row, now).await?;
        txn.commit().await?;
        Ok(offered)
    }

    /// Offers whose mail is not written yet, with their bookings.
    pub async fn offers_to_mail(
        &self,
    ) -> Result<Vec<(waitlist_entry::Model, booking::Model)>, StoreError> {
        use waitlist_entry::Column as W;
        let entries = waitlist_entry::Entity::find()
            .filter(W::State.eq(WaitState::Offered))
            .filter(W::OfferMailed.eq(false))
            .order_by_asc(W::Id)
            .limit(100)
            .all(&self.db)
            .await?;
        let ids: Vec<i64> = entries.iter().filter_map(|e| e.booking_id).collect();
        let mut held: std::collections::HashMap<i64, booking::Model> = booking::Entity::find()
            .filter(booking::Column::Id.is_in(ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|b| (b.id, b))
            .collect();
        Ok(entries
            .into_iter()
            .filter_map(|e| {
                let row = held.remove(&e.booking_id?)?;
                Some((e, row))
            })
            .collect())
    }

    /// Puts an offer's mail in the outbox, once (another process may be
    /// writing the same one: the update decides).
    pub async fn mail_offer(
        &self,
        entry: i64,
        mail: Option<NewMail>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        use waitlist_entry::Column as W;
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let done = waitlist_entry::Entity::update_many()
            .col_expr(W::OfferMailed, Expr::value(true))
            .filter(W::Id.eq(entry))
            .filter(W::OfferMailed.eq(false))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Ok(false);
        }
        if let Some(m) = mail {
            crate::outbox::enqueue(&txn, m, now).await?;
        }
        txn.commit().await?;
        Ok(true)
    }
}
