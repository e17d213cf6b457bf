//! Visit appointments (来庁予約): procedures, the staff plans that
//! availability needs, and the write transaction that assigns staff.
//!
//! Creating or moving an appointment runs in one write transaction: it takes
//! the town's appointment lock (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: an
//! advisory lock), reads the staff plans as they are then, assigns each item
//! to a qualified member on duty, not absent and free (`domain::appointment`),
//! and inserts the items. The database itself refuses two active items of
//! one member that overlap (migration 005), whatever the application did.

use chrono::{DateTime, Duration, Utc};
use domain::appointment::{Assigned, ProcedurePlan, StaffPlan, assign};
use domain::schedule::Minute;
use domain::status::AppointmentStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;

use crate::entity::{
    appointment, appointment_item, department, municipality, procedure, staff, staff_absence,
    staff_duty_hours, staff_qualification,
};
use crate::migration::m20261201_000005_appointment_holds::{MAX_ITEM_SECONDS, NO_OVERLAP};
use crate::outbox::{VisitCompose, enqueue};
use crate::{Store, StoreError};

/// The key of a town's appointment lock (PostgreSQL): held by a visit being
/// booked or moved while it reads the staff, and by every change of the
/// staff that visits depend on (absences, qualifications, duty hours).
pub(crate) fn appointment_lock(municipality: i64) -> String {
    format!("appointments:{municipality}")
}

/// How long availability reads may use staff and procedures read before.
/// A change to them empties the town's entry in every process as soon as
/// its change event arrives (see `changes`); absences and appointments are
/// always read fresh, and write transactions read everything fresh.
const COUNTERS_TTL: std::time::Duration = std::time::Duration::from_secs(5);

/// The slowly changing part of a town's counters.
#[derive(Clone, Debug)]
struct StaffStatic {
    members: Vec<staff::Model>,
    qualified: Vec<staff_qualification::Model>,
    duty: Vec<staff_duty_hours::Model>,
}

type Procedures = Vec<(procedure::Model, department::Model)>;

#[derive(Debug, Default)]
pub struct CountersCache {
    towns: std::sync::Mutex<HashMap<i64, (std::time::Instant, Vec<municipality::Model>)>>,
    staff: std::sync::Mutex<HashMap<i64, (std::time::Instant, StaffStatic)>>,
    procedures: std::sync::Mutex<HashMap<i64, (std::time::Instant, Procedures)>>,
}

impl CountersCache {
    /// Drops a town's staff and procedures after a change to them (see
    /// `changes`), so the next read is fresh in every process.
    pub(crate) fn forget(&self, town: i64) {
        if let Ok(mut m) = self.staff.lock() {
            m.remove(&town);
        }
        if let Ok(mut m) = self.procedures.lock() {
            m.remove(&town);
        }
    }

    /// Drops the list of towns (a town was added).
    pub(crate) fn forget_towns(&self) {
        if let Ok(mut m) = self.towns.lock() {
            m.clear();
        }
    }
}

fn cached<T: Clone>(
    map: &std::sync::Mutex<HashMap<i64, (std::time::Instant, T)>>,
    town: i64,
) -> Option<T> {
    let map = map.lock().ok()?;
    map.get(&town)
        .filter(|(at, _)| at.elapsed() < COUNTERS_TTL)
        .map(|(_, v)| v.clone())
}

fn remember<T>(map: &std::sync::Mutex<HashMap<i64, (std::time::Instant, T)>>, town: i64, value: T) {
    if let Ok(mut map) = map.lock() {
        map.insert(town, (std::time::Instant::now(), value));
    }
}

/// An appointment with its items (in time order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppointmentRecord {
    pub row: appointment::Model,
    pub items: Vec<appointment_item::Model>,
}

