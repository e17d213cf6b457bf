//! The managers' console services: every function takes the [`Actor`] and
//! checks its role and scope before reading anything, then loads, changes
//! (one transaction with its audit entry, in `store::console`) and presents
//! in the reader's language. Residents are told of changes by e-mail.

use domain::error::{DomainError, Field, InvalidReason, Missing};
use domain::ids::{FacilityId, UnitId};
use domain::status::{BookingKind, BookingStatus};
use domain::text::Lang;
use store::entity::booking;
use store::{ChangeError, FacilityRecord};

use crate::console::texts as ct;
use crate::console::types::*;
use crate::core::access::{Actor, FacilityGrant, Member, Staff};
use crate::core::error::{AppError, AuthError};
use crate::core::i18n::date_time;
use crate::core::state::AppState;
use crate::core::time::when_text;
use crate::core::types::Choice;
use domain::status::Role;

pub(super) fn not_found() -> AppError {
    AppError::Domain(DomainError::NotFound(Missing::Booking))
}

pub(super) fn invalid(field: Field) -> AppError {
    AppError::Domain(DomainError::invalid(field, InvalidReason::Malformed))
}

pub(super) fn change_error(e: ChangeError) -> AppError {
    match e {
        ChangeError::NotFound => not_found(),
        ChangeError::WrongStatus(_) => AppError::Domain(DomainError::Conflict(
            domain::error::Conflict::AlreadyCancelled,
        )),
        ChangeError::Store(e) => e.into(),
    }
}

/// Reasons are free text, trimmed, 1–500 characters.
pub fn parse_reason(raw: &str) -> Result<String, AppError> {
    let r = raw.trim();
    let n = r.chars().count();
    if n == 0 || n > 500 || r.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AppError::Domain(DomainError::invalid(
            Field::Reason,
            if n == 0 {
                InvalidReason::Missing
            } else {
                InvalidReason::Malformed
            },
        )));
    }
    Ok(r.to_owned())
}

pub fn me(s: &Staff, lang: Lang) -> Me {
    Me {
        name: s.name.clone(),
        role: ct::role_label(lang, s.role).to_owned(),
        is_admin: s.role == Role::Admin,
        counters: matches!(s.role, Role::Admin | Role::CounterStaff),
        towns: s.installation_admin,
    }
}

impl AppState {
    /// Whether this actor may watch a facility's timeline (its live stream):
    /// the same check as the timeline page.
    pub async fn may_manage(&self, actor: &Actor, id: FacilityId) -> Result<(), AppError> {
        self.managed(actor, id).await.map(drop)
    }

