//! Listing every device the checks can use.

use preflight_audio::AudioDevices;
use preflight_camera::CameraDevice;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Microphones, speakers and cameras, with a readable error where a list could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeviceReport {
    /// Microphones and speakers.
    pub audio: AudioDevices,
    /// Why the audio devices could not be listed, if they could not.
    pub audio_error: Option<String>,
    /// Cameras.
    pub cameras: Vec<CameraDevice>,
    /// Why the cameras could not be listed, if they could not.
    pub camera_error: Option<String>,
}

/// Lists all devices. Failures are reported in the `*_error` fields, never as a panic.
pub fn list_all_devices() -> DeviceReport {
    let (audio, audio_error) = match preflight_audio::list_devices() {
        Ok(a) => (a, None),
        Err(e) => (AudioDevices::default(), Some(e.to_string())),
    };
    let (cameras, camera_error) = match preflight_camera::list_cameras() {
        Ok(c) => (c, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    DeviceReport {
        audio,
        audio_error,
        cameras,
        camera_error,
    }
}
