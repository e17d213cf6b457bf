//! The person booking and their answers on the form: parsed once at the edge
//! so that an invalid name, phone number or e-mail address cannot exist past
//! it. Every problem names its field, so the form can show it next to the
//! input and the API can list it.

use serde::{Deserialize, Serialize};

/// A field of the booking form (and of the booking API body).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingField {
    UnitId,
    Start,
    End,
    Name,
    NameKana,
    Phone,
    Email,
    Purpose,
    Attendees,
    Resident,
    Equipment,
    Reference,
    Contact,
    /// Why staff book outside the booking window (代行予約 only).
    OverrideReason,
    /// The fee reduction (減免) asked for, by its id.
    Reduction,
    /// What entitles the applicant to it (the group, the documents brought).
    ReductionNote,
    /// How a series (定期利用) repeats: weekly …, its weekdays and weeks.
    Repeat,
    /// A series' last date.
    Until,
}

impl BookingField {
    /// The name used in JSON bodies and form posts.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingField::UnitId => "unit_id",
            BookingField::Start => "start",
            BookingField::End => "end",
            BookingField::Name => "name",
            BookingField::NameKana => "name_kana",
            BookingField::Phone => "phone",
            BookingField::Email => "email",
            BookingField::Purpose => "purpose",
            BookingField::Attendees => "attendees",
            BookingField::Resident => "resident",
            BookingField::Equipment => "equipment",
            BookingField::Reference => "reference",
            BookingField::Contact => "contact",
            BookingField::OverrideReason => "override_reason",
            BookingField::Reduction => "reduction_id",
            BookingField::ReductionNote => "reduction_note",
            BookingField::Repeat => "repeat",
            BookingField::Until => "until",
        }
    }
}

/// What is wrong with a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    Required,
    TooLong {
        max: u32,
    },
    /// Characters that are not letters of a name (emoji, symbols, digits).
    NameCharacters,
    /// Japanese script and Latin letters mixed in one name.
    MixedScripts,
    /// Furigana must be kana.
    KanaOnly,
    PhoneFormat,
    EmailFormat,
    /// Control characters (or other invisible characters) in text.
    ControlCharacters,
    /// A whole number was expected.
    NotANumber,
    /// A date-time such as 2026-12-07T13:00:00+09:00 was expected.
    DateTimeFormat,
    /// `true`/`false` (町内/町外) was expected.
    NotAChoice,
    /// A number outside the accepted range.
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// An id that does not belong here (e.g. equipment of another facility).
    UnknownChoice,
    /// Text was expected (e.g. a number sent as the name).
    NotText,
    /// A date such as 2027-03-31 was expected.
    DateFormat,
    /// A series' last date must come after its first.
    SeriesEndBefore,
    /// A series holds at most this many dates.
    SeriesTooLong {
        max: u32,
    },
}

impl Problem {
    pub fn code(self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::TooLong { .. } => "too_long",
            Problem::NameCharacters => "name_characters",
            Problem::MixedScripts => "mixed_scripts",
            Problem::KanaOnly => "kana_only",
            Problem::PhoneFormat => "phone_format",
            Problem::EmailFormat => "email_format",
            Problem::ControlCharacters => "control_characters",
            Problem::NotANumber => "not_a_number",
            Problem::DateTimeFormat => "datetime_format",
            Problem::NotAChoice => "not_a_choice",
            Problem::OutOfRange { .. } => "out_of_range",
            Problem::UnknownChoice => "unknown_choice",
            Problem::NotText => "not_text",
            Problem::DateFormat => "date_format",
            Problem::SeriesEndBefore => "series_end_before",
            Problem::SeriesTooLong { .. } => "series_too_long",
        }
    }
}

/// One problem with one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: BookingField,
    pub problem: Problem,
}

