//! A visit appointment (来庁予約) once booked, on the real router: found
//! with its reference and contact, moved and cancelled, over the JSON API
//! and as a browser without JavaScript does it (search, the procedure's
//! page, the contact form, the appointment page and its calendar file).
//! Booking itself, capacity and bad input are in `appointments.rs`.
//!
//! The test clock is Sunday 2026-11-22 10:00 JST; on Wednesday 11/25 two
//! members hand out My Number cards at 9:00 and 10:00.

use crate::common::browser::{browser, ok_page, redirect_from};
use crate::common::fixtures::{MOVING_IN, MYNUMBER, visit};
use crate::common::spawn;
use reqwest::StatusCode;
use serde_json::json;
use store::testing::TestDb;

#[tokio::test]
async fn book_find_move_and_cancel_an_appointment() {
    let app = spawn(TestDb::sqlite().await).await;
    let card = app.procedure(MYNUMBER).await;
    let nine = "2026-11-25T09:00:00+09:00";
    let ten = "2026-11-25T10:00:00+09:00";
    let (status, body) = app
        .post("/api/v1/appointments", visit(&[card], nine, 1))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let reference = body["reference"].as_str().unwrap().to_owned();
    assert!(
        reference.len() == 8 && !reference.contains(['0', 'O', '1', 'I', 'L']),
        "{reference}"
    );
    assert_eq!(body["status"], "booked");
    assert_eq!(
        body["items"],
        json!([{"procedure_id": card, "procedure": MYNUMBER, "start": nine, "end": "2026-11-25T09:30:00+09:00"}])
    );
    assert!(
        body["documents"]
            .as_array()
            .unwrap()
            .contains(&json!("交付通知書（はがき）"))
    );
    assert_eq!(
        app.remaining(card, nine).await,
        1,
        "one of two members taken"
    );

    // Found with the e-mail or the phone; a wrong contact reads as unknown.
    let (s, found) = app
        .json(&format!(
            "/api/v1/appointments/{reference}?email=VISITOR1@example.jp"
        ))
        .await;
    assert_eq!(
        (s, &found["reference"]),
        (StatusCode::OK, &json!(reference))
    );
    let (s, _) = app
        .json(&format!(
            "/api/v1/appointments/{}?phone=090-0000-0001",
            reference.to_lowercase()
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    for path in [
        format!("/api/v1/appointments/{reference}?email=someone@example.jp"),
        format!("/api/v1/appointments/{reference}"),
        "/api/v1/appointments/ZZZZZZZZ?email=visitor1@example.jp".to_owned(),
    ] {
        let (s, body) = app.json(&path).await;
        assert_eq!(
            (s, &body["code"]),
            (StatusCode::NOT_FOUND, &json!("appointment_not_found")),
            "{path}"
        );
    }

    // Moved to 10:00: 9:00 frees up, 10:00 fills.
    let (s, moved) = app
        .post(
            &format!("/api/v1/appointments/{reference}/reschedule"),
            json!({"email": "visitor1@example.jp", "start": ten}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{moved}");
    assert_eq!(moved["items"][0]["start"], ten);
    assert_eq!(moved["reference"], json!(reference));
    assert_eq!(app.remaining(card, nine).await, 2);
    assert_eq!(app.remaining(card, ten).await, 1);
    // Not to a time that is not offered.
    let (s, body) = app
        .post(
            &format!("/api/v1/appointments/{reference}/reschedule"),
            json!({"email": "visitor1@example.jp", "start": "2026-11-25T12:15:00+09:00"}),
        )
        .await;
    assert_eq!(
        (s, &body["code"]),
        (StatusCode::BAD_REQUEST, &json!("not_offered"))
    );

    let (s, cancelled) = app
        .post(
            &format!("/api/v1/appointments/{reference}/cancel"),
            json!({"phone": "09000000001"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(
        app.remaining(card, ten).await,
        2,
        "a cancelled one holds no time"
    );
    let (s, again) = app
        .post(
            &format!("/api/v1/appointments/{reference}/cancel"),
            json!({"phone": "09000000001"}),
        )
        .await;
    assert_eq!(
        (s, &again["code"]),
        (StatusCode::CONFLICT, &json!("already_cancelled"))
    );
    let (s, _) = app
        .post(
            &format!("/api/v1/appointments/{reference}/reschedule"),
            json!({"email": "visitor1@example.jp", "start": nine}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "a cancelled one cannot move");
    app.finish().await;
}

#[tokio::test]
async fn the_visit_pages_work_without_javascript() {
    use app::visits::api as v;
    use leptos::server_fn::ServerFn;
    let app = spawn(TestDb::sqlite().await).await;
    let c = browser();
    // Search in katakana finds the hiragana reading; life events filter.
    let html = ok_page(&app, &c, "/visits?q=%E3%83%92%E3%83%83%E3%82%B3%E3%82%B7").await; // ヒッコシ
    assert!(
        html.contains(MOVING_IN) && !html.contains("納税相談"),
        "search by reading"
    );
    let html = ok_page(&app, &c, "/visits?event=tax").await;
    assert!(
        html.contains("納税相談") && !html.contains(MOVING_IN),
        "life event"
    );
    let html = ok_page(&app, &c, "/visits?q=zzzz").await;
    assert!(html.contains("見つかりませんでした"));

    // The procedure with what to bring, and the day's free times as links.
    let card = app.procedure(MYNUMBER).await;
    let html = ok_page(
        &app,
        &c,
        &format!("/visits/procedures/{card}?date=2026-11-25"),
    )
    .await;
    assert!(html.contains("交付通知書（はがき）"), "what to bring");
    assert!(
        html.contains(&format!("/visits/book?p={card}&amp;start=2026-11-25T09:00")),
        "{html}"
    );
    let html = ok_page(
        &app,
        &c,
        &format!("/visits/procedures/{card}?date=2026-11-23"),
    )
    .await;
    assert!(html.contains("祝日は窓口が休みです"), "a holiday says so");

    // Contact form: a mistake comes back next to its field, answers kept.
    let book = <v::BookVisit as ServerFn>::PATH;
    let start = "2026-11-25T09:00";
    let ids = card.to_string();
    let mut fields = vec![
        ("ids", ids.as_str()),
        ("start", start),
        ("name", "山田 花子"),
        ("name_kana", "やまだ はなこ"),
        ("phone", "12"),
        ("email", "hanako@example.jp"),
    ];
    let back = redirect_from(&app, &c, "/visits", book, &fields).await;
    assert!(back.starts_with("/visits/book?"), "{back}");
    let html = ok_page(&app, &c, &back).await;
    assert!(
        html.contains("aria-invalid=\"true\"") && html.contains("山田 花子"),
        "{html}"
    );
    assert_eq!(app.appointment_count().await, (0, 0));
    fields[4] = ("phone", "090-1234-5678");
    let done = redirect_from(&app, &c, "/visits", book, &fields).await;
    let reference = done
        .strip_prefix("/visits/appointments/")
        .and_then(|r| r.strip_suffix("?new=1"))
        .unwrap_or_else(|| panic!("{done}"))
        .to_owned();
    let html = ok_page(&app, &c, &done).await;
    assert!(
        html.contains(&reference) && html.contains("<svg"),
        "reference and its QR code"
    );
    assert!(html.contains("予約済") && html.contains("交付通知書（はがき）"));
    assert!(
        !done.contains("hanako") && !done.contains("1234"),
        "no personal data in the address"
    );
    let ics = c
        .get(format!(
            "{}/visits/appointments/{reference}/visit.ics",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(ics.status(), StatusCode::OK);
    let ics = ics.text().await.unwrap();
    assert!(
        ics.contains("BEGIN:VEVENT") && ics.contains(&reference),
        "{ics}"
    );

    // Another browser sees only the find form, and no calendar file.
    let other = browser();
    let html = ok_page(&app, &other, &format!("/visits/appointments/{reference}")).await;
    assert!(
        !html.contains("交付通知書") && html.contains("受付番号"),
        "find form only"
    );
    let res = other
        .get(format!(
            "{}/visits/appointments/{reference}/visit.ics",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // A wrong contact is refused; the right one opens it.
    let find = <v::FindVisit as ServerFn>::PATH;
    let back = redirect_from(
        &app,
        &other,
        "/visits",
        find,
        &[("reference", &reference), ("contact", "x@example.jp")],
    )
    .await;
    assert!(
        ok_page(&app, &other, &back)
            .await
            .contains("見つかりません")
    );
    let there = redirect_from(
        &app,
        &other,
        "/visits",
        find,
        &[
            ("reference", &reference.to_lowercase()),
            ("contact", "09012345678"),
        ],
    )
    .await;
    assert_eq!(there, format!("/visits/appointments/{reference}"));

    // Move to 10:00, then cancel, from that browser.
    let moved = redirect_from(
        &app,
        &other,
        "/visits",
        <v::MoveVisit as ServerFn>::PATH,
        &[("reference", &reference), ("start", "2026-11-25T10:00")],
    )
    .await;
    let html = ok_page(&app, &other, &moved).await;
    assert!(
        html.contains("日時を変更しました") && html.contains("10:00–10:30"),
        "{html}"
    );
    assert_eq!(app.remaining(card, "2026-11-25T09:00:00+09:00").await, 2);
    redirect_from(
        &app,
        &other,
        "/visits",
        <v::CancelVisit as ServerFn>::PATH,
        &[("reference", &reference)],
    )
    .await;
    let html = ok_page(&app, &other, &moved).await;
    assert!(html.contains("予約を取り消しました") && html.contains("取消済"));
    assert_eq!(app.remaining(card, "2026-11-25T10:00:00+09:00").await, 2);
    // The first browser cannot move someone else's (or a cancelled) visit.
    let stranger = browser();
    let res = stranger
        .post(format!("{}{}", app.base, <v::MoveVisit as ServerFn>::PATH))
        .header("referer", format!("{}/visits", app.base))
        .form(&[
            ("reference", reference.as_str()),
            ("start", "2026-11-25T11:00"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        !res.status().is_success() && !res.status().is_redirection(),
        "{}",
        res.status()
    );
    app.finish().await;
}
