//! Benchmarks (run with `bash scripts/bench.sh`; see docs/BENCHMARKS.md):
//! - availability of one facility with 10 units for a 31-day month, from a
//!   SQLite database holding 100,000 bookings (target: under 2 ms per call);
//! - the same on PostgreSQL when it is reachable;
//! - booking commits per second for distinct free slots with those 100,000
//!   bookings present (target on SQLite: at least 1,000/s), one client at a
//!   time and eight at once;
//! - 200 concurrent attempts at one slot: time until all are answered;
//! - the main release WASM file, raw and brotli: all the home page needs
//!   (target: at most 200 KB brotli for the first page a resident opens;
//!   `end2end/weights.mjs` adds up what each entry page fetches).

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::booking::input::BookingInput;
use app::core::state::AppState;
use chrono::{DateTime, Duration as Days, NaiveDate, TimeZone, Utc};
use domain::applicant::ApplicantInput;
use domain::calendar::{DateRange, YearMonth};
use domain::ids::FacilityId;
use domain::text::Lang;
use leptos::prelude::LeptosOptions;
use sea_orm::{ActiveValue::NotSet, EntityTrait, IntoActiveModel, TransactionTrait};
use store::entity::{booking, facility, opening_hours, slot_template, unit};
use store::testing::TestDb;

const UNITS: usize = 10;
const BOOKINGS: usize = 100_000;
const CALLS: usize = 300;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

