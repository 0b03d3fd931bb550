//! Pure analysis of mono audio samples in the range −1.0..=1.0.
//!
//! Every figure is in dBFS (decibels relative to full scale: 0 dBFS is the loudest a
//! sample can be; a full-scale sine has an RMS of −3.01 dBFS). Nothing here touches a device,
//! so it can be tested with generated signals whose answers are known.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The quietest level we report. Digital silence would be −∞ dBFS; clamping keeps the
/// figures printable and serialisable.
pub const FLOOR_DBFS: f32 = -120.0;

/// Length of the analysis blocks in milliseconds. 20 ms is the usual speech frame length: short
/// enough to find the pauses between words, long enough to average a pitch period or two.
pub const BLOCK_MS: u32 = 20;

/// Converts a linear amplitude (0..=1) to dBFS, clamped at [`FLOOR_DBFS`].
pub fn dbfs(amplitude: f32) -> f32 {
    if amplitude <= 0.0 {
        return FLOOR_DBFS;
    }
    (20.0 * amplitude.log10()).max(FLOOR_DBFS)
}

/// How clipping is recognised: a run of at least `min_run` consecutive samples whose magnitude
/// is at or above `level` (testRTC counts more than 6 consecutive full-scale samples).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClipParams {
    /// Magnitude that counts as full scale (slightly below 1.0 to allow for converter rounding).
    pub level: f32,
    /// Consecutive full-scale samples that make one clipping event.
    pub min_run: usize,
}

impl Default for ClipParams {
    fn default() -> Self {
        // testRTC: "more than 6 consecutive samples at full scale" is clipping.
        ClipParams {
            level: 0.999,
            min_run: 7,
        }
    }
}

/// A live level reading for a meter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Level {
    /// RMS of the latest block, dBFS.
    pub rms_dbfs: f32,
    /// Peak of the latest block, dBFS.
    pub peak_dbfs: f32,
}

impl Level {
    /// Level of one block of samples.
    pub fn of(samples: &[f32]) -> Level {
        let (sum_sq, peak) = samples.iter().fold((0.0f64, 0.0f32), |(s, p), &x| {
            (s + (x as f64) * (x as f64), p.max(x.abs()))
        });
        let rms = if samples.is_empty() {
            0.0
        } else {
            (sum_sq / samples.len() as f64).sqrt() as f32
        };
        Level {
            rms_dbfs: dbfs(rms),
            peak_dbfs: dbfs(peak),
        }
    }
}

/// What the analysis of a microphone recording found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MicAnalysis {
    /// Length of the recording in seconds.
    pub duration_s: f32,
    /// RMS over the whole recording, dBFS.
    pub rms_dbfs: f32,
    /// Largest sample magnitude, dBFS.
    pub peak_dbfs: f32,
    /// Background level: the 10th percentile of the 20 ms block levels, dBFS. In a recording
    /// with speech this is the level in the pauses between words, i.e. the room.
    pub noise_floor_dbfs: f32,
    /// Loud level: the 90th percentile of the block levels, dBFS. With speech, the voice.
    pub speech_level_dbfs: f32,
    /// `speech_level_dbfs − noise_floor_dbfs`, dB.
    pub snr_db: f32,
    /// Number of clipping events (runs of full-scale samples, see [`ClipParams`]).
    pub clipping_events: usize,
    /// Mean sample value (DC offset) as a fraction of full scale.
    pub dc_offset: f32,
    /// Dropouts: runs of at least [`DROPOUT_MS`] of exact digital zeros inside a recording
    /// whose background is live (noise floor above [`LIVE_FLOOR_DBFS`]). A real microphone
    /// always hisses a little, so a sudden stretch of perfect zeros means lost audio.
    pub dropouts: usize,
    /// Number of samples analysed.
    pub samples: usize,
}

/// Shortest run of exact zeros that counts as a dropout, ms.
pub const DROPOUT_MS: u32 = 5;
/// A noise floor above this is an analogue microphone's hiss: digital zeros in it are dropouts.
/// (Below it the device may be gating or the source digital, and zeros are normal.)
pub const LIVE_FLOOR_DBFS: f32 = -90.0;

/// `x` at `from` Hz resampled to `to` Hz by linear interpolation (enough for playing a voice
/// back; the length scales with the rates).
pub fn resample_linear(x: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || x.is_empty() || from == 0 || to == 0 {
        return x.to_vec();
    }
    let n = ((x.len() as u64 * to as u64) / from as u64) as usize;
    let step = from as f64 / to as f64;
    (0..n)
        .map(|i| {
            let pos = i as f64 * step;
            let j = pos.floor() as usize;
            let frac = (pos - j as f64) as f32;
            let a = x[j.min(x.len() - 1)];
            let b = x[(j + 1).min(x.len() - 1)];
            a + (b - a) * frac
        })
        .collect()
}

