//! The busyness score against a labelled set of real photographs (`fixtures/photos/`, sources
//! and licences in LICENSES.md). Labels are our own judgement of how distracting each would be
//! behind a mentor, 1 (plain) to 5 (very busy); the test asks for a Spearman rank correlation of
//! at least 0.8 between score and label on these first twelve photos, and for the scenery flag on
//! the vivid outdoor pictures. The held-out evaluation on all 50 labelled photos, with the person
//! left out, is `crates/person/tests/busyness_photos.rs`.

use std::path::PathBuf;

use preflight_scene::analyze;
use preflight_scene::rank::spearman;

/// (file, busyness label 1–5, vivid outdoor scenery?)
const LABELS: &[(&str, f32, bool)] = &[
    ("mate-wood.jpg", 1.0, false),        // pale plain surface
    ("mate-aqua.jpg", 1.0, false),        // a water drop on a smooth grey-blue field
    ("mate-storm.jpg", 2.0, false),       // dark sky over a road: outdoor but not vivid
    ("chelsea.png", 3.0, false),          // a furry cat face filling the frame
    ("camera.png", 3.0, false),           // a photographer in a park (grey)
    ("coffee.png", 3.0, false),           // a cup on a patterned table
    ("mate-dune.jpg", 3.0, true),         // beach grass, sea and sky
    ("rocket.jpg", 2.0, false),           // a launch pad at night: dark, a few towers
    ("astronaut.png", 4.0, false),        // portrait with flags and a model shuttle
    ("brick.png", 4.0, false),            // a brick wall
    ("mate-green-meadow.jpg", 5.0, true), // dense vivid grass
    ("gravel.png", 5.0, false),           // gravel close up
];

fn photo(name: &str) -> image::RgbImage {
    let p = PathBuf::from(
        &*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../fixtures/photos")
    .join(name);
    image::open(&p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .to_rgb8()
}

#[test]
fn scores_order_the_labelled_photos() {
    let mut scores = Vec::new();
    let mut labels = Vec::new();
    let mut wrong_scenery = Vec::new();
    for (name, label, scenic) in LABELS {
        let a = analyze(&photo(name));
        eprintln!(
            "{name:24} label {label} score {:5.1}  edges {:.3} jpeg {:.2} colours {:3} scenery {:.2}{}",
            a.score,
            a.edge_density,
            a.jpeg_bpp,
            a.colour_variety,
            a.scenery_share,
            if a.scenery { " SCENERY" } else { "" }
        );
        if a.scenery != *scenic {
            wrong_scenery.push(*name);
        }
        scores.push(a.score);
        labels.push(*label);
    }
    let rho = spearman(&scores, &labels);
    eprintln!("Spearman rho = {rho:.3}");
    assert!(
        wrong_scenery.is_empty(),
        "scenery flag wrong for {wrong_scenery:?}"
    );
    assert!(rho >= 0.8, "rank correlation {rho:.3} < 0.8");
}

#[test]
fn our_canny_stays_close_to_imageproc_on_real_photos() {
    // `measures::edge_map` stands in for `imageproc::edges::canny` (same σ, thresholds and
    // non-maximum suppression; 8-connected hysteresis) for speed: on every photo its edge density
    // on the work picture is within a quarter (plus 0.6 points) of imageproc's.
    for (name, _, _) in LABELS {
        let gray = image::imageops::grayscale(&preflight_scene::downscale(&photo(name)));
        let density = |e: &image::GrayImage| {
            e.pixels().filter(|p| p.0[0] > 0).count() as f32 / (e.width() * e.height()) as f32
        };
        let ours = density(&preflight_scene::measures::edge_map(&gray));
        let theirs = density(&imageproc::edges::canny(&gray, 40.0, 100.0));
        assert!(
            (ours - theirs).abs() <= 0.25 * theirs + 0.006,
            "{name}: ours {ours:.4}, imageproc {theirs:.4}"
        );
    }
}
