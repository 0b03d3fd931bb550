//! Live camera preview: small JPEG frames for the app, about 10 per second.
//!
//! Frames are encoded in memory and handed to the caller (the app sends them to its window
//! over a Tauri channel). Nothing is written to disk.

use std::io::Cursor;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use image::codecs::jpeg::JpegEncoder;
use image::{imageops, RgbImage};
use preflight_camera::{CameraError, FrameSource};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::probes::CameraChoice;

/// Width of preview frames, pixels.
pub const PREVIEW_WIDTH: u32 = 320;
/// Preview frame rate.
pub const PREVIEW_FPS: u32 = 10;

/// One preview frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewFrame {
    /// A `data:image/jpeg;base64,…` URL, ready for an `<img>`.
    pub data_url: String,
    /// Width of the preview, pixels.
    pub width: u32,
    /// Height of the preview, pixels.
    pub height: u32,
    /// Name of the camera.
    pub source: String,
    /// Background busyness of this frame (the person left out), on every [`SCENE_EVERY`]th
    /// preview frame (so the map and the framing guide over the live preview follow the mentor
    /// tidying up or moving, at a fraction of the frame budget).
    pub scene: Option<preflight_scene::SceneAnalysis>,
    /// Where the face is and how it is framed, on the same frames as `scene` (when a face was
    /// found), for the framing guide over the preview.
    pub framing: Option<preflight_person::framing::Framing>,
    /// The framing check's verdict on the same frames, in words ("You are off to the left of the
    /// picture."), for the live coach under the preview.
    pub framing_words: Option<String>,
    /// The background check's verdict on the same frames, in words, for the line under the
    /// preview.
    pub scene_words: Option<String>,
}

/// One preview frame in this many carries a busyness analysis (about twice a second).
pub const SCENE_EVERY: u32 = 5;

/// Downscales `img` to [`PREVIEW_WIDTH`] wide and encodes it as a JPEG data URL.
pub fn encode_preview(img: &RgbImage, source: &str) -> PreviewFrame {
    let (w, h) = img.dimensions();
    let pw = PREVIEW_WIDTH.min(w.max(1));
    let ph = ((h as u64 * pw as u64) / w.max(1) as u64).max(1) as u32;
    let small = imageops::resize(img, pw, ph, imageops::FilterType::Triangle);
    let mut jpeg = Vec::with_capacity(16 * 1024);
    // Encoding an in-memory RGB buffer of the right size cannot fail.
    let _ = JpegEncoder::new_with_quality(Cursor::new(&mut jpeg), 70).encode_image(&small);
    PreviewFrame {
        data_url: format!(
            "data:image/jpeg;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&jpeg)
        ),
        width: pw,
        height: ph,
        source: source.to_string(),
        scene: None,
        framing: None,
        framing_words: None,
        scene_words: None,
    }
}

/// Runs a live preview of `choice` from `feed` (the process's is [`crate::feed::camera_feed`])
/// until `stop` is set or `send` returns `false` (nobody is watching any more). Frames are paced
/// to real time and thinned to [`PREVIEW_FPS`].
pub fn run_preview(
    feed: &crate::feed::CameraFeed,
    choice: &CameraChoice,
    stop: &AtomicBool,
    mut send: impl FnMut(PreviewFrame) -> bool,
) -> Result<(), CameraError> {
    // Through the camera's one owner: a check running meanwhile shares the frames.
    let mut source: Box<dyn FrameSource> = Box::new(feed.subscribe(choice)?);
    let name = source.name();
    let started = Instant::now();
    let interval = Duration::from_secs(1) / PREVIEW_FPS;
    let mut next_due = Duration::ZERO;
    let mut sent = 0u32;
    while !stop.load(Ordering::Relaxed) {
        let frame = source.next_frame()?;
        // Test pictures have simulated timestamps: wait for them, as a real camera would.
        if let Some(wait) = frame.timestamp.checked_sub(started.elapsed()) {
            std::thread::sleep(wait.min(interval));
        }
        if frame.timestamp < next_due {
            continue;
        }
        next_due = frame.timestamp + interval;
        let mut p = encode_preview(&frame.image, &name);
        if sent.is_multiple_of(SCENE_EVERY) {
            let a = preflight_person::frame::analyze(preflight_person::shared(), &frame.image);
            p.framing_words = Some(preflight_verdict::framing(&a).summary);
            p.scene_words = Some(preflight_verdict::background(&a.scene).summary);
            p.scene = Some(a.scene);
            p.framing = a.framing;
        }
        sent += 1;
        if !send(p) {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn preview_is_a_small_jpeg_data_url() {
        let p = encode_preview(&RgbImage::from_pixel(1280, 720, Rgb([10, 200, 30])), "cam");
        assert_eq!((p.width, p.height), (320, 180));
        assert!(
            p.data_url.starts_with("data:image/jpeg;base64,/9j/"),
            "JPEG magic"
        );
        assert!(p.data_url.len() < 40_000);
    }

    #[test]
    fn preview_stops_when_nobody_watches_and_is_paced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("room.png");
        RgbImage::from_pixel(640, 360, Rgb([90, 90, 90]))
            .save(&path)
            .unwrap();
        let stop = AtomicBool::new(false);
        let mut sent = 0;
        let t0 = Instant::now();
        run_preview(
            &crate::feed::CameraFeed::default(),
            &CameraChoice::Image(path.display().to_string()),
            &stop,
            |_| {
                sent += 1;
                sent < 3
            },
        )
        .unwrap();
        assert_eq!(sent, 3);
        // Three frames at 10 fps take at least about 0.2 s: the loop does not spin.
        assert!(
            t0.elapsed() >= Duration::from_millis(150),
            "{:?}",
            t0.elapsed()
        );
    }

    #[test]
    fn preview_of_a_missing_camera_is_an_error() {
        let stop = AtomicBool::new(false);
        let err = run_preview(
            &crate::feed::CameraFeed::default(),
            &CameraChoice::Image("/nonexistent.png".into()),
            &stop,
            |_| true,
        )
        .unwrap_err();
        assert!(matches!(err, CameraError::Image { .. }));
    }
}
