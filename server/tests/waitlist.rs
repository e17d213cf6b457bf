//! The waiting list (キャンセル待ち) over HTTP on SQLite and PostgreSQL, as a
//! browser without JavaScript uses it: the taken cell's link, the form in
//! waiting mode, joining from the review, the place in line (only for the
//! browser that joined), the time offered when its booking is cancelled
//! (held, not free), the offer's mail, and the offer taken from the
//! booking's page.

use crate::common::browser::{browser, call, path, review, sfn};
use crate::common::fixtures::*;
use crate::common::*;
use app::booking::api as b;
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::testing::TestDb;

/// The mails in the outbox to `to`, subjects first.
async fn mails_to(app: &Running, to: &str) -> Vec<(String, String)> {
    app.store
        .outbox(1, 200)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to_addr == to)
        .map(|m| (m.subject, m.body))
        .collect()
}

/// Joins the waiting list for the unit named `name` at `start`–`end`
/// through the form, as `email`; the place's reference.
async fn join(app: &Running, name: &str, start: &str, end: &str, email: &str) -> String {
    let c = browser();
    let (facility, unit) = app.unit(name).await;
    let (f, u) = (facility.to_string(), unit.to_string());
    let mut fields = booking_form(&u, start, end, email);
    fields[0] = ("facility", &f);
    fields.push(("wait", "1"));
    let v = review(app, &c, &fields).await;
    let version = v["Form"]["wait"]["join"][1].to_string();
    let (_, location, _) = call(app, &c, path::<b::JoinWaitlist>(), &[("version", &version)]).await;
    location
        .strip_prefix("/waitlist/")
        .unwrap_or_else(|| panic!("{location} {v}"))
        .to_owned()
}

