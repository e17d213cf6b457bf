//! Live streams under fan-out (run with `bash scripts/bench.sh`; see
//! docs/BENCHMARKS.md). The real server binary with the demo town and 40
//! more rooms in its community centre, 1,000 event streams open on the
//! centre's next two months, then bookings over the JSON API:
//! - from each booking request to the last of the 1,000 streams receiving
//!   its event (an upper bound of commit → delivery; target p99 < 200 ms);
//! - the server's resident memory with the streams open (target < 150 MB);
//! - booking commits per second over HTTP, 8 clients, in three rounds of
//!   750: with the 1,000 open, for later days of the same rooms (each
//!   change is matched against every stream, none is sent) and for the
//!   watched days (every commit sent to all 1,000: the worst case), each
//!   against the mean of the rate without streams measured just before and
//!   after the round (target: at most 10 % fewer);
//! - the same on PostgreSQL with two server processes: streams split
//!   between them, bookings through the first.
//!
//! Everything runs on 127.0.0.1, with bounded counts. The clients share the
//! machine's two cores with the server (the readers on a thread of their
//! own, whose CPU is reported), so the figures are conservative.

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
/// Bookings per phase of a round (each well over a second, many times the
/// streams' coalescing gap), and rounds, after some to warm up.
const COMMITS: usize = 750;
const WARM_UP: usize = 400;
const ROUNDS: usize = 3;
const WORKERS: usize = 8;
/// Rooms added to the demo centre.
const EXTRA_UNITS: usize = 40;
/// The days ahead the streams watch (the centre's): the most one stream may.
const WATCHED: (u64, u64) = (7, 60);
/// Later days, still open for booking, that no stream watches.
const LATER: (u64, u64) = (61, 115);

/// CPU seconds a process has used (user + system).
fn cpu_s(pid: u32) -> f64 {
    cpu_of(&format!("/proc/{pid}/stat"))
}

