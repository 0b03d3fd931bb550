//! The speaker test chime and its acoustic detection (pure).
//!
//! The chime is three short pure tones (A5, E6, A6). Speech and room noise have broad spectra
//! whose energy moves from moment to moment, while a loudspeaker playing a pure tone puts a
//! steady narrow line into the microphone signal. [`detect_chime`] looks for exactly that: for
//! each tone, Goertzel power at the tone frequency well above the power at neighbouring
//! frequencies and holding most of the window's energy, sustained over a stretch of windows.

use serde::{Deserialize, Serialize};

/// Frequencies of the chime's three notes, Hz.
pub const CHIME_FREQS: [f32; 3] = [880.0, 1318.5, 1760.0];
/// Length of each note, ms.
pub const NOTE_MS: u32 = 200;
/// Silence between notes, ms.
pub const GAP_MS: u32 = 50;
/// Peak amplitude of the chime: −12 dBFS, loud enough to hear, far from clipping.
pub const CHIME_AMPLITUDE: f32 = 0.25;
/// Fade in and out of each note, ms (avoids clicks).
const FADE_MS: u32 = 10;

/// Length of the chime in samples at `sample_rate`.
pub fn chime_len(sample_rate: u32) -> usize {
    let per_ms = sample_rate as usize / 1000;
    CHIME_FREQS.len() * (NOTE_MS + GAP_MS) as usize * per_ms
}

/// The chime as mono samples at `sample_rate`.
pub fn chime(sample_rate: u32) -> Vec<f32> {
    let sr = sample_rate as f32;
    let note = (sample_rate * NOTE_MS / 1000) as usize;
    let gap = (sample_rate * GAP_MS / 1000) as usize;
    let fade = ((sample_rate * FADE_MS / 1000) as usize).max(1);
    let mut out = Vec::with_capacity(chime_len(sample_rate));
    for &f in &CHIME_FREQS {
        for i in 0..note {
            let edge = i.min(note - 1 - i);
            let env = if edge < fade {
                0.5 - 0.5 * (std::f32::consts::PI * edge as f32 / fade as f32).cos()
            } else {
                1.0
            };
            out.push(CHIME_AMPLITUDE * env * (std::f32::consts::TAU * f * i as f32 / sr).sin());
        }
        out.extend(std::iter::repeat_n(0.0, gap));
    }
    out
}

/// Power of `f` Hz in `x` (Goertzel), normalised by the window length.
pub fn goertzel_power(x: &[f32], sample_rate: u32, f: f32) -> f32 {
    let w = std::f32::consts::TAU * f / sample_rate as f32;
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f32, 0.0f32);
    for &v in x {
        let s0 = v + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let p = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    p / (x.len().max(1) as f32).powi(2)
}

/// What the detector found for the chime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChimeDetection {
    /// For each note: its strongest sustained prominence above neighbouring frequencies, dB.
    pub note_prominence_db: Vec<f32>,
    /// Notes heard (prominence at or above [`NOTE_THRESHOLD_DB`]).
    pub notes_heard: usize,
    /// Whether the chime counts as heard: at least two of the three notes.
    pub heard: bool,
}

/// A note counts as heard when it stands this far above its neighbours.
pub const NOTE_THRESHOLD_DB: f32 = 12.0;
/// Least share of a window's energy at the note frequency for the window to count (a pure tone
/// scores 2/3, see `detect_chime`).
const MIN_PURITY: f32 = 0.3;
/// Analysis window, ms. Short, so that a glitch in the recording (a few lost samples: a phase
/// jump) spoils only the windows around it and not the whole note.
const WINDOW_MS: u32 = 10;
/// Windows (hop: half a window) over which a note's prominence is taken as the median: about
/// 65 ms, a third of a note. The median ignores the few windows a glitch spoils.
const STRETCH: usize = 13;
/// Neighbouring frequencies compared against, as offsets from the note, Hz: outside the Hann
/// window's main lobe (±2 bins = ±200 Hz at 10 ms).
const NEIGHBOURS: [f32; 4] = [-600.0, -400.0, 400.0, 600.0];

