//! The managers' console services: every function takes the [`Actor`] and
//! checks its role and scope before reading anything, then loads, changes
//! (one transaction with its audit entry, in `store::console`) and presents
//! in the reader's language. Residents are told of changes by e-mail.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::error::{DomainError, Field, InvalidReason, Missing};
use domain::ids::{FacilityId, UnitId};
use domain::text::Lang;
use store::entity::booking;
use store::{AuditEntry, AuditFilter, ChangeError, FacilityRecord, NewAccount, NewMail};

use crate::booking::mail::MailEvent;
use crate::console::texts as ct;
use crate::console::types::*;
use crate::core::auth::{self, Actor, Role, Staff, entry};
use crate::core::error::{AppError, AuthError};
use crate::core::i18n::{date_time, yen};
use crate::core::state::AppState;
use crate::core::time::when_text;
use crate::core::types::Choice;

fn not_found() -> AppError {
    AppError::Domain(DomainError::NotFound(Missing::Booking))
}

fn invalid(field: Field) -> AppError {
    AppError::Domain(DomainError::invalid(field, InvalidReason::Malformed))
}

fn change_error(e: ChangeError) -> AppError {
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
    }
}

impl AppState {
    /// The facility, if this actor may manage it.
    pub(crate) async fn managed(
        &self,
        actor: &Actor,
        id: FacilityId,
    ) -> Result<(FacilityRecord, Staff), AppError> {
        let staff = actor.staff()?;
        let f = self.store.facility(id).await?;
        // A facility outside the scope looks the same as a missing one
        // would, to anyone but its own staff: 403 either way.
        let Some(f) = f else {
            return Err(AppError::Auth(AuthError::Forbidden));
        };
        let staff = actor
            .facility_staff(f.id.0, f.municipality.0)
            .map(|_| staff.clone())?;
        Ok((f, staff))
    }

    /// Refuses unless this actor may manage the facility.
    pub async fn require_facility(&self, actor: &Actor, id: FacilityId) -> Result<(), AppError> {
        self.managed(actor, id).await.map(|_| ())
    }

