//! Importing closures and absences from calendars over HTTP: a Japanese
//! holiday calendar closing a facility (a colliding booking decided), a
//! weekly absence with an exception (a colliding visit decided), bad files
//! with the line that failed and nothing written, URLs (and the addresses
//! they may not reach), and who may import into what.

use crate::common;
use crate::common::browser::{call, path, post_multipart};
use crate::common::fixtures::*;
use crate::common::*;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use store::entity::{closure, staff_absence};
use store::testing::TestDb;

const HOLIDAYS: &[u8] = include_bytes!("fixtures/holidays-ja.ics");
const WEEKLY: &[u8] = include_bytes!("fixtures/weekly-absence.ics");

/// Posts the import form as a browser does: status and `Location`.
async fn upload(
    app: &Running,
    c: &reqwest::Client,
    target: &str,
    file: Option<(&str, &[u8])>,
    url: &str,
) -> (StatusCode, String) {
    let mut fields: Vec<(&str, Option<&str>, &[u8])> = vec![("target", None, target.as_bytes())];
    match file {
        Some((name, bytes)) => fields.push(("file", Some(name), bytes)),
        None => fields.push(("file", Some(""), b"")),
    }
    fields.push(("url", None, url.as_bytes()));
    post_multipart(app, c, "/console/import", &fields, "text/calendar").await
}

