//! Pure frame measurements: exposure, backlight, sharpness, colour cast, black and frozen frames.
//!
//! Every frame is reduced once to two luma planes (BT.601 luma, 0–255):
//! - the **fine plane**: every second pixel in each direction, *not* averaged, so sensor noise
//!   survives. Frozen frames are found on it: a live camera's noise keeps consecutive frames
//!   apart (SSIM well under 0.985 even in a still room), a frozen one repeats them exactly.
//! - the **work plane**: the fine plane box-averaged to [`WORK_WIDTH`] pixels wide. Exposure,
//!   backlight and sharpness are measured on it, so their figures do not depend on the camera's
//!   resolution (a 4K and a 720p camera filming the same scene give the same sharpness).

use std::time::Duration;

use image::RgbImage;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Mean luma below which a frame counts as black (testRTC uses 20 on the 0–255 scale).
pub const BLACK_LUMA: f32 = 20.0;
/// SSIM with the previous frame above which a frame counts as frozen (testRTC: 0.985).
pub const FROZEN_SSIM: f32 = 0.985;
/// Width of the work plane.
pub const WORK_WIDTH: usize = 320;

/// A luma plane, row-major, 0–255.
#[derive(Debug, Clone, PartialEq)]
pub struct Plane {
    /// Width in samples.
    pub w: usize,
    /// Height in samples.
    pub h: usize,
    /// Luma values.
    pub data: Vec<f32>,
}

impl Plane {
    fn at(&self, x: usize, y: usize) -> f32 {
        self.data[y * self.w + x]
    }
}

/// The fine plane (every second pixel) and the frame's mean R, G, B.
fn fine_plane(img: &RgbImage) -> (Plane, [f32; 3]) {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let (fw, fh) = (w.div_ceil(2), h.div_ceil(2));
    let raw = img.as_raw();
    let mut data = Vec::with_capacity(fw * fh);
    let mut sums = [0u64; 3];
    for y in (0..h).step_by(2) {
        let row = &raw[y * w * 3..(y + 1) * w * 3];
        for px in row.chunks_exact(6) {
            let (r, g, b) = (px[0], px[1], px[2]);
            sums[0] += r as u64;
            sums[1] += g as u64;
            sums[2] += b as u64;
            data.push(0.299 * r as f32 + 0.587 * g as f32 + 0.114 * b as f32);
        }
        if w % 2 == 1 {
            let px = &row[(w - 1) * 3..];
            sums[0] += px[0] as u64;
            sums[1] += px[1] as u64;
            sums[2] += px[2] as u64;
            data.push(0.299 * px[0] as f32 + 0.587 * px[1] as f32 + 0.114 * px[2] as f32);
        }
    }
    let n = data.len().max(1) as f32;
    let mean = [sums[0] as f32 / n, sums[1] as f32 / n, sums[2] as f32 / n];
    (Plane { w: fw, h: fh, data }, mean)
}

/// Box-averages `p` down to about [`WORK_WIDTH`] wide (never up).
fn work_plane(p: &Plane) -> Plane {
    let f = (p.w / WORK_WIDTH).max(1);
    if f == 1 {
        return p.clone();
    }
    let (w, h) = (p.w / f, p.h / f);
    let mut data = Vec::with_capacity(w * h);
    let norm = 1.0 / (f * f) as f32;
    for y in 0..h {
        for x in 0..w {
            let mut s = 0.0;
            for dy in 0..f {
                let row = &p.data[(y * f + dy) * p.w + x * f..(y * f + dy) * p.w + x * f + f];
                s += row.iter().sum::<f32>();
            }
            data.push(s * norm);
        }
    }
    Plane { w, h, data }
}

