//! Store-level guarantees of the hardening work, on SQLite and PostgreSQL:
//! mail is written with its change (and not without it), the claim keeps two
//! senders apart, rate-limit counters count across handles and are pruned,
//! migrations of two processes take turns, and lapsed holds never block a
//! staff block.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::booking::space_leaves;
use domain::ids::FacilityId;
use store::testing::{TestDb, sample_booking};
use store::{CreateError, Limit, NewMail, Store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

fn mail_for(row: &store::entity::booking::Model) -> Option<NewMail> {
    Some(NewMail {
        municipality_id: 1,
        to: row.email.clone(),
        subject: format!("予約 {}", row.reference),
        body: row.reference.clone(),
        ics: None,
    })
}

async fn mail_goes_with_its_change(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let b = sample_booking(store, now(), 10, 1, 1, false).await;
    let made = store.create_booking(&b, now(), &mail_for).await.unwrap();
    let outbox = store.outbox(1, 10).await.unwrap();
    assert_eq!(outbox.len(), 1, "written with the booking");
    assert_eq!(outbox[0].body, made.row.reference);
    // A refused booking (the time is taken) writes no mail.
    let mut again = sample_booking(store, now(), 10, 1, 2, false).await;
    again.applicant.email = "other@example.jp".into();
    let refused = store.create_booking(&again, now(), &mail_for).await;
    assert!(matches!(refused, Err(CreateError::Taken)), "{refused:?}");
    assert_eq!(
        store.outbox(1, 10).await.unwrap().len(),
        1,
        "rolled back: no mail"
    );
    // The same request key gets the first booking back, with no second mail.
    let mut keyed = sample_booking(store, now(), 10, 3, 3, false).await;
    keyed.request_key = Some("draft:abc".into());
    let first = store
        .create_booking(&keyed, now(), &mail_for)
        .await
        .unwrap();
    let second = store
        .create_booking(&keyed, now(), &mail_for)
        .await
        .unwrap();
    assert_eq!(first.row.reference, second.row.reference);
    assert_eq!(store.outbox(1, 10).await.unwrap().len(), 2);

    // One claim at a time: a second sender finds nothing while it is held.
    let t = now();
    let claimed = store.outbox_claim(t, 60).await.unwrap().expect("due");
    let other = store
        .outbox_claim(t, 60)
        .await
        .unwrap()
        .expect("the other mail");
    assert_ne!(claimed.id, other.id);
    assert!(
        store.outbox_claim(t, 60).await.unwrap().is_none(),
        "both held"
    );
    store.outbox_sent(claimed.id, t).await.unwrap();
    store
        .outbox_failed(
            other.id,
            "could not reach the SMTP server",
            other.attempts,
            t,
        )
        .await
        .unwrap();
    assert!(
        store.outbox_claim(t, 60).await.unwrap().is_none(),
        "backing off"
    );
    let later = store
        .outbox_claim(t + Duration::seconds(6), 60)
        .await
        .unwrap()
        .expect("retried after the backoff");
    assert_eq!(later.id, other.id);
    assert_eq!(later.attempts, 2);
    // A sent mail is never claimed again, even after its lease.
    store.outbox_sent(later.id, t).await.unwrap();
    assert!(
        store
            .outbox_claim(t + Duration::hours(2), 60)
            .await
            .unwrap()
            .is_none()
    );
    // Also when the repeat would be refused for the contact's limit: the
    // earlier booking is found after the refusal, not before.
    let mut capped = sample_booking(store, now(), 11, 3, 4, false).await;
    capped.max_active = 1;
    capped.request_key = Some("draft:capped".into());
    let made = store
        .create_booking(&capped, now(), &mail_for)
        .await
        .unwrap();
    let repeat = store
        .create_booking(&capped, now(), &mail_for)
        .await
        .unwrap();
    assert_eq!(made.row.reference, repeat.row.reference);
    let mut other_time = sample_booking(store, now(), 12, 3, 4, false).await;
    other_time.max_active = 1;
    other_time.request_key = Some("draft:capped".into());
    let replayed = store
        .create_booking(&other_time, now(), &mail_for)
        .await
        .unwrap();
    assert_eq!(
        replayed.row.reference, made.row.reference,
        "the key decides"
    );
    other_time.request_key = Some("draft:new".into());
    let refused = store.create_booking(&other_time, now(), &mail_for).await;
    assert!(
        matches!(refused, Err(CreateError::LimitReached { max: 1 })),
        "{refused:?}"
    );
    assert_eq!(store.outbox(1, 10).await.unwrap().len(), 3, "one mail each");
}

#[tokio::test]
async fn sqlite_writes_mail_with_its_change_and_sends_each_once() {
    let db = TestDb::sqlite().await;
    mail_goes_with_its_change(&db).await;
    db.drop_db().await;
}

#[tokio::test]
async fn postgres_writes_mail_with_its_change_and_sends_each_once() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    mail_goes_with_its_change(&db).await;
    db.drop_db().await;
}