/// Who comes, for an appointment to create.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub name: String,
    pub name_kana: String,
    pub phone: String,
    pub email: String,
    /// `in_person` or `online`.
    pub mode: String,
    /// The random key of the form (a form sent twice gets the first
    /// appointment back, recognised by this key alone).
    pub request_key: Option<String>,
    /// The signed-in resident's account, whose feed shows the visit.
    pub account_id: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppointmentError {
    /// Some procedure of the visit has no qualified member free then.
    #[error("no capacity")]
    NoCapacity,
    #[error("no such appointment")]
    NotFound,
    /// It is no longer booked (cancelled, served …), or not in the status
    /// the change starts from.
    #[error("the appointment's status does not allow this")]
    WrongStatus,
    /// The contact holds the town's maximum of active bookings and visits.
    #[error("the contact already has {max} active bookings and visits in the town")]
    LimitReached { max: u32 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DbErr> for AppointmentError {
    fn from(e: DbErr) -> Self {
        AppointmentError::Store(StoreError::Db(e))
    }
}

/// An item would overlap another of the same member (the database's rule),
/// or PostgreSQL broke a deadlock between two such inserts.
pub(crate) fn is_overlap_error(e: &DbErr) -> bool {
    matches!(
        crate::bookings::sqlstate(e).as_deref(),
        Some("23P01" | "40P01")
    ) || e.to_string().contains(NO_OVERLAP)
}

fn minute(v: i32) -> Minute {
    Minute::try_from(v.clamp(0, 1440)).unwrap_or(0)
}

impl Store {
    /// The towns of the installation (from a cache at most 5 seconds old).
    pub async fn towns_now(&self) -> Result<Vec<municipality::Model>, StoreError> {
        if let Some(hit) = cached(&self.counters.towns, 0) {
            return Ok(hit);
        }
        let towns = self.municipalities().await?;
        remember(&self.counters.towns, 0, towns.clone());
        Ok(towns)
    }

    /// The procedures of a town, by department then id (from a cache at
    /// most 5 seconds old).
    pub async fn procedures(
        &self,
        municipality: i64,
    ) -> Result<Vec<(procedure::Model, department::Model)>, StoreError> {
        if let Some(hit) = cached(&self.counters.procedures, municipality) {
            return Ok(hit);
        }
        let departments: HashMap<i64, department::Model> = self
            .departments(municipality)
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        let rows = procedure::Entity::find()
            .filter(procedure::Column::DepartmentId.is_in(departments.keys().copied()))
            .order_by_asc(procedure::Column::DepartmentId)
            .order_by_asc(procedure::Column::Id)
            .all(&self.db)
            .await?;
        let out: Procedures = rows
            .into_iter()
            .filter_map(|p| departments.get(&p.department_id).cloned().map(|d| (p, d)))
            .collect();
        remember(&self.counters.procedures, municipality, out.clone());
        Ok(out)
    }

    async fn staff_static(
        &self,
        db: &impl ConnectionTrait,
        municipality: i64,
    ) -> Result<StaffStatic, StoreError> {
        let members = staff::Entity::find()
            .filter(staff::Column::MunicipalityId.eq(municipality))
            .filter(staff::Column::Active.eq(true))
            .order_by_asc(staff::Column::Id)
            .all(db)
            .await?;
        let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
        let qualified = staff_qualification::Entity::find()
            .filter(staff_qualification::Column::StaffId.is_in(ids.clone()))
            .all(db)
            .await?;
        let duty = staff_duty_hours::Entity::find()
            .filter(staff_duty_hours::Column::StaffId.is_in(ids))
            .order_by_asc(staff_duty_hours::Column::StartMinute)
            .all(db)
            .await?;
        Ok(StaffStatic {
            members,
            qualified,
            duty,
        })
    }

    /// As [`Store::staff_plans`] for reads outside a transaction: staff,
    /// qualifications and duty hours may come from a cache at most 5
    /// seconds old; absences and appointments are read now.
    pub async fn staff_plans_now(
        &self,
        municipality: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        except: Option<i64>,
    ) -> Result<Vec<StaffPlan>, StoreError> {
        let fixed = match cached(&self.counters.staff, municipality) {
            Some(hit) => hit,
            None => {
                let fresh = self.staff_static(&self.db, municipality).await?;
                remember(&self.counters.staff, municipality, fresh.clone());
                fresh
            }
        };
        self.plans_with(&self.db, fixed, from, to, except).await
    }

    /// The staff plans of a town within `[from, to)` as they are now in the
    /// database (not from the cache), for staff deciding about absences.
    pub async fn staff_plans_fresh(
        &self,
        municipality: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        except: Option<i64>,
    ) -> Result<Vec<StaffPlan>, StoreError> {
        self.staff_plans(&self.db, municipality, from, to, except)
            .await
    }

    /// The staff plans of a town for scheduling within `[from, to)`: who is
    /// qualified for what, weekly duty, and absences and active items then
    /// (the items of `except`, an appointment being moved, left out).
    pub(crate) async fn staff_plans(
        &self,
        db: &impl ConnectionTrait,
        municipality: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        except: Option<i64>,
    ) -> Result<Vec<StaffPlan>, StoreError> {
        let fixed = self.staff_static(db, municipality).await?;
        self.plans_with(db, fixed, from, to, except).await
    }

    async fn plans_with(
        &self,
        db: &impl ConnectionTrait,
        fixed: StaffStatic,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        except: Option<i64>,
    ) -> Result<Vec<StaffPlan>, StoreError> {
        let StaffStatic {
            members,
            qualified,
            duty,
        } = fixed;
        let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
        let absences = staff_absence::Entity::find()
            .filter(staff_absence::Column::StaffId.is_in(ids.clone()))
            .filter(staff_absence::Column::StartAt.lt(to))
            .filter(staff_absence::Column::EndAt.gt(from))
            .all(db);
        let mut items = appointment_item::Entity::find()
            .filter(appointment_item::Column::StaffId.is_in(ids))
            .filter(appointment_item::Column::Active.eq(true))
            .filter(appointment_item::Column::StartS.gt(from.timestamp() - MAX_ITEM_SECONDS))
            .filter(appointment_item::Column::StartS.lt(to.timestamp()))
            .filter(appointment_item::Column::EndS.gt(from.timestamp()));
        if let Some(except) = except {
            items = items.filter(appointment_item::Column::AppointmentId.ne(except));
        }
        // Only the member and the Unix seconds: no timestamp text to parse.
        let items = items
            .select_only()
            .column(appointment_item::Column::StaffId)
            .column(appointment_item::Column::StartS)
            .column(appointment_item::Column::EndS)
            .into_tuple::<(i64, i64, i64)>()
            .all(db);
        // Both at once: on a pool they run on two connections.
        let (absences, items) = tokio::join!(absences, items);
        let (absences, items) = (absences?, items?);
        let instant = |s: i64| DateTime::from_timestamp(s, 0).unwrap_or_default();
        Ok(members
            .into_iter()
            .map(|m| {
                let mut plan = StaffPlan {
                    id: m.id,
                    qualified: qualified
                        .iter()
                        .filter(|q| q.staff_id == m.id)
                        .map(|q| q.procedure_id)
                        .collect(),
                    duty: Default::default(),
                    busy: absences
                        .iter()
                        .filter(|a| a.staff_id == m.id)
                        .map(|a| (a.start_at, a.end_at))
                        .chain(
                            items
                                .iter()
                                .filter(|(staff, _, _)| *staff == m.id)
                                .map(|&(_, start, end)| (instant(start), instant(end))),
                        )
                        .collect(),
                };
                for d in duty.iter().filter(|d| d.staff_id == m.id) {
                    if let Some(day) = usize::try_from(d.weekday)
                        .ok()
                        .and_then(|w| plan.duty.get_mut(w))
                    {
                        day.push((minute(d.start_minute), minute(d.end_minute)));
                    }
                }
                plan
            })
            .collect())
    }

    /// Books a visit for `procedures` (back to back from `start`), assigning
    /// staff inside the write transaction. `NoCapacity` when some item has
    /// nobody free, including when another request took the last member
    /// first. All or nothing.
    #[expect(
        clippy::too_many_arguments,
        reason = "the visit, its time and the mail written with it"
    )]
    pub async fn create_appointment(
        &self,
        municipality: i64,
        tz: chrono_tz::Tz,
        procedures: &[ProcedurePlan],
        start: DateTime<Utc>,
        visitor: &Visitor,
        now: DateTime<Utc>,
        mail: VisitCompose<'_>,
    ) -> Result<AppointmentRecord, AppointmentError> {
        for _ in 0..5 {
            match self
                .write_appointment(
                    municipality,
                    tz,
                    procedures,
                    start,
                    Some(visitor),
                    None,
                    now,
                    mail,
                )
                .await
            {
                Err(AppointmentError::Store(StoreError::Db(e))) if is_duplicate(&e) => {}
                other => return other,
            }
        }
        Err(StoreError::Corrupt("five duplicate reference codes in a row".into()).into())
    }

    /// Moves a booked appointment to `start` (same procedures), with staff
    /// assigned afresh; its old items stop holding time in the same
    /// transaction (they are replaced).
    pub async fn reschedule_appointment(
        &self,
        id: i64,
        tz: chrono_tz::Tz,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
        mail: VisitCompose<'_>,
    ) -> Result<AppointmentRecord, AppointmentError> {
        let current = self
            .appointment(id)
            .await?
            .ok_or(AppointmentError::NotFound)?;
        if current.row.status != AppointmentStatus::Booked {
            return Err(AppointmentError::WrongStatus);
        }
        let mut plans = Vec::new();
        for item in &current.items {
            let duration = (item.end_at - item.start_at).num_minutes();
            plans.push(ProcedurePlan {
                id: item.procedure_id,
                duration: Minute::try_from(duration).unwrap_or(0),
            });
        }
        self.write_appointment(
            current.row.municipality_id,
            tz,
            &plans,
            start,
            None,
            Some(&current),
            now,
            mail,
        )
        .await
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "create and move share one transaction"
    )]
    async fn write_appointment(
        &self,
        municipality: i64,
        tz: chrono_tz::Tz,
        procedures: &[ProcedurePlan],
        start: DateTime<Utc>,
        visitor: Option<&Visitor>,
        moving: Option<&AppointmentRecord>,
        now: DateTime<Utc>,
        mail: VisitCompose<'_>,
    ) -> Result<AppointmentRecord, AppointmentError> {
        let total: i64 = procedures.iter().map(|p| i64::from(p.duration)).sum();
        let end = start + Duration::minutes(total);
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        Self::advisory_lock(&txn, &appointment_lock(municipality)).await?;
        let row = match moving {
            Some(m) => {
                // Still booked, now that the lock is held.
                let fresh = appointment::Entity::find_by_id(m.row.id)
                    .one(&txn)
                    .await?
                    .ok_or(AppointmentError::NotFound)?;
                if fresh.status != AppointmentStatus::Booked {
                    return Err(AppointmentError::WrongStatus);
                }
                fresh
            }
            None => {
                let v = visitor.ok_or(AppointmentError::NotFound)?;
                if let Some(key) = &v.request_key {
                    let earlier = appointment::Entity::find()
                        .filter(appointment::Column::RequestKey.eq(key.as_str()))
                        .one(&txn)
                        .await?;
                    if let Some(row) = earlier {
                        drop(txn);
                        return Ok(self.with_items(row).await?);
                    }
                }
                Self::advisory_locks(
                    &txn,
                    &[&format!("email:{}", v.email), &format!("phone:{}", v.phone)],
                )
                .await?;
                let held =
                    crate::bookings::contact_held(&txn, municipality, &[], &v.email, &v.phone, now)
                        .await?;
                if held.town >= u64::from(domain::booking::TOWN_ACTIVE_LIMIT) {
                    return Err(AppointmentError::LimitReached {
                        max: domain::booking::TOWN_ACTIVE_LIMIT,
                    });
                }
                let model = appointment::ActiveModel {
                    id: NotSet,
                    municipality_id: Set(municipality),
                    reference: Set(crate::bookings::new_reference()?),
                    name: Set(v.name.clone()),
                    name_kana: Set(v.name_kana.clone()),
                    phone: Set(v.phone.clone()),
                    email: Set(v.email.clone()),
                    mode: Set(v.mode.clone()),
                    status: Set(AppointmentStatus::Booked),
                    created_at: Set(now),
                    cancelled_at: Set(None),
                    needs_contact: Set(false),
                    request_key: Set(v.request_key.clone()),
                    sequence: NotSet,
                    modified_s: NotSet,
                    account_id: Set(v.account_id),
                };
                appointment::Entity::insert(model)
                    .exec_with_returning(&txn)
                    .await?
            }
        };
        let plans = self
            .staff_plans(&txn, municipality, start, end, moving.map(|m| m.row.id))
            .await?;
        let assigned = assign(tz, procedures, &plans, start).ok_or(AppointmentError::NoCapacity)?;
        if moving.is_some() {
            // The old times are given up in the same transaction.
            appointment_item::Entity::delete_many()
                .filter(appointment_item::Column::AppointmentId.eq(row.id))
                .exec(&txn)
                .await?;
        }
        let items = Self::insert_items(&txn, row.id, &assigned).await?;
        // As stored now: a move raised its SEQUENCE (a trigger).
        let row = appointment::Entity::find_by_id(row.id)
            .one(&txn)
            .await?
            .unwrap_or(row);
        let record = AppointmentRecord { row, items };
        if let Some(m) = mail(&record) {
            enqueue(&txn, m, now).await?;
        }
        txn.commit().await?;
        Ok(record)
    }

    async fn insert_items(
        txn: &impl ConnectionTrait,
        appointment: i64,
        assigned: &[Assigned],
    ) -> Result<Vec<appointment_item::Model>, AppointmentError> {
        let mut items = Vec::with_capacity(assigned.len());
        for a in assigned {
            let model = appointment_item::ActiveModel {
                id: NotSet,
                appointment_id: Set(appointment),
                procedure_id: Set(a.procedure),
                staff_id: Set(a.staff),
                counter_id: Set(None),
                start_at: Set(a.start),
                end_at: Set(a.end),
                start_s: Set(a.start.timestamp()),
                end_s: Set(a.end.timestamp()),
                active: Set(true),
            };
            match appointment_item::Entity::insert(model)
                .exec_with_returning(txn)
                .await
            {
                Ok(item) => items.push(item),
                Err(e) if is_overlap_error(&e) => return Err(AppointmentError::NoCapacity),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(items)
    }

    /// The appointment with this id, and its active items.
    pub async fn appointment(&self, id: i64) -> Result<Option<AppointmentRecord>, StoreError> {
        let Some(row) = appointment::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(None);
        };
        self.with_items(row).await.map(Some)
    }

    /// The appointment with this reference (for a browser that proved it).
    pub async fn appointment_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<AppointmentRecord>, StoreError> {
        let row = appointment::Entity::find()
            .filter(appointment::Column::Reference.eq(reference))
            .one(&self.db)
            .await?;
        match row {
            Some(row) => self.with_items(row).await.map(Some),
            None => Ok(None),
        }
    }

    /// The appointment with this reference, if the e-mail or phone (already
    /// normalised) is the one it was made with; `None` for both "no such
    /// reference" and "wrong contact".
    pub async fn find_appointment(
        &self,
        reference: &str,
        contact: &str,
    ) -> Result<Option<AppointmentRecord>, StoreError> {
        let row = appointment::Entity::find()
            .filter(appointment::Column::Reference.eq(reference))
            .one(&self.db)
            .await?
            .filter(|a| !contact.is_empty() && (a.email == contact || a.phone == contact));
        match row {
            Some(row) => self.with_items(row).await.map(Some),
            None => Ok(None),
        }
    }

    async fn with_items(&self, row: appointment::Model) -> Result<AppointmentRecord, StoreError> {
        // A booked one's items hold time; a cancelled one's keep the times
        // it had without holding them.
        let items = appointment_item::Entity::find()
            .filter(appointment_item::Column::AppointmentId.eq(row.id))
            .order_by_asc(appointment_item::Column::StartS)
            .all(&self.db)
            .await?;
        Ok(AppointmentRecord { row, items })
    }

    /// Cancels a booked appointment; its items stop holding time. Returns
    /// it as it is then.
    pub async fn cancel_appointment(
        &self,
        id: i64,
        now: DateTime<Utc>,
        mail: VisitCompose<'_>,
    ) -> Result<AppointmentRecord, AppointmentError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let done = appointment::Entity::update_many()
            .col_expr(
                appointment::Column::Status,
                Expr::value(AppointmentStatus::Cancelled),
            )
            .col_expr(appointment::Column::CancelledAt, Expr::value(now))
            .filter(appointment::Column::Id.eq(id))
            .filter(appointment::Column::Status.eq(AppointmentStatus::Booked))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(AppointmentError::WrongStatus);
        }
        appointment_item::Entity::update_many()
            .col_expr(appointment_item::Column::Active, Expr::value(false))
            .filter(appointment_item::Column::AppointmentId.eq(id))
            .exec(&txn)
            .await?;
        let row = appointment::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(AppointmentError::NotFound)?;
        let items = appointment_item::Entity::find()
            .filter(appointment_item::Column::AppointmentId.eq(id))
            .order_by_asc(appointment_item::Column::StartS)
            .all(&txn)
            .await?;
        let record = AppointmentRecord { row, items };
        if let Some(m) = mail(&record) {
            enqueue(&txn, m, now).await?;
        }
        txn.commit().await?;
        Ok(record)
    }
}

fn is_duplicate(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
