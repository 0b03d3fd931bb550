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
    /// Where its calls' media servers answer a standard probe (STUN over UDP), `host:port`;
    /// `None` where none does (its call route is then not measured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<String>,
}

impl PlatformTarget {
    /// Parses `Name=host:port`, or `Name=host:port,media=host:port` with where its calls'
    /// media answer STUN over UDP.
    pub fn parse(s: &str) -> Option<PlatformTarget> {
        let (name, rest) = s.split_once('=')?;
        let (addr, media) = match rest.split_once(",media=") {
            Some((a, m)) => {
                let (h, p) = m.trim().rsplit_once(':')?;
                p.parse::<u16>().ok()?;
                (a, Some(format!("{}:{p}", h.trim())))
            }
            None => (rest, None),
        };
        let (host, port) = addr.rsplit_once(':')?;
        Some(PlatformTarget {
            name: name.trim().into(),
            host: host.trim().into(),
            port: port.trim().parse().ok()?,
            media,
        })
    }
}

/// The meeting platforms checked by default: their public web endpoints on port 443.
///
/// The media route, where the platform's own media servers answer a standard probe: Microsoft
/// Teams' transport relays answer STUN on UDP 3478 (Teams media uses UDP 3478–3481 to
/// 13.107.64.0/18, 52.112.0.0/14 and 52.122.0.0/15, falling back to TCP 443); Google Meet's
/// media goes to Google's STUN/media range on UDP 19302–19309. Zoom's media (UDP 8801, TCP 443
/// when UDP is blocked) and Jitsi's video bridges (UDP 10000) answer no standard probe: their
/// call route is not measured.
pub fn default_platforms() -> Vec<PlatformTarget> {
    [
        ("Zoom", "zoom.us", None),
        (
            "Google Meet",
            "meet.google.com",
            Some("stun.l.google.com:19302"),
        ),
        (
            "Microsoft Teams",
            "teams.microsoft.com",
            Some("worldaz.tr.teams.microsoft.com:3478"),
        ),
        ("Jitsi Meet", "meet.jit.si", None),
    ]
    .into_iter()
    .map(|(name, host, media)| PlatformTarget {
        name: name.into(),
        host: host.into(),
        port: 443,
        media: media.map(str::to_string),
    })
    .collect()
}

/// How a platform's calls would travel on this network, where that was measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum MediaRoute {
    /// Its media servers answered over UDP: calls take the fast route.
    Udp {
        /// Round trip of the answers (median), ms.
        #[serde(rename = "rttMs")]
        rtt_ms: f64,
    },
    /// Nothing came back over UDP: calls must fall back to TCP (slower, more lag).
    NoUdp,
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
    /// How its calls would travel; `None` where that is not measured.
    #[serde(default)]
    pub media: Option<MediaRoute>,
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
                port: 8443,
                media: None,
            })
        );
        assert_eq!(PlatformTarget::parse("nope"), None);
        assert_eq!(PlatformTarget::parse("X=host:notaport"), None);
        // Where its calls' media answer STUN over UDP.
        assert_eq!(
            PlatformTarget::parse("Teams=teams.example:443,media=relay.example:3478")
                .and_then(|t| t.media),
            Some("relay.example:3478".to_string())
        );
        assert_eq!(PlatformTarget::parse("X=h:443,media=relay:nope"), None);
        let defaults = default_platforms();
        assert_eq!(defaults.len(), 4);
        // Teams and Meet have a media route that answers a standard probe; Zoom and Jitsi not.
        let media: Vec<bool> = defaults.iter().map(|t| t.media.is_some()).collect();
        assert_eq!(media, [false, true, true, false]);
    }
}
