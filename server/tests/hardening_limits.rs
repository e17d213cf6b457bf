//! The limits a hostile visitor meets (issue 14): hammering anonymous
//! writes from one address (also across two servers on one database),
//! guessing a reference's contact, and holding more than the town's share
//! of active bookings and visits. On SQLite and PostgreSQL.

use crate::common;
use crate::common::fixtures::free_slot;
use crate::common::{Running, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::testing::TestDb;

fn booking_body(unit: i64, start: &str, end: &str, n: usize) -> Value {
    json!({
        "unit_id": unit, "start": start, "end": end,
        "name": "山田 花子", "name_kana": "やまだ はなこ",
        "phone": format!("090-2000-{n:04}"), "email": format!("flood{n}@example.jp"),
        "purpose": "会議", "attendees": 5, "resident": true, "equipment": []
    })
}

/// This process's resident memory in KiB (the servers run in it).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// 1,000 booking attempts from one address in a minute: after the limit
/// every answer is 429 with `Retry-After` and a translated message, nothing
/// more is written, and the limiter keeps a handful of counters.
async fn flood(apps: &[&Running]) {
    let first = apps[0];
    let memory_before = rss_kib();
    let (unit, start, end) = free_slot(first, 0).await;
    let before = first.booking_count().await;
    let mut statuses = Vec::new();
    for chunk in 0..50 {
        let mut tasks = Vec::new();
        for i in 0..20 {
            let n = chunk * 20 + i;
            let app = apps[n % apps.len()];
            let (c, base) = (app.client.clone(), app.base.clone());
            let body = booking_body(unit, &start, &end, n);
            tasks.push(tokio::spawn(async move {
                let res = c
                    .post(format!("{base}/api/v1/bookings"))
                    .header("accept-language", "ja")
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let status = res.status();
                let retry = res.headers().get("retry-after").is_some();
                let text = res.text().await.unwrap();
                (status, retry, text)
            }));
        }
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
    }
    let limited: Vec<_> = statuses
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(limited.len(), 1_000 - 120, "120 a minute get through");
    for (_, retry, text) in &limited {
        assert!(retry, "Retry-After");
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(v["code"], "rate_limited");
        assert!(
            v["message"].as_str().unwrap().contains("お試しください"),
            "{v}"
        );
    }
    // One slot: the first request booked it; nothing beyond.
    assert_eq!(first.booking_count().await, before + 1);
    assert!(
        first.store.rate_rows().await.unwrap() <= 4,
        "a handful of counters"
    );
    // Nothing is kept per refused request (a loose bound: allocator noise).
    let grown = rss_kib().saturating_sub(memory_before);
    assert!(grown < 64 * 1024, "memory grew by {grown} KiB");
}

#[tokio::test]
async fn a_flood_from_one_address_is_refused_after_the_limit_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    flood(&[&app]).await;
    app.finish().await;
}

#[tokio::test]
async fn a_flood_is_limited_across_two_servers_on_one_postgres_database() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let one = spawn(db).await;
    // The second server has its own pool, as another process would: the
    // limit holds because the counters are in the database.
    let own = store::Store::connect(&one.url()).await.unwrap();
    let two = common::spawn_on(own, one.clock.clone()).await;
    flood(&[&one, &two]).await;
    one.finish().await;
}

