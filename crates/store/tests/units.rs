//! Splitting a unit's space on SQLite and PostgreSQL: a half added under a
//! whole floor that already has bookings to come can never be booked over
//! them (the bookings of the whole hold the new half too), while the half
//! stays free at other times.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::applicant::Applicant;
use domain::booking::{Fee, Yen, space_leaves};
use domain::ids::{FacilityId, UnitId};
use store::accounts::AuditEntry;
use store::testing::TestDb;
use store::units::NewUnit;
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
    let f = store.facility(facility).await.unwrap().unwrap();
    let b = NewBooking {
        unit,
        leaves: space_leaves(&f.plan.units, unit),
        start,
        end: start + Duration::hours(1),
        pending_until: None,
        applicant: Applicant {
            name: "山田 花子".into(),
            name_kana: "やまだ はなこ".into(),
            phone: format!("0900001{n:04}"),
            email: format!("s{n}@example.jp"),
            purpose: "test".into(),
            attendees: 1,
            resident: true,
        },
        fee: Fee {
            total_yen: Yen(0),
            lines: vec![],
        },
        equipment: vec![],
        facility_units: f.units.iter().map(|u| u.id).collect(),
        max_active: 100,
        created_by_staff: None,
        override_reason: None,
        account_id: None,
        municipality_id: f.municipality.0,
        request_key: None,
        audit: None,
    };
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
