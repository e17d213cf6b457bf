//! The mails a visitor gets about a visit appointment (booked, moved,
//! cancelled), Japanese first and then English, each with the visit's
//! calendar file: the same event as in calendar feeds (UID, SEQUENCE), so a
//! calendar that took the first one follows the move or drops the visit.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::text::Lang;
use store::entity::{department, municipality, procedure};
use store::{AppointmentRecord, NewMail};

use crate::core::calendar::{Detail, visit_event};
use crate::core::error::AppError;
use crate::core::ics::{IcsCalendar, IcsEvent, write};
use crate::core::state::AppState;
use crate::core::time::when_text;
use crate::visits::procedures::summary;
use crate::visits::texts::texts;

/// Why a visitor gets a mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VisitMail {
    Booked,
    Moved,
    Cancelled,
    /// The day before.
    Reminder,
}

fn event_text(lang: Lang, e: VisitMail) -> (&'static str, &'static str) {
    match (lang, e) {
        (Lang::Ja, VisitMail::Booked) => (
            "来庁予約を受け付けました",
            "次の来庁予約を受け付けました。当日は窓口で受付番号をお伝えください。",
        ),
        (Lang::Ja, VisitMail::Moved) => (
            "来庁予約の日時を変更しました",
            "次のとおり、来庁予約の日時を変更しました。",
        ),
        (Lang::Ja, VisitMail::Cancelled) => (
            "来庁予約を取り消しました",
            "次の来庁予約の取消を受け付けました。",
        ),
        (Lang::Ja, VisitMail::Reminder) => (
            "明日の来庁予約のお知らせ",
            "明日は次の来庁予約の日です。持ち物をご確認のうえ、お越しください。",
        ),
        (Lang::En, VisitMail::Reminder) => (
            "Reminder: your visit tomorrow",
            "This is a reminder of your visit to the town hall below, tomorrow. Please check what to bring.",
        ),
        (Lang::En, VisitMail::Booked) => (
            "Visit booked",
            "Your visit to the town hall below is booked. Please give the reference at the counter.",
        ),
        (Lang::En, VisitMail::Moved) => (
            "Visit moved",
            "Your visit below now has the date and time shown.",
        ),
        (Lang::En, VisitMail::Cancelled) => (
            "Visit cancelled",
            "Your visit below is cancelled as you asked.",
        ),
    }
}

/// What a visit's mails and calendar file need, read before the write
/// (they are made inside its transaction).
pub struct VisitFacts {
    pub town: municipality::Model,
    pub tz: Tz,
    pub procedures: Vec<(procedure::Model, department::Model)>,
    /// Where the visitor finds, moves or cancels the visit.
    pub origin: String,
}

