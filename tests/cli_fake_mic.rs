//! The `preflight` CLI against fake devices: a fake microphone (ALSA `file` plugin) with real
//! cpal capture of a known recording, fake speakers, a test picture for the camera, and a
//! loopback STUN server behind a seeded impairment relay; checked through the JSON report and
//! the exit code.

use std::process::Command;
use std::time::Duration;

use preflight_e2e::netsim::{Impairment, Relay, StunServer, TlsServer};

use preflight_e2e::{
    built_binary, check_card, read_raw, require_tool, FakeInput, FakeMic, FakeSound, FAKE_RATE,
};
use serde_json::Value;

/// Runs `preflight check --json` with the fake mic, no camera and no network (so the result
/// depends only on the microphone). Returns the report and the exit code.
fn check(mic: &FakeMic, seconds: f32) -> (Value, i32) {
    let seconds = seconds.to_string();
    check_json(
        mic.home(),
        &[
            "--no-camera",
            "--no-network",
            "--no-speaker",
            "--mic-seconds",
            &seconds,
        ],
    )
}

/// Like [`check`] (4 seconds), with the microphone called `name` chosen (`--mic`).
fn check_mic(mic: &FakeMic, name: &str) -> (Value, i32) {
    check_json(
        mic.home(),
        &["--no-camera", "--no-network", "--no-speaker", "--mic", name],
    )
}

/// Runs `preflight check --json ARGS` with `HOME` at `home` (so ALSA and the settings are the
/// test's own) and returns the report and the exit code.
fn check_json(home: &std::path::Path, args: &[&str]) -> (Value, i32) {
    let out = preflight_cli(home, &[&["check", "--json"], args].concat());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.code().expect("exit code"))
}

/// Runs `preflight ARGS` with `HOME` at `home`.
fn preflight_cli(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    preflight_e2e::preflight_command(home, args)
        .env_remove("ALSA_CONFIG_PATH")
        .output()
        .expect("run preflight")
}

fn mic_result(report: &Value) -> &Value {
    let mic = &report["checks"][0];
    assert_eq!(mic["id"], "mic");
    mic
}

fn detail(check: &Value, key: &str) -> f64 {
    check["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == key)
        .unwrap_or_else(|| panic!("no detail {key} in {check}"))["value"]
        .as_f64()
        .unwrap()
}

/// `sox stat` figures (RMS and peak amplitude, as dBFS) of the first `seconds` of a raw file.
fn sox_stat(raw: &std::path::Path, seconds: f32) -> (f64, f64) {
    let out = Command::new("sox")
        .args([
            "-t",
            "raw",
            "-r",
            &FAKE_RATE.to_string(),
            "-e",
            "signed-integer",
            "-b",
            "16",
            "-c",
            "1",
        ])
        .arg(raw)
        .args(["-n", "trim", "0", &seconds.to_string(), "stat"])
        .output()
        .expect("run sox");
    let text = String::from_utf8_lossy(&out.stderr);
    let field = |name: &str| -> f64 {
        let line = text
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} in {text}"));
        line.split(':').nth(1).unwrap().trim().parse().unwrap()
    };
    let db = |x: f64| 20.0 * x.log10();
    let peak = field("Maximum amplitude").max(-field("Minimum amplitude"));
    (db(field("RMS     amplitude")), db(peak))
}