const LIMIT: Limit = Limit {
    name: "test",
    window_s: 60,
    max: 3,
};

async fn counters_count_and_are_pruned(db: &TestDb, other: &Store) {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let store = &db.store;
    let t = now();
    // PostgreSQL keeps the counters in an unlogged table (no WAL per hit);
    // the SQLite booking file has none (they live in memory).
    let backend = store.connection().get_database_backend();
    let probe = if backend == DatabaseBackend::Postgres {
        "SELECT COUNT(*) FROM pg_class WHERE relname = 'rate_limit' AND relpersistence = 'u'"
    } else {
        "SELECT COUNT(*) FROM sqlite_master WHERE name = 'rate_limit'"
    };
    let row = store
        .connection()
        .query_one_raw(Statement::from_string(backend, probe))
        .await
        .unwrap()
        .unwrap();
    let found: i64 = row.try_get_by_index(0).unwrap();
    assert_eq!(found, i64::from(backend == DatabaseBackend::Postgres));
    for _ in 0..3 {
        store
            .rate_hit(&LIMIT, "192.0.2.1", t)
            .await
            .unwrap()
            .unwrap();
    }
    let refused = store.rate_hit(&LIMIT, "192.0.2.1", t).await.unwrap();
    assert_eq!(
        refused,
        Err(store::RetryAfter(60)),
        "refused until the window ends"
    );
    assert!(
        store
            .rate_hit(&LIMIT, "192.0.2.2", t)
            .await
            .unwrap()
            .is_ok()
    );
    // The next window starts afresh.
    assert!(
        store
            .rate_hit(&LIMIT, "192.0.2.1", t + Duration::seconds(60))
            .await
            .unwrap()
            .is_ok()
    );
    // A refunded hit does not count.
    for _ in 0..3 {
        store.rate_hit(&LIMIT, "r", t).await.unwrap().unwrap();
        store.rate_refund(&LIMIT, "r", t).await.unwrap();
    }
    assert!(store.rate_hit(&LIMIT, "r", t).await.unwrap().is_ok());
    // Another process's hits count here (PostgreSQL: one shared table).
    for _ in 0..3 {
        let _ = other.rate_hit(&LIMIT, "k", t).await.unwrap();
    }
    let shared = store.rate_hit(&LIMIT, "k", t).await.unwrap();
    if store.connection().get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        assert!(shared.is_err(), "another process's hits count here");
    }
    // A flood of random keys: the counters are pruned once their window ends.
    for n in 0..2_000 {
        let _ = store
            .rate_hit(&LIMIT, &format!("random-{n}"), t)
            .await
            .unwrap();
    }
    assert!(store.rate_rows().await.unwrap() >= 2_000);
    store.rate_prune(t + Duration::seconds(120)).await.unwrap();
    assert_eq!(
        store.rate_rows().await.unwrap(),
        0,
        "nothing kept past its window"
    );
}

#[tokio::test]
async fn sqlite_rate_limit_counters_count_and_are_pruned() {
    let db = TestDb::sqlite().await;
    let other = Store::connect(&db.url).await.unwrap();
    counters_count_and_are_pruned(&db, &other).await;
    db.drop_db().await;
}

#[tokio::test]
async fn postgres_rate_limit_counters_are_shared_by_processes_and_pruned() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let other = Store::connect(&db.url).await.unwrap();
    counters_count_and_are_pruned(&db, &other).await;
    db.drop_db().await;
}

async fn lapsed_holds_do_not_block_a_block(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let b = sample_booking(store, now(), 17, 2, 9, true).await;
    let pending = store
        .create_booking(&b, now(), &store::outbox::no_mail)
        .await
        .unwrap();
    assert_eq!(pending.row.status, domain::status::BookingStatus::Pending);
    let later = now() + Duration::hours(2);
    let block = store::console::NewBlock {
        unit: b.unit,
        leaves: b.leaves.clone(),
        start: b.start,
        end: b.end,
        reason: "点検".into(),
        staff_account: 1,
        cancel: vec![],
        keep: vec![],
    };
    let audit = store::AuditEntry {
        municipality_id: 1,
        actor: "test".into(),
        action: domain::status::AuditAction::BlockCreate,
        target: String::new(),
        before: None,
        after: None,
        at: later,
    };
    let saved = store
        .create_block(&block, later, &audit, &store::outbox::no_mail)
        .await;
    assert!(
        saved.is_ok(),
        "the lapsed request is released, not a collision: {saved:?}"
    );
}

