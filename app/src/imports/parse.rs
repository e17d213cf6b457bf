//! Reading an iCalendar file (RFC 5545) for import: the `ical` crate reads
//! each unfolded line into a property; this module follows the components,
//! reads dates in their zones and expands recurring events (`rrule`) over
//! the window asked for. Every fault names the line it is on.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use ical::property::Property;

/// The most occurrences one import may hold.
pub const MAX_OCCURRENCES: usize = 1000;
/// The longest text kept from a SUMMARY.
const MAX_SUMMARY: usize = 100;

/// When an occurrence is: whole local days, or a span of time.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum When {
    /// `from` to `to`, both days included.
    Days { from: NaiveDate, to: NaiveDate },
    Timed {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
}

/// One event, or one instance of a recurring event.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Occurrence {
    pub when: When,
    pub summary: String,
}

/// What a file holds inside the window.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Read {
    /// In order of time.
    pub occurrences: Vec<Occurrence>,
    /// Events (or instances) left out: outside the window, cancelled, or
    /// with no length.
    pub skipped: usize,
}

/// Why a file cannot be imported, and the line (1-based) where.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fault {
    pub line: usize,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Problem {
    /// No `BEGIN:VCALENDAR` first.
    NotCalendar,
    /// A line that is not `NAME[;PARAM=…]:VALUE`.
    Syntax,
    /// `END:X` that closes nothing open, or a component never closed.
    Unbalanced(String),
    /// A date or time that cannot be read (the property's name).
    BadDate(String),
    /// A `TZID` this server does not know.
    UnknownZone(String),
    /// An `RRULE` that cannot be read or expanded (its text, as written).
    BadRule(String),
    /// `DURATION` that cannot be read.
    BadDuration,
    /// An event without `DTSTART`.
    NoStart,
    /// Ends before it starts.
    EndBeforeStart,
    /// More than [`MAX_OCCURRENCES`] in the window.
    TooMany,
    /// The file holds no event.
    NoEvents,
}

fn fault(line: usize, problem: Problem) -> Fault {
    Fault { line, problem }
}

/// A date or a date-time as a file states it.
#[derive(Clone, Copy, Debug)]
enum Stamp {
    Date(NaiveDate),
    /// The instant, and the zone its wall clock is in (for recurrence).
    At(DateTime<Utc>, Tz),
}

impl Stamp {
    /// What identifies an instance (RECURRENCE-ID, EXDATE).
    fn key(self) -> Key {
        match self {
            Stamp::Date(d) => Key::Date(d),
            Stamp::At(t, _) => Key::At(t),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    Date(NaiveDate),
    At(DateTime<Utc>),
}

/// The properties of one VEVENT, with their lines.
#[derive(Default)]
struct RawEvent {
    begin: usize,
    props: Vec<(Property, usize)>,
}

impl RawEvent {
    fn get(&self, name: &str) -> Option<&(Property, usize)> {
        self.props
            .iter()
            .find(|(p, _)| p.name.eq_ignore_ascii_case(name))
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a (Property, usize)> + 'a {
        self.props
            .iter()
            .filter(move |(p, _)| p.name.eq_ignore_ascii_case(name))
    }
}

fn param<'a>(p: &'a Property, name: &str) -> Option<&'a str> {
    p.params
        .as_ref()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.first())
        .map(|v| v.trim_matches('"'))
}

/// The file's components: its events, the offsets of its own VTIMEZONEs
/// (for zones known by no other name) and `X-WR-TIMEZONE`.
struct Components {
    events: Vec<RawEvent>,
    fixed: HashMap<String, Option<i32>>,
    default_zone: Option<String>,
    last_line: usize,
}