    /// A booking row and its facility, if this actor may manage it.
    async fn managed_booking(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<(booking::Model, FacilityRecord, usize, Staff), AppError> {
        actor.staff()?;
        let row = self
            .store
            .booking_row(id)
            .await?
            .ok_or(AppError::Auth(AuthError::Forbidden))?;
        let (f, i) = self.unit_facility(UnitId(row.unit_id)).await?;
        let staff = actor.facility_staff(f.id.0, f.municipality.0)?.clone();
        Ok((row, f, i, staff))
    }

    /// Facilities this member may manage.
    async fn facilities_of(&self, s: &Staff) -> Result<Vec<FacilityRecord>, AppError> {
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
        let status = match (r.status.as_str(), r.expires_at) {
            ("pending", Some(at)) if at <= now => "expired",
            ("confirmed", _) if r.kind == "block" => "block",
            ("cancelled", _) if r.rejected => "rejected",
            (s, _) => s,
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
        let pending = facilities
            .iter()
            .flat_map(|f| self.lines(&rows, f, lang))
            .collect();
        Ok(ConsoleHome {
            me: me(s, lang),
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

    /// A day (units × hours) or a week (units × days) of one facility.
    pub async fn timeline(
        &self,
        actor: &Actor,
        facility: FacilityId,
        date: Option<NaiveDate>,
        week: bool,
        lang: Lang,
    ) -> Result<Timeline, AppError> {
        let (f, s) = self.managed(actor, facility).await?;
        let tz = f.plan.tz;
        let now = self.now();
        let date = date.unwrap_or_else(|| now.with_timezone(&tz).date_naive());
        let days: Vec<NaiveDate> = if week {
            (0..7)
                .filter_map(|d| date.checked_add_days(chrono::Days::new(d)))
                .collect()
        } else {
            vec![date]
        };
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            return Err(invalid(Field::Date));
        };
        let from =
            crate::core::time::local_instant(tz, *first, "00:00").ok_or(invalid(Field::Date))?;
        let to = crate::core::time::local_instant(tz, *last, "00:00")
            .ok_or(invalid(Field::Date))?
            + Duration::days(1);
        let ids: Vec<i64> = f.units.iter().map(|u| u.id.0).collect();
        let rows = self.store.bookings_between(&ids, from, to).await?;
        let active = |r: &&booking::Model| {
            r.status == "confirmed"
                || (r.status == "pending" && r.expires_at.is_some_and(|e| e > now))
        };
        const HOURS: std::ops::Range<u32> = 6..23;
        let columns: Vec<String> = if week {
            days.iter()
                .map(|d| crate::core::i18n::format_date(lang, *d))
                .collect()
        } else {
            HOURS.map(|h| format!("{h}:00")).collect()
        };
        let availability = domain::availability::compute(
            &f.plan,
            domain::calendar::DateRange {
                from: *first,
                to: *last,
            },
            &[],
            now,
        );
        let closed = |unit: UnitId, day: NaiveDate| {
            availability
                .units
                .iter()
                .find(|u| u.unit == unit)
                .is_some_and(|u| {
                    u.slots.iter().any(|sl| {
                        sl.start.with_timezone(&tz).date_naive() == day
                            && matches!(
                                sl.reason,
                                Some(domain::availability::SlotReason::Closure { .. })
                            )
                    })
                })
        };
        let entry_of = |r: &booking::Model| {
            let kind = if r.kind == "block" {
                "block"
            } else {
                r.status.as_str()
            };
            let time = when_text(lang, r.start_at, r.end_at, tz);
            TimelineEntry {
                kind: kind.to_owned(),
                label: format!("{} {} {}", ct::status_label(lang, kind), time, r.reference),
                href: Some(format!("/console/bookings/{}", r.id)),
            }
        };
        let table = f
            .units
            .iter()
            .map(|u| {
                let mine: Vec<&booking::Model> = rows
                    .iter()
                    .filter(active)
                    .filter(|r| r.unit_id == u.id.0)
                    .collect();
                let cells = if week {
                    days.iter()
                        .map(|d| {
                            let mut c: Vec<TimelineEntry> = mine
                                .iter()
                                .filter(|r| r.start_at.with_timezone(&tz).date_naive() == *d)
                                .map(|r| entry_of(r))
                                .collect();
                            if closed(u.id, *d) {
                                c.push(TimelineEntry {
                                    kind: "closed".into(),
                                    label: ct::status_label(lang, "closed").to_owned(),
                                    href: None,
                                });
                            }
                            c
                        })
                        .collect()
                } else {
                    HOURS
                        .map(|h| {
                            let at =
                                crate::core::time::local_instant(tz, date, &format!("{h:02}:00"));
                            let Some(at) = at else { return Vec::new() };
                            let end = at + Duration::hours(1);
                            let mut c: Vec<TimelineEntry> = mine
                                .iter()
                                .filter(|r| r.start_at < end && r.end_at > at)
                                .map(|r| entry_of(r))
                                .collect();
                            if c.is_empty() && closed(u.id, date) {
                                c.push(TimelineEntry {
                                    kind: "closed".into(),
                                    label: ct::status_label(lang, "closed").to_owned(),
                                    href: None,
                                });
                            }
                            c
                        })
                        .collect()
                };
                TimelineRow {
                    unit_id: u.id.0,
                    unit: u.name.get(lang).to_owned(),
                    cells,
                }
            })
            .collect();
        let step = if week { 7 } else { 1 };
        let shift = |n: i64| {
            date.checked_add_signed(Duration::days(n))
                .unwrap_or(date)
                .to_string()
        };
        Ok(Timeline {
            me: me(&s, lang),
            facility_id: f.id.0,
            facility: f.name.get(lang).to_owned(),
            title: (ct::texts(lang).timeline_title)(
                f.name.get(lang),
                &crate::core::i18n::format_date(lang, date),
                week,
            ),
            week,
            date: date.to_string(),
            prev: shift(-step),
            next: shift(step),
            columns,
            rows: table,
            flash: None,
        })
    }

    /// Records that the member opens a resident's contact details (the
    /// page shows them once, on the next load).
    pub async fn log_contact_view(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let (r, _, _, s) = self.managed_booking(actor, id).await?;
        if r.kind == "block" {
            return Ok(());
        }
        let mut e = entry(
            &s,
            "contact.view",
            format!("booking:{}", r.reference),
            self.now(),
        );
        e.after = Some(serde_json::json!({ "fields": ["name", "name_kana", "phone", "email"] }));
        self.store.audit(&e).await?;
        Ok(())
    }

    /// One booking for staff. With `reveal` (set only after
    /// `log_contact_view` wrote the audit entry), the contact details are
    /// included.
    pub async fn staff_booking(
        &self,
        actor: &Actor,
        id: i64,
        reveal: bool,
        lang: Lang,
    ) -> Result<StaffBooking, AppError> {
        let (r, f, i, s) = self.managed_booking(actor, id).await?;
        let now = self.now();
        let line = self.line(&r, &f, i, lang);
        let block = r.kind == "block";
        let contact = if reveal && !block {
            Some(ContactDetails {
                name: r.name.clone(),
                name_kana: r.name_kana.clone(),
                phone: r.phone.clone(),
                email: r.email.clone(),
            })
        } else {
            None
        };
        let tz = f.plan.tz;
        let proxy_by = match r.created_by_staff_id {
            Some(staff) => self.store.account(staff).await?.map(|a| a.row.display_name),
            None => None,
        };
        let active = matches!(line.status.as_str(), "pending" | "confirmed" | "block");
        Ok(StaffBooking {
            me: me(&s, lang),
            facility_id: f.id.0,
            block,
            resident_label: crate::booking::texts::resident_text(lang, r.resident).to_owned(),
            fee: yen(lang, domain::booking::Yen(r.fee_total_yen)),
            paid: r
                .paid_at
                .map(|t| date_time(lang, t.with_timezone(&tz).naive_local())),
            usage: r
                .usage
                .as_deref()
                .map(|u| ct::status_label(lang, u).to_owned()),
            proxy_by,
            override_reason: r.override_reason.clone(),
            status_reason: r.status_reason.clone().filter(|_| !block),
            no_shows: if block {
                0
            } else {
                self.store
                    .no_shows(f.municipality.0, &r.email, &r.phone)
                    .await?
            },
            contact,
            can_approve: line.status == "pending" && r.start_at > now,
            can_cancel: active,
            can_mark: line.status == "confirmed",
            line,
            flash: None,
        })
    }

    /// Approve (本予約), reject or cancel, then tell the resident.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: i64,
        action: &str,
        reason: &str,
    ) -> Result<(), AppError> {
        let (r, f, i, s) = self.managed_booking(actor, id).await?;
        let now = self.now();
        let mut e = entry(&s, "", format!("booking:{}", r.reference), now);
        e.before = Some(serde_json::json!({ "status": r.status }));
        let tell = |event: MailEvent| {
            let f = &f;
            move |row: &booking::Model| self.mail_for(row, f, i, event)
        };
        match action {
            "approve" => return self.approve(&r, &f, i, e).await,
            "reject" => {
                let reason = parse_reason(reason)?;
                e.action = "booking.reject".into();
                e.after = Some(
                    serde_json::json!({ "status": "cancelled", "rejected": true, "reason": reason }),
                );
                self.store
                    .staff_reject(id, &reason, now, &e, &tell(MailEvent::Rejected))
                    .await
                    .map_err(change_error)?;
            }
            "cancel" => {
                let reason = parse_reason(reason)?;
                e.action = "booking.cancel".into();
                e.after = Some(serde_json::json!({ "status": "cancelled", "reason": reason }));
                self.store
                    .staff_cancel(id, &reason, now, &e, &tell(MailEvent::CancelledByStaff))
                    .await
                    .map_err(change_error)?;
            }
            _ => return Err(invalid(Field::Action)),
        };
        self.mailer.wake();
        Ok(())
    }

    /// Approves a pending booking (本予約) and tells the resident: the one
    /// path of the console's approval and `server approve`.
    async fn approve(
        &self,
        r: &booking::Model,
        f: &FacilityRecord,
        i: usize,
        mut e: AuditEntry,
    ) -> Result<(), AppError> {
        e.action = "booking.approve".into();
        e.before = Some(serde_json::json!({ "status": r.status }));
        e.after = Some(serde_json::json!({ "status": "confirmed" }));
        let tell = |row: &booking::Model| self.mail_for(row, f, i, MailEvent::Approved);
        self.store
            .staff_approve(r.id, e.at, &e, &tell)
            .await
            .map_err(change_error)?;
        self.mailer.wake();
        Ok(())
    }

    /// `server approve <REFERENCE>`: the console's approval, recorded as
    /// made by the command line. The mail waits in the outbox for the
    /// running server's worker.
    pub async fn approve_from_cli(&self, reference: &str) -> Result<(), AppError> {
        let record = self.booking_by_reference(reference).await?;
        let (f, i) = self.unit_facility(UnitId(record.row.unit_id)).await?;
        let e = AuditEntry {
            municipality_id: f.municipality.0,
            actor: "cli".into(),
            action: String::new(),
            target: format!("booking:{}", record.row.reference),
            before: None,
            after: None,
            at: self.now(),
        };
        self.approve(&record.row, &f, i, e).await
    }

    /// 利用済 / 不来場 / clear, or 収納済 / clear.
    pub async fn mark(&self, actor: &Actor, id: i64, what: &str) -> Result<(), AppError> {
        let (r, _, _, s) = self.managed_booking(actor, id).await?;
        let now = self.now();
        let mut e = entry(&s, "", format!("booking:{}", r.reference), now);
        let result = match what {
            "used" | "no_show" | "usage_clear" => {
                let usage = (what != "usage_clear").then_some(what);
                e.action = "booking.usage".into();
                e.before = Some(serde_json::json!({ "usage": r.usage }));
                e.after = Some(serde_json::json!({ "usage": usage }));
                self.store.set_usage(id, usage, now, &e).await
            }
            "paid" | "paid_clear" => {
                let paid = (what == "paid").then_some(now);
                e.action = "booking.paid".into();
                e.before = Some(serde_json::json!({ "paid_at": r.paid_at }));
                e.after = Some(serde_json::json!({ "paid_at": paid }));
                self.store.set_paid(id, paid, now, &e).await
            }
            _ => return Err(invalid(Field::Action)),
        };
        result.map(|_| ()).map_err(change_error)
    }

    /// Parses the block form; the facility must be the actor's.
    async fn block_request(
        &self,
        actor: &Actor,
        facility: FacilityId,
        v: &BlockValues,
    ) -> Result<(FacilityRecord, Staff, store::console::NewBlock), AppError> {
        let (f, s) = self.managed(actor, facility).await?;
        let unit = v
            .unit
            .trim()
            .parse::<i64>()
            .ok()
            .map(UnitId)
            .filter(|u| f.units.iter().any(|x| x.id == *u))
            .ok_or(AppError::Domain(DomainError::NotFound(Missing::Unit)))?;
        let date = domain::calendar::parse_date(Field::Date, &v.date)?;
        let tz = f.plan.tz;
        let start =
            crate::core::time::local_instant(tz, date, &v.from).ok_or(invalid(Field::StartTime))?;
        let end = if v.to.trim() == "24:00" {
            crate::core::time::local_instant(tz, date, "00:00").map(|t| t + Duration::days(1))
        } else {
            crate::core::time::local_instant(tz, date, &v.to)
        }
        .filter(|e| *e > start)
        .ok_or(invalid(Field::EndTime))?;
        let reason = parse_reason(&v.reason)?;
        let leaves = domain::booking::space_leaves(&f.plan.units, unit);
        let block = store::console::NewBlock {
            unit,
            leaves,
            start,
            end,
            reason,
            cancel: Vec::new(),
            keep: Vec::new(),
            staff_account: s.id,
        };
        Ok((f, s, block))
    }

    /// A closure (休館) from the form: whole days, of one unit or of the
    /// whole facility.
    async fn closure_request(
        &self,
        actor: &Actor,
        facility: FacilityId,
        v: &BlockValues,
    ) -> Result<(FacilityRecord, Staff, store::console::NewClosure), AppError> {
        const MAX_DAYS: i64 = 366;
        let (f, s) = self.managed(actor, facility).await?;
        let unit = match v.unit.trim() {
            "" => None,
            raw => Some(
                raw.parse::<i64>()
                    .ok()
                    .map(UnitId)
                    .filter(|u| f.units.iter().any(|x| x.id == *u))
                    .ok_or(AppError::Domain(DomainError::NotFound(Missing::Unit)))?,
            ),
        };
        let from = domain::calendar::parse_date(Field::Date, &v.date)?;
        let to = domain::calendar::parse_date(Field::To, &v.until)?;
        if to < from {
            return Err(AppError::Domain(DomainError::invalid(
                Field::To,
                InvalidReason::EndBeforeStart,
            )));
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(AppError::Domain(DomainError::invalid(
                Field::To,
                InvalidReason::RangeTooLong { max_days: 366 },
            )));
        }
        let tz = f.plan.tz;
        let start =
            crate::core::time::local_instant(tz, from, "00:00").ok_or(invalid(Field::Date))?;
        let end = crate::core::time::local_instant(tz, to, "00:00").ok_or(invalid(Field::To))?
            + Duration::days(1);
        let leaves = match unit {
            Some(u) => domain::booking::space_leaves(&f.plan.units, u),
            None => f
                .plan
                .units
                .iter()
                .flat_map(|u| domain::booking::space_leaves(&f.plan.units, u.id))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
        };
        let closure = store::console::NewClosure {
            facility: f.id,
            unit,
            from,
            to,
            leaves,
            start,
            end,
            reason: parse_reason(&v.reason)?,
            cancel: Vec::new(),
            keep: Vec::new(),
        };
        Ok((f, s, closure))
    }

    /// The bookings a block or closure would collide with.
    pub async fn block_collisions(
        &self,
        actor: &Actor,
        facility: FacilityId,
        v: &BlockValues,
        lang: Lang,
    ) -> Result<Vec<BookingLine>, AppError> {
        if v.is_closure() {
            let (f, _, c) = self.closure_request(actor, facility, v).await?;
            let rows = self.store.closure_collisions(&c, self.now()).await?;
            return Ok(self.lines(&rows, &f, lang));
        }
        let (f, _, b) = self.block_request(actor, facility, v).await?;
        let rows = self
            .store
            .collisions(&b.leaves, b.start, b.end, self.now())
            .await?;
        Ok(self.lines(&rows, &f, lang))
    }

    /// Saves a closure with a decision for each colliding booking; as
    /// [`AppState::save_block`].
    async fn save_closure(
        &self,
        actor: &Actor,
        facility: FacilityId,
        v: &BlockValues,
        decisions: &[(i64, bool)],
        lang: Lang,
    ) -> Result<Result<String, Vec<BookingLine>>, AppError> {
        let (f, s, mut c) = self.closure_request(actor, facility, v).await?;
        for (id, cancel) in decisions {
            if *cancel {
                c.cancel.push(*id);
            } else {
                c.keep.push(*id);
            }
        }
        let now = self.now();
        let e = entry(&s, "closure.create", String::new(), now);
        let mail = |b: &booking::Model| self.mail_in(b, &f, MailEvent::CancelledByStaff);
        match self.store.create_closure(&c, now, &e, &mail).await {
            Ok(_) => {
                self.mailer.wake();
                let t = ct::texts(lang);
                Ok(Ok((t.closure_saved)(
                    &crate::core::i18n::format_date(lang, c.from),
                    &crate::core::i18n::format_date(lang, c.to),
                )))
            }
            Err(store::console::BlockError::Undecided(rows)) => {
                Ok(Err(self.lines(&rows, &f, lang)))
            }
            Err(store::console::BlockError::Store(e)) => Err(e.into()),
        }
    }

    fn lines(&self, rows: &[booking::Model], f: &FacilityRecord, lang: Lang) -> Vec<BookingLine> {
        rows.iter()
            .filter_map(|r| {
                let i = f.units.iter().position(|u| u.id.0 == r.unit_id)?;
                Some(self.line(r, f, i, lang))
            })
            .collect()
    }

    /// Occupancy (稼働率) of each unit and fee totals for the six months
    /// ending with `last` (this month when not given). Used time counts
    /// confirmed residents' bookings (used or not), not blocks, pending
    /// requests or cancellations.
    pub async fn usage_report(
        &self,
        actor: &Actor,
        facility: FacilityId,
        last: Option<domain::calendar::YearMonth>,
        lang: Lang,
    ) -> Result<UsageReport, AppError> {
        use domain::calendar::YearMonth;
        const MONTHS: i32 = 6;
        let (f, s) = self.managed(actor, facility).await?;
        let tz = f.plan.tz;
        let last =
            last.unwrap_or_else(|| YearMonth::of(self.now().with_timezone(&tz).date_naive()));
        let first = last.add_months(1 - MONTHS);
        let edge = |m: YearMonth| crate::core::time::local_instant(tz, m.first_day(), "00:00");
        let (Some(from), Some(to)) = (edge(first), edge(last.next())) else {
            return Err(invalid(Field::Month));
        };
        let ids: Vec<i64> = f.units.iter().map(|u| u.id.0).collect();
        let rows = self.store.bookings_between(&ids, from, to).await?;
        let counted: Vec<&booking::Model> = rows
            .iter()
            .filter(|r| r.kind == "resident" && r.status == "confirmed")
            .collect();
        let busy: Vec<domain::availability::Busy> = counted
            .iter()
            .map(|r| domain::availability::Busy {
                unit: UnitId(r.unit_id),
                start: r.start_at,
                end: r.end_at,
            })
            .collect();
        let t = ct::texts(lang);
        let months: Vec<YearMonth> = (0..MONTHS).map(|i| first.add_months(i)).collect();
        let usage: Vec<Vec<domain::report::UnitUsage>> = months
            .iter()
            .map(|m| domain::report::monthly_usage(&f.plan, *m, &busy))
            .collect();
        let hours = |minutes: i64| format!("{}", minutes as f64 / 60.0);
        let table = f
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| UsageRow {
                unit: u.name.get(lang).to_owned(),
                cells: usage
                    .iter()
                    .map(|month| {
                        let x = month[i];
                        UsageCell {
                            per_mille: x.per_mille(),
                            rate: format!("{}.{}%", x.per_mille() / 10, x.per_mille() % 10),
                            hours: (t.usage_hours)(
                                &hours(x.used_minutes),
                                &hours(x.offered_minutes),
                            ),
                        }
                    })
                    .collect(),
            })
            .collect();
        let label = |m: YearMonth| (crate::core::i18n::texts(lang).month_title)(m.year, m.month);
        let fees = months
            .iter()
            .map(|m| {
                let in_month: Vec<&&booking::Model> = counted
                    .iter()
                    .filter(|r| YearMonth::of(r.start_at.with_timezone(&tz).date_naive()) == *m)
                    .collect();
                let charged_yen: i64 = in_month.iter().map(|r| r.fee_total_yen).sum();
                let received_yen: i64 = in_month
                    .iter()
                    .filter(|r| r.paid_at.is_some())
                    .map(|r| r.fee_total_yen)
                    .sum();
                FeeMonth {
                    month: label(*m),
                    charged: crate::core::i18n::yen(lang, domain::booking::Yen(charged_yen)),
                    charged_yen,
                    received: crate::core::i18n::yen(lang, domain::booking::Yen(received_yen)),
                    received_yen,
                }
            })
            .collect();
        Ok(UsageReport {
            me: me(&s, lang),
            facility_id: f.id.0,
            title: (t.report_title)(f.name.get(lang)),
            months: months.iter().map(|m| label(*m)).collect(),
            rows: table,
            fees,
            month: last.to_string(),
            prev: last.add_months(-MONTHS).to_string(),
            next: last.add_months(MONTHS).to_string(),
        })
    }

    /// Saves a block with a decision (`<id>:cancel` or `<id>:keep`) for each
    /// colliding booking. Bookings that appeared meanwhile come back as
    /// `Err(collisions)` to decide on.
    pub async fn save_block(
        &self,
        actor: &Actor,
        facility: FacilityId,
        v: &BlockValues,
        decisions: &[String],
        lang: Lang,
    ) -> Result<Result<String, Vec<BookingLine>>, AppError> {
        let mut parsed = Vec::new();
        for d in decisions {
            let (id, what) = d.split_once(':').ok_or(invalid(Field::Action))?;
            let id: i64 = id.parse().map_err(|_| invalid(Field::Action))?;
            match what {
                "cancel" => parsed.push((id, true)),
                "keep" => parsed.push((id, false)),
                _ => return Err(invalid(Field::Action)),
            }
        }
        if v.is_closure() {
            return self.save_closure(actor, facility, v, &parsed, lang).await;
        }
        let (f, s, mut b) = self.block_request(actor, facility, v).await?;
        for (id, cancel) in parsed {
            if cancel {
                b.cancel.push(id);
            } else {
                b.keep.push(id);
            }
        }
        let now = self.now();
        let e = entry(&s, "block.create", String::new(), now);
        let mail = |b: &booking::Model| self.mail_in(b, &f, MailEvent::CancelledByStaff);
        match self.store.create_block(&b, now, &e, &mail).await {
            Ok((row, _)) => {
                self.mailer.wake();
                Ok(Ok((ct::texts(lang).block_saved)(&row.reference)))
            }
            Err(store::console::BlockError::Undecided(rows)) => {
                Ok(Err(self.lines(&rows, &f, lang)))
            }
            Err(store::console::BlockError::Store(e)) => Err(e.into()),
        }
    }

    pub async fn staff_page(&self, actor: &Actor, lang: Lang) -> Result<StaffPage, AppError> {
        let s = actor.admin()?;
        let accounts = self.store.staff_accounts(s.municipality).await?;
        let facilities = self.facilities_of(s).await?;
        let departments = self.store.departments(s.municipality).await?;
        let name_of = |list: &[(i64, String)], id: i64| {
            list.iter()
                .find(|(i, _)| *i == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        };
        let fnames: Vec<(i64, String)> = facilities
            .iter()
            .map(|f| (f.id.0, f.name.get(lang).to_owned()))
            .collect();
        let dnames: Vec<(i64, String)> = departments
            .iter()
            .map(|d| {
                (
                    d.id,
                    if lang == Lang::Ja {
                        d.name_ja.clone()
                    } else {
                        d.name_en.clone()
                    },
                )
            })
            .collect();
        Ok(StaffPage {
            me: me(s, lang),
            accounts: accounts
                .iter()
                .map(|a| {
                    let role = a.row.role.as_deref().and_then(Role::parse);
                    let scope: Vec<String> = match role {
                        Some(Role::FacilityManager) => {
                            a.facilities.iter().map(|f| name_of(&fnames, *f)).collect()
                        }
                        Some(Role::CounterStaff) => {
                            a.departments.iter().map(|d| name_of(&dnames, *d)).collect()
                        }
                        _ => vec![ct::texts(lang).whole_town.to_owned()],
                    };
                    StaffRow {
                        id: a.row.id,
                        email: a.row.email.clone(),
                        name: a.row.display_name.clone(),
                        role: role
                            .map(|r| ct::role_label(lang, r))
                            .unwrap_or_default()
                            .to_owned(),
                        role_code: a.row.role.clone().unwrap_or_default(),
                        scope: scope.join(crate::core::i18n::texts(lang).list_separator),
                        active: a.row.active,
                        totp: a.row.totp_secret.is_some(),
                    }
                })
                .collect(),
            facilities: fnames
                .into_iter()
                .map(|(id, name)| Choice { id, name })
                .collect(),
            departments: dnames
                .into_iter()
                .map(|(id, name)| Choice { id, name })
                .collect(),
            editing: None,
            flash: None,
        })
    }

    /// Creates a staff account without a password: the member gets a mail
    /// with a one-time enrolment code (72 hours) and sets their own password
    /// at `/console/enrol`, then their own second factor. The admin sees
    /// neither. An administrator is made by changing the role of a member
    /// who has set up a second factor.
    pub async fn create_staff(
        &self,
        actor: &Actor,
        email: &str,
        name: &str,
        role: &str,
        facilities: &[String],
        departments: &[String],
    ) -> Result<String, AppError> {
        let s = actor.admin()?.clone();
        let email = domain::applicant::normalize_email(email).map_err(|_| invalid(Field::Email))?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(invalid(Field::Name));
        }
        let (role, facilities, departments) = self
            .checked_scope(&s, role, facilities, departments)
            .await?;
        if role == Role::Admin {
            return Err(AppError::Auth(AuthError::AdminNeedsTotp));
        }
        // Nobody knows this password: the account opens with the code only.
        let unusable = store::random_key()?;
        let hash = tokio::task::spawn_blocking(move || auth::hash_password(&unusable))
            .await
            .map_err(|_| AppError::Unavailable)??;
        let code = store::random_code()?;
        let now = self.now();
        let mut e = entry(&s, "account.create", String::new(), now);
        e.after = Some(serde_json::json!({
            "email": email, "name": name, "role": role.code(),
            "facilities": facilities, "departments": departments, "enrolment": "mailed",
        }));
        let origin = self
            .web
            .public_origin
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.leptos_options.site_addr));
        let (ja, en) = (ct::texts(Lang::Ja), ct::texts(Lang::En));
        let enrolment = store::Enrolment {
            digest: auth::enrolment_digest(&code, s.municipality, &email),
            expires_s: now.timestamp() + auth::ENROL_SECONDS,
            mail: NewMail {
                municipality_id: s.municipality,
                to: email.clone(),
                subject: ja.enrol_mail_subject.to_owned(),
                body: format!(
                    "{}\n\n----\n\n{}",
                    (ja.enrol_mail_body)(name, &origin, &code),
                    (en.enrol_mail_body)(name, &origin, &code)
                ),
                ics: None,
            },
        };
        self.store
            .create_account(
                &NewAccount {
                    municipality_id: s.municipality,
                    email: email.clone(),
                    display_name: name.to_owned(),
                    password_hash: hash,
                    role: Some(role.code().to_owned()),
                    totp_secret: None,
                    facilities,
                    departments,
                    enrolment: Some(enrolment),
                },
                now,
                Some(&e),
            )
            .await
            .map_err(|e| match e {
                store::AccountError::EmailTaken => AppError::Auth(AuthError::EmailTaken),
                store::AccountError::NotFound => AppError::Auth(AuthError::Forbidden),
                store::AccountError::Store(e) => e.into(),
            })?;
        self.mailer.wake();
        Ok(email)
    }

