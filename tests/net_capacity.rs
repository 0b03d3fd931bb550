//! The capacity probe against real HTTPS speed-test servers on loopback, held to 0.5, 2 and
//! 20 Mbps by a token bucket: the measured rates within ±20 %, the round trip under load, the
//! time and byte budgets, and a server that stalls, one that refuses, and a bad address. No
//! traffic leaves 127.0.0.1.

use std::time::{Duration, Instant};

use preflight_e2e::netsim::{SpeedProfile, SpeedServer};
use preflight_net::capacity::{measure, CapacityConfig, CapacityEvent, CapacityProblem, Direction};

/// One probe at a time: the rates are measured against the clock, and two busy probes on two
/// cores would measure each other.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn config(server: &SpeedServer) -> CapacityConfig {
    let tls = preflight_net::reach::tls_config_with_roots(server.root());
    CapacityConfig::new(&server.download_url(), &server.upload_url(), tls)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn within(measured: Option<f64>, mbps: f64, what: &str) {
    let m = measured.unwrap_or_else(|| panic!("{what}: nothing measured"));
    assert!(
        (m - mbps).abs() <= 0.2 * mbps,
        "{what}: measured {m:.3} Mbps for a {mbps} Mbps line"
    );
}

#[test]
fn rates_at_half_two_and_twenty_mbps_within_a_fifth() {
    let _serial = serial();
    let rt = runtime();
    for mbps in [0.5, 2.0, 20.0] {
        let server = SpeedServer::start(SpeedProfile::symmetric(mbps), true);
        let cfg = config(&server);
        let t0 = Instant::now();
        let mut events = Vec::new();
        let cap = rt.block_on(measure(&cfg, |e| events.push(e)));
        let took = t0.elapsed();
        assert_eq!(cap.problem, None, "{mbps} Mbps: {cap:?}");
        within(cap.up_mbps, mbps, "upload");
        within(cap.down_mbps, mbps, "download");
        // Budgets: time and bytes (what the server saw agrees with what we counted).
        assert!(took <= cfg.total + Duration::from_millis(700), "{took:?}");
        assert!(cap.up_bytes <= cfg.max_up_bytes && cap.down_bytes <= cfg.max_down_bytes);
        let seen_up = server.uploaded.load(std::sync::atomic::Ordering::Relaxed);
        assert!(seen_up <= cap.up_bytes, "{seen_up} > {}", cap.up_bytes);
        // Live readings came in both directions (at least three each: a transfer stops once its
        // rate has settled, after about a second), in time order.
        let rates: Vec<u32> = events
            .iter()
            .filter_map(|e| match e {
                CapacityEvent::Rate { at_ms, .. } => Some(*at_ms),
                _ => None,
            })
            .collect();
        for way in [Direction::Up, Direction::Down] {
            let n = events
                .iter()
                .filter(|e| matches!(e, CapacityEvent::Rate { direction, .. } if *direction == way))
                .count();
            assert!(n >= 3, "{mbps} {way:?}: {events:?}");
        }
        assert!(rates.windows(2).all(|w| w[0] <= w[1]), "{rates:?}");
        assert!(cap.idle_rtt_ms.is_some_and(|r| r < 50.0), "{cap:?}");
    }
}

#[test]
fn the_round_trip_under_load_shows_bufferbloat() {
    let _serial = serial();
    let rt = runtime();
    let mut profile = SpeedProfile::symmetric(2.0);
    profile.loaded_delay = Duration::from_millis(250);
    let server = SpeedServer::start(profile, true);
    let cap = rt.block_on(measure(&config(&server), |_| {}));
    let idle = cap.idle_rtt_ms.expect("idle rtt");
    let loaded = cap.loaded_rtt_ms.expect("loaded rtt");
    assert!(loaded - idle >= 200.0, "idle {idle} ms, loaded {loaded} ms");
}

#[test]
fn a_stalled_server_is_bounded_and_named() {
    let _serial = serial();
    let rt = runtime();
    let server = SpeedServer::start(
        SpeedProfile {
            stall: true,
            ..SpeedProfile::symmetric(2.0)
        },
        true,
    );
    let cfg = config(&server);
    let t0 = Instant::now();
    let cap = rt.block_on(measure(&cfg, |_| {}));
    assert!(t0.elapsed() <= cfg.total, "{:?}", t0.elapsed());
    assert_eq!(cap.problem, Some(CapacityProblem::Stalled));
    assert_eq!(cap.up_mbps, None);
}

#[test]
fn refused_untrusted_and_bad_addresses() {
    let _serial = serial();
    let rt = runtime();
    // Nothing listens there.
    let port = preflight_e2e::free_port();
    let tls = preflight_net::default_tls_config();
    let cfg = CapacityConfig::new(
        &format!("https://localhost:{port}/down?bytes={{bytes}}"),
        &format!("https://localhost:{port}/up"),
        tls.clone(),
    );
    let t0 = Instant::now();
    let cap = rt.block_on(measure(&cfg, |_| {}));
    assert!(t0.elapsed() < Duration::from_secs(3));
    assert!(
        matches!(cap.problem, Some(CapacityProblem::Unreachable(_))),
        "{cap:?}"
    );
    // A server whose certificate we do not trust (a Wi-Fi sign-in page, say).
    let server = SpeedServer::start(SpeedProfile::symmetric(2.0), true);
    let cfg = CapacityConfig::new(&server.download_url(), &server.upload_url(), tls.clone());
    let cap = rt.block_on(measure(&cfg, |_| {}));
    assert!(
        matches!(cap.problem, Some(CapacityProblem::Tls(_))),
        "{cap:?}"
    );
    // Plain http is for this computer only.
    let cfg = CapacityConfig::new(
        "http://speed.example.org/down?bytes={bytes}",
        "http://speed.example.org/up",
        tls,
    );
    let cap = rt.block_on(measure(&cfg, |_| {}));
    assert!(
        matches!(cap.problem, Some(CapacityProblem::BadUrl(_))),
        "{cap:?}"
    );
}

#[test]
fn dropping_the_probe_cancels_it_at_once() {
    let _serial = serial();
    let rt = runtime();
    let server = SpeedServer::start(SpeedProfile::symmetric(1.0), true);
    let cfg = config(&server);
    let t0 = Instant::now();
    let r = rt.block_on(async {
        tokio::time::timeout(Duration::from_millis(1200), measure(&cfg, |_| {})).await
    });
    assert!(r.is_err(), "the probe was still running");
    let at_cancel = server.downloaded.load(std::sync::atomic::Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(600));
    let later = server.downloaded.load(std::sync::atomic::Ordering::Relaxed);
    // The server may finish the chunk it was writing; nothing more goes out.
    assert!(later - at_cancel <= 16 * 1024, "{at_cancel} → {later}");
    assert!(t0.elapsed() < Duration::from_secs(3));
}

#[test]
fn a_server_that_does_not_speak_http_is_named() {
    let _serial = serial();
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"SSH-2.0-OpenSSH_9.2\r\n");
        }
    });
    let cfg = CapacityConfig::new(
        &format!("http://127.0.0.1:{port}/down?bytes={{bytes}}"),
        &format!("http://127.0.0.1:{port}/up"),
        preflight_net::default_tls_config(),
    );
    let cap = runtime().block_on(measure(&cfg, |_| {}));
    assert_eq!(cap.problem, Some(CapacityProblem::BadAnswer), "{cap:?}");
    assert!(cap
        .problem
        .unwrap()
        .to_string()
        .contains("answer was not understood"));
    server.join().unwrap();
}
