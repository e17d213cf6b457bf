//! Ending (and resuming) bookings of a facility or one of its units
//! (受付の終了): its staff archive it; nothing is deleted. A facility or unit
//! that still holds bookings from now on is not archived: the bookings are
//! listed, each with a link to decide (move or cancel) on its page.

use domain::ids::FacilityId;
use domain::status::AuditAction;
use domain::text::Lang;
use store::archive::ArchiveOutcome;

use crate::core::access::{Actor, entry};
use crate::core::error::AppError;
use crate::core::i18n::{date_time, format_date};
use crate::core::state::AppState;
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
        let units = self
            .store
            .units_of(f.id.0)
            .await?
            .into_iter()
            .map(|u| ArchiveUnit {
                id: u.id,
                name: match lang {
                    Lang::Ja => u.name_ja,
                    Lang::En => u.name_en,
                },
                archived: since(u.archived_at),
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
            ArchiveOutcome::Held(bookings) => Ok(Err(bookings
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
                .collect())),
        }
    }
}
