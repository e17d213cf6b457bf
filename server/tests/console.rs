//! Accounts, sessions, CSRF, authorization and the managers' console, over
//! HTTP against the real router and a real database.

mod common;

use common::{Running, spawn};
use leptos::server_fn::ServerFn;
use reqwest::{StatusCode, redirect};
use serde_json::{Value, json};
use store::testing::TestDb;

const PASSWORD: &str = "correct horse battery";

/// The accounts of the matrix, created straight in the store.
struct People {
    admin_secret: String,
}

async fn people(app: &Running) -> People {
    let hash = app::core::auth::hash_password(PASSWORD).unwrap();
    let admin_secret = app::core::auth::new_totp_secret();
    let departments = app.store.departments(1).await.unwrap();
    type Row<'a> = (&'a str, Option<&'a str>, Option<String>, Vec<i64>, Vec<i64>);
    let accounts: [Row; 5] = [
        (
            "admin@town.example",
            Some("admin"),
            Some(admin_secret.clone()),
            vec![],
            vec![],
        ),
        (
            "manager1@town.example",
            Some("facility_manager"),
            None,
            vec![1],
            vec![],
        ),
        (
            "manager2@town.example",
            Some("facility_manager"),
            None,
            vec![2],
            vec![],
        ),
        (
            "counter@town.example",
            Some("counter_staff"),
            None,
            vec![],
            vec![departments[1].id],
        ),
        ("resident@example.jp", None, None, vec![], vec![]),
    ];
    for (email, role, totp, facilities, departments) in accounts {
        app.store
            .create_account(
                &store::NewAccount {
                    municipality_id: 1,
                    email: email.into(),
                    display_name: email.split('@').next().unwrap().into(),
                    password_hash: hash.clone(),
                    role: role.map(str::to_owned),
                    totp_secret: totp,
                    facilities,
                    departments,
                    enrolment: None,
                },
                common::now(),
                None,
            )
            .await
            .unwrap();
    }
    People { admin_secret }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

fn path<T: ServerFn>() -> &'static str {
    T::PATH
}

/// Posts a form to a server function as a script would (no redirect
/// follow); returns status, `Location` and body.
async fn call(
    app: &Running,
    c: &reqwest::Client,
    url: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let res = c
        .post(format!("{}{url}", app.base))
        .header("referer", format!("{}/", app.base))
        .form(fields)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, res.text().await.unwrap())
}

fn totp_now(secret: &str, email: &str, app: &Running) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .unwrap();
    let t = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some("TownBooking".into()),
        email.into(),
    )
    .unwrap();
    t.generate(app.now().timestamp() as u64)
}

/// Signs `email` in on a fresh client (with the TOTP step for the admin).
async fn signed_in(app: &Running, email: &str, p: &People) -> reqwest::Client {
    let c = client();
    let (_, location, body) = call(
        app,
        &c,
        path::<app::console::api::Login>(),
        &[("email", email), ("password", PASSWORD)],
    )
    .await;
    if location == "/console/login/code" {
        let code = totp_now(&p.admin_secret, email, app);
        let (_, location, body) = call(
            app,
            &c,
            path::<app::console::api::LoginCode>(),
            &[("code", &code)],
        )
        .await;
        assert_eq!(location, "/console", "{body}");
    } else {
        assert!(
            location == "/console" || location == "/",
            "{location} {body}"
        );
    }
    c
}

/// What an answer says about authorization.
#[derive(Debug, PartialEq)]
enum Verdict {
    SignIn,
    Forbidden,
    Allowed,
}

fn verdict(status: StatusCode, body: &str) -> Verdict {
    if status == StatusCode::UNAUTHORIZED || body.contains("SignInRequired") {
        Verdict::SignIn
    } else if status == StatusCode::FORBIDDEN || body.contains("\"Forbidden\"") {
        Verdict::Forbidden
    } else {
        Verdict::Allowed
    }
}

/// Who may call a route.
#[derive(Clone, Copy, Debug)]
enum Class {
    /// Anyone (resident flows prove ownership per booking).
    Public,
    /// Any signed-in account.
    SignedIn,
    /// Signed-in residents only.
    Resident,
    /// Staff of any role.
    Staff,
    /// Admins and the managers of facility 1.
    Facility1,
    /// Admins and counter staff (each service then narrows to departments).
    Counter,
    Admin,
}

#[tokio::test]
async fn authorization_matrix_covers_every_route() {
    use app::account::api as a;
    use app::booking::api as b;
    use app::console::api as c;
    use app::counters::api as k;
    use app::visits::api as v;
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let (_, hall) = unit(&app, "大ホール").await;
    let pending = pending_booking(&app, hall, 1).await;
    let pending_id = booking_id(&app, &pending).await.to_string();
    // Re-activating an active account changes nothing, so later rows keep
    // their actors.
    let manager2 = app
        .store
        .account_by_email(1, "manager2@town.example")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();

    // Every server function, with arguments that reach its authorization.
    let facility = [("facility", "1")];
    type Route<'a> = (&'a str, Class, Vec<(&'a str, &'a str)>);
    let table: Vec<Route> = vec![
        (path::<c::GetLoginPage>(), Class::Public, vec![]),
        (
            path::<c::Login>(),
            Class::Public,
            vec![("email", "x@example.jp"), ("password", "wrong password")],
        ),
        (path::<c::GetCodePage>(), Class::Public, vec![]),
        (
            path::<c::LoginCode>(),
            Class::Public,
            vec![("code", "000000")],
        ),
        (path::<c::Logout>(), Class::Public, vec![]),
        (
            path::<c::ChangePassword>(),
            Class::SignedIn,
            vec![
                ("current", "wrong password"),
                ("new", "another long password"),
            ],
        ),
        (path::<c::GetAccountPage>(), Class::Staff, vec![]),
        (path::<c::StartTotp>(), Class::Staff, vec![]),
        (
            path::<c::ConfirmTotp>(),
            Class::Staff,
            vec![("code", "000000")],
        ),
        (path::<c::GetConsoleHome>(), Class::Staff, vec![]),
        (
            path::<c::GetTimeline>(),
            Class::Facility1,
            facility.to_vec(),
        ),
        (
            path::<c::GetStaffBooking>(),
            Class::Facility1,
            vec![("id", &pending_id)],
        ),
        (
            path::<c::RevealContact>(),
            Class::Facility1,
            vec![("id", &pending_id)],
        ),
        (
            path::<c::DecideBooking>(),
            Class::Facility1,
            vec![("id", &pending_id), ("action", "nothing")],
        ),
        (
            path::<c::MarkBooking>(),
            Class::Facility1,
            vec![("id", &pending_id), ("what", "nothing")],
        ),
        (
            path::<c::GetBlockPage>(),
            Class::Facility1,
            facility.to_vec(),
        ),
        (
            path::<c::CheckBlock>(),
            Class::Facility1,
            vec![
                ("facility", "1"),
                ("unit", "1"),
                ("date", "2026-12-09"),
                ("from", "09:00"),
                ("to", "10:00"),
                ("reason", ""),
            ],
        ),
        (path::<c::SaveBlock>(), Class::Facility1, facility.to_vec()),
        (
            path::<c::GetUsageReport>(),
            Class::Facility1,
            facility.to_vec(),
        ),
        (
            path::<c::GetRulesPage>(),
            Class::Facility1,
            vec![("facility", "1"), ("unit", "2")],
        ),
        (
            path::<c::PreviewRules>(),
            Class::Facility1,
            vec![("facility", "1"), ("unit", "2"), ("rules[capacity]", "1")],
        ),
        (
            path::<c::SaveRules>(),
            Class::Facility1,
            vec![("facility", "1"), ("unit", "2")],
        ),
        (path::<c::GetStaffPage>(), Class::Admin, vec![]),
        (
            path::<c::CreateStaffAccount>(),
            Class::Admin,
            vec![("email", "bad"), ("name", ""), ("role", "x")],
        ),
        // manager2 has no second factor: nothing changes for later rows.
        (
            path::<c::ResetStaffTotp>(),
            Class::Admin,
            vec![("id", &manager2)],
        ),
        (path::<c::GetEnrolPage>(), Class::Public, vec![]),
        (path::<c::Enrol>(), Class::Public, vec![]),
        (
            path::<c::SetStaffActive>(),
            Class::Admin,
            vec![("id", &manager2), ("active", "true")],
        ),
        // The same role and scope manager2 has: later rows keep their actors.
        (
            path::<c::UpdateStaffRole>(),
            Class::Admin,
            vec![
                ("id", &manager2),
                ("role", "facility_manager"),
                ("facilities[0]", "2"),
            ],
        ),
        (path::<c::GetAuditPage>(), Class::Admin, vec![]),
        (path::<c::GetOutboxPage>(), Class::Admin, vec![]),
        (path::<b::GetBookingForm>(), Class::Public, vec![]),
        (path::<b::ReviewBooking>(), Class::Public, vec![]),
        (path::<b::GetReview>(), Class::Public, vec![]),
        (path::<b::ConfirmBooking>(), Class::Public, vec![]),
        (path::<b::GetDone>(), Class::Public, vec![]),
        (path::<b::FindBooking>(), Class::Public, vec![]),
        (path::<b::GetFindPage>(), Class::Public, vec![]),
        (path::<b::GetBookingPage>(), Class::Public, vec![]),
        (path::<b::CancelMyBooking>(), Class::Public, vec![]),
        (path::<b::TakeBookingFlash>(), Class::Public, vec![]),
        (path::<a::GetRegisterPage>(), Class::Public, vec![]),
        (path::<a::Register>(), Class::Public, vec![]),
        (path::<a::GetRegisterConfirmPage>(), Class::Public, vec![]),
        (path::<a::ConfirmRegistration>(), Class::Public, vec![]),
        (path::<a::GetResidentLoginPage>(), Class::Public, vec![]),
        (path::<a::ResidentLogin>(), Class::Public, vec![]),
        (path::<a::GetMyPage>(), Class::Public, vec![]),
        (
            path::<a::LinkMyBooking>(),
            Class::Resident,
            vec![("reference", "XXXX-XXXX"), ("contact", "x@example.jp")],
        ),
        (path::<a::ResidentLogout>(), Class::Public, vec![]),
        (
            path::<k::GetCounterDay>(),
            Class::Counter,
            vec![("date", "2026-11-25")],
        ),
        (
            path::<k::SetVisitStatus>(),
            Class::Counter,
            vec![("id", "0"), ("action", "nothing"), ("date", "2026-11-25")],
        ),
        (path::<k::GetAbsencePage>(), Class::Counter, vec![]),
        (
            path::<k::CheckAbsence>(),
            Class::Counter,
            vec![
                ("staff", "x"),
                ("date", "2026-11-25"),
                ("from", "09:00"),
                ("to", "10:00"),
                ("reason", ""),
            ],
        ),
        (path::<k::SaveAbsence>(), Class::Counter, vec![]),
        (
            path::<k::GetWaitingDisplay>(),
            Class::Public,
            vec![("department", "1")],
        ),
        (path::<v::GetVisitList>(), Class::Public, vec![]),
        (path::<v::GetVisitPlan>(), Class::Public, vec![]),
        (path::<v::GetVisitForm>(), Class::Public, vec![]),
        (path::<v::BookVisit>(), Class::Public, vec![]),
        (path::<v::GetVisitFind>(), Class::Public, vec![]),
        (path::<v::FindVisit>(), Class::Public, vec![]),
        // Only for the browser that booked or proved the appointment.
        (path::<v::GetVisitDetail>(), Class::Public, vec![]),
        (path::<v::MoveVisit>(), Class::Public, vec![]),
        (path::<v::CancelVisit>(), Class::Public, vec![]),
        (
            path::<app::browse::api::GetFacilities>(),
            Class::Public,
            vec![],
        ),
        (
            path::<app::browse::api::GetMonthCalendar>(),
            Class::Public,
            vec![],
        ),
        (
            path::<app::browse::api::GetDaySchedule>(),
            Class::Public,
            vec![],
        ),
    ];
    // No server function is left out of the table.
    for (registered, _) in leptos::server_fn::axum::server_fn_paths() {
        assert!(
            table.iter().any(|(p, _, _)| *p == registered),
            "server function {registered} has no row in the authorization matrix"
        );
    }
    // Nor an API route: the OpenAPI document lists them; all are public
    // (booking lookups need the reference plus the e-mail or phone).
    let (_, doc) = app.json("/api/openapi.json").await;
    let api: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    let public_api = [
        "/api/v1/facilities",
        "/api/v1/facilities/{id}",
        "/api/v1/facilities/{id}/availability",
        "/api/v1/bookings",
        "/api/v1/bookings/{reference}",
        "/api/v1/bookings/{reference}/lookup",
        "/api/v1/bookings/{reference}/cancel",
        // Visit appointments: the same reference-plus-contact proof.
        "/api/v1/procedures",
        "/api/v1/procedures/{id}/availability",
        "/api/v1/appointments",
        "/api/v1/appointments/{reference}",
        "/api/v1/appointments/{reference}/lookup",
        "/api/v1/appointments/{reference}/cancel",
        "/api/v1/appointments/{reference}/reschedule",
    ];
    for route in &api {
        assert!(
            public_api.contains(&route.as_str()),
            "API route {route} is not classified"
        );
    }

    let actors: Vec<(&str, Option<reqwest::Client>)> = vec![
        ("anonymous", None),
        (
            "resident",
            Some(signed_in(&app, "resident@example.jp", &p).await),
        ),
        (
            "counter staff",
            Some(signed_in(&app, "counter@town.example", &p).await),
        ),
        (
            "manager of another facility",
            Some(signed_in(&app, "manager2@town.example", &p).await),
        ),
        (
            "manager of this facility",
            Some(signed_in(&app, "manager1@town.example", &p).await),
        ),
        (
            "admin",
            Some(signed_in(&app, "admin@town.example", &p).await),
        ),
    ];
    for (route, class, args) in &table {
        if matches!(class, Class::Public) {
            continue;
        }
        for (who, c) in &actors {
            let c = c.clone().unwrap_or_else(client);
            let (status, _, body) = call(&app, &c, route, args).await;
            let expected = match (class, *who) {
                (_, "anonymous") => Verdict::SignIn,
                (Class::SignedIn, _) => Verdict::Allowed,
                (Class::Resident, "resident") => Verdict::Allowed,
                (Class::Resident, _) => Verdict::Forbidden,
                (Class::Staff, "resident") => Verdict::Forbidden,
                (Class::Staff, _) => Verdict::Allowed,
                (Class::Facility1, "manager of this facility" | "admin") => Verdict::Allowed,
                (Class::Facility1, _) => Verdict::Forbidden,
                (Class::Counter, "counter staff" | "admin") => Verdict::Allowed,
                (Class::Counter, _) => Verdict::Forbidden,
                (Class::Admin, "admin") => Verdict::Allowed,
                (Class::Admin, _) => Verdict::Forbidden,
                (Class::Public, _) => unreachable!(),
            };
            assert_eq!(
                verdict(status, &body),
                expected,
                "{who} → {route}: {status} {body}"
            );
        }
    }
    // The CSV export (a plain route) follows the facility rule too.
    for (who, c) in &actors {
        let c = c.clone().unwrap_or_else(client);
        let res = c
            .post(format!("{}/console/facilities/1/bookings.csv", app.base))
            .form(&[("from", "2026-12-01"), ("to", "2026-12-31")])
            .send()
            .await
            .unwrap();
        let expected = match *who {
            "anonymous" => StatusCode::UNAUTHORIZED,
            "manager of this facility" | "admin" => StatusCode::OK,
            _ => StatusCode::FORBIDDEN,
        };
        assert_eq!(res.status(), expected, "{who} → bookings.csv");
    }
    app.finish().await;
}

