//! The check engine over fake probes: run order, skip rules, time limits and failure paths,
//! with no device, socket or clock of the machine involved.

use std::net::SocketAddr;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use image::{Rgb, RgbImage};
use jiff::{SignedDuration, Timestamp};
use preflight_audio::{
    AudioError, Capture, CaptureRequest, ChimeDetection, Level, SpeakerOutcome, SpeakerRequest,
};
use preflight_camera::{CameraError, FrameSource, SyntheticSource};
use preflight_engine::{
    run_with, CameraChoice, CheckOptions, Limits, Probes, Progress, Report, SpeedTest,
};
use preflight_model::{CheckId, Status};
use preflight_net::capacity::{Capacity, CapacityEvent};
use preflight_net::{
    LinkInfo, LinkKind, PlatformTarget, Probe, ProbeConfig, ProbeError, Reachability,
};
use preflight_person::frame::FrameAnalysis;

/// What a fake probe does when called.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Act {
    Works,
    Fails,
    Hangs,
    Panics,
}

/// A gate the hanging blocking fakes wait on; opened once the check has ended, so no thread
/// outlives the test (the runtime waits for its blocking threads when it shuts down).
#[derive(Default)]
struct Gate(Mutex<bool>, Condvar);

impl Gate {
    fn wait(&self) {
        let mut open = self.0.lock().unwrap();
        while !*open {
            open = self.1.wait(open).unwrap();
        }
    }
    fn open(&self) {
        *self.0.lock().unwrap() = true;
        self.1.notify_all();
    }
}

struct Fake {
    mic: Act,
    chime: Act,
    camera: Act,
    /// How the look at the picture goes (`Works` is the real person and background analysis).
    analysis: Act,
    link: Act,
    link_kind: LinkKind,
    /// Per server name: how the lookup goes.
    dns: Act,
    /// Answers per probe run, in order of the runs (missing: every probe answered).
    answers: Mutex<Vec<bool>>,
    probe: Act,
    platforms: Act,
    capacity: Act,
    /// What was called, in order.
    calls: Mutex<Vec<String>>,
    clock: Mutex<Timestamp>,
    gate: Arc<Gate>,
}

impl Default for Fake {
    fn default() -> Self {
        Fake {
            mic: Act::Works,
            chime: Act::Works,
            camera: Act::Works,
            analysis: Act::Works,
            link: Act::Works,
            link_kind: LinkKind::Wired,
            dns: Act::Works,
            answers: Mutex::new(Vec::new()),
            probe: Act::Works,
            platforms: Act::Works,
            capacity: Act::Works,
            calls: Mutex::new(Vec::new()),
            clock: Mutex::new("2026-11-30T09:00:00Z".parse().unwrap()),
            gate: Arc::new(Gate::default()),
        }
    }
}

impl Fake {
    fn call(&self, what: impl Into<String>) {
        self.calls.lock().unwrap().push(what.into());
    }
    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
    fn called(&self, what: &str) -> bool {
        self.calls().iter().any(|c| c == what)
    }
    /// Blocking behaviour shared by the device fakes.
    fn act(&self, act: Act) {
        match act {
            Act::Hangs => self.gate.wait(),
            Act::Panics => panic!("the fake device fell over"),
            Act::Works | Act::Fails => {}
        }
    }
}

/// Half a second of a voice-like tone over a quiet room, at 48 kHz.
fn speech(seconds: f32) -> Vec<f32> {
    let n = (48_000.0 * seconds) as usize;
    (0..n)
        .map(|i| {
            let t = i as f32 / 48_000.0;
            let voiced = (t * 2.0).fract() < 0.6;
            let noise = ((i * 7919) % 1000) as f32 / 1000.0 - 0.5;
            let v = if voiced {
                0.2 * (t * 220.0 * std::f32::consts::TAU).sin()
            } else {
                0.0
            };
            v + 0.0005 * noise
        })
        .collect()
}

impl Probes for Fake {
    fn mic(
        &self,
        req: &CaptureRequest,
        on_level: &mut (dyn FnMut(Level) + Send),
    ) -> Result<Capture, AudioError> {
        self.call("mic");
        self.act(self.mic);
        if self.mic == Act::Fails {
            return Err(AudioError::NoInputDevice);
        }
        on_level(Level {
            rms_dbfs: -20.0,
            peak_dbfs: -6.0,
        });
        Ok(Capture {
            device_name: "Fake microphone".into(),
            sample_rate: 48_000,
            channels: 1,
            samples: speech(req.duration.as_secs_f32()),
            glitches: 0,
        })
    }

