//! Signing in, over HTTP against the real router and a real database: staff
//! sessions (renewed, idle, ended), the second factor (TOTP: one use per
//! code, set up by staff themselves), generic and throttled refusals, and
//! residents' accounts (registration with a mailed code, their own
//! bookings only).

use crate::common::browser::{browser, call, page, path, review};
use crate::common::fixtures::{
    PASSWORD, Verdict, book, form_fields, people, signed_in, totp_now, verdict,
};
use crate::common::{Running, spawn};
use reqwest::StatusCode;
use serde_json::Value;
use store::testing::TestDb;

#[tokio::test]
async fn sessions_are_renewed_at_sign_in_and_really_end() {
    let app = spawn(TestDb::sqlite().await).await;
    let p = people(&app).await;
    let c = browser();
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
    let first = browser();
    assert_eq!(
        password_step(&app, &first, admin).await,
        "/console/login/code"
    );
    let (_, location, _) = call(&app, &first, code_step, &[("code", &code)]).await;
    assert_eq!(location, "/console");
    let second = browser();
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
    let c2 = browser();
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
    let unknown = browser();
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
    let wrong = browser();
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
    let admin = browser();
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
    let c = browser();
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
    let hanako = browser();
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
    let (_, unit) = app.unit("和室").await;
    let (start, end) = app.free_slot(1, unit, 0).await;
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
    let (start, end) = app.free_slot(1, unit, 1).await;
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
    let taro = browser();
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
    let stranger = browser();
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
