//! Command line: `server` (or `server serve`) runs the web app; `server seed`
//! seeds the demo town if the database is empty; `server migrate` applies
//! migrations only; `server approve <REFERENCE>` confirms a pending (仮予約)
//! booking and mails the resident (through the outbox); `server add-town
//! <SLUG> <NAME_JA> <NAME_EN> [ZONE] [HOST]` adds a town to the installation;
//! `server create-admin <EMAIL> [TOWN] [--installation]` creates an
//! administrator of a town, with `--installation` also the installation's
//! super-administrator (password from the first line of standard input;
//! prints the TOTP secret).

use std::sync::Arc;

use app::core::state::AppState;
use leptos::prelude::get_configuration;
use server::config::Config;
use store::Store;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_else(|| "serve".to_owned());
    if let Err(e) = run(&command, args.collect()).await {
        tracing::error!("{e}");
        std::process::exit(1);
    }
}

async fn run(command: &str, args: Vec<String>) -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env();
    let arg = args.first().cloned();
    match command {
        "serve" => serve(config).await,
        "seed" => {
            let store = Store::connect(&config.database_url).await?;
            let seeded = store.seed_demo(chrono::Utc::now()).await?;
            tracing::info!(
                seeded,
                "demo town {}",
                if seeded {
                    "seeded"
                } else {
                    "already present; nothing done"
                }
            );
            Ok(())
        }
        "migrate" => {
            Store::connect(&config.database_url).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        "approve" => {
            let reference = arg
                .as_deref()
                .and_then(domain::reference::normalize)
                .ok_or("usage: server approve <REFERENCE> (8 characters)")?;
            let store = Store::connect(&config.database_url).await?;
            let state = AppState::new(
                leptos::prelude::LeptosOptions::builder()
                    .output_name("town-booking")
                    .build(),
                store,
                Arc::new(chrono::Utc::now),
                true,
                app::core::mail::Mailer::outbox_only(),
            );
            state
                .approve_from_cli(&reference)
                .await
                .map_err(|e| format!("{reference}: {e}"))?;
            tracing::info!(reference, "booking approved");
            Ok(())
        }
        "create-admin" => {
            let installation = args.iter().any(|a| a == "--installation");
            let rest: Vec<String> = args.into_iter().filter(|a| a != "--installation").collect();
            create_admin(
                &config,
                rest.first().cloned(),
                rest.get(1).cloned(),
                installation,
            )
            .await
        }
        "add-town" => add_town(&config, &args).await,
        _ => {
            eprintln!(
                "usage: server [serve|seed|migrate|approve <REFERENCE>|add-town <SLUG> <NAME_JA> <NAME_EN> [ZONE] [HOST]|create-admin <EMAIL> [TOWN] [--installation]]\n\nEnvironment: DATABASE_URL (default {}), TOWN_SEED_DEMO=false to skip the demo town.",
                store::DEFAULT_DATABASE_URL
            );
            Err(format!("unknown command: {command}").into())
        }
    }
}

/// Adds a town: a slug for its addresses (lower-case letters, digits and
/// hyphens), its names, its IANA time zone (Asia/Tokyo when none) and
/// optionally a host name that serves only it; checked as the towns page
/// checks it.
async fn add_town(config: &Config, args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    const USAGE: &str = "usage: server add-town <SLUG> <NAME_JA> <NAME_EN> [ZONE] [HOST]";
    let [slug, name_ja, name_en, rest @ ..] = args else {
        return Err(USAGE.into());
    };
    let form = app::setup::types::TownForm {
        slug: slug.clone(),
        name_ja: name_ja.clone(),
        name_en: name_en.clone(),
        zone: rest.first().cloned().unwrap_or_default(),
        host: rest.get(1).cloned().unwrap_or_default(),
    };
    let store = Store::connect(&config.database_url).await?;
    let towns = store.municipalities().await?;
    let town = app::setup::towns::check_town(&form, &towns, domain::text::Lang::En).map_err(
        |problems| {
            let lines: Vec<String> = problems
                .iter()
                .map(|p| format!("{}: {}", p.key, p.message))
                .collect();
            format!("{USAGE}\n{}", lines.join("\n"))
        },
    )?;
    match store.create_town(&town, None).await? {
        Some(id) => {
            println!("town {} added (id {id})", town.slug);
            Ok(())
        }
        None => Err(format!("a town {} exists already", town.slug).into()),
    }
}

