//! Background busyness for Mentor Preflight: how cluttered and distracting is what the camera
//! sees behind the mentor? Image heuristics only — no model downloads.
//!
//! **Pipeline.** The frame is box-averaged down to about [`WORK_WIDTH`] pixels wide (an integer
//! factor: 1280×720 → 320×180 averages 16 pixels into one, which cuts webcam sensor noise four
//! times, so grain does not read as clutter). The mentor usually sits in the middle: the middle
//! two columns of the lower three rows of a 6×4 grid ([`is_person_cell`]) are left out of every
//! measure (for the global ones they are filled with the mean background colour), though the map
//! still shows them.
//!
//! **Measures** ([`measures`]), each mapped to 0–1 between a "plain" floor and a "very busy"
//! full scale calibrated on generated images and the labelled photos in `fixtures/photos/`:
//! - edge density, Canny (Mack & Oliva 2004) — weight 0.35;
//! - Subband Entropy (Rosenholtz, Li & Nakano 2007), fast Haar form — weight 0.20;
//! - JPEG bits per pixel (compressed file size; Rosenholtz et al. 2007) — weight 0.20;
//! - proto-object count (after Yu, Samaras & Zelinsky 2014; here: connected one-colour regions
//!   on a coarse grid) — weight 0.20, the measure that best matches human rankings in their study;
//! - colour variety (distinct colour bins) — weight 0.05 (smooth gradients span many bins).
//!
//! The busyness score is 100 × the weighted sum. Separately, [`scenery`] flags vivid outdoor or
//! holiday scenes (sky, sea, foliage, sand) that distract even when smooth, like a virtual beach.
//!
//! Everything here is pure: an `RgbImage` in, figures out.

use image::{GrayImage, Rgb, RgbImage};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub mod measures;
pub mod reference;
pub mod scenery;

/// Frames are analysed at about this width (height keeps the aspect ratio).
pub const WORK_WIDTH: u32 = 320;
/// Columns of the busyness map.
pub const GRID_COLS: usize = 6;
/// Rows of the busyness map.
pub const GRID_ROWS: usize = 4;

/// How each measure maps to 0–1: (floor, full scale, weight).
pub mod scale {
    /// Edge density (share of pixels on an edge).
    pub const EDGES: (f32, f32, f32) = (0.005, 0.08, 0.35);
    /// Subband entropy (bits).
    pub const ENTROPY: (f32, f32, f32) = (0.6, 3.6, 0.20);
    /// JPEG bits per pixel at quality 75.
    pub const JPEG: (f32, f32, f32) = (0.3, 2.6, 0.20);
    /// Proto-objects on the 320-px picture (regions of at least [`super::MIN_REGION_PX`]).
    pub const PROTO: (f32, f32, f32) = (3.0, 250.0, 0.20);
    /// Colour bins holding at least 0.5% of the background. Weighted lightly: a smooth colour
    /// gradient spans many bins without being busy.
    pub const COLOURS: (f32, f32, f32) = (3.0, 40.0, 0.05);
}

/// Smallest region that counts as a proto-object (pixels of the work picture, about 0.1%).
pub const MIN_REGION_PX: u32 = 60;

/// The result of analysing one frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SceneAnalysis {
    /// 0 (plain) to 100 (very busy), from the background only.
    pub score: f32,
    /// Share of background pixels on an edge, 0–1.
    pub edge_density: f32,
    /// Subband entropy of the background, bits.
    pub subband_entropy: f32,
    /// JPEG bits per pixel of the background.
    pub jpeg_bpp: f32,
    /// Proto-objects (one-colour regions) in the background.
    pub proto_objects: u32,
    /// Distinct colours in the background.
    pub colour_variety: u32,
    /// Share of the background that looks like sky, water, foliage or sand, 0–1.
    pub scenery_share: f32,
    /// A vivid outdoor or holiday scene (even if smooth): distracting.
    pub scenery: bool,
    /// The main scenery colour class ("sky", "water", "foliage", "sand"), if any.
    pub scenery_kind: Option<String>,
    /// Edge density per cell, row by row ([`GRID_ROWS`] × [`GRID_COLS`]), 0–1.
    pub grid: Vec<f32>,
    /// Columns of `grid`.
    pub cols: usize,
    /// Rows of `grid`.
    pub rows: usize,
    /// For each cell of `grid`: left out of the score because the mentor usually sits there.
    pub excluded: Vec<bool>,
    /// The busiest third of the picture ("left", "centre" or "right"), if one stands out.
    pub busiest_region: Option<String>,
}

