//! Per-frame quality analysis at 1280×720: luma planes, exposure, backlight, sharpness, colour
//! and SSIM against the previous frame. Run: `cargo bench -p preflight-camera`.
use criterion::{criterion_group, criterion_main, Criterion};
use image::{imageops, Rgb, RgbImage};
use preflight_camera::FrameAnalyzer;

fn bench(c: &mut Criterion) {
    let path = std::path::Path::new(
        &*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../fixtures/photos/astronaut.png");
    let photo = imageops::resize(
        &image::open(path).unwrap().to_rgb8(),
        1280,
        720,
        imageops::FilterType::Triangle,
    );
    let mut next = photo.clone();
    for p in next.pixels_mut() {
        *p = Rgb(p.0.map(|v| v.saturating_add(2)));
    }
    let frames: [RgbImage; 2] = [photo, next];
    let mut analyzer = FrameAnalyzer::new();
    let mut i = 0usize;
    c.bench_function("frame_analysis_1280x720", |b| {
        b.iter(|| {
            i += 1;
            analyzer.analyze(std::hint::black_box(&frames[i % 2]))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
