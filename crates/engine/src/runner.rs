//! The check engine: runs the checks concurrently over a [`Probes`] implementation (the real
//! machine in the shells, fakes in its tests), bounds every measurement in time, and assembles
//! the [`Report`].

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::checks::{Check, Cx};
use crate::measure::crashed_result;
pub use crate::options::{CheckOptions, Limits, PROMPT_SENTENCE};
pub use crate::probes::{open_camera, CameraChoice, SpeedTest};
use crate::probes::{Probes, SystemProbes};
use crate::progress::Progress;
use preflight_model::{CheckId, CheckResult, Report};

/// Runs every check in `opts` concurrently on this machine, sending [`Progress`] events on `tx`,
/// and returns the report. Device and network failures become failed checks, never errors.
pub async fn run(opts: CheckOptions, tx: UnboundedSender<Progress>) -> Report {
    run_with(Arc::new(SystemProbes), opts, Limits::default(), tx).await
}

/// [`run`] over `probes`, with `limits` on each measurement.
pub async fn run_with<P: Probes>(
    probes: Arc<P>,
    opts: CheckOptions,
    limits: Limits,
    tx: UnboundedSender<Progress>,
) -> Report {
    run_checks(probes, opts, limits, tx, crate::checks::all()).await
}

/// Runs `checks` (in the report in this order): each starts once the checks it comes
/// [`after`](Check::after) have ended, all others at once. A check switched off by the options
/// gives its words as a skipped result; one that stops unexpectedly is a failed result, and
/// the checks after it still run.
pub async fn run_checks<P: Probes>(
    probes: Arc<P>,
    opts: CheckOptions,
    limits: Limits,
    tx: UnboundedSender<Progress>,
    checks: Vec<Arc<dyn Check<P>>>,
) -> Report {
    let started_at = probes.now();
    let cx = Arc::new(Cx::new(probes.clone(), opts, limits, tx));
    let ids: Vec<CheckId> = checks.iter().map(|c| c.id()).collect();
    let mut ended = std::collections::HashMap::new();
    let mut signals = Vec::new();
    for c in &checks {
        let (done, seen) = tokio::sync::watch::channel(false);
        ended.insert(c.id(), seen);
        signals.push(done);
    }
    let mut running = Vec::new();
    for (check, done) in checks.into_iter().zip(signals) {
        let waits: Vec<_> = check
            .after()
            .iter()
            .filter_map(|id| ended.get(id).cloned())
            .collect();
        let cx = cx.clone();
        let id = check.id();
        running.push((
            id,
            tokio::spawn(async move {
                for mut w in waits {
                    // A check that stopped unexpectedly drops its signal: go on without it.
                    let _ = w.wait_for(|ended| *ended).await;
                }
                let result = match check.switched_off(&cx.opts) {
                    Some(words) => crate::checks::skipped(id, words),
                    None => check.run(&cx).await,
                };
                cx.finish(result);
                let _ = done.send(true);
            }),
        ));
    }
    for (id, task) in running {
        if let Err(e) = task.await {
            cx.finish(crashed(id, &e));
        }
    }
    crate::checks::one_cause(&cx);
    let checks = cx.results_in(&ids);
    let took = probes.now().duration_since(started_at);
    Report {
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        started_at,
        duration_ms: took.as_millis().max(0) as u64,
        overall: Report::overall_of(&checks),
        checks,
        checklist: Vec::new(),
        compared: Vec::new(),
    }
}

fn crashed(id: CheckId, e: &tokio::task::JoinError) -> CheckResult {
    tracing::error!(check = ?id, error = %e, "check task failed");
    crashed_result(id)
}
