//! The two models themselves, run with `tract-onnx` (the `models` feature): a crate that only
//! needs the types and the pure measures above (the verdict rules, the tray) builds without
//! them and links no machine-learning runtime.

use std::sync::OnceLock;

use image::RgbImage;
use tract_onnx::prelude::*;

use crate::{resample, Face, Person, PersonError, PersonMask, Point};
use crate::{FACE_INPUT, FACE_MIN_SCORE, MASK_FAST, MASK_FULL, PERSON_LEVEL};

/// The selfie segmentation model (landscape, 256×144 input), converted to ONNX.
const SELFIE_ONNX: &[u8] = include_bytes!("../models/selfie_segmentation_landscape.onnx");
/// The short-range face detector (BlazeFace), converted to ONNX with a free input size.
const FACE_ONNX: &[u8] = include_bytes!("../models/face_detection_short_range.onnx");

impl From<TractError> for PersonError {
    fn from(e: TractError) -> Self {
        PersonError(format!("{e:#}"))
    }
}

/// Both models, parsed and optimised for their input sizes.
pub struct Models {
    selfie: Arc<TypedRunnableModel>,
    selfie_fast: Arc<TypedRunnableModel>,
    face: Arc<TypedRunnableModel>,
    anchors: Vec<[f32; 2]>,
}

/// Where to look for the face: a square of the frame (in pixels) around the top of the person.
fn head_square(mask: &PersonMask, fw: u32, fh: u32) -> Option<resample::Rect> {
    let (w, h) = (mask.width as usize, mask.height as usize);
    // The largest connected part of the mask is the person.
    let mut label = vec![0u32; w * h];
    let mut best = (0usize, 0u32);
    let mut next = 0u32;
    let mut stack = Vec::new();
    for start in 0..w * h {
        if label[start] != 0 || mask.prob[start] < PERSON_LEVEL {
            continue;
        }
        next += 1;
        label[start] = next;
        stack.push(start);
        let mut size = 0;
        while let Some(i) = stack.pop() {
            size += 1;
            let (x, y) = (i % w, i / w);
            let mut visit = |j: usize| {
                if label[j] == 0 && mask.prob[j] >= PERSON_LEVEL {
                    label[j] = next;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < w {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - w);
            }
            if y + 1 < h {
                visit(i + w);
            }
        }
        if size > best.0 {
            best = (size, next);
        }
    }
    // Too small to be a person at webcam distance (under 1% of the frame).
    if best.0 * 100 < w * h {
        return None;
    }
    let id = best.1;
    let (mut x0, mut x1, mut top) = (w, 0, h);
    for (i, &l) in label.iter().enumerate() {
        if l == id {
            x0 = x0.min(i % w);
            x1 = x1.max(i % w + 1);
            top = top.min(i / w);
        }
    }
    // The square's side: the person's width (shoulders) in frame pixels, within a third of the
    // frame's height and all of it; its centre: the middle of the top rows (the head).
    let (sx, sy) = (fw as f32 / w as f32, fh as f32 / h as f32);
    let side = ((x1 - x0) as f32 * sx).clamp(fh as f32 / 3.0, fh as f32);
    let band = top + ((side / sy) * 0.15).ceil().max(1.0) as usize;
    let (mut sum, mut n) = (0usize, 0usize);
    for y in top..band.min(h) {
        for x in 0..w {
            if label[y * w + x] == id {
                sum += x;
                n += 1;
            }
        }
    }
    let cx = (sum as f32 / n.max(1) as f32 + 0.5) * sx;
    let y = top as f32 * sy - side * 0.1;
    Some(resample::Rect {
        x: cx - side / 2.0,
        y,
        w: side,
        h: side,
    })
}

impl std::fmt::Debug for Models {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Models")
    }
}

fn plan(onnx: &[u8], w: u32, h: u32) -> TractResult<Arc<TypedRunnableModel>> {
    tract_onnx::onnx()
        .model_for_read(&mut &onnx[..])?
        .with_input_fact(0, f32::fact([1, h as usize, w as usize, 3]).into())?
        .into_optimized()?
        .into_runnable()
}

/// The models, loaded on first use and kept for the life of the process.
pub fn shared() -> Result<&'static Models, PersonError> {
    static MODELS: OnceLock<Result<Models, PersonError>> = OnceLock::new();
    MODELS
        .get_or_init(Models::load)
        .as_ref()
        .map_err(Clone::clone)
}

impl Models {
    /// Parses and optimises both embedded models.
    pub fn load() -> Result<Models, PersonError> {
        Ok(Models {
            selfie: plan(SELFIE_ONNX, MASK_FULL.0, MASK_FULL.1)?,
            selfie_fast: plan(SELFIE_ONNX, MASK_FAST.0, MASK_FAST.1)?,
            face: plan(FACE_ONNX, FACE_INPUT, FACE_INPUT)?,
            anchors: anchors(FACE_INPUT, FACE_INPUT),
        })
    }

