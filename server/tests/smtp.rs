//! Outbound mail through a real SMTP server on loopback: Python's aiosmtpd
//! (installed by `scripts/setup.sh --test`), writing what it receives to a
//! maildir that the test reads back.

use crate::common;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use app::core::mail::{Mailer, SmtpConfig, TlsMode};
use store::testing::TestDb;

/// The SMTP server process, stopped when dropped.
struct Smtp {
    child: Child,
    port: u16,
    maildir: std::path::PathBuf,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.maildir);
    }
}

/// Starts aiosmtpd, or says why not (a failure under CI).
async fn smtp_server() -> Option<Smtp> {
    smtp_server_on(common::free_port()).await
}

/// Starts aiosmtpd on `port`.
async fn smtp_server_on(port: u16) -> Option<Smtp> {
    let maildir = std::env::temp_dir().join(format!("town-smtp-{port}"));
    let started = Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match started {
        Ok(c) => c,
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "python3 is required in CI: {e}"
            );
            eprintln!("skipping: python3 not found ({e})");
            return None;
        }
    };
    let mut server = Smtp {
        child,
        port,
        maildir,
    };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some(server);
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "aiosmtpd did not start ({status}); run scripts/setup.sh --test"
            );
            eprintln!("skipping: aiosmtpd is not installed (pip install aiosmtpd)");
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("aiosmtpd did not listen on port {port}");
}

/// The raw messages the server has received so far.
fn received(server: &Smtp) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(server.maildir.join("new")) else {
        return Vec::new();
    };
    dir.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect()
}

#[tokio::test]
async fn a_booking_mails_the_resident_through_smtp_with_the_ics_attached() {
    let Some(server) = smtp_server().await else {
        return;
    };
    let mailer = Mailer::smtp(&SmtpConfig {
        host: "127.0.0.1".into(),
        port: server.port,
        tls: TlsMode::None,
        user: None,
        password: None,
        from: "ひだまり町 施設予約 <yoyaku@town.example>".into(),
    })
    .unwrap();
    let app = common::spawn_with(TestDb::sqlite().await, mailer).await;
    let reference = book(&app.client, &app.base, "2026-12-01", "2026-12-31").await;
    let reference = reference.as_str();

    // Sending happens in the background: wait for it (bounded).
    let mut messages = Vec::new();
    for _ in 0..100 {
        messages = received(&server);
        if !messages.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(messages.len(), 1, "one mail arrives");
    let m = &messages[0];
    assert!(m.contains("To: hanako@example.jp"), "{m}");
    assert!(m.contains("yoyaku@town.example"), "{m}");
    assert!(
        m.contains("Subject: =?utf-8?"),
        "an encoded Japanese subject: {m}"
    );
    assert!(m.contains("text/calendar"), "the .ics is attached: {m}");
    assert!(m.contains(".ics"), "{m}");
    // The outbox records it as sent, with no error.
    let mut sent = None;
    for _ in 0..50 {
        let outbox = app.store.outbox(1, 10).await.unwrap();
        sent = outbox.into_iter().find(|r| r.body.contains(reference));
        if sent.as_ref().is_some_and(|r| r.sent_at.is_some()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sent = sent.expect("recorded in the outbox");
    assert!(sent.sent_at.is_some(), "{sent:?}");
    assert_eq!(sent.last_error, None);
    app.finish().await;
}

/// Books the first free period of 会議室1 in December through the API.
async fn book(client: &reqwest::Client, base: &str, from: &str, to: &str) -> String {
    let body: serde_json::Value = client
        .get(format!(
            "{base}/api/v1/facilities/1/availability?from={from}&to={to}"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unit = body["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "会議室1")
        .unwrap();
    let slot = unit["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "free")
        .unwrap();
    let res = client
        .post(format!("{base}/api/v1/bookings"))
        .json(&serde_json::json!({
            "unit_id": unit["id"], "start": slot["start"], "end": slot["end"],
            "name": "山田 花子", "name_kana": "やまだ はなこ",
            "phone": "090-1234-5678", "email": "hanako@example.jp",
            "purpose": "会議", "attendees": 5, "resident": true, "equipment": []
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    let booking: serde_json::Value = res.json().await.unwrap();
    booking["reference"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_unreachable_smtp_server_leaves_the_mail_waiting_with_the_error_and_a_retry() {
    let port = common::free_port();
    let mailer = Mailer::smtp(&SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls: TlsMode::None,
        user: None,
        password: None,
        from: "yoyaku@town.example".into(),
    })
    .unwrap();
    let app = common::spawn_with(TestDb::sqlite().await, mailer).await;
    let reference = book(&app.client, &app.base, "2026-12-01", "2026-12-31").await;
    // The mail was written with the booking; the worker's attempt failed.
    let mut row = None;
    for _ in 0..100 {
        row = app
            .store
            .outbox(1, 10)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.body.contains(&reference));
        if row.as_ref().is_some_and(|r| r.last_error.is_some()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let row = row.expect("the mail is in the outbox with the booking");
    assert_eq!(row.sent_at, None);
    assert_eq!(
        row.last_error.as_deref(),
        Some("could not reach the SMTP server")
    );
    assert_eq!(row.attempts, 1);
    assert!(
        row.next_attempt_s > common::now().timestamp(),
        "retried later"
    );
    app.finish().await;
}

#[tokio::test]
async fn a_mail_survives_kill_dash_nine_with_the_smtp_server_down_and_arrives_once() {
    let dir = std::env::temp_dir().join(format!("town_mail_kill_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db_url = format!("sqlite://{}/town.db", dir.display());
    let smtp_port = common::free_port();
    let env = [
        ("TOWN_SMTP_HOST", "127.0.0.1".to_owned()),
        ("TOWN_SMTP_PORT", smtp_port.to_string()),
        ("TOWN_SMTP_TLS", "none".to_owned()),
        ("TOWN_MAIL_FROM", "yoyaku@town.example".to_owned()),
    ];
    let client = reqwest::Client::new();
    let port = common::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = common::start_binary(&db_url, port, &env);
    common::wait_ready(&client, &base).await;
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today + chrono::Days::new(10), today + chrono::Days::new(40));
    // Nothing listens on the SMTP port yet: the 201 comes, the mail cannot go.
    let reference = book(&client, &base, &from.to_string(), &to.to_string()).await;
    server.kill().unwrap();
    server.wait().unwrap();

    let Some(smtp) = smtp_server_on(smtp_port).await else {
        let _ = std::fs::remove_dir_all(&dir);
        return;
    };
    let port = common::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = common::start_binary(&db_url, port, &env);
    common::wait_ready(&client, &base).await;
    // If the first process died holding the mail's claim, it waits out the
    // one-minute lease; otherwise it goes within seconds.
    for _ in 0..900 {
        if !received(&smtp).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Give a second send every chance to happen before counting.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let messages = received(&smtp);
    let about: Vec<&String> = messages.iter().filter(|m| m.contains(&reference)).collect();
    assert_eq!(
        about.len(),
        1,
        "exactly one mail about {reference}: {messages:?}"
    );
    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
