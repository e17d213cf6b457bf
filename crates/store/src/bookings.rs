//! Writing bookings. The database decides every race: a booking's holds
//! (`booking_hold`) may not overlap another active booking's holds of the
//! same resource (see migration 2), so two requests for the same time can
//! never both commit, whichever process they run in. Application checks
//! before the insert only give nicer answers; they guarantee nothing.
//!
//! SQLite write transactions start with `BEGIN IMMEDIATE`, taking the write
//! lock up front so concurrent writers queue on the busy timeout instead of
//! failing on a lock upgrade. PostgreSQL runs at READ COMMITTED; per-contact
//! limits and equipment copies take transaction-scoped advisory locks so
//! their counts are not raced.

use chrono::{DateTime, Utc};
use domain::applicant::Applicant;
use domain::booking::Fee;
use domain::ids::{EquipmentId, UnitId};
use domain::reference;
use domain::status::{BookingKind, BookingStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend,
    DatabaseTransaction, DbErr, EntityTrait, IntoActiveModel, QueryFilter, Statement,
    TransactionOptions, TransactionTrait,
};

use crate::entity::{booking, booking_equipment, booking_hold, booking_reduction, equipment};
use crate::migration::m20261122_000002_booking_holds::{MAX_HOLD_SECONDS, NO_OVERLAP};
use crate::outbox::Compose;
use crate::{Store, StoreError};

/// The hold key of a leaf unit.
pub fn unit_resource(unit: UnitId) -> String {
    format!("u:{}", unit.0)
}

pub(crate) fn equipment_resource(id: EquipmentId, copy: u32) -> String {
    format!("e:{}:{copy}", id.0)
}

/// A booking to create, already checked against the unit's rules.
#[derive(Clone, Debug)]
pub struct NewBooking {
    pub unit: UnitId,
    /// The leaf units whose space it occupies (`domain::booking::space_leaves`).
    pub leaves: Vec<UnitId>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// `Some(expiry)` for a pending (仮予約) booking awaiting approval.
    pub pending_until: Option<DateTime<Utc>>,
    pub applicant: Applicant,
    pub fee: Fee,
    /// Equipment wanted, with how many copies the facility owned when the
    /// request was checked (the transaction reads the number again).
    pub equipment: Vec<(EquipmentId, u32)>,
    /// The facility's units and its per-contact limit of active bookings.
    pub facility_units: Vec<UnitId>,
    pub max_active: u32,
    /// The staff account making a proxy booking (代行予約).
    pub created_by_staff: Option<i64>,
    /// Why a proxy booking may ignore the window or deadline.
    pub override_reason: Option<String>,
    /// The signed-in resident's account.
    pub account_id: Option<i64>,
    /// The town, for its limit of active bookings and visits per contact.
    pub municipality_id: i64,
    /// The random key of the draft (a form sent twice is recognised by it).
    pub request_key: Option<String>,
    /// For a proxy booking: the audit entry written with it (its target is
    /// filled in with the new booking's id).
    pub audit: Option<crate::AuditEntry>,
    /// The fee reduction (減免) asked for: the booking is pending until
    /// staff decide (`pending_until` is set by the caller).
    pub reduction: Option<crate::reductions::ReductionRequest>,
}

impl NewBooking {
    /// The row this booking will be, before the database gives it an id.
    pub(crate) fn model(
        &self,
        reference: String,
        now: DateTime<Utc>,
    ) -> Result<booking::Model, StoreError> {
        let a = &self.applicant;
        let b = self;
        Ok(booking::Model {
            id: 0,
            unit_id: b.unit.0,
            reference,
            start_at: b.start,
            end_at: b.end,
            status: if b.pending_until.is_some() {
                BookingStatus::Pending
            } else {
                BookingStatus::Confirmed
            },
            name: a.name.clone(),
            name_kana: a.name_kana.clone(),
            phone: a.phone.clone(),
            email: a.email.clone(),
            purpose: a.purpose.clone(),
            attendees: i32::try_from(a.attendees).unwrap_or(i32::MAX),
            resident: a.resident,
            fee_total_yen: b.fee.total_yen.0,
            fee_lines: serde_json::to_string(&b.fee.lines)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            created_at: now,
            expires_at: b.pending_until,
            cancelled_at: None,
            created_by_staff_id: b.created_by_staff,
            kind: BookingKind::Resident,
            usage: None,
            paid_at: None,
            status_reason: None,
            rejected: false,
            override_reason: b.override_reason.clone(),
            account_id: b.account_id,
            request_key: b.request_key.clone(),
            sequence: 0,
            modified_s: None,
            series_id: None,
        })
    }
}

