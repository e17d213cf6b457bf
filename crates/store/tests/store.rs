//! Store tests against real SQLite and PostgreSQL: migrations, the demo seed,
//! and the facility and busy queries.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::availability::{SlotStatus, compute};
use domain::calendar::DateRange;
use domain::ids::FacilityId;
use sea_orm::{EntityTrait, PaginatorTrait};
use store::entity::booking;
use store::testing::TestDb;

fn now() -> DateTime<Utc> {
    // 2026-11-22 10:00 JST
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

async fn seeded_store_behaves(db: &TestDb) {
    let store = &db.store;
    assert!(store.seed_demo(now()).await.unwrap(), "first seed seeds");
    assert!(
        !store.seed_demo(now()).await.unwrap(),
        "second seed is a no-op"
    );

    let facilities = store.facilities().await.unwrap();
    let names: Vec<_> = facilities.iter().map(|f| f.name.ja.as_str()).collect();
    assert_eq!(
        names,
        [
            "ひだまり町民センター",
            "ひだまり町民体育館",
            "ひだまり町営グラウンド"
        ]
    );
    let centre = &facilities[0];
    let units: Vec<_> = centre.units.iter().map(|u| u.name.ja.as_str()).collect();
    assert_eq!(units, ["大ホール", "会議室1", "会議室2", "和室"]);
    let gym = &facilities[1];
    assert_eq!(gym.units[1].parent, Some(gym.units[0].id));
    assert_eq!(gym.units[2].parent, Some(gym.units[0].id));
    assert_eq!(centre.plan.tz, chrono_tz::Asia::Tokyo);
    assert!(store.facility(FacilityId(9999)).await.unwrap().is_none());

    let bookings = booking::Entity::find()
        .count(store.connection())
        .await
        .unwrap();
    assert!(bookings > 200, "demo bookings: {bookings}");

    // Busy intervals come back in UTC and make some slots booked, and the
    // seed never put two bookings on the same space (same unit, or a unit and
    // its parent).
    let today = now().with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
    let range = DateRange::new(today + Duration::days(1), today + Duration::days(60)).unwrap();
    let tz = gym.plan.tz;
    let from = tz
        .from_local_datetime(&range.from.and_hms_opt(0, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let to = from + Duration::days(60);
    let ids: Vec<_> = gym.units.iter().map(|u| u.id).collect();
    let busy = store.busy(&ids, from, to, now()).await.unwrap();
    assert!(!busy.is_empty());
    for a in &busy {
        for b in &busy {
            let shared = a.unit == b.unit
                || gym.units.iter().any(|u| {
                    (u.id == a.unit && u.parent == Some(b.unit))
                        || (u.id == b.unit && u.parent == Some(a.unit))
                });
            if a != b && shared {
                assert!(a.end <= b.start || b.end <= a.start, "overlap {a:?} {b:?}");
            }
        }
    }
    let availability = compute(&gym.plan, range, &busy, now());
    let booked = availability
        .units
        .iter()
        .flat_map(|u| &u.slots)
        .filter(|s| s.status == SlotStatus::Booked)
        .count();
    assert!(booked > 0);

    // A range outside the bookings finds nothing.
    let empty = store
        .busy(
            &ids,
            from - Duration::days(400),
            from - Duration::days(300),
            now(),
        )
        .await
        .unwrap();
    assert!(empty.is_empty());
}

/// How many migrations `Migrator::down` undoes to stand just before `name`
/// (it and every later one).
fn steps_back_to(name: &str) -> u32 {
    use sea_orm_migration::MigratorTrait;
    let all = store::migration::Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name() == name)
        .expect("a known migration");
    u32::try_from(all.len() - at).unwrap()
}

#[tokio::test]
async fn sqlite_migrates_seeds_and_queries() {
    let db = TestDb::sqlite().await;
    seeded_store_behaves(&db).await;
    db.drop_db().await;
}

#[tokio::test]
async fn postgres_migrates_seeds_and_queries() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    seeded_store_behaves(&db).await;
    db.drop_db().await;
}

#[tokio::test]
async fn sqlite_file_is_in_wal_mode_and_reopens() {
    let db = TestDb::sqlite().await;
    let path = store::sqlite_path(&db.url).unwrap().to_owned();
    db.store.seed_demo(now()).await.unwrap();
    let again = store::Store::connect(&db.url).await.unwrap();
    assert_eq!(again.facilities().await.unwrap().len(), 3);
    assert!(
        std::path::Path::new(&format!("{path}-wal")).exists(),
        "WAL file present"
    );
    db.drop_db().await;
}

#[tokio::test]
async fn busy_finds_a_booking_that_started_before_the_range() {
    use sea_orm::{ActiveValue::NotSet, IntoActiveModel};
    let db = TestDb::sqlite().await;
    db.store.seed_demo(now()).await.unwrap();
    let unit = db.store.facilities().await.unwrap()[2].units[0].id;
    let at = |d, h| Utc.with_ymd_and_hms(2030, 1, d, h, 0, 0).unwrap();
    let mut b = booking::Model {
        id: 0,
        unit_id: unit.0,
        reference: "ZZZZZZZZ".into(),
        start_at: at(1, 13),
        end_at: at(2, 3),
        status: domain::status::BookingStatus::Confirmed,
        name: "x".into(),
        name_kana: "x".into(),
        phone: "0".into(),
        email: "x@example.invalid".into(),
        purpose: String::new(),
        attendees: 1,
        resident: true,
        fee_total_yen: 0,
        fee_lines: "[]".into(),
        created_at: now(),
        expires_at: None,
        cancelled_at: None,
        created_by_staff_id: None,
        kind: domain::status::BookingKind::Resident,
        usage: None,
        paid_at: None,
        status_reason: None,
        rejected: false,
        override_reason: None,
        account_id: None,
        request_key: None,
        sequence: 0,
        modified_s: None,
        series_id: None,
    }
    .into_active_model();
    b.id = NotSet;
    booking::Entity::insert(b)
        .exec(db.store.connection())
        .await
        .unwrap();
    let found = db
        .store
        .busy(&[unit], at(2, 0), at(3, 0), now())
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "overlapping from the day before");
    let none = db
        .store
        .busy(&[unit], at(2, 3), at(3, 0), now())
        .await
        .unwrap();
    assert!(none.is_empty(), "ends exactly when the range starts");
    db.drop_db().await;
}

