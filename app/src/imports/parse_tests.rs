use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use super::parse::{Fault, Problem, When, read};

const HOLIDAYS: &str = include_str!("../../../server/tests/fixtures/holidays-ja.ics");
const WEEKLY: &str = include_str!("../../../server/tests/fixtures/weekly-absence.ics");

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

fn year() -> (DateTime<Utc>, DateTime<Utc>) {
    (now(), now() + chrono::Duration::days(365))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn jst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Tz::Asia__Tokyo
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn calendar(body: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n")
}

fn fails(text: &str) -> Fault {
    let (from, to) = year();
    read(text, Tz::Asia__Tokyo, from, to).expect_err("should be refused")
}

#[test]
fn a_japanese_holiday_calendar_reads_as_whole_days_in_the_window() {
    let (from, to) = year();
    let r = read(HOLIDAYS, Tz::Asia__Tokyo, from, to).unwrap();
    // 2026-11-03 is past; 2027-11-23 and 2028-01-01 are beyond the year.
    assert_eq!(r.skipped, 3);
    assert_eq!(r.occurrences.len(), 17);
    let first = &r.occurrences[0];
    assert_eq!(
        first.when,
        When::Days {
            from: date(2026, 11, 23),
            to: date(2026, 11, 23)
        }
    );
    assert_eq!(first.summary, "勤労感謝の日");
    assert!(r.occurrences.iter().any(|o| o.summary == "休日 春分の日"
        && o.when
            == When::Days {
                from: date(2027, 3, 22),
                to: date(2027, 3, 22)
            }));
}

#[test]
fn a_weekly_absence_expands_with_its_exception_and_its_moved_instance() {
    let (from, to) = year();
    let r = read(WEEKLY, Tz::Asia__Tokyo, from, to).unwrap();
    let spans: Vec<(When, &str)> = r
        .occurrences
        .iter()
        .map(|o| (o.when, o.summary.as_str()))
        .collect();
    let weekly = "研修（毎週火曜）";
    assert_eq!(
        spans,
        vec![
            (
                When::Timed {
                    start: jst(2026, 11, 24, 13, 0),
                    end: jst(2026, 11, 24, 15, 0)
                },
                weekly
            ),
            // 12/1 moved to Thursday morning (RECURRENCE-ID).
            (
                When::Timed {
                    start: jst(2026, 12, 3, 9, 0),
                    end: jst(2026, 12, 3, 11, 0)
                },
                "研修（この週は木曜の午前）"
            ),
            // 12/8 is an EXDATE; 12/22 is the last (UNTIL, inclusive).
            (
                When::Timed {
                    start: jst(2026, 12, 15, 13, 0),
                    end: jst(2026, 12, 15, 15, 0)
                },
                weekly
            ),
            (
                When::Timed {
                    start: jst(2026, 12, 22, 13, 0),
                    end: jst(2026, 12, 22, 15, 0)
                },
                weekly
            ),
        ]
    );
}

#[test]
fn times_in_other_zones_utc_and_floating_times_land_on_the_right_instant() {
    let text = calendar(
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=America/New_York:20261201T190000\r\nDURATION:PT1H30M\r\nSUMMARY:NY\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20261202T000000Z\r\nDTEND:20261202T010000Z\r\nSUMMARY:UTC\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:c\r\nDTSTART:20261203T090000\r\nDTEND:20261203T100000\r\nSUMMARY:floating\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:d\r\nDTSTART;TZID=/mozilla.org/20050126_1/Asia/Tokyo:20261204T090000\r\nDTEND;TZID=/mozilla.org/20050126_1/Asia/Tokyo:20261204T091500\r\nSUMMARY:mozilla\r\nEND:VEVENT\r\n",
    );
    let (from, to) = year();
    let r = read(&text, Tz::Asia__Tokyo, from, to).unwrap();
    let at = |s: &str| {
        r.occurrences
            .iter()
            .find(|o| o.summary == s)
            .map(|o| o.when)
            .unwrap()
    };
    // 19:00 in New York (EST, UTC−5) is 00:00 UTC, 09:00 in Tokyo.
    assert_eq!(
        at("NY"),
        When::Timed {
            start: jst(2026, 12, 2, 9, 0),
            end: jst(2026, 12, 2, 10, 30)
        }
    );
    assert_eq!(
        at("UTC"),
        When::Timed {
            start: jst(2026, 12, 2, 9, 0),
            end: jst(2026, 12, 2, 10, 0)
        }
    );
    assert_eq!(
        at("floating"),
        When::Timed {
            start: jst(2026, 12, 3, 9, 0),
            end: jst(2026, 12, 3, 10, 0)
        }
    );
    assert_eq!(
        at("mozilla"),
        When::Timed {
            start: jst(2026, 12, 4, 9, 0),
            end: jst(2026, 12, 4, 9, 15)
        }
    );
}

#[test]
fn yearly_all_day_rules_recur_on_dates_and_until_a_date_is_inclusive() {
    let text = calendar(
        "BEGIN:VEVENT\r\nUID:y\r\nDTSTART;VALUE=DATE:20261229\r\nDTEND;VALUE=DATE:20270104\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:年末年始 休館\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:m\r\nDTSTART;VALUE=DATE:20261207\r\nRRULE:FREQ=MONTHLY;BYDAY=1MO;UNTIL=20270201\r\nSUMMARY:定期点検\r\nEND:VEVENT\r\n",
    );
    let (from, to) = year();
    let r = read(&text, Tz::Asia__Tokyo, from, to).unwrap();
    let days: Vec<When> = r.occurrences.iter().map(|o| o.when).collect();
    assert_eq!(
        days,
        vec![
            When::Days {
                from: date(2026, 12, 7),
                to: date(2026, 12, 7)
            },
            When::Days {
                from: date(2026, 12, 29),
                to: date(2027, 1, 3)
            },
            When::Days {
                from: date(2027, 1, 4),
                to: date(2027, 1, 4)
            },
            When::Days {
                from: date(2027, 2, 1),
                to: date(2027, 2, 1)
            },
        ]
    );
}

#[test]
fn cancelled_and_zero_length_events_are_left_out() {
    let text = calendar(
        "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261201T000000Z\r\nDTEND:20261201T010000Z\r\nSTATUS:CANCELLED\r\nSUMMARY:x\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:z\r\nDTSTART:20261201T000000Z\r\nSUMMARY:z\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:k\r\nDTSTART:20261201T000000Z\r\nDTEND:20261201T010000Z\r\nSUMMARY:kept\\, with a comma\\nand a line\r\nEND:VEVENT\r\n",
    );
    let (from, to) = year();
    let r = read(&text, Tz::Asia__Tokyo, from, to).unwrap();
    assert_eq!(r.skipped, 2);
    assert_eq!(r.occurrences.len(), 1);
    assert_eq!(r.occurrences[0].summary, "kept, with a comma and a line");
}

#[test]
fn faults_name_the_line_and_what_is_wrong() {
    assert_eq!(
        fails("hello\r\n"),
        Fault {
            line: 1,
            problem: Problem::NotCalendar
        }
    );
    let bad_date = calendar("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:2026120\r\nEND:VEVENT\r\n");
    assert_eq!(
        fails(&bad_date),
        Fault {
            line: 6,
            problem: Problem::BadDate("DTSTART".into())
        }
    );
    let zone = calendar(
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Mars/Olympus:20261201T090000\r\nEND:VEVENT\r\n",
    );
    assert_eq!(
        fails(&zone),
        Fault {
            line: 6,
            problem: Problem::UnknownZone("Mars/Olympus".into())
        }
    );
    let rule = calendar(
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\nRRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\n",
    );
    assert_eq!(
        fails(&rule),
        Fault {
            line: 8,
            problem: Problem::BadRule("FREQ=SOMETIMES".into())
        }
    );
    let backwards = calendar(
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261201T090000Z\r\nDTEND:20261201T080000Z\r\nEND:VEVENT\r\n",
    );
    assert_eq!(
        fails(&backwards),
        Fault {
            line: 7,
            problem: Problem::EndBeforeStart
        }
    );
    let unclosed = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VCALENDAR\r\n";
    assert_eq!(
        fails(unclosed),
        Fault {
            line: 4,
            problem: Problem::Unbalanced("VCALENDAR".into())
        }
    );
    let no_start = calendar("BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x\r\nEND:VEVENT\r\n");
    assert_eq!(
        fails(&no_start),
        Fault {
            line: 4,
            problem: Problem::NoStart
        }
    );
    assert_eq!(fails(&calendar("")).problem, Problem::NoEvents);
    let syntax = calendar("BEGIN:VEVENT\r\nno colon here\r\nEND:VEVENT\r\n");
    assert_eq!(
        fails(&syntax),
        Fault {
            line: 5,
            problem: Problem::Syntax
        }
    );
}

#[test]
fn a_rule_with_too_many_instances_is_refused() {
    let text = calendar(
        "BEGIN:VEVENT\r\nUID:h\r\nDTSTART:20261201T000000Z\r\nDTEND:20261201T000500Z\r\nRRULE:FREQ=HOURLY\r\nEND:VEVENT\r\n",
    );
    assert_eq!(fails(&text).problem, Problem::TooMany);
}
