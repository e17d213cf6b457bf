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
    /// A fee reduction (減免): a negative line of a share of the rest.
    Reduction,
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
    /// For a reduction line: the share taken off, in per cent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub total_yen: Yen,
    pub lines: Vec<FeeLine>,
}

/// A town's fee reduction category (減免区分), e.g. 学校・PTA 100 %.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reduction {
    pub name: Text,
    /// The share of the fee taken off, 1–100.
    pub percent: u8,
}

impl Fee {
    /// The fee with a reduction applied: one negative line of `percent` of
    /// the whole (rooms and equipment), rounded down to the yen, so the
    /// resident pays any odd yen. A reduction already there is replaced.
    pub fn reduced(&self, r: &Reduction) -> Fee {
        let full = self.without_reduction();
        let percent = r.percent.min(100);
        let off = full.total_yen.0.saturating_mul(i64::from(percent)) / 100;
        let mut lines = full.lines;
        lines.push(FeeLine {
            label: r.name.clone(),
            rate: Rate::Reduction,
            quantity: 1,
            unit_yen: Yen(-off),
            amount_yen: Yen(-off),
            percent: Some(percent),
        });
        Fee {
            total_yen: Yen(full.total_yen.0 - off),
            lines,
        }
    }

    /// The fee at the full rate: any reduction line taken away.
    pub fn without_reduction(&self) -> Fee {
        let lines: Vec<FeeLine> = self
            .lines
            .iter()
            .filter(|l| l.rate != Rate::Reduction)
            .cloned()
            .collect();
        Fee {
            total_yen: lines.iter().map(|l| l.amount_yen).sum(),
            lines,
        }
    }

    /// How much a reduction takes off (0 without one).
    pub fn reduction_yen(&self) -> Yen {
        Yen(-self
            .lines
            .iter()
            .filter(|l| l.rate == Rate::Reduction)
            .map(|l| l.amount_yen.0)
            .sum::<i64>())
    }
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
            percent: None,
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
            percent: None,
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
    let tree: Vec<_> = units.iter().map(|u| (u.id, u.parent)).collect();
    crate::space::leaves(&tree, unit)
}

/// The leaves a closure of `unit`, or (`None`) of the whole facility,
/// occupies: each once, in order.
pub fn closure_leaves(units: &[UnitPlan], unit: Option<UnitId>) -> Vec<UnitId> {
    let mut leaves: Vec<UnitId> = match unit {
        Some(u) => space_leaves(units, u),
        None => units
            .iter()
            .flat_map(|u| space_leaves(units, u.id))
            .collect(),
    };
    leaves.sort();
    leaves.dedup();
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
#[path = "booking_tests.rs"]
mod tests;
