//! A facility's bookings in the console, over HTTP against the real router
//! and a real database: approving, rejecting and marking bookings (with
//! audit entries and mail), logged looks at contact details, proxy bookings
//! outside the booking window, and the usage report.

use crate::common::browser::{browser, call, path, review};
use crate::common::fixtures::{
    audit_actions, book, booking_id, form_fields, pending_booking, people, signed_in, status_of,
};
use crate::common::{Running, spawn};
use reqwest::StatusCode;
use serde_json::Value;
use store::testing::TestDb;

#[tokio::test]
async fn managers_approve_reject_block_and_mark_with_audit_and_mail() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let (_, hall) = app.unit("大ホール").await;
    let first = pending_booking(&app, hall, 1).await;
    let second = pending_booking(&app, hall, 2).await;
    let decide = path::<app::console::api::DecideBooking>();

    let id = booking_id(&app, &first).await.to_string();
    let (_, location, _) = call(
        &app,
        &manager,
        decide,
        &[("id", &id), ("action", "approve")],
    )
    .await;
    assert_eq!(location, format!("/console/bookings/{id}"));
    assert_eq!(status_of(&app, &first).await, "confirmed");
    // Rejecting needs a reason; without one nothing changes.
    let id2 = booking_id(&app, &second).await.to_string();
    call(
        &app,
        &manager,
        decide,
        &[("id", &id2), ("action", "reject"), ("reason", " ")],
    )
    .await;
    assert_eq!(status_of(&app, &second).await, "pending");
    call(
        &app,
        &manager,
        decide,
        &[
            ("id", &id2),
            ("action", "reject"),
            ("reason", "行事と重なるため"),
        ],
    )
    .await;
    let rejected = app.store.booking(&second).await.unwrap().unwrap().row;
    assert_eq!(rejected.status.code(), "cancelled");
    assert!(rejected.rejected);
    // The time is free again.
    let again = book(
        &app,
        hall,
        &rejected.start_at.to_rfc3339(),
        &rejected.end_at.to_rfc3339(),
        3,
    )
    .await;
    assert_eq!(again["status"], "pending");

    // Marks: used and paid, then a no-show counted for the resident.
    let mark = path::<app::console::api::MarkBooking>();
    call(&app, &manager, mark, &[("id", &id), ("what", "paid")]).await;
    call(&app, &manager, mark, &[("id", &id), ("what", "no_show")]).await;
    let row = app.store.booking(&first).await.unwrap().unwrap().row;
    assert!(row.paid_at.is_some());
    assert_eq!(row.usage.map(|u| u.code()), Some("no_show"));
    assert_eq!(app.store.no_shows(1, &row.email, "").await.unwrap(), 1);

    // Looking at contact details is itself logged: a link cannot do it
    // (no audit row from a GET), the form's post does.
    let before = audit_actions(&app).await.len();
    let page = manager
        .get(format!("{}/console/bookings/{id}?contact=1", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("hanako1@example.jp"),
        "a GET shows no contact"
    );
    assert_eq!(audit_actions(&app).await.len(), before);
    call(
        &app,
        &manager,
        path::<app::console::api::RevealContact>(),
        &[("id", &id)],
    )
    .await;
    let page = manager
        .get(format!("{}/console/bookings/{id}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("hanako1@example.jp"), "{page}");
    let again = manager
        .get(format!("{}/console/bookings/{id}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !again.contains("hanako1@example.jp"),
        "shown once per logged look"
    );
    let actions = audit_actions(&app).await;
    for action in [
        "booking.approve",
        "booking.reject",
        "booking.paid",
        "booking.usage",
        "contact.view",
    ] {
        assert!(
            actions
                .iter()
                .any(|(a, t)| a == action && t.starts_with("booking:")),
            "{action} missing from {actions:?}"
        );
    }
    // Residents hear of it, Japanese first then English.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mails = app.store.outbox(1, 50).await.unwrap();
    let approval = mails
        .iter()
        .find(|m| m.subject.contains(&first) && m.subject.starts_with("予約が承認されました"))
        .expect("approval mail");
    assert!(approval.body.find("受付番号").unwrap() < approval.body.find("Reference").unwrap());
    assert!(
        approval
            .ics
            .as_deref()
            .is_some_and(|i| i.contains("BEGIN:VEVENT"))
    );
    let rejection = mails
        .iter()
        .find(|m| m.subject.contains(&second) && m.subject.starts_with("仮予約は承認"))
        .unwrap();
    assert!(rejection.body.contains("行事と重なるため"));
    app.finish().await;
}

/// The first slot of a facility-1 unit without approval that is not open
/// for booking yet.
async fn slot_not_yet_open(app: &Running) -> (String, String, String) {
    let (_, body) = app
        .json("/api/v1/facilities/1/availability?from=2027-06-01&to=2027-06-30")
        .await;
    for u in body["units"].as_array().unwrap() {
        if let Some(s) = u["slots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["status"] == "not_yet_open")
        {
            return (
                u["id"].as_i64().unwrap().to_string(),
                s["start"].as_str().unwrap().to_owned(),
                s["end"].as_str().unwrap().to_owned(),
            );
        }
    }
    panic!("no slot of facility 1 is not yet open in June 2027");
}

#[tokio::test]
async fn proxy_bookings_leave_the_window_only_with_a_written_reason() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let (unit, start, end) = slot_not_yet_open(&app).await;

    // A resident cannot, whatever the form says.
    let resident = browser();
    let v = review(
        &app,
        &resident,
        &form_fields(&unit, &start, &end, "r@example.jp", "急ぎです"),
    )
    .await;
    assert!(v["Form"]["notice"].is_string(), "{v}");
    assert!(v.get("Review").is_none(), "{v}");

    // The manager of the facility is asked why…
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let v = review(
        &app,
        &manager,
        &form_fields(&unit, &start, &end, "r@example.jp", ""),
    )
    .await;
    let errors = v["Form"]["errors"].as_array().expect("the form again");
    assert_eq!(errors.len(), 1, "{v}");
    assert_eq!(errors[0]["field"], "override_reason");
    assert!(
        errors[0]["message"].as_str().unwrap().contains("理由"),
        "{v}"
    );
    // …and books with the reason, which the review shows.
    let reason = "電話で申込み。受付開始前だが町の行事のため";
    let v = review(
        &app,
        &manager,
        &form_fields(&unit, &start, &end, "r@example.jp", reason),
    )
    .await;
    assert_eq!(v["Review"]["override_reason"], reason, "{v}");
    let version = v["Review"]["version"].to_string();
    let (_, location, body) = call(
        &app,
        &manager,
        path::<app::booking::api::ConfirmBooking>(),
        &[("version", &version)],
    )
    .await;
    assert_eq!(location, "/book/done", "{body}");
    let (_, _, done) = call(&app, &manager, path::<app::booking::api::GetDone>(), &[]).await;
    let done: Value = serde_json::from_str(&done).unwrap();
    let reference = done["reference"].as_str().unwrap();
    let row = app.store.booking(reference).await.unwrap().unwrap().row;
    assert_eq!(row.override_reason.as_deref(), Some(reason));
    let manager_id = app
        .store
        .account_by_email(1, "manager1@town.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(row.created_by_staff_id, Some(manager_id));
    let audit = app
        .store
        .audit_entries(1, &store::AuditFilter::default(), 100)
        .await
        .unwrap();
    let proxy = audit
        .iter()
        .find(|e| e.action == "booking.proxy")
        .expect("the proxy booking is audited");
    assert_eq!(proxy.target, format!("booking:{}", row.id));
    assert!(proxy.actor.contains("manager1@town.example"));
    assert!(proxy.after.as_deref().unwrap().contains(reason));

    // A manager of another facility is a member of the public here.
    let other = signed_in(&app, "manager2@town.example", &p).await;
    let (unit2, start2, end2) = slot_not_yet_open(&app).await;
    let v = review(
        &app,
        &other,
        &form_fields(&unit2, &start2, &end2, "s@example.jp", reason),
    )
    .await;
    assert!(v.get("Review").is_none(), "{v}");
    app.finish().await;
}

/// The report's December cell of a unit and December's fee totals.
async fn december(app: &Running, c: &reqwest::Client, unit: &str) -> (f64, i64, i64, i64) {
    let (status, _, body) = call(
        app,
        c,
        path::<app::console::api::GetUsageReport>(),
        &[("facility", "1"), ("month", "2026-12")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let r: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(r["months"].as_array().unwrap().len(), 6);
    assert_eq!(r["months"][5], "2026年12月");
    let row = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["unit"] == unit)
        .unwrap();
    let cell = &row["cells"][5];
    let used: f64 = cell["hours"]
        .as_str()
        .unwrap()
        .split('時')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    (
        used,
        cell["per_mille"].as_i64().unwrap(),
        r["fees"][5]["charged_yen"].as_i64().unwrap(),
        r["fees"][5]["received_yen"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn the_usage_report_shows_occupancy_and_fees_per_month() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let (used0, rate0, charged0, received0) = december(&app, &manager, "和室").await;

    let (_, room) = app.unit("和室").await;
    let (start, end) = app.free_slot(1, room, 0).await;
    let b = book(&app, room, &start, &end, 1).await;
    let fee = b["fee"]["total_yen"].as_i64().unwrap();
    // A cancelled booking counts for nothing.
    let (start2, end2) = app.free_slot(1, room, 0).await;
    let cancelled = book(&app, room, &start2, &end2, 2).await;
    let record = app
        .store
        .booking(cancelled["reference"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    app.store
        .cancel_booking(
            domain::ids::BookingId(record.row.id),
            app.now(),
            &store::outbox::no_mail,
        )
        .await
        .unwrap();

    let slot_hours = (chrono::DateTime::parse_from_rfc3339(&end).unwrap()
        - chrono::DateTime::parse_from_rfc3339(&start).unwrap())
    .num_minutes() as f64
        / 60.0;
    let (used1, rate1, charged1, received1) = december(&app, &manager, "和室").await;
    assert_eq!(used1, used0 + slot_hours);
    assert!(rate1 > rate0, "{rate0} → {rate1}");
    assert_eq!(charged1, charged0 + fee);
    assert_eq!(received1, received0);

    // Once the fee is received, the report says so.
    let id = booking_id(&app, b["reference"].as_str().unwrap())
        .await
        .to_string();
    call(
        &app,
        &manager,
        path::<app::console::api::MarkBooking>(),
        &[("id", &id), ("what", "paid")],
    )
    .await;
    let (_, _, _, received2) = december(&app, &manager, "和室").await;
    assert_eq!(received2, received0 + fee);
    // A bad month says what to fix.
    let (status, _, body) = call(
        &app,
        &manager,
        path::<app::console::api::GetUsageReport>(),
        &[("facility", "1"), ("month", "2026-13")],
    )
    .await;
    // (Server functions answer errors as 500 with the typed error, which
    // the page shows translated.)
    assert!(!status.is_success());
    assert!(body.contains("month_format"), "{body}");
    app.finish().await;
}