fn components(text: &str) -> Result<Components, Fault> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut stack: Vec<String> = Vec::new();
    let mut out = Components {
        events: Vec::new(),
        fixed: HashMap::new(),
        default_zone: None,
        last_line: 1,
    };
    let mut event: Option<RawEvent> = None;
    // The VTIMEZONE being read: its TZID, STANDARD offset, whether it has
    // DAYLIGHT rules.
    let mut zone: Option<(Option<String>, Option<i32>, bool)> = None;
    for line in ical::LineReader::new(text.as_bytes()) {
        let n = line.number();
        out.last_line = n;
        let prop = ical::PropertyParser::from_reader(line.as_str().as_bytes())
            .next()
            .and_then(Result::ok)
            .ok_or(fault(
                n,
                if stack.is_empty() {
                    Problem::NotCalendar
                } else {
                    Problem::Syntax
                },
            ))?;
        let value = prop.value.clone().unwrap_or_default();
        let name = prop.name.to_ascii_uppercase();
        if stack.is_empty() && !(name == "BEGIN" && value.eq_ignore_ascii_case("VCALENDAR")) {
            return Err(fault(n, Problem::NotCalendar));
        }
        match name.as_str() {
            "BEGIN" => {
                let kind = value.trim().to_ascii_uppercase();
                match (stack.last().map(String::as_str), kind.as_str()) {
                    (Some("VCALENDAR"), "VEVENT") => {
                        event = Some(RawEvent {
                            begin: n,
                            props: Vec::new(),
                        })
                    }
                    (Some("VCALENDAR"), "VTIMEZONE") => zone = Some((None, None, false)),
                    (Some("VTIMEZONE"), "DAYLIGHT") => {
                        if let Some(z) = zone.as_mut() {
                            z.2 = true;
                        }
                    }
                    _ => {}
                }
                stack.push(kind);
            }
            "END" => {
                let kind = value.trim().to_ascii_uppercase();
                if stack.last() != Some(&kind) {
                    return Err(fault(n, Problem::Unbalanced(kind)));
                }
                stack.pop();
                match kind.as_str() {
                    "VEVENT" if stack.last().map(String::as_str) == Some("VCALENDAR") => {
                        out.events.extend(event.take())
                    }
                    "VTIMEZONE" => {
                        if let Some((Some(id), offset, daylight)) = zone.take() {
                            out.fixed.insert(id, offset.filter(|_| !daylight));
                        }
                    }
                    "VCALENDAR" => break,
                    _ => {}
                }
            }
            _ => match stack.last().map(String::as_str) {
                Some("VEVENT") => {
                    if let Some(e) = event.as_mut() {
                        e.props.push((prop, n));
                    }
                }
                Some("VTIMEZONE") if name == "TZID" => {
                    if let Some(z) = zone.as_mut() {
                        z.0 = Some(value.trim().to_owned());
                    }
                }
                Some("STANDARD") if name == "TZOFFSETTO" => {
                    if let Some(z) = zone.as_mut() {
                        z.1 = offset_seconds(&value);
                    }
                }
                Some("VCALENDAR") if name == "X-WR-TIMEZONE" => {
                    out.default_zone = Some(value.trim().to_owned());
                }
                _ => {}
            },
        }
    }
    if let Some(open) = stack.last() {
        return Err(fault(out.last_line, Problem::Unbalanced(open.clone())));
    }
    if out.events.is_empty() {
        return Err(fault(out.last_line, Problem::NoEvents));
    }
    Ok(out)
}

/// `+0900` → 32400.
fn offset_seconds(v: &str) -> Option<i32> {
    let v = v.trim();
    let (sign, digits) = match v.as_bytes().first()? {
        b'+' => (1, &v[1..]),
        b'-' => (-1, &v[1..]),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits[0..2].parse().ok()?;
    let m: i32 = digits[2..4].parse().ok()?;
    Some(sign * (h * 3600 + m * 60))
}

/// Windows zone names Outlook and Exchange write, as IANA zones.
const WINDOWS_ZONES: &[(&str, Tz)] = &[
    ("Tokyo Standard Time", Tz::Asia__Tokyo),
    ("Korea Standard Time", Tz::Asia__Seoul),
    ("China Standard Time", Tz::Asia__Shanghai),
    ("Taipei Standard Time", Tz::Asia__Taipei),
    ("Singapore Standard Time", Tz::Asia__Singapore),
    ("India Standard Time", Tz::Asia__Kolkata),
    ("AUS Eastern Standard Time", Tz::Australia__Sydney),
    ("UTC", Tz::UTC),
    ("GMT Standard Time", Tz::Europe__London),
    ("W. Europe Standard Time", Tz::Europe__Berlin),
    ("Romance Standard Time", Tz::Europe__Paris),
    ("Eastern Standard Time", Tz::America__New_York),
    ("Central Standard Time", Tz::America__Chicago),
    ("Mountain Standard Time", Tz::America__Denver),
    ("Pacific Standard Time", Tz::America__Los_Angeles),
    ("Hawaiian Standard Time", Tz::Pacific__Honolulu),
];

/// The zone a `TZID` names: an IANA name (also at the end of a path, as
/// `/mozilla.org/…/Asia/Tokyo`), a Windows name, or a zone of the file's
/// own with a fixed whole-hour offset.
fn resolve_zone(id: &str, fixed: &HashMap<String, Option<i32>>) -> Option<Tz> {
    let id = id.trim().trim_matches('"');
    if let Ok(tz) = id.parse::<Tz>() {
        return Some(tz);
    }
    for (i, _) in id.match_indices('/') {
        if let Ok(tz) = id[i + 1..].parse::<Tz>() {
            return Some(tz);
        }
    }
    if let Some((_, tz)) = WINDOWS_ZONES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(id))
    {
        return Some(*tz);
    }
    let offset = (*fixed.get(id)?)?;
    if offset % 3600 != 0 {
        return None;
    }
    // Etc/GMT-9 is nine hours *ahead* of UTC.
    let hours = -offset / 3600;
    let name = match hours {
        0 => "Etc/UTC".to_owned(),
        h if h > 0 => format!("Etc/GMT+{h}"),
        h => format!("Etc/GMT{h}"),
    };
    name.parse::<Tz>().ok()
}

