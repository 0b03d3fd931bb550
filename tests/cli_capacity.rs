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