async fn import_page(app: &Running, c: &reqwest::Client) -> Value {
    let (status, _, body) = call(app, c, path::<app::imports::api::GetImportPage>(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn apply(app: &Running, c: &reqwest::Client, decisions: &[&str]) -> Value {
    let names: Vec<String> = (0..decisions.len())
        .map(|i| format!("decisions[{i}]"))
        .collect();
    let fields: Vec<(&str, &str)> = names
        .iter()
        .map(String::as_str)
        .zip(decisions.iter().copied())
        .collect();
    let (status, location, body) =
        call(app, c, path::<app::imports::api::ApplyImport>(), &fields).await;
    assert!(location.starts_with("/console/import"), "{status} {body}");
    import_page(app, c).await
}

/// Sends a calendar to facility 1 that is refused: the message the page
/// then shows (after a redirect back to the form).
async fn refusal(
    app: &Running,
    c: &reqwest::Client,
    file: Option<(&str, &[u8])>,
    url: &str,
) -> String {
    let (status, location) = upload(app, c, "facility:1", file, url).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/console/import?retry=1")
    );
    let page = import_page(app, c).await;
    assert!(page["preview"].is_null(), "{page}");
    page["flash"]["text"].as_str().unwrap().to_owned()
}

async fn closures(app: &Running) -> u64 {
    closure::Entity::find()
        .filter(closure::Column::FacilityId.eq(1))
        .count(app.store.connection())
        .await
        .unwrap()
}

async fn holidays_close_the_centre(db: TestDb) {
    let app = spawn(db).await;
    let p = people(&app).await;
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    // A resident's booking on 建国記念の日 (2027-02-11, 10:00 in Tokyo).
    let nb = store::testing::sample_booking(&app.store, now(), 11, 1, 7, false).await;
    let booked = app
        .store
        .create_booking(&nb, now(), &|_| None)
        .await
        .unwrap()
        .row;
    let before = closures(&app).await;

    let (status, location) = upload(
        &app,
        &manager,
        "facility:1",
        Some(("holidays-ja.ics", HOLIDAYS)),
        "",
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/console/import?checked=1")
    );
    let page = import_page(&app, &manager).await;
    let preview = &page["preview"];
    assert_eq!(preview["source"], "holidays-ja.ics");
    assert_eq!(preview["skipped"], 3, "{preview}");
    let lines = preview["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 17);
    assert!(lines.iter().all(|l| l["kind"] == "休館日"));
    assert!(lines.iter().any(|l| l["summary"] == "建国記念の日"));
    // Ours, and the demo town's bookings on holidays: each to decide.
    let met = preview["bookings"].as_array().unwrap();
    assert!(met.len() > 1, "{met:?}");
    assert!(
        met.iter()
            .any(|b| b["reference"] == booked.reference.as_str())
    );
    let decisions: Vec<String> = met
        .iter()
        .map(|b| {
            let id = b["id"].as_i64().unwrap();
            if id == booked.id {
                format!("{id}:cancel")
            } else {
                format!("{id}:keep")
            }
        })
        .collect();
    let decisions: Vec<&str> = decisions.iter().map(String::as_str).collect();
    // Previewing wrote nothing.
    assert_eq!(closures(&app).await, before);

    // Without a decision for the booking nothing is written.
    let page = apply(&app, &manager, &[]).await;
    assert_eq!(page["flash"]["ok"], false, "{page}");
    assert_eq!(closures(&app).await, before);
    assert!(page["preview"].is_object(), "the draft stays to decide");

    let page = apply(&app, &manager, &decisions).await;
    assert_eq!(page["flash"]["ok"], true, "{page}");
    assert_eq!(page["flash"]["text"], "17 件を取り込みました。");
    assert!(page["preview"].is_null());
    assert_eq!(closures(&app).await, before + 17);
    assert_eq!(status_of(&app, &booked.reference).await, "cancelled");
    let mails = app.store.outbox(1, 20).await.unwrap();
    assert!(mails.iter().any(|m| m.to_addr == "t7@example.jp"));
    let actions = audit_actions(&app).await;
    assert!(
        actions
            .iter()
            .filter(|(a, _)| a == "closure.create")
            .count()
            >= 17
    );
    assert!(actions.iter().any(|(a, _)| a == "booking.cancel"));
    // Each closure's entry says where it came from.
    let entries = app
        .store
        .audit_entries(1, &store::AuditFilter::default(), 1000)
        .await
        .unwrap();
    let from_file = entries
        .iter()
        .filter(|e| e.action == "closure.create")
        .filter(|e| format!("{:?}", e.after).contains("holidays-ja.ics"))
        .count();
    assert_eq!(from_file, 17);

    // The same file again adds nothing.
    upload(
        &app,
        &manager,
        "facility:1",
        Some(("holidays-ja.ics", HOLIDAYS)),
        "",
    )
    .await;
    let page = apply(&app, &manager, &[]).await;
    assert_eq!(
        page["flash"]["text"],
        "0 件を取り込みました（同じものが既にある 17 件は除きました）。"
    );
    assert_eq!(closures(&app).await, before + 17);
    app.finish().await;
}

#[tokio::test]
async fn a_holiday_calendar_closes_the_centre_after_a_preview_sqlite() {
    holidays_close_the_centre(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn a_holiday_calendar_closes_the_centre_after_a_preview_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    holidays_close_the_centre(db).await;
}

#[tokio::test]
async fn a_weekly_absence_with_an_exception_meets_a_visit_that_is_decided() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let admin = signed_in(&app, "admin@town.example", &p).await;
    let moving = app.procedure(MOVING_IN).await;
    let (s, v) = app
        .post(
            "/api/v1/appointments",
            visit(&[moving], "2026-11-24T13:00:00+09:00", 3),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let reference = v["reference"].as_str().unwrap().to_owned();
    let record = app
        .store
        .appointment_by_reference(&reference)
        .await
        .unwrap()
        .unwrap();
    let staff = record.items[0].staff_id;

    let (status, _) = upload(
        &app,
        &admin,
        &format!("staff:{staff}"),
        Some(("training.ics", WEEKLY)),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = import_page(&app, &admin).await;
    let preview = &page["preview"];
    let when: Vec<&str> = preview["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["when"].as_str().unwrap())
        .collect();
    assert_eq!(when.len(), 4, "{when:?}");
    assert!(
        when[1].contains("12月3日") && when[1].contains("9:00"),
        "{when:?}"
    );
    assert!(!when.iter().any(|w| w.contains("12月8日")), "the EXDATE");
    let met = preview["visits"].as_array().unwrap();
    assert_eq!(met.len(), 1, "{met:?}");
    assert_eq!(met[0]["reference"], reference.as_str());
    let item = met[0]["item"].as_i64().unwrap();

    let page = apply(&app, &admin, &[&format!("{item}:contact")]).await;
    assert_eq!(page["flash"]["ok"], true, "{page}");
    let absences = staff_absence::Entity::find()
        .filter(staff_absence::Column::StaffId.eq(staff))
        .filter(staff_absence::Column::Reason.contains("研修"))
        .all(app.store.connection())
        .await
        .unwrap();
    assert_eq!(absences.len(), 4);
    let after = app
        .store
        .appointment_by_reference(&reference)
        .await
        .unwrap()
        .unwrap();
    assert!(after.row.needs_contact);
    app.finish().await;
}

#[tokio::test]
async fn a_bad_file_names_its_line_and_writes_nothing() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let before = closures(&app).await;
    let bad = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:2027011\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let text = refusal(&app, &manager, Some(("bad.ics", bad)), "").await;
    assert!(
        text.contains("5 行目") && text.contains("DTSTART"),
        "{text}"
    );
    let big = vec![b'A'; server::imports::IMPORT_LIMIT + 1];
    for (file, url, says) in [
        (None, "", "ファイルを選ぶか"),
        (Some(("x.ics", &b"\xff\xfe not text"[..])), "", "UTF-8"),
        (None, "ftp://example.jp/a.ics", "https://"),
        // Over the calendar's limit, within the request's: the form says so.
        (Some(("big.ics", &big[..])), "", "1 MB"),
    ] {
        let text = refusal(&app, &manager, file, url).await;
        assert!(text.contains(says), "{text}");
    }
    // Over the request's limit: refused before it is read.
    let huge = vec![b'A'; server::imports::REQUEST_LIMIT + 1];
    let (status, _) = upload(&app, &manager, "facility:1", Some(("huge.ics", &huge)), "").await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(closures(&app).await, before);
    app.finish().await;
}

/// Serves `body` at `/cal.ics` on loopback (404 elsewhere); its port.
async fn calendar_server(body: &'static [u8]) -> u16 {
    let router =
        axum::Router::new().route("/cal.ics", axum::routing::get(move || async move { body }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, router).await });
    port
}

#[tokio::test]
async fn a_calendar_url_is_fetched_only_from_allowed_addresses() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let port = calendar_server(HOLIDAYS).await;
    // 127.0.0.1 is listed for the tests (TOWN_IMPORT_ALLOW_HOSTS).
    let (status, location) = upload(
        &app,
        &manager,
        "facility:1:2",
        None,
        &format!("http://127.0.0.1:{port}/cal.ics"),
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/console/import?checked=1")
    );
    let page = import_page(&app, &manager).await;
    assert_eq!(page["preview"]["source"], "127.0.0.1");
    assert_eq!(page["preview"]["lines"].as_array().unwrap().len(), 17);
    // Loopback by another name is inside the network: refused; a missing
    // calendar is named by its status.
    for (url, says) in [
        (format!("http://localhost:{port}/cal.ics"), "取り込めません"),
        (format!("http://127.0.0.1:{port}/missing.ics"), "HTTP 404"),
    ] {
        let text = refusal(&app, &manager, None, &url).await;
        assert!(text.contains(says), "{url}: {text}");
    }
    app.finish().await;
}

#[test]
fn only_public_addresses_may_be_fetched() {
    use server::imports::public;
    for private in [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fd00::1",
        "fe80::1",
        "::ffff:10.0.0.1",
    ] {
        assert!(!public(private.parse().unwrap()), "{private}");
    }
    for open in ["8.8.8.8", "133.242.0.1", "2001:4860:4860::8888"] {
        assert!(public(open.parse().unwrap()), "{open}");
    }
}

#[tokio::test]
async fn only_staff_import_and_only_into_their_scope() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let anonymous = common::browser::browser();
    let (status, _) = upload(
        &app,
        &anonymous,
        "facility:1",
        Some(("h.ics", HOLIDAYS)),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let resident = common::browser::browser();
    let (_, location, _) = call(
        &app,
        &resident,
        path::<app::account::api::ResidentLogin>(),
        &[("email", "resident@example.jp"), ("password", PASSWORD)],
    )
    .await;
    assert!(!location.is_empty());
    let (status, _) = upload(&app, &resident, "facility:1", Some(("h.ics", HOLIDAYS)), "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Another facility's manager, and counter staff, may not close it.
    for email in ["manager2@town.example", "counter@town.example"] {
        let c = signed_in(&app, email, &p).await;
        let (status, _) = upload(&app, &c, "facility:1", Some(("h.ics", HOLIDAYS)), "").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
        let targets = import_page(&app, &c).await["targets"].clone();
        assert!(
            !targets
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["value"] == "facility:1"),
            "{email}: {targets}"
        );
    }
    // A manager may not record a staff member's absence.
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let (status, _) = upload(&app, &manager, "staff:1", Some(("w.ics", WEEKLY)), "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = call(
        &app,
        &anonymous,
        path::<app::imports::api::ApplyImport>(),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    app.finish().await;
}
