//! The connection speed: how fast video can be sent and received, and the delay while the line
//! is loaded. It follows call quality, whose delay its upload would colour.

use preflight_model::CheckId;
use preflight_verdict::{self as verdict, thresholds};

use super::network::internet_missing;
use super::{Check, Cx, Need, Running};
use crate::options::CheckOptions;
use crate::probes::Probes;
use crate::progress::Progress;

/// The speed check.
pub struct Capacity;

impl<P: Probes> Check<P> for Capacity {
    fn id(&self) -> CheckId {
        CheckId::Capacity
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Network]
    }

    fn after(&self) -> &'static [CheckId] {
        &[CheckId::Network, CheckId::Quality]
    }

    fn switched_off(&self, opts: &CheckOptions) -> Option<String> {
        (opts.skip_network || opts.skip_capacity)
            .then(|| "Connection speed check switched off.".into())
    }

    fn run<'a>(&'a self, cx: &'a Cx<P>) -> Running<'a> {
        Box::pin(async move {
            let quality = cx
                .result_of(CheckId::Quality)
                .map(|r| r.status)
                .unwrap_or(preflight_model::Status::Skipped);
            // One cause, one problem: the Connection card says it. (This check starts after
            // call quality, so the internet not answering is known by now.)
            if let Some(cause) = internet_missing(cx) {
                return verdict::not_measured(CheckId::Capacity, cause, None);
            }
            cx.started(
                CheckId::Capacity,
                "Measuring how fast you can send and receive video…",
            );
            let endpoint = cx.opts.speed_test.clone().unwrap_or_default();
            let measured = cx.probes.capacity(&endpoint, |event| {
                cx.send(Progress::Capacity {
                    event,
                    hd_mbps: thresholds::capacity::HD_UP_MBPS,
                })
            });
            match tokio::time::timeout(cx.limits.capacity, measured).await {
                Ok(cap) => verdict::capacity(Some(&cap), quality, false),
                Err(_) => verdict::timed_out(CheckId::Capacity, cx.limits.capacity),
            }
        })
    }
}
