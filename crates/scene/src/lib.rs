//! Background busyness for Mentor Preflight: how cluttered and distracting is what the camera
//! sees behind the mentor?
//!
//! This first measure is **edge density** (Mack & Oliva 2004: the share of pixels on an edge
//! correlates with how cluttered people judge a scene). To keep webcam sensor noise from reading
//! as clutter, the frame is first downscaled to [`WORK_WIDTH`] pixels wide with a smoothing
//! filter, and Canny's hysteresis thresholds ignore weak gradients. The mentor usually sits in
//! the middle, so the centre column of the lower three quarters is left out of the score
//! ([`is_person_cell`]); the map still shows it.
//!
//! Everything here is pure: an `RgbImage` in, figures out.

use image::imageops::{self, FilterType};
use image::RgbImage;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Frames are analysed at this width (height keeps the aspect ratio).
pub const WORK_WIDTH: u32 = 320;
/// Columns of the busyness map.
pub const GRID_COLS: usize = 6;
/// Rows of the busyness map.
pub const GRID_ROWS: usize = 4;
/// Canny thresholds on the 0–255 gradient scale. The low one is well above what smoothed sensor
/// noise produces, so a plain wall stays at zero.
const CANNY_LOW: f32 = 40.0;
const CANNY_HIGH: f32 = 100.0;
/// Edge density that maps to a score of 100: a very busy shelf or a patterned wall.
const FULL_SCALE_DENSITY: f32 = 0.15;

/// The result of analysing one frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SceneAnalysis {
    /// 0 (plain) to 100 (very busy), from the background cells only.
    pub score: f32,
    /// Share of background pixels on an edge, 0–1.
    pub edge_density: f32,
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

/// Analyses one frame.
pub fn analyze(frame: &RgbImage) -> SceneAnalysis {
    let (w, h) = frame.dimensions();
    if w == 0 || h == 0 {
        return SceneAnalysis {
            score: 0.0,
            edge_density: 0.0,
            grid: vec![0.0; GRID_COLS * GRID_ROWS],
            cols: GRID_COLS,
            rows: GRID_ROWS,
            excluded: excluded_cells(),
            busiest_region: None,
        };
    }
    let work_h = ((h as u64 * WORK_WIDTH as u64) / w as u64).max(GRID_ROWS as u64) as u32;
    let small = imageops::resize(frame, WORK_WIDTH, work_h, FilterType::Triangle);
    let gray = imageops::grayscale(&small);
    let edges = imageproc::edges::canny(&gray, CANNY_LOW, CANNY_HIGH);

    let mut on = [0u32; GRID_COLS * GRID_ROWS];
    let mut total = [0u32; GRID_COLS * GRID_ROWS];
    for (x, y, p) in edges.enumerate_pixels() {
        let col = (x as usize * GRID_COLS / WORK_WIDTH as usize).min(GRID_COLS - 1);
        let row = (y as usize * GRID_ROWS / work_h as usize).min(GRID_ROWS - 1);
        let i = row * GRID_COLS + col;
        total[i] += 1;
        if p.0[0] > 0 {
            on[i] += 1;
        }
    }
    let grid: Vec<f32> = on
        .iter()
        .zip(&total)
        .map(|(&o, &t)| if t == 0 { 0.0 } else { o as f32 / t as f32 })
        .collect();

    let (mut bg_on, mut bg_total) = (0u32, 0u32);
    for row in 0..GRID_ROWS {
        for col in 0..GRID_COLS {
            if !is_person_cell(row, col) {
                bg_on += on[row * GRID_COLS + col];
                bg_total += total[row * GRID_COLS + col];
            }
        }
    }
    let edge_density = if bg_total == 0 {
        0.0
    } else {
        bg_on as f32 / bg_total as f32
    };
    let score = (edge_density / FULL_SCALE_DENSITY * 100.0).clamp(0.0, 100.0);

    SceneAnalysis {
        score,
        edge_density,
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
        assert!(a.score > 60.0, "score {}", a.score);
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
}
