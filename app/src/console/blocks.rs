//! Blocks (点検, 町の行事) and closures (休館日) with a decision for every booking they meet.

use chrono::Duration;
use domain::error::{DomainError, Field, InvalidReason, Missing};
use domain::ids::{FacilityId, UnitId};
use domain::text::Lang;
use store::FacilityRecord;
use store::entity::booking;

use super::service::*;
use crate::booking::mail::MailEvent;
use crate::console::texts as ct;
use crate::console::types::*;
use crate::core::access::{Actor, FacilityGrant, entry};
use crate::core::error::AppError;
use crate::core::state::AppState;

/// Staff decisions on bookings, as the forms send them (`<id>:cancel` or
/// `<id>:keep`): (booking, cancel).
pub(crate) fn parse_decisions(decisions: &[String]) -> Result<Vec<(i64, bool)>, AppError> {
    decisions
        .iter()
        .map(|d| {
            let (id, what) = d.split_once(':').ok_or(invalid(Field::Action))?;
            let id: i64 = id.parse().map_err(|_| invalid(Field::Action))?;
            match what {
                "cancel" => Ok((id, true)),
                "keep" => Ok((id, false)),
                _ => Err(invalid(Field::Action)),
            }
        })
        .collect()
}

impl AppState {
    /// Parses the block form; the facility must be the actor's.
    async fn block_request<'a>(
        &self,
        actor: &'a Actor,
        facility: FacilityId,
        v: &BlockValues,
    ) -> Result<(FacilityRecord, FacilityGrant<'a>, store::console::NewBlock), AppError> {
        let (f, s) = self.managed(actor, facility).await?;
        let unit = v
            .unit
            .trim()
            .parse::<i64>()
            .ok()
            .map(UnitId)
            .filter(|u| f.units.iter().any(|x| x.id == *u))
            .ok_or(AppError::Domain(DomainError::NotFound(Missing::Unit)))?;
        let date = domain::calendar::parse_date(Field::Date, &v.date)?;
        let tz = f.plan.tz;
        let start =
            crate::core::time::local_instant(tz, date, &v.from).ok_or(invalid(Field::StartTime))?;
        let end = if v.to.trim() == "24:00" {
            crate::core::time::local_instant(tz, date, "00:00").map(|t| t + Duration::days(1))
        } else {
            crate::core::time::local_instant(tz, date, &v.to)
        }
        .filter(|e| *e > start)
        .ok_or(invalid(Field::EndTime))?;
        let reason = parse_reason(&v.reason)?;
        let leaves = domain::booking::space_leaves(&f.plan.units, unit);
        let block = store::console::NewBlock {
            unit,
            leaves,
            start,
            end,
            reason,
            cancel: Vec::new(),
            keep: Vec::new(),
            staff_account: s.id,
        };
        Ok((f, s, block))
    }

    /// A closure (休館) from the form: whole days, of one unit or of the
    /// whole facility.
    async fn closure_request<'a>(
        &self,
        actor: &'a Actor,
        facility: FacilityId,
        v: &BlockValues,
    ) -> Result<
        (
            FacilityRecord,
            FacilityGrant<'a>,
            store::console::NewClosure,
        ),
        AppError,
    > {
        const MAX_DAYS: i64 = 366;
        let (f, s) = self.managed(actor, facility).await?;
        let unit = match v.unit.trim() {
            "" => None,
            raw => Some(
                raw.parse::<i64>()
                    .ok()
                    .map(UnitId)
                    .filter(|u| f.units.iter().any(|x| x.id == *u))
                    .ok_or(AppError::Domain(DomainError::NotFound(Missing::Unit)))?,
            ),
        };
        let from = domain::calendar::parse_date(Field::Date, &v.date)?;
        let to = domain::calendar::parse_date(Field::To, &v.until)?;
        if to < from {
            return Err(AppError::Domain(DomainError::invalid(
                Field::To,
                InvalidReason::EndBeforeStart,
            )));
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(AppError::Domain(DomainError::invalid(
                Field::To,
                InvalidReason::RangeTooLong { max_days: 366 },
            )));
        }
        let tz = f.plan.tz;
        let start =
            crate::core::time::local_instant(tz, from, "00:00").ok_or(invalid(Field::Date))?;
        let end = crate::core::time::local_instant(tz, to, "00:00").ok_or(invalid(Field::To))?
            + Duration::days(1);
        let leaves = domain::booking::closure_leaves(&f.plan.units, unit);
        let closure = store::console::NewClosure {
            facility: f.id,
            unit,
            from,
            to,
            leaves,
            start,
            end,
            reason: parse_reason(&v.reason)?,
            cancel: Vec::new(),
            keep: Vec::new(),
        };
        Ok((f, s, closure))
    }

    /// The bookings a block or closure would collide with.
    pub async fn block_collisions(
        &self,
        actor: &Actor,
        facility: FacilityId,
        v: &BlockValues,
        lang: Lang,
    ) -> Result<Vec<BookingLine>, AppError> {
        if v.is_closure() {
            let (f, _, c) = self.closure_request(actor, facility, v).await?;
            let rows = self.store.closure_collisions(&c, self.now()).await?;
            return Ok(self.lines(&rows, &f, lang));
        }
        let (f, _, b) = self.block_request(actor, facility, v).await?;
        let rows = self
            .store
            .collisions(&b.leaves, b.start, b.end, self.now())
            .await?;
        Ok(self.lines(&rows, &f, lang))
    }

    /// Saves a closure with a decision for each colliding booking; as
    /// [`AppState::save_block`].
    async fn save_closure(
        &self,
        actor: &Actor,
        facility: FacilityId,
        v: &BlockValues,
        decisions: &[(i64, bool)],
        lang: Lang,
    ) -> Result<Result<String, Vec<BookingLine>>, AppError> {
        let (f, s, mut c) = self.closure_request(actor, facility, v).await?;
        for (id, cancel) in decisions {
            if *cancel {
                c.cancel.push(*id);
            } else {
                c.keep.push(*id);
            }
        }
        let now = self.now();
        let e = entry(
            &s,
            domain::status::AuditAction::ClosureCreate,
            String::new(),
            now,
        );
        let mail = |b: &booking::Model| self.mail_in(b, &f, MailEvent::CancelledByStaff);
        match self.store.create_closure(&c, now, &e, &mail).await {
            Ok(_) => {
                self.mailer.wake();
                let t = ct::texts(lang);
                Ok(Ok((t.closure_saved)(
                    &crate::core::i18n::format_date(lang, c.from),
                    &crate::core::i18n::format_date(lang, c.to),
                )))
            }
            Err(store::console::BlockError::Undecided(rows)) => {
                Ok(Err(self.lines(&rows, &f, lang)))
            }
            Err(store::console::BlockError::Store(e)) => Err(e.into()),
        }
    }

    pub(crate) fn lines(
        &self,
        rows: &[booking::Model],
        f: &FacilityRecord,
        lang: Lang,
    ) -> Vec<BookingLine> {
        rows.iter()
            .filter_map(|r| {
                let i = f.units.iter().position(|u| u.id.0 == r.unit_id)?;
                Some(self.line(r, f, i, lang))
            })
            .collect()
    }

    /// Saves a block with a decision (`<id>:cancel` or `<id>:keep`) for each
    /// colliding booking. Bookings that appeared meanwhile come back as
    /// `Err(collisions)` to decide on.
    pub async fn save_block(
        &self,
        actor: &Actor,
        facility: FacilityId,
        v: &BlockValues,
        decisions: &[String],
        lang: Lang,
    ) -> Result<Result<String, Vec<BookingLine>>, AppError> {
        let parsed = parse_decisions(decisions)?;
        if v.is_closure() {
            return self.save_closure(actor, facility, v, &parsed, lang).await;
        }
        let (f, s, mut b) = self.block_request(actor, facility, v).await?;
        for (id, cancel) in parsed {
            if cancel {
                b.cancel.push(id);
            } else {
                b.keep.push(id);
            }
        }
        let now = self.now();
        let e = entry(
            &s,
            domain::status::AuditAction::BlockCreate,
            String::new(),
            now,
        );
        let mail = |b: &booking::Model| self.mail_in(b, &f, MailEvent::CancelledByStaff);
        match self.store.create_block(&b, now, &e, &mail).await {
            Ok((row, _)) => {
                self.mailer.wake();
                Ok(Ok((ct::texts(lang).block_saved)(&row.reference)))
            }
            Err(store::console::BlockError::Undecided(rows)) => {
                Ok(Err(self.lines(&rows, &f, lang)))
            }
            Err(store::console::BlockError::Store(e)) => Err(e.into()),
        }
    }
}
