//! The [`FrameSource`] trait and the stand-in sources used in tests.

use std::path::Path;
use std::time::Duration;

use image::RgbImage;

use crate::analysis::{summarize, CameraSummary, FrameAnalyzer};
use crate::CameraError;

/// One frame and when it was delivered, relative to the start of the capture.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The picture, 8-bit RGB.
    pub image: RgbImage,
    /// Delivery time since the source was opened.
    pub timestamp: Duration,
}

/// Anything that delivers camera frames: a real camera, an image file, generated pictures.
///
/// Not `Send`: real camera handles are tied to the thread that opened them, so open the source
/// on the thread that reads it.
pub trait FrameSource {
    /// The name to show the mentor (e.g. "HD Pro Webcam C920").
    fn name(&self) -> String;
    /// Whether every frame is the same still picture (a test image): frozen frames are then
    /// expected, not a fault.
    fn is_still(&self) -> bool {
        false
    }
    /// Frame rate and size that were asked of the source, if it was asked for any.
    fn requested(&self) -> Option<(u32, u32, u32)> {
        None
    }
    /// Waits for and returns the next frame.
    fn next_frame(&mut self) -> Result<Frame, CameraError>;
}

/// The largest picture file read as a stand-in camera.
pub const MAX_PICTURE_BYTES: u64 = 64 * 1024 * 1024;

/// The longest side of a picture that is decoded at all.
pub const MAX_PICTURE_SIDE: u32 = 8192;

/// Pictures are scaled down to fit this (a Full HD camera), keeping their shape.
pub const FRAME_MAX: (u32, u32) = (1920, 1080);

/// The most bytes a picture may take once decoded at 8 bits a channel (an 8192×8192 RGBA
/// picture): with the file itself (at most [`MAX_PICTURE_BYTES`], read as a stream) and the
/// frame it is scaled to, reading any picture stays under about 300 MB.
pub const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// Decodes the picture at `path` within [`MAX_DECODED_BYTES`] and [`MAX_PICTURE_SIDE`]: 16-bit
/// PNGs are decoded to 8 bits (never held at 16), colour profiles are never read (an inflated
/// ICC chunk once took 546 MB), and the size is checked from the header before anything is
/// decoded. Returns the picture scaled down to fit [`FRAME_MAX`] (a fast integer thumbnail: no
/// full-size intermediate).
fn decode_within_budget(path: &Path) -> Result<image::DynamicImage, String> {
    let too_big = |w: u32, h: u32| {
        format!(
            "the picture is {w}×{h} pixels, larger than {MAX_PICTURE_SIDE}×{MAX_PICTURE_SIDE}; use a smaller one"
        )
    };
    let mut head = [0u8; 8];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(|e| e.to_string())?;
        let n = f.read(&mut head).map_err(|e| e.to_string())?;
        if n < 8 {
            return Err("it is not a PNG or JPEG picture".into());
        }
    }
    let full = if head == *b"\x89PNG\r\n\x1a\n" {
        let file = std::io::BufReader::new(std::fs::File::open(path).map_err(|e| e.to_string())?);
        let mut d = png::Decoder::new_with_limits(
            file,
            png::Limits {
                bytes: MAX_DECODED_BYTES as usize,
            },
        );
        d.set_ignore_iccp_chunk(true);
        d.set_ignore_text_chunk(true);
        d.set_transformations(png::Transformations::normalize_to_color8());
        let info = d.read_header_info().map_err(|e| e.to_string())?;
        let (w, h) = (info.width, info.height);
        if w > MAX_PICTURE_SIDE || h > MAX_PICTURE_SIDE {
            return Err(too_big(w, h));
        }
        let mut reader = d.read_info().map_err(|e| e.to_string())?;
        let size = reader
            .output_buffer_size()
            .filter(|s| *s as u64 <= MAX_DECODED_BYTES)
            .ok_or_else(|| too_big(w, h))?;
        let mut buf = vec![0u8; size];
        let out = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
        buf.truncate(out.buffer_size());
        let bad = || "the picture's data does not match its size".to_string();
        match out.color_type {
            png::ColorType::Grayscale => image::DynamicImage::ImageLuma8(
                image::GrayImage::from_raw(out.width, out.height, buf).ok_or_else(bad)?,
            ),
            png::ColorType::GrayscaleAlpha => image::DynamicImage::ImageLumaA8(
                image::GrayAlphaImage::from_raw(out.width, out.height, buf).ok_or_else(bad)?,
            ),
            png::ColorType::Rgb => image::DynamicImage::ImageRgb8(
                RgbImage::from_raw(out.width, out.height, buf).ok_or_else(bad)?,
            ),
            png::ColorType::Rgba => image::DynamicImage::ImageRgba8(
                image::RgbaImage::from_raw(out.width, out.height, buf).ok_or_else(bad)?,
            ),
            png::ColorType::Indexed => return Err("the picture's palette could not be read".into()),
        }
    } else {
        let reader = image::ImageReader::open(path)
            .and_then(|r| r.with_guessed_format())
            .map_err(|e| e.to_string())?;
        let (w, h) = reader.into_dimensions().map_err(|e| e.to_string())?;
        if w > MAX_PICTURE_SIDE || h > MAX_PICTURE_SIDE {
            return Err(too_big(w, h));
        }
        let mut reader = image::ImageReader::open(path)
            .and_then(|r| r.with_guessed_format())
            .map_err(|e| e.to_string())?;
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_PICTURE_SIDE);
        limits.max_image_height = Some(MAX_PICTURE_SIDE);
        limits.max_alloc = Some(MAX_DECODED_BYTES);
        reader.limits(limits);
        reader.decode().map_err(|e| match e {
            image::ImageError::Limits(_) => too_big(w, h),
            other => other.to_string(),
        })?
    };
    // A camera delivers at most about 1920×1080: a bigger photo is scaled down once here, not
    // copied whole for every frame.
    Ok(
        if full.width() > FRAME_MAX.0 || full.height() > FRAME_MAX.1 {
            full.thumbnail(FRAME_MAX.0, FRAME_MAX.1)
        } else {
            full
        },
    )
}

