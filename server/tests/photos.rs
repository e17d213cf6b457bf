//! A facility's photo over HTTP on SQLite and PostgreSQL, as a browser
//! without JavaScript uploads it: what to fix next to its field (no alt
//! text, not an image, too large) with nothing kept; a photo kept without
//! the text a camera wrote in it, shown to residents with its alt text in
//! their language, its alt text changed alone, taken away; only the
//! facility's own staff; audited without the bytes.

use crate::common::browser::{call, path, post_multipart};
use crate::common::fixtures::*;
use crate::common::*;
use reqwest::StatusCode;
use serde_json::Value;
use store::testing::TestDb;

const PNG: &[u8] = include_bytes!("fixtures/photo.png");

async fn upload(
    app: &Running,
    c: &reqwest::Client,
    facility: i64,
    file: Option<&[u8]>,
    alt_ja: &str,
    remove: bool,
) -> (StatusCode, String) {
    let mut fields: Vec<(&str, Option<&str>, &[u8])> =
        vec![("alt_ja", None, alt_ja.as_bytes()), ("alt_en", None, b"")];
    fields.push(("file", Some("photo.png"), file.unwrap_or_default()));
    if remove {
        fields.push(("remove", None, b"true"));
    }
    post_multipart(
        app,
        c,
        &format!("/console/facilities/{facility}/photo"),
        &fields,
        "image/png",
    )
    .await
}

async fn details(app: &Running, c: &reqwest::Client) -> Value {
    let (status, _, body) = call(
        app,
        c,
        path::<app::setup::api::GetDetailsPage>(),
        &[("facility", "1")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn error_keys(page: &Value) -> Vec<&str> {
    page["photo_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect()
}

async fn a_photo_with_its_description(app: &Running) {
    let m = app::setup::texts::messages(domain::text::Lang::Ja);
    let p = people(app).await;
    let manager = signed_in(app, "manager1@town.example", &p).await;

    // No description: said next to it, nothing kept.
    let (status, location) = upload(app, &manager, 1, Some(PNG), "", false).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with("#photo"), "{location}");
    let page = details(app, &manager).await;
    assert_eq!(error_keys(&page), ["alt_ja"], "{page}");
    assert!(page["photo"].is_null());
    // Not an image (an SVG could carry script): refused.
    let (_, _) = upload(
        app,
        &manager,
        1,
        Some(b"<svg onload=alert(1)/>"),
        "町民センター",
        false,
    )
    .await;
    let page = details(app, &manager).await;
    assert_eq!(error_keys(&page), ["file"], "{page}");
    assert_eq!(
        page["photo_values"]["alt_ja"], "町民センター",
        "what was typed comes back"
    );
    // Too large.
    let mut big = PNG.to_vec();
    big.resize(app::setup::photo::MAX_BYTES + 1, 0);
    upload(app, &manager, 1, Some(&big), "町民センター", false).await;
    let page = details(app, &manager).await;
    assert_eq!(
        page["photo_errors"][0]["message"], m.photo_too_large,
        "{page}"
    );
    // Only a description, with no photo yet: says to choose one.
    upload(app, &manager, 1, None, "町民センター", false).await;
    let page = details(app, &manager).await;
    assert_eq!(
        page["photo_errors"][0]["message"], m.photo_missing,
        "{page}"
    );
    assert!(page["photo"].is_null());

    // Kept, without the text written in the file.
    upload(
        app,
        &manager,
        1,
        Some(PNG),
        "入口のスロープと自動ドア",
        false,
    )
    .await;
    let page = details(app, &manager).await;
    assert_eq!(page["flash"]["text"], m.photo_saved, "{page}");
    let url = page["photo"]["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("/facilities/1/photo?v="), "{url}");
    let res = app.get(&url).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    assert!(
        !String::from_utf8_lossy(&bytes).contains("Yamada"),
        "the camera's text is gone"
    );
    assert!(bytes.len() < PNG.len());

    // Residents see it with its description, in English too (the Japanese
    // when no English was given).
    let (_, f) = app.json("/api/v1/facilities/1").await;
    assert_eq!(f["photo"]["alt"], "入口のスロープと自動ドア", "{f}");
    assert_eq!(f["photo"]["url"], url.as_str());
    let (_, f) = app.json("/api/v1/facilities/2").await;
    assert!(f["photo"].is_null());

    // The description alone changes; the image, and so its address, stay.
    upload(app, &manager, 1, None, "正面入口のスロープ", false).await;
    let page = details(app, &manager).await;
    assert_eq!(page["photo"]["alt"], "正面入口のスロープ");
    assert_eq!(page["photo"]["url"], url.as_str());

    // Another facility's photo is not this manager's to change.
    let (status, _) = upload(app, &manager, 2, Some(PNG), "体育館", false).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Taken away: gone from residents' pages.
    upload(app, &manager, 1, None, "", true).await;
    let page = details(app, &manager).await;
    assert_eq!(page["flash"]["text"], m.photo_removed, "{page}");
    assert!(page["photo"].is_null());
    assert_eq!(app.get(&url).await.status(), StatusCode::NOT_FOUND);

    let audit = audit_of(app, "facility.photo").await;
    assert_eq!(audit.len(), 3, "kept, described, taken away");
    let kept = audit
        .iter()
        .find(|e| e.before.as_deref() == Some("null"))
        .expect("the first photo");
    let after: Value = serde_json::from_str(kept.after.as_deref().unwrap()).unwrap();
    assert_eq!(after["content_type"], "image/png");
    assert!(after["size"].as_u64().is_some() && after.get("bytes").is_none());
}

#[tokio::test]
async fn a_photo_with_its_description_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    a_photo_with_its_description(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn a_photo_with_its_description_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    a_photo_with_its_description(&app).await;
    app.finish().await;
}
