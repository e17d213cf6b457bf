//! The booking flow end to end on the real router, on SQLite and
//! PostgreSQL: book, find and cancel over the API; the whole flow as a
//! browser without JavaScript does it; and the database's guarantee against
//! double booking under concurrent requests. What the rules refuse is in
//! `bookings_rules.rs`.

use crate::common;
use crate::common::fixtures::request;
use crate::common::{Running, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::testing::TestDb;

async fn book_find_cancel(app: &Running) {
    let (_, unit) = app.unit("会議室1").await;
    let free = app.free_slots("会議室1", "2026-12-01", "2026-12-20").await;
    let (start, end) = free[0].clone();
    let (status, body) = app
        .post("/api/v1/bookings", request(unit, &start, &end, 1))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let reference = body["reference"].as_str().unwrap().to_owned();
    assert_eq!(reference.len(), 8);
    assert!(!reference.contains(['0', 'O', '1', 'I', 'L']));
    assert_eq!(body["status"], "confirmed");
    assert_eq!(body["start"], start);
    let total = body["fee"]["total_yen"].as_i64().unwrap();
    assert!(total > 0);
    let lines = body["fee"]["lines"].as_array().unwrap();
    assert_eq!(
        lines
            .iter()
            .map(|l| l["amount_yen"].as_i64().unwrap())
            .sum::<i64>(),
        total
    );
    assert!(body["cancel_deadline"].as_str().unwrap() < start.as_str());
    assert_eq!(app.slot_status("会議室1", &start).await, "booked");

    // Found with the e-mail (any case) or the phone, not with another's.
    let (status, found) = app
        .json(&format!(
            "/api/v1/bookings/{reference}?email=HANAKO1@example.jp"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["reference"], reference.as_str());
    let (status, _) = app
        .json(&format!(
            "/api/v1/bookings/{}?phone=090-0000-0001",
            reference.to_lowercase()
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) = app
        .json(&format!(
            "/api/v1/bookings/{reference}?email=someone@example.jp"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["code"], "booking_not_found");

    // Cancel with the wrong proof: refused; with the right one: done, and free.
    let (status, _) = app
        .post(
            &format!("/api/v1/bookings/{reference}/cancel"),
            json!({"email": "someone@example.jp"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app
        .post(
            &format!("/api/v1/bookings/{reference}/cancel"),
            json!({"email": "hanako1@example.jp"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "cancelled");
    assert_eq!(app.slot_status("会議室1", &start).await, "free");
    let (status, body) = app
        .post(
            &format!("/api/v1/bookings/{reference}/cancel"),
            json!({"email": "hanako1@example.jp"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "already_cancelled");
}

#[tokio::test]
async fn book_find_and_cancel_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    book_find_cancel(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn book_find_and_cancel_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    book_find_cancel(&app).await;
    app.finish().await;
}

/// 200 requests for one slot at once: exactly one wins, the rest get a clean 409.
async fn same_slot_contention(apps: &[&Running]) {
    let first = apps[0];
    let (_, unit) = first.unit("会議室2").await;
    let (start, end) = first
        .free_slots("会議室2", "2026-12-01", "2026-12-20")
        .await[0]
        .clone();
    let before = first.booking_count().await;
    let mut tasks = Vec::new();
    for n in 0..200 {
        let app = apps[n % apps.len()];
        let (client, base) = (app.client.clone(), app.base.clone());
        let body = request(unit, &start, &end, 100 + n);
        tasks.push(tokio::spawn(async move {
            // Two hundred residents, each from their own address.
            let res = client
                .post(format!("{base}/api/v1/bookings"))
                .header("x-forwarded-for", format!("198.51.100.{}", n % 250))
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            (status, res.json::<Value>().await.unwrap())
        }));
    }
    let mut created = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => assert_eq!(body["code"], "slot_taken", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(first.booking_count().await, before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_requests_for_one_slot_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    same_slot_contention(&[&app]).await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_requests_for_one_slot_on_postgres_across_two_servers() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    // A second server process on the same database: its own pool and router.
    let second_store = store::Store::connect(&app.url()).await.unwrap();
    let other = common::spawn_on(second_store, app.clock.clone()).await;
    same_slot_contention(&[&app, &other]).await;
    app.finish().await;
}

/// The whole floor and a half, asked for at once, never both succeed; the
/// two halves together do.
async fn parent_and_child(app: &Running) {
    let (_, whole) = app.unit("体育館 全面").await;
    let (_, half_a) = app.unit("体育館 半面A").await;
    let (_, half_b) = app.unit("体育館 半面B").await;
    let free = app
        .free_slots("体育館 全面", "2026-12-01", "2027-01-20")
        .await;
    assert!(free.len() >= 8, "the demo leaves enough free floor");
    for (i, (start, end)) in free.iter().take(6).enumerate() {
        let a = app.post("/api/v1/bookings", request(whole, start, end, 1000 + 2 * i));
        let b = app.post(
            "/api/v1/bookings",
            request(half_a, start, end, 1001 + 2 * i),
        );
        let ((sa, ba), (sb, bb)) = tokio::join!(a, b);
        let wins = [sa, sb]
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        assert_eq!(wins, 1, "whole {sa} {ba}, half {sb} {bb}");
        let loser = if sa == StatusCode::CREATED { &bb } else { &ba };
        assert_eq!(loser["code"], "slot_taken");
    }
    let (start, end) = &free[7];
    let (sa, _) = app
        .post("/api/v1/bookings", request(half_a, start, end, 2001))
        .await;
    let (sb, _) = app
        .post("/api/v1/bookings", request(half_b, start, end, 2002))
        .await;
    assert_eq!((sa, sb), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(app.slot_status("体育館 全面", start).await, "booked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn whole_floor_and_half_never_both_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    parent_and_child(&app).await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn whole_floor_and_half_never_both_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    parent_and_child(&app).await;
    app.finish().await;
}

/// The whole resident flow as a browser without JavaScript does it: plain
/// form posts answered by redirects, pages rendered on the server.
mod without_javascript {
    use super::*;

    fn action_of<'a>(html: &'a str, marker: &str) -> &'a str {
        let at = html
            .find(marker)
            .unwrap_or_else(|| panic!("no {marker} in page"));
        let form = html[..at].rfind("<form").unwrap();
        let action = html[form..].find("action=\"").unwrap() + form + 8;
        let end = html[action..].find('"').unwrap() + action;
        &html[action..end]
    }

    fn first_href<'a>(html: &'a str, prefix: &str) -> &'a str {
        let at = html.find(&format!("href=\"{prefix}")).expect(prefix) + 6;
        let end = html[at..].find('"').unwrap() + at;
        &html[at..end]
    }

    fn hidden<'a>(html: &'a str, name: &str) -> &'a str {
        let at = html.find(&format!("name=\"{name}\" value=\"")).expect(name) + name.len() + 15;
        let end = html[at..].find('"').unwrap() + at;
        &html[at..end]
    }

    #[tokio::test]
    async fn book_fix_review_confirm_print_and_cancel() {
        let app = spawn(TestDb::sqlite().await).await;
        let (status, day) = app.page("/facilities/1/days/2026-12-08").await;
        assert_eq!(status, StatusCode::OK);
        let form_path = first_href(&day, "/facilities/1/book?unit=2").to_owned();
        let (status, form) = app.page(&form_path).await;
        assert_eq!(status, StatusCode::OK, "{form}");
        assert!(form.contains("予約の申込み"));
        let action = action_of(&form, "name=\"unit_id\"").to_owned();
        let (unit, start) = (
            hidden(&form, "unit_id").to_owned(),
            hidden(&form, "start").to_owned(),
        );
        // One period (a hidden end) or a choice of ends (the first is one period).
        let end = if form.contains("name=\"end\" value=") {
            hidden(&form, "end").to_owned()
        } else {
            let at = form.find("<option value=\"").unwrap() + 15;
            form[at..at + form[at..].find('"').unwrap()].to_owned()
        };
        let mut fields = vec![
            ("facility", "1"),
            ("unit_id", unit.as_str()),
            ("start", start.as_str()),
            ("end", end.as_str()),
            ("name", "山田 花子"),
            ("name_kana", "やまだ はなこ"),
            ("phone", "090-12"),
            ("email", "hanako@example.jp"),
            ("purpose", "町内会の会議"),
            ("attendees", "12"),
            ("resident", "true"),
        ];
        // A bad phone number: the form comes back with what to fix and the answers kept.
        let location = app.submit(&action, &fields).await;
        assert!(location.starts_with("/book/review?v="), "{location}");
        let (status, again) = app.page(&location).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.contains("市外局番から入力してください"), "{again}");
        assert!(again.contains("value=\"山田 花子\""));
        assert!(again.contains("aria-invalid=\"true\""));
        fields[6] = ("phone", "090-1234-5678");
        let location = app.submit(&action, &fields).await;
        let (status, review) = app.page(&location).await;
        assert_eq!(status, StatusCode::OK, "{review}");
        assert!(
            review.contains("内容の確認")
                && review.contains("円")
                && review.contains("キャンセル期限")
        );
        let confirm = action_of(&review, "name=\"version\"").to_owned();
        let version = hidden(&review, "version").to_owned();
        let location = app.submit(&confirm, &[("version", version.as_str())]).await;
        assert_eq!(location, "/book/done");
        let (status, done) = app.page("/book/done").await;
        assert_eq!(status, StatusCode::OK);
        let tag = done
            .find("data-testid=\"reference\"")
            .expect("reference shown");
        let at = done[tag..].find('>').unwrap() + tag + 1;
        let reference = done[at..at + 8].to_owned();
        assert!(done.contains("予約を受け付けました"));
        // The day view now shows it booked.
        let (_, day) = app.page("/facilities/1/days/2026-12-08").await;
        let link = format!("href=\"{form_path}\"");
        assert!(!day.contains(&link), "the slot is no longer offered");
        // The .ics is this session's to download, nobody else's.
        let ics = app
            .client
            .get(format!("{}/bookings/{reference}/booking.ics", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(ics.status(), StatusCode::OK);
        assert!(
            ics.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/calendar")
        );
        let body = ics.text().await.unwrap();
        assert!(body.contains("BEGIN:VEVENT") && body.contains(&reference));
        assert!(
            !body.contains("hanako@example.jp"),
            "no personal data in the file"
        );
        let stranger = reqwest::Client::new();
        let res = stranger
            .get(format!("{}/bookings/{reference}/booking.ics", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = stranger
            .get(format!("{}/bookings/{reference}", app.base))
            .send()
            .await
            .unwrap();
        let html = res.text().await.unwrap();
        assert!(
            !html.contains("hanako@example.jp") && !html.contains("山田"),
            "a stranger sees only the find form"
        );
        // Cancel, after one more question.
        let (status, page) = app.page(&format!("/bookings/{reference}/cancel")).await;
        assert_eq!(status, StatusCode::OK);
        let cancel = action_of(&page, "name=\"reference\"").to_owned();
        let location = app
            .submit(&cancel, &[("reference", reference.as_str())])
            .await;
        assert_eq!(location, format!("/bookings/{reference}?cancelled=1"));
        let (_, page) = app.page(&location).await;
        assert!(
            page.contains("取消済") && page.contains("予約を取り消しました"),
            "{page}"
        );
        let (_, day) = app.page("/facilities/1/days/2026-12-08").await;
        assert!(day.contains(&link), "free again");
        // A database that fails is a 503 for the file too, not "not found".
        sea_orm::ConnectionTrait::execute_unprepared(
            app.store.connection(),
            "DROP TABLE booking_equipment",
        )
        .await
        .unwrap();
        let res = app
            .client
            .get(format!("{}/bookings/{reference}/booking.ics", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(res.text().await.unwrap().contains("しばらくしてから"));
        app.finish().await;
    }

    #[tokio::test]
    async fn find_by_reference_and_contact_and_stale_or_foreign_requests() {
        let app = spawn(TestDb::sqlite().await).await;
        let (_, room) = app.unit("会議室1").await;
        let free = app.free_slots("会議室1", "2026-12-01", "2026-12-20").await;
        let (start, end) = free[0].clone();
        let (_, body) = app
            .post("/api/v1/bookings", request(room, &start, &end, 1))
            .await;
        let reference = body["reference"].as_str().unwrap().to_owned();
        let (start, end) = free[1].clone();
        let (_, find) = app.page("/bookings").await;
        let action = action_of(&find, "name=\"contact\"").to_owned();
        let location = app
            .submit(
                &action,
                &[("reference", &reference), ("contact", "nobody@example.jp")],
            )
            .await;
        let (_, page) = app.page(&location).await;
        assert!(page.contains("一致する予約が見つかりません"), "{page}");
        assert!(
            page.contains(&format!("value=\"{reference}\"")),
            "the reference is kept"
        );
        let location = app
            .submit(
                &action,
                &[
                    ("reference", &reference.to_lowercase()),
                    ("contact", "090-0000-0001"),
                ],
            )
            .await;
        assert_eq!(location, format!("/bookings/{reference}"));
        let (_, page) = app.page(&location).await;
        assert!(page.contains("hanako1@example.jp") && page.contains("予約確定"));
        // A unit of another facility posted to this facility's form: refused.
        let (_, form) = app
            .page(&format!(
                "/facilities/1/book?unit={room}&date={}&time={}",
                &start[..10],
                &start[11..16]
            ))
            .await;
        let review = action_of(&form, "name=\"unit_id\"").to_owned();
        let (_, ground) = app.unit("グラウンド").await;
        let location = app
            .submit(
                &review,
                &[
                    ("facility", "1"),
                    ("unit_id", &ground.to_string()),
                    ("start", &start),
                    ("end", &end),
                    ("name", "山田 花子"),
                    ("name_kana", "やまだ はなこ"),
                    ("phone", "090-1234-5678"),
                    ("email", "hanako@example.jp"),
                    ("purpose", "会議"),
                    ("attendees", "3"),
                    ("resident", "true"),
                ],
            )
            .await;
        let (status, _) = app.page(&location).await;
        assert!(status.is_client_error(), "{status}");
        app.finish().await;
    }
}
