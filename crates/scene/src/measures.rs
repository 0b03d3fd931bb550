//! The individual clutter measures, each on the small, denoised work image. Pure functions.
//!
//! - [`edge_map`]: Canny edges (Mack & Oliva 2004, edge density).
//! - [`jpeg_bits_per_pixel`]: size of the picture compressed as JPEG (Forsythe et al.; Rosenholtz
//!   et al. 2007 compare it with their measures): busy pictures compress worse.
//! - [`subband_entropy`]: Rosenholtz et al. 2007's Subband Entropy, fast form: the Shannon
//!   entropy of Haar wavelet detail coefficients (3 scales × 3 orientations) of luminance and
//!   two opponent-colour channels, weighted 0.84 / 0.08 / 0.08 as in their code.
//! - [`proto_objects`]: a fast stand-in for Yu et al. 2014's proto-object count — regions of one
//!   quantised colour, connected, above a minimum size, on a coarse grid.
//! - [`colour_variety`]: how many distinct colours (8×8×8 bins) hold a noticeable share of the
//!   background.
//! - [`busy_spread`]: how much of the background has detail in it — the share of small cells
//!   (16×9 over the picture) whose background is crossed by edges; a wall with a dozen things
//!   hung about it is busy even though most of it is plain, a single detailed tree less so.

use image::codecs::jpeg::JpegEncoder;
use image::{GrayImage, ImageBuffer, Luma, RgbImage};
use imageproc::region_labelling::{connected_components, Connectivity};

/// Canny hysteresis thresholds on the Sobel magnitude of a 0–255 picture (imageproc's scale).
const CANNY_LOW: i32 = 40;
const CANNY_HIGH: i32 = 100;

/// Canny edge map of `gray` (255 = edge): Gaussian smoothing (σ ≈ 1.4, as a separable binomial),
/// Sobel gradients, non-maximum suppression along the gradient direction, and 8-connected
/// hysteresis between the two thresholds. Written here in integer arithmetic because
/// `imageproc::edges::canny` (the same steps in f32) takes about 4.6 ms on a 320×180 picture, half
/// of the live frame budget; this one takes about 1 ms, and on the fixture photos its edge density
/// stays within a quarter of imageproc's (`tests/photos.rs` checks it).
/// [`reference`](crate::reference) keeps imageproc's for comparison.
pub fn edge_map(gray: &GrayImage) -> GrayImage {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let mut out = GrayImage::new(w as u32, h as u32);
    if w < 13 || h < 13 {
        return out;
    }
    let src = gray.as_raw();
    // Separable 9-tap binomial smoothing [1 8 28 56 70 56 28 8 1] / 256 per pass: σ = √2 ≈ 1.41,
    // the σ = 1.4 Gaussian of textbook Canny (and of imageproc's). Rows first, then columns,
    // rounded back to grey levels as imageproc's blur does.
    const TAPS: [i32; 9] = [1, 8, 28, 56, 70, 56, 28, 8, 1];
    const R: usize = 4;
    let mut rows = vec![0i32; w * h];
    for y in 0..h {
        let line = &src[y * w..(y + 1) * w];
        for x in R..w - R {
            rows[y * w + x] = TAPS
                .iter()
                .zip(&line[x - R..=x + R])
                .map(|(t, v)| t * *v as i32)
                .sum();
        }
    }
    let mut sm = vec![0i32; w * h];
    for y in R..h - R {
        for x in R..w - R {
            let v: i32 = TAPS
                .iter()
                .enumerate()
                .map(|(k, t)| t * rows[(y + k - R) * w + x])
                .sum();
            sm[y * w + x] = (v + 32768) >> 16;
        }
    }
    // Sobel on the smoothed picture, magnitude and direction sector.
    let mut mag = vec![0i32; w * h];
    let mut dir = vec![0u8; w * h];
    for y in R + 1..h - R - 1 {
        for x in R + 1..w - R - 1 {
            let p = |dx: isize, dy: isize| {
                sm[(y as isize + dy) as usize * w + (x as isize + dx) as usize]
            };
            let gx = p(1, -1) + 2 * p(1, 0) + p(1, 1) - p(-1, -1) - 2 * p(-1, 0) - p(-1, 1);
            let gy = p(-1, 1) + 2 * p(0, 1) + p(1, 1) - p(-1, -1) - 2 * p(0, -1) - p(1, -1);
            let m = ((gx * gx + gy * gy) as f32).sqrt() as i32;
            mag[y * w + x] = m;
            // Sector of the gradient: 0 horizontal, 1 diagonal /, 2 vertical, 3 diagonal \.
            let (ax, ay) = (gx.abs(), gy.abs());
            dir[y * w + x] = if ay * 5 < ax * 2 {
                0
            } else if ax * 5 < ay * 2 {
                2
            } else if (gx > 0) == (gy > 0) {
                3
            } else {
                1
            };
        }
    }
    // Non-maximum suppression, then strong and weak edges.
    let mut state = vec![0u8; w * h]; // 0 none, 1 weak, 2 strong
    let mut stack = Vec::new();
    for y in R + 2..h - R - 2 {
        for x in R + 2..w - R - 2 {
            let i = y * w + x;
            let m = mag[i];
            if m < CANNY_LOW {
                continue;
            }
            let (a, b) = match dir[i] {
                0 => (mag[i - 1], mag[i + 1]),
                2 => (mag[i - w], mag[i + w]),
                1 => (mag[i - w + 1], mag[i + w - 1]),
                _ => (mag[i - w - 1], mag[i + w + 1]),
            };
            if m < a || m < b {
                continue;
            }
            if m >= CANNY_HIGH {
                state[i] = 2;
                stack.push(i);
            } else {
                state[i] = 1;
            }
        }
    }
    // Hysteresis: weak edges connected to strong ones become edges.
    while let Some(i) = stack.pop() {
        for d in [1, w - 1, w, w + 1] {
            for j in [i + d, i - d] {
                if state[j] == 1 {
                    state[j] = 2;
                    stack.push(j);
                }
            }
        }
    }
    for (o, s) in out.iter_mut().zip(&state) {
        *o = if *s == 2 { 255 } else { 0 };
    }
    out
}

