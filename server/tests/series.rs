//! A booking as a series (定期利用) over HTTP on SQLite and PostgreSQL, as
//! a browser without JavaScript uses it: the form's series fields, what to
//! fix in them, the review of every date (which cannot be booked and why),
//! booking only the free dates, one mail, every date visible to the browser
//! that booked it and to nobody else, the managers' timeline marking the
//! dates as a series, and cancelling this date and the later ones.

use crate::common::browser::{browser, call, path, review, sfn};
use crate::common::fixtures::*;
use crate::common::*;
use app::booking::api as b;
use reqwest::StatusCode;
use serde_json::Value;
use store::testing::TestDb;

fn plus_days(date: &str, days: i64) -> String {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    (d + chrono::Duration::days(days)).to_string()
}

async fn series(app: &Running) {
    let p = people(app).await;
    let (facility, unit) = app.unit("会議室1").await;
    let (start, end) = app.free_slot(facility, unit, 0).await;
    let date = &start[..10];
    // Someone else holds the same time a week later.
    let week_later = |t: &str| format!("{}{}", plus_days(&t[..10], 7), &t[10..]);
    book(app, unit, &week_later(&start), &week_later(&end), 7).await;

    // The form offers the series fields, the first date's weekday ticked.
    let form = sfn(
        app,
        &app.client,
        path::<b::GetBookingForm>(),
        &[
            ("facility", &facility.to_string()),
            ("unit", &unit.to_string()),
            ("date", date),
            ("time", &start[11..16]),
        ],
    )
    .await;
    let s = &form["series"];
    assert_eq!(s["legend"], "くり返し予約（定期利用）", "{form}");
    let weekday = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .unwrap()
        .format("%u")
        .to_string();
    let ticked: Vec<&Value> = s["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d[2] == true)
        .collect();
    assert_eq!(ticked.len(), 1);
    assert_eq!(ticked[0][0], weekday.as_str());

    // What to fix in the series fields, in words, next to them.
    let c = browser();
    let u = unit.to_string();
    let mut fields = booking_form(&u, &start, &end, "club@example.jp");
    fields.push(("repeat", "1"));
    let v = review(app, &c, &fields).await;
    assert_eq!(
        v["Form"]["series"]["until_error"], "最終日を入力してください。",
        "{v}"
    );
    fields.push(("until", date));
    let v = review(app, &c, &fields).await;
    assert!(
        v["Form"]["series"]["until_error"]
            .as_str()
            .unwrap()
            .contains("1回目の日より後"),
        "{v}"
    );

    // Three weekly dates: the second is taken, and the review says so.
    let until = plus_days(date, 14);
    fields.pop();
    fields.push(("until", &until));
    fields.push(("days[0]", &weekday));
    let v = review(app, &c, &fields).await;
    let review_series = &v["Review"]["series"];
    let dates = review_series["dates"].as_array().unwrap();
    assert_eq!(dates.len(), 3, "{v}");
    assert_eq!(
        dates.iter().map(|d| d["ok"] == true).collect::<Vec<_>>(),
        vec![true, false, true],
        "{v}"
    );
    assert!(
        dates[1]["outcome"]
            .as_str()
            .unwrap()
            .starts_with("予約できません："),
        "{v}"
    );
    assert!(
        review_series["lead"]
            .as_str()
            .unwrap()
            .contains("全3回のうち2回"),
        "{v}"
    );
    let buttons = review_series["buttons"].as_array().unwrap();
    assert_eq!(buttons.len(), 1);
    assert_eq!(buttons[0][0], "free");
    let version = v["Review"]["version"].to_string();

    // Asking for all of them books nothing.
    let before = app.booking_count().await;
    let (_, location, _) = call(
        app,
        &c,
        path::<b::ConfirmBooking>(),
        &[("version", &version), ("series", "all")],
    )
    .await;
    assert!(location.starts_with("/book/review"), "{location}");
    assert_eq!(app.booking_count().await, before);

    // Only the free ones: two bookings of one series, one mail.
    let v = review(app, &c, &fields).await;
    let version = v["Review"]["version"].to_string();
    let (_, location, body) = call(
        app,
        &c,
        path::<b::ConfirmBooking>(),
        &[("version", &version), ("series", "free")],
    )
    .await;
    assert_eq!(location, "/book/done", "{body}");
    assert_eq!(app.booking_count().await, before + 2);
    let done = sfn(app, &c, path::<b::GetDone>(), &[]).await;
    let part = &done["series"];
    let listed = part["dates"].as_array().unwrap();
    assert_eq!(listed.len(), 2, "{done}");
    assert_eq!(listed[0][3], true);
    assert!(part["lead"].as_str().unwrap().contains("毎週"), "{done}");
    let mails: Vec<_> = app
        .store
        .outbox(1, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to_addr == "club@example.jp")
        .collect();
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0]
            .subject
            .starts_with("定期利用の予約を受け付けました")
    );
    let first = listed[0][0].as_str().unwrap().to_owned();
    let second = listed[1][0].as_str().unwrap().to_owned();
    assert!(mails[0].body.contains(&first) && mails[0].body.contains(&second));

    // This browser sees every date; a stranger sees none.
    let page = sfn(
        app,
        &c,
        path::<b::GetBookingPage>(),
        &[("reference", &second)],
    )
    .await;
    assert_eq!(page["series"]["dates"][1][3], true, "{page}");
    let (status, _, _) = call(
        app,
        &browser(),
        path::<b::GetBookingPage>(),
        &[("reference", &second)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The managers' timeline marks the dates as a series.
    let manager = signed_in(app, "manager1@town.example", &p).await;
    let timeline = sfn(
        app,
        &manager,
        path::<app::console::api::GetTimeline>(),
        &[("facility", &facility.to_string()), ("date", date)],
    )
    .await;
    assert!(
        timeline.to_string().contains("予約・定期利用"),
        "{timeline}"
    );
    // Its booking page says which date of the series it is.
    let id = booking_id(app, &second).await.to_string();
    let staff_page = sfn(
        app,
        &manager,
        path::<app::console::api::GetStaffBooking>(),
        &[("id", &id)],
    )
    .await;
    assert_eq!(staff_page["series"][0], "定期利用", "{staff_page}");
    assert!(
        staff_page["series"][1]
            .as_str()
            .unwrap()
            .contains("全2回のうち2回目"),
        "{staff_page}"
    );

    // A stranger cannot cancel them.
    let (_, location, _) = call(
        app,
        &browser(),
        path::<b::CancelSeriesRest>(),
        &[("reference", &first)],
    )
    .await;
    assert_eq!(location, "/bookings");
    assert_eq!(status_of(app, &second).await, "confirmed");

    // Cancelling from the first date: both, one transaction, one mail.
    let (_, location, _) = call(
        app,
        &c,
        path::<b::CancelSeriesRest>(),
        &[("reference", &first)],
    )
    .await;
    assert_eq!(location, format!("/bookings/{first}?cancelled=rest"));
    assert_eq!(status_of(app, &first).await, "cancelled");
    assert_eq!(status_of(app, &second).await, "cancelled");
    let cancelled = app
        .store
        .outbox(1, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to_addr == "club@example.jp" && m.subject.contains("取り消しました"))
        .count();
    assert_eq!(cancelled, 1);
    // The time is free again.
    assert_eq!(app.slot_status("会議室1", &start).await, "free");
}

#[tokio::test]
async fn a_series_over_http_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    series(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn a_series_over_http_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    series(&app).await;
    app.finish().await;
}
