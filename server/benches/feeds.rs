//! Calendar feeds under load (run with `bash scripts/bench.sh`; see
//! docs/BENCHMARKS.md). The real release server binary over SQLite with the
//! demo town and 5,000 more bookings of the community centre, and a feed of
//! the whole centre (a facility manager's, busy and full):
//! - a fetch that makes the feed (about 5,000 events; target < 20 ms), one
//!   at a time, with a change logged before each (so none is served from
//!   the copy kept), p50 / p95 / p99 of the whole HTTP answer; then the
//!   same fetch with nothing changed (the copy kept);
//! - a fetch the feed's validator answers with 304 (target < 1 ms);
//! - the server's resident memory idle, at its highest while 100 clients
//!   fetch the feed at once (three rounds), and after (target: flat).
//!
//! Everything runs on 127.0.0.1, with bounded counts.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{Days, TimeZone, Utc};
use domain::status::{BookingKind, BookingStatus, FeedDetail, FeedScope};
use store::entity::booking;

mod common;
use common::{free_port, ready, rss_mb, start};

const EXTRA: usize = 5_000;
const GENERATE: usize = 40;
const NOT_MODIFIED: usize = 1_000;
const CLIENTS: usize = 100;
const ROUNDS: usize = 3;

fn percentiles(mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((ms.len() as f64 * p).ceil() as usize).clamp(1, ms.len()) - 1];
    format!(
        "p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms",
        at(0.50),
        at(0.95),
        at(0.99)
    )
}

