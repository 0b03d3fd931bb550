//! Which camera to use, and opening it: a real camera (nokhwa) or a picture standing in for one.

use std::path::PathBuf;

use preflight_camera::{CameraError, FrameSource, ImageSource, NokhwaSource};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which camera to check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind", content = "value")]
#[ts(export)]
pub enum CameraChoice {
    /// The first camera the system lists.
    #[default]
    Default,
    /// The camera with this name.
    Named(String),
    /// A still image file standing in for a camera (tests, demos).
    Image(String),
    /// Do not check the camera (and so not the background either).
    Off,
}

/// Opens the camera `choice` names (a test picture plays at 30 fps).
pub fn open_camera(choice: &CameraChoice) -> Result<Box<dyn FrameSource>, CameraError> {
    Ok(match choice {
        CameraChoice::Image(path) => Box::new(ImageSource::open(&PathBuf::from(path), 30)?),
        CameraChoice::Named(name) => Box::new(NokhwaSource::open(Some(name))?),
        CameraChoice::Default | CameraChoice::Off => Box::new(NokhwaSource::open(None)?),
    })
}
