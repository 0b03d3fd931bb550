//! The pre-flight engine: runs the checks concurrently, turns measurements into verdicts and
//! builds the [`Report`] that the CLI, the app and the records all show.
//!
//! - [`model`]: the one result type ([`CheckResult`]) and the [`Report`].
//! - [`thresholds`]: every pass/warn/fail limit, each with its source.
//! - [`verdict`]: pure functions from measurements to [`CheckResult`]s.
//! - [`runner`]: the engine — the checks run concurrently over [`Probes`] (devices, camera,
//!   network, clock), each bounded in time, with [`Progress`] events on a channel for live
//!   meters.

pub mod calendar;
pub mod checklist;
pub mod devices;
pub mod guide;
/// Focus mode and the in-session indicators belong to the operating system seam.
pub use preflight_host::{focus, inuse};
pub mod logging;
pub use preflight_model as model;
pub mod preview;
pub mod probes;
pub mod progress;
pub mod reminders;
pub mod runner;
pub mod settings;
pub use preflight_session::store;
pub mod thresholds;
pub mod verdict;

pub use devices::{list_all_devices, DeviceReport};
pub use model::{CheckId, CheckResult, Detail, Report, Status};
pub use preview::{run_preview, PreviewFrame};
pub use probes::{open_camera, CameraChoice, Probes, SpeedTest, SystemProbes};
pub use progress::Progress;
pub use runner::{run, run_with, CheckOptions, Limits, PROMPT_SENTENCE};
pub use settings::{Settings, SettingsView};
pub use verdict::PathOutcome;
