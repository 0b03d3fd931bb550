//! The meeting platforms (Zoom, Meet, Teams, Jitsi): can they be reached?

use preflight_model::{CheckId, CheckResult, Detail, Status};

/// Verdict for the meeting platforms' reachability.
pub fn platforms(results: &[preflight_net::Reachability], offline: bool) -> CheckResult {
    use preflight_net::MediaRoute;
    use preflight_net::ReachProblem as P;
    let details: Vec<Detail> = results
        .iter()
        .map(|r| {
            let key = format!("platform_{}", r.target.name.to_lowercase().replace(' ', "_"));
            let text = if r.ok {
                let total = r.dns_ms.unwrap_or(0.0) + r.connect_ms.unwrap_or(0.0) + r.tls_ms.unwrap_or(0.0);
                let route = match r.media {
                    Some(MediaRoute::Udp { rtt_ms }) => {
                        format!("; its calls can use UDP, the fast route ({rtt_ms:.0} ms)")
                    }
                    Some(MediaRoute::NoUdp) => {
                        "; its calls get no answer over UDP and would take the slower TCP route".into()
                    }
                    None => "; its call route is not measured".into(),
                };
                format!(
                    "reachable, secure connection in {total:.0} ms (name {:.0}, connect {:.0}, handshake {:.0}){route}",
                    r.dns_ms.unwrap_or(0.0),
                    r.connect_ms.unwrap_or(0.0),
                    r.tls_ms.unwrap_or(0.0)
                )
            } else {
                let why = match r.problem {
                    Some(P::Dns) => "its name could not be looked up",
                    Some(P::Refused) => "the connection was refused",
                    Some(P::Timeout) => "no answer in time",
                    Some(P::Certificate) => "its certificate could not be verified",
                    _ => "the secure connection failed",
                };
                format!("not reachable: {why}")
            };
            Detail::text(&key, &r.target.name, text)
        })
        .collect();
    let names = |f: &dyn Fn(&preflight_net::Reachability) -> bool| {
        results
            .iter()
            .filter(|r| f(r))
            .map(|r| r.target.name.clone())
            .collect::<Vec<_>>()
    };
    let ok = names(&|r| r.ok);
    let bad = names(&|r| !r.ok);
    let cert = names(&|r| r.problem == Some(P::Certificate));
    let r = |status, summary: String, advice: Option<&str>| {
        let mut c =
            CheckResult::new(CheckId::Platforms, status, summary).with_details(details.clone());
        c.advice = advice.map(str::to_string);
        c
    };
    // Reached, but its calls' UDP route is blocked: calls fall back to TCP 443, with more lag.
    let tcp_only = names(&|r| r.ok && r.media == Some(MediaRoute::NoUdp));
    if bad.is_empty() && !tcp_only.is_empty() {
        let route = if tcp_only.len() == 1 { "its" } else { "their" };
        return r(
            Status::Warn,
            format!(
                "{} will have to use the slower TCP route on this network: UDP, which {route} calls use, gets no answer.",
                join_names(&tcp_only)
            ),
            Some("Calls will still connect but may lag or freeze. School and company networks often block UDP: if you can, use another network (your home network, or a phone hotspot), or ask the network's IT team to allow the meeting app's UDP ports (Teams: UDP 3478–3481; Google Meet: UDP 19302–19309; Zoom: UDP 8801)."),
        );
    }
    if bad.is_empty() {
        return r(
            Status::Pass,
            format!("{} can be reached.", join_names(&ok)),
            None,
        );
    }
    if !cert.is_empty() {
        return r(
            Status::Warn,
            format!("{} could not be verified: you may be behind a Wi‑Fi sign-in page or a network that inspects secure traffic.", join_names(&cert)),
            Some("Open a web browser and complete the Wi‑Fi sign-in page if there is one, or use another network."),
        );
    }
    if ok.is_empty() {
        return r(
            Status::Fail,
            if offline {
                "The meeting apps cannot be reached: you are offline.".to_string()
            } else {
                format!("None of the meeting apps could be reached ({}).", join_names(&bad))
            },
            Some("Check your internet connection; on a work network, ask IT whether video-call services are blocked."),
        );
    }
    r(
        Status::Warn,
        format!("{} could not be reached; {} can.", join_names(&bad), join_names(&ok)),
        Some("If your mentoring uses one of the apps that failed, open it now to check; on a work network, ask IT whether it is blocked."),
    )
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_rules() {
        use preflight_net::{PlatformTarget, ReachProblem, Reachability};
        let reach = |name: &str, problem: Option<ReachProblem>| Reachability {
            target: PlatformTarget {
                name: name.into(),
                host: "h".into(),
                port: 443,
                media: None,
            },
            ok: problem.is_none(),
            dns_ms: Some(5.0),
            connect_ms: problem.is_none().then_some(20.0),
            tls_ms: problem.is_none().then_some(60.0),
            problem,
            error: None,
            media: None,
        };
        let all = platforms(
            &[
                reach("Zoom", None),
                reach("Google Meet", None),
                reach("Jitsi Meet", None),
            ],
            false,
        );
        assert_eq!(all.status, Status::Pass);
        assert_eq!(
            all.summary,
            "Zoom, Google Meet and Jitsi Meet can be reached."
        );
        assert!(
            all.details[0].text.contains("85 ms"),
            "{}",
            all.details[0].text
        );
        let portal = platforms(
            &[
                reach("Zoom", Some(ReachProblem::Certificate)),
                reach("Jitsi Meet", None),
            ],
            false,
        );
        assert_eq!(portal.status, Status::Warn);
        assert!(portal.summary.contains("sign-in page"));
        let some = platforms(
            &[
                reach("Zoom", Some(ReachProblem::Timeout)),
                reach("Jitsi Meet", None),
            ],
            false,
        );
        assert_eq!(some.status, Status::Warn);
        assert!(some.summary.starts_with("Zoom could not be reached"));
        let none = platforms(&[reach("Zoom", Some(ReachProblem::Dns))], true);
        assert_eq!(none.status, Status::Fail);
        assert!(none.summary.contains("offline"));
    }

    #[test]
    fn a_platform_whose_calls_get_no_udp_is_said_to_take_the_slower_route() {
        use preflight_net::{MediaRoute, PlatformTarget, Reachability};
        let reach = |name: &str, media: Option<MediaRoute>| Reachability {
            target: PlatformTarget {
                name: name.into(),
                host: "h".into(),
                port: 443,
                media: None,
            },
            ok: true,
            dns_ms: Some(5.0),
            connect_ms: Some(20.0),
            tls_ms: Some(60.0),
            problem: None,
            error: None,
            media,
        };
        let fine = platforms(
            &[
                reach("Microsoft Teams", Some(MediaRoute::Udp { rtt_ms: 12.0 })),
                reach("Zoom", None),
            ],
            false,
        );
        assert_eq!(fine.status, Status::Pass);
        assert!(fine.details[0]
            .text
            .ends_with("its calls can use UDP, the fast route (12 ms)"));
        assert!(fine.details[1]
            .text
            .ends_with("its call route is not measured"));
        let blocked = platforms(
            &[
                reach("Microsoft Teams", Some(MediaRoute::NoUdp)),
                reach("Zoom", None),
            ],
            false,
        );
        assert_eq!(blocked.status, Status::Warn);
        assert_eq!(
            blocked.summary,
            "Microsoft Teams will have to use the slower TCP route on this network: UDP, which its calls use, gets no answer."
        );
        assert!(blocked.advice.unwrap().contains("Teams: UDP 3478–3481"));
    }
}
