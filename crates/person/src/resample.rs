//! Model inputs sampled from a frame of any size: RGB, row by row (NHWC), scaled to `lo..hi`.
//! Shrinking averages the block of source pixels behind each input pixel (no aliasing from a
//! 720p frame); enlarging interpolates bilinearly. Parts of the source rectangle outside the
//! frame are black (`lo`).

use image::RgbImage;

/// A rectangle of the frame, in pixels (may reach outside it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// The whole frame, stretched to `w × h`.
pub(crate) fn input(frame: &RgbImage, w: u32, h: u32, lo: f32, hi: f32) -> Vec<f32> {
    let (fw, fh) = frame.dimensions();
    let all = Rect {
        x: 0.0,
        y: 0.0,
        w: fw as f32,
        h: fh as f32,
    };
    crop(frame, all, w, h, lo, hi)
}

/// The rectangle `r` of the frame, scaled to `w × h`.
pub(crate) fn crop(frame: &RgbImage, r: Rect, w: u32, h: u32, lo: f32, hi: f32) -> Vec<f32> {
    let (fw, fh) = frame.dimensions();
    let mut out = Vec::with_capacity((w * h * 3) as usize);
    if fw == 0 || fh == 0 || w == 0 || h == 0 || !(r.w > 0.0 && r.h > 0.0) {
        out.resize((w * h * 3) as usize, lo);
        return out;
    }
    let k = (hi - lo) / 255.0;
    let raw = frame.as_raw();
    let (sx, sy) = (r.w / w as f32, r.h / h as f32);
    if sx >= 1.0 && sy >= 1.0 {
        for oy in 0..h {
            let ya = r.y + oy as f32 * sy;
            let (y0, y1) = (ya.max(0.0) as i64, ((ya + sy) as i64).min(fh as i64));
            for ox in 0..w {
                let xa = r.x + ox as f32 * sx;
                let (x0, x1) = (xa.max(0.0) as i64, ((xa + sx) as i64).min(fw as i64));
                if x1 <= x0 || y1 <= y0 {
                    out.extend([lo; 3]);
                    continue;
                }
                let mut acc = [0u32; 3];
                for y in y0..y1 {
                    let row = &raw
                        [((y * fw as i64 + x0) * 3) as usize..((y * fw as i64 + x1) * 3) as usize];
                    for px in row.chunks_exact(3) {
                        acc[0] += px[0] as u32;
                        acc[1] += px[1] as u32;
                        acc[2] += px[2] as u32;
                    }
                }
                let n = ((y1 - y0) * (x1 - x0)) as f32;
                out.extend(acc.map(|a| lo + k * a as f32 / n));
            }
        }
    } else {
        for oy in 0..h {
            let fy = r.y + (oy as f32 + 0.5) * sy - 0.5;
            for ox in 0..w {
                let fx = r.x + (ox as f32 + 0.5) * sx - 0.5;
                if fx < -0.5 || fy < -0.5 || fx > fw as f32 - 0.5 || fy > fh as f32 - 0.5 {
                    out.extend([lo; 3]);
                    continue;
                }
                let (cx, cy) = (
                    fx.clamp(0.0, (fw - 1) as f32),
                    fy.clamp(0.0, (fh - 1) as f32),
                );
                let (x0, tx) = (cx.floor() as u32, cx.fract());
                let (y0, ty) = (cy.floor() as u32, cy.fract());
                let (x1, y1) = ((x0 + 1).min(fw - 1), (y0 + 1).min(fh - 1));
                let p = |x: u32, y: u32| frame.get_pixel(x, y).0;
                let (a, b, c, d) = (p(x0, y0), p(x1, y0), p(x0, y1), p(x1, y1));
                for ch in 0..3 {
                    let top = a[ch] as f32 * (1.0 - tx) + b[ch] as f32 * tx;
                    let bottom = c[ch] as f32 * (1.0 - tx) + d[ch] as f32 * tx;
                    out.push(lo + k * (top * (1.0 - ty) + bottom * ty));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn shrinking_averages_blocks_and_scales() {
        let f = RgbImage::from_fn(512, 288, |x, _| {
            if x % 2 == 0 {
                Rgb([0, 0, 0])
            } else {
                Rgb([255, 255, 255])
            }
        });
        let v = input(&f, 256, 144, -1.0, 1.0);
        assert_eq!(v.len(), 256 * 144 * 3);
        assert!(
            v.iter().all(|x| x.abs() < 1e-6),
            "black and white average to grey"
        );
    }

    #[test]
    fn enlarging_interpolates() {
        let f = RgbImage::from_fn(2, 1, |x, _| Rgb([x as u8 * 255, 0, 0]));
        let v = input(&f, 4, 1, 0.0, 1.0);
        let reds: Vec<f32> = v.chunks(3).map(|p| p[0]).collect();
        assert_eq!(reds[0], 0.0);
        assert_eq!(reds[3], 1.0);
        assert!(reds[1] > 0.0 && reds[1] < reds[2]);
        assert_eq!(input(&RgbImage::new(0, 0), 2, 2, -1.0, 1.0), vec![-1.0; 12]);
    }

    #[test]
    fn a_crop_outside_the_frame_is_black() {
        let f = RgbImage::from_pixel(100, 100, Rgb([255, 255, 255]));
        let r = Rect {
            x: -100.0,
            y: 0.0,
            w: 200.0,
            h: 200.0,
        };
        let v = crop(&f, r, 4, 4, -1.0, 1.0);
        // Left half outside: black; right half top: white; bottom half below the frame: black.
        assert_eq!(v[0], -1.0);
        assert!((v[2 * 3] - 1.0).abs() < 1e-6, "row 0, column 2");
        assert_eq!(v[(3 * 4 + 3) * 3], -1.0);
    }
}
