//! Unit tests of `booking`.

use super::*;
use crate::closure::ClosureRules;
use crate::schedule::{OpeningHours, SlotTemplate};
use chrono::TimeZone;
use chrono_tz::Asia::Tokyo;

fn window() -> BookingWindow {
    BookingWindow {
        open_months_before: 3,
        open_day: 1,
        open_minute: 9 * 60,
        close_days_before: 1,
        close_minute: 17 * 60,
    }
}

fn templates() -> SlotPlan {
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

fn unit(id: i64, parent: Option<i64>) -> UnitPlan {
    UnitPlan {
        id: UnitId(id),
        parent: parent.map(UnitId),
        slots: templates(),
        window: window(),
        closures: vec![],
    }
}

fn plan() -> FacilityPlan {
    FacilityPlan {
        tz: Tokyo,
        hours: OpeningHours([Some((540, 1290)); 7]),
        closures: ClosureRules {
            weekly: vec![Weekday::Mon],
            shift_when_holiday: true,
            year_end: true,
            closed_on_holidays: false,
            dated: vec![],
        },
        units: vec![
            unit(1, None),
            unit(2, Some(1)),
            unit(3, Some(1)),
            unit(4, None),
        ],
    }
}

fn rules() -> UnitRules {
    let f = |y| SlotFee {
        resident: Yen(y),
        nonresident: Yen(y * 2),
        holiday_resident: Some(Yen(y * 12 / 10)),
        holiday_nonresident: None,
    };
    UnitRules {
        capacity: 30,
        min_slots: 1,
        max_slots: 2,
        requires_approval: false,
        pending_hold_hours: 72,
        open_months_before_nonresident: 2,
        cancel_days_before: 3,
        cancel_minute: 17 * 60,
        fees: vec![f(600), f(800), f(900)],
    }
}

/// Local Tokyo time as UTC.
fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Tokyo
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

// "Now" is Sunday 2026-11-22 10:00 in Tokyo.
fn now() -> DateTime<Utc> {
    at(2026, 11, 22, 10, 0)
}

#[test]
fn consecutive_slots_select_and_gaps_do_not() {
    // Tuesday 2026-12-08, afternoon + evening.
    let s = select(
        &plan(),
        UnitId(4),
        at(2026, 12, 8, 13, 0),
        at(2026, 12, 8, 21, 30),
        &[],
        now(),
    )
    .unwrap();
    assert_eq!(s.slots.len(), 2);
    for (start, end) in [
        (at(2026, 12, 8, 13, 30), at(2026, 12, 8, 17, 0)), // not a slot start
        (at(2026, 12, 8, 13, 0), at(2026, 12, 8, 18, 0)),  // not a slot end
        (at(2026, 12, 8, 17, 0), at(2026, 12, 8, 13, 0)),  // backwards
    ] {
        assert_eq!(
            select(&plan(), UnitId(4), start, end, &[], now()),
            Err(Refusal::Rule(RuleViolation::SlotMismatch))
        );
    }
    assert_eq!(
        select(
            &plan(),
            UnitId(99),
            at(2026, 12, 8, 13, 0),
            at(2026, 12, 8, 17, 0),
            &[],
            now()
        ),
        Err(Refusal::Rule(RuleViolation::SlotMismatch))
    );
}

#[test]
fn each_refusal_has_its_reason() {
    let p = plan();
    let sel = |start, end, busy: &[Busy]| select(&p, UnitId(4), start, end, busy, now());
    // Monday: closed.
    assert!(matches!(
        sel(at(2026, 12, 7, 13, 0), at(2026, 12, 7, 17, 0), &[]),
        Err(Refusal::Rule(RuleViolation::ClosedDay { .. }))
    ));
    // Earlier today: past.
    assert_eq!(
        sel(at(2026, 11, 22, 9, 0), at(2026, 11, 22, 12, 0), &[]),
        Err(Refusal::Rule(RuleViolation::InPast))
    );
    // Monday the 23rd is a holiday, so Tuesday the 24th is the closed day;
    // Wednesday the 25th closes at 17:00 on the 24th: still open.
    assert!(matches!(
        sel(at(2026, 11, 24, 9, 0), at(2026, 11, 24, 12, 0), &[]),
        Err(Refusal::Rule(RuleViolation::ClosedDay { .. }))
    ));
    assert!(sel(at(2026, 11, 25, 9, 0), at(2026, 11, 25, 12, 0), &[]).is_ok());
    // Later today: window closed (the day before at 17:00).
    assert!(matches!(
        sel(at(2026, 11, 22, 18, 0), at(2026, 11, 22, 21, 30), &[]),
        Err(Refusal::Rule(RuleViolation::WindowClosed { .. }))
    ));
    // March 2027 opens on 2026-12-01 09:00.
    assert_eq!(
        sel(at(2027, 3, 2, 9, 0), at(2027, 3, 2, 12, 0), &[]),
        Err(Refusal::Rule(RuleViolation::WindowNotOpen {
            opens: local_datetime(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), 540),
            nonresident: false
        }))
    );
    // Taken by someone on the parent's space? No: unit 4 stands alone.
    let busy = [Busy {
        unit: UnitId(4),
        start: at(2026, 12, 8, 13, 0),
        end: at(2026, 12, 8, 17, 0),
    }];
    assert_eq!(
        sel(at(2026, 12, 8, 9, 0), at(2026, 12, 8, 17, 0), &busy),
        Err(Refusal::Taken)
    );
}

