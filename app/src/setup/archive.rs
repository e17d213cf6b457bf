//! Ending (and resuming) bookings of a facility or one of its units
//! (受付の終了): its staff archive it; nothing is deleted. A facility or unit
//! that still holds bookings from now on is not archived: the bookings are
//! listed, each with a link to decide (move or cancel) on its page. The
//! same page makes a unit part of another's space (全面 / 半面), listing
//! the bookings to come that would then overlap.

use domain::ids::{FacilityId, UnitId};
use domain::space::may_be_part_of;
use domain::status::AuditAction;
use domain::text::Lang;
use store::FacilityRecord;
use store::archive::{ArchiveOutcome, HeldBy};
use store::units::ParentOutcome;

use crate::core::access::{Actor, entry};
use crate::core::error::AppError;
use crate::core::i18n::{date_time, format_date};
use crate::core::state::AppState;
use crate::core::types::Choice;
use crate::setup::texts::messages;
use crate::setup::types::{ArchivePage, ArchiveUnit, HeldLine};

impl AppState {
    /// `/console/facilities/{id}/archive`, with the bookings that stopped
    /// the last request.
    pub async fn archive_page(
        &self,
        actor: &Actor,
        lang: Lang,
        facility: FacilityId,
        held: Vec<HeldLine>,
    ) -> Result<ArchivePage, AppError> {
        let (f, grant) = self.managed(actor, facility).await?;
        let tz = f.plan.tz;
        let since = |at: Option<chrono::DateTime<chrono::Utc>>| {
            at.map(|a| format_date(lang, a.with_timezone(&tz).date_naive()))
        };
        let row = self
            .store
            .facility_row(f.id.0)
            .await?
            .ok_or(AppError::Unavailable)?;
        let rows = self.store.units_of(f.id.0).await?;
        let tree: Vec<_> = rows
            .iter()
            .map(|u| (UnitId(u.id), u.parent_id.map(UnitId)))
            .collect();
        let name = |u: &store::entity::unit::Model| match lang {
            Lang::Ja => u.name_ja.clone(),
            Lang::En => u.name_en.clone(),
        };
        let units = rows
            .iter()
            .map(|u| ArchiveUnit {
                id: u.id,
                name: name(u),
                archived: since(u.archived_at),
                parent: u.parent_id,
                parents: rows
                    .iter()
                    .filter(|p| p.archived_at.is_none() || Some(p.id) == u.parent_id)
                    .filter(|p| may_be_part_of(&tree, UnitId(u.id), UnitId(p.id)))
                    .map(|p| Choice {
                        id: p.id,
                        name: name(p),
                    })
                    .collect(),
            })
            .collect();
        Ok(ArchivePage {
            me: crate::console::service::me(&grant, lang),
            facility_id: f.id.0,
            facility: f.name.get(lang).to_owned(),
            archived: since(row.archived_at),
            units,
            held,
            flash: None,
        })
    }

    /// Archives or restores the facility (`unit` none) or one of its
    /// units: what to say, or the bookings that keep it from being archived.
    pub async fn set_archived(
        &self,
        actor: &Actor,
        lang: Lang,
        facility: FacilityId,
        unit: Option<i64>,
        archive: bool,
    ) -> Result<Result<String, Vec<HeldLine>>, AppError> {
        let (f, grant) = self.managed(actor, facility).await?;
        let name = match unit {
            None => f.name.get(lang).to_owned(),
            Some(u) => f
                .units
                .iter()
                .find(|x| x.id.0 == u)
                .map(|x| x.name.get(lang).to_owned())
                .ok_or(AppError::Domain(domain::error::DomainError::NotFound(
                    domain::error::Missing::Unit,
                )))?,
        };
        let action = match (unit, archive) {
            (None, true) => AuditAction::FacilityArchive,
            (None, false) => AuditAction::FacilityRestore,
            (Some(_), true) => AuditAction::UnitArchive,
            (Some(_), false) => AuditAction::UnitRestore,
        };
        let now = self.now();
        let e = entry(&grant, action, String::new(), now);
        let t = messages(lang);
        match self
            .store
            .set_archived(f.id.0, unit, archive, now, &e)
            .await?
        {
            ArchiveOutcome::Done => {
                tracing::info!(facility = f.id.0, ?unit, archive, "archive changed");
                Ok(Ok(if archive {
                    (t.archived)(&name)
                } else {
                    (t.restored)(&name)
                }))
            }
            ArchiveOutcome::Held(bookings) => Ok(Err(held_lines(&f, bookings, lang))),
        }
    }
}

impl AppState {
    /// Makes `unit` part of `parent`'s space (`parent` empty: its own):
    /// what to say, or the bookings that would meet in the space.
    pub async fn set_unit_parent(
        &self,
        actor: &Actor,
        lang: Lang,
        facility: FacilityId,
        unit: &str,
        parent: &str,
    ) -> Result<Result<String, Vec<HeldLine>>, AppError> {
        use domain::error::{DomainError, Field, InvalidReason, Missing};
        let (f, grant) = self.managed(actor, facility).await?;
        let unit = unit
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|u| f.units.iter().find(|x| x.id.0 == u))
            .ok_or(AppError::Domain(DomainError::NotFound(Missing::Unit)))?;
        let bad = || {
            AppError::Domain(DomainError::invalid(
                Field::Parent,
                InvalidReason::NotOffered,
            ))
        };
        let parent = match parent.trim() {
            "" => None,
            raw => Some(raw.parse::<i64>().map_err(|_| bad())?),
        };
        let now = self.now();
        let e = entry(&grant, AuditAction::UnitParent, String::new(), now);
        match self
            .store
            .set_unit_parent(f.id.0, unit.id.0, parent, now, &e)
            .await?
        {
            ParentOutcome::Done => {
                tracing::info!(unit = unit.id.0, ?parent, "unit space changed");
                Ok(Ok((messages(lang).parent_saved)(unit.name.get(lang))))
            }
            ParentOutcome::NotAllowed => Err(bad()),
            ParentOutcome::Held(bookings) => Ok(Err(held_lines(&f, bookings, lang))),
        }
    }
}

/// The bookings that keep a change from being written, as the page lists
/// them (each links to its page, where staff move or cancel it).
pub(crate) fn held_lines(f: &FacilityRecord, bookings: Vec<HeldBy>, lang: Lang) -> Vec<HeldLine> {
    bookings
        .into_iter()
        .map(|b| HeldLine {
            id: b.id,
            reference: b.reference,
            when: date_time(lang, b.start_at.with_timezone(&f.plan.tz).naive_local()),
            unit: f
                .units
                .iter()
                .find(|u| u.id.0 == b.unit_id)
                .map(|u| u.name.get(lang).to_owned())
                .unwrap_or_default(),
        })
        .collect()
}
