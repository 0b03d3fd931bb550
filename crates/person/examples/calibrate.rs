//! Calibrates the busyness blend on the labelled photos (`fixtures/photos/labels.csv`) and
//! reports, for BENCHMARKS.md, Spearman's ρ of each single measure and of blends on the photos
//! used to fit (`fit`) and on those held out (`held`):
//!
//!     cargo run --release -p preflight-person --example calibrate
//!
//! The busyness of each photo is measured as the app measures a camera frame: the person (if a
//! face is found) and a margin around them left out. Weights are searched on the `fit` photos
//! only (a grid of steps of 0.05 summing to 1, best ρ), then judged on the `held` ones.
use std::path::PathBuf;

use preflight_scene::rank::spearman;
use preflight_scene::{blend, calibration_measures, MEASURES};

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/photos");
    let csv = std::fs::read_to_string(dir.join("labels.csv")).expect("labels.csv");
    let mut rows = Vec::new();
    for line in csv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split(',').collect();
        let img = image::open(dir.join(f[0])).unwrap().to_rgb8();
        // As the camera check does: the work picture, the person (if a face is found) left out.
        let small = preflight_scene::downscale(&img);
        let p = preflight_person::shared()
            .and_then(|m| m.person(&small))
            .expect("models run");
        let bg = preflight_person::frame::background(&p, small.width(), small.height());
        let s = preflight_scene::analyze_work(&small, bg.as_deref());
        let n = calibration_measures(&small, bg.as_deref());
        println!(
            "{:28} label {} {:4} person left out {:3.0}%  score {:5.1}",
            f[0],
            f[1],
            f[2],
            s.person_share * 100.0,
            s.score
        );
        rows.push((f[1].parse::<f32>().unwrap(), f[2] == "held", n, s.score));
    }
    let rho = |held: bool, score: &dyn Fn(&[f32; 5], f32) -> f32| {
        let (a, b): (Vec<f32>, Vec<f32>) = rows
            .iter()
            .filter(|r| r.1 == held)
            .map(|r| (score(&r.2, r.3), r.0))
            .unzip();
        spearman(&a, &b)
    };
    println!(
        "\n| measure | ρ fit ({}) | ρ held out ({}) |",
        rows.iter().filter(|r| !r.1).count(),
        rows.iter().filter(|r| r.1).count()
    );
    println!("| --- | --- | --- |");
    for (i, name) in MEASURES.iter().enumerate() {
        println!(
            "| {name} | {:.3} | {:.3} |",
            rho(false, &|n, _| n[i]),
            rho(true, &|n, _| n[i])
        );
    }
    println!(
        "| shipped score | {:.3} | {:.3} |",
        rho(false, &|_, s| s),
        rho(true, &|_, s| s)
    );
    // Grid search of the weights on the fit set.
    {
        let mut best = ([0.0f32; 5], -2.0f32);
        let steps = 20;
        for a in 0..=steps {
            for b in 0..=steps - a {
                for c in 0..=steps - a - b {
                    for d in 0..=steps - a - b - c {
                        let e = steps - a - b - c - d;
                        let w = [a, b, c, d, e].map(|v| v as f32 / steps as f32);
                        let r = rho(false, &|n, _| blend(&w, n));
                        if r > best.1 + 1e-6 {
                            best = (w, r);
                        }
                    }
                }
            }
        }
        let w = best.0;
        println!(
            "| blend fitted on `fit`, weights {:?} | {:.3} | {:.3} |",
            w,
            best.1,
            rho(true, &|n, _| blend(&w, n))
        );
    }
}