/// Bits per pixel of `gray` compressed as JPEG at quality 75.
pub fn jpeg_bits_per_pixel(gray: &GrayImage) -> f32 {
    jpeg_bits(gray)
}

/// Bits per pixel of `rgb` compressed as a colour JPEG at quality 75 (the calibration's
/// colour variant of [`jpeg_bits_per_pixel`]).
pub fn jpeg_bits_per_pixel_rgb(rgb: &RgbImage) -> f32 {
    jpeg_bits(rgb)
}

/// Bits per pixel of `img` compressed as JPEG at quality 75 (0 for an empty picture or one the
/// encoder refuses).
fn jpeg_bits<P>(img: &ImageBuffer<P, Vec<u8>>) -> f32
where
    P: image::PixelWithColorType<Subpixel = u8>,
{
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return 0.0;
    }
    let mut buf = Vec::with_capacity((w * h) as usize * P::CHANNEL_COUNT as usize / 4);
    let ok = JpegEncoder::new_with_quality(&mut buf, 75)
        .encode_image(img)
        .is_ok();
    if !ok {
        return 0.0;
    }
    buf.len() as f32 * 8.0 / (w * h) as f32
}

/// Bits per pixel of `gray` compressed losslessly as PNG (best compression, adaptive filters):
/// compression-based complexity without JPEG's quantisation.
pub fn png_bits_per_pixel(gray: &GrayImage) -> f32 {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    use image::ImageEncoder;
    let (w, h) = gray.dimensions();
    if w == 0 || h == 0 {
        return 0.0;
    }
    let mut buf = Vec::with_capacity((w * h) as usize);
    let ok = PngEncoder::new_with_quality(&mut buf, CompressionType::Best, FilterType::Adaptive)
        .write_image(gray.as_raw(), w, h, image::ExtendedColorType::L8)
        .is_ok();
    if !ok {
        return 0.0;
    }
    buf.len() as f32 * 8.0 / (w * h) as f32
}

/// Columns of the grid [`busy_spread`] counts on (cells of 20×20 pixels on a 320×180 picture).
pub const SPREAD_COLS: u32 = 16;
/// Rows of that grid.
pub const SPREAD_ROWS: u32 = 9;
/// A cell is busy when edges cover at least this share of its background.
pub const SPREAD_BUSY_EDGES: f32 = 0.06;
/// A cell counts when at least this many of its pixels are background.
pub const SPREAD_MIN_PX: u32 = 8;

/// The busy spread of an edge map ([`edge_map`]): the share of the background's cells
/// ([`SPREAD_COLS`] × [`SPREAD_ROWS`], each counted when it holds [`SPREAD_MIN_PX`] background
/// pixels) whose background is at least [`SPREAD_BUSY_EDGES`] edges, 0–1. Only pixels where
/// `keep(x, y)` holds are counted. The grid and the share were chosen on the calibration's
/// `fit` photos (BENCHMARKS.md).
pub fn busy_spread(edges: &GrayImage, keep: impl Fn(u32, u32) -> bool) -> f32 {
    busy_spread_with(edges, keep, SPREAD_COLS, SPREAD_ROWS, SPREAD_BUSY_EDGES)
}