    /// Clears a member's lost second factor (audited) and ends their
    /// sessions: they sign in with their password and set up a new one. An
    /// administrator's is not cleared (administrators always have one):
    /// change their role first.
    pub async fn reset_staff_totp(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let s = actor.admin()?.clone();
        let target = self.own_staff(&s, id).await?;
        if target.row.id == s.id || target.row.role.as_deref() == Some("admin") {
            return Err(AppError::Auth(AuthError::AdminNeedsTotp));
        }
        if target.row.totp_secret.is_none() {
            // Nothing to reset; sessions stay as they are.
            return Ok(());
        }
        let mut e = entry(
            &s,
            "account.totp_reset",
            format!("account:{id}"),
            self.now(),
        );
        e.before = Some(serde_json::json!({ "totp": target.row.totp_secret.is_some() }));
        e.after = Some(serde_json::json!({ "totp": false }));
        Ok(self.store.reset_totp(id, &e).await?)
    }

    /// A role and its scope as the admin's form sent them: facilities and
    /// departments of the admin's own town only, and only those the role
    /// uses (an admin's scope is the whole town).
    async fn checked_scope(
        &self,
        s: &Staff,
        role: &str,
        facilities: &[String],
        departments: &[String],
    ) -> Result<(Role, Vec<i64>, Vec<i64>), AppError> {
        let role = Role::parse(role).ok_or(invalid(Field::Role))?;
        let ids = |raw: &[String]| -> Result<Vec<i64>, AppError> {
            raw.iter()
                .map(|x| x.trim().parse::<i64>().map_err(|_| invalid(Field::Scope)))
                .collect()
        };
        let (mut facilities, mut departments) = (ids(facilities)?, ids(departments)?);
        facilities.sort_unstable();
        facilities.dedup();
        departments.sort_unstable();
        departments.dedup();
        let own: Vec<i64> = self
            .facilities_of(s)
            .await?
            .iter()
            .map(|f| f.id.0)
            .collect();
        let own_departments: Vec<i64> = self
            .store
            .departments(s.municipality)
            .await?
            .iter()
            .map(|d| d.id)
            .collect();
        if facilities.iter().any(|f| !own.contains(f))
            || departments.iter().any(|d| !own_departments.contains(d))
        {
            return Err(AppError::Auth(AuthError::Forbidden));
        }
        match role {
            Role::Admin => {
                facilities.clear();
                departments.clear();
            }
            Role::FacilityManager => departments.clear(),
            Role::CounterStaff => facilities.clear(),
        }
        Ok((role, facilities, departments))
    }

