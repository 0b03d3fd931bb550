//! Cameras for Mentor Preflight.
//!
//! - [`FrameSource`] is the one interface the checks use to get frames. [`NokhwaSource`] reads a
//!   real camera (the `device` feature, on by default; without it no camera library is linked); [`ImageSource`] and [`SyntheticSource`] stand in for one in tests and in
//!   `preflight check --camera-image FILE`.
//! - [`analysis`] is pure: it measures frames (`RgbImage`) and summarises a capture.
//!
//! Privacy: frames live in memory only. Nothing here writes an image anywhere.

pub mod analysis;
mod error;
#[cfg(feature = "device")]
mod nokhwa_source;
mod source;

pub use analysis::{frame_stats, ssim, summarize, CameraSummary, FrameAnalyzer, FrameStats, Plane};
pub use error::CameraError;
#[cfg(feature = "device")]
pub use nokhwa_source::{list_cameras, CameraDevice, NokhwaSource};
pub use source::{sample, Frame, FrameSource, ImageSource, Sample, SyntheticSource};