    /// The person probability of every pixel, at the model's own [`MASK_FULL`] size (anyone who
    /// looks like a person, with no check that there is a face).
    pub fn mask(&self, frame: &RgbImage) -> Result<PersonMask, PersonError> {
        self.mask_at(frame, &self.selfie, MASK_FULL)
    }

    fn mask_at(
        &self,
        frame: &RgbImage,
        plan: &Arc<TypedRunnableModel>,
        (w, h): (u32, u32),
    ) -> Result<PersonMask, PersonError> {
        let input = resample::input(frame, w, h, 0.0, 1.0);
        let t = Tensor::from_shape(&[1, h as usize, w as usize, 3], &input)?;
        let out = plan.run(tvec!(t.into()))?;
        let view = out[0].to_plain_array_view::<f32>()?;
        let prob = view
            .iter()
            .map(|&p| (p.clamp(0.0, 1.0) * 255.0).round() as u8)
            .collect::<Vec<_>>();
        if prob.len() != (w * h) as usize {
            return Err(PersonError(format!(
                "the person mask has {} values, not {}",
                prob.len(),
                w * h
            )));
        }
        Ok(PersonMask {
            width: w,
            height: h,
            prob,
        })
    }

    /// The most confident face at or above [`FACE_MIN_SCORE`] in a square of the frame.
    fn face_in(
        &self,
        frame: &RgbImage,
        square: resample::Rect,
    ) -> Result<Option<Face>, PersonError> {
        let n = FACE_INPUT as usize;
        let input = resample::crop(frame, square, FACE_INPUT, FACE_INPUT, -1.0, 1.0);
        let t = Tensor::from_shape(&[1, n, n, 3], &input)?;
        let out = self.face.run(tvec!(t.into()))?;
        let (mut boxes, mut scores) = (None, None);
        for o in &out {
            let v = o.to_plain_array_view::<f32>()?;
            match v.shape().last() {
                Some(16) => boxes = Some(v.iter().copied().collect::<Vec<f32>>()),
                Some(1) => scores = Some(v.iter().copied().collect::<Vec<f32>>()),
                _ => {}
            }
        }
        let (Some(boxes), Some(scores)) = (boxes, scores) else {
            return Err(PersonError("the face detector gave no boxes".into()));
        };
        if scores.len() != self.anchors.len() || boxes.len() != 16 * self.anchors.len() {
            return Err(PersonError(format!(
                "the face detector gave {} scores for {} anchors",
                scores.len(),
                self.anchors.len()
            )));
        }
        let Some(f) = decode(&boxes, &scores, &self.anchors, n as f32, n as f32) else {
            return Ok(None);
        };
        // From the square's 0–1 to the frame's 0–1.
        let (fw, fh) = (frame.width().max(1) as f32, frame.height().max(1) as f32);
        let px = |x: f32| (square.x + x * square.w) / fw;
        let py = |y: f32| (square.y + y * square.h) / fh;
        let pt = |p: Point| Point {
            x: px(p.x),
            y: py(p.y),
        };
        Ok(Some(Face {
            score: f.score,
            left: px(f.left),
            top: py(f.top),
            width: f.width * square.w / fw,
            height: f.height * square.h / fh,
            right_eye: pt(f.right_eye),
            left_eye: pt(f.left_eye),
            nose: pt(f.nose),
            mouth: pt(f.mouth),
        }))
    }

    /// The person's face, if one is found (looked for around the top of the person mask).
    pub fn face(&self, frame: &RgbImage) -> Result<Option<Face>, PersonError> {
        Ok(self.person(frame)?.face)
    }

    /// The face and the mask of the person it belongs to. Without a face the mask is empty.
    /// The reduced-size mask is tried first; when it leads to no face, the full-size one.
    pub fn person(&self, frame: &RgbImage) -> Result<Person, PersonError> {
        for (plan, size) in [(&self.selfie_fast, MASK_FAST), (&self.selfie, MASK_FULL)] {
            let mut mask = self.mask_at(frame, plan, size)?;
            let face = match head_square(&mask, frame.width(), frame.height()) {
                Some(square) => self.face_in(frame, square)?,
                None => None,
            };
            if let Some(f) = &face {
                keep_connected_to(&mut mask, f);
                return Ok(Person { mask, face });
            }
        }
        Ok(Person {
            mask: PersonMask::empty(MASK_FULL.0, MASK_FULL.1),
            face: None,
        })
    }
}

