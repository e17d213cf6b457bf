//! The waiting list (キャンセル待ち) as residents use it. A taken cell of the
//! day table links to the booking form in waiting mode (no equipment, no
//! reduction); its review, finding the time taken, offers to join the line.
//! The store offers a freed time to the first in line in the transaction
//! that frees it (`store::waitlist`); this module writes the mails, shows a
//! place in line and the offer on the booking's page, and takes the offer.
//! Every word here is written on the server and sent with the page's data.

use chrono::Duration;
use domain::error::{Conflict, DomainError, Missing};
use domain::ids::UnitId;
use domain::status::{BookingStatus, WaitState};
use domain::text::Lang;
use store::entity::waitlist_entry;
use store::waitlist::{JoinError, NewWait, OFFER_HOLD_HOURS};
use store::{BookingRecord, FacilityRecord, NewMail};

use crate::booking::input::BookingInput;
use crate::booking::mail::MailEvent;
use crate::booking::types::{OfferText, WaitJoin, WaitPage};
use crate::core::error::AppError;
use crate::core::i18n::{date_time, yen};
use crate::core::state::AppState;
use crate::core::time::when_text;

fn ja(lang: Lang) -> bool {
    lang == Lang::Ja
}

/// What the form says when filled in to wait for a taken time.
pub(crate) fn form_lead(lang: Lang) -> WaitJoin {
    WaitJoin {
        heading: if ja(lang) { "キャンセル待ちの申込み" } else { "Join the waiting list" }.into(),
        lead: if ja(lang) {
            "この時間は予約済みです。お名前などを入力して確認へ進むと、キャンセル待ちに登録できます（付帯設備と減免はキャンセル待ちでは申し込めません）。"
        } else {
            "This time is booked. Fill in your details and go on to the review to join its waiting list (equipment and fee reductions cannot be asked for on the waiting list)."
        }
        .into(),
        join: None,
    }
}

/// The review's offer to join the line, once the answers are checked.
pub(crate) fn join_offer(lang: Lang, version: u32) -> WaitJoin {
    WaitJoin {
        heading: if ja(lang) {
            "キャンセル待ちに登録できます"
        } else {
            "You can join the waiting list"
        }
        .into(),
        lead: if ja(lang) {
            format!(
                "この時間は予約済みです。キャンセル待ちに登録すると、空きが出たときに登録順にメールでご案内します。ご案内した枠は{OFFER_HOLD_HOURS}時間（利用開始まで）お取り置きしますので、その間に確定してください。"
            )
        } else {
            format!(
                "This time is booked. If you join its waiting list, we mail you in turn when it frees up, and hold it for you for {OFFER_HOLD_HOURS} hours (never past its start) to confirm."
            )
        },
        join: Some((
            if ja(lang) {
                "キャンセル待ちに登録する"
            } else {
                "Join the waiting list"
            }
            .into(),
            version,
        )),
    }
}

/// What staff read on a booking's page about the waiting list: an offer
/// awaiting the resident (held until `offer_until`), or how many wait for
/// a time that meets it. `None` when neither.
pub(crate) fn staff_line(
    lang: Lang,
    waiting: u64,
    offer_until: Option<&str>,
) -> Option<(String, String)> {
    let label = if ja(lang) {
        "キャンセル待ち"
    } else {
        "Waiting list"
    }
    .to_owned();
    let text = match (offer_until, lang) {
        (Some(until), Lang::Ja) => format!(
            "キャンセル待ちの方にご案内中です（{until}まで確定待ち。承認は不要で、過ぎると次の方にご案内します）。"
        ),
        (Some(until), Lang::En) => format!(
            "Offered to the next in line, who confirms it by {until} (no approval needed; then it goes to the next)."
        ),
        (None, _) if waiting == 0 => return None,
        (None, Lang::Ja) => format!(
            "この時間と重なるキャンセル待ちが {waiting} 件あります。空いたら登録順にご案内します。"
        ),
        (None, Lang::En) => format!(
            "{waiting} waiting for a time that meets this one: if it frees up, they are offered it in turn."
        ),
    };
    Some((label, text))
}

fn join_error(e: JoinError) -> AppError {
    match e {
        JoinError::Free => AppError::Domain(DomainError::Conflict(Conflict::WaitFree)),
        JoinError::AlreadyWaiting => {
            AppError::Domain(DomainError::Conflict(Conflict::AlreadyWaiting))
        }
        JoinError::LimitReached { max } => {
            AppError::Domain(DomainError::Conflict(Conflict::WaitLimit { max }))
        }
        JoinError::Store(e) => e.into(),
    }
}