/// A local wall-clock time as an instant: the earlier of two in a DST
/// overlap, an hour later in a gap.
fn local_to_utc(tz: Tz, t: NaiveDateTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&t)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(t + Duration::hours(1))).earliest())
        .map(|t| t.with_timezone(&Utc))
}

fn read_date(v: &str) -> Option<NaiveDate> {
    let v = v.trim();
    (v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit()))
        .then(|| NaiveDate::parse_from_str(v, "%Y%m%d").ok())
        .flatten()
}

/// Reads one value of a date property (`DTSTART`, `EXDATE` …).
fn read_stamp(
    v: &str,
    date_only: bool,
    tzid: Option<&str>,
    zones: &Zones,
    name: &str,
    line: usize,
) -> Result<Stamp, Fault> {
    let bad = || fault(line, Problem::BadDate(name.to_owned()));
    let v = v.trim();
    if date_only || v.len() == 8 {
        return read_date(v).map(Stamp::Date).ok_or_else(bad);
    }
    let (body, utc) = match v.strip_suffix('Z').or_else(|| v.strip_suffix('z')) {
        Some(b) => (b, true),
        None => (v, false),
    };
    let t = NaiveDateTime::parse_from_str(body, "%Y%m%dT%H%M%S").map_err(|_| bad())?;
    if utc {
        return Ok(Stamp::At(t.and_utc(), Tz::UTC));
    }
    let tz = match tzid {
        Some(id) => resolve_zone(id, &zones.fixed)
            .ok_or_else(|| fault(line, Problem::UnknownZone(id.to_owned())))?,
        None => zones.floating,
    };
    local_to_utc(tz, t)
        .map(|at| Stamp::At(at, tz))
        .ok_or_else(bad)
}

/// The zones a file's times are read in.
struct Zones {
    fixed: HashMap<String, Option<i32>>,
    /// Times with no zone ("floating"): the file's `X-WR-TIMEZONE`, else
    /// the town's.
    floating: Tz,
}

fn stamps(p: &(Property, usize), zones: &Zones) -> Result<Vec<Stamp>, Fault> {
    let (prop, line) = p;
    let date_only = param(prop, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
    let tzid = param(prop, "TZID");
    prop.value
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|v| !v.trim().is_empty())
        .map(|v| read_stamp(v, date_only, tzid, zones, &prop.name, *line))
        .collect()
}

fn stamp(p: &(Property, usize), zones: &Zones) -> Result<Stamp, Fault> {
    stamps(p, zones)?
        .into_iter()
        .next()
        .ok_or(fault(p.1, Problem::BadDate(p.0.name.clone())))
}

/// `P1D`, `PT1H30M`, `P1W`, `P1DT2H` (no months or years, as RFC 5545).
fn read_duration(v: &str) -> Option<Duration> {
    let v = v.trim().strip_prefix('+').unwrap_or(v.trim());
    let rest = v.strip_prefix('P')?;
    let mut total = Duration::zero();
    let mut number = String::new();
    let mut in_time = false;
    let mut any = false;
    for c in rest.chars() {
        match c {
            '0'..='9' => number.push(c),
            'T' if number.is_empty() && !in_time => in_time = true,
            _ => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                any = true;
                total += match (c, in_time) {
                    ('W', false) => Duration::weeks(n),
                    ('D', false) => Duration::days(n),
                    ('H', true) => Duration::hours(n),
                    ('M', true) => Duration::minutes(n),
                    ('S', true) => Duration::seconds(n),
                    _ => return None,
                };
            }
        }
    }
    (any && number.is_empty()).then_some(total)
}

/// Text as calendars escape it, on one line.
fn unescape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push(' '),
                Some(other) => out.push(other),
                None => {}
            }
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    out.chars().take(MAX_SUMMARY).collect()
}

