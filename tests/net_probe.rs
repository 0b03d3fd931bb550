//! STUN probing against a loopback STUN server, directly and through a seeded impairment relay:
//! the measured RTT, jitter and loss must match what the relay injected.

use std::time::{Duration, Instant};

use preflight_e2e::netsim::{Impairment, Relay, StunServer};
use preflight_net::{path_stats, probe, resolve, ProbeConfig, ProbeError};

fn cfg(count: u32) -> ProbeConfig {
    ProbeConfig {
        count,
        interval: Duration::from_millis(50),
        linger: Duration::from_millis(400),
    }
}

#[tokio::test]
async fn clean_loopback_has_no_loss_and_tiny_rtt() {
    let server = StunServer::start();
    let mut seen = 0;
    let probes = probe(server.addr, &cfg(20), |_| seen += 1).await.unwrap();
    let s = path_stats(&probes);
    assert_eq!(seen, 20, "every probe is reported as it settles");
    assert_eq!((s.sent, s.received), (20, 20));
    assert_eq!(s.loss_pct, 0.0);
    assert!(s.rtt_avg_ms < 5.0, "{s:?}");
    assert!(s.mos > 4.3);
}

#[tokio::test]
async fn measured_figures_match_the_injected_impairment() {
    let server = StunServer::start();
    let imp = Impairment {
        delay_ms: 40.0,
        jitter_ms: 30.0,
        loss: 0.1,
        seed: 7,
    };
    let relay = Relay::start(server.addr, imp);
    let probes = probe(relay.addr, &cfg(40), |_| {}).await.unwrap();
    let s = path_stats(&probes);
    let t = relay.treatments();
    assert_eq!(t.len(), 40);

    // Loss: exactly the packets the relay dropped.
    let dropped = t.iter().filter(|x| x.dropped).count() as u32;
    assert!(dropped > 0, "seed 7 drops some packets");
    assert_eq!(s.received, 40 - dropped, "{s:?}");

    // RTT: the injected delays plus a little loopback time. Tolerance: 3 ms on the mean.
    let delivered: Vec<f64> = t
        .iter()
        .filter(|x| !x.dropped)
        .map(|x| x.extra_ms)
        .collect();
    let expected_avg = delivered.iter().sum::<f64>() / delivered.len() as f64;
    assert!(
        (s.rtt_avg_ms - expected_avg).abs() < 3.0,
        "avg {} vs injected {expected_avg}",
        s.rtt_avg_ms
    );
    let expected_min = delivered.iter().cloned().fold(f64::INFINITY, f64::min);
    assert!(
        s.rtt_min_ms >= expected_min - 0.5 && s.rtt_min_ms < expected_min + 3.0,
        "min {} vs {expected_min}",
        s.rtt_min_ms
    );

    // Jitter: mean |ΔRTT| of consecutive answers equals that of the injected delays. Tolerance 3 ms.
    let expected_jitter = delivered
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .sum::<f64>()
        / (delivered.len() - 1) as f64;
    assert!(
        (s.jitter_ms - expected_jitter).abs() < 3.0,
        "jitter {} vs injected {expected_jitter}",
        s.jitter_ms
    );
    // And it is near the theory for uniform 0..30 ms: 10 ms.
    assert!((s.jitter_ms - 10.0).abs() < 4.0, "{}", s.jitter_ms);
}

#[tokio::test]
async fn nobody_listening_is_total_loss_within_the_time_bound() {
    // A port with nothing behind it: a firewall that drops UDP looks the same.
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = sock.local_addr().unwrap();
    drop(sock);
    let t0 = Instant::now();
    let probes = probe(addr, &cfg(10), |_| {}).await.unwrap();
    let s = path_stats(&probes);
    assert_eq!(s.received, 0);
    assert_eq!(s.loss_pct, 100.0);
    // 10 probes 50 ms apart plus 400 ms of waiting: bounded, not hanging.
    assert!(
        t0.elapsed() < Duration::from_millis(1500),
        "{:?}",
        t0.elapsed()
    );
}

#[tokio::test]
async fn addresses_are_checked_and_resolved() {
    // (Name lookups that fail are tested offline, in a network namespace: cli_fake_mic.rs.)
    assert!(matches!(
        resolve("nonsense", Duration::from_secs(1)).await,
        Err(ProbeError::BadAddress(_))
    ));
    assert_eq!(
        resolve("127.0.0.1:3478", Duration::from_secs(1))
            .await
            .unwrap(),
        "127.0.0.1:3478".parse().unwrap()
    );
}