    fn chime(&self, req: &SpeakerRequest) -> Result<SpeakerOutcome, AudioError> {
        self.call(format!("chime listen={}", req.listen));
        self.act(self.chime);
        if self.chime == Act::Fails {
            return Err(AudioError::NoOutputDevice);
        }
        Ok(SpeakerOutcome {
            output_device: "Fake speakers".into(),
            frames_played: 100,
            frames_expected: 100,
            listened: req.listen.then(|| {
                Ok(ChimeDetection {
                    note_prominence_db: vec![30.0, 30.0, 30.0],
                    notes_heard: 3,
                    heard: true,
                })
            }),
        })
    }

    fn camera(&self, _choice: &CameraChoice) -> Result<Box<dyn FrameSource>, CameraError> {
        self.call("camera");
        self.act(self.camera);
        if self.camera == Act::Fails {
            return Err(CameraError::NoCamera);
        }
        Ok(Box::new(SyntheticSource::new("Fake camera", 30, |n| {
            RgbImage::from_fn(320, 180, |x, y| {
                Rgb([
                    (x % 200) as u8 + 40,
                    (y % 150) as u8 + 60,
                    (n % 50) as u8 + 100,
                ])
            })
        })))
    }

    fn analyze(&self, frame: &RgbImage) -> FrameAnalysis {
        self.call("analyze");
        self.act(self.analysis);
        preflight_person::frame::analyze(preflight_person::shared(), frame)
    }

    fn link(&self) -> LinkInfo {
        self.call("link");
        self.act(self.link);
        LinkInfo {
            kind: self.link_kind,
            interface: Some("eth9".into()),
            reason: "fake".into(),
            speed_mbps: None,
            signal_dbm: None,
        }
    }

    async fn resolve(&self, server: &str, _limit: Duration) -> Result<SocketAddr, ProbeError> {
        self.call(format!("resolve {server}"));
        match self.dns {
            Act::Hangs => std::future::pending().await,
            Act::Fails | Act::Panics => Err(ProbeError::Dns(server.into())),
            Act::Works => {
                let n = server.len() as u8;
                Ok(SocketAddr::from(([127, 0, 0, n], 3478)))
            }
        }
    }

    async fn probe(
        &self,
        server: SocketAddr,
        cfg: &ProbeConfig,
        mut on_probe: impl FnMut(&Probe) + Send,
    ) -> Result<Vec<Probe>, ProbeError> {
        self.call(format!("probe {server}"));
        if self.probe == Act::Hangs {
            return std::future::pending().await;
        }
        let answers = {
            let mut a = self.answers.lock().unwrap();
            if a.is_empty() {
                true
            } else {
                a.remove(0)
            }
        };
        let probes: Vec<Probe> = (0..cfg.count)
            .map(|seq| Probe {
                seq,
                sent_ms: seq as f64 * 20.0,
                rtt_ms: answers.then_some(25.0 + (seq % 3) as f64),
            })
            .collect();
        probes.iter().for_each(&mut on_probe);
        Ok(probes)
    }

    async fn platforms(&self, targets: &[PlatformTarget], _limit: Duration) -> Vec<Reachability> {
        self.call("platforms");
        if self.platforms == Act::Hangs {
            return std::future::pending().await;
        }
        targets
            .iter()
            .map(|t| match self.platforms {
                // No name resolves (a network whose internet does not answer).
                Act::Fails => Reachability {
                    target: t.clone(),
                    ok: false,
                    dns_ms: None,
                    connect_ms: None,
                    tls_ms: None,
                    problem: Some(preflight_net::ReachProblem::Dns),
                    error: Some("name lookup failed".into()),
                    media: None,
                },
                _ => Reachability {
                    target: t.clone(),
                    ok: true,
                    dns_ms: Some(5.0),
                    connect_ms: Some(10.0),
                    tls_ms: Some(20.0),
                    problem: None,
                    error: None,
                    media: None,
                },
            })
            .collect()
    }

