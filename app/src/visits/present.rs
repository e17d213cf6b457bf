//! What the residents' visit pages show (来庁予約): the procedure list with
//! search and life events, a visit's day of free times, the contact form,
//! and an appointment with its QR code. Booking, moving and cancelling go
//! through the same services as the API (`appointments.rs`).

use crate::visits::types::{
    ProcedureSummary, TimeChoice, VisitDay, VisitDetail, VisitForm, VisitItemLine, VisitList,
    VisitPlan,
};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use domain::appointment::ProcedurePlan;
use domain::error::{DomainError, Missing};
use domain::text::Lang;
use store::AppointmentRecord;

use crate::core::error::AppError;
use crate::core::i18n::date_time;
use crate::core::i18n::format_date;
use crate::core::state::AppState;
use crate::visits::texts::{self as vt, status_text};

/// Folds a search text: katakana to hiragana, full-width to half-width
/// Latin, lower case, no spaces; so 「ヒッコシ」 finds 「ひっこし」.
pub fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            '！'..='～' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The ids of a visit from `5,7,6`; `None` if any is not a positive number.
pub fn parse_ids(raw: &str) -> Option<Vec<i64>> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<i64>().ok().filter(|i| *i > 0))
        .collect()
}

/// `2026-11-25T09:00` (local) as an instant in `tz`.
fn local_start(tz: Tz, raw: &str) -> Option<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M").ok()?;
    domain::availability::to_utc(tz, local)
}

fn when(lang: Lang, tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    let s = start.with_timezone(&tz).naive_local();
    format!(
        "{}–{}",
        date_time(lang, s),
        end.with_timezone(&tz).format("%-H:%M")
    )
}

impl AppState {
    /// `/visits`.
    pub async fn visit_list(
        &self,
        lang: Lang,
        q: &str,
        event: &str,
    ) -> Result<VisitList, AppError> {
        let (town, _) = self.town().await?;
        let needle = fold(q);
        let event = vt::EVENTS
            .iter()
            .find(|e| **e == event.trim())
            .copied()
            .unwrap_or("");
        let mut groups: Vec<(String, Vec<ProcedureSummary>)> = Vec::new();
        for (p, d) in self.store.procedures(town).await? {
            let hay = fold(&format!("{} {} {}", p.name_ja, p.reading, p.name_en));
            let summary = crate::visits::procedures::summary(lang, &p, &d);
            let by_event = event.is_empty() || summary.life_events.iter().any(|e| e == event);
            if !(by_event && (needle.is_empty() || hay.contains(&needle))) {
                continue;
            }
            match groups
                .iter_mut()
                .find(|(name, _)| *name == summary.department)
            {
                Some((_, list)) => list.push(summary),
                None => groups.push((summary.department.clone(), vec![summary])),
            }
        }
        Ok(VisitList {
            q: q.trim().to_owned(),
            event: event.to_owned(),
            groups,
        })
    }

    /// The free start times of `date` for a visit, as the pages list them.
    pub(crate) async fn visit_day(
        &self,
        lang: Lang,
        town: i64,
        tz: Tz,
        plans: &[ProcedurePlan],
        date: NaiveDate,
        except: Option<i64>,
    ) -> Result<VisitDay, AppError> {
        let t = vt::texts(lang);
        // Read before the times: a change in between is replayed, not lost.
        let version = self.store.latest_change_id().await?;
        let (options, closed) = self.options(town, tz, plans, date, except).await?;
        let today = self.now().with_timezone(&tz).date_naive();
        Ok(VisitDay {
            version,
            date: date.to_string(),
            date_text: format_date(lang, date),
            prev: (date > today).then(|| (date - Duration::days(1)).to_string()),
            next: ((date - today).num_days() < domain::appointment::MAX_DAYS_AHEAD)
                .then(|| (date + Duration::days(1)).to_string()),
            times: options
                .iter()
                .map(|o| {
                    let s = o.start.with_timezone(&tz);
                    TimeChoice {
                        start: s.format("%Y-%m-%dT%H:%M").to_string(),
                        label: format!(
                            "{}–{}",
                            s.format("%-H:%M"),
                            o.end.with_timezone(&tz).format("%-H:%M")
                        ),
                        remaining: o.remaining,
                    }
                })
                .collect(),
            closed: closed.map(|c| {
                match c {
                    domain::appointment::ClosedDay::Weekend => t.closed_weekend,
                    domain::appointment::ClosedDay::Holiday(_) => t.closed_holiday,
                    domain::appointment::ClosedDay::YearEnd => t.closed_year_end,
                }
                .to_owned()
            }),
        })
    }

