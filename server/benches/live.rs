//! Live streams under fan-out (run with `bash scripts/bench.sh`; see
//! docs/BENCHMARKS.md). The real server binary with the demo town, 1,000
//! event streams open on a facility's month, then bookings of that month
//! over the JSON API:
//! - from each booking request to the last of the 1,000 streams receiving
//!   its event (an upper bound of commit → delivery; target p99 < 200 ms);
//! - the server's resident memory with the streams open (target < 150 MB);
//! - booking commits per second over HTTP, 8 clients, without streams and
//!   with the 1,000 open (target: at most 10 % fewer);
//! - the same on PostgreSQL with two server processes: streams split
//!   between them, bookings through the first.
//!
//! Everything runs on 127.0.0.1, with bounded counts. The clients share the
//! machine's two cores with the server, so the figures are conservative.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use store::testing::TestDb;
use tokio::sync::mpsc;

const STREAMS: usize = 1000;
const EVENTS: usize = 40;
const COMMITS: usize = 150;
const WORKERS: usize = 8;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The release server binary on `port` over `db_url`.
fn start(db_url: &str, port: u16) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env("DATABASE_URL", db_url)
        .env("LEPTOS_OUTPUT_NAME", "town-booking")
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        // The bench stands in for a proxy: each client says its address.
        .env("TOWN_TRUSTED_PROXIES", "127.0.0.1")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the server binary")
}

async fn ready(client: &reqwest::Client, base: &str) {
    for _ in 0..600 {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server at {base} did not become ready");
}

fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

/// A client address for the `n`th simulated resident.
fn address(n: usize) -> String {
    format!("10.{}.{}.{}", 1 + n / 60_000, (n / 250) % 240, 1 + n % 250)
}

/// Free slots of the demo centre and ground over the next two months:
/// (unit, start, end, facility).
async fn free_slots(client: &reqwest::Client, base: &str) -> Vec<(i64, String, String, i64)> {
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today + chrono::Days::new(7), today + chrono::Days::new(60));
    let mut out = Vec::new();
    // Not the gym: its whole floor and its halves share space.
    for facility in [1, 3] {
        let body: Value = client
            .get(format!(
                "{base}/api/v1/facilities/{facility}/availability?from={from}&to={to}"
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for u in body["units"].as_array().unwrap() {
            let unit = u["id"].as_i64().unwrap();
            for s in u["slots"].as_array().unwrap() {
                if s["status"] == "free" {
                    out.push((
                        unit,
                        s["start"].as_str().unwrap().to_owned(),
                        s["end"].as_str().unwrap().to_owned(),
                        facility,
                    ));
                }
            }
        }
    }
    out
}

async fn book(
    client: &reqwest::Client,
    base: &str,
    slot: &(i64, String, String, i64),
    n: usize,
) -> bool {
    let res = client
        .post(format!("{base}/api/v1/bookings"))
        .header("x-forwarded-for", address(50_000 + n))
        .json(&json!({
            "unit_id": slot.0, "start": slot.1, "end": slot.2,
            "name": "山田 花子", "name_kana": "やまだ はなこ",
            "phone": format!("090{:08}", n), "email": format!("bench{n}@example.jp"),
            "purpose": "会議", "attendees": 1, "resident": true, "equipment": []
        }))
        .send()
        .await
        .unwrap();
    res.status() == reqwest::StatusCode::CREATED
}

/// Opens `STREAMS` streams (spread over `bases`) on facility 1's next two
/// months; each reports (event id, arrival) on the channel.
async fn open_streams(
    bases: &[String],
) -> (
    mpsc::UnboundedReceiver<(i64, Instant)>,
    Vec<tokio::task::JoinHandle<()>>,
) {
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today + chrono::Days::new(7), today + chrono::Days::new(60));
    let (tx, rx) = mpsc::unbounded_channel();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..STREAMS {
        let base = &bases[i % bases.len()];
        let res = client
            .get(format!("{base}/live/facilities/1?from={from}&to={to}"))
            .header("x-forwarded-for", address(i))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::OK, "stream {i}");
        let tx = tx.clone();
        tasks.push(tokio::spawn(async move {
            let mut res = res;
            let mut buf = String::new();
            while let Ok(Some(chunk)) = res.chunk().await {
                let at = Instant::now();
                buf.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buf.find("\n\n") {
                    let block: String = buf.drain(..end + 2).collect();
                    if let Some(id) = block
                        .lines()
                        .find_map(|l| l.strip_prefix("id:"))
                        .and_then(|v| v.trim().parse::<i64>().ok())
                    {
                        let _ = tx.send((id, at));
                    }
                }
            }
        }));
    }
    (rx, tasks)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Bookings over HTTP with `WORKERS` at once; commits per second.
async fn commits(base: &str, slots: Vec<(i64, String, String, i64)>, first_n: usize) -> f64 {
    let client = reqwest::Client::new();
    let queue = std::sync::Arc::new(tokio::sync::Mutex::new(slots.into_iter().enumerate()));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (queue, client, base) = (queue.clone(), client.clone(), base.to_owned());
        workers.push(tokio::spawn(async move {
            let mut made = 0usize;
            loop {
                let next = queue.lock().await.next();
                let Some((i, slot)) = next else { break };
                if book(&client, &base, &slot, first_n + i).await {
                    made += 1;
                }
            }
            made
        }));
    }
    let mut made = 0;
    for w in workers {
        made += w.await.unwrap();
    }
    made as f64 / started.elapsed().as_secs_f64()
}