pub const NAME_MAX: u32 = 50;
pub const KANA_MAX: u32 = 100;
pub const EMAIL_MAX: u32 = 254;
pub const PURPOSE_MAX: u32 = 200;
pub const OVERRIDE_REASON_MAX: u32 = 500;
pub const ATTENDEES_MAX: i64 = 10_000;

/// Validated contact details and answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    pub name_kana: String,
    /// Digits only, with a leading `+` for international numbers.
    pub phone: String,
    /// Trimmed and lower-cased.
    pub email: String,
    pub purpose: String,
    pub attendees: u32,
    /// 町内 (true) or 町外 (false).
    pub resident: bool,
}

/// The answers as typed, before validation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantInput {
    pub name: String,
    pub name_kana: String,
    pub phone: String,
    pub email: String,
    pub purpose: String,
    pub attendees: String,
    /// `"true"` (町内) or `"false"` (町外); empty if not chosen.
    pub resident: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Japanese,
    Latin,
    Separator,
    Other,
}

fn script(c: char) -> Script {
    match c {
        ' ' | '\u{3000}' | '-' | '\'' | '’' | '.' | '・' | '･' => Script::Separator,
        'a'..='z' | 'A'..='Z' => Script::Latin,
        '\u{c0}'..='\u{24f}' if c != '×' && c != '÷' => Script::Latin,
        '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}' => Script::Latin,
        '\u{3041}'..='\u{3096}' | '\u{309d}' | '\u{309e}' => Script::Japanese, // hiragana
        '\u{30a1}'..='\u{30fa}' | '\u{30fc}'..='\u{30fe}' => Script::Japanese, // katakana, ー
        '\u{ff66}'..='\u{ff9f}' => Script::Japanese, // half-width katakana
        '\u{3005}' | '\u{3006}' => Script::Japanese, // 々 〆
        '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}' => {
            Script::Japanese
        }
        '\u{20000}'..='\u{2ffff}' => Script::Japanese,
        _ => Script::Other,
    }
}

fn is_kana(c: char) -> bool {
    matches!(c,
        '\u{3041}'..='\u{3096}' | '\u{309d}' | '\u{309e}'
        | '\u{30a1}'..='\u{30fa}' | '\u{30fc}'..='\u{30fe}'
        | '\u{ff66}'..='\u{ff9f}'
        | ' ' | '\u{3000}' | '・')
}

/// Control and invisible formatting characters (zero-width, bidi overrides).
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

fn length(s: &str) -> u32 {
    u32::try_from(s.chars().count()).unwrap_or(u32::MAX)
}

/// Full-width digits and signs as typed on Japanese keyboards → ASCII.
pub fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '＋' => '+',
            '－' | 'ー' | '‐' | '―' | '−' => '-',
            '（' => '(',
            '）' => ')',
            '＠' => '@',
            '．' => '.',
            c => c,
        })
        .collect()
}

fn check_name(raw: &str) -> Result<String, Problem> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(Problem::Required);
    }
    if length(name) > NAME_MAX {
        return Err(Problem::TooLong { max: NAME_MAX });
    }
    if name.chars().any(is_invisible) {
        return Err(Problem::ControlCharacters);
    }
    let scripts: Vec<Script> = name.chars().map(script).collect();
    if scripts.contains(&Script::Other) {
        return Err(Problem::NameCharacters);
    }
    let japanese = scripts.contains(&Script::Japanese);
    let latin = scripts.contains(&Script::Latin);
    match (japanese, latin) {
        (true, true) => Err(Problem::MixedScripts),
        (false, false) => Err(Problem::NameCharacters),
        _ => Ok(name.to_owned()),
    }
}

fn check_kana(raw: &str) -> Result<String, Problem> {
    let kana = raw.trim();
    if kana.is_empty() {
        return Err(Problem::Required);
    }
    if length(kana) > KANA_MAX {
        return Err(Problem::TooLong { max: KANA_MAX });
    }
    if !kana.chars().all(is_kana) {
        return Err(Problem::KanaOnly);
    }
    Ok(kana.to_owned())
}

