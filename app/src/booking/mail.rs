//! The mails a resident gets about a booking (requested, confirmed,
//! approved, rejected, cancelled), Japanese first and then English, with the
//! booking's calendar file when it stands.

use domain::text::Lang;
use store::entity::booking;
use store::{FacilityRecord, NewMail};

use crate::booking::texts::status_text;
use crate::core::state::AppState;
use crate::core::time::when_text;

/// Why a resident gets a mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailEvent {
    Confirmed,
    Requested,
    Approved,
    /// Approved, but the fee reduction asked for was not granted.
    ApprovedFullFee,
    Rejected,
    CancelledByStaff,
    Cancelled,
    /// The day before.
    Reminder,
    /// A time someone waited for freed up and is held for them; the
    /// booking's `status_reason` carries the hold's end, as written.
    Offered,
}

/// The booking as a mail describes it, in one language.
pub struct MailPart {
    pub facility: String,
    pub unit: String,
    pub when: String,
    pub status: String,
    /// The fee as it stands (`1,650円`).
    pub fee: String,
    pub phone: String,
}

fn event_text(lang: Lang, e: MailEvent) -> (&'static str, &'static str) {
    match (lang, e) {
        (Lang::Ja, MailEvent::Confirmed) => ("予約を受け付けました", "次の予約を受け付けました。"),
        (Lang::Ja, MailEvent::Requested) => (
            "仮予約を受け付けました",
            "次の仮予約を受け付けました。施設の承認をお待ちください。",
        ),
        (Lang::Ja, MailEvent::Approved) => (
            "予約が承認されました",
            "次の仮予約が承認され、本予約になりました。",
        ),
        (Lang::Ja, MailEvent::ApprovedFullFee) => (
            "予約が承認されました（減免なし）",
            "次の仮予約が承認され、本予約になりました。ただし、申請された使用料の減免は認められませんでした。使用料は通常の額になります（下の「使用料」）。ご不明な点は施設にお問い合わせください。",
        ),
        (Lang::Ja, MailEvent::Rejected) => (
            "仮予約は承認されませんでした",
            "申し訳ありません。次の仮予約は承認されませんでした。",
        ),
        (Lang::Ja, MailEvent::CancelledByStaff) => (
            "予約を取り消しました（施設より）",
            "施設の都合により、次の予約を取り消しました。",
        ),
        (Lang::Ja, MailEvent::Cancelled) => {
            ("予約を取り消しました", "次の予約の取消を受け付けました。")
        }
        (Lang::Ja, MailEvent::Reminder) => (
            "明日のご予約のお知らせ",
            "明日は次のご予約の日です。取消しの必要があるときは、お早めにお手続きください。",
        ),
        (Lang::Ja, MailEvent::Offered) => (
            "キャンセル待ちの枠が空きました",
            "キャンセル待ちに登録された次の枠が空いたため、お取り置きしています。下の期限までに「予約の確認」から予約を確定してください。期限を過ぎるか辞退されると、次の方にご案内します。",
        ),
        (Lang::En, MailEvent::Offered) => (
            "The time you waited for is free",
            "The time below, which you were waiting for, freed up and is held for you. Confirm the booking under \"My booking\" before the hold ends (below), or it goes to the next in line.",
        ),
        (Lang::En, MailEvent::Reminder) => (
            "Reminder: your booking tomorrow",
            "This is a reminder of your booking below, tomorrow. If you no longer need it, please cancel it soon.",
        ),
        (Lang::En, MailEvent::Confirmed) => {
            ("Booking confirmed", "Your booking below is confirmed.")
        }
        (Lang::En, MailEvent::Requested) => (
            "Request received",
            "We received your request below. The facility will approve it or not.",
        ),
        (Lang::En, MailEvent::Approved) => (
            "Booking approved",
            "Your request below was approved and is now a confirmed booking.",
        ),
        (Lang::En, MailEvent::ApprovedFullFee) => (
            "Booking approved (no fee reduction)",
            "Your request below was approved and is now a confirmed booking. The fee reduction you asked for was not granted, so the normal fee applies (see \"Fee\" below). Please ask the facility if anything is unclear.",
        ),
        (Lang::En, MailEvent::Rejected) => (
            "Request not approved",
            "We are sorry: your request below was not approved.",
        ),
        (Lang::En, MailEvent::CancelledByStaff) => (
            "Booking cancelled by the facility",
            "The facility had to cancel your booking below.",
        ),
        (Lang::En, MailEvent::Cancelled) => (
            "Booking cancelled",
            "Your booking below is cancelled as you asked.",
        ),
    }
}