/// A reference is locked after five wrong contacts, even for the right one.
async fn reference_lockout(app: &Running) {
    let (unit, start, end) = free_slot(app, 1).await;
    let res = app
        .client
        .post(format!("{}/api/v1/bookings", app.base))
        .json(&booking_body(unit, &start, &end, 1))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let reference = res.json::<Value>().await.unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    // The proof travels in the body…
    let lookup = |phone: String| {
        let (c, url) = (
            app.client.clone(),
            format!("{}/api/v1/bookings/{reference}/lookup", app.base),
        );
        async move {
            c.post(url)
                .json(&json!({ "phone": phone }))
                .send()
                .await
                .unwrap()
        }
    };
    let res = lookup("090-2000-0001".into()).await;
    assert_eq!(res.status(), StatusCode::OK, "the right contact opens it");
    for n in 0..5 {
        assert_eq!(
            lookup(format!("0900000{n:04}")).await.status(),
            StatusCode::NOT_FOUND
        );
    }
    let res = lookup("090-2000-0001".into()).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "locked");
    assert!(res.headers().get("retry-after").is_some());
    // …and the deprecated query-string form shares the lock.
    let res = app
        .client
        .get(format!(
            "{}/api/v1/bookings/{reference}?phone=090-2000-0001",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another reference is not affected.
    let res = app
        .client
        .get(format!(
            "{}/api/v1/bookings/ABCD2345?phone=09000000000",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Twenty guesses at once get no more than five answers.
    let guesses = (0..20).map(|n| {
        let (c, url) = (
            app.client.clone(),
            format!("{}/api/v1/bookings/HJKM2345/lookup", app.base),
        );
        tokio::spawn(async move {
            c.post(url)
                .json(&json!({ "phone": format!("0900001{n:04}") }))
                .send()
                .await
                .unwrap()
                .status()
        })
    });
    let mut answered = 0;
    for g in guesses.collect::<Vec<_>>() {
        if g.await.unwrap() == StatusCode::NOT_FOUND {
            answered += 1;
        }
    }
    assert_eq!(answered, 5, "the lock holds under a burst");
}

#[tokio::test]
async fn a_reference_locks_after_wrong_contacts_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    reference_lockout(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn a_reference_locks_after_wrong_contacts_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    reference_lockout(&app).await;
    app.finish().await;
}

/// Ten active bookings and visits per contact across the whole town,
/// whatever the facility; the eleventh is refused with what to do.
async fn town_cap(app: &Running) {
    // A visit still to come counts as one of the ten.
    let card = app.procedure("マイナンバーカード受取").await;
    let visit = |start: &str| {
        app.client
            .post(format!("{}/api/v1/appointments", app.base))
            .json(&json!({
                "procedure_ids": [card], "start": start,
                "name": "山田 花子", "name_kana": "やまだ はなこ",
                "phone": "090-3333-4444", "email": "many@example.jp", "mode": "in_person"
            }))
            .send()
    };
    let res = visit("2026-11-25T09:00:00+09:00").await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let (_, list) = app.json("/api/v1/facilities").await;
    let mut made = 0;
    let mut last = None;
    'facilities: for f in list.as_array().unwrap() {
        let id = f["id"].as_i64().unwrap();
        let (_, avail) = app
            .json(&format!(
                "/api/v1/facilities/{id}/availability?from=2026-12-01&to=2026-12-31"
            ))
            .await;
        let mut here = 0;
        for u in avail["units"].as_array().unwrap() {
            for s in u["slots"].as_array().unwrap() {
                if s["status"] != "free" || here == 4 {
                    continue;
                }
                let res = app
                    .client
                    .post(format!("{}/api/v1/bookings", app.base))
                    .json(&json!({
                        "unit_id": u["id"], "start": s["start"], "end": s["end"],
                        "name": "山田 花子", "name_kana": "やまだ はなこ",
                        "phone": "090-3333-4444", "email": "many@example.jp",
                        "purpose": "会議", "attendees": 1, "resident": true, "equipment": []
                    }))
                    .send()
                    .await
                    .unwrap();
                let status = res.status();
                let body: Value = res.json().await.unwrap();
                if status == StatusCode::CREATED {
                    made += 1;
                    here += 1;
                } else if body["code"] == "town_limit_reached" {
                    last = Some(body);
                    break 'facilities;
                }
            }
        }
    }
    assert_eq!(
        made + 1,
        domain::booking::TOWN_ACTIVE_LIMIT,
        "the visit and nine bookings, then no more"
    );
    let body = last.expect("the eleventh is refused for the town's limit");
    assert!(
        body["message"].as_str().unwrap().contains("町全体"),
        "{body}"
    );
    // Nor another visit.
    let res = visit("2026-11-25T10:00:00+09:00").await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "town_limit_reached", "{body}");
}

#[tokio::test]
async fn a_contact_holds_at_most_ten_active_bookings_in_the_town_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    town_cap(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn a_contact_holds_at_most_ten_active_bookings_in_the_town_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    town_cap(&app).await;
    app.finish().await;
}
