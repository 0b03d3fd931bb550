//! The meeting apps: whether Zoom, Meet, Teams and Jitsi (or the platforms the mentor chose) can
//! be reached — name lookup, connection and a TLS handshake each, all at once.

use preflight_model::CheckId;
use preflight_verdict as verdict;

use super::network::internet_missing;
use super::{Check, Cx, Need, Running};
use crate::measure::Stopped;
use crate::options::{CheckOptions, PLATFORM_LIMIT};
use crate::probes::Probes;

/// Most meeting platforms checked (they are checked at the same time).
const MAX_PLATFORMS: usize = 12;

/// The meeting-app check.
pub struct Platforms;

impl<P: Probes> Check<P> for Platforms {
    fn id(&self) -> CheckId {
        CheckId::Platforms
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Network]
    }

    fn after(&self) -> &'static [CheckId] {
        &[CheckId::Network]
    }

    fn switched_off(&self, opts: &CheckOptions) -> Option<String> {
        if opts.skip_network {
            Some("Meeting-app check switched off.".into())
        } else if opts.platforms.as_ref().is_some_and(Vec::is_empty) {
            Some("No meeting apps to check.".into())
        } else {
            None
        }
    }

    fn run<'a>(&'a self, cx: &'a Cx<P>) -> Running<'a> {
        Box::pin(async move {
            if let Some(cause) = internet_missing(cx) {
                return verdict::not_measured(CheckId::Platforms, cause, None);
            }
            let mut targets = cx
                .opts
                .platforms
                .clone()
                .unwrap_or_else(preflight_net::default_platforms);
            targets.truncate(MAX_PLATFORMS);
            cx.started(
                CheckId::Platforms,
                "Checking you can reach Zoom, Meet, Teams and Jitsi…",
            );
            let limit = cx.limits.platforms;
            match tokio::time::timeout(limit, cx.probes.platforms(&targets, PLATFORM_LIMIT)).await {
                // (Offline was said above.)
                Ok(r) => verdict::platforms(&r, false),
                Err(_) => Stopped::TimedOut(limit).result(CheckId::Platforms),
            }
        })
    }
}
