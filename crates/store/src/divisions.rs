//! A town's counters set up by its own staff: divisions (課), their counters,
//! procedures and staff members with qualifications and duty hours. Each
//! write is one transaction with its audit entry; the triggers of the change
//! log (migration 008) tell every process to drop its cached staff and
//! procedures, and this process drops them at once.
//!
//! A staff member's change that would leave a booked visit with a member
//! who may no longer serve it (not qualified, off duty then, or inactive)
//! needs a decision for each such visit, as an absence does: hand it to
//! another qualified member free then (the database refuses an overlap),
//! or keep it and mark it 要連絡. Without every decision nothing is written
//! and the visits are returned.

use chrono::{DateTime, Datelike, Timelike, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};

use domain::status::AppointmentStatus;

use crate::accounts::{AuditEntry, append_audit};
use crate::counters::AbsenceDecision;
use crate::entity::{
    appointment, appointment_item, counter, department, procedure, staff, staff_duty_hours,
    staff_qualification,
};
use crate::{Store, StoreError};

/// A division with everything set up in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Division {
    pub row: department::Model,
    pub counters: Vec<counter::Model>,
    pub procedures: Vec<procedure::Model>,
    pub staff: Vec<StaffMember>,
}

/// A staff member with their qualifications (procedure ids) and duty hours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffMember {
    pub row: staff::Model,
    pub qualified: Vec<i64>,
    /// Weekday (0 = Monday), first and end minute, by weekday then start.
    pub duty: Vec<(i32, i32, i32)>,
}

/// A counter to add (checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCounter {
    pub name_ja: String,
    pub name_en: String,
    pub location_ja: String,
    pub location_en: String,
}

/// A procedure to add (checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewProcedure {
    pub name_ja: String,
    pub name_en: String,
    pub reading: String,
    pub duration_minutes: i32,
    pub documents_ja: String,
    pub documents_en: String,
    pub notes_ja: String,
    pub notes_en: String,
    pub online_possible: bool,
    pub life_events: String,
}

/// A staff member as saved (checked): qualifications among the division's
/// procedures, duty hours as (weekday 0 = Monday, start, end) minutes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffInput {
    pub display_name: String,
    pub active: bool,
    pub qualified: Vec<i64>,
    pub duty: Vec<(i32, i32, i32)>,
}

/// A booked visit the member serves that the change would leave without
/// them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrandedVisit {
    /// The appointment item (what a decision names).
    pub item: i64,
    pub reference: String,
    pub procedure_id: i64,
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
}

/// What became of a staff member's change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StaffSaved {
    /// Written: the member's id.
    Saved(i64),
    /// Not written: these visits need a decision first.
    Stranded(Vec<StrandedVisit>),
    /// Not written: a member to move a visit to is not free then.
    Taken,
}

impl Store {
    /// A division of the town with its counters, procedures and staff.
    pub async fn division(
        &self,
        municipality: i64,
        id: i64,
    ) -> Result<Option<Division>, StoreError> {
        Ok(self.load_divisions(municipality, Some(id)).await?.pop())
    }

    /// Every division of the town with what is in it, in a fixed number
    /// of queries.
    pub async fn divisions(&self, municipality: i64) -> Result<Vec<Division>, StoreError> {
        self.load_divisions(municipality, None).await
    }

