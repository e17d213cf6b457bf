//! Booking services shared by the server functions (the form flow) and the
//! JSON API: parse the request, apply the unit's rules, compute the fee,
//! create, find and cancel. Rules live in `domain::booking`; the database
//! settles races (`store::bookings`).

use crate::booking::types::{
    AlternativeChoice, BookingBody, BookingDetail, BookingForm, BookingReview, EndChoice,
    EquipmentChoice, FeeBody, FeeLineBody, FeeLineText, FeeText, FieldMessage, ReviewPage,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::applicant::{Applicant, ApplicantInput, BookingField, Contact, FieldProblem, Problem};
use domain::availability::{self, Availability, SlotReason, SlotStatus};
use domain::booking::{self, Equipment, Fee, Refusal, Selection, UnitRules, Yen, cancel_deadline};
use domain::calendar::{DateRange, FIRST_YEAR, LAST_YEAR};
use domain::error::RuleViolation;
use domain::error::{Conflict, DomainError, Missing};
use domain::ids::{EquipmentId, FacilityId, UnitId};
use domain::schedule::local_datetime;
use domain::text::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use store::{BookingRecord, CreateError, FacilityRecord, NewBooking};

use crate::booking::texts::{self as bt, rate_name, resident_text};
use crate::core::error::AppError;
use crate::core::i18n::{self, format_date};
use crate::core::i18n::{date_time, yen};
use crate::core::session::Key;
use crate::core::state::AppState;
use crate::core::time::when_text;

/// A booking request as text, the way the form posts it (and the API's JSON
/// becomes after type checks). Kept in the session between form and review.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingInput {
    /// Set by the form (from the page's address); the API leaves it out.
    pub facility: Option<FacilityId>,
    pub unit_id: String,
    pub start: String,
    pub end: String,
    pub applicant: ApplicantInput,
    pub equipment: Vec<String>,
    /// Staff only (代行予約): why the booking window is set aside. Ignored
    /// for anyone else; the API never sets it.
    #[serde(default)]
    pub override_reason: String,
}

/// The answers being filled in, kept between the form and the review.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Draft {
    pub input: BookingInput,
    /// Bumped on every change so pages refetch and a stale tab cannot
    /// confirm answers it has not shown.
    pub version: u32,
    /// Why the last confirm failed, shown on the review page once.
    pub last_error: Option<AppError>,
    /// A random key made with the draft and stored with the booking it
    /// makes: a confirm sent twice finds that booking by this key (never
    /// by contact data, which anyone may know).
    #[serde(default)]
    pub key: String,
}

/// The answers being filled in (forgotten once booked).
pub const DRAFT: Key<Draft> = Key::new("draft");

impl BookingInput {
    /// Reads the API's JSON body, reporting each field of the wrong type.
    pub fn from_json(v: &serde_json::Value) -> Result<BookingInput, DomainError> {
        use serde_json::Value;
        let mut problems = Vec::new();
        let mut text = |field: BookingField| -> String {
            match v.get(field.as_str()) {
                Some(Value::String(s)) => s.clone(),
                None | Some(Value::Null) => String::new(),
                Some(_) => {
                    problems.push(FieldProblem {
                        field,
                        problem: Problem::NotText,
                    });
                    String::new()
                }
            }
        };
        let start = text(BookingField::Start);
        let end = text(BookingField::End);
        let name = text(BookingField::Name);
        let name_kana = text(BookingField::NameKana);
        let phone = text(BookingField::Phone);
        let email = text(BookingField::Email);
        let purpose = text(BookingField::Purpose);
        let number =
            |field: BookingField, problems: &mut Vec<FieldProblem>| match v.get(field.as_str()) {
                Some(Value::Number(n)) => match n.as_i64() {
                    Some(i) => i.to_string(),
                    None => {
                        problems.push(FieldProblem {
                            field,
                            problem: Problem::NotANumber,
                        });
                        String::new()
                    }
                },
                None | Some(Value::Null) => String::new(),
                Some(_) => {
                    problems.push(FieldProblem {
                        field,
                        problem: Problem::NotANumber,
                    });
                    String::new()
                }
            };
        let unit_id = number(BookingField::UnitId, &mut problems);
        let attendees = number(BookingField::Attendees, &mut problems);
        let resident = match v.get("resident") {
            Some(Value::Bool(b)) => b.to_string(),
            None | Some(Value::Null) => String::new(),
            Some(_) => {
                problems.push(FieldProblem {
                    field: BookingField::Resident,
                    problem: Problem::NotAChoice,
                });
                String::new()
            }
        };
        let equipment = match v.get("equipment") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) if items.iter().all(|i| i.as_i64().is_some()) => items
                .iter()
                .filter_map(Value::as_i64)
                .map(|i| i.to_string())
                .collect(),
            Some(_) => {
                problems.push(FieldProblem {
                    field: BookingField::Equipment,
                    problem: Problem::UnknownChoice,
                });
                Vec::new()
            }
        };
        if !problems.is_empty() {
            return Err(DomainError::Fields(problems));
        }
        Ok(BookingInput {
            facility: None,
            unit_id,
            start,
            end,
            applicant: ApplicantInput {
                name,
                name_kana,
                phone,
                email,
                purpose,
                attendees,
                resident,
            },
            equipment,
            override_reason: String::new(),
        })
    }
}