    /// The facility, if this actor may manage it.
    pub(crate) async fn managed<'a>(
        &self,
        actor: &'a Actor,
        id: FacilityId,
    ) -> Result<(FacilityRecord, FacilityGrant<'a>), AppError> {
        actor.staff()?;
        let f = self.store.facility(id).await?;
        // A facility outside the scope looks the same as a missing one
        // would, to anyone but its own staff: 403 either way.
        let Some(f) = f else {
            return Err(AppError::Auth(AuthError::Forbidden));
        };
        let grant = actor.facility_staff(f.id.0, f.municipality.0)?;
        Ok((f, grant))
    }

    /// Refuses unless this actor may manage the facility.
    pub async fn require_facility<'a>(
        &self,
        actor: &'a Actor,
        id: FacilityId,
    ) -> Result<FacilityGrant<'a>, AppError> {
        self.managed(actor, id).await.map(|(_, grant)| grant)
    }

    /// A booking row and its facility, if this actor may manage it.
    pub(super) async fn managed_booking<'a>(
        &self,
        actor: &'a Actor,
        id: i64,
    ) -> Result<(booking::Model, FacilityRecord, usize, FacilityGrant<'a>), AppError> {
        actor.staff()?;
        let row = self
            .store
            .booking_row(id)
            .await?
            .ok_or(AppError::Auth(AuthError::Forbidden))?;
        let (f, i) = self.unit_facility(UnitId(row.unit_id)).await?;
        let grant = actor.facility_staff(f.id.0, f.municipality.0)?;
        Ok((row, f, i, grant))
    }

    /// Facilities this member may manage.
    pub(super) async fn facilities_of(
        &self,
        s: Member<'_>,
    ) -> Result<Vec<FacilityRecord>, AppError> {
        Ok(self
            .store
            .facilities()
            .await?
            .into_iter()
            .filter(|f| {
                f.municipality.0 == s.municipality
                    && (s.role == Role::Admin || s.facilities.contains(&f.id.0))
            })
            .collect())
    }

    pub(crate) fn line(
        &self,
        r: &booking::Model,
        f: &FacilityRecord,
        i: usize,
        lang: Lang,
    ) -> BookingLine {
        let tz = f.plan.tz;
        let now = self.now();
        // What the line shows: the booking's status as it stands now, with
        // blocks and rejected requests named as such.
        let status = match r.status.at(r.expires_at, now) {
            BookingStatus::Confirmed if r.kind == BookingKind::Block => "block",
            BookingStatus::Cancelled if r.rejected => "rejected",
            s => s.code(),
        };
        BookingLine {
            id: r.id,
            reference: r.reference.clone(),
            facility: f.name.get(lang).to_owned(),
            unit: f.units[i].name.get(lang).to_owned(),
            when: when_text(lang, r.start_at, r.end_at, tz),
            status: status.to_owned(),
            status_label: ct::status_label(lang, status).to_owned(),
            expires: r
                .expires_at
                .filter(|_| status == "pending")
                .map(|t| date_time(lang, t.with_timezone(&tz).naive_local())),
            purpose: r.purpose.clone(),
            attendees: u32::try_from(r.attendees).unwrap_or(0),
        }
    }

    pub async fn console_home(&self, actor: &Actor, lang: Lang) -> Result<ConsoleHome, AppError> {
        let s = actor.staff()?;
        let facilities = self.facilities_of(s).await?;
        let now = self.now();
        // One query for the requests of every facility in scope.
        let ids: Vec<i64> = facilities
            .iter()
            .flat_map(|f| f.units.iter().map(|u| u.id.0))
            .collect();
        let rows = self.store.pending_requests(&ids, now).await?;
        let mut pending: Vec<BookingLine> = facilities
            .iter()
            .flat_map(|f| self.lines(&rows, f, lang))
            .collect();
        // Requests that also ask for a fee reduction say so in their status.
        let asked: Vec<i64> = self
            .store
            .booking_reductions(&rows.iter().map(|r| r.id).collect::<Vec<_>>())
            .await?
            .into_iter()
            .filter(|a| a.state == domain::status::ReductionState::Requested)
            .map(|a| a.booking_id)
            .collect();
        for line in pending.iter_mut().filter(|l| asked.contains(&l.id)) {
            line.status_label = ct::with_reduction(lang, &line.status_label);
        }
        Ok(ConsoleHome {
            me: me(&s, lang),
            facilities: facilities
                .iter()
                .map(|f| Choice {
                    id: f.id.0,
                    name: f.name.get(lang).to_owned(),
                })
                .collect(),
            pending,
            flash: None,
        })
    }

    /// The town's time zone (Asia/Tokyo if its name cannot be read).
    pub(crate) async fn town_zone(&self, municipality: i64) -> Result<chrono_tz::Tz, AppError> {
        Ok(self
            .store
            .municipalities()
            .await?
            .iter()
            .find(|m| m.id == municipality)
            .and_then(|m| m.time_zone.parse().ok())
            .unwrap_or(chrono_tz::Asia::Tokyo))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_reason;

    #[test]
    fn reasons_must_say_something() {
        assert!(parse_reason("  ").is_err());
        assert!(parse_reason(&"x".repeat(501)).is_err());
        assert!(parse_reason("bad\u{7}bell").is_err());
        assert_eq!(parse_reason(" 点検のため \n").unwrap(), "点検のため");
    }
}
