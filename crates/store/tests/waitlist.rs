//! The waiting list (キャンセル待ち) on SQLite and PostgreSQL: a freed time
//! goes to the first in line whose whole time is free, in the transaction
//! that frees it (a resident's or staff's cancellation, a lapsed 仮予約); a
//! lapsed or declined offer goes to the next; two cancellations racing each
//! offer their own time to the right person; offers are not the staff's to
//! approve.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::ids::BookingId;
use domain::status::{BookingStatus, WaitState};
use store::entity::waitlist_entry;
use store::outbox::no_mail;
use store::testing::{TestDb, sample_booking};
use store::waitlist::{JoinError, NewWait, OFFER_HOLD_HOURS};
use store::{CreateError, NewBooking, Store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

fn no_wait_mail(_: &waitlist_entry::Model, _: u64) -> Option<store::NewMail> {
    None
}

/// Contact `n` waiting for `hours` hours of 会議室1 from `hour` on 2027-02-01.
async fn wait_for(store: &Store, hour: u32, hours: i64, n: u32) -> NewWait {
    let b = sample_booking(store, now(), 1, hour, n, false).await;
    NewWait {
        unit: b.unit,
        leaves: b.leaves.clone(),
        facility_id: 1,
        municipality_id: b.municipality_id,
        start: b.start,
        end: b.start + Duration::hours(hours),
        applicant: b.applicant.clone(),
        fee: b.fee.clone(),
        account_id: None,
        max_waiting: 3,
    }
}

async fn entry(store: &Store, reference: &str) -> waitlist_entry::Model {
    store.wait_entry(reference).await.unwrap().unwrap()
}

async fn book(store: &Store, b: &NewBooking) -> i64 {
    store
        .create_booking(b, now(), &no_mail)
        .await
        .unwrap()
        .row
        .id
}

async fn line_order(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let taken = sample_booking(store, now(), 1, 1, 1, false).await;
    let held = book(store, &taken).await;

    // Nobody waits for a free time, nor twice for the same one.
    let free = wait_for(store, 5, 1, 2).await;
    assert!(matches!(
        store.join_waitlist(&free, now(), &no_wait_mail).await,
        Err(JoinError::Free)
    ));
    let (a, place_a) = store
        .join_waitlist(&wait_for(store, 1, 1, 2).await, now(), &no_wait_mail)
        .await
        .unwrap();
    let (b, place_b) = store
        .join_waitlist(&wait_for(store, 1, 1, 3).await, now(), &no_wait_mail)
        .await
        .unwrap();
    assert_eq!((place_a, place_b), (1, 2));
    assert!(matches!(
        store
            .join_waitlist(&wait_for(store, 1, 1, 2).await, now(), &no_wait_mail)
            .await,
        Err(JoinError::AlreadyWaiting)
    ));

    // The cancellation offers the time to the first in line at once: a
    // pending booking held for them, which nobody else can book.
    store
        .cancel_booking(BookingId(held), now(), &no_mail)
        .await
        .unwrap();
    let a_now = entry(store, &a.reference).await;
    assert_eq!(a_now.state, WaitState::Offered);
    let offer = store
        .booking_row(a_now.booking_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(offer.status, BookingStatus::Pending);
    assert_eq!(offer.email, a.email);
    assert_eq!(
        offer.expires_at,
        Some(now() + Duration::hours(OFFER_HOLD_HOURS))
    );
    assert_eq!(entry(store, &b.reference).await.state, WaitState::Waiting);
    assert_eq!(
        store
            .wait_place(&entry(store, &b.reference).await)
            .await
            .unwrap(),
        1
    );
    // It is theirs to confirm: not in the staff's queue of requests.
    let queue = store
        .pending_requests(&[offer.unit_id], now())
        .await
        .unwrap();
    assert!(queue.iter().all(|b| b.id != offer.id));
    let audit = store::testing::audit_entry(domain::status::AuditAction::BookingApprove, now());
    assert!(
        store
            .staff_approve(offer.id, now(), &audit, &no_mail, None)
            .await
            .is_err()
    );
    let other = sample_booking(store, now(), 1, 1, 9, false).await;
    assert!(matches!(
        store.create_booking(&other, now(), &no_mail).await,
        Err(CreateError::Taken)
    ));

    // Its mail is written once, whichever process gets there first.
    let to_mail = store.offers_to_mail().await.unwrap();
    assert_eq!(to_mail.len(), 1);
    assert!(store.mail_offer(a.id, None, now()).await.unwrap());
    assert!(!store.mail_offer(a.id, None, now()).await.unwrap());
    assert!(store.offers_to_mail().await.unwrap().is_empty());

    // Nothing to pass on before the hold ends; after, the next in line.
    assert!(store.pass_lapsed(now()).await.unwrap().is_empty());
    let later = now() + Duration::hours(OFFER_HOLD_HOURS + 1);
    assert_eq!(store.pass_lapsed(later).await.unwrap(), vec![b.id]);
    assert!(store.pass_lapsed(later).await.unwrap().is_empty(), "once");
    assert_eq!(entry(store, &a.reference).await.state, WaitState::Passed);
    let lapsed = store.booking_row(offer.id).await.unwrap().unwrap();
    assert_eq!(lapsed.status, BookingStatus::Expired);
    let b_now = entry(store, &b.reference).await;
    assert_eq!(b_now.state, WaitState::Offered);

    // The lapsed offer cannot be taken; the standing one can, once.
    assert!(
        store
            .accept_offer(offer.id, None, later, &no_mail)
            .await
            .is_err()
    );
    let mine = b_now.booking_id.unwrap();
    let taken = store
        .accept_offer(mine, None, later, &no_mail)
        .await
        .unwrap();
    assert_eq!(taken.status, BookingStatus::Confirmed);
    assert_eq!(taken.expires_at, None);
    assert_eq!(entry(store, &b.reference).await.state, WaitState::Booked);
    assert!(
        store
            .accept_offer(mine, None, later, &no_mail)
            .await
            .is_err()
    );

    // Leaving the line works only while waiting.
    let (c, _) = store
        .join_waitlist(&wait_for(store, 1, 1, 4).await, later, &no_wait_mail)
        .await
        .unwrap();
    assert!(store.withdraw_wait(c.id).await.unwrap());
    assert!(!store.withdraw_wait(c.id).await.unwrap());
    assert!(!store.withdraw_wait(b.id).await.unwrap());
}

#[tokio::test]
async fn the_line_is_served_in_order_on_sqlite() {
    line_order(&TestDb::sqlite().await).await;
}

#[tokio::test]
async fn the_line_is_served_in_order_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    line_order(&db).await;
    db.drop_db().await;
}

/// Two bookings side by side (1:00 and 2:00) cancelled at the same moment.
/// In line: A for both hours, then B for the first, then C for the second.
/// Whichever commits first, A never has both hours free at once while the
/// other still holds its own, so B and C are offered and A waits.
async fn racing_cancellations(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let first = book(store, &sample_booking(store, now(), 1, 1, 1, false).await).await;
    let second = book(store, &sample_booking(store, now(), 1, 2, 2, false).await).await;
    let mut refs = Vec::new();
    for (hour, hours, n) in [(1, 2, 3), (1, 1, 4), (2, 1, 5)] {
        let w = wait_for(store, hour, hours, n).await;
        refs.push(
            store
                .join_waitlist(&w, now(), &no_wait_mail)
                .await
                .unwrap()
                .0
                .reference,
        );
    }
    let (s1, s2) = (store.clone(), store.clone());
    let (x, y) = tokio::join!(
        tokio::spawn(async move { s1.cancel_booking(BookingId(first), now(), &no_mail).await }),
        tokio::spawn(async move { s2.cancel_booking(BookingId(second), now(), &no_mail).await }),
    );
    x.unwrap().unwrap();
    y.unwrap().unwrap();
    let states: Vec<WaitState> = {
        let mut v = Vec::new();
        for r in &refs {
            v.push(entry(store, r).await.state);
        }
        v
    };
    assert_eq!(
        states,
        vec![WaitState::Waiting, WaitState::Offered, WaitState::Offered]
    );
    // Each hour is held once, by the person who waited for it.
    for (r, n) in [(&refs[1], 4), (&refs[2], 5)] {
        let e = entry(store, r).await;
        let held = store
            .booking_row(e.booking_id.unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(held.email, format!("t{n}@example.jp"));
        assert_eq!((held.start_at, held.end_at), (e.start_at, e.end_at));
    }
}

#[tokio::test]
async fn racing_cancellations_offer_each_time_to_the_right_person_on_sqlite() {
    racing_cancellations(&TestDb::sqlite().await).await;
}

#[tokio::test]
async fn racing_cancellations_offer_each_time_to_the_right_person_on_postgres() {
    // A few rounds, each on a fresh database: the order of the commits varies.
    for _ in 0..3 {
        let Some(db) = TestDb::postgres().await else {
            return;
        };
        racing_cancellations(&db).await;
        db.drop_db().await;
    }
}

/// Declining an offer (cancelling the booking held) passes it on at once.
async fn declining(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let held = book(store, &sample_booking(store, now(), 1, 1, 1, false).await).await;
    let mut line = Vec::new();
    for n in [2, 3] {
        let w = wait_for(store, 1, 1, n).await;
        line.push(
            store
                .join_waitlist(&w, now(), &no_wait_mail)
                .await
                .unwrap()
                .0,
        );
    }
    store
        .cancel_booking(BookingId(held), now(), &no_mail)
        .await
        .unwrap();
    let offer = entry(store, &line[0].reference).await.booking_id.unwrap();
    store
        .cancel_booking(BookingId(offer), now(), &no_mail)
        .await
        .unwrap();
    assert_eq!(
        entry(store, &line[0].reference).await.state,
        WaitState::Passed
    );
    let next = entry(store, &line[1].reference).await;
    assert_eq!(next.state, WaitState::Offered);
    let row = store
        .booking_row(next.booking_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.email, "t3@example.jp");
}

#[tokio::test]
async fn declining_passes_the_time_on_on_sqlite() {
    declining(&TestDb::sqlite().await).await;
}

#[tokio::test]
async fn declining_passes_the_time_on_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    declining(&db).await;
    db.drop_db().await;
}

/// A 仮予約 that lapses and a booking (or block) staff cancel free their
/// time for the line as a resident's cancellation does.
async fn other_frees(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let pending = book(store, &sample_booking(store, now(), 1, 1, 1, true).await).await;
    let kept = book(store, &sample_booking(store, now(), 1, 2, 2, false).await).await;
    let mut line = Vec::new();
    for (hour, n) in [(1, 3), (2, 4)] {
        let w = wait_for(store, hour, 1, n).await;
        line.push(
            store
                .join_waitlist(&w, now(), &no_wait_mail)
                .await
                .unwrap()
                .0,
        );
    }
    // The request lapses an hour from now: the round passes it on.
    assert!(store.pass_lapsed(now()).await.unwrap().is_empty());
    let later = now() + Duration::hours(2);
    assert_eq!(store.pass_lapsed(later).await.unwrap(), vec![line[0].id]);
    let lapsed = store.booking_row(pending).await.unwrap().unwrap();
    assert_eq!(lapsed.status, BookingStatus::Expired);
    // Staff cancel the other (as they lift a block).
    let audit = store::testing::audit_entry(domain::status::AuditAction::BookingCancel, later);
    store
        .staff_cancel(kept, "点検", later, &audit, &no_mail)
        .await
        .unwrap();
    for e in &line {
        assert_eq!(entry(store, &e.reference).await.state, WaitState::Offered);
    }
}

#[tokio::test]
async fn lapses_and_staff_cancellations_serve_the_line_on_sqlite() {
    other_frees(&TestDb::sqlite().await).await;
}

#[tokio::test]
async fn lapses_and_staff_cancellations_serve_the_line_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    other_frees(&db).await;
    db.drop_db().await;
}

