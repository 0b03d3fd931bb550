//! What Linux's sysfs says about a network interface, read from a sysfs root so that tests can
//! point it at recorded trees (`tests/fixtures/sysfs/`).
//!
//! - `class/net/<if>/uevent`: `DEVTYPE=wlan` (Wi‑Fi), `wwan` (mobile broadband), `wireguard`…
//! - `class/net/<if>/wireless/` exists for Wi‑Fi; `tun_flags` for tun/tap (VPNs).
//! - `class/net/<if>/device/uevent`: `DRIVER=…`; `ipheth` (iPhone USB tethering) and
//!   `rndis_host` (Android USB tethering) mean the phone is the internet connection.
//! - `/proc/net/wireless`: the Wi‑Fi signal level in dBm.

use std::path::Path;

use crate::link::IfType;

/// Facts read from sysfs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SysfsFacts {
    /// Interface type, if sysfs tells one.
    pub if_type: Option<IfType>,
    /// The kernel driver behind the interface.
    pub driver: Option<String>,
}

fn uevent_value(text: &str, key: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
        .map(|v| v.trim().to_string())
}

/// Reads what `root` (normally `/sys`) says about interface `name`.
pub fn read(root: &Path, name: &str) -> SysfsFacts {
    let dir = root.join("class/net").join(name);
    let uevent = std::fs::read_to_string(dir.join("uevent")).unwrap_or_default();
    let devtype = uevent_value(&uevent, "DEVTYPE");
    let driver = std::fs::read_to_string(dir.join("device/uevent"))
        .ok()
        .and_then(|t| uevent_value(&t, "DRIVER"));
    let if_type = match devtype.as_deref() {
        Some("wlan") => Some(IfType::Wireless),
        Some("wwan") => Some(IfType::Wwan),
        Some("wireguard") | Some("ppp") => Some(IfType::Tunnel),
        _ if dir.join("wireless").is_dir() => Some(IfType::Wireless),
        _ if dir.join("tun_flags").exists() => Some(IfType::Tunnel),
        _ => None,
    };
    SysfsFacts { if_type, driver }
}

/// The Wi‑Fi signal level of `name` in dBm from a `/proc/net/wireless` text, if listed.
pub fn wifi_signal_dbm(proc_net_wireless: &str, name: &str) -> Option<i32> {
    proc_net_wireless.lines().find_map(|line| {
        let (iface, rest) = line.split_once(':')?;
        if iface.trim() != name {
            return None;
        }
        // Fields: status, link quality, signal level, noise level, …
        let level = rest.split_whitespace().nth(2)?;
        level
            .trim_end_matches('.')
            .parse::<f32>()
            .ok()
            .map(|v| v as i32)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_net_wireless() {
        let text = "Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE\n \
                    face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22\n \
                    wlp2s0: 0000   54.  -56.  -256        0      0      0      0     12        0\n";
        assert_eq!(wifi_signal_dbm(text, "wlp2s0"), Some(-56));
        assert_eq!(wifi_signal_dbm(text, "eth0"), None);
    }

    #[test]
    fn this_machine_reads_without_panicking() {
        if let Ok(i) = netdev::get_default_interface() {
            let _ = read(Path::new("/sys"), &i.name);
        }
    }
}