/// Whether a grid cell is where the mentor usually sits (and so is left out of the score):
/// the middle two columns of the lower three rows.
pub fn is_person_cell(row: usize, col: usize) -> bool {
    row >= 1 && (col == GRID_COLS / 2 - 1 || col == GRID_COLS / 2)
}

fn excluded_cells() -> Vec<bool> {
    (0..GRID_ROWS)
        .flat_map(|r| (0..GRID_COLS).map(move |c| is_person_cell(r, c)))
        .collect()
}

/// Box-averages `frame` by the integer factor that brings it closest to [`WORK_WIDTH`] wide.
pub fn downscale(frame: &RgbImage) -> RgbImage {
    let (w, h) = frame.dimensions();
    let f = (w / WORK_WIDTH).max(1);
    if f == 1 {
        return frame.clone();
    }
    let (sw, sh) = (w / f, (h / f).max(1));
    let raw = frame.as_raw();
    let stride = w as usize * 3;
    let mut out = vec![0u8; (sw * sh * 3) as usize];
    let mut acc = vec![0u32; sw as usize * 3];
    let area = f * f;
    for oy in 0..sh as usize {
        acc.iter_mut().for_each(|a| *a = 0);
        for dy in 0..f as usize {
            let row = &raw[(oy * f as usize + dy) * stride..][..sw as usize * f as usize * 3];
            for (ox, block) in row.chunks_exact(f as usize * 3).enumerate() {
                let a = &mut acc[ox * 3..ox * 3 + 3];
                for px in block.chunks_exact(3) {
                    a[0] += px[0] as u32;
                    a[1] += px[1] as u32;
                    a[2] += px[2] as u32;
                }
            }
        }
        let o = &mut out[oy * sw as usize * 3..][..sw as usize * 3];
        for (d, a) in o.iter_mut().zip(&acc) {
            *d = ((a + area / 2) / area) as u8;
        }
    }
    RgbImage::from_raw(sw, sh, out).expect("sized buffer")
}

fn norm(x: f32, (floor, full, _): (f32, f32, f32)) -> f32 {
    ((x - floor) / (full - floor)).clamp(0.0, 1.0)
}

/// The grid cell of a work-picture pixel.
fn cell(x: u32, y: u32, w: u32, h: u32) -> (usize, usize) {
    (
        (y as usize * GRID_ROWS / h as usize).min(GRID_ROWS - 1),
        (x as usize * GRID_COLS / w as usize).min(GRID_COLS - 1),
    )
}

/// The combined 0–100 score from the five measures.
pub fn combine(edges: f32, entropy: f32, jpeg: f32, proto: u32, colours: u32) -> f32 {
    use scale::*;
    let s = EDGES.2 * norm(edges, EDGES)
        + ENTROPY.2 * norm(entropy, ENTROPY)
        + JPEG.2 * norm(jpeg, JPEG)
        + PROTO.2 * norm(proto as f32, PROTO)
        + COLOURS.2 * norm(colours as f32, COLOURS);
    (s * 100.0).clamp(0.0, 100.0)
}

