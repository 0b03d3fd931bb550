//! The check engine: runs the checks concurrently over a [`Probes`] implementation (the real
//! machine in the shells, fakes in its tests), bounds every measurement in time, and assembles
//! the [`Report`].

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::UnboundedSender;
use ts_rs::TS;

pub use crate::probes::{open_camera, CameraChoice, SpeedTest};
use crate::probes::{Probes, SystemProbes};
use crate::progress::Progress;
use preflight_model::{CheckId, CheckResult, Report, Status};
use preflight_verdict::PathOutcome;
use preflight_verdict::{self as verdict, thresholds};

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

fn send(tx: &UnboundedSender<Progress>, p: Progress) {
    // A closed channel only means nobody is watching progress any more.
    let _ = tx.send(p);
}

fn finish(tx: &UnboundedSender<Progress>, result: CheckResult) -> CheckResult {
    send(
        tx,
        Progress::Finished {
            result: result.clone(),
        },
    );
    result
}

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
            platforms: PLATFORM_LIMIT * 3 + Duration::from_secs(2),
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
    let started_at = probes.now();

    // The microphone and the speakers share the room: the chime must not play while the room
    // noise is measured, so these two run one after the other (camera and network alongside).
    let audio = {
        let (p, opts, tx) = (probes.clone(), opts.clone(), tx.clone());
        tokio::spawn(async move {
            let mic = mic_check(&p, &opts, &limits, &tx).await;
            let speaker = speaker_check(&p, &opts, &limits, &tx).await;
            (mic, speaker)
        })
    };
    let camera = {
        let (p, opts, tx) = (probes.clone(), opts.clone(), tx.clone());
        tokio::spawn(async move { camera_checks(&p, &opts, &limits, &tx).await })
    };
    let network = {
        let (p, opts, tx) = (probes.clone(), opts.clone(), tx.clone());
        tokio::spawn(async move { network_checks(&p, &opts, &limits, &tx).await })
    };
    let (audio, camera, network) = tokio::join!(audio, camera, network);

    let mut checks = Vec::new();
    match audio {
        Ok((m, s)) => checks.extend([m, s]),
        Err(e) => checks.extend([crashed(CheckId::Mic, &e), crashed(CheckId::Speaker, &e)]),
    }
    match camera {
        Ok((c, b, f)) => checks.extend([c, b, f]),
        Err(e) => checks.extend([
            crashed(CheckId::Camera, &e),
            crashed(CheckId::Background, &e),
            crashed(CheckId::Framing, &e),
        ]),
    }
    match network {
        Ok((link, path, platforms, capacity)) => checks.extend([link, path, platforms, capacity]),
        Err(e) => checks.extend([
            crashed(CheckId::Network, &e),
            crashed(CheckId::Quality, &e),
            crashed(CheckId::Platforms, &e),
            crashed(CheckId::Capacity, &e),
        ]),
    }

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
enum Stopped {
    /// It did not finish within its limit (the thread is left to end on its own).
    TimedOut(Duration),
    /// It panicked.
    Crashed,
}

impl Stopped {
    /// The result that says so.
    fn result(self, id: CheckId) -> CheckResult {
        match self {
            Stopped::TimedOut(limit) => verdict::timed_out(id, limit),
            Stopped::Crashed => crashed_result(id),
        }
    }
}

/// Runs the blocking `f` on a blocking thread and waits at most `limit` for it.
async fn blocking_within<T: Send + 'static>(
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