/// Keeps the parts of the mask that touch the face (the person's head and body); other blobs (a
/// poster, a coat on a chair) are cleared. The face box itself always counts as person.
fn keep_connected_to(mask: &mut PersonMask, face: &Face) {
    let (w, h) = (mask.width as i64, mask.height as i64);
    let fx0 = ((face.left * w as f32).floor() as i64).clamp(0, w - 1);
    let fx1 = (((face.left + face.width) * w as f32).ceil() as i64).clamp(0, w - 1);
    let fy0 = ((face.top * h as f32).floor() as i64).clamp(0, h - 1);
    let fy1 = (((face.top + face.height) * h as f32).ceil() as i64).clamp(0, h - 1);
    let mut seen = vec![false; (w * h) as usize];
    let mut stack = Vec::new();
    for y in fy0..=fy1 {
        for x in fx0..=fx1 {
            let i = (y * w + x) as usize;
            mask.prob[i] = mask.prob[i].max(PERSON_LEVEL);
            seen[i] = true;
            stack.push((x, y));
        }
    }
    while let Some((x, y)) = stack.pop() {
        for (dx, dy) in [(-1i64, 0i64), (1, 0), (0, -1), (0, 1)] {
            let (nx, ny) = (x + dx, y + dy);
            if nx < 0 || ny < 0 || nx >= w || ny >= h {
                continue;
            }
            let i = (ny * w + nx) as usize;
            if !seen[i] && mask.prob[i] >= PERSON_LEVEL {
                seen[i] = true;
                stack.push((nx, ny));
            }
        }
    }
    for (p, s) in mask.prob.iter_mut().zip(&seen) {
        if !s {
            *p = (*p).min(PERSON_LEVEL - 1);
        }
    }
}

/// BlazeFace short-range anchors for an input of `w × h`: a stride-8 grid with 2 anchors per
/// cell, then a stride-16 grid with 6 (MediaPipe's SsdAnchorsCalculator options for this model:
/// strides 8, 16, 16, 16, fixed anchor size, offsets 0.5). Centres in 0–1.
fn anchors(w: u32, h: u32) -> Vec<[f32; 2]> {
    let mut out = Vec::new();
    for (stride, per_cell) in [(8u32, 2usize), (16, 6)] {
        let (gw, gh) = (w.div_ceil(stride), h.div_ceil(stride));
        for y in 0..gh {
            for x in 0..gw {
                for _ in 0..per_cell {
                    out.push([(x as f32 + 0.5) / gw as f32, (y as f32 + 0.5) / gh as f32]);
                }
            }
        }
    }
    out
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x.clamp(-100.0, 100.0)).exp())
}

