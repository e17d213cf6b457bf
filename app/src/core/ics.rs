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

/// Content lines as they are written: folded at 75 octets without
/// splitting a character, each ended by CRLF, with TEXT escaped on the way
/// in (no line is built apart and copied).
struct Lines {
    out: String,
    /// Octets on the current physical line.
    width: usize,
}

impl Lines {
    /// Appends content as it is, folding where a line would pass 75
    /// octets (never inside a character).
    fn raw(&mut self, mut s: &str) {
        loop {
            let room = 75 - self.width;
            if s.len() <= room {
                self.out.push_str(s);
                self.width += s.len();
                return;
            }
            let mut cut = room;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            self.out.push_str(&s[..cut]);
            self.out.push_str("\r\n ");
            self.width = 1;
            s = &s[cut..];
        }
    }

    /// Appends a TEXT value, escaped; the runs between escapes are copied
    /// whole.
    fn text(&mut self, s: &str) {
        let mut run = 0;
        for (i, c) in s.char_indices() {
            let escaped = match c {
                '\\' => "\\\\",
                ';' => "\\;",
                ',' => "\\,",
                '\n' => "\\n",
                c if c.is_control() => "",
                _ => continue,
            };
            self.raw(&s[run..i]);
            self.raw(escaped);
            run = i + c.len_utf8();
        }
        self.raw(&s[run..]);
    }

    /// Ends the content line.
    fn end(&mut self) {
        self.out.push_str("\r\n");
        self.width = 0;
    }

    /// A whole content line.
    fn line(&mut self, content: &str) {
        self.raw(content);
        self.end();
    }
}

/// `20261208T130000`, and a `Z` for UTC, without a format string to read.
fn stamp(t: chrono::NaiveDateTime, z: bool) -> String {
    use chrono::{Datelike, Timelike};
    let mut b = [0u8; 16];
    let mut put = |at: usize, v: u32, digits: usize| {
        let mut v = v;
        for i in (0..digits).rev() {
            b[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, t.year().clamp(0, 9999).unsigned_abs(), 4);
    put(4, t.month(), 2);
    put(6, t.day(), 2);
    put(9, t.hour(), 2);
    put(11, t.minute(), 2);
    put(13, t.second(), 2);
    b[8] = b'T';
    b[15] = b'Z';
    let n = if z { 16 } else { 15 };
    String::from_utf8_lossy(&b[..n]).into_owned()
}

fn utc(t: DateTime<Utc>) -> String {
    stamp(t.naive_utc(), true)
}

fn local(tz: Tz, t: DateTime<Utc>) -> String {
    stamp(t.with_timezone(&tz).naive_local(), false)
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
fn vtimezone(out: &mut Lines, tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) {
    out.line("BEGIN:VTIMEZONE");
    out.line(&format!("TZID:{}", tz.name()));
    let first = zone_at(tz, from);
    let observance = |out: &mut Lines, at: String, before: i32, after: &(i32, bool, String)| {
        let kind = if after.1 { "DAYLIGHT" } else { "STANDARD" };
        out.line(&format!("BEGIN:{kind}"));
        out.line(&format!("DTSTART:{at}"));
        out.line(&format!("TZOFFSETFROM:{}", offset(before)));
        out.line(&format!("TZOFFSETTO:{}", offset(after.0)));
        out.raw("TZNAME:");
        out.text(&after.2);
        out.end();
        out.line(&format!("END:{kind}"));
    };
    observance(out, "19700101T000000".to_owned(), first.0, &first);
    let mut before = first.0;
    for t in transitions(tz, from, to) {
        let after = zone_at(tz, t);
        // An observance starts at the wall-clock time of the offset before.
        let wall = stamp(t.naive_utc() + Duration::seconds(i64::from(before)), false);
        observance(out, wall, before, &after);
        before = after.0;
    }
    out.line("END:VTIMEZONE");
}

/// Writes a calendar.
pub fn write(cal: &IcsCalendar<'_>) -> String {
    let mut out = Lines {
        out: String::with_capacity(512 + cal.events.len() * 420),
        width: 0,
    };
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line("PRODID:-//town-booking//facility booking//JA");
    out.line("CALSCALE:GREGORIAN");
    out.line("METHOD:PUBLISH");
    if !cal.name.is_empty() {
        for key in ["X-WR-CALNAME:", "NAME:"] {
            out.raw(key);
            out.text(cal.name);
            out.end();
        }
    }
    out.line(&format!("X-WR-TIMEZONE:{}", cal.tz.name()));
    if let Some(r) = cal.refresh {
        let minutes = r.num_minutes().max(1);
        out.line(&format!("REFRESH-INTERVAL;VALUE=DURATION:PT{minutes}M"));
        out.line(&format!("X-PUBLISHED-TTL:PT{minutes}M"));
    }
    let from = cal.events.iter().map(|e| e.start).min();
    let to = cal.events.iter().map(|e| e.end).max();
    let (from, to) = match (from, to) {
        (Some(a), Some(b)) => (a, b),
        _ => (cal.stamp, cal.stamp),
    };
    vtimezone(&mut out, cal.tz, from, to);
    let tzid = cal.tz.name();
    let dtstamp = utc(cal.stamp);
    for e in cal.events {
        out.line("BEGIN:VEVENT");
        out.raw("UID:");
        out.text(&e.uid);
        out.end();
        out.raw("DTSTAMP:");
        out.line(&dtstamp);
        out.raw("CREATED:");
        out.line(&utc(e.created));
        out.raw("LAST-MODIFIED:");
        out.line(&utc(e.modified));
        out.raw("SEQUENCE:");
        out.line(&e.sequence.max(0).to_string());
        out.raw("DTSTART;TZID=");
        out.raw(tzid);
        out.raw(":");
        out.line(&local(cal.tz, e.start));
        out.raw("DTEND;TZID=");
        out.raw(tzid);
        out.raw(":");
        out.line(&local(cal.tz, e.end));
        let summary = if e.summary.trim().is_empty() {
            "-"
        } else {
            &e.summary
        };
        out.raw("SUMMARY:");
        out.text(summary);
        out.end();
        if !e.location.is_empty() {
            out.raw("LOCATION:");
            out.text(&e.location);
            out.end();
        }
        if !e.description.is_empty() {
            out.raw("DESCRIPTION:");
            out.text(&e.description);
            out.end();
        }
        out.raw("STATUS:");
        out.line(e.status.code());
        // A cancelled event no longer makes its owner busy.
        out.line(if e.status == EventStatus::Cancelled {
            "TRANSP:TRANSPARENT"
        } else {
            "TRANSP:OPAQUE"
        });
        out.line("END:VEVENT");
    }
    out.line("END:VCALENDAR");
    out.out
}

#[cfg(test)]
#[path = "ics_tests.rs"]
mod tests;
