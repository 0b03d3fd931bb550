//! What every use case runs against: where the mentor's data and settings are, what time it is,
//! and the operating system. Each shell builds one with [`Context::system`] when it starts and
//! hands it down; a test builds its own in a temporary folder with a fixed clock
//! ([`Context::in_folder`], [`Context::at_time`]), so tests never change the process's
//! environment and run side by side.
//!
//! This is the only place that asks the system for its data and configuration folders.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use preflight_host::locale::LocaleTimes;
use preflight_host::secrets::Secrets;
use preflight_host::Platform;
use preflight_store::StoreError;
use std::sync::Arc;

/// The app's identifier: the name of its configuration and data folders.
pub const APP_ID: &str = "org.mentorpreflight.app";

/// The clock use cases read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clock {
    /// The system's.
    System,
    /// Always this moment (tests).
    Fixed(Timestamp),
}

/// Where the data lives, the clock, the platform seam and the password store.
#[derive(Clone)]
pub struct Context {
    data: Option<PathBuf>,
    config: Option<PathBuf>,
    clock: Clock,
    platform: &'static dyn Platform,
    secrets: Arc<dyn Secrets>,
    /// How this computer writes times, when not asked of the platform (tests).
    locale: Option<LocaleTimes>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("data", &self.data)
            .field("config", &self.config)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

impl Context {
    /// This computer: the user's data and configuration folders (`~/.local/share` and
    /// `~/.config` on Linux, `%APPDATA%` on Windows, each with [`APP_ID`] — the folders Tauri
    /// gives the app too), the system clock and this system's platform seam.
    pub fn system() -> Context {
        Context {
            data: dirs::data_dir().map(|d| d.join(APP_ID)),
            config: dirs::config_dir().map(|d| d.join(APP_ID)),
            clock: Clock::System,
            platform: preflight_host::this_system(),
            secrets: preflight_host::secrets::system_secrets(),
            locale: None,
        }
    }

    /// Data in `root/data`, settings in `root/config` (for tests and tools), the system clock;
    /// times in the house style (see [`Context::with_locale_times`]).
    pub fn in_folder(root: &Path) -> Context {
        Context {
            data: Some(root.join("data")),
            config: Some(root.join("config")),
            clock: Clock::System,
            platform: preflight_host::this_system(),
            secrets: preflight_host::secrets::system_secrets(),
            locale: Some(LocaleTimes::default()),
        }
    }

    /// Data in `data`, settings in `config` (tools and tests that look at another home's
    /// folders), the system clock.
    pub fn in_folders(data: &Path, config: &Path) -> Context {
        Context {
            data: Some(data.to_path_buf()),
            config: Some(config.to_path_buf()),
            clock: Clock::System,
            platform: preflight_host::this_system(),
            secrets: preflight_host::secrets::system_secrets(),
            locale: Some(LocaleTimes::default()),
        }
    }

    /// The same context with its clock stopped at `now`.
    pub fn at_time(mut self, now: Timestamp) -> Context {
        self.clock = Clock::Fixed(now);
        self
    }

    /// The same context keeping secrets in `secrets` instead of the system's password store
    /// (tests, with [`preflight_host::secrets::MemorySecrets`]).
    pub fn with_secrets(mut self, secrets: Arc<dyn Secrets>) -> Context {
        self.secrets = secrets;
        self
    }

    /// Where secrets are kept: the system's password store, unless a test gave another.
    pub fn secrets(&self) -> &dyn Secrets {
        self.secrets.as_ref()
    }

    /// Now, by this context's clock.
    pub fn now(&self) -> Timestamp {
        match self.clock {
            Clock::System => Timestamp::now(),
            Clock::Fixed(t) => t,
        }
    }

    /// The platform seam.
    pub fn platform(&self) -> &'static dyn Platform {
        self.platform
    }

    /// The same context as on a computer whose regional settings say `locale` (a context in a
    /// folder says nothing, so its times are the house style whatever the test machine's
    /// locale).
    pub fn with_locale_times(mut self, locale: LocaleTimes) -> Context {
        self.locale = Some(locale);
        self
    }

    /// How this computer writes times and dates (its regional settings).
    pub fn locale_times(&self) -> LocaleTimes {
        self.locale.unwrap_or_else(|| self.platform.locale_times())
    }

    /// The data folder (`None` on a system without one).
    pub fn data_dir(&self) -> Option<&Path> {
        self.data.as_deref()
    }

    /// The configuration folder (`None` on a system without one).
    pub fn config_dir(&self) -> Option<&Path> {
        self.config.as_deref()
    }

    fn in_data(&self, name: &str) -> Result<PathBuf, StoreError> {
        self.data
            .as_ref()
            .map(|d| d.join(name))
            .ok_or_else(|| StoreError::Unreadable {
                path: name.into(),
                source: std::io::Error::other("this system has no data directory for the app"),
            })
    }

    /// The database of schedule, subscriptions, records and reminder state in the data folder
    /// ([`preflight_store::db::DB_FILE`]).
    pub fn db_path(&self) -> Result<PathBuf, StoreError> {
        self.in_data(preflight_store::db::DB_FILE)
    }

    /// Where settings live: `settings.json` in the configuration folder.
    pub fn settings_path(&self) -> Option<PathBuf> {
        self.config.as_ref().map(|d| d.join("settings.json"))
    }

    /// Where the mentor's own script templates live: `templates/*.toml` in the configuration
    /// folder (the app and the CLI both read them from here).
    pub fn templates_dir(&self) -> Option<PathBuf> {
        self.config.as_ref().map(|d| d.join("templates"))
    }

    /// Where the mentor's own programme profile lives: `programmes/custom.toml` in the
    /// configuration folder.
    pub fn custom_profile_path(&self) -> Option<PathBuf> {
        self.config
            .as_ref()
            .map(|d| d.join("programmes").join("custom.toml"))
    }

    /// Where focus mode keeps the notification setting it found, until it restores it.
    pub fn focus_saved_path(&self) -> PathBuf {
        self.data
            .clone()
            .unwrap_or_else(std::env::temp_dir)
            .join("focus-before")
    }

    /// Where the logs of a shell go: `logs/` in the data folder.
    pub fn log_dir(&self) -> Option<PathBuf> {
        self.data.as_ref().map(|d| d.join("logs"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_context_in_a_folder_keeps_everything_there() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::in_folder(dir.path());
        for p in [
            ctx.db_path().unwrap(),
            ctx.settings_path().unwrap(),
            ctx.templates_dir().unwrap(),
            ctx.custom_profile_path().unwrap(),
            ctx.focus_saved_path(),
            ctx.log_dir().unwrap(),
        ] {
            assert!(p.starts_with(dir.path()), "{}", p.display());
        }
        let t: Timestamp = "2026-12-04T10:00:00Z".parse().unwrap();
        assert_eq!(ctx.at_time(t).now(), t);
    }
}
