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
//!
//! [`schedule`] holds the sessions (added by hand or imported by [`ics`] from .ics files and
//! feeds, recurrence and time zones included); [`links`] finds the meeting room in an event and
//! refuses unsafe links; [`records`] keeps the metadata-only log of checks, room openings and
//! sessions and exports it as CSV; [`store`] writes JSON atomically and keeps damaged files
//! aside. [`fetch`] downloads subscribed calendars (the only I/O here besides files).

pub mod fetch;
pub mod ics;
pub mod icstext;
pub mod links;
pub mod programme;
pub mod records;
pub mod reminder;
pub mod run;
pub mod schedule;
pub mod script;
pub mod store;
pub mod text;

pub use ics::{import as import_ics, IcsError, ImportOptions, ImportOutcome};
pub use links::{check_link, CustomPattern, LinkError, MeetingLink, Provider};
pub use records::{CheckLine, CheckRecord, ChecklistLine, RecordStore, Records, RoomRecord};
pub use reminder::{
    stage, tested_in_time, Action, ActionKind, ReminderConfig, ReminderState, Stage,
};
pub use run::{PhaseRecord, ScriptView, SessionRecord, SessionRun};
pub use schedule::{Schedule, Session, SessionInput, SessionSource, Subscription};
pub use script::{
    built_in, phase_timer, PhaseTimer, Programme, Template, TemplateError, TimerColour,
};
