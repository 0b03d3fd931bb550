//! How much the connection can carry: upload and download throughput over HTTPS against a
//! speed-test endpoint, and the round-trip time while the upload runs (the "bufferbloat" that
//! freezes calls on busy home lines).
//!
//! The statistics ([`steady_mbps`], [`median`]) are pure. The I/O is a small HTTP/1.1 client
//! over tokio and rustls (one request per connection, plus one kept-alive connection for the
//! latency pings), so every byte is timed where it leaves or arrives, every step is bounded by a
//! deadline, and dropping the future cancels the probe at once.
//!
//! Budget: at most [`CapacityConfig::total`] (6 s) and [`CapacityConfig::max_up_bytes`] +
//! [`CapacityConfig::max_down_bytes`] (≤ 20 MB) of traffic.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The public default endpoints: Cloudflare's speed test, which serves `bytes=N` zero bytes on a
/// GET and accepts (and discards) a POSTed body. Only zeros are sent: nothing of the mentor's.
pub const DEFAULT_DOWNLOAD_URL: &str = "https://speed.cloudflare.com/__down?bytes={bytes}";
/// See [`DEFAULT_DOWNLOAD_URL`].
pub const DEFAULT_UPLOAD_URL: &str = "https://speed.cloudflare.com/__up";

/// Which way the bytes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Direction {
    /// From the computer to the endpoint (what the mentor's video needs).
    Up,
    /// From the endpoint to the computer.
    Down,
}

/// A live reading for the chart and the progress line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
#[ts(export)]
pub enum CapacityEvent {
    /// Throughput so far in one direction (over the last quarter second).
    Rate {
        /// Which way.
        direction: Direction,
        /// Milliseconds since the probe started.
        at_ms: u32,
        /// Megabits per second over the last interval.
        mbps: f64,
    },
    /// A round trip measured while idle (before the transfers) or while the upload runs.
    Latency {
        /// Measured during the upload.
        loaded: bool,
        /// Milliseconds since the probe started.
        at_ms: u32,
        /// Round-trip time in milliseconds.
        rtt_ms: f64,
    },
}

/// What the probe measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Capacity {
    /// Steady upload rate (slow start left out), Mbps.
    pub up_mbps: Option<f64>,
    /// Steady download rate, Mbps.
    pub down_mbps: Option<f64>,
    /// Median round trip with the line idle, ms.
    pub idle_rtt_ms: Option<f64>,
    /// Median round trip while the upload runs, ms.
    pub loaded_rtt_ms: Option<f64>,
    /// Bytes sent.
    pub up_bytes: u64,
    /// Bytes received.
    pub down_bytes: u64,
    /// The endpoint's host.
    pub server: String,
    /// What went wrong, if a part could not be measured.
    pub problem: Option<CapacityProblem>,
}

/// Why (part of) the probe failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase", tag = "kind", content = "detail")]
#[ts(export)]
pub enum CapacityProblem {
    /// The endpoint address is not usable.
    #[error("the speed-test address “{0}” is not an https:// address")]
    BadUrl(String),
    /// Its name could not be looked up (offline, or DNS trouble).
    #[error("the speed-test server's name could not be looked up")]
    Dns,
    /// It could not be reached (refused, unreachable).
    #[error("the speed-test server could not be reached ({0})")]
    Unreachable(String),
    /// It stopped answering within the time allowed.
    #[error("the speed-test server stopped answering")]
    Stalled,
    /// TLS failed (an untrusted certificate is often a Wi‑Fi sign-in page).
    #[error("a secure connection to the speed-test server failed ({0})")]
    Tls(String),
    /// It answered with an HTTP error.
    #[error("the speed-test server answered with an error (HTTP {0})")]
    Http(u16),
    /// Its answer was not HTTP as expected (not a speed-test server, or a proxy in the way).
    #[error("the speed-test server's answer was not understood")]
    BadAnswer,
}

impl From<std::io::Error> for CapacityProblem {
    fn from(e: std::io::Error) -> Self {
        CapacityProblem::Unreachable(e.kind().to_string())
    }
}

/// A speed-test endpoint for the capacity check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SpeedTest {
    /// GET address serving N bytes; `{bytes}` stands for the number.
    pub download_url: String,
    /// POST address that accepts (and discards) a body.
    pub upload_url: String,
}

impl Default for SpeedTest {
    fn default() -> Self {
        SpeedTest {
            download_url: DEFAULT_DOWNLOAD_URL.into(),
            upload_url: DEFAULT_UPLOAD_URL.into(),
        }
    }
}

/// Megabits per second from the steady part of a transfer: `samples` are (milliseconds since
/// the transfer began, bytes so far). The first 40 % of the time is left out: TCP slow start and
/// the filling of socket buffers happen there, and counting them would over- or under-state
/// what the line carries. `None` when the transfer is too short to tell (under 300 ms or fewer
/// than 4 samples).
pub fn steady_mbps(samples: &[(f64, u64)]) -> Option<f64> {
    let &(t_end, b_end) = samples.last()?;
    if samples.len() < 4 || t_end < 300.0 {
        return None;
    }
    let from = t_end * 0.4;
    let &(t0, b0) = samples.iter().find(|(t, _)| *t >= from)?;
    let dt = t_end - t0;
    if dt < 100.0 || b_end < b0 {
        return None;
    }
    Some((b_end - b0) as f64 * 8.0 / dt / 1000.0)
}

