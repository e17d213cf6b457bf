//! One booking as staff see it: contact details (audited), approve, reject, cancel, marks.

use domain::error::Field;
use domain::ids::UnitId;
use domain::text::Lang;
use store::entity::booking;
use store::{AuditEntry, FacilityRecord};

use super::service::*;
use crate::booking::mail::MailEvent;
use crate::booking::service::stored_fee;
use crate::console::texts as ct;
use crate::console::types::*;
use crate::core::access::{Actor, entry};
use crate::core::error::AppError;
use crate::core::i18n::{date_time, yen};
use crate::core::state::AppState;

/// What staff decide about a pending or confirmed booking (the console
/// form's `action`), read in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decision {
    /// 本予約: a pending request approved (with the reduction it asked for).
    Approve,
    /// Approved without the reduction it asked for: at the full fee.
    ApproveFull,
    /// A pending request turned down.
    Reject,
    /// A booking cancelled by the facility.
    Cancel,
}

impl std::str::FromStr for Decision {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "approve" => Ok(Decision::Approve),
            "approve_full" => Ok(Decision::ApproveFull),
            "reject" => Ok(Decision::Reject),
            "cancel" => Ok(Decision::Cancel),
            _ => Err(()),
        }
    }
}

impl Decision {
    fn audit(self) -> domain::status::AuditAction {
        use domain::status::AuditAction::*;
        match self {
            Decision::Approve | Decision::ApproveFull => BookingApprove,
            Decision::Reject => BookingReject,
            Decision::Cancel => BookingCancel,
        }
    }
}