/// Frames read from one still image, delivered at a nominal rate with simulated timestamps
/// (no sleeping, so tests are fast and exact).
pub struct ImageSource {
    name: String,
    image: RgbImage,
    fps: u32,
    count: u32,
}

impl ImageSource {
    /// Loads `path` (PNG or JPEG) as a camera that delivers it at `fps`.
    pub fn open(path: &Path, fps: u32) -> Result<Self, CameraError> {
        let fail = |message: String| CameraError::Image {
            path: path.display().to_string(),
            message,
        };
        let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
        if !meta.is_file() {
            return Err(fail("it is not an ordinary file".into()));
        }
        if meta.len() > MAX_PICTURE_BYTES {
            return Err(fail(format!(
                "the file is larger than {} MB",
                MAX_PICTURE_BYTES / (1024 * 1024)
            )));
        }
        let decoded = decode_within_budget(path).map_err(fail)?;
        Ok(Self::from_image(
            format!(
                "image {}",
                path.file_name().unwrap_or_default().to_string_lossy()
            ),
            decoded.to_rgb8(),
            fps,
        ))
    }

    pub fn from_image(name: String, image: RgbImage, fps: u32) -> Self {
        ImageSource {
            name,
            image,
            fps: fps.max(1),
            count: 0,
        }
    }
}

impl FrameSource for ImageSource {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn is_still(&self) -> bool {
        true
    }

    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        let timestamp = Duration::from_secs_f64(self.count as f64 / self.fps as f64);
        self.count += 1;
        Ok(Frame {
            image: self.image.clone(),
            timestamp,
        })
    }
}

/// Frames generated by a function of the frame number, with simulated timestamps.
pub struct SyntheticSource<F: FnMut(u32) -> RgbImage + Send> {
    name: String,
    make: F,
    fps: u32,
    count: u32,
}

impl<F: FnMut(u32) -> RgbImage + Send> SyntheticSource<F> {
    /// A source called `name` that delivers `make(n)` as frame `n` at `fps`.
    pub fn new(name: impl Into<String>, fps: u32, make: F) -> Self {
        SyntheticSource {
            name: name.into(),
            make,
            fps: fps.max(1),
            count: 0,
        }
    }
}

impl<F: FnMut(u32) -> RgbImage + Send> FrameSource for SyntheticSource<F> {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        let n = self.count;
        self.count += 1;
        Ok(Frame {
            image: (self.make)(n),
            timestamp: Duration::from_secs_f64(n as f64 / self.fps as f64),
        })
    }
}

