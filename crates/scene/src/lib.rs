//! Background busyness for Mentor Preflight: how cluttered and distracting is what the camera
//! sees behind the mentor? Image heuristics only — no model downloads.
//!
//! **Pipeline.** The frame is box-averaged down to about [`WORK_WIDTH`] pixels wide (an integer
//! factor: 1280×720 → 320×180 averages 16 pixels into one, which cuts webcam sensor noise four
//! times, so grain does not read as clutter). Where the person is (the `preflight-person` crate's
//! mask, grown by a margin) is left out of every measure: [`analyze_work`] takes that mask; the
//! map has no figure over the person; [`analyze`] scores the whole picture.
//!
//! **Measures** ([`measures`]), each mapped to 0–1 between a "plain" floor and a "very busy"
//! full scale. The weights were fitted on the `fit` photos of `fixtures/photos/labels.csv` (106
//! labelled pictures: wallpapers, real photos of rooms, streets and things, room composites) and
//! judged on the 44 held out (`cargo run --release -p preflight-person --example calibrate`;
//! figures and the labelling protocol in BENCHMARKS.md and `fixtures/photos/LICENSES.md`): held
//! out, the blend ranks the pictures at ρ 0.87, compressed size alone at 0.78–0.81.
//! - busy spread: the share of the background's small cells crossed by edges
//!   ([`measures::busy_spread`]) — how much of the view has something in it — weight 0.75;
//! - JPEG bits per pixel (compressed size; Rosenholtz et al. 2007) — weight 0.15;
//! - edge density, Canny (Mack & Oliva 2004) — weight 0.10;
//! - colour variety (distinct colour bins) — reported, weight 0 (it does not rank the photos);
//! - Subband Entropy (Rosenholtz, Li & Nakano 2007, fast Haar form) and the proto-object count
//!   (after Yu, Samaras & Zelinsky 2014; connected one-colour regions on a coarse grid) — only in
//!   the calibration ([`calibration_measures`]): fitted with the others they earn no weight.
//!
//! The busyness score is 100 × the weighted sum. Separately, [`scenery`] flags vivid outdoor or
//! holiday scenes (sky, sea, foliage, sand) that distract even when smooth, like a virtual beach.
//!
//! Everything here is pure: an `RgbImage` in, figures out.

use image::{GrayImage, RgbImage};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub mod measures;
pub mod rank;
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
    pub const EDGES: (f32, f32, f32) = (0.005, 0.08, 0.10);
    /// Subband entropy (bits). Not in the blend and not computed live: fitted with the others
    /// it earns no weight (its held-out ρ is the lowest of the three), for 1.2 ms of the frame
    /// budget ([`super::calibration_measures`] computes it).
    pub const ENTROPY: (f32, f32, f32) = (0.6, 3.6, 0.0);
    /// JPEG bits per pixel at quality 75.
    pub const JPEG: (f32, f32, f32) = (0.3, 2.6, 0.15);
    /// Proto-objects on the 320-px picture (regions of at least [`super::MIN_REGION_PX`]). Not
    /// in the blend and not computed live: fitted with the others it earns at most 0.05 of the
    /// weight and no held-out gain, for a millisecond of the frame budget
    /// ([`super::proto_objects_of`] computes it for the calibration).
    pub const PROTO: (f32, f32, f32) = (3.0, 250.0, 0.0);
    /// Colour bins holding at least 0.5% of the background. Not in the blend (weight 0: it does
    /// not rank the labelled photos at all, ρ ≈ 0; a smooth gradient spans many bins); reported.
    pub const COLOURS: (f32, f32, f32) = (3.0, 40.0, 0.0);
    /// Busy spread (share of the background's cells crossed by edges): already 0–1.
    pub const SPREAD: (f32, f32, f32) = (0.0, 1.0, 0.75);
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
    /// JPEG bits per pixel of the background.
    pub jpeg_bpp: f32,
    /// Share of the background's small cells crossed by edges, 0–1
    /// ([`measures::busy_spread`]).
    pub busy_spread: f32,
    /// Distinct colours in the background.
    pub colour_variety: u32,
    /// Share of the background that looks like sky, water, foliage or sand, 0–1.
    pub scenery_share: f32,
    /// Vivid scenery colours fill much of the background (even if smooth): distracting.
    pub scenery: bool,
    /// The scene named ("sky", "water", "foliage", "sand": its main class) only when the layout
    /// is an outdoor one too ([`scenery::Scenery::named`]); `None` when colour alone says it.
    pub scenery_kind: Option<String>,
    /// The vivid colour in plain words ("green", "blue"…) when [`Self::scenery`] holds.
    pub vivid_colour: Option<String>,
    /// Edge density per cell, row by row ([`GRID_ROWS`] × [`GRID_COLS`]), 0–1.
    pub grid: Vec<f32>,
    /// Columns of `grid`.
    pub cols: usize,
    /// Rows of `grid`.
    pub rows: usize,
    /// Share of the picture left out as the person (with a margin around them), 0–1. Zero when
    /// nobody was found: then the whole picture is scored.
    pub person_share: f32,
    /// Where the background is, as a small PNG data URL whose alpha is 255 on the background
    /// and 0 on the person (for the preview: the busy-area tint is drawn through it, never over
    /// the person). `None` when the whole picture is background.
    pub background_mask: Option<String>,
    /// The busiest third of the picture ("left", "centre" or "right"), if one stands out.
    pub busiest_region: Option<String>,
}

