//! Live streams over HTTP against the real router: a committed booking
//! reaches every open stream of its facility once, with no personal data;
//! a refused one sends nothing; a reconnect resumes; a page that missed too
//! much is told to reload; staff streams need a staff sign-in; streams are
//! capped per address; and on PostgreSQL a change made through one server
//! process reaches a stream held by another.

use crate::common;
use std::time::Duration;

use crate::common::fixtures::{book, free_slot, people, request, signed_in};
use crate::common::{Running, spawn, spawn_on};
use reqwest::StatusCode;
use serde_json::Value;
use store::testing::TestDb;

/// One server-sent event.
#[derive(Debug, Default)]
struct Frame {
    event: String,
    id: String,
    data: String,
}

/// An open stream: the response and what has been read of it.
struct Stream {
    res: reqwest::Response,
    buf: String,
    /// Everything read, for checks on the bytes.
    raw: String,
}

async fn open(app: &Running, path: &str, headers: &[(&str, &str)]) -> Stream {
    let mut req = reqwest::Client::new().get(format!("{}{path}", app.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    Stream {
        res,
        buf: String::new(),
        raw: String::new(),
    }
}

impl Stream {
    /// The next event (not a comment) within `wait`, or `None`.
    async fn next(&mut self, wait: Duration) -> Option<Frame> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut f = Frame::default();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        f.event = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("id:") {
                        f.id = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        f.data.push_str(v.trim());
                    }
                }
                if !f.event.is_empty() {
                    return Some(f);
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.res.chunk()).await;
            match chunk {
                Ok(Ok(Some(bytes))) => {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    self.raw.push_str(&text);
                    self.buf.push_str(&text);
                }
                _ => return None,
            }
        }
    }

    async fn change(&mut self) -> Value {
        let f = self
            .next(Duration::from_secs(3))
            .await
            .expect("a change within 3 s");
        assert_eq!(f.event, "change", "{f:?}");
        let v: Value = serde_json::from_str(&f.data).unwrap();
        assert_eq!(v["id"].to_string(), f.id);
        v
    }
}

fn date_of(start: &str) -> &str {
    &start[..10]
}