async fn run(label: &str, db_url: &str, processes: usize) {
    let ports: Vec<u16> = (0..processes).map(|_| free_port()).collect();
    let mut children: Vec<_> = ports.iter().map(|p| start(db_url, *p)).collect();
    let bases: Vec<String> = ports
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}"))
        .collect();
    let client = reqwest::Client::new();
    for b in &bases {
        ready(&client, b).await;
    }
    let mut slots = free_slots(&client, &bases[0]).await;
    // Facility 1's slots carry the events the streams watch; the rest are
    // for the commit rates.
    slots.sort_by_key(|s| s.3 != 1);
    let watched: Vec<_> = slots
        .iter()
        .filter(|s| s.3 == 1)
        .take(EVENTS)
        .cloned()
        .collect();
    let rest: Vec<_> = slots
        .iter()
        .filter(|s| !watched.contains(s))
        .cloned()
        .collect();
    assert!(rest.len() >= 2 * COMMITS, "free slots: {}", rest.len());
    let idle_rss: Vec<f64> = children.iter().map(|c| rss_mb(c.id())).collect();

    let without = commits(&bases[0], rest[..COMMITS].to_vec(), 0).await;

    let (mut rx, tasks) = open_streams(&bases).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let open_rss: Vec<f64> = children.iter().map(|c| rss_mb(c.id())).collect();

    let mut latencies = Vec::new();
    for (n, slot) in watched.iter().enumerate() {
        let sent = Instant::now();
        assert!(
            book(&client, &bases[0], slot, 100_000 + n).await,
            "booking {slot:?}"
        );
        let mut arrivals: HashMap<i64, (usize, Instant)> = HashMap::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        let last = loop {
            let got = tokio::time::timeout_at(deadline, rx.recv()).await;
            let Ok(Some((id, at))) = got else {
                panic!("not every stream received the event within 10 s");
            };
            let e = arrivals.entry(id).or_insert((0, at));
            e.0 += 1;
            e.1 = e.1.max(at);
            if e.0 == STREAMS {
                break e.1;
            }
        };
        latencies.push(last.duration_since(sent));
    }
    let with = commits(&bases[0], rest[COMMITS..2 * COMMITS].to_vec(), 10_000).await;
    // Drain what the commit phase sent, then close the streams.
    while rx.try_recv().is_ok() {}
    for t in tasks {
        t.abort();
    }
    latencies.sort();
    println!(
        "{label}: {STREAMS} streams over {processes} process(es); booking request → last stream received, {} bookings: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.95).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().unwrap().as_secs_f64() * 1000.0,
    );
    println!(
        "{label}: server RSS idle {} MB → with streams open {} MB",
        idle_rss
            .iter()
            .map(|m| format!("{m:.0}"))
            .collect::<Vec<_>>()
            .join(" + "),
        open_rss
            .iter()
            .map(|m| format!("{m:.0}"))
            .collect::<Vec<_>>()
            .join(" + "),
    );
    println!(
        "{label}: booking commits over HTTP, {WORKERS} clients: {without:.0}/s without streams, {with:.0}/s with {STREAMS} open ({:+.1} %)",
        (with / without - 1.0) * 100.0
    );
    for c in &mut children {
        let _ = c.kill();
        let _ = c.wait();
    }
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("live-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = format!("sqlite://{}/town.db", dir.display());
    run("SQLite", &sqlite, 1).await;
    let _ = std::fs::remove_dir_all(&dir);
    match TestDb::postgres().await {
        Some(db) => {
            let url = db.url.clone();
            run("PostgreSQL", &url, 2).await;
            db.drop_db().await;
        }
        None => println!("PostgreSQL: not reachable, skipped"),
    }
}
