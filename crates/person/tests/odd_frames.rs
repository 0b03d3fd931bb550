//! Frames of any size and content go through the whole-frame analysis without a panic: tiny,
//! very wide or tall, black, white, noise, and a face-sized bright blob at the very edge.

use image::{Rgb, RgbImage};

#[test]
fn odd_frames_never_panic() {
    let models = preflight_person::shared().expect("models load");
    let mut seed = 11u32;
    let mut noise = |_: u32, _: u32| {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        Rgb([(seed >> 24) as u8, (seed >> 16) as u8, (seed >> 8) as u8])
    };
    let sizes = [
        (1, 1),
        (2, 1),
        (1, 2),
        (5, 3),
        (15, 9),
        (16, 9),
        (97, 55),
        (321, 181),
        (4000, 8),
        (8, 4000),
        (1920, 1080),
    ];
    for (w, h) in sizes {
        let pictures = [
            RgbImage::new(w, h),
            RgbImage::from_pixel(w, h, Rgb([255, 255, 255])),
            RgbImage::from_fn(w, h, &mut noise),
            RgbImage::from_fn(w, h, |x, y| {
                if x < w / 6 && y < h / 4 {
                    Rgb([230, 190, 160])
                } else {
                    Rgb([20, 20, 30])
                }
            }),
        ];
        for p in &pictures {
            let a = preflight_person::frame::analyze(Ok(models), p);
            assert!(
                a.detector_error.is_none(),
                "{w}×{h}: {:?}",
                a.detector_error
            );
            assert!((0.0..=100.0).contains(&a.scene.score), "{w}×{h}");
            if let Some(f) = &a.framing {
                for v in [
                    f.centre_x,
                    f.eye_line,
                    f.face_height,
                    f.face_luma,
                    f.side_balance,
                ] {
                    assert!(v.is_finite(), "{w}×{h}: {f:?}");
                }
            }
        }
    }
}