    /// A staff account of the admin's town, or 403 (never another town's).
    async fn own_staff(&self, s: &Staff, id: i64) -> Result<store::AccountRecord, AppError> {
        self.store
            .account(id)
            .await?
            .filter(|a| a.row.municipality_id == s.municipality && a.row.kind == "staff")
            .ok_or(AppError::Auth(AuthError::Forbidden))
    }

    /// Changes a member's role and scope (audited, before and after). The
    /// change applies from their next request. An admin cannot change their
    /// own role, and only a member with a second factor can become admin.
    pub async fn update_staff_role(
        &self,
        actor: &Actor,
        id: i64,
        role: &str,
        facilities: &[String],
        departments: &[String],
    ) -> Result<(), AppError> {
        let s = actor.admin()?.clone();
        let target = self.own_staff(&s, id).await?;
        if target.row.id == s.id {
            return Err(AppError::Auth(AuthError::Forbidden));
        }
        let (role, facilities, departments) = self
            .checked_scope(&s, role, facilities, departments)
            .await?;
        if role == Role::Admin && target.row.totp_secret.is_none() {
            return Err(AppError::Auth(AuthError::AdminNeedsTotp));
        }
        let mut e = entry(&s, "account.role", format!("account:{id}"), self.now());
        e.before = Some(serde_json::json!({
            "role": target.row.role, "facilities": target.facilities, "departments": target.departments,
        }));
        e.after = Some(serde_json::json!({
            "role": role.code(), "facilities": facilities, "departments": departments,
        }));
        self.store
            .update_staff(
                id,
                role.code(),
                target.row.active,
                &facilities,
                &departments,
                &e,
            )
            .await
            .map_err(|e| match e {
                store::AccountError::Store(e) => e.into(),
                _ => AppError::Auth(AuthError::Forbidden),
            })
    }