/// Looks for the chime in a microphone recording.
pub fn detect_chime(samples: &[f32], sample_rate: u32) -> ChimeDetection {
    let win = ((sample_rate * WINDOW_MS / 1000) as usize).max(16);
    let hop = win / 2;
    let hann: Vec<f32> = (0..win)
        .map(|i| 0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / (win - 1) as f32).cos())
        .collect();
    let windows: Vec<Vec<f32>> = (0..samples.len().saturating_sub(win) / hop
        + usize::from(samples.len() >= win))
        .map(|k| {
            samples[k * hop..k * hop + win]
                .iter()
                .zip(&hann)
                .map(|(x, w)| x * w)
                .collect()
        })
        .collect();
    let mut prominence = Vec::with_capacity(CHIME_FREQS.len());
    for &f in &CHIME_FREQS {
        let per_window: Vec<f32> = windows
            .iter()
            .map(|w| {
                let target = goertzel_power(w, sample_rate, f);
                // Purity: the share of the window's energy at the note. A pure tone through a
                // Hann window scores 2/3; a voice spreads its energy over many harmonics and
                // formants, so even a strong harmonic at the note frequency scores far less.
                let energy: f32 = w.iter().map(|x| x * x).sum();
                if energy <= 0.0 || 2.0 * target * w.len() as f32 / energy < MIN_PURITY {
                    return 0.0;
                }
                let around = NEIGHBOURS
                    .iter()
                    .map(|d| goertzel_power(w, sample_rate, f + d))
                    .sum::<f32>()
                    / NEIGHBOURS.len() as f32;
                10.0 * ((target + 1e-12) / (around + 1e-12)).log10()
            })
            .collect();
        let best = per_window
            .windows(STRETCH)
            .map(|stretch| {
                let mut v = stretch.to_vec();
                v.sort_by(f32::total_cmp);
                v[v.len() / 2]
            })
            .fold(f32::NEG_INFINITY, f32::max);
        prominence.push(if best.is_finite() { best } else { 0.0 });
    }
    let notes_heard = prominence
        .iter()
        .filter(|&&p| p >= NOTE_THRESHOLD_DB)
        .count();
    ChimeDetection {
        note_prominence_db: prominence,
        notes_heard,
        heard: notes_heard >= 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testsig::noise;

    const SR: u32 = 48_000;

    #[test]
    fn chime_shape() {
        let c = chime(SR);
        assert_eq!(c.len(), chime_len(SR));
        let peak = c.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!((peak - CHIME_AMPLITUDE).abs() < 0.01);
        // Starts and ends silent (faded), so no click.
        assert!(c[0].abs() < 1e-6 && c[c.len() - 1].abs() < 1e-6);
    }

    #[test]
    fn goertzel_finds_a_sine() {
        let x: Vec<f32> = (0..4800)
            .map(|i| 0.5 * (std::f32::consts::TAU * 1000.0 * i as f32 / SR as f32).sin())
            .collect();
        // Power of a sine of amplitude a at its frequency: (a/2)^2.
        assert!((goertzel_power(&x, SR, 1000.0) - 0.0625).abs() < 0.002);
        assert!(goertzel_power(&x, SR, 1300.0) < 1e-4);
    }

    #[test]
    fn hears_the_chime_through_a_quiet_room() {
        // The chime 26 dB down (speaker to microphone), delayed, over room noise.
        let mut x = noise(0.003, SR as usize / 4, 1);
        x.extend(chime(SR).iter().map(|v| v * 0.05));
        x.extend(noise(0.003, SR as usize / 4, 2));
        let n = noise(0.003, x.len(), 3);
        let x: Vec<f32> = x.iter().zip(&n).map(|(a, b)| a + b).collect();
        let d = detect_chime(&x, SR);
        assert!(d.heard, "{d:?}");
        assert_eq!(d.notes_heard, 3);
    }

    #[test]
    fn noise_and_silence_are_not_the_chime() {
        assert!(!detect_chime(&noise(0.2, SR as usize, 9), SR).heard);
        assert!(!detect_chime(&vec![0.0; SR as usize], SR).heard);
        assert!(!detect_chime(&[], SR).heard);
    }

    #[test]
    fn a_single_tone_is_not_enough() {
        let x: Vec<f32> = (0..SR as usize)
            .map(|i| 0.2 * (std::f32::consts::TAU * 880.0 * i as f32 / SR as f32).sin())
            .collect();
        let d = detect_chime(&x, SR);
        assert_eq!(d.notes_heard, 1);
        assert!(!d.heard);
    }

    #[test]
    fn survives_glitches_that_drop_samples() {
        // Drop 300 of every 1000 samples (a glitchy USB device or a plugin that skips).
        let clean: Vec<f32> = chime(SR).iter().map(|v| v * 0.1).collect();
        let glitchy: Vec<f32> = clean
            .chunks(1000)
            .flat_map(|c| c.iter().take(700).copied())
            .collect();
        let d = detect_chime(&glitchy, SR);
        assert!(d.heard, "{d:?}");
    }

    #[test]
    fn a_voice_like_harmonic_series_is_not_the_chime() {
        // A 110 Hz voice with 30 harmonics: energy near every note, but never a lone line.
        let x: Vec<f32> = (0..SR as usize)
            .map(|i| {
                let t = i as f32 / SR as f32;
                (1..=30)
                    .map(|h| 0.02 / h as f32 * (std::f32::consts::TAU * 110.0 * h as f32 * t).sin())
                    .sum()
            })
            .collect();
        assert!(!detect_chime(&x, SR).heard);
    }

    #[test]
    fn works_at_44100() {
        let d = detect_chime(&chime(44_100), 44_100);
        assert!(d.heard, "{d:?}");
    }
}