/// [`busy_spread`] on a `cols` × `rows` grid with cells busy from `busy` (the calibration
/// compares grids and shares with it).
pub fn busy_spread_with(
    edges: &GrayImage,
    keep: impl Fn(u32, u32) -> bool,
    cols: u32,
    rows: u32,
    busy: f32,
) -> f32 {
    let (w, h) = edges.dimensions();
    if w == 0 || h == 0 || cols == 0 || rows == 0 {
        return 0.0;
    }
    // (edge pixels, background pixels) per cell.
    let mut cells = vec![(0u32, 0u32); (cols * rows) as usize];
    for (x, y, p) in edges.enumerate_pixels() {
        if keep(x, y) {
            let c = &mut cells[((y * rows / h) * cols + x * cols / w) as usize];
            c.0 += (p.0[0] > 0) as u32;
            c.1 += 1;
        }
    }
    spread_share(&cells, busy)
}

/// The share of `cells` ((edge pixels, background pixels) each) holding at least
/// [`SPREAD_MIN_PX`] background pixels whose edges cover at least `busy` of them, 0–1.
pub fn spread_share(cells: &[(u32, u32)], busy: f32) -> f32 {
    let (mut n, mut busy_cells) = (0u32, 0u32);
    for c in cells.iter().filter(|c| c.1 >= SPREAD_MIN_PX) {
        n += 1;
        busy_cells += (c.0 as f32 >= busy * c.1 as f32) as u32;
    }
    busy_cells as f32 / n.max(1) as f32
}

/// Shannon entropy (bits) of `values` quantised into bins `bin` wide.
fn entropy(values: &[f32], bin: f32) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    // Coefficients are bounded (differences of 0–255 averages), so a fixed table suffices.
    const HALF: i32 = 256;
    let mut counts = vec![0u32; (2 * HALF + 1) as usize];
    for v in values {
        let b = ((v / bin).round() as i32).clamp(-HALF, HALF);
        counts[(b + HALF) as usize] += 1;
    }
    let n = values.len() as f32;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f32 / n;
            -p * p.log2()
        })
        .sum()
}

/// Mean entropy of the Haar detail bands of one channel (w × h, row-major), over `levels`,
/// counting only coefficients whose four source values are all kept (`keep`, same layout).
fn channel_subband_entropy(
    mut plane: Vec<f32>,
    mut keep: Vec<bool>,
    mut w: usize,
    mut h: usize,
    levels: usize,
) -> f32 {
    let mut total = 0.0;
    let mut bands = 0;
    for _ in 0..levels {
        let (hw, hh) = (w / 2, h / 2);
        if hw < 2 || hh < 2 {
            break;
        }
        let mut approx = vec![0.0f32; hw * hh];
        let mut kept = vec![false; hw * hh];
        let mut horiz = Vec::with_capacity(hw * hh);
        let mut vert = Vec::with_capacity(hw * hh);
        let mut diag = Vec::with_capacity(hw * hh);
        for y in 0..hh {
            for x in 0..hw {
                let i = [
                    (2 * y) * w + 2 * x,
                    (2 * y) * w + 2 * x + 1,
                    (2 * y + 1) * w + 2 * x,
                    (2 * y + 1) * w + 2 * x + 1,
                ];
                let [a, b, c, d] = i.map(|i| plane[i]);
                approx[y * hw + x] = (a + b + c + d) / 4.0;
                if i.iter().all(|&i| keep[i]) {
                    kept[y * hw + x] = true;
                    horiz.push((a + b - c - d) / 2.0);
                    vert.push((a - b + c - d) / 2.0);
                    diag.push((a - b - c + d) / 2.0);
                }
            }
        }
        // Bins of 2 grey levels: finer than any real texture, coarser than smoothed noise.
        if !horiz.is_empty() {
            for band in [&horiz, &vert, &diag] {
                total += entropy(band, 2.0);
                bands += 1;
            }
        }
        plane = approx;
        keep = kept;
        w = hw;
        h = hh;
    }
    if bands == 0 {
        0.0
    } else {
        total / bands as f32
    }
}

