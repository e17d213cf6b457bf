//! Benchmark of visit-appointment availability (run with
//! `bash scripts/bench.sh`; see docs/BENCHMARKS.md): the free start times of
//! one procedure for one day, with 10 staff and 1,000 appointments in that
//! week (target on SQLite: under 1 ms per call); also on PostgreSQL when it
//! is reachable.

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::core::state::AppState;
use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use leptos::prelude::LeptosOptions;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionTrait,
};
use store::entity::{
    appointment, appointment_item, procedure, staff, staff_duty_hours, staff_qualification,
};
use store::testing::TestDb;

const STAFF: usize = 10;
const APPOINTMENTS: usize = 1_000;
const CALLS: usize = 500;

fn now() -> DateTime<Utc> {
    // Sunday 2026-11-22 10:00 JST.
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

fn jst(day: u32, minute: i64) -> DateTime<Utc> {
    chrono_tz::Asia::Tokyo
        .with_ymd_and_hms(2026, 11, day, 0, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
        + Span::minutes(minute)
}

/// The demo town, topped up to 10 staff who all hand out My Number cards,
/// and 1,000 appointments of 15 minutes in the week of 11/24–11/27.
async fn prepare(db: &TestDb) -> i64 {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let conn = store.connection();
    let card = procedure::Entity::find()
        .filter(procedure::Column::NameJa.eq("マイナンバーカード受取"))
        .one(conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let txn = conn.begin().await.unwrap();
    let have = staff::Entity::find().count(&txn).await.unwrap() as usize;
    for n in have..STAFF {
        let m = staff::Entity::insert(staff::ActiveModel {
            id: NotSet,
            municipality_id: Set(1),
            display_name: Set(format!("ベンチ職員{n}")),
            department_id: Set(Some(1)),
            active: Set(true),
        })
        .exec_with_returning(&txn)
        .await
        .unwrap();
        staff_qualification::Entity::insert(staff_qualification::ActiveModel {
            staff_id: Set(m.id),
            procedure_id: Set(card),
        })
        .exec(&txn)
        .await
        .unwrap();
        for weekday in 0..5 {
            for (start, end) in [(510, 720), (780, 1035)] {
                staff_duty_hours::Entity::insert(staff_duty_hours::ActiveModel {
                    id: NotSet,
                    staff_id: Set(m.id),
                    weekday: Set(weekday),
                    start_minute: Set(start),
                    end_minute: Set(end),
                })
                .exec(&txn)
                .await
                .unwrap();
            }
        }
    }
    let members: Vec<i64> = staff::Entity::find()
        .all(&txn)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    // 1,000 back-to-back 15-minute items: 4 days × 10 members × 25 each.
    let mut n = 0;
    'fill: for day in [24, 25, 26, 27] {
        for (k, member) in members.iter().enumerate() {
            for slot in 0..25 {
                if n == APPOINTMENTS {
                    break 'fill;
                }
                let a = appointment::Entity::insert(appointment::ActiveModel {
                    id: NotSet,
                    municipality_id: Set(1),
                    reference: Set(domain::reference::encode(1_000_003 * (n as u64 + 1))),
                    name: Set("ベンチ 利用者".into()),
                    name_kana: Set("べんち りようしゃ".into()),
                    phone: Set(format!("090{n:08}")),
                    email: Set(format!("bench{n}@example.invalid")),
                    mode: Set("in_person".into()),
                    status: Set(domain::status::AppointmentStatus::Booked),
                    created_at: Set(now()),
                    cancelled_at: Set(None),
                    needs_contact: Set(false),
                    request_key: Set(None),
                    sequence: sea_orm::ActiveValue::NotSet,
                    modified_s: sea_orm::ActiveValue::NotSet,
                    account_id: sea_orm::ActiveValue::NotSet,
                })
                .exec_with_returning(&txn)
                .await
                .unwrap();
                // 25 of the day's 31 quarter hours on duty, the early ones
                // for half the members and the late ones for the others,
                // so free and busy times interleave.
                let quarters: Vec<i64> = (510..720)
                    .step_by(15)
                    .chain((780..1035).step_by(15))
                    .collect();
                let start = jst(day, quarters[slot + if k % 2 == 0 { 0 } else { 6 }]);
                let end = start + Span::minutes(15);
                appointment_item::Entity::insert(appointment_item::ActiveModel {
                    id: NotSet,
                    appointment_id: Set(a.id),
                    procedure_id: Set(card),
                    staff_id: Set(*member),
                    counter_id: Set(None),
                    start_at: Set(start),
                    end_at: Set(end),
                    start_s: Set(start.timestamp()),
                    end_s: Set(end.timestamp()),
                    active: Set(true),
                })
                .exec(&txn)
                .await
                .unwrap();
                n += 1;
            }
        }
    }
    txn.commit().await.unwrap();
    let items = appointment_item::Entity::find().count(conn).await.unwrap();
    println!(
        "  {} staff, {items} appointment items that week",
        members.len()
    );
    card
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

async fn bench(label: &str, db: TestDb) {
    println!("{label}: preparing…");
    let card = prepare(&db).await;
    let state = AppState::new(
        LeptosOptions::builder().output_name("town-booking").build(),
        db.store.clone(),
        Arc::new(now),
        false,
        app::core::mail::Mailer::outbox_only(),
    );
    let first = state
        .procedure_availability(card, "2026-11-25")
        .await
        .unwrap();
    println!("  2026-11-25: {} start times offered", first.times.len());
    for _ in 0..20 {
        state
            .procedure_availability(card, "2026-11-25")
            .await
            .unwrap();
    }
    let mut samples = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let t = Instant::now();
        let a = state
            .procedure_availability(card, "2026-11-25")
            .await
            .unwrap();
        samples.push(t.elapsed());
        assert!(!a.times.is_empty());
    }
    report(
        &format!("{label} procedure availability (one day)"),
        samples,
    );
    db.drop_db().await;
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    bench("sqlite", TestDb::sqlite().await).await;
    match TestDb::postgres().await {
        Some(db) => bench("postgres", db).await,
        None => println!("postgres: not reachable, skipped"),
    }
}