/// Why a booking was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("the time is taken")]
    Taken,
    #[error("no copy of the equipment is free")]
    EquipmentUnavailable,
    #[error("the contact already has {max} active bookings")]
    LimitReached { max: u32 },
    #[error("the contact already has {max} active bookings and visits in the town")]
    TownLimitReached { max: u32 },
    /// The unit or its facility was archived (受付終了) meanwhile.
    #[error("the unit takes no bookings any more")]
    Archived,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DbErr> for CreateError {
    fn from(e: DbErr) -> Self {
        CreateError::Store(StoreError::Db(e))
    }
}

/// A stored booking as residents and staff see it.
#[derive(Clone, Debug)]
pub struct BookingRecord {
    pub row: booking::Model,
    pub equipment: Vec<EquipmentId>,
}

impl BookingRecord {
    /// The status now: a pending booking past its expiry is `expired`
    /// even before anything has written that down.
    pub fn status(&self, now: DateTime<Utc>) -> BookingStatus {
        self.row.status.at(self.row.expires_at, now)
    }
}

/// Why a state change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no such booking")]
    NotFound,
    #[error("the booking is {0:?}")]
    WrongStatus(BookingStatus),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DbErr> for ChangeError {
    fn from(e: DbErr) -> Self {
        ChangeError::Store(StoreError::Db(e))
    }
}

/// Whether inserting holds failed because another booking holds the time.
/// On PostgreSQL two transactions inserting conflicting holds at once may
/// each wait for the other; the deadlock detector then aborts one of them
/// (SQLSTATE 40P01) and the other goes on to commit, so the aborted one has
/// lost the race just as if it had met the constraint.
pub(crate) fn is_overlap_error(e: &DbErr) -> bool {
    // PostgreSQL: exclusion_violation or deadlock_detected (message texts
    // may be translated; codes are not). SQLite: the trigger's message.
    matches!(sqlstate(e).as_deref(), Some("23P01" | "40P01")) || e.to_string().contains(NO_OVERLAP)
}

/// The SQLSTATE of a database error, if the database gave one.
pub(crate) fn sqlstate(e: &DbErr) -> Option<String> {
    match e {
        DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e))
        | DbErr::Query(sea_orm::RuntimeErr::SqlxError(e)) => e
            .as_database_error()
            .and_then(|d| d.code())
            .map(|c| c.into_owned()),
        _ => None,
    }
}

