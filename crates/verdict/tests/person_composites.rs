//! People from real photographs composited onto calm and busy backgrounds at known positions
//! and sizes: the busyness follows the background and not the person, the person mask agrees
//! with where the person was put, and each framing rule fires where it should and not elsewhere.
//!
//! The people: the astronaut portrait (scikit-image, public domain) and Grace Hopper
//! (matplotlib's sample data, public domain); the backgrounds: labelled photos from
//! `fixtures/photos` (licences in LICENSES.md). The person is cut out of their photo with the
//! person mask of the photo itself, then placed on a 1280×720 background.

use std::path::PathBuf;

use image::{imageops, Rgb, RgbImage};
use preflight_model::Status;
use preflight_person::frame::analyze;
use preflight_person::Models;
use preflight_verdict as verdict;

fn photo(name: &str) -> RgbImage {
    let p = PathBuf::from(
        &*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
    .join("../../fixtures/photos")
    .join(name);
    image::open(&p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .to_rgb8()
}

fn models() -> &'static Models {
    preflight_person::shared().expect("the embedded models load")
}

/// A person cut out of a photo: the photo and its alpha (true = person), full size.
struct Cutout {
    img: RgbImage,
    alpha: Vec<bool>,
}

fn cutout(name: &str) -> Cutout {
    let img = photo(name);
    let p = models().person(&img).expect("models run");
    assert!(p.face.is_some(), "{name}: the person photo has a face");
    let (w, h) = img.dimensions();
    let alpha = (0..h)
        .flat_map(|y| {
            let m = &p.mask;
            (0..w).map(move |x| m.is_person(x * m.width / w, y * m.height / h))
        })
        .collect();
    Cutout { img, alpha }
}

/// Where the person goes: their photo scaled to `scale` × the frame's height, its top at `top`
/// and its centre at `centre_x` (shares of the frame).
#[derive(Clone, Copy)]
struct Place {
    scale: f32,
    top: f32,
    centre_x: f32,
}

const W: u32 = 1280;
const H: u32 = 720;

/// The composite and the known person region (true = person), row by row.
fn composite(
    bg: &RgbImage,
    c: &Cutout,
    at: Place,
    shade: impl Fn(u32, u32, Rgb<u8>) -> Rgb<u8>,
) -> (RgbImage, Vec<bool>) {
    let mut frame = imageops::resize(bg, W, H, imageops::FilterType::Triangle);
    let (pw, ph) = c.img.dimensions();
    let th = (at.scale * H as f32).round() as u32;
    let tw = (pw as f32 * th as f32 / ph as f32).round() as u32;
    let person = imageops::resize(&c.img, tw, th, imageops::FilterType::Triangle);
    let x0 = (at.centre_x * W as f32 - tw as f32 / 2.0).round() as i64;
    let y0 = (at.top * H as f32).round() as i64;
    let mut truth = vec![false; (W * H) as usize];
    for y in 0..th {
        for x in 0..tw {
            let (fx, fy) = (x0 + x as i64, y0 + y as i64);
            if fx < 0 || fy < 0 || fx >= W as i64 || fy >= H as i64 {
                continue;
            }
            let (sx, sy) = (x * pw / tw, y * ph / th);
            if c.alpha[(sy * pw + sx) as usize] {
                frame.put_pixel(fx as u32, fy as u32, shade(x, tw, *person.get_pixel(x, y)));
                truth[(fy as u32 * W + fx as u32) as usize] = true;
            }
        }
    }
    (frame, truth)
}

fn same(_: u32, _: u32, p: Rgb<u8>) -> Rgb<u8> {
    p
}

fn mask_iou(frame: &RgbImage, truth: &[bool]) -> f32 {
    let small = preflight_scene::downscale(frame);
    let p = models().person(&small).unwrap();
    let (mut inter, mut union) = (0u32, 0u32);
    for y in 0..H {
        for x in 0..W {
            let m = p
                .mask
                .is_person(x * p.mask.width / W, y * p.mask.height / H);
            let t = truth[(y * W + x) as usize];
            inter += (m && t) as u32;
            union += (m || t) as u32;
        }
    }
    inter as f32 / union.max(1) as f32
}

const CENTRED: Place = Place {
    scale: 0.95,
    top: 0.05,
    centre_x: 0.5,
};

#[test]
fn busyness_follows_the_background_not_the_person() {
    let people = [cutout("astronaut.png"), cutout("grace_hopper.jpg")];
    let backgrounds = [
        "gnome-vnc.jpg",
        "mate-wood.jpg",
        "kde-altai.jpg",
        "gnome-grid.jpg",
        "sk-grass.jpg",
        "kde-onestandsout.jpg",
    ];
    let places = [
        CENTRED,
        Place {
            scale: 0.8,
            top: 0.25,
            centre_x: 0.3,
        },
    ];
    let mut worst: f32 = 0.0;
    for name in backgrounds {
        let bg = photo(name);
        let alone =
            preflight_scene::analyze(&imageops::resize(&bg, W, H, imageops::FilterType::Triangle))
                .score;
        for (pi, person) in people.iter().enumerate() {
            for at in places {
                let (frame, truth) = composite(&bg, person, at, same);
                let a = analyze(Ok(models()), &frame);
                let whole = preflight_scene::analyze(&frame).score;
                let overlap = mask_iou(&frame, &truth);
                eprintln!(
                    "{name:22} person {pi} at x {:.1}: alone {alone:5.1}, with person {:5.1} (person left out {:.0}%), unmasked {whole:5.1}, mask IoU {overlap:.2}",
                    at.centre_x,
                    a.scene.score,
                    a.scene.person_share * 100.0
                );
                assert!(a.framing.is_some(), "{name}: the face is found");
                assert!(overlap > 0.7, "{name}: mask IoU {overlap:.2}");
                worst = worst.max((a.scene.score - alone).abs());
                assert!(
                    (a.scene.score - alone).abs() <= 8.0,
                    "{name}, person {pi}: {:.1} with the person, {alone:.1} alone",
                    a.scene.score
                );
            }
        }
    }
    eprintln!("largest difference: {worst:.1} points");
}

fn framing_of(frame: &RgbImage) -> preflight_model::CheckResult {
    verdict::framing(&analyze(Ok(models()), frame))
}

fn issues(c: &preflight_model::CheckResult) -> Vec<String> {
    c.details
        .iter()
        .find(|d| d.key == "issues")
        .map(|d| {
            d.text
                .split(", ")
                .filter(|s| *s != "none")
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn framing_rules_fire_where_they_should() {
    let astronaut = cutout("astronaut.png");
    let wall = RgbImage::from_pixel(64, 36, Rgb([150, 146, 140]));
    let bright = RgbImage::from_pixel(64, 36, Rgb([245, 245, 245]));
    let case = |bg: &RgbImage, at: Place, shade: &dyn Fn(u32, u32, Rgb<u8>) -> Rgb<u8>| {
        let (frame, _) = composite(bg, &astronaut, at, shade);
        let c = framing_of(&frame);
        eprintln!("{:?}: {} | {:?}", issues(&c), c.summary, c.details);
        c
    };
    // Well framed: no advice.
    let good = case(&wall, CENTRED, &same);
    assert_eq!(good.status, Status::Pass, "{}", good.summary);
    assert!(issues(&good).is_empty());

    let expect = |c: &preflight_model::CheckResult, key: &str| {
        assert_eq!(c.status, Status::Warn, "{}", c.summary);
        assert!(
            issues(c).iter().any(|i| i == key),
            "{key} in {:?}",
            issues(c)
        );
    };
    // Off to the left.
    let left = case(
        &wall,
        Place {
            centre_x: 0.18,
            ..CENTRED
        },
        &same,
    );
    expect(&left, "off_centre");
    assert!(left.summary.contains("left"));
    // Far away.
    expect(
        &case(
            &wall,
            Place {
                scale: 0.45,
                top: 0.55,
                centre_x: 0.5,
            },
            &same,
        ),
        "too_far",
    );
    // Very close.
    expect(
        &case(
            &wall,
            Place {
                scale: 2.6,
                top: -0.2,
                centre_x: 0.55,
            },
            &same,
        ),
        "too_close",
    );
    // Head cut off by the top edge.
    expect(
        &case(
            &wall,
            Place {
                scale: 1.0,
                top: -0.12,
                centre_x: 0.5,
            },
            &same,
        ),
        "cut_off",
    );
    // Low in the picture, lots of space above.
    expect(
        &case(
            &wall,
            Place {
                scale: 0.8,
                top: 0.45,
                centre_x: 0.5,
            },
            &same,
        ),
        "eyes_low",
    );
    // A window behind: the person dark against a bright background.
    let dark = |_: u32, _: u32, p: Rgb<u8>| Rgb(p.0.map(|v| (v as f32 * 0.4) as u8));
    expect(&case(&bright, CENTRED, &dark), "backlit");
    // Side light: the left half of the person much darker.
    let side = |x: u32, w: u32, p: Rgb<u8>| {
        if x < w * 44 / 100 {
            Rgb(p.0.map(|v| (v as f32 * 0.35) as u8))
        } else {
            p
        }
    };
    expect(&case(&wall, CENTRED, &side), "uneven");
    // Nobody there.
    let empty = framing_of(&imageops::resize(
        &photo("mate-wood.jpg"),
        W,
        H,
        imageops::FilterType::Triangle,
    ));
    assert_eq!(empty.status, Status::Warn);
    assert!(
        empty.summary.contains("can't see your face"),
        "{}",
        empty.summary
    );
}
