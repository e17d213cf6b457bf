//! What one live stream shows, and whether a change is in it.

use chrono::NaiveDate;
use store::{Change, ChangeKind};

/// What one stream shows.
#[derive(Clone, Debug)]
pub(super) enum Scope {
    /// A facility's dates: `[from, to)` in UTC and the same dates as days.
    Facility {
        id: i64,
        from: i64,
        to: i64,
        days: (NaiveDate, NaiveDate),
    },
    /// A town's visits and staff changes in `[from, to)`; with a division,
    /// only that division's visits.
    Visits {
        town: i64,
        department: Option<i64>,
        from: i64,
        to: i64,
    },
}

impl Scope {
    pub(super) fn matches(&self, c: &Change) -> bool {
        let overlaps = |from: i64, to: i64| match (c.start_s, c.end_s) {
            (Some(s), Some(e)) => s < to && e > from,
            _ => true,
        };
        match (self, c.kind()) {
            (Scope::Facility { id, from, to, days }, Some(kind)) => {
                c.facility_id == Some(*id)
                    && match kind {
                        ChangeKind::Booking => overlaps(*from, *to),
                        ChangeKind::Closure => {
                            let day = |d: &Option<String>| {
                                d.as_deref().and_then(|d| d.parse::<NaiveDate>().ok())
                            };
                            match (day(&c.from_day), day(&c.to_day)) {
                                (Some(a), Some(b)) => a <= days.1 && b >= days.0,
                                _ => true,
                            }
                        }
                        ChangeKind::Rules => true,
                        ChangeKind::Visit | ChangeKind::Staff => false,
                    }
            }
            (
                Scope::Visits {
                    town,
                    department,
                    from,
                    to,
                },
                Some(kind @ (ChangeKind::Visit | ChangeKind::Staff)),
            ) => {
                c.municipality_id == Some(*town)
                    && overlaps(*from, *to)
                    && (kind == ChangeKind::Staff
                        || department.is_none()
                        || c.department_id == *department)
            }
            _ => false,
        }
    }
}
