//! Calendar feeds: secret URLs staff and residents subscribe to, and the
//! bookings and visits a feed shows.
//!
//! A feed's token is 256 random bits, given out once (at creation and at
//! each renewal) and kept only as its SHA-256; a fetch looks the hash up and
//! compares it again in constant time. Creation, renewal and revocation are
//! audited in the same transaction.
//!
//! Most feeds belong to an account. A booking's or a visit's own feed,
//! made on its page after the reference + contact proof, belongs to none:
//! there is at most one working such feed per booking or visit, and making
//! it again replaces it.

use chrono::{DateTime, Utc};
use domain::status::{BookingKind, BookingStatus, FeedDetail, FeedScope};
use sea_orm::ActiveValue::NotSet;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set, Statement,
};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::accounts::{AuditEntry, append_audit};
use crate::entity::{appointment, appointment_item, booking, calendar_feed, procedure};
use crate::{AppointmentRecord, Store, StoreError};

/// What a calendar event says of a booking: only the columns events use
/// (a feed of 5,000 bookings reads a third of each row), and for a busy feed
/// not even the resident's details, which are left empty.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct FeedBooking {
    pub id: i64,
    pub unit_id: i64,
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
    pub status: BookingStatus,
    pub kind: BookingKind,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub sequence: i64,
    pub modified_s: Option<i64>,
    pub reference: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub purpose: String,
    pub attendees: i32,
}

impl FeedBooking {
    /// The query's columns, in start order; the personal ones as empty
    /// values unless `personal`.
    fn select(
        q: sea_orm::Select<booking::Entity>,
        personal: bool,
    ) -> sea_orm::Select<booking::Entity> {
        use booking::Column as C;
        let q = q
            .select_only()
            .columns([
                C::Id,
                C::UnitId,
                C::StartAt,
                C::EndAt,
                C::Status,
                C::Kind,
                C::CreatedAt,
                C::ExpiresAt,
                C::Sequence,
                C::ModifiedS,
            ])
            .order_by_asc(C::StartAt)
            .order_by_asc(C::Id);
        if personal {
            q.columns([
                C::Reference,
                C::Name,
                C::Phone,
                C::Email,
                C::Purpose,
                C::Attendees,
            ])
        } else {
            ["reference", "name", "phone", "email", "purpose"]
                .into_iter()
                .fold(q, |q, c| q.expr_as(Expr::val(""), c))
                .expr_as(Expr::val(0i32), "attendees")
        }
    }

    /// One booking of the array SQLite writes (see `feed_rows_as_json`).
    fn from_json(r: FeedJsonRow<'_>) -> Result<FeedBooking, StoreError> {
        let code = |what: &str, text: &str| StoreError::Corrupt(format!("{what} {text:?}"));
        Ok(FeedBooking {
            id: r.0,
            unit_id: r.1,
            start_at: sqlite_time(r.2)?,
            end_at: sqlite_time(r.3)?,
            status: r.4.parse().map_err(|_| code("status", r.4))?,
            kind: r.5.parse().map_err(|_| code("kind", r.5))?,
            created_at: sqlite_time(r.6)?,
            expires_at: r.7.map(sqlite_time).transpose()?,
            sequence: r.8,
            modified_s: r.9,
            reference: r.10,
            name: r.11,
            phone: r.12,
            email: r.13,
            purpose: r.14,
            attendees: r.15,
        })
    }
}

/// [`FeedBooking`]'s columns, in its fields' order.
const FEED_COLUMNS: &str = "id, unit_id, start_at, end_at, status, kind, created_at, \
    expires_at, sequence, modified_s, reference, name, phone, email, purpose, attendees";

/// One [`FeedBooking`] as SQLite's `json_array` of [`FEED_COLUMNS`] writes
/// it; times and codes, which JSON never escapes, borrowed from the text.
type FeedJsonRow<'a> = (
    i64,
    i64,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    i64,
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
    i32,
);

/// A time as SQLite holds it: RFC 3339 as sqlx writes it, or SQLite's own
/// `YYYY-MM-DD HH:MM:SS` in UTC.
fn sqlite_time(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").map(|t| t.and_utc())
        })
        .map_err(|e| StoreError::Corrupt(format!("time {text:?}: {e}")))
}

impl From<&booking::Model> for FeedBooking {
    fn from(r: &booking::Model) -> Self {
        FeedBooking {
            id: r.id,
            unit_id: r.unit_id,
            start_at: r.start_at,
            end_at: r.end_at,
            status: r.status,
            kind: r.kind,
            created_at: r.created_at,
            expires_at: r.expires_at,
            sequence: r.sequence,
            modified_s: r.modified_s,
            reference: r.reference.clone(),
            name: r.name.clone(),
            phone: r.phone.clone(),
            email: r.email.clone(),
            purpose: r.purpose.clone(),
            attendees: r.attendees,
        }
    }
}

