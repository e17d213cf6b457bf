//! iCalendar (RFC 5545) files, built with the `ical` crate. Two details the
//! crate leaves to us: TEXT values are escaped here, and lines are folded at
//! 75 *octets* (the crate folds at 75 characters, which Japanese text would
//! push past the limit).

use chrono::{DateTime, Utc};
use ical::generator::{Emitter, IcalCalendarBuilder, IcalEvent, Property};
use ical::ical_property;

/// One booking as a calendar event.
pub struct IcsBooking {
    pub uid: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub stamp: DateTime<Utc>,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub cancelled: bool,
}

/// Escapes a TEXT value (backslash, semicolon, comma, newline).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Folds content lines at 75 octets without splitting a character.
fn fold(unfolded: &str) -> String {
    let mut out = String::with_capacity(unfolded.len() + unfolded.len() / 60);
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let mut width = 0;
        for c in line.chars() {
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
    out
}

/// A calendar holding one booking.
pub fn booking(b: &IcsBooking) -> String {
    // Times are UTC (`…Z`), which must carry no TZID; the crate's event
    // builder always adds one, so the event is assembled directly.
    let mut event = IcalEvent::new();
    event.properties = vec![
        ical_property!("UID", b.uid.clone()),
        ical_property!("DTSTAMP", utc(b.stamp)),
        ical_property!("DTSTART", utc(b.start)),
        ical_property!("DTEND", utc(b.end)),
        ical_property!("SUMMARY", text(&b.summary)),
        ical_property!("LOCATION", text(&b.location)),
        ical_property!("DESCRIPTION", text(&b.description)),
        ical_property!(
            "STATUS",
            if b.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ),
    ];
    let calendar = IcalCalendarBuilder::version("2.0")
        .gregorian()
        .prodid("-//town-booking//facility booking//JA")
        .set(ical_property!("METHOD", "PUBLISH"))
        .add_event(event)
        .build();
    // Undo the crate's character-based folding, then fold by octets.
    fold(&calendar.generate().replace("\r\n ", ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_booking_round_trips_through_the_parser() {
        let b = IcsBooking {
            uid: "booking-7KQ2M9XA@town-booking".into(),
            start: Utc.with_ymd_and_hms(2026, 12, 8, 4, 0, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2026, 12, 8, 8, 0, 0).unwrap(),
            stamp: Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap(),
            summary: "ひだまり町民センター 会議室1".into(),
            location: "ひだまり町中央1-1, 架空; テスト".into(),
            description: "受付番号: 7KQ2M9XA\n状態: 予約確定、".repeat(4),
            cancelled: false,
        };
        let out = booking(&b);
        assert!(out.lines().all(|l| l.len() <= 76), "{out}"); // 75 + '\r'
        assert!(out.contains("DTSTART:20261208T040000Z"));
        let mut parser = ical::IcalParser::new(std::io::BufReader::new(out.as_bytes()));
        let cal = parser.next().expect("a calendar").expect("parses");
        let ev = &cal.events[0];
        let get = |name: &str| {
            ev.properties
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.value.clone())
                .unwrap_or_default()
        };
        assert_eq!(get("SUMMARY"), "ひだまり町民センター 会議室1");
        assert_eq!(get("LOCATION"), "ひだまり町中央1-1\\, 架空\\; テスト");
        assert_eq!(get("UID"), "booking-7KQ2M9XA@town-booking");
        assert_eq!(get("STATUS"), "CONFIRMED");
    }
}
