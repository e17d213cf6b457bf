//! Availability: which slots of which units are free, booked, closed, not yet
//! open or past, for a range of local dates. Pure: the caller passes the
//! facility's rules, the busy intervals and "now".

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

use crate::calendar::DateRange;
use crate::closure::{ClosureReason, ClosureRules, DatedClosure};
use crate::holidays::{Holiday, holidays_between};
use crate::ids::UnitId;
use crate::schedule::{BookingWindow, OpeningHours, SlotPlan, local_datetime};

/// A unit as availability needs it.
#[derive(Clone, Debug)]
pub struct UnitPlan {
    pub id: UnitId,
    /// The unit whose space contains this one (体育館 全面 for 半面A).
    pub parent: Option<UnitId>,
    pub slots: SlotPlan,
    pub window: BookingWindow,
    /// Dated closures of this unit alone (e.g. the hall's stage under repair).
    pub closures: Vec<DatedClosure>,
}

/// A facility's rules, in its municipality's zone.
#[derive(Clone, Debug)]
pub struct FacilityPlan {
    pub tz: Tz,
    pub hours: OpeningHours,
    pub closures: ClosureRules,
    pub units: Vec<UnitPlan>,
}

/// An active (pending or confirmed) booking's hold on a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy {
    pub unit: UnitId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotStatus {
    Free,
    Booked,
    Closed,
    NotYetOpen,
    Past,
}

impl SlotStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SlotStatus::Free => "free",
            SlotStatus::Booked => "booked",
            SlotStatus::Closed => "closed",
            SlotStatus::NotYetOpen => "not_yet_open",
            SlotStatus::Past => "past",
        }
    }
}

/// Why a slot is `closed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SlotReason {
    /// The facility is closed that day.
    Closure { closure: ClosureReason },
    /// Booking for this slot has closed (受付終了).
    WindowClosed,
}

impl SlotReason {
    pub fn code(&self) -> &'static str {
        match self {
            SlotReason::Closure { closure } => closure.code(),
            SlotReason::WindowClosed => "window_closed",
        }
    }
}

/// One slot of one unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub date: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Index into the unit's fixed templates, if it has them.
    pub template: Option<usize>,
    pub status: SlotStatus,
    pub reason: Option<SlotReason>,
}

/// The slots of one unit, in time order.
#[derive(Clone, Debug)]
pub struct UnitSlots {
    pub unit: UnitId,
    pub slots: Vec<Slot>,
}

/// The computed availability of a facility over a range.
#[derive(Clone, Debug)]
pub struct Availability {
    pub range: DateRange,
    pub units: Vec<UnitSlots>,
    pub holidays: BTreeMap<NaiveDate, Holiday>,
    pub closures: BTreeMap<NaiveDate, ClosureReason>,
}

