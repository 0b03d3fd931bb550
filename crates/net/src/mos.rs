//! Mean Opinion Score (1 = bad … 4.5 = excellent) estimated with the simplified ITU-T G.107
//! E-model, as in Twilio's `mos.ts` (rtc-diagnostics). Units are **milliseconds and percent**,
//! which is what that formula was fitted for (not seconds and fractions).

/// R-factor of a perfect call under the simplified model (Twilio's `r0`).
const R0: f64 = 94.768;

/// Estimated MOS for a call with round-trip time `rtt_ms`, jitter `jitter_ms` and packet loss
/// `loss_pct` (0–100).
pub fn mos(rtt_ms: f64, jitter_ms: f64, loss_pct: f64) -> f64 {
    // Jitter counts double (the jitter buffer has to absorb it), plus 10 ms of codec delay.
    let effective_latency = rtt_ms + 2.0 * jitter_ms + 10.0;
    let mut r = if effective_latency < 160.0 {
        R0 - effective_latency / 40.0
    } else if effective_latency < 1000.0 {
        R0 - (effective_latency - 120.0) / 10.0
    } else {
        0.0
    };
    r = if loss_pct <= r / 2.5 {
        (r - 2.5 * loss_pct).max(6.52)
    } else {
        0.0
    };
    if r <= 0.0 {
        return 1.0;
    }
    1.0 + 0.035 * r + 0.000_007 * r * (r - 60.0) * (100.0 - r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_network_is_excellent() {
        let m = mos(0.0, 0.0, 0.0);
        assert!(m > 4.4 && m < 4.5, "{m}");
    }

    #[test]
    fn worked_example() {
        // rtt 100, jitter 10 → effective latency 130 → R = 94.768 − 3.25 = 91.518;
        // 1 % loss → R = 89.018 → MOS = 1 + 3.11563 + 0.000007·89.018·29.018·10.982 = 4.3142
        let m = mos(100.0, 10.0, 1.0);
        assert!((m - 4.3142).abs() < 0.001, "{m}");
    }

    #[test]
    fn gets_worse_with_each_impairment() {
        let base = mos(50.0, 5.0, 0.0);
        assert!(mos(400.0, 5.0, 0.0) < base);
        assert!(mos(50.0, 60.0, 0.0) < base);
        assert!(mos(50.0, 5.0, 8.0) < base);
    }

    #[test]
    fn unusable_networks_score_one() {
        // Beyond 1 s effective latency R is floored at 6.52, which maps to MOS ≈ 1.0.
        assert!((mos(2000.0, 0.0, 0.0) - 1.0).abs() < 0.01);
        assert_eq!(mos(50.0, 5.0, 60.0), 1.0);
    }

    #[test]
    fn units_are_ms_and_percent() {
        // 300 ms RTT and 5 % loss (Daily's warning edges) is a mediocre call, not a perfect one,
        // as it would wrongly be if seconds and fractions were passed.
        let m = mos(300.0, 10.0, 5.0);
        assert!(m > 2.5 && m < 4.0, "{m}");
    }
}
