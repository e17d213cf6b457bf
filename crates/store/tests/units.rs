//! Splitting a unit's space on SQLite and PostgreSQL: a half added under a
//! whole floor that already has bookings to come can never be booked over
//! them (the bookings of the whole hold the new half too), while the half
//! stays free at other times. An existing unit moved under another (or
//! out again) changes what the bookings to come hold, never while two of
//! them would meet in the space, and a booking checked against the old
//! space still holds the new one.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::booking::space_leaves;
use domain::ids::{FacilityId, UnitId};
use store::accounts::AuditEntry;
use store::testing::TestDb;
use store::units::{NewUnit, ParentOutcome};
use store::{CreateError, NewBooking};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

async fn book(
    store: &store::Store,
    facility: FacilityId,
    unit: UnitId,
    start: DateTime<Utc>,
    n: u32,
) -> Result<store::BookingRecord, CreateError> {
    let b = sample_at(store, facility, unit, start, n).await;
    store
        .create_booking(&b, now(), &store::outbox::no_mail)
        .await
}

async fn a_half_added_later_never_overlaps_the_whole(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let audit = AuditEntry {
        municipality_id: 1,
        actor: "test".into(),
        action: domain::status::AuditAction::UnitCreate,
        target: String::new(),
        before: None,
        after: None,
        at: now(),
    };
    let unit = |name: &str, parent| NewUnit {
        name_ja: name.into(),
        name_en: name.into(),
        notes_ja: String::new(),
        notes_en: String::new(),
        capacity: 50,
        grid: true,
        parent,
    };
    let facility = FacilityId(1);
    let whole = store
        .create_unit(facility.0, &unit("多目的室（全面）", None), &audit)
        .await
        .unwrap();
    let at = |h: i64| Utc.with_ymd_and_hms(2026, 12, 14, 0, 0, 0).unwrap() + Duration::hours(h);
    book(store, facility, UnitId(whole), at(1), 1)
        .await
        .unwrap();

    // Split: the half is added after the whole was booked.
    let half = store
        .create_unit(facility.0, &unit("多目的室（半面）", Some(whole)), &audit)
        .await
        .unwrap();
    assert!(
        matches!(
            book(store, facility, UnitId(half), at(1), 2).await,
            Err(CreateError::Taken)
        ),
        "the half is held by the whole's booking"
    );
    book(store, facility, UnitId(half), at(3), 3).await.unwrap();
    // And the whole, booked now, holds the half.
    assert!(matches!(
        book(store, facility, UnitId(whole), at(3), 4).await,
        Err(CreateError::Taken)
    ));
    // A parent of another facility is refused, writing nothing.
    assert!(
        store
            .create_unit(2, &unit("よその半面", Some(whole)), &audit)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_half_added_later_never_overlaps_the_whole_on_sqlite() {
    a_half_added_later_never_overlaps_the_whole(&TestDb::sqlite().await).await;
}

#[tokio::test]
async fn a_half_added_later_never_overlaps_the_whole_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    a_half_added_later_never_overlaps_the_whole(&db).await;
}

async fn a_unit_moved_under_another(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let audit = AuditEntry {
        municipality_id: 1,
        actor: "test".into(),
        action: domain::status::AuditAction::UnitParent,
        target: String::new(),
        before: None,
        after: None,
        at: now(),
    };
    let unit = |name: &str| NewUnit {
        name_ja: name.into(),
        name_en: name.into(),
        notes_ja: String::new(),
        notes_en: String::new(),
        capacity: 50,
        grid: true,
        parent: None,
    };
    let facility = FacilityId(1);
    let whole = store
        .create_unit(facility.0, &unit("ホール（全面）"), &audit)
        .await
        .unwrap();
    let half = store
        .create_unit(facility.0, &unit("ホール（舞台側）"), &audit)
        .await
        .unwrap();
    let at = |h: i64| Utc.with_ymd_and_hms(2026, 12, 14, 0, 0, 0).unwrap() + Duration::hours(h);
    // Two separate rooms booked at the same hour: no clash yet.
    book(store, facility, UnitId(whole), at(1), 1)
        .await
        .unwrap();
    let in_half = book(store, facility, UnitId(half), at(1), 2).await.unwrap();
    book(store, facility, UnitId(half), at(3), 3).await.unwrap();

    // Making the half part of the whole would make them meet: both listed,
    // nothing changed.
    let held = store
        .set_unit_parent(facility.0, half, Some(whole), now(), &audit)
        .await
        .unwrap();
    let ParentOutcome::Held(held) = held else {
        panic!("expected the two bookings at 1:00, got {held:?}");
    };
    assert_eq!(held.len(), 2);
    assert!(held.iter().all(|h| h.start_at == at(1)));
    assert_eq!(
        store
            .units_of(facility.0)
            .await
            .unwrap()
            .iter()
            .find(|u| u.id == half)
            .unwrap()
            .parent_id,
        None
    );

    // A loop is refused.
    assert_eq!(
        store
            .set_unit_parent(facility.0, whole, Some(whole), now(), &audit)
            .await
            .unwrap(),
        ParentOutcome::NotAllowed
    );

    // Staff cancel one; the move goes through.
    store
        .cancel_booking(
            domain::ids::BookingId(in_half.row.id),
            now(),
            &store::outbox::no_mail,
        )
        .await
        .unwrap();
    let f = store.facility(facility).await.unwrap().unwrap();
    // A request for the whole at 3:00 checked against the space as it was.
    let stale_leaves = space_leaves(&f.plan.units, UnitId(whole));
    assert_eq!(stale_leaves, vec![UnitId(whole)]);
    assert_eq!(
        store
            .set_unit_parent(facility.0, half, Some(whole), now(), &audit)
            .await
            .unwrap(),
        ParentOutcome::Done
    );
    assert_eq!(
        store
            .set_unit_parent(whole, half, Some(whole), now(), &audit)
            .await
            .unwrap(),
        ParentOutcome::NotAllowed,
        "a unit of another facility"
    );
    // The whole's booking at 1:00 now holds the half.
    assert!(matches!(
        book(store, facility, UnitId(half), at(1), 4).await,
        Err(CreateError::Taken)
    ));
    // The half's booking at 3:00 keeps the whole from being booked then,
    // even by a request checked before the change.
    assert!(matches!(
        book(store, facility, UnitId(whole), at(3), 5).await,
        Err(CreateError::Taken)
    ));
    let mut b = sample_at(store, facility, UnitId(whole), at(3), 6).await;
    b.leaves = stale_leaves;
    assert!(matches!(
        store
            .create_booking(&b, now(), &store::outbox::no_mail)
            .await,
        Err(CreateError::Taken)
    ));

    // Out again: the half is its own space, free at 1:00.
    assert_eq!(
        store
            .set_unit_parent(facility.0, half, None, now(), &audit)
            .await
            .unwrap(),
        ParentOutcome::Done
    );
    book(store, facility, UnitId(half), at(1), 7).await.unwrap();
    assert!(
        matches!(
            book(store, facility, UnitId(whole), at(1), 8).await,
            Err(CreateError::Taken)
        ),
        "the whole's own booking still holds it"
    );
}

/// The booking `book` makes, not yet sent: the demo's sample booking
/// moved to `unit` at `start`, for an hour.
async fn sample_at(
    store: &store::Store,
    facility: FacilityId,
    unit: UnitId,
    start: DateTime<Utc>,
    n: u32,
) -> NewBooking {
    let f = store.facility(facility).await.unwrap().unwrap();
    let mut b = store::testing::sample_booking(store, now(), 1, 0, n, false).await;
    b.unit = unit;
    b.leaves = space_leaves(&f.plan.units, unit);
    b.start = start;
    b.end = start + Duration::hours(1);
    b.facility_units = f.units.iter().map(|u| u.id).collect();
    b
}

#[tokio::test]
async fn a_unit_moved_under_another_on_sqlite() {
    a_unit_moved_under_another(&TestDb::sqlite().await).await;
}

#[tokio::test]
async fn a_unit_moved_under_another_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    a_unit_moved_under_another(&db).await;
}
