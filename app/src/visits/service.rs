//! Visit-appointment services (来庁予約), shared by the JSON API and, later,
//! the pages: list procedures, the free start times of a day, book a visit
//! of one or more procedures, find, cancel and move it. Scheduling rules live
//! in `domain::appointment`; the store assigns staff inside its write
//! transaction and the database refuses double assignment.

use crate::visits::types::{
    AppointmentBody, AppointmentItemBody, ProcedureAvailability, ProcedureSummary, TimeOption,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::applicant::{Contact, VisitorDetails};
use domain::appointment::{self as ap, ClosedDay, ProcedurePlan};
use domain::error::{Conflict, DomainError, Field, InvalidReason, Missing};
use domain::text::Lang;
use store::entity::procedure;
use store::{AppointmentError, AppointmentRecord, Visitor};

use crate::core::error::AppError;
use crate::core::state::AppState;
use crate::visits::mail::VisitMail;
use crate::visits::procedures::summary;

/// A visit request as the API's JSON gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct AppointmentInput {
    pub procedure_ids: Vec<i64>,
    pub start: String,
    pub name: String,
    pub name_kana: String,
    pub phone: String,
    pub email: String,
    /// `in_person` (the default) or `online`.
    #[serde(default)]
    pub mode: String,
    /// The form's key or the API's `Idempotency-Key` (a request sent twice).
    #[serde(default)]
    pub request_key: Option<String>,
}

fn invalid(field: Field, reason: InvalidReason) -> AppError {
    AppError::Domain(DomainError::invalid(field, reason))
}

fn not_found(what: Missing) -> AppError {
    AppError::Domain(DomainError::NotFound(what))
}

fn store_error(e: AppointmentError) -> AppError {
    match e {
        AppointmentError::NoCapacity => {
            AppError::Domain(DomainError::Conflict(Conflict::NoCapacity))
        }
        AppointmentError::NotFound => not_found(Missing::Appointment),
        AppointmentError::WrongStatus => {
            AppError::Domain(DomainError::Conflict(Conflict::AlreadyCancelled))
        }
        AppointmentError::LimitReached { max } => AppError::Domain(DomainError::Rule(
            domain::error::RuleViolation::TownLimitReached { max },
        )),
        AppointmentError::Store(e) => e.into(),
    }
}

pub(crate) fn plan(p: &procedure::Model) -> ProcedurePlan {
    ProcedurePlan {
        id: p.id,
        duration: u32::try_from(p.duration_minutes).unwrap_or(0),
    }
}

/// The town's midnight-to-midnight of `date`, in UTC.
pub(crate) fn day_bounds(tz: Tz, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let at = |d: NaiveDate| {
        domain::availability::to_utc_at_or_after(tz, domain::schedule::local_datetime(d, 0))
    };
    Some((at(date)?, at(date + Duration::days(1))?))
}

impl AppState {
    /// The request's town and its zone: the one its address named, or the
    /// installation's only town (several and none named: not found).
    pub async fn town(&self) -> Result<(i64, Tz), AppError> {
        let towns = self.store.towns_now().await?;
        let town = match self.town {
            Some(id) => towns.into_iter().find(|t| t.id == id),
            None if towns.len() == 1 => towns.into_iter().next(),
            None => None,
        }
        .ok_or(AppError::Domain(DomainError::NotFound(Missing::Town)))?;
        Ok((
            town.id,
            town.time_zone.parse().unwrap_or(chrono_tz::Asia::Tokyo),
        ))
    }

    /// Every procedure of the town, by department.
    pub async fn procedures(&self, lang: Lang) -> Result<Vec<ProcedureSummary>, AppError> {
        let (town, _) = self.town().await?;
        Ok(self
            .store
            .procedures(town)
            .await?
            .iter()
            .map(|(p, d)| summary(lang, p, d))
            .collect())
    }

    /// The procedures of `ids`, in that order: 1 to `MAX_ITEMS`, distinct,
    /// all of the town.
    pub(crate) async fn visit_procedures(
        &self,
        town: i64,
        ids: &[i64],
    ) -> Result<Vec<procedure::Model>, AppError> {
        if ids.is_empty() {
            return Err(invalid(Field::ProcedureIds, InvalidReason::Missing));
        }
        if ids.len() > ap::MAX_ITEMS {
            let max = u32::try_from(ap::MAX_ITEMS).unwrap_or(u32::MAX);
            return Err(invalid(Field::ProcedureIds, InvalidReason::TooMany { max }));
        }
        let all = self.store.procedures(town).await?;
        let mut out: Vec<procedure::Model> = Vec::with_capacity(ids.len());
        for id in ids {
            if out.iter().any(|p| p.id == *id) {
                return Err(invalid(Field::ProcedureIds, InvalidReason::Malformed));
            }
            let p = all
                .iter()
                .find(|(p, _)| p.id == *id)
                .map(|(p, _)| p.clone())
                .ok_or(not_found(Missing::Procedure))?;
            out.push(p);
        }
        Ok(out)
    }

