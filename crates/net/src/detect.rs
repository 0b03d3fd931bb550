//! Finding the link that carries the default route on this machine: `netdev` (every system)
//! for the interface, its type, name and gateway; what the system tells beyond that (Linux: the
//! driver, the Wi‑Fi signal, NetworkManager's metered flag; Windows: the Wi‑Fi signal) through
//! the platform seam.

use crate::link::{classify, IfType, LinkFacts, LinkInfo, LinkKind};

/// The name a person knows the interface by: on Windows `netdev`'s `name` is the adapter's GUID
/// (`{…}`) and its `friendly_name` is "Ethernet" or "Wi‑Fi", which is also what the link's
/// classification reads; elsewhere the system's name is kept (Linux has no other, and macOS's
/// `en0` or `utun3` says more to the classification than "Wi‑Fi").
fn shown_name(name: &str, friendly_name: Option<&str>) -> String {
    let friendly = friendly_name.map(str::trim).filter(|f| !f.is_empty());
    match friendly {
        Some(f) if name.starts_with('{') => f.to_string(),
        _ => name.to_string(),
    }
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
            let os = preflight_host::this_system().link_details(&iface.name);
            let facts = LinkFacts {
                name: shown_name(&iface.name, iface.friendly_name.as_deref()),
                if_type: os.if_type.unwrap_or(if_type),
                gateway_v4: iface.gateway.as_ref().and_then(|g| g.ipv4.first().copied()),
                // Some systems (Wine, virtual adapters) report 0 for "not known".
                speed_bps: iface.transmit_speed.filter(|&s| s > 0),
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
    fn the_interface_is_named_as_people_know_it() {
        let guid = "{00000004-0000-0000-0000-4E6574446576}";
        assert_eq!(shown_name(guid, Some("Ethernet")), "Ethernet");
        assert_eq!(shown_name(guid, Some("  ")), guid);
        assert_eq!(shown_name("wlp2s0", None), "wlp2s0");
        assert_eq!(shown_name("utun3", Some("Wi-Fi")), "utun3");
    }

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
