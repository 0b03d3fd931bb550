//! Runs the checks concurrently and assembles the [`Report`].

use std::path::PathBuf;
use std::time::{Duration, Instant};

use preflight_camera::{FrameSource, ImageSource, NokhwaSource};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::UnboundedSender;
use ts_rs::TS;

use crate::model::{CheckId, CheckResult, Report, Status};
use crate::progress::Progress;
use crate::{thresholds, verdict};

/// Which camera to check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind", content = "value")]
#[ts(export)]
pub enum CameraChoice {
    /// The first camera the system lists.
    #[default]
    Default,
    /// The camera with this name.
    Named(String),
    /// A still image file standing in for a camera (tests, demos).
    Image(String),
    /// Do not check the camera (and so not the background either).
    Off,
}

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

/// A speed-test endpoint for the capacity check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SpeedTest {
    /// GET address serving N bytes; `{bytes}` stands for the number.
    pub download_url: String,
    /// POST address that accepts (and discards) a body.
    pub upload_url: String,
}

impl Default for SpeedTest {
    fn default() -> Self {
        SpeedTest {
            download_url: preflight_net::capacity::DEFAULT_DOWNLOAD_URL.into(),
            upload_url: preflight_net::capacity::DEFAULT_UPLOAD_URL.into(),
        }
    }
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

/// Runs every check in `opts` concurrently, sending [`Progress`] events on `tx`, and returns
/// the report. Device and network failures become failed checks, never errors.
pub async fn run(opts: CheckOptions, tx: UnboundedSender<Progress>) -> Report {
    let started_at = jiff::Timestamp::now();
    let t0 = Instant::now();

    // The microphone and the speakers share the room: the chime must not play while the room
    // noise is measured, so these two run one after the other (camera and network alongside).
    let audio = {
        let (opts, tx) = (opts.clone(), tx.clone());
        tokio::task::spawn_blocking(move || (mic_check(&opts, &tx), speaker_check(&opts, &tx)))
    };
    let camera = {
        let (opts, tx) = (opts.clone(), tx.clone());
        tokio::task::spawn_blocking(move || camera_checks(&opts, &tx))
    };
    let network = {
        let (opts, tx) = (opts.clone(), tx.clone());
        tokio::spawn(async move { network_checks(&opts, &tx).await })
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

    Report {
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        started_at,
        duration_ms: t0.elapsed().as_millis() as u64,
        overall: Report::overall_of(&checks),
        checks,
        checklist: Vec::new(),
    }
}

fn crashed(id: CheckId, e: &tokio::task::JoinError) -> CheckResult {
    tracing::error!(check = ?id, error = %e, "check task failed");
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

fn mic_check(opts: &CheckOptions, tx: &UnboundedSender<Progress>) -> CheckResult {
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
    let result = match preflight_audio::capture(&req, |level| {
        send(tx, Progress::MicLevel { level })
    }) {
        Ok(cap) => {
            let a =
                preflight_audio::analyze(&cap.samples, cap.sample_rate, thresholds::clip_params());
            verdict::mic(&cap.device_name, &a, cap.glitches)
        }
        Err(e) => verdict::mic_error(&e),
    };
    finish(tx, result)
}

/// How long the mentor is told "a chime plays in a moment" before it does.
const CHIME_NOTICE: std::time::Duration = std::time::Duration::from_millis(1000);

fn speaker_check(opts: &CheckOptions, tx: &UnboundedSender<Progress>) -> CheckResult {
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
    // Said before it plays, so the mentor is listening when it comes.
    std::thread::sleep(CHIME_NOTICE);
    let req = preflight_audio::SpeakerRequest {
        output: opts.speaker.clone(),
        input: opts.mic.clone(),
        // Listening needs the microphone but not the microphone check: it runs even when
        // that check is switched off.
        listen: opts.listen_for_chime,
    };
    let result = match preflight_audio::play_chime(&req) {
        Ok(outcome) => verdict::speaker(&outcome),
        Err(e) => verdict::speaker_error(&e),
    };
    finish(tx, result)
}

fn camera_checks(
    opts: &CheckOptions,
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
    let opened = open_camera(&opts.camera);
    let mut frames = 0u32;
    let mut next_preview = Duration::ZERO;
    let sampled = opened.and_then(|mut src| {
        let name = src.name();
        preflight_camera::sample(
            src.as_mut(),
            Duration::from_secs_f32(opts.camera_seconds.clamp(0.2, 30.0)),
            600,
            |frame| {
                frames += 1;
                if frame.timestamp >= next_preview {
                    next_preview =
                        frame.timestamp + Duration::from_secs(1) / crate::preview::PREVIEW_FPS;
                    send(
                        tx,
                        Progress::CameraFrame {
                            frames,
                            preview: crate::preview::encode_preview(&frame.image, &name),
                        },
                    );
                }
            },
        )
    });
    match sampled {
        Ok(s) => {
            send(
                tx,
                Progress::Started {
                    id: CheckId::Background,
                    message: "Looking at you and your background…".into(),
                },
            );
            let analysis =
                preflight_person::frame::analyze(preflight_person::shared(), &s.last_frame);
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
        Err(e) => (
            finish(tx, verdict::camera_error(&e)),
            finish(
                tx,
                CheckResult::new(
                    CheckId::Background,
                    Status::Skipped,
                    "No picture to check the background: the camera check failed.",
                ),
            ),
            finish(
                tx,
                CheckResult::new(
                    CheckId::Framing,
                    Status::Skipped,
                    "No picture to look for your face: the camera check failed.",
                ),
            ),
        ),
    }
}

/// Opens the camera `choice` names (a test picture plays at 30 fps).
pub fn open_camera(
    choice: &CameraChoice,
) -> Result<Box<dyn FrameSource>, preflight_camera::CameraError> {
    Ok(match choice {
        CameraChoice::Image(path) => Box::new(ImageSource::open(&PathBuf::from(path), 30)?),
        CameraChoice::Named(name) => Box::new(NokhwaSource::open(Some(name))?),
        CameraChoice::Default | CameraChoice::Off => Box::new(NokhwaSource::open(None)?),
    })
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
async fn network_checks(
    opts: &CheckOptions,
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
    let link = tokio::task::spawn_blocking(preflight_net::detect)
        .await
        .unwrap_or_else(|_| preflight_net::LinkInfo {
            kind: preflight_net::LinkKind::Unknown,
            interface: None,
            reason: "the network adapter could not be read".into(),
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
            preflight_net::check_platforms(
                &targets,
                preflight_net::default_tls_config(),
                PLATFORM_LIMIT,
            )
            .await,
        )
    };
    let (outcome, reach) = tokio::join!(measure_path(&servers, tx), platforms);
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
            Some(r) => verdict::platforms(&r, offline),
            None => CheckResult::new(
                CheckId::Platforms,
                Status::Skipped,
                "No meeting apps to check.",
            ),
        },
    );
    let capacity_result = finish(
        tx,
        capacity_check(opts, tx, offline, path_result.status).await,
    );
    (link_result, path_result, platforms_result, capacity_result)
}

/// The capacity probe and its verdict.
async fn capacity_check(
    opts: &CheckOptions,
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
    let cfg = preflight_net::capacity::CapacityConfig::new(
        &endpoint.download_url,
        &endpoint.upload_url,
        preflight_net::default_tls_config(),
    );
    let cap = preflight_net::capacity::measure(&cfg, |event| {
        send(
            tx,
            Progress::Capacity {
                event,
                hd_mbps: thresholds::capacity::HD_UP_MBPS,
            },
        )
    })
    .await;
    verdict::capacity(Some(&cap), quality, false)
}

/// What the path measurement found.
#[derive(Debug, Clone, PartialEq)]
pub enum PathOutcome {
    /// Probes went out to `server`; these are the figures.
    Measured {
        /// The STUN server that was used.
        server: String,
        /// The figures.
        stats: preflight_net::PathStats,
    },
    /// No server name could be looked up.
    NoDns {
        /// The names tried.
        servers: Vec<String>,
    },
}

async fn measure_path(servers: &[String], tx: &UnboundedSender<Progress>) -> PathOutcome {
    let lookups = futures_join_all(
        servers
            .iter()
            .cloned()
            .map(|s| async move { preflight_net::resolve(&s, DNS_LIMIT).await }),
    )
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
    let probes = preflight_net::probe(first_addr, &full, |p| {
        send(tx, Progress::NetProbe { probe: *p })
    })
    .await
    .unwrap_or_default();
    let stats = preflight_net::path_stats(&probes);
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
    let probes = preflight_net::probe(second_addr, &quick, |_| {})
        .await
        .unwrap_or_default();
    let second = preflight_net::path_stats(&probes);
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