/// Subject and body: Japanese first, then English.
pub fn mail(
    event: MailEvent,
    reference: &str,
    name: &str,
    reason: Option<&str>,
    ja: &MailPart,
    en: &MailPart,
) -> (String, String) {
    let (ja_subject, ja_lead) = event_text(Lang::Ja, event);
    let (en_subject, en_lead) = event_text(Lang::En, event);
    let subject = format!("{ja_subject} / {en_subject} ({reference})");
    let show_reason = matches!(
        event,
        MailEvent::Rejected | MailEvent::CancelledByStaff | MailEvent::Offered
    );
    let (label_ja, label_en) = if event == MailEvent::Offered {
        ("確定の期限", "Confirm by")
    } else {
        ("理由", "Reason")
    };
    let reason_ja = reason
        .filter(|_| show_reason)
        .map(|r| format!("{label_ja}：{r}\n"))
        .unwrap_or_default();
    let reason_en = reason
        .filter(|_| show_reason)
        .map(|r| format!("{label_en}: {r}\n"))
        .unwrap_or_default();
    let body = format!(
        "{name} 様\n\n{ja_lead}\n\n受付番号：{reference}\n施設：{}\n部屋・区画：{}\n日時：{}\n状態：{}\n使用料：{}\n{reason_ja}\n予約の確認・取消は「予約の確認」から、受付番号とメールアドレスで行えます。\nお問い合わせ：{}\n\n----- English -----\n\nDear {name},\n\n{en_lead}\n\nReference: {reference}\nFacility: {}\nRoom or area: {}\nDate and time: {}\nStatus: {}\nFee: {}\n{reason_en}\nYou can see or cancel it under \"My booking\" with the reference and your e-mail address.\nQuestions: {}\n",
        ja.facility,
        ja.unit,
        ja.when,
        ja.status,
        ja.fee,
        ja.phone,
        en.facility,
        en.unit,
        en.when,
        en.status,
        en.fee,
        en.phone,
    );
    (subject, body)
}

impl AppState {
    /// The mail about a booking of one of the facility's units.
    pub fn mail_in(
        &self,
        r: &booking::Model,
        f: &FacilityRecord,
        event: MailEvent,
    ) -> Option<NewMail> {
        let i = f.units.iter().position(|u| u.id.0 == r.unit_id)?;
        self.mail_for(r, f, i, event)
    }

    /// The resident's mail about their booking (Japanese, then English),
    /// written into the outbox with the change (`None`: no address).
    pub fn mail_for(
        &self,
        r: &booking::Model,
        f: &FacilityRecord,
        i: usize,
        event: MailEvent,
    ) -> Option<NewMail> {
        if r.email.is_empty() || r.kind != domain::status::BookingKind::Resident {
            return None;
        }
        let tz = f.plan.tz;
        let record = store::BookingRecord {
            row: r.clone(),
            equipment: Vec::new(),
        };
        let ics = match event {
            MailEvent::Confirmed
            | MailEvent::Approved
            | MailEvent::ApprovedFullFee
            | MailEvent::Requested
            | MailEvent::Reminder => Some(self.ics_in(f, &record, Lang::Ja)),
            _ => None,
        };
        let part = |lang: Lang| MailPart {
            facility: f.name.get(lang).to_owned(),
            unit: f.units[i].name.get(lang).to_owned(),
            when: when_text(lang, r.start_at, r.end_at, tz),
            status: match event {
                MailEvent::Cancelled | MailEvent::CancelledByStaff | MailEvent::Rejected => {
                    status_text(lang, domain::status::BookingStatus::Cancelled)
                }
                MailEvent::Offered => crate::booking::texts::offer_status(lang),
                _ => status_text(lang, record.status(self.now())),
            }
            .to_owned(),
            fee: crate::core::i18n::yen(lang, domain::booking::Yen(r.fee_total_yen)),
            phone: f.phone.clone(),
        };
        let (subject, body) = mail(
            event,
            &r.reference,
            &r.name,
            r.status_reason.as_deref(),
            &part(Lang::Ja),
            &part(Lang::En),
        );
        Some(NewMail {
            municipality_id: f.municipality.0,
            to: r.email.clone(),
            subject,
            body,
            ics,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mails_are_japanese_first_then_english() {
        let part = |f: &str| MailPart {
            facility: f.into(),
            unit: "会議室1".into(),
            when: "12月7日 13:00–17:00".into(),
            status: "予約".into(),
            fee: "1,650円".into(),
            phone: "0123-45-6789".into(),
        };
        let (subject, body) = mail(
            MailEvent::Rejected,
            "K7MQ2XAB",
            "山田 花子",
            Some("点検のため"),
            &part("町民センター"),
            &part("Community Centre"),
        );
        assert_eq!(
            subject,
            "仮予約は承認されませんでした / Request not approved (K7MQ2XAB)"
        );
        let ja = body.find("受付番号：K7MQ2XAB").unwrap();
        let en = body.find("Reference: K7MQ2XAB").unwrap();
        assert!(ja < en);
        assert!(body.contains("理由：点検のため") && body.contains("Reason: 点検のため"));
        // Reasons are only for refusals and cancellations by the facility.
        let (_, body) = mail(
            MailEvent::Approved,
            "K7MQ2XAB",
            "山田 花子",
            Some("x"),
            &part("a"),
            &part("b"),
        );
        assert!(!body.contains("理由"));
        assert!(body.contains("使用料：1,650円") && body.contains("Fee: 1,650円"));
        // A reduction not granted says so in both languages.
        let (subject, body) = mail(
            MailEvent::ApprovedFullFee,
            "K7MQ2XAB",
            "山田 花子",
            None,
            &part("a"),
            &part("b"),
        );
        assert!(subject.contains("減免なし") && subject.contains("no fee reduction"));
        // An offer from the waiting list states until when it is held.
        let (subject, offer) = mail(
            MailEvent::Offered,
            "K7MQ2XAB",
            "山田 花子",
            Some("12月8日 10:00 / Dec 8 10:00"),
            &part("a"),
            &part("b"),
        );
        assert!(subject.starts_with("キャンセル待ちの枠が空きました / "));
        assert!(
            offer.contains("確定の期限：12月8日 10:00") && offer.contains("Confirm by: 12月8日")
        );
        assert!(!offer.contains("理由"));
        assert!(body.contains("減免は認められませんでした") && body.contains("was not granted"));
    }
}
