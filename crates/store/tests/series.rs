//! A booking as a series (定期利用) on SQLite and PostgreSQL: every date is
//! booked in one transaction or none is (also while a single booking races
//! for one of the dates), a contact's limits count a series once, and
//! cancelling the later dates frees them in one transaction with one mail.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::status::BookingStatus;
use store::entity::{booking, booking_series};
use store::outbox::no_mail;
use store::testing::{TestDb, sample_booking};
use store::{CreateError, NewBooking, NewMail, Store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

/// One mail naming every date, as the app writes it.
fn series_mail(s: &booking_series::Model, rows: &[booking::Model]) -> Option<NewMail> {
    Some(NewMail {
        municipality_id: 1,
        to: rows[0].email.clone(),
        subject: format!("series {}", s.reference),
        body: rows
            .iter()
            .map(|r| r.reference.clone())
            .collect::<Vec<_>>()
            .join(","),
        ics: None,
    })
}

/// Contact `n`'s series at `hour` on 1, 8, 15 and 22 February 2027.
async fn weekly(store: &Store, hour: u32, n: u32) -> Vec<NewBooking> {
    let mut items = Vec::new();
    for day in [1, 8, 15, 22] {
        items.push(sample_booking(store, now(), day, hour, n, false).await);
    }
    items
}

async fn active_of(store: &Store, email: &str) -> Vec<booking::Model> {
    let start = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    let units: Vec<i64> = (1..=20).collect();
    store
        .bookings_between(&units, start, start + Duration::days(90))
        .await
        .unwrap()
        .into_iter()
        .filter(|b| b.email == email && b.status.at(b.expires_at, now()).is_active())
        .collect()
}

async fn all_or_nothing(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    // Someone else holds 15 February: the series books nothing.
    let other = sample_booking(store, now(), 15, 1, 2, false).await;
    let taken = store.create_booking(&other, now(), &no_mail).await.unwrap();
    let series = weekly(store, 1, 1).await;
    assert!(matches!(
        store
            .create_series(&series, "{}", now(), &series_mail)
            .await,
        Err(CreateError::Taken)
    ));
    assert!(active_of(store, "t1@example.jp").await.is_empty());
    let mails = store.outbox(1, 50).await.unwrap();
    assert!(mails.iter().all(|m| !m.subject.starts_with("series")));

    // Once that date is free, all four are booked together, one mail.
    store
        .cancel_booking(domain::ids::BookingId(taken.row.id), now(), &no_mail)
        .await
        .unwrap();
    let mut series = series;
    series[0].request_key = Some("draft:series-key".into());
    let done = store
        .create_series(&series, "{}", now(), &series_mail)
        .await
        .unwrap();
    assert_eq!(done.bookings.len(), 4);
    assert!(
        done.bookings
            .iter()
            .all(|b| b.series_id == Some(done.series.id) && b.status == BookingStatus::Confirmed)
    );
    assert_eq!(active_of(store, "t1@example.jp").await.len(), 4);
    let mails = store.outbox(1, 50).await.unwrap();
    let ours: Vec<_> = mails
        .iter()
        .filter(|m| m.subject.starts_with("series"))
        .collect();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0].body.split(',').count(), 4);
    // Sent again with the same key: the same series, nothing more.
    let again = store
        .create_series(&series, "{}", now(), &series_mail)
        .await
        .unwrap();
    assert_eq!(again.series.id, done.series.id);
    assert_eq!(active_of(store, "t1@example.jp").await.len(), 4);
    // Read back by its reference, in date order.
    let again = store
        .series_by_reference(&done.series.reference)
        .await
        .unwrap()
        .unwrap();
    let starts: Vec<_> = again.bookings.iter().map(|b| b.start_at).collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]) && starts.len() == 4);
    // And the dates are taken for everyone else.
    let late = sample_booking(store, now(), 22, 1, 3, false).await;
    assert!(matches!(
        store.create_booking(&late, now(), &no_mail).await,
        Err(CreateError::Taken)
    ));
}

#[tokio::test]
async fn a_series_books_every_date_or_none_on_sqlite() {
    all_or_nothing(&TestDb::sqlite().await).await;
}

#[tokio::test]
async fn a_series_books_every_date_or_none_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    all_or_nothing(&db).await;
    db.drop_db().await;
}

