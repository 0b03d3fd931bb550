//! Which kind of link carries the default route.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The kind of link, as a mentor would name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum LinkKind {
    /// A network cable (Ethernet).
    Wired,
    /// Wi‑Fi to a normal access point.
    Wifi,
    /// A phone's hotspot or USB tethering.
    Hotspot,
    /// A mobile-broadband modem (4G/5G dongle or built-in).
    Cellular,
    /// A VPN or tunnel carries the default route.
    Vpn,
    /// No default route: offline.
    Offline,
    /// Something we could not classify.
    Unknown,
}

pub use preflight_host::link::IfType;

/// The facts [`classify`] needs. [`crate::detect`] reads them from the OS; tests write them by
/// hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkFacts {
    /// Interface name (`eth0`, `wlp2s0`, `wg0`, `Wi-Fi`…).
    pub name: String,
    /// Interface type as the OS reports it.
    pub if_type: IfType,
    /// IPv4 address of the default gateway, if known.
    pub gateway_v4: Option<Ipv4Addr>,
    /// Link speed in bits per second, if the OS reports it.
    pub speed_bps: Option<u64>,
    /// The kernel driver of the interface, where the OS tells (Linux: sysfs).
    pub driver: Option<String>,
    /// Wi‑Fi signal level in dBm, where the OS tells.
    pub signal_dbm: Option<i32>,
    /// Whether the OS marks the connection as metered (paid per megabyte: mobile data or a
    /// phone hotspot), where it tells (Linux: NetworkManager).
    pub metered: Option<bool>,
}

/// The classified link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LinkInfo {
    /// The kind of link.
    pub kind: LinkKind,
    /// Interface name, if there is one.
    pub interface: Option<String>,
    /// Why we think so, in plain words.
    pub reason: String,
    /// Link speed in Mbit/s, if known.
    pub speed_mbps: Option<u64>,
    /// Wi‑Fi signal level in dBm, if known (−50 is strong, −70 weak, −80 barely usable).
    pub signal_dbm: Option<i32>,
}

/// Gateways that phone hotspots and tethering hand out by default.
const HOTSPOT_GATEWAYS: &[(Ipv4Addr, &str)] = &[
    (Ipv4Addr::new(172, 20, 10, 1), "an iPhone Personal Hotspot"),
    (Ipv4Addr::new(192, 168, 43, 1), "an Android hotspot"),
    (Ipv4Addr::new(192, 168, 42, 129), "Android USB tethering"),
    (Ipv4Addr::new(192, 168, 137, 1), "a Windows mobile hotspot"),
];

/// Name prefixes of VPN and tunnel interfaces.
const VPN_PREFIXES: &[&str] = &[
    "tun",
    "tap",
    "wg",
    "utun",
    "ppp",
    "tailscale",
    "zt",
    "nordlynx",
    "ipsec",
    "gpd",
    "proton",
];