    /// The free start times of a visit on `date` (local), and why the
    /// office is closed that day if it is; the items of `except` (a visit
    /// being moved) do not count as busy.
    pub(crate) async fn options(
        &self,
        town: i64,
        tz: Tz,
        procedures: &[ProcedurePlan],
        date: NaiveDate,
        except: Option<i64>,
    ) -> Result<(Vec<ap::StartOption>, Option<ClosedDay>), AppError> {
        let holidays = domain::holidays::holidays_between(date, date);
        let closed = ap::closed_day(date, &holidays);
        let Some((from, to)) = day_bounds(tz, date) else {
            return Ok((Vec::new(), closed));
        };
        let staff = self.store.staff_plans_now(town, from, to, except).await?;
        let now = self.now();
        Ok((
            ap::start_options(tz, procedures, &staff, date, &holidays, now),
            closed,
        ))
    }

    /// `GET /api/v1/procedures/{id}/availability?date=…`.
    pub async fn procedure_availability(
        &self,
        id: i64,
        date: &str,
    ) -> Result<ProcedureAvailability, AppError> {
        let date = domain::calendar::parse_date(Field::Date, date)?;
        let (town, tz) = self.town().await?;
        let procedures = self.visit_procedures(town, &[id]).await?;
        let plans: Vec<ProcedurePlan> = procedures.iter().map(plan).collect();
        let (options, closed) = self.options(town, tz, &plans, date, None).await?;
        let text = |t: DateTime<Utc>| t.with_timezone(&tz).to_rfc3339();
        Ok(ProcedureAvailability {
            procedure_id: id,
            date: date.to_string(),
            times: options
                .iter()
                .map(|o| TimeOption {
                    start: text(o.start),
                    end: text(o.end),
                    remaining: o.remaining,
                })
                .collect(),
            closed: closed.map(|c| {
                match c {
                    ClosedDay::Weekend => "weekend",
                    ClosedDay::Holiday(_) => "holiday",
                    ClosedDay::YearEnd => "year_end",
                }
                .to_owned()
            }),
        })
    }

    /// Checks that `start` is a start time the office offers for this visit
    /// at all (grid, duty hours, open day, lead time), whoever is busy.
    async fn offered_start(
        &self,
        town: i64,
        tz: Tz,
        plans: &[ProcedurePlan],
        raw: &str,
    ) -> Result<DateTime<Utc>, AppError> {
        let start = DateTime::parse_from_rfc3339(raw.trim())
            .map_err(|_| invalid(Field::Start, InvalidReason::Malformed))?
            .with_timezone(&Utc);
        let date = start.with_timezone(&tz).date_naive();
        if !(domain::calendar::FIRST_YEAR..=domain::calendar::LAST_YEAR)
            .contains(&chrono::Datelike::year(&date))
        {
            return Err(invalid(Field::Start, InvalidReason::OutOfSupportedYears));
        }
        let holidays = domain::holidays::holidays_between(date, date);
        let (from, to) =
            day_bounds(tz, date).ok_or(invalid(Field::Start, InvalidReason::NotOffered))?;
        let mut staff = self.store.staff_plans_now(town, from, to, None).await?;
        // Who is busy is for the write transaction to decide.
        for m in &mut staff {
            m.busy.clear();
        }
        let offered = ap::start_options(tz, plans, &staff, date, &holidays, self.now())
            .iter()
            .any(|o| o.start == start);
        if offered {
            Ok(start)
        } else {
            Err(invalid(Field::Start, InvalidReason::NotOffered))
        }
    }

    /// Books a visit. Bad input is refused before anything is written; the
    /// visit is all or nothing. `account` is the signed-in resident's
    /// account, whose own feed shows the visit.
    pub async fn book_appointment(
        &self,
        input: &AppointmentInput,
        account: Option<i64>,
        lang: Lang,
    ) -> Result<AppointmentBody, AppError> {
        let details =
            VisitorDetails::parse(&input.name, &input.name_kana, &input.phone, &input.email)
                .map_err(|p| AppError::Domain(DomainError::Fields(p)))?;
        let mode = match input.mode.trim() {
            "" | "in_person" => "in_person",
            "online" => "online",
            _ => return Err(invalid(Field::Mode, InvalidReason::Malformed)),
        };
        let (town, tz) = self.town().await?;
        let procedures = self.visit_procedures(town, &input.procedure_ids).await?;
        if mode == "online" && procedures.iter().any(|p| !p.online_possible) {
            return Err(invalid(Field::Mode, InvalidReason::NotOffered));
        }
        let plans: Vec<ProcedurePlan> = procedures.iter().map(plan).collect();
        let start = self.offered_start(town, tz, &plans, &input.start).await?;
        let visitor = Visitor {
            name: details.name,
            name_kana: details.name_kana,
            phone: details.phone,
            email: details.email,
            mode: mode.to_owned(),
            request_key: input.request_key.clone(),
            account_id: account,
        };
        let facts = self.visit_facts(town).await?;
        let now = self.now();
        let mail = |r: &AppointmentRecord| facts.mail(VisitMail::Booked, r, now);
        let record = self
            .store
            .create_appointment(town, tz, &plans, start, &visitor, now, &mail)
            .await
            .map_err(store_error)?;
        self.mailer.wake();
        tracing::info!(appointment = record.row.id, "appointment booked");
        self.appointment_body(&record, tz, lang).await
    }

