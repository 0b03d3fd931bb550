//! The busyness score against the 50 labelled photos (`fixtures/photos/labels.csv`), measured as
//! the camera check measures a frame (the person, when a face is found, left out). The blend's
//! weights were fitted on the `fit` photos only; on the `held` photos it must rank better than
//! every single measure (otherwise the app should ship the best single measure instead).

use std::path::PathBuf;

use preflight_scene::rank::spearman;
use preflight_scene::{calibration_measures, MEASURES};

#[test]
fn held_out_the_blend_beats_every_single_measure() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/photos");
    let csv = std::fs::read_to_string(dir.join("labels.csv")).unwrap();
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
        rows.push((f[1].parse::<f32>().unwrap(), f[2] == "held", n, s.score));
    }
    assert_eq!(rows.len(), 50);
    let rho = |held: bool, f: &dyn Fn(&[f32; 5], f32) -> f32| {
        let (a, b): (Vec<f32>, Vec<f32>) = rows
            .iter()
            .filter(|r| r.1 == held)
            .map(|r| (f(&r.2, r.3), r.0))
            .unzip();
        spearman(&a, &b)
    };
    let blend_held = rho(true, &|_, s| s);
    let blend_fit = rho(false, &|_, s| s);
    eprintln!("blend: fit {blend_fit:.3}, held out {blend_held:.3}");
    for (i, name) in MEASURES.iter().enumerate() {
        let single = rho(true, &|n, _| n[i]);
        eprintln!(
            "{name}: fit {:.3}, held out {single:.3}",
            rho(false, &|n, _| n[i])
        );
        assert!(
            blend_held > single,
            "held out, {name} alone ranks the photos at least as well ({single:.3}) as the blend ({blend_held:.3})"
        );
    }
    assert!(
        blend_held >= 0.85 && blend_fit >= 0.85,
        "{blend_fit} {blend_held}"
    );
}