/// What a new feed shows, and for whom.
#[derive(Clone, Debug)]
pub struct NewFeed {
    pub municipality_id: i64,
    /// None: a booking's or visit's own feed.
    pub owner_id: Option<i64>,
    pub name: String,
    pub scope: FeedScope,
    pub scope_id: i64,
    pub detail: FeedDetail,
    pub lang: String,
}

/// SHA-256 of a token, as stored.
fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh token: 256 random bits as 64 hex digits.
fn new_token() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::Corrupt(format!("no random source: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Store {
    /// Makes a feed; returns it and its token (the only time it is known).
    pub async fn create_feed(
        &self,
        new: &NewFeed,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> Result<(calendar_feed::Model, String), StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let made = Self::insert_feed(&txn, new, audit, now).await?;
        txn.commit().await?;
        Ok(made)
    }

    /// Writes a new feed and its audit entry; returns it and its token.
    async fn insert_feed(
        txn: &sea_orm::DatabaseTransaction,
        new: &NewFeed,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> Result<(calendar_feed::Model, String), StoreError> {
        let token = new_token()?;
        let row = calendar_feed::ActiveModel {
            id: NotSet,
            municipality_id: Set(new.municipality_id),
            owner_id: Set(new.owner_id),
            name: Set(new.name.clone()),
            scope: Set(new.scope),
            scope_id: Set(new.scope_id),
            detail: Set(new.detail),
            lang: Set(new.lang.clone()),
            token_hash: Set(hash(&token)),
            created_at: Set(now),
            renewed_at: Set(now),
            revoked_at: Set(None),
        }
        .insert(txn)
        .await?;
        let mut audit = audit.clone();
        audit.target = format!("feed:{}", row.id);
        append_audit(txn, &audit).await?;
        Ok((row, token))
    }

    /// Makes a booking's or visit's own feed (`new.owner_id` is None),
    /// stopping the one it had; returns it and its token.
    pub async fn replace_subject_feed(
        &self,
        new: &NewFeed,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> Result<(calendar_feed::Model, String), StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        Self::stop_subject_feeds(&txn, new.scope, new.scope_id, now).await?;
        let made = Self::insert_feed(&txn, new, audit, now).await?;
        txn.commit().await?;
        Ok(made)
    }

    /// The working own feed of a booking or visit, if it has one.
    pub async fn subject_feed(
        &self,
        scope: FeedScope,
        id: i64,
    ) -> Result<Option<calendar_feed::Model>, StoreError> {
        Ok(calendar_feed::Entity::find()
            .filter(Self::subject(scope, id))
            .one(&self.db)
            .await?)
    }

    /// Stops a booking's or visit's own feed; false if it had none.
    pub async fn revoke_subject_feed(
        &self,
        scope: FeedScope,
        id: i64,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let Some(feed) = calendar_feed::Entity::find()
            .filter(Self::subject(scope, id))
            .one(&txn)
            .await?
        else {
            return Ok(false);
        };
        Self::stop_subject_feeds(&txn, scope, id, now).await?;
        let mut audit = audit.clone();
        audit.target = format!("feed:{}", feed.id);
        append_audit(&txn, &audit).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Working feeds of no account for this booking or visit.
    fn subject(scope: FeedScope, id: i64) -> Condition {
        Condition::all()
            .add(calendar_feed::Column::OwnerId.is_null())
            .add(calendar_feed::Column::Scope.eq(scope))
            .add(calendar_feed::Column::ScopeId.eq(id))
            .add(calendar_feed::Column::RevokedAt.is_null())
    }

    async fn stop_subject_feeds(
        txn: &sea_orm::DatabaseTransaction,
        scope: FeedScope,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        calendar_feed::Entity::update_many()
            .col_expr(
                calendar_feed::Column::RevokedAt,
                sea_orm::sea_query::Expr::value(Some(now)),
            )
            .filter(Self::subject(scope, id))
            .exec(txn)
            .await?;
        Ok(())
    }

    /// A feed by id (revoked ones too).
    pub async fn feed(&self, id: i64) -> Result<Option<calendar_feed::Model>, StoreError> {
        Ok(calendar_feed::Entity::find_by_id(id).one(&self.db).await?)
    }

    /// An account's feeds that still work, newest first.
    pub async fn feeds_of(&self, owner: i64) -> Result<Vec<calendar_feed::Model>, StoreError> {
        Ok(calendar_feed::Entity::find()
            .filter(calendar_feed::Column::OwnerId.eq(owner))
            .filter(calendar_feed::Column::RevokedAt.is_null())
            .order_by_desc(calendar_feed::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// Gives a working feed a new token (the old URL stops at once);
    /// `None` if it was revoked meanwhile.
    pub async fn renew_feed(
        &self,
        id: i64,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let token = new_token()?;
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let done = calendar_feed::Entity::update_many()
            .col_expr(
                calendar_feed::Column::TokenHash,
                sea_orm::sea_query::Expr::value(hash(&token)),
            )
            .col_expr(
                calendar_feed::Column::RenewedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(calendar_feed::Column::Id.eq(id))
            .filter(calendar_feed::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Ok(None);
        }
        append_audit(&txn, audit).await?;
        txn.commit().await?;
        Ok(Some(token))
    }

    /// Stops a feed for good; false if it was already revoked.
    pub async fn revoke_feed(
        &self,
        id: i64,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let done = calendar_feed::Entity::update_many()
            .col_expr(
                calendar_feed::Column::RevokedAt,
                sea_orm::sea_query::Expr::value(Some(now)),
            )
            .filter(calendar_feed::Column::Id.eq(id))
            .filter(calendar_feed::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Ok(false);
        }
        append_audit(&txn, audit).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// The working feed a token opens, if any (an unknown, renewed-away or
    /// revoked token: `None`, alike).
    pub async fn feed_by_token(
        &self,
        token: &str,
    ) -> Result<Option<calendar_feed::Model>, StoreError> {
        let wanted = hash(token.trim());
        let row = calendar_feed::Entity::find()
            .filter(calendar_feed::Column::TokenHash.eq(wanted.clone()))
            .filter(calendar_feed::Column::RevokedAt.is_null())
            .one(&self.db)
            .await?;
        Ok(row.filter(|r| bool::from(r.token_hash.as_bytes().ct_eq(wanted.as_bytes()))))
    }

    /// Bookings of these units that a feed shows at `since` and after:
    /// those not yet over, and those cancelled (or lapsed) since then, so
    /// subscribed calendars see them go. The resident's details are read
    /// only when `personal` (a full staff feed).
    pub async fn feed_bookings(
        &self,
        units: &[i64],
        since: DateTime<Utc>,
        personal: bool,
    ) -> Result<Vec<FeedBooking>, StoreError> {
        let these = booking::Column::UnitId.is_in(units.iter().copied());
        self.feed_rows(Condition::all().add(these), since, personal)
            .await
    }

    /// The bookings matching `these` that a feed shows at `since` and after.
    async fn feed_rows(
        &self,
        these: Condition,
        since: DateTime<Utc>,
        personal: bool,
    ) -> Result<Vec<FeedBooking>, StoreError> {
        let q = booking::Entity::find()
            .filter(these)
            .filter(Self::shown_since(since));
        let q = FeedBooking::select(q, personal);
        if self.db.get_database_backend() == DatabaseBackend::Sqlite {
            self.feed_rows_as_json(q).await
        } else {
            self.feed_rows_one_by_one(q).await
        }
    }

    /// A feed's rows read one by one (PostgreSQL).
    async fn feed_rows_one_by_one(
        &self,
        q: sea_orm::Select<booking::Entity>,
    ) -> Result<Vec<FeedBooking>, StoreError> {
        Ok(q.into_model::<FeedBooking>().all(&self.db).await?)
    }

    /// A feed's rows read as one (SQLite). sqlx's SQLite worker thread
    /// hands the runtime each row on its own, copying every value and
    /// waking the reading task each time: for a feed's thousands of rows
    /// that was most of the time it took to make. SQLite writes them into
    /// one JSON array instead, one row.
    async fn feed_rows_as_json(
        &self,
        mut q: sea_orm::Select<booking::Entity>,
    ) -> Result<Vec<FeedBooking>, StoreError> {
        // Sorted here: SQLite would sort whole rows in a temporary tree.
        QueryTrait::query(&mut q).clear_order_by();
        let inner = q.build(DatabaseBackend::Sqlite);
        let sql = format!(
            "SELECT json_group_array(json_array({FEED_COLUMNS})) AS rows FROM ({})",
            inner.sql
        );
        let values = inner.values.map(|v| v.0).unwrap_or_default();
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                DatabaseBackend::Sqlite,
                sql,
                values,
            ))
            .await?;
        let text: String = match row {
            Some(r) => r.try_get("", "rows")?,
            None => return Ok(Vec::new()),
        };
        let rows: Vec<FeedJsonRow> = serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("feed rows: {e}")))?;
        let mut out = rows
            .into_iter()
            .map(FeedBooking::from_json)
            .collect::<Result<Vec<_>, _>>()?;
        // The order the query asked for.
        out.sort_unstable_by_key(|b| (b.start_at, b.id));
        Ok(out)
    }

    /// A resident account's bookings a feed shows (as [`Store::feed_bookings`]).
    pub async fn feed_account_bookings(
        &self,
        account: i64,
        since: DateTime<Utc>,
    ) -> Result<Vec<FeedBooking>, StoreError> {
        let these = booking::Column::AccountId.eq(account);
        self.feed_rows(Condition::all().add(these), since, true)
            .await
    }

    /// One booking as its own feed shows it (as [`Store::feed_bookings`]):
    /// nothing once it is over, or cancelled longer ago than `since`.
    pub async fn feed_booking(
        &self,
        id: i64,
        since: DateTime<Utc>,
    ) -> Result<Vec<FeedBooking>, StoreError> {
        let these = booking::Column::Id.eq(id);
        self.feed_rows(Condition::all().add(these), since, true)
            .await
    }

    fn shown_since(since: DateTime<Utc>) -> Condition {
        Condition::any()
            .add(
                Condition::all()
                    .add(booking::Column::Status.is_in([
                        BookingStatus::Pending,
                        BookingStatus::Confirmed,
                        BookingStatus::Expired,
                    ]))
                    .add(booking::Column::EndAt.gte(since)),
            )
            .add(booking::Column::CancelledAt.gte(since))
    }

    /// Visits a feed shows: of a department's procedures, or served by one
    /// staff member; those not yet over, and those cancelled since `since`.
    /// Each record holds only the items in the feed's scope.
    pub async fn feed_visits(
        &self,
        municipality: i64,
        department: Option<i64>,
        staff: Option<i64>,
        since: DateTime<Utc>,
    ) -> Result<Vec<AppointmentRecord>, StoreError> {
        let mut items = appointment_item::Entity::find()
            .filter(appointment_item::Column::EndS.gte(since.timestamp()))
            .order_by_asc(appointment_item::Column::StartS);
        if let Some(s) = staff {
            items = items.filter(appointment_item::Column::StaffId.eq(s));
        }
        if let Some(d) = department {
            let procedures: Vec<i64> = procedure::Entity::find()
                .filter(procedure::Column::DepartmentId.eq(d))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|p| p.id)
                .collect();
            items = items.filter(appointment_item::Column::ProcedureId.is_in(procedures));
        }
        let items = items.all(&self.db).await?;
        let mut ids: Vec<i64> = items.iter().map(|i| i.appointment_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let rows = appointment::Entity::find()
            .filter(appointment::Column::Id.is_in(ids))
            .filter(appointment::Column::MunicipalityId.eq(municipality))
            .filter(Self::not_cancelled_before(since))
            .all(&self.db)
            .await?;
        Ok(Self::records(rows, &items))
    }

    /// A resident's own visits, for their feed and their page (those of
    /// `account`, or the one visit `visit`), each with all its items: those
    /// not yet over, and those cancelled since `since`.
    pub async fn own_visits(
        &self,
        account: Option<i64>,
        visit: Option<i64>,
        since: DateTime<Utc>,
    ) -> Result<Vec<AppointmentRecord>, StoreError> {
        let mut rows = appointment::Entity::find().filter(Self::not_cancelled_before(since));
        if let Some(a) = account {
            rows = rows.filter(appointment::Column::AccountId.eq(a));
        }
        if let Some(v) = visit {
            rows = rows.filter(appointment::Column::Id.eq(v));
        }
        let rows = rows.all(&self.db).await?;
        let items = appointment_item::Entity::find()
            .filter(appointment_item::Column::AppointmentId.is_in(rows.iter().map(|r| r.id)))
            .order_by_asc(appointment_item::Column::StartS)
            .all(&self.db)
            .await?;
        let mut out = Self::records(rows, &items);
        out.retain(|r| {
            r.row.cancelled_at.is_some() || r.items.iter().any(|i| i.end_s >= since.timestamp())
        });
        Ok(out)
    }

    /// Visits still booked, or cancelled at `since` or after.
    fn not_cancelled_before(since: DateTime<Utc>) -> Condition {
        Condition::any()
            .add(appointment::Column::CancelledAt.is_null())
            .add(appointment::Column::CancelledAt.gte(since))
    }

    /// Each appointment with its items among `items`, first visit first.
    fn records(
        rows: Vec<appointment::Model>,
        items: &[appointment_item::Model],
    ) -> Vec<AppointmentRecord> {
        let mut out: Vec<AppointmentRecord> = rows
            .into_iter()
            .map(|row| AppointmentRecord {
                items: items
                    .iter()
                    .filter(|i| i.appointment_id == row.id)
                    .cloned()
                    .collect(),
                row,
            })
            .collect();
        out.sort_by_key(|r| r.items.first().map(|i| i.start_s));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;
    use domain::ids::UnitId;

    /// A booking of unit 1 on day `n` from today, with the text given.
    fn booking(n: u64, text: &str, now: DateTime<Utc>) -> booking::Model {
        let day = now + chrono::Days::new(n);
        booking::Model {
            id: 0,
            unit_id: 1,
            reference: format!("QA-TEST-{n}"),
            start_at: day,
            end_at: day + chrono::Duration::hours(1),
            status: if n.is_multiple_of(2) {
                BookingStatus::Confirmed
            } else {
                BookingStatus::Pending
            },
            name: text.into(),
            name_kana: "やまだ".into(),
            phone: "090-0000-0000".into(),
            email: format!("r{n}@example.invalid"),
            purpose: text.into(),
            attendees: n as i32,
            resident: true,
            fee_total_yen: 0,
            fee_lines: "[]".into(),
            created_at: now,
            expires_at: (n % 2 == 1).then_some(now + chrono::Duration::hours(72)),
            cancelled_at: None,
            created_by_staff_id: None,
            kind: if n == 3 {
                BookingKind::Block
            } else {
                BookingKind::Resident
            },
            usage: None,
            paid_at: None,
            status_reason: None,
            rejected: false,
            override_reason: None,
            account_id: None,
            request_key: None,
            sequence: n as i64,
            modified_s: n.is_multiple_of(3).then_some(now.timestamp() + n as i64),
            series_id: None,
        }
    }

    #[tokio::test]
    async fn sqlite_reads_a_feed_as_one_row_and_gets_what_rows_give() {
        let db = TestDb::sqlite().await;
        let now = DateTime::from_timestamp(Utc::now().timestamp(), 123_456_789).unwrap();
        db.store.seed_demo(now).await.unwrap();
        let texts = [
            "山田 花子",
            "quote \" and backslash \\ and\nnew line",
            "tab\tand emoji 🎾",
            "",
            "<b>&amp;</b>",
        ];
        let rows = (0..texts.len() as u64)
            .map(|n| (booking(200 + n, texts[n as usize], now), vec![UnitId(1)]))
            .collect();
        db.store.insert_bookings(rows).await.unwrap();
        for personal in [false, true] {
            let q = || {
                FeedBooking::select(
                    booking::Entity::find()
                        .filter(booking::Column::UnitId.is_in([1i64]))
                        .filter(Store::shown_since(now)),
                    personal,
                )
            };
            let one_by_one = db.store.feed_rows_one_by_one(q()).await.unwrap();
            let as_json = db.store.feed_rows_as_json(q()).await.unwrap();
            assert!(one_by_one.len() > texts.len(), "the demo's and ours");
            assert_eq!(as_json, one_by_one, "personal: {personal}");
            let ours: Vec<_> = as_json
                .iter()
                .filter(|b| b.reference.starts_with("QA-TEST-"))
                .collect();
            if personal {
                assert_eq!(ours.len(), texts.len());
                assert_eq!(ours[1].name, texts[1]);
                assert_eq!(ours[2].purpose, texts[2]);
                assert!(ours[1].expires_at.is_some() && ours[1].modified_s.is_some());
                assert!(ours[0].expires_at.is_none() && ours[0].modified_s.is_none());
            } else {
                assert!(
                    as_json
                        .iter()
                        .all(|b| b.name.is_empty() && b.email.is_empty())
                );
            }
        }
        let none = db
            .store
            .feed_rows_as_json(FeedBooking::select(
                booking::Entity::find().filter(booking::Column::UnitId.eq(-1)),
                true,
            ))
            .await
            .unwrap();
        assert!(none.is_empty(), "no rows is an empty feed");
        db.drop_db().await;
    }

    #[test]
    fn sqlite_times_read_in_both_forms_and_refuse_garbage() {
        let t = |s: &str| sqlite_time(s).map(|t| t.timestamp_nanos_opt());
        assert_eq!(
            t("2026-12-07T00:01:14.918879600+00:00").unwrap(),
            t("2026-12-07 00:01:14.9188796").unwrap()
        );
        assert_eq!(
            t("2026-12-07T09:00:00+09:00").unwrap(),
            t("2026-12-07 00:00:00").unwrap()
        );
        assert!(matches!(
            sqlite_time("yesterday"),
            Err(StoreError::Corrupt(_))
        ));
    }
}