/// The database itself refuses overlapping holds: no application check runs
/// here, only `create_booking`'s inserts and `insert_bookings`' bulk path.
async fn database_refuses_overlaps(db: &TestDb) {
    use domain::applicant::Applicant;
    use domain::booking::{Fee, Yen, space_leaves};
    use store::{CreateError, NewBooking};

    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let gym = store.facility(FacilityId(2)).await.unwrap().unwrap();
    let (whole, half_a, half_b) = (gym.units[0].id, gym.units[1].id, gym.units[2].id);
    let at = |h: u32| Utc.with_ymd_and_hms(2027, 6, 1, h, 0, 0).unwrap();
    let new = |unit, start, end, n: u32| NewBooking {
        unit,
        leaves: space_leaves(&gym.plan.units, unit),
        start,
        end,
        pending_until: None,
        applicant: Applicant {
            name: "山田 花子".into(),
            name_kana: "やまだ はなこ".into(),
            phone: format!("0900000{n:04}"),
            email: format!("t{n}@example.jp"),
            purpose: "test".into(),
            attendees: 1,
            resident: true,
        },
        fee: Fee {
            total_yen: Yen(0),
            lines: vec![],
        },
        equipment: vec![],
        facility_units: vec![whole, half_a, half_b],
        max_active: 100,
        created_by_staff: None,
        override_reason: None,
        account_id: None,
        municipality_id: gym.municipality.0,
        request_key: None,
        audit: None,
        reduction: None,
    };
    store
        .create_booking(&new(whole, at(0), at(3), 1), now(), &store::outbox::no_mail)
        .await
        .unwrap();
    // Any overlap on the whole floor's space is refused, also by a half.
    for (unit, s, e) in [
        (whole, at(2), at(4)),
        (half_a, at(1), at(2)),
        (half_b, at(0), at(3)),
    ] {
        let r = store
            .create_booking(&new(unit, s, e, 2), now(), &store::outbox::no_mail)
            .await;
        assert!(matches!(r, Err(CreateError::Taken)), "{r:?}");
    }
    // Touching is not overlapping (half-open ranges); the halves share nothing.
    store
        .create_booking(
            &new(half_a, at(3), at(4), 3),
            now(),
            &store::outbox::no_mail,
        )
        .await
        .unwrap();
    store
        .create_booking(
            &new(half_b, at(3), at(4), 4),
            now(),
            &store::outbox::no_mail,
        )
        .await
        .unwrap();
    // Racing whole floor against a half, many times: one wins, the other is
    // told the time is taken (on PostgreSQL the loser may be the deadlock
    // detector's victim; it must still read as "taken", never as a failure).
    for day in 2..22 {
        let at = |h: u32| Utc.with_ymd_and_hms(2027, 6, day, h, 0, 0).unwrap();
        let (first, second) = (
            new(whole, at(0), at(3), 10 + day),
            new(half_b, at(1), at(2), 50 + day),
        );
        let (a, b) = tokio::join!(
            store.create_booking(&first, now(), &store::outbox::no_mail),
            store.create_booking(&second, now(), &store::outbox::no_mail),
        );
        let wins = [a.is_ok(), b.is_ok()].iter().filter(|w| **w).count();
        assert_eq!(wins, 1, "{a:?} {b:?}");
        for r in [a, b] {
            assert!(matches!(r, Ok(_) | Err(CreateError::Taken)), "{r:?}");
        }
    }
    // The bulk path (seed, benchmarks) is held to the same rule.
    let row = |unit: domain::ids::UnitId, reference: &str| booking::Model {
        id: 0,
        unit_id: unit.0,
        reference: reference.into(),
        start_at: at(5),
        end_at: at(6),
        status: domain::status::BookingStatus::Confirmed,
        name: "x".into(),
        name_kana: "x".into(),
        phone: "0".into(),
        email: "x@example.jp".into(),
        purpose: "x".into(),
        attendees: 1,
        resident: true,
        fee_total_yen: 0,
        fee_lines: "[]".into(),
        created_at: now(),
        expires_at: None,
        cancelled_at: None,
        created_by_staff_id: None,
        kind: domain::status::BookingKind::Resident,
        usage: None,
        paid_at: None,
        status_reason: None,
        rejected: false,
        override_reason: None,
        account_id: None,
        request_key: None,
        sequence: 0,
        modified_s: None,
        series_id: None,
    };
    let clash = store
        .insert_bookings(vec![
            (row(half_a, "AAAAAAA2"), vec![half_a]),
            (row(whole, "AAAAAAA3"), vec![half_a, half_b]),
        ])
        .await;
    let clash = clash.expect_err("overlapping holds are refused");
    assert!(
        clash.to_string().contains("booking_hold_no_overlap"),
        "{clash}"
    );
    let found = store.booking("AAAAAAA2").await.unwrap();
    assert!(
        found.is_none(),
        "the failed bulk insert left nothing behind"
    );
}

