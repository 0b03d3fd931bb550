//! Sessions and reminders for Mentor Preflight.
//!
//! [`reminder`] decides, as a pure function of a session's start time, the settings and an
//! injected `now`, what the app should be doing: waiting, prompting the pre-flight check
//! (the codes ask for a test at least 10 minutes before), opening the room (5–10 minutes early),
//! or nothing because the session is under way or over. Nothing here reads a clock or sleeps.
//!
//! [`script`] holds the session scripts: TOML templates validated with file:line:column errors,
//! `{{variable}}` rendering, the built-in first/regular/final templates written from the
//! mentoring codes, the 7-week programme, and phase timers.

pub mod reminder;
pub mod run;
pub mod script;

pub use reminder::{stage, tested_in_time, ReminderConfig, Stage};
pub use run::{PhaseRecord, ScriptView, SessionRecord, SessionRun};
pub use script::{
    built_in, phase_timer, PhaseTimer, Programme, Template, TemplateError, TimerColour,
};