/// What a booking form is for, and the answers to fill it with.
pub struct FormFor {
    pub facility: FacilityId,
    pub unit: UnitId,
    pub start: DateTime<Utc>,
    /// The chosen end, if any (else the first possible one).
    pub end: Option<DateTime<Utc>>,
    pub values: ApplicantInput,
    /// Ids of the equipment ticked.
    pub equipment: Vec<String>,
    /// `Some` (the reason typed so far) when staff managing the facility
    /// book on a resident's behalf: slots outside the window are offered
    /// and the form asks why.
    pub override_reason: Option<String>,
}

/// An RFC 3339 instant within the supported years.
fn parse_instant(raw: &str) -> Result<DateTime<Utc>, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Problem::Required);
    }
    let t = DateTime::parse_from_rfc3339(raw).map_err(|_| Problem::DateTimeFormat)?;
    let year = chrono::Datelike::year(&t);
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(Problem::DateTimeFormat);
    }
    Ok(t.with_timezone(&Utc))
}

fn parse_id(raw: &str) -> Result<i64, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Problem::Required);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or(Problem::NotANumber)
}

/// The request with every field typed, before the rules.
struct Parsed {
    unit: UnitId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    applicant: Applicant,
    equipment: Vec<EquipmentId>,
    override_reason: Option<String>,
}

fn parse(input: &BookingInput) -> Result<Parsed, DomainError> {
    let mut problems = Vec::new();
    let mut check = |field, r: Result<(), Problem>| {
        if let Err(problem) = r {
            problems.push(FieldProblem { field, problem });
        }
    };
    let unit = parse_id(&input.unit_id);
    check(BookingField::UnitId, unit.map(drop));
    let start = parse_instant(&input.start);
    check(BookingField::Start, start.map(drop));
    let end = parse_instant(&input.end);
    check(BookingField::End, end.map(drop));
    let mut equipment = Vec::new();
    for raw in &input.equipment {
        match parse_id(raw) {
            Ok(id) if !equipment.contains(&EquipmentId(id)) => equipment.push(EquipmentId(id)),
            Ok(_) => {}
            Err(_) => check(BookingField::Equipment, Err(Problem::UnknownChoice)),
        }
    }
    // One order for everyone: equipment locks are taken in this order.
    equipment.sort();
    let override_reason = domain::applicant::check_override_reason(&input.override_reason);
    check(
        BookingField::OverrideReason,
        override_reason.as_ref().map(drop).map_err(|p| *p),
    );
    let applicant = input.applicant.parse();
    if let Err(more) = &applicant {
        problems.extend(more.iter().copied());
    }
    match (unit, start, end, applicant, override_reason) {
        (Ok(unit), Ok(start), Ok(end), Ok(applicant), Ok(override_reason))
            if problems.is_empty() =>
        {
            Ok(Parsed {
                unit: UnitId(unit),
                start,
                end,
                applicant,
                equipment,
                override_reason,
            })
        }
        _ => Err(DomainError::Fields(problems)),
    }
}

fn field_error(field: BookingField, problem: Problem) -> AppError {
    AppError::Domain(DomainError::Fields(vec![FieldProblem { field, problem }]))
}

/// A request checked against every rule that does not need the database's
/// final word, with its fee.
pub struct Prepared {
    pub facility: FacilityRecord,
    unit_index: usize,
    pub selection: Selection,
    pub applicant: Applicant,
    pub equipment: Vec<Equipment>,
    pub fee: Fee,
    /// Set when staff book outside the window with this written reason.
    pub override_reason: Option<String>,
}

impl Prepared {
    fn rules(&self) -> &UnitRules {
        &self.facility.units[self.unit_index].rules
    }
}

fn refusal(r: Refusal) -> AppError {
    match r {
        Refusal::Rule(v) => AppError::Domain(DomainError::Rule(v)),
        Refusal::Taken => AppError::Domain(DomainError::Conflict(Conflict::SlotTaken)),
    }
}

/// How far ahead alternatives are searched.
const ALTERNATIVE_DAYS: i64 = 14;

