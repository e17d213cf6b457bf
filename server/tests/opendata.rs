//! The facility list as open data, over HTTP on SQLite and PostgreSQL: the
//! published CSV taken home, edited in Excel (saved as Shift_JIS) and
//! imported back (one facility updated, one created, nothing duplicated
//! when imported again), bad files with every line and column to fix and
//! nothing written, and who may import.

use crate::common::browser::{browser, call, path, post_multipart};
use crate::common::fixtures::*;
use crate::common::*;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use store::entity::{facility, opening_hours};
use store::testing::TestDb;

const PAGE: &str = app::opendata::api::PAGE;

/// Posts the file as the page's form does: status and `Location`.
async fn upload(
    app: &Running,
    c: &reqwest::Client,
    name: &str,
    bytes: &[u8],
) -> (StatusCode, String) {
    post_multipart(app, c, PAGE, &[("file", Some(name), bytes)], "text/csv").await
}

async fn page(app: &Running, c: &reqwest::Client) -> Value {
    let (status, _, body) = call(
        app,
        c,
        path::<app::opendata::api::GetFacilityListPage>(),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// Uploads a file that reads: the preview the page then shows.
async fn checked(app: &Running, c: &reqwest::Client, bytes: &[u8]) -> Value {
    let (status, location) = upload(app, c, "shisetsu.csv", bytes).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location.starts_with(&format!("{PAGE}?checked=")),
        "{location}"
    );
    page(app, c).await["preview"].clone()
}

async fn apply(app: &Running, c: &reqwest::Client) -> Value {
    let (_, location, body) =
        call(app, c, path::<app::opendata::api::ApplyFacilityList>(), &[]).await;
    assert!(location.starts_with(PAGE), "{body}");
    page(app, c).await
}

async fn facilities(app: &Running) -> u64 {
    facility::Entity::find()
        .count(app.store.connection())
        .await
        .unwrap()
}

fn changes(preview: &Value) -> Vec<(String, String, String)> {
    preview["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["id"].as_str().unwrap().to_owned(),
                l["change"].as_str().unwrap().to_owned(),
                l["fields"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const LIBRARY: &str = ",F100,ひだまり町,ひだまり町立図書館分室,ヒダマリチョウリツトショカンブンシツ,,,ひだまり町北2-5,,36.11,138.21,0000-22-3333,,,,月火水木金,9:00,17:00,,読書室があります。,スロープあり,https://example.jp/lib,\r\n";

async fn the_list_goes_home_and_comes_back(app: &Running) {
    let t = app::opendata::texts::texts(domain::text::Lang::Ja);
    let m = app::opendata::texts::messages(domain::text::Lang::Ja);
    let p = people(app).await;
    let admin = signed_in(app, "admin@town.example", &p).await;

    // The published list: the demo town's three facilities.
    let res = app.get("/opendata/facilities.csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(res.headers()["cache-control"], "public, max-age=300");
    let published = res.text().await.unwrap();
    assert!(published.starts_with('\u{feff}'));
    assert_eq!(published.lines().count(), 4, "{published}");
    assert!(published.contains(",000001,"), "{published}");

    // Edited in Excel: a new phone number and a new facility, saved as
    // Shift_JIS.
    let edited = format!(
        "{}{LIBRARY}",
        published
            .trim_start_matches('\u{feff}')
            .replace("0000-11-1111", "0000-11-2222")
    );
    let (sjis, _, lossy) = encoding_rs::SHIFT_JIS.encode(&edited);
    assert!(!lossy);
    let before = facilities(app).await;
    let preview = checked(app, &admin, &sjis).await;
    assert_eq!(preview["problems"], Value::Array(vec![]), "{preview}");
    assert!(
        preview["summary"].as_str().unwrap().contains("Shift_JIS"),
        "{preview}"
    );
    let (same, update, create) = (m.change_same, m.change_update, m.change_create);
    assert_eq!(
        changes(&preview),
        [
            ("000001".into(), update.into(), "電話番号".into()),
            ("000002".into(), same.into(), String::new()),
            ("000003".into(), same.into(), String::new()),
            ("F100".into(), create.into(), String::new()),
        ]
    );
    assert_eq!(preview["can_apply"], true);
    assert_eq!(facilities(app).await, before, "nothing written yet");

    let last_change = app.store.latest_change_id().await.unwrap();
    let after = apply(app, &admin).await;
    assert_eq!(after["flash"]["ok"], true, "{after}");
    assert_eq!(after["flash"]["text"], (m.applied)(1, 1));
    assert!(after["preview"].is_null());
    assert_eq!(facilities(app).await, before + 1);
    let db = app.store.connection();
    let library = facility::Entity::find()
        .filter(facility::Column::OpenDataId.eq("F100"))
        .one(db)
        .await
        .unwrap()
        .expect("created");
    assert_eq!(library.name_kana, "ヒダマリチョウリツトショカンブンシツ");
    assert_eq!(
        library.name_en, "",
        "no English name (English pages show the Japanese one)"
    );
    assert_eq!(
        (library.latitude, library.longitude),
        (Some(36.11), Some(138.21))
    );
    assert_eq!(library.closed_weekdays, "sat,sun");
    let hours: Vec<(i32, i32, i32)> = opening_hours::Entity::find()
        .filter(opening_hours::Column::FacilityId.eq(library.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|h| (h.weekday, h.opens_minute, h.closes_minute))
        .collect();
    assert_eq!(hours, (0..5).map(|d| (d, 540, 1020)).collect::<Vec<_>>());
    let centre = facility::Entity::find_by_id(1)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(centre.phone, "0000-11-2222");
    // Every process drops its cached copy of the updated facility.
    let logged = app.store.changes_after(last_change, 100).await.unwrap();
    assert!(
        logged
            .iter()
            .any(|c| c.kind == "rules" && c.facility_id == Some(1)),
        "{logged:?}"
    );
    let audit = audit_of(app, "facility.import").await;
    assert_eq!(audit.len(), 1);
    let before_json: Value = serde_json::from_str(audit[0].before.as_deref().unwrap()).unwrap();
    assert_eq!(before_json["000001"]["phone"], "0000-11-1111");

    // The same file again: nothing new, nothing duplicated.
    let again = checked(app, &admin, &sjis).await;
    assert!(changes(&again).iter().all(|(_, c, _)| c == same), "{again}");
    assert_eq!(again["can_apply"], false);
    let page_after = apply(app, &admin).await;
    assert_eq!(page_after["flash"]["text"], m.nothing);
    assert_eq!(facilities(app).await, before + 1);

    // A file with mistakes: every one named, nothing written.
    let bad = "ID,名称,緯度,経度,開始時間,終了時間\r\nF200,新しい集会所,36.1,138.2,9:00,17:00\r\nF201,,北緯36,138.2,,\r\nF202,公民館,,,21:00,9:00\r\n";
    let bad_preview = checked(app, &admin, bad.as_bytes()).await;
    let problems: Vec<&str> = bad_preview["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems[0].starts_with("3 行目「名称」"), "{problems:?}");
    assert!(problems[1].starts_with("3 行目「緯度」"), "{problems:?}");
    assert!(
        problems[2].starts_with("4 行目「終了時間」"),
        "{problems:?}"
    );
    assert_eq!(bad_preview["can_apply"], false);
    let refused = apply(app, &admin).await;
    assert_eq!(refused["flash"]["ok"], false);
    assert_eq!(refused["flash"]["text"], t.problems_lead);
    assert_eq!(facilities(app).await, before + 1, "not even the good row");

    // A file in neither encoding.
    let (_, location) = upload(app, &admin, "x.csv", &[0xFF, 0xFE, 0x80, 0x81]).await;
    assert!(location.starts_with(&format!("{PAGE}?v=")), "{location}");
    let refused = page(app, &admin).await;
    assert_eq!(refused["flash"]["text"], m.not_text);
    assert!(refused["preview"].is_null());

    // Published again: four facilities, the new one with its days.
    let published = app
        .get("/opendata/facilities.csv")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(published.lines().count(), 5);
    assert!(
        published.contains("F100,ひだまり町（架空のデモ町）,ひだまり町立図書館分室"),
        "{published}"
    );
    assert!(
        published.contains("\"月,火,水,木,金\",09:00,17:00"),
        "{published}"
    );
    let json: Value = app
        .get("/opendata/facilities.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json["licence"], "CC BY 4.0");
    assert_eq!(json["facilities"].as_array().unwrap().len(), 4);
    // Residents see it, not yet bookable.
    let list = app.get("/facilities").await.text().await.unwrap();
    assert!(list.contains("ひだまり町立図書館分室"));
    assert!(
        list.contains(app::core::i18n::texts(domain::text::Lang::Ja).not_bookable),
        "{list}"
    );
    let open = app.get("/opendata").await.text().await.unwrap();
    assert!(open.contains("CC BY 4.0") && open.contains("/opendata/facilities.csv"));
}

#[tokio::test]
async fn the_list_goes_home_and_comes_back_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    the_list_goes_home_and_comes_back(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn the_list_goes_home_and_comes_back_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    the_list_goes_home_and_comes_back(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn the_town_sets_its_code_and_licence() {
    let app = spawn(TestDb::sqlite().await).await;
    let m = app::opendata::texts::messages(domain::text::Lang::Ja);
    let p = people(&app).await;
    let admin = signed_in(&app, "admin@town.example", &p).await;
    let save = |code: &'static str, licence: &'static str| {
        let admin = admin.clone();
        let app = &app;
        async move {
            call(
                app,
                &admin,
                path::<app::opendata::api::SaveOpenDataSettings>(),
                &[("code", code), ("licence", licence)],
            )
            .await;
            page(app, &admin).await
        }
    };
    // A wrong check digit, an empty licence: said, nothing saved.
    for (code, licence, text) in [
        ("131017", "CC BY 4.0", m.bad_code),
        ("13101", "CC BY 4.0", m.bad_code),
        ("131016", "  ", m.bad_licence),
    ] {
        let refused = save(code, licence).await;
        assert_eq!(refused["flash"]["ok"], false, "{code} {licence}");
        assert_eq!(refused["flash"]["text"], text);
        assert_eq!(
            (refused["code"].as_str(), refused["licence"].as_str()),
            (Some(""), Some("CC BY 4.0"))
        );
    }
    let saved = save("131016", "CC BY 2.1 JP").await;
    assert_eq!(saved["flash"]["text"], m.saved);
    assert_eq!(
        (saved["code"].as_str(), saved["licence"].as_str()),
        (Some("131016"), Some("CC BY 2.1 JP"))
    );
    let audit = audit_of(&app, "town.open_data").await;
    assert_eq!(audit.len(), 1);
    assert!(audit[0].before.as_deref().unwrap().contains("CC BY 4.0"));
    assert!(audit[0].after.as_deref().unwrap().contains("131016"));

    // Published with the code and licence at once.
    let csv = app
        .get("/opendata/facilities.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.lines().skip(1).all(|l| l.starts_with("131016,")),
        "{csv}"
    );
    let json: Value = app
        .get("/opendata/facilities.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (json["code"].as_str(), json["licence"].as_str()),
        (Some("131016"), Some("CC BY 2.1 JP"))
    );
    let open = app.get("/opendata").await.text().await.unwrap();
    assert!(open.contains("CC BY 2.1 JP"));

    // Another town's row is refused.
    let other = "全国地方公共団体コード,ID,名称\r\n011002,X1,よその施設\r\n131016,X2,町の施設\r\n";
    let preview = checked(&app, &admin, other.as_bytes()).await;
    assert_eq!(
        preview["problems"].as_array().unwrap().len(),
        1,
        "{preview}"
    );
    assert!(
        preview["problems"][0]
            .as_str()
            .unwrap()
            .starts_with("2 行目「全国地方公共団体コード」")
    );
    app.finish().await;
}

#[tokio::test]
async fn only_admins_import_the_list() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let csv = "ID,名称\r\nF1,集会所\r\n";
    let anonymous = browser();
    let (status, _) = upload(&app, &anonymous, "a.csv", csv.as_bytes()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for email in ["manager1@town.example", "counter@town.example"] {
        let c = signed_in(&app, email, &p).await;
        let (status, _) = upload(&app, &c, "a.csv", csv.as_bytes()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
        let settings: &[(&str, &str)] = &[("code", "131016"), ("licence", "none")];
        for (sfn, fields) in [
            (path::<app::opendata::api::GetFacilityListPage>(), &[][..]),
            (path::<app::opendata::api::ApplyFacilityList>(), &[][..]),
            (path::<app::opendata::api::DiscardFacilityList>(), &[][..]),
            (path::<app::opendata::api::SaveOpenDataSettings>(), settings),
        ] {
            let (status, _, body) = call(&app, &c, sfn, fields).await;
            assert_eq!(verdict(status, &body), Verdict::Forbidden, "{email} {sfn}");
        }
    }
    let before = facilities(&app).await;
    let resident = browser();
    let (status, _, body) = call(
        &app,
        &resident,
        path::<app::opendata::api::ApplyFacilityList>(),
        &[],
    )
    .await;
    assert_eq!(verdict(status, &body), Verdict::SignIn);
    assert_eq!(facilities(&app).await, before);
    let town = &app.store.municipalities().await.unwrap()[0];
    assert_eq!(
        (town.code.as_str(), town.open_data_licence.as_str()),
        ("", "CC BY 4.0")
    );
    app.finish().await;
}
