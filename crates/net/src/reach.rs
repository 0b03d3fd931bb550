//! Reachability of the meeting platforms: DNS, TCP connect and a TLS handshake to each one's
//! public web endpoint, with the time each step took. A certificate the system does not trust
//! usually means a captive portal (hotel or café Wi‑Fi sign-in page) or a network that
//! intercepts encrypted traffic; both are named as such.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A platform to reach: a name for people and the endpoint to shake hands with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlatformTarget {
    /// Name to show ("Zoom").
    pub name: String,
    /// Host name, also used for the TLS server name.
    pub host: String,
    /// TCP port (443).
    pub port: u16,
}

impl PlatformTarget {
    /// Parses `Name=host:port`.
    pub fn parse(s: &str) -> Option<PlatformTarget> {
        let (name, addr) = s.split_once('=')?;
        let (host, port) = addr.rsplit_once(':')?;
        Some(PlatformTarget {
            name: name.trim().into(),
            host: host.trim().into(),
            port: port.trim().parse().ok()?,
        })
    }
}

/// The meeting platforms checked by default: their public web endpoints on port 443.
pub fn default_platforms() -> Vec<PlatformTarget> {
    [
        ("Zoom", "zoom.us"),
        ("Google Meet", "meet.google.com"),
        ("Microsoft Teams", "teams.microsoft.com"),
        ("Jitsi Meet", "meet.jit.si"),
    ]
    .into_iter()
    .map(|(name, host)| PlatformTarget {
        name: name.into(),
        host: host.into(),
        port: 443,
    })
    .collect()
}

/// Why a platform could not be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ReachProblem {
    /// The name did not resolve.
    Dns,
    /// The connection was refused or the network is unreachable.
    Refused,
    /// No answer in time (a firewall dropping traffic, or a very slow link).
    Timeout,
    /// The certificate is not trusted: a captive portal or traffic interception.
    Certificate,
    /// Some other TLS failure.
    Tls,
}

/// The result for one platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Reachability {
    /// The platform.
    pub target: PlatformTarget,
    /// Whether the TLS handshake completed.
    pub ok: bool,
    /// Name lookup time, ms.
    pub dns_ms: Option<f64>,
    /// TCP connect time, ms.
    pub connect_ms: Option<f64>,
    /// TLS handshake time, ms.
    pub tls_ms: Option<f64>,
    /// What went wrong, if anything.
    pub problem: Option<ReachProblem>,
    /// The underlying error, for the details.
    pub error: Option<String>,
}

#[cfg(feature = "probe")]
mod probe;
#[cfg(feature = "probe")]
pub use probe::{check_platform, check_platforms, default_tls_config, tls_config_with_roots};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() {
        assert_eq!(
            PlatformTarget::parse("Local = localhost:8443"),
            Some(PlatformTarget {
                name: "Local".into(),
                host: "localhost".into(),
                port: 8443
            })
        );
        assert_eq!(PlatformTarget::parse("nope"), None);
        assert_eq!(PlatformTarget::parse("X=host:notaport"), None);
        assert_eq!(default_platforms().len(), 4);
    }
}