/// CPU seconds in a `/proc/…/stat` file (a process's or a thread's).
fn cpu_of(path: &str) -> f64 {
    let stat = std::fs::read_to_string(path).unwrap_or_default();
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

/// A slot: (unit, start, end).
type Slot = (i64, String, String);

/// Free slots of a demo facility from `from` to `to` days ahead.
async fn free_slots(
    client: &reqwest::Client,
    base: &str,
    facility: i64,
    (from, to): (u64, u64),
) -> Vec<Slot> {
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (
        today + chrono::Days::new(from),
        today + chrono::Days::new(to),
    );
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
    let mut out = Vec::new();
    for u in body["units"].as_array().unwrap() {
        let unit = u["id"].as_i64().unwrap();
        for s in u["slots"].as_array().unwrap() {
            if s["status"] == "free" {
                out.push((
                    unit,
                    s["start"].as_str().unwrap().to_owned(),
                    s["end"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    out
}

async fn book(client: &reqwest::Client, base: &str, slot: &Slot, n: usize) -> bool {
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

/// The 1,000 readers: a thread of their own with its own runtime, so that
/// the CPU they take can be read apart from the bookers'.
struct Readers {
    stop: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
    tid: String,
}

impl Readers {
    /// CPU seconds the readers' thread has used.
    fn cpu_s(&self) -> f64 {
        cpu_of(&format!("/proc/self/task/{}/stat", self.tid))
    }

    /// Closes every stream.
    fn close(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

/// Opens `STREAMS` streams (spread over `bases`) on the centre's watched
/// days; while `parse` holds, each reports (event id, arrival) on the
/// channel.
async fn open_streams(
    bases: &[String],
    parse: Arc<AtomicBool>,
) -> (mpsc::UnboundedReceiver<(i64, Instant)>, Readers) {
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (
        today + chrono::Days::new(WATCHED.0),
        today + chrono::Days::new(WATCHED.1),
    );
    let (tx, rx) = mpsc::unbounded_channel();
    let (opened, ready) = tokio::sync::oneshot::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let bases = bases.to_vec();
    let thread = std::thread::spawn(move || {
        // "<pid>/task/<tid>"
        let tid = std::fs::read_link("/proc/thread-self")
            .ok()
            .and_then(|p| p.file_name().map(|t| t.to_string_lossy().into_owned()))
            .unwrap_or_default();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
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
                        // When not measuring, read and drop (as cheap as a
                        // client gets).
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
            let _ = opened.send(tid);
            let _ = stopped.await;
            for t in tasks {
                t.abort();
            }
        });
    });
    let tid = ready.await.expect("the readers opened their streams");
    (rx, Readers { stop, thread, tid })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Bookings over HTTP with `WORKERS` at once; commits per second.
async fn commits(base: &str, slots: &[Slot], first_n: usize) -> f64 {
    let client = reqwest::Client::new();
    let owned: Vec<Slot> = slots.to_vec();
    let queue = Arc::new(tokio::sync::Mutex::new(owned.into_iter().enumerate()));
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

/// The demo town with `EXTRA_UNITS` more rooms in the centre (copies of its
/// first room that needs no approval), so each phase has free periods
/// enough to last a second or more.
async fn more_units(url: &str) {
    use sea_orm::{
        ActiveModelTrait, ActiveValue, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    };
    use store::entity::{slot_template, unit};
    let store = store::Store::connect(url).await.unwrap();
    store.seed_demo(chrono::Utc::now()).await.unwrap();
    let conn = store.connection();
    {
        let model = unit::Entity::find()
            .filter(unit::Column::FacilityId.eq(1))
            .filter(unit::Column::ParentId.is_null())
            .filter(unit::Column::RequiresApproval.eq(false))
            .one(conn)
            .await
            .unwrap()
            .expect("a unit to copy");
        let templates = slot_template::Entity::find()
            .filter(slot_template::Column::UnitId.eq(model.id))
            .all(conn)
            .await
            .unwrap();
        for i in 0..EXTRA_UNITS {
            let mut u = model.clone().into_active_model();
            u.id = ActiveValue::NotSet;
            u.name_ja = ActiveValue::Set(format!("{} {}", model.name_ja, i + 2));
            u.name_en = ActiveValue::Set(format!("{} {}", model.name_en, i + 2));
            let id = u.insert(conn).await.unwrap().id;
            for t in &templates {
                let mut t = t.clone().into_active_model();
                t.id = ActiveValue::NotSet;
                t.unit_id = ActiveValue::Set(id);
                t.insert(conn).await.unwrap();
            }
        }
    }
}

/// One round of the commit rates: (without streams, with streams on other
/// facilities and days, with every commit sent to all streams), and the
/// server's CPU ms per booking without streams and in the last phase, and
/// its and the readers' shares of the two cores in that phase.
struct Round {
    without: f64,
    elsewhere: f64,
    fanned: f64,
    cpu_without: f64,
    cpu_fanned: f64,
    share: f64,
    readers: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn run(label: &str, db_url: &str, processes: usize) {
    let ports: Vec<u16> = (0..processes).map(|_| free_port()).collect();
    let bases: Vec<String> = ports
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}"))
        .collect();
    let client = reqwest::Client::new();
    more_units(db_url).await;
    let mut children = Vec::new();
    for (port, base) in ports.iter().zip(&bases) {
        children.push(start(db_url, *port));
        ready(&client, base).await;
    }
    // The streams watch the centre (facility 1) on `WATCHED` days: its
    // slots then carry the events; the same rooms on later days are changes
    // no stream shows (the same kind of booking, so the phases compare).
    let base = &bases[0];
    let watched = free_slots(&client, base, 1, WATCHED).await;
    let unwatched = free_slots(&client, base, 1, LATER).await;
    assert!(
        watched.len() >= EVENTS + ROUNDS * COMMITS
            && unwatched.len() >= WARM_UP + (1 + 2 * ROUNDS) * COMMITS,
        "free slots: watched {}, unwatched {}",
        watched.len(),
        unwatched.len()
    );
    let (for_latency, for_fanning) = watched.split_at(EVENTS);
    let mut fanning = for_fanning.chunks(COMMITS);
    let idle_rss: Vec<f64> = children.iter().map(|c| rss_mb(c.id())).collect();
    let cpu =
        |children: &[std::process::Child]| children.iter().map(|c| cpu_s(c.id())).sum::<f64>();
    // Warm up (connections, caches, the write-ahead log), not measured.
    let (warm, unwatched) = unwatched.split_at(WARM_UP);
    commits(base, warm, 500_000).await;
    let mut other = unwatched.chunks(COMMITS);

    // The rate without streams before and after each round (the rate
    // drifts as the database grows): a round is compared with the mean of
    // the two.
    let without = async |n: usize, other: &mut std::slice::Chunks<'_, Slot>| {
        let cpu_0 = cpu(&children);
        let rate = commits(base, other.next().unwrap(), n).await;
        (rate, cpu(&children) - cpu_0)
    };
    let mut before = without(400_000, &mut other).await;
    let mut rounds = Vec::new();
    let mut latencies = Vec::new();
    let mut open_rss = Vec::new();
    for r in 0..ROUNDS {
        let n = 10_000 * r;
        let parse = Arc::new(AtomicBool::new(true));
        let (mut rx, readers) = open_streams(&bases, parse.clone()).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        if r == 0 {
            open_rss = children.iter().map(|c| rss_mb(c.id())).collect();
            for (n, slot) in for_latency.iter().enumerate() {
                let sent = Instant::now();
                assert!(
                    book(&client, base, slot, 100_000 + n).await,
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
        }
        // Every commit to all 1,000 streams; the readers only read. The
        // two phases with streams open take turns going first.
        parse.store(false, Ordering::Relaxed);
        while rx.try_recv().is_ok() {}
        let elsewhere_first = if r % 2 == 1 {
            Some(commits(base, other.next().unwrap(), n + 3_000).await)
        } else {
            None
        };
        let cpu_before = cpu(&children);
        let readers_before = readers.cpu_s();
        let phase = Instant::now();
        let fanned = commits(base, fanning.next().unwrap(), n + 6_000).await;
        let (server_cpu, readers_cpu, wall) = (
            cpu(&children) - cpu_before,
            readers.cpu_s() - readers_before,
            phase.elapsed().as_secs_f64(),
        );
        let elsewhere = match elsewhere_first {
            Some(rate) => rate,
            None => commits(base, other.next().unwrap(), n + 3_000).await,
        };
        readers.close();
        // Let the server close them before the next measure.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after = without(n + 9_000, &mut other).await;
        let (without, cpu_without) = ((before.0 + after.0) / 2.0, (before.1 + after.1) / 2.0);
        before = after;
        println!(
            "{label}: round {}: {without:.0}/s without streams; {elsewhere:.0}/s with {STREAMS} open elsewhere ({:+.1} %); {fanned:.0}/s when all {STREAMS} receive each ({:+.1} %)",
            r + 1,
            (elsewhere / without - 1.0) * 100.0,
            (fanned / without - 1.0) * 100.0
        );
        rounds.push(Round {
            without,
            elsewhere,
            fanned,
            cpu_without: cpu_without / COMMITS as f64 * 1000.0,
            cpu_fanned: server_cpu / COMMITS as f64 * 1000.0,
            share: server_cpu / wall / 2.0 * 100.0,
            readers: readers_cpu / wall / 2.0 * 100.0,
        });
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
    let m = |f: fn(&Round) -> f64| median(rounds.iter().map(f).collect());
    println!(
        "{label}: booking commits over HTTP, {WORKERS} clients, medians of {ROUNDS} rounds of {COMMITS}: {:.0}/s without streams; with {STREAMS} open: {:.0}/s for changes no stream shows ({:+.1} %), {:.0}/s when all {STREAMS} receive each ({:+.1} %)",
        m(|r| r.without),
        m(|r| r.elsewhere),
        m(|r| (r.elsewhere / r.without - 1.0) * 100.0),
        m(|r| r.fanned),
        m(|r| (r.fanned / r.without - 1.0) * 100.0),
    );
    println!(
        "{label}: server CPU per booking (medians): {:.2} ms without streams, {:.2} ms when all {STREAMS} receive it; in that last phase the server used {:.0} % of the 2 cores, the readers {:.0} %",
        m(|r| r.cpu_without),
        m(|r| r.cpu_fanned),
        m(|r| r.share),
        m(|r| r.readers),
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