    /// The form to change one member's role and scope, filled in.
    pub async fn staff_edit(&self, actor: &Actor, id: i64) -> Result<StaffEdit, AppError> {
        let s = actor.admin()?;
        let target = self.own_staff(s, id).await?;
        Ok(StaffEdit {
            id,
            email: target.row.email.clone(),
            name: target.row.display_name.clone(),
            role: target.row.role.clone().unwrap_or_default(),
            facilities: target.facilities.clone(),
            departments: target.departments.clone(),
            is_self: target.row.id == s.id,
        })
    }

    /// Turns a staff account off (its sessions end) or on again.
    pub async fn set_staff_active(
        &self,
        actor: &Actor,
        id: i64,
        active: bool,
    ) -> Result<(), AppError> {
        let s = actor.admin()?.clone();
        let target = self.own_staff(&s, id).await?;
        if target.row.id == s.id {
            // An admin cannot lock themselves out.
            return Err(AppError::Auth(AuthError::Forbidden));
        }
        let mut e = entry(&s, "account.update", format!("account:{id}"), self.now());
        e.before = Some(serde_json::json!({ "active": target.row.active }));
        e.after = Some(serde_json::json!({ "active": active }));
        self.store
            .update_staff(
                id,
                target.row.role.as_deref().unwrap_or("counter_staff"),
                active,
                &target.facilities,
                &target.departments,
                &e,
            )
            .await
            .map_err(|e| match e {
                store::AccountError::Store(e) => e.into(),
                _ => AppError::Auth(AuthError::Forbidden),
            })
    }

