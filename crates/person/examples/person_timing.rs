//! Quick look at what the models see in a picture: `cargo run --release -p preflight-person
//! --example person_timing -- PICTURE [OUT.png]` prints the face, framing and timings, and writes
//! the picture with the mask tinted and the face box drawn, when OUT is given.
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let pic = image::open(&args[1]).expect("picture").to_rgb8();
    let t = Instant::now();
    let m = preflight_person::Models::load().expect("models");
    eprintln!("load {:?}", t.elapsed());
    for _ in 0..3 {
        let t = Instant::now();
        let mask = m.mask(&pic).unwrap();
        let t1 = t.elapsed();
        let person = m.person(&pic).unwrap();
        eprintln!(
            "mask alone {:?}, mask + face {:?}, raw share {:.2}, face {}",
            t1,
            t.elapsed() - t1,
            mask.share(),
            person.face.is_some()
        );
    }
    let p = m.person(&pic).unwrap();
    eprintln!("{:#?}", p.face);
    if let Some(f) = &p.face {
        eprintln!(
            "{:#?}",
            preflight_person::framing::measure(
                f,
                &p.mask
                    .background(pic.width(), pic.height(), preflight_person::frame::MARGIN),
                &pic
            )
        );
    }
    if let Some(out) = args.get(2) {
        let mut o = pic.clone();
        let (w, h) = o.dimensions();
        for (x, y, px) in o.enumerate_pixels_mut() {
            let mx = x * p.mask.width / w;
            let my = y * p.mask.height / h;
            if p.mask.is_person(mx, my) {
                px.0 = [px.0[0] / 3, px.0[1] / 3, px.0[2] / 3 + 170];
            }
        }
        if let Some(f) = &p.face {
            for pt in [f.right_eye, f.left_eye, f.nose, f.mouth] {
                let (cx, cy) = ((pt.x * w as f32) as i64, (pt.y * h as f32) as i64);
                for d in -3..=3i64 {
                    for (x, y) in [(cx + d, cy), (cx, cy + d)] {
                        if x >= 0 && y >= 0 && (x as u32) < w && (y as u32) < h {
                            o.put_pixel(x as u32, y as u32, image::Rgb([0, 255, 0]));
                        }
                    }
                }
            }
        }
        o.save(out).unwrap();
    }
}
