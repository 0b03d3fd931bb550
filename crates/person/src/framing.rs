//! Framing and light on the face, measured from a [`Face`], the person mask and the picture.
//! Pure: figures only; the rules that turn them into advice (with their sources) live with the
//! other thresholds in the `preflight` crate.

use image::RgbImage;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Face;
#[cfg(doc)]
use crate::PersonMask;

/// How the face sits in the picture and how it is lit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Framing {
    /// The face the figures are about.
    pub face: Face,
    /// Horizontal position of the face's centre, 0 (left edge) – 1 (right edge).
    pub centre_x: f32,
    /// Height of the eyes from the top of the picture, 0–1 (broadcast framing puts them about a
    /// third of the way down).
    pub eye_line: f32,
    /// Face height (eyebrows to chin) as a share of the picture's height.
    pub face_height: f32,
    /// Estimated top of the head, 0–1 from the top (negative: cut off by the frame). The
    /// detector's box starts at the eyebrows; the crown is about a third of a box higher.
    pub head_top: f32,
    /// Part of the face box outside the picture, 0–1.
    pub face_outside: f32,
    /// Mean brightness of the face, 0–255.
    pub face_luma: f32,
    /// Mean brightness of the background (the picture outside the person), 0–255.
    pub background_luma: f32,
    /// Brightness of the darker half of the face over the brighter half, 0–1 (1: even).
    pub side_balance: f32,
    /// Where the nose tip sits between the eye line and the mouth, 0 (at the eyes) – 1 (at the
    /// mouth). Seen from straight on it is about 0.45–0.6; a camera below the face (a laptop on
    /// the desk) raises the nose towards the eyes in the picture, a camera above lowers it.
    pub nose_position: f32,
}

/// How far above the face box the crown of the head is, in face-box heights.
pub const CROWN_ABOVE_BOX: f32 = 0.3;

fn luma(p: [u8; 3]) -> f32 {
    0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32
}

