//! The fictional demo town ひだまり町 (Hidamari Town): facilities, units, slot
//! templates, closures and a spread of bookings over the next two months.
//! Every name, address and phone number here is made up.

use chrono::{DateTime, Duration, Utc};
use domain::availability::{SlotStatus, compute};
use domain::booking::space_leaves;
use domain::calendar::DateRange;
use domain::ids::FacilityId;
use domain::reference;
use domain::status::{BookingKind, BookingStatus};
use sea_orm::{
    ActiveModelTrait, EntityTrait, IntoActiveModel, Iterable, PaginatorTrait, PrimaryKeyToColumn,
    TransactionTrait,
};

use crate::entity::{
    booking, closure, equipment, facility, municipality, opening_hours, slot_template, unit,
};
use crate::{Store, StoreError};

/// The demo town's slug (its pages say it is fictional).
pub const DEMO_SLUG: &str = "hidamari";
/// The demo town's zone (every municipality has its own).
const DEMO_TIME_ZONE: chrono_tz::Tz = chrono_tz::Asia::Tokyo;

const MORNING: (i32, i32) = (9 * 60, 12 * 60);
const AFTERNOON: (i32, i32) = (13 * 60, 17 * 60);
const EVENING: (i32, i32) = (18 * 60, 21 * 60 + 30);

/// A tiny deterministic generator so the demo looks the same on every machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct UnitSpec {
    name: (&'static str, &'static str),
    notes: (&'static str, &'static str),
    capacity: i32,
    parent: Option<usize>,
    grid: bool,
    approval: bool,
    /// Resident fee per morning/afternoon/evening (or per grid hour);
    /// non-residents pay double.
    fees: [i64; 3],
}

struct FacilitySpec {
    name: (&'static str, &'static str),
    kana: &'static str,
    /// Latitude and longitude (fictional, as the town is).
    location: (f64, f64),
    address: (&'static str, &'static str),
    phone: &'static str,
    description: (&'static str, &'static str),
    accessibility: (&'static str, &'static str),
    closed_weekdays: &'static str,
    hours: (i32, i32),
    units: Vec<UnitSpec>,
    /// Equipment lent: (name ja, name en, fee per period, how many).
    equipment: Vec<(&'static str, &'static str, i64, i32)>,
}

