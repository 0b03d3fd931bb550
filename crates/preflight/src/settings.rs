//! The mentor's remembered choices (which microphone, speakers and camera), shared by the app
//! and the CLI, stored as JSON in the app's configuration directory.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::store::{load_json, save_json, Loaded};

/// The app's identifier: the name of its configuration and data directories.
pub const APP_ID: &str = "org.mentorpreflight.app";

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

/// Where settings live: `<config dir>/org.mentorpreflight.app/settings.json`
/// (on Linux `~/.config/org.mentorpreflight.app/settings.json`, the same directory Tauri
/// gives the app).
pub fn settings_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join(APP_ID).join("settings.json"))
}

/// Loads the settings (defaults if there are none; a damaged file is kept aside with a notice).
pub fn load() -> Loaded<Settings> {
    match settings_path() {
        Some(p) => load_json(&p),
        None => Loaded {
            value: Settings::default(),
            notice: None,
        },
    }
}

/// Saves the settings atomically.
pub fn save(settings: &Settings) -> std::io::Result<()> {
    let path = settings_path().ok_or_else(|| {
        std::io::Error::other("this system has no configuration directory for the settings")
    })?;
    save_json(&path, settings)
}