#[test]
fn speech_passes_and_matches_sox() {
    let mic = FakeMic::new(FakeSound::Speech);
    let (report, code) = check(&mic, 3.0);
    let m = mic_result(&report);
    assert_eq!(m["status"], "pass", "{m}");
    assert_eq!(report["overall"], "pass");
    assert_eq!(code, 0);
    assert!(m["summary"].as_str().unwrap().contains("microphone works"));
    assert!((detail(m, "duration_s") - 3.0).abs() < 0.05);

    // What cpal captured has the level sox measures on the file. ALSA's `file` plugin skips
    // some input frames under cpal's read pattern (arecord gets them all), so the captured
    // three seconds are not exactly the file's first three: allow 1 dB. The exact comparison
    // of our analysis with sox, on identical samples, is `analysis_matches_sox_exactly`.
    require_tool("sox", "sox");
    let (sox_rms, sox_peak) = sox_stat(mic.raw.as_ref().unwrap(), 3.0);
    let (rms, peak) = (detail(m, "rms_dbfs"), detail(m, "peak_dbfs"));
    assert!((rms - sox_rms).abs() < 1.0, "rms {rms} vs sox {sox_rms}");
    assert!(
        (peak - sox_peak).abs() < 1.0,
        "peak {peak} vs sox {sox_peak}"
    );
    // Speech has pauses: the room (noise floor) is far below the voice.
    assert!(detail(m, "noise_floor_dbfs") < -60.0);
    assert!(detail(m, "speech_dbfs") > -30.0);
}

#[test]
fn silence_fails_with_advice() {
    let mic = FakeMic::new(FakeSound::Silence);
    let (report, code) = check(&mic, 1.0);
    let m = mic_result(&report);
    assert_eq!(m["status"], "fail", "{m}");
    assert!(m["summary"].as_str().unwrap().contains("No sound"), "{m}");
    assert!(m["advice"].as_str().unwrap().contains("muted"));
    assert_eq!(report["overall"], "fail");
    assert_eq!(code, 2);
}

#[test]
fn noisy_room_warns() {
    let mic = FakeMic::new(FakeSound::NoisyRoom);
    let (report, code) = check(&mic, 3.0);
    let m = mic_result(&report);
    assert_eq!(m["status"], "warn", "{m}");
    assert!(m["summary"].as_str().unwrap().contains("noisy"), "{m}");
    assert!(detail(m, "noise_floor_dbfs") > -45.0);
    assert_eq!(code, 1);
}

#[test]
fn clipped_speech_warns_about_distortion() {
    let mic = FakeMic::new(FakeSound::Clipped);
    let (report, code) = check(&mic, 3.0);
    let m = mic_result(&report);
    assert_eq!(m["status"], "warn", "{m}");
    assert!(detail(m, "clipping_events") > 0.0);
    assert!(m["summary"].as_str().unwrap().contains("distorting"), "{m}");
    assert_eq!(code, 1);
}

