//! Archiving on SQLite and PostgreSQL, below the rules: a booking whose
//! rules were read before the unit or its facility was archived is refused
//! by the booking's own transaction, and taken again once restored.

use chrono::{DateTime, TimeZone, Utc};
use domain::applicant::Applicant;
use domain::booking::{Fee, Yen};
use domain::ids::UnitId;
use store::accounts::AuditEntry;
use store::archive::ArchiveOutcome;
use store::facility_list::ListFacility;
use store::testing::TestDb;
use store::units::NewUnit;
use store::{CreateError, NewBooking};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

fn audit(action: domain::status::AuditAction) -> AuditEntry {
    store::testing::audit_entry(action, now())
}

fn booking(unit: UnitId, n: i64) -> NewBooking {
    let start = Utc.with_ymd_and_hms(2026, 12, 10, 0, 0, 0).unwrap() + chrono::Duration::hours(n);
    NewBooking {
        unit,
        leaves: vec![unit],
        start,
        end: start + chrono::Duration::minutes(30),
        pending_until: None,
        applicant: Applicant {
            name: "山田 花子".into(),
            name_kana: "やまだ はなこ".into(),
            phone: format!("0900000{n:04}"),
            email: format!("a{n}@example.jp"),
            purpose: "test".into(),
            attendees: 1,
            resident: true,
        },
        fee: Fee {
            total_yen: Yen(0),
            lines: vec![],
        },
        equipment: vec![],
        facility_units: vec![unit],
        max_active: 100,
        created_by_staff: None,
        override_reason: None,
        account_id: None,
        municipality_id: 1,
        request_key: None,
        audit: None,
        reduction: None,
    }
}

async fn bookings_see_an_archive_made_after_their_rules_were_read(db: &TestDb) {
    use domain::status::AuditAction as A;
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let list = ListFacility {
        id: "ARCHIVE-TEST".into(),
        name: "旧公民館".into(),
        kana: String::new(),
        name_en: String::new(),
        address: String::new(),
        latitude: None,
        longitude: None,
        phone: String::new(),
        days: vec![],
        hours: None,
        description: String::new(),
        accessibility: String::new(),
        url: String::new(),
    };
    let facility = store
        .create_facility(1, &list, &audit(A::FacilityCreate))
        .await
        .unwrap()
        .unwrap();
    let unit = NewUnit {
        name_ja: "ホール".into(),
        name_en: "Hall".into(),
        notes_ja: String::new(),
        notes_en: String::new(),
        capacity: 10,
        grid: false,
        parent: None,
    };
    let u = UnitId(
        store
            .create_unit(facility, &unit, &audit(A::UnitCreate))
            .await
            .unwrap(),
    );
    let create = |n| async move {
        store
            .create_booking(&booking(u, n), now(), &store::outbox::no_mail)
            .await
    };

    // The unit archived: refused in the booking's transaction.
    let done = store
        .set_archived(facility, Some(u.0), true, now(), &audit(A::UnitArchive))
        .await
        .unwrap();
    assert_eq!(done, ArchiveOutcome::Done);
    assert!(matches!(create(1).await, Err(CreateError::Archived)));
    store
        .set_archived(facility, Some(u.0), false, now(), &audit(A::UnitRestore))
        .await
        .unwrap();
    // Its facility archived: refused too.
    store
        .set_archived(facility, None, true, now(), &audit(A::FacilityArchive))
        .await
        .unwrap();
    assert!(matches!(create(2).await, Err(CreateError::Archived)));
    store
        .set_archived(facility, None, false, now(), &audit(A::FacilityRestore))
        .await
        .unwrap();
    // Taking bookings again; and now it holds one, it is not archived.
    assert!(create(3).await.is_ok());
    let held = store
        .set_archived(facility, Some(u.0), true, now(), &audit(A::UnitArchive))
        .await
        .unwrap();
    assert!(
        matches!(held, ArchiveOutcome::Held(ref h) if h.len() == 1),
        "{held:?}"
    );
}

#[tokio::test]
async fn bookings_see_an_archive_on_sqlite() {
    bookings_see_an_archive_made_after_their_rules_were_read(&TestDb::sqlite().await).await;
}

#[tokio::test]
async fn bookings_see_an_archive_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    bookings_see_an_archive_made_after_their_rules_were_read(&db).await;
}