fn is_duplicate_reference(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// A fresh random reference code (受付番号).
pub(crate) fn new_reference() -> Result<String, StoreError> {
    let n = getrandom::u64().map_err(|e| StoreError::Corrupt(format!("no random source: {e}")))?;
    Ok(reference::encode(n))
}

/// A stable 64-bit key for a PostgreSQL advisory lock (FNV-1a).
fn lock_key(text: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

/// The units of a town's facilities.
pub(crate) fn town_units(municipality: i64) -> sea_orm::sea_query::SelectStatement {
    use crate::entity::{facility, unit};
    use sea_orm::sea_query::Query;
    Query::select()
        .column(unit::Column::Id)
        .from(unit::Entity)
        .and_where(
            unit::Column::FacilityId.in_subquery(
                Query::select()
                    .column(facility::Column::Id)
                    .from(facility::Entity)
                    .and_where(facility::Column::MunicipalityId.eq(municipality))
                    .to_owned(),
            ),
        )
        .to_owned()
}

/// What a contact holds now, counted in one statement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Held {
    /// Active bookings of the facility whose units are given.
    pub facility: u64,
    /// Active bookings anywhere in the town plus booked visits still to come.
    pub town: u64,
}

/// Counts the active bookings (of `facility_units`, and anywhere in the
/// town) and the booked visits still to come made with this e-mail or phone,
/// in one round trip; the dates of a series (定期利用) count as one. Callers hold the contact's advisory locks.
///
/// The statement starts from the contact (its e-mail and phone indexes) and
/// leaves the split by facility and town to Rust: a contact has a handful
/// of rows, and there is nothing else for the planner to prefer (a filter
/// on the facility's units once made PostgreSQL walk tens of thousands of
/// index entries when its statistics were stale).
pub(crate) async fn contact_held(
    txn: &DatabaseTransaction,
    municipality: i64,
    facility_units: &[i64],
    email: &str,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<Held, DbErr> {
    if email.is_empty() && phone.is_empty() {
        return Ok(Held::default());
    }
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let who = |table: &str, values: &mut Vec<sea_orm::Value>| {
        let mut parts = Vec::new();
        for (column, value) in [("email", email), ("phone", phone)] {
            if !value.is_empty() {
                values.push(value.into());
                parts.push(format!("{table}.{column} = ${}", values.len()));
            }
        }
        format!("({})", parts.join(" OR "))
    };
    let at = |values: &mut Vec<sea_orm::Value>| {
        values.push(now.into());
        format!("${}", values.len())
    };
    let booking_who = who("b", &mut values);
    let (end, expires) = (at(&mut values), at(&mut values));
    let visit_who = who("a", &mut values);
    let item_end = at(&mut values);
    values.push(true.into());
    let active = format!("${}", values.len());
    let text = format!(
        "SELECT b.unit_id, b.kind, f.municipality_id, b.series_id FROM booking b \
         JOIN unit u ON u.id = b.unit_id JOIN facility f ON f.id = u.facility_id \
         WHERE {booking_who} AND b.end_at > {end} \
         AND (b.status = 'confirmed' OR (b.status = 'pending' AND b.expires_at > {expires})) \
         UNION ALL \
         SELECT 0, 'visit', a.municipality_id, CAST(NULL AS BIGINT) FROM appointment a \
         WHERE {visit_who} AND a.status = 'booked' AND EXISTS (SELECT 1 FROM appointment_item i \
         WHERE i.appointment_id = a.id AND i.end_at > {item_end} AND i.active = {active})"
    );
    let backend = txn.get_database_backend();
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            crate::placeholders(backend, &text),
            values,
        ))
        .await?;
    let int = |r: &sea_orm::QueryResult, i: usize| -> Result<i64, DbErr> {
        r.try_get_by_index::<i64>(i)
            .or_else(|_| r.try_get_by_index::<i32>(i).map(i64::from))
    };
    let mut held = Held::default();
    // A series (定期利用) counts once, however many dates it holds.
    let mut series_seen = Vec::new();
    for r in &rows {
        let (unit, kind, town) = (int(r, 0)?, r.try_get_by_index::<String>(1)?, int(r, 2)?);
        if let Some(series) = r.try_get_by_index::<Option<i64>>(3)? {
            if series_seen.contains(&series) {
                continue;
            }
            series_seen.push(series);
        }
        if kind != "visit" && facility_units.contains(&unit) {
            held.facility += 1;
        }
        if town == municipality && (kind == BookingKind::Resident.code() || kind == "visit") {
            held.town += 1;
        }
    }
    Ok(held)
}

/// Active = confirmed, or pending and not yet expired at `now`.
pub(crate) fn holding(now: DateTime<Utc>) -> Condition {
    use booking::Column as C;
    Condition::any()
        .add(C::Status.eq(BookingStatus::Confirmed))
        .add(
            Condition::all()
                .add(C::Status.eq(BookingStatus::Pending))
                .add(C::ExpiresAt.gt(now)),
        )
}

impl Store {
    /// On SQLite, writers of this process queue here rather than on the
    /// database's busy handler (which sleeps and polls); other processes
    /// still wait on the busy timeout. PostgreSQL needs no such queue.
    pub(crate) async fn writer(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.db.get_database_backend() {
            DatabaseBackend::Sqlite => Some(self.write_queue.lock().await),
            _ => None,
        }
    }

