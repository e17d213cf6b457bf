//! Booking rules: which slots a request covers, whether the unit's rules
//! allow it, what it costs and until when it can be cancelled. Pure: the
//! caller passes the facility's plan, the unit's rules, the busy intervals
//! and "now"; the database alone decides races (see `store::bookings`).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::availability::{
    Availability, Busy, FacilityPlan, Slot, SlotReason, SlotStatus, UnitPlan, compute,
};
use crate::calendar::DateRange;
use crate::error::RuleViolation;
use crate::holidays::Holiday;
use crate::ids::{EquipmentId, UnitId};
use crate::schedule::{BookingWindow, Minute, SlotPlan, local_datetime};
use crate::text::Text;

/// An amount in yen. Fees are whole yen; there are no floats anywhere.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Yen(pub i64);

impl std::ops::Add for Yen {
    type Output = Yen;
    fn add(self, o: Yen) -> Yen {
        Yen(self.0.saturating_add(o.0))
    }
}

impl std::iter::Sum for Yen {
    fn sum<I: Iterator<Item = Yen>>(iter: I) -> Yen {
        iter.fold(Yen(0), |a, b| a + b)
    }
}

impl Yen {
    /// `1,200` (the caller adds 円 or ¥ for the language).
    pub fn grouped(self) -> String {
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if self.0 < 0 { format!("-{out}") } else { out }
    }
}

/// The fee of one fixed period, by rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotFee {
    pub resident: Yen,
    pub nonresident: Yen,
    /// Rates on Saturdays, Sundays and public holidays, where configured.
    pub holiday_resident: Option<Yen>,
    pub holiday_nonresident: Option<Yen>,
}

/// A unit's booking rules beyond its slots and window (which live in [`UnitPlan`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitRules {
    pub capacity: u32,
    pub min_slots: u32,
    pub max_slots: u32,
    pub requires_approval: bool,
    /// How long a pending (仮予約) booking holds its slots.
    pub pending_hold_hours: u32,
    /// Non-residents (町外) may book this many months ahead (≤ residents').
    pub open_months_before_nonresident: u32,
    pub cancel_days_before: u32,
    pub cancel_minute: Minute,
    /// One entry per fixed template (same order); a grid unit has one entry.
    pub fees: Vec<SlotFee>,
}

/// Equipment (付帯設備) a facility lends, charged per slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Equipment {
    pub id: EquipmentId,
    pub name: Text,
    pub fee_per_slot: Yen,
    /// How many the facility has; each booking takes one.
    pub quantity: u32,
}

/// Which rate a fee line used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rate {
    Resident,
    Nonresident,
    HolidayResident,
    HolidayNonresident,
    Equipment,
}

/// One line of the fee breakdown, as computed at booking time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeLine {
    /// The period (午前) or the equipment name.
    pub label: Text,
    pub rate: Rate,
    pub quantity: u32,
    pub unit_yen: Yen,
    pub amount_yen: Yen,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub total_yen: Yen,
    pub lines: Vec<FeeLine>,
}

/// Active bookings and visit appointments one e-mail address or phone
/// number may hold across the whole town at once (on top of each
/// facility's own limit), so a script cannot fill the halls for a month.
pub const TOWN_ACTIVE_LIMIT: u32 = 10;

/// The slots a request covers, found on the unit's day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub unit: UnitId,
    pub date: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub slots: Vec<Slot>,
    /// The day's holiday, if any (for the holiday rate).
    pub holiday: Option<Holiday>,
}

/// Why a selection cannot be booked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    Rule(RuleViolation),
    /// Someone else holds (part of) the time.
    Taken,
}

/// Finds the consecutive slots of `unit` from `start` to `end` (one local
/// day) and checks each is bookable now. Slot status precedence is that of
/// availability: closure, past, booked, not yet open, window closed.
pub fn select(
    plan: &FacilityPlan,
    unit: UnitId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    busy: &[Busy],
    now: DateTime<Utc>,
) -> Result<Selection, Refusal> {
    select_slots(plan, unit, start, end, busy, now, true)
}

/// As [`select`], but slots outside the booking window are accepted: for
/// staff booking on a resident's behalf with a written reason. Closures,
/// the past and other bookings still refuse.
pub fn select_outside_window(
    plan: &FacilityPlan,
    unit: UnitId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    busy: &[Busy],
    now: DateTime<Utc>,
) -> Result<Selection, Refusal> {
    select_slots(plan, unit, start, end, busy, now, false)
}

