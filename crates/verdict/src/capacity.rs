//! How much the connection can carry: upload, download, delay under load.

use preflight_model::{CheckId, CheckResult, Detail, Status};

/// "A", "A and B", "A, B and C".
/// Verdict for the connection's capacity: can it carry video, and does the delay jump when the
/// line is busy? `quality` is the call-quality verdict, so that the two never contradict each
/// other: when delay and loss were fine but the speed is low, the advice says the line is full
/// rather than broken. `offline` comes from the link check.
pub fn capacity(
    cap: Option<&preflight_net::capacity::Capacity>,
    quality: Status,
    offline: bool,
) -> CheckResult {
    use crate::thresholds::capacity as t;
    use preflight_net::capacity::CapacityProblem as P;
    let id = CheckId::Capacity;
    let Some(cap) = cap else {
        return CheckResult::new(
            id,
            Status::Fail,
            "Your connection speed could not be measured: you are offline.",
        )
        .with_advice("Connect to your network (plug in the cable or join the Wi‑Fi), then run the check again.");
    };
    let mut details = vec![Detail::text(
        "server",
        "Measured against",
        cap.server.clone(),
    )];
    if let Some(v) = cap.up_mbps {
        details.push(Detail::number("up_mbps", "Upload", v, "Mbps", 1));
    }
    if let Some(v) = cap.down_mbps {
        details.push(Detail::number("down_mbps", "Download", v, "Mbps", 1));
    }
    if let Some(v) = cap.idle_rtt_ms {
        details.push(Detail::number(
            "idle_rtt_ms",
            "Round trip, line quiet",
            v,
            "ms",
            0,
        ));
    }
    if let Some(v) = cap.loaded_rtt_ms {
        details.push(Detail::number(
            "loaded_rtt_ms",
            "Round trip while uploading",
            v,
            "ms",
            0,
        ));
    }
    details.push(Detail::number(
        "traffic_mb",
        "Test traffic",
        (cap.up_bytes + cap.down_bytes) as f64 / 1e6,
        "MB",
        1,
    ));
    let r = |status, summary: String, advice: Option<String>| {
        let mut c = CheckResult::new(id, status, summary).with_details(details.clone());
        c.advice = advice;
        c
    };
    let (Some(up), Some(down)) = (cap.up_mbps, cap.down_mbps) else {
        let why = cap
            .problem
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_else(|| "the test was too short to tell".into());
        let advice = match &cap.problem {
            _ if offline => "Connect to your network, then run the check again.".to_string(),
            Some(P::Tls(_)) => "If you are on a hotel, café or guest Wi‑Fi, open a web page and accept its terms, then run the check again.".into(),
            Some(P::Dns) | Some(P::Unreachable(_)) if quality == Status::Fail => "The internet does not seem to work: open a web page to check, restart your router, or use another connection.".into(),
            Some(P::BadUrl(_)) => "Check the speed-test addresses in your settings (they must start with https://).".into(),
            _ => "The other checks still tell you about your connection. Try again in a minute; on a work or school network, the speed-test site may be blocked.".into(),
        };
        return r(
            if offline { Status::Fail } else { Status::Warn },
            format!("Your connection speed could not be measured: {why}."),
            Some(advice),
        );
    };
    // Capacity and the quality of the path are separate questions: say which one is the
    // problem, so this card never contradicts the call-quality card above it.
    let path_fine = quality == Status::Pass;
    let full_line = if path_fine {
        " Delay and loss were fine, so the line works but is too full or too slow for video:"
    } else {
        ""
    };
    if up < t::AUDIO_MBPS || down < t::AUDIO_MBPS {
        return r(
            Status::Fail,
            format!("Too slow even for a voice call ({up:.1} Mbps up, {down:.1} Mbps down)."),
            Some(format!("Use another connection for the session (a cable, another Wi‑Fi, or your phone's mobile data).{full_line}")),
        );
    }
    if up < t::VIDEO_UP_MBPS || down < t::VIDEO_DOWN_MBPS {
        return r(
            Status::Fail,
            format!("Too slow for video: audio only ({up:.1} Mbps up, {down:.1} Mbps down)."),
            Some(format!(
                "{}Ask others at home to pause downloads, uploads and streaming, move closer to the router or plug in a cable, or use another connection. If it stays slow, start the session with audio and agree this with your mentee.",
                if path_fine { "Delay and loss were fine, so the line works but is too full or too slow for video. " } else { "" }
            )),
        );
    }
    let bloat = match (cap.idle_rtt_ms, cap.loaded_rtt_ms) {
        (Some(i), Some(l)) if l - i > t::BLOAT_WARN_MS => Some(l - i),
        _ => None,
    };
    if up < t::HD_UP_MBPS || down < t::HD_DOWN_MBPS {
        return r(
            Status::Warn,
            format!("Enough for video at lower quality ({up:.1} Mbps up, {down:.1} Mbps down), not for HD."),
            Some(format!(
                "{}Ask others at home to pause downloads and uploads during the session; a cable helps too.",
                if path_fine { "The line works well, it is just busy or slow. " } else { "" }
            )),
        );
    }
    if let Some(extra) = bloat {
        return r(
            Status::Warn,
            format!("Your connection can carry HD video ({up:.1} Mbps up), but the delay rises by {extra:.0} ms while you upload, so the call may stutter when the line is busy."),
            Some("Ask others at home to pause big uploads (cloud backups, photo syncing) during the session. If your router has a setting called SQM or Smart Queue, switching it on fixes this.".into()),
        );
    }
    r(
        Status::Pass,
        format!("Your connection can carry HD video ({up:.1} Mbps up, {down:.1} Mbps down)."),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(up: f64, down: f64, idle: f64, loaded: f64) -> preflight_net::capacity::Capacity {
        preflight_net::capacity::Capacity {
            up_mbps: Some(up),
            down_mbps: Some(down),
            idle_rtt_ms: Some(idle),
            loaded_rtt_ms: Some(loaded),
            up_bytes: 2_000_000,
            down_bytes: 3_000_000,
            server: "speed.example".into(),
            problem: None,
        }
    }

    #[test]
    fn capacity_bands_in_a_mentors_words() {
        let v = capacity(Some(&cap(8.2, 40.0, 20.0, 30.0)), Status::Pass, false);
        assert_eq!(v.status, Status::Pass);
        assert_eq!(
            v.summary,
            "Your connection can carry HD video (8.2 Mbps up, 40.0 Mbps down)."
        );
        assert!(v.details.iter().any(|d| d.key == "up_mbps"));
        let v = capacity(Some(&cap(1.0, 40.0, 20.0, 30.0)), Status::Pass, false);
        assert_eq!(v.status, Status::Warn);
        assert!(
            v.summary.starts_with("Enough for video at lower quality"),
            "{}",
            v.summary
        );
        assert!(v.advice.unwrap().contains("pause downloads"));
        let v = capacity(Some(&cap(0.3, 40.0, 20.0, 30.0)), Status::Pass, false);
        assert_eq!(v.status, Status::Fail);
        assert!(
            v.summary.starts_with("Too slow for video: audio only"),
            "{}",
            v.summary
        );
        let v = capacity(Some(&cap(0.05, 40.0, 20.0, 30.0)), Status::Pass, false);
        assert!(
            v.summary.starts_with("Too slow even for a voice call"),
            "{}",
            v.summary
        );
        // Slow download matters too (you must see your mentee).
        let v = capacity(Some(&cap(8.0, 0.4, 20.0, 30.0)), Status::Pass, false);
        assert_eq!(v.status, Status::Fail);
    }

    #[test]
    fn capacity_thresholds_at_their_edges() {
        use crate::thresholds::capacity as t;
        let at = |up| capacity(Some(&cap(up, 50.0, 20.0, 20.0)), Status::Pass, false).status;
        assert_eq!(at(t::HD_UP_MBPS), Status::Pass);
        assert_eq!(at(t::HD_UP_MBPS - 0.01), Status::Warn);
        assert_eq!(at(t::VIDEO_UP_MBPS), Status::Warn);
        assert_eq!(at(t::VIDEO_UP_MBPS - 0.01), Status::Fail);
    }

    #[test]
    fn bufferbloat_warns_even_when_fast() {
        let v = capacity(Some(&cap(20.0, 50.0, 20.0, 260.0)), Status::Pass, false);
        assert_eq!(v.status, Status::Warn);
        assert!(v.summary.contains("delay rises by 240 ms"), "{}", v.summary);
        let v = capacity(Some(&cap(20.0, 50.0, 20.0, 110.0)), Status::Pass, false);
        assert_eq!(v.status, Status::Pass);
    }

    #[test]
    fn capacity_never_contradicts_the_call_quality_card() {
        // Path fine, line slow: the advice says the line works but is full.
        let v = capacity(Some(&cap(0.4, 10.0, 20.0, 20.0)), Status::Pass, false);
        assert!(v
            .advice
            .as_deref()
            .unwrap()
            .contains("Delay and loss were fine"));
        // Path poor too: no such claim.
        let v = capacity(Some(&cap(0.4, 10.0, 20.0, 20.0)), Status::Warn, false);
        assert!(!v
            .advice
            .as_deref()
            .unwrap()
            .contains("Delay and loss were fine"));
        // Offline: said once, plainly, with no figures.
        let v = capacity(None, Status::Fail, true);
        assert_eq!(v.status, Status::Fail);
        assert!(v.summary.contains("offline"));
        // A stalled server: a warning that says so, never a pass.
        let mut c = cap(0.0, 0.0, 20.0, 20.0);
        c.up_mbps = None;
        c.down_mbps = None;
        c.problem = Some(preflight_net::capacity::CapacityProblem::Stalled);
        let v = capacity(Some(&c), Status::Pass, false);
        assert_eq!(v.status, Status::Warn);
        assert!(v.summary.contains("stopped answering"), "{}", v.summary);
    }
}
