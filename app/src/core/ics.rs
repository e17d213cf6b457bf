//! iCalendar (RFC 5545) files: the `.ics` of one booking or visit and the
//! feeds staff and residents subscribe to, all from this one writer, so a
//! downloaded event and a subscribed one are the same event (same UID, same
//! SEQUENCE).
//!
//! What it takes care of: CRLF line ends; content lines folded at 75
//! *octets* without splitting a character (the `ical` crate's generator
//! folds at 75 characters, which Japanese text pushes past the limit); TEXT
//! escaping; times in the town's zone (`DTSTART;TZID=…`) with a VTIMEZONE
//! that covers them; `METHOD:PUBLISH` and never an ATTENDEE or ORGANIZER.
//! The `ical` crate's parser reads what this writes back in the tests.

use chrono::{DateTime, Duration, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// An event's state as calendars show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventStatus {
    Confirmed,
    /// Waiting for approval or payment.
    Tentative,
    /// Kept in feeds after cancellation, so subscribed calendars remove it.
    Cancelled,
}

impl EventStatus {
    fn code(self) -> &'static str {
        match self {
            EventStatus::Confirmed => "CONFIRMED",
            EventStatus::Tentative => "TENTATIVE",
            EventStatus::Cancelled => "CANCELLED",
        }
    }
}

/// One event.
#[derive(Clone, Debug)]
pub struct IcsEvent {
    /// Stable per booking or appointment (`booking-K7MQ2X@host`).
    pub uid: String,
    /// Goes up on every change to time, place, staff or status.
    pub sequence: i64,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Never empty (the writer puts a dash in rather than nothing).
    pub summary: String,
    /// Empty: left out.
    pub location: String,
    /// Empty: left out.
    pub description: String,
    pub status: EventStatus,
}

/// A calendar: a feed or a single event's file.
#[derive(Clone, Debug)]
pub struct IcsCalendar<'a> {
    /// `X-WR-CALNAME` and `NAME`; empty for a single event's file.
    pub name: &'a str,
    /// The town's zone: times are written in it.
    pub tz: Tz,
    /// When this copy was made (`DTSTAMP`).
    pub stamp: DateTime<Utc>,
    /// How often subscribers should fetch again; `None` for a file.
    pub refresh: Option<Duration>,
    pub events: &'a [IcsEvent],
}

/// Escapes a TEXT value (backslash, semicolon, comma, newline).
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded at 75 octets without splitting a
/// character, ended by CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn local(tz: Tz, t: DateTime<Utc>) -> String {
    t.with_timezone(&tz).format("%Y%m%dT%H%M%S").to_string()
}

/// `+0900`, `-0330`, `+054500`.
fn offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// The zone's offset (seconds east of UTC), whether it is summer time, and
/// its short name, at an instant.
fn zone_at(tz: Tz, t: DateTime<Utc>) -> (i32, bool, String) {
    let o = tz.offset_from_utc_datetime(&t.naive_utc());
    let seconds = o.fix().local_minus_utc();
    let name = o
        .abbreviation()
        .map(str::to_owned)
        .unwrap_or_else(|| offset(seconds));
    (seconds, !o.dst_offset().is_zero(), name)
}

/// The instants in `[from, to]` where the zone's offset changes (found day
/// by day, then to the second).
fn transitions(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let off = |t: DateTime<Utc>| zone_at(tz, t).0;
    let mut out = Vec::new();
    let mut t = from;
    while t < to {
        let next = (t + Duration::days(1)).min(to);
        if off(t) != off(next) {
            let (mut lo, mut hi) = (t, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if off(mid) == off(lo) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            out.push(hi);
        }
        t = next;
    }
    out
}

/// The VTIMEZONE for the zone over `[from, to]`: the offset in force at the
/// start, and each change after it.
fn vtimezone(out: &mut String, tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) {
    line(out, "BEGIN:VTIMEZONE");
    line(out, &format!("TZID:{}", tz.name()));
    let first = zone_at(tz, from);
    let observance = |out: &mut String, at: String, before: i32, after: &(i32, bool, String)| {
        let kind = if after.1 { "DAYLIGHT" } else { "STANDARD" };
        line(out, &format!("BEGIN:{kind}"));
        line(out, &format!("DTSTART:{at}"));
        line(out, &format!("TZOFFSETFROM:{}", offset(before)));
        line(out, &format!("TZOFFSETTO:{}", offset(after.0)));
        line(out, &format!("TZNAME:{}", text(&after.2)));
        line(out, &format!("END:{kind}"));
    };
    observance(out, "19700101T000000".to_owned(), first.0, &first);
    let mut before = first.0;
    for t in transitions(tz, from, to) {
        let after = zone_at(tz, t);
        // An observance starts at the wall-clock time of the offset before.
        let wall = (t.naive_utc() + Duration::seconds(i64::from(before)))
            .format("%Y%m%dT%H%M%S")
            .to_string();
        observance(out, wall, before, &after);
        before = after.0;
    }
    line(out, "END:VTIMEZONE");
}

/// Writes a calendar.
pub fn write(cal: &IcsCalendar<'_>) -> String {
    let mut out = String::with_capacity(512 + cal.events.len() * 420);
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//town-booking//facility booking//JA");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    if !cal.name.is_empty() {
        line(&mut out, &format!("X-WR-CALNAME:{}", text(cal.name)));
        line(&mut out, &format!("NAME:{}", text(cal.name)));
    }
    line(&mut out, &format!("X-WR-TIMEZONE:{}", cal.tz.name()));
    if let Some(r) = cal.refresh {
        let minutes = r.num_minutes().max(1);
        line(
            &mut out,
            &format!("REFRESH-INTERVAL;VALUE=DURATION:PT{minutes}M"),
        );
        line(&mut out, &format!("X-PUBLISHED-TTL:PT{minutes}M"));
    }
    let from = cal.events.iter().map(|e| e.start).min();
    let to = cal.events.iter().map(|e| e.end).max();
    let (from, to) = match (from, to) {
        (Some(a), Some(b)) => (a, b),
        _ => (cal.stamp, cal.stamp),
    };
    vtimezone(&mut out, cal.tz, from, to);
    let tzid = cal.tz.name();
    for e in cal.events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", text(&e.uid)));
        line(&mut out, &format!("DTSTAMP:{}", utc(cal.stamp)));
        line(&mut out, &format!("CREATED:{}", utc(e.created)));
        line(&mut out, &format!("LAST-MODIFIED:{}", utc(e.modified)));
        line(&mut out, &format!("SEQUENCE:{}", e.sequence.max(0)));
        line(
            &mut out,
            &format!("DTSTART;TZID={tzid}:{}", local(cal.tz, e.start)),
        );
        line(
            &mut out,
            &format!("DTEND;TZID={tzid}:{}", local(cal.tz, e.end)),
        );
        let summary = if e.summary.trim().is_empty() {
            "-"
        } else {
            &e.summary
        };
        line(&mut out, &format!("SUMMARY:{}", text(summary)));
        if !e.location.is_empty() {
            line(&mut out, &format!("LOCATION:{}", text(&e.location)));
        }
        if !e.description.is_empty() {
            line(&mut out, &format!("DESCRIPTION:{}", text(&e.description)));
        }
        line(&mut out, &format!("STATUS:{}", e.status.code()));
        // A cancelled event no longer makes its owner busy.
        let transp = if e.status == EventStatus::Cancelled {
            "TRANSPARENT"
        } else {
            "OPAQUE"
        };
        line(&mut out, &format!("TRANSP:{transp}"));
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
#[path = "ics_tests.rs"]
mod tests;
