//! Unit tests of `availability`.

use super::*;
use crate::schedule::SlotTemplate;
use crate::text::Text;
use chrono::Weekday;

const TOKYO: Tz = chrono_tz::Asia::Tokyo;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(date: &str, minute: u32) -> DateTime<Utc> {
    to_utc(TOKYO, local_datetime(d(date), minute)).unwrap()
}

fn window() -> BookingWindow {
    BookingWindow {
        open_months_before: 3,
        open_day: 1,
        open_minute: 540,
        close_days_before: 1,
        close_minute: 1020,
    }
}

fn fixed() -> SlotPlan {
    SlotPlan::Fixed(vec![
        SlotTemplate {
            label: Text::new("午前", "Morning"),
            start: 540,
            end: 720,
        },
        SlotTemplate {
            label: Text::new("午後", "Afternoon"),
            start: 780,
            end: 1020,
        },
        SlotTemplate {
            label: Text::new("夜間", "Evening"),
            start: 1080,
            end: 1290,
        },
    ])
}

/// A gym: 全面 (1) containing 半面A (2) and 半面B (3).
fn gym() -> FacilityPlan {
    let unit = |id, parent: Option<i64>| UnitPlan {
        id: UnitId(id),
        parent: parent.map(UnitId),
        slots: fixed(),
        window: window(),
        closures: Vec::new(),
    };
    FacilityPlan {
        tz: TOKYO,
        hours: OpeningHours([Some((540, 1290)); 7]),
        closures: ClosureRules {
            weekly: vec![Weekday::Mon],
            shift_when_holiday: true,
            year_end: true,
            ..Default::default()
        },
        units: vec![unit(1, None), unit(2, Some(1)), unit(3, Some(1))],
    }
}

fn status(
    a: &Availability,
    unit: i64,
    date: &str,
    template: usize,
) -> (SlotStatus, Option<SlotReason>) {
    let s = a
        .units
        .iter()
        .find(|u| u.unit == UnitId(unit))
        .unwrap()
        .slots
        .iter()
        .find(|s| s.date == d(date) && s.template == Some(template))
        .unwrap();
    (s.status, s.reason.clone())
}

#[test]
fn parent_and_children_block_each_other() {
    let range = DateRange::new(d("2026-12-08"), d("2026-12-09")).unwrap();
    let now = at("2026-11-22", 600);
    // 半面A booked Tuesday afternoon; 全面 booked Wednesday morning.
    let busy = [
        Busy {
            unit: UnitId(2),
            start: at("2026-12-08", 780),
            end: at("2026-12-08", 1020),
        },
        Busy {
            unit: UnitId(1),
            start: at("2026-12-09", 540),
            end: at("2026-12-09", 720),
        },
    ];
    let a = compute(&gym(), range, &busy, now);
    assert_eq!(status(&a, 2, "2026-12-08", 1).0, SlotStatus::Booked);
    assert_eq!(
        status(&a, 1, "2026-12-08", 1).0,
        SlotStatus::Booked,
        "parent blocked by child"
    );
    assert_eq!(
        status(&a, 3, "2026-12-08", 1).0,
        SlotStatus::Free,
        "sibling stays free"
    );
    assert_eq!(status(&a, 1, "2026-12-08", 0).0, SlotStatus::Free);
    for unit in 1..=3 {
        assert_eq!(
            status(&a, unit, "2026-12-09", 0).0,
            SlotStatus::Booked,
            "unit {unit}"
        );
        assert_eq!(
            status(&a, unit, "2026-12-09", 1).0,
            SlotStatus::Free,
            "unit {unit}"
        );
    }
}

#[test]
fn adjacent_bookings_do_not_overlap() {
    let range = DateRange::new(d("2026-12-08"), d("2026-12-08")).unwrap();
    // Ends exactly when the afternoon starts, starts exactly when it ends.
    let busy = [
        Busy {
            unit: UnitId(3),
            start: at("2026-12-08", 700),
            end: at("2026-12-08", 780),
        },
        Busy {
            unit: UnitId(3),
            start: at("2026-12-08", 1020),
            end: at("2026-12-08", 1100),
        },
    ];
    let a = compute(&gym(), range, &busy, at("2026-11-22", 600));
    assert_eq!(status(&a, 3, "2026-12-08", 0).0, SlotStatus::Booked);
    assert_eq!(status(&a, 3, "2026-12-08", 1).0, SlotStatus::Free);
    assert_eq!(status(&a, 3, "2026-12-08", 2).0, SlotStatus::Booked);
}

#[test]
fn closures_window_and_past() {
    let range = DateRange::new(d("2026-12-27"), d("2027-03-05")).unwrap();
    let now = at("2026-12-28", 1030); // Monday 17:30 local
    let a = compute(&gym(), range, &[], now);
    // The day before is over.
    assert_eq!(status(&a, 1, "2026-12-27", 2).0, SlotStatus::Past);
    assert_eq!(
        status(&a, 1, "2026-12-29", 0),
        (
            SlotStatus::Closed,
            Some(SlotReason::Closure {
                closure: ClosureReason::YearEnd
            })
        )
    );
    // 2027-01-05 (Tue): booking closes 01-04 17:00, so still free now.
    assert_eq!(status(&a, 1, "2027-01-05", 0).0, SlotStatus::Free);
    // 2027-01-12 closed because 成人の日 fell on Monday 01-11.
    assert_eq!(
        status(&a, 1, "2027-01-12", 0).1.map(|r| r.code()),
        Some("shifted_from_holiday")
    );
    assert_eq!(status(&a, 1, "2027-01-11", 0).0, SlotStatus::Free);
    // Booking for March opened on 12-01.
    assert_eq!(status(&a, 1, "2027-03-05", 0).0, SlotStatus::Free);
    assert_eq!(
        a.holidays.get(&d("2027-01-11")),
        Some(&Holiday::ComingOfAgeDay)
    );
    assert!(a.closures.contains_key(&d("2027-01-04")));
}

