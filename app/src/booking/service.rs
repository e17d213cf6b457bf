//! Booking services shared by the server functions (the form flow) and the
//! JSON API: parse the request, apply the unit's rules, compute the fee,
//! create, find and cancel. Rules live in `domain::booking`; the database
//! settles races (`store::bookings`).

use crate::booking::types::{BookingDetail, FeeLineText, FeeText, ReductionText};
use chrono::{DateTime, Duration, Utc};
use domain::applicant::{Applicant, BookingField, Contact, Problem};
use domain::booking::{self, Equipment, Fee, Refusal, Selection, UnitRules, Yen, cancel_deadline};
use domain::error::RuleViolation;
use domain::error::{Conflict, DomainError, Missing};
use domain::ids::UnitId;
use domain::status::BookingStatus;
use domain::text::Lang;
use store::{BookingRecord, CreateError, FacilityRecord, NewBooking};

use crate::booking::input::*;
use crate::booking::texts::{self as bt, rate_name, resident_text};
use crate::core::error::AppError;
use crate::core::i18n::pick;
use crate::core::i18n::{date_time, yen};
use crate::core::state::AppState;
use crate::core::time::when_text;

/// A request checked against every rule that does not need the database's
/// final word, with its fee.
pub struct Prepared {
    pub facility: FacilityRecord,
    pub(super) unit_index: usize,
    pub selection: Selection,
    pub applicant: Applicant,
    pub equipment: Vec<Equipment>,
    pub fee: Fee,
    /// Set when staff book outside the window with this written reason.
    pub override_reason: Option<String>,
    /// The fee reduction asked for (its category) and the applicant's note.
    pub reduction: Option<(store::entity::fee_reduction::Model, String)>,
}

impl Prepared {
    pub(super) fn rules(&self) -> &UnitRules {
        &self.facility.units[self.unit_index].rules
    }
}

pub(super) fn refusal(r: Refusal) -> AppError {
    match r {
        Refusal::Rule(v) => AppError::Domain(DomainError::Rule(v)),
        Refusal::Taken => AppError::Domain(DomainError::Conflict(Conflict::SlotTaken)),
    }
}

impl AppState {
    /// The facility a unit belongs to, loaded with its rules.
    pub(crate) async fn unit_facility(
        &self,
        unit: UnitId,
    ) -> Result<(FacilityRecord, usize), AppError> {
        let Some(fid) = self.store.unit_facility(unit).await? else {
            return Err(field_error(BookingField::UnitId, Problem::UnknownChoice));
        };
        let f = self.record(fid).await?;
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
        self.prepare_as(input, staff, false).await
    }

    /// Checks a request to wait for a taken time: every rule as if the time
    /// were free, and the time alone (no equipment, no reduction).
    pub async fn prepare_wait(
        &self,
        input: &BookingInput,
        staff: bool,
    ) -> Result<Prepared, AppError> {
        if !input.equipment.is_empty() || !input.reduction.trim().is_empty() {
            return Err(AppError::Domain(DomainError::Conflict(
                Conflict::WaitExtras,
            )));
        }
        self.prepare_as(input, staff, true).await
    }

