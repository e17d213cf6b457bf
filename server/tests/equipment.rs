//! Equipment (備品) and shared space kept by a facility's staff, over HTTP
//! on SQLite and PostgreSQL, as the console's JavaScript-less forms post:
//! problems next to their fields with nothing written; added equipment is
//! offered and booked; fewer copies than bookings at once lists them and
//! changes nothing; zero copies stops new bookings choosing it; a unit made
//! part of another's space holds it from then on, and bookings that would
//! meet are listed first. Every change audited with before and after.
//! (The transactions' own checks are in `crates/store/tests/`.)

use crate::common::browser::{call, path};
use crate::common::fixtures::*;
use crate::common::*;
use reqwest::StatusCode;
use serde_json::Value;
use store::testing::TestDb;

use app::setup::api as s;

async fn save(
    app: &Running,
    c: &reqwest::Client,
    id: &str,
    name: &str,
    fee: &str,
    quantity: &str,
) -> Value {
    let (_, location, body) = call(
        app,
        c,
        path::<s::SaveEquipment>(),
        &[
            ("facility", "1"),
            ("id", id),
            ("equipment[name_ja]", name),
            ("equipment[name_en]", ""),
            ("equipment[fee]", fee),
            ("equipment[quantity]", quantity),
        ],
    )
    .await;
    assert!(location.contains("/equipment?v="), "{location} {body}");
    let editing = location
        .split("&equipment=")
        .nth(1)
        .map(|e| e.split('#').next().unwrap_or_default().to_owned());
    let mut fields = vec![("facility", "1".to_owned())];
    if let Some(e) = editing {
        fields.push(("equipment", e));
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, body) = call(app, c, path::<s::GetEquipmentPage>(), &fields).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn line<'a>(page: &'a Value, name: &str) -> &'a Value {
    page["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == name)
        .unwrap_or_else(|| panic!("{name} listed: {page}"))
}

fn booking_with(unit: i64, start: &str, end: &str, n: usize, equipment: i64) -> Value {
    let mut b = request(unit, start, end, n);
    b["equipment"] = serde_json::json!([equipment]);
    b
}

