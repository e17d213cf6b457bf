//! Command line: `server` (or `server serve`) runs the web app; `server seed`
//! seeds the demo town if the database is empty; `server migrate` applies
//! migrations only; `server approve <REFERENCE>` confirms a pending (仮予約)
//! booking until the managers' console does it.

use std::sync::Arc;

use app::service::AppState;
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
    if let Err(e) = run(&command, args.next()).await {
        tracing::error!("{e}");
        std::process::exit(1);
    }
}

async fn run(command: &str, arg: Option<String>) -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env();
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
                .and_then(app::bookings::normalize_reference)
                .ok_or("usage: server approve <REFERENCE> (8 characters)")?;
            let store = Store::connect(&config.database_url).await?;
            store
                .approve_booking(&reference, chrono::Utc::now())
                .await
                .map_err(|e| format!("{reference}: {e}"))?;
            tracing::info!(reference, "booking approved");
            Ok(())
        }
        _ => {
            eprintln!(
                "usage: server [serve|seed|migrate|approve <REFERENCE>]\n\nEnvironment: DATABASE_URL (default {}), TOWN_SEED_DEMO=false to skip the demo town.",
                store::DEFAULT_DATABASE_URL
            );
            Err(format!("unknown command: {command}").into())
        }
    }
}

async fn serve(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    tracing::info!(?config, "starting");
    let store = Store::connect(&config.database_url).await?;
    if config.seed_demo && store.seed_demo(chrono::Utc::now()).await? {
        tracing::info!("seeded the demo town (first start)");
    }
    let conf = get_configuration(None)?;
    let addr = conf.leptos_options.site_addr;
    let state = AppState {
        leptos_options: conf.leptos_options,
        store,
        clock: Arc::new(chrono::Utc::now),
        secure_cookies: config.secure_cookies,
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, server::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
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
