//! Cameras for Mentor Preflight.
//!
//! - [`FrameSource`] is the one interface the checks use to get frames. [`NokhwaSource`] reads a
//!   real camera; [`ImageSource`] and [`SyntheticSource`] stand in for one in tests and in
//!   `preflight check --camera-image FILE`.
//! - [`analysis`] is pure: it measures frames (`RgbImage`) and summarises a capture.
//!
//! Privacy: frames live in memory only. Nothing here writes an image anywhere.

pub mod analysis;
mod error;
mod nokhwa_source;
mod source;

pub use analysis::{frame_stats, ssim, summarize, CameraSummary, FrameAnalyzer, FrameStats, Plane};
pub use error::CameraError;
pub use nokhwa_source::{list_cameras, CameraDevice, NokhwaSource};
pub use source::{sample, Frame, FrameSource, ImageSource, Sample, SyntheticSource};