/// Subband entropy (bits) of `rgb`: luminance and opponent colours (R−G, B−Y), 3 scales, over
/// the pixels where `keep(x, y)` holds (the background).
pub fn subband_entropy(rgb: &RgbImage, keep: impl Fn(u32, u32) -> bool) -> f32 {
    let (w, h) = (rgb.width() as usize, rgb.height() as usize);
    let mut l = Vec::with_capacity(w * h);
    let mut rg = Vec::with_capacity(w * h);
    let mut by = Vec::with_capacity(w * h);
    let mut kept = Vec::with_capacity(w * h);
    for (x, y, p) in rgb.enumerate_pixels() {
        let [r, g, b] = p.0.map(f32::from);
        l.push(0.299 * r + 0.587 * g + 0.114 * b);
        rg.push(r - g);
        by.push(b - (r + g) / 2.0);
        kept.push(keep(x, y));
    }
    0.84 * channel_subband_entropy(l, kept.clone(), w, h, 3)
        + 0.08 * channel_subband_entropy(rg, kept.clone(), w, h, 3)
        + 0.08 * channel_subband_entropy(by, kept, w, h, 3)
}

/// Fills the pixels where `keep` is false from their surroundings ("push–pull": averages of the
/// kept pixels on ever coarser levels, pulled back down), so that a left-out person leaves a soft
/// blur of the background instead of a hard-edged patch that would itself read as detail.
pub fn fill_left_out(rgb: &RgbImage, keep: &[bool]) -> RgbImage {
    let (w, h) = (rgb.width() as usize, rgb.height() as usize);
    let mut out = rgb.clone();
    if keep.len() != w * h || keep.iter().all(|&k| k) || w == 0 || h == 0 {
        return out;
    }
    // Level 0: colour sums and weights.
    // Each level: width, height, mean colours, weights (kept pixels behind each).
    type Level = (usize, usize, Vec<[f32; 3]>, Vec<f32>);
    let mut levels: Vec<Level> = Vec::new();
    let mut col: Vec<[f32; 3]> = rgb
        .pixels()
        .zip(keep)
        .map(|(p, &k)| if k { p.0.map(f32::from) } else { [0.0; 3] })
        .collect();
    let mut wt: Vec<f32> = keep.iter().map(|&k| k as u8 as f32).collect();
    let (mut lw, mut lh) = (w, h);
    while lw > 1 || lh > 1 {
        let (nw, nh) = (lw.div_ceil(2), lh.div_ceil(2));
        let mut ncol = vec![[0.0f32; 3]; nw * nh];
        let mut nwt = vec![0.0f32; nw * nh];
        for y in 0..lh {
            for x in 0..lw {
                let (i, j) = (y * lw + x, (y / 2) * nw + x / 2);
                nwt[j] += wt[i];
                for c in 0..3 {
                    ncol[j][c] += col[i][c] * wt[i];
                }
            }
        }
        for (c, &t) in ncol.iter_mut().zip(&nwt) {
            if t > 0.0 {
                *c = c.map(|v| v / t);
            }
        }
        levels.push((lw, lh, col, wt));
        col = ncol;
        wt = nwt;
        lw = nw;
        lh = nh;
    }
    // Pull: a level's empty pixels take the coarser level's colour.
    let (mut cw, mut ccol) = (lw, col);
    while let Some((lw, lh, mut col, wt)) = levels.pop() {
        for y in 0..lh {
            for x in 0..lw {
                let i = y * lw + x;
                // Pixels with any kept pixel behind them hold their own average.
                if wt[i] == 0.0 {
                    col[i] = ccol[(y / 2) * cw + x / 2];
                }
            }
        }
        cw = lw;
        ccol = col;
    }
    for ((p, c), &k) in out.pixels_mut().zip(&ccol).zip(keep) {
        if !k {
            p.0 = c.map(|v| v.round().clamp(0.0, 255.0) as u8);
        }
    }
    out
}

/// The colour bin (8 levels per channel) of a pixel.
fn bin8(p: &image::Rgb<u8>) -> u16 {
    ((p.0[0] >> 5) as u16) << 6 | ((p.0[1] >> 5) as u16) << 3 | (p.0[2] >> 5) as u16
}

/// Number of proto-objects: connected regions of one colour bin (4 levels per channel, so a
/// region is "one colour" to the eye) with at least `min_px` pixels, on `rgb`, counting only
/// pixels where `keep(x, y)` holds.
pub fn proto_objects(rgb: &RgbImage, min_px: u32, keep: impl Fn(u32, u32) -> bool) -> u32 {
    let (w, h) = rgb.dimensions();
    // Label 0 is "left out"; colour bins are 1..=64.
    let labels: GrayImage = ImageBuffer::from_fn(w, h, |x, y| {
        if !keep(x, y) {
            return Luma([0]);
        }
        let p = rgb.get_pixel(x, y).0;
        Luma([1 + ((p[0] >> 6) << 4 | (p[1] >> 6) << 2 | (p[2] >> 6))])
    });
    let regions = connected_components(&labels, Connectivity::Four, Luma([0u8]));
    let mut sizes: Vec<u32> = Vec::new();
    for p in regions.pixels() {
        let id = p.0[0] as usize;
        if id == 0 {
            continue;
        }
        if sizes.len() <= id {
            sizes.resize(id + 1, 0);
        }
        sizes[id] += 1;
    }
    sizes.iter().filter(|&&s| s >= min_px).count() as u32
}

