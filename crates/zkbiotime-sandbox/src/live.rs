//! `--live RATE`: a background task that keeps punches arriving while clients page, some
//! of them late (old punch time, new upload time and id).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::server::insert_punches_mixed;
use crate::state::AppState;

/// Share of live punches that arrive late when `late_uploads` is not set.
const DEFAULT_LATE_SHARE: f64 = 0.1;
const TICK: Duration = Duration::from_millis(100);

pub async fn run(state: Arc<AppState>, rate: f64, mut shutdown: watch::Receiver<bool>) {
    let late_share = if state.config.late_uploads > 0.0 {
        state.config.late_uploads
    } else {
        DEFAULT_LATE_SHARE
    };
    let mut interval = tokio::time::interval(TICK);
    let mut owed = 0.0;
    let mut warned = false;
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            _ = interval.tick() => {}
        }
        owed += rate * TICK.as_secs_f64();
        let n = owed.floor() as usize;
        if n == 0 {
            continue;
        }
        owed -= n as f64;
        let st = Arc::clone(&state);
        let done =
            tokio::task::spawn_blocking(move || insert_punches_mixed(&st, n, late_share)).await;
        let failure = match done {
            Ok(Ok(_)) => continue,
            Ok(Err(e)) => e.to_string(),
            Err(e) => e.to_string(),
        };
        // Once is enough: an empty site fails the same way every tick.
        if !warned {
            tracing::warn!("live punches: {failure}");
            warned = true;
        }
    }
}
