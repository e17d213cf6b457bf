//! Fee reductions (減免) over HTTP on SQLite and PostgreSQL: the town's
//! categories kept by its administrators (problems next to their fields,
//! audited with before and after, offered or not on the form and in the
//! API); a booking asking for one, over the API and through the
//! JavaScript-less form, is pending with the reduced fee; staff approve it
//! with the reduction or at the full fee (the resident is told which), and
//! the usage report shows what was reduced.

use crate::common::browser::{browser, call, path, review};
use crate::common::fixtures::*;
use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::testing::TestDb;

use app::setup::api as s;

/// Posts the category form; the page it leads back to.
async fn save(
    app: &Running,
    c: &reqwest::Client,
    id: &str,
    name: &str,
    percent: &str,
    offered: bool,
) -> Value {
    let mut fields = vec![
        ("id", id),
        ("reduction[name_ja]", name),
        ("reduction[name_en]", ""),
        ("reduction[percent]", percent),
        ("reduction[proof_ja]", "団体名を書いてください。"),
        ("reduction[proof_en]", ""),
    ];
    if offered {
        fields.push(("reduction[offered]", "on"));
    }
    let (_, location, body) = call(app, c, path::<s::SaveReduction>(), &fields).await;
    assert!(
        location.starts_with("/console/reductions?v="),
        "{location} {body}"
    );
    let editing = location
        .split("&reduction=")
        .nth(1)
        .map(|e| e.split('#').next().unwrap_or_default().to_owned());
    let fields: Vec<(&str, &str)> = editing
        .as_deref()
        .map(|e| vec![("reduction", e)])
        .unwrap_or_default();
    let (status, _, body) = call(app, c, path::<s::GetReductionsPage>(), &fields).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// The id of the category named `name` in the API's list, if offered.
async fn offered(app: &Running, name: &str) -> Option<i64> {
    let (status, list) = app.json("/api/v1/reductions").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .map(|r| r["id"].as_i64().unwrap())
}

fn asking(unit: i64, start: &str, end: &str, n: usize, reduction: Value, note: &str) -> Value {
    let mut b = request(unit, start, end, n);
    b["reduction_id"] = reduction;
    b["reduction_note"] = json!(note);
    b
}

/// The stored row of the booking `reference`.
async fn row_of(app: &Running, reference: &str) -> store::entity::booking::Model {
    app.store.booking(reference).await.unwrap().unwrap().row
}

/// An audit entry's before and after.
fn json_pair(e: &store::entity::audit_log::Model) -> (Value, Value) {
    let read = |v: &Option<String>| serde_json::from_str(v.as_deref().unwrap()).unwrap();
    (read(&e.before), read(&e.after))
}

/// The field codes of a 422 answer.
fn fields_of(body: &Value) -> Vec<String> {
    body["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("field problems: {body}"))
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect()
}

/// Posts a decision on booking `id`; whether the page it leads back to
/// says it was done (the console tells a refusal in its notice).
async fn decide(app: &Running, c: &reqwest::Client, id: i64, action: &str) -> bool {
    let (status, _, body) = call(
        app,
        c,
        path::<app::console::api::DecideBooking>(),
        &[("id", &id.to_string()), ("action", action), ("reason", "")],
    )
    .await;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status} {body}"
    );
    let (status, _, body) = call(
        app,
        c,
        path::<app::console::api::GetStaffBooking>(),
        &[("id", &id.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let page: Value = serde_json::from_str(&body).unwrap();
    page["flash"]["ok"]
        .as_bool()
        .unwrap_or_else(|| panic!("a notice: {page}"))
}

async fn reductions(app: &Running) {
    let p = people(app).await;
    let admin = signed_in(app, "admin@town.example", &p).await;

    // The demo town's categories are offered; the form's problems are
    // next to their fields and nothing is added.
    let seniors = offered(app, "高齢者団体・老人クラブ").await.unwrap();
    let school = offered(app, "学校・PTA").await.unwrap();
    let page = save(app, &admin, "", "", "150", true).await;
    let keys: Vec<&str> = page["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["name_ja", "percent"], "{page}");
    assert_eq!(
        page["values"]["percent"], "150",
        "what was typed comes back"
    );
    let before = page["lines"].as_array().unwrap().len();
    assert_eq!(before, 4, "{page}");

    // Added (full-width digits and ％ read as typed), listed and offered.
    let page = save(app, &admin, "", "子ども会", "３０％", true).await;
    assert_eq!(page["lines"].as_array().unwrap().len(), before + 1);
    let kids = offered(app, "子ども会").await.expect("offered");
    let created = audit_of(app, "reduction.create").await;
    assert_eq!(created[0].target, format!("reduction:{kids}"));
    // No longer offered: gone from the API and refused on a booking.
    let page = save(app, &admin, &kids.to_string(), "子ども会", "30", false).await;
    assert!(page["errors"].as_array().unwrap().is_empty(), "{page}");
    assert_eq!(offered(app, "子ども会").await, None);
    let updated = audit_of(app, "reduction.update").await;
    let (before, after) = json_pair(&updated[0]);
    assert_eq!(
        (&before["offered"], &after["offered"]),
        (&json!(true), &json!(false))
    );

    let (centre, room1) = app.unit("会議室1").await;
    let (start, end) = app.free_slot(centre, room1, 0).await;
    // Bad requests: each field named, nothing booked.
    let count = app.booking_count().await;
    let (status, body) = app
        .post(
            "/api/v1/bookings",
            asking(room1, &start, &end, 1, json!(seniors), " "),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields_of(&body), ["reduction_note"]);
    for gone in [json!(kids), json!(999_999)] {
        let (status, body) = app
            .post(
                "/api/v1/bookings",
                asking(room1, &start, &end, 1, gone, "子ども会の集まり"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(fields_of(&body), ["reduction_id"]);
    }
    let (status, body) = app
        .post(
            "/api/v1/bookings",
            asking(room1, &start, &end, 1, json!("half"), "x"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields_of(&body), ["reduction_id"]);
    assert_eq!(app.booking_count().await, count, "nothing half-written");

    // Asked with half off: pending (this room needs no approval
    // otherwise), half the fee of its rooms and equipment taken off.
    let (status, half) = app
        .post(
            "/api/v1/bookings",
            asking(
                room1,
                &start,
                &end,
                3,
                json!(seniors),
                "ひだまり老人クラブ（会員名簿を持参）",
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{half}");
    assert_eq!(half["status"], "pending", "{half}");
    assert!(half["expires_at"].is_string(), "{half}");
    let full: i64 = half["fee"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["rate"] != "reduction")
        .map(|l| l["amount_yen"].as_i64().unwrap())
        .sum();
    assert!(full > 0, "{half}");
    assert_eq!(half["fee"]["total_yen"], full - full * 50 / 100);
    let line = half["fee"]["lines"].as_array().unwrap().last().unwrap();
    assert_eq!(line["rate"], "reduction");
    assert_eq!(line["amount_yen"], -(full * 50 / 100));
    assert_eq!(half["reduction"]["percent"], 50);
    assert_eq!(half["reduction"]["state"], "requested");

    // Staff see the request with both approvals; refusing the reduction
    // confirms at the full fee and tells the resident so.
    let manager = signed_in(app, "manager1@town.example", &p).await;
    let id = booking_id(app, half["reference"].as_str().unwrap()).await;
    let (status, _, body) = call(
        app,
        &manager,
        path::<app::console::api::GetConsoleHome>(),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let home: Value = serde_json::from_str(&body).unwrap();
    let waiting = home["pending"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == id)
        .unwrap_or_else(|| panic!("listed as waiting: {home}"));
    assert_eq!(
        waiting["status_label"], "仮予約（減免申請あり）",
        "{waiting}"
    );
    let (status, _, body) = call(
        app,
        &manager,
        path::<app::console::api::GetStaffBooking>(),
        &[("id", &id.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let staff_view: Value = serde_json::from_str(&body).unwrap();
    let r = &staff_view["reduction"];
    assert_eq!(r["note"], "ひだまり老人クラブ（会員名簿を持参）");
    assert_eq!(r["state"], "確認中");
    let with = r["approve"][0].as_str().unwrap();
    let without = r["approve"][1].as_str().unwrap();
    assert!(
        with.contains(&format!(
            "{}円",
            domain::booking::Yen(full - full / 2).grouped()
        )),
        "{with}"
    );
    assert!(
        without.contains(&format!("{}円", domain::booking::Yen(full).grouped())),
        "{without}"
    );

    assert!(decide(app, &manager, id, "approve_full").await);
    let row = row_of(app, half["reference"].as_str().unwrap()).await;
    assert_eq!(row.status.code(), "confirmed");
    assert_eq!(row.fee_total_yen, full);
    let asked = app.store.booking_reduction(id).await.unwrap().unwrap();
    assert_eq!(asked.state, domain::status::ReductionState::Refused);
    assert!(asked.decided_at.is_some());
    let mails = app.store.outbox(1, 100).await.unwrap();
    let told = mails
        .iter()
        .find(|m| m.to_addr == "hanako3@example.jp" && m.subject.contains("減免なし"))
        .unwrap_or_else(|| panic!("{mails:?}"));
    assert!(
        told.body.contains(&format!(
            "使用料：{}円",
            domain::booking::Yen(full).grouped()
        )),
        "{}",
        told.body
    );
    let approvals = audit_of(app, "booking.approve").await;
    let (before, after) = json_pair(&approvals[0]);
    assert_eq!(before["fee_total_yen"], full - full / 2);
    assert_eq!(after["fee_total_yen"], full);
    assert_eq!(after["reduction"]["state"], "refused");
    // Decided: a second approval (with the reduction) changes nothing.
    assert!(!decide(app, &manager, id, "approve").await);
    let asked = app.store.booking_reduction(id).await.unwrap().unwrap();
    assert_eq!(asked.state, domain::status::ReductionState::Refused);
    let again = row_of(app, half["reference"].as_str().unwrap()).await;
    assert_eq!(again.fee_total_yen, full);

    // Through the form without JavaScript: a reduction needs its note;
    // then the school's, granted: the fee waived.
    let (start2, end2) = app.free_slot(centre, room1, 1).await;
    let c = browser();
    let unit = room1.to_string();
    let school_id = school.to_string();
    let mut fields = booking_form(&unit, &start2, &end2, "school@example.jp");
    fields.push(("reduction", &school_id));
    fields.push(("reduction_note", ""));
    let v = review(app, &c, &fields).await;
    let errors: Vec<&str> = v["Form"]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(errors, ["reduction_note"], "{v}");
    assert!(
        v["Form"]["reductions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == school && r["selected"] == true),
        "the choice is kept: {v}"
    );
    fields.pop();
    fields.push(("reduction_note", "ひだまり小学校 学習発表会"));
    let v = review(app, &c, &fields).await;
    let reviewed = &v["Review"];
    assert_eq!(reviewed["fee"]["total"], "0円", "{v}");
    assert!(
        reviewed["pending_note"].as_str().unwrap().contains("減免"),
        "{v}"
    );
    assert_eq!(reviewed["reduction"]["note"], "ひだまり小学校 学習発表会");
    let version = reviewed["version"].to_string();
    let (_, location, body) = call(
        app,
        &c,
        path::<app::booking::api::ConfirmBooking>(),
        &[("version", &version)],
    )
    .await;
    assert_eq!(location, "/book/done", "{body}");
    let (_, _, done) = call(app, &c, path::<app::booking::api::GetDone>(), &[]).await;
    let done: Value = serde_json::from_str(&done).unwrap();
    assert_eq!(done["status"], "pending", "{done}");
    assert_eq!(done["reduction"]["state"], "確認中", "{done}");
    let school_booking = booking_id(app, done["reference"].as_str().unwrap()).await;
    assert!(decide(app, &manager, school_booking, "approve").await);
    let row = row_of(app, done["reference"].as_str().unwrap()).await;
    assert_eq!((row.status.code(), row.fee_total_yen), ("confirmed", 0));
    let asked = app
        .store
        .booking_reduction(school_booking)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(asked.state, domain::status::ReductionState::Approved);

    // "Without the reduction" on a booking that asked for none is refused
    // and changes nothing.
    let (_, hall) = app.unit("大ホール").await;
    let pending = pending_booking(app, hall, 9).await;
    let pending_id = booking_id(app, &pending).await;
    assert!(!decide(app, &manager, pending_id, "approve_full").await);
    assert_eq!(status_of(app, &pending).await, "pending");

    // The report: the school's whole fee reduced in its month; the refused
    // one charged in full.
    let month = chrono::DateTime::parse_from_rfc3339(&start2)
        .unwrap()
        .format("%Y-%m")
        .to_string();
    let (status, _, body) = call(
        app,
        &manager,
        path::<app::console::api::GetUsageReport>(),
        &[("facility", &centre.to_string()), ("month", &month)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let r: Value = serde_json::from_str(&body).unwrap();
    let last = &r["fees"][5];
    let lines: Vec<domain::booking::FeeLine> = serde_json::from_str(&row.fee_lines).unwrap();
    let school_full: domain::booking::Yen = lines
        .iter()
        .filter(|l| l.rate != domain::booking::Rate::Reduction)
        .map(|l| l.amount_yen)
        .sum();
    assert!(school_full.0 > 0);
    assert_eq!(
        last["reduced"],
        format!("{}円", school_full.grouped()),
        "{last}"
    );

    // The CSV export: the fee charged and what was reduced, per booking.
    let date = &start2[..10];
    let csv = manager
        .post(format!(
            "{}/console/facilities/{centre}/bookings.csv",
            app.base
        ))
        .form(&[("from", date), ("to", date)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| h.ends_with(name)).unwrap();
    let (fee, reduced) = (column("使用料（円）"), column("減免額（円）"));
    let school_line: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with(done["reference"].as_str().unwrap()))
        .unwrap_or_else(|| panic!("{csv}"))
        .split(',')
        .collect();
    assert_eq!(school_line[fee], "0");
    assert_eq!(school_line[reduced], school_full.0.to_string());
}

#[tokio::test]
async fn fee_reductions_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    reductions(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn fee_reductions_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    reductions(&app).await;
    app.finish().await;
}