#[tokio::test]
async fn sqlite_database_refuses_overlaps() {
    let db = TestDb::sqlite().await;
    database_refuses_overlaps(&db).await;
    db.drop_db().await;
}

#[tokio::test]
async fn postgres_database_refuses_overlaps() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    database_refuses_overlaps(&db).await;
    db.drop_db().await;
}

/// Bookings made before the holds migration get their holds from it: roll
/// the migration back and apply it again over the seeded town. (PostgreSQL
/// only: rolling back on SQLite leaves the added column behind in this
/// test's pool, so the second `up` cannot run there; the backfill code is the
/// same for both.)
async fn holds_are_backfilled_for_older_bookings(db: &TestDb) {
    use sea_orm::{ColumnTrait, QueryFilter};
    use sea_orm_migration::MigratorTrait;
    use store::entity::booking_hold;

    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let conn = store.connection();
    let before = booking_hold::Entity::find().count(conn).await.unwrap();
    let bookings = booking::Entity::find().count(conn).await.unwrap();
    assert!(
        before > bookings,
        "the gym's whole-floor bookings hold both halves"
    );
    // Back to just before the holds migration (it and every later one).
    store::migration::Migrator::down(conn, Some(steps_back_to("m20261122_000002_booking_holds")))
        .await
        .unwrap();
    assert_eq!(
        booking_hold::Entity::find().count(conn).await.ok(),
        None,
        "the holds table is gone"
    );
    store::migration::Migrator::up(conn, None).await.unwrap();
    assert_eq!(
        booking_hold::Entity::find().count(conn).await.unwrap(),
        before
    );
    let gym = store.facility(FacilityId(2)).await.unwrap().unwrap();
    let whole = booking::Entity::find()
        .filter(booking::Column::UnitId.eq(gym.units[0].id.0))
        .one(conn)
        .await
        .unwrap()
        .expect("a whole-floor booking in the demo");
    let held: Vec<String> = booking_hold::Entity::find()
        .filter(booking_hold::Column::BookingId.eq(whole.id))
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.resource)
        .collect();
    assert_eq!(held.len(), 2, "{held:?}");
}

