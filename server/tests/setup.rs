//! Staff add rooms and areas to a facility, over HTTP on SQLite and
//! PostgreSQL: the form's problems come back next to their fields with what
//! was typed, a new unit starts with the usual periods and is bookable at
//! once, and only the facility's own staff may add one.

use crate::common::browser::{browser, call, path};
use crate::common::fixtures::*;
use crate::common::*;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use store::entity::{slot_template, unit};
use store::testing::TestDb;

async fn add(
    app: &Running,
    c: &reqwest::Client,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    call(app, c, path::<app::setup::api::AddUnit>(), fields).await
}

async fn form(app: &Running, c: &reqwest::Client, facility: &str) -> (StatusCode, String) {
    let (status, _, body) = call(
        app,
        c,
        path::<app::setup::api::GetNewUnitPage>(),
        &[("facility", facility)],
    )
    .await;
    (status, body)
}

async fn units(app: &Running, facility: i64) -> u64 {
    unit::Entity::find()
        .filter(unit::Column::FacilityId.eq(facility))
        .count(app.store.connection())
        .await
        .unwrap()
}

fn fields<'a>(
    facility: &'a str,
    name: &'a str,
    capacity: &'a str,
    kind: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("facility", facility),
        ("unit[name_ja]", name),
        ("unit[name_en]", ""),
        ("unit[notes_ja]", "プロジェクターあり"),
        ("unit[notes_en]", ""),
        ("unit[capacity]", capacity),
    ];
    if !kind.is_empty() {
        f.push(("unit[kind]", kind));
    }
    f
}

async fn a_unit_is_added_and_bookable(app: &Running) {
    let p = people(app).await;
    let manager = signed_in(app, "manager1@town.example", &p).await;
    let before = units(app, 1).await;

    // Mistakes: back to the form with each next to its field.
    let (_, location, body) = add(app, &manager, &fields("1", " ", "abc", "")).await;
    assert!(
        location.starts_with("/console/facilities/1/units/new?v="),
        "{location} {body}"
    );
    let (status, body) = form(app, &manager, "1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let page: Value = serde_json::from_str(&body).unwrap();
    let keys: Vec<&str> = page["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["name_ja", "capacity", "kind"]);
    assert_eq!(
        page["values"]["capacity"], "abc",
        "what was typed comes back"
    );
    assert_eq!(units(app, 1).await, before);

    // Right: the unit, with the usual three periods, then its rules page.
    let (_, location, body) = add(app, &manager, &fields("1", "会議室3", "12", "fixed")).await;
    let id: i64 = location
        .strip_prefix("/console/facilities/1/units/")
        .and_then(|r| r.split('/').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("to the rules page: {location} {body}"));
    assert!(location.contains("/rules?v="), "{location}");
    let (_, clean) = form(app, &manager, "1").await;
    assert!(
        clean.contains("\"errors\":[]"),
        "the form starts empty again: {clean}"
    );
    let row = unit::Entity::find_by_id(id)
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            row.name_ja.as_str(),
            row.name_en.as_str(),
            row.capacity,
            row.booking_kind.as_str()
        ),
        ("会議室3", "会議室3", 12, "fixed")
    );
    let periods = slot_template::Entity::find()
        .filter(slot_template::Column::UnitId.eq(id))
        .count(app.store.connection())
        .await
        .unwrap();
    assert_eq!(periods, 3);
    // Bookable at once (no fee until one is set).
    let free = app.free_slots("会議室3", "2026-12-08", "2026-12-12").await;
    assert!(!free.is_empty(), "free periods in December");
    let (start, end) = &free[0];
    let booked = book(app, id, start, end, 1).await;
    assert_eq!(booked["fee"]["total_yen"], 0, "{booked}");
    let audit = audit_actions(app).await;
    assert!(
        audit.contains(&("unit.create".to_owned(), format!("unit:{id}"))),
        "{audit:?}"
    );

    // Booked by the hour: no periods.
    let admin = signed_in(app, "admin@town.example", &p).await;
    let (_, location, _) = add(app, &admin, &fields("2", "多目的スペース", "30", "grid")).await;
    assert!(location.contains("/rules?v="), "{location}");
    let grid = unit::Entity::find()
        .filter(unit::Column::NameJa.eq("多目的スペース"))
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (grid.booking_kind.as_str(), grid.grid_step_minutes),
        ("grid", 60)
    );

    // A half of it: part of its space. A unit of another facility cannot
    // be the whole.
    let whole = grid.id.to_string();
    let mut half = fields("2", "多目的スペース 半面", "15", "grid");
    half.push(("unit[parent]", &whole));
    let (_, location, _) = add(app, &admin, &half).await;
    assert!(location.contains("/rules?v="), "{location}");
    let row = unit::Entity::find()
        .filter(unit::Column::NameJa.eq("多目的スペース 半面"))
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.parent_id, Some(grid.id));
    let mut elsewhere = fields("1", "よその半面", "15", "grid");
    elsewhere.push(("unit[parent]", &whole));
    let (_, location, _) = add(app, &admin, &elsewhere).await;
    assert!(
        location.starts_with("/console/facilities/1/units/new?v="),
        "{location}"
    );
    let (_, body) = form(app, &admin, "1").await;
    let page: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["errors"][0]["key"], "parent", "{page}");
}