/// The shortest transfer judged steady, ms: slow start and the first buffers are over by then on
/// any line a call can use.
pub const STEADY_AFTER_MS: f64 = 800.0;

/// How far the latest rates may stray from the steady rate so far and still count as steady.
pub const STEADY_WITHIN: f64 = 0.10;

/// Whether a transfer (`samples`: milliseconds since it began, bytes so far) has settled, so
/// measuring longer would not change its figure: at least [`STEADY_AFTER_MS`] in, and the rate
/// of each of its last two quarter seconds within [`STEADY_WITHIN`] of [`steady_mbps`]. A rate
/// still climbing (a long slow start) or swinging (a busy line) is not steady: the transfer
/// goes on to its time limit.
pub fn is_steady(samples: &[(f64, u64)]) -> bool {
    let Some(&(t_end, _)) = samples.last() else {
        return false;
    };
    if t_end < STEADY_AFTER_MS {
        return false;
    }
    let Some(steady) = steady_mbps(samples).filter(|r| *r > 0.0) else {
        return false;
    };
    // Bytes at time `t`: the last sample at or before it.
    let bytes_at = |t: f64| {
        samples
            .iter()
            .take_while(|(ts, _)| *ts <= t)
            .last()
            .map(|s| s.1)
    };
    let rate = |from: f64, to: f64| -> Option<f64> {
        let (a, b) = (bytes_at(from)?, bytes_at(to)?);
        (b >= a).then(|| (b - a) as f64 * 8.0 / (to - from) / 1000.0)
    };
    [(t_end - 500.0, t_end - 250.0), (t_end - 250.0, t_end)]
        .iter()
        .all(|&(from, to)| {
            rate(from, to).is_some_and(|r| (r - steady).abs() <= steady * STEADY_WITHIN)
        })
}

/// The median of `v` (`None` when empty).
pub fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let m = s.len() / 2;
    Some(if s.len().is_multiple_of(2) {
        (s[m - 1] + s[m]) / 2.0
    } else {
        s[m]
    })
}

#[cfg(feature = "probe")]
mod probe;
#[cfg(feature = "probe")]
pub use probe::{measure, CapacityConfig};

#[cfg(test)]
mod tests {
    use super::*;

    /// Samples every 50 ms for `ms` milliseconds of a transfer at `mbps(t)`.
    fn transfer(ms: u32, mbps: impl Fn(f64) -> f64) -> Vec<(f64, u64)> {
        let mut bytes = 0f64;
        let mut out = vec![(0.0, 0u64)];
        for step in 1..=ms / 50 {
            let t = f64::from(step * 50);
            bytes += mbps(t) * 1000.0 / 8.0 * 50.0;
            out.push((t, bytes as u64));
        }
        out
    }

    #[test]
    fn a_settled_rate_is_steady_a_climbing_or_swinging_one_is_not() {
        // 20 Mbps from the start: steady once 800 ms are in, not before.
        assert!(!is_steady(&transfer(750, |_| 20.0)));
        assert!(is_steady(&transfer(850, |_| 20.0)));
        // A short burst while buffers fill, then flat: steady by 900 ms, at the flat rate.
        let burst = transfer(900, |t| if t <= 100.0 { 200.0 } else { 20.0 });
        assert!(is_steady(&burst));
        assert!((steady_mbps(&burst).unwrap() - 20.0).abs() < 1.0);
        // Slow start still doubling: not steady, however long.
        let climbing = |t: f64| 2.0 * 2f64.powf(t / 400.0);
        assert!(!is_steady(&transfer(1200, climbing)));
        assert!(!is_steady(&transfer(2000, climbing)));
        // A busy line swinging between 10 and 30 Mbps every quarter second: not steady.
        let swinging = |t: f64| {
            if ((t / 250.0).ceil() as u32).is_multiple_of(2) {
                10.0
            } else {
                30.0
            }
        };
        assert!(!is_steady(&transfer(2000, swinging)));
        // A line that stalls: not steady.
        assert!(!is_steady(&transfer(1500, |t| if t > 1000.0 {
            0.0
        } else {
            20.0
        })));
        assert!(!is_steady(&[]));
        assert!(!is_steady(&transfer(2000, |_| 0.0)));
    }

    #[test]
    fn steady_rate_leaves_the_start_out() {
        // A burst of 1 MB in the first 100 ms (buffers filling), then 1 Mbps for 2.9 s.
        let mut s = vec![(0.0, 0u64), (100.0, 1_000_000)];
        for i in 1..=29 {
            s.push((100.0 + i as f64 * 100.0, 1_000_000 + i * 12_500));
        }
        let r = steady_mbps(&s).unwrap();
        assert!((r - 1.0).abs() < 0.01, "{r}");
        // Counting from the start would have said about 3.7 Mbps.
        let naive = s.last().unwrap().1 as f64 * 8.0 / 3000.0 / 1000.0;
        assert!(naive > 3.0);
    }

    #[test]
    fn too_short_to_tell() {
        assert_eq!(steady_mbps(&[]), None);
        assert_eq!(
            steady_mbps(&[(0.0, 0), (100.0, 10), (200.0, 20), (250.0, 30)]),
            None
        );
        assert_eq!(steady_mbps(&[(0.0, 0), (1000.0, 10)]), None);
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
