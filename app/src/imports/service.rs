//! Imports on the server: what an actor may import into, reading a file
//! into a draft (kept in the session), the preview with everything it
//! meets, and writing it whole with the decisions (`store::imports`).

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use domain::ids::{FacilityId, UnitId};
use domain::status::{AuditAction, Role};
use domain::text::Lang;
use serde::{Deserialize, Serialize};
use store::console::{BlockError, NewBlock, NewClosure};
use store::entity::booking;
use store::{AbsenceError, FacilityRecord, NewAbsence};

use crate::booking::mail::MailEvent;
use crate::core::access::{Actor, Staff, entry};
use crate::core::error::{AppError, AuthError};
use crate::core::i18n::{date_time, format_date};
use crate::core::state::AppState;
use crate::imports::parse::{self, Occurrence, When};
use crate::imports::texts::texts;
use crate::imports::types::{ImportPage, ImportPreview, ImportTarget, PreviewLine};

/// How far ahead recurring events are expanded and events imported.
pub const WINDOW_DAYS: i64 = 365;
/// The longest reason an absence keeps.
const MAX_REASON: usize = 200;

/// A file read and not yet written, kept in the session between the
/// check and the import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportDraft {
    pub target: String,
    /// The file's name or the URL's host, as the preview names it.
    pub source: String,
    pub occurrences: Vec<Occurrence>,
    pub skipped: usize,
}

/// Where an import goes, checked against the actor.
enum Target {
    Facility {
        f: Box<FacilityRecord>,
        unit: Option<UnitId>,
        label: String,
    },
    Staff {
        member: i64,
        label: String,
    },
}

fn forbidden() -> AppError {
    AppError::Auth(AuthError::Forbidden)
}

/// Occurrences whose times overlap, as one (the texts joined): one block
/// or absence per stretch, so an import never meets itself.
fn merged(occurrences: &[Occurrence]) -> Vec<(DateTime<Utc>, DateTime<Utc>, String)> {
    let mut timed: Vec<(DateTime<Utc>, DateTime<Utc>, String)> = Vec::new();
    for o in occurrences {
        if let When::Timed { start, end } = o.when {
            match timed.last_mut() {
                Some(last) if start < last.1 => {
                    last.1 = last.1.max(end);
                    if !last.2.split('・').any(|s| s == o.summary) {
                        last.2 = format!("{}・{}", last.2, o.summary)
                            .chars()
                            .take(MAX_REASON)
                            .collect();
                    }
                }
                _ => timed.push((start, end, o.summary.clone())),
            }
        }
    }
    timed
}

/// Whole local days as instants: the first day's start to the day after
/// the last.
fn day_span(
    tz: Tz,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = domain::availability::to_utc(tz, from.and_time(NaiveTime::MIN))?;
    let end = domain::availability::to_utc(tz, (to + Duration::days(1)).and_time(NaiveTime::MIN))?;
    Some((start, end))
}

/// The closures and blocks a draft makes on a facility (or one unit).
fn facility_items(
    f: &FacilityRecord,
    unit: Option<UnitId>,
    staff_account: i64,
    d: &ImportDraft,
    untitled: &str,
) -> (Vec<NewClosure>, Vec<NewBlock>) {
    let tz = f.plan.tz;
    let reason = |s: &str| {
        if s.is_empty() {
            untitled.to_owned()
        } else {
            s.to_owned()
        }
    };
    let leaves = |u: Option<UnitId>| domain::booking::closure_leaves(&f.plan.units, u);
    let mut closures: Vec<NewClosure> = Vec::new();
    for o in &d.occurrences {
        let When::Days { from, to } = o.when else {
            continue;
        };
        if closures.iter().any(|c| c.from == from && c.to == to) {
            continue;
        }
        let Some((start, end)) = day_span(tz, from, to) else {
            continue;
        };
        closures.push(NewClosure {
            facility: f.id,
            unit,
            from,
            to,
            leaves: leaves(unit),
            start,
            end,
            reason: reason(&o.summary),
            cancel: Vec::new(),
            keep: Vec::new(),
        });
    }
    // Times: a block on the unit, or on every top-level unit of the
    // facility (its sub-units are held through them).
    let units: Vec<UnitId> = match unit {
        Some(u) => vec![u],
        None => f
            .plan
            .units
            .iter()
            .filter(|u| u.parent.is_none())
            .map(|u| u.id)
            .collect(),
    };
    let mut blocks = Vec::new();
    for (start, end, summary) in merged(&d.occurrences) {
        for u in &units {
            blocks.push(NewBlock {
                unit: *u,
                leaves: leaves(Some(*u)),
                start,
                end,
                reason: reason(&summary),
                cancel: Vec::new(),
                keep: Vec::new(),
                staff_account,
            });
        }
    }
    (closures, blocks)
}