async fn equipment_and_space(app: &Running) {
    let m = app::setup::texts::messages(domain::text::Lang::Ja);
    let p = people(app).await;
    let manager = signed_in(app, "manager1@town.example", &p).await;

    // Problems next to their fields; nothing added.
    let page = save(app, &manager, "", "", "五百", "-1").await;
    let keys: Vec<&str> = page["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["name_ja", "fee", "quantity"], "{page}");
    assert_eq!(page["values"]["fee"], "五百", "what was typed comes back");
    let before = page["lines"].as_array().unwrap().len();

    // Added: listed, and offered with a booking.
    let page = save(app, &manager, "", "譜面台", "１００", "1").await;
    assert_eq!(
        page["flash"]["text"],
        (m.equipment_added)("譜面台"),
        "{page}"
    );
    assert_eq!(page["lines"].as_array().unwrap().len(), before + 1);
    let stand = line(&page, "譜面台")["id"].as_i64().unwrap();
    assert_eq!(line(&page, "譜面台")["fee"], "100円");

    let (centre, room1) = app.unit("会議室1").await;
    let (_, room2) = app.unit("会議室2").await;
    let (start, end) = app.free_slot(centre, room1, 0).await;
    let (status, body) = app
        .post(
            "/api/v1/bookings",
            booking_with(room1, &start, &end, 1, stand),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let first = body["reference"].as_str().unwrap().to_owned();
    assert!(
        body["fee"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["label"] == "譜面台" && l["unit_yen"] == 100),
        "{body}"
    );
    // The only one is lent at that time.
    let (status, body) = app
        .post(
            "/api/v1/bookings",
            booking_with(room2, &start, &end, 2, stand),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "equipment_unavailable");

    // Two, then room 2 gets the second; back to one lists a booking and
    // changes nothing.
    let id = stand.to_string();
    let page = save(app, &manager, &id, "譜面台", "100", "2").await;
    assert_eq!(
        page["flash"]["text"],
        (m.equipment_saved)("譜面台"),
        "{page}"
    );
    let (status, body) = app
        .post(
            "/api/v1/bookings",
            booking_with(room2, &start, &end, 2, stand),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let second = body["reference"].as_str().unwrap().to_owned();
    let page = save(app, &manager, &id, "譜面台", "100", "1").await;
    assert_eq!(page["flash"]["text"], m.copies_held, "{page}");
    assert_eq!(page["editing"], stand, "the form stays on it");
    let held: Vec<&str> = page["held"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["reference"].as_str().unwrap())
        .collect();
    assert_eq!(held, [second.as_str()], "{page}");
    assert_eq!(line(&page, "譜面台")["quantity"], 2, "unchanged");
    // Zero with bookings to come lists both.
    let page = save(app, &manager, &id, "譜面台", "100", "0").await;
    let mut held: Vec<&str> = page["held"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["reference"].as_str().unwrap())
        .collect();
    held.sort();
    let mut both = [first.as_str(), second.as_str()];
    both.sort();
    assert_eq!(held, both);

    // Equipment of another facility, or none: not found.
    let (status, _, body) = call(
        app,
        &manager,
        path::<s::SaveEquipment>(),
        &[
            ("facility", "1"),
            ("id", "999999"),
            ("equipment[name_ja]", "譜面台"),
            ("equipment[name_en]", ""),
            ("equipment[fee]", "100"),
            ("equipment[quantity]", "1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // A new stand with no bookings ends lending at 0: no longer offered.
    let page = save(app, &manager, "", "予備の譜面台", "0", "3").await;
    let spare = line(&page, "予備の譜面台")["id"].as_i64().unwrap();
    save(app, &manager, &spare.to_string(), "予備の譜面台", "0", "0").await;
    let (start, end) = app.free_slot(centre, room1, 1).await;
    let (status, body) = app
        .post(
            "/api/v1/bookings",
            booking_with(room1, &start, &end, 3, spare),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let audit = audit_of(app, "equipment.update").await;
    let change = audit
        .iter()
        .find(|e| e.target == format!("equipment:{stand}"))
        .expect("audited");
    let before: Value = serde_json::from_str(change.before.as_deref().unwrap()).unwrap();
    let after: Value = serde_json::from_str(change.after.as_deref().unwrap()).unwrap();
    assert_eq!(
        (before["quantity"].as_i64(), after["quantity"].as_i64()),
        (Some(1), Some(2))
    );
    assert!(!audit_of(app, "equipment.create").await.is_empty());

    // Shared space: two new rooms, both booked at the same time.
    let add = |name: &'static str| {
        let manager = &manager;
        async move {
            call(
                app,
                manager,
                path::<s::AddUnit>(),
                &[
                    ("facility", "1"),
                    ("unit[name_ja]", name),
                    ("unit[name_en]", ""),
                    ("unit[notes_ja]", ""),
                    ("unit[notes_en]", ""),
                    ("unit[capacity]", "20"),
                    ("unit[kind]", "fixed"),
                ],
            )
            .await;
            app.unit(name).await.1
        }
    };
    let whole = add("多目的室（全面）").await;
    let half = add("多目的室（半面）").await;
    let (start, end) = app.free_slot(centre, whole, 0).await;
    book(app, whole, &start, &end, 4).await;
    let clash = book(app, half, &start, &end, 5).await;
    let parent = |unit: i64, parent: String| {
        let manager = &manager;
        async move {
            let u = unit.to_string();
            let (_, location, body) = call(
                app,
                manager,
                path::<s::SetUnitParent>(),
                &[
                    ("facility", "1"),
                    ("unit", u.as_str()),
                    ("parent", parent.as_str()),
                ],
            )
            .await;
            assert!(location.contains("/archive?v="), "{location} {body}");
            let (_, _, body) = call(
                app,
                manager,
                path::<s::GetArchivePage>(),
                &[("facility", "1")],
            )
            .await;
            serde_json::from_str::<Value>(&body).unwrap()
        }
    };
    let page = parent(half, whole.to_string()).await;
    assert_eq!(page["flash"]["text"], m.parent_held, "{page}");
    assert_eq!(page["held"].as_array().unwrap().len(), 2, "{page}");
    let unit_of = |page: &Value, id: i64| {
        page["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == id)
            .cloned()
            .unwrap()
    };
    assert!(unit_of(&page, half)["parent"].is_null(), "unchanged");
    // The whole may not go inside the half once the half is inside it.
    assert!(
        unit_of(&page, whole)["parents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == half)
    );

    // The half's booking cancelled by the centre, the change goes through.
    let reference = clash["reference"].as_str().unwrap();
    let id = booking_id(app, reference).await.to_string();
    call(
        app,
        &manager,
        path::<app::console::api::DecideBooking>(),
        &[
            ("id", &id),
            ("action", "cancel"),
            ("reason", "部屋の構成変更"),
        ],
    )
    .await;
    assert_eq!(status_of(app, reference).await, "cancelled");
    let page = parent(half, whole.to_string()).await;
    assert_eq!(
        page["flash"]["text"],
        (m.parent_saved)("多目的室（半面）"),
        "{page}"
    );
    assert_eq!(unit_of(&page, half)["parent"], whole);
    assert!(
        !unit_of(&page, whole)["parents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == half),
        "no loop offered"
    );
    // The half is now held by the whole's booking.
    let (status, body) = app
        .post("/api/v1/bookings", request(half, &start, &end, 6))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // A loop is refused with a message that says what to do.
    let page = parent(whole, half.to_string()).await;
    assert_eq!(page["flash"]["ok"], false, "{page}");
    assert!(
        page["flash"]["text"]
            .as_str()
            .unwrap()
            .contains("一覧から選び直して"),
        "{page}"
    );
    let audit = audit_of(app, "unit.parent").await;
    assert_eq!(audit.len(), 1, "one change written");
    assert_eq!(audit[0].target, format!("unit:{half}"));
}

#[tokio::test]
async fn equipment_and_space_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    equipment_and_space(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn equipment_and_space_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    equipment_and_space(&app).await;
    app.finish().await;
}