/// Adds a facility with 10 units and fills the database up to 100,000 bookings.
async fn prepare(db: &TestDb) -> FacilityId {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let conn = store.connection();
    let txn = conn.begin().await.unwrap();
    let mut f = facility::Model {
        id: 0,
        municipality_id: 1,
        name_ja: "ベンチ施設".into(),
        name_en: "Bench".into(),
        address_ja: String::new(),
        address_en: String::new(),
        phone: String::new(),
        description_ja: String::new(),
        description_en: String::new(),
        accessibility_ja: String::new(),
        accessibility_en: String::new(),
        closed_weekdays: "mon".into(),
        shift_when_holiday: true,
        year_end_closure: true,
        closed_on_holidays: false,
        sort_order: 99,
        max_active_bookings: 1000,
        open_data_id: None,
        name_kana: String::new(),
        latitude: None,
        longitude: None,
        url: String::new(),
        archived_at: None,
    }
    .into_active_model();
    f.id = NotSet;
    let fid = facility::Entity::insert(f)
        .exec(&txn)
        .await
        .unwrap()
        .last_insert_id;
    for weekday in 0..7 {
        let mut h = opening_hours::Model {
            id: 0,
            facility_id: fid,
            weekday,
            opens_minute: 540,
            closes_minute: 1290,
        }
        .into_active_model();
        h.id = NotSet;
        opening_hours::Entity::insert(h).exec(&txn).await.unwrap();
    }
    let mut unit_ids = Vec::new();
    for i in 0..UNITS {
        let mut u = unit::Model {
            id: 0,
            facility_id: fid,
            parent_id: None,
            name_ja: format!("室{i}"),
            name_en: format!("Room {i}"),
            notes_ja: String::new(),
            notes_en: String::new(),
            capacity: 20,
            booking_kind: "fixed".into(),
            grid_step_minutes: 0,
            min_slots: 1,
            max_slots: 3,
            requires_approval: false,
            pending_hold_hours: 72,
            // Two years ahead, so the commit benchmark finds enough free slots.
            open_months_before: 24,
            open_months_before_nonresident: 24,
            open_day: 1,
            open_minute: 540,
            close_days_before: 1,
            close_minute: 1020,
            cancel_days_before: 3,
            cancel_minute: 1020,
            grid_fee_resident_yen: 0,
            grid_fee_nonresident_yen: 0,
            sort_order: i as i32,
            archived_at: None,
        }
        .into_active_model();
        u.id = NotSet;
        let uid = unit::Entity::insert(u)
            .exec(&txn)
            .await
            .unwrap()
            .last_insert_id;
        for (k, (start, end)) in [(540, 720), (780, 1020), (1080, 1290)]
            .into_iter()
            .enumerate()
        {
            let mut t = slot_template::Model {
                id: 0,
                unit_id: uid,
                label_ja: format!("枠{k}"),
                label_en: format!("Slot {k}"),
                start_minute: start,
                end_minute: end,
                fee_resident_yen: 500,
                fee_nonresident_yen: 1000,
                holiday_fee_resident_yen: None,
                holiday_fee_nonresident_yen: None,
                sort_order: k as i32,
            }
            .into_active_model();
            t.id = NotSet;
            slot_template::Entity::insert(t).exec(&txn).await.unwrap();
        }
        unit_ids.push(uid);
    }
    txn.commit().await.unwrap();

    // Fill every unit × slot × day from 2020-01-01 until 100,000 bookings in all.
    use sea_orm::PaginatorTrait;
    let existing = booking::Entity::find().count(conn).await.unwrap() as usize;
    let tz = chrono_tz::Asia::Tokyo;
    let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let mut rows = Vec::with_capacity(BOOKINGS);
    let mut n = 0usize;
    while existing + rows.len() < BOOKINGS {
        let day = start + Days::days((n / (UNITS * 3)) as i64);
        let unit = unit_ids[n % UNITS];
        let (s, e) = [(540, 720), (780, 1020), (1080, 1290)][(n / UNITS) % 3];
        let at = |m: i64| {
            tz.from_local_datetime(&(day.and_hms_opt(0, 0, 0).unwrap() + Days::minutes(m)))
                .unwrap()
                .with_timezone(&Utc)
        };
        // Leave every fourth slot free so the month is realistic.
        if n % 4 != 3 {
            let b = booking::Model {
                id: 0,
                unit_id: unit,
                reference: format!("B{n:09}"),
                start_at: at(s),
                end_at: at(e),
                status: domain::status::BookingStatus::Confirmed,
                name: "ベンチ".into(),
                name_kana: "べんち".into(),
                phone: "0".into(),
                email: "bench@example.invalid".into(),
                purpose: String::new(),
                attendees: 1,
                resident: true,
                fee_total_yen: 500,
                fee_lines: "[]".into(),
                created_at: now(),
                expires_at: None,
                cancelled_at: None,
                created_by_staff_id: None,
                kind: domain::status::BookingKind::Resident,
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
            rows.push((b, vec![domain::ids::UnitId(unit)]));
        }
        n += 1;
    }
    store.insert_bookings(rows).await.unwrap();
    let total = booking::Entity::find().count(conn).await.unwrap();
    println!("  database holds {total} bookings");
    FacilityId(fid)
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    let pct = |p: usize| samples[(samples.len() * p / 100).min(samples.len() - 1)];
    println!(
        "{name}: mean {:.3} ms, p50 {:.3} ms, p95 {:.3} ms, min {:.3} ms ({} calls)",
        mean.as_secs_f64() * 1e3,
        pct(50).as_secs_f64() * 1e3,
        pct(95).as_secs_f64() * 1e3,
        samples[0].as_secs_f64() * 1e3,
        samples.len()
    );
}

async fn bench_availability(label: &str, db: TestDb) {
    println!("{label}: preparing…");
    let id = prepare(&db).await;
    let state = AppState::new(
        LeptosOptions::builder().output_name("town-booking").build(),
        db.store.clone(),
        Arc::new(now),
        false,
        app::core::mail::Mailer::outbox_only(),
    );
    let month = DateRange::month(YearMonth {
        year: 2026,
        month: 12,
    });
    let check = state.availability(id, month, Lang::Ja).await.unwrap();
    assert_eq!(check.units.len(), UNITS);
    for _ in 0..20 {
        state.availability(id, month, Lang::Ja).await.unwrap();
    }
    let mut samples = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let t = Instant::now();
        let a = state.availability(id, month, Lang::Ja).await.unwrap();
        samples.push(t.elapsed());
        std::hint::black_box(a);
    }
    report(
        &format!("{label}: availability, 10 units × 31 days, 100k bookings in the DB"),
        samples,
    );

    // Where the time goes: loading the facility's rules, and the busy query.
    let record = db.store.facility(id).await.unwrap().unwrap();
    let units: Vec<_> = record.units.iter().map(|u| u.id).collect();
    let from = Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2026, 12, 31, 15, 0, 0).unwrap();
    let mut load = Vec::with_capacity(CALLS);
    let mut busy = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let t = Instant::now();
        std::hint::black_box(db.store.facility(id).await.unwrap());
        load.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(db.store.busy(&units, from, to, now()).await.unwrap());
        busy.push(t.elapsed());
    }
    report(
        &format!("{label}:   of which loading the facility's rules"),
        load,
    );
    report(
        &format!("{label}:   of which the busy query (one month)"),
        busy,
    );
    bench_commits(label, &state, id).await;
    db.drop_db().await;
}

/// A booking request for a slot, from a distinct person.
fn request(
    unit: domain::ids::UnitId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    n: usize,
) -> BookingInput {
    BookingInput {
        facility: None,
        unit_id: unit.0.to_string(),
        start: start.to_rfc3339(),
        end: end.to_rfc3339(),
        applicant: ApplicantInput {
            name: "山田 花子".into(),
            name_kana: "やまだ はなこ".into(),
            phone: format!("090{n:08}"),
            email: format!("bench{n}@example.jp"),
            purpose: "ベンチ".into(),
            attendees: "5".into(),
            resident: "true".into(),
        },
        equipment: Vec::new(),
        ..BookingInput::default()
    }
}

const COMMITS: usize = 1000;