/// Below this share of background, there is too little of it to judge: the score is 0 (a person
/// filling the picture hides the room, which is no distraction).
pub const MIN_BACKGROUND_SHARE: f32 = 0.05;

/// A cell whose background is less than this share of it is not drawn on the map.
pub const MIN_CELL_BACKGROUND: f32 = 0.15;

/// Box-averages `frame` by the integer factor that brings it closest to [`WORK_WIDTH`] wide.
pub fn downscale(frame: &RgbImage) -> RgbImage {
    downscale_to(frame, WORK_WIDTH)
}

/// Box-averages `frame` by the integer factor that brings it closest to `width` wide (at least
/// `width`; the picture itself when it is narrower).
pub fn downscale_to(frame: &RgbImage, width: u32) -> RgbImage {
    let (w, h) = frame.dimensions();
    // At most the height: a very wide, short picture still gets whole blocks of rows.
    let f = (w / width.max(1)).min(h).max(1);
    if f == 1 {
        return frame.clone();
    }
    let (sw, sh) = (w / f, (h / f).max(1));
    let raw = frame.as_raw();
    let stride = w as usize * 3;
    let (fu, used) = (f as usize, (sw * f) as usize * 3);
    let mut out = vec![0u8; (sw * sh * 3) as usize];
    // The f rows of a block summed column by column first (a straight add over whole rows,
    // which the compiler turns into vector code), then each f columns of that sum.
    let mut colsum = vec![0u32; used];
    let area = f * f;
    for oy in 0..sh as usize {
        colsum.iter_mut().for_each(|a| *a = 0);
        for dy in 0..fu {
            let row = &raw[(oy * fu + dy) * stride..][..used];
            for (a, &p) in colsum.iter_mut().zip(row) {
                *a += p as u32;
            }
        }
        let o = &mut out[oy * sw as usize * 3..][..sw as usize * 3];
        for (ox, px) in o.chunks_exact_mut(3).enumerate() {
            let block = &colsum[ox * fu * 3..][..fu * 3];
            let mut sum = [0u32; 3];
            for p in block.chunks_exact(3) {
                sum[0] += p[0];
                sum[1] += p[1];
                sum[2] += p[2];
            }
            for (d, s) in px.iter_mut().zip(sum) {
                *d = ((s + area / 2) / area) as u8;
            }
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

/// The combined 0–100 score from the measures the live score uses (the others weigh nothing).
pub fn combine(edges: f32, jpeg: f32, spread: f32) -> f32 {
    blend(&WEIGHTS, &normalised(edges, 0.0, jpeg, 0, 0, spread))
}

/// The weights of the six measures, in [`normalised`]'s order.
pub const WEIGHTS: [f32; 6] = [
    scale::EDGES.2,
    scale::ENTROPY.2,
    scale::JPEG.2,
    scale::PROTO.2,
    scale::COLOURS.2,
    scale::SPREAD.2,
];

/// All six measures of a work picture's background, normalised ([`normalised`]'s order): the
/// live score uses three of them; the calibration compares them all.
pub fn calibration_measures(small: &RgbImage, background: Option<&[bool]>) -> [f32; 6] {
    let a = analyze_work(small, background);
    let w = small.width();
    let n = (small.width() * small.height()) as usize;
    let bg = background.filter(|b| b.len() == n);
    let filled = match bg {
        Some(b) => measures::fill_left_out(small, b),
        None => small.clone(),
    };
    let entropy =
        measures::subband_entropy(&filled, |x, y| bg.is_none_or(|b| b[(y * w + x) as usize]));
    normalised(
        a.edge_density,
        entropy,
        a.jpeg_bpp,
        proto_objects_of(small, bg),
        a.colour_variety,
        a.busy_spread,
    )
}

/// The proto-object count of a work picture's background, as the calibration measures it.
pub fn proto_objects_of(small: &RgbImage, background: Option<&[bool]>) -> u32 {
    let w = small.width();
    let n = (small.width() * small.height()) as usize;
    let background = background.filter(|b| b.len() == n);
    let share = background.map_or(1.0, |b| {
        b.iter().filter(|&&k| k).count() as f32 / n.max(1) as f32
    });
    let min_region = ((MIN_REGION_PX as f32) * share).max(8.0) as u32;
    measures::proto_objects(small, min_region, |x, y| {
        background.is_none_or(|b| b[(y * w + x) as usize])
    })
}

/// Names of the six measures, in the order of [`normalised`].
pub const MEASURES: [&str; 6] = [
    "edge density",
    "subband entropy",
    "JPEG bits/pixel",
    "proto-objects",
    "colour variety",
    "busy spread",
];

/// The six measures, each mapped to 0–1 by its [`scale`].
pub fn normalised(
    edges: f32,
    entropy: f32,
    jpeg: f32,
    proto: u32,
    colours: u32,
    spread: f32,
) -> [f32; 6] {
    use scale::*;
    [
        norm(edges, EDGES),
        norm(entropy, ENTROPY),
        norm(jpeg, JPEG),
        norm(proto as f32, PROTO),
        norm(colours as f32, COLOURS),
        norm(spread, SPREAD),
    ]
}

/// 100 × the weighted sum of normalised measures, clamped to 0–100.
pub fn blend(weights: &[f32; 6], normalised: &[f32; 6]) -> f32 {
    let s: f32 = weights.iter().zip(normalised).map(|(w, v)| w * v).sum();
    (s * 100.0).clamp(0.0, 100.0)
}

/// Analyses one frame, all of it background (nobody is known to be in it).
pub fn analyze(frame: &RgbImage) -> SceneAnalysis {
    analyze_work(&downscale(frame), None)
}

/// Analyses a work picture (a frame after [`downscale`]) whose `background` pixels (row by row,
/// `true` = background) are the only ones scored; `None` scores the whole picture. The person,
/// left out, takes no part in any measure: edges and colours are counted on the background only,
/// and for the JPEG size the person is filled from the background around them
/// ([`measures::fill_left_out`]) and the size is taken per background pixel.
pub fn analyze_work(small: &RgbImage, background: Option<&[bool]>) -> SceneAnalysis {
    let (sw, sh) = small.dimensions();
    let n_px = (sw * sh) as usize;
    let background = background.filter(|b| b.len() == n_px && b.iter().any(|&k| !k));
    let bg_count = background.map_or(n_px, |b| b.iter().filter(|&&k| k).count());
    let bg_share = bg_count as f32 / n_px.max(1) as f32;
    let background_mask = background.map(|b| mask_data_url(b, sw, sh));
    if sw < GRID_COLS as u32 || sh < GRID_ROWS as u32 || bg_share < MIN_BACKGROUND_SHARE {
        return SceneAnalysis {
            score: 0.0,
            edge_density: 0.0,
            jpeg_bpp: 0.0,
            busy_spread: 0.0,
            colour_variety: 0,
            scenery_share: 0.0,
            scenery: false,
            scenery_kind: None,
            vivid_colour: None,
            grid: vec![0.0; GRID_COLS * GRID_ROWS],
            cols: GRID_COLS,
            rows: GRID_ROWS,
            person_share: 1.0 - bg_share,
            background_mask,
            busiest_region: None,
        };
    }
    let keep = |x: u32, y: u32| background.is_none_or(|b| b[(y * sw + x) as usize]);

    // Edges per cell, on the background only.
    let gray: GrayImage = image::imageops::grayscale(small);
    let edges = measures::edge_map(&gray);
    let mut on = [0u32; GRID_COLS * GRID_ROWS];
    let mut total = [0u32; GRID_COLS * GRID_ROWS];
    let mut all = [0u32; GRID_COLS * GRID_ROWS];
    // The busy spread's finer cells, counted in the same pass: (edge pixels, background pixels).
    let mut spread = [(0u32, 0u32); (measures::SPREAD_COLS * measures::SPREAD_ROWS) as usize];
    // Each column's cell in both grids, worked out once (no division per pixel).
    let (w, h) = (sw as usize, sh as usize);
    let map_col: Vec<usize> = (0..w).map(|x| cell(x as u32, 0, sw, sh).1).collect();
    let spread_col: Vec<usize> = (0..w)
        .map(|x| x * measures::SPREAD_COLS as usize / w)
        .collect();
    let raw = edges.as_raw();
    for y in 0..h {
        let map_row = cell(0, y as u32, sw, sh).0 * GRID_COLS;
        let spread_row = y * measures::SPREAD_ROWS as usize / h * measures::SPREAD_COLS as usize;
        let row = &raw[y * w..][..w];
        let kept = background.map(|b| &b[y * w..][..w]);
        for x in 0..w {
            let i = map_row + map_col[x];
            all[i] += 1;
            if kept.is_none_or(|k| k[x]) {
                let edge = (row[x] > 0) as u32;
                total[i] += 1;
                on[i] += edge;
                let c = &mut spread[spread_row + spread_col[x]];
                c.0 += edge;
                c.1 += 1;
            }
        }
    }
    let grid: Vec<f32> = (0..GRID_COLS * GRID_ROWS)
        .map(|i| {
            if total[i] == 0 || (total[i] as f32) < MIN_CELL_BACKGROUND * all[i] as f32 {
                0.0
            } else {
                on[i] as f32 / total[i] as f32
            }
        })
        .collect();
    let (bg_on, bg_total) = (on.iter().sum::<u32>(), total.iter().sum::<u32>());
    let edge_density = bg_on as f32 / bg_total.max(1) as f32;
    let busy_spread = measures::spread_share(&spread, measures::SPREAD_BUSY_EDGES);

    // The whole-picture measures see the background only: the person is filled from around them.
    let filled = match background {
        Some(b) => measures::fill_left_out(small, b),
        None => small.clone(),
    };
    let jpeg_bpp =
        measures::jpeg_bits_per_pixel(&image::imageops::grayscale(&filled)) / bg_share.max(0.1);
    let colour_variety = measures::colour_variety(small, keep);
    let sc = scenery::scenery(small, keep);

    SceneAnalysis {
        score: combine(edge_density, jpeg_bpp, busy_spread),
        edge_density,
        jpeg_bpp,
        busy_spread,
        colour_variety,
        scenery_share: sc.share,
        scenery: sc.distracting(),
        scenery_kind: sc.named().map(str::to_string),
        vivid_colour: sc
            .main
            .filter(|_| sc.distracting())
            .map(|c| scenery::colour_words(c).to_string()),
        busiest_region: busiest_third(&grid),
        grid,
        cols: GRID_COLS,
        rows: GRID_ROWS,
        person_share: 1.0 - bg_share,
        background_mask,
    }
}

/// Width of [`SceneAnalysis::background_mask`].
pub const MASK_URL_WIDTH: u32 = 64;

/// The background as a small grey+alpha PNG data URL (alpha 255 = background).
fn mask_data_url(background: &[bool], w: u32, h: u32) -> String {
    use base64::Engine;
    let mw = MASK_URL_WIDTH.min(w.max(1));
    let mh = ((h as u64 * mw as u64) / w.max(1) as u64).max(1) as u32;
    let img = image::GrayAlphaImage::from_fn(mw, mh, |x, y| {
        let (sx, sy) = (x * w / mw, y * h / mh);
        let bg = background[(sy * w + sx) as usize];
        image::LumaA([255, if bg { 255 } else { 0 }])
    });
    let mut png = Vec::new();
    // Encoding an in-memory buffer of the right size cannot fail.
    let _ = img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png);
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&png)
    )
}