async fn a_booking_reaches_its_streams_once(app: &Running) {
    let (unit, start, end) = free_slot(app, 0).await;
    let day = date_of(&start);
    let mut centre = open(app, &format!("/live/facilities/1?from={day}"), &[]).await;
    let mut gym = open(app, &format!("/live/facilities/2?from={day}"), &[]).await;
    let mut other_day = open(app, "/live/facilities/1?from=2026-12-30", &[]).await;

    let made = book(app, unit, &start, &end, 1).await;
    let e = centre.change().await;
    assert_eq!(e["kind"], "booking");
    assert_eq!(e["unit"], unit);
    assert_eq!(e["facility"], 1);
    assert_eq!(e["status"], "taken");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(e["start"].as_str().unwrap()).unwrap(),
        chrono::DateTime::parse_from_rfc3339(&start).unwrap()
    );
    assert!(
        e.get("subject").is_none(),
        "no booking id on a public stream"
    );
    // Exactly one: nothing else arrives for this booking.
    assert!(centre.next(Duration::from_millis(600)).await.is_none());
    assert!(gym.next(Duration::from_millis(100)).await.is_none());
    assert!(other_day.next(Duration::from_millis(100)).await.is_none());
    let reference = made["reference"].as_str().unwrap();
    for personal in ["山田", "hanako1", "090-0000", "会議", reference] {
        assert!(
            !centre.raw.contains(personal),
            "{personal} in {}",
            centre.raw
        );
    }

    // Refused (the same time, another resident): nothing is sent.
    let (status, _) = app
        .post("/api/v1/bookings", request(unit, &start, &end, 2))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(centre.next(Duration::from_millis(600)).await.is_none());

    // Cancelled: one event, the time is free again.
    let (status, body) = app
        .post(
            &format!("/api/v1/bookings/{reference}/cancel"),
            serde_json::json!({ "email": "hanako1@example.jp" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let e = centre.change().await;
    assert_eq!(e["status"], "freed");
}

#[tokio::test]
async fn sqlite_a_booking_reaches_its_streams_once() {
    let app = spawn(TestDb::sqlite().await).await;
    a_booking_reaches_its_streams_once(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn postgres_a_booking_reaches_its_streams_once() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    a_booking_reaches_its_streams_once(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn a_reconnect_resumes_and_a_long_gap_resyncs() {
    let app = spawn(TestDb::sqlite().await).await;
    let (unit, start, end) = free_slot(&app, 0).await;
    let path = format!("/live/facilities/1?from={}", date_of(&start));
    let mut s = open(&app, &path, &[]).await;
    book(&app, unit, &start, &end, 1).await;
    let seen = s.change().await["id"].as_i64().unwrap();
    drop(s);

    // Booked while the page was away.
    let (unit2, start2, end2) = free_slot(&app, 0).await;
    book(&app, unit2, &start2, &end2, 2).await;
    let mut back = open(&app, &path, &[("last-event-id", &seen.to_string())]).await;
    let e = back.change().await;
    assert!(e["id"].as_i64().unwrap() > seen);
    assert_eq!(e["unit"], unit2);
    // The page's version works the same way (`after`, before any event).
    let mut fresh = open(&app, &format!("{path}&after={seen}"), &[]).await;
    assert_eq!(fresh.change().await["id"], e["id"]);

    // Away longer than the log is kept: reload instead of replaying.
    app.store.prune_changes(i64::MAX).await.unwrap();
    let mut late = open(&app, &path, &[("last-event-id", &seen.to_string())]).await;
    let f = late.next(Duration::from_secs(3)).await.unwrap();
    assert_eq!(f.event, "resync");
    app.finish().await;
}

#[tokio::test]
async fn streams_refuse_bad_requests_with_a_message() {
    let app = spawn(TestDb::sqlite().await).await;
    for (path, status) in [
        (
            "/live/facilities/abc?from=2026-12-01",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/live/facilities/1?from=2026-13-01",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/live/facilities/1?from=2026-12-10&to=2026-12-01",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/live/facilities/1?from=2026-01-01&to=2026-12-31",
            StatusCode::BAD_REQUEST,
        ),
        ("/live/facilities/99?from=2026-12-01", StatusCode::NOT_FOUND),
        ("/live/visits", StatusCode::BAD_REQUEST),
        ("/live/display/x", StatusCode::NOT_FOUND),
    ] {
        let res = app.get_with(path, ("accept-language", "ja")).await;
        assert_eq!(res.status(), status, "{path}");
        let body = res.text().await.unwrap();
        assert!(
            body.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
            "a Japanese message for {path}: {body}"
        );
    }
    app.finish().await;
}

#[tokio::test]
async fn staff_streams_need_a_staff_sign_in() {
    let app = spawn(TestDb::sqlite().await).await;
    let res = app.get("/live/counters?date=2026-11-25").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let p = people(&app).await;
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let res = manager
        .get(format!("{}/live/counters?date=2026-11-25", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a facility manager");
    let counter = signed_in(&app, "counter@town.example", &p).await;
    let res = counter
        .get(format!("{}/live/counters?date=2026-11-25", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );

    // The timeline's stream: only the facility's managers, and only they
    // see which booking a change is about.
    let (unit, start, end) = free_slot(&app, 0).await;
    let path = format!("/live/console/facilities/1?from={}", date_of(&start));
    assert_eq!(app.get(&path).await.status(), StatusCode::UNAUTHORIZED);
    let other = signed_in(&app, "manager2@town.example", &p).await;
    let res = other
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "another facility's manager"
    );
    let res = manager
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut s = Stream {
        res,
        buf: String::new(),
        raw: String::new(),
    };
    let made = book(&app, unit, &start, &end, 1).await;
    let e = s.change().await;
    assert_eq!(e["status"], "confirmed");
    let id = common::fixtures::booking_id(&app, made["reference"].as_str().unwrap()).await;
    assert_eq!(e["subject"], id);
    app.finish().await;
}

#[tokio::test]
async fn streams_are_capped_per_address() {
    let app = spawn(TestDb::sqlite().await).await;
    let path = "/live/facilities/1?from=2026-12-01";
    let from = |ip: &'static str| [("x-forwarded-for", ip)];
    let mut held = Vec::new();
    for _ in 0..server::live::MAX_PER_ADDRESS {
        held.push(open(&app, path, &from("203.0.113.9")).await);
    }
    let refused = app.get_with(path, ("x-forwarded-for", "203.0.113.9")).await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.headers()["retry-after"], "30");
    // Another address is not affected.
    open(&app, path, &from("203.0.113.10")).await;
    // A closed stream gives its place back.
    held.pop();
    let mut ok = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let res = app.get_with(path, ("x-forwarded-for", "203.0.113.9")).await;
        if res.status() == StatusCode::OK {
            ok = true;
            break;
        }
    }
    assert!(ok, "the place came back");
    app.finish().await;
}

#[tokio::test]
async fn postgres_a_change_reaches_a_stream_on_another_process() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let a = spawn(db).await;
    let other = store::Store::connect(&a.url()).await.unwrap();
    let b = spawn_on(other, a.clock.clone()).await;
    let (unit, start, end) = free_slot(&a, 0).await;
    let mut on_b = open(
        &b,
        &format!("/live/facilities/1?from={}", date_of(&start)),
        &[],
    )
    .await;
    // Let B's listener start listening.
    tokio::time::sleep(Duration::from_millis(300)).await;
    book(&a, unit, &start, &end, 1).await;
    let e = on_b.change().await;
    assert_eq!(e["unit"], unit);
    assert_eq!(e["status"], "taken");
    b.finish().await;
    a.finish().await;
}