fn specs() -> Vec<FacilitySpec> {
    let room = |name, notes, capacity, fees| UnitSpec {
        name,
        notes,
        capacity,
        parent: None,
        grid: false,
        approval: false,
        fees,
    };
    vec![
        FacilitySpec {
            name: ("ひだまり町民センター", "Hidamari Community Centre"),
            kana: "ヒダマリチョウミンセンター",
            location: (36.1012, 138.2034),
            address: (
                "ひだまり町中央1-1（架空）",
                "1-1 Chuo, Hidamari (fictional)",
            ),
            phone: "0000-11-1111",
            description: (
                "集会・講演会・サークル活動に使える町の中心施設です。",
                "The town's main hall for meetings, lectures and club activities.",
            ),
            accessibility: (
                "車いす用駐車場2台、エレベーター、多目的トイレ（1階）、大ホールに補聴器用ループがあります。",
                "Two accessible parking spaces, a lift, an accessible toilet (ground floor) and a hearing loop in the main hall.",
            ),
            closed_weekdays: "mon",
            hours: (9 * 60, 21 * 60 + 30),
            units: vec![
                UnitSpec {
                    approval: true,
                    ..room(
                        ("大ホール", "Main hall"),
                        (
                            "舞台・音響設備あり。利用には施設の承認が必要です。",
                            "Stage and sound system. Bookings need the centre's approval.",
                        ),
                        300,
                        [6000, 8000, 9000],
                    )
                },
                room(
                    ("会議室1", "Meeting room 1"),
                    (
                        "長机と椅子、ホワイトボードあり。",
                        "Tables, chairs and a whiteboard.",
                    ),
                    30,
                    [600, 800, 900],
                ),
                room(
                    ("会議室2", "Meeting room 2"),
                    ("長机と椅子あり。", "Tables and chairs."),
                    20,
                    [500, 700, 800],
                ),
                room(
                    ("和室", "Japanese-style room"),
                    ("畳敷き・座卓あり。", "Tatami floor with low tables."),
                    16,
                    [500, 700, 800],
                ),
            ],
            equipment: vec![
                ("プロジェクター", "Projector", 500, 1),
                ("ワイヤレスマイク", "Wireless microphone", 200, 2),
            ],
        },
        FacilitySpec {
            name: ("ひだまり町民体育館", "Hidamari Gymnasium"),
            kana: "ヒダマリチョウミンタイイクカン",
            location: (36.1031, 138.2077),
            address: (
                "ひだまり町運動公園2-3（架空）",
                "2-3 Undo-koen, Hidamari (fictional)",
            ),
            phone: "0000-22-2222",
            description: (
                "バレーボール・バスケットボール・バドミントンなどに使えます。全面または半面で予約できます。",
                "For volleyball, basketball, badminton and more. Book the whole floor or one half.",
            ),
            accessibility: (
                "入口にスロープ、多目的トイレ、1階に更衣室があります。",
                "Ramp at the entrance, accessible toilet, changing rooms on the ground floor.",
            ),
            closed_weekdays: "mon",
            hours: (9 * 60, 21 * 60 + 30),
            units: vec![
                room(
                    ("体育館 全面", "Whole floor"),
                    ("半面A・半面Bを合わせた全面です。", "Both halves together."),
                    200,
                    [2000, 2600, 3000],
                ),
                UnitSpec {
                    parent: Some(0),
                    ..room(
                        ("体育館 半面A", "Half A"),
                        ("ステージ側の半面です。", "The half on the stage side."),
                        100,
                        [1000, 1300, 1500],
                    )
                },
                UnitSpec {
                    parent: Some(0),
                    ..room(
                        ("体育館 半面B", "Half B"),
                        ("入口側の半面です。", "The half on the entrance side."),
                        100,
                        [1000, 1300, 1500],
                    )
                },
            ],
            equipment: vec![("得点板", "Scoreboard", 100, 2)],
        },
        FacilitySpec {
            name: ("ひだまり町営グラウンド", "Hidamari Sports Ground"),
            kana: "ヒダマリチョウエイグラウンド",
            location: (36.0987, 138.2101),
            address: (
                "ひだまり町運動公園2-5（架空）",
                "2-5 Undo-koen, Hidamari (fictional)",
            ),
            phone: "0000-22-3333",
            description: (
                "野球・サッカー・グラウンドゴルフに使えます。1時間単位で予約できます。",
                "For baseball, football and ground golf. Book by the hour.",
            ),
            accessibility: (
                "駐車場から観覧席まで段差のない通路があります。グラウンド内は土の地面です。",
                "Step-free path from the car park to the stands. The field itself is bare earth.",
            ),
            closed_weekdays: "",
            hours: (8 * 60, 18 * 60),
            units: vec![UnitSpec {
                grid: true,
                ..room(
                    ("グラウンド", "Ground"),
                    ("照明設備はありません。", "No floodlights."),
                    300,
                    [700, 0, 0],
                )
            }],
            equipment: Vec::new(),
        },
    ]
}