#[test]
fn human_report_and_devices_list() {
    let mic = FakeMic::new(FakeSound::Speech);
    let out = preflight_cli(
        mic.home(),
        &[
            "check",
            "--no-camera",
            "--no-network",
            "--no-speaker",
            "--mic-seconds",
            "1",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("PASS  Microphone"), "{text}");
    assert!(text.contains("Overall: PASS"), "{text}");
    // Progress goes to stderr, not into the report.
    assert!(String::from_utf8_lossy(&out.stderr).contains("Listening"));

    let out = preflight_cli(mic.home(), &["devices", "--json"]);
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    let inputs = d["audio"]["inputs"].as_array().unwrap();
    assert!(
        inputs
            .iter()
            .any(|i| i["name"] == "default" && i["isDefault"] == true),
        "{d}"
    );
    assert!(d["cameras"].is_array());
}

#[test]
fn missing_camera_image_is_a_clear_failure() {
    let home = tempfile::tempdir().unwrap();
    let (report, code) = check_json(
        home.path(),
        &[
            "--no-mic",
            "--no-speaker",
            "--no-network",
            "--camera-image",
            "/nonexistent/room.png",
        ],
    );
    let camera = check_card(&report, "camera");
    assert_eq!(camera["status"], "fail");
    assert!(camera["summary"]
        .as_str()
        .unwrap()
        .contains("/nonexistent/room.png"));
    assert_eq!(check_card(&report, "background")["status"], "skipped");
    assert_eq!(code, 2);
}

#[test]
fn the_mentor_in_the_picture_is_found_and_framing_advised() {
    let home = tempfile::tempdir().unwrap();
    let centred = preflight_e2e::portrait_on_a_wall(home.path(), "astronaut.png", 0);
    let args = |p: &std::path::Path| {
        vec![
            "--no-mic".to_string(),
            "--no-speaker".into(),
            "--no-network".into(),
            "--camera-image".into(),
            p.display().to_string(),
        ]
    };
    let a = args(&centred);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let (report, _) = check_json(home.path(), &a);
    let framing = check_card(&report, "framing");
    assert_eq!(framing["status"], "pass", "{framing}");
    assert_eq!(framing["title"], "You in the picture");
    // The busyness map leaves her out: the background is the plain wall and the photo's edges.
    let bg = check_card(&report, "background");
    assert_eq!(bg["status"], "pass", "{bg}");

    // Moved to the right edge: the advice says so, in the terminal too, aligned under the title.
    let off = preflight_e2e::portrait_on_a_wall(home.path(), "astronaut.png", 420);
    let a = args(&off);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let (report, _) = check_json(home.path(), &a);
    let framing = check_card(&report, "framing");
    assert_eq!(framing["status"], "warn", "{framing}");
    assert!(framing["summary"]
        .as_str()
        .unwrap()
        .contains("off to the right"));
    let out = preflight_cli(home.path(), &[&["check"], &a[..]].concat());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("! WARN  You in the picture You are off to the right"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{:27}→ Move your chair", "")),
        "{text}"
    );
}

#[test]
fn analysis_matches_sox_exactly() {
    // The same samples through our analysis and through `sox stat`: RMS and peak agree to 0.01 dB.
    require_tool("sox", "sox");
    for sound in [FakeSound::Speech, FakeSound::NoisyRoom, FakeSound::Clipped] {
        let mic = FakeMic::new(sound);
        let raw = mic.raw.as_ref().unwrap();
        let mut samples = read_raw(raw);
        samples.truncate(FAKE_RATE as usize * 3);
        let a =
            preflight_audio::analyze(&samples, FAKE_RATE, preflight_audio::ClipParams::default());
        let (sox_rms, sox_peak) = sox_stat(raw, 3.0);
        assert!(
            (a.rms_dbfs as f64 - sox_rms).abs() < 0.01,
            "{sound:?}: rms {} vs sox {sox_rms}",
            a.rms_dbfs
        );
        assert!(
            (a.peak_dbfs as f64 - sox_peak).abs() < 0.01,
            "{sound:?}: peak {} vs sox {sox_peak}",
            a.peak_dbfs
        );
    }
}

/// Runs the speaker test alone (after a short mic check, as in real use).
fn speaker_check(mic: &FakeMic, extra: &[&str]) -> (Value, i32) {
    let args = [
        &["--no-camera", "--no-network", "--mic-seconds", "2"],
        extra,
    ]
    .concat();
    check_json(mic.home(), &args)
}

#[test]
fn speaker_chime_is_played_and_heard_by_the_microphone() {
    let mic = FakeMic::new(FakeSound::Chime);
    let (report, code) = speaker_check(&mic, &["--no-mic"]);
    let spk = check_card(&report, "speaker");
    assert_eq!(spk["status"], "pass", "{spk}");
    assert!(
        spk["summary"]
            .as_str()
            .unwrap()
            .contains("microphone heard"),
        "{spk}"
    );
    assert!(spk["question"].is_null());
    assert_eq!(code, 0);
    // What reached the (fake) speakers really is the chime.
    let played = read_raw(&mic.played);
    assert!(
        preflight_audio::detect_chime(&played, FAKE_RATE).heard,
        "the played audio holds the chime"
    );
}

#[test]
fn speaker_chime_not_heard_asks_the_mentor() {
    // Speech only: the microphone never hears the chime (as with headphones).
    let mic = FakeMic::new(FakeSound::Speech);
    let (report, code) = speaker_check(&mic, &[]);
    let spk = check_card(&report, "speaker");
    assert_eq!(spk["status"], "warn", "{spk}");
    assert_eq!(spk["question"], "Did you hear the three-note chime?");
    assert_eq!(code, 1);
    // The chime still went out to the speakers.
    assert!(preflight_audio::detect_chime(&read_raw(&mic.played), FAKE_RATE).heard);
}

#[test]
fn missing_devices_are_clear_failures() {
    let mic = FakeMic::new(FakeSound::Speech);
    let (report, code) = speaker_check(
        &mic,
        &["--mic", "No Such Mic", "--speaker", "No Such Speaker"],
    );
    let m = check_card(&report, "mic");
    assert_eq!(m["status"], "fail");
    assert!(
        m["summary"]
            .as_str()
            .unwrap()
            .contains("\"No Such Mic\" was not found"),
        "{m}"
    );
    assert!(
        m["summary"].as_str().unwrap().contains("Available: "),
        "{m}"
    );
    let s = check_card(&report, "speaker");
    assert_eq!(s["status"], "fail");
    assert!(
        s["summary"]
            .as_str()
            .unwrap()
            .contains("\"No Such Speaker\" was not found"),
        "{s}"
    );
    assert_eq!(code, 2);
}

#[test]
fn remembered_choice_is_used_and_named() {
    let mic = FakeMic::new(FakeSound::Speech);
    // --remember stores the choice; the next run without --mic uses it.
    let (first, _) = speaker_check(&mic, &["--mic", "mic", "--remember", "--no-speaker"]);
    assert_eq!(check_card(&first, "mic")["status"], "pass");
    let settings = mic
        .home()
        .join(".config/org.mentorpreflight.app/settings.json");
    let saved: Value = serde_json::from_slice(&std::fs::read(&settings).unwrap()).unwrap();
    assert_eq!(saved["mic"], "mic");
    let (second, _) = speaker_check(&mic, &["--no-speaker"]);
    let device = check_card(&second, "mic")["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == "device")
        .unwrap()["text"]
        .clone();
    assert_eq!(device, "mic");
}

#[test]
fn corrupt_settings_are_kept_aside() {
    let mic = FakeMic::new(FakeSound::Speech);
    let dir = mic.home().join(".config/org.mentorpreflight.app");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("settings.json"), "{ not json").unwrap();
    let out = preflight_cli(
        mic.home(),
        &[
            "check",
            "--json",
            "--no-camera",
            "--no-network",
            "--no-speaker",
            "--mic-seconds",
            "1",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("was damaged") && stderr.contains(".corrupt-"),
        "{stderr}"
    );
    let kept: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        kept.iter().any(|n| n.starts_with("settings.json.corrupt-")),
        "{kept:?}"
    );
    // The check still ran with defaults.
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check_card(&report, "mic")["status"], "pass");
}