    async fn capacity(
        &self,
        endpoint: &SpeedTest,
        _on_event: impl FnMut(CapacityEvent) + Send,
    ) -> Capacity {
        self.call("capacity");
        if self.capacity == Act::Hangs {
            return std::future::pending().await;
        }
        Capacity {
            up_mbps: Some(20.0),
            down_mbps: Some(80.0),
            idle_rtt_ms: Some(20.0),
            loaded_rtt_ms: Some(30.0),
            up_bytes: 1_000_000,
            down_bytes: 4_000_000,
            server: endpoint.upload_url.clone(),
            problem: None,
        }
    }

    fn now(&self) -> Timestamp {
        // Each reading is 1.5 s after the one before: the report's times come from this clock.
        let mut t = self.clock.lock().unwrap();
        let now = *t;
        *t = now + SignedDuration::from_millis(1500);
        now
    }

    fn pause(&self, d: Duration) {
        self.call(format!("pause {}ms", d.as_millis()));
    }
}

/// The order a report lists the checks in: the model's (the window draws its cards in it).
const ORDER: [CheckId; 9] = CheckId::ALL;

fn options() -> CheckOptions {
    CheckOptions {
        mic_seconds: 1.0,
        camera_seconds: 0.5,
        stun_servers: vec!["stun.one.test:3478".into(), "stun.two.example:3478".into()],
        platforms: Some(vec![PlatformTarget {
            name: "Meet".into(),
            host: "meet.test".into(),
            port: 443,
            media: None,
        }]),
        speed_test: Some(SpeedTest {
            download_url: "https://speed.test/down?bytes={bytes}".into(),
            upload_url: "https://speed.test/up".into(),
        }),
        ..CheckOptions::default()
    }
}

/// Short limits so the hanging fakes cost a test a second or two.
fn short() -> Limits {
    let s = Duration::from_millis(1200);
    Limits {
        mic_extra: s,
        chime: s,
        camera_extra: s,
        analysis: s,
        link: s,
        probing: s,
        platforms: s,
        capacity: s,
    }
}

async fn run(fake: &Arc<Fake>, opts: CheckOptions, limits: Limits) -> (Report, Vec<Progress>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let report = run_with(fake.clone(), opts, limits, tx).await;
    fake.gate.open();
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    (report, events)
}

fn result(r: &Report, id: CheckId) -> &preflight_model::CheckResult {
    r.checks.iter().find(|c| c.id == id).unwrap()
}

fn started(events: &[Progress]) -> Vec<CheckId> {
    events
        .iter()
        .filter_map(|e| match e {
            Progress::Started { id, .. } => Some(*id),
            _ => None,
        })
        .collect()
}