/// One event as read: when it starts, how long it lasts, what it says.
struct Event {
    uid: String,
    recurrence_id: Option<Key>,
    start: Stamp,
    /// Days for an all-day event; time otherwise.
    length: Duration,
    summary: String,
    cancelled: bool,
    rule: Option<(String, usize)>,
    rdates: Vec<Stamp>,
    exdates: Vec<Key>,
}

fn event(raw: &RawEvent, zones: &Zones) -> Result<Event, Fault> {
    let start_prop = raw
        .get("DTSTART")
        .ok_or(fault(raw.begin, Problem::NoStart))?;
    let start = stamp(start_prop, zones)?;
    let length = match (raw.get("DTEND"), raw.get("DURATION")) {
        (Some(end), _) => {
            let end_line = end.1;
            match (start, stamp(end, zones)?) {
                (Stamp::Date(s), Stamp::Date(e)) => e - s,
                (Stamp::At(s, _), Stamp::At(e, _)) => e - s,
                // A date end of a timed start (or the reverse): read the
                // date as that day's start in the start's zone.
                (Stamp::At(s, tz), Stamp::Date(e)) => {
                    local_to_utc(tz, e.and_time(NaiveTime::MIN))
                        .ok_or(fault(end_line, Problem::BadDate("DTEND".into())))?
                        - s
                }
                (Stamp::Date(_), Stamp::At(..)) => {
                    return Err(fault(end_line, Problem::BadDate("DTEND".into())));
                }
            }
        }
        (None, Some(d)) => read_duration(d.0.value.as_deref().unwrap_or_default())
            .ok_or(fault(d.1, Problem::BadDuration))?,
        (None, None) => match start {
            // RFC 5545 3.6.1: a date start alone lasts the day.
            Stamp::Date(_) => Duration::days(1),
            Stamp::At(..) => Duration::zero(),
        },
    };
    if length < Duration::zero() {
        let line = raw
            .get("DTEND")
            .or(raw.get("DURATION"))
            .map_or(raw.begin, |p| p.1);
        return Err(fault(line, Problem::EndBeforeStart));
    }
    let text = |name: &str| {
        raw.get(name)
            .and_then(|(p, _)| p.value.as_deref())
            .unwrap_or_default()
    };
    let recurrence_id = match raw.get("RECURRENCE-ID") {
        Some(p) => Some(stamp(p, zones)?.key()),
        None => None,
    };
    let mut rdates = Vec::new();
    for p in raw.all("RDATE") {
        rdates.extend(stamps(p, zones)?);
    }
    let mut exdates = Vec::new();
    for p in raw.all("EXDATE") {
        exdates.extend(stamps(p, zones)?.into_iter().map(Stamp::key));
    }
    Ok(Event {
        uid: text("UID").trim().to_owned(),
        recurrence_id,
        start,
        length,
        summary: unescape(text("SUMMARY")),
        cancelled: text("STATUS").trim().eq_ignore_ascii_case("CANCELLED"),
        rule: raw
            .get("RRULE")
            .map(|(p, l)| (p.value.clone().unwrap_or_default(), *l)),
        rdates,
        exdates,
    })
}

/// `UNTIL` read the way RFC 5545 allows it (UTC, a date, or — written by
/// some calendars — a local time in the event's zone), as UTC.
fn until_utc(v: &str, tz: Tz) -> Option<DateTime<Utc>> {
    if let Some(d) = read_date(v) {
        return local_to_utc(tz, d.and_hms_opt(23, 59, 59)?);
    }
    let (body, utc) = match v.strip_suffix('Z') {
        Some(b) => (b, true),
        None => (v, false),
    };
    let t = NaiveDateTime::parse_from_str(body, "%Y%m%dT%H%M%S").ok()?;
    if utc {
        Some(t.and_utc())
    } else {
        local_to_utc(tz, t)
    }
}