/// Analyses one frame.
pub fn analyze(frame: &RgbImage) -> SceneAnalysis {
    let (w, h) = frame.dimensions();
    if w < GRID_COLS as u32 || h < GRID_ROWS as u32 {
        return SceneAnalysis {
            score: 0.0,
            edge_density: 0.0,
            subband_entropy: 0.0,
            jpeg_bpp: 0.0,
            proto_objects: 0,
            colour_variety: 0,
            scenery_share: 0.0,
            scenery: false,
            scenery_kind: None,
            grid: vec![0.0; GRID_COLS * GRID_ROWS],
            cols: GRID_COLS,
            rows: GRID_ROWS,
            excluded: excluded_cells(),
            busiest_region: None,
        };
    }
    let small = downscale(frame);
    let (sw, sh) = small.dimensions();
    // Which pixels are background (not where the mentor sits), computed once.
    let mask: Vec<bool> = (0..sh)
        .flat_map(|y| {
            (0..sw).map(move |x| {
                let (r, c) = cell(x, y, sw, sh);
                !is_person_cell(r, c)
            })
        })
        .collect();
    let keep = |x: u32, y: u32| mask[(y * sw + x) as usize];

    // Edges per cell on the real picture (the map shows the person region too).
    let gray: GrayImage = image::imageops::grayscale(&small);
    let edges = measures::edge_map(&gray);
    let mut on = [0u32; GRID_COLS * GRID_ROWS];
    let mut total = [0u32; GRID_COLS * GRID_ROWS];
    for (x, y, p) in edges.enumerate_pixels() {
        let (r, c) = cell(x, y, sw, sh);
        let i = r * GRID_COLS + c;
        total[i] += 1;
        on[i] += (p.0[0] > 0) as u32;
    }
    let grid: Vec<f32> = on
        .iter()
        .zip(&total)
        .map(|(&o, &t)| if t == 0 { 0.0 } else { o as f32 / t as f32 })
        .collect();
    let (mut bg_on, mut bg_total) = (0u32, 0u32);
    for i in 0..GRID_COLS * GRID_ROWS {
        if !is_person_cell(i / GRID_COLS, i % GRID_COLS) {
            bg_on += on[i];
            bg_total += total[i];
        }
    }
    let edge_density = if bg_total == 0 {
        0.0
    } else {
        bg_on as f32 / bg_total as f32
    };

    // The global measures see the background only: the person region is filled flat.
    let mut masked = small.clone();
    let (mut sum, mut n) = ([0u64; 3], 0u64);
    for (x, y, p) in small.enumerate_pixels() {
        if keep(x, y) {
            for (acc, v) in sum.iter_mut().zip(p.0) {
                *acc += v as u64;
            }
            n += 1;
        }
    }
    let mean = Rgb(sum.map(|s| (s / n.max(1)) as u8));
    for (x, y, p) in masked.enumerate_pixels_mut() {
        if !keep(x, y) {
            *p = mean;
        }
    }
    let masked_gray = image::imageops::grayscale(&masked);
    let subband_entropy = measures::subband_entropy(&masked);
    let jpeg_bpp = measures::jpeg_bits_per_pixel(&masked_gray);
    let proto_objects = measures::proto_objects(&small, MIN_REGION_PX, keep);
    let colour_variety = measures::colour_variety(&small, keep);
    let sc = scenery::scenery(&small, keep);

    SceneAnalysis {
        score: combine(
            edge_density,
            subband_entropy,
            jpeg_bpp,
            proto_objects,
            colour_variety,
        ),
        edge_density,
        subband_entropy,
        jpeg_bpp,
        proto_objects,
        colour_variety,
        scenery_share: sc.share,
        scenery: sc.distracting(),
        scenery_kind: sc.main.filter(|_| sc.distracting()).map(str::to_string),
        busiest_region: busiest_third(&grid),
        grid,
        cols: GRID_COLS,
        rows: GRID_ROWS,
        excluded: excluded_cells(),
    }
}