async fn unit(app: &Running, name: &str) -> (i64, i64) {
    let (_, list) = app.json("/api/v1/facilities").await;
    for f in list.as_array().unwrap() {
        for u in f["units"].as_array().unwrap() {
            if u["name"] == name {
                return (f["id"].as_i64().unwrap(), u["id"].as_i64().unwrap());
            }
        }
    }
    panic!("no unit {name}");
}

async fn free_slot(app: &Running, facility: i64, unit: i64, nth: usize) -> (String, String) {
    let (_, body) = app
        .json(&format!(
            "/api/v1/facilities/{facility}/availability?from=2026-12-01&to=2026-12-31"
        ))
        .await;
    let u = body["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == unit)
        .unwrap();
    let s = u["slots"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "free")
        .nth(nth)
        .unwrap();
    (
        s["start"].as_str().unwrap().to_owned(),
        s["end"].as_str().unwrap().to_owned(),
    )
}

async fn book(app: &Running, unit: i64, start: &str, end: &str, n: usize) -> Value {
    let res = app
        .client
        .post(format!("{}/api/v1/bookings", app.base))
        .json(&json!({
            "unit_id": unit, "start": start, "end": end,
            "name": "山田 花子", "name_kana": "やまだ はなこ",
            "phone": format!("090-0000-{n:04}"), "email": format!("hanako{n}@example.jp"),
            "purpose": "会議", "attendees": 10, "resident": true, "equipment": []
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

async fn pending_booking(app: &Running, hall: i64, n: usize) -> String {
    let (start, end) = free_slot(app, 1, hall, n).await;
    let b = book(app, hall, &start, &end, n).await;
    assert_eq!(b["status"], "pending");
    b["reference"].as_str().unwrap().to_owned()
}

async fn booking_id(app: &Running, reference: &str) -> i64 {
    app.store.booking(reference).await.unwrap().unwrap().row.id
}

async fn status_of(app: &Running, reference: &str) -> String {
    app.store
        .booking(reference)
        .await
        .unwrap()
        .unwrap()
        .row
        .status
}

async fn audit_actions(app: &Running) -> Vec<(String, String)> {
    app.store
        .audit_entries(1, &store::AuditFilter::default(), 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.target))
        .collect()
}

#[tokio::test]
async fn managers_approve_reject_block_and_mark_with_audit_and_mail() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let (_, hall) = unit(&app, "大ホール").await;
    let first = pending_booking(&app, hall, 1).await;
    let second = pending_booking(&app, hall, 2).await;
    let decide = path::<app::console::api::DecideBooking>();

    let id = booking_id(&app, &first).await.to_string();
    let (_, location, _) = call(
        &app,
        &manager,
        decide,
        &[("id", &id), ("action", "approve")],
    )
    .await;
    assert_eq!(location, format!("/console/bookings/{id}"));
    assert_eq!(status_of(&app, &first).await, "confirmed");
    // Rejecting needs a reason; without one nothing changes.
    let id2 = booking_id(&app, &second).await.to_string();
    call(
        &app,
        &manager,
        decide,
        &[("id", &id2), ("action", "reject"), ("reason", " ")],
    )
    .await;
    assert_eq!(status_of(&app, &second).await, "pending");
    call(
        &app,
        &manager,
        decide,
        &[
            ("id", &id2),
            ("action", "reject"),
            ("reason", "行事と重なるため"),
        ],
    )
    .await;
    let rejected = app.store.booking(&second).await.unwrap().unwrap().row;
    assert_eq!(rejected.status, "cancelled");
    assert!(rejected.rejected);
    // The time is free again.
    let again = book(
        &app,
        hall,
        &rejected.start_at.to_rfc3339(),
        &rejected.end_at.to_rfc3339(),
        3,
    )
    .await;
    assert_eq!(again["status"], "pending");

    // Marks: used and paid, then a no-show counted for the resident.
    let mark = path::<app::console::api::MarkBooking>();
    call(&app, &manager, mark, &[("id", &id), ("what", "paid")]).await;
    call(&app, &manager, mark, &[("id", &id), ("what", "no_show")]).await;
    let row = app.store.booking(&first).await.unwrap().unwrap().row;
    assert!(row.paid_at.is_some());
    assert_eq!(row.usage.as_deref(), Some("no_show"));
    assert_eq!(app.store.no_shows(1, &row.email, "").await.unwrap(), 1);

    // Looking at contact details is itself logged: a link cannot do it
    // (no audit row from a GET), the form's post does.
    let before = audit_actions(&app).await.len();
    let page = manager
        .get(format!("{}/console/bookings/{id}?contact=1", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("hanako1@example.jp"),
        "a GET shows no contact"
    );
    assert_eq!(audit_actions(&app).await.len(), before);
    call(
        &app,
        &manager,
        path::<app::console::api::RevealContact>(),
        &[("id", &id)],
    )
    .await;
    let page = manager
        .get(format!("{}/console/bookings/{id}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("hanako1@example.jp"), "{page}");
    let again = manager
        .get(format!("{}/console/bookings/{id}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !again.contains("hanako1@example.jp"),
        "shown once per logged look"
    );
    let actions = audit_actions(&app).await;
    for action in [
        "booking.approve",
        "booking.reject",
        "booking.paid",
        "booking.usage",
        "contact.view",
    ] {
        assert!(
            actions
                .iter()
                .any(|(a, t)| a == action && t.starts_with("booking:")),
            "{action} missing from {actions:?}"
        );
    }
    // Residents hear of it, Japanese first then English.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mails = app.store.outbox(1, 50).await.unwrap();
    let approval = mails
        .iter()
        .find(|m| m.subject.contains(&first) && m.subject.starts_with("予約が承認されました"))
        .expect("approval mail");
    assert!(approval.body.find("受付番号").unwrap() < approval.body.find("Reference").unwrap());
    assert!(
        approval
            .ics
            .as_deref()
            .is_some_and(|i| i.contains("BEGIN:VEVENT"))
    );
    let rejection = mails
        .iter()
        .find(|m| m.subject.contains(&second) && m.subject.starts_with("仮予約は承認"))
        .unwrap();
    assert!(rejection.body.contains("行事と重なるため"));
    app.finish().await;
}

#[tokio::test]
async fn blocks_list_collisions_and_need_a_decision_for_each() {
    for db in [Some(TestDb::sqlite().await), TestDb::postgres().await] {
        let Some(db) = db else { continue };
        let app = spawn(db).await;
        let p = people(&app).await;
        let manager = signed_in(&app, "manager1@town.example", &p).await;
        let (_, room) = unit(&app, "会議室1").await;
        let (start, end) = free_slot(&app, 1, room, 0).await;
        let (start2, end2) = free_slot(&app, 1, room, 1).await;
        let kept = book(&app, room, &start, &end, 1).await["reference"]
            .as_str()
            .unwrap()
            .to_owned();
        let cancelled = book(&app, room, &start2, &end2, 2).await["reference"]
            .as_str()
            .unwrap()
            .to_owned();
        let date = &start[..10];
        assert_eq!(date, &start2[..10], "two periods of one day");
        let check = path::<app::console::api::CheckBlock>();
        let fields = [
            ("facility", "1"),
            ("unit", &room.to_string()),
            ("date", date),
            ("from", "08:00"),
            ("to", "22:00"),
            ("reason", "空調の点検"),
        ];
        let (_, location, _) = call(&app, &manager, check, &fields).await;
        assert_eq!(
            location, "/console/facilities/1/block?decide=1",
            "collisions need decisions"
        );
        let page = manager
            .get(format!("{}/console/facilities/1/block?decide=1", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains(&kept) && page.contains(&cancelled), "{page}");
        let save = path::<app::console::api::SaveBlock>();
        let kept_id = booking_id(&app, &kept).await;
        let cancelled_id = booking_id(&app, &cancelled).await;
        // A decision missing for one booking: nothing is saved.
        let (_, location, _) = call(
            &app,
            &manager,
            save,
            &[
                ("facility", "1"),
                ("decisions[0]", &format!("{kept_id}:keep")),
            ],
        )
        .await;
        assert!(location.ends_with("decide=2"), "{location}");
        assert_eq!(status_of(&app, &cancelled).await, "confirmed");
        let (_, location, body) = call(
            &app,
            &manager,
            save,
            &[
                ("facility", "1"),
                ("decisions[0]", &format!("{kept_id}:keep")),
                ("decisions[1]", &format!("{cancelled_id}:cancel")),
            ],
        )
        .await;
        assert!(
            location.starts_with("/console/facilities/1?date="),
            "{location} {body}"
        );
        assert_eq!(status_of(&app, &kept).await, "confirmed");
        let c = app.store.booking(&cancelled).await.unwrap().unwrap().row;
        assert_eq!(c.status, "cancelled");
        assert_eq!(c.status_reason.as_deref(), Some("空調の点検"));
        // The block holds the rest of the day: the freed period cannot be
        // booked, and the kept one still stands.
        let res = app
            .client
            .post(format!("{}/api/v1/bookings", app.base))
            .json(&json!({
                "unit_id": room, "start": start2, "end": end2,
                "name": "佐藤 一郎", "name_kana": "さとう いちろう",
                "phone": "090-1111-2222", "email": "ichiro@example.jp",
                "purpose": "会議", "attendees": 5, "resident": true, "equipment": []
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let actions = audit_actions(&app).await;
        assert!(actions.iter().any(|(a, _)| a == "block.create"));
        assert!(
            actions
                .iter()
                .any(|(a, t)| a == "booking.cancel" && t == &format!("booking:{cancelled}"))
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn sessions_are_renewed_at_sign_in_and_really_end() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let c = client();
    let login = path::<app::console::api::Login>();
    let home = path::<app::console::api::GetConsoleHome>();
    let cookie = |res: &reqwest::Response| {
        res.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("session="))
            .map(|v| v.split(';').next().unwrap().to_owned())
    };
    // A failed attempt leaves a session (its message); that id is what an
    // attacker could have planted.
    let res = c
        .post(format!("{}{login}", app.base))
        .form(&[
            ("email", "manager1@town.example"),
            ("password", "wrong password!"),
        ])
        .send()
        .await
        .unwrap();
    let planted = cookie(&res).expect("a session cookie");
    let res = c
        .post(format!("{}{login}", app.base))
        .form(&[("email", "manager1@town.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let fresh = cookie(&res).expect("a new session id at sign-in");
    assert_ne!(
        planted, fresh,
        "session fixation: the id must change at sign-in"
    );
    // The planted id is not signed in.
    let other = reqwest::Client::new();
    let res = other
        .post(format!("{}{home}", app.base))
        .header("cookie", &planted)
        .send()
        .await
        .unwrap();
    assert_eq!(
        verdict(res.status(), &res.text().await.unwrap()),
        Verdict::SignIn
    );
    // The new one is, until logout ends it on the server.
    let as_fresh = || {
        other
            .post(format!("{}{home}", app.base))
            .header("cookie", &fresh)
    };
    let res = as_fresh().send().await.unwrap();
    assert_eq!(
        verdict(res.status(), &res.text().await.unwrap()),
        Verdict::Allowed
    );
    call(&app, &c, path::<app::console::api::Logout>(), &[]).await;
    let res = as_fresh().send().await.unwrap();
    assert_eq!(
        verdict(res.status(), &res.text().await.unwrap()),
        Verdict::SignIn,
        "logout must end the session server-side"
    );

    // Idle timeout: 29 minutes is fine (and counts as activity), then 31
    // minutes of silence ends it.
    let c = signed_in(&app, "manager1@town.example", &p).await;
    app.advance_minutes(29);
    let (s, _, body) = call(&app, &c, home, &[]).await;
    assert_eq!(verdict(s, &body), Verdict::Allowed);
    app.advance_minutes(29);
    let (s, _, body) = call(&app, &c, home, &[]).await;
    assert_eq!(verdict(s, &body), Verdict::Allowed);
    app.advance_minutes(31);
    let (s, _, body) = call(&app, &c, home, &[]).await;
    assert_eq!(verdict(s, &body), Verdict::SignIn, "idle for 31 minutes");

    // A password change ends every session of the account.
    let a = signed_in(&app, "manager1@town.example", &p).await;
    let b = signed_in(&app, "manager1@town.example", &p).await;
    call(
        &app,
        &a,
        path::<app::console::api::ChangePassword>(),
        &[("current", PASSWORD), ("new", "a brand new passphrase")],
    )
    .await;
    let (s, _, body) = call(&app, &b, home, &[]).await;
    assert_eq!(verdict(s, &body), Verdict::SignIn, "sign out everywhere");
    app.finish().await;
}

/// The page `url` as this client sees it.
async fn page(app: &Running, c: &reqwest::Client, url: &str) -> String {
    c.get(format!("{}{url}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The password step of a staff sign-in; returns where it leads.
async fn password_step(app: &Running, c: &reqwest::Client, email: &str) -> String {
    let login = path::<app::console::api::Login>();
    let (_, location, _) = call(app, c, login, &[("email", email), ("password", PASSWORD)]).await;
    location
}

#[tokio::test]
async fn a_totp_code_signs_in_once_and_staff_set_up_their_own_second_factor() {
    use app::console::api as c;
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let code_step = path::<c::LoginCode>();

    // A code signs in once; the same code in another browser within its
    // 30 seconds (seen over a shoulder, say) is refused as used.
    let admin = "admin@town.example";
    let code = totp_now(&p.admin_secret, admin, &app);
    let first = client();
    assert_eq!(
        password_step(&app, &first, admin).await,
        "/console/login/code"
    );
    let (_, location, _) = call(&app, &first, code_step, &[("code", &code)]).await;
    assert_eq!(location, "/console");
    let second = client();
    assert_eq!(
        password_step(&app, &second, admin).await,
        "/console/login/code"
    );
    let (_, location, _) = call(&app, &second, code_step, &[("code", &code)]).await;
    assert!(location.starts_with("/console/login/code"), "{location}");
    assert!(
        page(&app, &second, "/console/login/code")
            .await
            .contains("この確認コードは使用済みです")
    );
    let (s, _, body) = call(&app, &second, path::<c::GetConsoleHome>(), &[]).await;
    assert_eq!(
        verdict(s, &body),
        Verdict::SignIn,
        "a replayed code signs nobody in"
    );
    // The next code works.
    app.advance_minutes(1);
    let next = totp_now(&p.admin_secret, admin, &app);
    let (_, location, _) = call(&app, &second, code_step, &[("code", &next)]).await;
    assert_eq!(location, "/console");

    // A manager without a second factor sets one up on the account page.
    let email = "manager1@town.example";
    let m = signed_in(&app, email, &p).await;
    assert!(page(&app, &m, "/console/account").await.contains("未設定"));
    let (_, location, _) = call(&app, &m, path::<c::StartTotp>(), &[]).await;
    assert_eq!(location, "/console/account");
    let (_, _, body) = call(&app, &m, path::<c::GetAccountPage>(), &[]).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    let setup = &v["totp"]["Setup"];
    let secret = setup["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    assert!(
        setup["qr_svg"].as_str().unwrap().starts_with("<svg"),
        "{body}"
    );
    let html = page(&app, &m, "/console/account").await;
    assert!(
        html.contains(&secret) && html.contains("<svg"),
        "the page shows the QR code and secret"
    );
    // Starting again keeps the same secret (a reload does not break a scan).
    call(&app, &m, path::<c::StartTotp>(), &[]).await;
    let (_, _, again) = call(&app, &m, path::<c::GetAccountPage>(), &[]).await;
    assert!(again.contains(&secret));

    let id = app
        .store
        .account_by_email(1, email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let good = totp_now(&secret, email, &app);
    let wrong = format!(
        "{:06}",
        (good.parse::<u32>().unwrap() + 500_000) % 1_000_000
    );
    let (_, location, _) = call(&app, &m, path::<c::ConfirmTotp>(), &[("code", &wrong)]).await;
    assert_eq!(location, "/console/account");
    assert!(
        page(&app, &m, "/console/account")
            .await
            .contains("確認コードが違うか")
    );
    let stored = app.store.account(id).await.unwrap().unwrap();
    assert_eq!(stored.row.totp_secret, None, "a wrong code sets nothing up");

    call(&app, &m, path::<c::ConfirmTotp>(), &[("code", &good)]).await;
    let html = page(&app, &m, "/console/account").await;
    assert!(html.contains("2段階認証を設定しました"), "{html}");
    assert!(
        html.contains("設定済み") && !html.contains(&secret),
        "the secret is not shown again"
    );
    let stored = app.store.account(id).await.unwrap().unwrap();
    assert_eq!(stored.row.totp_secret.as_deref(), Some(secret.as_str()));
    let audit = app
        .store
        .audit_entries(1, &store::AuditFilter::default(), 100)
        .await
        .unwrap();
    let entry = audit
        .iter()
        .find(|e| e.action == "account.totp_enable")
        .expect("the set-up is audited");
    assert_eq!(entry.target, format!("account:{id}"));
    assert!(entry.actor.contains(email));

    // Confirming once more (another tab) changes nothing.
    let (_, location, _) = call(&app, &m, path::<c::ConfirmTotp>(), &[("code", &wrong)]).await;
    assert_eq!(location, "/console/account");
    let stored = app.store.account(id).await.unwrap().unwrap();
    assert_eq!(stored.row.totp_secret.as_deref(), Some(secret.as_str()));
    // A set-up that is no longer in the session says to start again.
    let other = signed_in(&app, "manager2@town.example", &p).await;
    call(&app, &other, path::<c::ConfirmTotp>(), &[("code", &good)]).await;
    assert!(
        page(&app, &other, "/console/account")
            .await
            .contains("中断されました")
    );

    // From now on the password alone does not sign in, and the code that
    // finished the set-up cannot be used again.
    let c2 = client();
    assert_eq!(password_step(&app, &c2, email).await, "/console/login/code");
    let (_, location, _) = call(&app, &c2, code_step, &[("code", &good)]).await;
    assert!(location.starts_with("/console/login/code"), "{location}");
    app.advance_minutes(1);
    let fresh = totp_now(&secret, email, &app);
    let (_, location, _) = call(&app, &c2, code_step, &[("code", &fresh)]).await;
    assert_eq!(location, "/console");
    app.finish().await;
}

#[tokio::test]
async fn admins_change_roles_and_scopes_with_an_audit_entry() {
    use app::console::api as c;
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let admin = signed_in(&app, "admin@town.example", &p).await;
    let manager2 = signed_in(&app, "manager2@town.example", &p).await;
    let id_of = |email: &'static str| {
        let store = app.store.clone();
        async move { store.account_by_email(1, email).await.unwrap().unwrap().id }
    };
    let (m2, counter, me) = (
        id_of("manager2@town.example").await,
        id_of("counter@town.example").await,
        id_of("admin@town.example").await,
    );
    let timeline = path::<c::GetTimeline>();
    let (s, _, body) = call(&app, &manager2, timeline, &[("facility", "1")]).await;
    assert_eq!(
        verdict(s, &body),
        Verdict::Forbidden,
        "before: facility 2 only"
    );

    // The form is filled in with the member's role and scope.
    let html = page(&app, &admin, &format!("/console/staff?edit={m2}")).await;
    assert!(
        html.contains("役割・担当の変更") && html.contains("manager2@town.example"),
        "{html}"
    );

    // Facility 1 instead of 2; a department sent along is dropped (not a
    // manager's scope), and the change applies at the member's next request.
    let update = path::<c::UpdateStaffRole>();
    let m2s = m2.to_string();
    let (_, location, _) = call(
        &app,
        &admin,
        update,
        &[
            ("id", &m2s),
            ("role", "facility_manager"),
            ("facilities[0]", "1"),
            ("departments[0]", "1"),
        ],
    )
    .await;
    assert_eq!(location, "/console/staff");
    assert!(
        page(&app, &admin, "/console/staff")
            .await
            .contains("役割・担当を変更しました")
    );
    let (s, _, body) = call(&app, &manager2, timeline, &[("facility", "1")]).await;
    assert_eq!(verdict(s, &body), Verdict::Allowed, "after: facility 1");
    let (s, _, body) = call(&app, &manager2, timeline, &[("facility", "2")]).await;
    assert_eq!(
        verdict(s, &body),
        Verdict::Forbidden,
        "and no longer facility 2"
    );
    let stored = app.store.account(m2).await.unwrap().unwrap();
    assert_eq!(
        (stored.facilities.clone(), stored.departments.clone()),
        (vec![1], vec![])
    );
    let audit = app
        .store
        .audit_entries(1, &store::AuditFilter::default(), 100)
        .await
        .unwrap();
    let e = audit
        .iter()
        .find(|e| e.action == "account.role" && e.target == format!("account:{m2}"))
        .expect("the role change is audited");
    assert!(e.actor.contains("admin@town.example"));
    let (before, after) = (e.before.clone().unwrap(), e.after.clone().unwrap());
    assert!(
        before.contains("\"facilities\":[2]") && after.contains("\"facilities\":[1]"),
        "{before} → {after}"
    );

    // Making an admin needs the member's own second factor first.
    let (_, _, _) = call(
        &app,
        &admin,
        update,
        &[("id", &counter.to_string()), ("role", "admin")],
    )
    .await;
    assert!(
        page(&app, &admin, "/console/staff")
            .await
            .contains("管理者には2段階認証が必要です")
    );
    let stored = app.store.account(counter).await.unwrap().unwrap();
    assert_eq!(
        stored.row.role.as_deref(),
        Some("counter_staff"),
        "unchanged"
    );

    // Refused, changing nothing: one's own role, a facility of no town of
    // ours, an unknown role, an account that is not staff.
    let resident = id_of("resident@example.jp").await.to_string();
    let me_s = me.to_string();
    let refused: [Vec<(&str, &str)>; 4] = [
        vec![("id", &me_s), ("role", "counter_staff")],
        vec![
            ("id", &m2s),
            ("role", "facility_manager"),
            ("facilities[0]", "999"),
        ],
        vec![("id", &m2s), ("role", "mayor")],
        vec![("id", &resident), ("role", "facility_manager")],
    ];
    for args in &refused {
        let (s, location, body) = call(&app, &admin, update, args).await;
        assert!(
            verdict(s, &body) == Verdict::Forbidden || location == "/console/staff",
            "{args:?}: {s} {location} {body}"
        );
        assert!(
            !page(&app, &admin, "/console/staff")
                .await
                .contains("役割・担当を変更しました"),
            "{args:?}"
        );
    }
    let stored = app.store.account(m2).await.unwrap().unwrap();
    assert_eq!(
        (stored.row.role.as_deref(), stored.facilities.clone()),
        (Some("facility_manager"), vec![1])
    );
    let stored = app.store.account(me).await.unwrap().unwrap();
    assert_eq!(stored.row.role.as_deref(), Some("admin"));
    let changes = app
        .store
        .audit_entries(1, &store::AuditFilter::default(), 100)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "account.role")
        .count();
    assert_eq!(changes, 1, "refusals write no audit entry");
    app.finish().await;
}

#[tokio::test]
async fn staff_of_a_second_town_sign_in_to_their_own_town() {
    use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, Set};
    let app = spawn(TestDb::sqlite().await).await;
    people(&app).await;
    let c = client();
    assert!(
        !page(&app, &c, "/console/login")
            .await
            .contains("id=\"l-town\""),
        "one town: nothing to choose"
    );
    let town2 = store::entity::municipality::ActiveModel {
        id: NotSet,
        slug: Set("kozue".into()),
        name_ja: Set("こずえ村".into()),
        name_en: Set("Kozue Village".into()),
        time_zone: Set("Asia/Tokyo".into()),
        phone: Set("0120-000-000".into()),
    }
    .insert(app.store.connection())
    .await
    .unwrap();
    // The same address as a member of town 1, with its own password.
    let email = "manager1@town.example";
    let other_password = "kozue village passphrase";
    app.store
        .create_account(
            &store::NewAccount {
                municipality_id: town2.id,
                email: email.into(),
                display_name: "こずえ 職員".into(),
                password_hash: app::core::auth::hash_password(other_password).unwrap(),
                role: Some("facility_manager".into()),
                totp_secret: None,
                facilities: vec![],
                departments: vec![],
                enrolment: None,
            },
            common::now(),
            None,
        )
        .await
        .unwrap();
    let html = page(&app, &c, "/console/login").await;
    assert!(
        html.contains("id=\"l-town\"") && html.contains("こずえ村"),
        "{html}"
    );

    let login = path::<app::console::api::Login>();
    let home = path::<app::console::api::GetConsoleHome>();
    let town = town2.id.to_string();
    let attempt = |password: &'static str, town: &str| {
        let fields = [
            ("email", email.to_owned()),
            ("password", password.to_owned()),
            ("town", town.to_owned()),
        ];
        let app = &app;
        async move {
            let c = client();
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (_, location, _) = call(app, &c, login, &pairs).await;
            let (_, _, body) = call(app, &c, home, &[]).await;
            (location, body)
        }
    };
    // Town 2's member, with town 2's password.
    let (location, body) = attempt(other_password, &town).await;
    assert_eq!(location, "/console");
    assert!(body.contains("こずえ 職員"), "{body}");
    // Town 1's password is not town 2's.
    let (location, _) = attempt(PASSWORD, &town).await;
    assert_eq!(location, "/console/login?retry=1");
    // Town 1, chosen or by default for an unknown number, is town 1's member.
    for t in ["1", "999", "x"] {
        let (location, body) = attempt(PASSWORD, t).await;
        assert_eq!(location, "/console", "town {t}");
        assert!(!body.contains("こずえ 職員"), "town {t}: {body}");
    }
    app.finish().await;
}

#[tokio::test]
async fn sign_in_is_generic_throttled_and_needs_the_second_factor_for_admins() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let login = path::<app::console::api::Login>();
    let base = app.base.clone();
    let message = |c: reqwest::Client| {
        let base = base.clone();
        async move {
            c.get(format!("{base}/console/login"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    // Unknown e-mail and wrong password read the same.
    let unknown = client();
    call(
        &app,
        &unknown,
        login,
        &[
            ("email", "nobody@town.example"),
            ("password", "whatever it is"),
        ],
    )
    .await;
    let wrong = client();
    call(
        &app,
        &wrong,
        login,
        &[
            ("email", "manager2@town.example"),
            ("password", "whatever it is"),
        ],
    )
    .await;
    let (a, b) = (message(unknown).await, message(wrong).await);
    let text = "メールアドレスかパスワードが違います";
    assert!(a.contains(text) && b.contains(text));
    // The admin's password alone does not sign in.
    let admin = client();
    let (_, location, _) = call(
        &app,
        &admin,
        login,
        &[("email", "admin@town.example"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(location, "/console/login/code");
    let (s, _, body) = call(
        &app,
        &admin,
        path::<app::console::api::GetConsoleHome>(),
        &[],
    )
    .await;
    assert_eq!(verdict(s, &body), Verdict::SignIn);
    let (_, location, _) = call(
        &app,
        &admin,
        path::<app::console::api::LoginCode>(),
        &[("code", "000000")],
    )
    .await;
    assert!(location.starts_with("/console/login/code"), "{location}");
    let code = totp_now(&p.admin_secret, "admin@town.example", &app);
    let (_, location, _) = call(
        &app,
        &admin,
        path::<app::console::api::LoginCode>(),
        &[("code", &code)],
    )
    .await;
    assert_eq!(location, "/console");
    // Guessing is throttled per account: after five tries even the right
    // password is refused for a while.
    let c = client();
    for _ in 0..5 {
        call(
            &app,
            &c,
            login,
            &[
                ("email", "counter@town.example"),
                ("password", "guess guess guess"),
            ],
        )
        .await;
    }
    call(
        &app,
        &c,
        login,
        &[("email", "counter@town.example"), ("password", PASSWORD)],
    )
    .await;
    assert!(message(c).await.contains("試行回数が多すぎます"));
    app.finish().await;
}

#[tokio::test]
async fn cross_site_posts_are_refused_everywhere() {
    let app = spawn(TestDb::sqlite().await).await;
    people(&app).await;
    let (_, room) = unit(&app, "会議室1").await;
    let (start, end) = free_slot(&app, 1, room, 0).await;
    let body = json!({
        "unit_id": room, "start": start, "end": end,
        "name": "山田 花子", "name_kana": "やまだ はなこ", "phone": "090-0000-0001",
        "email": "hanako@example.jp", "purpose": "会議", "attendees": 3, "resident": true, "equipment": []
    });
    let evil = [
        ("origin", "https://evil.example"),
        ("referer", "https://evil.example/page"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ];
    for (name, value) in evil {
        let res = app
            .client
            .post(format!("{}/api/v1/bookings", app.base))
            .header(name, value)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::FORBIDDEN,
            "API with {name}: {value}"
        );
        let res = app
            .client
            .post(format!(
                "{}{}",
                app.base,
                path::<app::console::api::Login>()
            ))
            .header(name, value)
            .form(&[("email", "manager1@town.example"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::FORBIDDEN,
            "server function with {name}: {value}"
        );
        assert!(res.text().await.unwrap().contains("別のサイト"));
    }
    // Nothing was booked; the same request from this site works.
    let res = app
        .client
        .post(format!("{}/api/v1/bookings", app.base))
        .header("origin", &app.base)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    app.finish().await;
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    use sea_orm::ConnectionTrait;
    for db in [Some(TestDb::sqlite().await), TestDb::postgres().await] {
        let Some(db) = db else { continue };
        let app = spawn(db).await;
        app.store
            .audit(&store::AuditEntry {
                municipality_id: 1,
                actor: "cli".into(),
                action: "test".into(),
                target: "x".into(),
                before: None,
                after: None,
                at: common::now(),
            })
            .await
            .unwrap();
        let db = app.store.connection();
        for sql in [
            "UPDATE audit_log SET actor = 'someone else'",
            "DELETE FROM audit_log",
        ] {
            let e = db.execute_unprepared(sql).await.expect_err(sql);
            assert!(e.to_string().contains("append-only"), "{e}");
        }
        assert_eq!(audit_actions(&app).await.len(), 1);
        app.finish().await;
    }
}

#[tokio::test]
async fn idor_other_facilities_stay_out_of_reach() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let gym_manager = signed_in(&app, "manager2@town.example", &p).await;
    let (_, room) = unit(&app, "会議室1").await;
    let (start, end) = free_slot(&app, 1, room, 0).await;
    let reference = book(&app, room, &start, &end, 1).await["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = booking_id(&app, &reference).await;
    // Walking ids from the gym manager's session never shows facility 1's data.
    for n in [id, id + 1, id - 1, 999_999] {
        let n_text = n.to_string();
        call(
            &app,
            &gym_manager,
            path::<app::console::api::RevealContact>(),
            &[("id", &n_text)],
        )
        .await;
        let page = gym_manager
            .get(format!("{}/console/bookings/{n}", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !page.contains("hanako1@example.jp") && !page.contains("山田 花子"),
            "{n}"
        );
    }
    let (s, _, body) = call(
        &app,
        &gym_manager,
        path::<app::console::api::DecideBooking>(),
        &[
            ("id", &id.to_string()),
            ("action", "cancel"),
            ("reason", "x"),
        ],
    )
    .await;
    assert_eq!(verdict(s, &body), Verdict::Forbidden);
    assert_eq!(status_of(&app, &reference).await, "confirmed");
    assert!(
        !audit_actions(&app)
            .await
            .iter()
            .any(|(a, _)| a == "contact.view")
    );
    app.finish().await;
}

/// The booking form's fields for one slot, as the browser posts them.
fn form_fields<'a>(
    unit: &'a str,
    start: &'a str,
    end: &'a str,
    email: &'a str,
    override_reason: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("facility", "1"),
        ("unit_id", unit),
        ("start", start),
        ("end", end),
        ("name", "山田 花子"),
        ("name_kana", "やまだ はなこ"),
        ("phone", "090-1111-2222"),
        ("email", email),
        ("purpose", "町内会の会議"),
        ("attendees", "5"),
        ("resident", "true"),
        ("override_reason", override_reason),
    ]
}

/// Fills the form, then reads what the review page would show.
async fn review(app: &Running, c: &reqwest::Client, fields: &[(&str, &str)]) -> Value {
    let (_, location, body) =
        call(app, c, path::<app::booking::api::ReviewBooking>(), fields).await;
    assert!(location.starts_with("/book/review"), "{location} {body}");
    let (status, _, body) = call(app, c, path::<app::booking::api::GetReview>(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// The first slot of a facility-1 unit without approval that is not open
/// for booking yet.
async fn slot_not_yet_open(app: &Running) -> (String, String, String) {
    let (_, body) = app
        .json("/api/v1/facilities/1/availability?from=2027-06-01&to=2027-06-30")
        .await;
    for u in body["units"].as_array().unwrap() {
        if let Some(s) = u["slots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["status"] == "not_yet_open")
        {
            return (
                u["id"].as_i64().unwrap().to_string(),
                s["start"].as_str().unwrap().to_owned(),
                s["end"].as_str().unwrap().to_owned(),
            );
        }
    }
    panic!("no slot of facility 1 is not yet open in June 2027");
}

#[tokio::test]
async fn proxy_bookings_leave_the_window_only_with_a_written_reason() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let (unit, start, end) = slot_not_yet_open(&app).await;

    // A resident cannot, whatever the form says.
    let resident = client();
    let v = review(
        &app,
        &resident,
        &form_fields(&unit, &start, &end, "r@example.jp", "急ぎです"),
    )
    .await;
    assert!(v["Form"]["notice"].is_string(), "{v}");
    assert!(v.get("Review").is_none(), "{v}");

    // The manager of the facility is asked why…
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let v = review(
        &app,
        &manager,
        &form_fields(&unit, &start, &end, "r@example.jp", ""),
    )
    .await;
    let errors = v["Form"]["errors"].as_array().expect("the form again");
    assert_eq!(errors.len(), 1, "{v}");
    assert_eq!(errors[0]["field"], "override_reason");
    assert!(
        errors[0]["message"].as_str().unwrap().contains("理由"),
        "{v}"
    );
    // …and books with the reason, which the review shows.
    let reason = "電話で申込み。受付開始前だが町の行事のため";
    let v = review(
        &app,
        &manager,
        &form_fields(&unit, &start, &end, "r@example.jp", reason),
    )
    .await;
    assert_eq!(v["Review"]["override_reason"], reason, "{v}");
    let version = v["Review"]["version"].to_string();
    let (_, location, body) = call(
        &app,
        &manager,
        path::<app::booking::api::ConfirmBooking>(),
        &[("version", &version)],
    )
    .await;
    assert_eq!(location, "/book/done", "{body}");
    let (_, _, done) = call(&app, &manager, path::<app::booking::api::GetDone>(), &[]).await;
    let done: Value = serde_json::from_str(&done).unwrap();
    let reference = done["reference"].as_str().unwrap();
    let row = app.store.booking(reference).await.unwrap().unwrap().row;
    assert_eq!(row.override_reason.as_deref(), Some(reason));
    let manager_id = app
        .store
        .account_by_email(1, "manager1@town.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(row.created_by_staff_id, Some(manager_id));
    let audit = app
        .store
        .audit_entries(1, &store::AuditFilter::default(), 100)
        .await
        .unwrap();
    let proxy = audit
        .iter()
        .find(|e| e.action == "booking.proxy")
        .expect("the proxy booking is audited");
    assert_eq!(proxy.target, format!("booking:{}", row.id));
    assert!(proxy.actor.contains("manager1@town.example"));
    assert!(proxy.after.as_deref().unwrap().contains(reason));

    // A manager of another facility is a member of the public here.
    let other = signed_in(&app, "manager2@town.example", &p).await;
    let (unit2, start2, end2) = slot_not_yet_open(&app).await;
    let v = review(
        &app,
        &other,
        &form_fields(&unit2, &start2, &end2, "s@example.jp", reason),
    )
    .await;
    assert!(v.get("Review").is_none(), "{v}");
    app.finish().await;
}

async fn register(
    app: &Running,
    c: &reqwest::Client,
    email: &str,
    password: &str,
    confirm: &str,
) -> String {
    let (_, location, body) = call(
        app,
        c,
        path::<app::account::api::Register>(),
        &[
            ("name", "山田 花子"),
            ("email", email),
            ("password", password),
            ("password_confirm", confirm),
        ],
    )
    .await;
    assert!(!location.is_empty(), "{body}");
    location
}

/// The code mailed for a registration of `email` (the newest mail to it).
async fn mailed_code(app: &Running, email: &str) -> Option<String> {
    let mail = app
        .store
        .outbox(1, 50)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.to_addr == email)?;
    let code = mail.body.split("確認コード: ").nth(1)?;
    Some(code.chars().take(8).collect())
}

/// Registers `email` and confirms it with the mailed code.
async fn register_confirmed(app: &Running, c: &reqwest::Client, email: &str) -> String {
    let location = register(app, c, email, PASSWORD, PASSWORD).await;
    assert_eq!(location, "/account/register/confirm");
    let code = mailed_code(app, &email.to_lowercase())
        .await
        .expect("a code is mailed");
    let (_, location, body) = call(
        app,
        c,
        path::<app::account::api::ConfirmRegistration>(),
        &[("code", &code.to_lowercase())],
    )
    .await;
    assert!(!location.is_empty(), "{body}");
    location
}

async fn my_page(app: &Running, c: &reqwest::Client) -> Value {
    let (status, _, body) = call(app, c, path::<app::account::api::GetMyPage>(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn references(page: &Value) -> Vec<String> {
    page["Page"]["upcoming"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["reference"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn residents_register_and_see_their_own_bookings_only() {
    let app = spawn(TestDb::sqlite().await).await;
    let hanako = client();
    // Mistakes come back with what to fix.
    let location = register(
        &app,
        &hanako,
        "hanako@example.jp",
        PASSWORD,
        "something else",
    )
    .await;
    assert_eq!(location, "/account/register?retry=1");
    let (_, _, body) = call(
        &app,
        &hanako,
        path::<app::account::api::GetRegisterPage>(),
        &[],
    )
    .await;
    assert!(body.contains("一致しません"), "{body}");
    assert!(
        body.contains("hanako@example.jp"),
        "answers are kept: {body}"
    );
    assert!(!body.contains(PASSWORD), "never the password: {body}");
    let location = register(&app, &hanako, "hanako@example.jp", "short", "short").await;
    assert_eq!(location, "/account/register?retry=1");

    // Signed out, /my offers the way in.
    assert!(my_page(&app, &hanako).await.get("SignedOut").is_some());
    // The address is proved with the mailed code; a wrong one says so.
    let location = register(&app, &hanako, "Hanako@Example.jp", PASSWORD, PASSWORD).await;
    assert_eq!(location, "/account/register/confirm");
    let (_, location, _) = call(
        &app,
        &hanako,
        path::<app::account::api::ConfirmRegistration>(),
        &[("code", "WRONG234")],
    )
    .await;
    assert_eq!(location, "/account/register/confirm?retry=1");
    assert!(my_page(&app, &hanako).await.get("SignedOut").is_some());
    let code = mailed_code(&app, "hanako@example.jp").await.unwrap();
    let (_, location, _) = call(
        &app,
        &hanako,
        path::<app::account::api::ConfirmRegistration>(),
        &[("code", &code)],
    )
    .await;
    assert_eq!(location, "/my?welcome=1");
    let page = my_page(&app, &hanako).await;
    assert_eq!(page["Page"]["email"], "hanako@example.jp");
    assert!(references(&page).is_empty());

    // A booking made while signed in is listed.
    let (_, unit) = unit(&app, "和室").await;
    let (start, end) = free_slot(&app, 1, unit, 0).await;
    let unit_s = unit.to_string();
    let v = review(
        &app,
        &hanako,
        &form_fields(&unit_s, &start, &end, "hanako@example.jp", ""),
    )
    .await;
    let version = v["Review"]["version"].to_string();
    let (_, location, body) = call(
        &app,
        &hanako,
        path::<app::booking::api::ConfirmBooking>(),
        &[("version", &version)],
    )
    .await;
    assert_eq!(location, "/book/done", "{body}");
    let signed_in_booking = references(&my_page(&app, &hanako).await);
    assert_eq!(signed_in_booking.len(), 1);

    // One made without signing in is added with its reference and contact.
    let (start, end) = free_slot(&app, 1, unit, 1).await;
    let b = book(&app, unit, &start, &end, 7).await;
    let reference = b["reference"].as_str().unwrap();
    let link = path::<app::account::api::LinkMyBooking>();
    call(
        &app,
        &hanako,
        link,
        &[("reference", reference), ("contact", "wrong@example.jp")],
    )
    .await;
    let page = my_page(&app, &hanako).await;
    assert_eq!(page["Page"]["flash"]["ok"], false, "{page}");
    assert_eq!(references(&page).len(), 1);
    call(
        &app,
        &hanako,
        link,
        &[("reference", reference), ("contact", "hanako7@example.jp")],
    )
    .await;
    let page = my_page(&app, &hanako).await;
    assert_eq!(page["Page"]["flash"]["ok"], true, "{page}");
    assert!(references(&page).contains(&reference.to_owned()));

    // Someone else, even knowing the contact, cannot take it over, and sees
    // neither booking.
    let taro = client();
    register_confirmed(&app, &taro, "taro@example.jp").await;
    call(
        &app,
        &taro,
        link,
        &[("reference", reference), ("contact", "hanako7@example.jp")],
    )
    .await;
    let page = my_page(&app, &taro).await;
    assert_eq!(page["Page"]["flash"]["ok"], false, "{page}");
    assert!(references(&page).is_empty());
    let get = path::<app::booking::api::GetBookingPage>();
    let (status, _, _) = call(&app, &taro, get, &[("reference", &signed_in_booking[0])]).await;
    assert_ne!(status, StatusCode::OK);
    // The owner opens it from the list without proving anything again.
    let (status, _, body) = call(&app, &hanako, get, &[("reference", &signed_in_booking[0])]).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // One account per address, and the form does not tell: the answer is
    // the same as for a new address, the owner is mailed instead, and no
    // code can finish it.
    let stranger = client();
    let mails_before = app.store.outbox(1, 100).await.unwrap().len();
    let location = register(&app, &stranger, "hanako@example.jp", PASSWORD, PASSWORD).await;
    assert_eq!(location, "/account/register/confirm");
    let mails = app.store.outbox(1, 100).await.unwrap();
    assert_eq!(mails.len(), mails_before + 1);
    assert!(
        mails[0].body.contains("すでにあります"),
        "{}",
        mails[0].body
    );
    assert!(!mails[0].body.contains("確認コード: "));
    let (_, location, _) = call(
        &app,
        &stranger,
        path::<app::account::api::ConfirmRegistration>(),
        &[("code", &code)],
    )
    .await;
    assert_eq!(location, "/account/register/confirm?retry=1");
    // Signing out ends it on the server.
    call(
        &app,
        &hanako,
        path::<app::account::api::ResidentLogout>(),
        &[],
    )
    .await;
    assert!(my_page(&app, &hanako).await.get("SignedOut").is_some());
    app.finish().await;
}

/// The report's December cell of a unit and December's fee totals.
async fn december(app: &Running, c: &reqwest::Client, unit: &str) -> (f64, i64, i64, i64) {
    let (status, _, body) = call(
        app,
        c,
        path::<app::console::api::GetUsageReport>(),
        &[("facility", "1"), ("month", "2026-12")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let r: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(r["months"].as_array().unwrap().len(), 6);
    assert_eq!(r["months"][5], "2026年12月");
    let row = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["unit"] == unit)
        .unwrap();
    let cell = &row["cells"][5];
    let used: f64 = cell["hours"]
        .as_str()
        .unwrap()
        .split('時')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    (
        used,
        cell["per_mille"].as_i64().unwrap(),
        r["fees"][5]["charged_yen"].as_i64().unwrap(),
        r["fees"][5]["received_yen"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn the_usage_report_shows_occupancy_and_fees_per_month() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let (used0, rate0, charged0, received0) = december(&app, &manager, "和室").await;

    let (_, room) = unit(&app, "和室").await;
    let (start, end) = free_slot(&app, 1, room, 0).await;
    let b = book(&app, room, &start, &end, 1).await;
    let fee = b["fee"]["total_yen"].as_i64().unwrap();
    // A cancelled booking counts for nothing.
    let (start2, end2) = free_slot(&app, 1, room, 0).await;
    let cancelled = book(&app, room, &start2, &end2, 2).await;
    let record = app
        .store
        .booking(cancelled["reference"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    app.store
        .cancel_booking(
            domain::ids::BookingId(record.row.id),
            app.now(),
            &store::outbox::no_mail,
        )
        .await
        .unwrap();

    let slot_hours = (chrono::DateTime::parse_from_rfc3339(&end).unwrap()
        - chrono::DateTime::parse_from_rfc3339(&start).unwrap())
    .num_minutes() as f64
        / 60.0;
    let (used1, rate1, charged1, received1) = december(&app, &manager, "和室").await;
    assert_eq!(used1, used0 + slot_hours);
    assert!(rate1 > rate0, "{rate0} → {rate1}");
    assert_eq!(charged1, charged0 + fee);
    assert_eq!(received1, received0);

    // Once the fee is received, the report says so.
    let id = booking_id(&app, b["reference"].as_str().unwrap())
        .await
        .to_string();
    call(
        &app,
        &manager,
        path::<app::console::api::MarkBooking>(),
        &[("id", &id), ("what", "paid")],
    )
    .await;
    let (_, _, _, received2) = december(&app, &manager, "和室").await;
    assert_eq!(received2, received0 + fee);
    // A bad month says what to fix.
    let (status, _, body) = call(
        &app,
        &manager,
        path::<app::console::api::GetUsageReport>(),
        &[("facility", "1"), ("month", "2026-13")],
    )
    .await;
    // (Server functions answer errors as 500 with the typed error, which
    // the page shows translated.)
    assert!(!status.is_success());
    assert!(body.contains("month_format"), "{body}");
    app.finish().await;
}

/// The rules form's fields as the browser posts them.
fn rules_fields(values: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in values.as_object().unwrap() {
        match v {
            Value::String(s) => out.push((format!("rules[{k}]"), s.clone())),
            Value::Bool(true) => out.push((format!("rules[{k}]"), "true".into())),
            Value::Array(rows) => {
                for (i, row) in rows.iter().enumerate() {
                    for (name, x) in row.as_object().unwrap() {
                        out.push((
                            format!("rules[{k}][{i}][{name}]"),
                            x.as_str().unwrap().to_owned(),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

async fn rules_page(app: &Running, c: &reqwest::Client, v: Option<&str>) -> Value {
    let mut args = vec![("facility", "1"), ("unit", "2")];
    if let Some(v) = v {
        args.push(("v", v));
    }
    let (status, _, body) = call(app, c, path::<app::console::api::GetRulesPage>(), &args).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn preview(app: &Running, c: &reqwest::Client, values: &Value) -> String {
    let mut fields = rules_fields(values);
    fields.push(("facility".into(), "1".into()));
    fields.push(("unit".into(), "2".into()));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (_, location, body) =
        call(app, c, path::<app::console::api::PreviewRules>(), &borrowed).await;
    assert!(location.contains("/units/2/rules?v="), "{location} {body}");
    location.split("v=").nth(1).unwrap().to_owned()
}

#[tokio::test]
async fn unit_rules_are_validated_previewed_saved_and_audited() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let page = rules_page(&app, &manager, None).await;
    assert_eq!(page["grid"], false);
    let current = page["values"].clone();
    assert_eq!(current["capacity"], "30", "{current}");
    // Three periods and one blank row to add another.
    assert_eq!(current["templates"].as_array().unwrap().len(), 4);

    // Mistakes are named, field by field, and nothing is saved.
    let mut bad = current.clone();
    bad["capacity"] = json!("たくさん");
    bad["templates"][1]["start"] = json!("11:00");
    let v = preview(&app, &manager, &bad).await;
    let page = rules_page(&app, &manager, Some(&v)).await;
    let errors: Vec<(String, String)> = page["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["key"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        errors
            .iter()
            .any(|(k, m)| k == "capacity" && m.contains("定員")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|(k, m)| k == "template-1" && m.contains("重なって")),
        "{errors:?}"
    );
    assert!(page["preview"].is_null());
    assert_eq!(page["values"]["capacity"], "たくさん", "answers are kept");

    // Without the evening period, fewer slots next month: the preview says so.
    let mut good = current.clone();
    good["capacity"] = json!("25");
    for f in [
        "label_ja",
        "label_en",
        "start",
        "end",
        "fee_resident",
        "fee_nonresident",
        "holiday_resident",
        "holiday_nonresident",
    ] {
        good["templates"][2][f] = json!("");
    }
    let v = preview(&app, &manager, &good).await;
    let page = rules_page(&app, &manager, Some(&v)).await;
    assert_eq!(page["errors"], json!([]), "{page}");
    let pv = &page["preview"];
    let (before, after) = (
        pv["before_total"].as_i64().unwrap(),
        pv["after_total"].as_i64().unwrap(),
    );
    assert!(after < before, "{pv}");
    assert_eq!(
        pv["days"].as_array().unwrap().len() as i64,
        before - after,
        "one period fewer on each open day: {pv}"
    );
    // Nothing changed yet.
    let f = app
        .store
        .facility(domain::ids::FacilityId(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(f.units[1].rules.capacity, 30);

    let (_, location, body) = call(
        &app,
        &manager,
        path::<app::console::api::SaveRules>(),
        &[("facility", "1"), ("unit", "2")],
    )
    .await;
    assert_eq!(location, "/console/facilities/1/units/2/rules", "{body}");
    let page = rules_page(&app, &manager, None).await;
    assert_eq!(page["flash"]["ok"], true, "{page}");
    assert_eq!(page["values"]["capacity"], "25");
    let f = app
        .store
        .facility(domain::ids::FacilityId(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(f.units[1].rules.capacity, 25);
    assert_eq!(f.units[1].rules.fees.len(), 2);
    // Residents see it at once in this process.
    let (_, body) = app
        .json("/api/v1/facilities/1/availability?from=2026-12-01&to=2026-12-31")
        .await;
    let unit = body["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == 2)
        .unwrap();
    assert!(
        unit["slots"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["label"] != "夜間"),
        "{unit}"
    );
    let audit = audit_actions(&app).await;
    assert!(
        audit
            .iter()
            .any(|(a, t)| a == "unit.rules" && t == "unit:2"),
        "{audit:?}"
    );
    let entry = app
        .store
        .audit_entries(1, &store::AuditFilter::default(), 100)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == "unit.rules")
        .unwrap();
    assert!(entry.before.unwrap().contains("\"30\""));
    assert!(entry.after.unwrap().contains("\"25\""));
    app.finish().await;
}

#[tokio::test]
async fn closures_need_a_decision_for_each_booking_and_close_the_days() {
    for db in [Some(TestDb::sqlite().await), TestDb::postgres().await] {
        let Some(db) = db else { continue };
        let app = spawn(db).await;
        let p = people(&app).await;
        let manager = signed_in(&app, "manager1@town.example", &p).await;
        let (_, room) = unit(&app, "会議室2").await;
        let (_, tatami) = unit(&app, "和室").await;
        let (start, end) = free_slot(&app, 1, room, 0).await;
        let date = start[..10].to_owned();
        // Another unit's booking the same day collides with a closure of
        // the whole facility.
        let (_, body) = app
            .json(&format!(
                "/api/v1/facilities/1/availability?from={date}&to={date}"
            ))
            .await;
        let other = body["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == tatami)
            .unwrap()["slots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["status"] == "free")
            .unwrap()
            .clone();
        let cancelled = book(&app, room, &start, &end, 1).await["reference"]
            .as_str()
            .unwrap()
            .to_owned();
        let kept = book(
            &app,
            tatami,
            other["start"].as_str().unwrap(),
            other["end"].as_str().unwrap(),
            2,
        )
        .await["reference"]
            .as_str()
            .unwrap()
            .to_owned();
        let check = path::<app::console::api::CheckBlock>();
        // The last day before the first: says what to fix.
        let (_, location, _) = call(
            &app,
            &manager,
            check,
            &[
                ("facility", "1"),
                ("kind", "closure"),
                ("unit", ""),
                ("date", &date),
                ("until", "2026-11-01"),
                ("reason", "設備工事のため休館"),
            ],
        )
        .await;
        assert_eq!(location, "/console/facilities/1/block");
        let (_, location, _) = call(
            &app,
            &manager,
            check,
            &[
                ("facility", "1"),
                ("kind", "closure"),
                ("unit", ""),
                ("date", &date),
                ("until", &date),
                ("reason", "設備工事のため休館"),
            ],
        )
        .await;
        assert_eq!(location, "/console/facilities/1/block?decide=1");
        let (_, _, body) = call(
            &app,
            &manager,
            path::<app::console::api::GetBlockPage>(),
            &[("facility", "1")],
        )
        .await;
        assert!(body.contains(&kept) && body.contains(&cancelled), "{body}");
        // (The demo town's own bookings that day are listed too: keep them.)
        let page: Value = serde_json::from_str(&body).unwrap();
        let cancelled_id = booking_id(&app, &cancelled).await;
        let decisions: Vec<(String, String)> = page["collisions"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let id = c["id"].as_i64().unwrap();
                let what = if id == cancelled_id { "cancel" } else { "keep" };
                (format!("decisions[{i}]"), format!("{id}:{what}"))
            })
            .collect();
        assert!(decisions.len() >= 2);
        let save = path::<app::console::api::SaveBlock>();
        let send = |n: usize| {
            let mut fields = vec![("facility", "1")];
            fields.extend(decisions[..n].iter().map(|(k, v)| (k.as_str(), v.as_str())));
            fields
        };
        // Nothing is dropped silently: one decision missing saves nothing.
        let (_, location, _) = call(&app, &manager, save, &send(decisions.len() - 1)).await;
        assert!(location.ends_with("decide=2"), "{location}");
        assert_eq!(status_of(&app, &cancelled).await, "confirmed");
        let (_, location, body) = call(&app, &manager, save, &send(decisions.len())).await;
        assert!(
            location.starts_with("/console/facilities/1?date="),
            "{location} {body}"
        );
        assert_eq!(status_of(&app, &cancelled).await, "cancelled");
        assert_eq!(status_of(&app, &kept).await, "confirmed");
        // The day is closed for everyone at once, with the reason.
        let (_, body) = app
            .json(&format!(
                "/api/v1/facilities/1/availability?from={date}&to={date}"
            ))
            .await;
        for u in body["units"].as_array().unwrap() {
            for s in u["slots"].as_array().unwrap() {
                assert!(s["status"] == "closed" || s["status"] == "booked", "{s}");
            }
        }
        assert!(body.to_string().contains("設備工事のため休館"), "{body}");
        let actions = audit_actions(&app).await;
        assert!(
            actions
                .iter()
                .any(|(a, t)| a == "closure.create" && t.starts_with("closure:"))
        );
        assert!(
            actions
                .iter()
                .any(|(a, t)| a == "booking.cancel" && t == &format!("booking:{cancelled}"))
        );
        // The resident is told.
        let outbox = app.store.outbox(1, 100).await.unwrap();
        assert!(
            outbox
                .iter()
                .any(|m| m.to_addr == "hanako1@example.jp" && m.body.contains(&cancelled)),
            "{outbox:?}"
        );
        app.finish().await;
    }
}

/// Books a visit over the API; returns its reference and id.
async fn book_visit(app: &Running, procedure: &str, start: &str, n: u32) -> (String, i64) {
    let (_, list) = app.json("/api/v1/procedures").await;
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == procedure)
        .and_then(|p| p["id"].as_i64())
        .unwrap();
    let res = app
        .client
        .post(format!("{}/api/v1/appointments", app.base))
        .json(&json!({
            "procedure_ids": [id], "start": start, "name": "山田 花子", "name_kana": "やまだ はなこ",
            "phone": format!("0900000{n:04}"), "email": format!("v{n}@example.jp"),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    let reference = body["reference"].as_str().unwrap().to_owned();
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let row = store::entity::appointment::Entity::find()
        .filter(store::entity::appointment::Column::Reference.eq(reference.as_str()))
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap();
    (reference, row.id)
}

#[tokio::test]
async fn counter_staff_run_their_day_and_the_waiting_display() {
    use app::counters::api as k;
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    // The morning of the visits (7:00 JST), so the display shows that day.
    app.advance_minutes((3 * 24 - 3) * 60);
    // counter@ serves 保健福祉課 (child allowance), not 町民生活課 (My Number).
    let (child, child_id) = book_visit(&app, "児童手当", "2026-11-25T10:00:00+09:00", 1).await;
    let (card, card_id) = book_visit(
        &app,
        "マイナンバーカード受取",
        "2026-11-25T10:00:00+09:00",
        2,
    )
    .await;
    let counter = signed_in(&app, "counter@town.example", &p).await;
    let html = page(&app, &counter, "/console/visits?date=2026-11-25").await;
    assert!(
        html.contains(&child) && !html.contains(&card),
        "only their division's visits"
    );
    assert!(
        html.contains("予約済") && html.contains("田中 直子"),
        "{html}"
    );

    let status = path::<k::SetVisitStatus>();
    let step = |id: i64, action: &'static str| {
        let (app, counter) = (&app, counter.clone());
        async move {
            let id = id.to_string();
            call(
                app,
                &counter,
                status,
                &[("id", &id), ("action", action), ("date", "2026-11-25")],
            )
            .await
        }
    };
    let (_, location, _) = step(child_id, "check_in").await;
    assert_eq!(location, "/console/visits?date=2026-11-25");
    assert!(
        page(&app, &counter, "/console/visits?date=2026-11-25")
            .await
            .contains("受付済")
    );
    // The display: public, reference codes only.
    let display = client();
    let html = page(&app, &display, "/display/2").await;
    assert!(
        html.contains(&child) && !html.contains("山田"),
        "codes only: {html}"
    );
    assert!(html.contains("http-equiv=\"refresh\""), "updates itself");
    step(child_id, "serve").await;
    let html = page(&app, &display, "/display/2").await;
    let serving = html.find("ただいま対応中").unwrap();
    let next = html.find("次にお呼びする番号").unwrap();
    let at = html.find(&format!("<li>{child}</li>")).unwrap();
    assert!(serving < at && at < next, "now under 対応中");
    step(child_id, "done").await;
    // A change that does not apply any more is refused, in words.
    step(child_id, "done").await;
    assert!(
        page(&app, &counter, "/console/visits?date=2026-11-25")
            .await
            .contains("完了")
    );
    // Another division's visit is out of reach.
    let (s, _, body) = step(card_id, "check_in").await;
    assert_eq!(verdict(s, &body), Verdict::Forbidden);
    let r = app.store.appointment(card_id).await.unwrap().unwrap();
    assert_eq!(r.row.status, "booked");
    let audit = app
        .store
        .audit_entries(1, &store::AuditFilter::default(), 100)
        .await
        .unwrap();
    let changes: Vec<&str> = audit
        .iter()
        .filter(|e| e.action == "appointment.status" && e.target == format!("appointment:{child}"))
        .filter_map(|e| e.after.as_deref())
        .collect();
    assert_eq!(changes.len(), 3, "three changes audited: {changes:?}");
    app.finish().await;
}

#[tokio::test]
async fn an_absence_lists_the_visits_it_meets_and_each_is_moved_or_marked() {
    use app::counters::api as k;
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    // My Number cards: 高橋 (the specialist) gets 10:00; 鈴木 is free then.
    let (first, first_id) = book_visit(
        &app,
        "マイナンバーカード受取",
        "2026-11-25T10:00:00+09:00",
        1,
    )
    .await;
    let members = app.store.staff_members(1).await.unwrap();
    let id_of = |name: &str| {
        members
            .iter()
            .find(|m| m.display_name.starts_with(name))
            .unwrap()
            .id
    };
    let (takahashi, suzuki) = (id_of("高橋"), id_of("鈴木"));
    let item = app
        .store
        .appointment(first_id)
        .await
        .unwrap()
        .unwrap()
        .items[0]
        .clone();
    assert_eq!(item.staff_id, takahashi);

    let admin = signed_in(&app, "admin@town.example", &p).await;
    let check = path::<k::CheckAbsence>();
    let save = path::<k::SaveAbsence>();
    let t = takahashi.to_string();
    let absence = [
        ("staff", t.as_str()),
        ("date", "2026-11-25"),
        ("from", "09:45"),
        ("to", "11:00"),
        ("reason", "研修"),
    ];
    let (_, location, _) = call(&app, &admin, check, &absence).await;
    assert_eq!(location, "/console/visits/absence?checked=1");
    let html = page(&app, &admin, "/console/visits/absence?checked=1").await;
    assert!(
        html.contains(&first) && html.contains("鈴木 健太"),
        "the visit and who could take it: {html}"
    );
    // No decision: refused, nothing written.
    call(&app, &admin, save, &[]).await;
    assert!(
        page(&app, &admin, "/console/visits/absence?retry=1")
            .await
            .contains("対応を選んでください")
    );
    assert_eq!(
        app.store
            .staff_plans_fresh(1, item.start_at, item.end_at, None)
            .await
            .unwrap()
            .iter()
            .find(|m| m.id == takahashi)
            .unwrap()
            .busy
            .len(),
        1,
        "no absence yet, only the visit"
    );
    // Moved to 鈴木, same time; the visitor's appointment is unchanged.
    let decision = format!("{}:move:{suzuki}", item.id);
    let (_, location, _) = call(&app, &admin, save, &[("decisions[0]", &decision)]).await;
    assert_eq!(location, "/console/visits?date=2026-11-25");
    let moved = app.store.appointment(first_id).await.unwrap().unwrap();
    assert_eq!(
        (
            moved.items[0].staff_id,
            moved.items[0].start_at,
            moved.row.status.as_str()
        ),
        (suzuki, item.start_at, "booked")
    );
    let (_, body) = app
        .json(&format!("/api/v1/appointments/{first}?email=v1@example.jp"))
        .await;
    assert_eq!(body["items"][0]["start"], "2026-11-25T10:00:00+09:00");
    let audit = app
        .store
        .audit_entries(1, &store::AuditFilter::default(), 100)
        .await
        .unwrap();
    assert!(audit.iter().any(|e| e.action == "staff_absence.create"
        && e.after.as_deref().unwrap_or("").contains(&decision)));

    // 10:30 goes to 鈴木 (高橋 is away); when 鈴木 is then away too, nobody
    // can take it: the only choice is to call the visitor.
    let (second, second_id) = book_visit(
        &app,
        "マイナンバーカード受取",
        "2026-11-25T10:30:00+09:00",
        2,
    )
    .await;
    let s = suzuki.to_string();
    call(
        &app,
        &admin,
        check,
        &[
            ("staff", s.as_str()),
            ("date", "2026-11-25"),
            ("from", "10:30"),
            ("to", "11:00"),
            ("reason", "会議"),
        ],
    )
    .await;
    let html = page(&app, &admin, "/console/visits/absence?checked=1").await;
    assert!(
        html.contains(&second) && !html.contains(&first),
        "only the visit in the absence"
    );
    let item2 = app
        .store
        .appointment(second_id)
        .await
        .unwrap()
        .unwrap()
        .items[0]
        .clone();
    // Moving it to 高橋 (away) is refused.
    let bad = format!("{}:move:{takahashi}", item2.id);
    call(&app, &admin, save, &[("decisions[0]", &bad)]).await;
    assert!(
        page(&app, &admin, "/console/visits/absence?retry=1")
            .await
            .contains("担当できる職員")
    );
    let contact = format!("{}:contact", item2.id);
    call(&app, &admin, save, &[("decisions[0]", &contact)]).await;
    let r = app.store.appointment(second_id).await.unwrap().unwrap();
    assert!(r.row.needs_contact && r.row.status == "booked");
    assert!(
        page(&app, &admin, "/console/visits?date=2026-11-25")
            .await
            .contains("要連絡")
    );
    // The absence now counts: 10:30 has nobody for My Number cards.
    let (_, times) = app
        .json(&format!(
            "/api/v1/procedures/{}/availability?date=2026-11-25",
            {
                let (_, list) = app.json("/api/v1/procedures").await;
                list.as_array()
                    .unwrap()
                    .iter()
                    .find(|p| p["name"] == "マイナンバーカード受取")
                    .unwrap()["id"]
                    .as_i64()
                    .unwrap()
            }
        ))
        .await;
    assert!(
        !times["times"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["start"] == "2026-11-25T10:30:00+09:00")
    );
    // Counter staff of another division cannot plan 鈴木's absences.
    let other = signed_in(&app, "counter@town.example", &p).await;
    let (s2, _, body) = call(
        &app,
        &other,
        check,
        &[
            ("staff", s.as_str()),
            ("date", "2026-11-26"),
            ("from", "09:00"),
            ("to", "10:00"),
            ("reason", ""),
        ],
    )
    .await;
    assert_eq!(verdict(s2, &body), Verdict::Forbidden, "{body}");
    app.finish().await;
}

/// The code an enrolment mail carries (the newest mail to `email`).
async fn enrolment_code(app: &Running, email: &str) -> String {
    let mail = app
        .store
        .outbox(1, 50)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.to_addr == email)
        .expect("an enrolment mail");
    assert!(mail.body.contains("/console/enrol"), "{}", mail.body);
    let code = mail.body.split("確認コード: ").nth(1).expect("a code");
    code.chars().take(8).collect()
}

#[tokio::test]
async fn new_staff_enrol_with_a_mailed_code_and_admins_reset_a_lost_second_factor() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let admin = signed_in(&app, "admin@town.example", &p).await;
    let create = path::<app::console::api::CreateStaffAccount>();
    // The admin chooses no password and sees no secret.
    let (_, location, body) = call(
        &app,
        &admin,
        create,
        &[
            ("email", "new.member@town.example"),
            ("name", "新人 花子"),
            ("role", "facility_manager"),
            ("facilities[0]", "1"),
        ],
    )
    .await;
    assert_eq!(location, "/console/staff", "{body}");
    let (_, _, page) = call(&app, &admin, path::<app::console::api::GetStaffPage>(), &[]).await;
    assert!(page.contains("new.member@town.example"), "{page}");
    let code = enrolment_code(&app, "new.member@town.example").await;
    assert!(
        !page.contains(&code),
        "the admin's page never shows the code"
    );
    // An administrator is never made directly (they need a second factor first).
    let (_, _, _) = call(
        &app,
        &admin,
        create,
        &[
            ("email", "boss@town.example"),
            ("name", "x"),
            ("role", "admin"),
        ],
    )
    .await;
    assert!(
        app.store
            .account_by_email(1, "boss@town.example")
            .await
            .unwrap()
            .is_none()
    );

    // Nobody can sign in before enrolling, and a wrong code does nothing.
    let member = client();
    let enrol = path::<app::console::api::Enrol>();
    let form = |code: &str| {
        [
            ("email", "new.member@town.example".to_owned()),
            ("code", code.to_owned()),
            ("password", "my own passphrase".to_owned()),
            ("password_confirm", "my own passphrase".to_owned()),
        ]
    };
    let as_fields = |f: &[(&'static str, String); 4]| f.clone().map(|(k, v)| (k, v));
    let wrong = as_fields(&form("WRONG234"));
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (_, location, _) = call(&app, &member, enrol, &wrong).await;
    assert_eq!(location, "/console/enrol?retry=1");
    let right = as_fields(&form(&code.to_lowercase()));
    let right: Vec<(&str, &str)> = right.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (_, location, body) = call(&app, &member, enrol, &right).await;
    assert_eq!(location, "/console/account", "{body}");
    // The code works once.
    let (_, location, _) = call(&app, &client(), enrol, &right).await;
    assert_eq!(location, "/console/enrol?retry=1");
    // The member's own password signs in.
    let (_, location, _) = call(
        &app,
        &client(),
        path::<app::console::api::Login>(),
        &[
            ("email", "new.member@town.example"),
            ("password", "my own passphrase"),
        ],
    )
    .await;
    assert_eq!(location, "/console");
    let actions = audit_actions(&app).await;
    assert!(
        actions.iter().any(|(a, _)| a == "account.enrol"),
        "{actions:?}"
    );

    // A lost authenticator: the admin resets it (audited); the member's
    // sessions end.
    let id = app
        .store
        .account_by_email(1, "new.member@town.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let audit = store::AuditEntry {
        municipality_id: 1,
        actor: "test".into(),
        action: "account.totp".into(),
        target: format!("account:{id}"),
        before: None,
        after: None,
        at: common::now(),
    };
    app.store
        .set_totp(id, &app::core::auth::new_totp_secret(), 0, &audit)
        .await
        .unwrap();
    let id_text = id.to_string();
    let reset = path::<app::console::api::ResetStaffTotp>();
    call(&app, &admin, reset, &[("id", &id_text)]).await;
    let row = app.store.account(id).await.unwrap().unwrap().row;
    assert_eq!(row.totp_secret, None);
    let actions = audit_actions(&app).await;
    assert!(
        actions.iter().any(|(a, _)| a == "account.totp_reset"),
        "{actions:?}"
    );
    let (status, _, _) = call(
        &app,
        &member,
        path::<app::console::api::GetConsoleHome>(),
        &[],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the member's old session ended"
    );
    // An admin's second factor is not reset.
    let admin_id = app
        .store
        .account_by_email(1, "admin@town.example")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    call(&app, &admin, reset, &[("id", &admin_id)]).await;
    let admin_row = app
        .store
        .account_by_email(1, "admin@town.example")
        .await
        .unwrap()
        .unwrap();
    assert!(admin_row.totp_secret.is_some());
    app.finish().await;
}

/// The audit filter's dates and the times on the audit and outbox pages are
/// the town's own, not Tokyo's: here the town is in Honolulu (UTC−10).
#[tokio::test]
async fn audit_and_outbox_times_are_in_the_towns_zone() {
    use app::console::api as c;
    use sea_orm::ConnectionTrait;
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    app.store
        .connection()
        .execute_unprepared("UPDATE municipality SET time_zone = 'Pacific/Honolulu' WHERE id = 1")
        .await
        .unwrap();
    let at =
        |h: u32| chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 22, h, 0, 0).unwrap();
    // 05:00 UTC is 21 November 19:00 in Honolulu (14:00 on the 22nd in
    // Tokyo); 12:00 UTC is 22 November 02:00 there (21:00 in Tokyo).
    for (h, action) in [(5, "test.evening"), (12, "test.night")] {
        app.store
            .audit(&store::AuditEntry {
                municipality_id: 1,
                actor: "cli".into(),
                action: action.into(),
                target: "x".into(),
                before: None,
                after: None,
                at: at(h),
            })
            .await
            .unwrap();
    }
    app.store
        .outbox_add(
            store::NewMail {
                municipality_id: 1,
                to: "resident@example.jp".into(),
                subject: "件名".into(),
                body: "本文".into(),
                ics: None,
            },
            at(12),
        )
        .await
        .unwrap();
    let admin = signed_in(&app, "admin@town.example", &p).await;
    let (status, _, body) = call(
        &app,
        &admin,
        path::<c::GetAuditPage>(),
        &[
            ("action", "test."),
            ("from", "2026-11-22"),
            ("to", "2026-11-22"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("test.night"), "{body}");
    assert!(!body.contains("test.evening"), "the 21st there: {body}");
    assert!(body.contains("2026-11-22 02:00:00"), "{body}");
    let (status, _, body) = call(&app, &admin, path::<c::GetOutboxPage>(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("2026-11-22 02:00"), "{body}");
    assert!(!body.contains("2026-11-22 21:00"), "{body}");
    app.finish().await;
}
