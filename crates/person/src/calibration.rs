//! The labelled photos the busyness blend is calibrated and tested on
//! (`fixtures/photos/labels.csv`), measured as the camera check measures a frame: the work
//! picture, the person (when a face is found) and a margin around them left out. Used by the
//! `calibrate` example and the held-out test; not by the app.

use std::path::Path;

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
    /// The five measures, normalised (`preflight_scene::calibration_measures`).
    pub measures: [f32; 5],
    /// The shipped busyness score.
    pub score: f32,
    /// Share of the picture left out as the person.
    pub person_share: f32,
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
