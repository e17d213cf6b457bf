//! Staff administration in the console, over HTTP against the real router
//! and a real database: roles and scopes, staff of a second town, enrolment
//! with a mailed code, resetting a lost second factor, and the audit and
//! outbox pages in the town's time zone.

use crate::common;
use crate::common::browser::{browser, call, page, path};
use crate::common::fixtures::{PASSWORD, Verdict, audit_actions, people, signed_in, verdict};
use crate::common::{Running, spawn};
use reqwest::StatusCode;
use store::testing::TestDb;

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
        stored.row.role.map(|r| r.code()),
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
        (stored.row.role.map(|r| r.code()), stored.facilities.clone()),
        (Some("facility_manager"), vec![1])
    );
    let stored = app.store.account(me).await.unwrap().unwrap();
    assert_eq!(stored.row.role.map(|r| r.code()), Some("admin"));
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
    let c = browser();
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
        ..Default::default()
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
                role: Some(domain::status::Role::FacilityManager),
                totp_secret: None,
                facilities: vec![],
                departments: vec![],
                enrolment: None,
                installation_admin: false,
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
            let c = browser();
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
    let member = browser();
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
    let (_, location, _) = call(&app, &browser(), enrol, &right).await;
    assert_eq!(location, "/console/enrol?retry=1");
    // The member's own password signs in.
    let (_, location, _) = call(
        &app,
        &browser(),
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
        action: domain::status::AuditAction::AccountTotpReset,
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
    for (h, target) in [(5, "test.evening"), (12, "test.night")] {
        app.store
            .audit(&store::AuditEntry {
                municipality_id: 1,
                actor: "cli".into(),
                action: domain::status::AuditAction::UnitRules,
                target: target.into(),
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
            ("target", "test."),
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