    /// A write transaction (`BEGIN IMMEDIATE` on SQLite).
    pub(crate) async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        let mode = (self.db.get_database_backend() == DatabaseBackend::Sqlite)
            .then_some(sea_orm::SqliteTransactionMode::Immediate);
        self.db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: mode,
                ..Default::default()
            })
            .await
    }

    /// Serialises writers on `key` until the transaction ends (PostgreSQL;
    /// SQLite transactions are already serial).
    pub(crate) async fn advisory_lock(txn: &DatabaseTransaction, key: &str) -> Result<(), DbErr> {
        Self::advisory_locks(txn, &[key]).await
    }

    /// Takes the locks of all `keys`, in the order given, in one round trip.
    /// Every caller that takes several of them takes them in the same order
    /// (e-mail before phone), so two writers never wait on each other.
    pub(crate) async fn advisory_locks(
        txn: &DatabaseTransaction,
        keys: &[&str],
    ) -> Result<(), DbErr> {
        if txn.get_database_backend() != DatabaseBackend::Postgres || keys.is_empty() {
            return Ok(());
        }
        let calls: Vec<String> = (1..=keys.len())
            .map(|i| format!("pg_advisory_xact_lock(${i})"))
            .collect();
        txn.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            format!("SELECT {}", calls.join(", ")),
            keys.iter().map(|k| lock_key(k).into()),
        ))
        .await?;
        Ok(())
    }

    /// Marks pending bookings that expired at `now` and still hold any of
    /// `resources` in the range as `expired`, releasing their holds. With
    /// `offer`, their time is offered to whoever waits for it first
    /// (`crate::waitlist`): a booking then finds it taken, and the line
    /// keeps its turn. A block takes the time itself (no offer).
    pub(crate) async fn release_expired(
        txn: &DatabaseTransaction,
        resources: &[String],
        (start_s, end_s): (i64, i64),
        now: DateTime<Utc>,
        offer: bool,
    ) -> Result<(), DbErr> {
        use booking_hold::Column as H;
        let holders: Vec<i64> = booking_hold::Entity::find()
            .filter(H::Resource.is_in(resources.iter().cloned()))
            .filter(H::StartS.gt(start_s - MAX_HOLD_SECONDS))
            .filter(H::StartS.lt(end_s))
            .filter(H::EndS.gt(start_s))
            .all(txn)
            .await?
            .into_iter()
            .map(|h| h.booking_id)
            .collect();
        if holders.is_empty() {
            return Ok(());
        }
        let expired: Vec<booking::Model> = booking::Entity::find()
            .filter(booking::Column::Id.is_in(holders))
            .filter(booking::Column::Status.eq(BookingStatus::Pending))
            .filter(booking::Column::ExpiresAt.lte(now))
            .all(txn)
            .await?;
        for row in expired {
            let facility = Self::lock_line(txn, row.unit_id).await?;
            booking::Entity::update_many()
                .col_expr(booking::Column::Status, Expr::value(BookingStatus::Expired))
                .filter(booking::Column::Id.eq(row.id))
                .exec(txn)
                .await?;
            booking_hold::Entity::delete_many()
                .filter(H::BookingId.eq(row.id))
                .exec(txn)
                .await?;
            if offer {
                Self::offer_freed(txn, facility, &row, now).await?;
            } else {
                Self::offer_passed(txn, row.id).await?;
            }
        }
        Ok(())
    }

    /// Creates a booking with the mail that reports it (in the same
    /// transaction), or says why not. A request whose key already made a
    /// booking gets that booking back, unchanged and without another mail.
    /// On a (vanishingly rare) duplicate reference the whole transaction is
    /// retried with a new one.
    ///
    /// The key is not looked up first: a second send of a committed request
    /// fails inside the transaction, on the unique key, on its own slot or
    /// on the contact's limits, and only then is the earlier booking read.
    /// The common first send saves a round trip.
    pub async fn create_booking(
        &self,
        b: &NewBooking,
        now: DateTime<Utc>,
        mail: Compose<'_>,
    ) -> Result<BookingRecord, CreateError> {
        // The first try leaves lapsed pending holds alone (most times have
        // none, and looking costs a round trip); a try refused for the time
        // or the equipment is made once more after releasing them.
        let mut release = false;
        for _ in 0..5 {
            match self.try_create(b, now, mail, release).await {
                Err(CreateError::Taken | CreateError::EquipmentUnavailable) if !release => {
                    release = true;
                }
                Err(CreateError::Store(StoreError::Db(e)))
                    if is_duplicate_reference(&e) && b.request_key.is_some() =>
                {
                    if let Some(done) = self.booking_by_request_key(b).await? {
                        return Ok(done);
                    }
                }
                Err(CreateError::Store(StoreError::Db(e))) if is_duplicate_reference(&e) => {}
                Err(
                    refused @ (CreateError::Taken
                    | CreateError::EquipmentUnavailable
                    | CreateError::LimitReached { .. }
                    | CreateError::TownLimitReached { .. }),
                ) => {
                    return match self.booking_by_request_key(b).await? {
                        Some(done) => Ok(done),
                        None => Err(refused),
                    };
                }
                other => return other,
            }
        }
        Err(CreateError::Store(StoreError::Corrupt(
            "five duplicate reference codes in a row".into(),
        )))
    }

    /// The booking an earlier send of this request made, if any.
    async fn booking_by_request_key(
        &self,
        b: &NewBooking,
    ) -> Result<Option<BookingRecord>, StoreError> {
        match &b.request_key {
            Some(key) => self.booking_by_key(key).await,
            None => Ok(None),
        }
    }

    /// The booking a request with this key made, if any.
    pub async fn booking_by_key(&self, key: &str) -> Result<Option<BookingRecord>, StoreError> {
        let Some(row) = booking::Entity::find()
            .filter(booking::Column::RequestKey.eq(key))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        self.booking(&row.reference).await
    }

    async fn try_create(
        &self,
        b: &NewBooking,
        now: DateTime<Utc>,
        mail: Compose<'_>,
        release: bool,
    ) -> Result<BookingRecord, CreateError> {
        let (start_s, end_s) = (b.start.timestamp(), b.end.timestamp());
        let mut model = b.model(new_reference()?, now)?;
        // Written before the transaction opens (the row's id is not known
        // yet), so the writers' queue and the transaction are held shorter.
        let letter = mail(&model);
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        if release {
            let mut resources: Vec<String> = b.leaves.iter().map(|u| unit_resource(*u)).collect();
            for (id, copies) in &b.equipment {
                resources.extend((1..=*copies).map(|c| equipment_resource(*id, c)));
            }
            Self::release_expired(&txn, &resources, (start_s, end_s), now, true).await?;
        }

        let holds = Self::admit(&txn, b, now).await?;
        model.id = Self::insert_booking(&txn, b, &model, holds).await?;
        let id = model.id;
        if let Some(entry) = &b.audit {
            let mut entry = entry.clone();
            entry.target = format!("booking:{id}");
            crate::accounts::append_audit(&txn, &entry).await?;
        }
        if let Some(letter) = letter {
            crate::outbox::enqueue(&txn, letter, now).await?;
        }
        txn.commit().await?;
        Ok(BookingRecord {
            row: model,
            equipment: b.equipment.iter().map(|(e, _)| *e).collect(),
        })
    }

    /// What every booking write checks first, under the contact's locks
    /// (taken here, e-mail before phone): the unit still takes bookings,
    /// and the contact is within the facility's and the town's limits (a
    /// series counts once). Returns the holds of the space the unit takes
    /// now, not as the request was checked against: a unit moved under
    /// another meanwhile changes what it holds.
    pub(crate) async fn admit(
        txn: &DatabaseTransaction,
        b: &NewBooking,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, CreateError> {
        let a = &b.applicant;
        Self::advisory_locks(
            txn,
            &[&format!("email:{}", a.email), &format!("phone:{}", a.phone)],
        )
        .await?;
        if crate::archive::archived_in(txn, b.unit.0).await? {
            return Err(CreateError::Archived);
        }
        let tree = crate::units::tree_in(txn, b.unit.0).await?;
        let leaves = if tree.is_empty() {
            b.leaves.clone()
        } else {
            domain::space::leaves(&tree, b.unit)
        };
        let units: Vec<i64> = b.facility_units.iter().map(|u| u.0).collect();
        let held = contact_held(txn, b.municipality_id, &units, &a.email, &a.phone, now).await?;
        if held.facility >= u64::from(b.max_active) {
            return Err(CreateError::LimitReached { max: b.max_active });
        }
        if held.town >= u64::from(domain::booking::TOWN_ACTIVE_LIMIT) {
            return Err(CreateError::TownLimitReached {
                max: domain::booking::TOWN_ACTIVE_LIMIT,
            });
        }
        Ok(leaves.into_iter().map(unit_resource).collect())
    }

    /// Inserts one checked booking with its reduction request, its holds on
    /// `unit_resources` and a free copy of each piece of equipment; returns
    /// its id. A hold that meets another booking's refuses it.
    pub(crate) async fn insert_booking(
        txn: &DatabaseTransaction,
        b: &NewBooking,
        model: &booking::Model,
        unit_resources: Vec<String>,
    ) -> Result<i64, CreateError> {
        let (start_s, end_s) = (b.start.timestamp(), b.end.timestamp());
        let mut row = model.clone().into_active_model();
        row.id = NotSet;
        let id = booking::Entity::insert(row).exec(txn).await?.last_insert_id;
        if let Some(r) = &b.reduction {
            booking_reduction::Entity::insert(booking_reduction::ActiveModel {
                booking_id: sea_orm::Set(id),
                reduction_id: sea_orm::Set(r.reduction_id),
                percent: sea_orm::Set(i32::from(r.percent)),
                note: sea_orm::Set(r.note.clone()),
                state: sea_orm::Set(domain::status::ReductionState::Requested),
                decided_at: sea_orm::Set(None),
            })
            .exec_without_returning(txn)
            .await?;
        }

        let hold = |resource: String| booking_hold::ActiveModel {
            id: NotSet,
            booking_id: sea_orm::Set(id),
            resource: sea_orm::Set(resource),
            start_s: sea_orm::Set(start_s),
            end_s: sea_orm::Set(end_s),
        };
        match booking_hold::Entity::insert_many(unit_resources.into_iter().map(hold))
            .exec(txn)
            .await
        {
            Err(e) if is_overlap_error(&e) => return Err(CreateError::Taken),
            other => other?,
        };

        for (wanted, _) in &b.equipment {
            Self::advisory_lock(txn, &format!("equipment:{}", wanted.0)).await?;
            // How many copies there are now (staff may have lent fewer
            // since the request was checked; see `update_equipment`).
            let copies = equipment::Entity::find_by_id(wanted.0)
                .one(txn)
                .await?
                .map_or(0, |e| u32::try_from(e.quantity).unwrap_or(0));
            let copies: Vec<String> = (1..=copies)
                .map(|c| equipment_resource(*wanted, c))
                .collect();
            let lent: Vec<String> = booking_hold::Entity::find()
                .filter(booking_hold::Column::Resource.is_in(copies.clone()))
                .filter(booking_hold::Column::StartS.gt(start_s - MAX_HOLD_SECONDS))
                .filter(booking_hold::Column::StartS.lt(end_s))
                .filter(booking_hold::Column::EndS.gt(start_s))
                .all(txn)
                .await?
                .into_iter()
                .map(|h| h.resource)
                .collect();
            let free = copies
                .into_iter()
                .find(|c| !lent.contains(c))
                .ok_or(CreateError::EquipmentUnavailable)?;
            match booking_hold::Entity::insert(hold(free)).exec(txn).await {
                Err(e) if is_overlap_error(&e) => return Err(CreateError::EquipmentUnavailable),
                other => other?,
            };
            booking_equipment::Entity::insert(booking_equipment::ActiveModel {
                booking_id: sea_orm::Set(id),
                equipment_id: sea_orm::Set(wanted.0),
                quantity: sea_orm::Set(1),
            })
            .exec_without_returning(txn)
            .await?;
        }
        Ok(id)
    }

    /// Why a conditional update matched nothing.
    pub(crate) async fn why_not(
        txn: &DatabaseTransaction,
        find: sea_orm::Select<booking::Entity>,
        now: DateTime<Utc>,
    ) -> ChangeError {
        match find.one(txn).await {
            Ok(Some(row)) => {
                let record = BookingRecord {
                    row,
                    equipment: Vec::new(),
                };
                ChangeError::WrongStatus(record.status(now))
            }
            Ok(None) => ChangeError::NotFound,
            Err(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::lock_key;

    #[test]
    fn lock_keys_are_stable_and_distinct() {
        assert_eq!(lock_key("email:a@b.jp"), lock_key("email:a@b.jp"));
        assert_ne!(lock_key("email:a@b.jp"), lock_key("phone:a@b.jp"));
    }
}
