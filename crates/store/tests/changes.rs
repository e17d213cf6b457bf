//! The change log behind live pages, on SQLite and PostgreSQL: one row per
//! committed change and none for a rolled-back one, no personal data,
//! delivery to subscribers (across two processes' stores on PostgreSQL), and
//! the rules cache emptied by the same events.

use std::time::Duration as StdDuration;

use chrono::{DateTime, TimeZone, Utc};
use domain::ids::FacilityId;
use sea_orm::{ConnectionTrait, TransactionTrait};
use store::entity::booking;
use store::testing::{TestDb, sample_booking};
use store::{Change, ChangeKind, CreateError, NewMail, Store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

fn mail_for(row: &booking::Model) -> Option<NewMail> {
    Some(NewMail {
        municipality_id: 1,
        to: row.email.clone(),
        subject: "予約".into(),
        body: row.reference.clone(),
        ics: None,
    })
}

/// The next change a subscriber receives, or a failure after 3 seconds.
async fn next(rx: &mut tokio::sync::broadcast::Receiver<std::sync::Arc<Change>>) -> Change {
    let got = tokio::time::timeout(StdDuration::from_secs(3), rx.recv()).await;
    (*got.expect("a change within 3 s").expect("the feed is open")).clone()
}

async fn one_row_per_committed_change(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let before = store.latest_change_id().await.unwrap();

    let b = sample_booking(store, now(), 10, 1, 1, false).await;
    let made = store.create_booking(&b, now(), &mail_for).await.unwrap();
    let rows = store.changes_after(before, 100).await.unwrap();
    assert_eq!(rows.len(), 1, "one booking, one change: {rows:?}");
    let c = &rows[0];
    assert_eq!(c.kind(), Some(ChangeKind::Booking));
    assert_eq!(c.facility_id, Some(1));
    assert_eq!(c.unit_id, Some(b.unit.0));
    assert_eq!(c.municipality_id, Some(1));
    assert_eq!(c.subject_id, Some(made.row.id));
    assert_eq!(c.status, "confirmed");
    assert_eq!(c.start_s, Some(b.start.timestamp()));
    assert_eq!(c.end_s, Some(b.end.timestamp()));
    let text = format!("{rows:?}");
    for personal in [&b.applicant.name, &b.applicant.email, &b.applicant.phone] {
        assert!(!text.contains(personal.as_str()), "no personal data");
    }

    // Refused by the database (the time is taken): the booking row was
    // inserted and rolled back, and so was its change.
    let mut again = sample_booking(store, now(), 10, 1, 2, false).await;
    again.applicant.email = "other@example.jp".into();
    let refused = store.create_booking(&again, now(), &mail_for).await;
    assert!(matches!(refused, Err(CreateError::Taken)), "{refused:?}");
    assert_eq!(store.changes_after(c.id, 100).await.unwrap(), vec![]);

    // A transaction that writes and rolls back leaves nothing either.
    let tx = store.connection().begin().await.unwrap();
    tx.execute_unprepared(
        "INSERT INTO closure (facility_id, unit_id, from_date, to_date, reason_ja, reason_en) \
         VALUES (1, NULL, '2027-03-01', '2027-03-02', '点検', 'Inspection')",
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(store.changes_after(c.id, 100).await.unwrap(), vec![]);

    // Cancelling is one change with the new status.
    store
        .cancel_booking(domain::ids::BookingId(made.row.id), now(), &mail_for)
        .await
        .unwrap();
    let rows = store.changes_after(c.id, 100).await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].status, "cancelled");
    assert_eq!(rows[0].start_s, c.start_s);

    // A committed closure: its dates, the facility.
    store
        .connection()
        .execute_unprepared(
            "INSERT INTO closure (facility_id, unit_id, from_date, to_date, reason_ja, reason_en) \
             VALUES (1, NULL, '2027-03-01', '2027-03-02', '点検', 'Inspection')",
        )
        .await
        .unwrap();
    let rows = store.changes_after(rows[0].id, 100).await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].kind(), Some(ChangeKind::Closure));
    assert_eq!(rows[0].from_day.as_deref(), Some("2027-03-01"));
    assert_eq!(rows[0].to_day.as_deref(), Some("2027-03-02"));

    // Pruning keeps what is recent.
    assert_eq!(store.prune_changes(0).await.unwrap(), 0);
    let all = store.latest_change_id().await.unwrap();
    assert!(store.prune_changes(i64::MAX).await.unwrap() > 0);
    assert_eq!(store.oldest_change_id().await.unwrap(), None);
    assert_eq!(store.latest_change_id().await.unwrap(), 0, "was {all}");
}

/// A change committed through one store reaches the subscribers of
/// another (on PostgreSQL: two processes' pools on one database), and a
/// rules change empties the other's cached rules.
async fn changes_reach_every_process(db: &TestDb, other: &Store) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    other.start_changes();
    let mut rx = other.subscribe_changes();
    // Give the listener a moment to start listening (PostgreSQL).
    tokio::time::sleep(StdDuration::from_millis(300)).await;

    let b = sample_booking(store, now(), 11, 2, 3, true).await;
    let made = store.create_booking(&b, now(), &mail_for).await.unwrap();
    let c = next(&mut rx).await;
    assert_eq!(c.subject_id, Some(made.row.id));
    assert_eq!(c.status, "pending");

    // Rules: the other store read them (and caches them for 5 s); a change
    // committed elsewhere reaches it as an event that empties the cache.
    let unit = b.unit.0;
    let cached = other.facility(FacilityId(1)).await.unwrap().unwrap();
    let before = cached
        .units
        .iter()
        .find(|u| u.id.0 == unit)
        .unwrap()
        .capacity;
    store
        .connection()
        .execute_unprepared(&format!(
            "UPDATE unit SET capacity = {} WHERE id = {unit}",
            before + 7
        ))
        .await
        .unwrap();
    let c = next(&mut rx).await;
    assert_eq!(c.kind(), Some(ChangeKind::Rules));
    assert_eq!(c.facility_id, Some(1));
    let fresh = other.facility(FacilityId(1)).await.unwrap().unwrap();
    assert_eq!(
        fresh
            .units
            .iter()
            .find(|u| u.id.0 == unit)
            .unwrap()
            .capacity,
        before + 7,
        "not the cached rules"
    );
}

#[tokio::test]
async fn sqlite_logs_committed_changes_only() {
    let db = TestDb::sqlite().await;
    one_row_per_committed_change(&db).await;
    db.drop_db().await;
}

#[tokio::test]
async fn postgres_logs_committed_changes_only() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    one_row_per_committed_change(&db).await;
    db.drop_db().await;
}

#[tokio::test]
async fn sqlite_delivers_changes() {
    let db = TestDb::sqlite().await;
    let same = db.store.clone();
    changes_reach_every_process(&db, &same).await;
    db.drop_db().await;
}

#[tokio::test]
async fn postgres_delivers_changes_across_processes() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let other = Store::connect(&db.url).await.unwrap();
    changes_reach_every_process(&db, &other).await;
    db.drop_db().await;
}
