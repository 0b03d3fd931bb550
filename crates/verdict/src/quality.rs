//! Call quality over UDP: delay, jitter, loss and the MOS estimate, and a network whose internet does not answer.

use preflight_model::{CheckId, CheckResult, Detail, Status};
use preflight_net::LinkKind;

/// What the path measurement found.
#[derive(Debug, Clone, PartialEq)]
pub enum PathOutcome {
    /// Probes went out to `server`; these are the figures.
    Measured {
        /// The STUN server that was used.
        server: String,
        /// The figures.
        stats: preflight_net::PathStats,
    },
    /// No server name could be looked up.
    NoDns {
        /// The names tried.
        servers: Vec<String>,
    },
}

/// Verdict for the call path. `offline` says the link check found no default route.
pub fn path(outcome: &PathOutcome, offline: bool, link: Option<LinkKind>) -> CheckResult {
    use crate::thresholds::path as p;
    let (server, st) = match outcome {
        PathOutcome::NoDns { servers } => {
            let summary = if offline {
                "Call quality could not be measured: you are offline.".to_string()
            } else {
                format!(
                    "The test servers could not be found ({}): the internet or DNS is not working.",
                    servers.join(", ")
                )
            };
            return CheckResult::new(CheckId::Quality, Status::Fail, summary).with_advice(if offline {
                "Connect to your network (plug in the cable or join the Wi‑Fi), then run the check again."
            } else {
                "Check that you are connected (open a web page). If web pages load, restart your router or ask your IT contact about DNS."
            });
        }
        PathOutcome::Measured { server, stats } => (server, stats),
    };
    let details = vec![
        Detail::text("server", "Measured against", server.clone()),
        Detail::number("rtt_avg_ms", "Round trip (average)", st.rtt_avg_ms, "ms", 0),
        Detail::number(
            "rtt_p95_ms",
            "Round trip (95th percentile)",
            st.rtt_p95_ms,
            "ms",
            0,
        ),
        Detail::number("rtt_min_ms", "Round trip (best)", st.rtt_min_ms, "ms", 0),
        Detail::number("jitter_ms", "Jitter", st.jitter_ms, "ms", 1),
        Detail::number("loss_pct", "Packet loss", st.loss_pct, "%", 1),
        Detail::number("mos", "Call quality score (MOS, 1–4.5)", st.mos, "", 1),
        Detail::text(
            "probes",
            "Probes answered",
            format!("{} of {}", st.received, st.sent),
        ),
        Detail::text(
            "confidence",
            "Confidence",
            format!("{:?}", st.confidence).to_lowercase(),
        ),
    ];
    let r = |status, summary: String, advice: Option<&str>| {
        let mut c =
            CheckResult::new(CheckId::Quality, status, summary).with_details(details.clone());
        c.advice = advice.map(str::to_string);
        c
    };
    if st.received == 0 {
        return if offline {
            r(
                Status::Fail,
                "Call quality could not be measured: you are offline.".into(),
                Some("Connect to your network and run the check again."),
            )
        } else {
            r(
                Status::Warn,
                "No test packet got an answer: this network seems to block the kind of traffic video calls use.".into(),
                Some("Calls will fall back to a slower route and may be choppy. On a work or school network, ask IT to allow UDP for video calls, or use another network."),
            )
        };
    }
    let few = if st.received < 10 {
        " (few answers, so only a rough guide)"
    } else {
        ""
    };
    // Advice that fits how the mentor is connected: nobody on a cable is told to plug one in.
    let on_cable = link == Some(LinkKind::Wired);
    let fail_advice = if on_cable {
        "Stop downloads and streaming on your network and restart your router; if it stays poor, use another connection (your phone's mobile data, say)."
    } else {
        "Move closer to the router or plug in a cable, stop downloads and streaming on your network, or use another connection."
    };
    let warn_advice = if on_cable {
        "Ask others on your network to pause big downloads and streaming during the session."
    } else {
        "Plug in a cable if you can, and ask others on your network to pause big downloads and streaming during the session."
    };
    // Plain words here; the figures (round trip, jitter, loss, MOS) are under Measurements.
    if st.loss_pct > p::FAIL_LOSS_PCT || st.rtt_avg_ms > p::FAIL_RTT_MS {
        let why = if st.loss_pct > p::FAIL_LOSS_PCT {
            "much of what you send is lost"
        } else {
            "everything you say arrives late"
        };
        return r(
            Status::Fail,
            format!("Your connection is too poor for video right now: {why}{few}."),
            Some(fail_advice),
        );
    }
    let mut issues = Vec::new();
    if st.loss_pct > p::WARN_LOSS_PCT {
        issues.push("some of what you send is lost");
    }
    if st.rtt_avg_ms > p::WARN_RTT_MS {
        issues.push("there is a noticeable delay");
    }
    if st.jitter_ms > p::WARN_JITTER_MS {
        issues.push("the delay keeps changing");
    }
    if !issues.is_empty() {
        return r(
            Status::Warn,
            format!(
                "Your connection may make the call choppy: {}{few}.",
                issues.join(" and ")
            ),
            Some(warn_advice),
        );
    }
    r(
        Status::Pass,
        format!("Your connection is good for video calls{few}."),
        None,
    )
}

/// The connection card once the internet has been tried: a network that is up but from which
/// nothing on the internet answers is not "Good" (the call-quality card says why).
pub fn connection_without_internet(mut link: CheckResult) -> CheckResult {
    if link.status == Status::Fail {
        return link;
    }
    link.status = Status::Fail;
    link.summary = format!(
        "{} But the internet does not answer from here.",
        link.summary
    );
    link.advice = Some(
        "Open a web page to see whether the internet works. If it does not, restart your router or call your internet provider; if only this computer is affected, reconnect to the network.".into(),
    );
    link
}

