//! "Distracting scenery": a vivid outdoor or holiday picture (a beach, the sea, a meadow, a
//! tropical virtual background) distracts even when it is smooth and so not "cluttered". Pure.
//!
//! Each background pixel is classed by hue, saturation and brightness as sky, water, foliage or
//! sand; the scenery share is the part of the background in those classes, and the picture counts
//! as scenery when that share is large and the colours are vivid (mean saturation), so a beige
//! wall or a grey sky does not.

use image::RgbImage;

/// What the scenery signal found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scenery {
    /// Share of kept pixels that look like sky, water, foliage or sand, 0–1.
    pub share: f32,
    /// Mean saturation of those pixels, 0–1.
    pub vividness: f32,
    /// The largest class.
    pub main: Option<&'static str>,
}

/// Share of scenery-coloured pixels above which a vivid picture counts as scenery.
pub const SCENERY_SHARE: f32 = 0.4;
/// Mean saturation above which scenery colours count as vivid.
pub const SCENERY_VIVID: f32 = 0.4;

impl Scenery {
    /// Whether the picture reads as vivid outdoor scenery.
    pub fn distracting(&self) -> bool {
        self.share >= SCENERY_SHARE && self.vividness >= SCENERY_VIVID
    }
}

/// Hue (degrees), saturation and value (0–1) of an RGB pixel.
pub fn hsv(p: [u8; 3]) -> (f32, f32, f32) {
    let [r, g, b] = p.map(|c| c as f32 / 255.0);
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let d = max - min;
    let h = if d == 0.0 {
        0.0
    } else if max == r {
        60.0 * ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        60.0 * ((b - r) / d + 2.0)
    } else {
        60.0 * ((r - g) / d + 4.0)
    };
    let s = if max == 0.0 { 0.0 } else { d / max };
    (h, s, max)
}

/// The scenery class of a pixel: 0 sky, 1 water, 2 foliage, 3 sand.
fn class((h, s, v): (f32, f32, f32)) -> Option<usize> {
    if s < 0.25 || v < 0.2 {
        return None;
    }
    match h {
        h if (195.0..250.0).contains(&h) && v > 0.45 => Some(0),
        h if (165.0..195.0).contains(&h) => Some(1),
        h if (65.0..165.0).contains(&h) => Some(2),
        h if (30.0..55.0).contains(&h) && v > 0.55 && s < 0.7 => Some(3),
        _ => None,
    }
}

/// Measures scenery on `rgb`, counting pixels where `keep(x, y)` holds.
pub fn scenery(rgb: &RgbImage, keep: impl Fn(u32, u32) -> bool) -> Scenery {
    let mut counts = [0u32; 4];
    let mut sat = 0.0f32;
    let mut n = 0u32;
    for (x, y, p) in rgb.enumerate_pixels() {
        if !keep(x, y) {
            continue;
        }
        n += 1;
        let hsv = hsv(p.0);
        if let Some(c) = class(hsv) {
            counts[c] += 1;
            sat += hsv.1;
        }
    }
    let hits: u32 = counts.iter().sum();
    let main = counts
        .iter()
        .enumerate()
        .max_by_key(|(_, c)| **c)
        .filter(|(_, c)| **c > 0)
        .map(|(i, _)| ["sky", "water", "foliage", "sand"][i]);
    Scenery {
        share: if n == 0 { 0.0 } else { hits as f32 / n as f32 },
        vividness: if hits == 0 { 0.0 } else { sat / hits as f32 },
        main,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn hues() {
        assert_eq!(hsv([255, 0, 0]).0, 0.0);
        assert_eq!(hsv([0, 255, 0]).0, 120.0);
        assert_eq!(hsv([0, 0, 255]).0, 240.0);
        assert_eq!(hsv([128, 128, 128]).1, 0.0);
    }

    #[test]
    fn a_smooth_virtual_beach_is_scenery_a_beige_wall_is_not() {
        // Sky over sea over sand, as a smooth virtual background.
        let beach = RgbImage::from_fn(320, 180, |_, y| match y {
            0..=69 => Rgb([70, 150, 235]),
            70..=119 => Rgb([20, 170, 190]),
            _ => Rgb([235, 205, 140]),
        });
        let s = scenery(&beach, |_, _| true);
        assert!(s.distracting(), "{s:?}");
        assert_eq!(s.main, Some("sky"));
        let wall = RgbImage::from_pixel(320, 180, Rgb([215, 205, 190]));
        assert!(!scenery(&wall, |_, _| true).distracting());
        let grey_sky = RgbImage::from_pixel(320, 180, Rgb([150, 160, 175]));
        assert!(!scenery(&grey_sky, |_, _| true).distracting());
    }
}