/// A lapsed 仮予約 someone waits for: a booking made before the round runs
/// finds the time taken (the line keeps its turn, the round then offers
/// it); a block over it takes the time with no offer and no collision.
async fn lapsed_before_the_round(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let later = now() + Duration::hours(2);
    for (hour, n) in [(1, 1), (3, 2)] {
        book(store, &sample_booking(store, now(), 1, hour, n, true).await).await;
    }
    let mut line = Vec::new();
    for (hour, n) in [(1, 3), (3, 4)] {
        let w = wait_for(store, hour, 1, n).await;
        line.push(
            store
                .join_waitlist(&w, now(), &no_wait_mail)
                .await
                .unwrap()
                .0,
        );
    }
    let first_come = sample_booking(store, now(), 1, 1, 5, false).await;
    assert!(matches!(
        store.create_booking(&first_come, later, &no_mail).await,
        Err(CreateError::Taken)
    ));
    assert_eq!(
        entry(store, &line[0].reference).await.state,
        WaitState::Waiting
    );
    let passed = store.pass_lapsed(later).await.unwrap();
    assert!(passed.contains(&line[0].id), "{passed:?}");
    // The round offered the 3:00 time too; a block over it is a collision
    // to decide on, like any booking. Cancelled with the block, that offer
    // is over and goes to nobody (the block holds the time).
    let offered = entry(store, &line[1].reference).await;
    assert_eq!(offered.state, WaitState::Offered);
    let b = sample_booking(store, now(), 1, 3, 6, false).await;
    let block = store::console::NewBlock {
        unit: b.unit,
        leaves: b.leaves.clone(),
        start: b.start,
        end: b.end,
        reason: "点検".into(),
        staff_account: 1,
        cancel: vec![offered.booking_id.unwrap()],
        keep: vec![],
    };
    let audit = store::testing::audit_entry(domain::status::AuditAction::BlockCreate, later);
    store
        .create_block(&block, later, &audit, &no_mail)
        .await
        .unwrap();
    assert_eq!(
        entry(store, &line[1].reference).await.state,
        WaitState::Passed
    );
}

#[tokio::test]
async fn a_lapsed_request_keeps_the_lines_turn_on_sqlite() {
    lapsed_before_the_round(&TestDb::sqlite().await).await;
}

#[tokio::test]
async fn a_lapsed_request_keeps_the_lines_turn_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    lapsed_before_the_round(&db).await;
    db.drop_db().await;
}
