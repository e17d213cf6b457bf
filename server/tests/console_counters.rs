//! The counters' console, over HTTP against the real router and a real
//! database: counter staff running their day and the waiting display, and
//! staff absences with a decision for each visit they meet.

use crate::common::browser::{browser, call, page, path};
use crate::common::fixtures::{Verdict, people, signed_in, verdict};
use crate::common::{Running, spawn};
use reqwest::StatusCode;
use serde_json::json;
use store::testing::TestDb;

/// Books a visit over the API; returns its reference and id.
async fn book_visit(app: &Running, procedure: &str, start: &str, n: u32) -> (String, i64) {
    let id = app.procedure(procedure).await;
    let (status, body) = app
        .post(
            "/api/v1/appointments",
            json!({
                "procedure_ids": [id], "start": start, "name": "山田 花子", "name_kana": "やまだ はなこ",
                "phone": format!("0900000{n:04}"), "email": format!("v{n}@example.jp"),
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
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
    let display = browser();
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
    assert_eq!(r.row.status.code(), "booked");
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
            moved.row.status.code()
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
    assert!(r.row.needs_contact && r.row.status.code() == "booked");
    assert!(
        page(&app, &admin, "/console/visits?date=2026-11-25")
            .await
            .contains("要連絡")
    );
    // The absence now counts: 10:30 has nobody for My Number cards.
    let (_, times) = app
        .json(&format!(
            "/api/v1/procedures/{}/availability?date=2026-11-25",
            app.procedure("マイナンバーカード受取").await
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
