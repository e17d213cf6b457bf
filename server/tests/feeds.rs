//! Calendar feeds over HTTP: secret tokens that follow their owner's scope,
//! SEQUENCE and STATUS as bookings and visits change, busy feeds without
//! personal data, validators and 304, no compression, and two independent
//! parsers (Python `icalendar`, Mozilla's `ical.js`) reading what we write.

use crate::common;
use std::collections::HashMap;

use crate::common::browser::{call, path};
use crate::common::fixtures::*;
use crate::common::*;
use chrono::Duration;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use store::entity::booking;
use store::testing::TestDb;

/// Makes a feed as `c` and returns its token (read once, from the page
/// after the form).
async fn make_feed(
    app: &Running,
    c: &reqwest::Client,
    name: &str,
    scope: &str,
    detail: &str,
) -> String {
    let (_, location, body) = call(
        app,
        c,
        path::<app::feeds::api::CreateFeed>(),
        &[("name", name), ("scope", scope), ("detail", detail)],
    )
    .await;
    assert!(location.contains("/feeds?v="), "{location} {body}");
    let page = feeds_page(app, c).await;
    let url = page["fresh"]["https"]
        .as_str()
        .expect("the URL once")
        .to_owned();
    assert!(url.starts_with(&format!("{}/feeds/", app.base)), "{url}");
    assert!(
        page["fresh"]["webcal"]
            .as_str()
            .unwrap()
            .starts_with("webcal://")
    );
    // Shown once: the next read no longer has it.
    assert!(feeds_page(app, c).await["fresh"].is_null());
    let token = url
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".ics")
        .to_owned();
    assert_eq!(token.len(), 64, "256 bits as hex");
    token
}

/// Asks `c` to make a feed of `scope` it may not see: refused.
async fn refused(app: &Running, c: &reqwest::Client, scope: &str) {
    let (status, _, body) = call(
        app,
        c,
        path::<app::feeds::api::CreateFeed>(),
        &[("name", "よその予定"), ("scope", scope), ("detail", "busy")],
    )
    .await;
    assert_eq!(
        verdict(status, &body),
        Verdict::Forbidden,
        "{scope}: {body}"
    );
}