    async fn prepare_as(
        &self,
        input: &BookingInput,
        staff: bool,
        wait: bool,
    ) -> Result<Prepared, AppError> {
        let p = parse(input)?;
        let override_reason = p.override_reason.filter(|_| staff);
        let (f, i) = self.unit_facility(p.unit).await?;
        if input.facility.is_some_and(|id| id != f.id) {
            return Err(field_error(BookingField::UnitId, Problem::UnknownChoice));
        }
        let equipment: Vec<Equipment> = p
            .equipment
            .iter()
            .map(|id| {
                f.equipment
                    .iter()
                    .find(|e| e.id == *id && e.quantity > 0)
                    .cloned()
            })
            .collect::<Option<_>>()
            .ok_or_else(|| field_error(BookingField::Equipment, Problem::UnknownChoice))?;
        let now = self.now();
        let ids: Vec<UnitId> = f.units.iter().map(|u| u.id).collect();
        let span = Duration::hours(store::MAX_BOOKING_HOURS);
        // Waiting for the time: what holds it is what is waited out.
        let busy = if wait {
            Vec::new()
        } else {
            self.store
                .busy(&ids, p.start - span, p.end + span, now)
                .await?
        };
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
        let mut fee = booking::fee(&selection, unit_plan, rules, p.applicant.resident, &refs);
        let reduction = match p.reduction {
            Some((id, note)) => {
                let category = self
                    .store
                    .reduction(id)
                    .await?
                    .filter(|r| r.municipality_id == f.municipality.0 && r.offered)
                    .ok_or_else(|| field_error(BookingField::Reduction, Problem::UnknownChoice))?;
                fee = fee.reduced(&reduction_of(&category));
                Some((category, note))
            }
            None => None,
        };
        Ok(Prepared {
            facility: f,
            unit_index: i,
            selection,
            applicant: p.applicant,
            equipment,
            fee,
            override_reason,
            reduction,
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
        staff: Option<&crate::core::access::Staff>,
        account: Option<i64>,
        request_key: Option<String>,
    ) -> Result<BookingRecord, AppError> {
        let p = match self.prepare(input, staff.is_some()).await {
            Ok(p) => p,
            // A request sent twice whose first send has booked meanwhile
            // finds its slot taken before it reaches the database: it gets
            // that booking, as a repeat refused by the database does.
            Err(refused @ AppError::Domain(_)) => {
                return match request_key.as_deref() {
                    Some(key) => self.store.booking_by_key(key).await?.ok_or(refused),
                    None => Err(refused),
                };
            }
            Err(e) => return Err(e),
        };
        let now = self.now();
        let new = new_booking(&p, staff, account, request_key, now);
        let mail = |row: &store::entity::booking::Model| {
            let event = if row.status == BookingStatus::Pending {
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
            .map_err(create_error)?;
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
        let record = match record {
            Some(r) if self.booking_in_town(&r).await? => Some(r),
            _ => None,
        };
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
        let record = self
            .store
            .booking(&reference)
            .await?
            .ok_or(not_found.clone())?;
        if self.booking_in_town(&record).await? {
            Ok(record)
        } else {
            Err(not_found)
        }
    }

    /// Whether a booking is of the request's town (its unit's facility's).
    async fn booking_in_town(&self, record: &BookingRecord) -> Result<bool, AppError> {
        match self.unit_facility(UnitId(record.row.unit_id)).await {
            Ok(_) => Ok(true),
            Err(AppError::Domain(DomainError::NotFound(_))) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Cancels a booking before its unit's cancellation deadline.
    pub async fn cancel(&self, record: &BookingRecord) -> Result<(), AppError> {
        let (f, i) = self.unit_facility(UnitId(record.row.unit_id)).await?;
        let now = self.now();
        let status = record.status(now);
        if !status.is_active() {
            return Err(AppError::Domain(DomainError::Conflict(
                Conflict::AlreadyCancelled,
            )));
        }
        // A time offered from the waiting list may be declined until its
        // hold ends, whatever the deadline: it was never taken.
        let offer_open = self
            .store
            .offer_of(record.row.id)
            .await?
            .is_some_and(|e| e.state == domain::status::WaitState::Offered);
        if deadline_passed(&f, i, &record.row, now) && !offer_open {
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

    /// The booking as its owner reads it, with its facility at hand.
    pub(crate) fn detail_in(
        &self,
        f: &FacilityRecord,
        i: usize,
        record: &BookingRecord,
        lang: Lang,
        reduction: Option<ReductionText>,
    ) -> BookingDetail {
        let tz = f.plan.tz;
        let r = &record.row;
        let now = self.now();
        let status = record.status(now);
        let lines = stored_fee(r).lines;
        let local_start = r.start_at.with_timezone(&tz).naive_local();
        let deadline = deadline_of(f, i, r);
        let can_cancel = status.is_active() && !deadline_passed(f, i, r, now);
        BookingDetail {
            reference: r.reference.clone(),
            status_text: bt::status_text(lang, status).to_owned(),
            pending_until: r
                .expires_at
                .filter(|_| status == BookingStatus::Pending)
                .map(|t| date_time(lang, t.with_timezone(&tz).naive_local())),
            status: status.code().to_owned(),
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
            reduction,
            offer: None,
            series: None,
        }
    }

    /// The reduction a booking asked for, with its category.
    pub(crate) async fn booking_reduction(
        &self,
        booking: i64,
    ) -> Result<
        Option<(
            store::entity::booking_reduction::Model,
            store::entity::fee_reduction::Model,
        )>,
        AppError,
    > {
        let Some(asked) = self.store.booking_reduction(booking).await? else {
            return Ok(None);
        };
        let category = self.store.reduction(asked.reduction_id).await?;
        Ok(category.map(|c| (asked, c)))
    }

    /// The reduction a booking asked for, for people. A request never
    /// decided (the booking rejected, lapsed or cancelled first) says no
    /// state: "being checked" would no longer be true.
    pub(crate) async fn reduction_text(
        &self,
        record: &BookingRecord,
        lang: Lang,
    ) -> Result<Option<ReductionText>, AppError> {
        let pending = record.status(self.now()) == BookingStatus::Pending;
        let t = bt::reduction_texts(lang);
        Ok(self
            .booking_reduction(record.row.id)
            .await?
            .map(|(asked, category)| ReductionText {
                name: (t.named)(
                    &pick(lang, &category.name_ja, &category.name_en),
                    u8::try_from(asked.percent).unwrap_or(100),
                ),
                note: asked.note,
                state: (pending || asked.state != domain::status::ReductionState::Requested)
                    .then(|| bt::reduction_state(lang, asked.state).to_owned()),
            }))
    }

    /// The `.ics` file of one booking (its owner's copy, with the facility
    /// and reference but none of the personal details).
    pub async fn booking_ics(
        &self,
        record: &BookingRecord,
        lang: Lang,
    ) -> Result<String, AppError> {
        let (f, _) = self.unit_facility(UnitId(record.row.unit_id)).await?;
        Ok(self.ics_in(&f, record, lang))
    }

    /// The `.ics` file, with the booking's facility at hand: the same event
    /// (UID, SEQUENCE) as in calendar feeds.
    pub(crate) fn ics_in(&self, f: &FacilityRecord, record: &BookingRecord, lang: Lang) -> String {
        let now = self.now();
        let event = crate::core::calendar::booking_event(
            f,
            &(&record.row).into(),
            crate::core::calendar::Detail::Owner,
            lang,
            now,
        );
        crate::core::ics::write(&crate::core::ics::IcsCalendar {
            name: "",
            tz: f.plan.tz,
            stamp: now,
            refresh: None,
            events: &[event],
        })
    }
}

/// The booking to write for a checked request (also each date of a series).
pub(super) fn new_booking(
    p: &Prepared,
    staff: Option<&crate::core::access::Staff>,
    account: Option<i64>,
    request_key: Option<String>,
    now: DateTime<Utc>,
) -> NewBooking {
    let rules = p.rules();
    NewBooking {
        unit: p.selection.unit,
        leaves: booking::space_leaves(&p.facility.plan.units, p.selection.unit),
        start: p.selection.start,
        end: p.selection.end,
        // The hold never outlasts the start of the booking itself. A
        // reduction asked for waits for staff as an approval does.
        pending_until: (rules.requires_approval || p.reduction.is_some()).then(|| {
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
            action: domain::status::AuditAction::BookingProxy,
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
        reduction: p
            .reduction
            .as_ref()
            .map(|(r, note)| store::reductions::ReductionRequest {
                reduction_id: r.id,
                percent: percent_of(r),
                note: note.clone(),
            }),
    }
}

/// What a refused write says.
pub(super) fn create_error(e: CreateError) -> AppError {
    match e {
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
        // Archived meanwhile: said as the calendar now shows it.
        CreateError::Archived => AppError::Domain(DomainError::Rule(RuleViolation::ClosedDay {
            reason: domain::closure::ClosureReason::Dated {
                reason: store::archive::archived_reason(),
            },
        })),
        CreateError::Store(e) => e.into(),
    }
}

/// A stored booking's cancellation deadline, in the facility's local time.
pub(super) fn deadline_of(
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
pub(super) fn deadline_passed(
    f: &FacilityRecord,
    unit: usize,
    row: &store::entity::booking::Model,
    now: DateTime<Utc>,
) -> bool {
    now.with_timezone(&f.plan.tz).naive_local() > deadline_of(f, unit, row)
}

pub(super) fn fee_text(lang: Lang, total: Yen, lines: &[booking::FeeLine]) -> FeeText {
    FeeText {
        total: yen(lang, total),
        lines: lines
            .iter()
            .map(|l| FeeLineText {
                label: l.label.get(lang).to_owned(),
                detail: match l.percent {
                    Some(p) if l.rate == booking::Rate::Reduction => {
                        (bt::reduction_texts(lang).detail)(p)
                    }
                    _ => format!(
                        "{} {} × {}",
                        rate_name(lang, l.rate),
                        yen(lang, l.unit_yen),
                        l.quantity
                    ),
                },
                amount: yen(lang, l.amount_yen),
            })
            .collect(),
    }
}

/// A stored booking's fee, as computed when booked (and decided since).
pub(crate) fn stored_fee(row: &store::entity::booking::Model) -> Fee {
    Fee {
        total_yen: Yen(row.fee_total_yen),
        lines: serde_json::from_str(&row.fee_lines).unwrap_or_default(),
    }
}

/// A category's share, within 0–100.
pub(crate) fn percent_of(r: &store::entity::fee_reduction::Model) -> u8 {
    u8::try_from(r.percent.clamp(0, 100)).unwrap_or(100)
}

/// A category as the fee computation reads it.
pub(crate) fn reduction_of(r: &store::entity::fee_reduction::Model) -> booking::Reduction {
    booking::Reduction {
        name: domain::text::Text::new(r.name_ja.clone(), r.name_en.clone()),
        percent: percent_of(r),
    }
}