/// Classifies the link of the default route.
pub fn classify(facts: &LinkFacts) -> LinkInfo {
    let name = facts.name.to_lowercase();
    let speed_mbps = facts.speed_bps.map(|b| b / 1_000_000);
    let info = |kind, reason: String| LinkInfo {
        kind,
        interface: Some(facts.name.clone()),
        reason,
        speed_mbps,
        signal_dbm: facts.signal_dbm,
    };

    if facts.if_type == IfType::Tunnel || VPN_PREFIXES.iter().any(|p| name.starts_with(p)) {
        return info(
            LinkKind::Vpn,
            format!(
                "your internet traffic goes through a VPN or tunnel ({})",
                facts.name
            ),
        );
    }
    if facts.if_type == IfType::Wwan || name.starts_with("wwan") || name.starts_with("rmnet") {
        return info(
            LinkKind::Cellular,
            format!("{} is a mobile-broadband modem", facts.name),
        );
    }
    match facts.driver.as_deref() {
        Some("ipheth") => {
            return info(
                LinkKind::Hotspot,
                format!("{} is an iPhone connected by USB (tethering)", facts.name),
            );
        }
        Some("rndis_host") => {
            return info(
                LinkKind::Hotspot,
                format!("{} is a phone connected by USB (tethering)", facts.name),
            );
        }
        _ => {}
    }
    if facts.metered == Some(true) && facts.if_type != IfType::Wwan {
        return info(
            LinkKind::Hotspot,
            format!(
                "{} is marked as a metered connection (a phone hotspot or mobile data)",
                facts.name
            ),
        );
    }
    if let Some(gw) = facts.gateway_v4 {
        if let Some((_, what)) = HOTSPOT_GATEWAYS.iter().find(|(g, _)| *g == gw) {
            return info(
                LinkKind::Hotspot,
                format!("the gateway {gw} is the usual address of {what}"),
            );
        }
    }
    if facts.if_type == IfType::Wireless || name.starts_with("wl") || name.contains("wi-fi") {
        return info(LinkKind::Wifi, format!("{} is a Wi‑Fi adapter", facts.name));
    }
    if facts.if_type == IfType::Ethernet {
        return info(
            LinkKind::Wired,
            format!("{} is a wired (Ethernet) adapter", facts.name),
        );
    }
    info(
        LinkKind::Unknown,
        format!("the type of {} could not be determined", facts.name),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(name: &str, if_type: IfType, gw: Option<[u8; 4]>) -> LinkFacts {
        LinkFacts {
            name: name.into(),
            if_type,
            gateway_v4: gw.map(Ipv4Addr::from),
            speed_bps: None,
            driver: None,
            signal_dbm: None,
            metered: None,
        }
    }

    #[test]
    fn table() {
        let cases = [
            (
                facts("eth0", IfType::Ethernet, Some([192, 168, 1, 1])),
                LinkKind::Wired,
            ),
            (facts("enp3s0", IfType::Ethernet, None), LinkKind::Wired),
            (
                facts("wlp2s0", IfType::Wireless, Some([192, 168, 1, 1])),
                LinkKind::Wifi,
            ),
            (facts("wlan0", IfType::Other, None), LinkKind::Wifi),
            (
                facts("wlan0", IfType::Wireless, Some([172, 20, 10, 1])),
                LinkKind::Hotspot,
            ),
            (
                facts("wlan0", IfType::Wireless, Some([192, 168, 43, 1])),
                LinkKind::Hotspot,
            ),
            (
                facts("usb0", IfType::Ethernet, Some([192, 168, 42, 129])),
                LinkKind::Hotspot,
            ),
            (facts("wwan0", IfType::Wwan, None), LinkKind::Cellular),
            (facts("wg0", IfType::Other, None), LinkKind::Vpn),
            (
                facts("tun0", IfType::Tunnel, Some([10, 8, 0, 1])),
                LinkKind::Vpn,
            ),
            (facts("tailscale0", IfType::Other, None), LinkKind::Vpn),
            (facts("weird0", IfType::Other, None), LinkKind::Unknown),
        ];
        for (f, want) in cases {
            assert_eq!(classify(&f).kind, want, "{f:?}");
        }
    }

    #[test]
    fn metered_connections_are_hotspots() {
        let mut f = facts("wlan0", IfType::Wireless, Some([192, 168, 1, 1]));
        f.metered = Some(true);
        let i = classify(&f);
        assert_eq!(i.kind, LinkKind::Hotspot);
        assert!(i.reason.contains("metered"));
        f.metered = Some(false);
        assert_eq!(classify(&f).kind, LinkKind::Wifi);
    }

    #[test]
    fn reason_names_the_hotspot() {
        let i = classify(&facts("wlan0", IfType::Wireless, Some([172, 20, 10, 1])));
        assert!(i.reason.contains("iPhone"), "{}", i.reason);
    }
}
