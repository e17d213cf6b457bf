//! Several towns on one installation (共同利用), over HTTP on SQLite and
//! PostgreSQL: each town's pages, API, open data, visits, bookings and
//! resident sessions are its own (by `/t/{slug}` path, by host name, and by
//! the page a server function is called from); nothing of one town shows
//! on another's; a short address names no town once there are several;
//! the installation's super-administrator adds towns and sets host names.

use crate::common::browser::{browser, call, path, post_form};
use crate::common::fixtures::*;
use crate::common::*;
use domain::status::AuditAction;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{Value, json};
use store::testing::TestDb;

const DEMO: &str = store::seed::DEMO_SLUG;

/// The second town, Kita, with one facility, one unit, one division and
/// one procedure of its own.
struct Kita {
    facility: i64,
    procedure: i64,
}

async fn kita(app: &Running) -> Kita {
    let s = &app.store;
    let town = s
        .create_town(
            &store::divisions::NewTown {
                slug: "kita".into(),
                name_ja: "北町".into(),
                name_en: "Kita Town".into(),
                time_zone: "Asia/Tokyo".into(),
                host: None,
            },
            None,
        )
        .await
        .unwrap()
        .expect("a new slug");
    let audit = |action| store::AuditEntry {
        municipality_id: town,
        actor: "test".into(),
        action,
        target: String::new(),
        before: None,
        after: None,
        at: now(),
    };
    let list = store::facility_list::ListFacility {
        id: "K-1".into(),
        name: "北町体育館".into(),
        kana: String::new(),
        name_en: "Kita Gymnasium".into(),
        address: "北町1-1".into(),
        latitude: None,
        longitude: None,
        phone: String::new(),
        days: vec![],
        hours: None,
        description: String::new(),
        accessibility: String::new(),
        url: String::new(),
    };
    let facility = s
        .create_facility(town, &list, &audit(AuditAction::FacilityCreate))
        .await
        .unwrap()
        .unwrap();
    let unit = store::units::NewUnit {
        name_ja: "北町アリーナ".into(),
        name_en: "Kita Arena".into(),
        notes_ja: String::new(),
        notes_en: String::new(),
        capacity: 50,
        grid: false,
        parent: None,
    };
    s.create_unit(facility, &unit, &audit(AuditAction::UnitCreate))
        .await
        .unwrap();
    let division = s
        .create_division(
            town,
            "北町住民課",
            "Kita Residents",
            &audit(AuditAction::DivisionCreate),
        )
        .await
        .unwrap();
    let procedure = store::divisions::NewProcedure {
        name_ja: "北町の住民票".into(),
        name_en: "Kita residence certificate".into(),
        reading: String::new(),
        duration_minutes: 15,
        documents_ja: String::new(),
        documents_en: String::new(),
        notes_ja: String::new(),
        notes_en: String::new(),
        online_possible: false,
        life_events: String::new(),
    };
    let procedure = s
        .create_procedure(
            town,
            division,
            &procedure,
            &audit(AuditAction::ProcedureCreate),
        )
        .await
        .unwrap();
    Kita {
        facility,
        procedure,
    }
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn towns_never_see_each_other(app: &Running) {
    // While the demo town is alone: a booking, a signed-in resident and
    // admin, and the short addresses.
    let p = people(app).await;
    let (unit, start, end) = free_slot(app, 0).await;
    let booked = book(app, unit, &start, &end, 1).await;
    let (_, start2, end2) = free_slot(app, 1).await;
    let reference = booked["reference"].as_str().unwrap().to_owned();
    let resident = signed_in(app, "resident@example.jp", &p).await;
    let admin = signed_in(app, "admin@town.example", &p).await;
    let (status, demo_list) = app.json("/api/v1/facilities").await;
    assert_eq!(status, StatusCode::OK);
    let demo_names = names(&demo_list);
    let demo_facility = demo_list[0]["id"].as_i64().unwrap();
    let (_, alone) = app.text("/facilities").await;
    assert!(
        !alone.contains("data-town-name"),
        "one town: no town in the header"
    );

    let k = kita(app).await;

    // A short address names no town once there are two.
    let (status, body) = app.json("/api/v1/facilities").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["code"], "town_not_found", "{body}");
    // The home page goes to the list of both towns, each under its own
    // address.
    let res = browser()
        .get(format!("{}/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/towns");
    let (status, home) = app.text("/towns").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        home.contains("href=\"/t/kita/\"") && home.contains("北町"),
        "{home}"
    );
    assert!(home.contains(&format!("href=\"/t/{DEMO}/\"")), "{home}");

    // Facilities: each town's API and pages show only its own.
    let (status, list) = app.json("/t/kita/api/v1/facilities").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&list), vec!["北町体育館".to_owned()]);
    let (_, list) = app.json(&format!("/t/{DEMO}/api/v1/facilities")).await;
    assert_eq!(names(&list), demo_names);
    for (path, status) in [
        (
            format!("/t/kita/api/v1/facilities/{demo_facility}"),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("/t/{DEMO}/api/v1/facilities/{}", k.facility),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("/t/kita/api/v1/facilities/{}", k.facility),
            StatusCode::OK,
        ),
        (
            format!("/t/kita/facilities/{demo_facility}"),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("/t/{DEMO}/facilities/{}", k.facility),
            StatusCode::NOT_FOUND,
        ),
        (format!("/t/kita/facilities/{}", k.facility), StatusCode::OK),
        ("/t/nowhere/facilities".to_owned(), StatusCode::NOT_FOUND),
    ] {
        assert_eq!(app.get(&path).await.status(), status, "{path}");
    }
    let (status, page) = app.text("/t/kita/facilities").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("北町体育館"), "{page}");
    for name in &demo_names {
        assert!(!page.contains(name.as_str()), "{name} on Kita's list");
    }
    // The page's links and the page itself keep the town's prefix.
    assert!(
        page.contains(&format!("href=\"/t/kita/facilities/{}\"", k.facility)),
        "{page}"
    );
    assert!(page.contains("data-town-base=\"/t/kita\""), "{page}");
    // The header says which town's pages these are.
    assert!(page.contains("data-town-name=\"北町\""), "{page}");
    assert!(
        page.contains("<span class=\"site-town\">北町</span>"),
        "{page}"
    );
    assert!(page.contains("href=\"/t/kita/visits\""), "{page}");
    // The language and text-size links come back to the same town's page.
    assert!(page.contains("next=/t/kita/facilities\""), "{page}");

    // A form posted without JavaScript (its target is the server
    // function's own address) goes on in the town of the page it was on.
    let unit_id = unit.to_string();
    let (_, location, body) = post_form(
        app,
        &browser(),
        &format!("/t/{DEMO}/facilities/1/book"),
        path::<app::booking::api::ReviewBooking>(),
        &booking_form(&unit_id, &start2, &end2, "jiro@example.jp"),
        true,
    )
    .await;
    assert!(
        location.starts_with(&format!("/t/{DEMO}/book/review")),
        "{location} {body}"
    );

    // A server function answers for the page it was called from.
    let c = browser();
    let (status, _, body) = post_form(
        app,
        &c,
        "/t/kita/facilities",
        path::<app::browse::api::GetFacilities>(),
        &[],
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("北町体育館") && !body.contains(&demo_names[0]),
        "{body}"
    );

    // Visits: procedures of each town only.
    let (_, procs) = app.json("/t/kita/api/v1/procedures").await;
    let text = procs.to_string();
    assert!(text.contains("北町の住民票"), "{text}");
    let (_, procs) = app.json(&format!("/t/{DEMO}/api/v1/procedures")).await;
    assert!(!procs.to_string().contains("北町"), "{procs}");
    let (status, _) = app
        .text(&format!(
            "/t/{DEMO}/api/v1/procedures/{}/availability?date=2026-12-10",
            k.procedure
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Open data: each town's list.
    let (status, csv) = app.text("/t/kita/opendata/facilities.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.contains("北町体育館") && !csv.contains(&demo_names[0]),
        "{csv}"
    );
    let (_, csv) = app
        .text(&format!("/t/{DEMO}/opendata/facilities.csv"))
        .await;
    assert!(!csv.contains("北町"), "{csv}");

    // A booking is found in its own town only.
    let lookup = |prefix: String| {
        let reference = reference.clone();
        async move {
            app.client
                .post(format!(
                    "{}{prefix}/api/v1/bookings/{reference}/lookup",
                    app.base
                ))
                .json(&json!({ "email": "hanako1@example.jp" }))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(lookup("/t/kita".into()).await, StatusCode::NOT_FOUND);
    assert_eq!(lookup(format!("/t/{DEMO}")).await, StatusCode::OK);

    // A resident is signed in on their own town's pages only.
    let my = |from: String| {
        let resident = resident.clone();
        async move {
            let (_, _, body) = post_form(
                app,
                &resident,
                &from,
                path::<app::account::api::GetMyPage>(),
                &[],
                false,
            )
            .await;
            body
        }
    };
    let elsewhere: Value = serde_json::from_str(&my("/t/kita/my".into()).await).unwrap();
    assert!(elsewhere.get("SignedOut").is_some(), "{elsewhere}");
    let own: Value = serde_json::from_str(&my(format!("/t/{DEMO}/my")).await).unwrap();
    assert!(own.get("Page").is_some(), "{own}");

    // A member's console is their own town's, whatever the address says.
    let (status, _, body) = post_form(
        app,
        &admin,
        "/t/kita/console/divisions",
        path::<app::setup::api::GetDivisionsPage>(),
        &[],
        false,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!body.contains("北町住民課"), "{body}");

    // By host name: the town's own host serves it on short addresses, and
    // no other town under it.
    let id = app
        .store
        .municipalities()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.slug == "kita")
        .unwrap();
    let mut row = id.into_active_model();
    row.host = Set(Some("yoyaku.kita.example".into()));
    row.update(app.store.connection()).await.unwrap();
    let by_host = |path: String| async move {
        let res = app
            .client
            .get(format!("{}{path}", app.base))
            .header("host", "yoyaku.kita.example")
            .send()
            .await
            .unwrap();
        (res.status(), res.text().await.unwrap())
    };
    // The list of towns is read again at most 5 seconds later.
    let mut answer = by_host("/api/v1/facilities".into()).await;
    for _ in 0..60 {
        if answer.0 == StatusCode::OK {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        answer = by_host("/api/v1/facilities".into()).await;
    }
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    assert!(answer.1.contains("北町体育館"), "{}", answer.1);
    let (status, _) = by_host(format!("/t/{DEMO}/api/v1/facilities")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn towns_never_see_each_other_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    towns_never_see_each_other(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn towns_never_see_each_other_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    towns_never_see_each_other(&app).await;
    app.finish().await;
}

async fn the_installation_admin_adds_towns(app: &Running) {
    let p = people(app).await;
    let admin = signed_in(app, "admin@town.example", &p).await;
    let towns_page = path::<app::setup::api::GetTownsPage>();
    // A town's admin is not the installation's.
    let (status, _, _) = call(app, &admin, towns_page, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let account = store::entity::account::Entity::find()
        .all(app.store.connection())
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.email == "admin@town.example")
        .unwrap();
    let mut row = account.into_active_model();
    row.installation_admin = Set(true);
    row.update(app.store.connection()).await.unwrap();
    let (status, _, body) = call(app, &admin, towns_page, &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Problems come back next to their fields, nothing written.
    let add = path::<app::setup::api::AddTown>();
    let bad = [
        ("town[slug]", "Kita Town"),
        ("town[name_ja]", ""),
        ("town[name_en]", ""),
        ("town[zone]", "Mars/Olympus"),
        ("town[host]", "https://kita.example"),
    ];
    let (_, location, _) = call(app, &admin, add, &bad).await;
    assert!(location.starts_with("/console/towns?v="), "{location}");
    let (_, _, body) = call(app, &admin, towns_page, &[]).await;
    let page: Value = serde_json::from_str(&body).unwrap();
    let keys: Vec<&str> = page["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["slug", "name_ja", "zone", "host"], "{page}");
    assert_eq!(app.store.municipalities().await.unwrap().len(), 1);

    let good = [
        ("town[slug]", "minami"),
        ("town[name_ja]", "南町"),
        ("town[name_en]", "Minami Town"),
        ("town[zone]", ""),
        ("town[host]", "Yoyaku.Minami.example"),
    ];
    let (_, location, _) = call(app, &admin, add, &good).await;
    assert!(location.starts_with("/console/towns?v="), "{location}");
    let towns = app.store.municipalities().await.unwrap();
    let minami = towns.iter().find(|t| t.slug == "minami").expect("added");
    assert_eq!(minami.time_zone, "Asia/Tokyo");
    assert_eq!(minami.host.as_deref(), Some("yoyaku.minami.example"));
    // The same slug again is refused.
    call(app, &admin, add, &good).await;
    assert_eq!(app.store.municipalities().await.unwrap().len(), 2);

    // Host names: another town's is refused, one's own can be cleared.
    let host = path::<app::setup::api::SetTownHost>();
    let demo = towns
        .iter()
        .find(|t| t.slug == DEMO)
        .unwrap()
        .id
        .to_string();
    call(
        app,
        &admin,
        host,
        &[("town", demo.as_str()), ("host", "yoyaku.minami.example")],
    )
    .await;
    let (_, _, body) = call(app, &admin, towns_page, &[]).await;
    let page: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["flash"]["ok"], false, "{page}");
    let minami_id = minami.id.to_string();
    call(
        app,
        &admin,
        host,
        &[("town", minami_id.as_str()), ("host", "")],
    )
    .await;
    let towns = app.store.municipalities().await.unwrap();
    assert!(towns.iter().all(|t| t.host.is_none()), "{towns:?}");

    let audit = audit_actions(app).await;
    for action in ["town.create", "town.host"] {
        assert!(
            audit
                .iter()
                .any(|(a, t)| a == action && t.starts_with("municipality:")),
            "{action}: {audit:?}"
        );
    }
}

#[tokio::test]
async fn the_installation_admin_adds_towns_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    the_installation_admin_adds_towns(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn the_installation_admin_adds_towns_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    the_installation_admin_adds_towns(&app).await;
    app.finish().await;
}
