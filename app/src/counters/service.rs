//! The counter side of visit appointments (窓口): each service checks the
//! actor (admins, or counter staff of the department) before reading; a
//! day's list with statuses, status changes, absences with a decision for
//! every appointment they meet, and the waiting display (reference codes
//! only). Changes are audited in their own transaction (`store::counters`).

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use domain::appointment::StaffPlan;
use domain::error::{Conflict, DomainError, Field, InvalidReason, Missing};
use domain::status::AppointmentStatus;
use domain::text::Lang;
use store::{AbsenceDecision, AbsenceError, AppointmentRecord, NewAbsence};

use crate::console::service::me;
use crate::core::access::entry;
use crate::core::access::{Actor, Staff};
use crate::core::error::{AppError, AuthError};
use crate::core::i18n::date_time;
use crate::core::i18n::format_date;
use crate::core::state::AppState;
use crate::core::types::Choice;
use crate::counters::types::{
    AbsenceCollision, AbsencePage, AbsenceValues, CounterDay, CounterLine, WaitingDisplay,
};
use crate::visits::service::day_bounds;
use crate::visits::texts::{action_text, status_text};
use domain::status::Role;

/// The status changes offered from each status: (action, from, to).
const CHANGES: [(&str, &[AppointmentStatus], AppointmentStatus); 4] = [
    (
        "check_in",
        &[AppointmentStatus::Booked],
        AppointmentStatus::CheckedIn,
    ),
    (
        "serve",
        &[AppointmentStatus::CheckedIn],
        AppointmentStatus::Serving,
    ),
    (
        "done",
        &[AppointmentStatus::CheckedIn, AppointmentStatus::Serving],
        AppointmentStatus::Done,
    ),
    (
        "no_show",
        &[AppointmentStatus::Booked],
        AppointmentStatus::NoShow,
    ),
];

fn invalid(field: Field) -> AppError {
    AppError::Domain(DomainError::invalid(field, InvalidReason::Malformed))
}

impl AppState {
    /// The departments this member serves (every one for an admin).
    async fn counter_departments(&self, s: &Staff, lang: Lang) -> Result<Vec<Choice>, AppError> {
        Ok(self
            .store
            .departments(s.municipality)
            .await?
            .into_iter()
            .filter(|d| s.role == Role::Admin || s.departments.contains(&d.id))
            .map(|d| Choice {
                id: d.id,
                name: if lang == Lang::Ja {
                    d.name_ja
                } else {
                    d.name_en
                },
            })
            .collect())
    }

    /// The procedure → department map of the town.
    async fn procedure_departments(
        &self,
        town: i64,
    ) -> Result<Vec<(i64, i64, String, String)>, AppError> {
        Ok(self
            .store
            .procedures(town)
            .await?
            .into_iter()
            .map(|(p, _)| (p.id, p.department_id, p.name_ja, p.name_en))
            .collect())
    }

    /// Whether an appointment has a procedure of one of `departments`.
    fn touches(
        r: &AppointmentRecord,
        procedures: &[(i64, i64, String, String)],
        departments: &[i64],
    ) -> bool {
        r.items.iter().any(|i| {
            procedures
                .iter()
                .any(|(p, d, _, _)| *p == i.procedure_id && departments.contains(d))
        })
    }

    /// Refuses anyone who is not counter staff or an admin of the town.
    pub async fn counter_access(&self, actor: &Actor) -> Result<(), AppError> {
        let (town, _) = self.town().await?;
        actor.counter_staff(None, town).map(drop)
    }

