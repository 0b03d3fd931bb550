//! A straightforward reference implementation, for the benchmark's speed comparison only: the
//! same measures computed on the full-resolution frame (no downscaling, no shared work),
//! with imageproc's own Canny.
//! It is what one writes first; [`crate::analyze`] is what runs live.

use image::RgbImage;

use crate::{combine, measures};

/// The busyness score computed on the full frame (no person region left out).
pub fn score_full_resolution(frame: &RgbImage) -> f32 {
    let gray = image::imageops::grayscale(frame);
    let edges = imageproc::edges::canny(&gray, 40.0, 100.0);
    let density = edges.pixels().filter(|p| p.0[0] > 0).count() as f32
        / (gray.width() * gray.height()).max(1) as f32;
    let spread = measures::busy_spread(&edges, |_, _| true);
    combine(density, measures::jpeg_bits_per_pixel(&gray), spread)
}
