//! A booking request as the form posts it (and as the API's JSON becomes
//! after type checks): parsed once into typed values, kept in the session
//! between the form and the review.

use chrono::{DateTime, Utc};
use domain::applicant::{Applicant, ApplicantInput, BookingField, FieldProblem, Problem};
use domain::calendar::{FIRST_YEAR, LAST_YEAR};
use domain::error::DomainError;
use domain::ids::{EquipmentId, FacilityId, UnitId};
use serde::{Deserialize, Serialize};

use crate::core::error::AppError;
use crate::core::session::Key;

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
    /// The fee reduction (減免) asked for: its id, or empty for none.
    #[serde(default)]
    pub reduction: String,
    /// What entitles the applicant to it (required with one).
    #[serde(default)]
    pub reduction_note: String,
    /// Filled in for a taken time, to join its waiting list (キャンセル待ち).
    #[serde(default)]
    pub wait: bool,
    /// A series (定期利用): how it repeats (empty: once), the weekdays and
    /// weeks of the month ticked, and the last date.
    #[serde(default)]
    pub series: SeriesInput,
}

/// The form's series fields as posted (`domain::series::parse` reads them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesInput {
    pub repeat: String,
    pub days: Vec<String>,
    pub weeks: Vec<String>,
    pub until: String,
}

impl SeriesInput {
    pub fn is_series(&self) -> bool {
        !self.repeat.trim().is_empty()
    }
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
        let reduction_note = text(BookingField::ReductionNote);
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
        let reduction = number(BookingField::Reduction, &mut problems);
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
            reduction,
            reduction_note,
            wait: false,
            series: SeriesInput::default(),
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
    /// The reduction chosen (its id, or empty) and the note typed so far.
    pub reduction: String,
    pub reduction_note: String,
    /// For a taken time: the form joins its waiting list (no equipment,
    /// no reduction).
    pub wait: bool,
    /// The series fields as typed so far.
    pub series: SeriesInput,
}

/// An RFC 3339 instant within the supported years.
pub(super) fn parse_instant(raw: &str) -> Result<DateTime<Utc>, Problem> {
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

pub(super) fn parse_id(raw: &str) -> Result<i64, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Problem::Required);
    }
    raw.parse::<UnitId>()
        .map(|id| id.0)
        .map_err(|_| Problem::NotANumber)
}

/// The request with every field typed, before the rules.
pub(super) struct Parsed {
    pub(super) unit: UnitId,
    pub(super) start: DateTime<Utc>,
    pub(super) end: DateTime<Utc>,
    pub(super) applicant: Applicant,
    pub(super) equipment: Vec<EquipmentId>,
    pub(super) override_reason: Option<String>,
    /// The reduction asked for (its id) and what entitles the applicant.
    pub(super) reduction: Option<(i64, String)>,
}

pub(super) fn parse(input: &BookingInput) -> Result<Parsed, DomainError> {
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
    // A note without a reduction is left aside (the form keeps it while
    // the choice is changed); a reduction needs its note. Checked after
    // the applicant, in the form's order.
    let reduction = match input.reduction.trim() {
        "" => Ok(None),
        raw => match (
            parse_id(raw),
            domain::applicant::check_reduction_note(&input.reduction_note),
        ) {
            (Ok(id), Ok(note)) => Ok(Some((id, note))),
            (id, note) => {
                if id.is_err() {
                    problems.push(FieldProblem {
                        field: BookingField::Reduction,
                        problem: Problem::UnknownChoice,
                    });
                }
                if let Err(problem) = note {
                    problems.push(FieldProblem {
                        field: BookingField::ReductionNote,
                        problem,
                    });
                }
                Err(())
            }
        },
    };
    match (unit, start, end, applicant, override_reason, reduction) {
        (Ok(unit), Ok(start), Ok(end), Ok(applicant), Ok(override_reason), Ok(reduction))
            if problems.is_empty() =>
        {
            Ok(Parsed {
                unit: UnitId(unit),
                start,
                end,
                applicant,
                equipment,
                override_reason,
                reduction,
            })
        }
        _ => Err(DomainError::Fields(problems)),
    }
}

pub(super) fn field_error(field: BookingField, problem: Problem) -> AppError {
    AppError::Domain(DomainError::Fields(vec![FieldProblem { field, problem }]))
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
