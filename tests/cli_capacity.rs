//! `preflight check` with the capacity probe against a paced speed-test server on loopback
//! (plain http is allowed only to this computer): the rate it reports, the verdict a mentor
//! reads at each speed, the live progress lines, and agreement with the call-quality card.

use preflight_e2e::check_card;
use preflight_e2e::netsim::{SpeedProfile, SpeedServer, StunServer};
use serde_json::Value;

/// Runs the network part of the check against local STUN and speed-test servers.
fn check(speed: &SpeedServer, stun: &StunServer) -> (Value, String) {
    let home = tempfile::tempdir().unwrap();
    let out = preflight_e2e::preflight_command(
        home.path(),
        &[
            "check",
            "--json",
            "--no-mic",
            "--no-speaker",
            "--no-camera",
            "--no-platforms",
            "--no-record",
            "--stun-server",
            &stun.addr.to_string(),
            "--speed-test-download",
            &speed.download_url(),
            "--speed-test-upload",
            &speed.upload_url(),
        ],
    )
    .output()
    .expect("run preflight");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    let capacity = check_card(&report, "capacity").clone();
    let quality = check_card(&report, "quality").clone();
    assert_eq!(quality["status"], "pass", "{quality}");
    (capacity, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn figure(card: &Value, key: &str) -> f64 {
    card["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == key)
        .and_then(|d| d["value"].as_f64())
        .unwrap_or_else(|| panic!("no {key} in {card}"))
}

#[test]
fn verdicts_at_half_two_and_twenty_mbps() {
    let stun = StunServer::start();
    for (mbps, status, words) in [
        (0.5, "fail", "Too slow for video: audio only"),
        (2.0, "pass", "Your connection can carry HD video"),
        (20.0, "pass", "Your connection can carry HD video"),
    ] {
        let speed = SpeedServer::start(SpeedProfile::symmetric(mbps), false);
        let (card, stderr) = check(&speed, &stun);
        assert_eq!(card["status"], status, "{mbps} Mbps: {card}");
        let summary = card["summary"].as_str().unwrap();
        assert!(summary.starts_with(words), "{mbps} Mbps: {summary}");
        for key in ["up_mbps", "down_mbps"] {
            let m = figure(&card, key);
            assert!((m - mbps).abs() <= 0.2 * mbps, "{key} {m} for {mbps} Mbps");
        }
        // The path was fine, so the advice says the line is full, not broken.
        if status == "fail" {
            let advice = card["advice"].as_str().unwrap();
            assert!(advice.contains("Delay and loss were fine"), "{advice}");
        }
        // The progress on stderr shows the speed as it is measured.
        assert!(
            stderr.contains("upload ") && stderr.contains(" Mbps"),
            "{stderr}"
        );
        assert!(stderr.contains("download "), "{stderr}");
    }
}

#[test]
fn a_stalled_speed_test_is_bounded_and_said_plainly() {
    let stun = StunServer::start();
    let speed = SpeedServer::start(
        SpeedProfile {
            stall: true,
            ..SpeedProfile::symmetric(2.0)
        },
        false,
    );
    let t0 = std::time::Instant::now();
    let (card, _) = check(&speed, &stun);
    assert_eq!(card["status"], "warn", "{card}");
    assert!(
        card["summary"]
            .as_str()
            .unwrap()
            .contains("could not be measured: the speed-test server stopped answering"),
        "{card}"
    );
    assert!(t0.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn a_slow_line_today_is_said_against_the_mentors_usual() {
    // Three recorded checks on a 20 Mbps line make the usual; today the line gives 2 Mbps.
    let home = tempfile::tempdir().unwrap();
    let stun = StunServer::start();
    let run = |speed: &SpeedServer, json: bool| {
        let mut args = vec![
            "check",
            "--no-mic",
            "--no-speaker",
            "--no-camera",
            "--no-platforms",
            "--stun-server",
        ];
        let (stun_addr, down, up) = (
            stun.addr.to_string(),
            speed.download_url(),
            speed.upload_url(),
        );
        args.extend([
            stun_addr.as_str(),
            "--speed-test-download",
            &down,
            "--speed-test-upload",
            &up,
        ]);
        if json {
            args.push("--json");
        }
        let out = preflight_e2e::preflight_command(home.path(), &args)
            .output()
            .expect("run preflight");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let usual = SpeedServer::start(SpeedProfile::symmetric(20.0), false);
    for n in 0..3 {
        let report: Value = serde_json::from_str(&run(&usual, true)).unwrap();
        // Nothing to compare with yet, then nothing unlike the usual.
        assert_eq!(report["compared"], serde_json::json!([]), "check {n}");
    }
    let slow = SpeedServer::start(SpeedProfile::symmetric(2.0), false);
    let today = run(&slow, false);
    let said = today
        .lines()
        .find(|l| l.starts_with("! Your upload is "))
        .unwrap_or_else(|| panic!("no comparison in:\n{today}"));
    assert!(
        said.contains("Mbps, a tenth of your usual 20 — someone at home may be streaming"),
        "{said}"
    );
    assert!(
        today.contains("Unlike your usual (your last checks on this computer):"),
        "{today}"
    );
    // Only figures are kept for it: the records hold numbers, never what was heard or seen.
    let db = home
        .path()
        .join(".local/share/org.mentorpreflight.app/mentor-preflight.sqlite3");
    assert!(db.is_file());
}
