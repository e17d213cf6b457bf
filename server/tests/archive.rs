//! Ending a facility's or unit's bookings (受付の終了), over HTTP on SQLite
//! and PostgreSQL: nothing is archived while it holds bookings to come (they
//! are listed); an archived unit or facility leaves the public list, shows
//! as closed and refuses bookings, its history stays, and it can resume.
//! (The booking transaction's own check is in `crates/store/tests/archive.rs`.)

use crate::common::browser::{call, path};
use crate::common::fixtures::*;
use crate::common::*;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use store::entity::unit;
use store::testing::TestDb;

use app::setup::api as s;

async fn archive(
    app: &Running,
    c: &reqwest::Client,
    facility: i64,
    unit: Option<i64>,
    action: &str,
) -> Value {
    let (f, u) = (facility.to_string(), unit.map(|u| u.to_string()));
    let mut fields = vec![("facility", f.as_str()), ("action", action)];
    if let Some(u) = &u {
        fields.push(("unit", u.as_str()));
    }
    let (_, location, body) = call(app, c, path::<s::SetArchive>(), &fields).await;
    assert!(location.contains("/archive?v="), "{location} {body}");
    let (status, _, body) = call(app, c, path::<s::GetArchivePage>(), &[("facility", &f)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// Adds a unit with no bookings to `facility` as `c`: its id.
async fn new_unit(app: &Running, c: &reqwest::Client, facility: i64, name: &str) -> i64 {
    let f = facility.to_string();
    call(
        app,
        c,
        path::<s::AddUnit>(),
        &[
            ("facility", f.as_str()),
            ("unit[name_ja]", name),
            ("unit[name_en]", ""),
            ("unit[notes_ja]", ""),
            ("unit[notes_en]", ""),
            ("unit[capacity]", "20"),
            ("unit[kind]", "fixed"),
        ],
    )
    .await;
    unit::Entity::find()
        .filter(unit::Column::NameJa.eq(name))
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap()
        .id
}

fn listed(list: &Value, unit: i64) -> bool {
    list.as_array().unwrap().iter().any(|f| {
        f["units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == unit)
    })
}

async fn archiving_keeps_history_and_stops_bookings(app: &Running) {
    let m = app::setup::texts::messages(domain::text::Lang::Ja);
    let p = people(app).await;
    let manager = signed_in(app, "manager1@town.example", &p).await;

    // A room with bookings to come: not archived, the bookings listed.
    let (centre, hall) = app.unit("大ホール").await;
    let (start, end) = app.free_slot(centre, hall, 0).await;
    let booked = book(app, hall, &start, &end, 1).await;
    let page = archive(app, &manager, centre, Some(hall), "archive").await;
    assert_eq!(page["flash"]["text"], m.held, "{page}");
    let held: Vec<&str> = page["held"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["reference"].as_str().unwrap())
        .collect();
    assert!(
        held.contains(&booked["reference"].as_str().unwrap()),
        "{page}"
    );
    let row = unit::Entity::find_by_id(hall)
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.archived_at, None, "nothing written");

    // A room without: archived. Off the list, closed, and refusing bookings.
    let room = new_unit(app, &manager, centre, "旧会議室").await;
    let (_, list) = app.json("/api/v1/facilities").await;
    assert!(listed(&list, room));
    let (start, end) = app.free_slot(centre, room, 0).await;
    let page = archive(app, &manager, centre, Some(room), "archive").await;
    assert_eq!(page["flash"]["text"], (m.archived)("旧会議室"), "{page}");
    let (_, list) = app.json("/api/v1/facilities").await;
    assert!(!listed(&list, room), "off residents' list");
    let slots = app
        .unit_slots(centre, room, "2026-12-01", "2026-12-31")
        .await;
    assert!(
        slots.iter().all(|s| s["status"] != "free"),
        "no free slot after archiving"
    );
    let (status, body) = app
        .post("/api/v1/bookings", request(room, &start, &end, 2))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("受付終了"),
        "{body}"
    );
    // History stays: the facility's own page still names the room.
    let (status, _) = app.json(&format!("/api/v1/facilities/{centre}")).await;
    assert_eq!(status, StatusCode::OK);

    // Resumed: bookable again.
    let page = archive(app, &manager, centre, Some(room), "restore").await;
    assert_eq!(page["flash"]["text"], (m.restored)("旧会議室"));
    let (status, body) = app
        .post("/api/v1/bookings", request(room, &start, &end, 3))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // A whole facility with bookings to come is not archived; one without
    // leaves the list while archived and comes back when resumed.
    let admin = signed_in(app, "admin@town.example", &p).await;
    let page = archive(app, &admin, centre, None, "archive").await;
    assert!(!page["held"].as_array().unwrap().is_empty(), "{page}");
    assert!(page["archived"].is_null());
    call(
        app,
        &admin,
        path::<s::CreateFacility>(),
        &[
            ("facility[id]", "OLD-HALL"),
            ("facility[name_ja]", "旧町民会館"),
            ("facility[name_kana]", ""),
            ("facility[name_en]", ""),
            ("facility[address_ja]", ""),
            ("facility[phone]", ""),
        ],
    )
    .await;
    let listed_facility = |list: &Value, name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .and_then(|f| f["id"].as_i64())
    };
    let (_, list) = app.json("/api/v1/facilities").await;
    let old = listed_facility(&list, "旧町民会館").expect("listed once added");
    let page = archive(app, &admin, old, None, "archive").await;
    assert!(page["archived"].is_string(), "{page}");
    let (_, list) = app.json("/api/v1/facilities").await;
    assert_eq!(listed_facility(&list, "旧町民会館"), None, "off the list");
    archive(app, &admin, old, None, "restore").await;
    let (_, list) = app.json("/api/v1/facilities").await;
    assert_eq!(
        listed_facility(&list, "旧町民会館"),
        Some(old),
        "back on it"
    );

    let audit = audit_actions(app).await;
    for (action, target) in [
        ("unit.archive", format!("unit:{room}")),
        ("unit.restore", format!("unit:{room}")),
        ("facility.archive", format!("facility:{old}")),
        ("facility.restore", format!("facility:{old}")),
    ] {
        assert!(
            audit.contains(&(action.to_owned(), target)),
            "{action}: {audit:?}"
        );
    }
}

#[tokio::test]
async fn archiving_keeps_history_and_stops_bookings_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    archiving_keeps_history_and_stops_bookings(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn archiving_keeps_history_and_stops_bookings_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    archiving_keeps_history_and_stops_bookings(&app).await;
    app.finish().await;
}
