//! Session scripts for Mentor Preflight.
//!
//! [`script`] holds the templates: TOML validated with file:line:column errors, `{{variable}}`
//! rendering, the built-in first/regular/final scripts written from the mentoring codes, the
//! 7-week programme, phase timers and the one catalogue both shells list. [`adapt`] fits a
//! rendered script to its programme (whose profiles are the `preflight-programme` crate's). [`run`] is a script in
//! progress: phases, ticks, time spent, and the metadata-only record it leaves.

pub mod adapt;
/// The programme domain, from its own crate (re-exported so `preflight_scripts::programme` paths
/// stay one).
pub use preflight_programme as programme;
pub mod run;
pub mod script;

pub use run::{Agreed, PhaseRecord, ScriptView, SessionRecord, SessionRun};
pub use script::{
    built_in, phase_timer, seven_week_script, PhaseTimer, Template, TemplateError, TimerColour,
};
