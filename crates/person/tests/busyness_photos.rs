//! The busyness score against the 50 labelled photos (`fixtures/photos/labels.csv`), measured as
//! the camera check measures a frame (the person, when a face is found, left out). The blend's
//! weights were fitted on the `fit` photos only; on the `held` photos it must rank better than
//! every single measure (otherwise the app should ship the best single measure instead).

use std::path::PathBuf;

use preflight_person::calibration::{measure_labelled, rho};
use preflight_scene::MEASURES;

#[test]
fn held_out_the_blend_beats_every_single_measure() {
    let dir = PathBuf::from(
        &*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../fixtures/photos");
    let rows = measure_labelled(preflight_person::shared().unwrap(), &dir).unwrap();
    assert_eq!(rows.len(), 50);
    assert_eq!(rows.iter().filter(|r| r.held).count(), 16);
    let blend_held = rho(&rows, true, |r| r.score);
    let blend_fit = rho(&rows, false, |r| r.score);
    eprintln!("blend: fit {blend_fit:.3}, held out {blend_held:.3}");
    for (i, name) in MEASURES.iter().enumerate() {
        let single = rho(&rows, true, |r| r.measures[i]);
        eprintln!(
            "{name}: fit {:.3}, held out {single:.3}",
            rho(&rows, false, |r| r.measures[i])
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
