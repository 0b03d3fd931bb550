//! Measuring without hanging: a blocking measurement on its own thread with a time limit, and
//! the results that say a measurement did not finish or stopped unexpectedly.

use std::time::Duration;

use preflight_model::{CheckId, CheckResult, Status};
use preflight_verdict as verdict;

/// Why a measurement gave no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// It did not finish within its limit (the thread is left to end on its own).
    TimedOut(Duration),
    /// It panicked.
    Crashed,
}

impl Stopped {
    /// The result that says so.
    pub fn result(self, id: CheckId) -> CheckResult {
        match self {
            Stopped::TimedOut(limit) => verdict::timed_out(id, limit),
            Stopped::Crashed => crashed_result(id),
        }
    }
}

/// Runs the blocking `f` on a blocking thread and waits at most `limit` for it.
pub(crate) async fn blocking_within<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Stopped> {
    match tokio::time::timeout(limit, tokio::task::spawn_blocking(f)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "measurement stopped unexpectedly");
            Err(Stopped::Crashed)
        }
        Err(_) => {
            tracing::warn!(?limit, "measurement did not finish in time");
            Err(Stopped::TimedOut(limit))
        }
    }
}

/// The result of a check that stopped unexpectedly.
pub(crate) fn crashed_result(id: CheckId) -> CheckResult {
    CheckResult::new(
        id,
        Status::Fail,
        format!(
            "The {} check stopped unexpectedly.",
            id.title().to_lowercase()
        ),
    )
    .with_advice("Run the check again. If it keeps happening, restart the app.")
}
