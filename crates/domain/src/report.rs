//! The usage report: how much of each unit's offered time was used in a
//! month (稼働率). Offered time is every slot the unit has that month on
//! open days (closures left out, booking windows ignored); used time is the
//! part of those slots covered by the bookings given (the caller passes the
//! confirmed residents' bookings, not blocks or cancelled ones).

use chrono::{DateTime, Utc};

use crate::availability::{Busy, FacilityPlan, SlotReason, compute};
use crate::calendar::{DateRange, YearMonth};
use crate::ids::UnitId;

/// One unit's month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnitUsage {
    pub unit: UnitId,
    pub offered_minutes: i64,
    pub used_minutes: i64,
}

impl UnitUsage {
    /// Used share of the offered time in per mille (0 when nothing was offered).
    pub fn per_mille(&self) -> i64 {
        if self.offered_minutes == 0 {
            0
        } else {
            (self.used_minutes * 1000 + self.offered_minutes / 2) / self.offered_minutes
        }
    }
}

fn overlap_minutes(a: (DateTime<Utc>, DateTime<Utc>), b: (DateTime<Utc>, DateTime<Utc>)) -> i64 {
    let start = a.0.max(b.0);
    let end = a.1.min(b.1);
    (end - start).num_minutes().max(0)
}

/// The usage of every unit of the facility in `month`.
pub fn monthly_usage(plan: &FacilityPlan, month: YearMonth, used: &[Busy]) -> Vec<UnitUsage> {
    let range = DateRange {
        from: month.first_day(),
        to: month.last_day(),
    };
    // Long ago, so no slot is past or outside its window: only closures
    // take time off the offer.
    let a = compute(plan, range, &[], DateTime::<Utc>::UNIX_EPOCH);
    a.units
        .iter()
        .map(|u| {
            let offered: Vec<(DateTime<Utc>, DateTime<Utc>)> = u
                .slots
                .iter()
                .filter(|s| !matches!(s.reason, Some(SlotReason::Closure { .. })))
                .map(|s| (s.start, s.end))
                .collect();
            let offered_minutes = offered.iter().map(|(s, e)| (*e - *s).num_minutes()).sum();
            let used_minutes = used
                .iter()
                .filter(|b| b.unit == u.unit)
                .map(|b| {
                    offered
                        .iter()
                        .map(|slot| overlap_minutes(*slot, (b.start, b.end)))
                        .sum::<i64>()
                })
                .sum();
            UnitUsage {
                unit: u.unit,
                offered_minutes,
                used_minutes,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::availability::UnitPlan;
    use crate::closure::ClosureRules;
    use crate::schedule::{BookingWindow, OpeningHours, SlotPlan, SlotTemplate};
    use crate::text::Text;
    use chrono::{TimeZone, Weekday};
    use chrono_tz::Asia::Tokyo;

    fn plan() -> FacilityPlan {
        FacilityPlan {
            tz: Tokyo,
            hours: OpeningHours([Some((540, 1290)); 7]),
            closures: ClosureRules {
                weekly: vec![Weekday::Mon],
                shift_when_holiday: false,
                year_end: false,
                closed_on_holidays: false,
                dated: vec![],
            },
            units: vec![UnitPlan {
                id: UnitId(1),
                parent: None,
                slots: SlotPlan::Fixed(vec![
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
                ]),
                window: BookingWindow {
                    open_months_before: 1,
                    open_day: 1,
                    open_minute: 540,
                    close_days_before: 1,
                    close_minute: 1020,
                },
                closures: vec![],
            }],
        }
    }

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Tokyo
            .with_ymd_and_hms(2027, 2, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn occupancy_counts_open_days_and_booked_slot_time() {
        let feb = YearMonth {
            year: 2027,
            month: 2,
        };
        // February 2027 has 28 days, 4 of them Mondays (closed): 24 open days
        // of 3 h + 4 h.
        let empty = monthly_usage(&plan(), feb, &[]);
        assert_eq!(empty[0].offered_minutes, 24 * 7 * 60);
        assert_eq!(empty[0].used_minutes, 0);
        assert_eq!(empty[0].per_mille(), 0);
        let busy = [
            // Tuesday 2 Feb, the morning.
            Busy {
                unit: UnitId(1),
                start: at(2, 9),
                end: at(2, 12),
            },
            // Monday 1 Feb is closed: nothing offered, nothing counted.
            Busy {
                unit: UnitId(1),
                start: at(1, 9),
                end: at(1, 12),
            },
            // Another unit's booking does not count.
            Busy {
                unit: UnitId(2),
                start: at(3, 9),
                end: at(3, 12),
            },
        ];
        let u = monthly_usage(&plan(), feb, &busy)[0];
        assert_eq!(u.used_minutes, 180);
        // 180 of 10,080 minutes: 17.9‰, rounded.
        assert_eq!(u.per_mille(), 18);
    }
}