    async fn appointment_body(
        &self,
        r: &AppointmentRecord,
        tz: Tz,
        lang: Lang,
    ) -> Result<AppointmentBody, AppError> {
        let all = self.store.procedures(r.row.municipality_id).await?;
        let text = |t: DateTime<Utc>| t.with_timezone(&tz).to_rfc3339();
        let mut documents: Vec<String> = Vec::new();
        let mut items = Vec::with_capacity(r.items.len());
        for i in &r.items {
            let found = all.iter().find(|(p, _)| p.id == i.procedure_id);
            let s = found.map(|(p, d)| summary(lang, p, d));
            for doc in s.iter().flat_map(|s| s.documents.iter()) {
                if !documents.contains(doc) {
                    documents.push(doc.clone());
                }
            }
            items.push(AppointmentItemBody {
                procedure_id: i.procedure_id,
                procedure: s.map(|s| s.name).unwrap_or_default(),
                start: text(i.start_at),
                end: text(i.end_at),
            });
        }
        Ok(AppointmentBody {
            reference: r.row.reference.clone(),
            status: r.row.status.code().to_owned(),
            mode: r.row.mode.clone(),
            items,
            documents,
        })
    }

    /// The appointment with this reference, for its holder (reference plus
    /// the e-mail or phone it was made with; one answer for "no such
    /// reference" and "wrong contact").
    async fn own_appointment(
        &self,
        reference: &str,
        contact: &str,
    ) -> Result<AppointmentRecord, AppError> {
        let reference: String = reference
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_uppercase)
            .take(32)
            .collect();
        // Visit references are on the public waiting display: a few wrong
        // contacts lock the reference for the hour.
        let key = format!("visit:{reference}");
        self.reference_attempt(&key).await?;
        let contact = match Contact::parse(contact) {
            Ok(Contact::Email(e)) | Ok(Contact::Phone(e)) => e,
            Err(_) => String::new(),
        };
        let found = self.store.find_appointment(&reference, &contact).await?;
        match found.filter(|r| {
            self.check_town(r.row.municipality_id, Missing::Appointment)
                .is_ok()
        }) {
            Some(r) => {
                self.reference_passed(&key).await?;
                Ok(r)
            }
            None => Err(not_found(Missing::Appointment)),
        }
    }

    pub async fn find_appointment(
        &self,
        reference: &str,
        contact: &str,
        lang: Lang,
    ) -> Result<AppointmentBody, AppError> {
        let (_, tz) = self.town().await?;
        let r = self.own_appointment(reference, contact).await?;
        self.appointment_body(&r, tz, lang).await
    }

    pub async fn cancel_appointment(
        &self,
        reference: &str,
        contact: &str,
        lang: Lang,
    ) -> Result<AppointmentBody, AppError> {
        let (town, tz) = self.town().await?;
        let r = self.own_appointment(reference, contact).await?;
        let facts = self.visit_facts(town).await?;
        let now = self.now();
        let mail = |r: &AppointmentRecord| facts.mail(VisitMail::Cancelled, r, now);
        let r = self
            .store
            .cancel_appointment(r.row.id, now, &mail)
            .await
            .map_err(store_error)?;
        self.mailer.wake();
        self.appointment_body(&r, tz, lang).await
    }

    /// Moves the appointment to another free start time (same procedures).
    pub async fn reschedule_appointment(
        &self,
        reference: &str,
        contact: &str,
        start: &str,
        lang: Lang,
    ) -> Result<AppointmentBody, AppError> {
        let (town, tz) = self.town().await?;
        let r = self.own_appointment(reference, contact).await?;
        let plans: Vec<ProcedurePlan> = r
            .items
            .iter()
            .map(|i| ProcedurePlan {
                id: i.procedure_id,
                duration: u32::try_from((i.end_at - i.start_at).num_minutes()).unwrap_or(0),
            })
            .collect();
        let start = self.offered_start(town, tz, &plans, start).await?;
        let facts = self.visit_facts(town).await?;
        let now = self.now();
        let mail = |r: &AppointmentRecord| facts.mail(VisitMail::Moved, r, now);
        let moved = self
            .store
            .reschedule_appointment(r.row.id, tz, start, now, &mail)
            .await
            .map_err(store_error)?;
        self.mailer.wake();
        self.appointment_body(&moved, tz, lang).await
    }
}