/// The result of sampling a source: a summary of all frames and the last frame (for the
/// background check and the preview; it stays in memory).
#[derive(Debug, Clone)]
pub struct Sample {
    /// Name of the source.
    pub source: String,
    /// Figures over all frames.
    pub summary: CameraSummary,
    /// The last frame delivered.
    pub last_frame: RgbImage,
}

/// Reads frames from `source` until `duration` of source time has passed or `max_frames`
/// frames were read, calling `on_frame` with each frame (for a live preview).
pub fn sample(
    source: &mut dyn FrameSource,
    duration: Duration,
    max_frames: usize,
    mut on_frame: impl FnMut(&Frame),
) -> Result<Sample, CameraError> {
    let mut stats = Vec::new();
    let mut analyzer = FrameAnalyzer::new();
    let mut last: Option<Frame> = None;
    while stats.len() < max_frames.max(1) {
        let frame = source.next_frame()?;
        on_frame(&frame);
        stats.push((frame.timestamp, analyzer.analyze(&frame.image)));
        let done = frame.timestamp >= duration;
        last = Some(frame);
        if done {
            break;
        }
    }
    let last = last.expect("at least one frame was read");
    Ok(Sample {
        source: source.name(),
        summary: summarize(&stats, source.requested(), source.is_still()),
        last_frame: last.image,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn synthetic_source_reports_its_rate() {
        let mut src = SyntheticSource::new("grey", 15, |_| {
            RgbImage::from_pixel(64, 48, Rgb([128, 128, 128]))
        });
        let s = sample(&mut src, Duration::from_secs(2), 1000, |_| {}).unwrap();
        assert_eq!(s.source, "grey");
        assert_eq!(s.summary.width, 64);
        assert_eq!(s.summary.height, 48);
        assert!((s.summary.fps - 15.0).abs() < 0.01, "fps {}", s.summary.fps);
        assert_eq!(s.summary.black_frames, 0);
    }

    #[test]
    fn black_frames_are_counted() {
        let mut src = SyntheticSource::new("flaky", 10, |n| {
            let v = if n % 2 == 0 { 0 } else { 200 };
            RgbImage::from_pixel(32, 32, Rgb([v, v, v]))
        });
        let s = sample(&mut src, Duration::from_secs(1), 1000, |_| {}).unwrap();
        // Frames 0..=10 at 10 fps: 6 even (black), 5 odd.
        assert_eq!(s.summary.frames, 11);
        assert_eq!(s.summary.black_frames, 6);
    }

    #[test]
    fn missing_image_is_an_error_value() {
        let err = ImageSource::open(Path::new("/nonexistent/x.png"), 30)
            .err()
            .unwrap();
        assert!(matches!(err, CameraError::Image { .. }));
        assert!(err.to_string().contains("/nonexistent/x.png"));
    }

    #[test]
    fn enormous_pictures_are_refused_before_decoding_and_big_ones_scaled_once() {
        let dir = tempfile::tempdir().unwrap();
        // 20000×20000 grey: a few hundred KB of PNG claiming 400 megapixels.
        let huge = dir.path().join("huge.png");
        {
            let f = std::fs::File::create(&huge).unwrap();
            let mut enc = png::Encoder::new(std::io::BufWriter::new(f), 20_000, 20_000);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::Eight);
            enc.set_compression(png::Compression::Fast);
            let mut w = enc.write_header().unwrap();
            let mut stream = w.stream_writer().unwrap();
            let row = vec![128u8; 20_000];
            for _ in 0..20_000 {
                std::io::Write::write_all(&mut stream, &row).unwrap();
            }
            stream.finish().unwrap();
        }
        let err = ImageSource::open(&huge, 30).err().unwrap();
        assert!(err.to_string().contains("larger than 8192×8192"), "{err}");
        // A 12-megapixel photo becomes a Full HD frame once.
        let big = dir.path().join("big.png");
        RgbImage::from_pixel(4000, 3000, Rgb([90, 120, 150]))
            .save(&big)
            .unwrap();
        let mut src = ImageSource::open(&big, 30).unwrap();
        let f = src.next_frame().unwrap();
        assert_eq!((f.image.width(), f.image.height()), (1440, 1080));
        // A folder is not a picture.
        let err = ImageSource::open(dir.path(), 30).err().unwrap();
        assert!(err.to_string().contains("not an ordinary file"), "{err}");
    }
}