impl AppState {
    /// The facility a unit belongs to, loaded with its rules.
    pub(crate) async fn unit_facility(
        &self,
        unit: UnitId,
    ) -> Result<(FacilityRecord, usize), AppError> {
        let Some(fid) = self.store.unit_facility(unit).await? else {
            return Err(field_error(BookingField::UnitId, Problem::UnknownChoice));
        };
        let f = self
            .store
            .facility(fid)
            .await?
            .ok_or(AppError::Domain(DomainError::NotFound(Missing::Facility)))?;
        let i = f
            .units
            .iter()
            .position(|u| u.id == unit)
            .ok_or(AppError::Domain(DomainError::NotFound(Missing::Unit)))?;
        Ok((f, i))
    }

    /// Checks a request against the rules and prices it; writes nothing.
    /// `staff` is true for a member managing the facility (代行予約): they
    /// may book outside the booking window when they write why.
    pub async fn prepare(&self, input: &BookingInput, staff: bool) -> Result<Prepared, AppError> {
        let p = parse(input)?;
        let override_reason = p.override_reason.filter(|_| staff);
        let (f, i) = self.unit_facility(p.unit).await?;
        if input.facility.is_some_and(|id| id != f.id) {
            return Err(field_error(BookingField::UnitId, Problem::UnknownChoice));
        }
        let equipment: Vec<Equipment> = p
            .equipment
            .iter()
            .map(|id| f.equipment.iter().find(|e| e.id == *id).cloned())
            .collect::<Option<_>>()
            .ok_or_else(|| field_error(BookingField::Equipment, Problem::UnknownChoice))?;
        let now = self.now();
        let ids: Vec<UnitId> = f.units.iter().map(|u| u.id).collect();
        let span = Duration::hours(store::MAX_BOOKING_HOURS);
        let busy = self
            .store
            .busy(&ids, p.start - span, p.end + span, now)
            .await?;
        let selection = match &override_reason {
            Some(_) => booking::select_outside_window(&f.plan, p.unit, p.start, p.end, &busy, now),
            None => booking::select(&f.plan, p.unit, p.start, p.end, &busy, now),
        }
        .map_err(|r| match r {
            // Staff are told the way through: write why.
            Refusal::Rule(
                RuleViolation::WindowNotOpen { .. } | RuleViolation::WindowClosed { .. },
            ) if staff => field_error(BookingField::OverrideReason, Problem::Required),
            r => refusal(r),
        })?;
        let unit_plan = &f.plan.units[i];
        let rules = &f.units[i].rules;
        let now_local = now.with_timezone(&f.plan.tz).naive_local();
        // The residence only decides which window applies; a written
        // override sets every window aside.
        let window_as_resident = p.applicant.resident || override_reason.is_some();
        booking::check_rules(
            &selection,
            unit_plan,
            rules,
            p.applicant.attendees,
            window_as_resident,
            now_local,
        )
        .map_err(|v| match v {
            RuleViolation::WindowNotOpen { .. } if staff => {
                field_error(BookingField::OverrideReason, Problem::Required)
            }
            v => AppError::Domain(DomainError::Rule(v)),
        })?;
        let refs: Vec<&Equipment> = equipment.iter().collect();
        let fee = booking::fee(&selection, unit_plan, rules, p.applicant.resident, &refs);
        Ok(Prepared {
            facility: f,
            unit_index: i,
            selection,
            applicant: p.applicant,
            equipment,
            fee,
            override_reason,
        })
    }

    /// Creates the booking; the database has the last word on the time.
    /// `request_key` (the API's `Idempotency-Key`) makes a repeated request
    /// answer with the booking the first one made.
    pub async fn create_booking(
        &self,
        input: &BookingInput,
        request_key: Option<String>,
    ) -> Result<BookingRecord, AppError> {
        self.create_booking_as(input, None, None, request_key).await
    }