    /// The first day from today on (within two weeks) with free times for
    /// the visit, or today.
    async fn first_free_day(
        &self,
        town: i64,
        tz: Tz,
        plans: &[ProcedurePlan],
    ) -> Result<NaiveDate, AppError> {
        let today = self.now().with_timezone(&tz).date_naive();
        for n in 0..14 {
            let date = today + Duration::days(n);
            if !self
                .options(town, tz, plans, date, None)
                .await?
                .0
                .is_empty()
            {
                return Ok(date);
            }
        }
        Ok(today)
    }

    /// `/visits/procedures/:id?with=…&date=…`.
    pub async fn visit_plan(
        &self,
        lang: Lang,
        ids: &str,
        date: Option<&str>,
    ) -> Result<VisitPlan, AppError> {
        let ids =
            parse_ids(ids).ok_or(AppError::Domain(DomainError::NotFound(Missing::Procedure)))?;
        let (town, tz) = self.town().await?;
        let chosen = self.visit_procedures(town, &ids).await?;
        let plans: Vec<ProcedurePlan> = chosen.iter().map(crate::visits::service::plan).collect();
        let date = match date.map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => domain::calendar::parse_date(domain::error::Field::Date, d)?,
            None => self.first_free_day(town, tz, &plans).await?,
        };
        let all = self.store.procedures(town).await?;
        let summaries: Vec<ProcedureSummary> = chosen
            .iter()
            .filter_map(|p| all.iter().find(|(q, _)| q.id == p.id))
            .map(|(p, d)| crate::visits::procedures::summary(lang, p, d))
            .collect();
        Ok(VisitPlan {
            total_minutes: summaries.iter().map(|s| s.duration_minutes).sum(),
            others: all
                .iter()
                .filter(|(p, _)| !ids.contains(&p.id))
                .map(|(p, d)| {
                    let s = crate::visits::procedures::summary(lang, p, d);
                    (s.id, s.name)
                })
                .collect(),
            ids: ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
            procedures: summaries,
            day: self.visit_day(lang, town, tz, &plans, date, None).await?,
        })
    }

    /// `/visits/book?p=…&start=…`: the contact form (answers and problems
    /// come from the session after a refused attempt).
    pub async fn visit_form(
        &self,
        lang: Lang,
        ids: &str,
        start: &str,
    ) -> Result<VisitForm, AppError> {
        let plan = self
            .visit_plan(lang, ids, Some(start.get(..10).unwrap_or("")))
            .await?;
        let (_, tz) = self.town().await?;
        let at = local_start(tz, start).ok_or(AppError::Domain(DomainError::invalid(
            domain::error::Field::Start,
            domain::error::InvalidReason::Malformed,
        )))?;
        let end = at + Duration::minutes(i64::from(plan.total_minutes));
        Ok(VisitForm {
            online_possible: plan.procedures.iter().all(|p| p.online_possible),
            when: when(lang, tz, at, end),
            ids: plan.ids,
            start: start.trim().to_owned(),
            procedures: plan.procedures,
            ..VisitForm::default()
        })
    }

    /// The local start of the form as the API's RFC 3339 start.
    pub async fn visit_start(&self, start: &str) -> Result<String, AppError> {
        let (_, tz) = self.town().await?;
        Ok(local_start(tz, start)
            .map(|t| t.with_timezone(&tz).to_rfc3339())
            .unwrap_or_default())
    }

    /// An appointment by reference alone, for a browser already granted it.
    pub async fn visit_by_reference(&self, reference: &str) -> Result<AppointmentRecord, AppError> {
        let reference = domain::reference::normalize(reference).ok_or(AppError::Domain(
            DomainError::NotFound(Missing::Appointment),
        ))?;
        let r = self
            .store
            .appointment_by_reference(&reference)
            .await?
            .ok_or(AppError::Domain(DomainError::NotFound(
                Missing::Appointment,
            )))?;
        self.check_town(r.row.municipality_id, Missing::Appointment)?;
        Ok(r)
    }

    /// `/visits/appointments/:reference` (the caller checked the grant).
    pub async fn visit_detail(
        &self,
        lang: Lang,
        r: &AppointmentRecord,
        date: Option<&str>,
    ) -> Result<VisitDetail, AppError> {
        let (town, tz) = self.town().await?;
        let t = vt::texts(lang);
        let all = self.store.procedures(town).await?;
        let members = self.store.staff_members(town).await?;
        let mut documents: Vec<String> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let mut items = Vec::new();
        let mut plans = Vec::new();
        for i in &r.items {
            let s = all
                .iter()
                .find(|(p, _)| p.id == i.procedure_id)
                .map(|(p, d)| crate::visits::procedures::summary(lang, p, d));
            if let Some(s) = &s {
                for d in &s.documents {
                    if !documents.contains(d) {
                        documents.push(d.clone());
                    }
                }
                if !s.notes.is_empty() && !notes.contains(&s.notes) {
                    notes.push(s.notes.clone());
                }
                plans.push(ProcedurePlan {
                    id: s.id,
                    duration: s.duration_minutes,
                });
            }
            items.push(VisitItemLine {
                procedure: s.map(|s| s.name).unwrap_or_default(),
                when: when(lang, tz, i.start_at, i.end_at),
                staff: members
                    .iter()
                    .find(|m| m.id == i.staff_id)
                    .map(|m| m.display_name.clone())
                    .unwrap_or_default(),
            });
        }
        let booked = r.row.status == domain::status::AppointmentStatus::Booked;
        let day = if booked {
            let first = r
                .items
                .first()
                .map(|i| i.start_at.with_timezone(&tz).date_naive());
            let date = match date.map(str::trim).filter(|d| !d.is_empty()) {
                Some(d) => Some(domain::calendar::parse_date(domain::error::Field::Date, d)?),
                None => first,
            };
            match date {
                Some(date) => Some(
                    self.visit_day(lang, town, tz, &plans, date, Some(r.row.id))
                        .await?,
                ),
                None => None,
            }
        } else {
            None
        };
        Ok(VisitDetail {
            reference: r.row.reference.clone(),
            status: r.row.status.code().to_owned(),
            status_text: status_text(lang, r.row.status).to_owned(),
            mode_text: if r.row.mode == "online" {
                t.mode_online
            } else {
                t.mode_in_person
            }
            .to_owned(),
            items,
            documents,
            notes,
            qr_svg: crate::core::qr::svg(&r.row.reference).unwrap_or_default(),
            booked,
            needs_contact: r.row.needs_contact,
            day,
            flash: None,
            error: None,
        })
    }

    /// The visit as a calendar file: the whole visit as one event (the same
    /// UID and SEQUENCE as in calendar feeds and in its mails).
    pub async fn visit_ics(&self, lang: Lang, r: &AppointmentRecord) -> Result<String, AppError> {
        self.visit_facts(r.row.municipality_id)
            .await?
            .ics(r, lang, self.now())
            .ok_or(AppError::Domain(DomainError::NotFound(
                Missing::Appointment,
            )))
    }

    /// Moves a visit (granted to this browser) to a local start time.
    pub async fn move_visit(&self, r: &AppointmentRecord, start: &str) -> Result<(), AppError> {
        let rfc = self.visit_start(start).await?;
        let contact = r.row.email.clone();
        self.reschedule_appointment(&r.row.reference, &contact, &rfc, Lang::Ja)
            .await
            .map(drop)
    }

    /// Cancels a visit granted to this browser.
    pub async fn cancel_visit(&self, r: &AppointmentRecord) -> Result<(), AppError> {
        let contact = r.row.email.clone();
        self.cancel_appointment(&r.row.reference, &contact, Lang::Ja)
            .await
            .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_fold_scripts_and_widths() {
        assert_eq!(fold("ヒッコシ"), "ひっこし");
        assert_eq!(fold("マイナンバー"), "まいなんばー");
        assert_eq!(fold(" ＭｙＮｕｍｂｅｒ "), "mynumber");
        assert!(fold("てんにゅうとどけ 転入").contains(&fold("テンニュウ")));
    }

    #[test]
    fn visit_ids_parse_or_refuse() {
        assert_eq!(parse_ids("5,7, 6"), Some(vec![5, 7, 6]));
        assert_eq!(parse_ids("5,x"), None);
        assert_eq!(parse_ids("0"), None);
        assert_eq!(parse_ids(""), Some(vec![]));
    }
}