#[tokio::test]
async fn postgres_backfills_holds() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    holds_are_backfilled_for_older_bookings(&db).await;
    db.drop_db().await;
}

/// The database itself refuses two active appointment items of one staff
/// member that overlap, with no application check in front; inactive
/// (cancelled) items and other members are not in the way.
async fn database_refuses_double_assignment(db: &TestDb) {
    use sea_orm::{ActiveValue::NotSet, ColumnTrait, QueryFilter, Set};
    use store::entity::{appointment, appointment_item, procedure, staff};
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let conn = store.connection();
    let members = staff::Entity::find().all(conn).await.unwrap();
    let p = procedure::Entity::find().one(conn).await.unwrap().unwrap();
    let a = appointment::Entity::insert(appointment::ActiveModel {
        id: NotSet,
        municipality_id: Set(1),
        reference: Set("TESTREF2".into()),
        name: Set("山田 花子".into()),
        name_kana: Set("やまだ はなこ".into()),
        phone: Set("09000000000".into()),
        email: Set("a@example.jp".into()),
        mode: Set("in_person".into()),
        status: Set(domain::status::AppointmentStatus::Booked),
        created_at: Set(now()),
        cancelled_at: Set(None),
        needs_contact: Set(false),
        request_key: Set(None),
        sequence: sea_orm::ActiveValue::NotSet,
        modified_s: sea_orm::ActiveValue::NotSet,
        account_id: sea_orm::ActiveValue::NotSet,
    })
    .exec_with_returning(conn)
    .await
    .unwrap();
    let t = |m: i64| now() + Duration::minutes(m);
    let item = |staff: i64, from: i64, to: i64, active: bool| appointment_item::ActiveModel {
        id: NotSet,
        appointment_id: Set(a.id),
        procedure_id: Set(p.id),
        staff_id: Set(staff),
        counter_id: Set(None),
        start_at: Set(t(from)),
        end_at: Set(t(to)),
        start_s: Set(t(from).timestamp()),
        end_s: Set(t(to).timestamp()),
        active: Set(active),
    };
    let insert = |m: appointment_item::ActiveModel| async move {
        appointment_item::Entity::insert(m).exec(conn).await
    };
    let (one, two) = (members[0].id, members[1].id);
    insert(item(one, 0, 30, true)).await.unwrap();
    assert!(
        insert(item(one, 15, 45, true)).await.is_err(),
        "overlap refused"
    );
    assert!(
        insert(item(one, -10, 5, true)).await.is_err(),
        "overlap at the start refused"
    );
    insert(item(one, 30, 60, true))
        .await
        .expect("touching is fine");
    insert(item(two, 0, 30, true))
        .await
        .expect("another member is fine");
    insert(item(one, 10, 20, false))
        .await
        .expect("an inactive item holds nothing");
    // Nor can an update move an item onto another.
    let last = appointment_item::Entity::find()
        .filter(appointment_item::Column::StaffId.eq(two))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let moved = appointment_item::Entity::update_many()
        .col_expr(
            appointment_item::Column::StaffId,
            sea_orm::sea_query::Expr::value(one),
        )
        .filter(appointment_item::Column::Id.eq(last.id))
        .exec(conn)
        .await;
    assert!(moved.is_err(), "an update cannot double-assign either");
    // Re-activating the inactive item, which overlaps, is refused too.
    let reactivated = appointment_item::Entity::update_many()
        .col_expr(
            appointment_item::Column::Active,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(appointment_item::Column::Active.eq(false))
        .exec(conn)
        .await;
    assert!(reactivated.is_err(), "re-activation cannot double-assign");
}

#[tokio::test]
async fn sqlite_database_refuses_double_assignment() {
    let db = TestDb::sqlite().await;
    database_refuses_double_assignment(&db).await;
    db.drop_db().await;
}

#[tokio::test]
async fn postgres_database_refuses_double_assignment() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    database_refuses_double_assignment(&db).await;
    db.drop_db().await;
}