#[test]
fn window_boundaries_to_the_minute() {
    let range = DateRange::new(d("2027-03-02"), d("2027-03-02")).unwrap();
    // Booking for March opens 2026-12-01 09:00 local (00:00 UTC).
    let before = compute(&gym(), range, &[], at("2026-12-01", 539));
    assert_eq!(
        status(&before, 1, "2027-03-02", 0).0,
        SlotStatus::NotYetOpen
    );
    let open = compute(&gym(), range, &[], at("2026-12-01", 540));
    assert_eq!(status(&open, 1, "2027-03-02", 0).0, SlotStatus::Free);
    // It closes 2027-03-01 17:00 local.
    let last = compute(&gym(), range, &[], at("2027-03-01", 1019));
    assert_eq!(status(&last, 1, "2027-03-02", 0).0, SlotStatus::Free);
    let closed = compute(&gym(), range, &[], at("2027-03-01", 1020));
    assert_eq!(
        status(&closed, 1, "2027-03-02", 0),
        (SlotStatus::Closed, Some(SlotReason::WindowClosed))
    );
}

#[test]
fn instants_are_utc_from_local_wall_clock() {
    let range = DateRange::new(d("2026-12-08"), d("2026-12-08")).unwrap();
    let a = compute(&gym(), range, &[], at("2026-11-22", 0));
    let morning = &a.units[0].slots[0];
    assert_eq!(morning.start.to_rfc3339(), "2026-12-08T00:00:00+00:00");
    // 夜間 ends 21:30 JST = 12:30 UTC.
    assert_eq!(
        a.units[0].slots[2].end.to_rfc3339(),
        "2026-12-08T12:30:00+00:00"
    );
    // In a zone with DST a slot in the spring-forward gap is not offered.
    let mut ny = gym();
    ny.tz = chrono_tz::America::New_York;
    ny.units[0].slots = SlotPlan::Grid { step: 60 };
    ny.hours = OpeningHours([Some((0, 240)); 7]);
    let range = DateRange::new(d("2027-03-14"), d("2027-03-14")).unwrap();
    let a = compute(&ny, range, &[], at("2026-11-22", 0));
    let starts: Vec<_> = a.units[0]
        .slots
        .iter()
        .map(|s| s.start.with_timezone(&ny.tz).format("%H:%M").to_string())
        .collect();
    assert_eq!(starts, vec!["00:00", "01:00", "03:00"]);
}

#[test]
fn day_status_counts() {
    let slot = |status| Slot {
        date: d("2026-12-08"),
        start: at("2026-12-08", 0),
        end: at("2026-12-08", 60),
        template: None,
        status,
        reason: None,
    };
    use SlotStatus::*;
    let day =
        |s: &[SlotStatus]| day_status(s.iter().map(|x| slot(*x)).collect::<Vec<_>>().iter(), false);
    assert_eq!(day(&[Free, Free, Booked]), DayStatus::Available);
    assert_eq!(day(&[Free, Booked, Booked, Booked]), DayStatus::Few);
    assert_eq!(day(&[Booked, Booked, Past]), DayStatus::Full);
    assert_eq!(day(&[NotYetOpen]), DayStatus::NotYetOpen);
    assert_eq!(day(&[Past, Past]), DayStatus::Past);
    assert_eq!(day(&[]), DayStatus::NoSlots);
    assert_eq!(day_status([].iter(), true), DayStatus::Closed);
}

#[test]
fn a_unit_closure_closes_only_that_unit() {
    let mut plan = gym();
    plan.units[2].closures.push(DatedClosure {
        from: d("2026-12-08"),
        to: d("2026-12-08"),
        reason: Text::new("床の補修", "Floor repair"),
    });
    let range = DateRange::new(d("2026-12-08"), d("2026-12-09")).unwrap();
    let a = compute(&plan, range, &[], at("2026-11-22", 600));
    assert_eq!(
        status(&a, 3, "2026-12-08", 0).1.map(|r| r.code()),
        Some("dated")
    );
    assert_eq!(status(&a, 3, "2026-12-08", 0).0, SlotStatus::Closed);
    assert_eq!(status(&a, 2, "2026-12-08", 0).0, SlotStatus::Free);
    assert_eq!(status(&a, 3, "2026-12-09", 0).0, SlotStatus::Free);
    assert!(
        !a.closures.contains_key(&d("2026-12-08")),
        "the facility is open"
    );
}

#[test]
fn parent_cycle_in_bad_data_does_not_hang() {
    let mut plan = gym();
    plan.units[0].parent = Some(UnitId(2));
    let range = DateRange::new(d("2026-12-08"), d("2026-12-08")).unwrap();
    let a = compute(&plan, range, &[], at("2026-11-22", 0));
    assert_eq!(a.units.len(), 3);
}
