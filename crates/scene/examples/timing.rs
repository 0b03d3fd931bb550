//! Rough per-measure timings (development aid): `cargo run --release -p preflight-scene --example timing`.
use image::{Rgb, RgbImage};
use preflight_scene::{downscale, measures, scenery};
use std::time::Instant;

fn main() {
    let frame = RgbImage::from_fn(1280, 720, |x, y| {
        if x < 420 && ((x / 24) + (y / 24)) % 2 == 0 {
            Rgb([230, 220, 200])
        } else {
            let v = (x / 6) as u8;
            Rgb([v, v / 2 + 60, 120])
        }
    });
    let n = 200;
    let t = |name: &str, f: &mut dyn FnMut()| {
        let t0 = Instant::now();
        for _ in 0..n {
            f();
        }
        println!(
            "{name:14} {:7.3} ms",
            t0.elapsed().as_secs_f64() * 1000.0 / n as f64
        );
    };
    let small = downscale(&frame);
    let gray = image::imageops::grayscale(&small);
    use std::hint::black_box as keep;
    t("downscale", &mut || {
        keep(downscale(&frame));
    });
    t("canny", &mut || {
        keep(measures::edge_map(&gray));
    });
    t("jpeg", &mut || {
        keep(measures::jpeg_bits_per_pixel(&gray));
    });
    t("entropy", &mut || {
        keep(measures::subband_entropy(&small, |_, _| true));
    });
    t("proto", &mut || {
        keep(measures::proto_objects(&small, 60, |_, _| true));
    });
    t("colours", &mut || {
        keep(measures::colour_variety(&small, |_, _| true));
    });
    t("scenery", &mut || {
        keep(scenery::scenery(&small, |_, _| true));
    });
    t("analyze", &mut || {
        keep(preflight_scene::analyze(&frame));
    });
}