impl Store {
    /// Seeds the demo town unless a municipality already exists, and its
    /// counters (procedures, staff) unless the demo town has them. Returns
    /// whether it seeded the town. Bookings are spread over the 60 days
    /// after `now`.
    pub async fn seed_demo(&self, now: DateTime<Utc>) -> Result<bool, StoreError> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let seeded = self.seed_demo_town(now).await?;
        let demo = municipality::Entity::find()
            .filter(municipality::Column::Slug.eq(DEMO_SLUG))
            .one(&self.db)
            .await?;
        if let Some(town) = demo {
            self.seed_demo_counters(&town, now).await?;
            self.seed_demo_reductions(town.id).await?;
        }
        Ok(seeded)
    }

    /// The demo town's fee reductions (減免), unless it has some: the
    /// categories most Japanese towns use.
    async fn seed_demo_reductions(&self, town: i64) -> Result<(), StoreError> {
        use crate::entity::fee_reduction;
        use sea_orm::{ColumnTrait, QueryFilter};
        let have = fee_reduction::Entity::find()
            .filter(fee_reduction::Column::MunicipalityId.eq(town))
            .count(&self.db)
            .await?;
        if have > 0 {
            return Ok(());
        }
        let txn = self.db.begin().await?;
        for (name_ja, name_en, percent, proof_ja, proof_en) in [
            (
                "町主催の行事",
                "Town event",
                100,
                "主催する課の名前を書いてください。",
                "Give the name of the town division holding it.",
            ),
            (
                "学校・PTA",
                "School or PTA",
                100,
                "学校名と行事名を書いてください。",
                "Give the school and the event.",
            ),
            (
                "高齢者団体・老人クラブ",
                "Seniors' club",
                50,
                "団体名を書き、会員名簿を窓口で見せてください。",
                "Give the club's name and show its members' list at the counter.",
            ),
            (
                "障がい者団体",
                "Disability group",
                50,
                "団体名を書いてください。",
                "Give the group's name.",
            ),
        ] {
            let r = fee_reduction::Model {
                id: 0,
                municipality_id: town,
                name_ja: name_ja.into(),
                name_en: name_en.into(),
                percent,
                proof_ja: proof_ja.into(),
                proof_en: proof_en.into(),
                offered: true,
            };
            insert(r.into_active_model(), &txn).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    async fn seed_demo_town(&self, now: DateTime<Utc>) -> Result<bool, StoreError> {
        if municipality::Entity::find().count(&self.db).await? > 0 {
            return Ok(false);
        }
        let txn = self.db.begin().await?;
        let town = municipality::Model {
            id: 0,
            slug: DEMO_SLUG.into(),
            name_ja: "ひだまり町（架空のデモ町）".into(),
            name_en: "Hidamari Town (fictional demo)".into(),
            time_zone: DEMO_TIME_ZONE.name().into(),
            phone: "0000-00-0000".into(),
            // A fictional town has no 全国地方公共団体コード.
            code: String::new(),
            open_data_licence: "CC BY 4.0".into(),
            host: None,
        };
        let town_id = insert(town.into_active_model(), &txn).await?.id;
        for (ja, en) in [
            ("町民生活課", "Residents' Affairs Division"),
            ("保健福祉課", "Health and Welfare Division"),
        ] {
            let d = crate::entity::department::Model {
                id: 0,
                municipality_id: town_id,
                name_ja: ja.into(),
                name_en: en.into(),
            };
            insert(d.into_active_model(), &txn).await?;
        }
        let mut facility_ids = Vec::new();
        for (order, spec) in specs().into_iter().enumerate() {
            let f = facility::Model {
                id: 0,
                municipality_id: town_id,
                name_ja: spec.name.0.into(),
                name_en: spec.name.1.into(),
                address_ja: spec.address.0.into(),
                address_en: spec.address.1.into(),
                phone: spec.phone.into(),
                description_ja: spec.description.0.into(),
                description_en: spec.description.1.into(),
                accessibility_ja: spec.accessibility.0.into(),
                accessibility_en: spec.accessibility.1.into(),
                closed_weekdays: spec.closed_weekdays.into(),
                shift_when_holiday: true,
                year_end_closure: true,
                closed_on_holidays: false,
                sort_order: order as i32,
                max_active_bookings: 4,
                open_data_id: Some(format!("{:06}", order + 1)),
                name_kana: spec.kana.into(),
                latitude: Some(spec.location.0),
                longitude: Some(spec.location.1),
                url: String::new(),
                archived_at: None,
            };
            let fid = insert(f.into_active_model(), &txn).await?.id;
            facility_ids.push(FacilityId(fid));
            for weekday in 0..7 {
                let h = opening_hours::Model {
                    id: 0,
                    facility_id: fid,
                    weekday,
                    opens_minute: spec.hours.0,
                    closes_minute: spec.hours.1,
                };
                insert(h.into_active_model(), &txn).await?;
            }
            if spec.units.iter().any(|u| u.grid) {
                let today = now.with_timezone(&DEMO_TIME_ZONE).date_naive();
                let day = today + Duration::days(20);
                let c = closure::Model {
                    id: 0,
                    facility_id: fid,
                    unit_id: None,
                    from_date: day,
                    to_date: day + Duration::days(1),
                    reason_ja: "グラウンド整備".into(),
                    reason_en: "Ground maintenance".into(),
                };
                insert(c.into_active_model(), &txn).await?;
            }
            for (name_ja, name_en, fee, quantity) in &spec.equipment {
                let e = equipment::Model {
                    id: 0,
                    facility_id: fid,
                    name_ja: (*name_ja).into(),
                    name_en: (*name_en).into(),
                    fee_yen: *fee,
                    quantity: *quantity,
                };
                insert(e.into_active_model(), &txn).await?;
            }
            let mut unit_ids: Vec<i64> = Vec::new();
            for (i, u) in spec.units.iter().enumerate() {
                let m = unit::Model {
                    id: 0,
                    facility_id: fid,
                    parent_id: u.parent.map(|p| unit_ids[p]),
                    name_ja: u.name.0.into(),
                    name_en: u.name.1.into(),
                    notes_ja: u.notes.0.into(),
                    notes_en: u.notes.1.into(),
                    capacity: u.capacity,
                    booking_kind: if u.grid { "grid" } else { "fixed" }.into(),
                    grid_step_minutes: if u.grid { 60 } else { 0 },
                    min_slots: 1,
                    max_slots: if u.grid { 4 } else { 3 },
                    requires_approval: u.approval,
                    pending_hold_hours: 72,
                    open_months_before: 3,
                    open_months_before_nonresident: 2,
                    open_day: 1,
                    open_minute: 9 * 60,
                    close_days_before: 1,
                    close_minute: 17 * 60,
                    cancel_days_before: 3,
                    cancel_minute: 17 * 60,
                    grid_fee_resident_yen: if u.grid { u.fees[0] } else { 0 },
                    grid_fee_nonresident_yen: if u.grid { u.fees[0] * 2 } else { 0 },
                    sort_order: i as i32,
                    archived_at: None,
                };
                let uid = insert(m.into_active_model(), &txn).await?.id;
                unit_ids.push(uid);
                if !u.grid {
                    let labels = [
                        ("午前", "Morning", MORNING),
                        ("午後", "Afternoon", AFTERNOON),
                        ("夜間", "Evening", EVENING),
                    ];
                    for (k, (ja, en, (start, end))) in labels.into_iter().enumerate() {
                        let t = slot_template::Model {
                            id: 0,
                            unit_id: uid,
                            label_ja: ja.into(),
                            label_en: en.into(),
                            start_minute: start,
                            end_minute: end,
                            fee_resident_yen: u.fees[k],
                            fee_nonresident_yen: u.fees[k] * 2,
                            holiday_fee_resident_yen: Some(u.fees[k] * 12 / 10),
                            holiday_fee_nonresident_yen: Some(u.fees[k] * 24 / 10),
                            sort_order: k as i32,
                        };
                        insert(t.into_active_model(), &txn).await?;
                    }
                }
            }
        }
        txn.commit().await?;
        self.seed_bookings(&facility_ids, now).await?;
        Ok(true)
    }

    /// Books a realistic share of the free slots, respecting shared space.
    async fn seed_bookings(
        &self,
        facilities: &[FacilityId],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut rng = Lcg(20_261_122);
        let mut rows = Vec::new();
        let mut all_units = Vec::new();
        for id in facilities {
            let Some(f) = self.facility(*id).await? else {
                continue;
            };
            all_units.extend(f.plan.units.iter().cloned());
            let today = now.with_timezone(&f.plan.tz).date_naive();
            let range = DateRange::new(today + Duration::days(1), today + Duration::days(60))
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let a = compute(&f.plan, range, &[], now);
            let open = |s: &domain::availability::Slot| {
                !matches!(s.status, SlotStatus::Closed | SlotStatus::Past)
            };
            let by_unit: Vec<_> = a
                .units
                .iter()
                .map(|u| u.slots.iter().filter(|s| open(s)).collect::<Vec<_>>())
                .collect();
            let has_children = |i: usize| f.units.iter().any(|u| u.parent == Some(f.units[i].id));
            let children_of = |i: usize| -> Vec<usize> {
                (0..f.units.len())
                    .filter(|&c| f.units[c].parent == Some(f.units[i].id))
                    .collect()
            };
            for (i, unit) in f.units.iter().enumerate() {
                if unit.parent.is_some() {
                    continue; // halves are decided together with their parent
                }
                if unit.grid {
                    let slots = &by_unit[i];
                    let mut k = 0;
                    while k + 1 < slots.len() {
                        if slots[k].date == slots[k + 1].date && rng.below(4) == 0 {
                            rows.push((unit.id, slots[k].start, slots[k + 1].end));
                            k += 2;
                        } else {
                            k += 1;
                        }
                    }
                    continue;
                }
                for (n, slot) in by_unit[i].iter().enumerate() {
                    if !has_children(i) {
                        if rng.below(100) < 35 {
                            rows.push((unit.id, slot.start, slot.end));
                        }
                        continue;
                    }
                    let kids = children_of(i);
                    match rng.below(10) {
                        0 | 1 => rows.push((unit.id, slot.start, slot.end)),
                        2 | 3 => rows.push((
                            f.units[kids[0]].id,
                            by_unit[kids[0]][n].start,
                            by_unit[kids[0]][n].end,
                        )),
                        4 => rows.push((
                            f.units[kids[1]].id,
                            by_unit[kids[1]][n].start,
                            by_unit[kids[1]][n].end,
                        )),
                        5 => {
                            for c in &kids {
                                rows.push((
                                    f.units[*c].id,
                                    by_unit[*c][n].start,
                                    by_unit[*c][n].end,
                                ));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        let models = rows
            .into_iter()
            .enumerate()
            .map(|(n, (unit, start, end))| {
                let leaves = space_leaves(&all_units, unit);
                let m = booking::Model {
                    id: 0,
                    unit_id: unit.0,
                    reference: reference::encode(
                        rng.next()
                            .wrapping_mul(2_654_435_761)
                            .wrapping_add(n as u64),
                    ),
                    start_at: start,
                    end_at: end,
                    status: BookingStatus::Confirmed,
                    name: format!("デモ利用者{}", n + 1),
                    name_kana: "でもりようしゃ".into(),
                    phone: "00000000000".into(),
                    email: format!("demo{}@example.invalid", n + 1),
                    purpose: "デモ予約".into(),
                    attendees: 10,
                    resident: true,
                    fee_total_yen: 0,
                    fee_lines: "[]".into(),
                    created_at: now,
                    expires_at: None,
                    cancelled_at: None,
                    created_by_staff_id: None,
                    kind: BookingKind::Resident,
                    usage: None,
                    paid_at: None,
                    status_reason: None,
                    rejected: false,
                    override_reason: None,
                    account_id: None,
                    request_key: None,
                    sequence: 0,
                    modified_s: None,
                    series_id: None,
                };
                (m, leaves)
            })
            .collect();
        self.insert_bookings(models).await
    }
}

/// Inserts a row whose `id` is auto-assigned.
async fn insert<A>(
    mut row: A,
    db: &impl sea_orm::ConnectionTrait,
) -> Result<<A::Entity as EntityTrait>::Model, StoreError>
where
    A: ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
{
    let pk = <A::Entity as EntityTrait>::PrimaryKey::iter()
        .next()
        .map(PrimaryKeyToColumn::into_column);
    if let Some(col) = pk {
        row.not_set(col);
    }
    Ok(row.insert(db).await?)
}