/// Mean SSIM of two planes of the same size over non-overlapping 8×8 blocks (Wang et al. 2004,
/// with the usual constants for 8-bit data). Different sizes give 0 (not the same picture).
pub fn ssim(a: &Plane, b: &Plane) -> f32 {
    if a.w != b.w || a.h != b.h || a.w < 8 || a.h < 8 {
        return 0.0;
    }
    const C1: f32 = (0.01 * 255.0) * (0.01 * 255.0);
    const C2: f32 = (0.03 * 255.0) * (0.03 * 255.0);
    let mut total = 0.0f64;
    let mut blocks = 0u32;
    for by in (0..a.h - 7).step_by(8) {
        for bx in (0..a.w - 7).step_by(8) {
            let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0f32, 0.0, 0.0, 0.0, 0.0);
            for y in by..by + 8 {
                for x in bx..bx + 8 {
                    let (u, v) = (a.at(x, y), b.at(x, y));
                    sa += u;
                    sb += v;
                    saa += u * u;
                    sbb += v * v;
                    sab += u * v;
                }
            }
            let n = 64.0;
            let (ma, mb) = (sa / n, sb / n);
            let va = (saa / n - ma * ma).max(0.0);
            let vb = (sbb / n - mb * mb).max(0.0);
            let cov = sab / n - ma * mb;
            let s = ((2.0 * ma * mb + C1) * (2.0 * cov + C2))
                / ((ma * ma + mb * mb + C1) * (va + vb + C2));
            total += s as f64;
            blocks += 1;
        }
    }
    (total / blocks.max(1) as f64) as f32
}

/// Variance of the 4-neighbour Laplacian: the classic focus measure (Pech-Pacheco et al. 2000).
fn laplacian_variance(p: &Plane) -> f32 {
    if p.w < 3 || p.h < 3 {
        return 0.0;
    }
    let (mut s, mut ss, mut n) = (0.0f64, 0.0f64, 0u64);
    for y in 1..p.h - 1 {
        for x in 1..p.w - 1 {
            let l = p.at(x - 1, y) + p.at(x + 1, y) + p.at(x, y - 1) + p.at(x, y + 1)
                - 4.0 * p.at(x, y);
            s += l as f64;
            ss += (l as f64) * (l as f64);
            n += 1;
        }
    }
    let mean = s / n as f64;
    (ss / n as f64 - mean * mean) as f32
}

/// Figures for one frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FrameStats {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Mean luma (BT.601), 0–255.
    pub mean_luma: f32,
    /// Share of the picture that is crushed to black (luma ≤ 16).
    pub dark_share: f32,
    /// Share of the picture that is blown out (luma ≥ 245).
    pub bright_share: f32,
    /// Mean luma of the centre (where the mentor's face usually is): middle third across,
    /// middle half down.
    pub centre_luma: f32,
    /// Mean luma of everything around the centre.
    pub surround_luma: f32,
    /// Sharpness: variance of the Laplacian on the work plane.
    pub sharpness: f32,
    /// Mean R, G, B (0–255).
    pub mean_rgb: [f32; 3],
    /// SSIM with the previous frame's fine plane, if there was a previous frame of the same size.
    pub ssim_prev: Option<f32>,
}

/// Measures frames one after another, remembering the previous frame for the frozen check.
#[derive(Debug, Default)]
pub struct FrameAnalyzer {
    prev: Option<Plane>,
}

impl FrameAnalyzer {
    /// A fresh analyzer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Measures one frame (and compares it with the previous one).
    pub fn analyze(&mut self, img: &RgbImage) -> FrameStats {
        let (width, height) = img.dimensions();
        if width < 2 || height < 2 {
            self.prev = None;
            return FrameStats {
                width,
                height,
                mean_luma: 0.0,
                dark_share: 1.0,
                bright_share: 0.0,
                centre_luma: 0.0,
                surround_luma: 0.0,
                sharpness: 0.0,
                mean_rgb: [0.0; 3],
                ssim_prev: None,
            };
        }
        let (fine, mean_rgb) = fine_plane(img);
        let work = work_plane(&fine);
        let n = work.data.len() as f32;
        let mean_luma = work.data.iter().sum::<f32>() / n;
        let dark_share = work.data.iter().filter(|&&v| v <= 16.0).count() as f32 / n;
        let bright_share = work.data.iter().filter(|&&v| v >= 245.0).count() as f32 / n;
        let (x0, x1, y0, y1) = (work.w / 3, work.w * 2 / 3, work.h / 4, work.h * 3 / 4);
        let (mut cs, mut cn, mut ss, mut sn) = (0.0f32, 0u32, 0.0f32, 0u32);
        for y in 0..work.h {
            for x in 0..work.w {
                let v = work.at(x, y);
                if (x0..x1).contains(&x) && (y0..y1).contains(&y) {
                    cs += v;
                    cn += 1;
                } else {
                    ss += v;
                    sn += 1;
                }
            }
        }
        let ssim_prev = self.prev.as_ref().map(|p| ssim(p, &fine)).filter(|_| {
            self.prev
                .as_ref()
                .is_some_and(|p| p.w == fine.w && p.h == fine.h)
        });
        let stats = FrameStats {
            width,
            height,
            mean_luma,
            dark_share,
            bright_share,
            centre_luma: cs / cn.max(1) as f32,
            surround_luma: ss / sn.max(1) as f32,
            sharpness: laplacian_variance(&work),
            mean_rgb,
            ssim_prev,
        };
        self.prev = Some(fine);
        stats
    }
}

