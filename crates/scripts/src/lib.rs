//! Session scripts for Mentor Preflight.
//!
//! [`script`] holds the templates: TOML validated with file:line:column errors, `{{variable}}`
//! rendering, the built-in first/regular/final scripts written from the mentoring codes, the
//! 7-week programme, phase timers and the one catalogue both shells list. [`programme`] holds the
//! programme profiles (each programme's rules, checklist and scripts). [`run`] is a script in
//! progress: phases, ticks, time spent, and the metadata-only record it leaves.

pub mod programme;
pub mod run;
pub mod script;

pub use run::{PhaseRecord, ScriptView, SessionRecord, SessionRun};
pub use script::{
    built_in, phase_timer, PhaseTimer, Programme, Template, TemplateError, TimerColour,
};
