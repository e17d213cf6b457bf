//! A booking as a series (定期利用): every chosen date booked in one
//! transaction, or none. Each date is an ordinary booking (its holds meet
//! the same constraint, so a single booking racing for one of the dates
//! either wins, and the whole series is refused, or loses); the series
//! row only groups them. A contact's limits count a series once
//! (`bookings::contact_held`).

use chrono::{DateTime, Utc};
use domain::status::BookingStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::bookings::{equipment_resource, holding, new_reference};
use crate::entity::{booking, booking_hold, booking_series};
use crate::outbox::NewMail;
use crate::{ChangeError, CreateError, NewBooking, Store, StoreError};

/// Writes the one mail about several bookings of a series (the rows as
/// they are after the change), inside the change's transaction.
pub type SeriesCompose<'a> =
    &'a (dyn Fn(&booking_series::Model, &[booking::Model]) -> Option<NewMail> + Send + Sync);

/// A series and its bookings, in date order.
#[derive(Clone, Debug)]
pub struct SeriesRecord {
    pub series: booking_series::Model,
    pub bookings: Vec<booking::Model>,
}

impl Store {
    /// Books every date of a series (`items`, checked and priced, of one
    /// unit, in date order) in one transaction with one mail, or none of
    /// them: `Taken` (or `EquipmentUnavailable`) when any date is held by
    /// then. The first item's request key makes a repeated request answer
    /// with the series the first one made.
    pub async fn create_series(
        &self,
        items: &[NewBooking],
        pattern: &str,
        now: DateTime<Utc>,
        mail: SeriesCompose<'_>,
    ) -> Result<SeriesRecord, CreateError> {
        let first = items
            .first()
            .ok_or_else(|| StoreError::Corrupt("a series of no dates".into()))?;
        for _ in 0..5 {
            match self.try_series(items, pattern, now, mail).await {
                Err(CreateError::Store(StoreError::Db(e)))
                    if e.sql_err().is_some_and(|e| {
                        matches!(e, sea_orm::SqlErr::UniqueConstraintViolation(_))
                    }) =>
                {
                    if let Some(done) = self.series_by_request_key(first).await? {
                        return Ok(done);
                    }
                }
                Err(refused) if !matches!(refused, CreateError::Store(_)) => {
                    return match self.series_by_request_key(first).await? {
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

    async fn series_by_request_key(
        &self,
        first: &NewBooking,
    ) -> Result<Option<SeriesRecord>, StoreError> {
        match &first.request_key {
            Some(key) => self.series_by_key(key).await,
            None => Ok(None),
        }
    }

    /// The series a request with this key made, if any.
    pub async fn series_by_key(&self, key: &str) -> Result<Option<SeriesRecord>, StoreError> {
        let row = booking::Entity::find()
            .filter(booking::Column::RequestKey.eq(key))
            .one(&self.db)
            .await?;
        match row.and_then(|r| r.series_id) {
            Some(id) => self.series(id).await,
            None => Ok(None),
        }
    }

    async fn try_series(
        &self,
        items: &[NewBooking],
        pattern: &str,
        now: DateTime<Utc>,
        mail: SeriesCompose<'_>,
    ) -> Result<SeriesRecord, CreateError> {
        let first = &items[0];
        let mut models = Vec::with_capacity(items.len());
        for (i, b) in items.iter().enumerate() {
            let mut model = b.model(new_reference()?, now)?;
            // Only the first date carries the request's key (it is unique).
            if i > 0 {
                model.request_key = None;
            }
            models.push(model);
        }
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let resources = Self::admit(&txn, first, now).await?;
        let series = booking_series::Model {
            id: 0,
            reference: new_reference()?,
            unit_id: first.unit.0,
            pattern: pattern.to_owned(),
            created_at: now,
        };
        let series_id = booking_series::Entity::insert(booking_series::ActiveModel {
            id: sea_orm::ActiveValue::NotSet,
            reference: Set(series.reference.clone()),
            unit_id: Set(series.unit_id),
            pattern: Set(series.pattern.clone()),
            created_at: Set(now),
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let series = booking_series::Model {
            id: series_id,
            ..series
        };
        for (b, model) in items.iter().zip(models.iter_mut()) {
            let mut wanted = resources.clone();
            for (id, copies) in &b.equipment {
                wanted.extend((1..=*copies).map(|c| equipment_resource(*id, c)));
            }
            Self::release_expired(
                &txn,
                &wanted,
                (b.start.timestamp(), b.end.timestamp()),
                now,
                true,
            )
            .await?;
            model.series_id = Some(series_id);
            model.id = Self::insert_booking(&txn, b, model, resources.clone()).await?;
        }
        if let Some(entry) = &first.audit {
            let mut entry = entry.clone();
            entry.target = format!("series:{series_id}");
            crate::accounts::append_audit(&txn, &entry).await?;
        }
        if let Some(letter) = mail(&series, &models) {
            crate::outbox::enqueue(&txn, letter, now).await?;
        }
        txn.commit().await?;
        Ok(SeriesRecord {
            series,
            bookings: models,
        })
    }

    /// A series with its bookings (every status), in date order.
    pub async fn series(&self, id: i64) -> Result<Option<SeriesRecord>, StoreError> {
        let Some(series) = booking_series::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(None);
        };
        let bookings = booking::Entity::find()
            .filter(booking::Column::SeriesId.eq(id))
            .order_by_asc(booking::Column::StartAt)
            .all(&self.db)
            .await?;
        Ok(Some(SeriesRecord { series, bookings }))
    }

    /// The series with this reference, if any.
    pub async fn series_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<SeriesRecord>, StoreError> {
        match booking_series::Entity::find()
            .filter(booking_series::Column::Reference.eq(reference))
            .one(&self.db)
            .await?
        {
            Some(s) => self.series(s.id).await,
            None => Ok(None),
        }
    }

    /// Cancels the given bookings of one series that are still active, in
    /// one transaction with one mail; each freed time is offered to its
    /// waiting list. Returns the rows cancelled (none: nothing was active).
    pub async fn cancel_series_bookings(
        &self,
        series: &booking_series::Model,
        ids: &[i64],
        now: DateTime<Utc>,
        mail: SeriesCompose<'_>,
    ) -> Result<Vec<booking::Model>, ChangeError> {
        use booking::Column as C;
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let active = booking::Entity::find()
            .filter(C::Id.is_in(ids.iter().copied()))
            .filter(C::SeriesId.eq(series.id))
            .filter(holding(now))
            .order_by_asc(C::StartAt)
            .all(&txn)
            .await?;
        let mut cancelled = Vec::with_capacity(active.len());
        for row in active {
            let done = booking::Entity::update_many()
                .col_expr(C::Status, Expr::value(BookingStatus::Cancelled))
                .col_expr(C::CancelledAt, Expr::value(now))
                .filter(C::Id.eq(row.id))
                .filter(holding(now))
                .exec(&txn)
                .await?;
            if done.rows_affected != 1 {
                continue;
            }
            let facility = Self::lock_line(&txn, row.unit_id).await?;
            booking_hold::Entity::delete_many()
                .filter(booking_hold::Column::BookingId.eq(row.id))
                .exec(&txn)
                .await?;
            let row = booking::Model {
                status: BookingStatus::Cancelled,
                cancelled_at: Some(now),
                ..row
            };
            Self::offer_freed(&txn, facility, &row, now).await?;
            cancelled.push(row);
        }
        if cancelled.is_empty() {
            return Err(ChangeError::WrongStatus(BookingStatus::Cancelled));
        }
        if let Some(letter) = mail(series, &cancelled) {
            crate::outbox::enqueue(&txn, letter, now).await?;
        }
        txn.commit().await?;
        Ok(cancelled)
    }
}