fn crashed_result(id: CheckId) -> CheckResult {
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

async fn mic_check<P: Probes>(
    probes: &Arc<P>,
    opts: &CheckOptions,
    limits: &Limits,
    tx: &UnboundedSender<Progress>,
) -> CheckResult {
    if opts.skip_mic {
        return finish(
            tx,
            CheckResult::new(
                CheckId::Mic,
                Status::Skipped,
                "Microphone check switched off.",
            ),
        );
    }
    send(
        tx,
        Progress::Started {
            id: CheckId::Mic,
            message: format!(
                "Listening for {:.0} seconds. Please say: \"{PROMPT_SENTENCE}\"",
                opts.mic_seconds
            ),
        },
    );
    let req = preflight_audio::CaptureRequest {
        device: opts.mic.clone(),
        duration: Duration::from_secs_f32(opts.mic_seconds.clamp(0.5, 30.0)),
    };
    let limit = req.duration + limits.mic_extra;
    let (p, meter) = (probes.clone(), tx.clone());
    let captured = blocking_within(limit, move || {
        p.mic(&req, &mut |level| {
            send(&meter, Progress::MicLevel { level })
        })
    })
    .await;
    let result = match captured {
        Ok(Ok(cap)) => {
            let a =
                preflight_audio::analyze(&cap.samples, cap.sample_rate, thresholds::clip_params());
            verdict::mic(&cap.device_name, &a, cap.glitches)
        }
        Ok(Err(e)) => verdict::mic_error(&e),
        Err(stopped) => stopped.result(CheckId::Mic),
    };
    finish(tx, result)
}

/// How long the mentor is told "a chime plays in a moment" before it does.
const CHIME_NOTICE: std::time::Duration = std::time::Duration::from_millis(1000);

async fn speaker_check<P: Probes>(
    probes: &Arc<P>,
    opts: &CheckOptions,
    limits: &Limits,
    tx: &UnboundedSender<Progress>,
) -> CheckResult {
    if opts.skip_speaker {
        return finish(
            tx,
            CheckResult::new(
                CheckId::Speaker,
                Status::Skipped,
                "Speaker test switched off.",
            ),
        );
    }
    send(
        tx,
        Progress::Started {
            id: CheckId::Speaker,
            message: "Listen: a short chime plays through your speakers or headphones in a moment."
                .into(),
        },
    );
    let req = preflight_audio::SpeakerRequest {
        output: opts.speaker.clone(),
        input: opts.mic.clone(),
        // Listening needs the microphone but not the microphone check: it runs even when
        // that check is switched off.
        listen: opts.listen_for_chime,
    };
    let p = probes.clone();
    let played = blocking_within(CHIME_NOTICE + limits.chime, move || {
        // Said before it plays, so the mentor is listening when it comes.
        p.pause(CHIME_NOTICE);
        p.chime(&req)
    })
    .await;
    let result = match played {
        Ok(Ok(outcome)) => verdict::speaker(&outcome),
        Ok(Err(e)) => verdict::speaker_error(&e),
        Err(stopped) => stopped.result(CheckId::Speaker),
    };
    finish(tx, result)
}

async fn camera_checks<P: Probes>(
    probes: &Arc<P>,
    opts: &CheckOptions,
    limits: &Limits,
    tx: &UnboundedSender<Progress>,
) -> (CheckResult, CheckResult, CheckResult) {
    if opts.camera == CameraChoice::Off {
        return (
            finish(
                tx,
                CheckResult::new(
                    CheckId::Camera,
                    Status::Skipped,
                    "Camera check switched off.",
                ),
            ),
            finish(
                tx,
                CheckResult::new(
                    CheckId::Background,
                    Status::Skipped,
                    "Background check needs the camera, which was switched off.",
                ),
            ),
            finish(
                tx,
                CheckResult::new(
                    CheckId::Framing,
                    Status::Skipped,
                    "Framing check needs the camera, which was switched off.",
                ),
            ),
        );
    }
    send(
        tx,
        Progress::Started {
            id: CheckId::Camera,
            message: "Looking through your camera…".into(),
        },
    );
    let seconds = Duration::from_secs_f32(opts.camera_seconds.clamp(0.2, 30.0));
    let (p, choice, live) = (probes.clone(), opts.camera.clone(), tx.clone());
    let sampled = blocking_within(seconds + limits.camera_extra, move || {
        let mut frames = 0u32;
        let mut next_preview = Duration::ZERO;
        p.camera(&choice)
            .and_then(|mut src| {
                let name = src.name();
                preflight_camera::sample(src.as_mut(), seconds, 600, |frame| {
                    frames += 1;
                    if frame.timestamp >= next_preview {
                        next_preview =
                            frame.timestamp + Duration::from_secs(1) / crate::preview::PREVIEW_FPS;
                        send(
                            &live,
                            Progress::CameraFrame {
                                frames,
                                preview: crate::preview::encode_preview(&frame.image, &name),
                            },
                        );
                    }
                })
            })
            .map(|s| (s, frames))
    })
    .await;
    let sampled = match sampled {
        Ok(s) => s,
        Err(stopped) => {
            return without_picture(
                tx,
                stopped.result(CheckId::Camera),
                "the camera did not answer",
            )
        }
    };
    match sampled {
        Ok((s, frames)) => {
            send(
                tx,
                Progress::Started {
                    id: CheckId::Background,
                    message: "Looking at you and your background…".into(),
                },
            );
            let (p, frame) = (probes.clone(), s.last_frame.clone());
            let analysis = match blocking_within(limits.analysis, move || p.analyze(&frame)).await {
                Ok(a) => a,
                Err(stopped) => {
                    // The camera worked; only the look at its picture did not finish.
                    let (background, framing) = match stopped {
                        Stopped::TimedOut(limit) => (
                            verdict::analysis_timed_out(CheckId::Background, limit),
                            verdict::analysis_timed_out(CheckId::Framing, limit),
                        ),
                        Stopped::Crashed => (
                            crashed_result(CheckId::Background),
                            crashed_result(CheckId::Framing),
                        ),
                    };
                    return (
                        finish(tx, verdict::camera(&s.source, &s.summary)),
                        finish(tx, background),
                        finish(tx, framing),
                    );
                }
            };
            let cam = finish(
                tx,
                verdict::camera_with_face(&s.source, &s.summary, analysis.framing.is_some()),
            );
            send(
                tx,
                Progress::CameraFrame {
                    frames,
                    preview: crate::preview::encode_preview(&s.last_frame, &s.source),
                },
            );
            send(
                tx,
                Progress::SceneMap {
                    scene: analysis.scene.clone(),
                    framing: analysis.framing.clone(),
                },
            );
            (
                cam,
                finish(tx, verdict::background(&analysis.scene)),
                finish(tx, verdict::framing(&analysis)),
            )
        }
        Err(e) => without_picture(tx, verdict::camera_error(&e), "the camera check failed"),
    }
}

/// The camera's result, and the background and framing checks skipped because there is no
/// picture to look at (`why`).
fn without_picture(
    tx: &UnboundedSender<Progress>,
    camera: CheckResult,
    why: &str,
) -> (CheckResult, CheckResult, CheckResult) {
    (
        finish(tx, camera),
        finish(
            tx,
            CheckResult::new(
                CheckId::Background,
                Status::Skipped,
                format!("No picture to check the background: {why}."),
            ),
        ),
        finish(
            tx,
            CheckResult::new(
                CheckId::Framing,
                Status::Skipped,
                format!("No picture to look for your face: {why}."),
            ),
        ),
    )
}

/// Time allowed for each step (DNS, connect, TLS) of reaching a meeting platform.
const PLATFORM_LIMIT: Duration = Duration::from_secs(3);

/// Most STUN servers looked up (the first is measured, the second asked if it is silent).
const MAX_STUN_SERVERS: usize = 4;

/// Most meeting platforms checked (they are checked at the same time).
const MAX_PLATFORMS: usize = 12;

/// Time allowed to look up the STUN servers' names.
const DNS_LIMIT: Duration = Duration::from_secs(2);

/// The link check, the call-quality check, the meeting apps and the capacity probe. Every step
/// is bounded: the call-quality part takes under 10 s even offline (DNS 2 s, probing 4.7 s, a
/// quick second server 1.1 s); the capacity probe follows it (so its upload does not colour
/// the delay measured for calls) and takes at most 6 s more, while the audio steps run.
async fn network_checks<P: Probes>(
    probes: &Arc<P>,
    opts: &CheckOptions,
    limits: &Limits,
    tx: &UnboundedSender<Progress>,
) -> (CheckResult, CheckResult, CheckResult, CheckResult) {
    if opts.skip_network {
        return (
            finish(
                tx,
                CheckResult::new(
                    CheckId::Network,
                    Status::Skipped,
                    "Network check switched off.",
                ),
            ),
            finish(
                tx,
                CheckResult::new(
                    CheckId::Quality,
                    Status::Skipped,
                    "Call-quality check switched off.",
                ),
            ),
            finish(
                tx,
                CheckResult::new(
                    CheckId::Platforms,
                    Status::Skipped,
                    "Meeting-app check switched off.",
                ),
            ),
            finish(
                tx,
                CheckResult::new(
                    CheckId::Capacity,
                    Status::Skipped,
                    "Connection speed check switched off.",
                ),
            ),
        );
    }
    send(
        tx,
        Progress::Started {
            id: CheckId::Network,
            message: "Checking your connection…".into(),
        },
    );
    let p = probes.clone();
    let link = blocking_within(limits.link, move || p.link())
        .await
        .unwrap_or_else(|stopped| preflight_net::LinkInfo {
            kind: preflight_net::LinkKind::Unknown,
            interface: None,
            reason: match stopped {
                Stopped::TimedOut(_) => "the network adapter did not answer in time".into(),
                Stopped::Crashed => "the network adapter could not be read".into(),
            },
            speed_mbps: None,
            signal_dbm: None,
        });
    let link_result = finish(tx, verdict::network(&link));

    send(
        tx,
        Progress::Started {
            id: CheckId::Quality,
            message: "Sending test packets the way a call would…".into(),
        },
    );
    let servers: Vec<String> = if opts.stun_servers.is_empty() {
        preflight_net::DEFAULT_STUN_SERVERS
            .iter()
            .map(|s| s.to_string())
            .collect()
    } else {
        // A settings file may list any number; a few fallbacks are all a check needs.
        opts.stun_servers
            .iter()
            .take(MAX_STUN_SERVERS)
            .cloned()
            .collect()
    };
    let offline = link.kind == preflight_net::LinkKind::Offline;
    let mut targets = opts
        .platforms
        .clone()
        .unwrap_or_else(preflight_net::default_platforms);
    targets.truncate(MAX_PLATFORMS);
    let platforms = async {
        if targets.is_empty() {
            return None;
        }
        send(
            tx,
            Progress::Started {
                id: CheckId::Platforms,
                message: "Checking you can reach Zoom, Meet, Teams and Jitsi…".into(),
            },
        );
        Some(
            tokio::time::timeout(limits.platforms, probes.platforms(&targets, PLATFORM_LIMIT))
                .await
                .map_err(|_| Stopped::TimedOut(limits.platforms)),
        )
    };
    let (outcome, reach) = tokio::join!(measure_path(probes, &servers, limits, tx), platforms);
    let path_result = finish(tx, verdict::path(&outcome, offline, Some(link.kind)));
    // The network is up but the internet does not answer: the connection card must not say
    // "Good" beside a call-quality card saying the internet is not working.
    let link_result = if matches!(outcome, PathOutcome::NoDns { .. }) && !offline {
        finish(tx, verdict::connection_without_internet(link_result))
    } else {
        link_result
    };
    let platforms_result = finish(
        tx,
        match reach {
            Some(Ok(r)) => verdict::platforms(&r, offline),
            Some(Err(stopped)) => stopped.result(CheckId::Platforms),
            None => CheckResult::new(
                CheckId::Platforms,
                Status::Skipped,
                "No meeting apps to check.",
            ),
        },
    );
    let capacity_result = finish(
        tx,
        capacity_check(probes, opts, limits, tx, offline, path_result.status).await,
    );
    (link_result, path_result, platforms_result, capacity_result)
}

/// The capacity probe and its verdict.
async fn capacity_check<P: Probes>(
    probes: &Arc<P>,
    opts: &CheckOptions,
    limits: &Limits,
    tx: &UnboundedSender<Progress>,
    offline: bool,
    quality: Status,
) -> CheckResult {
    if opts.skip_capacity {
        return CheckResult::new(
            CheckId::Capacity,
            Status::Skipped,
            "Connection speed check switched off.",
        );
    }
    if offline {
        return verdict::capacity(None, quality, true);
    }
    send(
        tx,
        Progress::Started {
            id: CheckId::Capacity,
            message: "Measuring how fast you can send and receive video…".into(),
        },
    );
    let endpoint = opts.speed_test.clone().unwrap_or_default();
    let measured = probes.capacity(&endpoint, |event| {
        send(
            tx,
            Progress::Capacity {
                event,
                hd_mbps: thresholds::capacity::HD_UP_MBPS,
            },
        )
    });
    match tokio::time::timeout(limits.capacity, measured).await {
        Ok(cap) => verdict::capacity(Some(&cap), quality, false),
        Err(_) => verdict::timed_out(CheckId::Capacity, limits.capacity),
    }
}

async fn measure_path<P: Probes>(
    probes: &Arc<P>,
    servers: &[String],
    limits: &Limits,
    tx: &UnboundedSender<Progress>,
) -> PathOutcome {
    let lookups = futures_join_all(servers.iter().cloned().map(|s| {
        let p = probes.clone();
        async move {
            // The lookup has its own limit; this one holds for a resolver that ignores it.
            tokio::time::timeout(
                DNS_LIMIT + Duration::from_millis(500),
                p.resolve(&s, DNS_LIMIT),
            )
            .await
            .unwrap_or_else(|_| Err(preflight_net::ProbeError::Dns(s.clone())))
        }
    }))
    .await;
    let resolved: Vec<(String, std::net::SocketAddr)> = servers
        .iter()
        .zip(lookups)
        .filter_map(|(name, r)| r.ok().map(|a| (name.clone(), a)))
        .collect();
    let Some((first_name, first_addr)) = resolved.first().cloned() else {
        return PathOutcome::NoDns {
            servers: servers.to_vec(),
        };
    };
    let full = preflight_net::ProbeConfig::default();
    let probed = tokio::time::timeout(
        limits.probing,
        probes.probe(first_addr, &full, |p| {
            send(tx, Progress::NetProbe { probe: *p })
        }),
    )
    .await;
    let stats = preflight_net::path_stats(&probed.ok().and_then(Result::ok).unwrap_or_default());
    if stats.received > 0 || resolved.len() < 2 {
        return PathOutcome::Measured {
            server: first_name,
            stats,
        };
    }
    // Nothing came back: ask the second server briefly before calling UDP blocked.
    let (second_name, second_addr) = resolved[1].clone();
    let quick = preflight_net::ProbeConfig {
        count: 6,
        interval: Duration::from_millis(100),
        linger: Duration::from_millis(500),
    };
    let probed =
        tokio::time::timeout(limits.probing, probes.probe(second_addr, &quick, |_| {})).await;
    let second = preflight_net::path_stats(&probed.ok().and_then(Result::ok).unwrap_or_default());
    if second.received > 0 {
        PathOutcome::Measured {
            server: second_name,
            stats: second,
        }
    } else {
        PathOutcome::Measured {
            server: first_name,
            stats,
        }
    }
}

/// Awaits all futures concurrently, keeping their order.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.expect("lookup task"));
    }
    out
}