/// Names the third of the picture with clearly the most background edges, if any: it must hold
/// over half of all background edge density and be noticeably busy itself.
fn busiest_third(grid: &[f32]) -> Option<String> {
    let mut thirds = [0.0f32; 3];
    for row in 0..GRID_ROWS {
        for col in 0..GRID_COLS {
            thirds[col * 3 / GRID_COLS] += grid[row * GRID_COLS + col];
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
    fn the_live_spread_is_the_one_the_calibration_measures() {
        // Things hung on a plain wall, a third of it left out as the person.
        let img = RgbImage::from_fn(320, 180, |x, y| {
            let thing = (x / 40 + y / 45) % 3 == 0 && (x % 40) < 18 && (y % 45) < 20;
            if thing && (x + y) % 5 < 2 {
                Rgb([30, 60, 200])
            } else {
                Rgb([210, 205, 195])
            }
        });
        let background: Vec<bool> = (0..180u32)
            .flat_map(|_| 0..320u32)
            .map(|x| !(100..210).contains(&x))
            .collect();
        let a = analyze_work(&img, Some(&background));
        let edges = measures::edge_map(&image::imageops::grayscale(&img));
        let calibrated = measures::busy_spread(&edges, |x, _| !(100..210).contains(&x));
        assert!(
            a.busy_spread > 0.05 && a.busy_spread < 0.9,
            "{}",
            a.busy_spread
        );
        assert_eq!(a.busy_spread, calibrated);
        // More things on the wall spread the detail wider.
        let fewer = RgbImage::from_fn(320, 180, |x, y| {
            if x < 60 && y < 50 && (x + y) % 5 < 2 {
                Rgb([30, 60, 200])
            } else {
                Rgb([210, 205, 195])
            }
        });
        assert!(analyze_work(&fewer, Some(&background)).busy_spread < a.busy_spread);
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
    fn the_person_is_left_out_wherever_they_are() {
        // Clutter only where the person is (top left here, not the middle): the score ignores
        // it and the map draws nothing over them.
        let busy = checkerboard(320, 180, 6);
        let person = |x: u32, y: u32| x < 120 && y < 120;
        let img = RgbImage::from_fn(320, 180, |x, y| {
            if person(x, y) {
                *busy.get_pixel(x, y)
            } else {
                Rgb([200, 200, 200])
            }
        });
        let background: Vec<bool> = (0..180)
            .flat_map(|y| (0..320).map(move |x| !person(x, y)))
            .collect();
        let a = analyze_work(&img, Some(&background));
        assert!(a.score < 5.0, "score {}", a.score);
        assert!((a.person_share - 120.0 * 120.0 / (320.0 * 180.0)).abs() < 1e-3);
        assert_eq!(a.grid[0], 0.0, "no tint over the person");
        assert!(a
            .background_mask
            .as_deref()
            .unwrap()
            .starts_with("data:image/png;base64,"));
        // The same picture with nobody known in it is busy.
        assert!(analyze_work(&img, None).score > 20.0);
        assert!(analyze_work(&img, None).background_mask.is_none());
        // A person filling the picture leaves nothing to judge.
        let all_person = vec![false; 320 * 180];
        let full = analyze_work(&img, Some(&all_person));
        assert_eq!(full.score, 0.0);
        assert!(full.person_share > 0.99);
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
    fn a_circuit_board_is_said_by_its_colour_not_named_foliage() {
        let a = analyze(&crate::scenery::tests::circuit_board(1280, 720));
        assert!(a.scenery, "{a:?}");
        assert_eq!(a.scenery_kind, None);
        assert_eq!(a.vivid_colour.as_deref(), Some("green"));
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
        // A very wide, short picture: blocks no taller than the picture.
        assert_eq!(downscale(&RgbImage::new(4000, 8)).dimensions(), (500, 1));
        assert_eq!(downscale(&RgbImage::new(4000, 0)).dimensions(), (4000, 0));
    }
}
