//! What carries the connection: cable, Wi‑Fi, hotspot, mobile broadband, VPN.

use preflight_model::{CheckId, CheckResult, Detail, Evidence, Status};
use preflight_net::{LinkInfo, LinkKind};

/// Verdict for the network link.
pub fn network(link: &LinkInfo) -> CheckResult {
    let kind = match link.kind {
        LinkKind::Wired => "Cable (Ethernet)",
        LinkKind::Wifi => "Wi‑Fi",
        LinkKind::Hotspot => "Phone hotspot",
        LinkKind::Cellular => "Mobile broadband",
        LinkKind::Vpn => "VPN",
        LinkKind::Offline => "Offline",
        LinkKind::Unknown => "Unknown",
    };
    let mut details = vec![Detail::text("link", "Connection", kind)];
    if let Some(i) = &link.interface {
        details.push(Detail::text("interface", "Network adapter", i.clone()));
    }
    if let Some(s) = link.speed_mbps {
        details.push(Detail::number(
            "link_speed",
            "Link speed",
            s as f64,
            "Mbit/s",
            0,
        ));
    }
    if let Some(dbm) = link.signal_dbm {
        details.push(Detail::number(
            "signal_dbm",
            "Wi‑Fi signal",
            dbm as f64,
            "dBm",
            0,
        ));
    }
    let weak_wifi = link
        .signal_dbm
        .is_some_and(|d| d < crate::thresholds::WEAK_WIFI_DBM);
    let (status, summary, advice) = match link.kind {
        LinkKind::Wired => (Status::Pass, "You are connected by cable, as recommended.".to_string(), None),
        LinkKind::Wifi => (
            Status::Warn,
            if weak_wifi {
                // The signal strength in dBm is under Measurements.
                "You are on Wi‑Fi, and the signal is weak.".to_string()
            } else {
                "You are on Wi‑Fi.".to_string()
            },
            Some("Plug in a network cable if you can. If not, sit close to the router and ask others at home to pause big downloads and streaming."),
        ),
        LinkKind::Hotspot => (
            Status::Warn,
            format!("You seem to be on a phone hotspot: {}.", link.reason),
            Some("Hotspots drop out and run out of data. Use a cable or home broadband for the session if you can."),
        ),
        LinkKind::Cellular => (
            Status::Warn,
            "You are on mobile broadband.".to_string(),
            Some("Mobile connections vary; use a cable or home broadband for the session if you can."),
        ),
        LinkKind::Vpn => (
            Status::Warn,
            format!("A VPN is on: {}.", link.reason),
            Some("VPNs add delay to calls. Switch it off for the session if your organisation allows it."),
        ),
        LinkKind::Offline => (
            Status::Fail,
            format!("You are offline: {}.", link.reason),
            Some("Plug in the network cable or connect to your network, then run the check again."),
        ),
        LinkKind::Unknown => (
            Status::Warn,
            format!("We could not tell how you are connected: {}.", link.reason),
            Some("A network cable is the most reliable way to join a call."),
        ),
    };
    let wired = match link.kind {
        LinkKind::Wired => Some(true),
        LinkKind::Unknown => None,
        _ => Some(false),
    };
    let mut c = CheckResult::new(CheckId::Network, status, summary)
        .with_details(details)
        .with_evidence(Evidence::Connection { wired });
    c.advice = advice.map(str::to_string);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_rules() {
        let link = |kind| LinkInfo {
            kind,
            interface: Some("x0".into()),
            reason: "because".into(),
            speed_mbps: Some(1000),
            signal_dbm: None,
        };
        assert_eq!(network(&link(LinkKind::Wired)).status, Status::Pass);
        assert_eq!(network(&link(LinkKind::Wifi)).status, Status::Warn);
        assert!(network(&link(LinkKind::Wifi))
            .advice
            .unwrap()
            .contains("cable"));
        assert_eq!(network(&link(LinkKind::Hotspot)).status, Status::Warn);
        assert_eq!(network(&link(LinkKind::Offline)).status, Status::Fail);
        let mut weak = link(LinkKind::Wifi);
        weak.signal_dbm = Some(-78);
        let v = network(&weak);
        assert_eq!(v.summary, "You are on Wi‑Fi, and the signal is weak.");
        assert!(v
            .details
            .iter()
            .any(|d| d.key == "signal_dbm" && d.value == Some(-78.0)));
    }
}