/// Migration 010 makes a feed's owner optional (SQLite rebuilds the table):
/// feeds made before it keep their owner and token, and a booking's own
/// feed (no owner) can be stored after it.
async fn feeds_survive_the_owner_migration(db: &TestDb) {
    use sea_orm::ConnectionTrait;
    use sea_orm_migration::MigratorTrait;
    use store::entity::calendar_feed;
    let store = &db.store;
    store.seed_demo(now()).await.unwrap();
    let account = store
        .create_account(
            &store::NewAccount {
                municipality_id: 1,
                email: "resident@example.jp".into(),
                display_name: "町田 一郎".into(),
                password_hash: "x".into(),
                role: None,
                totp_secret: None,
                facilities: vec![],
                departments: vec![],
                enrolment: None,
                installation_admin: false,
            },
            now(),
            None,
        )
        .await
        .unwrap()
        .row
        .id;
    // The migrations run on a pool of one connection: a second connection
    // of SQLite still holding the schema from before a step would refuse
    // the next one's names ("duplicate column name") when it prepares it.
    let single = sea_orm::Database::connect(
        sea_orm::ConnectOptions::new(db.url.clone())
            .max_connections(1)
            .to_owned(),
    )
    .await
    .unwrap();
    let conn = &single;
    store::migration::Migrator::down(conn, Some(steps_back_to("m20261206_000010_resident_feeds")))
        .await
        .unwrap();
    conn.execute_unprepared(&format!(
        "INSERT INTO calendar_feed (municipality_id, owner_id, name, scope, scope_id, detail, \
         lang, token_hash, created_at, renewed_at) VALUES (1, {account}, '私の予約', 'resident', \
         {account}, 'full', 'ja', 'abc', '2026-12-01 00:00:00+00:00', '2026-12-01 00:00:00+00:00')"
    ))
    .await
    .unwrap();
    // Before 010 a feed of no account is refused.
    assert!(
        conn.execute_unprepared(
            "INSERT INTO calendar_feed (municipality_id, name, scope, scope_id, detail, lang, \
             token_hash, created_at, renewed_at) VALUES (1, 'x', 'booking', 1, 'full', 'ja', \
             'def', '2026-12-01 00:00:00+00:00', '2026-12-01 00:00:00+00:00')"
        )
        .await
        .is_err()
    );
    store::migration::Migrator::up(conn, None).await.unwrap();
    single.close().await.unwrap();
    let conn = store.connection();
    let feeds = calendar_feed::Entity::find().all(conn).await.unwrap();
    assert_eq!(feeds.len(), 1);
    assert_eq!(
        (
            feeds[0].owner_id,
            feeds[0].token_hash.as_str(),
            feeds[0].name.as_str()
        ),
        (Some(account), "abc", "私の予約")
    );
    let scope = domain::status::FeedScope::Booking;
    let new = store::NewFeed {
        municipality_id: 1,
        owner_id: None,
        name: "施設予約".into(),
        scope,
        scope_id: 1,
        detail: domain::status::FeedDetail::Full,
        lang: "ja".into(),
    };
    let audit = store::AuditEntry {
        municipality_id: 1,
        actor: "reference:TEST".into(),
        action: domain::status::AuditAction::FeedCreate,
        target: String::new(),
        before: None,
        after: None,
        at: now(),
    };
    let (first, _) = store
        .replace_subject_feed(&new, &audit, now())
        .await
        .unwrap();
    let (second, _) = store
        .replace_subject_feed(&new, &audit, now())
        .await
        .unwrap();
    // One working own feed per booking: the second replaced the first.
    let working = store.subject_feed(scope, 1).await.unwrap().unwrap();
    assert_eq!((working.id, working.owner_id), (second.id, None));
    assert_ne!(first.id, second.id);
}

#[tokio::test]
async fn sqlite_feeds_survive_the_owner_migration() {
    let db = TestDb::sqlite().await;
    feeds_survive_the_owner_migration(&db).await;
    db.drop_db().await;
}

#[tokio::test]
async fn postgres_feeds_survive_the_owner_migration() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    feeds_survive_the_owner_migration(&db).await;
    db.drop_db().await;
}