impl VisitFacts {
    fn town_name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.town.name_ja,
            Lang::En => &self.town.name_en,
        }
    }

    fn procedure(&self, lang: Lang, id: i64) -> Option<crate::visits::types::ProcedureSummary> {
        self.procedures
            .iter()
            .find(|(p, _)| p.id == id)
            .map(|(p, d)| summary(lang, p, d))
    }

    fn documents(&self, lang: Lang, r: &AppointmentRecord) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for i in &r.items {
            for d in self
                .procedure(lang, i.procedure_id)
                .map(|p| p.documents)
                .unwrap_or_default()
            {
                if !out.contains(&d) {
                    out.push(d);
                }
            }
        }
        out
    }

    /// The visit as its holder's calendar event, in `lang`: what to bring
    /// in its description, the town as its place. The `.ics` file, the mails
    /// and the resident's feeds all carry this event.
    pub fn event(&self, r: &AppointmentRecord, lang: Lang) -> Option<IcsEvent> {
        let name = |id: i64| self.procedure(lang, id).map(|p| p.name).unwrap_or_default();
        let mut event = visit_event(r, Detail::Owner, lang, &name, &|_| String::new())?;
        event.location = self.town_name(lang).to_owned();
        event.description = format!(
            "{}\n{}: {}",
            event.description,
            texts(lang).documents,
            self.documents(lang, r).join(" / ")
        );
        Some(event)
    }

    /// The visit as a calendar file (its [`VisitFacts::event`]).
    pub fn ics(&self, r: &AppointmentRecord, lang: Lang, now: DateTime<Utc>) -> Option<String> {
        Some(write(&IcsCalendar {
            name: "",
            tz: self.tz,
            stamp: now,
            refresh: None,
            events: &[self.event(r, lang)?],
        }))
    }

    fn part(&self, lang: Lang, what: VisitMail, r: &AppointmentRecord) -> String {
        let t = texts(lang);
        let (_, lead) = event_text(lang, what);
        let start = r.items.iter().map(|i| i.start_at).min();
        let end = r.items.iter().map(|i| i.end_at).max();
        let when = match (start, end) {
            (Some(s), Some(e)) => when_text(lang, s, e, self.tz),
            _ => String::new(),
        };
        let procedures: Vec<String> = r
            .items
            .iter()
            .filter_map(|i| self.procedure(lang, i.procedure_id).map(|p| p.name))
            .collect();
        let mode = if r.row.mode == "online" {
            t.mode_online
        } else {
            t.mode_in_person
        };
        let (dear, labels) = match lang {
            Lang::Ja => (
                format!("{} 様", r.row.name),
                [
                    "日時",
                    "手続き",
                    "相談の方法",
                    "確認・変更・取消",
                    "お問い合わせ",
                ],
            ),
            Lang::En => (
                format!("Dear {},", r.row.name),
                [
                    "Date and time",
                    "Procedures",
                    "How",
                    "Find, move or cancel",
                    "Questions",
                ],
            ),
        };
        let sep = if lang == Lang::Ja { "：" } else { ": " };
        let documents = if what == VisitMail::Cancelled {
            String::new()
        } else {
            format!(
                "{}{sep}{}\n",
                t.documents,
                self.documents(lang, r).join(" / ")
            )
        };
        format!(
            "{dear}\n\n{lead}\n\n{}{sep}{}\n{}{sep}{when}\n{}{sep}{}\n{}{sep}{mode}\n{documents}\n{}{sep}{}/visits/find\n{}{sep}{} {}\n",
            t.reference,
            r.row.reference,
            labels[0],
            labels[1],
            procedures.join(if lang == Lang::Ja { "・" } else { ", " }),
            labels[2],
            labels[3],
            self.origin,
            labels[4],
            self.town_name(lang),
            self.town.phone,
        )
    }

    /// The visitor's mail about their visit as it now stands (`None`: no
    /// address).
    pub fn mail(
        &self,
        what: VisitMail,
        r: &AppointmentRecord,
        now: DateTime<Utc>,
    ) -> Option<NewMail> {
        if r.row.email.is_empty() {
            return None;
        }
        let (ja, en) = (event_text(Lang::Ja, what).0, event_text(Lang::En, what).0);
        Some(NewMail {
            municipality_id: r.row.municipality_id,
            to: r.row.email.clone(),
            subject: format!("{ja} / {en} ({})", r.row.reference),
            body: format!(
                "{}\n----- English -----\n\n{}",
                self.part(Lang::Ja, what, r),
                self.part(Lang::En, what, r)
            ),
            ics: self.ics(r, Lang::Ja, now),
        })
    }
}

impl AppState {
    /// What the mails and calendar files of a town's visits need.
    pub async fn visit_facts(&self, town: i64) -> Result<VisitFacts, AppError> {
        let towns = self.store.municipalities().await?;
        let several = towns.len() > 1;
        let town = towns
            .into_iter()
            .find(|m| m.id == town)
            .ok_or(AppError::Unavailable)?;
        Ok(VisitFacts {
            tz: town.time_zone.parse().unwrap_or(chrono_tz::Asia::Tokyo),
            procedures: self.store.procedures(town.id).await?,
            origin: self.town_origin(&town, several),
            town,
        })
    }
}
