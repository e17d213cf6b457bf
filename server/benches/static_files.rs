//! Static files over kept-alive connections, with and without `TCP_NODELAY`
//! on the accepted sockets (run with `bash scripts/bench.sh`; see
//! docs/BENCHMARKS.md, issue 20). One process serves the same router twice
//! on 127.0.0.1: on a plain `TcpListener` (how the server listened before)
//! and on `server::listen` (how it listens now). For each, 16 clients, one
//! kept-alive connection each, fetch the stylesheet, then the OpenAPI
//! document (a small route answered in one write) for a fixed time.
//! Needs a build's `target/site` (the bench script makes one).

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::core::state::AppState;
use leptos::prelude::LeptosOptions;

const CLIENTS: usize = 16;
/// The built site (the bench runs in `server/`).
const SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site");
const RUN: Duration = Duration::from_secs(3);

async fn state() -> (AppState, store::testing::TestDb) {
    let db = store::testing::TestDb::sqlite().await;
    let options = LeptosOptions::builder()
        .output_name("town-booking")
        .site_root(SITE)
        .build();
    let state = AppState::new(
        options,
        db.store.clone(),
        Arc::new(chrono::Utc::now),
        false,
        app::core::mail::Mailer::outbox_only(),
    );
    (state, db)
}

/// Requests per second and latency percentiles of `CLIENTS` connections
/// fetching `url` one request after another for `RUN`.
async fn load(url: String) -> String {
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move {
                // One connection per client, kept alive between requests.
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .build()
                    .unwrap();
                let mut ms = Vec::new();
                let started = Instant::now();
                while started.elapsed() < RUN {
                    let t = Instant::now();
                    let res = client.get(&url).send().await.expect("request");
                    assert!(res.status().is_success(), "{url}: {}", res.status());
                    res.bytes().await.expect("body");
                    ms.push(t.elapsed().as_secs_f64() * 1e3);
                }
                ms
            })
        })
        .collect();
    let mut ms = Vec::new();
    for t in tasks {
        ms.extend(t.await.unwrap());
    }
    let count = ms.len();
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((count as f64 * p).ceil() as usize).clamp(1, count) - 1];
    format!(
        "{:>6.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
        count as f64 / RUN.as_secs_f64(),
        at(0.50),
        at(0.99)
    )
}

#[tokio::main]
async fn main() {
    if !std::path::Path::new(&format!("{SITE}/pkg/town-booking.css")).exists() {
        panic!("no {SITE}/pkg/town-booking.css: build the site first (bash scripts/bench.sh)");
    }
    let (state, db) = state().await;
    let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let before = plain.local_addr().unwrap();
    let served = state.clone();
    tokio::spawn(async move { axum::serve(plain, server::app(served)).await });
    let listener = server::listen(([127, 0, 0, 1], 0).into()).await.unwrap();
    let after = axum::serve::Listener::local_addr(&listener).unwrap();
    tokio::spawn(async move { axum::serve(listener, server::app(state)).await });

    println!("{CLIENTS} kept-alive connections, {} s each", RUN.as_secs());
    for (name, addr) in [
        ("plain listener (Nagle on)", before),
        ("server::listen (TCP_NODELAY)", after),
    ] {
        for path in ["/pkg/town-booking.css", "/api/openapi.json"] {
            let figures = load(format!("http://{addr}{path}")).await;
            println!("{name:<30} {path:<24} {figures}");
        }
    }
    db.drop_db().await;
}