    /// `/console/visits?date=…`.
    pub async fn counter_day(
        &self,
        actor: &Actor,
        lang: Lang,
        date: Option<&str>,
    ) -> Result<CounterDay, AppError> {
        let (town, tz) = self.town().await?;
        let s = actor.counter_staff(None, town)?;
        let date = match date.map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => domain::calendar::parse_date(Field::Date, d)?,
            None => self.now().with_timezone(&tz).date_naive(),
        };
        let departments = self.counter_departments(&s, lang).await?;
        let scope: Vec<i64> = departments.iter().map(|d| d.id).collect();
        let procedures = self.procedure_departments(town).await?;
        let staff = self.store.staff_members(town).await?;
        let (from, to) = day_bounds(tz, date).ok_or(invalid(Field::Date))?;
        // Read before the list: a change in between is replayed, not lost.
        let version = self.store.latest_change_id().await?;
        let records = self.store.appointments_between(town, from, to).await?;
        let lines = records
            .iter()
            .filter(|r| Self::touches(r, &procedures, &scope))
            .map(|r| {
                let first = r.items.first();
                CounterLine {
                    id: r.row.id,
                    reference: r.row.reference.clone(),
                    visitor: r.row.name.clone(),
                    when: first
                        .map(|i| date_time(lang, i.start_at.with_timezone(&tz).naive_local()))
                        .unwrap_or_default(),
                    items: r
                        .items
                        .iter()
                        .map(|i| {
                            let p = procedures
                                .iter()
                                .find(|(id, _, _, _)| *id == i.procedure_id)
                                .map(|(_, _, ja, en)| {
                                    if lang == Lang::Ja {
                                        ja.clone()
                                    } else {
                                        en.clone()
                                    }
                                })
                                .unwrap_or_default();
                            let who = staff
                                .iter()
                                .find(|m| m.id == i.staff_id)
                                .map(|m| m.display_name.clone())
                                .unwrap_or_default();
                            let (open, close) = if lang == Lang::Ja {
                                ("（", "）")
                            } else {
                                (" (", ")")
                            };
                            format!(
                                "{}–{} {p}{open}{who}{close}",
                                i.start_at.with_timezone(&tz).format("%-H:%M"),
                                i.end_at.with_timezone(&tz).format("%-H:%M")
                            )
                        })
                        .collect(),
                    status: r.row.status.code().to_owned(),
                    status_text: status_text(lang, r.row.status).to_owned(),
                    needs_contact: r.row.needs_contact,
                    actions: CHANGES
                        .iter()
                        .filter(|(_, from, _)| from.contains(&r.row.status))
                        .map(|(a, _, _)| ((*a).to_owned(), action_text(lang, a).to_owned()))
                        .collect(),
                }
            })
            .collect();
        Ok(CounterDay {
            me: Some(me(&s, lang)),
            date: date.to_string(),
            date_text: format_date(lang, date),
            prev: (date - Duration::days(1)).to_string(),
            next: (date + Duration::days(1)).to_string(),
            lines,
            departments,
            flash: None,
            version,
        })
    }

    /// A status change at the counter, for an appointment of the member's
    /// departments; audited.
    pub async fn counter_status(
        &self,
        actor: &Actor,
        id: i64,
        action: &str,
    ) -> Result<(), AppError> {
        let (town, _) = self.town().await?;
        let s = actor.counter_staff(None, town)?;
        let (_, from, to) = CHANGES
            .iter()
            .find(|(a, _, _)| *a == action)
            .ok_or(invalid(Field::Action))?;
        let r = self
            .store
            .appointment(id)
            .await?
            .filter(|r| r.row.municipality_id == town)
            .ok_or(AppError::Domain(DomainError::NotFound(
                Missing::Appointment,
            )))?;
        let scope: Vec<i64> = self
            .counter_departments(&s, Lang::Ja)
            .await?
            .iter()
            .map(|d| d.id)
            .collect();
        if !Self::touches(&r, &self.procedure_departments(town).await?, &scope) {
            return Err(AppError::Auth(AuthError::Forbidden));
        }
        let mut e = entry(
            &s,
            domain::status::AuditAction::AppointmentStatus,
            format!("appointment:{}", r.row.reference),
            self.now(),
        );
        e.before = Some(serde_json::json!({ "status": r.row.status.code() }));
        e.after = Some(serde_json::json!({ "status": to.code() }));
        self.store
            .set_appointment_status(id, from, *to, &e)
            .await
            .map_err(|e| match e {
                store::AppointmentError::Store(e) => e.into(),
                _ => AppError::Domain(DomainError::Conflict(Conflict::AlreadyCancelled)),
            })
    }

    /// A member of the town whose absences this staff member may record
    /// (admins: anyone; counter staff: their departments' members).
    pub(crate) async fn plannable(
        &self,
        s: &Staff,
        town: i64,
        staff_id: i64,
    ) -> Result<store::entity::staff::Model, AppError> {
        let member = self
            .store
            .staff_members(town)
            .await?
            .into_iter()
            .find(|m| m.id == staff_id)
            .ok_or(AppError::Auth(AuthError::Forbidden))?;
        let in_scope = s.role == Role::Admin
            || member
                .department_id
                .is_some_and(|d| s.departments.contains(&d));
        if !in_scope {
            return Err(AppError::Auth(AuthError::Forbidden));
        }
        Ok(member)
    }

    /// The absence form's values as instants, for a member the actor may
    /// plan (admins: anyone; counter staff: their departments' members).
    async fn absence_input(
        &self,
        s: &Staff,
        v: &AbsenceValues,
    ) -> Result<(NewAbsence, Tz, i64), AppError> {
        let (town, tz) = self.town().await?;
        let staff_id = v
            .staff
            .trim()
            .parse::<i64>()
            .map_err(|_| invalid(Field::Scope))?;
        self.plannable(s, town, staff_id).await?;
        let date = domain::calendar::parse_date(Field::Date, &v.date)?;
        let start =
            crate::core::time::local_instant(tz, date, &v.from).ok_or(invalid(Field::StartTime))?;
        let end =
            crate::core::time::local_instant(tz, date, &v.to).ok_or(invalid(Field::EndTime))?;
        if end <= start {
            return Err(AppError::Domain(DomainError::invalid(
                Field::EndTime,
                InvalidReason::EndBeforeStart,
            )));
        }
        let reason = v.reason.trim();
        if reason.chars().count() > 200 {
            return Err(invalid(Field::Reason));
        }
        Ok((
            NewAbsence {
                staff: staff_id,
                start,
                end,
                reason: reason.to_owned(),
            },
            tz,
            town,
        ))
    }

    /// `/console/visits/absence`: the form, and with `values` the
    /// appointments the absence would meet and who could take each over.
    pub async fn absence_page(
        &self,
        actor: &Actor,
        lang: Lang,
        values: Option<AbsenceValues>,
    ) -> Result<AbsencePage, AppError> {
        let (town, tz) = self.town().await?;
        let s = actor.counter_staff(None, town)?;
        let members = self.store.staff_members(town).await?;
        let staff: Vec<Choice> = members
            .iter()
            .filter(|m| {
                s.role == Role::Admin || m.department_id.is_some_and(|d| s.departments.contains(&d))
            })
            .map(|m| Choice {
                id: m.id,
                name: m.display_name.clone(),
            })
            .collect();
        let mut page = AbsencePage {
            me: Some(me(&s, lang)),
            staff,
            values: values.clone().unwrap_or_default(),
            collisions: None,
            flash: None,
        };
        let Some(values) = values else {
            return Ok(page);
        };
        let (a, _, _) = self.absence_input(&s, &values).await?;
        let collisions = self
            .absence_collisions(town, tz, lang, a.staff, &[(a.start, a.end)])
            .await?;
        page.collisions = Some(collisions);
        Ok(page)
    }

    /// Records the absence with a decision per appointment it meets
    /// (`"ITEM:move:STAFF"` or `"ITEM:contact"`); audited.
    pub async fn save_absence(
        &self,
        actor: &Actor,
        values: &AbsenceValues,
        decisions: &[String],
    ) -> Result<(), AppError> {
        let (town, tz) = self.town().await?;
        let s = actor.counter_staff(None, town)?;
        let (a, _, _) = self.absence_input(&s, values).await?;
        let parsed = parse_absence_decisions(decisions)?;
        self.check_moves(town, tz, a.staff, &[(a.start, a.end)], &parsed)
            .await?;
        let mut e = entry(
            &s,
            domain::status::AuditAction::StaffAbsenceCreate,
            String::new(),
            self.now(),
        );
        e.after = Some(serde_json::json!({
            "staff": a.staff, "start": a.start, "end": a.end, "reason": a.reason,
            "decisions": decisions,
        }));
        self.store
            .add_absence(&a, &parsed, &e)
            .await
            .map(drop)
            .map_err(|e| match e {
                AbsenceError::Undecided => {
                    AppError::Domain(DomainError::Conflict(Conflict::AbsenceUndecided))
                }
                AbsenceError::Taken => {
                    AppError::Domain(DomainError::Conflict(Conflict::NoCapacity))
                }
                AbsenceError::Store(e) => e.into(),
            })
    }

    /// `/display/:department`: who is being served and who is next, by
    /// reference code only (no names), for today.
    pub async fn waiting_display(
        &self,
        lang: Lang,
        department: i64,
    ) -> Result<WaitingDisplay, AppError> {
        let (town, tz) = self.town().await?;
        let d = self
            .store
            .departments(town)
            .await?
            .into_iter()
            .find(|d| d.id == department)
            .ok_or(AppError::Domain(DomainError::NotFound(Missing::Department)))?;
        let today = self.now().with_timezone(&tz).date_naive();
        let (from, to) = day_bounds(tz, today).ok_or(invalid(Field::Date))?;
        let procedures = self.procedure_departments(town).await?;
        let records: Vec<AppointmentRecord> = self
            .store
            .appointments_between(town, from, to)
            .await?
            .into_iter()
            .filter(|r| Self::touches(r, &procedures, &[department]))
            .collect();
        let of = |status: AppointmentStatus| -> Vec<String> {
            records
                .iter()
                .filter(|r| r.row.status == status)
                .map(|r| r.row.reference.clone())
                .collect()
        };
        Ok(WaitingDisplay {
            department: if lang == Lang::Ja {
                d.name_ja
            } else {
                d.name_en
            },
            serving: of(AppointmentStatus::Serving),
            next: of(AppointmentStatus::CheckedIn),
            updated: self.now().with_timezone(&tz).format("%-H:%M").to_string(),
        })
    }
}

