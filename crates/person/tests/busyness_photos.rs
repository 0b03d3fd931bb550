//! The busyness score against the 106 labelled pictures (`fixtures/photos/labels.csv`: wallpapers,
//! real photos of rooms, streets and things, room composites), measured as the camera check
//! measures a frame (the person, when a face is found, left out). The blend's weights were
//! fitted on the `fit` pictures only; on the 44 `held` ones it must rank at ρ ≥ 0.85, better than
//! every single measure and than every compression-based measure alone (otherwise the app should
//! ship that measure instead).

use std::path::PathBuf;

use preflight_person::calibration::{measure_labelled, rho, CANDIDATES};
use preflight_scene::MEASURES;

#[test]
fn held_out_the_blend_beats_every_single_measure_and_compression_alone() {
    let dir = PathBuf::from(
        &*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../fixtures/photos");
    let rows = measure_labelled(preflight_person::shared().unwrap(), &dir).unwrap();
    assert_eq!(rows.len(), 106);
    assert_eq!(rows.iter().filter(|r| r.held).count(), 44);
    let blend_held = rho(&rows, true, |r| r.score);
    let blend_fit = rho(&rows, false, |r| r.score);
    eprintln!("blend: fit {blend_fit:.3}, held out {blend_held:.3}");
    for (i, name) in MEASURES.iter().enumerate() {
        let (fit, held) = (
            rho(&rows, false, |r| r.measures[i]),
            rho(&rows, true, |r| r.measures[i]),
        );
        eprintln!("{name}: fit {fit:.3}, held out {held:.3}");
        assert!(
            blend_held > held && blend_fit > fit,
            "{name} alone ranks the pictures at least as well (fit {fit:.3}, held out {held:.3}) as the blend"
        );
    }
    for (c, name) in CANDIDATES.iter().enumerate() {
        if !name.starts_with("JPEG") && !name.starts_with("PNG") {
            continue;
        }
        let held = rho(&rows, true, |r| r.candidates[c]);
        eprintln!("{name}: held out {held:.3}");
        assert!(
            blend_held >= held,
            "held out, compression alone ({name}: {held:.3}) ranks the pictures better than the blend ({blend_held:.3})"
        );
    }
    assert!(blend_held >= 0.85, "held out {blend_held:.3}");
    assert!(blend_fit >= 0.75, "fit {blend_fit:.3}");
}
