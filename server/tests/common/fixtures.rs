//! The people and things a test starts from: staff and resident accounts,
//! signing them in, the request bodies of bookings and visits, bookings
//! made over the API, and what the audit log says.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::Running;
use super::browser::{browser, call, path};

/// The password of every account [`people`] creates.
pub const PASSWORD: &str = "correct horse battery";

/// The accounts of the matrix, created straight in the store.
pub struct People {
    pub admin_secret: String,
}

/// The matrix's accounts in town 1: an admin (with a second factor), the
/// managers of facilities 1 and 2, counter staff of the second department,
/// and a resident; all with [`PASSWORD`].
pub async fn people(app: &Running) -> People {
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
                    role: role.map(|r| r.parse().expect("a role code")),
                    totp_secret: totp,
                    facilities,
                    departments,
                    enrolment: None,
                    installation_admin: false,
                },
                super::now(),
                None,
            )
            .await
            .unwrap();
    }
    People { admin_secret }
}

/// The TOTP code of `secret` at the server's time.
pub fn totp_now(secret: &str, email: &str, app: &Running) -> String {
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
pub async fn signed_in(app: &Running, email: &str, p: &People) -> reqwest::Client {
    let c = browser();
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
pub enum Verdict {
    SignIn,
    Forbidden,
    Allowed,
}

/// Reads the verdict off an answer.
pub fn verdict(status: StatusCode, body: &str) -> Verdict {
    if status == StatusCode::UNAUTHORIZED || body.contains("SignInRequired") {
        Verdict::SignIn
    } else if status == StatusCode::FORBIDDEN || body.contains("\"Forbidden\"") {
        Verdict::Forbidden
    } else {
        Verdict::Allowed
    }
}

/// The `nth` free period of 会議室1 in December 2026: its unit, start and end.
pub async fn free_slot(app: &Running, nth: usize) -> (i64, String, String) {
    let (facility, unit) = app.unit("会議室1").await;
    let (start, end) = app.free_slot(facility, unit, nth).await;
    (unit, start, end)
}

/// The JSON body of a booking request for resident `n`
/// (hanako`n`@example.jp), twelve people at a 町内会 meeting.
pub fn request(unit: i64, start: &str, end: &str, n: usize) -> Value {
    json!({
        "unit_id": unit,
        "start": start,
        "end": end,
        "name": "山田 花子",
        "name_kana": "やまだ はなこ",
        "phone": format!("090-{:04}-{:04}", n / 10000, n % 10000),
        "email": format!("hanako{n}@example.jp"),
        "purpose": "町内会の会議",
        "attendees": 12,
        "resident": true,
        "equipment": []
    })
}

/// Procedures of the demo town's counters, by name.
pub const MYNUMBER: &str = "マイナンバーカード受取";
pub const MOVING_IN: &str = "転入届";
pub const CHILD_ALLOWANCE: &str = "児童手当";
pub const INSURANCE: &str = "国民健康保険 加入・脱退";

/// The JSON body of a visit for `ids` at `start`, in person, for visitor
/// `n` (visitor`n`@example.jp).
pub fn visit(ids: &[i64], start: &str, n: usize) -> Value {
    json!({
        "procedure_ids": ids,
        "start": start,
        "name": "山田 花子",
        "name_kana": "やまだ はなこ",
        "phone": format!("090{:08}", n),
        "email": format!("visitor{n}@example.jp"),
        "mode": "in_person",
    })
}

/// Books a slot over the API for resident `n` (hanako`n`@example.jp, phone 090-0000-`n`).
pub async fn book(app: &Running, unit: i64, start: &str, end: &str, n: usize) -> Value {
    let (status, body) = app
        .post(
            "/api/v1/bookings",
            json!({
                "unit_id": unit, "start": start, "end": end,
                "name": "山田 花子", "name_kana": "やまだ はなこ",
                "phone": format!("090-0000-{n:04}"), "email": format!("hanako{n}@example.jp"),
                "purpose": "会議", "attendees": 10, "resident": true, "equipment": []
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// Books the `n`th free December slot of the hall (which needs approval).
pub async fn pending_booking(app: &Running, hall: i64, n: usize) -> String {
    let (start, end) = app.free_slot(1, hall, n).await;
    let b = book(app, hall, &start, &end, n).await;
    assert_eq!(b["status"], "pending");
    b["reference"].as_str().unwrap().to_owned()
}

/// The id of the booking `reference`.
pub async fn booking_id(app: &Running, reference: &str) -> i64 {
    app.store.booking(reference).await.unwrap().unwrap().row.id
}

/// The status of the booking `reference`.
pub async fn status_of(app: &Running, reference: &str) -> String {
    app.store
        .booking(reference)
        .await
        .unwrap()
        .unwrap()
        .row
        .status
        .code()
        .to_owned()
}

/// Town 1's audit entries of one action, newest first.
pub async fn audit_of(app: &Running, action: &str) -> Vec<store::entity::audit_log::Model> {
    app.store
        .audit_entries(
            1,
            &store::AuditFilter {
                action: Some(action.into()),
                ..Default::default()
            },
            1000,
        )
        .await
        .unwrap()
}

/// Town 1's audit log: (action, target) of each entry.
pub async fn audit_actions(app: &Running) -> Vec<(String, String)> {
    app.store
        .audit_entries(1, &store::AuditFilter::default(), 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.target))
        .collect()
}

/// The booking form's fields for one slot of facility 1, as the browser
/// posts them.
pub fn booking_form<'a>(
    unit: &'a str,
    start: &'a str,
    end: &'a str,
    email: &'a str,
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
    ]
}

/// [`booking_form`] with the reason staff give for booking outside the
/// window (ignored for anyone else).
pub fn form_fields<'a>(
    unit: &'a str,
    start: &'a str,
    end: &'a str,
    email: &'a str,
    override_reason: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut fields = booking_form(unit, start, end, email);
    fields.push(("override_reason", override_reason));
    fields
}
