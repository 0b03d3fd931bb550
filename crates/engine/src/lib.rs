//! The pre-flight engine: runs the checks concurrently over [`Probes`] (devices, camera,
//! network, clock — the real machine in the shells, fakes in the tests), each bounded in time,
//! turns the measurements into verdicts (`preflight-verdict`) and builds the [`Report`] that
//! the CLI, the app and the records all show.
//!
//! - [`runner`]: the check run, its order and skip rules, [`Progress`] events for live meters.
//! - [`probes`]: the [`Probes`] seam and [`SystemProbes`].
//! - [`preview`]: the live camera preview (small JPEG frames, in memory only).
//! - [`devices`]: the microphones, speakers and cameras this machine lists.
//! - [`guide`]: what the windows show about the checks, as Rust defines it.
//! - [`listen`]: the microphone meter, *hear yourself* and the chime again, outside the check.
//! - [`feed`]: one owner per device (camera, microphone), shared by all of the above.

pub mod cameras;
pub mod checks;
pub mod devices;
pub mod feed;
pub mod guide;
pub mod handover;
pub mod listen;
pub mod measure;
pub mod options;
pub mod preview;
pub mod probes;
pub mod progress;
pub mod runner;

pub use devices::{list_all_devices, DeviceReport};
pub use preflight_model::Report;
pub use preview::{run_preview, PreviewFrame};
pub use probes::{open_camera, CameraChoice, Probes, SpeedTest, SystemProbes};
pub use progress::Progress;
pub use runner::{run, run_checks, run_with, CheckOptions, Limits, PROMPT_SENTENCE};
