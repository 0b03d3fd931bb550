//! Call quality: test packets sent the way a call sends them (STUN over UDP) to a public server,
//! giving round trip, jitter, loss and an estimate of call quality (MOS). When the network is up
//! but no server answers a name lookup, the connection check is corrected: a link without the
//! internet is not a good connection.

use std::time::Duration;

use preflight_model::CheckId;
use preflight_verdict::{self as verdict, PathOutcome};

use super::network::link_of;
use super::{Check, Cx, Need, Running};
use crate::options::CheckOptions;
use crate::probes::Probes;
use crate::progress::Progress;

/// Most STUN servers looked up (the first is measured, the second asked if it is silent).
const MAX_STUN_SERVERS: usize = 4;

/// Time allowed to look up the STUN servers' names.
const DNS_LIMIT: Duration = Duration::from_secs(2);

/// The call-quality check.
pub struct Quality;

impl<P: Probes> Check<P> for Quality {
    fn id(&self) -> CheckId {
        CheckId::Quality
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Network]
    }

    fn after(&self) -> &'static [CheckId] {
        &[CheckId::Network]
    }

    fn switched_off(&self, opts: &CheckOptions) -> Option<String> {
        opts.skip_network
            .then(|| "Call-quality check switched off.".into())
    }

    fn run<'a>(&'a self, cx: &'a Cx<P>) -> Running<'a> {
        Box::pin(async move {
            cx.started(
                CheckId::Quality,
                "Sending test packets the way a call would…",
            );
            let servers: Vec<String> = if cx.opts.stun_servers.is_empty() {
                preflight_net::DEFAULT_STUN_SERVERS
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            } else {
                // A settings file may list any number; a few fallbacks are all a check needs.
                cx.opts
                    .stun_servers
                    .iter()
                    .take(MAX_STUN_SERVERS)
                    .cloned()
                    .collect()
            };
            let (link, offline) = link_of(cx);
            if offline {
                // The Connection card says so, with its fix; nothing to send packets over.
                return verdict::not_measured(CheckId::Quality, verdict::NoInternet::Offline, None);
            }
            let outcome = measure_path(cx, &servers).await;
            // The network is up but the internet does not answer: the connection card says so
            // (it must not say "Good"), and this card only that it could not measure.
            if let PathOutcome::NoDns { servers } = &outcome {
                cx.facts().no_internet = true;
                cx.amend(CheckId::Network, verdict::connection_without_internet);
                return verdict::not_measured(
                    CheckId::Quality,
                    verdict::NoInternet::NoAnswer,
                    Some(servers.join(", ")),
                );
            }
            verdict::path(&outcome, offline, Some(link.kind))
        })
    }
}

async fn measure_path<P: Probes>(cx: &Cx<P>, servers: &[String]) -> PathOutcome {
    let lookups = join_all(servers.iter().cloned().map(|s| {
        let p = cx.probes.clone();
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
        cx.limits.probing,
        cx.probes.probe(first_addr, &full, |p| {
            cx.send(Progress::NetProbe { probe: *p })
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
    let probed = tokio::time::timeout(
        cx.limits.probing,
        cx.probes.probe(second_addr, &quick, |_| {}),
    )
    .await;
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
async fn join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
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