/// A single booking for 15 February races the series: exactly one wins;
/// a refused series leaves no date behind.
async fn race(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let series = weekly(store, 1, 1).await;
    let single = sample_booking(store, now(), 15, 1, 2, false).await;
    let (s1, s2) = (store.clone(), store.clone());
    let (a, b) = tokio::join!(
        tokio::spawn(async move { s1.create_series(&series, "{}", now(), &series_mail).await }),
        tokio::spawn(async move { s2.create_booking(&single, now(), &no_mail).await }),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    match (&a, &b) {
        (Ok(s), Err(CreateError::Taken)) => {
            assert_eq!(s.bookings.len(), 4);
            assert_eq!(active_of(store, "t1@example.jp").await.len(), 4);
            assert!(active_of(store, "t2@example.jp").await.is_empty());
        }
        (Err(CreateError::Taken), Ok(_)) => {
            assert!(active_of(store, "t1@example.jp").await.is_empty());
            assert_eq!(active_of(store, "t2@example.jp").await.len(), 1);
        }
        other => panic!("exactly one must win: {other:?}"),
    }
}

#[tokio::test]
async fn a_series_and_a_single_booking_racing_for_a_date_never_both_win_on_sqlite() {
    for _ in 0..3 {
        race(&TestDb::sqlite().await).await;
    }
}

#[tokio::test]
async fn a_series_and_a_single_booking_racing_for_a_date_never_both_win_on_postgres() {
    for _ in 0..3 {
        let Some(db) = TestDb::postgres().await else {
            return;
        };
        race(&db).await;
        db.drop_db().await;
    }
}

/// With a limit of two active bookings at the facility, a series of four
/// dates counts once: one more booking fits, a second series does not.
async fn limits(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let limited = |mut items: Vec<NewBooking>| {
        for b in &mut items {
            b.max_active = 2;
        }
        items
    };
    store
        .create_series(
            &limited(weekly(store, 1, 1).await),
            "{}",
            now(),
            &series_mail,
        )
        .await
        .unwrap();
    let mut one = sample_booking(store, now(), 2, 1, 1, false).await;
    one.max_active = 2;
    store.create_booking(&one, now(), &no_mail).await.unwrap();
    assert!(matches!(
        store
            .create_series(
                &limited(weekly(store, 3, 1).await),
                "{}",
                now(),
                &series_mail
            )
            .await,
        Err(CreateError::LimitReached { max: 2 })
    ));
    assert_eq!(active_of(store, "t1@example.jp").await.len(), 5);
}

#[tokio::test]
async fn a_series_counts_once_towards_the_limits_on_sqlite() {
    limits(&TestDb::sqlite().await).await;
}

#[tokio::test]
async fn a_series_counts_once_towards_the_limits_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    limits(&db).await;
    db.drop_db().await;
}

/// Cancelling the second date and the later ones: three cancelled in one
/// transaction with one mail, their times free again, the first kept.
async fn cancel_rest(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let done = store
        .create_series(&weekly(store, 1, 1).await, "{}", now(), &series_mail)
        .await
        .unwrap();
    let later: Vec<i64> = done.bookings[1..].iter().map(|b| b.id).collect();
    let cancelled = store
        .cancel_series_bookings(&done.series, &later, now(), &series_mail)
        .await
        .unwrap();
    assert_eq!(cancelled.len(), 3);
    let left = active_of(store, "t1@example.jp").await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, done.bookings[0].id);
    let mails = store.outbox(1, 50).await.unwrap();
    assert_eq!(
        mails
            .iter()
            .filter(|m| m.subject.starts_with("series"))
            .count(),
        2
    );
    // The freed dates can be booked by anyone; a second cancel finds none.
    let other = sample_booking(store, now(), 8, 1, 2, false).await;
    store.create_booking(&other, now(), &no_mail).await.unwrap();
    assert!(
        store
            .cancel_series_bookings(&done.series, &later, now(), &series_mail)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn cancelling_the_later_dates_frees_them_at_once_on_sqlite() {
    cancel_rest(&TestDb::sqlite().await).await;
}

#[tokio::test]
async fn cancelling_the_later_dates_frees_them_at_once_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    cancel_rest(&db).await;
    db.drop_db().await;
}
