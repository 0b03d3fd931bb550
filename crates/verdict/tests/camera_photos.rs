//! Camera verdicts on real photographs (fixtures/photos, public domain / CC0) fed through the
//! same FrameSource path as a real camera, with known manipulations: blur, darkening,
//! brightening, backlight, a colour cast, frozen and black frames.

use std::path::Path;
use std::time::Duration;

use image::{imageops, Rgb, RgbImage};
use preflight_camera::{sample, FrameSource, ImageSource, SyntheticSource};
use preflight_model::Status;
use preflight_verdict as verdict;

const PHOTOS: [&str; 4] = ["astronaut.png", "coffee.png", "chelsea.png", "camera.png"];

/// A fixture photo at webcam size (1280×720).
fn photo(name: &str) -> RgbImage {
    let path =
        Path::new(&*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("../../fixtures/photos")
            .join(name);
    let img = image::open(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgb8();
    imageops::resize(&img, 1280, 720, imageops::FilterType::Triangle)
}

/// Runs a still picture through the camera path (2 s at 30 fps) and returns the verdict.
fn verdict_for(img: RgbImage) -> preflight_model::CheckResult {
    let mut src = ImageSource::from_image("test picture".into(), img, 30);
    verdict_of(&mut src)
}

fn verdict_of(src: &mut dyn FrameSource) -> preflight_model::CheckResult {
    let s = sample(src, Duration::from_secs(2), 600, |_| {}).unwrap();
    verdict::camera(&s.source, &s.summary)
}

#[test]
fn the_original_photos_pass() {
    for name in PHOTOS {
        let v = verdict_for(photo(name));
        assert_eq!(v.status, Status::Pass, "{name}: {}", v.summary);
        assert!(
            v.details.iter().any(|d| d.key == "still"),
            "a still source is labelled"
        );
    }
}

#[test]
fn blurred_photos_are_blurry() {
    for name in PHOTOS {
        let v = verdict_for(imageops::blur(&photo(name), 8.0));
        assert!(v.summary.contains("blurry"), "{name}: {}", v.summary);
        assert_eq!(v.status, Status::Warn);
    }
}

#[test]
fn darkened_photos_are_too_dark() {
    for name in PHOTOS {
        let v = verdict_for(imageops::brighten(&photo(name), -90));
        assert!(v.summary.contains("too dark"), "{name}: {}", v.summary);
        assert!(
            !v.summary.contains("very "),
            "{name}: no colour verdict on a dark picture: {}",
            v.summary
        );
    }
}

#[test]
fn brightened_photos_are_washed_out() {
    for name in PHOTOS {
        let v = verdict_for(imageops::brighten(&photo(name), 120));
        assert!(v.summary.contains("washed out"), "{name}: {}", v.summary);
    }
}

#[test]
fn a_face_against_a_bright_window_is_backlit() {
    // The astronaut, underexposed in the middle, in front of a blown-out window.
    let person = imageops::brighten(&photo("astronaut.png"), -60);
    let img = RgbImage::from_fn(1280, 720, |x, y| {
        if (400..880).contains(&x) && (120..720).contains(&y) {
            *person.get_pixel(x, y)
        } else {
            Rgb([236, 240, 245])
        }
    });
    let v = verdict_for(img);
    assert!(v.summary.contains("backlit"), "{}", v.summary);
}

#[test]
fn a_blue_white_balance_is_a_colour_cast() {
    let mut img = photo("chelsea.png");
    for p in img.pixels_mut() {
        let [r, g, b] = p.0;
        *p = Rgb([
            (r as f32 * 0.6) as u8,
            (g as f32 * 0.85) as u8,
            (b as f32 * 1.6).min(255.0) as u8,
        ]);
    }
    let v = verdict_for(img);
    assert!(v.summary.contains("very blue"), "{}", v.summary);
}

#[test]
fn a_frozen_live_camera_fails_but_a_moving_one_passes() {
    let base = photo("coffee.png");
    // A live camera whose driver keeps delivering the same frame.
    let frozen_img = base.clone();
    let mut frozen = SyntheticSource::new("stuck cam", 30, move |_| frozen_img.clone());
    let v = verdict_of(&mut frozen);
    assert_eq!(v.status, Status::Fail, "{}", v.summary);
    assert!(v.summary.contains("frozen"));
    // The same scene with sensor noise that changes every frame is live.
    let mut live = SyntheticSource::new("live cam", 30, move |n| {
        let mut seed = n.wrapping_mul(2_654_435_761).wrapping_add(1);
        let mut img = base.clone();
        for p in img.pixels_mut() {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let d = (seed >> 29) as i16 - 4; // −4..=3
            *p = Rgb(p.0.map(|c| (c as i16 + d).clamp(0, 255) as u8));
        }
        img
    });
    let v = verdict_of(&mut live);
    assert_eq!(v.status, Status::Pass, "{}", v.summary);
}

#[test]
fn a_camera_that_stops_mid_check_is_a_clear_failure() {
    struct Unplugged(u32);
    impl FrameSource for Unplugged {
        fn name(&self) -> String {
            "USB cam".into()
        }
        fn next_frame(&mut self) -> Result<preflight_camera::Frame, preflight_camera::CameraError> {
            self.0 += 1;
            if self.0 > 10 {
                return Err(preflight_camera::CameraError::Disconnected(
                    "USB cam".into(),
                ));
            }
            Ok(preflight_camera::Frame {
                image: RgbImage::from_pixel(64, 36, Rgb([120, 120, 120])),
                timestamp: Duration::from_millis(33 * self.0 as u64),
            })
        }
    }
    let err = sample(&mut Unplugged(0), Duration::from_secs(2), 600, |_| {}).unwrap_err();
    let v = verdict::camera_error(&err);
    assert_eq!(v.status, Status::Fail);
    assert!(
        v.summary.contains("stopped working") && v.summary.contains("unplugged"),
        "{}",
        v.summary
    );
}