    async fn load_divisions(
        &self,
        municipality: i64,
        only: Option<i64>,
    ) -> Result<Vec<Division>, StoreError> {
        let mut q = department::Entity::find()
            .filter(department::Column::MunicipalityId.eq(municipality))
            .order_by_asc(department::Column::Id);
        if let Some(id) = only {
            q = q.filter(department::Column::Id.eq(id));
        }
        let rows = q.all(&self.db).await?;
        let ids: Vec<i64> = rows.iter().map(|d| d.id).collect();
        let counters = counter::Entity::find()
            .filter(counter::Column::DepartmentId.is_in(ids.clone()))
            .order_by_asc(counter::Column::Id)
            .all(&self.db)
            .await?;
        let procedures = procedure::Entity::find()
            .filter(procedure::Column::DepartmentId.is_in(ids.clone()))
            .order_by_asc(procedure::Column::Id)
            .all(&self.db)
            .await?;
        let members = staff::Entity::find()
            .filter(staff::Column::MunicipalityId.eq(municipality))
            .filter(staff::Column::DepartmentId.is_in(ids))
            .order_by_asc(staff::Column::Id)
            .all(&self.db)
            .await?;
        let staff = self.with_plans(members).await?;
        Ok(rows
            .into_iter()
            .map(|row| Division {
                counters: counters
                    .iter()
                    .filter(|c| c.department_id == row.id)
                    .cloned()
                    .collect(),
                procedures: procedures
                    .iter()
                    .filter(|p| p.department_id == row.id)
                    .cloned()
                    .collect(),
                staff: staff
                    .iter()
                    .filter(|m| m.row.department_id == Some(row.id))
                    .cloned()
                    .collect(),
                row,
            })
            .collect())
    }

    async fn with_plans(&self, members: Vec<staff::Model>) -> Result<Vec<StaffMember>, StoreError> {
        let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
        let qualified = staff_qualification::Entity::find()
            .filter(staff_qualification::Column::StaffId.is_in(ids.clone()))
            .order_by_asc(staff_qualification::Column::ProcedureId)
            .all(&self.db)
            .await?;
        let duty = staff_duty_hours::Entity::find()
            .filter(staff_duty_hours::Column::StaffId.is_in(ids))
            .order_by_asc(staff_duty_hours::Column::Weekday)
            .order_by_asc(staff_duty_hours::Column::StartMinute)
            .all(&self.db)
            .await?;
        Ok(members
            .into_iter()
            .map(|row| StaffMember {
                qualified: qualified
                    .iter()
                    .filter(|q| q.staff_id == row.id)
                    .map(|q| q.procedure_id)
                    .collect(),
                duty: duty
                    .iter()
                    .filter(|d| d.staff_id == row.id)
                    .map(|d| (d.weekday, d.start_minute, d.end_minute))
                    .collect(),
                row,
            })
            .collect())
    }

    /// One staff member of the town, with their division.
    pub async fn staff_member(
        &self,
        municipality: i64,
        id: i64,
    ) -> Result<Option<StaffMember>, StoreError> {
        let Some(row) = staff::Entity::find_by_id(id)
            .filter(staff::Column::MunicipalityId.eq(municipality))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        Ok(self.with_plans(vec![row]).await?.pop())
    }

