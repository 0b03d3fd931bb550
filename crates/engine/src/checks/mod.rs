//! The checks, one module each: what it is ([`Check::id`]), what it uses ([`Check::needs`]),
//! which checks it waits for ([`Check::after`]), its words when it is switched off, and how it
//! runs — measuring through the [`Probes`] and judging with its rule from `preflight-verdict`.
//! The runner iterates [`all`]; adding a check is a module here and a line in that list (and
//! its id in `preflight_model::CheckId`, which the records and the windows name it by).
//!
//! Checks share what they measured through [`Facts`] (one camera sample serves the camera, the
//! background and the framing; the link serves call quality, the meeting apps and the speed
//! test), and a check may correct an earlier one's result ([`Cx::amend`]) when what it found
//! changes it (no internet behind a working link; no face in a working camera's picture).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};

use preflight_camera::Sample;
use preflight_model::{CheckId, CheckResult, Status};
use preflight_net::LinkInfo;
use preflight_person::frame::FrameAnalysis;
use tokio::sync::mpsc::UnboundedSender;

use crate::measure::Stopped;
use crate::options::{CheckOptions, Limits};
use crate::probes::Probes;
use crate::progress::Progress;

mod background;
mod camera;
mod capacity;
mod framing;
mod mic;
mod network;
mod platforms;
mod quality;
mod speaker;

/// What a check uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The microphone.
    Microphone,
    /// The speakers or headphones.
    Speakers,
    /// The camera (or a picture standing in for it).
    Camera,
    /// The network.
    Network,
}

/// A check running: its result when it ends.
pub type Running<'a> = Pin<Box<dyn Future<Output = CheckResult> + Send + 'a>>;

/// One check of the pre-flight check.
pub trait Check<P: Probes>: Send + Sync + 'static {
    /// Which check it is.
    fn id(&self) -> CheckId;
    /// What it uses.
    fn needs(&self) -> &'static [Need];
    /// The checks it starts after (their results and measurements are in the context by then).
    fn after(&self) -> &'static [CheckId] {
        &[]
    }
    /// Why it does not run with these options (its words for the mentor), if it does not.
    fn switched_off(&self, opts: &CheckOptions) -> Option<String>;
    /// Measures and judges. Every measurement is bounded in time (see [`Limits`]).
    fn run<'a>(&'a self, cx: &'a Cx<P>) -> Running<'a>;
}

/// Every check, in the order the report lists them.
pub fn all<P: Probes>() -> Vec<Arc<dyn Check<P>>> {
    vec![
        Arc::new(mic::Mic),
        Arc::new(speaker::Speaker),
        Arc::new(camera::Camera),
        Arc::new(background::Background),
        Arc::new(framing::Framing),
        Arc::new(network::Network),
        Arc::new(quality::Quality),
        Arc::new(platforms::Platforms),
        Arc::new(capacity::Capacity),
    ]
}

/// What the checks measured that later checks use.
#[derive(Default)]
pub struct Facts {
    /// The camera's sample and how many frames it read, or why there is no picture.
    pub picture: Option<Result<(Arc<Sample>, u32), String>>,
    /// The look at the picture (person, face, background), or why it did not finish.
    pub analysis: Option<Result<FrameAnalysis, Stopped>>,
    /// What carries the connection.
    pub link: Option<LinkInfo>,
    /// Call quality found a network whose internet does not answer: the checks over the
    /// internet are not measured, and only the Connection card says so as a problem.
    pub no_internet: bool,
}

/// One cause, one problem: once every check has ended, the meeting-app check, which runs beside
/// call quality and so could not know in time that the internet does not answer, is said as
/// not measured if it failed or warned, pointing at the Connection card. (The speed test starts
/// after call quality and says so itself.)
pub(crate) fn one_cause<P: Probes>(cx: &Cx<P>) {
    if !cx.facts().no_internet {
        return;
    }
    cx.amend(CheckId::Platforms, |r| match r.status {
        Status::Fail | Status::Warn => preflight_verdict::not_measured(
            CheckId::Platforms,
            preflight_verdict::NoInternet::NoAnswer,
            None,
        ),
        _ => r,
    });
}

/// What a check runs with: the probes, the options and limits, the progress channel, the facts
/// measured so far and the results given so far.
pub struct Cx<P: Probes> {
    /// The machine (or the fakes of a test).
    pub probes: Arc<P>,
    /// What to check and how.
    pub opts: CheckOptions,
    /// How long each measurement may take.
    pub limits: Limits,
    tx: UnboundedSender<Progress>,
    facts: Mutex<Facts>,
    results: Mutex<HashMap<CheckId, CheckResult>>,
}

impl<P: Probes> Cx<P> {
    /// A context for one run.
    pub fn new(
        probes: Arc<P>,
        opts: CheckOptions,
        limits: Limits,
        tx: UnboundedSender<Progress>,
    ) -> Cx<P> {
        Cx {
            probes,
            opts,
            limits,
            tx,
            facts: Mutex::new(Facts::default()),
            results: Mutex::new(HashMap::new()),
        }
    }

    /// Sends a progress event (nobody listening is not an error).
    pub fn send(&self, p: Progress) {
        let _ = self.tx.send(p);
    }

    /// Says that check `id` has started, and what the mentor should know meanwhile.
    pub fn started(&self, id: CheckId, message: impl Into<String>) {
        self.send(Progress::Started {
            id,
            message: message.into(),
        });
    }

    /// The channel progress goes to (for measurements on other threads).
    pub fn progress(&self) -> UnboundedSender<Progress> {
        self.tx.clone()
    }

    /// The facts measured so far.
    pub fn facts(&self) -> MutexGuard<'_, Facts> {
        self.facts.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn results(&self) -> MutexGuard<'_, HashMap<CheckId, CheckResult>> {
        self.results.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The result check `id` gave, if it has finished.
    pub fn result_of(&self, id: CheckId) -> Option<CheckResult> {
        self.results().get(&id).cloned()
    }

    /// Keeps `result` as its check's result and says so.
    pub fn finish(&self, result: CheckResult) {
        self.results().insert(result.id, result.clone());
        self.send(Progress::Finished { result });
    }

    /// Replaces the result of finished check `id` with what `change` makes of it, and says so.
    pub fn amend(&self, id: CheckId, change: impl FnOnce(CheckResult) -> CheckResult) {
        let amended = self.results().get(&id).cloned().map(change);
        if let Some(r) = amended {
            self.finish(r);
        }
    }

    /// The results in the order of `ids`; a check with none (it never ended) is said to have
    /// stopped unexpectedly.
    pub fn results_in(&self, ids: &[CheckId]) -> Vec<CheckResult> {
        let results = self.results();
        ids.iter()
            .map(|id| {
                results
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| crate::measure::crashed_result(*id))
            })
            .collect()
    }
}

/// A skipped result with `words`.
pub(crate) fn skipped(id: CheckId, words: impl Into<String>) -> CheckResult {
    CheckResult::new(id, Status::Skipped, words)
}