/// Books each slot (numbering the applicants from `offset`) from
/// `clients` tasks at once, each request first counted by the per-address
/// limits when `with_limits` (as the HTTP middleware does); commits per second.
async fn commits(
    state: &AppState,
    slots: &[(domain::ids::UnitId, DateTime<Utc>, DateTime<Utc>)],
    clients: usize,
    with_limits: bool,
    offset: usize,
) -> f64 {
    let t = Instant::now();
    let mut tasks = Vec::new();
    let numbered: Vec<_> = slots
        .iter()
        .enumerate()
        .map(|(i, slot)| (offset + i, *slot))
        .collect();
    for chunk in numbered.chunks(slots.len().div_ceil(clients)) {
        let state = state.clone();
        let chunk = chunk.to_vec();
        tasks.push(tokio::spawn(async move {
            for (n, (unit, start, end)) in chunk {
                if with_limits {
                    let ip =
                        std::net::IpAddr::from([203, 0, (n / 250 % 250) as u8, (n % 250) as u8]);
                    let verdict = state
                        .limit_address(app::core::limits::Action::Create, ip)
                        .await;
                    assert!(verdict.is_ok(), "{verdict:?}");
                }
                state
                    .create_booking(&request(unit, start, end, n), None)
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    slots.len() as f64 / t.elapsed().as_secs_f64()
}

async fn bench_commits(label: &str, state: &AppState, id: FacilityId) {
    // Distinct free slots from December 2026 on, as the availability API sees them.
    let from = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let mut free = Vec::new();
    let mut month_start = from;
    while free.len() < 4 * COMMITS + 1 {
        let range = DateRange::new(month_start, month_start + Days::days(60)).unwrap();
        let a = state.availability(id, range, Lang::Ja).await.unwrap();
        for u in &a.units {
            for s in u
                .slots
                .iter()
                .filter(|s| s.status == domain::availability::SlotStatus::Free)
            {
                free.push((u.id, s.start.with_timezone(&Utc), s.end.with_timezone(&Utc)));
            }
        }
        month_start += Days::days(61);
    }
    free.truncate(4 * COMMITS + 1);
    let (plain, rest) = free.split_at(2 * COMMITS);
    let (limited, last) = rest.split_at(2 * COMMITS);
    // Every booking has its own applicant: 0.. for these, 3 * COMMITS.. for
    // the contention test below, 4 * COMMITS.. with the limits.
    for (slots, with_limits, first) in [(plain, false, 0), (limited, true, 4 * COMMITS)] {
        let what = if with_limits {
            "booking commits with the per-address limits in front"
        } else {
            "booking commits"
        };
        for (clients, part, offset) in [
            (1, &slots[..COMMITS], first),
            (8, &slots[COMMITS..], first + COMMITS),
        ] {
            let per_sec = commits(state, part, clients, with_limits, offset).await;
            let how = if clients == 1 {
                "one at a time".to_owned()
            } else {
                format!("{clients} clients at once")
            };
            println!("{label}: {what}, {how}: {per_sec:.0}/s");
        }
    }

    // 200 people press "confirm" for the same slot at the same moment.
    let (unit, start, end) = last[0];
    let t = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..200 {
        let state = state.clone();
        tasks.push(tokio::spawn(async move {
            state
                .create_booking(&request(unit, start, end, 3 * COMMITS + n), None)
                .await
                .is_ok()
        }));
    }
    let mut won = 0;
    for task in tasks {
        won += usize::from(task.await.unwrap());
    }
    println!(
        "{label}: 200 concurrent attempts at one slot settled in {:.1} ms ({won} booked, {} refused)",
        t.elapsed().as_secs_f64() * 1e3,
        200 - won
    );
    assert_eq!(won, 1);

    // What the per-address limits add to each booking request: the HTTP
    // middleware counts one hit per limit of the action before it runs.
    const HITS: u32 = 2_000;
    let t = Instant::now();
    for n in 0..HITS {
        let ip = std::net::IpAddr::from([198, 51, (n / 250) as u8, (n % 250) as u8]);
        let _ = state
            .limit_address(app::core::limits::Action::Create, ip)
            .await;
    }
    println!(
        "{label}: per-address limits of one booking request: {:.3} ms each",
        t.elapsed().as_secs_f64() * 1e3 / f64::from(HITS)
    );
}

fn wasm_size() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/site/pkg/town-booking.wasm"
    );
    let Ok(raw) = std::fs::read(path) else {
        println!(
            "wasm: {path} not found; build it first with `cargo leptos build --release --split`"
        );
        return;
    };
    let mut compressed = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut compressed, 4096, 11, 22);
        w.write_all(&raw).unwrap();
    }
    println!(
        "wasm: {} bytes raw ({:.1} KiB), {} bytes brotli-11 ({:.1} KiB)",
        raw.len(),
        raw.len() as f64 / 1024.0,
        compressed.len(),
        compressed.len() as f64 / 1024.0
    );
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a list; nothing to run.
    }
    bench_availability("sqlite", TestDb::sqlite().await).await;
    match TestDb::postgres().await {
        Some(db) => bench_availability("postgres", db).await,
        None => println!("postgres: not reachable, skipped"),
    }
    wasm_size();
}