/// Decodes the detector's raw output into the best face: scores through a sigmoid, boxes and
/// landmarks relative to their anchors, then MediaPipe's weighted non-maximum suppression (the
/// best box averaged with the boxes that overlap it by IoU ≥ 0.3, weighted by score).
fn decode(boxes: &[f32], scores: &[f32], anchors: &[[f32; 2]], w: f32, h: f32) -> Option<Face> {
    let raw: Vec<(f32, [f32; 16])> = scores
        .iter()
        .enumerate()
        .filter_map(|(i, &s)| {
            let s = sigmoid(s);
            if s < FACE_MIN_SCORE || !s.is_finite() {
                return None;
            }
            let b = &boxes[i * 16..i * 16 + 16];
            let [ax, ay] = anchors[i];
            let mut d = [0f32; 16];
            let (cx, cy) = (b[0] / w + ax, b[1] / h + ay);
            let (bw, bh) = (b[2] / w, b[3] / h);
            d[0] = cx - bw / 2.0;
            d[1] = cy - bh / 2.0;
            d[2] = bw;
            d[3] = bh;
            for k in 0..6 {
                d[4 + 2 * k] = b[4 + 2 * k] / w + ax;
                d[5 + 2 * k] = b[5 + 2 * k] / h + ay;
            }
            d.iter().all(|v| v.is_finite()).then_some((s, d))
        })
        .collect();
    let best = raw.iter().max_by(|a, b| a.0.total_cmp(&b.0))?;
    let iou = |a: &[f32; 16], b: &[f32; 16]| {
        let ix = (a[0] + a[2]).min(b[0] + b[2]) - a[0].max(b[0]);
        let iy = (a[1] + a[3]).min(b[1] + b[3]) - a[1].max(b[1]);
        let inter = ix.max(0.0) * iy.max(0.0);
        let union = a[2] * a[3] + b[2] * b[3] - inter;
        if union > 0.0 {
            inter / union
        } else {
            0.0
        }
    };
    let mut sum = [0f32; 16];
    let mut total = 0.0;
    for (s, d) in raw.iter().filter(|(_, d)| iou(d, &best.1) >= 0.3) {
        for (acc, v) in sum.iter_mut().zip(d) {
            *acc += s * v;
        }
        total += s;
    }
    let d = sum.map(|v| v / total);
    let p = |k: usize| Point {
        x: d[4 + 2 * k],
        y: d[5 + 2 * k],
    };
    Some(Face {
        score: best.0,
        left: d[0],
        top: d[1],
        width: d[2],
        height: d[3],
        right_eye: p(0),
        left_eye: p(1),
        nose: p(2),
        mouth: p(3),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame;

    #[test]
    fn a_model_that_cannot_load_is_an_error_not_a_panic() {
        let e = plan(b"this is not an ONNX model", 96, 96)
            .map(|_| ())
            .map_err(PersonError::from)
            .unwrap_err();
        assert!(e
            .to_string()
            .starts_with("the person detector could not run"));
        // The whole-frame analysis then scores the whole picture and says why.
        let frame = RgbImage::from_pixel(64, 36, image::Rgb([120, 120, 120]));
        let a = frame::analyze(Err(e.clone()), &frame);
        assert_eq!(a.detector_error.as_deref(), Some(e.to_string().as_str()));
        assert!(a.framing.is_none());
        assert_eq!(a.scene.person_share, 0.0);
    }

    #[test]
    fn anchors_match_the_model_for_128() {
        // The model as published: 16×16×2 + 8×8×6 = 896 anchors.
        let a = anchors(128, 128);
        assert_eq!(a.len(), 896);
        assert_eq!(a[0], [0.5 / 16.0, 0.5 / 16.0]);
        assert_eq!(a[512], [0.5 / 8.0, 0.5 / 8.0]);
        assert_eq!(anchors(96, 96).len(), 12 * 12 * 2 + 6 * 6 * 6);
    }

    #[test]
    fn decode_keeps_the_best_face_and_averages_its_neighbours() {
        let anchors = anchors(128, 128);
        let mut boxes = vec![0f32; 16 * anchors.len()];
        let mut scores = vec![-10f32; anchors.len()];
        // Two overlapping detections on anchor 100 and 101 (same cell), one weak elsewhere.
        for (i, s, dx) in [(100usize, 3.0f32, 0.0f32), (101, 2.0, 4.0), (600, 0.5, 0.0)] {
            scores[i] = s;
            let b = &mut boxes[i * 16..i * 16 + 16];
            b[0] = dx;
            b[2] = 40.0;
            b[3] = 40.0;
        }
        let f = decode(&boxes, &scores, &anchors, 128.0, 128.0).expect("a face");
        assert!((f.score - sigmoid(3.0)).abs() < 1e-6);
        assert!((f.width - 40.0 / 128.0).abs() < 1e-5);
        // The centre moved towards the second box, weighted by score.
        let cx = f.left + f.width / 2.0;
        let w0 = sigmoid(3.0);
        let w1 = sigmoid(2.0);
        let expect = anchors[100][0] + (w1 * 4.0 / 128.0) / (w0 + w1);
        assert!((cx - expect).abs() < 1e-5, "{cx} vs {expect}");
        // Nothing above the threshold: no face.
        assert!(decode(&boxes, &vec![-5.0; anchors.len()], &anchors, 128.0, 128.0).is_none());
    }

    #[test]
    fn background_grows_the_person_by_the_margin() {
        let mut m = PersonMask::empty(10, 10);
        m.prob[5 * 10 + 5] = 255;
        let bg = m.background(10, 10, 0.2);
        let person: Vec<usize> = (0..100).filter(|&i| !bg[i]).collect();
        assert_eq!(person.len(), 25);
        assert!(!bg[3 * 10 + 3] && !bg[7 * 10 + 7] && bg[2 * 10 + 5] && bg[5 * 10 + 8]);
    }

    #[test]
    fn blobs_away_from_the_face_are_cleared() {
        let mut m = PersonMask::empty(20, 10);
        for y in 2..10 {
            for x in 2..6 {
                m.prob[y * 20 + x] = 200; // the person under the face
            }
            m.prob[y * 20 + 15] = 200; // a separate blob
        }
        let face = Face {
            score: 0.9,
            left: 0.1,
            top: 0.2,
            width: 0.2,
            height: 0.2,
            right_eye: Point { x: 0.0, y: 0.0 },
            left_eye: Point { x: 0.0, y: 0.0 },
            nose: Point { x: 0.0, y: 0.0 },
            mouth: Point { x: 0.0, y: 0.0 },
        };
        keep_connected_to(&mut m, &face);
        assert!(m.is_person(3, 9));
        assert!(!m.is_person(15, 5));
    }
}