async fn waiting_list(app: &Running) {
    let (facility, unit) = app.unit("会議室1").await;
    let (start, end) = app.free_slot(facility, unit, 0).await;
    let taken = book(app, unit, &start, &end, 1).await;
    let date = &start[..10];

    // The taken cell links to the form in waiting mode.
    let (status, day) = app
        .page(&format!("/facilities/{facility}/days/{date}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        day.contains("wait=1") && day.contains("キャンセル待ち"),
        "{day}"
    );
    let time = &start[11..16];
    let form = sfn(
        app,
        &app.client,
        path::<b::GetBookingForm>(),
        &[
            ("facility", &facility.to_string()),
            ("unit", &unit.to_string()),
            ("date", date),
            ("time", time),
            ("wait", "1"),
        ],
    )
    .await;
    assert!(
        form["wait"]["lead"].as_str().unwrap().contains("予約済み"),
        "{form}"
    );
    assert!(form["equipment"].as_array().unwrap().is_empty(), "{form}");
    assert!(!form["ends"].as_array().unwrap().is_empty(), "{form}");

    // The review finds it taken and offers the line.
    let c = browser();
    let u = unit.to_string();
    let mut fields = booking_form(&u, &start, &end, "waiter@example.jp");
    fields.push(("wait", "1"));
    let v = review(app, &c, &fields).await;
    let join = &v["Form"]["wait"]["join"];
    assert!(join[0].as_str().unwrap().contains("キャンセル待ち"), "{v}");
    let version = join[1].to_string();
    let (_, location, body) =
        call(app, &c, path::<b::JoinWaitlist>(), &[("version", &version)]).await;
    let reference = location
        .strip_prefix("/waitlist/")
        .unwrap_or_else(|| panic!("{location} {body}"))
        .to_owned();
    let page = sfn(
        app,
        &c,
        path::<b::GetWaitPage>(),
        &[("reference", &reference)],
    )
    .await;
    assert!(page["lead"].as_str().unwrap().contains("1 番目"), "{page}");
    assert!(
        page["flash"].as_str().unwrap().contains("登録しました"),
        "{page}"
    );
    assert!(page["withdraw"].is_string(), "{page}");
    let joined = mails_to(app, "waiter@example.jp").await;
    assert_eq!(joined.len(), 1);
    assert!(joined[0].0.contains("キャンセル待ちを受け付けました"));
    assert!(joined[0].1.contains(&reference) && joined[0].1.contains("1 番目"));

    // Nobody else sees the place in line; the owner's contact finds it.
    let stranger = browser();
    let (status, _, _) = call(
        app,
        &stranger,
        path::<b::GetWaitPage>(),
        &[("reference", &reference)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, location, _) = call(
        app,
        &stranger,
        path::<b::FindBooking>(),
        &[("reference", &reference), ("contact", "waiter@example.jp")],
    )
    .await;
    assert_eq!(location, format!("/waitlist/{reference}"));
    sfn(
        app,
        &stranger,
        path::<b::GetWaitPage>(),
        &[("reference", &reference)],
    )
    .await;

    // Joining twice is refused with what to do, on the form.
    let v = review(app, &c, &fields).await;
    let version = v["Form"]["wait"]["join"][1].to_string();
    call(app, &c, path::<b::JoinWaitlist>(), &[("version", &version)]).await;
    let v = sfn(app, &c, path::<b::GetReview>(), &[]).await;
    assert!(
        v["Form"]["notice"].as_str().unwrap().contains("すでに登録"),
        "{v}"
    );

    // Staff see who waits on the booking's page (the count, no names).
    let p = people(app).await;
    let manager = signed_in(app, "manager1@town.example", &p).await;
    let staff_page = |id: i64| {
        let manager = manager.clone();
        async move {
            sfn(
                app,
                &manager,
                path::<app::console::api::GetStaffBooking>(),
                &[("id", &id.to_string())],
            )
            .await
        }
    };
    let taken_id = booking_id(app, taken["reference"].as_str().unwrap()).await;
    let page = staff_page(taken_id).await;
    assert!(
        page["waitlist"][1].as_str().unwrap().contains("1 件"),
        "{page}"
    );

    // The booking is cancelled: the time is held for the waiter, not free.
    let (status, body) = app
        .post(
            &format!(
                "/api/v1/bookings/{}/cancel",
                taken["reference"].as_str().unwrap()
            ),
            json!({"email": "hanako1@example.jp"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.slot_status("会議室1", &start).await, "booked");
    let (status, _) = app
        .post("/api/v1/bookings", request(unit, &start, &end, 7))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The round mails the offer, once.
    assert_eq!(app.state.waitlist_round().await.unwrap(), 1);
    assert_eq!(app.state.waitlist_round().await.unwrap(), 0);
    let offered = mails_to(app, "waiter@example.jp").await;
    assert_eq!(offered.len(), 2);
    let (_, body) = offered
        .iter()
        .find(|(s, _)| s.contains("キャンセル待ちの枠が空きました"))
        .unwrap_or_else(|| panic!("{offered:?}"));
    assert!(
        body.contains("確定の期限") && body.contains("Confirm by"),
        "{body}"
    );

    // The place's page leads to the booking held; its page offers to confirm.
    let page = sfn(
        app,
        &c,
        path::<b::GetWaitPage>(),
        &[("reference", &reference)],
    )
    .await;
    let href = page["offer"][1]
        .as_str()
        .unwrap_or_else(|| panic!("{page}"));
    let held = href.rsplit('/').next().unwrap().to_owned();
    let detail = sfn(
        app,
        &c,
        path::<b::GetBookingPage>(),
        &[("reference", &held)],
    )
    .await;
    assert!(
        detail["offer"]["notice"]
            .as_str()
            .unwrap()
            .contains("お取り置き"),
        "{detail}"
    );
    assert_eq!(detail["status"], "pending");
    // Staff see it as an offer, not a request to approve.
    let page = staff_page(booking_id(app, &held).await).await;
    assert!(
        page["waitlist"][1].as_str().unwrap().contains("ご案内中"),
        "{page}"
    );
    assert_eq!(page["can_approve"], false);
    let (_, location, _) = call(app, &c, path::<b::AcceptOffer>(), &[("reference", &held)]).await;
    assert_eq!(location, format!("/bookings/{held}?taken=1"));
    let detail = sfn(
        app,
        &c,
        path::<b::GetBookingPage>(),
        &[("reference", &held)],
    )
    .await;
    assert_eq!(detail["status"], "confirmed", "{detail}");
    assert!(detail["offer"].is_null());
    let page = sfn(
        app,
        &c,
        path::<b::GetWaitPage>(),
        &[("reference", &reference)],
    )
    .await;
    assert!(page["withdraw"].is_null(), "{page}");
    assert!(
        mails_to(app, "waiter@example.jp")
            .await
            .iter()
            .any(|(s, _)| s.contains("予約を受け付けました"))
    );
}

#[tokio::test]
async fn waiting_list_over_http_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    waiting_list(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn waiting_list_over_http_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    waiting_list(&app).await;
    app.finish().await;
}

/// Two halves of the gym, booked, cancelled at the same moment through two
/// server processes on one database. In line: A for the whole floor, then
/// B for half A and C for half B. Each cancellation offers its own half to
/// the one waiting for it; A never gets the floor while the other half is
/// still held (or already offered).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_cancellations_across_two_servers_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    let second_store = store::Store::connect(&app.url()).await.unwrap();
    let other = spawn_on(second_store, app.clock.clone()).await;
    let (_, half_a) = app.unit("体育館 半面A").await;
    let (_, half_b) = app.unit("体育館 半面B").await;
    let free = app
        .free_slots("体育館 全面", "2026-12-01", "2027-01-20")
        .await;
    let (start, end) = &free[0];
    let x = book(&app, half_a, start, end, 1).await;
    let y = book(&app, half_b, start, end, 2).await;
    let a = join(&app, "体育館 全面", start, end, "a@example.jp").await;
    let b_ = join(&app, "体育館 半面A", start, end, "b@example.jp").await;
    let c = join(&other, "体育館 半面B", start, end, "c@example.jp").await;
    let cancel = |server: &Running, booking: &Value, n: usize| {
        let path = format!(
            "/api/v1/bookings/{}/cancel",
            booking["reference"].as_str().unwrap()
        );
        let body = json!({"email": format!("hanako{n}@example.jp")});
        let server = server.base.clone();
        async move {
            let res = reqwest::Client::new()
                .post(format!("{server}{path}"))
                .header("origin", &server)
                .json(&body)
                .send()
                .await
                .unwrap();
            res.status()
        }
    };
    let (s1, s2) = tokio::join!(cancel(&app, &x, 1), cancel(&other, &y, 2));
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    let state = |r: String| {
        let store = app.store.clone();
        async move { store.wait_entry(&r).await.unwrap().unwrap() }
    };
    assert_eq!(state(a).await.state, domain::status::WaitState::Waiting);
    for (r, email) in [(b_, "b@example.jp"), (c, "c@example.jp")] {
        let e = state(r).await;
        assert_eq!(e.state, domain::status::WaitState::Offered);
        let held = app
            .store
            .booking_row(e.booking_id.unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(held.email, email);
    }
    assert_eq!(app.slot_status("体育館 全面", start).await, "booked");
    other.finish().await;
    app.finish().await;
}
