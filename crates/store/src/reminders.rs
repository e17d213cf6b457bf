//! Day-before reminders: the bookings and visits due one, and sending one
//! exactly once (its `reminder` row and its mail in one transaction; the
//! row's key refuses a second, whatever restarts or other processes do).

use chrono::{DateTime, Utc};
use domain::status::{AppointmentStatus, BookingKind, BookingStatus};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entity::{appointment, appointment_item, booking, reminder};
use crate::outbox::enqueue;
use crate::{AppointmentRecord, NewMail, Store, StoreError};

/// What a reminder is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remind {
    Booking(i64),
    Visit(i64),
}

impl Remind {
    fn key(self) -> (&'static str, i64) {
        match self {
            Remind::Booking(id) => ("booking", id),
            Remind::Visit(id) => ("visit", id),
        }
    }
}

fn not_reminded(kind: &str) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(reminder::Column::SubjectId)
        .from(reminder::Entity)
        .and_where(reminder::Column::Kind.eq(kind))
        .to_owned()
}

impl Store {
    /// Residents' bookings starting in `[from, to)`, standing (confirmed, or
    /// pending and not lapsed at `now`), with an address, made before
    /// `made_before`, not yet reminded.
    pub async fn due_booking_reminders(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        made_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<booking::Model>, StoreError> {
        Ok(booking::Entity::find()
            .filter(booking::Column::StartAt.gte(from))
            .filter(booking::Column::StartAt.lt(to))
            .filter(booking::Column::Kind.eq(BookingKind::Resident))
            .filter(booking::Column::Email.ne(""))
            .filter(booking::Column::CreatedAt.lt(made_before))
            .filter(
                Condition::any()
                    .add(booking::Column::Status.eq(BookingStatus::Confirmed))
                    .add(
                        Condition::all()
                            .add(booking::Column::Status.eq(BookingStatus::Pending))
                            .add(booking::Column::ExpiresAt.gt(now)),
                    ),
            )
            .filter(booking::Column::Id.not_in_subquery(not_reminded("booking")))
            .order_by_asc(booking::Column::StartAt)
            .all(&self.db)
            .await?)
    }

    /// A town's booked visits whose first item starts in `[from, to)`, with
    /// an address, made before `made_before`, not yet reminded.
    pub async fn due_visit_reminders(
        &self,
        municipality: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        made_before: DateTime<Utc>,
    ) -> Result<Vec<AppointmentRecord>, StoreError> {
        let rows = appointment::Entity::find()
            .filter(appointment::Column::MunicipalityId.eq(municipality))
            .filter(appointment::Column::Status.eq(AppointmentStatus::Booked))
            .filter(appointment::Column::Email.ne(""))
            .filter(appointment::Column::CreatedAt.lt(made_before))
            .filter(appointment::Column::Id.not_in_subquery(not_reminded("visit")))
            .filter(
                appointment::Column::Id.in_subquery(
                    Query::select()
                        .column(appointment_item::Column::AppointmentId)
                        .from(appointment_item::Entity)
                        .and_where(appointment_item::Column::Active.eq(true))
                        .and_where(appointment_item::Column::StartS.gte(from.timestamp()))
                        .and_where(appointment_item::Column::StartS.lt(to.timestamp()))
                        .to_owned(),
                ),
            )
            .all(&self.db)
            .await?;
        let items = appointment_item::Entity::find()
            .filter(appointment_item::Column::AppointmentId.is_in(rows.iter().map(|r| r.id)))
            .filter(appointment_item::Column::Active.eq(true))
            .order_by_asc(appointment_item::Column::StartS)
            .all(&self.db)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let items: Vec<_> = items
                .iter()
                .filter(|i| i.appointment_id == row.id)
                .cloned()
                .collect();
            // Its first item, not a later one, starts in the window.
            if items.first().is_some_and(|i| i.start_at >= from) {
                out.push(AppointmentRecord { row, items });
            }
        }
        Ok(out)
    }

    /// Sends a reminder unless one was sent: true when this call sent it.
    pub async fn send_reminder(
        &self,
        what: Remind,
        mail: NewMail,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (kind, id) = what.key();
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let inserted = reminder::Entity::insert(reminder::ActiveModel {
            kind: Set(kind.to_owned()),
            subject_id: Set(id),
            sent_s: Set(now.timestamp()),
        })
        .on_conflict(
            OnConflict::columns([reminder::Column::Kind, reminder::Column::SubjectId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        if inserted != 1 {
            return Ok(false);
        }
        enqueue(&txn, mail, now).await?;
        txn.commit().await?;
        Ok(true)
    }
}