fn not_found() -> AppError {
    AppError::Domain(DomainError::NotFound(Missing::Booking))
}

/// The words of a place in line, in one language.
struct WaitWords {
    facility: String,
    unit: String,
    when: String,
    fee: String,
}

fn words(f: &FacilityRecord, e: &waitlist_entry::Model, lang: Lang) -> WaitWords {
    let unit = f
        .units
        .iter()
        .find(|u| u.id.0 == e.unit_id)
        .map(|u| u.name.get(lang).to_owned())
        .unwrap_or_default();
    WaitWords {
        facility: f.name.get(lang).to_owned(),
        unit,
        when: when_text(lang, e.start_at, e.end_at, f.plan.tz),
        fee: yen(lang, domain::booking::Yen(e.fee_total_yen)),
    }
}

/// The mail that tells a resident their place in line (Japanese, then English).
fn join_mail(f: &FacilityRecord, e: &waitlist_entry::Model, place: u64) -> Option<NewMail> {
    if e.email.is_empty() {
        return None;
    }
    let (j, n) = (words(f, e, Lang::Ja), words(f, e, Lang::En));
    let reference = &e.reference;
    let name = &e.name;
    let body = format!(
        "{name} 様\n\n次の枠のキャンセル待ちを受け付けました。現在 {place} 番目です。空きが出たら、登録順にメールでご案内します。ご案内した枠は{OFFER_HOLD_HOURS}時間（利用開始まで）お取り置きします。\n\n受付番号：{reference}\n施設：{}\n部屋・区画：{}\n日時：{}\n使用料：{}\n\nキャンセル待ちの確認・取りやめは「予約の確認」から、受付番号とメールアドレスで行えます。\nお問い合わせ：{}\n\n----- English -----\n\nDear {name},\n\nYou are on the waiting list for the time below, number {place} in line. If it frees up, we mail you in turn and hold it for you for {OFFER_HOLD_HOURS} hours (never past its start).\n\nReference: {reference}\nFacility: {}\nRoom or area: {}\nDate and time: {}\nFee: {}\n\nYou can see your place or leave the list under \"My booking\" with the reference and your e-mail address.\nQuestions: {}\n",
        j.facility, j.unit, j.when, j.fee, f.phone, n.facility, n.unit, n.when, n.fee, f.phone,
    );
    Some(NewMail {
        municipality_id: f.municipality.0,
        to: e.email.clone(),
        subject: format!(
            "キャンセル待ちを受け付けました / You are on the waiting list ({reference})"
        ),
        body,
        ics: None,
    })
}

impl AppState {
    /// Joins the line for a taken time with the answers of the booking
    /// form: checked as a booking would be (as if the time were free) and
    /// priced. The resident is mailed their place.
    pub async fn join_waitlist(
        &self,
        input: &BookingInput,
        staff: bool,
        account: Option<i64>,
    ) -> Result<(waitlist_entry::Model, u64), AppError> {
        let p = self.prepare_wait(input, staff).await?;
        let f = &p.facility;
        let new = NewWait {
            unit: p.selection.unit,
            leaves: domain::booking::space_leaves(&f.plan.units, p.selection.unit),
            facility_id: f.id.0,
            municipality_id: f.municipality.0,
            start: p.selection.start,
            end: p.selection.end,
            applicant: p.applicant.clone(),
            fee: p.fee.clone(),
            account_id: account,
            max_waiting: f.max_active_bookings,
        };
        let mail = |e: &waitlist_entry::Model, place: u64| join_mail(f, e, place);
        let joined = self
            .store
            .join_waitlist(&new, self.now(), &mail)
            .await
            .map_err(join_error)?;
        tracing::info!(
            entry = joined.0.id,
            unit = new.unit.0,
            "joined a waiting list"
        );
        self.mailer.wake();
        Ok(joined)
    }

    /// The place in line with this reference, if `contact` is the one it
    /// was made with (as a booking is found; wrong contacts are limited).
    pub async fn find_wait(
        &self,
        reference: &str,
        contact: &str,
    ) -> Result<waitlist_entry::Model, AppError> {
        let contact = domain::applicant::Contact::parse(contact).map_err(|_| not_found())?;
        let reference = domain::reference::normalize(reference).ok_or_else(not_found)?;
        let key = format!("wait:{reference}");
        self.reference_attempt(&key).await?;
        let found = self
            .wait_by_reference(&reference)
            .await
            .ok()
            .filter(|e| match &contact {
                domain::applicant::Contact::Email(m) => e.email == *m,
                domain::applicant::Contact::Phone(p) => e.phone == *p,
            });
        match found {
            Some(e) => {
                self.reference_passed(&key).await?;
                Ok(e)
            }
            None => Err(not_found()),
        }
    }

