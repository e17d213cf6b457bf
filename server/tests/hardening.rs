//! What a hostile visitor could try (issue 14): taking over a booking by
//! knowing its e-mail, oversized and malformed input, cross-site posts,
//! forms sent twice, and the headers and status codes every answer must
//! carry. On SQLite and PostgreSQL where the database is involved. The
//! limits on anonymous writes, proofs and active bookings are in
//! `hardening_limits.rs`.

use crate::common;
use crate::common::browser::{browser, call, review};
use crate::common::fixtures::{booking_form, free_slot};
use crate::common::{Running, spawn};
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::testing::TestDb;

/// Fills the form and returns the version the review shows.
async fn review_version(app: &Running, c: &reqwest::Client, fields: &[(&str, &str)]) -> String {
    review(app, c, fields).await["Review"]["version"].to_string()
}

/// Pressing 確定 twice books once and shows that booking; someone who
/// knows the resident's e-mail and sees the booked cell gets nothing.
async fn double_submit_and_takeover(app: &Running) {
    let (unit, start, end) = free_slot(app, 0).await;
    let unit = unit.to_string();
    let resident = browser();
    let version = review_version(
        app,
        &resident,
        &booking_form(&unit, &start, &end, "hanako@example.jp"),
    )
    .await;
    let before = app.booking_count().await;
    let fields = [("version", version.as_str())];
    let confirm = || {
        call(
            app,
            &resident,
            app::booking::api::ConfirmBooking::PATH,
            &fields,
        )
    };
    let (a, b) = tokio::join!(confirm(), confirm());
    assert_eq!(app.booking_count().await, before + 1, "booked once");
    let done: Vec<_> = [a, b].into_iter().filter(|r| r.1 == "/book/done").collect();
    assert!(!done.is_empty(), "the first press reaches the done page");
    let (status, _, body) = call(app, &resident, app::booking::api::GetDone::PATH, &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let reference = serde_json::from_str::<Value>(&body).unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_owned();

    // The attacker fills the same slot with the resident's e-mail.
    let attacker = browser();
    let version = review_version(
        app,
        &attacker,
        &booking_form(&unit, &start, &end, "hanako@example.jp"),
    )
    .await;
    let (_, location, _) = call(
        app,
        &attacker,
        app::booking::api::ConfirmBooking::PATH,
        &[("version", &version)],
    )
    .await;
    assert!(
        location.starts_with("/book/review"),
        "told the time is taken: {location}"
    );
    let (status, _, body) = call(app, &attacker, app::booking::api::GetDone::PATH, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no done page: {body}");
    assert!(!body.contains("090"), "{body}");
    let (status, _, _) = call(
        app,
        &attacker,
        app::booking::api::GetBookingPage::PATH,
        &[("reference", &reference)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, location, _) = call(
        app,
        &attacker,
        app::booking::api::CancelMyBooking::PATH,
        &[("reference", &reference)],
    )
    .await;
    assert_eq!(location, "/bookings");
    let row = app.store.booking(&reference).await.unwrap().unwrap().row;
    assert_eq!(row.status.code(), "confirmed", "still the resident's");
}

#[tokio::test]
async fn a_double_submit_books_once_and_nobody_takes_it_over_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    double_submit_and_takeover(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn a_double_submit_books_once_and_nobody_takes_it_over_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    double_submit_and_takeover(&app).await;
    app.finish().await;
}

/// The `session=` cookies an answer sets: (value, whether it removes it).
fn session_cookies(res: &reqwest::Response) -> Vec<(String, bool)> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.strip_prefix("session="))
        .map(|v| {
            let value = v.split(';').next().unwrap_or_default().to_owned();
            (value, v.to_ascii_lowercase().contains("max-age=0"))
        })
        .collect()
}

/// A request whose session is gone (as the second of two 確定 presses
/// finds it, after the first gave the browser a fresh id) must not tell the
/// browser to drop its cookie; signing out still does.
#[tokio::test]
async fn a_request_that_finds_its_session_gone_leaves_the_cookie_alone() {
    let app = spawn(TestDb::sqlite().await).await;
    let c = reqwest::Client::new();
    let post = |url: &str, cookie: &str, fields: &[(&str, &str)]| {
        let req = c
            .post(format!("{}{url}", app.base))
            .header("referer", format!("{}/", app.base));
        let req = if cookie.is_empty() {
            req
        } else {
            req.header("cookie", cookie)
        };
        req.form(fields).send()
    };
    let gone = format!("session={}", tower_sessions::session::Id::default());
    let res = post(app::booking::api::GetDone::PATH, &gone, &[])
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(session_cookies(&res), vec![], "no removal, no new id");
    let res = post(
        app::booking::api::ConfirmBooking::PATH,
        &gone,
        &[("version", "1")],
    )
    .await
    .unwrap();
    assert_eq!(session_cookies(&res), vec![], "the second press of 確定");

    // Signing out ends the session and removes the cookie.
    common::fixtures::people(&app).await;
    let login = post(
        app::console::api::Login::PATH,
        "",
        &[
            ("email", "manager1@town.example"),
            ("password", common::fixtures::PASSWORD),
        ],
    )
    .await
    .unwrap();
    let signed_in = session_cookies(&login);
    assert!(
        matches!(signed_in.as_slice(), [(_, false)]),
        "{signed_in:?}"
    );
    let cookie = format!("session={}", signed_in[0].0);
    let res = post(app::console::api::Logout::PATH, &cookie, &[])
        .await
        .unwrap();
    assert!(
        session_cookies(&res).iter().any(|(_, removed)| *removed),
        "sign-out removes the cookie: {:?}",
        session_cookies(&res)
    );
    app.finish().await;
}

#[tokio::test]
async fn server_functions_answer_real_status_codes() {
    let app = spawn(TestDb::sqlite().await).await;
    let c = browser();
    let (status, _, body) = call(&app, &c, app::console::api::GetStaffPage::PATH, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let e: app::core::error::AppError = serde_json::from_str(&body).unwrap();
    assert_eq!(e.status(), 401);
    let (status, _, _) = call(
        &app,
        &c,
        app::booking::api::GetBookingPage::PATH,
        &[("reference", "ABCD2345")],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A form posted without JavaScript gets a page that says what happened.
    let res = c
        .post(format!(
            "{}{}",
            app.base,
            app::console::api::GetStaffPage::PATH
        ))
        .header("accept", "text/html")
        .header("accept-language", "en")
        .form(&[("x", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("sign in") || page.contains("Sign in"),
        "{page}"
    );
    app.finish().await;
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_and_personal_pages_are_never_stored() {
    let app = spawn(TestDb::sqlite().await).await;
    let res = app.get("/").await;
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(res.headers()["cache-control"], "private, no-cache");
    let html = res.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("a nonce in script-src")
        .to_owned();
    assert!(nonce.len() >= 32);
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries it"
    );
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    assert!(!html.contains("onclick="), "no inline handlers");
    // A page that does not exist hydrates under the policy too.
    let missing = app.get("/no-such-page").await;
    let policy = missing.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let page = missing.text().await.unwrap();
    let n = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .unwrap()
        .to_owned();
    assert!(page.contains(&format!("nonce=\"{n}\"")), "{page}");
    // Each answer has its own nonce.
    let again = app.get("/").await;
    assert_ne!(
        again.headers()["content-security-policy"].to_str().unwrap(),
        csp
    );
    // The booking form (contact fields) and the account page are not kept.
    let (unit, start, _) = free_slot(&app, 0).await;
    let date = &start[..10];
    let time = &start[11..16];
    for path in [
        format!("/facilities/1/book?unit={unit}&date={date}&time={time}"),
        "/my".to_owned(),
        "/bookings".to_owned(),
        "/visits/book?p=1&start=2026-12-07T09:00".to_owned(),
        "/console/enrol".to_owned(),
        "/api/v1/bookings/ABCD2345?email=a@example.jp".to_owned(),
    ] {
        let res = app.get(&path).await;
        assert_eq!(
            res.headers()["cache-control"],
            "private, no-store",
            "{path}"
        );
        assert!(
            path.starts_with("/api/") || res.status() != StatusCode::NOT_FOUND,
            "{path} is a real page"
        );
    }
    for path in ["/facilities/1", "/visits", "/api/v1/procedures"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(
            res.headers()["cache-control"],
            "private, no-cache",
            "{path}"
        );
    }
    let res = app.get("/api/v1/facilities").await;
    assert_eq!(
        res.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert!(
        res.headers().get("strict-transport-security").is_none(),
        "plain HTTP"
    );
    app.finish().await;
}

#[tokio::test]
async fn the_origin_check_compares_the_scheme_too() {
    let app = spawn(TestDb::sqlite().await).await;
    let host = app.base.trim_start_matches("http://").to_owned();
    for (origin, allowed) in [
        (format!("http://{host}"), true),
        (format!("https://{host}"), false),
        ("http://evil.example".to_owned(), false),
    ] {
        let res = app
            .client
            .post(format!("{}/api/v1/bookings", app.base))
            .header("origin", &origin)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status() != StatusCode::FORBIDDEN, allowed, "{origin}");
    }
    app.finish().await;
}

#[tokio::test]
async fn bodies_are_bounded_and_oversized_answers_are_never_kept() {
    let app = spawn(TestDb::sqlite().await).await;
    let big = "あ".repeat(40_000);
    let res = app
        .client
        .post(format!("{}/api/v1/bookings", app.base))
        .json(&json!({ "name": big }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let c = browser();
    let res = c
        .post(format!(
            "{}{}",
            app.base,
            app::booking::api::ReviewBooking::PATH
        ))
        .form(&[("facility", "1"), ("name", big.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Uploads have their own limits: a facility list or a photo larger than
    // a form reaches its handler (which says what to fix), a body past the
    // upload's limit does not.
    for (path, size, refused) in [
        ("/console/facility-list", 200 * 1024, false),
        (
            "/console/facility-list",
            server::imports::REQUEST_LIMIT + 1,
            true,
        ),
        ("/console/facilities/1/photo", 3 * 1024 * 1024, false),
        (
            "/console/facilities/1/photo",
            server::photos::REQUEST_LIMIT + 1,
            true,
        ),
        ("/console/facilities/1/details", 200 * 1024, true),
    ] {
        let res = c
            .post(format!("{}{path}", app.base))
            .header("origin", app.base.as_str())
            .header("content-type", "multipart/form-data; boundary=x")
            .body(vec![b'a'; size])
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status() == StatusCode::PAYLOAD_TOO_LARGE,
            refused,
            "{path} {size}: {}",
            res.status()
        );
    }
    // Under the body limit but over any field's: refused, nothing kept.
    let long = "あ".repeat(2_000);
    let (unit, start, end) = free_slot(&app, 0).await;
    let unit = unit.to_string();
    let mut fields = booking_form(&unit, &start, &end, "a@example.jp");
    fields.push(("purpose", long.as_str()));
    fields.retain(|(k, v)| *k != "purpose" || v.len() > 100);
    let (status, _, body) = call(&app, &c, app::booking::api::ReviewBooking::PATH, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, _, body) = call(&app, &c, app::booking::api::GetReview::PATH, &[]).await;
    assert_eq!(body, "\"Missing\"", "no answers were kept");
    // A newline in a value that goes back into a redirect does not fail the request.
    let (status, location, _) = call(
        &app,
        &c,
        app::visits::api::BookVisit::PATH,
        &[
            ("ids", "1\r\nSet-Cookie: x=y"),
            ("start", "2026-12-07T09:00\n"),
            ("name", "山田 花子"),
            ("name_kana", "やまだ はなこ"),
            ("phone", "090-1111-2222"),
            ("email", "a@example.jp"),
        ],
    )
    .await;
    assert!(!status.is_server_error(), "{status}");
    assert!(
        !location.contains('\n') && !location.contains("Set-Cookie: x"),
        "{location}"
    );
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    app.finish().await;
}

/// A visit form sent twice (same key) makes one appointment.
#[tokio::test]
async fn a_visit_form_sent_twice_books_once() {
    let app = spawn(TestDb::sqlite().await).await;
    let (_, list) = app.json("/api/v1/procedures").await;
    let id = list[0]["id"].as_i64().unwrap();
    let mut start = None;
    for day in 1..20 {
        let (_, a) = app
            .json(&format!(
                "/api/v1/procedures/{id}/availability?date=2026-12-{day:02}"
            ))
            .await;
        if let Some(s) = a["times"].as_array().and_then(|s| s.first()) {
            start = s["start"].as_str().map(str::to_owned);
            break;
        }
    }
    let start = start.expect("a free start in December");
    let local = start[..16].to_owned();
    let c = browser();
    let ids = id.to_string();
    let key = "0123456789abcdef0123456789abcdef";
    let fields = [
        ("ids", ids.as_str()),
        ("start", local.as_str()),
        ("name", "山田 花子"),
        ("name_kana", "やまだ はなこ"),
        ("phone", "090-5555-6666"),
        ("email", "twice@example.jp"),
        ("key", key),
    ];
    let (_, first, _) = call(&app, &c, app::visits::api::BookVisit::PATH, &fields).await;
    let (_, second, _) = call(&app, &c, app::visits::api::BookVisit::PATH, &fields).await;
    assert!(first.starts_with("/visits/appointments/"), "{first}");
    assert_eq!(first, second, "the same appointment");
    use sea_orm::{EntityTrait, PaginatorTrait};
    let n = store::entity::appointment::Entity::find()
        .count(app.store.connection())
        .await
        .unwrap();
    let mine = store::entity::appointment::Entity::find()
        .all(app.store.connection())
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.email == "twice@example.jp")
        .count();
    assert!(n >= 1);
    assert_eq!(mine, 1);
    app.finish().await;
}

/// Actions written to the audit log are posts (checked like every form),
/// never links a page elsewhere could make a browser follow.
#[tokio::test]
async fn audited_exports_are_posts() {
    let app = spawn(TestDb::sqlite().await).await;
    let res = app
        .get("/console/facilities/1/bookings.csv?from=2026-12-01&to=2026-12-31")
        .await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let res = app
        .client
        .post(format!("{}/console/facilities/1/bookings.csv", app.base))
        .header("origin", "http://evil.example")
        .form(&[("from", "2026-12-01"), ("to", "2026-12-31")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "cross-site");
    app.finish().await;
}

/// `create-admin` on an empty database makes no demo town: it says to set
/// a town up first, and writes nothing.
#[tokio::test]
async fn create_admin_does_not_seed_the_demo_town() {
    use std::io::Write;
    let dir = std::env::temp_dir().join(format!("town_admin_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db_url = format!("sqlite://{}/town.db", dir.display());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["create-admin", "admin@town.example"])
        .env("DATABASE_URL", &db_url)
        .env("RUST_LOG", "error")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough passphrase\n")
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "no town to add an administrator to");
    let store = store::Store::connect(&db_url).await.unwrap();
    assert!(
        store.facilities().await.unwrap().is_empty(),
        "nothing seeded"
    );
    assert!(store.municipalities().await.unwrap().is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
