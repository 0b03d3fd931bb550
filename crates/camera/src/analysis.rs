//! Pure frame measurements.

use std::time::Duration;

use image::RgbImage;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Mean luma below which a frame counts as black (testRTC uses 20 on the 0–255 scale).
pub const BLACK_LUMA: f32 = 20.0;

/// Figures for one frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FrameStats {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Mean luma (BT.601), 0–255.
    pub mean_luma: f32,
}

/// Measures one frame. Luma is sampled on a grid of at most about 160×90 points, which is plenty
/// for a mean and keeps this cheap at any resolution.
pub fn frame_stats(img: &RgbImage) -> FrameStats {
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return FrameStats {
            width: w,
            height: h,
            mean_luma: 0.0,
        };
    }
    let step_x = (w / 160).max(1);
    let step_y = (h / 90).max(1);
    let mut sum = 0.0f64;
    let mut n = 0u64;
    for y in (0..h).step_by(step_y as usize) {
        for x in (0..w).step_by(step_x as usize) {
            let p = img.get_pixel(x, y).0;
            sum += 0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64;
            n += 1;
        }
    }
    FrameStats {
        width: w,
        height: h,
        mean_luma: (sum / n as f64) as f32,
    }
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
    /// Frames with mean luma below [`BLACK_LUMA`].
    pub black_frames: usize,
    /// Mean luma over all frames, 0–255.
    pub mean_luma: f32,
    /// Requested (width, height, fps), where a format was requested.
    pub requested: Option<(u32, u32, u32)>,
}

/// Summarises per-frame stats with their delivery times.
pub fn summarize(
    frames: &[(Duration, FrameStats)],
    requested: Option<(u32, u32, u32)>,
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
    CameraSummary {
        frames: n,
        fps,
        width,
        height,
        black_frames: frames.iter().filter(|f| f.1.mean_luma < BLACK_LUMA).count(),
        mean_luma: if n == 0 {
            0.0
        } else {
            frames.iter().map(|f| f.1.mean_luma).sum::<f32>() / n as f32
        },
        requested,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn luma_of_flat_colours() {
        let white = frame_stats(&RgbImage::from_pixel(1280, 720, Rgb([255, 255, 255])));
        assert!((white.mean_luma - 255.0).abs() < 0.01);
        let red = frame_stats(&RgbImage::from_pixel(64, 64, Rgb([255, 0, 0])));
        assert!((red.mean_luma - 0.299 * 255.0).abs() < 0.01);
        assert_eq!((white.width, white.height), (1280, 720));
    }

    #[test]
    fn empty_capture_summary() {
        let s = summarize(&[], None);
        assert_eq!(s.frames, 0);
        assert_eq!(s.fps, 0.0);
    }
}
