//! Divisions, counters, procedures and staff members set up in the console:
//! each form checked field by field, then written with its audit entry
//! (`store::divisions`). Admins add divisions; admins and the division's own
//! counter staff set up what is in it.

use chrono::Weekday;
use chrono_tz::Tz;
use domain::error::{Conflict, DomainError, Missing};
use domain::rules_edit::{format_time, parse_time};
use domain::status::AuditAction;
use domain::text::Lang;
use store::AbsenceDecision;
use store::divisions::{Division, NewCounter, NewProcedure, StaffInput, StaffSaved};

use crate::console::service::me;
use crate::core::access::{Actor, CounterGrant, entry};
use crate::core::error::AppError;
use crate::core::i18n::{date_time, pick, weekday_long, weekday_short};
use crate::core::state::AppState;
use crate::core::types::Choice;
use crate::setup::texts::messages;
use crate::setup::types::{
    CounterForm, CounterLine, DivisionForm, DivisionLine, DivisionPage, DivisionsPage, FormMessage,
    MemberForm, MemberLine, MemberPage, ProcedureForm, ProcedureLine, ProcedurePage, StrandedLine,
};
use crate::visits::texts::EVENTS;

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// Problems gathered field by field.
#[derive(Default)]
pub(crate) struct Problems(Vec<FormMessage>);

impl Problems {
    pub(crate) fn flag(&mut self, key: &str, message: String) {
        self.0.push(FormMessage {
            key: key.to_owned(),
            message,
        });
    }

    /// A one-line text: trimmed, without control characters, at most `max`.
    pub(crate) fn line(&mut self, key: &str, v: &str, max: usize, lang: Lang) -> String {
        self.text(key, v, max, false, lang)
    }

    fn text(&mut self, key: &str, v: &str, max: usize, lines: bool, lang: Lang) -> String {
        let v: String = v
            .trim()
            .chars()
            .filter(|c| !c.is_control() || (lines && *c == '\n'))
            .collect();
        if v.chars().count() > max {
            self.flag(key, (messages(lang).too_long)(max));
        }
        v
    }

    pub(crate) fn done<T>(self, value: T) -> Result<T, Vec<FormMessage>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }
}

/// The English name, or the Japanese one when none was given.
pub(crate) fn or_ja(en: String, ja: &str) -> String {
    if en.is_empty() { ja.to_owned() } else { en }
}

/// A new division's names.
pub fn check_division(
    form: &DivisionForm,
    lang: Lang,
) -> Result<(String, String), Vec<FormMessage>> {
    let mut p = Problems::default();
    let ja = p.line("name_ja", &form.name_ja, 40, lang);
    let en = p.line("name_en", &form.name_en, 60, lang);
    if ja.is_empty() {
        p.flag("name_ja", messages(lang).name_required.to_owned());
    }
    let en = or_ja(en, &ja);
    p.done((ja, en))
}

/// A new counter.
pub fn check_counter(form: &CounterForm, lang: Lang) -> Result<NewCounter, Vec<FormMessage>> {
    let mut p = Problems::default();
    let name_ja = p.line("name_ja", &form.name_ja, 40, lang);
    let name_en = p.line("name_en", &form.name_en, 60, lang);
    let location_ja = p.line("location_ja", &form.location_ja, 60, lang);
    let location_en = p.line("location_en", &form.location_en, 80, lang);
    if name_ja.is_empty() {
        p.flag("name_ja", messages(lang).name_required.to_owned());
    }
    p.done(NewCounter {
        name_en: or_ja(name_en, &name_ja),
        location_en: or_ja(location_en, &location_ja),
        name_ja,
        location_ja,
    })
}

