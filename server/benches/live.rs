//! Live streams under fan-out (run with `bash scripts/bench.sh`; see
//! docs/BENCHMARKS.md). The real server binary with the demo town, 1,000
//! event streams open on a facility's month, then bookings of that month
//! over the JSON API:
//! - from each booking request to the last of the 1,000 streams receiving
//!   its event (an upper bound of commit → delivery; target p99 < 200 ms);
//! - the server's resident memory with the streams open (target < 150 MB);
//! - booking commits per second over HTTP, 8 clients: without streams; with
//!   the 1,000 open on another facility (each change is matched against
//!   every stream, none is sent); and with every commit sent to all 1,000
//!   (the worst case: 1,000 events per booking) (target: at most 10 %
//!   fewer);
//! - the same on PostgreSQL with two server processes: streams split
//!   between them, bookings through the first.
//!
//! Everything runs on 127.0.0.1, with bounded counts. The clients share the
//! machine's two cores with the server, so the figures are conservative.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use store::testing::TestDb;
use tokio::sync::mpsc;

mod common;
use common::{free_port, ready, rss_mb, start};

const STREAMS: usize = 1000;
const EVENTS: usize = 40;
const COMMITS: usize = 120;
const WORKERS: usize = 8;

/// CPU seconds a process has used (user + system).
fn cpu_s(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which ends with ')'): utime is the
    // 12th, stime the 13th, in clock ticks of 1/100 s.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = rest
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
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
/// months; while `parse` holds, each reports (event id, arrival) on the
/// channel.
async fn open_streams(
    bases: &[String],
    parse: Arc<AtomicBool>,
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
        let (tx, parse) = (tx.clone(), parse.clone());
        tasks.push(tokio::spawn(async move {
            let mut res = res;
            let mut buf = String::new();
            while let Ok(Some(chunk)) = res.chunk().await {
                // When not measuring, read and drop (as cheap as a client gets).
                if !parse.load(Ordering::Relaxed) {
                    continue;
                }
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
    let bases: Vec<String> = ports
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}"))
        .collect();
    let client = reqwest::Client::new();
    // One after the other: the first migrates and seeds the demo town.
    let mut children = Vec::new();
    for (port, base) in ports.iter().zip(&bases) {
        children.push(start(db_url, *port));
        ready(&client, base).await;
    }
    let slots = free_slots(&client, &bases[0]).await;
    // The streams watch the centre (facility 1): its slots carry the
    // events; the ground's (facility 3) are changes no stream shows.
    let centre: Vec<_> = slots.iter().filter(|s| s.3 == 1).cloned().collect();
    let ground: Vec<_> = slots.iter().filter(|s| s.3 == 3).cloned().collect();
    assert!(
        centre.len() >= EVENTS + COMMITS && ground.len() >= 2 * COMMITS,
        "free slots: centre {}, ground {}",
        centre.len(),
        ground.len()
    );
    let (watched, everyone) = (&centre[..EVENTS], &centre[EVENTS..EVENTS + COMMITS]);
    let idle_rss: Vec<f64> = children.iter().map(|c| rss_mb(c.id())).collect();

    let cpu_0: f64 = children.iter().map(|c| cpu_s(c.id())).sum();
    let without = commits(&bases[0], ground[..COMMITS].to_vec(), 0).await;
    let cpu_without = children.iter().map(|c| cpu_s(c.id())).sum::<f64>() - cpu_0;

    let parse = Arc::new(AtomicBool::new(true));
    let (mut rx, tasks) = open_streams(&bases, parse.clone()).await;
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
    let elsewhere = commits(&bases[0], ground[COMMITS..2 * COMMITS].to_vec(), 10_000).await;
    // Every commit to all 1,000 streams; the readers only read.
    parse.store(false, Ordering::Relaxed);
    while rx.try_recv().is_ok() {}
    let cpu_before: f64 = children.iter().map(|c| cpu_s(c.id())).sum();
    let phase = Instant::now();
    let fanned = commits(&bases[0], everyone.to_vec(), 20_000).await;
    let (server_cpu, wall) = (
        children.iter().map(|c| cpu_s(c.id())).sum::<f64>() - cpu_before,
        phase.elapsed().as_secs_f64(),
    );

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
        "{label}: booking commits over HTTP, {WORKERS} clients: {without:.0}/s without streams; with {STREAMS} open: {elsewhere:.0}/s for changes no stream shows ({:+.1} %), {fanned:.0}/s when all {STREAMS} receive each ({:+.1} %)",
        (elsewhere / without - 1.0) * 100.0,
        (fanned / without - 1.0) * 100.0
    );
    println!(
        "{label}: server CPU per booking: {:.2} ms without streams, {:.2} ms when all {STREAMS} receive it; in that last phase the server used {:.0} % of the 2 cores (the bench's readers and bookers the rest)",
        cpu_without / COMMITS as f64 * 1000.0,
        server_cpu / COMMITS as f64 * 1000.0,
        server_cpu / wall / 2.0 * 100.0
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