impl AppState {
    /// The appointment items an absence of `staff` over `spans` would meet,
    /// each with who could take it over.
    pub(crate) async fn absence_collisions(
        &self,
        town: i64,
        tz: Tz,
        lang: Lang,
        staff: i64,
        spans: &[(DateTime<Utc>, DateTime<Utc>)],
    ) -> Result<Vec<AbsenceCollision>, AppError> {
        let members = self.store.staff_members(town).await?;
        let procedures = self.procedure_departments(town).await?;
        let mut collisions: Vec<AbsenceCollision> = Vec::new();
        for (start, end) in spans {
            for item in self.store.items_met_now(staff, *start, *end).await? {
                if collisions.iter().any(|c| c.item == item.id) {
                    continue;
                }
                let r = self.store.appointment(item.appointment_id).await?;
                let plans = self
                    .store
                    .staff_plans_fresh(town, item.start_at, item.end_at, None)
                    .await?;
                collisions.push(AbsenceCollision {
                    item: item.id,
                    reference: r.map(|r| r.row.reference).unwrap_or_default(),
                    procedure: procedures
                        .iter()
                        .find(|(id, _, _, _)| *id == item.procedure_id)
                        .map(|(_, _, ja, en)| {
                            if lang == Lang::Ja {
                                ja.clone()
                            } else {
                                en.clone()
                            }
                        })
                        .unwrap_or_default(),
                    when: format!(
                        "{}–{}",
                        date_time(lang, item.start_at.with_timezone(&tz).naive_local()),
                        item.end_at.with_timezone(&tz).format("%-H:%M")
                    ),
                    candidates: candidates(tz, &plans, &members, staff, &item),
                });
            }
        }
        Ok(collisions)
    }