    /// Creates the booking; `staff` is the member booking on a resident's
    /// behalf (代行予約), recorded on the booking and in the audit log. The
    /// resident is mailed. `account` is the signed-in resident's account,
    /// where the booking is listed.
    pub async fn create_booking_as(
        &self,
        input: &BookingInput,
        staff: Option<&crate::core::auth::Staff>,
        account: Option<i64>,
        request_key: Option<String>,
    ) -> Result<BookingRecord, AppError> {
        let p = self.prepare(input, staff.is_some()).await?;
        let now = self.now();
        let rules = p.rules();
        let new = NewBooking {
            unit: p.selection.unit,
            leaves: booking::space_leaves(&p.facility.plan.units, p.selection.unit),
            start: p.selection.start,
            end: p.selection.end,
            // The hold never outlasts the start of the booking itself.
            pending_until: rules.requires_approval.then(|| {
                (now + Duration::hours(i64::from(rules.pending_hold_hours))).min(p.selection.start)
            }),
            applicant: p.applicant.clone(),
            fee: p.fee.clone(),
            equipment: p.equipment.iter().map(|e| (e.id, e.quantity)).collect(),
            facility_units: p.facility.units.iter().map(|u| u.id).collect(),
            max_active: p.facility.max_active_bookings,
            created_by_staff: staff.map(|s| s.id),
            override_reason: p.override_reason.clone(),
            account_id: account,
            municipality_id: p.facility.municipality.0,
            request_key,
            audit: staff.map(|s| store::AuditEntry {
                municipality_id: s.municipality,
                actor: s.audit_name(),
                action: "booking.proxy".into(),
                target: String::new(),
                before: None,
                after: Some(serde_json::json!({
                    "unit": p.selection.unit.0,
                    "start": p.selection.start,
                    "end": p.selection.end,
                    "override_reason": p.override_reason,
                })),
                at: now,
            }),
        };
        let mail = |row: &store::entity::booking::Model| {
            let event = if row.status == "pending" {
                crate::booking::mail::MailEvent::Requested
            } else {
                crate::booking::mail::MailEvent::Confirmed
            };
            self.mail_for(row, &p.facility, p.unit_index, event)
        };
        let record = self
            .store
            .create_booking(&new, now, &mail)
            .await
            .map_err(|e| match e {
                CreateError::Taken => AppError::Domain(DomainError::Conflict(Conflict::SlotTaken)),
                CreateError::EquipmentUnavailable => {
                    AppError::Domain(DomainError::Conflict(Conflict::EquipmentUnavailable))
                }
                CreateError::LimitReached { max } => {
                    AppError::Domain(DomainError::Rule(RuleViolation::LimitReached { max }))
                }
                CreateError::TownLimitReached { max } => {
                    AppError::Domain(DomainError::Rule(RuleViolation::TownLimitReached { max }))
                }
                CreateError::Store(e) => e.into(),
            })?;
        tracing::info!(
            booking = record.row.id,
            unit = new.unit.0,
            "booking created"
        );
        self.mailer.wake();
        Ok(record)
    }

    /// The booking with this reference, if `contact` is the one it was made with.
    pub async fn find_booking(
        &self,
        reference: &str,
        contact: &str,
    ) -> Result<BookingRecord, AppError> {
        let not_found = AppError::Domain(DomainError::NotFound(Missing::Booking));
        let contact = Contact::parse(contact).map_err(|p| field_error(BookingField::Contact, p))?;
        let Some(reference) = domain::reference::normalize(reference) else {
            return Err(not_found);
        };
        // A few wrong contacts lock the reference for the hour.
        let key = format!("booking:{reference}");
        self.reference_attempt(&key).await?;
        let record = self.store.booking(&reference).await?;
        let found = record.filter(|r| match &contact {
            Contact::Email(e) => r.row.email == *e,
            Contact::Phone(p) => r.row.phone == *p,
        });
        match found {
            Some(record) => {
                self.reference_passed(&key).await?;
                Ok(record)
            }
            None => Err(not_found),
        }
    }

    /// The booking by reference alone: for a browser session that already proved it.
    pub async fn booking_by_reference(&self, reference: &str) -> Result<BookingRecord, AppError> {
        let not_found = AppError::Domain(DomainError::NotFound(Missing::Booking));
        let reference = domain::reference::normalize(reference).ok_or(not_found.clone())?;
        self.store.booking(&reference).await?.ok_or(not_found)
    }

    /// Cancels a booking before its unit's cancellation deadline.
    pub async fn cancel(&self, record: &BookingRecord) -> Result<(), AppError> {
        let (f, i) = self.unit_facility(UnitId(record.row.unit_id)).await?;
        let now = self.now();
        let status = record.status(now);
        if !matches!(status, "pending" | "confirmed") {
            return Err(AppError::Domain(DomainError::Conflict(
                Conflict::AlreadyCancelled,
            )));
        }
        if deadline_passed(&f, i, &record.row, now) {
            return Err(AppError::Domain(DomainError::Conflict(
                Conflict::CancelDeadlinePassed { phone: f.phone },
            )));
        }
        let mail = |row: &store::entity::booking::Model| {
            self.mail_for(row, &f, i, crate::booking::mail::MailEvent::Cancelled)
        };
        self.store
            .cancel_booking(domain::ids::BookingId(record.row.id), now, &mail)
            .await
            .map_err(|e| match e {
                store::ChangeError::NotFound => {
                    AppError::Domain(DomainError::NotFound(Missing::Booking))
                }
                store::ChangeError::WrongStatus(_) => {
                    AppError::Domain(DomainError::Conflict(Conflict::AlreadyCancelled))
                }
                store::ChangeError::Store(e) => e.into(),
            })?;
        tracing::info!(booking = record.row.id, "booking cancelled");
        self.mailer.wake();
        Ok(())
    }

