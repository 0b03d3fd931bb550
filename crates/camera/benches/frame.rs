//! Per-frame statistics at 1280×720. Run: `cargo bench -p preflight-camera`.
use criterion::{criterion_group, criterion_main, Criterion};
use image::{Rgb, RgbImage};

fn bench(c: &mut Criterion) {
    let frame = RgbImage::from_fn(1280, 720, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    c.bench_function("frame_stats_1280x720", |b| {
        b.iter(|| preflight_camera::frame_stats(std::hint::black_box(&frame)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
