//! Wall time of a whole `preflight check` as a mentor runs it: the fake microphone speaking,
//! the speaker chime, a test picture as the camera, call quality against a loopback STUN
//! server and the connection speed against a loopback speed-test server at 20 Mbps (no
//! traffic leaves 127.0.0.1). Build the binaries first, then:
//!
//! `cargo build --release -p preflight && cargo run --release -p preflight-e2e --example whole_check`
use std::process::Command;
use std::time::Instant;

use preflight_e2e::netsim::{SpeedProfile, SpeedServer, StunServer};
use preflight_e2e::{built_binary, workspace_root, FakeMic, FakeSound};

fn main() {
    let mic = FakeMic::new(FakeSound::Speech);
    let stun = StunServer::start();
    let speed = SpeedServer::start(SpeedProfile::symmetric(20.0), false);
    let picture = workspace_root().join("fixtures/photos/astronaut.png");
    let mut times = Vec::new();
    for _ in 0..5 {
        let t0 = Instant::now();
        let out = Command::new(built_binary("preflight"))
            .args([
                "check",
                "--json",
                "--no-platforms",
                "--no-record",
                "--no-listen",
            ])
            .args(["--camera-image", picture.to_str().unwrap()])
            .args(["--stun-server", &stun.addr.to_string()])
            .args(["--speed-test-download", &speed.download_url()])
            .args(["--speed-test-upload", &speed.upload_url()])
            .env("HOME", mic.home())
            .output()
            .expect("run preflight");
        let took = t0.elapsed().as_secs_f64();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a report");
        let statuses: Vec<String> = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                format!(
                    "{}={}",
                    c["id"].as_str().unwrap(),
                    c["status"].as_str().unwrap()
                )
            })
            .collect();
        println!("{took:.2} s  {}", statuses.join(" "));
        times.push(took);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "whole check: median {:.2} s, worst {:.2} s over {} runs",
        times[times.len() / 2],
        times[times.len() - 1],
        times.len()
    );
}