    /// Changes the signed-in member's own password; every session of the
    /// account ends (this one too).
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
    ) -> Result<(), AppError> {
        let (id, municipality, email) = match actor {
            Actor::Staff(s) => (s.id, s.municipality, s.email.clone()),
            Actor::Resident {
                id,
                municipality,
                email,
                ..
            } => (*id, *municipality, email.clone()),
            Actor::Anonymous => return Err(AppError::Auth(AuthError::SignInRequired)),
        };
        auth::check_new_password(new)?;
        let account = self
            .store
            .account(id)
            .await?
            .ok_or(AppError::Auth(AuthError::SignInRequired))?;
        let (hash, current) = (account.row.password_hash.clone(), current.to_owned());
        let ok = tokio::task::spawn_blocking(move || auth::verify_password(&hash, &current))
            .await
            .unwrap_or(false);
        if !ok {
            return Err(AppError::Auth(AuthError::WrongCurrentPassword));
        }
        let new = new.to_owned();
        let hash = tokio::task::spawn_blocking(move || auth::hash_password(&new))
            .await
            .map_err(|_| AppError::Unavailable)??;
        let now = self.now();
        let e = AuditEntry {
            municipality_id: municipality,
            actor: format!("account:{id} {email}"),
            action: "account.password".into(),
            target: format!("account:{id}"),
            before: None,
            after: Some(serde_json::json!({ "sessions": "ended" })),
            at: now,
        };
        self.store
            .set_password(id, &hash, now, Some(&e))
            .await
            .map_err(|e| match e {
                store::AccountError::Store(e) => e.into(),
                _ => AppError::Auth(AuthError::SignInRequired),
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

    /// The audit log, filtered; `days` are the first and last local dates
    /// to show, in the town's zone.
    pub async fn audit_page(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        days: (Option<NaiveDate>, Option<NaiveDate>),
        lang: Lang,
    ) -> Result<AuditPage, AppError> {
        let s = actor.admin()?;
        let tz = self.town_zone(s.municipality).await?;
        let midnight = |d: NaiveDate| crate::core::time::local_instant(tz, d, "00:00");
        let filter = AuditFilter {
            from: days.0.and_then(midnight),
            to: days.1.and_then(|d| midnight(d.succ_opt()?)),
            ..filter.clone()
        };
        let entries = self
            .store
            .audit_entries(s.municipality, &filter, 500)
            .await?;
        Ok(AuditPage {
            me: me(s, lang),
            entries: entries
                .into_iter()
                .map(|e| AuditLine {
                    at: e
                        .at
                        .with_timezone(&tz)
                        .format("%Y-%m-%d %H:%M:%S")
                        .to_string(),
                    actor: e.actor,
                    action: e.action,
                    target: e.target,
                    before: e.before.unwrap_or_default(),
                    after: e.after.unwrap_or_default(),
                })
                .collect(),
        })
    }

    pub async fn outbox_page(&self, actor: &Actor, lang: Lang) -> Result<OutboxPage, AppError> {
        let s = actor.admin()?;
        let tz = self.town_zone(s.municipality).await?;
        let mails = self.store.outbox(s.municipality, 200).await?;
        let fmt = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
        Ok(OutboxPage {
            me: me(s, lang),
            mails: mails
                .into_iter()
                .map(|m| OutboxLine {
                    created: fmt(m.created_at),
                    to: m.to_addr,
                    subject: m.subject,
                    sent: m.sent_at.map(fmt),
                    error: m.last_error,
                })
                .collect(),
        })
    }

    /// Bookings of a facility for `[from, to]` (local dates) as CSV, UTF-8
    /// with a byte-order mark so that Excel reads the Japanese correctly.
    /// The export holds personal data, so it is audited.
    pub async fn export_csv(
        &self,
        actor: &Actor,
        facility: FacilityId,
        from: NaiveDate,
        to: NaiveDate,
        lang: Lang,
    ) -> Result<String, AppError> {
        let (f, s) = self.managed(actor, facility).await?;
        if to < from || (to - from).num_days() > 366 {
            return Err(invalid(Field::To));
        }
        let tz = f.plan.tz;
        let start =
            crate::core::time::local_instant(tz, from, "00:00").ok_or(invalid(Field::From))?;
        let end = crate::core::time::local_instant(tz, to, "00:00").ok_or(invalid(Field::To))?
            + Duration::days(1);
        let ids: Vec<i64> = f.units.iter().map(|u| u.id.0).collect();
        let rows = self.store.bookings_between(&ids, start, end).await?;
        let now = self.now();
        let mut e = entry(&s, "booking.export", format!("facility:{}", f.id.0), now);
        e.after = Some(serde_json::json!({ "from": from, "to": to, "rows": rows.len() }));
        self.store.audit(&e).await?;
        let mut out = String::from("\u{feff}");
        out.push_str(&ct::csv_header(lang).join(","));
        out.push_str("\r\n");
        for r in &rows {
            let Some(i) = f.units.iter().position(|u| u.id.0 == r.unit_id) else {
                continue;
            };
            let l = self.line(r, &f, i, lang);
            let local =
                |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
            let fields = [
                r.reference.clone(),
                l.unit,
                local(r.start_at),
                local(r.end_at),
                l.status_label,
                r.name.clone(),
                r.name_kana.clone(),
                r.phone.clone(),
                r.email.clone(),
                r.purpose.clone(),
                r.attendees.to_string(),
                crate::booking::texts::resident_text(lang, r.resident).to_owned(),
                r.fee_total_yen.to_string(),
                r.paid_at.map(local).unwrap_or_default(),
                r.usage
                    .as_deref()
                    .map(|u| ct::status_label(lang, u).to_owned())
                    .unwrap_or_default(),
                r.created_by_staff_id
                    .map(|_| "✓".to_owned())
                    .unwrap_or_default(),
            ];
            let line: Vec<String> = fields.iter().map(|x| csv_field(x)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        Ok(out)
    }
}

/// One CSV field, quoted when needed; a leading `=`, `+`, `-` or `@` is
/// defused so a spreadsheet never runs it as a formula.
fn csv_field(x: &str) -> String {
    let x = if x.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{x}")
    } else {
        x.to_owned()
    };
    if x.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", x.replace('"', "\"\""))
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::{csv_field, parse_reason};

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("山田"), "山田");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-1"), "'-1");
    }

    #[test]
    fn reasons_must_say_something() {
        assert!(parse_reason("  ").is_err());
        assert!(parse_reason(&"x".repeat(501)).is_err());
        assert!(parse_reason("bad\u{7}bell").is_err());
        assert_eq!(parse_reason(" 点検のため \n").unwrap(), "点検のため");
    }
}