/// The absences a draft makes for a member.
fn absences(staff: i64, tz: Tz, d: &ImportDraft, untitled: &str) -> Vec<NewAbsence> {
    let mut spans: Vec<Occurrence> = d
        .occurrences
        .iter()
        .filter_map(|o| match o.when {
            When::Days { from, to } => day_span(tz, from, to).map(|(start, end)| Occurrence {
                when: When::Timed { start, end },
                summary: o.summary.clone(),
            }),
            When::Timed { .. } => Some(o.clone()),
        })
        .collect();
    spans.sort_by_key(|o| o.when);
    merged(&spans)
        .into_iter()
        .map(|(start, end, summary)| NewAbsence {
            staff,
            start,
            end,
            reason: if summary.is_empty() {
                untitled.to_owned()
            } else {
                summary.chars().take(MAX_REASON).collect()
            },
        })
        .collect()
}

/// `"12:cancel"` / `"12:keep"`, as the preview's form sends them.
fn booking_decisions(decisions: &[String]) -> Result<Vec<(i64, bool)>, AppError> {
    decisions
        .iter()
        .map(|d| {
            let bad = || {
                AppError::Domain(domain::DomainError::invalid(
                    domain::error::Field::Action,
                    domain::error::InvalidReason::Malformed,
                ))
            };
            let (id, what) = d.split_once(':').ok_or_else(bad)?;
            let id: i64 = id.parse().map_err(|_| bad())?;
            match what {
                "cancel" => Ok((id, true)),
                "keep" => Ok((id, false)),
                _ => Err(bad()),
            }
        })
        .collect()
}

/// The signed-in member, or 401/403.
fn import_staff(actor: &Actor) -> Result<&Staff, AppError> {
    actor.staff()?;
    match actor {
        Actor::Staff(s) => Ok(s),
        _ => Err(forbidden()),
    }
}

impl AppState {
    /// Every facility, unit and staff member this actor may import into.
    async fn import_targets(
        &self,
        actor: &Actor,
        lang: Lang,
    ) -> Result<Vec<ImportTarget>, AppError> {
        let s = import_staff(actor)?;
        let t = texts(lang);
        let mut out = Vec::new();
        for f in self.store.facilities().await? {
            if actor.facility_staff(f.id.0, f.municipality.0).is_err() {
                continue;
            }
            let name = f.name.get(lang);
            out.push(ImportTarget {
                value: format!("facility:{}", f.id.0),
                label: (t.whole_facility)(name),
            });
            for u in &f.units {
                out.push(ImportTarget {
                    value: format!("facility:{}:{}", f.id.0, u.id.0),
                    label: format!("{name} {}", u.name.get(lang)),
                });
            }
        }
        if matches!(s.role, Role::Admin | Role::CounterStaff) {
            for m in self.store.staff_members(s.municipality).await? {
                let in_scope = s.role == Role::Admin
                    || m.department_id.is_some_and(|d| s.departments.contains(&d));
                if m.active && in_scope {
                    out.push(ImportTarget {
                        value: format!("staff:{}", m.id),
                        label: (t.absences_of)(&m.display_name),
                    });
                }
            }
        }
        Ok(out)
    }

