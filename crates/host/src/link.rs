//! What the system says about a network interface beyond what `netdev` reports on every
//! system: the pure part, compiled everywhere so that it is tested everywhere. [`crate::Platform`]
//! reads the facts on each system ([`LinkDetails`]): on Linux sysfs (parsed here from a root,
//! so tests point it at recorded trees, `crates/net/tests/fixtures/sysfs/`), `/proc/net/wireless`
//! and NetworkManager; on Windows the WLAN API.
//!
//! - `class/net/<if>/uevent`: `DEVTYPE=wlan` (Wi‑Fi), `wwan` (mobile broadband), `wireguard`…
//! - `class/net/<if>/wireless/` exists for Wi‑Fi; `tun_flags` for tun/tap (VPNs).
//! - `class/net/<if>/device/uevent`: `DRIVER=…`; `ipheth` (iPhone USB tethering) and
//!   `rndis_host` (Android USB tethering) mean the phone is the internet connection.
//! - `/proc/net/wireless`: the Wi‑Fi signal level in dBm.
//! - NetworkManager (`nmcli`): whether the connection is metered (a hotspot or mobile data).
//! - Windows' WLAN API: the signal quality (0–100) of the Wi‑Fi connection.

use std::path::Path;

/// What the OS says about the interface of the default route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfType {
    /// Ethernet-like (includes USB Ethernet and USB tethering).
    Ethernet,
    /// 802.11 wireless.
    Wireless,
    /// Mobile broadband.
    Wwan,
    /// Tunnel or PPP.
    Tunnel,
    /// Loopback.
    Loopback,
    /// Anything else.
    Other,
}

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

/// What the system tells about an interface beyond `netdev`'s report (each `None` where this
/// system does not tell).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkDetails {
    /// A more precise interface type than `netdev`'s.
    pub if_type: Option<IfType>,
    /// The kernel driver.
    pub driver: Option<String>,
    /// Wi‑Fi signal level, dBm.
    pub signal_dbm: Option<i32>,
    /// Whether the connection is metered.
    pub metered: Option<bool>,
}

/// Parses NetworkManager's `GENERAL.METERED` value ("yes", "no", "yes (guessed)", "unknown").
pub fn parse_metered(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.starts_with("yes") {
        Some(true)
    } else if t.starts_with("no") {
        Some(false)
    } else {
        None
    }
}

/// The Wi‑Fi signal in dBm from Windows' signal quality (0–100): the WLAN API documents 0 as
/// −100 dBm and 100 as −50 dBm, linear between.
pub fn wlan_quality_dbm(quality: u32) -> i32 {
    quality.min(100) as i32 / 2 - 100
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
    fn parses_nmcli_metered() {
        assert_eq!(parse_metered("yes\n"), Some(true));
        assert_eq!(parse_metered("yes (guessed)\n"), Some(true));
        assert_eq!(parse_metered("no (guessed)"), Some(false));
        assert_eq!(parse_metered("unknown"), None);
        assert_eq!(parse_metered(""), None);
    }

    #[test]
    fn windows_signal_quality_in_dbm() {
        assert_eq!(wlan_quality_dbm(0), -100);
        assert_eq!(wlan_quality_dbm(40), -80);
        assert_eq!(wlan_quality_dbm(100), -50);
        assert_eq!(wlan_quality_dbm(250), -50);
    }

    #[test]
    fn a_missing_tree_tells_nothing() {
        let f = read(Path::new("/nonexistent/sys"), "eth0");
        assert_eq!(f, SysfsFacts::default());
    }
}
