//! Fresh databases for tests: a temp-file SQLite, or a new PostgreSQL
//! database on the local server (`TEST_DATABASE_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`). With `CI=true` an unreachable
//! PostgreSQL fails the test instead of skipping it.

use sea_orm::{ConnectionTrait, Database};
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::applicant::Applicant;
use domain::booking::{Fee, Yen, space_leaves};
use domain::ids::FacilityId;

use crate::{NewBooking, Store};

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// A database made for one test; `drop_db` removes it.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A new SQLite file in the temp folder.
    pub async fn sqlite() -> TestDb {
        let path = std::env::temp_dir().join(format!("{}.db", unique("town_test")));
        let url = format!("sqlite://{}", path.display());
        let store = Store::connect(&url).await.expect("open test SQLite");
        TestDb {
            store,
            url,
            cleanup: Cleanup::File(path),
        }
    }

    /// A new PostgreSQL database, or `None` (outside CI) when the server is unreachable.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = std::env::var("TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        let admin = match Database::connect(&admin_url).await {
            Ok(db) => db,
            Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
                panic!("PostgreSQL is required in CI but unreachable at {admin_url}: {e}")
            }
            Err(e) => {
                eprintln!("skipping PostgreSQL test: {e}");
                return None;
            }
        };
        let name = unique("town_test");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create test database");
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(&admin_url);
        let url = format!("{base}/{name}");
        let store = Store::connect(&url).await.expect("open test PostgreSQL");
        Some(TestDb {
            store,
            url,
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    /// Closes the pool and removes the database.
    pub async fn drop_db(self) {
        let TestDb { store, cleanup, .. } = self;
        let _ = store.connection().clone().close().await;
        match cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(admin) = Database::connect(&admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                }
            }
        }
    }
}

/// A booking of the demo centre's second unit (会議室1) on day `day` of
/// February 2027 at `hour` UTC for one hour, by contact number `n`; pending
/// for an hour after `now` if `pending`.
pub async fn sample_booking(
    store: &Store,
    now: DateTime<Utc>,
    day: u32,
    hour: u32,
    n: u32,
    pending: bool,
) -> NewBooking {
    let centre = store
        .facility(FacilityId(1))
        .await
        .unwrap()
        .expect("the demo centre");
    let unit = centre.units[1].id;
    let start = Utc.with_ymd_and_hms(2027, 2, day, hour, 0, 0).unwrap();
    NewBooking {
        unit,
        leaves: space_leaves(&centre.plan.units, unit),
        start,
        end: start + Duration::hours(1),
        pending_until: pending.then(|| now + Duration::hours(1)),
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
        facility_units: centre.units.iter().map(|u| u.id).collect(),
        max_active: 100,
        created_by_staff: None,
        override_reason: None,
        account_id: None,
        municipality_id: centre.municipality.0,
        request_key: None,
        audit: None,
        reduction: None,
    }
}

/// Holds a town's appointment lock (PostgreSQL) in a transaction of its
/// own, as a visit being booked does while it reads the staff, until the
/// transaction ends. For tests of what waits for it.
pub async fn hold_appointment_lock(
    store: &Store,
    municipality: i64,
) -> sea_orm::DatabaseTransaction {
    use sea_orm::TransactionTrait;
    let txn = store.db.begin().await.expect("begin");
    Store::advisory_lock(&txn, &crate::appointments::appointment_lock(municipality))
        .await
        .expect("lock");
    txn
}

/// An audit entry of town 1 by "test" at `at`, as the store's writes take.
pub fn audit_entry(action: domain::status::AuditAction, at: DateTime<Utc>) -> crate::AuditEntry {
    crate::AuditEntry {
        municipality_id: 1,
        actor: "test".into(),
        action,
        target: String::new(),
        before: None,
        after: None,
        at,
    }
}