#[test]
fn staff_may_book_outside_the_window_but_nothing_else() {
    let p = plan();
    let over =
        |start, end, busy: &[Busy]| select_outside_window(&p, UnitId(4), start, end, busy, now());
    // Later today (window closed) and March 2027 (not open yet): allowed.
    assert!(over(at(2026, 11, 22, 18, 0), at(2026, 11, 22, 21, 30), &[]).is_ok());
    assert!(over(at(2027, 3, 2, 9, 0), at(2027, 3, 2, 12, 0), &[]).is_ok());
    // Closed days, the past and other bookings still refuse.
    assert!(matches!(
        over(at(2026, 12, 7, 13, 0), at(2026, 12, 7, 17, 0), &[]),
        Err(Refusal::Rule(RuleViolation::ClosedDay { .. }))
    ));
    assert_eq!(
        over(at(2026, 11, 22, 9, 0), at(2026, 11, 22, 12, 0), &[]),
        Err(Refusal::Rule(RuleViolation::InPast))
    );
    let busy = [Busy {
        unit: UnitId(4),
        start: at(2026, 12, 8, 13, 0),
        end: at(2026, 12, 8, 17, 0),
    }];
    assert_eq!(
        over(at(2026, 12, 8, 13, 0), at(2026, 12, 8, 17, 0), &busy),
        Err(Refusal::Taken)
    );
}

#[test]
fn parent_and_children_block_each_other_in_selection() {
    let p = plan();
    let half_a = [Busy {
        unit: UnitId(2),
        start: at(2026, 12, 8, 9, 0),
        end: at(2026, 12, 8, 12, 0),
    }];
    let whole = |busy: &[Busy]| {
        select(
            &p,
            UnitId(1),
            at(2026, 12, 8, 9, 0),
            at(2026, 12, 8, 12, 0),
            busy,
            now(),
        )
    };
    assert_eq!(whole(&half_a), Err(Refusal::Taken));
    let half_b = select(
        &p,
        UnitId(3),
        at(2026, 12, 8, 9, 0),
        at(2026, 12, 8, 12, 0),
        &half_a,
        now(),
    );
    assert!(half_b.is_ok());
    assert_eq!(
        space_leaves(&p.units, UnitId(1)),
        vec![UnitId(2), UnitId(3)]
    );
    assert_eq!(space_leaves(&p.units, UnitId(2)), vec![UnitId(2)]);
    assert_eq!(space_leaves(&p.units, UnitId(4)), vec![UnitId(4)]);
    // A closure of the whole facility holds every leaf once.
    assert_eq!(
        closure_leaves(&p.units, None),
        vec![UnitId(2), UnitId(3), UnitId(4)]
    );
    assert_eq!(
        closure_leaves(&p.units, Some(UnitId(1))),
        vec![UnitId(2), UnitId(3)]
    );
}