/// A new procedure.
pub fn check_procedure(form: &ProcedureForm, lang: Lang) -> Result<NewProcedure, Vec<FormMessage>> {
    let t = messages(lang);
    let mut p = Problems::default();
    let name_ja = p.line("name_ja", &form.name_ja, 60, lang);
    let name_en = p.line("name_en", &form.name_en, 100, lang);
    let reading = p.line("reading", &form.reading, 200, lang);
    let documents_ja = p.text("documents_ja", &form.documents_ja, 1_000, true, lang);
    let documents_en = p.text("documents_en", &form.documents_en, 1_000, true, lang);
    let notes_ja = p.text("notes_ja", &form.notes_ja, 1_000, true, lang);
    let notes_en = p.text("notes_en", &form.notes_en, 1_000, true, lang);
    if name_ja.is_empty() {
        p.flag("name_ja", t.name_required.to_owned());
    }
    let minutes = domain::applicant::half_width(form.minutes.trim())
        .parse::<i32>()
        .ok()
        .filter(|m| (5..=240).contains(m) && m % 5 == 0);
    if minutes.is_none() {
        p.flag("minutes", t.bad_minutes.to_owned());
    }
    let events = form.events.clone().unwrap_or_default();
    if events.iter().any(|e| !EVENTS.contains(&e.as_str())) {
        p.flag("events", t.bad_event.to_owned());
    }
    let online = form.online.is_some();
    p.done(NewProcedure {
        name_en: or_ja(name_en, &name_ja),
        name_ja,
        // The name itself is always found; the words add to it.
        reading,
        duration_minutes: minutes.unwrap_or(0),
        documents_ja,
        documents_en,
        notes_ja,
        notes_en,
        online_possible: online,
        life_events: EVENTS
            .iter()
            .filter(|e| events.iter().any(|x| x == *e))
            .copied()
            .collect::<Vec<_>>()
            .join(","),
    })
}

/// A staff member: their name, qualifications among `procedures` (the
/// division's) and one span of duty per weekday.
pub fn check_member(
    form: &MemberForm,
    procedures: &[i64],
    lang: Lang,
) -> Result<StaffInput, Vec<FormMessage>> {
    let t = messages(lang);
    let mut p = Problems::default();
    let name = p.line("name", &form.name, 40, lang);
    if name.is_empty() {
        p.flag("name", t.name_required.to_owned());
    }
    let mut qualified = Vec::new();
    for q in form.qualified.iter().flatten() {
        match q.trim().parse::<i64>() {
            Ok(id) if procedures.contains(&id) => {
                if !qualified.contains(&id) {
                    qualified.push(id);
                }
            }
            _ => p.flag("qualified", t.bad_procedure.to_owned()),
        }
    }
    qualified.sort_unstable();
    let mut duty = Vec::new();
    for (k, day) in WEEK.iter().enumerate() {
        let start = form.starts.get(k).map_or("", |s| s.trim());
        let end = form.ends.get(k).map_or("", |s| s.trim());
        let key = format!("day{k}");
        let name = weekday_long(lang, *day);
        match (start.is_empty(), end.is_empty()) {
            (true, true) => {}
            (false, false) => match (parse_time(start), parse_time(end)) {
                (Some(a), Some(b)) if a < b => {
                    let i = |m: u32| i32::try_from(m).unwrap_or(0);
                    duty.push((i32::try_from(k).unwrap_or(0), i(a), i(b)));
                }
                (Some(_), Some(_)) => p.flag(&key, (t.end_before_start)(name)),
                _ => p.flag(&key, (t.bad_time)(name)),
            },
            _ => p.flag(&key, (t.both_times)(name)),
        }
    }
    p.done(StaffInput {
        display_name: name,
        active: form.active.is_some(),
        qualified,
        duty,
    })
}

/// `月 9:00–17:00`.
fn duty_text(lang: Lang, (day, start, end): (i32, i32, i32)) -> String {
    let day = usize::try_from(day).ok().and_then(|d| WEEK.get(d)).copied();
    let m = |v: i32| format_time(u32::try_from(v).unwrap_or(0));
    format!(
        "{} {}–{}",
        day.map_or("", |d| weekday_short(lang, d)),
        m(start),
        m(end)
    )
}