fn select_slots(
    plan: &FacilityPlan,
    unit: UnitId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    busy: &[Busy],
    now: DateTime<Utc>,
    window: bool,
) -> Result<Selection, Refusal> {
    let mismatch = Refusal::Rule(RuleViolation::SlotMismatch);
    if start >= end || end - start > Duration::hours(24) {
        return Err(mismatch);
    }
    let date = start.with_timezone(&plan.tz).date_naive();
    let range = DateRange {
        from: date,
        to: date,
    };
    let a = compute(plan, range, busy, now);
    let slots = unit_slots(&a, unit).ok_or(mismatch.clone())?;
    let first = slots
        .iter()
        .position(|s| s.start == start)
        .ok_or(mismatch.clone())?;
    let last = slots[first..]
        .iter()
        .position(|s| s.end == end)
        .map(|i| first + i)
        .ok_or(mismatch)?;
    let chosen = slots[first..=last].to_vec();
    let unit_plan = plan.units.iter().find(|u| u.id == unit);
    for s in &chosen {
        match (&s.status, &s.reason) {
            (SlotStatus::Free, _) => {}
            (SlotStatus::NotYetOpen, _) | (SlotStatus::Closed, Some(SlotReason::WindowClosed))
                if !window => {}
            (SlotStatus::Closed, Some(SlotReason::Closure { closure })) => {
                return Err(Refusal::Rule(RuleViolation::ClosedDay {
                    reason: closure.clone(),
                }));
            }
            (SlotStatus::Past, _) => return Err(Refusal::Rule(RuleViolation::InPast)),
            (SlotStatus::Booked, _) => return Err(Refusal::Taken),
            (SlotStatus::NotYetOpen, _) => {
                let opens = unit_plan
                    .map(|u| u.window.opens_at(date))
                    .unwrap_or_default();
                return Err(Refusal::Rule(RuleViolation::WindowNotOpen {
                    opens,
                    nonresident: false,
                }));
            }
            (SlotStatus::Closed, _) => {
                let local_start = s.start.with_timezone(&plan.tz).naive_local();
                let closed = unit_plan
                    .map(|u| u.window.closes_at(local_start))
                    .unwrap_or(local_start);
                return Err(Refusal::Rule(RuleViolation::WindowClosed { closed }));
            }
        }
    }
    Ok(Selection {
        unit,
        date,
        start,
        end,
        slots: chosen,
        holiday: a.holidays.get(&date).copied(),
    })
}

fn unit_slots(a: &Availability, unit: UnitId) -> Option<&[Slot]> {
    a.units
        .iter()
        .find(|u| u.unit == unit)
        .map(|u| u.slots.as_slice())
}

/// The window for non-residents: same day and minute, fewer months ahead.
pub fn nonresident_window(window: BookingWindow, rules: &UnitRules) -> BookingWindow {
    BookingWindow {
        open_months_before: rules
            .open_months_before_nonresident
            .min(window.open_months_before),
        ..window
    }
}

/// The unit's own rules for a selection: slot count, capacity, the shorter
/// window for non-residents. (Active-booking limits need the database.)
pub fn check_rules(
    sel: &Selection,
    unit: &UnitPlan,
    rules: &UnitRules,
    attendees: u32,
    resident: bool,
    now_local: NaiveDateTime,
) -> Result<(), RuleViolation> {
    let n = u32::try_from(sel.slots.len()).unwrap_or(u32::MAX);
    if n < rules.min_slots {
        return Err(RuleViolation::TooFewSlots {
            min: rules.min_slots,
        });
    }
    if n > rules.max_slots {
        return Err(RuleViolation::TooManySlots {
            max: rules.max_slots,
        });
    }
    if !resident {
        let opens = nonresident_window(unit.window, rules).opens_at(sel.date);
        if now_local < opens {
            return Err(RuleViolation::WindowNotOpen {
                opens,
                nonresident: true,
            });
        }
    }
    if attendees > rules.capacity {
        return Err(RuleViolation::OverCapacity {
            capacity: rules.capacity,
        });
    }
    Ok(())
}