async fn lapsed_holds_do_not_block_a_booking(db: &TestDb) {
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let b = sample_booking(store, now(), 18, 2, 10, true).await;
    let pending = store
        .create_booking(&b, now(), &store::outbox::no_mail)
        .await
        .unwrap();
    let mut other = sample_booking(store, now(), 18, 2, 11, false).await;
    let refused = store
        .create_booking(&other, now(), &store::outbox::no_mail)
        .await;
    assert!(matches!(refused, Err(CreateError::Taken)), "{refused:?}");
    // Two hours on, the request has lapsed: the time is free again, and the
    // lapsed row says so.
    let later = now() + Duration::hours(2);
    other.pending_until = None;
    let made = store
        .create_booking(&other, later, &store::outbox::no_mail)
        .await
        .unwrap();
    assert_eq!(made.row.status, domain::status::BookingStatus::Confirmed);
    let old = store
        .booking(&pending.row.reference)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.row.status, domain::status::BookingStatus::Expired);
}

#[tokio::test]
async fn sqlite_lapsed_holds_do_not_block_a_booking() {
    let db = TestDb::sqlite().await;
    lapsed_holds_do_not_block_a_booking(&db).await;
    db.drop_db().await;
}

#[tokio::test]
async fn postgres_lapsed_holds_do_not_block_a_booking() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    lapsed_holds_do_not_block_a_booking(&db).await;
    db.drop_db().await;
}

#[tokio::test]
async fn sqlite_lapsed_holds_do_not_block_a_block() {
    let db = TestDb::sqlite().await;
    lapsed_holds_do_not_block_a_block(&db).await;
    db.drop_db().await;
}

#[tokio::test]
async fn postgres_lapsed_holds_do_not_block_a_block() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    lapsed_holds_do_not_block_a_block(&db).await;
    db.drop_db().await;
}

#[tokio::test]
async fn two_processes_migrating_a_new_postgres_database_take_turns() {
    use sea_orm::{ConnectionTrait, Database};
    let admin_url = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let Ok(admin) = Database::connect(&admin_url).await else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "PostgreSQL is required in CI"
        );
        return;
    };
    let name = format!(
        "town_migrate_{}_{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    );
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap();
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(&admin_url);
    let url = format!("{base}/{name}");
    let (a, b, c) = tokio::join!(
        Store::connect(&url),
        Store::connect(&url),
        Store::connect(&url)
    );
    for s in [a, b, c] {
        let s = s.expect("every process starts");
        let _ = s.connection().clone().close().await;
    }
    let _ = admin
        .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .await;
}

async fn no_shows_stay_in_their_town(db: &TestDb) {
    use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, Statement};
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let town2 = store::entity::municipality::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        slug: Set("kozue".into()),
        name_ja: Set("こずえ村".into()),
        name_en: Set("Kozue Village".into()),
        time_zone: Set("Asia/Tokyo".into()),
        phone: Set("0120-000-000".into()),
        ..Default::default()
    }
    .insert(store.connection())
    .await
    .unwrap();
    // The ground becomes the other town's; a no-show there is its record.
    let backend = store.connection().get_database_backend();
    store
        .connection()
        .execute_raw(Statement::from_string(
            backend,
            format!(
                "UPDATE facility SET municipality_id = {} WHERE id = 3",
                town2.id
            ),
        ))
        .await
        .unwrap();
    let ground = store.facility(FacilityId(3)).await.unwrap().unwrap();
    let mut b = sample_booking(store, now(), 12, 1, 21, false).await;
    b.unit = ground.units[0].id;
    b.leaves = space_leaves(&ground.plan.units, b.unit);
    b.facility_units = ground.units.iter().map(|u| u.id).collect();
    b.municipality_id = town2.id;
    let made = store
        .create_booking(&b, now(), &store::outbox::no_mail)
        .await
        .unwrap();
    store
        .connection()
        .execute_raw(Statement::from_string(
            backend,
            format!(
                "UPDATE booking SET usage = 'no_show' WHERE id = {}",
                made.row.id
            ),
        ))
        .await
        .unwrap();
    let email = b.applicant.email.as_str();
    assert_eq!(store.no_shows(town2.id, email, "").await.unwrap(), 1);
    assert_eq!(
        store.no_shows(1, email, "").await.unwrap(),
        0,
        "not town 1's to see"
    );
}

#[tokio::test]
async fn sqlite_no_shows_stay_in_their_town() {
    let db = TestDb::sqlite().await;
    no_shows_stay_in_their_town(&db).await;
    db.drop_db().await;
}

#[tokio::test]
async fn postgres_no_shows_stay_in_their_town() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    no_shows_stay_in_their_town(&db).await;
    db.drop_db().await;
}
