//! The mentor's schedule for Mentor Preflight.
//!
//! [`schedule`] holds the sessions (added by hand or imported by [`ics`] from .ics files and
//! feeds, recurrence and time zones included, read by our bounded [`icstext`] reader); [`links`]
//! finds the meeting room in an event and refuses unsafe links; [`reminder`] decides, as a pure
//! function of a session's start, the settings and an injected `now`, what is due: waiting, the
//! pre-flight check (the codes ask for a test at least 10 minutes before), opening the room
//! (5–10 minutes early), or nothing because the session is under way or over. Nothing here reads
//! a clock or sleeps. [`fetch`] downloads subscribed calendars (the only I/O here); [`text`]
//! makes text from outside safe to show and print; [`when`] writes times and dates as the
//! mentor reads them (their 12/24-hour clock, their day/month order).

pub mod fetch;
pub mod ics;
pub mod icstext;
pub mod links;
pub mod login;
pub mod reminder;
pub mod schedule;
pub mod text;
pub mod when;

pub use ics::{import as import_ics, IcsError, ImportOptions, ImportOutcome};
pub use links::{check_link, CustomPattern, LinkError, MeetingLink, Provider};
pub use reminder::{
    stage, tested_in_time, Action, ActionKind, ReminderConfig, ReminderState, Stage,
};
pub use schedule::{Schedule, Session, SessionInput, SessionSource, Subscription};
pub use when::{ClockChoice, TimeStyle};
