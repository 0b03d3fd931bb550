//! Mentor Preflight's application layer: the use cases the shells (the `preflight` CLI, the
//! desktop app and the tray process) call, so none implements one twice and what one records or
//! decides, the others see. Every use case takes the [`Context`] its shell built once.
//!
//! One file per use case area:
//! - [`context`]: where the data is, the clock and the platform seam.
//! - [`schedule`]: the schedule, loaded and changed under the shared lock.
//! - [`imports`]: calendar files and feeds into the schedule; subscriptions refreshed.
//! - [`checks`]: a finished check's checklist and record, and later answers and ticks.
//! - [`checklist`]: the code-of-conduct checklist from a report's typed evidence (pure).
//! - [`monitoring`]: the monitoring export, and "took place as planned".
//! - [`programmes`]: the mentor's programme, its contact, their own profile.
//! - [`records`]: the metadata-only log of checks, room openings, sessions and concerns, typed,
//!   and the monitoring export rows.
//! - [`reminders`]: the reminder loop's steps over the shared files (tick, snooze, open room).
//! - [`settings`]: the mentor's device and network choices.
//! - [`launch`]: how the tray asks the app for a window (typed on both sides).
//! - [`logging`]: the rotating log (metadata only).
//! - [`script_session`]: the session script in progress (open, tick, report a concern, finish
//!   into the records).
//! - [`views`]: the schedule and programme panels as data, and the script a session opens.
//!
//! The domain crates are re-exported under short names ([`calendar`], [`scripts`], [`store`],
//! [`host`], [`model`], [`verdict`], [`net`]; with the `check` feature also the engine's
//! modules, [`audio`] and [`camera`]), so a shell depends on this crate alone.

pub mod baseline;
pub mod checklist;
pub mod checks;
pub mod context;
pub mod db;
pub mod imports;
pub mod launch;
pub mod logging;
pub mod monitoring;
pub mod prepare;
pub mod programmes;
pub mod records;
pub mod reminders;
pub mod schedule;
pub mod script_session;
pub mod settings;
pub mod views;

#[cfg(feature = "check")]
pub use preflight_audio as audio;
pub use preflight_calendar as calendar;
#[cfg(feature = "check")]
pub use preflight_camera as camera;
#[cfg(feature = "check")]
pub use preflight_engine::{
    devices, feed, guide, handover, listen, preview, probes, progress, runner,
};
pub use preflight_host as host;
pub use preflight_host::{focus, inuse};
pub use preflight_model as model;
pub use preflight_net as net;
pub use preflight_scripts as scripts;
pub use preflight_store as store;
pub use preflight_verdict as verdict;
pub use preflight_verdict::thresholds;

pub use context::Context;
pub use model::{CheckId, CheckResult, Detail, Report, Status};
#[cfg(feature = "check")]
pub use preflight_engine::{
    list_all_devices, open_camera, run, run_preview, run_with, CameraChoice, CheckOptions,
    DeviceReport, Limits, PreviewFrame, Probes, Progress, SpeedTest, SystemProbes, PROMPT_SENTENCE,
};
pub use settings::{Settings, SettingsView};
pub use verdict::PathOutcome;
