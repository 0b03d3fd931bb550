//! Real cameras through nokhwa (V4L2 on Linux, AVFoundation on macOS, Media Foundation on Windows).

use std::time::Instant;

use image::RgbImage;
use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{ApiBackend, CameraIndex, RequestedFormat, RequestedFormatType, Resolution};
use nokhwa::Camera;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::source::{Frame, FrameSource};
use crate::CameraError;

/// A camera as the system lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CameraDevice {
    /// Name to show and to pass back to pick this camera.
    pub name: String,
    /// The system's description (driver, bus).
    pub description: String,
    /// Backend index (e.g. `0` for /dev/video0).
    pub index: String,
    /// Formats the camera offers (e.g. "1280×720 MJPEG @ 30 fps"), best first; empty when the
    /// camera could not be asked (for instance because another app is using it).
    pub formats: Vec<String>,
}

/// How long the system's "allow camera access?" question may wait for the mentor's answer.
const PERMISSION_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Initialises the camera system where it must be (macOS asks the user for camera access the
/// first time; on Linux and Windows nokhwa reports ready at once), waiting at most
/// [`PERMISSION_WAIT`] for the answer.
fn ensure_access() -> Result<(), CameraError> {
    if nokhwa::nokhwa_check() {
        return Ok(());
    }
    let (tx, rx) = std::sync::mpsc::channel();
    nokhwa::nokhwa_initialize(move |granted| {
        let _ = tx.send(granted);
    });
    match rx.recv_timeout(PERMISSION_WAIT) {
        Ok(true) => Ok(()),
        _ => Err(CameraError::PermissionDenied("camera".into())),
    }
}

/// Lists the cameras the system offers. An empty list means no camera; that is not an error.
pub fn list_cameras() -> Result<Vec<CameraDevice>, CameraError> {
    ensure_access()?;
    let infos = nokhwa::query(ApiBackend::Auto).map_err(|e| CameraError::Backend {
        device: "camera list".into(),
        message: e.to_string(),
    })?;
    Ok(infos
        .into_iter()
        .map(|i| CameraDevice {
            formats: formats_of(i.index()),
            name: i.human_name(),
            description: i.description().to_string(),
            index: i.index().to_string(),
        })
        .collect())
}

/// Asks a camera which formats it offers, largest first. Opening it briefly is the only way
/// the backends tell; a camera in use elsewhere gives an empty list, not an error.
fn formats_of(index: &CameraIndex) -> Vec<String> {
    let requested = RequestedFormat::new::<RgbFormat>(RequestedFormatType::None);
    let Ok(mut camera) = Camera::new(index.clone(), requested) else {
        return Vec::new();
    };
    let mut formats = camera.compatible_camera_formats().unwrap_or_default();
    formats.sort_by_key(|f| std::cmp::Reverse((f.width() * f.height(), f.frame_rate())));
    formats
        .iter()
        .map(|f| {
            format!(
                "{}×{} {} @ {} fps",
                f.width(),
                f.height(),
                f.format(),
                f.frame_rate()
            )
        })
        .collect()
}

/// The preferred capture format: 1280×720 (what call apps send for HD video) at up to 30 fps.
pub const PREFERRED: (u32, u32, u32) = (1280, 720, 30);

/// A real camera.
pub struct NokhwaSource {
    camera: Camera,
    name: String,
    started: Instant,
    requested: (u32, u32, u32),
}

impl NokhwaSource {
    /// Opens the camera called `name`, or the first camera when `name` is `None`, at the format
    /// closest to [`PREFERRED`], and starts its stream.
    pub fn open(name: Option<&str>) -> Result<Self, CameraError> {
        let cameras = list_cameras()?;
        let chosen = match name {
            None => cameras.first().ok_or(CameraError::NoCamera)?,
            Some(wanted) => cameras.iter().find(|c| c.name == wanted).ok_or_else(|| {
                if cameras.is_empty() {
                    CameraError::NoCamera
                } else {
                    CameraError::NotFound {
                        wanted: wanted.to_string(),
                        available: cameras
                            .iter()
                            .map(|c| c.name.clone())
                            .collect::<Vec<_>>()
                            .join(", "),
                    }
                }
            })?,
        };
        let index = match chosen.index.parse::<u32>() {
            Ok(i) => CameraIndex::Index(i),
            Err(_) => CameraIndex::String(chosen.index.clone()),
        };
        let format = RequestedFormat::new::<RgbFormat>(RequestedFormatType::HighestResolution(
            Resolution::new(PREFERRED.0, PREFERRED.1),
        ));
        let mut camera = Camera::new(index, format)
            .map_err(|e| CameraError::classify(&chosen.name, e.to_string()))?;
        camera
            .open_stream()
            .map_err(|e| CameraError::classify(&chosen.name, e.to_string()))?;
        tracing::info!(camera = %chosen.name, format = %camera.camera_format(), "camera opened");
        Ok(NokhwaSource {
            camera,
            name: chosen.name.clone(),
            started: Instant::now(),
            requested: PREFERRED,
        })
    }
}

impl FrameSource for NokhwaSource {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn requested(&self) -> Option<(u32, u32, u32)> {
        Some(self.requested)
    }

    fn next_frame(&mut self) -> Result<Frame, CameraError> {
        let buffer = self
            .camera
            .frame()
            .map_err(|e| CameraError::classify(&self.name, e.to_string()))?;
        let decoded = buffer
            .decode_image::<RgbFormat>()
            .map_err(|e| CameraError::classify(&self.name, e.to_string()))?;
        let (w, h) = decoded.dimensions();
        let image =
            RgbImage::from_raw(w, h, decoded.into_raw()).ok_or_else(|| CameraError::Backend {
                device: self.name.clone(),
                message: "the camera delivered a frame of the wrong size".into(),
            })?;
        Ok(Frame {
            image,
            timestamp: self.started.elapsed(),
        })
    }
}

impl Drop for NokhwaSource {
    fn drop(&mut self) {
        let _ = self.camera.stop_stream();
    }
}
