//! Shared by the HTTP test files: the real router on 127.0.0.1:0 over a real
//! database, with a clock the test controls (2026-11-22 10:00 JST plus an
//! offset it may move).
//!
//! - this module: starting a server (in process, or the real binary) and
//!   plain reads from it;
//! - [`api`]: the JSON API as a client uses it (posts, units, free slots,
//!   procedures, counts);
//! - [`browser`]: a browser without JavaScript (cookies, no redirects
//!   followed): form posts to server functions and pages;
//! - [`fixtures`]: staff and resident accounts, signing in, bookings made
//!   for a test, the request bodies of bookings and visits, the audit log.
//!
//! [`services`] builds the same state without a server, for tests that
//! state a rule against the services themselves.
#![allow(dead_code, reason = "each test file uses a different part")]

pub mod api;
pub mod browser;
pub mod fixtures;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use app::core::state::AppState;
use chrono::{DateTime, TimeZone, Utc};
use leptos::prelude::LeptosOptions;
use reqwest::StatusCode;
use serde_json::Value;
use store::testing::TestDb;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

/// Minutes the test has moved the clock forward.
pub type ClockOffset = Arc<AtomicI64>;

pub struct Running {
    pub base: String,
    pub client: reqwest::Client,
    pub store: store::Store,
    /// The server's state, for what the command line does with it.
    pub state: AppState,
    pub clock: ClockOffset,
    /// The test database this server owns (none for a second server on it).
    db: Option<TestDb>,
    /// Keeps the mail worker running (it stops when this is dropped).
    _mail: Option<tokio::sync::watch::Sender<bool>>,
}

pub async fn spawn(db: TestDb) -> Running {
    spawn_with(db, app::core::mail::Mailer::outbox_only()).await
}

/// As `spawn`, sending mail with `mailer`.
pub async fn spawn_with(db: TestDb, mailer: app::core::mail::Mailer) -> Running {
    db.store.seed_demo(now()).await.unwrap();
    let clock: ClockOffset = Arc::default();
    let (base, client, mail, state) = serve(db.store.clone(), clock.clone(), mailer).await;
    Running {
        base,
        client,
        store: db.store.clone(),
        state,
        clock,
        db: Some(db),
        _mail: mail,
    }
}

/// Another server on the same database (a second process, in effect),
/// sharing the clock.
pub async fn spawn_on(store: store::Store, clock: ClockOffset) -> Running {
    let (base, client, mail, state) = serve(
        store.clone(),
        clock.clone(),
        app::core::mail::Mailer::outbox_only(),
    )
    .await;
    Running {
        base,
        client,
        store,
        state,
        clock,
        db: None,
        _mail: mail,
    }
}

/// The app's state over `store`: the services every server shares, with
/// the test's clock ([`now`] plus `clock` minutes).
fn state_on(store: store::Store, clock: ClockOffset, mailer: app::core::mail::Mailer) -> AppState {
    AppState::new(
        LeptosOptions::builder()
            .output_name("town-booking")
            .site_root("target/site")
            .build(),
        store,
        Arc::new(move || now() + chrono::Duration::minutes(clock.load(Ordering::SeqCst))),
        false,
        mailer,
    )
    // The tests stand in for a reverse proxy on loopback: a request may say
    // which resident's address it carries (many residents, one test).
    .with_web(app::core::state::WebConfig {
        public_origin: None,
        trusted_proxies: vec![
            std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::Ipv6Addr::LOCALHOST.into(),
        ],
        // The calendars the import tests serve on loopback.
        import_hosts: vec!["127.0.0.1".to_owned()],
    })
}

/// The services alone, with no server in front: the demo town seeded in
/// `db`, mail kept in the outbox, the clock at [`now`] until the test
/// moves it.
pub struct Services {
    pub state: AppState,
    pub store: store::Store,
    pub clock: ClockOffset,
    db: TestDb,
}

/// The state [`spawn`] would serve, for tests that call its services
/// directly.
pub async fn services(db: TestDb) -> Services {
    db.store.seed_demo(now()).await.unwrap();
    let clock: ClockOffset = Arc::default();
    let state = state_on(
        db.store.clone(),
        clock.clone(),
        app::core::mail::Mailer::outbox_only(),
    );
    Services {
        state,
        store: db.store.clone(),
        clock,
        db,
    }
}

impl Services {
    /// The time the services see.
    pub fn now(&self) -> DateTime<Utc> {
        now() + chrono::Duration::minutes(self.clock.load(Ordering::SeqCst))
    }

    /// Sets the clock to [`now`] plus `minutes` (back as well as forward).
    pub fn set_minutes(&self, minutes: i64) {
        self.clock.store(minutes, Ordering::SeqCst);
    }

    /// Removes the test database.
    pub async fn finish(self) {
        self.db.drop_db().await;
    }
}

async fn serve(
    store: store::Store,
    clock: ClockOffset,
    mailer: app::core::mail::Mailer,
) -> (
    String,
    reqwest::Client,
    Option<tokio::sync::watch::Sender<bool>>,
    AppState,
) {
    let state = state_on(store, clock, mailer.clone());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = mailer.spawn_worker(state.store.clone(), state.clock.clone(), stopped);
    let listener = server::listen(([127, 0, 0, 1], 0).into()).await.unwrap();
    let addr = axum::serve::Listener::local_addr(&listener).unwrap();
    let served = state.clone();
    tokio::spawn(async move { axum::serve(listener, server::app(served)).await.unwrap() });
    let client = browser::browser();
    (
        format!("http://{addr}"),
        client,
        worker.map(|_| stop),
        state,
    )
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The real server binary on `port` over `db_url`, with more environment.
pub fn start_binary(db_url: &str, port: u16, env: &[(&str, String)]) -> std::process::Child {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    c.arg("serve")
        .env("DATABASE_URL", db_url)
        .env("LEPTOS_OUTPUT_NAME", "town-booking")
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().expect("start the server binary")
}

/// Waits (bounded) until the server at `base` answers.
pub async fn wait_ready(client: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("server did not become ready");
}

impl Running {
    /// The time the server sees.
    pub fn now(&self) -> DateTime<Utc> {
        now() + chrono::Duration::minutes(self.clock.load(Ordering::SeqCst))
    }

    /// Moves the server's clock forward.
    pub fn advance_minutes(&self, minutes: i64) {
        self.clock.fetch_add(minutes, Ordering::SeqCst);
    }

    /// Removes the test database.
    pub async fn finish(self) {
        if let Some(db) = self.db {
            db.drop_db().await;
        }
    }

    /// The database URL (for a second server on it).
    pub fn url(&self) -> String {
        self.db.as_ref().map(|d| d.url.clone()).unwrap_or_default()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    pub async fn get_with(&self, path: &str, header: (&str, &str)) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header(header.0, header.1)
            .send()
            .await
            .unwrap()
    }

    pub async fn json(&self, path: &str) -> (StatusCode, Value) {
        let res = self.get(path).await;
        let status = res.status();
        (status, res.json().await.unwrap())
    }

    pub async fn text(&self, path: &str) -> (StatusCode, String) {
        let res = self.get(path).await;
        (res.status(), res.text().await.unwrap())
    }
}