impl AppState {
    /// Records that the member opens a resident's contact details (the
    /// page shows them once, on the next load).
    pub async fn log_contact_view(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let (r, _, _, s) = self.managed_booking(actor, id).await?;
        if r.kind == domain::status::BookingKind::Block {
            return Ok(());
        }
        let mut e = entry(
            &s,
            domain::status::AuditAction::ContactView,
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
        let block = r.kind == domain::status::BookingKind::Block;
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
        // A time held from a waiting list is the resident's to confirm.
        let offer = match self.store.offer_of(r.id).await? {
            Some(e)
                if e.state == domain::status::WaitState::Offered && line.status == "pending" =>
            {
                r.expires_at
                    .map(|at| date_time(lang, at.with_timezone(&f.plan.tz).naive_local()))
            }
            _ => None,
        };
        let waiting = if active && !block {
            self.store
                .waiting_near(f.id.0, r.start_at, r.end_at)
                .await?
        } else {
            0
        };
        let waitlist = crate::booking::waitlist::staff_line(lang, waiting, offer.as_deref());
        let series = self.series_staff_line(&r, lang).await?;
        let can_approve = line.status == "pending" && r.start_at > now && offer.is_none();
        let reduction = match self.booking_reduction(r.id).await? {
            Some((asked, category)) => {
                let rt = crate::booking::texts::reduction_texts(lang);
                let waiting = asked.state == domain::status::ReductionState::Requested;
                let fee = stored_fee(&r);
                Some(StaffReduction {
                    name: (rt.named)(
                        &crate::core::i18n::pick(lang, &category.name_ja, &category.name_en),
                        u8::try_from(asked.percent).unwrap_or(100),
                    ),
                    note: asked.note,
                    state: (line.status == "pending" || !waiting).then(|| {
                        crate::booking::texts::reduction_state(lang, asked.state).to_owned()
                    }),
                    approve: (waiting && can_approve).then(|| {
                        ct::reduction_approvals(
                            lang,
                            &yen(lang, fee.total_yen),
                            &yen(lang, fee.without_reduction().total_yen),
                        )
                    }),
                })
            }
            None => None,
        };
        Ok(StaffBooking {
            me: me(&s, lang),
            facility_id: f.id.0,
            block,
            resident_label: crate::booking::texts::resident_text(lang, r.resident).to_owned(),
            fee: yen(lang, domain::booking::Yen(r.fee_total_yen)),
            paid: r
                .paid_at
                .map(|t| date_time(lang, t.with_timezone(&tz).naive_local())),
            usage: r.usage.map(|u| ct::status_label(lang, u.code()).to_owned()),
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
            can_approve,
            reduction,
            waitlist,
            series,
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
        let decision: Decision = action.parse().map_err(|_| invalid(Field::Action))?;
        let mut e = entry(
            &s,
            decision.audit(),
            format!("booking:{}", r.reference),
            now,
        );
        e.before = Some(serde_json::json!({ "status": r.status }));
        let tell = |event: MailEvent| {
            let f = &f;
            move |row: &booking::Model| self.mail_for(row, f, i, event)
        };
        match decision {
            Decision::Approve => return self.approve(&r, &f, i, e, true).await,
            Decision::ApproveFull => return self.approve(&r, &f, i, e, false).await,
            Decision::Reject => {
                let reason = parse_reason(reason)?;
                e.after = Some(
                    serde_json::json!({ "status": "cancelled", "rejected": true, "reason": reason }),
                );
                self.store
                    .staff_reject(id, &reason, now, &e, &tell(MailEvent::Rejected))
                    .await
                    .map_err(change_error)?;
            }
            Decision::Cancel => {
                let reason = parse_reason(reason)?;
                e.after = Some(serde_json::json!({ "status": "cancelled", "reason": reason }));
                self.store
                    .staff_cancel(id, &reason, now, &e, &tell(MailEvent::CancelledByStaff))
                    .await
                    .map_err(change_error)?;
            }
        };
        self.mailer.wake();
        Ok(())
    }

    /// Approves a pending booking (本予約) and tells the resident: the one
    /// path of the console's approval and `server approve`. A reduction it
    /// asked for is granted with it, or (`grant` false) refused: the fee
    /// goes back to the full rate and the mail says so.
    async fn approve(
        &self,
        r: &booking::Model,
        f: &FacilityRecord,
        i: usize,
        mut e: AuditEntry,
        grant: bool,
    ) -> Result<(), AppError> {
        let asked = self
            .store
            .booking_reduction(r.id)
            .await?
            .filter(|a| a.state == domain::status::ReductionState::Requested);
        let fee = stored_fee(r);
        let decision = match (&asked, grant) {
            (None, true) => None,
            // Nothing to refuse: a stale form or a hand-made post.
            (None, false) => return Err(invalid(Field::Action)),
            (Some(_), true) => Some(store::reductions::ReductionDecision::Grant),
            (Some(_), false) => Some(store::reductions::ReductionDecision::Refuse {
                full: fee.without_reduction(),
            }),
        };
        e.action = domain::status::AuditAction::BookingApprove;
        e.before = Some(match &asked {
            Some(a) => serde_json::json!({
                "status": r.status, "fee_total_yen": r.fee_total_yen,
                "reduction": {"id": a.reduction_id, "percent": a.percent, "state": a.state},
            }),
            None => serde_json::json!({ "status": r.status }),
        });
        e.after = Some(match &decision {
            Some(store::reductions::ReductionDecision::Refuse { full }) => serde_json::json!({
                "status": "confirmed", "fee_total_yen": full.total_yen.0,
                "reduction": {"state": domain::status::ReductionState::Refused},
            }),
            Some(store::reductions::ReductionDecision::Grant) => serde_json::json!({
                "status": "confirmed", "fee_total_yen": r.fee_total_yen,
                "reduction": {"state": domain::status::ReductionState::Approved},
            }),
            None => serde_json::json!({ "status": "confirmed" }),
        });
        let event = if grant {
            MailEvent::Approved
        } else {
            MailEvent::ApprovedFullFee
        };
        let tell = |row: &booking::Model| self.mail_for(row, f, i, event);
        self.store
            .staff_approve(r.id, e.at, &e, &tell, decision.as_ref())
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
            action: domain::status::AuditAction::BookingApprove,
            target: format!("booking:{}", record.row.reference),
            before: None,
            after: None,
            at: self.now(),
        };
        self.approve(&record.row, &f, i, e, true).await
    }

    /// 利用済 / 不来場 / clear, or 収納済 / clear.
    pub async fn mark(&self, actor: &Actor, id: i64, what: &str) -> Result<(), AppError> {
        let (r, _, _, s) = self.managed_booking(actor, id).await?;
        let now = self.now();
        let action = match what {
            "used" | "no_show" | "usage_clear" => domain::status::AuditAction::BookingUsage,
            "paid" | "paid_clear" => domain::status::AuditAction::BookingPaid,
            _ => return Err(invalid(Field::Action)),
        };
        let mut e = entry(&s, action, format!("booking:{}", r.reference), now);
        let result = match what {
            "used" | "no_show" | "usage_clear" => {
                let usage = (what != "usage_clear").then_some(what);
                e.before = Some(serde_json::json!({ "usage": r.usage }));
                e.after = Some(serde_json::json!({ "usage": usage }));
                self.store.set_usage(id, usage, now, &e).await
            }
            "paid" | "paid_clear" => {
                let paid = (what == "paid").then_some(now);
                e.before = Some(serde_json::json!({ "paid_at": r.paid_at }));
                e.after = Some(serde_json::json!({ "paid_at": paid }));
                self.store.set_paid(id, paid, now, &e).await
            }
            _ => return Err(invalid(Field::Action)),
        };
        result.map(|_| ()).map_err(change_error)
    }
}