/// Normalises a phone number to digits (with a leading `+` if international).
pub fn normalize_phone(raw: &str) -> Result<String, Problem> {
    let s = half_width(raw.trim());
    if s.is_empty() {
        return Err(Problem::Required);
    }
    if s.chars().count() > 30 {
        return Err(Problem::PhoneFormat);
    }
    let plus = s.starts_with('+');
    let body = if plus { &s[1..] } else { &s[..] };
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '(' | ')'))
    {
        return Err(Problem::PhoneFormat);
    }
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    let ok = if plus {
        (8..=15).contains(&digits.len())
    } else {
        digits.starts_with('0') && (10..=11).contains(&digits.len())
    };
    if !ok {
        return Err(Problem::PhoneFormat);
    }
    Ok(if plus { format!("+{digits}") } else { digits })
}

/// Normalises an e-mail address (trimmed, lower-cased) after a shape check.
pub fn normalize_email(raw: &str) -> Result<String, Problem> {
    let s = half_width(raw.trim()).to_lowercase();
    if s.is_empty() {
        return Err(Problem::Required);
    }
    if length(&s) > EMAIL_MAX {
        return Err(Problem::TooLong { max: EMAIL_MAX });
    }
    let Some((local, domain)) = s.split_once('@') else {
        return Err(Problem::EmailFormat);
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if !(local_ok && domain_ok) {
        return Err(Problem::EmailFormat);
    }
    Ok(s)
}

fn check_purpose(raw: &str) -> Result<String, Problem> {
    let p = raw.trim();
    if p.is_empty() {
        return Err(Problem::Required);
    }
    if length(p) > PURPOSE_MAX {
        return Err(Problem::TooLong { max: PURPOSE_MAX });
    }
    if p.chars()
        .any(|c| is_invisible(c) && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Problem::ControlCharacters);
    }
    Ok(p.to_owned())
}

/// The written reason for a proxy booking outside the window: empty means
/// none was given; otherwise at most [`OVERRIDE_REASON_MAX`] characters of
/// visible text.
pub fn check_override_reason(raw: &str) -> Result<Option<String>, Problem> {
    let p = raw.trim();
    if p.is_empty() {
        return Ok(None);
    }
    if length(p) > OVERRIDE_REASON_MAX {
        return Err(Problem::TooLong {
            max: OVERRIDE_REASON_MAX,
        });
    }
    if p.chars()
        .any(|c| is_invisible(c) && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Problem::ControlCharacters);
    }
    Ok(Some(p.to_owned()))
}

/// What an applicant writes to claim a reduction: required with one,
/// bounded, no invisible characters (new lines allowed).
pub fn check_reduction_note(raw: &str) -> Result<String, Problem> {
    match check_override_reason(raw)? {
        Some(note) => Ok(note),
        None => Err(Problem::Required),
    }
}

/// Parses a count of people (full-width digits accepted).
pub fn parse_attendees(raw: &str) -> Result<u32, Problem> {
    let s = half_width(raw.trim());
    if s.is_empty() {
        return Err(Problem::Required);
    }
    let n: i64 = s.parse().map_err(|_| Problem::NotANumber)?;
    check_attendees(n)
}

/// Checks a count of people given as a number.
pub fn check_attendees(n: i64) -> Result<u32, Problem> {
    if !(1..=ATTENDEES_MAX).contains(&n) {
        return Err(Problem::OutOfRange {
            min: 1,
            max: ATTENDEES_MAX,
        });
    }
    u32::try_from(n).map_err(|_| Problem::NotANumber)
}

fn parse_resident(raw: &str) -> Result<bool, Problem> {
    match raw.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        "" => Err(Problem::Required),
        _ => Err(Problem::NotAChoice),
    }
}

/// The most characters any one form field may bring before anything is
/// kept (the fields' own, smaller limits are checked later with the rest).
pub const FIELD_MAX: u32 = 1_000;