/// Saturdays, Sundays and public holidays use the holiday rate where set.
fn holiday_rate_day(date: NaiveDate, holiday: Option<Holiday>) -> bool {
    holiday.is_some() || matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The fee for a selection: each slot at its rate, then equipment per slot.
pub fn fee(
    sel: &Selection,
    unit: &UnitPlan,
    rules: &UnitRules,
    resident: bool,
    equipment: &[&Equipment],
) -> Fee {
    let holiday = holiday_rate_day(sel.date, sel.holiday);
    let mut lines: Vec<FeeLine> = Vec::new();
    for s in &sel.slots {
        let fee = s
            .template
            .and_then(|i| rules.fees.get(i))
            .or(rules.fees.first())
            .copied()
            .unwrap_or(SlotFee {
                resident: Yen(0),
                nonresident: Yen(0),
                holiday_resident: None,
                holiday_nonresident: None,
            });
        let (rate, amount) = match (resident, holiday) {
            (true, true) if fee.holiday_resident.is_some() => (
                Rate::HolidayResident,
                fee.holiday_resident.unwrap_or(fee.resident),
            ),
            (false, true) if fee.holiday_nonresident.is_some() => (
                Rate::HolidayNonresident,
                fee.holiday_nonresident.unwrap_or(fee.nonresident),
            ),
            (true, _) => (Rate::Resident, fee.resident),
            (false, _) => (Rate::Nonresident, fee.nonresident),
        };
        let label = match (&unit.slots, s.template) {
            (SlotPlan::Fixed(t), Some(i)) => t.get(i).map(|t| t.label.clone()),
            _ => None,
        }
        .unwrap_or_else(|| Text::new("利用時間", "Time"));
        // Consecutive grid steps at the same rate make one line.
        if let Some(last) = lines.last_mut()
            && last.label == label
            && last.rate == rate
            && last.unit_yen == amount
        {
            last.quantity += 1;
            last.amount_yen = last.amount_yen + amount;
            continue;
        }
        lines.push(FeeLine {
            label,
            rate,
            quantity: 1,
            unit_yen: amount,
            amount_yen: amount,
        });
    }
    let n = u32::try_from(sel.slots.len()).unwrap_or(u32::MAX);
    for e in equipment {
        lines.push(FeeLine {
            label: e.name.clone(),
            rate: Rate::Equipment,
            quantity: n,
            unit_yen: e.fee_per_slot,
            amount_yen: Yen(e.fee_per_slot.0.saturating_mul(i64::from(n))),
        });
    }
    Fee {
        total_yen: lines.iter().map(|l| l.amount_yen).sum(),
        lines,
    }
}

/// The last local instant a resident may cancel (キャンセル期限): so many
/// days before the day of use at a set time, never after the start.
pub fn cancel_deadline(rules: &UnitRules, local_start: NaiveDateTime) -> NaiveDateTime {
    let day = local_start.date() - Duration::days(i64::from(rules.cancel_days_before));
    local_datetime(day, rules.cancel_minute).min(local_start)
}

/// The units whose space a booking of `unit` occupies, as database hold
/// keys: every leaf below it (itself if it has no children). Booking the
/// gym's whole floor holds both halves; a half holds only itself; two
/// halves never collide, and the whole floor collides with either.
pub fn space_leaves(units: &[UnitPlan], unit: UnitId) -> Vec<UnitId> {
    let children = |id: UnitId| -> Vec<UnitId> {
        units
            .iter()
            .filter(|u| u.parent == Some(id) && u.id != id)
            .map(|u| u.id)
            .collect()
    };
    let mut leaves = Vec::new();
    let mut stack = vec![unit];
    let mut seen = Vec::new();
    while let Some(id) = stack.pop() {
        if seen.contains(&id) {
            continue; // a cycle in bad data must not loop
        }
        seen.push(id);
        let kids = children(id);
        if kids.is_empty() {
            leaves.push(id);
        } else {
            stack.extend(kids);
        }
    }
    leaves.sort();
    leaves
}

/// A free alternative to a taken request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alternative {
    pub unit: UnitId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The nearest free runs of the same number of slots: on the same unit at
/// other times or days, and on other units (with room for `attendees`) at
/// the same time. Nearest first, at most `limit`.
pub fn alternatives(
    a: &Availability,
    capacities: &BTreeMap<UnitId, u32>,
    wanted: &Selection,
    attendees: u32,
    limit: usize,
) -> Vec<Alternative> {
    let n = wanted.slots.len().max(1);
    let mut found: Vec<(i64, bool, Alternative)> = Vec::new();
    for u in &a.units {
        if capacities.get(&u.unit).is_none_or(|c| *c < attendees) {
            continue;
        }
        for run in u.slots.windows(n) {
            let same_day = run.iter().all(|s| s.date == run[0].date);
            let contiguous = run.windows(2).all(|w| w[0].end <= w[1].start);
            if !same_day || !contiguous || run.iter().any(|s| s.status != SlotStatus::Free) {
                continue;
            }
            let (start, end) = (run[0].start, run[n - 1].end);
            if u.unit == wanted.unit && start == wanted.start {
                continue;
            }
            let distance = (start - wanted.start).num_minutes().abs();
            found.push((
                distance,
                u.unit != wanted.unit,
                Alternative {
                    unit: u.unit,
                    start,
                    end,
                },
            ));
        }
    }
    found.sort_by_key(|(d, other, alt)| (*d, *other, alt.unit));
    found.into_iter().take(limit).map(|(_, _, a)| a).collect()
}

#[cfg(test)]
mod tests {
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
        let over = |start, end, busy: &[Busy]| {
            select_outside_window(&p, UnitId(4), start, end, busy, now())
        };
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
}