    /// The API body of a booking.
    pub async fn booking_body(
        &self,
        record: &BookingRecord,
        lang: Lang,
    ) -> Result<BookingBody, AppError> {
        let (f, i) = self.unit_facility(UnitId(record.row.unit_id)).await?;
        let tz = f.plan.tz;
        let r = &record.row;
        let lines: Vec<booking::FeeLine> = serde_json::from_str(&r.fee_lines).unwrap_or_default();
        let deadline = deadline_of(&f, i, r);
        let offset = |t: DateTime<Utc>| t.with_timezone(&tz).fixed_offset();
        Ok(BookingBody {
            reference: r.reference.clone(),
            status: record.status(self.now()).to_owned(),
            facility_id: f.id,
            unit_id: UnitId(r.unit_id),
            unit_name: f.units[i].name.get(lang).to_owned(),
            start: offset(r.start_at),
            end: offset(r.end_at),
            name: r.name.clone(),
            name_kana: r.name_kana.clone(),
            phone: r.phone.clone(),
            email: r.email.clone(),
            purpose: r.purpose.clone(),
            attendees: u32::try_from(r.attendees).unwrap_or(0),
            resident: r.resident,
            equipment: record.equipment.clone(),
            fee: FeeBody {
                total_yen: r.fee_total_yen,
                lines: lines
                    .iter()
                    .map(|l| FeeLineBody {
                        label: l.label.get(lang).to_owned(),
                        rate: l.rate,
                        quantity: l.quantity,
                        unit_yen: l.unit_yen.0,
                        amount_yen: l.amount_yen.0,
                    })
                    .collect(),
            },
            cancel_deadline: availability::to_utc(tz, deadline)
                .map(offset)
                .unwrap_or_else(|| offset(r.start_at)),
            expires_at: r.expires_at.filter(|_| r.status == "pending").map(offset),
        })
    }

    /// The booking as its owner reads it.
    pub async fn booking_detail(
        &self,
        record: &BookingRecord,
        lang: Lang,
    ) -> Result<BookingDetail, AppError> {
        let (f, i) = self.unit_facility(UnitId(record.row.unit_id)).await?;
        Ok(self.detail_in(&f, i, record, lang))
    }

    /// The booking as its owner reads it, with its facility at hand.
    pub(crate) fn detail_in(
        &self,
        f: &FacilityRecord,
        i: usize,
        record: &BookingRecord,
        lang: Lang,
    ) -> BookingDetail {
        let tz = f.plan.tz;
        let r = &record.row;
        let now = self.now();
        let status = record.status(now).to_owned();
        let lines: Vec<booking::FeeLine> = serde_json::from_str(&r.fee_lines).unwrap_or_default();
        let local_start = r.start_at.with_timezone(&tz).naive_local();
        let deadline = deadline_of(f, i, r);
        let can_cancel =
            matches!(status.as_str(), "pending" | "confirmed") && !deadline_passed(f, i, r, now);
        BookingDetail {
            reference: r.reference.clone(),
            status_text: bt::status_text(lang, &status).to_owned(),
            pending_until: r
                .expires_at
                .filter(|_| status == "pending")
                .map(|t| date_time(lang, t.with_timezone(&tz).naive_local())),
            status,
            facility_id: f.id,
            facility_name: f.name.get(lang).to_owned(),
            facility_phone: f.phone.clone(),
            facility_address: f.address.get(lang).to_owned(),
            unit_name: f.units[i].name.get(lang).to_owned(),
            date: local_start.date(),
            when_text: when_text(lang, r.start_at, r.end_at, tz),
            name: r.name.clone(),
            name_kana: r.name_kana.clone(),
            phone: r.phone.clone(),
            email: r.email.clone(),
            purpose: r.purpose.clone(),
            attendees: u32::try_from(r.attendees).unwrap_or(0),
            resident_text: resident_text(lang, r.resident).to_owned(),
            equipment: record
                .equipment
                .iter()
                .filter_map(|id| f.equipment.iter().find(|e| e.id == *id))
                .map(|e| e.name.get(lang).to_owned())
                .collect(),
            fee: fee_text(lang, Yen(r.fee_total_yen), &lines),
            cancel_deadline: date_time(lang, deadline),
            can_cancel,
        }
    }

