//! Busyness analysis of one 1280×720 frame. Run: `cargo bench -p preflight-scene`.
use criterion::{criterion_group, criterion_main, Criterion};
use image::{Rgb, RgbImage};

fn bench(c: &mut Criterion) {
    // A cluttered synthetic frame: checkerboard shelves on the left, a gradient wall elsewhere.
    let frame = RgbImage::from_fn(1280, 720, |x, y| {
        if x < 420 && ((x / 24) + (y / 24)) % 2 == 0 {
            Rgb([230, 220, 200])
        } else {
            let v = (x / 6) as u8;
            Rgb([v, v / 2 + 60, 120])
        }
    });
    c.bench_function("scene_analyze_1280x720", |b| {
        b.iter(|| preflight_scene::analyze(std::hint::black_box(&frame)))
    });
    // The same measures computed naively on the full frame, for the speed ratio.
    let mut g = c.benchmark_group("reference");
    g.sample_size(10);
    g.bench_function("scene_reference_full_resolution_1280x720", |b| {
        b.iter(|| preflight_scene::reference::score_full_resolution(std::hint::black_box(&frame)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
