//! The connection: what carries it (cable, Wi‑Fi and its signal, a phone's hotspot, mobile
//! broadband, a VPN), or that there is none. The link is kept for the other network checks.

use preflight_model::CheckId;
use preflight_verdict as verdict;

use super::{Check, Cx, Need, Running};
use crate::measure::{blocking_within, Stopped};
use crate::options::CheckOptions;
use crate::probes::Probes;

/// The connection check.
pub struct Network;

impl<P: Probes> Check<P> for Network {
    fn id(&self) -> CheckId {
        CheckId::Network
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Network]
    }

    fn switched_off(&self, opts: &CheckOptions) -> Option<String> {
        opts.skip_network
            .then(|| "Network check switched off.".into())
    }

    fn run<'a>(&'a self, cx: &'a Cx<P>) -> Running<'a> {
        Box::pin(async move {
            cx.started(CheckId::Network, "Checking your connection…");
            let p = cx.probes.clone();
            let link = blocking_within(cx.limits.link, move || p.link())
                .await
                .unwrap_or_else(|stopped| {
                    unknown_link(match stopped {
                        Stopped::TimedOut(_) => "the network adapter did not answer in time",
                        Stopped::Crashed => "the network adapter could not be read",
                    })
                });
            let result = verdict::network(&link);
            cx.facts().link = Some(link);
            result
        })
    }
}

/// The link the connection check found (`Unknown` when it did not end), and whether it says
/// there is no network at all.
pub(super) fn link_of<P: Probes>(cx: &Cx<P>) -> (preflight_net::LinkInfo, bool) {
    let link = cx
        .facts()
        .link
        .clone()
        .unwrap_or_else(|| unknown_link("the connection check did not end"));
    let offline = link.kind == preflight_net::LinkKind::Offline;
    (link, offline)
}

/// Why a check over the internet cannot measure, if it cannot: no network at all (the link
/// check), or a network whose internet does not answer (call quality found it).
pub(super) fn internet_missing<P: Probes>(cx: &Cx<P>) -> Option<verdict::NoInternet> {
    if link_of(cx).1 {
        Some(verdict::NoInternet::Offline)
    } else if cx.facts().no_internet {
        Some(verdict::NoInternet::NoAnswer)
    } else {
        None
    }
}

/// A link of unknown kind, and why it is unknown.
fn unknown_link(reason: &str) -> preflight_net::LinkInfo {
    preflight_net::LinkInfo {
        kind: preflight_net::LinkKind::Unknown,
        interface: None,
        reason: reason.into(),
        speed_mbps: None,
        signal_dbm: None,
    }
}