/// Measures the framing of `face` in `picture` (any size; the face is in 0–1 coordinates).
/// `background` (one flag per pixel of `picture`, row by row, as
/// [`PersonMask::background`] gives it) tells the background apart for the brightness
/// comparison; without any background left (the person fills the picture) the background
/// brightness is that of the whole picture.
pub fn measure(face: &Face, background: &[bool], picture: &RgbImage) -> Framing {
    let (w, h) = picture.dimensions();
    let (fw, fh) = (w.max(1) as f32, h.max(1) as f32);
    let x0 = (face.left * fw).floor().clamp(0.0, fw) as u32;
    let x1 = ((face.left + face.width) * fw).ceil().clamp(0.0, fw) as u32;
    let y0 = (face.top * fh).floor().clamp(0.0, fh) as u32;
    let y1 = ((face.top + face.height) * fh).ceil().clamp(0.0, fh) as u32;
    let mid = (x0 + x1) / 2;
    let (mut left, mut nl, mut right, mut nr) = (0.0f64, 0u32, 0.0f64, 0u32);
    for y in y0..y1 {
        for x in x0..x1 {
            let l = luma(picture.get_pixel(x, y).0) as f64;
            if x < mid {
                left += l;
                nl += 1;
            } else {
                right += l;
                nr += 1;
            }
        }
    }
    let face_luma = if nl + nr > 0 {
        ((left + right) / (nl + nr) as f64) as f32
    } else {
        0.0
    };
    let (ml, mr) = (left / nl.max(1) as f64, right / nr.max(1) as f64);
    let side_balance = if nl == 0 || nr == 0 || ml.max(mr) <= 0.0 {
        1.0
    } else {
        (ml.min(mr) / ml.max(mr)) as f32
    };

    // The background: outside the person and outside the head (the face box grown by half).
    let keep = |i: usize| background.get(i).copied().unwrap_or(true);
    let (gx, gy) = (face.width * 0.5, face.height * 0.5);
    let in_head = |x: u32, y: u32| {
        let (px, py) = ((x as f32 + 0.5) / fw, (y as f32 + 0.5) / fh);
        px >= face.left - gx
            && px < face.left + face.width + gx
            && py >= face.top - gy
            && py < face.top + face.height + gy
    };
    let (mut sum, mut n, mut all) = (0.0f64, 0u32, 0.0f64);
    for (i, (x, y, p)) in picture.enumerate_pixels().enumerate() {
        let l = luma(p.0) as f64;
        all += l;
        if keep(i) && !in_head(x, y) {
            sum += l;
            n += 1;
        }
    }
    let background_luma = if n > 0 {
        (sum / n as f64) as f32
    } else {
        (all / (w as f64 * h as f64).max(1.0)) as f32
    };

    let eyes_y = (face.right_eye.y + face.left_eye.y) / 2.0;
    let span = face.mouth.y - eyes_y;
    let nose_position = if span > 1e-4 {
        ((face.nose.y - eyes_y) / span).clamp(-1.0, 2.0)
    } else {
        0.5
    };
    let inside_w = (face.left + face.width).min(1.0) - face.left.max(0.0);
    let inside_h = (face.top + face.height).min(1.0) - face.top.max(0.0);
    let area = (face.width * face.height).max(1e-6);
    let face_outside = (1.0 - inside_w.max(0.0) * inside_h.max(0.0) / area).clamp(0.0, 1.0);

    Framing {
        centre_x: face.left + face.width / 2.0,
        eye_line: eyes_y,
        face_height: face.height,
        head_top: face.top - CROWN_ABOVE_BOX * face.height,
        face_outside,
        face_luma,
        background_luma,
        side_balance,
        nose_position,
        face: face.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Point;
    use image::Rgb;

    fn face(left: f32, top: f32, size: f32) -> Face {
        let p = |x: f32, y: f32| Point {
            x: left + x * size,
            y: top + y * size * 16.0 / 9.0,
        };
        Face {
            score: 0.9,
            left,
            top,
            width: size,
            height: size * 16.0 / 9.0,
            right_eye: p(0.3, 0.3),
            left_eye: p(0.7, 0.3),
            nose: p(0.5, 0.55),
            mouth: p(0.5, 0.78),
        }
    }

    #[test]
    fn light_on_the_face_against_the_background() {
        // A dark face box in front of a bright window, lit from the picture's left.
        let f = face(0.4, 0.3, 0.2);
        let pic = RgbImage::from_fn(320, 180, |x, y| {
            let (fx, fy) = (x as f32 / 320.0, y as f32 / 180.0);
            let inside =
                fx >= f.left && fx < f.left + f.width && fy >= f.top && fy < f.top + f.height;
            if !inside {
                Rgb([230, 230, 230])
            } else if fx < f.left + f.width / 2.0 {
                Rgb([120, 120, 120])
            } else {
                Rgb([40, 40, 40])
            }
        });
        let m = measure(&f, &[], &pic);
        assert!((m.face_luma - 80.0).abs() < 4.0, "{}", m.face_luma);
        assert!(m.background_luma > 220.0);
        assert!(
            (m.side_balance - 1.0 / 3.0).abs() < 0.05,
            "{}",
            m.side_balance
        );
        assert!((m.centre_x - 0.5).abs() < 1e-6);
        assert!((m.nose_position - 0.52).abs() < 0.01, "{}", m.nose_position);
        assert_eq!(m.face_outside, 0.0);
    }

    #[test]
    fn a_face_over_the_top_edge_is_partly_outside() {
        let m = measure(
            &face(0.4, -0.1, 0.2),
            &[],
            &RgbImage::from_pixel(64, 36, Rgb([100, 100, 100])),
        );
        assert!(
            m.face_outside > 0.2 && m.face_outside < 0.35,
            "{}",
            m.face_outside
        );
        assert!(m.head_top < 0.0);
    }
}
