//! Benchmarks (run with `bash scripts/bench.sh`; see docs/BENCHMARKS.md):
//! - availability of one facility with 10 units for a 31-day month, from a
//!   SQLite database holding 100,000 bookings (target: under 2 ms per call);
//! - the same on PostgreSQL when it is reachable;
//! - the release WASM bundle size, raw and brotli (target: under 250 KB brotli).

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::service::AppState;
use chrono::{DateTime, Duration as Days, NaiveDate, TimeZone, Utc};
use domain::calendar::{DateRange, YearMonth};
use domain::ids::FacilityId;
use domain::view::Lang;
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
            open_months_before: 3,
            open_months_before_nonresident: 2,
            open_day: 1,
            open_minute: 540,
            close_days_before: 1,
            close_minute: 1020,
            cancel_days_before: 3,
            cancel_minute: 1020,
            grid_fee_resident_yen: 0,
            grid_fee_nonresident_yen: 0,
            sort_order: i as i32,
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
            let mut b = booking::Model {
                id: 0,
                unit_id: unit,
                reference: format!("B{n:09}"),
                start_at: at(s),
                end_at: at(e),
                status: "confirmed".into(),
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
            }
            .into_active_model();
            b.id = NotSet;
            rows.push(b);
        }
        n += 1;
    }
    let txn = conn.begin().await.unwrap();
    for chunk in rows.chunks(1000) {
        booking::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
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
    let state = AppState {
        leptos_options: LeptosOptions::builder().output_name("town-booking").build(),
        store: db.store.clone(),
        clock: Arc::new(now),
        secure_cookies: false,
    };
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
    db.drop_db().await;
}

fn wasm_size() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/site/pkg/town-booking.wasm"
    );
    let Ok(raw) = std::fs::read(path) else {
        println!("wasm: {path} not found; build it first with `cargo leptos build --release`");
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
