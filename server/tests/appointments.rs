//! Visit appointments (来庁予約) over the JSON API on the real router, on
//! SQLite and PostgreSQL: procedures, availability bound to the staff on
//! duty, booking one or several procedures, bad input, and the capacity
//! guarantee under concurrent requests. Finding, moving and cancelling a
//! visit (over the API and without JavaScript) is in
//! `appointments_manage.rs`.
//!
//! The test clock is Sunday 2026-11-22 10:00 JST. The demo town's counters:
//! 鈴木 (full days) and 高橋 (Mon/Wed/Fri 9:00–12:00) hand out My Number
//! cards; 佐藤 and 鈴木 take moving-in notifications, 佐藤 is on leave on
//! Tuesday 11/24; 田中 alone does child allowance. 11/23 is a holiday.

use crate::common;
use crate::common::fixtures::{CHILD_ALLOWANCE, INSURANCE, MOVING_IN, MYNUMBER, visit};
use crate::common::{Running, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::testing::TestDb;

#[tokio::test]
async fn procedures_say_what_to_bring_and_times_follow_the_staff_on_duty() {
    let app = spawn(TestDb::sqlite().await).await;
    let (_, list) = app.json("/api/v1/procedures").await;
    let list = list.as_array().unwrap();
    assert!(list.len() >= 9, "{list:?}");
    let card = list.iter().find(|p| p["name"] == MYNUMBER).unwrap();
    assert_eq!(card["duration_minutes"], 30);
    assert_eq!(card["department"], "町民生活課");
    assert!(
        card["documents"]
            .as_array()
            .unwrap()
            .contains(&json!("交付通知書（はがき）"))
    );
    let consult = list.iter().find(|p| p["name"] == "子育て相談").unwrap();
    assert_eq!(consult["online_possible"], true);
    let (_, en) = app.json("/api/v1/procedures?lang=en").await;
    assert!(
        en.as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Collecting your My Number card")
    );

    // Wednesday: 鈴木 all day, 高橋 9:00–12:00.
    let card = app.procedure(MYNUMBER).await;
    let wed = app.times(card, "2026-11-25").await;
    let at = |t: &str| wed.iter().find(|(s, _)| s == t).map(|(_, r)| *r);
    // 8:30 JST is 23:30 UTC the day before; shown with the town's offset.
    assert_eq!(at("2026-11-25T08:30:00+09:00"), Some(1));
    assert_eq!(at("2026-11-25T09:00:00+09:00"), Some(2));
    assert_eq!(at("2026-11-25T11:30:00+09:00"), Some(2));
    assert_eq!(at("2026-11-25T11:45:00+09:00"), None, "runs into lunch");
    assert_eq!(at("2026-11-25T13:00:00+09:00"), Some(1));
    assert_eq!(at("2026-11-25T16:45:00+09:00"), Some(1));
    assert_eq!(at("2026-11-25T17:00:00+09:00"), None, "past duty hours");
    // Tuesday: 佐藤 is on leave, so moving-in notifications have one member.
    let moving = app.procedure(MOVING_IN).await;
    assert_eq!(app.remaining(moving, "2026-11-24T09:00:00+09:00").await, 1);
    assert_eq!(app.remaining(moving, "2026-11-25T09:00:00+09:00").await, 2);
    // Closed days say why.
    for (date, why) in [
        ("2026-11-23", "holiday"),
        ("2026-11-28", "weekend"),
        ("2026-12-29", "year_end"),
    ] {
        let (status, body) = app
            .json(&format!(
                "/api/v1/procedures/{card}/availability?date={date}"
            ))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["times"], json!([]), "{date}");
        assert_eq!(body["closed"], why, "{date}");
    }
    // Today (Sunday) and bad requests.
    for (path, status) in [
        (
            format!("/api/v1/procedures/{card}/availability?date=2026-13-01"),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("/api/v1/procedures/{card}/availability"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/procedures/999/availability?date=2026-11-25".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/api/v1/procedures/abc/availability?date=2026-11-25".to_owned(),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (s, body) = app.json(&path).await;
        assert_eq!(s, status, "{path}: {body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
    app.finish().await;
}

#[tokio::test]
async fn an_absence_counts_to_the_minute() {
    use sea_orm::{ActiveValue::NotSet, EntityTrait, Set};
    let app = spawn(TestDb::sqlite().await).await;
    let card = app.procedure(MYNUMBER).await;
    // 高橋 steps out 9:10–9:20 on Wednesday (a short meeting).
    let takahashi = store::entity::staff::Entity::find()
        .all(app.store.connection())
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.display_name.starts_with("高橋"))
        .unwrap();
    let jst = |h: u32, m: u32| {
        chrono::DateTime::parse_from_rfc3339(&format!("2026-11-25T{h:02}:{m:02}:00+09:00"))
            .unwrap()
            .to_utc()
    };
    store::entity::staff_absence::Entity::insert(store::entity::staff_absence::ActiveModel {
        id: NotSet,
        staff_id: Set(takahashi.id),
        start_at: Set(jst(9, 10)),
        end_at: Set(jst(9, 20)),
        reason: Set("打合せ".into()),
    })
    .exec(app.store.connection())
    .await
    .unwrap();
    assert_eq!(
        app.remaining(card, "2026-11-25T09:00:00+09:00").await,
        1,
        "9:00–9:30 meets it"
    );
    assert_eq!(
        app.remaining(card, "2026-11-25T08:45:00+09:00").await,
        1,
        "before 高橋's duty"
    );
    assert_eq!(
        app.remaining(card, "2026-11-25T09:15:00+09:00").await,
        1,
        "inside it"
    );
    assert_eq!(
        app.remaining(card, "2026-11-25T09:30:00+09:00").await,
        2,
        "touching its end is fine"
    );
    app.finish().await;
}

#[tokio::test]
async fn several_procedures_in_one_visit_are_back_to_back_and_all_or_nothing() {
    let app = spawn(TestDb::sqlite().await).await;
    let (moving, child, insurance) = (
        app.procedure(MOVING_IN).await,
        app.procedure(CHILD_ALLOWANCE).await,
        app.procedure(INSURANCE).await,
    );
    let (s, body) = app
        .post(
            "/api/v1/appointments",
            visit(&[moving, child, insurance], "2026-11-25T09:00:00+09:00", 1),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let times: Vec<(&str, &str)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["start"].as_str().unwrap(), i["end"].as_str().unwrap()))
        .collect();
    assert_eq!(
        times,
        [
            ("2026-11-25T09:00:00+09:00", "2026-11-25T09:30:00+09:00"),
            ("2026-11-25T09:30:00+09:00", "2026-11-25T09:50:00+09:00"),
            ("2026-11-25T09:50:00+09:00", "2026-11-25T10:10:00+09:00"),
        ]
    );
    // What to bring covers all three, each item once.
    let docs = body["documents"].as_array().unwrap();
    assert!(
        docs.contains(&json!("前の住所地の転出証明書")) && docs.contains(&json!("振込先の通帳"))
    );
    let unique: std::collections::HashSet<&Value> = docs.iter().collect();
    assert_eq!(unique.len(), docs.len());

    // 田中 alone handles child allowance: with 10:30 taken, a visit that
    // needs them then is refused whole, writing nothing.
    let (s, _) = app
        .post(
            "/api/v1/appointments",
            visit(&[child], "2026-11-25T10:30:00+09:00", 2),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let before = app.appointment_count().await;
    let (s, body) = app
        .post(
            "/api/v1/appointments",
            visit(&[moving, child], "2026-11-25T10:00:00+09:00", 3),
        )
        .await;
    assert_eq!(
        (s, &body["code"]),
        (StatusCode::CONFLICT, &json!("no_capacity")),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("別の時刻"),
        "{body}"
    );
    assert_eq!(
        app.appointment_count().await,
        before,
        "nothing half-written"
    );
    app.finish().await;
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_and_writes_nothing() {
    let app = spawn(TestDb::sqlite().await).await;
    let card = app.procedure(MYNUMBER).await;
    let consult = app.procedure("子育て相談").await;
    let nine = "2026-11-25T09:00:00+09:00";
    let ok = visit(&[card], nine, 1);
    let with = |key: &str, value: Value| {
        let mut v = ok.clone();
        v[key] = value;
        v
    };
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (
            with("procedure_ids", json!([])),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            with("procedure_ids", json!([card, card])),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            with("procedure_ids", json!([1, 2, 3, 4, 5, 6])),
            StatusCode::BAD_REQUEST,
            "too_many",
        ),
        (
            with("procedure_ids", json!("1")),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            with("procedure_ids", json!([-1])),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            with("procedure_ids", json!([999])),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            with("start", json!("2026-11-25T09:07:00+09:00")),
            StatusCode::BAD_REQUEST,
            "not_offered",
        ),
        (
            with("start", json!("2026-11-28T09:00:00+09:00")),
            StatusCode::BAD_REQUEST,
            "not_offered",
        ),
        (
            with("start", json!("2026-11-20T09:00:00+09:00")),
            StatusCode::BAD_REQUEST,
            "not_offered",
        ),
        (
            with("start", json!("2027-06-01T09:00:00+09:00")),
            StatusCode::BAD_REQUEST,
            "not_offered",
        ),
        (
            with("start", json!("9999-11-25T09:00:00+09:00")),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            with("start", json!("tomorrow morning")),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            with("start", json!(12)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        ),
        (
            with("name", json!("")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        ),
        (
            with("name", json!("x".repeat(5_000))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        ),
        (
            with("name", json!("🙂🙂")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        ),
        (
            with("email", json!("not an address")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        ),
        (
            with("mode", json!("video")),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            with("mode", json!("online")),
            StatusCode::BAD_REQUEST,
            "not_offered",
        ),
        (
            with("mode", json!(true)),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (json!([1, 2]), StatusCode::BAD_REQUEST, "invalid_parameter"),
    ];
    for (body, status, code) in cases {
        let (s, answer) = app.post("/api/v1/appointments", body.clone()).await;
        assert_eq!(
            (s, answer["code"].as_str().unwrap_or("")),
            (status, code),
            "{body}: {answer}"
        );
        assert!(
            answer["message"].as_str().is_some_and(|m| m.len() > 10),
            "{answer}"
        );
    }
    assert_eq!(app.appointment_count().await, (0, 0));
    // Field problems are listed, in Japanese by default.
    let (_, answer) = app
        .post("/api/v1/appointments", with("phone", json!("12")))
        .await;
    assert_eq!(answer["fields"][0]["field"], "phone", "{answer}");
    // Online works where the procedure allows it.
    let (s, body) = app
        .post("/api/v1/appointments", {
            let mut v = visit(&[consult], nine, 2);
            v["mode"] = json!("online");
            v
        })
        .await;
    assert_eq!(
        (s, &body["mode"]),
        (StatusCode::CREATED, &json!("online")),
        "{body}"
    );
    app.finish().await;
}

/// 100 requests at once for a time two members can serve: exactly two win.
async fn last_times_contention(apps: &[&Running]) {
    let first = apps[0];
    let card = first.procedure(MYNUMBER).await;
    let nine = "2026-11-25T09:00:00+09:00";
    assert_eq!(first.remaining(card, nine).await, 2);
    let mut tasks = Vec::new();
    for n in 0..100 {
        let app = apps[n % apps.len()];
        let (client, base) = (app.client.clone(), app.base.clone());
        let body = visit(&[card], nine, 100 + n);
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(format!("{base}/api/v1/appointments"))
                .header("x-forwarded-for", format!("198.51.100.{n}"))
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            (status, res.json::<Value>().await.unwrap())
        }));
    }
    let mut created = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::CREATED => created.push(body),
            StatusCode::CONFLICT => assert_eq!(body["code"], "no_capacity", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created.len(), 2, "{created:?}");
    assert_eq!(first.appointment_count().await, (2, 2));
    assert_eq!(first.remaining(card, nine).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_requests_for_the_last_times_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    last_times_contention(&[&app]).await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_requests_for_the_last_times_on_postgres_across_two_servers() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    let second_store = store::Store::connect(&app.url()).await.unwrap();
    let other = common::spawn_on(second_store, app.clock.clone()).await;
    last_times_contention(&[&app, &other]).await;
    app.finish().await;
}