/// The demo town, 5,000 more bookings of the centre from five months ahead
/// (after the demo's own), a manager of it, and two feeds: the store and
/// the feeds' tokens.
async fn prepare(url: &str) -> (store::Store, String, String) {
    let store = store::Store::connect(url).await.unwrap();
    let now = Utc::now();
    store.seed_demo(now).await.unwrap();
    let centre = store
        .facility(domain::ids::FacilityId(1))
        .await
        .unwrap()
        .unwrap();
    // Units that share no space with each other (not a whole and its halves).
    let units: Vec<i64> = centre
        .units
        .iter()
        .filter(|u| u.parent.is_none())
        .map(|u| u.id.0)
        .collect();
    let tz = chrono_tz::Asia::Tokyo;
    let first = now.with_timezone(&tz).date_naive() + Days::new(150);
    let mut rows = Vec::with_capacity(EXTRA);
    for n in 0..EXTRA {
        let day = first + Days::new((n / (units.len() * 3)) as u64);
        let unit = units[n % units.len()];
        let (s, e) = [(9, 12), (13, 17), (18, 21)][(n / units.len()) % 3];
        let at = |h: u32| {
            tz.from_local_datetime(&day.and_hms_opt(h, 0, 0).unwrap())
                .unwrap()
                .with_timezone(&Utc)
        };
        let b = booking::Model {
            id: 0,
            unit_id: unit,
            reference: format!("F{n:07}"),
            start_at: at(s),
            end_at: at(e),
            status: BookingStatus::Confirmed,
            name: "ひだまり卓球クラブ".into(),
            name_kana: "ひだまりたっきゅうくらぶ".into(),
            phone: "0000000000".into(),
            email: format!("club{n}@example.invalid"),
            purpose: "練習と町内大会の準備".into(),
            attendees: 12,
            resident: true,
            fee_total_yen: 1_200,
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
        rows.push((b, vec![domain::ids::UnitId(unit)]));
    }
    store.insert_bookings(rows).await.unwrap();
    let manager = store
        .create_account(
            &store::NewAccount {
                municipality_id: 1,
                email: "bench-manager@town.example".into(),
                display_name: "bench".into(),
                password_hash: "unused".into(),
                role: Some(domain::status::Role::FacilityManager),
                totp_secret: None,
                facilities: vec![1],
                departments: vec![],
                enrolment: None,
                installation_admin: false,
            },
            now,
            None,
        )
        .await
        .unwrap()
        .row
        .id;
    let audit = store::AuditEntry {
        municipality_id: 1,
        actor: "bench".into(),
        action: domain::status::AuditAction::FeedCreate,
        target: String::new(),
        before: None,
        after: None,
        at: now,
    };
    let mut tokens = Vec::new();
    for detail in [FeedDetail::Busy, FeedDetail::Full] {
        let feed = store::NewFeed {
            municipality_id: 1,
            owner_id: Some(manager),
            name: "センター".into(),
            scope: FeedScope::Facility,
            scope_id: 1,
            detail,
            lang: "ja".into(),
        };
        tokens.push(store.create_feed(&feed, &audit, now).await.unwrap().1);
    }
    (store, tokens[0].clone(), tokens[1].clone())
}

async fn fetch(client: &reqwest::Client, url: &str, etag: Option<&str>) -> reqwest::Response {
    let mut req = client.get(url);
    if let Some(e) = etag {
        req = req.header("if-none-match", e);
    }
    req.send().await.unwrap()
}

/// Fetches without a validator, one at a time: times, the body's size and
/// events. With `store`, a change is logged before each fetch, so the
/// server makes the feed afresh every time (as after a booking anywhere).
async fn generating(
    client: &reqwest::Client,
    url: &str,
    store: Option<&store::Store>,
) -> (Vec<f64>, usize, usize) {
    use sea_orm::ConnectionTrait;
    let mut times = Vec::new();
    let mut body = String::new();
    for _ in 0..GENERATE {
        if let Some(store) = store {
            store
                .connection()
                .execute_unprepared(
                    "INSERT INTO change_event (municipality_id, kind, status, at_s) \
                     VALUES (1, 'rules', '', 0)",
                )
                .await
                .unwrap();
        }
        let t = Instant::now();
        let res = fetch(client, url, None).await;
        assert_eq!(res.status(), reqwest::StatusCode::OK);
        body = res.text().await.unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let events = body.matches("BEGIN:VEVENT").count();
    (times, body.len(), events)
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("feeds-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/town.db?mode=rwc", dir.display());
    let (store, busy, full) = prepare(&db).await;
    let port = free_port();
    let mut server = start(&db, port);
    let pid = server.id();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    ready(&client, &base).await;
    let (busy_url, full_url) = (
        format!("{base}/feeds/{busy}.ics"),
        format!("{base}/feeds/{full}.ics"),
    );
    println!("Calendar feed of the community centre, SQLite, release server:");
    for (what, url) in [("busy", &busy_url), ("full", &full_url)] {
        let (times, size, events) = generating(&client, url, Some(&store)).await;
        println!(
            "  {what} feed, {events} events, {size} bytes, made afresh each time: {}",
            percentiles(times)
        );
        let (times, _, _) = generating(&client, url, None).await;
        println!(
            "  {what} feed again, nothing changed (the copy kept): {}",
            percentiles(times)
        );
    }
    let etag = fetch(&client, &busy_url, None).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let mut times = Vec::new();
    for _ in 0..NOT_MODIFIED {
        let t = Instant::now();
        let res = fetch(&client, &busy_url, Some(&etag)).await;
        assert_eq!(res.status(), reqwest::StatusCode::NOT_MODIFIED);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "  304 (If-None-Match), {NOT_MODIFIED} one at a time: {}",
        percentiles(times)
    );

    let idle = rss_mb(pid);
    let busy_flag = Arc::new(AtomicBool::new(true));
    let peak = {
        let flag = busy_flag.clone();
        tokio::spawn(async move {
            let mut peak = 0.0f64;
            while flag.load(Ordering::Relaxed) {
                peak = peak.max(rss_mb(pid));
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            peak
        })
    };
    let t = Instant::now();
    for _ in 0..ROUNDS {
        let mut tasks = Vec::new();
        for _ in 0..CLIENTS {
            let (client, url) = (reqwest::Client::new(), busy_url.clone());
            tasks.push(tokio::spawn(async move {
                let res = fetch(&client, &url, None).await;
                assert_eq!(res.status(), reqwest::StatusCode::OK);
                res.bytes().await.unwrap().len()
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    }
    let took = t.elapsed().as_secs_f64();
    busy_flag.store(false, Ordering::Relaxed);
    let peak = peak.await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!(
        "  memory: idle {idle:.0} MB, highest {peak:.0} MB while {CLIENTS} clients fetch at once \
         ({ROUNDS} rounds, {:.1} s, {:.0} feeds/s), {:.0} MB after",
        took,
        (CLIENTS * ROUNDS) as f64 / took,
        rss_mb(pid)
    );
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
