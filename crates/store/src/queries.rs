//! Read queries: facilities with their rules, and busy intervals. Each call
//! runs a fixed number of queries whatever the number of facilities (no N+1).

use chrono::{DateTime, Utc, Weekday};
use chrono_tz::Tz;
use domain::availability::{Busy, FacilityPlan, UnitPlan};
use domain::booking::{Equipment, SlotFee, UnitRules, Yen};
use domain::closure::{ClosureRules, DatedClosure};
use domain::ids::{EquipmentId, FacilityId, MunicipalityId, UnitId};
use domain::schedule::{BookingWindow, OpeningHours, SlotPlan, SlotTemplate};
use domain::status::BookingStatus;
use domain::text::Text;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

use crate::entity::{
    booking, closure, equipment, facility, facility_photo, municipality, opening_hours,
    slot_template, unit,
};
use crate::{Store, StoreError};

/// A unit's descriptive fields (its rules are in the facility's plan).
#[derive(Clone, Debug)]
pub struct UnitRecord {
    pub id: UnitId,
    pub parent: Option<UnitId>,
    pub name: Text,
    pub notes: Text,
    pub capacity: u32,
    pub grid: bool,
    pub rules: UnitRules,
    /// It takes no bookings since it was archived (its history stays).
    pub archived: bool,
}

/// A facility with everything needed to show it and compute availability.
#[derive(Clone, Debug)]
pub struct FacilityRecord {
    pub id: FacilityId,
    pub municipality: MunicipalityId,
    pub name: Text,
    pub address: Text,
    pub phone: String,
    pub description: Text,
    pub accessibility: Text,
    /// Rules; `plan.units` is in the same order as `units`.
    pub plan: FacilityPlan,
    pub units: Vec<UnitRecord>,
    pub equipment: Vec<Equipment>,
    /// Active bookings one e-mail address or phone number may hold here.
    pub max_active_bookings: u32,
    /// It takes no bookings since it was archived (its history stays).
    pub archived: bool,
    /// Its photo, if it has one.
    pub photo: Option<PhotoInfo>,
}

/// What pages need of a facility's photo (the bytes are read only when
/// the photo itself is asked for).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoInfo {
    /// What it shows, for those who cannot see it.
    pub alt: Text,
    /// When the image was last replaced (Unix milliseconds), to name this
    /// version in its address.
    pub version: i64,
}

/// How long a facility's rules are served from the per-process cache.
pub const RULES_TTL: std::time::Duration = std::time::Duration::from_secs(5);

/// Facilities' rules as recently read, with the time they were read.
#[derive(Debug, Default)]
pub struct RulesCache {
    entries: std::sync::Mutex<HashMap<FacilityId, (std::time::Instant, FacilityRecord)>>,
}

impl RulesCache {
    fn fresh(&self, id: FacilityId) -> Option<FacilityRecord> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&id)
            .filter(|(at, _)| at.elapsed() < RULES_TTL)
            .map(|(_, f)| f.clone())
    }

    /// The facility of a unit, if a fresh entry knows it.
    fn facility_of(&self, unit: UnitId) -> Option<FacilityId> {
        let entries = self.entries.lock().ok()?;
        entries
            .values()
            .filter(|(at, _)| at.elapsed() < RULES_TTL)
            .find(|(_, f)| f.units.iter().any(|u| u.id == unit))
            .map(|(_, f)| f.id)
    }

    /// Drops a facility's entry after its rules changed.
    pub(crate) fn forget(&self, id: FacilityId) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(&id);
        }
    }

    fn put(&self, f: &FacilityRecord) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(f.id, (std::time::Instant::now(), f.clone()));
        }
    }
}

/// The longest a single booking may last (bookings stay within one day).
pub const MAX_BOOKING_HOURS: i64 = 24;

fn dated<'a>(rows: impl Iterator<Item = &'a closure::Model>) -> Vec<DatedClosure> {
    rows.map(|c| DatedClosure {
        from: c.from_date,
        to: c.to_date,
        reason: Text::new(&c.reason_ja, &c.reason_en),
    })
    .collect()
}

/// From the local day something was archived on, closed for good: it
/// takes no bookings, and the pages say why.
fn archived_from(at: DateTime<Utc>, tz: Tz) -> DatedClosure {
    DatedClosure {
        from: at.with_timezone(&tz).date_naive(),
        to: chrono::NaiveDate::MAX,
        reason: crate::archive::archived_reason(),
    }
}