    /// Adds a division to the town: its id.
    pub async fn create_division(
        &self,
        municipality: i64,
        name_ja: &str,
        name_en: &str,
        audit: &AuditEntry,
    ) -> Result<i64, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let id = department::ActiveModel {
            id: NotSet,
            municipality_id: Set(municipality),
            name_ja: Set(name_ja.to_owned()),
            name_en: Set(name_en.to_owned()),
        }
        .insert(&txn)
        .await?
        .id;
        let mut e = audit.clone();
        e.target = format!("department:{id}");
        e.after = Some(serde_json::json!({ "name_ja": name_ja, "name_en": name_en }));
        append_audit(&txn, &e).await?;
        txn.commit().await?;
        self.counters.forget(municipality);
        Ok(id)
    }

    /// Renames a division of the town, with the audit entry (before and
    /// after). False when the town has no such division.
    pub async fn update_division(
        &self,
        municipality: i64,
        id: i64,
        name_ja: &str,
        name_en: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let Some(row) = department::Entity::find_by_id(id)
            .filter(department::Column::MunicipalityId.eq(municipality))
            .one(&txn)
            .await?
        else {
            return Ok(false);
        };
        let mut e = audit.clone();
        e.target = format!("department:{id}");
        e.before = Some(serde_json::json!({ "name_ja": row.name_ja, "name_en": row.name_en }));
        e.after = Some(serde_json::json!({ "name_ja": name_ja, "name_en": name_en }));
        let mut active: department::ActiveModel = row.into();
        active.name_ja = Set(name_ja.to_owned());
        active.name_en = Set(name_en.to_owned());
        active.update(&txn).await?;
        append_audit(&txn, &e).await?;
        log_town_change(&txn, municipality, audit.at).await?;
        txn.commit().await?;
        self.counters.forget(municipality);
        Ok(true)
    }

    /// Changes a counter of a division of the town (names, where it is),
    /// with the audit entry (before and after). False when the division
    /// has no such counter.
    pub async fn update_counter(
        &self,
        municipality: i64,
        department: i64,
        id: i64,
        new: &NewCounter,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let Some(row) = counter::Entity::find_by_id(id)
            .filter(counter::Column::DepartmentId.eq(department))
            .one(&txn)
            .await?
        else {
            return Ok(false);
        };
        let json = |name_ja: &str, name_en: &str, location_ja: &str, location_en: &str| {
            serde_json::json!({
                "department": department, "name_ja": name_ja, "name_en": name_en,
                "location_ja": location_ja, "location_en": location_en,
            })
        };
        let mut e = audit.clone();
        e.target = format!("counter:{id}");
        e.before = Some(json(
            &row.name_ja,
            &row.name_en,
            &row.location_ja,
            &row.location_en,
        ));
        e.after = Some(json(
            &new.name_ja,
            &new.name_en,
            &new.location_ja,
            &new.location_en,
        ));
        let mut active: counter::ActiveModel = row.into();
        active.name_ja = Set(new.name_ja.clone());
        active.name_en = Set(new.name_en.clone());
        active.location_ja = Set(new.location_ja.clone());
        active.location_en = Set(new.location_en.clone());
        active.update(&txn).await?;
        append_audit(&txn, &e).await?;
        log_town_change(&txn, municipality, audit.at).await?;
        txn.commit().await?;
        self.counters.forget(municipality);
        Ok(true)
    }

    /// Adds a counter to a division of the town: its id.
    pub async fn create_counter(
        &self,
        municipality: i64,
        department: i64,
        new: &NewCounter,
        audit: &AuditEntry,
    ) -> Result<i64, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let id = counter::ActiveModel {
            id: NotSet,
            department_id: Set(department),
            name_ja: Set(new.name_ja.clone()),
            name_en: Set(new.name_en.clone()),
            location_ja: Set(new.location_ja.clone()),
            location_en: Set(new.location_en.clone()),
        }
        .insert(&txn)
        .await?
        .id;
        let mut e = audit.clone();
        e.target = format!("counter:{id}");
        e.after = Some(serde_json::json!({
            "department": department,
            "name_ja": new.name_ja,
            "name_en": new.name_en,
            "location_ja": new.location_ja,
            "location_en": new.location_en,
        }));
        append_audit(&txn, &e).await?;
        txn.commit().await?;
        self.counters.forget(municipality);
        Ok(id)
    }

    /// Adds a procedure to a division of the town: its id. Residents can
    /// book it once a qualified member is on duty.
    pub async fn create_procedure(
        &self,
        municipality: i64,
        department: i64,
        new: &NewProcedure,
        audit: &AuditEntry,
    ) -> Result<i64, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let id = procedure::ActiveModel {
            id: NotSet,
            department_id: Set(department),
            name_ja: Set(new.name_ja.clone()),
            name_en: Set(new.name_en.clone()),
            reading: Set(new.reading.clone()),
            duration_minutes: Set(new.duration_minutes),
            documents_ja: Set(new.documents_ja.clone()),
            documents_en: Set(new.documents_en.clone()),
            notes_ja: Set(new.notes_ja.clone()),
            notes_en: Set(new.notes_en.clone()),
            online_possible: Set(new.online_possible),
            life_events: Set(new.life_events.clone()),
        }
        .insert(&txn)
        .await?
        .id;
        let mut e = audit.clone();
        e.target = format!("procedure:{id}");
        e.after = Some(serde_json::json!({
            "department": department,
            "name_ja": new.name_ja,
            "name_en": new.name_en,
            "duration_minutes": new.duration_minutes,
            "online_possible": new.online_possible,
            "life_events": new.life_events,
        }));
        append_audit(&txn, &e).await?;
        txn.commit().await?;
        self.counters.forget(municipality);
        Ok(id)
    }

    /// Adds a staff member to a division (`member` none) or changes one,
    /// with their qualifications and duty hours replaced, in one
    /// transaction. A change that strands booked visits (from `now` on)
    /// needs a decision for each in `decisions` (hand it to another member,
    /// or keep it and call the visitor); without one for every such visit
    /// nothing is written and they are returned. `tz` is the town's zone
    /// (duty hours are local).
    #[allow(clippy::too_many_arguments)]
    pub async fn save_staff_member(
        &self,
        municipality: i64,
        department: i64,
        member: Option<i64>,
        input: &StaffInput,
        decisions: &[(i64, AbsenceDecision)],
        tz: chrono_tz::Tz,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<StaffSaved, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        // The lock a visit being booked holds while it reads the staff
        // (PostgreSQL): a change of qualifications, duty hours or activity
        // either sees that visit (and asks for a decision) or is seen by it.
        Self::advisory_lock(&txn, &crate::appointments::appointment_lock(municipality)).await?;
        let mut e = audit.clone();
        let id = match member {
            None => {
                staff::ActiveModel {
                    id: NotSet,
                    municipality_id: Set(municipality),
                    display_name: Set(input.display_name.clone()),
                    department_id: Set(Some(department)),
                    active: Set(input.active),
                }
                .insert(&txn)
                .await?
                .id
            }
            Some(id) => {
                let Some(row) = staff::Entity::find_by_id(id)
                    .filter(staff::Column::MunicipalityId.eq(municipality))
                    .one(&txn)
                    .await?
                else {
                    return Err(StoreError::Corrupt(format!("staff {id} not in the town")));
                };
                let stranded = stranded(&txn, id, input, tz, now).await?;
                if stranded
                    .iter()
                    .any(|v| !decisions.iter().any(|(item, _)| *item == v.item))
                {
                    return Ok(StaffSaved::Stranded(stranded));
                }
                for v in &stranded {
                    match decisions
                        .iter()
                        .find(|(item, _)| *item == v.item)
                        .map(|(_, d)| *d)
                    {
                        Some(AbsenceDecision::MoveTo(other)) => {
                            let moved = appointment_item::Entity::update_many()
                                .col_expr(appointment_item::Column::StaffId, Expr::value(other))
                                .filter(appointment_item::Column::Id.eq(v.item))
                                .exec(&txn)
                                .await;
                            match moved {
                                Err(e) if crate::appointments::is_overlap_error(&e) => {
                                    return Ok(StaffSaved::Taken);
                                }
                                other => other?,
                            };
                        }
                        Some(AbsenceDecision::Contact) => {
                            appointment::Entity::update_many()
                                .col_expr(appointment::Column::NeedsContact, Expr::value(true))
                                .filter(appointment::Column::Reference.eq(v.reference.clone()))
                                .exec(&txn)
                                .await?;
                        }
                        None => return Ok(StaffSaved::Stranded(stranded)),
                    }
                }
                let before = self.with_plans(vec![row.clone()]).await?.pop();
                e.before = before
                    .map(|b| plan_json(&b.row.display_name, b.row.active, &b.qualified, &b.duty));
                let mut a = row.into_active_model();
                a.display_name = Set(input.display_name.clone());
                a.active = Set(input.active);
                a.update(&txn).await?;
                staff_qualification::Entity::delete_many()
                    .filter(staff_qualification::Column::StaffId.eq(id))
                    .exec(&txn)
                    .await?;
                staff_duty_hours::Entity::delete_many()
                    .filter(staff_duty_hours::Column::StaffId.eq(id))
                    .exec(&txn)
                    .await?;
                id
            }
        };
        for &p in &input.qualified {
            staff_qualification::ActiveModel {
                staff_id: Set(id),
                procedure_id: Set(p),
            }
            .insert(&txn)
            .await?;
        }
        for &(weekday, start, end) in &input.duty {
            staff_duty_hours::ActiveModel {
                id: NotSet,
                staff_id: Set(id),
                weekday: Set(weekday),
                start_minute: Set(start),
                end_minute: Set(end),
            }
            .insert(&txn)
            .await?;
        }
        e.target = format!("staff:{id}");
        e.after = Some(plan_json(
            &input.display_name,
            input.active,
            &input.qualified,
            &input.duty,
        ));
        append_audit(&txn, &e).await?;
        txn.commit().await?;
        self.counters.forget(municipality);
        Ok(StaffSaved::Saved(id))
    }
}

