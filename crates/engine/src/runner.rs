//! The check engine: runs the checks concurrently over a [`Probes`] implementation (the real
//! machine in the shells, fakes in its tests), bounds every measurement in time, and assembles
//! the [`Report`].

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::UnboundedSender;
use ts_rs::TS;

use crate::checks::{Check, Cx};
pub use crate::probes::{open_camera, CameraChoice, SpeedTest};
use crate::probes::{Probes, SystemProbes};
use crate::progress::Progress;
use preflight_model::{CheckId, CheckResult, Report, Status};
use preflight_verdict as verdict;

/// What to check and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct CheckOptions {
    /// Microphone name; `None` for the system default.
    pub mic: Option<String>,
    /// Seconds to record from the microphone.
    pub mic_seconds: f32,
    /// Skip the microphone check.
    pub skip_mic: bool,
    /// Speakers or headphones name; `None` for the system default.
    pub speaker: Option<String>,
    /// Skip the speaker test.
    pub skip_speaker: bool,
    /// Listen for the speaker chime with the microphone (turn off to only ask the mentor).
    pub listen_for_chime: bool,
    /// Which camera.
    pub camera: CameraChoice,
    /// Seconds of camera frames to measure.
    pub camera_seconds: f32,
    /// Skip the network checks.
    pub skip_network: bool,
    /// STUN servers (host:port) to measure the call path against; empty for the defaults.
    pub stun_servers: Vec<String>,
    /// Meeting platforms to check; `None` for Zoom, Google Meet, Microsoft Teams and Jitsi,
    /// an empty list to skip the check.
    pub platforms: Option<Vec<preflight_net::PlatformTarget>>,
    /// The speed-test endpoint; `None` for the public default (Cloudflare's speed test).
    pub speed_test: Option<SpeedTest>,
    /// Skip the capacity (speed) check.
    pub skip_capacity: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            mic: None,
            mic_seconds: 4.0,
            skip_mic: false,
            speaker: None,
            skip_speaker: false,
            listen_for_chime: true,
            camera: CameraChoice::Default,
            camera_seconds: 2.0,
            skip_network: false,
            stun_servers: Vec::new(),
            platforms: None,
            speed_test: None,
            skip_capacity: false,
        }
    }
}

/// The sentence the mentor is asked to read while the microphone is recorded.
pub const PROMPT_SENTENCE: &str =
    "Hello, this is my microphone check before today's mentoring session.";

/// How long each measurement may take before the engine stops waiting for it. A device or a
/// network that never answers costs a failed or unfinished check, never a hung one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Opening the microphone, on top of the recording itself.
    pub mic_extra: Duration,
    /// Playing the chime (and listening for it).
    pub chime: Duration,
    /// Opening the camera and reading its frames, on top of the sampling time.
    pub camera_extra: Duration,
    /// Looking at the picture (person, face and background): about 0.1 s on a laptop, 2 s on
    /// a slow one the first time (the models are loaded once).
    pub analysis: Duration,
    /// Finding out what carries the connection.
    pub link: Duration,
    /// One run of call-quality probes (each server's lookup has its own limit too).
    pub probing: Duration,
    /// Reaching the meeting platforms.
    pub platforms: Duration,
    /// The capacity probe.
    pub capacity: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            mic_extra: Duration::from_secs(10),
            chime: Duration::from_secs(20),
            camera_extra: Duration::from_secs(15),
            analysis: Duration::from_secs(20),
            link: Duration::from_secs(8),
            // Probing takes 4.7 s at most (see `ProbeConfig::default`).
            probing: Duration::from_secs(8),
            // Each platform's DNS, TCP and TLS steps have PLATFORM_LIMIT; they run together.
            platforms: crate::checks::PLATFORM_LIMIT * 3 + Duration::from_secs(2),
            // The capacity probe stops itself after 6 s.
            capacity: Duration::from_secs(10),
        }
    }
}

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
    let checks = cx.results_in(&ids);
    let took = probes.now().duration_since(started_at);
    Report {
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        started_at,
        duration_ms: took.as_millis().max(0) as u64,
        overall: Report::overall_of(&checks),
        checks,
        checklist: Vec::new(),
    }
}

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

fn crashed(id: CheckId, e: &tokio::task::JoinError) -> CheckResult {
    tracing::error!(check = ?id, error = %e, "check task failed");
    crashed_result(id)
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