    /// The place in line by reference alone (for a browser that proved it
    /// owns it), if it is of this town.
    pub async fn wait_by_reference(
        &self,
        reference: &str,
    ) -> Result<waitlist_entry::Model, AppError> {
        let reference = domain::reference::normalize(reference).ok_or_else(not_found)?;
        let entry = self
            .store
            .wait_entry(&reference)
            .await?
            .ok_or_else(not_found)?;
        match self.unit_facility(UnitId(entry.unit_id)).await {
            Ok(_) => Ok(entry),
            Err(AppError::Domain(_)) => Err(not_found()),
            Err(e) => Err(e),
        }
    }

    /// The page of a place in line.
    pub async fn wait_page(
        &self,
        e: &waitlist_entry::Model,
        flash: Option<String>,
        lang: Lang,
    ) -> Result<WaitPage, AppError> {
        let (f, _) = self.unit_facility(UnitId(e.unit_id)).await?;
        let w = words(&f, e, lang);
        let now = self.now();
        let j = ja(lang);
        let offer_ref = match e.booking_id {
            Some(id) => self.store.booking_row(id).await?.map(|b| b.reference),
            None => None,
        };
        let lead = match e.state {
            WaitState::Waiting if e.start_at <= now => {
                if j { "この枠の利用時間が過ぎたため、キャンセル待ちは終了しました。" } else { "The time has passed: this waiting list has ended." }.to_owned()
            }
            WaitState::Waiting => {
                let place = self.store.wait_place(e).await?;
                if j {
                    format!("キャンセル待ち {place} 番目です。空きが出たら、メールでご案内します。")
                } else {
                    format!("You are number {place} in line. If the time frees up, we will mail you.")
                }
            }
            WaitState::Offered => {
                if j { "空きが出たため、この枠をお取り置きしています。期限までに予約を確定してください。" } else { "The time freed up and is held for you: confirm the booking before the hold ends." }.to_owned()
            }
            WaitState::Booked => {
                if j { "ご案内した枠を予約されました。" } else { "You booked the time offered to you." }.to_owned()
            }
            WaitState::Passed => {
                if j { "ご案内した枠は、期限までに確定されなかったか辞退されたため、次の方にご案内しました。" } else { "The time offered to you was not confirmed in time, or was declined: it went to the next in line." }.to_owned()
            }
            WaitState::Withdrawn => {
                if j { "キャンセル待ちを取りやめました。" } else { "You left the waiting list." }.to_owned()
            }
        };
        let label = |ja_text: &str, en_text: &str| if j { ja_text } else { en_text }.to_owned();
        Ok(WaitPage {
            reference: e.reference.clone(),
            title: label("キャンセル待ちの確認", "Your place on the waiting list"),
            flash,
            lead,
            rows: vec![
                (label("受付番号", "Reference"), e.reference.clone()),
                (label("施設", "Facility"), w.facility),
                (label("部屋・区画", "Room or area"), w.unit),
                (label("日時", "Date and time"), w.when),
                (label("使用料", "Fee"), w.fee),
                (label("お名前", "Name"), e.name.clone()),
            ],
            offer: offer_ref
                .filter(|_| e.state == WaitState::Offered || e.state == WaitState::Booked)
                .map(|r| {
                    (
                        label("お取り置きした予約を開く", "Open the booking held for you"),
                        self.at(&format!("/bookings/{r}")),
                    )
                }),
            withdraw: (e.state == WaitState::Waiting && e.start_at > now)
                .then(|| label("キャンセル待ちを取りやめる", "Leave the waiting list")),
        })
    }

    /// What the page says once its owner joined or left the line.
    pub fn wait_flash(lang: Lang, joined: bool) -> String {
        match (lang, joined) {
            (Lang::Ja, true) => "キャンセル待ちに登録しました。確認のメールをお送りしました。",
            (Lang::En, true) => {
                "You joined the waiting list. We have sent you a confirming e-mail."
            }
            (Lang::Ja, false) => "キャンセル待ちを取りやめました。",
            (Lang::En, false) => "You left the waiting list.",
        }
        .to_owned()
    }