/// Measures one frame on its own (no frozen check).
pub fn frame_stats(img: &RgbImage) -> FrameStats {
    FrameAnalyzer::new().analyze(img)
}

/// Figures over a whole capture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CameraSummary {
    /// Frames read.
    pub frames: usize,
    /// Delivered frames per second.
    pub fps: f32,
    /// Width of the last frame.
    pub width: u32,
    /// Height of the last frame.
    pub height: u32,
    /// Requested (width, height, fps), where a format was requested.
    pub requested: Option<(u32, u32, u32)>,
    /// Whether the source is a still picture (frozen frames are then expected, not a fault).
    pub still: bool,
    /// Frames with mean luma below [`BLACK_LUMA`].
    pub black_frames: usize,
    /// Frames almost identical to the one before (SSIM above [`FROZEN_SSIM`]).
    pub frozen_frames: usize,
    /// Mean luma over all frames, 0–255.
    pub mean_luma: f32,
    /// Median share of crushed-black pixels.
    pub dark_share: f32,
    /// Median share of blown-out pixels.
    pub bright_share: f32,
    /// Median centre luma.
    pub centre_luma: f32,
    /// Median surround luma.
    pub surround_luma: f32,
    /// Median sharpness (variance of the Laplacian at 320 px wide).
    pub sharpness: f32,
    /// Median chromaticity (R, G, B each divided by R + G + B): ⅓ each for a neutral picture.
    /// A colour cast shows as one share well above ⅓.
    pub chroma: [f32; 3],
}

fn median(mut v: Vec<f32>) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