/// Number of colour bins (8×8×8) each holding at least 0.5% of the kept pixels.
pub fn colour_variety(rgb: &RgbImage, keep: impl Fn(u32, u32) -> bool) -> u32 {
    let mut counts = [0u32; 512];
    let mut n = 0u32;
    for (x, y, p) in rgb.enumerate_pixels() {
        if keep(x, y) {
            counts[bin8(p) as usize] += 1;
            n += 1;
        }
    }
    let min = (n / 200).max(1);
    counts.iter().filter(|&&c| c >= min).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn edges_agree_with_imageproc_canny() {
        let pictures = [
            RgbImage::from_fn(320, 180, |x, y| {
                if ((x / 10) + (y / 10)) % 2 == 0 {
                    Rgb([230, 230, 230])
                } else {
                    Rgb([30, 30, 30])
                }
            }),
            RgbImage::from_fn(320, 180, |x, y| {
                let d = ((x as i32 - 160).pow(2) + (y as i32 - 90).pow(2)) as f32;
                if d.sqrt() < 60.0 {
                    Rgb([240, 220, 120])
                } else {
                    Rgb([40, 90, 160])
                }
            }),
        ];
        for (n, p) in pictures.iter().enumerate() {
            let gray = image::imageops::grayscale(p);
            let ours = edge_map(&gray).pixels().filter(|p| p.0[0] > 0).count() as f32;
            let theirs = imageproc::edges::canny(&gray, 40.0, 100.0)
                .pixels()
                .filter(|p| p.0[0] > 0)
                .count() as f32;
            assert!(
                theirs > 100.0,
                "picture {n}: imageproc found {theirs}, we found {ours}"
            );
            assert!(
                (ours / theirs - 1.0).abs() < 0.25,
                "picture {n}: {ours} vs {theirs} edge pixels"
            );
        }
        let flat = GrayImage::from_pixel(320, 180, Luma([128]));
        assert!(edge_map(&flat).pixels().all(|p| p.0[0] == 0));
    }

    #[test]
    fn entropy_of_constant_and_spread_values() {
        assert_eq!(entropy(&[3.0; 100], 2.0), 0.0);
        let spread: Vec<f32> = (0..256).map(|i| i as f32 * 2.0 - 256.0).collect();
        assert!((entropy(&spread, 2.0) - 8.0).abs() < 0.01);
    }

    #[test]
    fn measures_on_flat_and_checkerboard() {
        let flat = RgbImage::from_pixel(320, 180, Rgb([120, 130, 140]));
        let check = RgbImage::from_fn(320, 180, |x, y| {
            if ((x / 6) + (y / 6)) % 2 == 0 {
                Rgb([250, 250, 250])
            } else {
                Rgb([10, 10, 10])
            }
        });
        let gray = |i: &RgbImage| image::imageops::grayscale(i);
        assert!(jpeg_bits_per_pixel(&gray(&flat)) < 0.3);
        assert!(jpeg_bits_per_pixel(&gray(&check)) > 1.0);
        assert_eq!(subband_entropy(&flat, |_, _| true), 0.0);
        assert!(subband_entropy(&check, |_, _| true) > 0.5);
        // Only the kept half counts: a flat right half keeps the left half's entropy.
        let half = RgbImage::from_fn(320, 180, |x, y| {
            if x < 160 {
                *check.get_pixel(x, y)
            } else {
                Rgb([120, 130, 140])
            }
        });
        let left = subband_entropy(&half, |x, _| x < 160);
        assert!(
            (left - subband_entropy(&check, |_, _| true)).abs() < 0.05,
            "{left}"
        );
        assert_eq!(proto_objects(&flat, 4, |_, _| true), 1);
        assert!(proto_objects(&check, 4, |_, _| true) > 100);
        assert_eq!(proto_objects(&check, 4, |_, _| false), 0);
        assert_eq!(colour_variety(&flat, |_, _| true), 1);
        assert_eq!(colour_variety(&check, |_, _| true), 2);
    }
}