#[test]
fn rules_count_slots_capacity_and_the_nonresident_window() {
    let p = plan();
    let u = &p.units[3];
    let r = rules();
    let now_local = now().with_timezone(&Tokyo).naive_local();
    let all_day = select(
        &p,
        UnitId(4),
        at(2026, 12, 8, 9, 0),
        at(2026, 12, 8, 21, 30),
        &[],
        now(),
    )
    .unwrap();
    assert_eq!(
        check_rules(&all_day, u, &r, 5, true, now_local),
        Err(RuleViolation::TooManySlots { max: 2 })
    );
    let one = select(
        &p,
        UnitId(4),
        at(2026, 12, 8, 9, 0),
        at(2026, 12, 8, 12, 0),
        &[],
        now(),
    )
    .unwrap();
    assert_eq!(
        check_rules(&one, u, &r, 31, true, now_local),
        Err(RuleViolation::OverCapacity { capacity: 30 })
    );
    assert_eq!(check_rules(&one, u, &r, 30, true, now_local), Ok(()));
    // February 2027: open for residents since 2026-11-01, for 町外 from 2026-12-01.
    let feb = select(
        &p,
        UnitId(4),
        at(2027, 2, 2, 9, 0),
        at(2027, 2, 2, 12, 0),
        &[],
        now(),
    )
    .unwrap();
    assert_eq!(check_rules(&feb, u, &r, 5, true, now_local), Ok(()));
    assert_eq!(
        check_rules(&feb, u, &r, 5, false, now_local),
        Err(RuleViolation::WindowNotOpen {
            opens: local_datetime(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), 540),
            nonresident: true
        })
    );
    assert_eq!(
        check_rules(
            &feb,
            u,
            &UnitRules { min_slots: 2, ..r },
            5,
            true,
            now_local
        ),
        Err(RuleViolation::TooFewSlots { min: 2 })
    );
}

#[test]
fn fees_by_rate_day_and_equipment() {
    let p = plan();
    let u = &p.units[3];
    let r = rules();
    // Tuesday: weekday rates.
    let tue = select(
        &p,
        UnitId(4),
        at(2026, 12, 8, 9, 0),
        at(2026, 12, 8, 17, 0),
        &[],
        now(),
    )
    .unwrap();
    let projector = Equipment {
        id: EquipmentId(1),
        name: Text::new("プロジェクター", "Projector"),
        fee_per_slot: Yen(500),
        quantity: 1,
    };
    let f = fee(&tue, u, &r, true, &[&projector]);
    assert_eq!(f.total_yen, Yen(600 + 800 + 2 * 500));
    assert_eq!(f.lines.len(), 3);
    assert_eq!(f.lines[2].quantity, 2);
    let f = fee(&tue, u, &r, false, &[]);
    assert_eq!(f.total_yen, Yen(1200 + 1600));
    assert!(f.lines.iter().all(|l| l.rate == Rate::Nonresident));
    // Sunday: the holiday rate where configured, else the normal one.
    let sun = select(
        &p,
        UnitId(4),
        at(2026, 12, 13, 9, 0),
        at(2026, 12, 13, 12, 0),
        &[],
        now(),
    )
    .unwrap();
    assert_eq!(fee(&sun, u, &r, true, &[]).total_yen, Yen(720));
    assert_eq!(
        fee(&sun, u, &r, true, &[]).lines[0].rate,
        Rate::HolidayResident
    );
    assert_eq!(fee(&sun, u, &r, false, &[]).total_yen, Yen(1200));
    // A national holiday on a weekday (2027-01-11 成人の日 is a Monday,
    // closed; 2026-11-23 勤労感謝の日 is a Monday too): use 2027-02-11 (Thu).
    let holiday = select(
        &p,
        UnitId(4),
        at(2027, 2, 11, 9, 0),
        at(2027, 2, 11, 12, 0),
        &[],
        now(),
    )
    .unwrap();
    assert!(holiday.holiday.is_some());
    assert_eq!(fee(&holiday, u, &r, true, &[]).total_yen, Yen(720));
    assert_eq!(Yen(1234567).grouped(), "1,234,567");
    assert_eq!(Yen(500).grouped(), "500");
}

#[test]
fn cancellation_deadline_is_days_before_at_a_time_but_never_after_start() {
    let r = rules();
    let start = local_datetime(NaiveDate::from_ymd_opt(2026, 12, 8).unwrap(), 13 * 60);
    assert_eq!(
        cancel_deadline(&r, start),
        local_datetime(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(), 17 * 60)
    );
    let same_day = UnitRules {
        cancel_days_before: 0,
        cancel_minute: 23 * 60,
        ..r
    };
    assert_eq!(cancel_deadline(&same_day, start), start);
}

