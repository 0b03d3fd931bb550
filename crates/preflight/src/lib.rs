//! Mentor Preflight's application layer: the use cases both shells (the `preflight` CLI and
//! the desktop app) call, so neither implements one twice and what one records or decides, the
//! other sees.
//!
//! - [`calendar`]: the data folder, the locked stores of every file (schedule, records,
//!   reminder state, programme profiles), and the use cases over them: a finished check kept in
//!   the records and found again, its checklist, an import or a subscription refreshed, the
//!   monitoring export, "took place as planned".
//! - [`records`]: the metadata-only log of checks, room openings, sessions and concerns, typed,
//!   and the monitoring export rows.
//! - [`reminders`]: the reminder loop's steps over the shared files (tick, snooze, open room).
//! - [`settings`]: the mentor's device and network choices.
//! - [`logging`]: the rotating log (metadata only).
//! - [`script_session`]: the session script in progress (open, tick, report a concern, finish
//!   into the records).
//! - [`views`]: the schedule and programme panels as data, and the script a session opens.
//!
//! The engine, the verdict rules, the model and the operating-system seam are re-exported from
//! their crates (`preflight-engine`, `preflight-verdict`, `preflight-model`, `preflight-host`),
//! so a shell needs this crate only.

pub mod calendar;
pub mod checklist;
pub mod context;
pub mod launch;
pub mod logging;
pub mod records;
pub mod reminders;
pub mod script_session;
pub mod settings;
pub mod views;

#[cfg(feature = "check")]
pub use preflight_engine::{devices, guide, handover, listen, preview, probes, progress, runner};
pub use preflight_host::{focus, inuse};
pub use preflight_model as model;
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