/// The fields longer than [`FIELD_MAX`], as problems to show. Checked before
/// answers are kept in the session, so a huge value is never stored.
pub fn oversized(fields: &[(BookingField, &str)]) -> Vec<FieldProblem> {
    fields
        .iter()
        .filter(|(_, v)| v.chars().count() > FIELD_MAX as usize)
        .map(|(field, _)| FieldProblem {
            field: *field,
            problem: Problem::TooLong { max: FIELD_MAX },
        })
        .collect()
}

impl ApplicantInput {
    /// Validates every field, collecting all problems at once so the person
    /// can fix them in one go.
    pub fn parse(&self) -> Result<Applicant, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut field = |f: BookingField, r: Result<(), Problem>| {
            if let Err(problem) = r {
                problems.push(FieldProblem { field: f, problem });
            }
        };
        let name = check_name(&self.name);
        field(BookingField::Name, name.as_ref().map(drop).map_err(|p| *p));
        let kana = check_kana(&self.name_kana);
        field(
            BookingField::NameKana,
            kana.as_ref().map(drop).map_err(|p| *p),
        );
        let phone = normalize_phone(&self.phone);
        field(
            BookingField::Phone,
            phone.as_ref().map(drop).map_err(|p| *p),
        );
        let email = normalize_email(&self.email);
        field(
            BookingField::Email,
            email.as_ref().map(drop).map_err(|p| *p),
        );
        let purpose = check_purpose(&self.purpose);
        field(
            BookingField::Purpose,
            purpose.as_ref().map(drop).map_err(|p| *p),
        );
        let attendees = parse_attendees(&self.attendees);
        field(BookingField::Attendees, attendees.map(drop));
        let resident = parse_resident(&self.resident);
        field(BookingField::Resident, resident.map(drop));
        match (name, kana, phone, email, purpose, attendees, resident) {
            (
                Ok(name),
                Ok(name_kana),
                Ok(phone),
                Ok(email),
                Ok(purpose),
                Ok(attendees),
                Ok(resident),
            ) => Ok(Applicant {
                name,
                name_kana,
                phone,
                email,
                purpose,
                attendees,
                resident,
            }),
            _ => Err(problems),
        }
    }
}

/// A visitor's contact details (a visit appointment asks only these),
/// checked like a booking's: name, furigana, phone and e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitorDetails {
    pub name: String,
    pub name_kana: String,
    pub phone: String,
    pub email: String,
}

impl VisitorDetails {
    /// Validates the four fields, every problem at once.
    pub fn parse(
        name: &str,
        kana: &str,
        phone: &str,
        email: &str,
    ) -> Result<Self, Vec<FieldProblem>> {
        let results = (
            check_name(name),
            check_kana(kana),
            normalize_phone(phone),
            normalize_email(email),
        );
        match results {
            (Ok(name), Ok(name_kana), Ok(phone), Ok(email)) => Ok(VisitorDetails {
                name,
                name_kana,
                phone,
                email,
            }),
            (n, k, p, e) => Err([
                (BookingField::Name, n.err()),
                (BookingField::NameKana, k.err()),
                (BookingField::Phone, p.err()),
                (BookingField::Email, e.err()),
            ]
            .into_iter()
            .filter_map(|(field, problem)| problem.map(|problem| FieldProblem { field, problem }))
            .collect()),
        }
    }
}

/// Proof of a booking: the e-mail address or the phone number given when booking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Contact {
    Email(String),
    Phone(String),
}

impl Contact {
    /// Reads what the person typed: an `@` means an e-mail address.
    pub fn parse(raw: &str) -> Result<Contact, Problem> {
        if raw.trim().is_empty() {
            Err(Problem::Required)
        } else if half_width(raw).contains('@') {
            normalize_email(raw).map(Contact::Email)
        } else {
            normalize_phone(raw).map(Contact::Phone)
        }
    }
}

#[cfg(test)]
#[path = "applicant_tests.rs"]
mod tests;