    /// A target as the form sends it, if this actor may import into it.
    async fn import_target(
        &self,
        actor: &Actor,
        lang: Lang,
        raw: &str,
    ) -> Result<Target, AppError> {
        let s = import_staff(actor)?;
        let mut parts = raw.trim().split(':');
        let kind = parts.next().unwrap_or_default();
        let ids: Vec<i64> = parts
            .map(|p| p.parse::<i64>().map_err(|_| forbidden()))
            .collect::<Result<_, _>>()?;
        match (kind, ids.as_slice()) {
            ("facility", [facility, rest @ ..]) if rest.len() <= 1 => {
                let (f, _) = self.managed(actor, FacilityId(*facility)).await?;
                let name = f.name.get(lang).to_owned();
                let (unit, label) = match rest.first() {
                    Some(u) => {
                        let u = f
                            .units
                            .iter()
                            .find(|x| x.id.0 == *u)
                            .ok_or_else(forbidden)?;
                        (Some(u.id), format!("{name} {}", u.name.get(lang)))
                    }
                    None => (None, (texts(lang).whole_facility)(&name)),
                };
                Ok(Target::Facility {
                    f: Box::new(f),
                    unit,
                    label,
                })
            }
            ("staff", [member]) => {
                let town = s.municipality;
                actor.counter_staff(None, town)?;
                let m = self.plannable(s, town, *member).await?;
                Ok(Target::Staff {
                    member: m.id,
                    label: m.display_name,
                })
            }
            _ => Err(AppError::Domain(domain::DomainError::invalid(
                domain::error::Field::Scope,
                domain::error::InvalidReason::Missing,
            ))),
        }
    }

    /// Reads a calendar for `target`: the draft to preview, or (the file's
    /// fault) the message saying which line and what to fix.
    pub async fn read_import(
        &self,
        actor: &Actor,
        lang: Lang,
        target: &str,
        source: &str,
        text: &str,
    ) -> Result<Result<ImportDraft, String>, AppError> {
        let tz = match self.import_target(actor, lang, target).await? {
            Target::Facility { f, .. } => f.plan.tz,
            Target::Staff { .. } => self.town().await?.1,
        };
        let now = self.now();
        match parse::read(text, tz, now, now + Duration::days(WINDOW_DAYS)) {
            Ok(read) => Ok(Ok(ImportDraft {
                target: target.trim().to_owned(),
                source: source.chars().take(100).collect(),
                occurrences: read.occurrences,
                skipped: read.skipped,
            })),
            Err(f) => Ok(Err(crate::imports::texts::fault(lang, &f))),
        }
    }

    /// `/console/import`: the form and, for a draft, what it would write
    /// and everything it meets.
    pub async fn import_page(
        &self,
        actor: &Actor,
        lang: Lang,
        draft: Option<&ImportDraft>,
    ) -> Result<ImportPage, AppError> {
        let s = import_staff(actor)?;
        let mut page = ImportPage {
            me: Some(crate::console::service::me(s, lang)),
            targets: self.import_targets(actor, lang).await?,
            flash: None,
            preview: None,
        };
        if let Some(d) = draft {
            page.preview = Some(self.import_preview(actor, lang, d).await?);
        }
        Ok(page)
    }

    async fn import_preview(
        &self,
        actor: &Actor,
        lang: Lang,
        d: &ImportDraft,
    ) -> Result<ImportPreview, AppError> {
        let t = texts(lang);
        let s = import_staff(actor)?;
        let now = self.now();
        let target = self.import_target(actor, lang, &d.target).await?;
        let (tz, label) = match &target {
            Target::Facility { f, label, .. } => (f.plan.tz, label.clone()),
            Target::Staff { label, .. } => (self.town().await?.1, (t.absences_of)(label)),
        };
        let mut preview = ImportPreview {
            target: label,
            source: d.source.clone(),
            lines: Vec::new(),
            skipped: d.skipped,
            bookings: Vec::new(),
            visits: Vec::new(),
        };
        let time = |at: DateTime<Utc>| date_time(lang, at.with_timezone(&tz).naive_local());
        let span = |start: DateTime<Utc>, end: DateTime<Utc>| {
            let (a, b) = (start.with_timezone(&tz), end.with_timezone(&tz));
            if a.date_naive() == b.date_naive() {
                format!("{}–{}", time(start), b.format("%-H:%M"))
            } else {
                format!("{} – {}", time(start), time(end))
            }
        };
        let days = |from, to| {
            if from == to {
                format_date(lang, from)
            } else {
                format!("{} – {}", format_date(lang, from), format_date(lang, to))
            }
        };
        match target {
            Target::Facility { f, unit, .. } => {
                let (closures, blocks) = facility_items(&f, unit, s.id, d, t.untitled);
                let mut rows: Vec<booking::Model> = Vec::new();
                for c in &closures {
                    preview.lines.push(PreviewLine {
                        when: days(c.from, c.to),
                        summary: c.reason.clone(),
                        kind: t.kind_closure.to_owned(),
                    });
                    rows.extend(self.store.closure_collisions(c, now).await?);
                }
                let mut shown = Vec::new();
                for b in &blocks {
                    if !shown.contains(&(b.start, b.end)) {
                        shown.push((b.start, b.end));
                        preview.lines.push(PreviewLine {
                            when: span(b.start, b.end),
                            summary: b.reason.clone(),
                            kind: t.kind_block.to_owned(),
                        });
                    }
                    let met = self
                        .store
                        .collisions(&b.leaves, b.start, b.end, now)
                        .await?;
                    if met.iter().any(|r| store::imports::same_block(b, r)) {
                        continue;
                    }
                    rows.extend(met);
                }
                rows.sort_by_key(|r| (r.start_at, r.id));
                rows.dedup_by_key(|r| r.id);
                preview.bookings = self.lines(&rows, &f, lang);
            }
            Target::Staff { member, .. } => {
                let list = absences(member, tz, d, t.untitled);
                for a in &list {
                    preview.lines.push(PreviewLine {
                        when: span(a.start, a.end),
                        summary: a.reason.clone(),
                        kind: t.kind_absence.to_owned(),
                    });
                }
                let spans: Vec<_> = list.iter().map(|a| (a.start, a.end)).collect();
                let town = s.municipality;
                preview.visits = self
                    .absence_collisions(town, tz, lang, member, &spans)
                    .await?;
            }
        }
        Ok(preview)
    }