fn plan_json(
    name: &str,
    active: bool,
    qualified: &[i64],
    duty: &[(i32, i32, i32)],
) -> serde_json::Value {
    serde_json::json!({
        "display_name": name,
        "active": active,
        "qualified": qualified,
        "duty": duty,
    })
}

/// The member's booked visits from `now` on that `input` would no longer
/// let them serve.
async fn stranded(
    db: &impl ConnectionTrait,
    member: i64,
    input: &StaffInput,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Vec<StrandedVisit>, StoreError> {
    let items = appointment_item::Entity::find()
        .filter(appointment_item::Column::StaffId.eq(member))
        .filter(appointment_item::Column::Active.eq(true))
        .filter(appointment_item::Column::EndAt.gt(now))
        .order_by_asc(appointment_item::Column::StartAt)
        .all(db)
        .await?;
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let visits = appointment::Entity::find()
        .filter(appointment::Column::Id.is_in(items.iter().map(|i| i.appointment_id)))
        .filter(
            appointment::Column::Status
                .is_in([AppointmentStatus::Booked, AppointmentStatus::CheckedIn]),
        )
        .all(db)
        .await?;
    Ok(items
        .into_iter()
        .filter(|i| !serves(input, i.procedure_id, i.start_at, i.end_at, tz))
        .filter_map(|i| {
            visits
                .iter()
                .find(|v| v.id == i.appointment_id)
                .map(|v| StrandedVisit {
                    item: i.id,
                    reference: v.reference.clone(),
                    procedure_id: i.procedure_id,
                    start_at: i.start_at,
                    end_at: i.end_at,
                })
        })
        .collect())
}

/// Whether a member as `input` says may serve `procedure` from `start` to
/// `end`: active, qualified, and on duty the whole time (local hours).
pub fn serves(
    input: &StaffInput,
    procedure: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> bool {
    let (s, e) = (start.with_timezone(&tz), end.with_timezone(&tz));
    let weekday = i32::try_from(s.weekday().num_days_from_monday()).unwrap_or(0);
    let minute =
        |t: chrono::DateTime<chrono_tz::Tz>| i32::try_from(t.hour() * 60 + t.minute()).unwrap_or(0);
    let (from, to) = (
        minute(s),
        if e.date_naive() == s.date_naive() {
            minute(e)
        } else {
            1440
        },
    );
    input.active
        && input.qualified.contains(&procedure)
        && input
            .duty
            .iter()
            .any(|&(d, a, b)| d == weekday && a <= from && to <= b)
}

/// A town to add to the installation (checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTown {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub time_zone: String,
    /// A host name serving only this town (lower-cased), if any.
    pub host: Option<String>,
}

impl Store {
    /// Adds a town: its id, or none when a town has that slug already (the
    /// unique index decides, so two at once cannot both win).
    /// `audit`, when given, is written in the same transaction (its target
    /// set to the new town).
    pub async fn create_town(
        &self,
        town: &NewTown,
        audit: Option<&AuditEntry>,
    ) -> Result<Option<i64>, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let row = crate::entity::municipality::ActiveModel {
            id: NotSet,
            slug: Set(town.slug.clone()),
            name_ja: Set(town.name_ja.clone()),
            name_en: Set(town.name_en.clone()),
            time_zone: Set(town.time_zone.clone()),
            phone: Set(String::new()),
            code: Set(String::new()),
            open_data_licence: Set("CC BY 4.0".into()),
            host: Set(town.host.clone()),
        }
        .insert(&txn)
        .await;
        let id = match row {
            Ok(r) => r.id,
            Err(e)
                if matches!(
                    e.sql_err(),
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                ) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(audit) = audit {
            let mut audit = audit.clone();
            audit.target = format!("municipality:{id}");
            audit.after = Some(serde_json::json!({
                "slug": town.slug, "name_ja": town.name_ja, "name_en": town.name_en,
                "time_zone": town.time_zone, "host": town.host,
            }));
            append_audit(&txn, &audit).await?;
        }
        log_town_change(&txn, id, audit.map_or_else(Utc::now, |a| a.at)).await?;
        txn.commit().await?;
        self.counters.forget_towns();
        Ok(Some(id))
    }

    /// Sets (or clears) the host name that serves only this town, with the
    /// audit entry (before and after). `Ok(false)`: another town has that
    /// host (the unique index decides) or there is no such town; nothing
    /// is written then.
    pub async fn set_town_host(
        &self,
        town: i64,
        host: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let Some(row) = crate::entity::municipality::Entity::find_by_id(town)
            .one(&txn)
            .await?
        else {
            return Ok(false);
        };
        let before = row.host.clone();
        let mut active: crate::entity::municipality::ActiveModel = row.into();
        active.host = Set(host.map(str::to_owned));
        match active.update(&txn).await {
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.sql_err(),
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                ) =>
            {
                return Ok(false);
            }
            Err(e) => return Err(e.into()),
        }
        let mut audit = audit.clone();
        audit.target = format!("municipality:{town}");
        audit.before = Some(serde_json::json!({ "host": before }));
        audit.after = Some(serde_json::json!({ "host": host }));
        append_audit(&txn, &audit).await?;
        log_town_change(&txn, town, audit.at).await?;
        txn.commit().await?;
        self.counters.forget_towns();
        Ok(true)
    }
}