async fn feeds_page(app: &Running, c: &reqwest::Client) -> Value {
    let (status, _, body) = call(app, c, path::<app::feeds::api::GetFeedsPage>(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// The feed as a calendar app fetches it: status, headers, body.
async fn fetch(
    app: &Running,
    token: &str,
    etag: Option<&str>,
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let mut req = app
        .client
        .get(format!("{}/feeds/{token}.ics", app.base))
        .header("accept-encoding", "gzip, br");
    if let Some(e) = etag {
        req = req.header("if-none-match", e);
    }
    let res = req.send().await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.text().await.unwrap())
}

/// The properties of the event `uid` in a calendar (lines unfolded).
fn event(body: &str, uid: &str) -> HashMap<String, String> {
    let unfolded = body.replace("\r\n ", "");
    let mut out = HashMap::new();
    let mut inside = false;
    for line in unfolded.split("\r\n") {
        if line == "BEGIN:VEVENT" {
            out.clear();
            inside = true;
        } else if line == "END:VEVENT" {
            if out.get("UID").map(String::as_str) == Some(uid) {
                return out;
            }
            inside = false;
        } else if inside && let Some((k, v)) = line.split_once(':') {
            let k = k.split(';').next().unwrap();
            out.insert(k.to_owned(), v.to_owned());
        }
    }
    panic!("no event {uid} in\n{body}");
}

async fn uid_of(app: &Running, reference: &str) -> String {
    app::core::calendar::booking_uid(booking_id(app, reference).await)
}

/// Books a 転入届 visit for visitor `n` at `start`: its reference and UID.
async fn visit_for(app: &Running, n: usize, start: &str) -> (String, String) {
    let moving = app.procedure(MOVING_IN).await;
    let (s, v) = app
        .post("/api/v1/appointments", visit(&[moving], start, n))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let reference = v["reference"].as_str().unwrap().to_owned();
    let id = app
        .store
        .appointment_by_reference(&reference)
        .await
        .unwrap()
        .unwrap()
        .row
        .id;
    (reference, app::core::calendar::visit_uid(id))
}

/// Moves a booking by `days` (as any write path could; the database raises
/// SEQUENCE itself).
async fn shift(app: &Running, reference: &str, days: i64) {
    let row = app.store.booking(reference).await.unwrap().unwrap().row;
    booking::Entity::update_many()
        .col_expr(
            booking::Column::StartAt,
            Expr::value(row.start_at + Duration::days(days)),
        )
        .col_expr(
            booking::Column::EndAt,
            Expr::value(row.end_at + Duration::days(days)),
        )
        .filter(booking::Column::Id.eq(row.id))
        .exec(app.store.connection())
        .await
        .unwrap();
}

async fn booking_follows_its_changes(db: TestDb) {
    let app = spawn(db).await;
    let p = people(&app).await;
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let token = make_feed(&app, &manager, "ホールの予約", "facility:1", "busy").await;
    let (_, hall) = app.unit("大ホール").await;
    let (start, end) = app.free_slot(1, hall, 1).await;
    let (s, b) = app
        .post("/api/v1/bookings", request(hall, &start, &end, 7))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let reference = b["reference"].as_str().unwrap().to_owned();
    let uid = uid_of(&app, &reference).await;

    let (status, headers, body) = fetch(&app, &token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers["content-type"], "text/calendar; charset=utf-8");
    assert!(
        headers.get("content-encoding").is_none(),
        "feeds are never compressed"
    );
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-cache")
    );
    assert!(headers.contains_key("last-modified"));
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let e = event(&body, &uid);
    assert_eq!(
        (e["SEQUENCE"].as_str(), e["STATUS"].as_str()),
        ("0", "TENTATIVE")
    );
    assert!(e["DTSTART"].starts_with("2026"), "{e:?}");
    assert!(body.contains("DTSTART;TZID=Asia/Tokyo:"), "{body}");
    assert!(body.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo"));
    // A busy feed: no name, contact, purpose or reference, in any form.
    for secret in [
        "山田",
        "やまだ",
        "hanako7",
        "0900000",
        "町内会",
        reference.as_str(),
    ] {
        assert!(!body.contains(secret), "{secret} in a busy feed");
    }
    assert!(!body.contains("ATTENDEE") && !body.contains("ORGANIZER"));

    // Unchanged: 304, no body.
    let (status, _, body) = fetch(&app, &token, Some(&etag)).await;
    assert_eq!((status, body.as_str()), (StatusCode::NOT_MODIFIED, ""));

    // Approved: SEQUENCE up, and the old validator no longer matches.
    let id = booking_id(&app, &reference).await.to_string();
    call(
        &app,
        &manager,
        path::<app::console::api::DecideBooking>(),
        &[("id", &id), ("action", "approve")],
    )
    .await;
    let (status, _, body) = fetch(&app, &token, Some(&etag)).await;
    assert_eq!(status, StatusCode::OK);
    let e = event(&body, &uid);
    assert_eq!(
        (e["SEQUENCE"].as_str(), e["STATUS"].as_str()),
        ("1", "CONFIRMED")
    );

    // Moved twice: up twice.
    shift(&app, &reference, 7).await;
    assert_eq!(
        event(&fetch(&app, &token, None).await.2, &uid)["SEQUENCE"],
        "2"
    );
    shift(&app, &reference, 7).await;
    assert_eq!(
        event(&fetch(&app, &token, None).await.2, &uid)["SEQUENCE"],
        "3"
    );

    // Cancelled: kept, CANCELLED, higher still.
    call(
        &app,
        &manager,
        path::<app::console::api::DecideBooking>(),
        &[("id", &id), ("action", "cancel"), ("reason", "設備の故障")],
    )
    .await;
    assert_eq!(status_of(&app, &reference).await, "cancelled");
    let body = fetch(&app, &token, None).await.2;
    let e = event(&body, &uid);
    assert_eq!(
        (e["SEQUENCE"].as_str(), e["STATUS"].as_str()),
        ("4", "CANCELLED")
    );

    // The booking's own .ics is the same event (UID and SEQUENCE).
    let record = app.store.booking(&reference).await.unwrap().unwrap();
    let file = app
        .state
        .booking_ics(&record, domain::text::Lang::Ja)
        .await
        .unwrap();
    let own = event(&file, &uid);
    assert_eq!(
        (own["SEQUENCE"].as_str(), own["STATUS"].as_str()),
        ("4", "CANCELLED")
    );
    assert!(
        own["DESCRIPTION"].contains(&reference),
        "the owner's copy names it"
    );

    // Thirty-one days after the booking's time (and its cancellation), it
    // has left the feed.
    let days = (record.row.end_at - now()).num_days() + 32;
    app.advance_minutes(days * 24 * 60);
    let body = fetch(&app, &token, None).await.2;
    assert!(!body.contains(&uid), "{body}");
    app.finish().await;
}

#[tokio::test]
async fn a_subscribed_booking_carries_its_changes_sqlite() {
    booking_follows_its_changes(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn a_subscribed_booking_carries_its_changes_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    booking_follows_its_changes(db).await;
}

#[tokio::test]
async fn tokens_are_secret_renewable_revocable_and_follow_the_owner() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let (_, room) = app.unit("会議室1").await;
    let (start, end) = app.free_slot(1, room, 1).await;
    let (s, b) = app
        .post("/api/v1/bookings", request(room, &start, &end, 3))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let token = make_feed(&app, &manager, "センター（詳細）", "facility:1", "full").await;

    // A full staff feed names the group and its contact, and each fetch is
    // in the personal-data view log.
    let (status, _, body) = fetch(&app, &token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("山田 花子") && body.contains("hanako3@example.jp"),
        "{body}"
    );
    let views = || async {
        audit_actions(&app)
            .await
            .into_iter()
            .filter(|(a, t)| a == "contact.view" && t.starts_with("feed:"))
            .count()
    };
    assert_eq!(views().await, 1);
    fetch(&app, &token, None).await;
    assert_eq!(views().await, 2);

    // Unknown and altered tokens: the same 404 as a revoked one.
    let mut altered = token.clone();
    altered.replace_range(0..1, if token.starts_with('0') { "1" } else { "0" });
    let (s_unknown, _, unknown) = fetch(&app, &"ab".repeat(32), None).await;
    let (s_altered, _, altered_body) = fetch(&app, &altered, None).await;
    assert_eq!(
        (s_unknown, s_altered),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert_eq!(unknown, altered_body);

    // Outside one's scope: refused when made.
    refused(&app, &manager, "facility:2").await;
    // Bad input: a message, nothing made.
    let before = feeds_page(&app, &manager).await["feeds"]
        .as_array()
        .unwrap()
        .len();
    call(
        &app,
        &manager,
        path::<app::feeds::api::CreateFeed>(),
        &[("name", "  "), ("scope", "facility:1"), ("detail", "busy")],
    )
    .await;
    let page = feeds_page(&app, &manager).await;
    assert_eq!(page["feeds"].as_array().unwrap().len(), before);
    assert_eq!(page["flash"]["ok"], false);
    assert!(
        page["flash"]["text"]
            .as_str()
            .unwrap()
            .contains("配信の名前"),
        "{page}"
    );

    // Renewed: the old URL stops, the new one works.
    let id = page["feeds"][0]["id"].as_i64().unwrap().to_string();
    call(
        &app,
        &manager,
        path::<app::feeds::api::RenewFeed>(),
        &[("id", &id)],
    )
    .await;
    let renewed = feeds_page(&app, &manager).await["fresh"]["https"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".ics")
        .to_owned();
    let (s_old, _, old_body) = fetch(&app, &token, None).await;
    assert_eq!((s_old, &old_body), (StatusCode::NOT_FOUND, &unknown));
    assert_eq!(fetch(&app, &renewed, None).await.0, StatusCode::OK);

    // The owner no longer manages the facility, or is deactivated: the feed
    // stops at once.
    let manager_id = app
        .store
        .account_by_email(1, "manager1@town.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let scope = |facilities: Vec<i64>, active: bool| {
        let store = app.store.clone();
        async move {
            let audit = store::AuditEntry {
                municipality_id: 1,
                actor: "test".into(),
                action: domain::status::AuditAction::AccountRole,
                target: format!("account:{manager_id}"),
                before: None,
                after: None,
                at: now(),
            };
            store
                .update_staff(
                    manager_id,
                    "facility_manager",
                    active,
                    &facilities,
                    &[],
                    &audit,
                )
                .await
                .unwrap();
        }
    };
    scope(vec![2], true).await;
    assert_eq!(fetch(&app, &renewed, None).await.0, StatusCode::NOT_FOUND);
    scope(vec![1], true).await;
    assert_eq!(fetch(&app, &renewed, None).await.0, StatusCode::OK);
    scope(vec![1], false).await;
    assert_eq!(fetch(&app, &renewed, None).await.0, StatusCode::NOT_FOUND);

    // Revoked (by its owner, here an administrator's own feed): 404.
    let admin = signed_in(&app, "admin@town.example", &p).await;
    let token = make_feed(&app, &admin, "全体", "facility:1", "busy").await;
    assert_eq!(fetch(&app, &token, None).await.0, StatusCode::OK);
    let id = feeds_page(&app, &admin).await["feeds"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    // Someone else cannot revoke it.
    let other = signed_in(&app, "manager2@town.example", &p).await;
    call(
        &app,
        &other,
        path::<app::feeds::api::RevokeFeed>(),
        &[("id", &id)],
    )
    .await;
    assert_eq!(fetch(&app, &token, None).await.0, StatusCode::OK);
    call(
        &app,
        &admin,
        path::<app::feeds::api::RevokeFeed>(),
        &[("id", &id)],
    )
    .await;
    assert_eq!(fetch(&app, &token, None).await.0, StatusCode::NOT_FOUND);

    let actions: Vec<String> = audit_actions(&app)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    for a in ["feed.create", "feed.renew", "feed.revoke"] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
    app.finish().await;
}

#[tokio::test]
async fn a_counter_feed_follows_visits_and_a_busy_one_says_only_visit() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let admin = signed_in(&app, "admin@town.example", &p).await;
    let moving = app.procedure(MOVING_IN).await;
    let department = app
        .store
        .procedures(1)
        .await
        .unwrap()
        .into_iter()
        .find(|(p, _)| p.id == moving)
        .unwrap()
        .1
        .id;
    let busy = make_feed(
        &app,
        &admin,
        "窓口",
        &format!("department:{department}"),
        "busy",
    )
    .await;
    let full = make_feed(
        &app,
        &admin,
        "窓口（詳細）",
        &format!("department:{department}"),
        "full",
    )
    .await;
    let (reference, vuid) = visit_for(&app, 5, "2026-11-25T09:00:00+09:00").await;

    let body = fetch(&app, &busy, None).await.2;
    let e = event(&body, &vuid);
    assert_eq!(
        (e["SEQUENCE"].as_str(), e["STATUS"].as_str()),
        ("0", "CONFIRMED")
    );
    assert_eq!(e["DTSTART"], "20261125T090000");
    for secret in [
        "山田",
        "visitor5",
        "09000000005",
        MOVING_IN,
        reference.as_str(),
    ] {
        assert!(!body.contains(secret), "{secret} in a busy feed");
    }
    let body = fetch(&app, &full, None).await.2;
    assert!(
        body.contains(MOVING_IN) && body.contains("visitor5@example.jp"),
        "{body}"
    );

    // Moved, then cancelled: SEQUENCE goes up each time.
    app.state
        .reschedule_appointment(
            &reference,
            "visitor5@example.jp",
            "2026-11-25T11:00:00+09:00",
            domain::text::Lang::Ja,
        )
        .await
        .unwrap();
    let e = event(&fetch(&app, &busy, None).await.2, &vuid);
    let moved: i64 = e["SEQUENCE"].parse().unwrap();
    assert!(moved >= 1, "{e:?}");
    assert_eq!(e["DTSTART"], "20261125T110000");
    app.state
        .cancel_appointment(&reference, "visitor5@example.jp", domain::text::Lang::Ja)
        .await
        .unwrap();
    let e = event(&fetch(&app, &busy, None).await.2, &vuid);
    assert_eq!(e["STATUS"], "CANCELLED");
    assert!(e["SEQUENCE"].parse::<i64>().unwrap() > moved, "{e:?}");

    // Counter staff may subscribe to their own division only.
    let counter = signed_in(&app, "counter@town.example", &p).await;
    let theirs = app.store.departments(1).await.unwrap()[1].id;
    let other = app.store.departments(1).await.unwrap()[0].id;
    make_feed(
        &app,
        &counter,
        "自分の課",
        &format!("department:{theirs}"),
        "busy",
    )
    .await;
    refused(&app, &counter, &format!("department:{other}")).await;
    app.finish().await;
}

/// Runs `program args…` on `file`; panics with its output unless it succeeds.
fn run(program: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{program} {args:?}: {text}");
    text
}

#[tokio::test]
async fn feeds_parse_with_two_independent_parsers_and_keep_japanese_text() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let (_, room) = app.unit("会議室1").await;
    for n in 1..=3 {
        let (start, end) = app.free_slot(1, room, n).await;
        let mut r = request(room, &start, &end, n);
        r["purpose"] = format!(
            "ひだまり町 子ども会・読み聞かせ、第{n}回; 準備と片付けを含む長い利用目的の説明"
        )
        .into();
        let (s, b) = app.post("/api/v1/bookings", r).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let token = make_feed(
        &app,
        &manager,
        "ひだまり町民センター（詳細・全室）",
        "facility:1",
        "full",
    )
    .await;
    let body = fetch(&app, &token, None).await.2;
    for line in body.split_terminator("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    let dir = std::env::temp_dir().join(format!("feed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("feed.ics");
    std::fs::write(&file, &body).unwrap();
    let file = file.to_str().unwrap();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let python = run("python3", &[&format!("{root}/scripts/check-ics.py"), file]);
    let js = run("node", &[&format!("{root}/end2end/check-ics.mjs"), file]);
    let ours = body.matches("BEGIN:VEVENT").count();
    assert!(ours > 3, "the demo bookings and these three");
    for out in [&python, &js] {
        assert!(out.contains(&format!("events {ours}\n")), "{out}");
        assert!(
            out.contains("子ども会・読み聞かせ、第2回; 準備と片付け"),
            "{out}"
        );
        assert!(
            out.contains("calendar ひだまり町民センター（詳細・全室）"),
            "{out}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
    app.finish().await;
}

#[tokio::test]
async fn a_resident_subscribes_to_their_own_bookings_only() {
    let app = spawn(TestDb::sqlite().await).await;
    people(&app).await;
    let resident = common::browser::browser();
    let (_, location, body) = call(
        &app,
        &resident,
        path::<app::account::api::ResidentLogin>(),
        &[("email", "resident@example.jp"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(location, "/my", "{body}");
    let me = app
        .store
        .account_by_email(1, "resident@example.jp")
        .await
        .unwrap()
        .unwrap()
        .id;
    // Nobody else's bookings, and no staff scope.
    for scope in [format!("resident:{}", me + 1), "facility:1".to_owned()] {
        refused(&app, &resident, &scope).await;
    }
    let token = make_feed(
        &app,
        &resident,
        "わたしの予約",
        &format!("resident:{me}"),
        "full",
    )
    .await;
    let page = feeds_page(&app, &resident).await;
    assert!(
        page["staff"].is_null(),
        "a resident's page, not the console"
    );
    assert_eq!(page["choices"].as_array().unwrap().len(), 1);

    let (_, room) = app.unit("会議室1").await;
    let (s1, e1) = app.free_slot(1, room, 1).await;
    let mine = book(&app, room, &s1, &e1, 11).await["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s2, e2) = app.free_slot(1, room, 2).await;
    let other = book(&app, room, &s2, &e2, 12).await["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        app.store
            .link_booking(booking_id(&app, &mine).await, me)
            .await
            .unwrap()
    );

    let body = fetch(&app, &token, None).await.2;
    let e = event(&body, &uid_of(&app, &mine).await);
    assert!(
        e["DESCRIPTION"].contains(&mine),
        "the owner's feed names the reference"
    );
    assert!(e["LOCATION"].contains("ひだまり町民センター"), "{e:?}");
    assert!(!body.contains(&uid_of(&app, &other).await) && !body.contains(&other));
    assert!(!body.contains("hanako11"), "no contact data in a calendar");
    app.finish().await;
}

#[tokio::test]
async fn visit_mails_say_booked_moved_and_cancelled_with_the_feeds_event() {
    let app = spawn(TestDb::sqlite().await).await;
    let (reference, vuid) = visit_for(&app, 6, "2026-11-25T09:00:00+09:00").await;
    let (contact, lang) = ("visitor6@example.jp", domain::text::Lang::Ja);
    app.state
        .reschedule_appointment(&reference, contact, "2026-11-25T11:00:00+09:00", lang)
        .await
        .unwrap();
    app.state
        .cancel_appointment(&reference, contact, lang)
        .await
        .unwrap();
    let mut mails: Vec<_> = app
        .store
        .outbox(1, 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to_addr == contact)
        .collect();
    mails.sort_by_key(|m| m.id);
    let subjects: Vec<&str> = mails.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            format!("来庁予約を受け付けました / Visit booked ({reference})"),
            format!("来庁予約の日時を変更しました / Visit moved ({reference})"),
            format!("来庁予約を取り消しました / Visit cancelled ({reference})"),
        ]
    );
    let booked = &mails[0].body;
    assert!(
        booked.find("受付番号").unwrap() < booked.find("Reference").unwrap(),
        "Japanese first: {booked}"
    );
    assert!(
        booked.contains(MOVING_IN) && booked.contains("前の住所地の転出証明書"),
        "{booked}"
    );
    assert!(mails[1].body.contains("11:00"), "{}", mails[1].body);
    // Each mail's calendar file is the feeds' event as it then stood.
    let events: Vec<HashMap<String, String>> = mails
        .iter()
        .map(|m| event(m.ics.as_deref().expect("a calendar file"), &vuid))
        .collect();
    assert_eq!(events[0]["SEQUENCE"], "0");
    assert_eq!(events[0]["DTSTART"], "20261125T090000");
    assert_eq!(events[1]["DTSTART"], "20261125T110000");
    let seq = |e: &HashMap<String, String>| e["SEQUENCE"].parse::<i64>().unwrap();
    assert!(
        seq(&events[1]) > 0 && seq(&events[2]) > seq(&events[1]),
        "{events:?}"
    );
    assert_eq!(events[2]["STATUS"], "CANCELLED");
    app.finish().await;
}

/// Makes (or makes anew) a booking's or visit's own calendar URL from its
/// page; returns where it sends the browser.
async fn follow_form(app: &Running, c: &reqwest::Client, kind: &str, reference: &str) -> String {
    let (status, location, body) = call(
        app,
        c,
        path::<app::feeds::api::FollowFeed>(),
        &[("kind", kind), ("reference", reference)],
    )
    .await;
    assert!(!location.is_empty(), "{status} {body}");
    location
}

/// Stops a booking's or visit's own calendar URL from its page.
async fn stop_form(app: &Running, c: &reqwest::Client, kind: &str, reference: &str) {
    let (status, location, body) = call(
        app,
        c,
        path::<app::feeds::api::FollowFeed>(),
        &[("kind", kind), ("reference", reference), ("stop", "1")],
    )
    .await;
    assert!(location.contains("#follow"), "{status} {body}");
}

/// The calendar section as a browser reads it.
async fn follow_view(app: &Running, c: &reqwest::Client, kind: &str, reference: &str) -> Value {
    let (status, _, body) = call(
        app,
        c,
        path::<app::feeds::api::GetFollow>(),
        &[("kind", kind), ("reference", reference)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// The token of the URL a calendar section shows once.
fn fresh_token(view: &Value) -> String {
    let url = view["fresh"]["https"].as_str().expect("the URL once");
    assert!(
        view["fresh"]["webcal"]
            .as_str()
            .unwrap()
            .starts_with("webcal://")
    );
    url.rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".ics")
        .to_owned()
}

#[tokio::test]
async fn a_booking_or_visit_page_gives_its_own_calendar_that_follows_it() {
    use app::feeds::api::FollowFeed;
    let app = spawn(TestDb::sqlite().await).await;
    let (_, room) = app.unit("会議室1").await;
    let (s, e) = app.free_slot(1, room, 1).await;
    let reference = book(&app, room, &s, &e, 21).await["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let uid = uid_of(&app, &reference).await;
    let id = booking_id(&app, &reference).await;

    // Without the proof: the page's "not found", and no feed is made.
    let stranger = common::browser::browser();
    for f in [path::<app::feeds::api::GetFollow>(), path::<FollowFeed>()] {
        let (status, _, body) = call(
            &app,
            &stranger,
            f,
            &[("kind", "booking"), ("reference", &reference)],
        )
        .await;
        assert!(
            status == StatusCode::NOT_FOUND && body.contains("booking"),
            "{f}: {status} {body}"
        );
    }
    let booking = domain::status::FeedScope::Booking;
    assert!(app.store.subject_feed(booking, id).await.unwrap().is_none());
    // Nor can an account make one in its feed list.
    let p = people(&app).await;
    let admin = signed_in(&app, "admin@town.example", &p).await;
    refused(&app, &admin, &format!("booking:{id}")).await;

    // Proved (reference + e-mail): made, shown once, and it follows.
    let owner = common::browser::browser();
    let (_, location, _) = call(
        &app,
        &owner,
        path::<app::booking::api::FindBooking>(),
        &[
            ("reference", &reference),
            ("contact", "hanako21@example.jp"),
        ],
    )
    .await;
    assert_eq!(location, format!("/bookings/{reference}"));
    let before = follow_view(&app, &owner, "booking", &reference).await;
    assert_eq!(before["following"], false);
    let back = follow_form(&app, &owner, "booking", &reference).await;
    assert!(
        back.starts_with(&format!("/bookings/{reference}?feed=")) && back.ends_with("#follow"),
        "{back}"
    );
    let made = follow_view(&app, &owner, "booking", &reference).await;
    assert_eq!(
        (made["following"].as_bool(), made["flash"]["ok"].as_bool()),
        (Some(true), Some(true))
    );
    let token = fresh_token(&made);
    assert_eq!(token.len(), 64);
    assert!(follow_view(&app, &owner, "booking", &reference).await["fresh"].is_null());
    let (status, _, body) = fetch(&app, &token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains(&format!("X-WR-CALNAME:施設予約 {reference}")),
        "{body}"
    );
    let ev = event(&body, &uid);
    assert_eq!(ev["SEQUENCE"], "0");
    assert!(ev["DESCRIPTION"].contains(&reference), "{ev:?}");
    for secret in ["山田", "hanako21", "0900000"] {
        assert!(!body.contains(secret), "{secret} in a booking's calendar");
    }
    // Only this booking.
    let (s2, e2) = app.free_slot(1, room, 2).await;
    let other = book(&app, room, &s2, &e2, 22).await["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        !fetch(&app, &token, None)
            .await
            .2
            .contains(&uid_of(&app, &other).await)
    );

    // Made again: a new URL, the old one is the unknown token's 404.
    follow_form(&app, &owner, "booking", &reference).await;
    let renewed = fresh_token(&follow_view(&app, &owner, "booking", &reference).await);
    assert_ne!(renewed, token);
    assert_eq!(fetch(&app, &token, None).await.0, StatusCode::NOT_FOUND);

    // Cancelled on its page: the calendar is told.
    call(
        &app,
        &owner,
        path::<app::booking::api::CancelMyBooking>(),
        &[("reference", &reference)],
    )
    .await;
    assert_eq!(status_of(&app, &reference).await, "cancelled");
    let ev = event(&fetch(&app, &renewed, None).await.2, &uid);
    assert_eq!(
        (ev["SEQUENCE"].as_str(), ev["STATUS"].as_str()),
        ("1", "CANCELLED")
    );

    // Stopped (still possible once cancelled): 404, and a second stop says
    // there is none.
    stop_form(&app, &owner, "booking", &reference).await;
    let stopped = follow_view(&app, &owner, "booking", &reference).await;
    assert_eq!(
        (
            stopped["following"].as_bool(),
            stopped["flash"]["ok"].as_bool()
        ),
        (Some(false), Some(true))
    );
    assert_eq!(fetch(&app, &renewed, None).await.0, StatusCode::NOT_FOUND);
    stop_form(&app, &owner, "booking", &reference).await;
    assert_eq!(
        follow_view(&app, &owner, "booking", &reference).await["flash"]["ok"],
        false
    );
    let feed_actions: Vec<String> = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(_, t)| t.starts_with("feed:"))
        .map(|(a, _)| a)
        .collect();
    for a in ["feed.create", "feed.renew", "feed.revoke"] {
        assert!(feed_actions.iter().any(|x| x == a), "{a}: {feed_actions:?}");
    }

    // A visit, proved by phone: its own calendar, the same event as its
    // .ics file, cancelled there too.
    let (visit, vuid) = visit_for(&app, 8, "2026-11-25T09:00:00+09:00").await;
    let (_, location, body) = call(
        &app,
        &owner,
        path::<app::visits::api::FindVisit>(),
        &[("reference", &visit), ("contact", "09000000008")],
    )
    .await;
    assert_eq!(location, format!("/visits/appointments/{visit}"), "{body}");
    let back = follow_form(&app, &owner, "visit", &visit).await;
    assert!(
        back.starts_with(&format!("/visits/appointments/{visit}?feed=")),
        "{back}"
    );
    let vtoken = fresh_token(&follow_view(&app, &owner, "visit", &visit).await);
    let body = fetch(&app, &vtoken, None).await.2;
    assert!(
        body.contains(&format!("X-WR-CALNAME:来庁予約 {visit}")),
        "{body}"
    );
    let ev = event(&body, &vuid);
    assert!(ev["SUMMARY"].contains("転入届"), "{ev:?}");
    assert!(!body.contains(&uid), "only the visit");
    call(
        &app,
        &owner,
        path::<app::visits::api::CancelVisit>(),
        &[("reference", &visit)],
    )
    .await;
    let ev = event(&fetch(&app, &vtoken, None).await.2, &vuid);
    assert_eq!(ev["STATUS"], "CANCELLED");
    // Another browser with a wrong contact neither proves the visit nor
    // sees its calendar section.
    let (_, location, _) = call(
        &app,
        &stranger,
        path::<app::visits::api::FindVisit>(),
        &[("reference", &visit), ("contact", "09000000009")],
    )
    .await;
    assert_eq!(
        location, "/visits/find?retry=1",
        "a wrong contact proves nothing"
    );
    let (status, _, body) = call(
        &app,
        &stranger,
        path::<app::feeds::api::GetFollow>(),
        &[("kind", "visit"), ("reference", &visit)],
    )
    .await;
    assert!(
        status == StatusCode::NOT_FOUND && body.contains("appointment"),
        "{status} {body}"
    );
    app.finish().await;
}

#[tokio::test]
async fn a_residents_own_feed_holds_the_visits_they_booked_signed_in() {
    let app = spawn(TestDb::sqlite().await).await;
    people(&app).await;
    let resident = common::browser::browser();
    call(
        &app,
        &resident,
        path::<app::account::api::ResidentLogin>(),
        &[("email", "resident@example.jp"), ("password", PASSWORD)],
    )
    .await;
    let me = app
        .store
        .account_by_email(1, "resident@example.jp")
        .await
        .unwrap()
        .unwrap()
        .id;
    let token = make_feed(
        &app,
        &resident,
        "わたしの予定",
        &format!("resident:{me}"),
        "full",
    )
    .await;
    let moving = app.procedure(MOVING_IN).await.to_string();
    let (_, location, body) = call(
        &app,
        &resident,
        path::<app::visits::api::BookVisit>(),
        &[
            ("ids", &moving),
            ("start", "2026-11-25T09:00"),
            ("name", "町田 一郎"),
            ("name_kana", "まちだ いちろう"),
            ("phone", "09011112222"),
            ("email", "resident@example.jp"),
        ],
    )
    .await;
    assert!(
        location.contains("/visits/appointments/"),
        "{location} {body}"
    );
    let mine = location
        .trim_start_matches("/visits/appointments/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let mine = app
        .store
        .appointment_by_reference(&mine)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mine.row.account_id, Some(me));
    let (_, other) = visit_for(&app, 9, "2026-11-25T10:00:00+09:00").await;

    let body = fetch(&app, &token, None).await.2;
    let ev = event(&body, &app::core::calendar::visit_uid(mine.row.id));
    assert!(ev["DESCRIPTION"].contains(&mine.row.reference), "{ev:?}");
    assert!(!body.contains(&other), "nobody else's visit");
    assert!(!body.contains("09011112222"), "no contact data");

    // Their account lists it, and opens it in another browser (no grant
    // from booking there) once signed in; a stranger's browser does not.
    let (_, _, page) = call(&app, &resident, path::<app::account::api::GetMyPage>(), &[]).await;
    assert!(
        page.contains(&mine.row.reference) && page.contains("来庁予約"),
        "{page}"
    );
    let again = common::browser::browser();
    let detail = |c: reqwest::Client| {
        let reference = mine.row.reference.clone();
        let app = &app;
        async move {
            call(
                app,
                &c,
                path::<app::visits::api::GetVisitDetail>(),
                &[("reference", &reference)],
            )
            .await
            .2
        }
    };
    assert_eq!(detail(again.clone()).await, "null", "not before signing in");
    call(
        &app,
        &again,
        path::<app::account::api::ResidentLogin>(),
        &[("email", "resident@example.jp"), ("password", PASSWORD)],
    )
    .await;
    assert!(detail(again).await.contains(&mine.row.reference));
    app.finish().await;
}
