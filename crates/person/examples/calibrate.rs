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

use preflight_person::calibration::{measure_labelled, rho, Labelled, CANDIDATES};
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
    // The raw figures of every photo, for a closer look: `CALIBRATE_CSV=path`.
    if let Ok(path) = std::env::var("CALIBRATE_CSV") {
        let mut csv = String::from("file,label,held");
        for c in CANDIDATES.iter().chain(&MEASURES) {
            csv += &format!(",\"{c}\"");
        }
        for r in &rows {
            csv += &format!("\n{},{},{}", r.file, r.label, r.held);
            for v in r.candidates.iter().chain(&r.measures) {
                csv += &format!(",{v}");
            }
        }
        std::fs::write(&path, csv + "\n").expect("write the CSV");
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
    // How much the held-out figure could move with other pictures like these: a bootstrap of
    // the held-out pictures (2000 resamples, a fixed seed).
    let held: Vec<&Labelled> = rows.iter().filter(|r| r.held).collect();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut rhos: Vec<f32> = (0..2000)
        .map(|_| {
            let pick: Vec<&Labelled> = (0..held.len())
                .map(|_| held[(next() % held.len() as u64) as usize])
                .collect();
            let (a, b): (Vec<f32>, Vec<f32>) = pick.iter().map(|r| (r.score, r.label)).unzip();
            preflight_scene::rank::spearman(&a, &b)
        })
        .collect();
    rhos.sort_by(f32::total_cmp);
    println!(
        "shipped score held out: 90% bootstrap interval {:.3}–{:.3}",
        rhos[100], rhos[1899]
    );
    // Grid search of the six weights on the fit set (steps of 0.05 summing to 1).
    let mut best = ([0.0f32; 6], -2.0f32);
    let steps = 20;
    let mut w = [0usize; 6];
    search(&mut w, 0, steps, &mut |w| {
        let w = w.map(|v| v as f32 / steps as f32);
        let r = rho(&rows, false, |r| blend(&w, &r.measures));
        if r > best.1 + 1e-6 {
            best = (w, r);
        }
    });
    let w = best.0;
    println!(
        "| blend fitted on `fit`, weights {:?} | {:.3} | {:.3} |",
        w,
        best.1,
        rho(&rows, true, |r| blend(&w, &r.measures))
    );
    // The candidates alone, then blends of two and of three of them: the weights (steps of
    // 0.1) searched on the fit photos only, each candidate mapped to 0–1 between the fit photos'
    // 5th and 95th percentiles; the held-out ρ is printed for the fit's best of each kind.
    println!("\n| candidate | ρ fit | ρ held out | scale (5th–95th pct of fit) |");
    println!("| --- | --- | --- | --- |");
    let n = CANDIDATES.len();
    let scales: Vec<(f32, f32)> = (0..n).map(|c| percentiles(&rows, c)).collect();
    for (c, name) in CANDIDATES.iter().enumerate() {
        println!(
            "| {name} | {:.3} | {:.3} | {:.3}–{:.3} |",
            rho(&rows, false, |r| r.candidates[c]),
            rho(&rows, true, |r| r.candidates[c]),
            scales[c].0,
            scales[c].1
        );
    }
    let scaled = |r: &Labelled, c: usize| {
        let (lo, hi) = scales[c];
        ((r.candidates[c] - lo) / (hi - lo)).clamp(0.0, 1.0)
    };
    let mut results: Vec<(Weighting, f32, f32)> = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            for c in b..n {
                let idx: Vec<usize> = if c == b { vec![a, b] } else { vec![a, b, c] };
                let mut best: (Weighting, f32) = (Vec::new(), -2.0);
                for i in 1..10 {
                    for j in 1..=(10 - i) {
                        let k = 10 - i - j;
                        if idx.len() == 2 && k != 0 {
                            continue;
                        }
                        if idx.len() == 3 && k == 0 {
                            continue;
                        }
                        let w = [i, j, k].map(|v| v as f32 / 10.0);
                        let f = |r: &Labelled| {
                            idx.iter()
                                .zip(w)
                                .map(|(&c, w)| w * scaled(r, c))
                                .sum::<f32>()
                        };
                        let fit = rho(&rows, false, f);
                        if fit > best.1 + 1e-6 {
                            best = (idx.iter().copied().zip(w).collect(), fit);
                        }
                    }
                }
                let ws = best.0.clone();
                let held = rho(&rows, true, |r| {
                    ws.iter().map(|&(c, w)| w * scaled(r, c)).sum::<f32>()
                });
                results.push((best.0, best.1, held));
            }
        }
    }
    results.sort_by(|x, y| y.1.total_cmp(&x.1));
    println!("\n| blend (weights fitted on fit) | ρ fit | ρ held out |");
    println!("| --- | --- | --- |");
    for (ws, fit, held) in results.iter().take(15) {
        let name: Vec<String> = ws
            .iter()
            .map(|&(c, w)| format!("{w:.1} × {}", CANDIDATES[c]))
            .collect();
        println!("| {} | {fit:.3} | {held:.3} |", name.join(" + "));
    }
}

/// Candidates (by index) with their weights.
type Weighting = Vec<(usize, f32)>;

/// Calls `f` with every way of sharing `left` steps among `w[i..]`.
fn search(w: &mut [usize; 6], i: usize, left: usize, f: &mut impl FnMut([usize; 6])) {
    if i == w.len() - 1 {
        w[i] = left;
        f(*w);
        return;
    }
    for v in 0..=left {
        w[i] = v;
        search(w, i + 1, left - v, f);
    }
}

/// The 5th and 95th percentiles of candidate `c` over the fit photos.
fn percentiles(rows: &[Labelled], c: usize) -> (f32, f32) {
    let mut v: Vec<f32> = rows
        .iter()
        .filter(|r| !r.held)
        .map(|r| r.candidates[c])
        .collect();
    v.sort_by(f32::total_cmp);
    let at = |q: f32| v[((v.len() - 1) as f32 * q).round() as usize];
    (at(0.05), at(0.95))
}