/// Analyses a mono recording at `sample_rate` Hz.
///
/// An empty input gives a recording of zero length at [`FLOOR_DBFS`].
pub fn analyze(samples: &[f32], sample_rate: u32, clip: ClipParams) -> MicAnalysis {
    let n = samples.len();
    let block = ((sample_rate as usize * BLOCK_MS as usize) / 1000).max(1);

    let mut sum = 0.0f64;
    let mut sum_sq = 0.0f64;
    let mut peak = 0.0f32;
    let mut clipping_events = 0usize;
    let mut run = 0usize;
    for &x in samples {
        sum += x as f64;
        sum_sq += (x as f64) * (x as f64);
        let a = x.abs();
        peak = peak.max(a);
        if a >= clip.level {
            run += 1;
            if run == clip.min_run {
                clipping_events += 1;
            }
        } else {
            run = 0;
        }
    }

    let mut block_levels: Vec<f32> = samples
        .chunks(block)
        .filter(|c| c.len() * 2 >= block) // a short tail block would skew percentiles
        .map(|c| Level::of(c).rms_dbfs)
        .collect();
    block_levels.sort_by(f32::total_cmp);
    let noise_floor_dbfs = percentile(&block_levels, 0.10);
    let speech_level_dbfs = percentile(&block_levels, 0.90);

    let dropouts = if noise_floor_dbfs > LIVE_FLOOR_DBFS {
        count_zero_runs(samples, (sample_rate * DROPOUT_MS / 1000).max(1) as usize)
    } else {
        0
    };

    let (rms, dc) = if n == 0 {
        (0.0, 0.0)
    } else {
        ((sum_sq / n as f64).sqrt() as f32, (sum / n as f64) as f32)
    };

    MicAnalysis {
        duration_s: if sample_rate == 0 {
            0.0
        } else {
            n as f32 / sample_rate as f32
        },
        rms_dbfs: dbfs(rms),
        peak_dbfs: dbfs(peak),
        noise_floor_dbfs,
        speech_level_dbfs,
        snr_db: speech_level_dbfs - noise_floor_dbfs,
        clipping_events,
        dc_offset: dc,
        dropouts,
        samples: n,
    }
}

/// Voiced audio the microphone check needs before it may stop listening early, ms.
pub const ENOUGH_VOICED_MS: u32 = 1500;
/// Room sound (the pauses between words) it needs too, so the noise floor is the room's, ms.
pub const ENOUGH_QUIET_MS: u32 = 400;
/// How far above the room a block must be to count as voiced, dB.
pub const VOICED_ABOVE_ROOM_DB: f32 = 15.0;
/// The quietest speech that counts at all, dBFS (below it the mentor is too far or too soft,
/// and the check listens its whole time, as it would without stopping early).
pub const VOICED_MIN_DBFS: f32 = -50.0;

/// Whether a recording so far (`block_levels`: the RMS of each 20 ms block, dBFS, in any order)
/// already holds what the microphone check judges, so it can stop listening: at least
/// [`ENOUGH_VOICED_MS`] of blocks [`VOICED_ABOVE_ROOM_DB`] above the room (and above
/// [`VOICED_MIN_DBFS`]), and at least [`ENOUGH_QUIET_MS`] of blocks within 6 dB of the room,
/// the room being the 10th percentile as [`analyze`] takes it. Silence, a noisy room or a voice
/// that barely rises above it is never "enough": those are heard for the whole time.
pub fn enough_speech(block_levels: &[f32]) -> bool {
    let mut sorted = block_levels.to_vec();
    sorted.sort_by(f32::total_cmp);
    let room = percentile(&sorted, 0.10);
    let voiced = sorted
        .iter()
        .filter(|&&l| l >= room + VOICED_ABOVE_ROOM_DB && l >= VOICED_MIN_DBFS)
        .count() as u32;
    let quiet = sorted.iter().filter(|&&l| l <= room + 6.0).count() as u32;
    voiced * BLOCK_MS >= ENOUGH_VOICED_MS && quiet * BLOCK_MS >= ENOUGH_QUIET_MS
}