    /// Refuses a decision to move an item to a member who cannot really
    /// serve it then (qualified, on duty, free).
    pub(crate) async fn check_moves(
        &self,
        town: i64,
        tz: Tz,
        staff: i64,
        spans: &[(DateTime<Utc>, DateTime<Utc>)],
        decisions: &[(i64, AbsenceDecision)],
    ) -> Result<(), AppError> {
        let members = self.store.staff_members(town).await?;
        let mut met = Vec::new();
        for (start, end) in spans {
            met.extend(self.store.items_met_now(staff, *start, *end).await?);
        }
        for (item, decision) in decisions {
            if let AbsenceDecision::MoveTo(to) = decision {
                let i = met
                    .iter()
                    .find(|i| i.id == *item)
                    .ok_or(invalid(Field::Action))?;
                let plans = self
                    .store
                    .staff_plans_fresh(town, i.start_at, i.end_at, None)
                    .await?;
                if !candidates(tz, &plans, &members, staff, i)
                    .iter()
                    .any(|c| c.id == *to)
                {
                    return Err(AppError::Domain(DomainError::Conflict(
                        Conflict::NoCapacity,
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Decisions as the form sends them: `"ITEM:move:STAFF"` or `"ITEM:contact"`.
pub(crate) fn parse_absence_decisions(
    decisions: &[String],
) -> Result<Vec<(i64, AbsenceDecision)>, AppError> {
    let mut parsed = Vec::new();
    for d in decisions {
        let mut parts = d.split(':');
        let item = parts
            .next()
            .and_then(|x| x.parse::<i64>().ok())
            .ok_or(invalid(Field::Action))?;
        let decision = match (parts.next(), parts.next()) {
            (Some("contact"), None) => AbsenceDecision::Contact,
            (Some("move"), Some(to)) => {
                AbsenceDecision::MoveTo(to.parse::<i64>().map_err(|_| invalid(Field::Action))?)
            }
            _ => return Err(invalid(Field::Action)),
        };
        parsed.push((item, decision));
    }
    Ok(parsed)
}

/// Who could take over `item` from `absent`: qualified, on duty, free then.
pub(crate) fn candidates(
    tz: Tz,
    plans: &[StaffPlan],
    members: &[store::entity::staff::Model],
    absent: i64,
    item: &store::entity::appointment_item::Model,
) -> Vec<Choice> {
    plans
        .iter()
        .filter(|p| {
            p.id != absent && p.can_serve(tz, item.procedure_id, item.start_at, item.end_at)
        })
        .filter_map(|p| {
            members.iter().find(|m| m.id == p.id).map(|m| Choice {
                id: m.id,
                name: m.display_name.clone(),
            })
        })
        .collect()
}
