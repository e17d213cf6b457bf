use super::*;

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn event(uid: &str, summary: &str) -> IcsEvent {
    IcsEvent {
        uid: uid.into(),
        sequence: 2,
        created: at(2026, 11, 22, 1, 0),
        modified: at(2026, 11, 23, 2, 30),
        start: at(2026, 12, 8, 4, 0),
        end: at(2026, 12, 8, 8, 0),
        summary: summary.into(),
        location: "ひだまり町中央1-1, 架空; テスト".into(),
        description: "受付番号: 7KQ2M9XA\n状態: 予約確定、".repeat(4),
        status: EventStatus::Confirmed,
    }
}

fn calendar<'a>(events: &'a [IcsEvent], tz: Tz) -> IcsCalendar<'a> {
    IcsCalendar {
        name: "ひだまり町民センター 会議室1",
        tz,
        stamp: at(2026, 12, 6, 0, 0),
        refresh: Some(Duration::minutes(15)),
        events,
    }
}

fn parse(out: &str) -> ical::parser::ical::component::IcalCalendar {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(out.as_bytes()));
    parser.next().expect("a calendar").expect("parses")
}

fn prop(props: &[ical::property::Property], name: &str) -> String {
    props
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.clone())
        .unwrap_or_default()
}

#[test]
fn every_line_ends_in_crlf_and_fits_75_octets_without_splitting_a_character() {
    let long = "ひだまり町民センター大ホール（全面）・舞台照明と音響設備を含む".repeat(3);
    let events = [event("booking-7KQ2M9XA@town-booking", &long)];
    let out = write(&calendar(&events, chrono_tz::Asia::Tokyo));
    assert!(out.ends_with("\r\n"));
    for l in out.split_terminator("\r\n") {
        assert!(
            !l.contains('\n') && !l.contains('\r'),
            "bare line end in {l:?}"
        );
        assert!(l.len() <= 75, "{} octets: {l}", l.len());
    }
    // Unfolding gives back the whole text, so no character was cut.
    let unfolded = out.replace("\r\n ", "");
    assert!(
        unfolded.contains(&format!("SUMMARY:{long}\r\n")),
        "{unfolded}"
    );
}

#[test]
fn japanese_text_and_escapes_round_trip_through_the_parser() {
    let events = [event(
        "booking-7KQ2M9XA@town-booking",
        "会議室1, 午後; 全面\\半面",
    )];
    let out = write(&calendar(&events, chrono_tz::Asia::Tokyo));
    let cal = parse(&out);
    assert_eq!(prop(&cal.properties, "METHOD"), "PUBLISH");
    assert_eq!(
        prop(&cal.properties, "X-WR-CALNAME"),
        "ひだまり町民センター 会議室1"
    );
    let ev = &cal.events[0];
    // The parser keeps TEXT escapes as written.
    assert_eq!(
        prop(&ev.properties, "SUMMARY"),
        "会議室1\\, 午後\\; 全面\\\\半面"
    );
    assert_eq!(
        prop(&ev.properties, "DESCRIPTION"),
        "受付番号: 7KQ2M9XA\\n状態: 予約確定、".repeat(4)
    );
    assert_eq!(prop(&ev.properties, "SEQUENCE"), "2");
    assert_eq!(prop(&ev.properties, "STATUS"), "CONFIRMED");
    let start = ev.properties.iter().find(|p| p.name == "DTSTART").unwrap();
    assert_eq!(start.value.as_deref(), Some("20261208T130000"));
    assert_eq!(
        start.params.as_ref().unwrap()[0],
        ("TZID".to_owned(), vec!["Asia/Tokyo".to_owned()])
    );
    assert!(!out.contains("ATTENDEE") && !out.contains("ORGANIZER"));
}

#[test]
fn an_empty_summary_is_never_written() {
    let events = [event("visit-1@town-booking", "  ")];
    let out = write(&calendar(&events, chrono_tz::Asia::Tokyo));
    assert!(out.contains("\r\nSUMMARY:-\r\n"), "{out}");
}

#[test]
fn the_zone_of_a_town_without_summer_time_is_one_standard_observance() {
    let events = [event("booking-A@town-booking", "会議室1")];
    let out = write(&calendar(&events, chrono_tz::Asia::Tokyo));
    let cal = parse(&out);
    assert_eq!(cal.timezones.len(), 1);
    let tz = &cal.timezones[0];
    assert_eq!(prop(&tz.properties, "TZID"), "Asia/Tokyo");
    assert_eq!(tz.transitions.len(), 1);
    assert!(out.contains("TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST"));
}

#[test]
fn summer_time_changes_inside_the_feed_are_each_an_observance() {
    let mut a = event("booking-A@town-booking", "Hall");
    a.start = at(2027, 1, 10, 9, 0);
    a.end = at(2027, 1, 10, 10, 0);
    let mut b = a.clone();
    b.uid = "booking-B@town-booking".into();
    b.start = at(2027, 11, 10, 9, 0);
    b.end = at(2027, 11, 10, 10, 0);
    let out = write(&calendar(&[a, b], chrono_tz::Europe::Berlin));
    // Winter at the start, summer from 28 March 02:00, winter again from
    // 31 October 03:00 (wall clock before each change).
    assert!(out.contains(
        "BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST"
    ), "{out}");
    assert!(out.contains(
        "BEGIN:STANDARD\r\nDTSTART:20271031T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET"
    ), "{out}");
    assert!(out.contains("DTSTART;TZID=Europe/Berlin:20271110T100000"));
    assert_eq!(parse(&out).timezones[0].transitions.len(), 3);
}

#[test]
fn a_small_feed_is_written_exactly_so() {
    let mut cancelled = event("booking-8PX4RT2Q@town-booking", "体育館 全面");
    cancelled.status = EventStatus::Cancelled;
    cancelled.sequence = 3;
    cancelled.description = String::new();
    let events = [event("booking-7KQ2M9XA@town-booking", "会議室1"), cancelled];
    insta::assert_snapshot!(
        write(&calendar(&events, chrono_tz::Asia::Tokyo)).replace("\r\n", "⏎\n")
    );
}
