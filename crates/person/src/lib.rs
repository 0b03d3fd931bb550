//! Where the person is in a webcam frame, and where their face is: MediaPipe's selfie
//! segmentation (the person mask) and short-range face detector (BlazeFace, with six landmarks),
//! both Apache-2.0, converted once to ONNX (`models/convert.py`, provenance in
//! `models/PROVENANCE.md`) and run in pure Rust with `tract-onnx`. The model files are embedded
//! in the binary: nothing is downloaded at build or run time, and no frame leaves memory.
//!
//! - [`Models::load`] parses and optimises both models once (about 0.2 s); keep the
//!   result ([`shared`] does, process-wide). A model that fails to load is a [`PersonError`], never
//!   a panic.
//! - [`Models::mask`] gives a [`PersonMask`]: the probability that each pixel is a person, at the
//!   model's 256×144.
//! - [`Models::face`] gives the most confident [`Face`], if any, with its box and landmarks in
//!   frame coordinates (0–1).
//! - [`Models::person`] runs both and keeps only the part of the mask that belongs to the person
//!   whose face was found: without a face, the mask is empty (the segmentation model alone marks
//!   half of an empty room as "person").
//! - [`framing`] turns a face, a mask and the frame's light into plain measures (pure).
//! - [`frame::analyze`] is the camera check's whole-frame analysis: mask, face, the busyness of
//!   the background with the person left out (`preflight-scene`), and the framing.
//!
//! Frames of any size are accepted; pass the small work picture (about 320 px wide, see
//! `preflight_scene::downscale`) when you have one: sampling the model inputs from it is cheaper
//! than from a 720p frame and loses nothing at the models' resolution.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[cfg(feature = "models")]
pub mod calibration;
pub mod frame;
pub mod framing;
#[cfg(feature = "models")]
mod models;
#[cfg(feature = "models")]
mod resample;

#[cfg(feature = "models")]
pub use models::{shared, Models};

/// The mask at the model's own input size (256×144, what it was trained for): reliable on every
/// picture we tried, about 11 ms here.
pub const MASK_FULL: (u32, u32) = (256, 144);
/// The mask at a reduced size, tried first: about 6.5 ms, and on people in rooms (our composites)
/// as good as the full size; on harder pictures (a photo pasted into a frame, strong patterns)
/// it sometimes finds nobody, and then [`Models::person`] runs the full size. Below 112 rows the
/// model often finds nobody at all (measured: mean IoU against the full size 0.54 at 160×96,
/// 0.84 at 192×112). Sides must be multiples of 16 (the model halves them four times).
pub const MASK_FAST: (u32, u32) = (192, 112);
/// Side of the face detector's square input. The face is looked for in a square around the top
/// of the person mask (the head), not in the whole frame: the short-range model was trained on
/// selfies where the face fills much of a 128×128 picture, and a whole 16:9 frame squeezed that
/// small leaves a face of about 14 pixels, which it misses. A crop around the head at 96×96 is
/// both more reliable and cheaper (about 3.5 ms).
pub const FACE_INPUT: u32 = 96;
/// A face counts at this score (MediaPipe uses 0.5; on wide inputs 0.5 accepted a face on a
/// patterned shirt).
pub const FACE_MIN_SCORE: f32 = 0.75;
/// Mask probability from which a pixel is person (0–255 scale).
pub const PERSON_LEVEL: u8 = 128;

/// Why the person models could not be used. The check goes on without them (the background is
/// then scored as a whole) and says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonError(pub String);

impl std::fmt::Display for PersonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the person detector could not run: {}", self.0)
    }
}

impl std::error::Error for PersonError {}

/// The probability that each pixel shows a person, 0–255, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonMask {
    /// Columns.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// `width × height` probabilities, 0 (background) – 255 (person).
    pub prob: Vec<u8>,
}

impl PersonMask {
    /// A mask with nobody in it.
    pub fn empty(width: u32, height: u32) -> Self {
        PersonMask {
            width,
            height,
            prob: vec![0; (width * height) as usize],
        }
    }

    /// Whether the pixel at (x, y) is person.
    pub fn is_person(&self, x: u32, y: u32) -> bool {
        self.prob[(y * self.width + x) as usize] >= PERSON_LEVEL
    }

    /// Share of the frame that is person, 0–1.
    pub fn share(&self) -> f32 {
        if self.prob.is_empty() {
            return 0.0;
        }
        self.prob.iter().filter(|&&p| p >= PERSON_LEVEL).count() as f32 / self.prob.len() as f32
    }

    /// Which pixels of a `width × height` picture are background: not person, and not within
    /// `margin` (a share of the picture's width) of the person — hair and shoulder edges the mask
    /// misses, and the halo a camera's processing leaves around a person. Row by row.
    pub fn background(&self, width: u32, height: u32, margin: f32) -> Vec<bool> {
        let mut person = vec![false; (width * height) as usize];
        for y in 0..height {
            let my = ((y as u64 * self.height as u64) / height.max(1) as u64) as u32;
            for x in 0..width {
                let mx = ((x as u64 * self.width as u64) / width.max(1) as u64) as u32;
                person[(y * width + x) as usize] =
                    self.is_person(mx.min(self.width - 1), my.min(self.height - 1));
            }
        }
        let r = (margin * width as f32).round().max(0.0) as usize;
        let grown = dilate(&person, width as usize, height as usize, r);
        grown.into_iter().map(|p| !p).collect()
    }
}

/// Grows the `true` pixels by `r` in every direction (a square: rows, then columns).
fn dilate(on: &[bool], w: usize, h: usize, r: usize) -> Vec<bool> {
    if r == 0 || w == 0 || h == 0 {
        return on.to_vec();
    }
    // Distance to the nearest `true` along rows, then along columns, through running counts.
    let mut rows = vec![false; w * h];
    for y in 0..h {
        let line = &on[y * w..(y + 1) * w];
        let mut prefix = vec![0u32; w + 1];
        for x in 0..w {
            prefix[x + 1] = prefix[x] + line[x] as u32;
        }
        for x in 0..w {
            let (a, b) = (x.saturating_sub(r), (x + r + 1).min(w));
            rows[y * w + x] = prefix[b] > prefix[a];
        }
    }
    let mut out = vec![false; w * h];
    for x in 0..w {
        let mut prefix = vec![0u32; h + 1];
        for y in 0..h {
            prefix[y + 1] = prefix[y] + rows[y * w + x] as u32;
        }
        for y in 0..h {
            let (a, b) = (y.saturating_sub(r), (y + r + 1).min(h));
            out[y * w + x] = prefix[b] > prefix[a];
        }
    }
    out
}

/// A point in frame coordinates: 0–1 from the left and from the top.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Point {
    /// From the left, 0–1.
    pub x: f32,
    /// From the top, 0–1.
    pub y: f32,
}

/// A face, in frame coordinates (0–1; a face cut by the edge may reach outside).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Face {
    /// Detector confidence, 0–1.
    pub score: f32,
    /// Left edge of the face box.
    pub left: f32,
    /// Top edge of the face box (about the eyebrows).
    pub top: f32,
    /// Width of the face box.
    pub width: f32,
    /// Height of the face box (eyebrows to chin).
    pub height: f32,
    /// The eye on the left of the picture (the person's right eye).
    pub right_eye: Point,
    /// The eye on the right of the picture.
    pub left_eye: Point,
    /// Tip of the nose.
    pub nose: Point,
    /// Centre of the mouth.
    pub mouth: Point,
}

/// What the models found in one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// The person whose face was found (empty without a face).
    pub mask: PersonMask,
    /// The most confident face.
    pub face: Option<Face>,
}