/// The one cause that stops every check over the internet: said once, on the Connection card,
/// with its fix; the checks it stopped say only that they were not measured and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoInternet {
    /// No network at all (no default route).
    Offline,
    /// A network, but nothing on the internet answers (no name can be looked up).
    NoAnswer,
}

/// A check the internet's absence stopped: skipped (not a second problem), pointing at the
/// Connection card. What it tried stays under Measurements.
pub fn not_measured(id: CheckId, cause: NoInternet, tried: Option<String>) -> CheckResult {
    let why = match cause {
        NoInternet::Offline => "you are offline",
        NoInternet::NoAnswer => "the internet does not answer",
    };
    let mut c = CheckResult::new(
        id,
        Status::Skipped,
        format!("Not measured: {why}. The Connection card says what to do."),
    );
    if let Some(t) = tried {
        c.details.push(Detail::text("tried", "Tried", t));
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_rules() {
        let stats = |rtt: f64, jitter: f64, loss: f64, received: u32| preflight_net::PathStats {
            sent: 40,
            received,
            loss_pct: loss,
            rtt_min_ms: rtt,
            rtt_avg_ms: rtt,
            rtt_p95_ms: rtt,
            jitter_ms: jitter,
            mos: preflight_net::mos(rtt, jitter, loss),
            confidence: preflight_net::Confidence::High,
        };
        let m = |s| PathOutcome::Measured {
            server: "stun:1".into(),
            stats: s,
        };
        let good = path(&m(stats(40.0, 3.0, 0.0, 40)), false, None);
        assert_eq!(good.status, Status::Pass);
        // Plain words first; the figures are under Measurements.
        assert_eq!(good.summary, "Your connection is good for video calls.");
        assert!(good
            .details
            .iter()
            .any(|d| d.key == "rtt_avg_ms" && d.text == "40 ms"));
        for word in ["ms", "jitter", "MOS", "4.5", "UDP"] {
            for st in [
                stats(40.0, 3.0, 0.0, 40),
                stats(350.0, 45.0, 5.0, 38),
                stats(700.0, 3.0, 15.0, 34),
                stats(0.0, 0.0, 100.0, 0),
            ] {
                let r = path(&m(st), false, None);
                let words: Vec<&str> = r
                    .summary
                    .split(|c: char| !c.is_alphanumeric() && c != '.')
                    .collect();
                assert!(!words.contains(&word), "{word} in {:?}", r.summary);
            }
        }
        // Advice fits the link: nobody on a cable is told to plug one in.
        let poor = stats(40.0, 45.0, 5.0, 38);
        let wired = path(&m(poor.clone()), false, Some(LinkKind::Wired));
        assert!(!wired.advice.unwrap().contains("cable"));
        let wifi = path(&m(poor), false, Some(LinkKind::Wifi));
        assert!(wifi.advice.unwrap().contains("cable"));
        assert_eq!(
            path(&m(stats(350.0, 3.0, 0.0, 40)), false, None).status,
            Status::Warn
        );
        assert_eq!(
            path(&m(stats(40.0, 45.0, 0.0, 40)), false, None).status,
            Status::Warn
        );
        assert_eq!(
            path(&m(stats(40.0, 3.0, 5.0, 38)), false, None).status,
            Status::Warn
        );
        assert_eq!(
            path(&m(stats(700.0, 3.0, 0.0, 40)), false, None).status,
            Status::Fail
        );
        assert_eq!(
            path(&m(stats(40.0, 3.0, 15.0, 34)), false, None).status,
            Status::Fail
        );
        let blocked = path(&m(stats(0.0, 0.0, 100.0, 0)), false, None);
        assert_eq!(blocked.status, Status::Warn);
        assert!(
            blocked.summary.contains("seems to block"),
            "{}",
            blocked.summary
        );
        assert_eq!(
            path(&m(stats(0.0, 0.0, 100.0, 0)), true, None).status,
            Status::Fail
        );
        let dns = path(
            &PathOutcome::NoDns {
                servers: vec!["a:1".into()],
            },
            false,
            None,
        );
        assert_eq!(dns.status, Status::Fail);
        assert!(dns.summary.contains("DNS"));
    }

    #[test]
    fn what_the_internet_stopped_is_not_a_second_problem() {
        let q = not_measured(
            CheckId::Quality,
            NoInternet::NoAnswer,
            Some("stun.l.google.com:19302".into()),
        );
        assert_eq!(q.status, Status::Skipped);
        assert!(q.advice.is_none());
        assert!(!q.summary.contains("stun."), "{}", q.summary);
        assert_eq!(q.details[0].text, "stun.l.google.com:19302");
        let c = not_measured(CheckId::Capacity, NoInternet::Offline, None);
        assert!(c.summary.starts_with("Not measured: you are offline."));
    }

    #[test]
    fn a_connection_without_internet_is_not_good() {
        let cable = CheckResult::new(
            CheckId::Network,
            Status::Pass,
            "You are connected by cable, as recommended.",
        );
        let c = connection_without_internet(cable);
        assert_eq!(c.status, Status::Fail);
        assert!(c
            .summary
            .ends_with("But the internet does not answer from here."));
        assert!(c.advice.unwrap().contains("web page"));
        let offline = CheckResult::new(CheckId::Network, Status::Fail, "You are offline: x.");
        assert_eq!(connection_without_internet(offline.clone()), offline);
    }
}
