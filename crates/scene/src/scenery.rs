//! "Distracting scenery": a vivid outdoor or holiday picture (a beach, the sea, a meadow, a
//! tropical virtual background) distracts even when it is smooth and so not "cluttered". Pure.
//!
//! Each background pixel is classed by hue, saturation and brightness as sky, water, foliage or
//! sand; the scenery share is the part of the background in those classes, and the picture counts
//! as scenery when that share is large and the colours are vivid (mean saturation), so a beige
//! wall or a grey sky does not.
//!
//! Colour alone does not say *what* is there: a green circuit board is "foliage" by hue. The
//! picture is named an outdoor scene only when its layout says so too ([`Scenery::outdoor`]: sky
//! along the top, or sea beside sand); otherwise the words say only what is certain, the colour.

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
    /// Whether the layout is an outdoor one, so the picture may be named a scene: sky covering
    /// at least [`SKY_TOP`] of the top third and more of it than of the bottom third, or water
    /// and sand each at least [`PAIR_SHARE`] of the scenery pixels (a beach without sky).
    pub outdoor: bool,
}

/// Share of the top third that must be sky for a picture to read as a landscape.
pub const SKY_TOP: f32 = 0.2;
/// Share of the scenery pixels each of water and sand must have to read as a beach.
pub const PAIR_SHARE: f32 = 0.15;

/// Plain words for a scenery class's colour, for when the scene cannot be named.
pub fn colour_words(class: &str) -> &'static str {
    match class {
        "sky" => "blue",
        "water" => "blue-green",
        "foliage" => "green",
        "sand" => "sandy yellow",
        _ => "bright",
    }
}

/// Share of scenery-coloured pixels above which a vivid picture counts as scenery.
pub const SCENERY_SHARE: f32 = 0.4;
/// Mean saturation above which scenery colours count as vivid.
pub const SCENERY_VIVID: f32 = 0.4;

impl Scenery {
    /// Whether the picture is full of vivid scenery colours (distracting, whatever it shows).
    pub fn distracting(&self) -> bool {
        self.share >= SCENERY_SHARE && self.vividness >= SCENERY_VIVID
    }

    /// The scene's name ("sky", "water", "foliage", "sand": its main class), only when the
    /// colours are distracting and the layout is an outdoor one.
    pub fn named(&self) -> Option<&'static str> {
        self.main.filter(|_| self.distracting() && self.outdoor)
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

/// Whether a pixel is clearly too grey or too dark for any scenery class ([`class`] needs a
/// saturation of 0.25 and a brightness of 0.2), told in integers with a margin, so that most
/// pixels of a room need no hue at all; a pixel near either limit goes through [`hsv`].
fn surely_unclassed([r, g, b]: [u8; 3]) -> bool {
    let (max, min) = (r.max(g).max(b) as u32, r.min(g).min(b) as u32);
    // Saturation (max − min) / max below 0.25 by a clear margin, or value max / 255 below 0.2.
    4 * (max - min) + 2 < max || max < 50
}

/// Measures scenery on `rgb`, counting pixels where `keep(x, y)` holds.
pub fn scenery(rgb: &RgbImage, keep: impl Fn(u32, u32) -> bool) -> Scenery {
    let mut counts = [0u32; 4];
    let mut sat = 0.0f32;
    let mut n = 0u32;
    // Kept pixels and sky pixels in the top and the bottom third.
    let (third, h) = (rgb.height() / 3, rgb.height());
    let (mut top, mut top_sky, mut bottom, mut bottom_sky) = (0u32, 0u32, 0u32, 0u32);
    for (x, y, p) in rgb.enumerate_pixels() {
        if !keep(x, y) {
            continue;
        }
        n += 1;
        let c = if surely_unclassed(p.0) {
            None
        } else {
            let hsv = hsv(p.0);
            let c = class(hsv);
            if c.is_some() {
                sat += hsv.1;
            }
            c
        };
        if let Some(c) = c {
            counts[c] += 1;
        }
        let sky = u32::from(c == Some(0));
        if y < third {
            top += 1;
            top_sky += sky;
        } else if y >= h - third {
            bottom += 1;
            bottom_sky += sky;
        }
    }
    let part = |a: u32, b: u32| if b == 0 { 0.0 } else { a as f32 / b as f32 };
    let hits: u32 = counts.iter().sum();
    let sky_above = part(top_sky, top) >= SKY_TOP && part(top_sky, top) > part(bottom_sky, bottom);
    let beach = part(counts[1], hits) >= PAIR_SHARE && part(counts[3], hits) >= PAIR_SHARE;
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
        outdoor: sky_above || beach,
    }
}

#[cfg(test)]
pub(crate) mod tests {
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
        assert_eq!(s.named(), Some("sky"));
    }

    /// A green circuit board: solder-mask green with lighter traces, gold pads and black chips.
    pub(crate) fn circuit_board(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            let (cx, cy) = (x % 64, y % 48);
            if (8..28).contains(&cx) && (10..30).contains(&cy) {
                Rgb([20, 20, 22]) // a chip
            } else if (cx % 16 < 3) && (cy % 12 < 3) {
                Rgb([212, 175, 80]) // a gold pad
            } else if cx % 8 == 0 || cy % 6 == 0 {
                Rgb([70, 170, 90]) // a trace
            } else {
                Rgb([20, 110, 50]) // the board
            }
        })
    }

    #[test]
    fn a_circuit_board_is_vivid_green_but_not_named_a_scene() {
        let s = scenery(&circuit_board(320, 180), |_, _| true);
        assert!(s.distracting(), "{s:?}");
        assert_eq!(s.main, Some("foliage"));
        assert!(!s.outdoor, "{s:?}");
        assert_eq!(s.named(), None);
        assert_eq!(colour_words(s.main.unwrap()), "green");
        // The same green with blue sky along the top is a landscape.
        let mut meadow = circuit_board(320, 180);
        for y in 0..50 {
            for x in 0..320 {
                meadow.put_pixel(x, y, Rgb([90, 160, 235]));
            }
        }
        assert_eq!(scenery(&meadow, |_, _| true).named(), Some("foliage"));
        // Sea beside sand with no sky: a beach.
        let beach = RgbImage::from_fn(320, 180, |x, _| {
            if x < 160 {
                Rgb([20, 170, 190])
            } else {
                Rgb([235, 205, 140])
            }
        });
        assert!(scenery(&beach, |_, _| true).named().is_some());
    }

    #[test]
    fn the_quick_grey_test_never_drops_a_pixel_the_full_one_would_class() {
        for r in (0..=255u32).step_by(3) {
            for g in (0..=255u32).step_by(3) {
                for b in (0..=255u32).step_by(3) {
                    let p = [r as u8, g as u8, b as u8];
                    if surely_unclassed(p) {
                        assert_eq!(class(hsv(p)), None, "{p:?}");
                    }
                }
            }
        }
    }
}