/// Counts runs of at least `min_run` consecutive exact zeros.
fn count_zero_runs(samples: &[f32], min_run: usize) -> usize {
    let mut runs = 0;
    let mut run = 0usize;
    for &x in samples {
        if x == 0.0 {
            run += 1;
            if run == min_run {
                runs += 1;
            }
        } else {
            run = 0;
        }
    }
    runs
}

/// Nearest-rank percentile of sorted values; [`FLOOR_DBFS`] when empty.
fn percentile(sorted: &[f32], p: f32) -> f32 {
    if sorted.is_empty() {
        return FLOOR_DBFS;
    }
    let idx = ((p * sorted.len() as f32).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[idx]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testsig::noise;
    use std::f32::consts::PI;

    #[test]
    fn enough_speech_needs_a_clear_voice_and_the_room_between_words() {
        // 20 ms blocks: a room at −70 dBFS, a voice at −25 dBFS.
        let blocks = |voiced: usize, quiet: usize| {
            let mut v = vec![-70.0f32; quiet];
            v.extend(std::iter::repeat_n(-25.0, voiced));
            v
        };
        assert!(!enough_speech(&blocks(0, 200)), "silence is never enough");
        assert!(
            !enough_speech(&blocks(74, 40)),
            "1.48 s of voice is not yet"
        );
        assert!(
            enough_speech(&blocks(75, 40)),
            "1.5 s of voice and 0.8 s of room"
        );
        assert!(!enough_speech(&blocks(150, 19)), "the room not heard yet");
        assert!(enough_speech(&blocks(150, 20)));
        // A voice that barely rises above a noisy room: listen the whole time.
        let mut noisy = vec![-40.0f32; 40];
        noisy.extend(std::iter::repeat_n(-30.0, 150));
        assert!(!enough_speech(&noisy));
        // A voice too soft to judge quickly.
        let mut soft = vec![-90.0f32; 40];
        soft.extend(std::iter::repeat_n(-55.0, 150));
        assert!(!enough_speech(&soft));
        assert!(!enough_speech(&[]));
    }

    const SR: u32 = 48_000;

    fn sine(amplitude: f32, freq: f32, seconds: f32) -> Vec<f32> {
        let n = (SR as f32 * seconds) as usize;
        (0..n)
            .map(|i| amplitude * (2.0 * PI * freq * i as f32 / SR as f32).sin())
            .collect()
    }

    #[test]
    fn dbfs_of_known_amplitudes() {
        assert!((dbfs(1.0) - 0.0).abs() < 1e-6);
        assert!((dbfs(0.5) + 6.0206).abs() < 1e-3);
        assert_eq!(dbfs(0.0), FLOOR_DBFS);
        assert_eq!(dbfs(1e-12), FLOOR_DBFS);
    }

    #[test]
    fn sine_at_minus_20_dbfs_peak() {
        let a = 10f32.powf(-20.0 / 20.0);
        let r = analyze(&sine(a, 440.0, 1.0), SR, ClipParams::default());
        assert!((r.peak_dbfs + 20.0).abs() < 0.05, "peak {}", r.peak_dbfs);
        // RMS of a sine is peak − 3.01 dB.
        assert!((r.rms_dbfs + 23.01).abs() < 0.05, "rms {}", r.rms_dbfs);
        assert_eq!(r.clipping_events, 0);
        assert!(r.dc_offset.abs() < 1e-3);
        assert!((r.duration_s - 1.0).abs() < 1e-6);
        // A steady tone has no pauses: floor and loud level agree.
        assert!(r.snr_db.abs() < 0.5, "snr {}", r.snr_db);
    }

    #[test]
    fn silence_is_at_the_floor() {
        let r = analyze(&vec![0.0; SR as usize], SR, ClipParams::default());
        assert_eq!(r.rms_dbfs, FLOOR_DBFS);
        assert_eq!(r.peak_dbfs, FLOOR_DBFS);
        assert_eq!(r.noise_floor_dbfs, FLOOR_DBFS);
    }

    #[test]
    fn white_noise_floor_matches_its_rms() {
        // Uniform noise in −a..a has RMS a/√3.
        let a = 0.01;
        let r = analyze(&noise(a, SR as usize * 2, 42), SR, ClipParams::default());
        let expected = dbfs(a / 3f32.sqrt());
        assert!(
            (r.rms_dbfs - expected).abs() < 0.2,
            "{} vs {}",
            r.rms_dbfs,
            expected
        );
        assert!((r.noise_floor_dbfs - expected).abs() < 1.0);
    }

    #[test]
    fn speech_like_bursts_separate_floor_from_voice() {
        // 300 ms of tone at −12 dBFS peak alternating with 300 ms of −60 dBFS noise.
        let mut s = Vec::new();
        for i in 0..6 {
            if i % 2 == 0 {
                s.extend(sine(0.25, 220.0, 0.3));
            } else {
                s.extend(noise(0.001, (SR as f32 * 0.3) as usize, i));
            }
        }
        let r = analyze(&s, SR, ClipParams::default());
        assert!((r.speech_level_dbfs - dbfs(0.25 / 2f32.sqrt())).abs() < 0.5);
        assert!(r.noise_floor_dbfs < -60.0);
        assert!(r.snr_db > 40.0);
    }

    #[test]
    fn clipped_sine_counts_events() {
        // A sine at 2× full scale, hard-limited: every half cycle has a long flat top.
        let clipped: Vec<f32> = sine(2.0, 100.0, 1.0)
            .into_iter()
            .map(|x| x.clamp(-1.0, 1.0))
            .collect();
        let r = analyze(&clipped, SR, ClipParams::default());
        // 100 Hz for 1 s = 200 half cycles, each one clipping event.
        assert_eq!(r.clipping_events, 200);
        assert_eq!(r.peak_dbfs, 0.0);
    }

    #[test]
    fn short_full_scale_runs_are_not_clipping() {
        let mut s = vec![0.0f32; 1000];
        for x in &mut s[100..106] {
            *x = 1.0; // 6 samples: not more than 6
        }
        assert_eq!(analyze(&s, SR, ClipParams::default()).clipping_events, 0);
        s[106] = 1.0; // now 7
        assert_eq!(analyze(&s, SR, ClipParams::default()).clipping_events, 1);
    }

    #[test]
    fn dc_offset_is_the_mean() {
        let s: Vec<f32> = sine(0.1, 440.0, 1.0).into_iter().map(|x| x + 0.2).collect();
        let r = analyze(&s, SR, ClipParams::default());
        assert!((r.dc_offset - 0.2).abs() < 1e-3);
    }

    #[test]
    fn dropouts_in_a_live_signal_are_counted() {
        let mut s = noise(0.003, SR as usize, 5); // about −55 dBFS of hiss
        for gap in [10_000usize, 20_000, 30_000] {
            for x in &mut s[gap..gap + 480] {
                *x = 0.0; // 10 ms of nothing
            }
        }
        let r = analyze(&s, SR, ClipParams::default());
        assert_eq!(r.dropouts, 3);
        // Short zero runs (a zero crossing or two) are not dropouts.
        assert_eq!(
            analyze(&noise(0.003, SR as usize, 6), SR, ClipParams::default()).dropouts,
            0
        );
    }

    #[test]
    fn zeros_in_digital_silence_are_not_dropouts() {
        let mut s = vec![0.0f32; SR as usize];
        s.extend(sine(0.3, 300.0, 0.2));
        s.extend(vec![0.0f32; SR as usize]);
        assert_eq!(analyze(&s, SR, ClipParams::default()).dropouts, 0);
    }

    #[test]
    fn empty_input_is_zero_length() {
        let r = analyze(&[], SR, ClipParams::default());
        assert_eq!(r.samples, 0);
        assert_eq!(r.duration_s, 0.0);
        assert_eq!(r.rms_dbfs, FLOOR_DBFS);
    }

    #[test]
    fn level_of_block() {
        let l = Level::of(&[0.5, -0.5, 0.5, -0.5]);
        assert!((l.rms_dbfs + 6.02).abs() < 0.01);
        assert!((l.peak_dbfs + 6.02).abs() < 0.01);
    }

    #[test]
    fn resampling_keeps_the_length_in_time_and_the_tone() {
        let tone = |rate: u32| -> Vec<f32> {
            (0..rate)
                .map(|i| (2.0 * std::f32::consts::PI * 440.0 * i as f32 / rate as f32).sin())
                .collect()
        };
        let x = tone(48_000);
        let y = resample_linear(&x, 48_000, 44_100);
        assert_eq!(y.len(), 44_100, "one second stays one second");
        let want = tone(44_100);
        let worst = y
            .iter()
            .zip(&want)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(worst < 0.02, "{worst}");
        assert_eq!(resample_linear(&x[..10], 48_000, 48_000), x[..10].to_vec());
        assert_eq!(resample_linear(&[], 16_000, 48_000), Vec::<f32>::new());
        assert_eq!(resample_linear(&[0.5; 4], 16_000, 48_000).len(), 12);
    }
}