    /// The booking form for a unit from a start time, with the person's
    /// earlier answers (if any) filled in.
    pub async fn booking_form(&self, req: FormFor, lang: Lang) -> Result<BookingForm, AppError> {
        let FormFor {
            facility,
            unit,
            start,
            end,
            values,
            equipment,
            override_reason,
        } = req;
        let staff = override_reason.is_some();
        let (f, i) = self.unit_facility(unit).await?;
        if f.id != facility {
            return Err(AppError::Domain(DomainError::NotFound(Missing::Unit)));
        }
        let tz = f.plan.tz;
        let date = start.with_timezone(&tz).date_naive();
        let now = self.now();
        let a = self.availability_for(&f, date, date, now).await?;
        let slots = &a.units[i].slots;
        let rules = &f.units[i].rules;
        let t = bt::texts(lang);
        let mut ends = Vec::new();
        if let Some(first) = slots.iter().position(|s| s.start == start) {
            for (n, s) in slots[first..].iter().enumerate() {
                let count = u32::try_from(n + 1).unwrap_or(u32::MAX);
                let bookable = s.status == SlotStatus::Free
                    || (staff
                        && (s.status == SlotStatus::NotYetOpen
                            || s.reason == Some(SlotReason::WindowClosed)));
                if !bookable || count > rules.max_slots {
                    break;
                }
                if count < rules.min_slots {
                    continue;
                }
                let label = crate::core::state::slot_label(&f.plan.units[i], s.template, lang);
                let time = s.end.with_timezone(&tz).format("%-H:%M").to_string();
                ends.push(EndChoice {
                    value: s.end.with_timezone(&tz).to_rfc3339(),
                    text: match label {
                        Some(l) => (t.until_period)(&time, &l),
                        None => time,
                    },
                });
            }
        }
        let chosen_end = end
            .map(|e| e.with_timezone(&tz).to_rfc3339())
            .filter(|e| ends.iter().any(|c| &c.value == e))
            .or_else(|| ends.first().map(|c| c.value.clone()))
            .unwrap_or_default();
        let mut rules_text = vec![
            (t.rule_slots)(rules.min_slots, rules.max_slots),
            (t.rule_capacity)(rules.capacity),
        ];
        if rules.requires_approval {
            rules_text.push(t.rule_approval.to_owned());
        }
        let local_start = start.with_timezone(&tz).naive_local();
        rules_text.push(format!(
            "{}: {}",
            t.cancel_deadline_label,
            date_time(lang, cancel_deadline(rules, local_start))
        ));
        let notice = if ends.is_empty() {
            let status = slots.iter().find(|s| s.start == start);
            Some(match status.map(|s| (&s.status, &s.reason)) {
                Some((SlotStatus::Booked, _)) => {
                    crate::core::messages::conflict_message(lang, &Conflict::SlotTaken)
                }
                Some((_, Some(reason))) => format!(
                    "{} ({})",
                    t.nothing_to_book,
                    i18n::slot_reason(lang, reason)
                ),
                _ => t.nothing_to_book.to_owned(),
            })
        } else {
            None
        };
        Ok(BookingForm {
            facility_id: f.id,
            facility_name: f.name.get(lang).to_owned(),
            unit_id: unit,
            unit_name: f.units[i].name.get(lang).to_owned(),
            capacity: rules.capacity,
            date,
            when_text: (t.from_time)(
                &format_date(lang, date),
                &local_start.format("%-H:%M").to_string(),
            ),
            start: start.with_timezone(&tz).to_rfc3339(),
            ends,
            end: chosen_end,
            equipment: f
                .equipment
                .iter()
                .map(|e| EquipmentChoice {
                    id: e.id,
                    name: e.name.get(lang).to_owned(),
                    fee: (t.per_period)(&yen(lang, e.fee_per_slot)),
                    checked: equipment.contains(&e.id.to_string()),
                })
                .collect(),
            values,
            errors: Vec::new(),
            notice,
            alternatives: Vec::new(),
            rules: rules_text,
            day_href: format!("/facilities/{}/days/{date}", f.id),
            edit_href: form_href(f.id, unit, start, end, tz),
            override_reason,
        })
    }

