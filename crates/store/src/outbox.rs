//! The mail outbox. A mail is written in the same transaction as the change
//! it reports (a booking, a cancellation, a staff decision), so a committed
//! change always has its mail and a rolled-back one never does. A worker
//! (`app::mail`) sends what is due: it claims one mail at a time for a lease
//! (`claimed_until_s`), so two processes never send the same mail, and a
//! failed attempt is tried again later with backoff.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entity::{booking, outbox};
use crate::{Store, StoreError};

/// A mail to put in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMail {
    pub municipality_id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// A calendar file to attach.
    pub ics: Option<String>,
}

/// Writes the mail that reports a change to a booking (the row as it is
/// after the change), or `None` when there is nobody to tell. Called inside
/// the change's transaction, except for a new booking: its mail is written
/// just before the transaction opens, when the row's `id` is still 0 (the
/// reference and everything else are final).
pub type Compose<'a> = &'a (dyn Fn(&booking::Model) -> Option<NewMail> + Send + Sync);

/// Writes the mail that reports a change to a visit appointment (the record
/// as it is after the change, items and SEQUENCE included), inside the
/// change's transaction.
pub type VisitCompose<'a> =
    &'a (dyn Fn(&crate::AppointmentRecord) -> Option<NewMail> + Send + Sync);

/// For changes that tell nobody (seeds, benchmarks, tests).
pub fn no_mail(_: &booking::Model) -> Option<NewMail> {
    None
}

/// Attempts after which a mail is left for the admins to read.
pub const MAX_ATTEMPTS: i32 = 12;

/// Seconds to wait after the `attempts`-th failure: 5 s, 30 s, 2 min,
/// 10 min, then hourly.
pub fn backoff_seconds(attempts: i32) -> i64 {
    match attempts {
        ..=1 => 5,
        2 => 30,
        3 => 120,
        4 => 600,
        _ => 3600,
    }
}

/// Puts a mail in the outbox inside `txn`, due now.
pub(crate) async fn enqueue(
    txn: &impl ConnectionTrait,
    mail: NewMail,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    outbox::Entity::insert(outbox::ActiveModel {
        id: NotSet,
        municipality_id: Set(mail.municipality_id),
        to_addr: Set(mail.to),
        subject: Set(mail.subject),
        body: Set(mail.body),
        ics: Set(mail.ics),
        created_at: Set(now),
        sent_at: Set(None),
        last_error: Set(None),
        attempts: Set(0),
        next_attempt_s: Set(now.timestamp()),
        claimed_until_s: Set(0),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Enqueues the mail `compose` writes for each row.
pub(crate) async fn enqueue_for(
    txn: &impl ConnectionTrait,
    compose: Compose<'_>,
    rows: &[booking::Model],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for row in rows {
        if let Some(mail) = compose(row) {
            enqueue(txn, mail, now).await?;
        }
    }
    Ok(())
}

impl Store {
    /// Puts a mail that reports no stored change in the outbox (a
    /// registration code, say), due now.
    pub async fn outbox_add(&self, mail: NewMail, now: DateTime<Utc>) -> Result<(), StoreError> {
        let _writer = self.writer().await;
        enqueue(&self.db, mail, now).await?;
        Ok(())
    }

    /// Claims the oldest mail that is due and not claimed by anyone, for
    /// `lease_s` seconds; counts the attempt.
    pub async fn outbox_claim(
        &self,
        now: DateTime<Utc>,
        lease_s: i64,
    ) -> Result<Option<outbox::Model>, StoreError> {
        use outbox::Column as C;
        let t = now.timestamp();
        loop {
            let Some(candidate) = outbox::Entity::find()
                .filter(C::SentAt.is_null())
                .filter(C::Attempts.lt(MAX_ATTEMPTS))
                .filter(C::NextAttemptS.lte(t))
                .filter(C::ClaimedUntilS.lt(t))
                .order_by_asc(C::Id)
                .limit(1)
                .one(&self.db)
                .await?
            else {
                return Ok(None);
            };
            let _writer = self.writer().await;
            // Conditional: of two processes that saw the same mail, one wins.
            let done = outbox::Entity::update_many()
                .col_expr(C::ClaimedUntilS, Expr::value(t + lease_s))
                .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
                .filter(C::Id.eq(candidate.id))
                .filter(C::SentAt.is_null())
                .filter(C::ClaimedUntilS.lt(t))
                .exec(&self.db)
                .await?;
            if done.rows_affected == 1 {
                let mut row = candidate;
                row.attempts += 1;
                row.claimed_until_s = t + lease_s;
                return Ok(Some(row));
            }
        }
    }

    /// Records that the SMTP server took the mail.
    pub async fn outbox_sent(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        use outbox::Column as C;
        let _writer = self.writer().await;
        outbox::Entity::update_many()
            .col_expr(C::SentAt, Expr::value(now))
            .col_expr(C::LastError, Expr::value(Option::<String>::None))
            .col_expr(C::ClaimedUntilS, Expr::value(0))
            .filter(C::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Records a failed attempt (the reason holds no personal data) and
    /// when to try again; `attempts` at [`MAX_ATTEMPTS`] gives up on it.
    pub async fn outbox_failed(
        &self,
        id: i64,
        reason: &str,
        attempts: i32,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use outbox::Column as C;
        let _writer = self.writer().await;
        outbox::Entity::update_many()
            .col_expr(C::LastError, Expr::value(reason))
            .col_expr(C::Attempts, Expr::value(attempts))
            .col_expr(
                C::NextAttemptS,
                Expr::value(now.timestamp() + backoff_seconds(attempts)),
            )
            .col_expr(C::ClaimedUntilS, Expr::value(0))
            .filter(C::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The newest mails of the municipality.
    pub async fn outbox(
        &self,
        municipality_id: i64,
        limit: u64,
    ) -> Result<Vec<outbox::Model>, StoreError> {
        Ok(outbox::Entity::find()
            .filter(outbox::Column::MunicipalityId.eq(municipality_id))
            .order_by_desc(outbox::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }
}