#[test]
fn alternatives_are_nearest_first_and_free() {
    let p = plan();
    let busy = [Busy {
        unit: UnitId(4),
        start: at(2026, 12, 8, 13, 0),
        end: at(2026, 12, 8, 17, 0),
    }];
    let range = DateRange {
        from: NaiveDate::from_ymd_opt(2026, 12, 8).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
    };
    let a = compute(&p, range, &busy, now());
    let wanted = Selection {
        unit: UnitId(4),
        date: range.from,
        start: at(2026, 12, 8, 13, 0),
        end: at(2026, 12, 8, 17, 0),
        slots: vec![a.units[3].slots[1].clone()],
        holiday: None,
    };
    let caps: BTreeMap<UnitId, u32> = [
        (UnitId(1), 200),
        (UnitId(2), 100),
        (UnitId(3), 100),
        (UnitId(4), 30),
    ]
    .into();
    let alts = alternatives(&a, &caps, &wanted, 40, 4);
    // Unit 4 is too small for 40; the gym units at the same time come first.
    assert_eq!(
        alts[0],
        Alternative {
            unit: UnitId(1),
            start: wanted.start,
            end: wanted.end
        }
    );
    assert!(alts.iter().all(|x| x.unit != UnitId(4)));
    let alts = alternatives(&a, &caps, &wanted, 10, 10);
    assert!(
        alts.iter()
            .all(|x| !(x.unit == UnitId(4) && x.start == wanted.start))
    );
    let minutes: Vec<i64> = alts
        .iter()
        .map(|x| (x.start - wanted.start).num_minutes().abs())
        .collect();
    assert!(minutes.windows(2).all(|w| w[0] <= w[1]), "{minutes:?}");
}

#[test]
fn a_reduction_takes_its_share_of_the_whole_fee_rounded_down() {
    let p = plan();
    let u = &p.units[3];
    let tue = select(
        &p,
        UnitId(4),
        at(2026, 12, 8, 9, 0),
        at(2026, 12, 8, 17, 0),
        &[],
        now(),
    )
    .unwrap();
    let projector = Equipment {
        id: EquipmentId(1),
        name: Text::new("プロジェクター", "Projector"),
        fee_per_slot: Yen(501),
        quantity: 1,
    };
    let full = fee(&tue, u, &rules(), true, &[&projector]);
    assert_eq!(full.total_yen, Yen(600 + 800 + 2 * 501));
    let seniors = Reduction {
        name: Text::new("高齢者団体", "Seniors' club"),
        percent: 50,
    };
    let half = full.reduced(&seniors);
    // 2,402 yen: 1,201 off, equipment included; the odd yen is paid.
    assert_eq!(half.reduction_yen(), Yen(1201));
    assert_eq!(half.total_yen, Yen(1201));
    let line = half.lines.last().unwrap();
    assert_eq!(
        (line.rate, line.amount_yen, line.percent),
        (Rate::Reduction, Yen(-1201), Some(50))
    );
    assert_eq!(half.lines.len(), full.lines.len() + 1);
    let third = Reduction {
        name: Text::new("三割", "30 %"),
        percent: 33,
    };
    // 2,402 × 33 % = 792.66: 792 off, 1,610 to pay.
    assert_eq!(full.reduced(&third).total_yen, Yen(1610));
    // Applying another replaces the first; taking it away gives the full fee back.
    let school = Reduction {
        name: Text::new("学校・PTA", "School or PTA"),
        percent: 100,
    };
    let waived = half.reduced(&school);
    assert_eq!(waived.total_yen, Yen(0));
    assert_eq!(
        waived
            .lines
            .iter()
            .filter(|l| l.rate == Rate::Reduction)
            .count(),
        1
    );
    assert_eq!(waived.without_reduction(), full);
    assert_eq!(full.reduction_yen(), Yen(0));
    // Stored lines from before reductions existed read without a percent.
    let old: FeeLine = serde_json::from_str(
        r#"{"label":{"ja":"午前","en":"Morning"},"rate":"resident","quantity":1,"unit_yen":600,"amount_yen":600}"#,
    )
    .unwrap();
    assert_eq!(old.percent, None);
    assert!(!serde_json::to_string(&old).unwrap().contains("percent"));
}