#[test]
fn unavailable_default_device_is_a_clear_failure() {
    // ALSA's default device points at a sound card that does not exist.
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join(".asoundrc"),
        "pcm.!default { type hw; card 7 }\n",
    )
    .unwrap();
    let (report, code) = check_json(
        home.path(),
        &["--no-camera", "--no-network", "--mic-seconds", "1"],
    );
    for id in ["mic", "speaker"] {
        let c = check_card(&report, id);
        assert_eq!(c["status"], "fail", "{c}");
        assert!(
            c["summary"].as_str().unwrap().contains("is not available"),
            "{c}"
        );
        assert!(c["advice"].as_str().unwrap().contains("Plug in"), "{c}");
    }
    assert_eq!(code, 2);
}

#[test]
fn no_camera_is_said_plainly() {
    // CI machines have no camera: the real nokhwa path runs and says so. (Where a camera is
    // present the path still runs and gives a verdict; the wording of "no camera" is also
    // checked over fake probes in crates/engine/tests/engine.rs.)
    let home = tempfile::tempdir().unwrap();
    let (report, _) = check_json(home.path(), &["--no-mic", "--no-speaker", "--no-network"]);
    let camera = check_card(&report, "camera");
    if std::path::Path::new("/dev/video0").exists() {
        assert_ne!(camera["status"], "skipped", "{camera}");
        return;
    }
    assert_eq!(camera["status"], "fail");
    assert!(
        camera["summary"]
            .as_str()
            .unwrap()
            .starts_with("No camera was found"),
        "{camera}"
    );
    assert!(camera["advice"]
        .as_str()
        .unwrap()
        .contains("Plug in a webcam"));
    assert_eq!(check_card(&report, "background")["status"], "skipped");
    let devices = preflight_cli(home.path(), &["devices"]);
    assert!(String::from_utf8_lossy(&devices.stdout).contains("Cameras:\n  none found"));
}

