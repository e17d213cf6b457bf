//! The loop that sends day-before reminders (`AppState::send_reminders`):
//! at start and every five minutes, until the server stops. Several
//! processes may run it at once; each reminder still goes out once.

use std::time::Duration;

use app::core::state::AppState;

/// How often due reminders are looked for.
const EVERY: Duration = Duration::from_secs(300);

pub fn spawn(
    state: AppState,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match state.send_reminders().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "reminders written to the outbox"),
                Err(e) => tracing::warn!(error = %e, "reminders could not be sent; retrying later"),
            }
            tokio::select! {
                _ = stop.changed() => return,
                _ = tokio::time::sleep(EVERY) => {}
            }
        }
    })
}
