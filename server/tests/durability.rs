//! Nothing lost: bookings and visit appointments whose confirmation reached
//! the client survive a `kill -9` of the real server binary right after, on
//! SQLite (WAL with `synchronous=FULL`).

use crate::common;
use serde_json::{Value, json};

use crate::common::{free_port, wait_ready};

fn start(db_url: &str, port: u16) -> std::process::Child {
    common::start_binary(db_url, port, &[])
}

#[tokio::test]
async fn confirmed_bookings_survive_kill_dash_nine() {
    let dir = std::env::temp_dir().join(format!("town_kill_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db_url = format!("sqlite://{}/town.db", dir.display());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut server = start(&db_url, port);
    wait_ready(&client, &base).await;

    // Free slots of every unit of the centre over the coming weeks (real clock).
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today + chrono::Days::new(10), today + chrono::Days::new(40));
    let avail: Value = client
        .get(format!(
            "{base}/api/v1/facilities/1/availability?from={from}&to={to}"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut wanted = Vec::new();
    for unit in avail["units"].as_array().unwrap().iter().skip(1) {
        for s in unit["slots"].as_array().unwrap() {
            if s["status"] == "free" && wanted.len() < 12 {
                wanted.push((unit["id"].clone(), s["start"].clone(), s["end"].clone()));
            }
        }
    }
    assert!(wanted.len() >= 10, "enough free slots to test with");

    let mut confirmed = Vec::new();
    for (n, (unit, start, end)) in wanted.into_iter().enumerate() {
        let res = client
            .post(format!("{base}/api/v1/bookings"))
            .json(&json!({
                "unit_id": unit, "start": start, "end": end,
                "name": "山田 花子", "name_kana": "やまだ はなこ",
                "phone": format!("090-1111-{n:04}"), "email": format!("kill{n}@example.jp"),
                "purpose": "耐久試験", "attendees": 5, "resident": true, "equipment": []
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        confirmed.push((body["reference"].as_str().unwrap().to_owned(), n));
    }
    // The last confirmation is in hand: kill -9 at once.
    server.kill().unwrap();
    server.wait().unwrap();

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(&db_url, port);
    wait_ready(&client, &base).await;
    for (reference, n) in &confirmed {
        let res = client
            .get(format!(
                "{base}/api/v1/bookings/{reference}?email=kill{n}@example.jp"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::OK, "{reference} lost");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], "confirmed");
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn confirmed_appointments_survive_kill_dash_nine() {
    let dir = std::env::temp_dir().join(format!("town_kill_visits_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db_url = format!("sqlite://{}/town.db", dir.display());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut server = start(&db_url, port);
    wait_ready(&client, &base).await;

    // Free start times of 住民票の写し over the coming weeks (real clock).
    let procedures: Value = client
        .get(format!("{base}/api/v1/procedures"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = procedures
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "住民票の写し")
        .and_then(|p| p["id"].as_i64())
        .unwrap();
    let today = chrono::Utc::now().date_naive();
    let mut wanted = Vec::new();
    for n in 3..30 {
        let date = today + chrono::Days::new(n);
        let day: Value = client
            .get(format!(
                "{base}/api/v1/procedures/{id}/availability?date={date}"
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for t in day["times"].as_array().unwrap().iter().step_by(3) {
            if wanted.len() < 10 {
                wanted.push(t["start"].as_str().unwrap().to_owned());
            }
        }
    }
    assert!(wanted.len() >= 10, "enough free times to test with");

    let mut confirmed = Vec::new();
    for (n, start) in wanted.into_iter().enumerate() {
        let res = client
            .post(format!("{base}/api/v1/appointments"))
            .json(&json!({
                "procedure_ids": [id], "start": start,
                "name": "山田 花子", "name_kana": "やまだ はなこ",
                "phone": format!("090-2222-{n:04}"), "email": format!("visit{n}@example.jp"),
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        confirmed.push((body["reference"].as_str().unwrap().to_owned(), n));
    }
    // The last confirmation is in hand: kill -9 at once.
    server.kill().unwrap();
    server.wait().unwrap();

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(&db_url, port);
    wait_ready(&client, &base).await;
    for (reference, n) in &confirmed {
        let res = client
            .get(format!(
                "{base}/api/v1/appointments/{reference}?email=visit{n}@example.jp"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::OK, "{reference} lost");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], "booked");
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
