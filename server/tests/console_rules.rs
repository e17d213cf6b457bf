//! What a facility offers, changed in the console over HTTP against the
//! real router and a real database: blocks and closures (a decision for
//! each booking they collide with) and a unit's rules (validated,
//! previewed, saved and audited).

use crate::common::browser::{call, path};
use crate::common::fixtures::{audit_actions, book, booking_id, people, signed_in, status_of};
use crate::common::{Running, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::testing::TestDb;

#[tokio::test]
async fn blocks_list_collisions_and_need_a_decision_for_each() {
    for db in [Some(TestDb::sqlite().await), TestDb::postgres().await] {
        let Some(db) = db else { continue };
        let app = spawn(db).await;
        let p = people(&app).await;
        let manager = signed_in(&app, "manager1@town.example", &p).await;
        let (_, room) = app.unit("会議室1").await;
        let (start, end) = app.free_slot(1, room, 0).await;
        let (start2, end2) = app.free_slot(1, room, 1).await;
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
        assert_eq!(c.status.code(), "cancelled");
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

/// The rules form's fields as the browser posts them.
fn rules_fields(values: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in values.as_object().unwrap() {
        match v {
            Value::String(s) => out.push((format!("rules[{k}]"), s.clone())),
            Value::Bool(true) => out.push((format!("rules[{k}]"), "true".into())),
            Value::Array(rows) => {
                for (i, row) in rows.iter().enumerate() {
                    if let Some(x) = row.as_str() {
                        out.push((format!("rules[{k}][{i}]"), x.to_owned()));
                        continue;
                    }
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

/// Saves the previewed rules on `page`, keeping every booking that would
/// no longer fit; where the save went.
async fn save_keeping(app: &Running, c: &reqwest::Client, page: &Value) -> (String, String) {
    let decisions: Vec<(String, String)> = page["preview"]["misfits"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, m)| (format!("decisions[{i}]"), format!("{}:keep", m["id"])))
        .collect();
    let mut fields: Vec<(&str, &str)> = vec![("facility", "1"), ("unit", "2")];
    fields.extend(decisions.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let (_, location, body) = call(app, c, path::<app::console::api::SaveRules>(), &fields).await;
    (location, body)
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

    let (location, body) = save_keeping(&app, &manager, &page).await;
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

/// The facility's regular closed days, from a unit's rules page: a bad
/// weekday is named; Wednesdays closed are previewed, saved, and shown to
/// residents as the regular closed day, with the year-end days open.
#[tokio::test]
async fn closed_days_are_edited_with_the_rules() {
    for db in [Some(TestDb::sqlite().await), TestDb::postgres().await] {
        let Some(db) = db else { continue };
        let app = spawn(db).await;
        let p = people(&app).await;
        let manager = signed_in(&app, "manager1@town.example", &p).await;
        let current = rules_page(&app, &manager, None).await["values"].clone();
        assert_eq!(current["year_end"], true, "{current}");
        let mut bad = current.clone();
        bad["closed_days"] = json!(["9"]);
        let v = preview(&app, &manager, &bad).await;
        let page = rules_page(&app, &manager, Some(&v)).await;
        assert_eq!(page["errors"][0]["key"], "closed_days", "{page}");

        // The centre closes on Mondays; now on Wednesdays too. The
        // Japanese-style room booked on a Wednesday is listed as well (the
        // closed days are the whole centre's).
        let (start, end) = app
            .free_slots("和室", "2026-12-09", "2026-12-09")
            .await
            .into_iter()
            .next()
            .expect("a free Wednesday slot");
        let tatami = book(&app, 4, &start, &end, 7).await["reference"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(current["closed_days"], json!(["0"]), "{current}");
        let mut wednesdays = current.clone();
        wednesdays["closed_days"] = json!(["0", "2"]);
        wednesdays["year_end"] = json!(false);
        let v = preview(&app, &manager, &wednesdays).await;
        let page = rules_page(&app, &manager, Some(&v)).await;
        assert_eq!(page["errors"], json!([]), "{page}");
        let changed = |d: &str| {
            page["preview"]["days"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["date"].as_str().unwrap().starts_with(d))
                .map(|x| (x["before"].as_i64().unwrap(), x["after"].as_i64().unwrap()))
        };
        assert_eq!(changed("2026年12月9日"), Some((2, 0)), "{page}");
        assert!(changed("2026年12月29日").is_some_and(|(b, a)| b == 0 && a > 0));
        assert!(
            page["preview"]["misfits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["reference"] == tatami.as_str()),
            "{page}"
        );
        save_keeping(&app, &manager, &page).await;
        let page = rules_page(&app, &manager, None).await;
        assert_eq!(page["values"]["closed_days"], json!(["0", "2"]), "{page}");
        assert_eq!(page["values"]["year_end"], false);
        // 2026-12-09 is a Wednesday; 2026-12-29 (Tuesday) was a year-end day.
        let (_, body) = app
            .json("/api/v1/facilities/1/availability?from=2026-12-09&to=2026-12-30")
            .await;
        let on = |d: &str| -> Vec<String> {
            body["units"][1]["slots"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["start"].as_str().unwrap().starts_with(d))
                .map(|s| s["status"].as_str().unwrap().to_owned())
                .collect()
        };
        assert!(
            on("2026-12-09").iter().all(|s| s == "closed"),
            "Wednesday closed"
        );
        assert!(
            on("2026-12-29").iter().any(|s| s != "closed"),
            "year-end open"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn closures_need_a_decision_for_each_booking_and_close_the_days() {
    for db in [Some(TestDb::sqlite().await), TestDb::postgres().await] {
        let Some(db) = db else { continue };
        let app = spawn(db).await;
        let p = people(&app).await;
        let manager = signed_in(&app, "manager1@town.example", &p).await;
        let (_, room) = app.unit("会議室2").await;
        let (_, tatami) = app.unit("和室").await;
        let (start, end) = app.free_slot(1, room, 0).await;
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

/// New rules that some bookings to come no longer fit (the evening period
/// taken away): the preview lists them, saving needs a decision for each
/// (nothing is saved without), and a booking cancelled that way is told
/// by mail while a kept one stays at its time.
#[tokio::test]
async fn bookings_that_no_longer_fit_need_a_decision_for_each() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let evenings: Vec<(String, String)> = app
        .free_slots("会議室1", "2026-12-01", "2026-12-31")
        .await
        .into_iter()
        .filter(|(s, _)| s.contains("T18:00"))
        .take(2)
        .collect();
    assert_eq!(evenings.len(), 2);
    let cancelled = book(&app, 2, &evenings[0].0, &evenings[0].1, 1).await["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let kept = book(&app, 2, &evenings[1].0, &evenings[1].1, 2).await["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    // A morning booking still fits.
    let (morning, morning_end) = app
        .free_slots("会議室1", "2026-12-01", "2026-12-31")
        .await
        .into_iter()
        .find(|(s, _)| s.contains("T09:00"))
        .unwrap();
    let fits = book(&app, 2, &morning, &morning_end, 3).await["reference"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut rules = rules_page(&app, &manager, None).await["values"].clone();
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
        rules["templates"][2][f] = json!("");
    }
    rules["capacity"] = json!("24");
    let v = preview(&app, &manager, &rules).await;
    let page = rules_page(&app, &manager, Some(&v)).await;
    let misfits: Vec<(i64, String)> = page["preview"]["misfits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_i64().unwrap(),
                m["reference"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let listed: Vec<&str> = misfits.iter().map(|(_, r)| r.as_str()).collect();
    assert!(
        listed.contains(&cancelled.as_str()) && listed.contains(&kept.as_str()),
        "{page}"
    );
    assert!(!listed.contains(&fits.as_str()), "a morning still fits");

    // Without a decision for each: nothing saved, back to the preview.
    let first = format!("{}:cancel", booking_id(&app, &cancelled).await);
    let (_, location, body) = call(
        &app,
        &manager,
        path::<app::console::api::SaveRules>(),
        &[
            ("facility", "1"),
            ("unit", "2"),
            ("decisions[0]", first.as_str()),
        ],
    )
    .await;
    assert!(location.contains("/units/2/rules?v="), "{location} {body}");
    let page = rules_page(&app, &manager, Some(&v)).await;
    assert_eq!(page["flash"]["ok"], false, "{page}");
    assert!(!page["preview"]["misfits"].as_array().unwrap().is_empty());
    let f = app
        .store
        .facility(domain::ids::FacilityId(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(f.units[1].rules.capacity, 30, "nothing saved");
    assert_eq!(status_of(&app, &cancelled).await, "confirmed");

    // A decision for each: saved; the one cancelled is told, the rest stay.
    let decisions: Vec<(String, String)> = misfits
        .iter()
        .enumerate()
        .map(|(i, (id, reference))| {
            let what = if *reference == cancelled {
                "cancel"
            } else {
                "keep"
            };
            (format!("decisions[{i}]"), format!("{id}:{what}"))
        })
        .collect();
    let mut fields: Vec<(&str, &str)> = vec![("facility", "1"), ("unit", "2")];
    fields.extend(decisions.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let (_, location, body) = call(
        &app,
        &manager,
        path::<app::console::api::SaveRules>(),
        &fields,
    )
    .await;
    assert_eq!(location, "/console/facilities/1/units/2/rules", "{body}");
    let f = app
        .store
        .facility(domain::ids::FacilityId(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(f.units[1].rules.capacity, 24);
    assert_eq!(status_of(&app, &cancelled).await, "cancelled");
    assert_eq!(status_of(&app, &kept).await, "confirmed");
    assert_eq!(status_of(&app, &fits).await, "confirmed");
    let row = app.store.booking(&cancelled).await.unwrap().unwrap().row;
    assert_eq!(
        row.status_reason.as_deref(),
        Some(app::console::texts::rules_messages(domain::text::Lang::Ja).cancel_reason)
    );
    let mails = app.store.outbox(1, 500).await.unwrap();
    let told = |to: &str| {
        mails
            .iter()
            .filter(|m| m.to_addr == to && m.body.contains(&cancelled))
            .count()
    };
    assert!(told("hanako1@example.jp") >= 2, "booked, then cancelled");
    assert_eq!(told("hanako2@example.jp"), 0);
    app.finish().await;
}