fn finished(events: &[Progress]) -> Vec<CheckId> {
    events
        .iter()
        .filter_map(|e| match e {
            Progress::Finished { result } => Some(result.id),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_check_runs_in_its_order_and_reports_as_it_goes() {
    let fake = Arc::new(Fake::default());
    let (r, events) = run(&fake, options(), Limits::default()).await;
    let ids: Vec<_> = r.checks.iter().map(|c| c.id).collect();
    assert_eq!(ids, ORDER, "one result per check, in a fixed order");
    for c in &r.checks {
        assert_ne!(c.status, Status::Skipped, "{c:?}");
    }
    // The room is measured before the chime plays, and the mentor is told before it plays.
    let calls = fake.calls();
    let pos = |what: &str| calls.iter().position(|c| c == what).unwrap();
    assert!(pos("mic") < pos("pause 400ms"));
    assert!(pos("pause 400ms") < pos("chime listen=true"));
    // The capacity probe follows the call-quality probes (its upload would colour the delay).
    assert!(pos("probe 127.0.0.18:3478") < pos("capacity"));
    assert!(
        !calls.iter().any(|c| c.contains("127.0.0.21")),
        "the second server is only asked when the first is silent: {calls:?}"
    );
    // Progress: each step started and finished; the speaker started after the microphone.
    let s = started(&events);
    assert!(
        s.iter().position(|&i| i == CheckId::Mic) < s.iter().position(|&i| i == CheckId::Speaker)
    );
    let mut f = finished(&events);
    f.sort_by_key(|id| ORDER.iter().position(|o| o == id));
    f.dedup();
    assert_eq!(f, ORDER);
    assert!(events
        .iter()
        .any(|e| matches!(e, Progress::MicLevel { .. })));
    assert!(events
        .iter()
        .any(|e| matches!(e, Progress::CameraFrame { .. })));
    assert!(events
        .iter()
        .any(|e| matches!(e, Progress::NetProbe { .. })));
    // The report's times come from the probes' clock.
    assert_eq!(r.started_at.to_string(), "2026-11-30T09:00:00Z");
    assert_eq!(r.duration_ms, 1500);
    assert_eq!(result(&r, CheckId::Network).status, Status::Pass);
    assert_eq!(result(&r, CheckId::Speaker).status, Status::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switched_off_checks_are_skipped_without_touching_their_devices() {
    let fake = Arc::new(Fake::default());
    let opts = CheckOptions {
        skip_mic: true,
        camera: CameraChoice::Off,
        skip_network: true,
        ..options()
    };
    let (r, _) = run(&fake, opts, Limits::default()).await;
    for id in ORDER {
        let c = result(&r, id);
        let expect = if id == CheckId::Speaker {
            Status::Pass
        } else {
            Status::Skipped
        };
        assert_eq!(c.status, expect, "{c:?}");
    }
    // The chime still listens with the microphone: listening is not the microphone check.
    assert_eq!(fake.calls(), ["pause 400ms", "chime listen=true"]);
    assert_eq!(r.overall, Status::Pass);

    // Only the capacity probe switched off: everything else runs, it does not.
    let fake = Arc::new(Fake::default());
    let opts = CheckOptions {
        skip_capacity: true,
        ..options()
    };
    let (r, _) = run(&fake, opts, Limits::default()).await;
    assert_eq!(result(&r, CheckId::Capacity).status, Status::Skipped);
    assert!(!fake.called("capacity"));
    assert_eq!(result(&r, CheckId::Quality).status, Status::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_camera_that_fails_leaves_the_picture_checks_skipped_with_the_reason() {
    let fake = Arc::new(Fake {
        camera: Act::Fails,
        ..Fake::default()
    });
    let (r, _) = run(&fake, options(), Limits::default()).await;
    let cam = result(&r, CheckId::Camera);
    assert_eq!(cam.status, Status::Fail);
    assert!(
        cam.summary.starts_with("No camera was found"),
        "{}",
        cam.summary
    );
    assert!(cam.advice.as_deref().unwrap().contains("Plug in a webcam"));
    for id in [CheckId::Background, CheckId::Framing] {
        let c = result(&r, id);
        assert_eq!(c.status, Status::Skipped);
        assert!(c.summary.contains("camera check failed"), "{}", c.summary);
    }
    assert_eq!(r.overall, Status::Fail);
    // A failed microphone is a failed check with advice, not an error.
    let fake = Arc::new(Fake {
        mic: Act::Fails,
        chime: Act::Fails,
        ..Fake::default()
    });
    let (r, _) = run(&fake, options(), Limits::default()).await;
    for id in [CheckId::Mic, CheckId::Speaker] {
        let c = result(&r, id);
        assert_eq!(c.status, Status::Fail, "{c:?}");
        assert!(c.advice.is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_no_speed_test_and_no_guessing() {
    let fake = Arc::new(Fake {
        link_kind: LinkKind::Offline,
        dns: Act::Fails,
        ..Fake::default()
    });
    let (r, _) = run(&fake, options(), Limits::default()).await;
    assert_eq!(result(&r, CheckId::Network).status, Status::Fail);
    // One cause, one problem: the Connection card fails with the fix; the checks over the
    // internet say only that they were not measured, and why.
    let problems: Vec<_> = r
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Warn))
        .map(|c| c.id)
        .filter(|id| {
            !matches!(
                id,
                CheckId::Mic
                    | CheckId::Speaker
                    | CheckId::Camera
                    | CheckId::Background
                    | CheckId::Framing
            )
        })
        .collect();
    assert_eq!(problems, vec![CheckId::Network]);
    for id in [CheckId::Quality, CheckId::Platforms, CheckId::Capacity] {
        let c = result(&r, id);
        assert_eq!(c.status, Status::Skipped, "{c:?}");
        assert!(
            c.summary.starts_with("Not measured: you are offline"),
            "{}",
            c.summary
        );
    }
    assert!(!fake.called("capacity"), "no speed test offline");
    assert!(
        fake.calls().iter().all(|c| !c.starts_with("probe")),
        "nothing to probe without DNS"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_whose_internet_does_not_answer_is_not_good() {
    let fake = Arc::new(Fake {
        dns: Act::Fails,
        platforms: Act::Fails,
        ..Fake::default()
    });
    let (r, _) = run(&fake, options(), Limits::default()).await;
    let net = result(&r, CheckId::Network);
    assert_eq!(net.status, Status::Fail, "cable, but no internet");
    assert!(net
        .summary
        .ends_with("But the internet does not answer from here."));
    assert!(net.advice.is_some());
    // The one problem is the Connection card's; call quality, the meeting apps and the speed
    // test only say they were not measured (the servers tried stay under Measurements).
    for id in [CheckId::Quality, CheckId::Platforms, CheckId::Capacity] {
        let c = result(&r, id);
        assert_eq!(c.status, Status::Skipped, "{c:?}");
        assert!(
            c.summary
                .starts_with("Not measured: the internet does not answer"),
            "{}",
            c.summary
        );
        assert!(!c.summary.contains("stun"), "{}", c.summary);
    }
    assert!(result(&r, CheckId::Quality)
        .details
        .iter()
        .any(|d| d.key == "tried" && d.text.contains("stun")));
    assert!(!fake.called("capacity"), "no speed test without internet");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_first_server_is_checked_against_the_second() {
    let fake = Arc::new(Fake::default());
    *fake.answers.lock().unwrap() = vec![false, true];
    let (r, _) = run(&fake, options(), Limits::default()).await;
    let q = result(&r, CheckId::Quality);
    let server = q.details.iter().find(|d| d.key == "server").unwrap();
    assert_eq!(server.text, "stun.two.example:3478");
    assert_eq!(q.status, Status::Pass);
    assert!(fake.called("probe 127.0.0.21:3478"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn measurements_that_never_answer_end_within_their_limits() {
    let fake = Arc::new(Fake {
        mic: Act::Hangs,
        camera: Act::Hangs,
        link: Act::Hangs,
        probe: Act::Hangs,
        platforms: Act::Hangs,
        capacity: Act::Hangs,
        ..Fake::default()
    });
    let out = tokio::time::timeout(Duration::from_secs(60), run(&fake, options(), short())).await;
    fake.gate.open(); // a check that did hang must not hang the test too
    let (r, _) = out.expect("the check ends although nothing answers");
    let mic = result(&r, CheckId::Mic);
    assert_eq!(mic.status, Status::Fail);
    assert!(
        mic.summary.contains("did not answer within 3 seconds"),
        "{}",
        mic.summary
    );
    let cam = result(&r, CheckId::Camera);
    assert_eq!(cam.status, Status::Fail);
    assert!(
        cam.summary.contains("did not deliver a picture"),
        "{}",
        cam.summary
    );
    assert_eq!(result(&r, CheckId::Background).status, Status::Skipped);
    let link = result(&r, CheckId::Network);
    assert_eq!(link.status, Status::Warn);
    assert!(
        link.summary.contains("did not answer in time"),
        "{}",
        link.summary
    );
    // No probe answered in time: reported as no answers (UDP blocked), not as good.
    assert_eq!(result(&r, CheckId::Quality).status, Status::Warn);
    for id in [CheckId::Platforms, CheckId::Capacity] {
        let c = result(&r, id);
        assert_eq!(c.status, Status::Warn, "{c:?}");
        assert!(
            c.summary.contains("could not finish within 2 seconds"),
            "{}",
            c.summary
        );
    }
    // The speaker test still ran after the microphone gave up.
    assert_eq!(result(&r, CheckId::Speaker).status, Status::Pass);
    assert_eq!(r.overall, Status::Fail);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_look_at_the_picture_that_never_ends_is_a_warning_and_the_check_ends() {
    // On Windows, tract once waited for good on a helper program at its first matrix product:
    // whatever hangs inside the analysis, the check ends and says what was not judged.
    let fake = Arc::new(Fake {
        analysis: Act::Hangs,
        ..Fake::default()
    });
    let out = tokio::time::timeout(Duration::from_secs(60), run(&fake, options(), short())).await;
    fake.gate.open();
    let (r, events) = out.expect("the check ends although the analysis never does");
    assert!(fake.called("analyze"));
    // The camera delivered its frames: its own verdict stands (the fake's frames barely
    // change, so "frozen"), not a time-out.
    let cam = result(&r, CheckId::Camera);
    assert!(cam.summary.contains("frozen"), "{cam:?}");
    assert!(cam.details.iter().any(|d| d.key == "frames"), "{cam:?}");
    for id in [CheckId::Background, CheckId::Framing] {
        let c = result(&r, id);
        assert_eq!(c.status, Status::Warn, "{c:?}");
        assert!(c.summary.contains("not judged"), "{}", c.summary);
        assert!(c.summary.contains("2 seconds"), "{}", c.summary);
    }
    let mut f = finished(&events);
    f.sort_by_key(|id| ORDER.iter().position(|o| o == id));
    f.dedup();
    assert_eq!(f, ORDER, "every step reports its end");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_falls_over_is_a_failed_check_not_a_crash() {
    let fake = Arc::new(Fake {
        mic: Act::Panics,
        camera: Act::Panics,
        ..Fake::default()
    });
    let (r, _) = run(&fake, options(), Limits::default()).await;
    for id in [CheckId::Mic, CheckId::Camera] {
        let c = result(&r, id);
        assert_eq!(c.status, Status::Fail);
        assert!(c.summary.contains("stopped unexpectedly"), "{}", c.summary);
    }
    assert_eq!(result(&r, CheckId::Speaker).status, Status::Pass);
    assert_eq!(result(&r, CheckId::Network).status, Status::Pass);
}

#[test]
fn the_runner_iterates_the_list_of_checks() {
    // One entry per check, in the report's order; each waits only for checks before it in the
    // list, so the order can never deadlock.
    let list = preflight_engine::checks::all::<Fake>();
    let ids: Vec<CheckId> = list.iter().map(|c| c.id()).collect();
    assert_eq!(ids, ORDER);
    for (i, c) in list.iter().enumerate() {
        assert!(!c.needs().is_empty(), "{:?} says what it uses", c.id());
        for a in c.after() {
            assert!(ids[..i].contains(a), "{:?} waits for a later {a:?}", c.id());
        }
    }
}

/// A check written in this test: it reports what the connection check found. It shows what
/// adding a check takes — a module like this (id, needs, order, words, run) and a line in the
/// list. (Its id is an existing one: `CheckId` is the model's closed list, which the records
/// and the windows name checks by, so a real new check adds its variant there too.)
struct LinkEcho;

impl preflight_engine::checks::Check<Fake> for LinkEcho {
    fn id(&self) -> CheckId {
        CheckId::Platforms
    }

    fn needs(&self) -> &'static [preflight_engine::checks::Need] {
        &[preflight_engine::checks::Need::Network]
    }

    fn after(&self) -> &'static [CheckId] {
        &[CheckId::Network]
    }

    fn switched_off(&self, opts: &CheckOptions) -> Option<String> {
        opts.skip_network.then(|| "Echo switched off.".into())
    }

    fn run<'a>(
        &'a self,
        cx: &'a preflight_engine::checks::Cx<Fake>,
    ) -> preflight_engine::checks::Running<'a> {
        Box::pin(async move {
            cx.started(CheckId::Platforms, "Echoing the link…");
            let kind = cx.facts().link.as_ref().map(|l| l.kind);
            preflight_model::CheckResult::new(
                CheckId::Platforms,
                Status::Pass,
                format!("The link is {kind:?}."),
            )
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_added_to_the_list_runs_in_its_place_with_what_it_waits_for() {
    let fake = Arc::new(Fake::default());
    let mut list = preflight_engine::checks::all::<Fake>();
    let at = list
        .iter()
        .position(|c| c.id() == CheckId::Platforms)
        .unwrap();
    list[at] = Arc::new(LinkEcho);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let r =
        preflight_engine::run_checks(fake.clone(), options(), Limits::default(), tx, list).await;
    fake.gate.open();
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    // It ran after the connection check, with its link, in its place in the report.
    assert_eq!(r.checks[at].summary, "The link is Some(Wired).");
    assert!(
        !fake.called("platforms"),
        "the built-in meeting-app check was replaced"
    );
    let s = started(&events);
    let pos = |id| s.iter().position(|&i| i == id).unwrap();
    assert!(pos(CheckId::Network) < pos(CheckId::Platforms));
    assert!(finished(&events).contains(&CheckId::Platforms));
    // The options switch it off with its own words.
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let mut list = preflight_engine::checks::all::<Fake>();
    list[at] = Arc::new(LinkEcho);
    let off = CheckOptions {
        skip_network: true,
        ..options()
    };
    let r = preflight_engine::run_checks(fake.clone(), off, Limits::default(), tx, list).await;
    assert_eq!(r.checks[at].summary, "Echo switched off.");
    assert_eq!(r.checks[at].status, Status::Skipped);
}
