//! The camera check's whole-frame analysis of one 720p frame (person mask + face + busyness of
//! the background with the person left out + framing), the same for a room with nobody in it
//! (both mask sizes run), and the models alone, on one core.
//! Run: `cargo bench -p preflight-person`. The frame: the astronaut portrait composited onto a
//! wallpaper at 1280×720, as the tests do.
use criterion::{criterion_group, criterion_main, Criterion};
use image::{imageops, RgbImage};

fn frame() -> RgbImage {
    let dir = std::path::PathBuf::from(
        &*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../fixtures/photos");
    let bg = image::open(dir.join("kde-colorfulcups.jpg"))
        .unwrap()
        .to_rgb8();
    let person = image::open(dir.join("astronaut.png")).unwrap().to_rgb8();
    let mut f = imageops::resize(&bg, 1280, 720, imageops::FilterType::Triangle);
    let p = imageops::resize(&person, 684, 684, imageops::FilterType::Triangle);
    imageops::replace(&mut f, &p, 298, 36);
    f
}

fn bench(c: &mut Criterion) {
    let models = preflight_person::Models::load().expect("models");
    let frame = frame();
    let small = preflight_scene::downscale(&frame);
    let found = models.person(&small).unwrap();
    assert!(found.face.is_some(), "the bench frame has a face");
    eprintln!(
        "person share {:.2}, face {:?}",
        found.mask.share(),
        found.face
    );
    c.bench_function("whole_frame_analysis_1280x720", |b| {
        b.iter(|| preflight_person::frame::analyze(Ok(&models), std::hint::black_box(&frame)))
    });
    // Nobody in the picture: the reduced mask finds no face, so the full-size one runs too.
    let dir = std::path::PathBuf::from(
        &*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../fixtures/photos");
    let room = imageops::resize(
        &image::open(dir.join("kde-colorfulcups.jpg"))
            .unwrap()
            .to_rgb8(),
        1280,
        720,
        imageops::FilterType::Triangle,
    );
    c.bench_function("whole_frame_analysis_nobody_1280x720", |b| {
        b.iter(|| preflight_person::frame::analyze(Ok(&models), std::hint::black_box(&room)))
    });
    c.bench_function("person_mask_256x144", |b| {
        b.iter(|| models.mask(std::hint::black_box(&small)).unwrap())
    });
    c.bench_function("person_mask_and_face", |b| {
        b.iter(|| models.person(std::hint::black_box(&small)).unwrap())
    });
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    g.bench_function("models_load", |b| {
        b.iter(|| preflight_person::Models::load().unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