mod reachability {
    use std::time::{Duration, Instant};

    use preflight_e2e::netsim::{SilentServer, TlsServer};
    use preflight_net::reach::{check_platform, tls_config_with_roots};
    use preflight_net::{default_tls_config, PlatformTarget, ReachProblem};

    fn target(name: &str, host: &str, port: u16) -> PlatformTarget {
        PlatformTarget {
            name: name.into(),
            host: host.into(),
            port,
            media: None,
        }
    }

    #[tokio::test]
    async fn a_platforms_call_route_is_udp_when_its_media_server_answers_and_tcp_when_not() {
        use preflight_e2e::netsim::StunServer;
        use preflight_net::MediaRoute;
        let web = TlsServer::start();
        let tls = tls_config_with_roots(web.root());
        // A media server that answers STUN: the fast UDP route, with its round trip.
        let media = StunServer::start();
        let mut t = target("Teams", "localhost", web.addr.port());
        t.media = Some(media.addr.to_string());
        let r = check_platform(&t, tls.clone(), Duration::from_secs(3)).await;
        assert!(r.ok, "{r:?}");
        assert!(
            matches!(r.media, Some(MediaRoute::Udp { rtt_ms }) if rtt_ms < 100.0),
            "{r:?}"
        );
        // A network that drops UDP (a socket that never answers) while TCP 443 works: the web
        // address is reached, the calls have no UDP route — and the probe ends in time.
        let dropped = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        t.media = Some(dropped.local_addr().unwrap().to_string());
        let t0 = Instant::now();
        let r = check_platform(&t, tls.clone(), Duration::from_secs(3)).await;
        assert!(r.ok, "{r:?}");
        assert_eq!(r.media, Some(MediaRoute::NoUdp), "{r:?}");
        assert!(
            t0.elapsed() < Duration::from_millis(2500),
            "{:?}",
            t0.elapsed()
        );
        let words = preflight::verdict::platforms(&[r], false);
        assert_eq!(words.status, preflight::model::Status::Warn);
        assert!(
            words
                .summary
                .starts_with("Teams will have to use the slower TCP route on this network"),
            "{}",
            words.summary
        );
        // No media address (Zoom's answers no standard probe): not measured, and said so.
        t.media = None;
        let r = check_platform(&t, tls, Duration::from_secs(3)).await;
        assert_eq!(r.media, None);
        let words = preflight::verdict::platforms(&[r], false);
        assert!(words.details[0]
            .text
            .ends_with("its call route is not measured"));
    }

    #[tokio::test]
    async fn a_trusted_handshake_is_timed() {
        let server = TlsServer::start();
        let r = check_platform(
            &target("Local", "localhost", server.addr.port()),
            tls_config_with_roots(server.root()),
            Duration::from_secs(3),
        )
        .await;
        assert!(r.ok, "{r:?}");
        assert!(
            r.dns_ms.is_some() && r.connect_ms.is_some() && r.tls_ms.is_some(),
            "{r:?}"
        );
        assert!(r.tls_ms.unwrap() < 1000.0);
    }

    #[tokio::test]
    async fn an_untrusted_certificate_is_named_as_such() {
        // As a captive portal or an intercepting proxy looks: a certificate nobody vouches for.
        let server = TlsServer::start();
        let r = check_platform(
            &target("Local", "localhost", server.addr.port()),
            default_tls_config(),
            Duration::from_secs(3),
        )
        .await;
        assert!(!r.ok);
        assert_eq!(r.problem, Some(ReachProblem::Certificate), "{r:?}");
    }

    #[tokio::test]
    async fn refused_and_silent_endpoints_fail_quickly() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let r = check_platform(
            &target("Closed", "127.0.0.1", port),
            default_tls_config(),
            Duration::from_secs(2),
        )
        .await;
        assert_eq!(r.problem, Some(ReachProblem::Refused), "{r:?}");

        let silent = SilentServer::start();
        let t0 = Instant::now();
        let r = check_platform(
            &target("Silent", "127.0.0.1", silent.addr.port()),
            default_tls_config(),
            Duration::from_millis(800),
        )
        .await;
        assert_eq!(r.problem, Some(ReachProblem::Timeout), "{r:?}");
        assert!(t0.elapsed() < Duration::from_millis(1500));
    }
}