/// Creates an administrator of a town (`town` is its slug; it may be left
/// out when the installation has one town); with `--installation`, also the
/// installation's super-administrator (adds towns, sets host names at
/// `/console/towns`). The password is the first line
/// of standard input (so it never appears in the process list or shell
/// history); the TOTP secret is printed once, to standard output.
async fn create_admin(
    config: &Config,
    email: Option<String>,
    town: Option<String>,
    installation: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let email = email
        .as_deref()
        .and_then(|e| domain::applicant::normalize_email(e).ok())
        .ok_or("usage: echo 'PASSWORD' | server create-admin <EMAIL> [TOWN] [--installation]")?;
    let mut password = String::new();
    std::io::stdin().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']);
    app::core::auth::check_new_password(password)
        .map_err(|_| "the password must be 10 to 128 characters")?;
    let store = Store::connect(&config.database_url).await?;
    let towns = store.municipalities().await?;
    let municipality = match (town, towns.as_slice()) {
        (_, []) => return Err("no town in the database yet: add one with `server add-town`, or start the server once (it seeds the demo town unless TOWN_SEED_DEMO=false)".into()),
        (None, [only]) => only.id,
        (None, _) => {
            let slugs: Vec<&str> = towns.iter().map(|t| t.slug.as_str()).collect();
            return Err(format!("several towns: say which (one of {})", slugs.join(", ")).into());
        }
        (Some(slug), _) => towns
            .iter()
            .find(|t| t.slug == slug)
            .map(|t| t.id)
            .ok_or_else(|| format!("no town {slug}"))?,
    };
    let secret = app::core::auth::new_totp_secret();
    let hash =
        app::core::auth::hash_password(password).map_err(|_| "could not hash the password")?;
    let now = chrono::Utc::now();
    let audit = store::AuditEntry {
        municipality_id: municipality,
        actor: "cli".into(),
        action: domain::status::AuditAction::AccountCreate,
        target: String::new(),
        before: None,
        after: Some(serde_json::json!({
            "email": email, "role": "admin", "totp": true, "installation_admin": installation,
        })),
        at: now,
    };
    store
        .create_account(
            &store::NewAccount {
                municipality_id: municipality,
                email: email.clone(),
                display_name: "Administrator".into(),
                password_hash: hash,
                role: Some(domain::status::Role::Admin),
                totp_secret: Some(secret.clone()),
                facilities: Vec::new(),
                departments: Vec::new(),
                enrolment: None,
                installation_admin: installation,
            },
            now,
            Some(&audit),
        )
        .await
        .map_err(|e| format!("{email}: {e}"))?;
    println!("administrator {email} created");
    println!("TOTP secret (add it to an authenticator app now; it is not shown again): {secret}");
    if let Some(url) = app::core::auth::totp_url(&secret, &email) {
        println!("{url}");
    }
    Ok(())
}

async fn serve(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    tracing::info!(?config, "starting");
    let store = Store::connect(&config.database_url).await?;
    if config.seed_demo && store.seed_demo(chrono::Utc::now()).await? {
        tracing::info!("seeded the demo town (first start)");
    }
    // The demo town's pages say it is fictional; a real town's do not.
    app::core::components::set_demo(
        store
            .municipalities()
            .await?
            .iter()
            .any(|m| m.slug == store::seed::DEMO_SLUG),
    );
    let conf = get_configuration(None)?;
    let addr = conf.leptos_options.site_addr;
    let (web, secure_cookies) = config.web(addr)?;
    let mailer = match &config.smtp {
        Some(smtp) => app::core::mail::Mailer::smtp(smtp)?,
        None => {
            tracing::warn!("no SMTP server configured (TOWN_SMTP_HOST): mail stays in the outbox");
            app::core::mail::Mailer::outbox_only()
        }
    };
    let clock: app::core::time::Clock = Arc::new(chrono::Utc::now);
    let state = AppState::new(
        conf.leptos_options,
        store.clone(),
        clock.clone(),
        secure_cookies,
        mailer.clone(),
    )
    .with_web(web);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = mailer.spawn_worker(store, clock, stopped.clone());
    let reminders = server::reminders::spawn(state.clone(), stopped.clone());
    let waitlist = server::waitlist::spawn(state.clone(), stopped);
    let listener = server::listen(addr).await?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, server::app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    // Let a mail being sent finish; the rest waits in the outbox.
    let _ = stop.send(true);
    if let Some(w) = worker {
        let _ = w.await;
    }
    let _ = reminders.await;
    let _ = waitlist.await;
    Ok(())
}

/// Ctrl-C or SIGTERM (what service managers and cargo-leptos send).
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}
