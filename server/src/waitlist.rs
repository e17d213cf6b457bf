//! The waiting lists' round (`AppState::waitlist_round`): lapsed holds that
//! someone waits for are passed on to the next in line, and new offers are
//! mailed. At start and every ten seconds, until the server stops. Several
//! processes may run it at once: each lapse is passed on once and each
//! offer mailed once (conditional updates decide).

use std::time::Duration;

use app::core::state::AppState;

/// How often the round runs: an offer made when a booking is cancelled is
/// mailed within this, and a lapsed hold is passed on within it.
const EVERY: Duration = Duration::from_secs(10);

pub fn spawn(
    state: AppState,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = state.waitlist_round().await {
                tracing::warn!(error = %e, "the waiting lists' round failed; retrying later");
            }
            tokio::select! {
                _ = stop.changed() => return,
                _ = tokio::time::sleep(EVERY) => {}
            }
        }
    })
}
