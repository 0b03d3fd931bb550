//! Finding the link that carries the default route on this machine: `netdev` (every system)
//! for the interface, its type and gateway; on Linux also sysfs, the Wi‑Fi signal and
//! NetworkManager ([`crate::linux`]); elsewhere what `netdev` reports is all there is.

use crate::link::{classify, IfType, LinkFacts, LinkInfo, LinkKind};

#[cfg(target_os = "linux")]
use crate::linux::facts as os_facts;

/// Elsewhere: nothing beyond `netdev`'s report (no driver, signal or metered flag).
#[cfg(not(target_os = "linux"))]
#[derive(Debug, Clone, Default)]
struct OsFacts {
    if_type: Option<IfType>,
    driver: Option<String>,
    signal_dbm: Option<i32>,
    metered: Option<bool>,
}

#[cfg(not(target_os = "linux"))]
fn os_facts(_name: &str) -> OsFacts {
    OsFacts::default()
}

/// Reads the default-route interface from the OS and classifies it. No default route means
/// [`LinkKind::Offline`].
pub fn detect() -> LinkInfo {
    match netdev::get_default_interface() {
        Ok(iface) => {
            use netdev::interface::types::InterfaceType as T;
            let if_type = match iface.if_type {
                T::Ethernet | T::GigabitEthernet | T::FastEthernetT | T::FastEthernetFx => {
                    IfType::Ethernet
                }
                T::Wireless80211 => IfType::Wireless,
                T::Wwan | T::Wwanpp | T::Wwanpp2 => IfType::Wwan,
                T::Tunnel | T::Ppp => IfType::Tunnel,
                T::Loopback => IfType::Loopback,
                _ => IfType::Other,
            };
            let os = os_facts(&iface.name);
            let facts = LinkFacts {
                name: iface.name.clone(),
                if_type: os.if_type.unwrap_or(if_type),
                gateway_v4: iface.gateway.as_ref().and_then(|g| g.ipv4.first().copied()),
                speed_bps: iface.transmit_speed,
                driver: os.driver,
                signal_dbm: os.signal_dbm,
                metered: os.metered,
            };
            classify(&facts)
        }
        Err(e) => LinkInfo {
            kind: LinkKind::Offline,
            interface: None,
            reason: format!("there is no default route ({e})"),
            speed_mbps: None,
            signal_dbm: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detect_on_this_machine_does_not_panic() {
        // Whatever this machine has, detect() gives a classified answer with a reason.
        let i = detect();
        assert!(!i.reason.is_empty());
        if i.kind != LinkKind::Offline {
            assert!(i.interface.is_some());
        }
    }
}