fn weekday(code: &str) -> Option<Weekday> {
    code.trim().parse().ok()
}

/// A configured number within its sane range; anything else is refused as
/// corrupt data rather than allowed to overflow date arithmetic later.
fn bounded(value: i32, max: u32, what: &str) -> Result<u32, StoreError> {
    u32::try_from(value)
        .ok()
        .filter(|v| *v <= max)
        .ok_or_else(|| StoreError::Corrupt(format!("{what} = {value} is outside 0..={max}")))
}

const DAY_MINUTES: u32 = 24 * 60;

impl Store {
    /// All facilities, in display order.
    pub async fn facilities(&self) -> Result<Vec<FacilityRecord>, StoreError> {
        self.load(None).await
    }

    /// One facility, or `None` if there is no such id.
    ///
    /// Served from a per-process cache for up to [`RULES_TTL`]: every
    /// availability answer and booking needs the rules, and reading them is
    /// six queries. A change of rules (or closures) empties the entry in
    /// every server process as soon as its change event arrives (see
    /// `changes`), and at the latest after that time; bookings stay safe
    /// meanwhile because the database alone decides overlaps.
    pub async fn facility(&self, id: FacilityId) -> Result<Option<FacilityRecord>, StoreError> {
        if let Some(hit) = self.rules.fresh(id) {
            return Ok(Some(hit));
        }
        let loaded = self.load(Some(id)).await?.into_iter().next();
        if let Some(f) = &loaded {
            self.rules.put(f);
        }
        Ok(loaded)
    }