/// Names the third of the picture with clearly the most background edges, if any: it must hold
/// over half of all background edge density and be noticeably busy itself.
fn busiest_third(grid: &[f32]) -> Option<String> {
    let mut thirds = [0.0f32; 3];
    for row in 0..GRID_ROWS {
        for col in 0..GRID_COLS {
            if !is_person_cell(row, col) {
                thirds[col * 3 / GRID_COLS] += grid[row * GRID_COLS + col];
            }
        }
    }
    let sum: f32 = thirds.iter().sum();
    let (idx, &max) = thirds
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    if sum <= 0.0 || max / sum < 0.5 || max < 0.05 {
        return None;
    }
    Some(["left", "centre", "right"][idx].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    fn checkerboard(w: u32, h: u32, square: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            if ((x / square) + (y / square)).is_multiple_of(2) {
                Rgb([240, 240, 240])
            } else {
                Rgb([20, 20, 20])
            }
        })
    }

    #[test]
    fn flat_wall_scores_zero() {
        let a = analyze(&RgbImage::from_pixel(1280, 720, Rgb([200, 190, 180])));
        assert_eq!(a.score, 0.0);
        assert_eq!(a.grid.len(), GRID_COLS * GRID_ROWS);
        assert_eq!(a.busiest_region, None);
    }

    #[test]
    fn smooth_gradient_is_not_clutter() {
        let img = RgbImage::from_fn(1280, 720, |x, _| {
            let v = (x * 255 / 1279) as u8;
            Rgb([v, v, v])
        });
        assert!(analyze(&img).score < 2.0);
    }

    #[test]
    fn fine_checkerboard_is_very_busy() {
        let a = analyze(&checkerboard(1280, 720, 24));
        assert!(a.score > 55.0, "score {}", a.score);
    }

    #[test]
    fn mild_sensor_noise_on_a_wall_stays_low() {
        let mut seed = 7u32;
        let img = RgbImage::from_fn(1280, 720, |_, _| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let n = (seed >> 24) as i32 % 13 - 6; // ±6 grey levels
            let v = (180 + n) as u8;
            Rgb([v, v, v])
        });
        assert!(analyze(&img).score < 5.0);
    }

    #[test]
    fn clutter_on_the_left_is_named() {
        let busy = checkerboard(1280, 720, 24);
        let img = RgbImage::from_fn(1280, 720, |x, y| {
            if x < 420 {
                *busy.get_pixel(x, y)
            } else {
                Rgb([200, 200, 200])
            }
        });
        let a = analyze(&img);
        assert_eq!(a.busiest_region.as_deref(), Some("left"));
        assert!(a.grid[0] > a.grid[GRID_COLS - 1]);
    }

    #[test]
    fn the_person_region_is_left_out() {
        // Clutter only where the mentor sits: the score ignores it, the map shows it.
        let busy = checkerboard(1280, 720, 24);
        let img = RgbImage::from_fn(1280, 720, |x, y| {
            let col = (x * GRID_COLS as u32 / 1280) as usize;
            let row = (y * GRID_ROWS as u32 / 720) as usize;
            if is_person_cell(row, col) {
                *busy.get_pixel(x, y)
            } else {
                Rgb([200, 200, 200])
            }
        });
        let a = analyze(&img);
        assert!(a.score < 5.0, "score {}", a.score);
        assert_eq!(a.excluded.iter().filter(|&&x| x).count(), 6);
        assert!(a.excluded[GRID_COLS + GRID_COLS / 2]);
        assert!(a.grid[GRID_COLS + GRID_COLS / 2] > 0.1);
    }

    #[test]
    fn a_smooth_virtual_beach_is_calm_but_scenery() {
        let beach = RgbImage::from_fn(1280, 720, |_, y| match y {
            0..=279 => Rgb([70, 150, 235]),
            280..=479 => Rgb([20, 170, 190]),
            _ => Rgb([235, 205, 140]),
        });
        let a = analyze(&beach);
        assert!(a.score < 30.0, "score {}", a.score);
        assert!(a.scenery);
        assert_eq!(a.scenery_kind.as_deref(), Some("sky"));
        assert!(!analyze(&RgbImage::from_pixel(1280, 720, Rgb([210, 200, 185]))).scenery);
    }

    #[test]
    fn downscale_averages_blocks() {
        let img = RgbImage::from_fn(1280, 720, |x, _| {
            if x % 2 == 0 {
                Rgb([0, 100, 200])
            } else {
                Rgb([100, 200, 0])
            }
        });
        let small = downscale(&img);
        assert_eq!(small.dimensions(), (320, 180));
        assert_eq!(small.get_pixel(10, 10).0, [50, 150, 100]);
        let odd = downscale(&RgbImage::new(1000, 500));
        assert_eq!(odd.dimensions(), (333, 166));
        assert_eq!(downscale(&RgbImage::new(300, 200)).dimensions(), (300, 200));
    }
}