impl AppState {
    /// The town's zone.
    async fn zone(&self, town: i64) -> Result<Tz, AppError> {
        Ok(self
            .store
            .towns_now()
            .await?
            .into_iter()
            .find(|t| t.id == town)
            .and_then(|t| t.time_zone.parse().ok())
            .unwrap_or(chrono_tz::Asia::Tokyo))
    }

    /// Who else could take each of `items` (appointment items of `member`
    /// from now on): qualified, on duty and free then.
    async fn others_for(
        &self,
        town: i64,
        tz: Tz,
        member: i64,
        items: &[i64],
    ) -> Result<Vec<(i64, Vec<Choice>)>, AppError> {
        let now = self.now();
        let members = self.store.staff_members(town).await?;
        let mut out = Vec::new();
        for i in self
            .store
            .items_met_now(member, now, now + chrono::Duration::days(800))
            .await?
            .iter()
            .filter(|i| items.contains(&i.id))
        {
            let plans = self
                .store
                .staff_plans_fresh(town, i.start_at, i.end_at, None)
                .await?;
            out.push((
                i.id,
                crate::counters::service::candidates(tz, &plans, &members, member, i),
            ));
        }
        Ok(out)
    }

    /// A division of the member's town they may set up: admins, and the
    /// division's own counter staff; 404 for one of another town.
    async fn division_in_scope<'a>(
        &self,
        actor: &'a Actor,
        id: &str,
    ) -> Result<(Division, CounterGrant<'a>), AppError> {
        let s = actor.counter_staff(None, actor.staff()?.municipality)?;
        let no_division = || AppError::Domain(DomainError::NotFound(Missing::Department));
        let id = id.trim().parse::<i64>().map_err(|_| no_division())?;
        let d = self
            .store
            .division(s.municipality, id)
            .await?
            .ok_or_else(no_division)?;
        let s = actor.counter_staff(Some(d.row.id), s.municipality)?;
        Ok((d, s))
    }

    /// `/console/divisions`.
    pub async fn divisions_page(
        &self,
        actor: &Actor,
        lang: Lang,
        draft: Option<(DivisionForm, Vec<FormMessage>)>,
    ) -> Result<DivisionsPage, AppError> {
        let s = actor.counter_staff(None, actor.staff()?.municipality)?;
        let divisions = self
            .store
            .divisions(s.municipality)
            .await?
            .into_iter()
            .filter(|d| actor.counter_staff(Some(d.row.id), s.municipality).is_ok())
            .map(|d| DivisionLine {
                id: d.row.id,
                name: pick(lang, &d.row.name_ja, &d.row.name_en),
                counters: d.counters.len(),
                procedures: d.procedures.len(),
                staff: d.staff.len(),
            })
            .collect();
        let (values, errors) = draft.unwrap_or_default();
        Ok(DivisionsPage {
            me: me(&s, lang),
            divisions,
            can_add: actor.admin().is_ok(),
            values,
            errors,
            flash: None,
        })
    }

    /// Adds a division (admins): its id and name, or the form's problems.
    pub async fn add_division(
        &self,
        actor: &Actor,
        lang: Lang,
        form: &DivisionForm,
    ) -> Result<Result<(i64, String), Vec<FormMessage>>, AppError> {
        let admin = actor.admin()?;
        let (ja, en) = match check_division(form, lang) {
            Ok(n) => n,
            Err(e) => return Ok(Err(e)),
        };
        let e = entry(
            &admin,
            AuditAction::DivisionCreate,
            String::new(),
            self.now(),
        );
        let id = self
            .store
            .create_division(admin.municipality, &ja, &en, &e)
            .await?;
        tracing::info!(division = id, "division added");
        Ok(Ok((id, pick(lang, &ja, &en))))
    }

    /// `/console/divisions/{id}`: with the counter `editing` in the counter
    /// form (none: a new counter), as saved or as typed (`draft`); and the
    /// rename form (admins), as typed when it came back (`rename`).
    pub async fn division_page(
        &self,
        actor: &Actor,
        lang: Lang,
        id: &str,
        editing: Option<&str>,
        draft: Option<(CounterForm, Vec<FormMessage>)>,
        rename: Option<(DivisionForm, Vec<FormMessage>)>,
    ) -> Result<DivisionPage, AppError> {
        let (d, s) = self.division_in_scope(actor, id).await?;
        let line = |c: &store::entity::counter::Model| CounterLine {
            id: c.id,
            name: pick(lang, &c.name_ja, &c.name_en),
            location: pick(lang, &c.location_ja, &c.location_en),
        };
        let editing = match editing.map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => Some(
                d.counters
                    .iter()
                    .find(|c| e.parse::<i64>().ok() == Some(c.id))
                    .ok_or(AppError::Domain(DomainError::NotFound(Missing::Counter)))?,
            ),
            None => None,
        };
        let (values, errors) = match (draft, editing) {
            (Some(d), _) => d,
            (None, Some(c)) => (
                CounterForm {
                    name_ja: c.name_ja.clone(),
                    name_en: c.name_en.clone(),
                    location_ja: c.location_ja.clone(),
                    location_en: c.location_en.clone(),
                },
                Vec::new(),
            ),
            (None, None) => Default::default(),
        };
        let (rename, rename_errors) = rename.unwrap_or_else(|| {
            (
                DivisionForm {
                    name_ja: d.row.name_ja.clone(),
                    name_en: d.row.name_en.clone(),
                },
                Vec::new(),
            )
        });
        let name_of = |p: i64| {
            d.procedures
                .iter()
                .find(|x| x.id == p)
                .map(|x| pick(lang, &x.name_ja, &x.name_en))
        };
        Ok(DivisionPage {
            me: me(&s, lang),
            id: d.row.id,
            name: pick(lang, &d.row.name_ja, &d.row.name_en),
            counters: d.counters.iter().map(line).collect(),
            editing: editing.map(line),
            procedures: d
                .procedures
                .iter()
                .map(|p| ProcedureLine {
                    id: p.id,
                    name: pick(lang, &p.name_ja, &p.name_en),
                    minutes: p.duration_minutes,
                    online: p.online_possible,
                    staff: d
                        .staff
                        .iter()
                        .filter(|m| {
                            m.row.active && m.qualified.contains(&p.id) && !m.duty.is_empty()
                        })
                        .count(),
                })
                .collect(),
            staff: d
                .staff
                .iter()
                .map(|m| MemberLine {
                    id: m.row.id,
                    name: m.row.display_name.clone(),
                    active: m.row.active,
                    procedures: m.qualified.iter().filter_map(|&p| name_of(p)).collect(),
                    duty: m.duty.iter().map(|&d| duty_text(lang, d)).collect(),
                })
                .collect(),
            values,
            errors,
            can_rename: actor.admin().is_ok(),
            rename,
            rename_errors,
            flash: None,
        })
    }

    /// Renames the division (admins): its new name, or the form's problems.
    pub async fn rename_division(
        &self,
        actor: &Actor,
        lang: Lang,
        division: &str,
        form: &DivisionForm,
    ) -> Result<Result<String, Vec<FormMessage>>, AppError> {
        let admin = actor.admin()?;
        let (d, _) = self.division_in_scope(actor, division).await?;
        // The rename form's fields have their own keys (the counter form on
        // the same page has `name_ja` and `name_en`).
        let (ja, en) = match check_division(form, lang) {
            Ok(n) => n,
            Err(e) => {
                return Ok(Err(e
                    .into_iter()
                    .map(|m| FormMessage {
                        key: m.key.replacen("name", "rename", 1),
                        message: m.message,
                    })
                    .collect()));
            }
        };
        let e = entry(
            &admin,
            AuditAction::DivisionUpdate,
            String::new(),
            self.now(),
        );
        let renamed = self
            .store
            .update_division(admin.municipality, d.row.id, &ja, &en, &e)
            .await?;
        if !renamed {
            return Err(AppError::Domain(DomainError::NotFound(Missing::Department)));
        }
        Ok(Ok((messages(lang).division_renamed)(&pick(lang, &ja, &en))))
    }

    /// Changes a counter of the division: its name, or the form's problems.
    pub async fn save_counter(
        &self,
        actor: &Actor,
        lang: Lang,
        division: &str,
        counter: &str,
        form: &CounterForm,
    ) -> Result<Result<String, Vec<FormMessage>>, AppError> {
        let (d, s) = self.division_in_scope(actor, division).await?;
        let missing = || AppError::Domain(DomainError::NotFound(Missing::Counter));
        let id = counter.trim().parse::<i64>().map_err(|_| missing())?;
        if !d.counters.iter().any(|c| c.id == id) {
            return Err(missing());
        }
        let new = match check_counter(form, lang) {
            Ok(n) => n,
            Err(e) => return Ok(Err(e)),
        };
        let e = entry(&s, AuditAction::CounterUpdate, String::new(), self.now());
        if !self
            .store
            .update_counter(s.municipality, d.row.id, id, &new, &e)
            .await?
        {
            return Err(missing());
        }
        Ok(Ok((messages(lang).counter_saved)(&pick(
            lang,
            &new.name_ja,
            &new.name_en,
        ))))
    }

    /// Adds a counter to the division: its name, or the form's problems.
    pub async fn add_counter(
        &self,
        actor: &Actor,
        lang: Lang,
        division: &str,
        form: &CounterForm,
    ) -> Result<Result<String, Vec<FormMessage>>, AppError> {
        let (d, s) = self.division_in_scope(actor, division).await?;
        let new = match check_counter(form, lang) {
            Ok(n) => n,
            Err(e) => return Ok(Err(e)),
        };
        let e = entry(&s, AuditAction::CounterCreate, String::new(), self.now());
        self.store
            .create_counter(s.municipality, d.row.id, &new, &e)
            .await?;
        Ok(Ok((messages(lang).counter_created)(&pick(
            lang,
            &new.name_ja,
            &new.name_en,
        ))))
    }

    /// The procedure form: a new procedure (`procedure` none) or one of
    /// the division's, as saved or as typed with its problems.
    pub async fn procedure_page(
        &self,
        actor: &Actor,
        lang: Lang,
        division: &str,
        procedure: Option<&str>,
        draft: Option<(ProcedureForm, Vec<FormMessage>)>,
    ) -> Result<ProcedurePage, AppError> {
        let (d, s) = self.division_in_scope(actor, division).await?;
        let saved = match procedure {
            Some(p) => Some(
                d.procedures
                    .iter()
                    .find(|x| p.trim().parse::<i64>().ok() == Some(x.id))
                    .ok_or(AppError::Domain(DomainError::NotFound(Missing::Procedure)))?,
            ),
            None => None,
        };
        let (values, errors) = draft.unwrap_or_else(|| {
            let values = match saved {
                Some(p) => ProcedureForm {
                    name_ja: p.name_ja.clone(),
                    name_en: p.name_en.clone(),
                    reading: p.reading.clone(),
                    minutes: p.duration_minutes.to_string(),
                    documents_ja: p.documents_ja.clone(),
                    documents_en: p.documents_en.clone(),
                    notes_ja: p.notes_ja.clone(),
                    notes_en: p.notes_en.clone(),
                    online: p.online_possible.then(|| "on".to_owned()),
                    events: Some(
                        p.life_events
                            .split(',')
                            .filter(|e| !e.is_empty())
                            .map(str::to_owned)
                            .collect(),
                    ),
                },
                None => ProcedureForm {
                    minutes: "15".into(),
                    ..ProcedureForm::default()
                },
            };
            (values, Vec::new())
        });
        Ok(ProcedurePage {
            me: me(&s, lang),
            division_id: d.row.id,
            division: pick(lang, &d.row.name_ja, &d.row.name_en),
            procedure: saved.map(|p| p.id),
            values,
            errors,
            flash: None,
        })
    }

    /// Adds a procedure (`procedure` none) or changes one of the
    /// division's: what to say, or the form's problems.
    pub async fn save_procedure(
        &self,
        actor: &Actor,
        lang: Lang,
        division: &str,
        procedure: Option<&str>,
        form: &ProcedureForm,
    ) -> Result<Result<String, Vec<FormMessage>>, AppError> {
        let (d, s) = self.division_in_scope(actor, division).await?;
        let missing = || AppError::Domain(DomainError::NotFound(Missing::Procedure));
        let existing = match procedure {
            Some(p) => Some(p.trim().parse::<i64>().map_err(|_| missing())?),
            None => None,
        };
        let new = match check_procedure(form, lang) {
            Ok(n) => n,
            Err(e) => return Ok(Err(e)),
        };
        let t = messages(lang);
        let name = pick(lang, &new.name_ja, &new.name_en);
        match existing {
            None => {
                let e = entry(&s, AuditAction::ProcedureCreate, String::new(), self.now());
                let id = self
                    .store
                    .create_procedure(s.municipality, d.row.id, &new, &e)
                    .await?;
                tracing::info!(procedure = id, division = d.row.id, "procedure added");
                Ok(Ok((t.procedure_created)(&name)))
            }
            Some(id) => {
                let e = entry(&s, AuditAction::ProcedureUpdate, String::new(), self.now());
                if !self
                    .store
                    .update_procedure(s.municipality, d.row.id, id, &new, &e)
                    .await?
                {
                    return Err(missing());
                }
                tracing::info!(procedure = id, division = d.row.id, "procedure changed");
                Ok(Ok((t.procedure_saved)(&name)))
            }
        }
    }

    /// The member form: a new member (`member` none) or one of the
    /// division's, as saved or as typed with its problems.
    pub async fn member_page(
        &self,
        actor: &Actor,
        lang: Lang,
        division: &str,
        member: Option<&str>,
        draft: Option<(MemberForm, Vec<FormMessage>, Vec<StrandedLine>)>,
    ) -> Result<MemberPage, AppError> {
        let (d, s) = self.division_in_scope(actor, division).await?;
        let member = match member {
            Some(m) => Some(
                d.staff
                    .iter()
                    .find(|x| m.trim().parse::<i64>().ok() == Some(x.row.id))
                    .ok_or(AppError::Domain(DomainError::NotFound(
                        Missing::StaffMember,
                    )))?,
            ),
            None => None,
        };
        let (values, errors, stranded) = match draft {
            Some(d) => d,
            None => {
                let mut starts = vec![String::new(); 7];
                let mut ends = vec![String::new(); 7];
                let m = |v: i32| format_time(u32::try_from(v).unwrap_or(0));
                let values = match member {
                    Some(x) => {
                        for &(day, a, b) in &x.duty {
                            if let Some(k) = usize::try_from(day).ok().filter(|k| *k < 7) {
                                starts[k] = m(a);
                                ends[k] = m(b);
                            }
                        }
                        MemberForm {
                            name: x.row.display_name.clone(),
                            active: x.row.active.then(|| "on".to_owned()),
                            qualified: Some(x.qualified.iter().map(i64::to_string).collect()),
                            starts,
                            ends,
                            decisions: None,
                        }
                    }
                    None => {
                        // Weekdays 8:30–17:15, as most town halls.
                        for k in 0..5 {
                            starts[k] = "8:30".into();
                            ends[k] = "17:15".into();
                        }
                        MemberForm {
                            active: Some("on".into()),
                            starts,
                            ends,
                            ..MemberForm::default()
                        }
                    }
                };
                (values, Vec::new(), Vec::new())
            }
        };
        Ok(MemberPage {
            me: me(&s, lang),
            division_id: d.row.id,
            division: pick(lang, &d.row.name_ja, &d.row.name_en),
            member: member.map(|m| m.row.id),
            procedures: d
                .procedures
                .iter()
                .map(|p| Choice {
                    id: p.id,
                    name: pick(lang, &p.name_ja, &p.name_en),
                })
                .collect(),
            values,
            errors,
            stranded,
            flash: None,
        })
    }

    /// Adds or changes a member: what to say, or the form's problems and
    /// the visits the change would strand.
    #[allow(clippy::type_complexity)]
    pub async fn save_member(
        &self,
        actor: &Actor,
        lang: Lang,
        division: &str,
        member: Option<&str>,
        form: &MemberForm,
    ) -> Result<Result<String, (Vec<FormMessage>, Vec<StrandedLine>)>, AppError> {
        let (d, s) = self.division_in_scope(actor, division).await?;
        let member = match member {
            Some(m) => Some(
                d.staff
                    .iter()
                    .find(|x| m.trim().parse::<i64>().ok() == Some(x.row.id))
                    .ok_or(AppError::Domain(DomainError::NotFound(
                        Missing::StaffMember,
                    )))?
                    .row
                    .id,
            ),
            None => None,
        };
        let ids: Vec<i64> = d.procedures.iter().map(|p| p.id).collect();
        let input = match check_member(form, &ids, lang) {
            Ok(i) => i,
            Err(e) => return Ok(Err((e, Vec::new()))),
        };
        let action = if member.is_some() {
            AuditAction::StaffUpdate
        } else {
            AuditAction::StaffCreate
        };
        let tz = self.zone(s.municipality).await?;
        let now = self.now();
        let decisions = crate::counters::service::parse_absence_decisions(
            form.decisions.as_deref().unwrap_or_default(),
        )?;
        // A hand-over only to someone who can take the visit then.
        if let (Some(m), false) = (member, decisions.is_empty()) {
            let decided: Vec<i64> = decisions.iter().map(|(i, _)| *i).collect();
            let others = self.others_for(s.municipality, tz, m, &decided).await?;
            for (item, d) in &decisions {
                let may = others
                    .iter()
                    .find(|(i, _)| i == item)
                    .is_some_and(|(_, c)| match d {
                        AbsenceDecision::MoveTo(to) => c.iter().any(|x| x.id == *to),
                        AbsenceDecision::Contact => true,
                    });
                if !may {
                    return Err(AppError::Domain(DomainError::Conflict(
                        Conflict::NoCapacity,
                    )));
                }
            }
        }
        let e = entry(&s, action, String::new(), now);
        let t = messages(lang);
        match self
            .store
            .save_staff_member(
                s.municipality,
                d.row.id,
                member,
                &input,
                &decisions,
                tz,
                now,
                &e,
            )
            .await?
        {
            StaffSaved::Saved(id) => {
                tracing::info!(staff = id, division = d.row.id, "staff member saved");
                Ok(Ok((t.member_saved)(&input.display_name)))
            }
            StaffSaved::Taken => Err(AppError::Domain(DomainError::Conflict(
                Conflict::NoCapacity,
            ))),
            StaffSaved::Stranded(visits) => {
                let stranded: Vec<i64> = visits.iter().map(|v| v.item).collect();
                let others = match member {
                    Some(m) => self.others_for(s.municipality, tz, m, &stranded).await?,
                    None => Vec::new(),
                };
                let lines = visits
                    .into_iter()
                    .map(|v| StrandedLine {
                        item: v.item,
                        reference: v.reference,
                        when: date_time(lang, v.start_at.with_timezone(&tz).naive_local()),
                        procedure: d
                            .procedures
                            .iter()
                            .find(|p| p.id == v.procedure_id)
                            .map(|p| pick(lang, &p.name_ja, &p.name_en))
                            .unwrap_or_default(),
                        candidates: others
                            .iter()
                            .find(|(i, _)| *i == v.item)
                            .map(|(_, c)| c.clone())
                            .unwrap_or_default(),
                    })
                    .collect();
                Ok(Err((
                    vec![FormMessage {
                        key: "stranded".into(),
                        message: t.stranded.to_owned(),
                    }],
                    lines,
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys<T>(r: Result<T, Vec<FormMessage>>) -> Vec<String> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|m| m.key)
            .collect()
    }

    fn week(starts: [&str; 7], ends: [&str; 7]) -> MemberForm {
        MemberForm {
            name: "山田 花子".into(),
            active: Some("on".into()),
            qualified: Some(vec!["3".into(), "5".into(), "3".into()]),
            starts: starts.map(str::to_owned).to_vec(),
            ends: ends.map(str::to_owned).to_vec(),
            decisions: None,
        }
    }

    #[test]
    fn a_member_has_a_name_qualifications_of_the_division_and_one_span_a_day() {
        let f = week(
            ["8:30", "９：００", "", "", "", "", ""],
            ["17:15", "12:00", "", "", "", "", ""],
        );
        let ok = check_member(&f, &[3, 5, 7], Lang::Ja).unwrap();
        assert_eq!(ok.qualified, [3, 5]);
        assert_eq!(ok.duty, [(0, 510, 1035), (1, 540, 720)]);
        assert!(ok.active);
        // A procedure of another division, an end before its start, a day
        // with only a start, a time that is not one.
        let mut bad = week(
            ["17:00", "9:00", "25:00", "", "", "", ""],
            ["9:00", "", "26:00", "", "", "", ""],
        );
        bad.name = "  ".into();
        assert_eq!(
            keys(check_member(&bad, &[3], Lang::En)),
            ["name", "qualified", "day0", "day1", "day2"]
        );
        // Missing inputs (a hand-made request) are days off, not a panic.
        let none = MemberForm {
            name: "x".into(),
            ..MemberForm::default()
        };
        let off = check_member(&none, &[], Lang::Ja).unwrap();
        assert!(off.duty.is_empty() && !off.active);
    }

    #[test]
    fn a_procedure_needs_a_name_and_a_duration_in_steps_of_five_minutes() {
        let f = ProcedureForm {
            name_ja: "児童手当の申請".into(),
            minutes: "２０".into(),
            online: Some("on".into()),
            events: Some(vec!["childcare".into(), "moving".into()]),
            ..ProcedureForm::default()
        };
        let ok = check_procedure(&f, Lang::Ja).unwrap();
        assert_eq!(ok.duration_minutes, 20);
        assert_eq!(ok.name_en, "児童手当の申請");
        assert_eq!(ok.life_events, "moving,childcare");
        assert!(ok.online_possible);
        for minutes in ["0", "7", "245", "abc", ""] {
            let f = ProcedureForm {
                minutes: minutes.into(),
                ..f.clone()
            };
            assert_eq!(
                keys(check_procedure(&f, Lang::En)),
                ["minutes"],
                "{minutes}"
            );
        }
        let f = ProcedureForm {
            name_ja: String::new(),
            events: Some(vec!["wedding".into()]),
            ..f
        };
        assert_eq!(keys(check_procedure(&f, Lang::Ja)), ["name_ja", "events"]);
    }

    #[test]
    fn divisions_and_counters_need_a_japanese_name() {
        assert_eq!(
            check_division(
                &DivisionForm {
                    name_ja: " 子育て支援課 ".into(),
                    name_en: String::new()
                },
                Lang::Ja
            )
            .unwrap(),
            ("子育て支援課".to_owned(), "子育て支援課".to_owned())
        );
        assert_eq!(
            keys(check_division(&DivisionForm::default(), Lang::Ja)),
            ["name_ja"]
        );
        let long = CounterForm {
            name_ja: "窓".repeat(41),
            ..CounterForm::default()
        };
        assert_eq!(keys(check_counter(&long, Lang::En)), ["name_ja"]);
    }
}
