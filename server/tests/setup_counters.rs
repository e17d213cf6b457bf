//! A town sets up its counters over HTTP, on SQLite and PostgreSQL: an
//! admin adds a division, a counter, a procedure and a staff member with
//! duty hours; residents can then book the procedure only while the member
//! is on duty; a change that would leave a booked visit without its member
//! is refused with the visit listed; each write is audited; counter staff
//! of one division cannot touch another.

use crate::common::browser::{browser, call, path};
use crate::common::fixtures::*;
use crate::common::*;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use store::entity::{counter, staff, staff_duty_hours, staff_qualification};
use store::testing::TestDb;

use app::setup::api as s;

async fn page<T: leptos::server_fn::ServerFn>(
    app: &Running,
    c: &reqwest::Client,
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    let (status, _, body) = call(app, c, path::<T>(), fields).await;
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

fn keys(page: &Value) -> Vec<String> {
    page["errors"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|e| e["key"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The member form's fields: Monday to Friday `from`–`to` (empty: off).
fn member<'a>(
    division: &'a str,
    id: Option<&'a str>,
    name: &'a str,
    qualified: &[&'a str],
    from: &'a str,
    to: &'a str,
) -> Vec<(String, String)> {
    let mut f = vec![
        ("division".to_owned(), division.to_owned()),
        ("staff[name]".to_owned(), name.to_owned()),
        ("staff[active]".to_owned(), "on".to_owned()),
    ];
    if let Some(id) = id {
        f.push(("member".into(), id.into()));
    }
    for (k, q) in qualified.iter().enumerate() {
        // Sparse indices, as a form with unticked boxes sends them.
        f.push((format!("staff[qualified][{}]", k * 2 + 1), (*q).to_owned()));
    }
    for k in 0..7 {
        let (a, b) = if k < 5 { (from, to) } else { ("", "") };
        f.push((format!("staff[starts][{k}]"), a.to_owned()));
        f.push((format!("staff[ends][{k}]"), b.to_owned()));
    }
    f
}

fn refs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn a_town_sets_up_its_counters(app: &Running) {
    let m = app::setup::texts::messages(domain::text::Lang::Ja);
    let p = people(app).await;
    let admin = signed_in(app, "admin@town.example", &p).await;

    // A division: a mistake first, then right.
    let (_, location, _) = call(
        app,
        &admin,
        path::<s::AddDivision>(),
        &[("division[name_ja]", " "), ("division[name_en]", "")],
    )
    .await;
    assert!(location.starts_with("/console/divisions?v="), "{location}");
    let (status, list) = page::<s::GetDivisionsPage>(app, &admin, &[]).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(keys(&list), ["name_ja"]);
    let before = list["divisions"].as_array().unwrap().len();
    let (_, location, body) = call(
        app,
        &admin,
        path::<s::AddDivision>(),
        &[
            ("division[name_ja]", "子育て支援課"),
            ("division[name_en]", "Child Support Division"),
        ],
    )
    .await;
    let division = location
        .strip_prefix("/console/divisions/")
        .and_then(|r| r.split('?').next())
        .unwrap_or_else(|| panic!("to the division: {location} {body}"))
        .to_owned();
    let d = division.as_str();
    let (_, list) = page::<s::GetDivisionsPage>(app, &admin, &[]).await;
    assert_eq!(list["divisions"].as_array().unwrap().len(), before + 1);
    assert_eq!(keys(&list), Vec::<String>::new(), "the form starts afresh");

    // A counter.
    call(
        app,
        &admin,
        path::<s::AddCounter>(),
        &[
            ("division", d),
            ("counter[name_ja]", "子育て窓口"),
            ("counter[name_en]", ""),
            ("counter[location_ja]", "役場1階 7番"),
            ("counter[location_en]", "Town hall 1F, counter 7"),
        ],
    )
    .await;
    let counters = counter::Entity::find()
        .filter(counter::Column::DepartmentId.eq(division.parse::<i64>().unwrap()))
        .count(app.store.connection())
        .await
        .unwrap();
    assert_eq!(counters, 1);

    // A procedure: the duration must be in steps of five minutes.
    let procedure = |minutes: &'static str| {
        vec![
            ("division", d),
            ("procedure[name_ja]", "児童手当の認定請求"),
            ("procedure[name_en]", "Child allowance claim"),
            ("procedure[reading]", "じどうてあて てあて"),
            ("procedure[minutes]", minutes),
            ("procedure[documents_ja]", "本人確認書類\n振込先の通帳"),
            ("procedure[documents_en]", ""),
            ("procedure[notes_ja]", ""),
            ("procedure[notes_en]", ""),
            ("procedure[events][1]", "childcare"),
        ]
    };
    let (_, location, _) = call(app, &admin, path::<s::SaveProcedure>(), &procedure("17")).await;
    assert!(location.contains("/new-procedure?v="), "{location}");
    let (_, form) = page::<s::GetProcedurePage>(app, &admin, &[("division", d)]).await;
    assert_eq!(keys(&form), ["minutes"]);
    assert_eq!(form["values"]["minutes"], "17", "what was typed comes back");
    call(app, &admin, path::<s::SaveProcedure>(), &procedure("30")).await;
    let id = app.procedure("児童手当の認定請求").await;
    // Changed: a mistake, then right; the form opens as saved.
    let id_text = id.to_string();
    let mut change = procedure("abc");
    change.push(("id", &id_text));
    let (_, location, _) = call(app, &admin, path::<s::SaveProcedure>(), &change).await;
    assert!(
        location.contains(&format!("/procedures/{id}?v=")),
        "{location}"
    );
    let (_, form) =
        page::<s::GetProcedurePage>(app, &admin, &[("division", d), ("id", &id_text)]).await;
    assert_eq!(keys(&form), ["minutes"]);
    let mut change = procedure("45");
    change.push(("id", &id_text));
    call(app, &admin, path::<s::SaveProcedure>(), &change).await;
    let (_, form) =
        page::<s::GetProcedurePage>(app, &admin, &[("division", d), ("id", &id_text)]).await;
    assert_eq!(form["values"]["minutes"], "45", "{form}");
    assert_eq!(form["values"]["events"], serde_json::json!(["childcare"]));
    let mut back = procedure("30");
    back.push(("id", &id_text));
    call(app, &admin, path::<s::SaveProcedure>(), &back).await;
    // Nobody handles it yet: no times, and the division's page says so.
    assert!(app.times(id, "2026-11-25").await.is_empty());
    let (_, division_page) = page::<s::GetDivisionPage>(app, &admin, &[("division", d)]).await;
    assert_eq!(
        division_page["procedures"][0]["staff"], 0,
        "{division_page}"
    );

    // A member: a mistake in the hours, then right (Mon–Fri 9:00–12:00).
    let bad = member(d, None, "森 さくら", &[&id_text], "9:00", "8:00");
    call(app, &admin, path::<s::SaveMember>(), &refs(&bad)).await;
    let (_, form) = page::<s::GetMemberPage>(app, &admin, &[("division", d)]).await;
    assert_eq!(keys(&form), ["day0", "day1", "day2", "day3", "day4"]);
    let good = member(d, None, "森 さくら", &[&id_text], "9:00", "12:00");
    let (_, location, body) = call(app, &admin, path::<s::SaveMember>(), &refs(&good)).await;
    assert!(
        location.starts_with(&format!("/console/divisions/{d}?v=")),
        "{location} {body}"
    );
    let row = staff::Entity::find()
        .filter(staff::Column::DisplayName.eq("森 さくら"))
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap();
    let duty = staff_duty_hours::Entity::find()
        .filter(staff_duty_hours::Column::StaffId.eq(row.id))
        .count(app.store.connection())
        .await
        .unwrap();
    assert_eq!(duty, 5);

    // Bookable at once, only while she is on duty (Wednesday 9:00–12:00).
    let wed = app.times(id, "2026-11-25").await;
    assert_eq!(
        wed.first().map(|(s, _)| s.as_str()),
        Some("2026-11-25T09:00:00+09:00")
    );
    assert_eq!(
        wed.last().map(|(s, _)| s.as_str()),
        Some("2026-11-25T11:30:00+09:00")
    );
    assert!(app.times(id, "2026-11-28").await.is_empty(), "Saturday");
    let (status, booked) = app
        .post(
            "/api/v1/appointments",
            visit(&[id], "2026-11-25T10:00:00+09:00", 1),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let reference = booked["reference"].as_str().unwrap().to_owned();

    // Taking the procedure away would strand that visit: refused, listed.
    let member_id = row.id.to_string();
    let without = member(d, Some(&member_id), "森 さくら", &[], "9:00", "12:00");
    let (_, location, _) = call(app, &admin, path::<s::SaveMember>(), &refs(&without)).await;
    assert!(
        location.contains(&format!("/staff/{member_id}?v=")),
        "{location}"
    );
    let (_, form) =
        page::<s::GetMemberPage>(app, &admin, &[("division", d), ("member", &member_id)]).await;
    assert_eq!(keys(&form), ["stranded"], "{form}");
    assert_eq!(form["stranded"][0]["reference"], reference.as_str());
    let still = staff_qualification::Entity::find()
        .filter(staff_qualification::Column::StaffId.eq(row.id))
        .count(app.store.connection())
        .await
        .unwrap();
    assert_eq!(still, 1, "nothing written");
    // So is ending her Wednesday at 10:00 (the visit runs to 10:30).
    let shorter = member(
        d,
        Some(&member_id),
        "森 さくら",
        &[&id_text],
        "9:00",
        "10:00",
    );
    call(app, &admin, path::<s::SaveMember>(), &refs(&shorter)).await;
    let (_, form) =
        page::<s::GetMemberPage>(app, &admin, &[("division", d), ("member", &member_id)]).await;
    assert_eq!(keys(&form), ["stranded"]);
    // A longer day is fine, and shows at once.
    let longer = member(
        d,
        Some(&member_id),
        "森 さくら",
        &[&id_text],
        "8:30",
        "17:15",
    );
    call(app, &admin, path::<s::SaveMember>(), &refs(&longer)).await;
    let (_, form) =
        page::<s::GetMemberPage>(app, &admin, &[("division", d), ("member", &member_id)]).await;
    assert_eq!(keys(&form), Vec::<String>::new(), "{form}");
    assert_eq!(form["values"]["starts"][0], "8:30");
    assert_eq!(form["flash"]["text"], (m.member_saved)("森 さくら"));
    let wed = app.times(id, "2026-11-25").await;
    assert_eq!(
        wed.last().map(|(s, _)| s.as_str()),
        Some("2026-11-25T16:45:00+09:00")
    );

    // Every write so far is audited; refused changes are not, and the
    // change keeps what it was before.
    let update = audit_of(app, "staff.update").await;
    assert_eq!(update.len(), 1, "refused changes are not audited");
    let before: Value = serde_json::from_str(update[0].before.as_deref().unwrap()).unwrap();
    assert_eq!(before["duty"][0], serde_json::json!([0, 540, 720]));

    // A second member; taking the procedure from the first now offers the
    // visit to them, and the decision hands it over.
    let second = member(d, None, "林 一郎", &[&id_text], "8:30", "17:15");
    call(app, &admin, path::<s::SaveMember>(), &refs(&second)).await;
    let hayashi = staff::Entity::find()
        .filter(staff::Column::DisplayName.eq("林 一郎"))
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap()
        .id;
    call(app, &admin, path::<s::SaveMember>(), &refs(&without)).await;
    let (_, form) =
        page::<s::GetMemberPage>(app, &admin, &[("division", d), ("member", &member_id)]).await;
    let stranded = &form["stranded"][0];
    assert_eq!(stranded["candidates"][0]["id"], hayashi, "{form}");
    let item = stranded["item"].as_i64().unwrap();
    let mut decided = without.clone();
    decided.push((
        "staff[decisions][0]".into(),
        format!("{item}:move:{hayashi}"),
    ));
    let (_, location, body) = call(app, &admin, path::<s::SaveMember>(), &refs(&decided)).await;
    assert!(
        location.starts_with(&format!("/console/divisions/{d}?v=")),
        "{location} {body}"
    );
    let moved = store::entity::appointment_item::Entity::find_by_id(item)
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.staff_id, hayashi, "handed over");

    // 林 stops taking visits: nobody else can, so the visit is kept and
    // marked 要連絡.
    let mut leaving = second.clone();
    leaving.retain(|(k, _)| k != "staff[active]");
    leaving.push(("member".into(), hayashi.to_string()));
    call(app, &admin, path::<s::SaveMember>(), &refs(&leaving)).await;
    let (_, form) = page::<s::GetMemberPage>(
        app,
        &admin,
        &[("division", d), ("member", &hayashi.to_string())],
    )
    .await;
    assert_eq!(
        form["stranded"][0]["candidates"],
        serde_json::json!([]),
        "{form}"
    );
    // A hand-over to someone who cannot take it is refused.
    let mut wrong = leaving.clone();
    wrong.push((
        "staff[decisions][0]".into(),
        format!("{item}:move:{}", row.id),
    ));
    let (status, _, _) = call(app, &admin, path::<s::SaveMember>(), &refs(&wrong)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    leaving.push(("staff[decisions][0]".into(), format!("{item}:contact")));
    call(app, &admin, path::<s::SaveMember>(), &refs(&leaving)).await;
    let visit = store::entity::appointment::Entity::find()
        .filter(store::entity::appointment::Column::Reference.eq(reference.as_str()))
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap();
    assert!(visit.needs_contact, "kept, to be called");
    let inactive = staff::Entity::find_by_id(hayashi)
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap();
    assert!(!inactive.active);

    let audit = audit_actions(app).await;
    for action in [
        "division.create",
        "counter.create",
        "procedure.create",
        "procedure.update",
        "staff.create",
        "staff.update",
    ] {
        assert!(
            audit.iter().any(|(a, _)| a == action),
            "{action}: {audit:?}"
        );
    }
    assert_eq!(audit_of(app, "staff.update").await.len(), 3);
}

#[tokio::test]
async fn a_town_sets_up_its_counters_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    a_town_sets_up_its_counters(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn a_town_sets_up_its_counters_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    a_town_sets_up_its_counters(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn counter_staff_set_up_their_own_division_only() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let departments = app.store.departments(1).await.unwrap();
    let (own, other) = (departments[1].id.to_string(), departments[0].id.to_string());
    let counter_staff = signed_in(&app, "counter@town.example", &p).await;

    // Their list shows their own division only; they add none.
    let (status, list) = page::<s::GetDivisionsPage>(&app, &counter_staff, &[]).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<String> = list["divisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].to_string())
        .collect();
    assert_eq!(ids, std::slice::from_ref(&own));
    assert_eq!(list["can_add"], false);
    let (status, _, body) = call(
        &app,
        &counter_staff,
        path::<s::AddDivision>(),
        &[("division[name_ja]", "秘密課"), ("division[name_en]", "")],
    )
    .await;
    assert_eq!(verdict(status, &body), Verdict::Forbidden);

    // Another division is out of reach, to read or to change.
    let (status, body) =
        page::<s::GetDivisionPage>(&app, &counter_staff, &[("division", &other)]).await;
    assert_eq!(verdict(status, &body.to_string()), Verdict::Forbidden);
    let staff_before = staff::Entity::find()
        .count(app.store.connection())
        .await
        .unwrap();
    let f = member(&other, None, "侵入 者", &[], "9:00", "17:00");
    let (status, _, body) = call(&app, &counter_staff, path::<s::SaveMember>(), &refs(&f)).await;
    assert_eq!(verdict(status, &body), Verdict::Forbidden);
    // A member of another division, reached through their own: not found.
    let outsider = staff::Entity::find()
        .filter(staff::Column::DepartmentId.eq(departments[0].id))
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let f = member(&own, Some(&outsider), "乗っ取り", &[], "9:00", "17:00");
    let (status, _, _) = call(&app, &counter_staff, path::<s::SaveMember>(), &refs(&f)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Their own: allowed.
    let f = member(&own, None, "新人 一郎", &[], "9:00", "17:00");
    let (_, location, body) = call(&app, &counter_staff, path::<s::SaveMember>(), &refs(&f)).await;
    assert!(
        location.starts_with(&format!("/console/divisions/{own}?v=")),
        "{location} {body}"
    );
    let staff_after = staff::Entity::find()
        .count(app.store.connection())
        .await
        .unwrap();
    assert_eq!(staff_after, staff_before + 1);
    // Nobody signed in, and a facility manager, are turned away.
    let (status, _, body) = call(&app, &browser(), path::<s::GetDivisionsPage>(), &[]).await;
    assert_eq!(verdict(status, &body), Verdict::SignIn);
    let manager = signed_in(&app, "manager1@town.example", &p).await;
    let (status, _, body) = call(&app, &manager, path::<s::GetDivisionsPage>(), &[]).await;
    assert_eq!(verdict(status, &body), Verdict::Forbidden);
    app.finish().await;
}

/// An admin renames a division and changes a counter: problems come back
/// next to their fields with what was typed, each change is audited with
/// before and after, a counter of another division is not found, and
/// counter staff do not rename divisions.
async fn divisions_are_renamed_and_counters_changed(app: &Running) {
    let p = people(app).await;
    let admin = signed_in(app, "admin@town.example", &p).await;
    let departments = app.store.departments(1).await.unwrap();
    let (d, other) = (departments[0].id.to_string(), departments[1].id.to_string());
    let division = |c: &reqwest::Client, counter: Option<String>| {
        let (c, d) = (c.clone(), d.clone());
        async move {
            let mut f = vec![("division", d.clone())];
            if let Some(x) = counter {
                f.push(("counter", x));
            }
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            page::<s::GetDivisionPage>(app, &c, &f).await.1
        }
    };

    // Renaming: a missing name is said next to its field.
    let rename = path::<s::RenameDivision>();
    let (_, location, _) = call(
        app,
        &admin,
        rename,
        &[
            ("division", &d),
            ("name[name_ja]", ""),
            ("name[name_en]", ""),
        ],
    )
    .await;
    assert!(location.ends_with("#rename"), "{location}");
    let before = division(&admin, None).await;
    assert_eq!(before["rename_errors"][0]["key"], "rename_ja", "{before}");
    assert_eq!(before["can_rename"], true);
    let (_, location, _) = call(
        app,
        &admin,
        rename,
        &[
            ("division", &d),
            ("name[name_ja]", "町民課"),
            ("name[name_en]", "Residents Division"),
        ],
    )
    .await;
    assert!(
        location.starts_with(&format!("/console/divisions/{d}?v=")),
        "{location}"
    );
    let after = division(&admin, None).await;
    assert_eq!(after["name"], "町民課", "{after}");
    assert_eq!(after["rename"]["name_en"], "Residents Division");

    // A counter added, then changed.
    call(
        app,
        &admin,
        path::<s::AddCounter>(),
        &[
            ("division", &d),
            ("counter[name_ja]", "相談窓口"),
            ("counter[name_en]", ""),
            ("counter[location_ja]", "1階"),
            ("counter[location_en]", ""),
        ],
    )
    .await;
    let id = counter::Entity::find()
        .filter(counter::Column::NameJa.eq("相談窓口"))
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let form = division(&admin, Some(id.clone())).await;
    assert_eq!(form["editing"]["name"], "相談窓口", "{form}");
    assert_eq!(form["values"]["location_ja"], "1階");
    let save = path::<s::SaveCounter>();
    let fields = |name: &'static str| {
        vec![
            ("division", d.clone()),
            ("id", id.clone()),
            ("counter[name_ja]", name.to_owned()),
            ("counter[name_en]", "Consultations".to_owned()),
            ("counter[location_ja]", "2階 5番".to_owned()),
            ("counter[location_en]", "2F, counter 5".to_owned()),
        ]
    };
    let bad = fields("");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (_, location, _) = call(app, &admin, save, &bad).await;
    assert!(location.contains(&format!("counter={id}")), "{location}");
    let form = division(&admin, Some(id.clone())).await;
    assert_eq!(keys(&form), ["name_ja"], "{form}");
    assert_eq!(
        form["values"]["location_ja"], "2階 5番",
        "what was typed is kept"
    );
    let good = fields("子育て相談窓口");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    call(app, &admin, save, &good).await;
    let row = counter::Entity::find_by_id(id.parse::<i64>().unwrap())
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.name_ja.as_str(), row.location_ja.as_str()),
        ("子育て相談窓口", "2階 5番")
    );
    // Through another division, the counter is not found.
    let mut through = good.clone();
    through[0] = ("division", other.as_str());
    let (status, _, _) = call(app, &admin, save, &through).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let audit = audit_of(app, "counter.update").await;
    assert_eq!(audit.len(), 1);
    let json =
        |v: &Option<String>| -> Value { serde_json::from_str(v.as_deref().unwrap()).unwrap() };
    assert_eq!(json(&audit[0].before)["name_ja"], "相談窓口");
    assert_eq!(json(&audit[0].after)["name_ja"], "子育て相談窓口");
    assert_eq!(json(&audit[0].after)["location_ja"], "2階 5番");
    assert_eq!(audit_of(app, "division.update").await.len(), 1);

    // Counter staff change their division's counters but do not rename it.
    let counter_staff = signed_in(app, "counter@town.example", &p).await;
    let (status, _, body) = call(
        app,
        &counter_staff,
        rename,
        &[
            ("division", &other),
            ("name[name_ja]", "秘密課"),
            ("name[name_en]", ""),
        ],
    )
    .await;
    assert_eq!(verdict(status, &body), Verdict::Forbidden);
}

#[tokio::test]
async fn divisions_are_renamed_and_counters_changed_on_sqlite() {
    let app = spawn(TestDb::sqlite().await).await;
    divisions_are_renamed_and_counters_changed(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn divisions_are_renamed_and_counters_changed_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn(db).await;
    divisions_are_renamed_and_counters_changed(&app).await;
    app.finish().await;
}

/// Runs the server binary's command line on `db_url`, with `input` on stdin.
fn command(db_url: &str, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("TOWN_SEED_DEMO", "false")
        .env("RUST_LOG", "error")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// `add-town` adds towns (a slug once only, a real time zone), and
/// `create-admin` then needs to be told which town when there are several.
#[tokio::test]
async fn towns_are_added_on_the_command_line() {
    let dir = std::env::temp_dir().join(format!("town_add_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/town.db?mode=rwc", dir.display());
    let ok = command(&db, &["add-town", "sakura", "さくら町", "Sakura Town"], "");
    assert!(ok.status.success(), "{ok:?}");
    assert!(String::from_utf8_lossy(&ok.stdout).contains("town sakura added"));
    for args in [
        &["add-town", "sakura", "さくら町", "Sakura Town"][..],
        &["add-town", "Bad Slug", "町", "Town"],
        &[
            "add-town",
            "kaede",
            "かえで町",
            "Kaede Town",
            "Mars/Olympus",
        ],
        &["add-town", "kaede", "かえで町"],
    ] {
        assert!(
            !command(&db, args, "").status.success(),
            "{args:?} is refused"
        );
    }
    let admin = command(
        &db,
        &["create-admin", "admin@sakura.example"],
        "a long enough passphrase\n",
    );
    assert!(admin.status.success(), "one town: no need to name it");
    let second = command(
        &db,
        &["add-town", "kaede", "かえで町", "Kaede Town", "Asia/Tokyo"],
        "",
    );
    assert!(second.status.success());
    let unsure = command(
        &db,
        &["create-admin", "admin@kaede.example"],
        "a long enough passphrase\n",
    );
    assert!(!unsure.status.success(), "two towns: which one?");
    // The logged error names the towns to choose from.
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&unsure.stdout),
        String::from_utf8_lossy(&unsure.stderr)
    );
    assert!(said.contains("sakura, kaede"), "{said}");
    let named = command(
        &db,
        &["create-admin", "admin@kaede.example", "kaede"],
        "a long enough passphrase\n",
    );
    assert!(named.status.success(), "{named:?}");
    let store = store::Store::connect(&db).await.unwrap();
    let towns = store.municipalities().await.unwrap();
    assert_eq!(towns.len(), 2);
    let kaede = towns.iter().find(|t| t.slug == "kaede").unwrap().id;
    assert!(
        store
            .account_by_email(kaede, "admin@kaede.example")
            .await
            .unwrap()
            .is_some(),
        "the admin belongs to the town named"
    );
    assert!(store.facilities().await.unwrap().is_empty(), "no demo town");
    let _ = std::fs::remove_dir_all(&dir);
}