/// Runs only the network checks against `server` and returns the call-quality result and the
/// time the run took.
fn quality_check(server: &str) -> (Value, Duration) {
    let t0 = std::time::Instant::now();
    let home = tempfile::tempdir().unwrap();
    let (report, _) = check_json(
        home.path(),
        &[
            "--no-mic",
            "--no-speaker",
            "--no-camera",
            "--no-platforms",
            "--no-capacity",
            "--stun-server",
            server,
        ],
    );
    (check_card(&report, "quality").clone(), t0.elapsed())
}

#[test]
fn call_quality_against_a_local_stun_server() {
    let server = StunServer::start();
    let (q, took) = quality_check(&server.addr.to_string());
    assert_eq!(q["status"], "pass", "{q}");
    assert!(
        q["summary"]
            .as_str()
            .unwrap()
            .contains("good for video calls"),
        "{q}"
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn a_slow_lossy_path_is_reported_with_its_figures() {
    let server = StunServer::start();
    let relay = Relay::start(
        server.addr,
        Impairment {
            delay_ms: 350.0,
            jitter_ms: 10.0,
            loss: 0.0,
            seed: 3,
        },
    );
    let (q, took) = quality_check(&relay.addr.to_string());
    assert_eq!(q["status"], "warn", "{q}");
    assert!(
        q["summary"]
            .as_str()
            .unwrap()
            .contains("there is a noticeable delay"),
        "{q}"
    );
    let rtt = q["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == "rtt_avg_ms")
        .unwrap()["value"]
        .as_f64()
        .unwrap();
    assert!((rtt - 355.0).abs() < 10.0, "rtt {rtt}");
    assert!(took < Duration::from_secs(10), "{took:?}");

    let lossy = Relay::start(
        server.addr,
        Impairment {
            delay_ms: 20.0,
            jitter_ms: 0.0,
            loss: 0.3,
            seed: 11,
        },
    );
    let (q, _) = quality_check(&lossy.addr.to_string());
    assert_eq!(q["status"], "fail", "{q}");
    assert!(q["summary"].as_str().unwrap().contains("too poor"), "{q}");
}

#[test]
fn blocked_udp_and_broken_dns_are_clear_and_quick() {
    let closed = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap().to_string();
    drop(closed);
    let (q, took) = quality_check(&addr);
    assert_eq!(q["status"], "warn", "{q}");
    assert!(
        q["summary"].as_str().unwrap().contains("seems to block"),
        "{q}"
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn an_offline_machine_is_told_so_quickly() {
    // A network namespace of its own with nothing in it (not even loopback up): no traffic can
    // leave, DNS cannot be reached, there is no default route.
    require_tool("unshare", "util-linux");
    let t0 = std::time::Instant::now();
    let out = Command::new("unshare")
        .arg("-n")
        .arg(built_binary("preflight"))
        .args([
            "check",
            "--json",
            "--no-mic",
            "--no-speaker",
            "--no-camera",
            "--stun-server",
            "stun.example.org:3478",
        ])
        .env("HOME", tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let link = check_card(&report, "network");
    assert_eq!(link["status"], "fail");
    assert!(
        link["summary"]
            .as_str()
            .unwrap()
            .starts_with("You are offline"),
        "{link}"
    );
    // One cause, one problem: the checks over the internet only say they were not measured
    // (the speed test is not even tried), and no server's name is in their words.
    for id in ["quality", "platforms", "capacity"] {
        let c = check_card(&report, id);
        assert_eq!(c["status"], "skipped", "{c}");
        let words = c["summary"].as_str().unwrap();
        assert!(words.starts_with("Not measured: you are offline"), "{c}");
        assert!(!words.contains("example.org"), "{c}");
    }
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
}

#[test]
fn meeting_platform_reachability() {
    // A local TLS endpoint with a certificate nobody vouches for: what a captive portal looks like.
    let tls = TlsServer::start();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    let run = |platforms: &[String]| {
        let home = tempfile::tempdir().unwrap();
        let mut args = vec![
            "--no-mic",
            "--no-speaker",
            "--no-camera",
            "--no-capacity",
            "--stun-server",
            "127.0.0.1:9",
        ];
        for p in platforms {
            args.extend(["--platform", p.as_str()]);
        }
        let (report, _) = check_json(home.path(), &args);
        check_card(&report, "platforms").clone()
    };
    let portal = run(&[format!("Portal=localhost:{}", tls.addr.port())]);
    assert_eq!(portal["status"], "warn", "{portal}");
    assert!(
        portal["summary"].as_str().unwrap().contains("sign-in page"),
        "{portal}"
    );
    let down = run(&[format!("Down=127.0.0.1:{closed_port}")]);
    assert_eq!(down["status"], "fail", "{down}");
    assert!(
        down["summary"]
            .as_str()
            .unwrap()
            .contains("None of the meeting apps"),
        "{down}"
    );
    assert!(
        down["details"][0]["text"]
            .as_str()
            .unwrap()
            .contains("refused"),
        "{down}"
    );
}

#[test]
fn scripts_show_and_templates_are_checked() {
    let home = tempfile::tempdir().unwrap();
    let out = preflight_cli(
        home.path(),
        &[
            "script",
            "show",
            "--template",
            "first-session",
            "--var",
            "mentee=Sam",
            "--var",
            "programme_sessions=7",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Welcome, Sam."), "{text}");
    assert!(text.contains("The programme has 7 sessions"), "{text}");
    assert!(text.contains("→ Next step:"), "{text}");
    // A sentence that needs a variable nobody gave is left out, never read out as a gap.
    assert!(
        !text.contains("I'm ") && !text.contains("[mentor]") && !text.contains("{{"),
        "{text}"
    );

    let bad = home.path().join("mine.toml");
    std::fs::write(
        &bad,
        "name = \"Mine\"\n[[phase]]\ntitle = \"Hello\"\nminutes = 0\nprompts = [\"Hi\"]\n",
    )
    .unwrap();
    let out = preflight_cli(home.path(), &["script", "check", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mine.toml:4:") && err.contains("1 to 180"),
        "{err}"
    );

    let good = home.path().join("good.toml");
    std::fs::write(&good, "name = \"Mine\"\n[[phase]]\ntitle = \"Hello\"\nminutes = 5\nprompts = [\"Hi {{mentee}}\"]\ncall_to_action = \"Reply by email\"\n").unwrap();
    let out = preflight_cli(home.path(), &["script", "check", good.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("OK"));
}

/// The speech of `mic` as a laptop's built-in microphone across the desk hears it: 30 dB down,
/// over a fan's hiss at about −48 dBFS. A raw file beside it.
fn far_and_hissing(mic: &FakeMic) -> std::path::PathBuf {
    let raw = mic.raw.as_ref().expect("speech");
    let far = mic.home().join("far.raw");
    let raw_format = [
        "-t",
        "raw",
        "-r",
        "48000",
        "-e",
        "signed-integer",
        "-b",
        "16",
        "-c",
        "1",
    ];
    let hiss = mic.home().join("hiss.raw");
    let ok = Command::new("sox")
        .args(["-n"])
        .args(raw_format)
        .arg(&hiss)
        .args(["synth", "12", "brownnoise", "vol", "0.02"])
        .status()
        .unwrap();
    assert!(ok.success());
    let ok = Command::new("sox")
        .args(["-m", "-v", "0.03"])
        .args(raw_format)
        .arg(raw)
        .args(raw_format)
        .arg(&hiss)
        .args(raw_format)
        .arg(&far)
        .status()
        .unwrap();
    assert!(ok.success());
    far
}

#[test]
fn a_silent_chosen_microphone_while_a_headset_hears_the_mentor_names_the_headset() {
    // The laptop's microphone (silent: muted, or the lid closed) is the system default; the
    // headset plugged in beside it hears the mentor.
    let mic = FakeMic::silent_laptop_beside_a_headset();
    let out = preflight_cli(mic.home(), &["devices"]);
    let devices = String::from_utf8_lossy(&out.stdout);
    for name in ["Laptop Built-in Microphone", "USB Headset Microphone"] {
        assert!(devices.contains(name), "{devices}");
    }

    let (report, code) = check(&mic, 4.0);
    let m = mic_result(&report);
    assert_eq!(m["status"], "fail", "{m}");
    assert_eq!(
        m["summary"],
        "Your computer's default microphone hears nothing, but \"USB Headset Microphone\" hears you: the wrong microphone is chosen."
    );
    assert_eq!(
        m["offer"],
        serde_json::json!({"kind": "useMicrophone", "name": "USB Headset Microphone"})
    );
    assert!(m["advice"].as_str().unwrap().contains("meeting app"), "{m}");
    assert_eq!(code, 2);

    // The terminal report names it, with the way to switch.
    let out = preflight_cli(
        mic.home(),
        &["check", "--no-camera", "--no-network", "--no-speaker"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("but \"USB Headset Microphone\" hears you"),
        "{text}"
    );
    assert!(
        text.contains("preflight check --mic \"USB Headset Microphone\" --remember"),
        "{text}"
    );

    // Switched to the headset: it passes, and the silent laptop microphone has nothing to add.
    let (report, _) = check_mic(&mic, "USB Headset Microphone");
    let m = mic_result(&report);
    assert_eq!(m["status"], "pass", "{m}");
    assert!(m["offer"].is_null(), "{m}");
}

#[test]
fn a_headset_that_hears_the_mentor_far_more_clearly_than_the_chosen_microphone_is_offered() {
    let mic = FakeMic::new(FakeSound::Speech);
    let speech = mic.raw.clone().unwrap();
    let far = far_and_hissing(&mic);
    let mic = mic.with_inputs(
        &[
            FakeInput {
                description: "USB Headset Microphone",
                raw: Some(&speech),
            },
            FakeInput {
                description: "Laptop Built-in Microphone",
                raw: Some(&far),
            },
        ],
        0,
    );
    // The laptop's microphone is chosen by name; it hears the mentor, faintly.
    let (report, _) = check_mic(&mic, "Laptop Built-in Microphone");
    let m = mic_result(&report);
    assert_eq!(m["status"], "warn", "{m}");
    assert_eq!(
        m["summary"],
        "\"USB Headset Microphone\" hears you much more clearly than \"Laptop Built-in Microphone\", the microphone chosen now.",
        "{m}"
    );
    assert!(detail(m, "better_by_db") >= 10.0, "{m}");
    assert_eq!(m["offer"]["name"], "USB Headset Microphone");
    // The headset itself (the default) is not told to use the laptop's.
    let (report, _) = check(&mic, 4.0);
    let m = mic_result(&report);
    assert_eq!(m["status"], "pass", "{m}");
    assert!(m["offer"].is_null(), "{m}");
}