/// The starts of a recurring event from `from` to `to`.
fn expand(
    e: &Event,
    rule: &str,
    line: usize,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Stamp>, Fault> {
    let bad = || {
        fault(
            line,
            Problem::BadRule(rule.trim().chars().take(100).collect()),
        )
    };
    // All-day events recur on dates: expand them in UTC, where every day
    // is 24 hours.
    let (tz, start) = match e.start {
        Stamp::Date(d) => (Tz::UTC, d.and_time(NaiveTime::MIN).and_utc()),
        Stamp::At(t, tz) => (tz, t),
    };
    let rtz = rrule::Tz::Tz(tz);
    let mut until = None;
    let rest: Vec<&str> = rule
        .split(';')
        .filter(|part| match part.split_once('=') {
            Some((k, v)) if k.trim().eq_ignore_ascii_case("UNTIL") => {
                until = Some(v.trim().to_owned());
                false
            }
            _ => !part.trim().is_empty(),
        })
        .collect();
    let mut parsed: rrule::RRule<rrule::Unvalidated> = rest
        .join(";")
        .parse()
        .map_err(|_: rrule::RRuleError| bad())?;
    if let Some(u) = until {
        let u = until_utc(&u, tz).ok_or_else(bad)?;
        parsed = parsed.until(u.with_timezone(&rrule::Tz::UTC));
    }
    let dt_start = start.with_timezone(&rtz);
    let set = parsed
        .build(dt_start)
        .map_err(|_| bad())?
        .after((from - e.length - Duration::days(1)).with_timezone(&rtz))
        .before(to.with_timezone(&rtz));
    let set = e.rdates.iter().fold(set, |s, r| match r {
        Stamp::Date(d) => s.rdate(d.and_time(NaiveTime::MIN).and_utc().with_timezone(&rtz)),
        Stamp::At(t, _) => s.rdate(t.with_timezone(&rtz)),
    });
    let found = set.all(u16::try_from(MAX_OCCURRENCES * 2).unwrap_or(u16::MAX));
    if found.limited {
        return Err(fault(line, Problem::TooMany));
    }
    Ok(found
        .dates
        .into_iter()
        .map(|t| match e.start {
            Stamp::Date(_) => Stamp::Date(t.date_naive()),
            Stamp::At(..) => Stamp::At(t.with_timezone(&Utc), tz),
        })
        .collect())
}

fn when(start: Stamp, length: Duration) -> When {
    match start {
        Stamp::Date(d) => When::Days {
            from: d,
            to: d + Duration::days((length.num_days() - 1).max(0)),
        },
        Stamp::At(t, _) => When::Timed {
            start: t,
            end: t + length,
        },
    }
}

/// Reads `text` and lists what happens from `from` to `to`; times with no
/// zone are read in `town`.
pub fn read(text: &str, town: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Read, Fault> {
    let c = components(text)?;
    let floating = match c.default_zone.as_deref() {
        Some(z) => resolve_zone(z, &c.fixed).unwrap_or(town),
        None => town,
    };
    let zones = Zones {
        fixed: c.fixed,
        floating,
    };
    let mut events = Vec::new();
    for raw in &c.events {
        events.push(event(raw, &zones)?);
    }
    // Overrides of single instances (RECURRENCE-ID), by series.
    let mut overridden: HashMap<&str, Vec<Key>> = HashMap::new();
    for e in &events {
        if let Some(k) = e.recurrence_id {
            overridden.entry(e.uid.as_str()).or_default().push(k);
        }
    }
    let mut out = Read::default();
    let push = |out: &mut Read, start: Stamp, length: Duration, summary: &str| {
        let w = when(start, length);
        let inside = match w {
            When::Days { from: d0, to: d1 } => {
                let (s, e) = (
                    local_to_utc(town, d0.and_time(NaiveTime::MIN)),
                    local_to_utc(town, (d1 + Duration::days(1)).and_time(NaiveTime::MIN)),
                );
                s.zip(e).is_some_and(|(s, e)| e > from && s < to)
            }
            When::Timed { start, end } => end > from && start < to && end > start,
        };
        if inside {
            out.occurrences.push(Occurrence {
                when: w,
                summary: summary.to_owned(),
            });
        } else {
            out.skipped += 1;
        }
    };
    for e in &events {
        if e.cancelled {
            out.skipped += 1;
            continue;
        }
        if e.recurrence_id.is_some() {
            push(&mut out, e.start, e.length, &e.summary);
            continue;
        }
        let starts = match &e.rule {
            Some((rule, line)) => expand(e, rule, *line, from, to)?,
            None => std::iter::once(e.start)
                .chain(e.rdates.iter().copied())
                .collect(),
        };
        let replaced = overridden.get(e.uid.as_str());
        for s in starts {
            let k = s.key();
            if e.exdates.contains(&k) || replaced.is_some_and(|r| r.contains(&k)) {
                continue;
            }
            push(&mut out, s, e.length, &e.summary);
        }
        if out.occurrences.len() > MAX_OCCURRENCES {
            return Err(fault(c.last_line, Problem::TooMany));
        }
    }
    out.occurrences.sort_by_key(|o| o.when);
    Ok(out)
}
