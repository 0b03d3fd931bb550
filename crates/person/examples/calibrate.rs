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

use preflight_person::calibration::{measure_labelled, rho};
use preflight_scene::{blend, MEASURES};

fn main() {
    let dir = PathBuf::from(
        &*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../fixtures/photos");
    let rows = measure_labelled(preflight_person::shared().expect("models"), &dir)
        .expect("labelled photos");
    for r in &rows {
        println!(
            "{:28} label {} {:4} person left out {:3.0}%  score {:5.1}",
            r.file,
            r.label,
            if r.held { "held" } else { "fit" },
            r.person_share * 100.0,
            r.score
        );
    }
    let n = |held| rows.iter().filter(|r| r.held == held).count();
    println!(
        "\n| measure | ρ fit ({}) | ρ held out ({}) |",
        n(false),
        n(true)
    );
    println!("| --- | --- | --- |");
    for (i, name) in MEASURES.iter().enumerate() {
        println!(
            "| {name} | {:.3} | {:.3} |",
            rho(&rows, false, |r| r.measures[i]),
            rho(&rows, true, |r| r.measures[i])
        );
    }
    println!(
        "| shipped score | {:.3} | {:.3} |",
        rho(&rows, false, |r| r.score),
        rho(&rows, true, |r| r.score)
    );
    // Grid search of the weights on the fit set.
    let mut best = ([0.0f32; 5], -2.0f32);
    let steps = 20;
    for a in 0..=steps {
        for b in 0..=steps - a {
            for c in 0..=steps - a - b {
                for d in 0..=steps - a - b - c {
                    let e = steps - a - b - c - d;
                    let w = [a, b, c, d, e].map(|v| v as f32 / steps as f32);
                    let r = rho(&rows, false, |r| blend(&w, &r.measures));
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
        rho(&rows, true, |r| blend(&w, &r.measures))
    );
}