    async fn availability_for(
        &self,
        f: &FacilityRecord,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Availability, AppError> {
        let tz = f.plan.tz;
        let edge = |d: NaiveDate| availability::to_utc_at_or_after(tz, local_datetime(d, 0));
        let (Some(a), Some(b)) = (edge(from), edge(to + Duration::days(1))) else {
            return Err(AppError::Domain(DomainError::NotFound(Missing::Unit)));
        };
        let ids: Vec<UnitId> = f.units.iter().map(|u| u.id).collect();
        let busy = self.store.busy(&ids, a, b, now).await?;
        Ok(availability::compute(
            &f.plan,
            DateRange { from, to },
            &busy,
            now,
        ))
    }

    /// Free times near a request that cannot be booked as asked.
    pub async fn alternatives(
        &self,
        input: &BookingInput,
        lang: Lang,
    ) -> Result<Vec<AlternativeChoice>, AppError> {
        let p = parse(input)?;
        let (f, _) = self.unit_facility(p.unit).await?;
        let tz = f.plan.tz;
        let now = self.now();
        let date = p.start.with_timezone(&tz).date_naive();
        let a = self
            .availability_for(&f, date, date + Duration::days(ALTERNATIVE_DAYS), now)
            .await?;
        let Some(wanted_slots) = a.units.iter().find(|u| u.unit == p.unit).map(|u| {
            u.slots
                .iter()
                .filter(|s| s.start >= p.start && s.end <= p.end)
                .cloned()
                .collect::<Vec<_>>()
        }) else {
            return Ok(Vec::new());
        };
        let wanted = Selection {
            unit: p.unit,
            date,
            start: p.start,
            end: p.end,
            slots: wanted_slots,
            holiday: None,
        };
        let capacities: BTreeMap<UnitId, u32> =
            f.units.iter().map(|u| (u.id, u.capacity)).collect();
        let alts = booking::alternatives(&a, &capacities, &wanted, p.applicant.attendees, 5);
        Ok(alts
            .into_iter()
            .map(|alt| {
                let unit = f
                    .units
                    .iter()
                    .find(|u| u.id == alt.unit)
                    .map(|u| u.name.get(lang).to_owned())
                    .unwrap_or_default();
                AlternativeChoice {
                    text: format!("{} {unit}", when_text(lang, alt.start, alt.end, tz)),
                    href: form_href(f.id, alt.unit, alt.start, Some(alt.end), tz),
                }
            })
            .collect())
    }

    /// The review page for the answers kept in the session: the form again
    /// with what to fix, or everything as it will be booked.
    pub async fn review(
        &self,
        input: &BookingInput,
        version: u32,
        last_error: Option<&AppError>,
        lang: Lang,
        staff: bool,
    ) -> Result<ReviewPage, AppError> {
        let (Some(facility), Ok(unit), Ok(start)) = (
            input.facility,
            parse_id(&input.unit_id),
            parse_instant(&input.start),
        ) else {
            return Ok(ReviewPage::Missing);
        };
        let end = parse_instant(&input.end).ok();
        let req = FormFor {
            facility,
            unit: UnitId(unit),
            start,
            end,
            values: input.applicant.clone(),
            equipment: input.equipment.clone(),
            override_reason: staff.then(|| input.override_reason.clone()),
        };
        let mut form = match self.booking_form(req, lang).await {
            Ok(f) => f,
            Err(AppError::Domain(_)) => return Ok(ReviewPage::Missing),
            Err(e) => return Err(e),
        };
        let outcome = match last_error {
            Some(e) => Err(e.clone()),
            None => self.prepare(input, staff).await.map(Some),
        };
        match outcome {
            Ok(Some(p)) => {
                let tz = p.facility.plan.tz;
                let rules = p.rules();
                let t = bt::texts(lang);
                Ok(ReviewPage::Review(BookingReview {
                    when_text: when_text(lang, p.selection.start, p.selection.end, tz),
                    resident_text: resident_text(lang, p.applicant.resident).to_owned(),
                    equipment: p
                        .equipment
                        .iter()
                        .map(|e| e.name.get(lang).to_owned())
                        .collect(),
                    fee: fee_text(lang, p.fee.total_yen, &p.fee.lines),
                    cancel_deadline: date_time(
                        lang,
                        cancel_deadline(rules, p.selection.start.with_timezone(&tz).naive_local()),
                    ),
                    pending_note: rules
                        .requires_approval
                        .then(|| (t.pending_note)(rules.pending_hold_hours)),
                    override_reason: p.override_reason.clone(),
                    version,
                    form,
                }))
            }
            Ok(None) => Ok(ReviewPage::Missing),
            Err(AppError::Domain(DomainError::Fields(problems))) => {
                form.errors = problems
                    .iter()
                    .map(|p| FieldMessage {
                        field: p.field,
                        message: crate::core::messages::problem_message(lang, p.field, p.problem),
                    })
                    .collect();
                Ok(ReviewPage::Form(form))
            }
            Err(AppError::Domain(e)) => {
                form.notice = Some(crate::core::messages::error_message(
                    lang,
                    &AppError::Domain(e.clone()),
                ));
                if matches!(
                    e,
                    DomainError::Conflict(Conflict::SlotTaken)
                        | DomainError::Rule(
                            RuleViolation::ClosedDay { .. }
                                | RuleViolation::WindowClosed { .. }
                                | RuleViolation::OverCapacity { .. }
                                | RuleViolation::InPast
                        )
                ) {
                    form.alternatives = self.alternatives(input, lang).await.unwrap_or_default();
                }
                Ok(ReviewPage::Form(form))
            }
            Err(e) => Err(e),
        }
    }

    /// The `.ics` file of one booking (its owner's copy, with the facility
    /// and reference but none of the personal details).
    pub async fn booking_ics(
        &self,
        record: &BookingRecord,
        lang: Lang,
    ) -> Result<String, AppError> {
        let (f, i) = self.unit_facility(UnitId(record.row.unit_id)).await?;
        Ok(self.ics_in(&f, i, record, lang))
    }

    /// The `.ics` file, with the booking's facility at hand.
    pub(crate) fn ics_in(
        &self,
        f: &FacilityRecord,
        i: usize,
        record: &BookingRecord,
        lang: Lang,
    ) -> String {
        let d = self.detail_in(f, i, record, lang);
        let r = &record.row;
        crate::core::ics::booking(&crate::core::ics::IcsBooking {
            uid: format!("booking-{}@town-booking", r.reference),
            start: r.start_at,
            end: r.end_at,
            stamp: r.created_at,
            summary: format!("{} {}", d.facility_name, d.unit_name),
            location: format!("{} {}", d.facility_name, d.facility_address),
            description: format!(
                "{}: {}\n{}: {}",
                bt::texts(lang).reference_label,
                r.reference,
                bt::texts(lang).status_label,
                d.status_text
            ),
            cancelled: matches!(d.status.as_str(), "cancelled" | "expired"),
        })
    }
}

/// The booking form's address for a unit, start and (optional) end.
pub fn form_href(
    facility: FacilityId,
    unit: UnitId,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
    tz: chrono_tz::Tz,
) -> String {
    let s = start.with_timezone(&tz);
    let mut href = format!(
        "/facilities/{facility}/book?unit={unit}&date={}&time={}",
        s.date_naive(),
        s.format("%H:%M")
    );
    if let Some(e) = end {
        href.push_str(&format!("&until={}", e.with_timezone(&tz).format("%H:%M")));
    }
    href
}

/// A stored booking's cancellation deadline, in the facility's local time.
fn deadline_of(
    f: &FacilityRecord,
    unit: usize,
    row: &store::entity::booking::Model,
) -> chrono::NaiveDateTime {
    cancel_deadline(
        &f.units[unit].rules,
        row.start_at.with_timezone(&f.plan.tz).naive_local(),
    )
}

/// Whether online cancellation has closed for a stored booking.
fn deadline_passed(
    f: &FacilityRecord,
    unit: usize,
    row: &store::entity::booking::Model,
    now: DateTime<Utc>,
) -> bool {
    now.with_timezone(&f.plan.tz).naive_local() > deadline_of(f, unit, row)
}

fn fee_text(lang: Lang, total: Yen, lines: &[booking::FeeLine]) -> FeeText {
    FeeText {
        total: yen(lang, total),
        lines: lines
            .iter()
            .map(|l| FeeLineText {
                label: l.label.get(lang).to_owned(),
                detail: format!(
                    "{} {} × {}",
                    rate_name(lang, l.rate),
                    yen(lang, l.unit_yen),
                    l.quantity
                ),
                amount: yen(lang, l.amount_yen),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_fields_of_the_wrong_type_are_named() {
        let body = serde_json::json!({
            "unit_id": "two",
            "start": 5,
            "attendees": "12",
            "resident": "yes",
            "equipment": ["a"],
            "name": "山田",
        });
        let Err(DomainError::Fields(p)) = BookingInput::from_json(&body) else {
            panic!("expected field problems");
        };
        let fields: Vec<BookingField> = p.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            vec![
                BookingField::Start,
                BookingField::UnitId,
                BookingField::Attendees,
                BookingField::Resident,
                BookingField::Equipment
            ]
        );
        let ok = serde_json::json!({"unit_id": 2, "attendees": 3, "resident": false, "equipment": [1, 2]});
        let input = BookingInput::from_json(&ok).unwrap();
        assert_eq!(input.unit_id, "2");
        assert_eq!(input.applicant.resident, "false");
        assert_eq!(input.equipment, vec!["1", "2"]);
    }

    #[test]
    fn instants_must_have_an_offset_and_a_sane_year() {
        assert!(parse_instant("2026-12-08T13:00:00+09:00").is_ok());
        assert_eq!(
            parse_instant("2026-12-08 13:00"),
            Err(Problem::DateTimeFormat)
        );
        assert_eq!(
            parse_instant("9999-12-08T13:00:00+09:00"),
            Err(Problem::DateTimeFormat)
        );
        assert_eq!(parse_instant(""), Err(Problem::Required));
    }
}
