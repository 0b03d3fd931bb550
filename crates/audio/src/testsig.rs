//! Test signals shared by the unit tests.

/// Deterministic white noise in −amplitude..amplitude (xorshift; no RNG dependency needed).
pub(crate) fn noise(amplitude: f32, n: usize, mut seed: u64) -> Vec<f32> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            amplitude * ((seed >> 11) as f32 / (1u64 << 53) as f32 * 2.0 - 1.0)
        })
        .collect()
}