    /// Writes a draft with a decision for everything it meets: the message
    /// to show, or (something new met it) why it must be decided again.
    pub async fn apply_import(
        &self,
        actor: &Actor,
        lang: Lang,
        d: &ImportDraft,
        decisions: &[String],
    ) -> Result<Result<String, String>, AppError> {
        let t = texts(lang);
        let s = import_staff(actor)?;
        let now = self.now();
        let mut audit = entry(s, AuditAction::ClosureCreate, String::new(), now);
        let done = match self.import_target(actor, lang, &d.target).await? {
            Target::Facility { f, unit, .. } => {
                let (mut closures, mut blocks) = facility_items(&f, unit, s.id, d, t.untitled);
                let decided = booking_decisions(decisions)?;
                let pick = |cancel: bool| -> Vec<i64> {
                    decided
                        .iter()
                        .filter(|(_, c)| *c == cancel)
                        .map(|(id, _)| *id)
                        .collect()
                };
                let (cancel, keep) = (pick(true), pick(false));
                for c in &mut closures {
                    c.cancel.clone_from(&cancel);
                    c.keep.clone_from(&keep);
                }
                for b in &mut blocks {
                    b.cancel.clone_from(&cancel);
                    b.keep.clone_from(&keep);
                }
                audit.after = Some(serde_json::json!({ "import": d.source }));
                let mail = |b: &booking::Model| self.mail_in(b, &f, MailEvent::CancelledByStaff);
                match self
                    .store
                    .import_facility(f.id, &closures, &blocks, now, &audit, &mail)
                    .await
                {
                    Ok(done) => {
                        self.mailer.wake();
                        done
                    }
                    Err(BlockError::Undecided(_)) => return Ok(Err(t.undecided.to_owned())),
                    Err(BlockError::Store(e)) => return Err(e.into()),
                }
            }
            Target::Staff { member, .. } => {
                let (town, tz) = self.town().await?;
                let list = absences(member, tz, d, t.untitled);
                let parsed = crate::counters::service::parse_absence_decisions(decisions)?;
                let spans: Vec<_> = list.iter().map(|a| (a.start, a.end)).collect();
                self.check_moves(town, tz, member, &spans, &parsed).await?;
                audit.action = AuditAction::StaffAbsenceCreate;
                audit.after = Some(serde_json::json!({
                    "staff": member, "import": d.source, "decisions": decisions,
                }));
                match self.store.import_absences(&list, &parsed, &audit).await {
                    Ok(done) => done,
                    Err(AbsenceError::Undecided) => return Ok(Err(t.undecided.to_owned())),
                    Err(AbsenceError::Taken) => {
                        return Err(AppError::Domain(domain::DomainError::Conflict(
                            domain::error::Conflict::NoCapacity,
                        )));
                    }
                    Err(AbsenceError::Store(e)) => return Err(e.into()),
                }
            }
        };
        Ok(Ok((t.applied)(done.written, done.already)))
    }
}
