//! The mentor's remembered choices (which microphone, speakers and camera), shared by the app
//! and the CLI, stored as JSON in the app's configuration directory.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::Context;
pub use crate::context::APP_ID;
use crate::store::{JsonStore, Loaded, StoreError};
pub use preflight_calendar::{ClockChoice, TimeStyle};

/// Remembered device choices. `None` means "the system default".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct Settings {
    /// Microphone name.
    pub mic: Option<String>,
    /// Speaker (output) name.
    pub speaker: Option<String>,
    /// Camera name.
    pub camera: Option<String>,
    /// STUN servers (host:port) for the call-quality check; empty for the public defaults.
    pub stun_servers: Vec<String>,
    /// Meeting platforms to check; absent for the defaults, empty to skip the check.
    pub platforms: Option<Vec<preflight_net::PlatformTarget>>,
    /// The mentor's first name, for the session scripts.
    pub mentor_name: Option<String>,
    /// The speed-test endpoint for the capacity check; absent for the public default.
    pub speed_test: Option<preflight_net::capacity::SpeedTest>,
    /// The programme the mentor mentors with (a profile id), chosen for new sessions and
    /// imported calendars unless they say otherwise.
    pub programme: Option<String>,
    /// The mentor answered the first-run question about their programme (even with "none").
    pub programme_chosen: bool,
    /// The script window has told the mentor what this system cannot do for it (hide it from a
    /// screen share, keep it on top), so it does not say it again.
    pub script_window_note_seen: bool,
    /// Programme contacts the mentor entered (for safeguarding and questions), by profile id.
    pub programme_contacts:
        std::collections::BTreeMap<String, preflight_scripts::programme::Contact>,
    /// The clock times are shown in: this computer's, or always 24 or 12 hours.
    pub clock: ClockChoice,
}

/// How times and dates are written for the mentor: their clock choice in `settings`, else
/// what this computer's regional settings say; the day before or after the month as they say.
pub fn time_style(ctx: &Context, settings: &Settings) -> TimeStyle {
    let locale = ctx.locale_times();
    TimeStyle::resolve(settings.clock, locale.hour12, locale.month_first)
}

/// [`time_style`] with the saved settings (the computer's alone when they cannot be read: how
/// a time is written is never a reason to stop).
pub fn current_time_style(ctx: &Context) -> TimeStyle {
    let settings = load(ctx).map(|l| l.value).unwrap_or_default();
    time_style(ctx, &settings)
}

/// Settings as shown to the app, with a notice when a damaged file was kept aside.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SettingsView {
    /// The settings in force.
    pub settings: Settings,
    /// What to tell the mentor about the settings file, if anything.
    pub notice: Option<String>,
}

/// Loads the settings: defaults if there are none; a damaged file is kept aside with a notice;
/// a file that cannot be read is an error (the caller must not save over it).
pub fn load(ctx: &Context) -> Result<Loaded<Settings>, StoreError> {
    store(ctx)?.load()
}

/// Changes the settings under the lock and saves them atomically.
pub fn update(
    ctx: &Context,
    change: impl FnOnce(&mut Settings),
) -> Result<Option<String>, StoreError> {
    store(ctx)?.change(change)
}

/// The settings file, with the house discipline (locked changes, atomic writes, a damaged file
/// kept aside, an unreadable one reported and never replaced).
fn store(ctx: &Context) -> Result<JsonStore<Settings>, StoreError> {
    ctx.settings_path()
        .map(JsonStore::new)
        .ok_or_else(|| StoreError::Unreadable {
            path: "settings.json".into(),
            source: std::io::Error::other(
                "this system has no configuration directory for the settings",
            ),
        })
}