#[tokio::test]
async fn a_unit_is_added_and_bookable_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    a_unit_is_added_and_bookable(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn a_unit_is_added_and_bookable_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    a_unit_is_added_and_bookable(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn only_the_facility_s_own_staff_add_units() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let before = units(&app, 2).await;
    // manager1 manages facility 1 only; counter staff no facility.
    for email in ["manager1@town.example", "counter@town.example"] {
        let c = signed_in(&app, email, &p).await;
        let (status, body) = form(&app, &c, "2").await;
        assert_eq!(verdict(status, &body), Verdict::Forbidden, "{email}");
        let (status, _, body) = add(&app, &c, &fields("2", "会議室X", "10", "fixed")).await;
        assert_eq!(verdict(status, &body), Verdict::Forbidden, "{email}");
    }
    let (status, _, body) = add(&app, &browser(), &fields("2", "会議室X", "10", "fixed")).await;
    assert_eq!(verdict(status, &body), Verdict::SignIn);
    assert_eq!(units(&app, 2).await, before);
    app.finish().await;
}

async fn details_page(app: &Running, c: &reqwest::Client, facility: &str) -> (StatusCode, Value) {
    let (status, _, body) = call(
        app,
        c,
        path::<app::setup::api::GetDetailsPage>(),
        &[("facility", facility)],
    )
    .await;
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

/// Posts the details form with `values` (the page's own, changed).
async fn save_details(
    app: &Running,
    c: &reqwest::Client,
    facility: &str,
    values: &Value,
) -> (StatusCode, String) {
    let names: Vec<(String, String)> = values
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (format!("details[{k}]"), v.as_str().unwrap().to_owned()))
        .collect();
    let mut fields: Vec<(&str, &str)> = vec![("facility", facility)];
    fields.extend(names.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let (status, _, body) = call(app, c, path::<app::setup::api::SaveDetails>(), &fields).await;
    (status, body)
}

async fn details_are_edited(app: &Running) {
    let m = app::setup::texts::messages(domain::text::Lang::Ja);
    let p = people(app).await;
    let manager = signed_in(app, "manager1@town.example", &p).await;
    let (status, page) = details_page(app, &manager, "1").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["values"]["name_ja"], "ひだまり町民センター");
    assert_eq!(page["values"]["latitude"], "36.1012");

    // Mistakes: each next to its field, what was typed kept, nothing saved.
    let mut wrong = page["values"].clone();
    wrong["name_kana"] = "hidamari".into();
    wrong["longitude"] = "".into();
    wrong["url"] = "ftp://example.jp".into();
    save_details(app, &manager, "1", &wrong).await;
    let (_, again) = details_page(app, &manager, "1").await;
    let keys: Vec<&str> = again["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["name_kana", "longitude", "url"]);
    assert_eq!(again["values"]["url"], "ftp://example.jp");

    // Right: saved, audited with what changed, published at once.
    let last_change = app.store.latest_change_id().await.unwrap();
    let mut right = page["values"].clone();
    right["name_en"] = "Hidamari Civic Centre".into();
    right["phone"] = "0000-11-3333".into();
    right["latitude"] = "36.2".into();
    right["longitude"] = "138.3".into();
    save_details(app, &manager, "1", &right).await;
    let (_, saved) = details_page(app, &manager, "1").await;
    assert_eq!(saved["flash"]["text"], m.details_saved, "{saved}");
    assert_eq!(saved["values"]["phone"], "0000-11-3333");
    let entries = audit_of(app, "facility.update").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].target, "facility:1");
    let before: Value = serde_json::from_str(entries[0].before.as_deref().unwrap()).unwrap();
    assert_eq!(before["phone"], "0000-11-1111");
    assert!(
        before.get("name_ja").is_none(),
        "only what changed: {before}"
    );
    let logged = app.store.changes_after(last_change, 100).await.unwrap();
    assert!(
        logged.iter().any(|c| c.facility_id == Some(1)),
        "{logged:?}"
    );
    let csv = app
        .get("/opendata/facilities.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("36.2,138.3,0000-11-3333"), "{csv}");
    let en: Value = app
        .get_with("/api/v1/facilities/1", ("accept-language", "en"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(en["name"], "Hidamari Civic Centre", "{en}");

    // The same again: nothing to save, nothing logged.
    save_details(app, &manager, "1", &right).await;
    let (_, same) = details_page(app, &manager, "1").await;
    assert_eq!(same["flash"]["text"], m.details_unchanged);
    assert_eq!(
        audit_actions(app)
            .await
            .iter()
            .filter(|(a, _)| a == "facility.update")
            .count(),
        1
    );

    // Another facility's details are not this manager's.
    let (status, body) = details_page(app, &manager, "2").await;
    assert_eq!(verdict(status, &body.to_string()), Verdict::Forbidden);
    let (status, body) = save_details(app, &manager, "2", &right).await;
    assert_eq!(verdict(status, &body), Verdict::Forbidden);
}

#[tokio::test]
async fn details_are_edited_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    details_are_edited(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn details_are_edited_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    details_are_edited(&app).await;
    app.finish().await;
}

/// Opening hours that differ by weekday are shown per set of days, not as
/// the first day's.
#[tokio::test]
async fn hours_that_differ_by_weekday_are_all_shown() {
    use sea_orm::{ActiveValue::Set, IntoActiveModel};
    let app = spawn(TestDb::sqlite().await).await;
    let hours = |lang: &'static str| {
        let app = &app;
        async move {
            let v: Value = app
                .get_with("/api/v1/facilities/1", ("accept-language", lang))
                .await
                .json()
                .await
                .unwrap();
            v["hours"].as_str().unwrap().to_owned()
        }
    };
    let same = hours("ja").await;
    assert!(!same.contains('・'), "one time for every day: {same}");
    // Weekends close at 17:00.
    let db = app.store.connection();
    for h in store::entity::opening_hours::Entity::find()
        .filter(store::entity::opening_hours::Column::FacilityId.eq(1))
        .filter(store::entity::opening_hours::Column::Weekday.gte(5))
        .all(db)
        .await
        .unwrap()
    {
        let mut h = h.into_active_model();
        h.closes_minute = Set(17 * 60);
        sea_orm::ActiveModelTrait::update(h, db).await.unwrap();
    }
    let mut shown = String::new();
    for _ in 0..100 {
        // The change reaches the cached rules within a poll of the log.
        shown = hours("ja").await;
        if shown.contains("土・日 9:00〜17:00") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(shown.contains("土・日 9:00〜17:00"), "{shown}");
    assert!(
        shown.contains("、"),
        "and the other days with theirs: {shown}"
    );
    let en = hours("en").await;
    assert!(en.contains("Sat, Sun 9:00 to 17:00"), "{en}");
    app.finish().await;
}

/// An admin adds one facility by hand: its list ID must be free and well
/// formed; it opens every day 9:00-17:00 until its rules are set.
#[tokio::test]
async fn an_admin_adds_a_facility_by_hand() {
    let app = spawn(TestDb::sqlite().await).await;
    let m = app::setup::texts::messages(domain::text::Lang::Ja);
    let p = people(&app).await;
    let admin = signed_in(&app, "admin@town.example", &p).await;
    let create = |id: &'static str, name: &'static str| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let (_, location, _) = call(
                app,
                &admin,
                path::<app::setup::api::CreateFacility>(),
                &[
                    ("facility[id]", id),
                    ("facility[name_ja]", name),
                    ("facility[name_kana]", "ブンカホール"),
                    ("facility[name_en]", ""),
                    ("facility[address_ja]", "ひだまり町南3-1"),
                    ("facility[phone]", "0000-33-4444"),
                ],
            )
            .await;
            location
        }
    };
    let page = |c: reqwest::Client| {
        let app = &app;
        async move {
            let (status, _, body) =
                call(app, &c, path::<app::setup::api::GetNewFacilityPage>(), &[]).await;
            (status, body)
        }
    };
    // The demo's community centre has ID 000001; a space is not an ID.
    for (id, key, text) in [("000001", "id", m.id_taken), ("F 1", "id", m.bad_id)] {
        let location = create(id, "文化ホール").await;
        assert!(
            location.starts_with("/console/new-facility?v="),
            "{location}"
        );
        let (_, body) = page(admin.clone()).await;
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["errors"][0]["key"], key, "{id}: {v}");
        assert_eq!(v["errors"][0]["message"], text);
        assert_eq!(
            v["values"]["name_ja"], "文化ホール",
            "what was typed is kept"
        );
    }
    let location = create("F100", "文化ホール").await;
    let id: i64 = location
        .strip_prefix("/console/facilities/")
        .and_then(|r| r.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("to its console page: {location}"));
    let row = store::entity::facility::Entity::find_by_id(id)
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            row.open_data_id.as_deref(),
            row.name_kana.as_str(),
            row.closed_weekdays.as_str()
        ),
        (Some("F100"), "ブンカホール", "")
    );
    let hours = store::entity::opening_hours::Entity::find()
        .filter(store::entity::opening_hours::Column::FacilityId.eq(id))
        .count(app.store.connection())
        .await
        .unwrap();
    assert_eq!(hours, 7);
    assert!(
        audit_actions(&app)
            .await
            .contains(&("facility.create".to_owned(), format!("facility:{id}")))
    );
    // Not for a facility manager.
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let (status, body) = page(manager).await;
    assert_eq!(verdict(status, &body), Verdict::Forbidden);
    app.finish().await;
}
