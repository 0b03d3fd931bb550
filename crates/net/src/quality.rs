//! Pure call-quality figures from a list of probe timings.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::mos::mos;

/// One probe: when it was sent (ms since the first) and its round-trip time, if it came back.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Probe {
    /// Sequence number, from 0.
    pub seq: u32,
    /// Milliseconds after the first probe was sent.
    pub sent_ms: f64,
    /// Round-trip time in ms; `None` when no answer came in time (lost).
    pub rtt_ms: Option<f64>,
}

/// How much the figures can be trusted, from how many answers they rest on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Confidence {
    /// Fewer than 10 answers: indicative only.
    Low,
    /// 10–29 answers.
    Medium,
    /// 30 or more answers.
    High,
}

/// Path quality as a call would feel it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PathStats {
    /// Probes sent.
    pub sent: u32,
    /// Answers received.
    pub received: u32,
    /// Lost probes, percent of those sent.
    pub loss_pct: f64,
    /// Smallest RTT, ms.
    pub rtt_min_ms: f64,
    /// Mean RTT, ms.
    pub rtt_avg_ms: f64,
    /// 95th percentile RTT, ms.
    pub rtt_p95_ms: f64,
    /// Jitter, ms: the mean absolute difference between the RTTs of consecutive answered
    /// probes (RFC 3550's interarrival-jitter definition, D(i−1, i), without its 1/16 smoothing,
    /// which needs hundreds of packets to settle).
    pub jitter_ms: f64,
    /// Estimated MOS (1–4.5) from RTT, jitter and loss (simplified E-model).
    pub mos: f64,
    /// How far to trust the figures.
    pub confidence: Confidence,
}

/// Computes path quality from probes. With no answers at all, RTT and jitter are 0 and the MOS
/// is 1 (nothing gets through).
pub fn path_stats(probes: &[Probe]) -> PathStats {
    let sent = probes.len() as u32;
    let mut ordered: Vec<&Probe> = probes.iter().collect();
    ordered.sort_by_key(|p| p.seq);
    let rtts: Vec<f64> = ordered.iter().filter_map(|p| p.rtt_ms).collect();
    let received = rtts.len() as u32;
    let loss_pct = if sent == 0 {
        100.0
    } else {
        100.0 * (sent - received) as f64 / sent as f64
    };
    if rtts.is_empty() {
        return PathStats {
            sent,
            received,
            loss_pct,
            rtt_min_ms: 0.0,
            rtt_avg_ms: 0.0,
            rtt_p95_ms: 0.0,
            jitter_ms: 0.0,
            mos: 1.0,
            confidence: Confidence::Low,
        };
    }
    let mut sorted = rtts.clone();
    sorted.sort_by(f64::total_cmp);
    let p95 = sorted[((0.95 * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
    let avg = rtts.iter().sum::<f64>() / rtts.len() as f64;
    let jitter = if rtts.len() < 2 {
        0.0
    } else {
        rtts.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (rtts.len() - 1) as f64
    };
    PathStats {
        sent,
        received,
        loss_pct,
        rtt_min_ms: sorted[0],
        rtt_avg_ms: avg,
        rtt_p95_ms: p95,
        jitter_ms: jitter,
        mos: mos(avg, jitter, loss_pct),
        confidence: match received {
            0..=9 => Confidence::Low,
            10..=29 => Confidence::Medium,
            _ => Confidence::High,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probes(rtts: &[Option<f64>]) -> Vec<Probe> {
        rtts.iter()
            .enumerate()
            .map(|(i, r)| Probe {
                seq: i as u32,
                sent_ms: i as f64 * 100.0,
                rtt_ms: *r,
            })
            .collect()
    }

    #[test]
    fn known_answers() {
        let s = path_stats(&probes(&[
            Some(20.0),
            Some(30.0),
            None,
            Some(20.0),
            Some(40.0),
        ]));
        assert_eq!((s.sent, s.received), (5, 4));
        assert!((s.loss_pct - 20.0).abs() < 1e-9);
        assert_eq!(s.rtt_min_ms, 20.0);
        assert!((s.rtt_avg_ms - 27.5).abs() < 1e-9);
        assert_eq!(s.rtt_p95_ms, 40.0);
        // |30−20| + |20−30| + |40−20| = 40 over 3 differences.
        assert!((s.jitter_ms - 40.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.confidence, Confidence::Low);
        assert!((s.mos - mos(27.5, 40.0 / 3.0, 20.0)).abs() < 1e-12);
    }

    #[test]
    fn order_of_arrival_does_not_matter() {
        let mut p = probes(&[Some(10.0), Some(50.0), Some(10.0)]);
        p.reverse();
        assert!((path_stats(&p).jitter_ms - 40.0).abs() < 1e-9);
    }

    #[test]
    fn nothing_came_back() {
        let s = path_stats(&probes(&[None, None, None]));
        assert_eq!(s.loss_pct, 100.0);
        assert_eq!(s.mos, 1.0);
        assert_eq!(path_stats(&[]).loss_pct, 100.0);
    }

    #[test]
    fn confidence_grows_with_answers() {
        assert_eq!(
            path_stats(&probes(&[Some(5.0); 12])).confidence,
            Confidence::Medium
        );
        assert_eq!(
            path_stats(&probes(&[Some(5.0); 40])).confidence,
            Confidence::High
        );
    }
}
