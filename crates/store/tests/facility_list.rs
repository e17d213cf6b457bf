//! The facility list import on SQLite and PostgreSQL: imports at the same
//! moment never create a facility twice, and one that cannot finish writes
//! nothing.

use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use store::accounts::AuditEntry;
use store::entity::facility;
use store::facility_list::ListFacility;
use store::testing::TestDb;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

fn row(id: &str) -> ListFacility {
    ListFacility {
        id: id.into(),
        name: format!("施設 {id}"),
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
    }
}

async fn with_id(db: &TestDb, id: &str) -> u64 {
    facility::Entity::find()
        .filter(facility::Column::OpenDataId.eq(id))
        .count(db.store.connection())
        .await
        .unwrap()
}

async fn imports_at_once_never_duplicate(db: &TestDb) {
    db.store.seed_demo(now()).await.unwrap();
    let audit = AuditEntry {
        municipality_id: 1,
        actor: "test".into(),
        action: domain::status::AuditAction::FacilityImport,
        target: "municipality:1".into(),
        before: None,
        after: None,
        at: now(),
    };
    // Eight admins import at once: each a facility of its own, then one
    // they all share.
    let lists: Vec<Vec<ListFacility>> = (0..8)
        .map(|i| vec![row(&format!("OWN{i}")), row("SHARED")])
        .collect();
    let outcomes = run_at_once(db, &lists, &audit).await;
    assert_eq!(with_id(db, "SHARED").await, 1, "created once");
    for (i, outcome) in outcomes.iter().enumerate() {
        let own = with_id(db, &format!("OWN{i}")).await;
        match outcome {
            Some(w) => {
                assert_eq!(own, 1, "import {i} wrote its own facility");
                assert!(!w.created.is_empty());
            }
            None => assert_eq!(own, 0, "import {i} stopped: nothing of it is left"),
        }
    }
    let created_shared = outcomes
        .iter()
        .flatten()
        .filter(|w| w.created.len() == 2)
        .count();
    assert_eq!(created_shared, 1, "{outcomes:?}");
}

async fn run_at_once(
    db: &TestDb,
    lists: &[Vec<ListFacility>],
    audit: &AuditEntry,
) -> Vec<Option<store::facility_list::ListWritten>> {
    let tasks: Vec<_> = lists
        .iter()
        .map(|l| {
            let store = db.store.clone();
            let (l, audit) = (l.clone(), audit.clone());
            tokio::spawn(async move { store.import_facility_list(1, &l, &audit).await.unwrap() })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn imports_at_once_never_duplicate_on_sqlite() {
    imports_at_once_never_duplicate(&TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn imports_at_once_never_duplicate_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    imports_at_once_never_duplicate(&db).await;
}
