//! Equipment copies on SQLite and PostgreSQL: fewer copies move bookings
//! to come onto the copies left, or write nothing and list the bookings
//! that would have none; a request checked while there were more copies
//! still gets none of the removed ones.

use chrono::{DateTime, TimeZone, Utc};
use domain::booking::space_leaves;
use domain::ids::{BookingId, EquipmentId, FacilityId};
use store::accounts::AuditEntry;
use store::equipment::{EquipmentOutcome, NewEquipment};
use store::testing::{TestDb, sample_booking};
use store::{CreateError, NewBooking, Store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

fn audit(action: domain::status::AuditAction) -> AuditEntry {
    store::testing::audit_entry(action, now())
}

fn projectors(quantity: i32) -> NewEquipment {
    NewEquipment {
        name_ja: "プロジェクター（予備）".into(),
        name_en: "Spare projector".into(),
        fee_yen: 300,
        quantity,
    }
}

/// A request for the centre's unit `i` at `hour` on 1 February 2027 with
/// the equipment, checked when it had `copies`.
async fn request(store: &Store, i: usize, hour: u32, n: u32, e: i64, copies: u32) -> NewBooking {
    let mut b = sample_booking(store, now(), 1, hour, n, false).await;
    let centre = store.facility(FacilityId(1)).await.unwrap().unwrap();
    b.unit = centre.units[i].id;
    b.leaves = space_leaves(&centre.plan.units, b.unit);
    b.equipment = vec![(EquipmentId(e), copies)];
    b
}

async fn update(store: &Store, id: i64, quantity: i32) -> EquipmentOutcome {
    store
        .update_equipment(
            1,
            1,
            id,
            &projectors(quantity),
            now(),
            &audit(domain::status::AuditAction::EquipmentUpdate),
        )
        .await
        .unwrap()
}

async fn fewer_copies(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let id = store
        .create_equipment(
            1,
            1,
            &projectors(3),
            &audit(domain::status::AuditAction::EquipmentCreate),
        )
        .await
        .unwrap();
    let mail = &store::outbox::no_mail;
    // Three rooms at 1:00 take copies 1–3; one at 5:00 takes copy 1.
    let mut at_one = Vec::new();
    for (i, n) in [(0, 1), (1, 2), (2, 3)] {
        let b = request(store, i, 1, n, id, 3).await;
        at_one.push(store.create_booking(&b, now(), mail).await.unwrap());
    }
    let later = request(store, 0, 5, 4, id, 3).await;
    store.create_booking(&later, now(), mail).await.unwrap();

    // Two copies cannot cover three bookings at once: the last listed,
    // nothing written.
    let EquipmentOutcome::Held(held) = update(store, id, 2).await else {
        panic!("expected a booking without a copy");
    };
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].id, at_one[2].row.id);
    let quantity = |rows: Vec<store::entity::equipment::Model>| {
        rows.into_iter().find(|e| e.id == id).map(|e| e.quantity)
    };
    assert_eq!(quantity(store.equipment_of(1).await.unwrap()), Some(3));
    assert_eq!(
        update(store, id + 1000, 2).await,
        EquipmentOutcome::NotFound
    );

    // Staff cancel the first booking (copy 1); the third moves to it.
    store
        .cancel_booking(BookingId(at_one[0].row.id), now(), mail)
        .await
        .unwrap();
    assert_eq!(update(store, id, 2).await, EquipmentOutcome::Saved);
    let row = store
        .equipment_of(1)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.id == id)
        .unwrap();
    assert_eq!((row.quantity, row.name_en.as_str()), (2, "Spare projector"));

    // Both copies are lent at 1:00, even to a request checked when there
    // were three (copy 3 no longer exists).
    let stale = request(store, 3, 1, 5, id, 3).await;
    assert!(matches!(
        store.create_booking(&stale, now(), mail).await,
        Err(CreateError::EquipmentUnavailable)
    ));
    // Ending lending while bookings to come hold it lists them all.
    let EquipmentOutcome::Held(held) = update(store, id, 0).await else {
        panic!("expected the bookings to come");
    };
    assert_eq!(held.len(), 3);
    // At 3:00 a copy is free.
    let free = request(store, 3, 3, 6, id, 2).await;
    store.create_booking(&free, now(), mail).await.unwrap();
}

#[tokio::test]
async fn fewer_copies_on_sqlite() {
    fewer_copies(&TestDb::sqlite().await).await;
}

#[tokio::test]
async fn fewer_copies_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    fewer_copies(&db).await;
}