/// Converts a local wall-clock time to UTC; in a DST gap there is no such
/// time (`None`), in an overlap the earlier instant is used.
pub fn to_utc(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// Like [`to_utc`], but a time in a DST gap moves forward to the first
/// existing instant (a slot ending at 02:00 on spring-forward day ends at 03:00).
pub fn to_utc_at_or_after(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    (0..=180).find_map(|m| to_utc(tz, local + chrono::Duration::minutes(m)))
}

/// The units that share space with `unit` (itself, its ancestors, its descendants).
fn space_sharers(units: &[UnitPlan], unit: UnitId) -> Vec<UnitId> {
    let parent_of: HashMap<UnitId, Option<UnitId>> =
        units.iter().map(|u| (u.id, u.parent)).collect();
    let ancestors_of = |mut id: UnitId| {
        let mut chain = vec![id];
        while let Some(Some(p)) = parent_of.get(&id) {
            if chain.contains(p) {
                break; // a cycle in bad data must not hang us
            }
            chain.push(*p);
            id = *p;
        }
        chain
    };
    let mine = ancestors_of(unit);
    units
        .iter()
        .map(|u| u.id)
        .filter(|other| mine.contains(other) || ancestors_of(*other).contains(&unit))
        .collect()
}

/// A held interval of time.
type Interval = (DateTime<Utc>, DateTime<Utc>);

/// Busy intervals relevant to each unit (own and shared space), sorted by start.
fn busy_by_unit(units: &[UnitPlan], busy: &[Busy]) -> HashMap<UnitId, Vec<Interval>> {
    let mut direct: HashMap<UnitId, Vec<Interval>> = HashMap::new();
    for b in busy {
        direct.entry(b.unit).or_default().push((b.start, b.end));
    }
    units
        .iter()
        .map(|u| {
            let mut all: Vec<_> = space_sharers(units, u.id)
                .iter()
                .filter_map(|s| direct.get(s))
                .flatten()
                .copied()
                .collect();
            all.sort_unstable();
            (u.id, all)
        })
        .collect()
}

fn overlaps(
    intervals: &[(DateTime<Utc>, DateTime<Utc>)],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> bool {
    // Intervals are sorted by start; only those starting before `end` can overlap.
    let candidates = intervals.partition_point(|(s, _)| *s < end);
    intervals[..candidates]
        .iter()
        .rev()
        .any(|(_, e)| *e > start)
}

/// Computes every slot of every unit of the facility for the range.
pub fn compute(
    plan: &FacilityPlan,
    range: DateRange,
    busy: &[Busy],
    now: DateTime<Utc>,
) -> Availability {
    let holidays = holidays_between(range.from - chrono::Duration::days(14), range.to);
    let busy = busy_by_unit(&plan.units, busy);
    let now_local = now.with_timezone(&plan.tz).naive_local();
    let mut closures = BTreeMap::new();
    let mut units: Vec<UnitSlots> = plan
        .units
        .iter()
        .map(|u| UnitSlots {
            unit: u.id,
            slots: Vec::new(),
        })
        .collect();
    for date in range.days() {
        let closure = plan.closures.closure_on(date, &holidays);
        if let Some(c) = &closure {
            closures.insert(date, c.clone());
        }
        let Some(hours) = plan.hours.on(chrono::Datelike::weekday(&date)) else {
            continue;
        };
        for (unit, out) in plan.units.iter().zip(units.iter_mut()) {
            let unit_busy = busy.get(&unit.id).map(Vec::as_slice).unwrap_or(&[]);
            let closure = closure.clone().or_else(|| {
                unit.closures
                    .iter()
                    .find(|c| (c.from..=c.to).contains(&date))
                    .map(|c| ClosureReason::Dated {
                        reason: c.reason.clone(),
                    })
            });
            for (start_min, end_min, template) in unit.slots.slots(hours) {
                let local_start = local_datetime(date, start_min);
                let (Some(start), Some(end)) = (
                    to_utc(plan.tz, local_start),
                    to_utc_at_or_after(plan.tz, local_datetime(date, end_min)),
                ) else {
                    continue;
                };
                let (status, reason) = if let Some(c) = &closure {
                    (
                        SlotStatus::Closed,
                        Some(SlotReason::Closure { closure: c.clone() }),
                    )
                } else if start <= now {
                    (SlotStatus::Past, None)
                } else if overlaps(unit_busy, start, end) {
                    (SlotStatus::Booked, None)
                } else if now_local < unit.window.opens_at(date) {
                    (SlotStatus::NotYetOpen, None)
                } else if now_local >= unit.window.closes_at(local_start) {
                    (SlotStatus::Closed, Some(SlotReason::WindowClosed))
                } else {
                    (SlotStatus::Free, None)
                };
                out.slots.push(Slot {
                    date,
                    start,
                    end,
                    template,
                    status,
                    reason,
                });
            }
        }
    }
    let holidays = holidays
        .into_iter()
        .filter(|(d, _)| *d >= range.from)
        .collect();
    Availability {
        range,
        units,
        holidays,
        closures,
    }
}

/// A day's overall state for the month calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayStatus {
    /// 空き: plenty free.
    Available,
    /// 残りわずか: a quarter or less of the bookable slots are free.
    Few,
    /// 満: nothing free.
    Full,
    /// 休館.
    Closed,
    /// 受付前: booking has not opened yet.
    NotYetOpen,
    /// 受付終了: booking has closed for the day's remaining slots.
    BookingClosed,
    /// The day is over.
    Past,
    /// No slots are offered that day.
    NoSlots,
}

/// Summarises the slots of all units on one day.
pub fn day_status<'a>(slots: impl IntoIterator<Item = &'a Slot>, closed: bool) -> DayStatus {
    if closed {
        return DayStatus::Closed;
    }
    let mut count: HashMap<SlotStatus, usize> = HashMap::new();
    let mut window_closed = 0;
    for s in slots {
        if s.reason == Some(SlotReason::WindowClosed) {
            window_closed += 1;
        }
        *count.entry(s.status).or_default() += 1;
    }
    let get = |s| count.get(&s).copied().unwrap_or(0);
    let (free, booked) = (get(SlotStatus::Free), get(SlotStatus::Booked));
    if free > 0 {
        if free * 4 <= free + booked {
            DayStatus::Few
        } else {
            DayStatus::Available
        }
    } else if booked > 0 {
        DayStatus::Full
    } else if get(SlotStatus::NotYetOpen) > 0 {
        DayStatus::NotYetOpen
    } else if window_closed > 0 {
        DayStatus::BookingClosed
    } else if get(SlotStatus::Past) > 0 {
        DayStatus::Past
    } else {
        DayStatus::NoSlots
    }
}

#[cfg(test)]
#[path = "availability_tests.rs"]
mod tests;
