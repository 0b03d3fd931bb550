//! The labelled photos the busyness blend is calibrated and tested on
//! (`fixtures/photos/labels.csv`), measured as the camera check measures a frame: the work
//! picture, the person (when a face is found) and a margin around them left out. Used by the
//! `calibrate` example and the held-out test; not by the app.

use std::path::Path;

use image::RgbImage;
use preflight_scene::rank::spearman;

use crate::{frame, Models, PersonError};

/// One labelled photo and what was measured on it.
#[derive(Debug, Clone)]
pub struct Labelled {
    /// File name in the photo folder.
    pub file: String,
    /// Our busyness label, 1 (plain) – 5 (very busy).
    pub label: f32,
    /// Held out from the fit.
    pub held: bool,
    /// The six measures, normalised (`preflight_scene::calibration_measures`).
    pub measures: [f32; 6],
    /// The shipped busyness score.
    pub score: f32,
    /// Share of the picture left out as the person.
    pub person_share: f32,
    /// The candidate measures ([`CANDIDATES`]), raw, the person left out.
    pub candidates: Vec<f32>,
}

/// The measures compared in the calibration, in the order of [`Labelled::candidates`]. The
/// compression-based ones are the size of the background (the person filled from around them,
/// [`preflight_scene::measures::fill_left_out`]) compressed, per background pixel.
pub const CANDIDATES: [&str; 15] = [
    "JPEG q75 grey, 320 px (the live measure)",
    "JPEG q75 colour, 320 px",
    "PNG grey, 320 px",
    "JPEG q75 grey, 640 px",
    "JPEG q75 grey, 160 px",
    "JPEG q75 colour, 160 px",
    "edge density, 320 px (the live measure)",
    "edge density, 160 px",
    "busy spread 16×9 cells, busy from 3% edges",
    "busy spread 16×9, 4%",
    "busy spread 16×9, 6% (the live measure)",
    "busy spread 16×9, 8%",
    "busy spread 16×9, 10%",
    "busy spread 12×7, 6%",
    "busy spread 20×11, 6%",
];

/// The [`CANDIDATES`] of one picture: `img` the whole picture, `small` its work picture, `bg`
/// the work picture's background (`None`: all of it).
pub fn candidates(img: &RgbImage, small: &RgbImage, bg: Option<&[bool]>) -> Vec<f32> {
    use image::imageops::grayscale;
    use preflight_scene::measures::{
        busy_spread_with, fill_left_out, jpeg_bits_per_pixel, jpeg_bits_per_pixel_rgb,
        png_bits_per_pixel,
    };
    let (sw, sh) = small.dimensions();
    // The work picture's background mask, resampled to another picture's size.
    let mask_for = |w: u32, h: u32| -> Option<Vec<bool>> {
        bg.map(|b| {
            (0..h)
                .flat_map(|y| (0..w).map(move |x| (x, y)))
                .map(|(x, y)| b[((y * sh / h) * sw + x * sw / w) as usize])
                .collect()
        })
    };
    let share = |m: &Option<Vec<bool>>| {
        m.as_ref().map_or(1.0, |m| {
            (m.iter().filter(|&&k| k).count() as f32 / m.len().max(1) as f32).max(0.1)
        })
    };
    let filled = |pic: &RgbImage, m: &Option<Vec<bool>>| match m {
        Some(m) => fill_left_out(pic, m),
        None => pic.clone(),
    };
    let m320 = mask_for(sw, sh);
    let f320 = filled(small, &m320);
    let s320 = share(&m320);
    let large = preflight_scene::downscale_to(img, 640);
    let m640 = mask_for(large.width(), large.height());
    let f640 = filled(&large, &m640);
    let tiny = preflight_scene::downscale_to(small, 160);
    let m160 = mask_for(tiny.width(), tiny.height());
    let f160 = filled(&tiny, &m160);
    // Edges on the background only: their density, and how widely they are spread over it
    // on grids of other sizes and busy shares than the shipped one.
    let edge_measures = |pic: &RgbImage, m: &Option<Vec<bool>>| {
        let e = preflight_scene::measures::edge_map(&grayscale(pic));
        let w = e.width();
        let keep = |x: u32, y: u32| m.as_ref().is_none_or(|m| m[(y * w + x) as usize]);
        let (on, all) = e
            .enumerate_pixels()
            .filter(|&(x, y, _)| keep(x, y))
            .fold((0u32, 0u32), |(on, all), (_, _, p)| {
                (on + (p.0[0] > 0) as u32, all + 1)
            });
        let spreads = [
            (16, 9, 0.03),
            (16, 9, 0.04),
            (16, 9, 0.06),
            (16, 9, 0.08),
            (16, 9, 0.10),
            (12, 7, 0.06),
            (20, 11, 0.06),
        ]
        .map(|(c, r, t)| busy_spread_with(&e, keep, c, r, t));
        (on as f32 / all.max(1) as f32, spreads)
    };
    let (e320, spreads) = edge_measures(small, &m320);
    let (e160, _) = edge_measures(&tiny, &m160);
    vec![
        jpeg_bits_per_pixel(&grayscale(&f320)) / s320,
        jpeg_bits_per_pixel_rgb(&f320) / s320,
        png_bits_per_pixel(&grayscale(&f320)) / s320,
        jpeg_bits_per_pixel(&grayscale(&f640)) / share(&m640),
        jpeg_bits_per_pixel(&grayscale(&f160)) / share(&m160),
        jpeg_bits_per_pixel_rgb(&f160) / share(&m160),
        e320,
        e160,
        spreads[0],
        spreads[1],
        spreads[2],
        spreads[3],
        spreads[4],
        spreads[5],
        spreads[6],
    ]
}

/// Reads `labels.csv` in `dir` (`file,label,fit|held`, `#` comments) and measures every photo.
pub fn measure_labelled(models: &Models, dir: &Path) -> Result<Vec<Labelled>, String> {
    let csv = std::fs::read_to_string(dir.join("labels.csv")).map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for line in csv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let [file, label, set] = f[..] else {
            return Err(format!("labels.csv: not file,label,set: {line}"));
        };
        let img = image::open(dir.join(file))
            .map_err(|e| format!("{file}: {e}"))?
            .to_rgb8();
        let small = preflight_scene::downscale(&img);
        let p = models
            .person(&small)
            .map_err(|e: PersonError| e.to_string())?;
        let bg = frame::background(&p, small.width(), small.height());
        let s = preflight_scene::analyze_work(&small, bg.as_deref());
        rows.push(Labelled {
            file: file.to_string(),
            label: label
                .parse()
                .map_err(|_| format!("{file}: label {label}"))?,
            held: set == "held",
            measures: preflight_scene::calibration_measures(&small, bg.as_deref()),
            score: s.score,
            person_share: s.person_share,
            candidates: candidates(&img, &small, bg.as_deref()),
        });
    }
    Ok(rows)
}

/// Spearman's ρ between `f(row)` and the labels, over the held-out rows (`held`) or the others.
pub fn rho(rows: &[Labelled], held: bool, f: impl Fn(&Labelled) -> f32) -> f32 {
    let (a, b): (Vec<f32>, Vec<f32>) = rows
        .iter()
        .filter(|r| r.held == held)
        .map(|r| (f(r), r.label))
        .unzip();
    spearman(&a, &b)
}