    async fn load(&self, only: Option<FacilityId>) -> Result<Vec<FacilityRecord>, StoreError> {
        let db = &self.db;
        let mut q = facility::Entity::find().order_by_asc(facility::Column::SortOrder);
        if let Some(id) = only {
            q = q.filter(facility::Column::Id.eq(id.0));
        }
        let facilities = q.all(db).await?;
        if facilities.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = facilities.iter().map(|f| f.id).collect();
        // The rest depends only on the facility ids: run it concurrently
        // (WAL lets SQLite readers share the file; PostgreSQL uses the pool).
        let unit_ids = Query::select()
            .column(unit::Column::Id)
            .from(unit::Entity)
            .and_where(unit::Column::FacilityId.is_in(ids.clone()))
            .to_owned();
        let (zones, hours, closures, units, template_rows, equipment_rows, photos) = tokio::try_join!(
            municipality::Entity::find().all(db),
            opening_hours::Entity::find()
                .filter(opening_hours::Column::FacilityId.is_in(ids.clone()))
                .all(db),
            closure::Entity::find()
                .filter(closure::Column::FacilityId.is_in(ids.clone()))
                .all(db),
            unit::Entity::find()
                .filter(unit::Column::FacilityId.is_in(ids.clone()))
                .order_by_asc(unit::Column::SortOrder)
                .order_by_asc(unit::Column::Id)
                .all(db),
            slot_template::Entity::find()
                .filter(slot_template::Column::UnitId.in_subquery(unit_ids))
                .order_by_asc(slot_template::Column::SortOrder)
                .order_by_asc(slot_template::Column::StartMinute)
                .all(db),
            equipment::Entity::find()
                .filter(equipment::Column::FacilityId.is_in(ids.clone()))
                .order_by_asc(equipment::Column::Id)
                .all(db),
            facility_photo::Entity::find()
                .select_only()
                .column(facility_photo::Column::FacilityId)
                .column(facility_photo::Column::AltJa)
                .column(facility_photo::Column::AltEn)
                .column(facility_photo::Column::UpdatedAt)
                .filter(facility_photo::Column::FacilityId.is_in(ids.clone()))
                .into_tuple::<(i64, String, String, DateTime<Utc>)>()
                .all(db),
        )?;
        let zones: HashMap<i64, String> = zones.into_iter().map(|m| (m.id, m.time_zone)).collect();
        let mut templates: HashMap<i64, Vec<slot_template::Model>> = HashMap::new();
        for t in template_rows {
            templates.entry(t.unit_id).or_default().push(t);
        }

        facilities
            .into_iter()
            .map(|f| {
                let tz: Tz = zones
                    .get(&f.municipality_id)
                    .and_then(|z| z.parse().ok())
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("facility {} has no valid time zone", f.id))
                    })?;
                let mut week = [None; 7];
                for h in hours.iter().filter(|h| h.facility_id == f.id) {
                    let day = usize::try_from(h.weekday)
                        .ok()
                        .filter(|d| *d < 7)
                        .ok_or_else(|| {
                            StoreError::Corrupt(format!("opening hours weekday {}", h.weekday))
                        })?;
                    week[day] = Some((
                        bounded(h.opens_minute, DAY_MINUTES, "opening minute")?,
                        bounded(h.closes_minute, DAY_MINUTES, "closing minute")?,
                    ));
                }
                let mut rules = ClosureRules {
                    weekly: f.closed_weekdays.split(',').filter_map(weekday).collect(),
                    shift_when_holiday: f.shift_when_holiday,
                    year_end: f.year_end_closure,
                    closed_on_holidays: f.closed_on_holidays,
                    dated: dated(
                        closures
                            .iter()
                            .filter(|c| c.facility_id == f.id && c.unit_id.is_none()),
                    ),
                };
                rules
                    .dated
                    .extend(f.archived_at.map(|at| archived_from(at, tz)));
                let mut plans = Vec::new();
                let mut records = Vec::new();
                for u in units.iter().filter(|u| u.facility_id == f.id) {
                    let grid = u.booking_kind == "grid";
                    let yen = |v: i64, what: &str| {
                        (0..=10_000_000)
                            .contains(&v)
                            .then_some(Yen(v))
                            .ok_or_else(|| StoreError::Corrupt(format!("{what} = {v}")))
                    };
                    let fees = if grid {
                        vec![SlotFee {
                            resident: yen(u.grid_fee_resident_yen, "grid fee")?,
                            nonresident: yen(u.grid_fee_nonresident_yen, "grid fee")?,
                            holiday_resident: None,
                            holiday_nonresident: None,
                        }]
                    } else {
                        templates
                            .get(&u.id)
                            .into_iter()
                            .flatten()
                            .map(|t| {
                                Ok(SlotFee {
                                    resident: yen(t.fee_resident_yen, "slot fee")?,
                                    nonresident: yen(t.fee_nonresident_yen, "slot fee")?,
                                    holiday_resident: t
                                        .holiday_fee_resident_yen
                                        .map(|v| yen(v, "holiday fee"))
                                        .transpose()?,
                                    holiday_nonresident: t
                                        .holiday_fee_nonresident_yen
                                        .map(|v| yen(v, "holiday fee"))
                                        .transpose()?,
                                })
                            })
                            .collect::<Result<_, StoreError>>()?
                    };
                    let rules = UnitRules {
                        capacity: bounded(u.capacity, 100_000, "capacity")?,
                        min_slots: bounded(u.min_slots, 96, "min_slots")?,
                        max_slots: bounded(u.max_slots, 96, "max_slots")?,
                        requires_approval: u.requires_approval,
                        pending_hold_hours: bounded(
                            u.pending_hold_hours,
                            24 * 90,
                            "pending_hold_hours",
                        )?,
                        open_months_before_nonresident: bounded(
                            u.open_months_before_nonresident,
                            24,
                            "open_months_before_nonresident",
                        )?,
                        cancel_days_before: bounded(
                            u.cancel_days_before,
                            366,
                            "cancel_days_before",
                        )?,
                        cancel_minute: bounded(u.cancel_minute, DAY_MINUTES, "cancel_minute")?,
                        fees,
                    };
                    let slots = if grid {
                        SlotPlan::Grid {
                            step: bounded(u.grid_step_minutes, DAY_MINUTES, "grid step")?,
                        }
                    } else {
                        SlotPlan::Fixed(
                            templates
                                .get(&u.id)
                                .into_iter()
                                .flatten()
                                .map(|t| {
                                    Ok(SlotTemplate {
                                        label: Text::new(&t.label_ja, &t.label_en),
                                        start: bounded(t.start_minute, DAY_MINUTES, "slot start")?,
                                        end: bounded(t.end_minute, DAY_MINUTES, "slot end")?,
                                    })
                                })
                                .collect::<Result<_, StoreError>>()?,
                        )
                    };
                    let mut unit_closures =
                        dated(closures.iter().filter(|c| c.unit_id == Some(u.id)));
                    unit_closures.extend(u.archived_at.map(|at| archived_from(at, tz)));
                    plans.push(UnitPlan {
                        id: UnitId(u.id),
                        parent: u.parent_id.map(UnitId),
                        slots,
                        closures: unit_closures,
                        window: BookingWindow {
                            open_months_before: bounded(
                                u.open_months_before,
                                24,
                                "open_months_before",
                            )?,
                            open_day: bounded(u.open_day, 31, "open_day")?,
                            open_minute: bounded(u.open_minute, DAY_MINUTES, "open_minute")?,
                            close_days_before: bounded(
                                u.close_days_before,
                                366,
                                "close_days_before",
                            )?,
                            close_minute: bounded(u.close_minute, DAY_MINUTES, "close_minute")?,
                        },
                    });
                    records.push(UnitRecord {
                        id: UnitId(u.id),
                        parent: u.parent_id.map(UnitId),
                        name: Text::new(&u.name_ja, &u.name_en),
                        notes: Text::new(&u.notes_ja, &u.notes_en),
                        capacity: rules.capacity,
                        grid,
                        rules,
                        archived: u.archived_at.is_some(),
                    });
                }
                Ok(FacilityRecord {
                    id: FacilityId(f.id),
                    municipality: MunicipalityId(f.municipality_id),
                    name: Text::new(f.name_ja, f.name_en),
                    address: Text::new(f.address_ja, f.address_en),
                    phone: f.phone,
                    description: Text::new(f.description_ja, f.description_en),
                    accessibility: Text::new(f.accessibility_ja, f.accessibility_en),
                    plan: FacilityPlan {
                        tz,
                        hours: OpeningHours(week),
                        closures: rules,
                        units: plans,
                    },
                    units: records,
                    equipment: equipment_rows
                        .iter()
                        .filter(|e| e.facility_id == f.id)
                        .map(|e| {
                            Ok(Equipment {
                                id: EquipmentId(e.id),
                                name: Text::new(&e.name_ja, &e.name_en),
                                fee_per_slot: Yen(e.fee_yen.clamp(0, 10_000_000)),
                                quantity: bounded(e.quantity, 1000, "equipment quantity")?,
                            })
                        })
                        .collect::<Result<_, StoreError>>()?,
                    max_active_bookings: bounded(
                        f.max_active_bookings,
                        1000,
                        "max_active_bookings",
                    )?,
                    archived: f.archived_at.is_some(),
                    photo: photos
                        .iter()
                        .find(|p| p.0 == f.id)
                        .map(|(_, ja, en, at)| PhotoInfo {
                            alt: Text::new(ja, en),
                            version: at.timestamp_millis(),
                        }),
                })
            })
            .collect()
    }

    /// The facility a unit belongs to, or `None` if there is no such unit.
    pub async fn unit_facility(&self, unit: UnitId) -> Result<Option<FacilityId>, StoreError> {
        if let Some(id) = self.rules.facility_of(unit) {
            return Ok(Some(id));
        }
        Ok(unit::Entity::find_by_id(unit.0)
            .select_only()
            .column(unit::Column::FacilityId)
            .into_tuple::<i64>()
            .one(&self.db)
            .await?
            .map(FacilityId))
    }

    /// Time held on `units` between `from` and `to` by confirmed bookings and
    /// by pending ones that have not expired at `now`.
    ///
    /// A booking never spans more than [`MAX_BOOKING_HOURS`], so a lower
    /// bound on `start_at` lets the covering `(unit_id, start_at, end_at,
    /// status, expires_at)` index read only the range asked for instead of
    /// every earlier booking.
    pub async fn busy(
        &self,
        units: &[UnitId],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Busy>, StoreError> {
        use booking::Column as C;
        let holding = Condition::any()
            .add(C::Status.eq(BookingStatus::Confirmed))
            .add(
                Condition::all()
                    .add(C::Status.eq(BookingStatus::Pending))
                    .add(
                        Condition::any()
                            .add(C::ExpiresAt.is_null())
                            .add(C::ExpiresAt.gt(now)),
                    ),
            );
        let rows: Vec<(i64, DateTime<Utc>, DateTime<Utc>)> = booking::Entity::find()
            .select_only()
            .columns([C::UnitId, C::StartAt, C::EndAt])
            .filter(C::UnitId.is_in(units.iter().map(|u| u.0)))
            .filter(C::StartAt.lt(to))
            .filter(C::StartAt.gt(from - chrono::Duration::hours(MAX_BOOKING_HOURS)))
            .filter(C::EndAt.gt(from))
            .filter(holding)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(unit, start, end)| Busy {
                unit: UnitId(unit),
                start,
                end,
            })
            .collect())
    }
}
