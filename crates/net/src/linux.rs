//! What Linux says about a network interface beyond what `netdev` reports on every system:
//! sysfs (read from a root so that tests can point it at recorded trees,
//! `tests/fixtures/sysfs/`), `/proc/net/wireless` and NetworkManager. Compiled on Linux only;
//! other systems classify from `netdev`'s interface type alone.
//!
//! - `class/net/<if>/uevent`: `DEVTYPE=wlan` (Wi‑Fi), `wwan` (mobile broadband), `wireguard`…
//! - `class/net/<if>/wireless/` exists for Wi‑Fi; `tun_flags` for tun/tap (VPNs).
//! - `class/net/<if>/device/uevent`: `DRIVER=…`; `ipheth` (iPhone USB tethering) and
//!   `rndis_host` (Android USB tethering) mean the phone is the internet connection.
//! - `/proc/net/wireless`: the Wi‑Fi signal level in dBm.
//! - NetworkManager (`nmcli`): whether the connection is metered (a hotspot or mobile data).

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

/// What Linux says about interface `name` on this machine: sysfs under `/sys`, the Wi‑Fi signal
/// and whether NetworkManager marks the connection as metered.
pub fn facts(name: &str) -> OsFacts {
    let sys = read(Path::new("/sys"), name);
    OsFacts {
        if_type: sys.if_type,
        driver: sys.driver,
        signal_dbm: std::fs::read_to_string("/proc/net/wireless")
            .ok()
            .and_then(|t| wifi_signal_dbm(&t, name)),
        metered: nmcli_metered(name),
    }
}

/// What the system tells about an interface beyond `netdev`'s report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OsFacts {
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

/// Asks NetworkManager (`nmcli`) whether `iface` is metered. No NetworkManager, or no answer
/// within a second, gives `None`.
fn nmcli_metered(iface: &str) -> Option<bool> {
    let mut cmd = std::process::Command::new("nmcli");
    cmd.args(["-t", "-g", "GENERAL.METERED", "device", "show", iface]);
    let ran = preflight_host::run_bounded(cmd, std::time::Duration::from_secs(1)).ok()?;
    ran.status.success().then(|| parse_metered(&ran.stdout))?
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
    fn the_loopback_of_this_machine_has_no_device_behind_it() {
        // Read from the real /sys: `lo` is on every Linux machine, virtual, with no driver.
        let lo = read(Path::new("/sys"), "lo");
        assert_eq!(lo, SysfsFacts::default());
        let f = facts("lo");
        assert_eq!((f.if_type, f.driver, f.signal_dbm), (None, None, None));
    }
}
