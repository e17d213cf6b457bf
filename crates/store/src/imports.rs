//! Importing closures, blocks and absences from a calendar file: every
//! item in one transaction with its audit entry, each colliding booking or
//! visit decided as for one made by hand, so an import is written whole or
//! not at all. What is already there (the same closure, block or absence)
//! is left as it is, so importing a file twice adds nothing.

use chrono::{DateTime, Utc};
use domain::status::{AuditAction, BookingKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::console::{BlockError, NewBlock, NewClosure};
use crate::counters::{AbsenceDecision, AbsenceError, NewAbsence};
use crate::entity::{booking, closure, staff_absence};
use crate::outbox::Compose;
use crate::{AuditEntry, Store};

/// What an import wrote.
#[derive(Debug, Default)]
pub struct Imported {
    /// Closures, blocks or absences written.
    pub written: usize,
    /// Items left out because the same one is already there.
    pub already: usize,
    /// Bookings cancelled (their residents are told).
    pub cancelled: Vec<booking::Model>,
}

/// Whether `b` is the same as a block already on its unit.
pub fn same_block(b: &NewBlock, row: &booking::Model) -> bool {
    row.kind == BookingKind::Block
        && row.unit_id == b.unit.0
        && row.start_at == b.start
        && row.end_at == b.end
}

impl Store {
    /// Writes a facility's imported closures (whole days) and blocks (times),
    /// each with the decisions in its `cancel` and `keep` lists.
    pub async fn import_facility(
        &self,
        facility: domain::ids::FacilityId,
        closures: &[NewClosure],
        blocks: &[NewBlock],
        now: DateTime<Utc>,
        audit: &AuditEntry,
        mail: Compose<'_>,
    ) -> Result<Imported, BlockError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let mut done = Imported::default();
        let existing = closure::Entity::find()
            .filter(closure::Column::FacilityId.eq(facility.0))
            .all(&txn)
            .await?;
        let mut entry = audit.clone();
        entry.action = AuditAction::ClosureCreate;
        for c in closures {
            let same = existing.iter().any(|e| {
                e.unit_id == c.unit.map(|u| u.0) && e.from_date == c.from && e.to_date == c.to
            });
            if same {
                done.already += 1;
                continue;
            }
            done.cancelled
                .extend(Self::closure_in(&txn, c, now, &entry).await?);
            done.written += 1;
        }
        entry.action = AuditAction::BlockCreate;
        for b in blocks {
            let there = Self::collisions_on(&txn, &b.leaves, b.start, b.end, now).await?;
            if there.iter().any(|row| same_block(b, row)) {
                done.already += 1;
                continue;
            }
            match Self::block_in(&txn, b, now, &entry).await? {
                Some((_, cancelled)) => done.cancelled.extend(cancelled),
                None => {
                    drop(txn);
                    let again = self.collisions(&b.leaves, b.start, b.end, now).await?;
                    return Err(BlockError::Undecided(again));
                }
            }
            done.written += 1;
        }
        crate::outbox::enqueue_for(&txn, mail, &done.cancelled, now).await?;
        txn.commit().await?;
        self.rules.forget(facility);
        Ok(done)
    }

    /// Writes a member's imported absences with a decision for every
    /// appointment item they meet.
    pub async fn import_absences(
        &self,
        absences: &[NewAbsence],
        decisions: &[(i64, AbsenceDecision)],
        audit: &AuditEntry,
    ) -> Result<Imported, AbsenceError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let mut done = Imported::default();
        for a in absences {
            let same = staff_absence::Entity::find()
                .filter(staff_absence::Column::StaffId.eq(a.staff))
                .filter(staff_absence::Column::StartAt.eq(a.start))
                .filter(staff_absence::Column::EndAt.eq(a.end))
                .one(&txn)
                .await?
                .is_some();
            if same {
                done.already += 1;
                continue;
            }
            self.absence_in(&txn, a, decisions, audit).await?;
            done.written += 1;
        }
        txn.commit().await?;
        Ok(done)
    }
}