/// Logs a town added or changed, or a division or counter of it changed
/// (as a change of its staff), so every process drops its cached towns,
/// staff and procedures at once.
async fn log_town_change(
    txn: &DatabaseTransaction,
    town: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    crate::entity::change_event::ActiveModel {
        municipality_id: Set(Some(town)),
        kind: Set("staff".into()),
        status: Set(String::new()),
        at_s: Set(at.timestamp()),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map(drop)
}

impl Store {
    /// Changes a procedure of a division of the town, with the audit entry
    /// (before and after). Visits booked already keep their times. False
    /// when there is no such procedure there.
    pub async fn update_procedure(
        &self,
        municipality: i64,
        department: i64,
        id: i64,
        new: &NewProcedure,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let Some(row) = procedure::Entity::find_by_id(id)
            .filter(procedure::Column::DepartmentId.eq(department))
            .one(&txn)
            .await?
        else {
            return Ok(false);
        };
        let json = |p: &procedure::Model| {
            serde_json::json!({
                "name_ja": p.name_ja, "name_en": p.name_en, "reading": p.reading,
                "duration_minutes": p.duration_minutes, "documents_ja": p.documents_ja,
                "documents_en": p.documents_en, "notes_ja": p.notes_ja, "notes_en": p.notes_en,
                "online_possible": p.online_possible, "life_events": p.life_events,
            })
        };
        let mut e = audit.clone();
        e.target = format!("procedure:{id}");
        e.before = Some(json(&row));
        let mut a = row.into_active_model();
        a.name_ja = Set(new.name_ja.clone());
        a.name_en = Set(new.name_en.clone());
        a.reading = Set(new.reading.clone());
        a.duration_minutes = Set(new.duration_minutes);
        a.documents_ja = Set(new.documents_ja.clone());
        a.documents_en = Set(new.documents_en.clone());
        a.notes_ja = Set(new.notes_ja.clone());
        a.notes_en = Set(new.notes_en.clone());
        a.online_possible = Set(new.online_possible);
        a.life_events = Set(new.life_events.clone());
        let after = a.update(&txn).await?;
        e.after = Some(json(&after));
        append_audit(&txn, &e).await?;
        txn.commit().await?;
        self.counters.forget(municipality);
        Ok(true)
    }
}
