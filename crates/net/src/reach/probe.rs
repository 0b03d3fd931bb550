//! DNS, TCP and TLS handshakes to the platforms (the `probe` feature).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::time::{timeout, Instant};
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

use super::*;

/// A TLS client configuration trusting the Mozilla root set (webpki-roots), not the system's
/// store, so the result is the same on every machine.
pub fn default_tls_config() -> Arc<ClientConfig> {
    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    tls_config_with_roots(roots)
}

/// A TLS client configuration trusting `roots` (tests use their own root).
pub fn tls_config_with_roots(roots: RootCertStore) -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

/// Checks one platform: its web address (name lookup, connection, secure handshake) and, where
/// it has one, its calls' media route (STUN over UDP), at the same time. Each step is bounded by
/// `limit`, so a dead network answers quickly.
pub async fn check_platform(
    target: &PlatformTarget,
    tls: Arc<ClientConfig>,
    limit: Duration,
) -> Reachability {
    let (mut r, media) = tokio::join!(
        handshake(target, tls, limit),
        media_route(target.media.as_deref(), limit)
    );
    r.media = media;
    r
}

/// The STUN probes sent to a platform's media servers: a few, close together, as the first
/// packets of a call would go.
fn media_probes() -> crate::ProbeConfig {
    crate::ProbeConfig {
        count: 5,
        interval: Duration::from_millis(60),
        linger: Duration::from_millis(600),
    }
}

/// Whether `media` (`host:port`, answering STUN over UDP) answers: a fast UDP route, or none
/// (calls then fall back to TCP); `None` without an address or when its name cannot be looked
/// up (not measured: the web address's lookup says what is wrong).
async fn media_route(media: Option<&str>, limit: Duration) -> Option<MediaRoute> {
    let addr = crate::resolve(media?, limit).await.ok()?;
    let probes = crate::stun_probe::probe(addr, &media_probes(), |_| {})
        .await
        .ok()?;
    let mut rtts: Vec<f64> = probes.iter().filter_map(|p| p.rtt_ms).collect();
    if rtts.is_empty() {
        return Some(MediaRoute::NoUdp);
    }
    rtts.sort_by(f64::total_cmp);
    Some(MediaRoute::Udp {
        rtt_ms: rtts[rtts.len() / 2],
    })
}

/// The web address's name lookup, connection and TLS handshake.
async fn handshake(
    target: &PlatformTarget,
    tls: Arc<ClientConfig>,
    limit: Duration,
) -> Reachability {
    let mut r = Reachability {
        target: target.clone(),
        ok: false,
        dns_ms: None,
        connect_ms: None,
        tls_ms: None,
        problem: None,
        error: None,
        media: None,
    };
    let fail = |mut r: Reachability, problem, error: String| {
        r.problem = Some(problem);
        r.error = Some(error);
        r
    };
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;

    let t = Instant::now();
    let addr: SocketAddr = match timeout(
        limit,
        tokio::net::lookup_host((target.host.as_str(), target.port)),
    )
    .await
    {
        Ok(Ok(mut addrs)) => match addrs.next() {
            Some(a) => a,
            None => return fail(r, ReachProblem::Dns, "no address".into()),
        },
        Ok(Err(e)) => return fail(r, ReachProblem::Dns, e.to_string()),
        Err(_) => return fail(r, ReachProblem::Dns, "name lookup timed out".into()),
    };
    r.dns_ms = Some(ms(t));

    let t = Instant::now();
    let tcp = match timeout(limit, TcpStream::connect(addr)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return fail(r, ReachProblem::Refused, e.to_string()),
        Err(_) => {
            return fail(
                r,
                ReachProblem::Timeout,
                "no answer to the connection".into(),
            )
        }
    };
    r.connect_ms = Some(ms(t));

    let Ok(server_name) = ServerName::try_from(target.host.clone()) else {
        return fail(
            r,
            ReachProblem::Tls,
            format!("{} is not a valid server name", target.host),
        );
    };
    let t = Instant::now();
    match timeout(limit, TlsConnector::from(tls).connect(server_name, tcp)).await {
        Ok(Ok(_stream)) => {
            r.tls_ms = Some(ms(t));
            r.ok = true;
            r
        }
        Ok(Err(e)) => {
            let text = e.to_string();
            let problem = if text.contains("certificate") || text.contains("UnknownIssuer") {
                ReachProblem::Certificate
            } else {
                ReachProblem::Tls
            };
            fail(r, problem, text)
        }
        Err(_) => fail(
            r,
            ReachProblem::Timeout,
            "no answer to the secure handshake".into(),
        ),
    }
}

/// Checks all `targets` at once.
pub async fn check_platforms(
    targets: &[PlatformTarget],
    tls: Arc<ClientConfig>,
    limit: Duration,
) -> Vec<Reachability> {
    let handles: Vec<_> = targets
        .iter()
        .cloned()
        .map(|t| {
            let tls = tls.clone();
            tokio::spawn(async move { check_platform(&t, tls, limit).await })
        })
        .collect();
    let mut out = Vec::with_capacity(handles.len());
    for (h, t) in handles.into_iter().zip(targets) {
        out.push(h.await.unwrap_or_else(|e| Reachability {
            target: t.clone(),
            ok: false,
            dns_ms: None,
            connect_ms: None,
            tls_ms: None,
            problem: Some(ReachProblem::Tls),
            media: None,
            error: Some(e.to_string()),
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_config_offers_what_browsers_offer() {
        // The meeting-app check times a handshake as a browser would make it: TLS 1.3 and 1.2.
        let cfg = default_tls_config();
        let versions: Vec<_> = cfg
            .crypto_provider()
            .cipher_suites
            .iter()
            .map(|s| s.version().version)
            .collect();
        assert!(
            versions.contains(&rustls::ProtocolVersion::TLSv1_3),
            "{versions:?}"
        );
        assert!(
            versions.contains(&rustls::ProtocolVersion::TLSv1_2),
            "{versions:?}"
        );
    }
}