/// Summarises per-frame stats with their delivery times.
pub fn summarize(
    frames: &[(Duration, FrameStats)],
    requested: Option<(u32, u32, u32)>,
    still: bool,
) -> CameraSummary {
    let n = frames.len();
    let fps = match (frames.first(), frames.last()) {
        (Some(first), Some(last)) if n > 1 && last.0 > first.0 => {
            (n - 1) as f32 / (last.0 - first.0).as_secs_f32()
        }
        _ => 0.0,
    };
    let (width, height) = frames
        .last()
        .map(|f| (f.1.width, f.1.height))
        .unwrap_or((0, 0));
    let med = |f: fn(&FrameStats) -> f32| median(frames.iter().map(|(_, s)| f(s)).collect());
    let mean_luma = if n == 0 {
        0.0
    } else {
        frames.iter().map(|f| f.1.mean_luma).sum::<f32>() / n as f32
    };
    let rgb = [
        med(|s| s.mean_rgb[0]),
        med(|s| s.mean_rgb[1]),
        med(|s| s.mean_rgb[2]),
    ];
    let total = rgb.iter().sum::<f32>();
    let chroma = if total > 0.0 {
        rgb.map(|c| c / total)
    } else {
        [1.0 / 3.0; 3]
    };
    CameraSummary {
        frames: n,
        fps,
        width,
        height,
        requested,
        still,
        black_frames: frames.iter().filter(|f| f.1.mean_luma < BLACK_LUMA).count(),
        frozen_frames: frames
            .iter()
            .filter(|f| f.1.ssim_prev.is_some_and(|s| s > FROZEN_SSIM))
            .count(),
        mean_luma,
        dark_share: med(|s| s.dark_share),
        bright_share: med(|s| s.bright_share),
        centre_luma: med(|s| s.centre_luma),
        surround_luma: med(|s| s.surround_luma),
        sharpness: med(|s| s.sharpness),
        chroma,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    fn noisy(w: u32, h: u32, base: u8, amp: i32, mut seed: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |_, _| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let v = (base as i32 + (seed >> 24) as i32 % (2 * amp + 1) - amp).clamp(0, 255) as u8;
            Rgb([v, v, v])
        })
    }

    #[test]
    fn luma_of_flat_colours() {
        let white = frame_stats(&RgbImage::from_pixel(1280, 720, Rgb([255, 255, 255])));
        assert!((white.mean_luma - 255.0).abs() < 0.01);
        assert!((white.bright_share - 1.0).abs() < 1e-6);
        let red = frame_stats(&RgbImage::from_pixel(64, 64, Rgb([255, 0, 0])));
        assert!((red.mean_luma - 0.299 * 255.0).abs() < 0.01);
        assert_eq!(red.mean_rgb, [255.0, 0.0, 0.0]);
        assert_eq!((white.width, white.height), (1280, 720));
    }

    #[test]
    fn odd_sizes_work() {
        let s = frame_stats(&RgbImage::from_pixel(641, 361, Rgb([100, 100, 100])));
        assert!((s.mean_luma - 100.0).abs() < 0.01);
    }

    #[test]
    fn identical_frames_are_frozen_noisy_ones_are_not() {
        let mut a = FrameAnalyzer::new();
        let f = noisy(1280, 720, 120, 3, 1);
        assert_eq!(a.analyze(&f).ssim_prev, None);
        assert!(a.analyze(&f).ssim_prev.unwrap() > 0.999);
        // A live camera filming a still grey wall: ±3 levels of sensor noise, frame to frame.
        let live = a.analyze(&noisy(1280, 720, 120, 3, 2)).ssim_prev.unwrap();
        assert!(live < FROZEN_SSIM, "ssim {live}");
    }

    #[test]
    fn ssim_of_different_sizes_is_zero() {
        let p = Plane {
            w: 16,
            h: 16,
            data: vec![1.0; 256],
        };
        let q = Plane {
            w: 8,
            h: 8,
            data: vec![1.0; 64],
        };
        assert_eq!(ssim(&p, &q), 0.0);
        assert!((ssim(&p, &p) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn backlight_shows_as_dark_centre_bright_surround() {
        let img = RgbImage::from_fn(1280, 720, |x, y| {
            if (427..853).contains(&x) && (180..540).contains(&y) {
                Rgb([50, 45, 40])
            } else {
                Rgb([235, 235, 240])
            }
        });
        let s = frame_stats(&img);
        assert!(s.surround_luma - s.centre_luma > 150.0, "{s:?}");
    }

    #[test]
    fn blur_lowers_sharpness_independent_of_resolution() {
        let checker = |w: u32, h: u32, sq: u32| {
            RgbImage::from_fn(w, h, |x, y| {
                if ((x / sq) + (y / sq)).is_multiple_of(2) {
                    Rgb([230; 3])
                } else {
                    Rgb([30; 3])
                }
            })
        };
        let s720 = frame_stats(&checker(1280, 720, 40)).sharpness;
        let s1080 = frame_stats(&checker(1920, 1080, 60)).sharpness;
        // The same scene at two resolutions: similar sharpness figures.
        assert!((s720 / s1080 - 1.0).abs() < 0.35, "{s720} vs {s1080}");
        let blurred = image::imageops::blur(&checker(1280, 720, 40), 6.0);
        assert!(frame_stats(&blurred).sharpness < s720 / 4.0);
    }

    #[test]
    fn empty_capture_summary() {
        let s = summarize(&[], None, false);
        assert_eq!(s.frames, 0);
        assert_eq!(s.fps, 0.0);
    }

    #[test]
    fn chromaticity_of_a_blue_picture() {
        let blue = frame_stats(&RgbImage::from_pixel(64, 64, Rgb([90, 100, 160])));
        let s = summarize(&[(Duration::ZERO, blue)], None, false);
        assert!((s.chroma[2] - 0.4571).abs() < 0.001, "{s:?}");
        let grey = summarize(
            &[(
                Duration::ZERO,
                frame_stats(&RgbImage::from_pixel(8, 8, Rgb([7, 7, 7]))),
            )],
            None,
            false,
        );
        assert!(grey.chroma.iter().all(|c| (c - 1.0 / 3.0).abs() < 1e-6));
    }
}
