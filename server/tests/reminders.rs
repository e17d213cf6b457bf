//! Day-before reminders: one per booking or visit, in the town's day before
//! (9:00–21:00), none for one made in the last 12 hours, each with its
//! calendar file; sending again (another process, a restart) sends nothing.

use crate::common::fixtures::*;
use crate::common::*;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use reqwest::StatusCode;
use store::testing::TestDb;

/// Moves the test clock to `hour`:00 in Tokyo on `date`.
fn set_clock(app: &Running, date: NaiveDate, hour: u32) {
    let at: DateTime<Utc> = chrono_tz::Asia::Tokyo
        .from_local_datetime(&date.and_hms_opt(hour, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let minutes = (at - app.now()).num_minutes();
    app.advance_minutes(minutes);
}

/// Reminders in the outbox to `to`.
async fn reminders_to(app: &Running, to: &str) -> Vec<store::entity::outbox::Model> {
    app.store
        .outbox(1, 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to_addr == to && m.subject.contains("Reminder"))
        .collect()
}

async fn reminders_once_the_day_before(db: TestDb) {
    let app = spawn(db).await;
    // A visit on 25 November, booked on the 22nd.
    let moving = app.procedure(MOVING_IN).await;
    let (s, v) = app
        .post(
            "/api/v1/appointments",
            visit(&[moving], "2026-11-25T09:00:00+09:00", 8),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let visitor = "visitor8@example.jp";
    // A booking in December, booked on the 22nd.
    let (_, room) = app.unit("会議室1").await;
    let (start, end) = app.free_slot(1, room, 1).await;
    let b = book(&app, room, &start, &end, 21).await;
    let reference = b["reference"].as_str().unwrap().to_owned();
    let resident = "hanako21@example.jp";
    let day: NaiveDate = start[..10].parse().unwrap();

    // The day before at 8:00: too early.
    set_clock(&app, NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), 8);
    app.state.send_reminders().await.unwrap();
    assert!(reminders_to(&app, visitor).await.is_empty());
    // At 10:00: one, with what to bring and the calendar file.
    set_clock(&app, NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), 10);
    app.state.send_reminders().await.unwrap();
    let mails = reminders_to(&app, visitor).await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0]
            .subject
            .starts_with("明日の来庁予約のお知らせ / Reminder: your visit tomorrow"),
        "{}",
        mails[0].subject
    );
    assert!(
        mails[0].body.contains("前の住所地の転出証明書"),
        "{}",
        mails[0].body
    );
    assert!(
        mails[0]
            .ics
            .as_deref()
            .is_some_and(|i| i.contains("STATUS:CONFIRMED"))
    );
    // Again (a second process, a restart): nothing more.
    app.state.send_reminders().await.unwrap();
    assert_eq!(reminders_to(&app, visitor).await.len(), 1);
    assert!(reminders_to(&app, resident).await.is_empty(), "not yet");

    // The day before the booking: one for it; one made today gets none.
    set_clock(&app, day.pred_opt().unwrap(), 11);
    let (start2, end2) = app
        .free_slots("会議室1", &start[..10], &start[..10])
        .await
        .into_iter()
        .next()
        .expect("another free period that day");
    book(&app, room, &start2, &end2, 22).await;
    app.state.send_reminders().await.unwrap();
    app.state.send_reminders().await.unwrap();
    let mails = reminders_to(&app, resident).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].subject,
        format!("明日のご予約のお知らせ / Reminder: your booking tomorrow ({reference})")
    );
    assert!(
        mails[0]
            .ics
            .as_deref()
            .is_some_and(|i| i.contains("BEGIN:VEVENT"))
    );
    assert!(
        reminders_to(&app, "hanako22@example.jp").await.is_empty(),
        "booked today: its confirmation is fresh"
    );
    app.finish().await;
}

#[tokio::test]
async fn reminders_go_out_once_the_day_before_sqlite() {
    reminders_once_the_day_before(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn reminders_go_out_once_the_day_before_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    reminders_once_the_day_before(db).await;
}