    /// Leaves the line (only while still waiting).
    pub async fn withdraw_wait(&self, e: &waitlist_entry::Model) -> Result<(), AppError> {
        if self.store.withdraw_wait(e.id).await? {
            tracing::info!(entry = e.id, "left a waiting list");
            Ok(())
        } else {
            Err(AppError::Domain(DomainError::Conflict(
                Conflict::AlreadyCancelled,
            )))
        }
    }

    /// The offer on a booking's page: for a booking held from the waiting
    /// list and not yet confirmed.
    pub async fn offer_text(
        &self,
        record: &BookingRecord,
        f: &FacilityRecord,
        lang: Lang,
    ) -> Result<Option<OfferText>, AppError> {
        if record.status(self.now()) != BookingStatus::Pending {
            return Ok(None);
        }
        let Some(entry) = self.store.offer_of(record.row.id).await? else {
            return Ok(None);
        };
        if entry.state != WaitState::Offered {
            return Ok(None);
        }
        let until = record
            .row
            .expires_at
            .map(|at| date_time(lang, at.with_timezone(&f.plan.tz).naive_local()))
            .unwrap_or_default();
        Ok(Some(OfferText {
            notice: if ja(lang) {
                format!(
                    "キャンセル待ちの枠が空いたため、お取り置きしています。{until}までに「この予約を確定する」を押してください。過ぎると次の方にご案内します。ご不要なら「この予約を取り消す」で辞退できます。"
                )
            } else {
                format!(
                    "The time you waited for freed up and is held for you until {until}. Press \"Confirm this booking\" before then, or it goes to the next in line. If you no longer need it, decline it with \"Cancel this booking\"."
                )
            },
            button: if ja(lang) {
                "この予約を確定する"
            } else {
                "Confirm this booking"
            }
            .into(),
        }))
    }

    /// Takes a time offered from the waiting list: confirmed, or a 仮予約
    /// awaiting approval where the unit needs it.
    pub async fn accept_offer(&self, record: &BookingRecord) -> Result<(), AppError> {
        let (f, i) = self.unit_facility(UnitId(record.row.unit_id)).await?;
        let now = self.now();
        let rules = &f.units[i].rules;
        let pending_until = rules.requires_approval.then(|| {
            (now + Duration::hours(i64::from(rules.pending_hold_hours))).min(record.row.start_at)
        });
        let mail = |row: &store::entity::booking::Model| {
            let event = if row.status == BookingStatus::Pending {
                MailEvent::Requested
            } else {
                MailEvent::Confirmed
            };
            self.mail_for(row, &f, i, event)
        };
        self.store
            .accept_offer(record.row.id, pending_until, now, &mail)
            .await
            .map_err(|e| match e {
                store::ChangeError::NotFound => not_found(),
                store::ChangeError::WrongStatus(_) => {
                    AppError::Domain(DomainError::Conflict(Conflict::AlreadyCancelled))
                }
                store::ChangeError::Store(e) => e.into(),
            })?;
        tracing::info!(booking = record.row.id, "offer from the waiting list taken");
        self.mailer.wake();
        Ok(())
    }

    /// The waiting lists' round: lapsed holds someone waits for are passed
    /// on, and offers made since the last round are mailed. Returns how many
    /// offers were mailed.
    pub async fn waitlist_round(&self) -> Result<usize, AppError> {
        let now = self.now();
        self.store.pass_lapsed(now).await?;
        let mut mailed = 0;
        for (entry, booking) in self.store.offers_to_mail().await? {
            let mail = match self.unit_facility(UnitId(booking.unit_id)).await {
                Ok((f, i)) => {
                    let until = booking
                        .expires_at
                        .map(|at| at.with_timezone(&f.plan.tz).naive_local());
                    let mut row = booking.clone();
                    row.status_reason = until.map(|u| {
                        format!("{} / {}", date_time(Lang::Ja, u), date_time(Lang::En, u))
                    });
                    self.mail_for(&row, &f, i, MailEvent::Offered)
                }
                Err(AppError::Domain(_)) => None,
                Err(e) => return Err(e),
            };
            if self.store.mail_offer(entry.id, mail, now).await? {
                mailed += 1;
            }
        }
        if mailed > 0 {
            tracing::info!(offers = mailed, "waiting-list offers written to the outbox");
            self.mailer.wake();
        }
        Ok(mailed)
    }
}
