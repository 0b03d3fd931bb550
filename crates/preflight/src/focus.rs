//! Focus mode: silence desktop notifications for the session, and restore them after.
//!
//! What each system allows, honestly:
//! - GNOME (and desktops using its settings): `gsettings set org.gnome.desktop.notifications
//!   show-banners false` is GNOME's own "Do Not Disturb" switch. We remember the value we found
//!   (in a small file, so a restart still restores it) and put it back afterwards.
//! - KDE Plasma: Do Not Disturb is held by a live D-Bus connection, which a helper command cannot
//!   keep open; the mentor is told where to switch it on.
//! - Windows (Focus Assist / Do Not Disturb) and macOS (Focus) offer apps no public way to turn
//!   them on; the mentor is told how to do it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Focus mode as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FocusStatus {
    /// The app can switch notifications off here.
    pub supported: bool,
    /// Notifications are silenced (where the app can tell).
    pub on: Option<bool>,
    /// What happened, or how to do it by hand.
    pub message: String,
}

const SCHEMA: &str = "org.gnome.desktop.notifications";
const KEY: &str = "show-banners";

/// GNOME's notification switch, through the `gsettings` program at `program`.
#[derive(Debug, Clone)]
pub struct GnomeFocus {
    /// The `gsettings` program (tests give a fake one).
    pub program: PathBuf,
    /// Where the value found before switching is kept until it is restored.
    pub saved: PathBuf,
}

/// How long `gsettings` may take (it talks to the settings daemon, which can hang).
const GSETTINGS_LIMIT: std::time::Duration = std::time::Duration::from_secs(3);

fn run(program: &Path, args: &[&str]) -> Result<String, String> {
    let mut cmd = Command::new(program);
    cmd.args(args);
    let out = preflight_host::run_bounded(cmd, GSETTINGS_LIMIT)
        .map_err(|e| format!("{} {e}", program.display()))?;
    if out.status.success() {
        Ok(out.stdout.trim().to_string())
    } else {
        Err(out.stderr.trim().to_string())
    }
}

impl GnomeFocus {
    /// Whether the switch exists (the program runs and the key is writable).
    pub fn available(&self) -> bool {
        run(&self.program, &["writable", SCHEMA, KEY]).is_ok_and(|o| o == "true")
    }

    /// Banners are currently off.
    pub fn is_on(&self) -> Result<bool, String> {
        run(&self.program, &["get", SCHEMA, KEY]).map(|v| v == "false")
    }

    /// Turns banners off, remembering the previous value (unless already remembered).
    pub fn enable(&self) -> Result<FocusStatus, String> {
        let before = run(&self.program, &["get", SCHEMA, KEY])?;
        if !self.saved.exists() {
            if let Some(dir) = self.saved.parent() {
                std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
            }
            std::fs::write(&self.saved, &before).map_err(|e| e.to_string())?;
        }
        run(&self.program, &["set", SCHEMA, KEY, "false"])?;
        Ok(FocusStatus {
            supported: true,
            on: Some(true),
            message: "Notifications are silenced until you end focus mode.".into(),
        })
    }

    /// Puts back the value found before [`enable`](Self::enable) (banners on if none was kept).
    pub fn restore(&self) -> Result<FocusStatus, String> {
        let before = std::fs::read_to_string(&self.saved).unwrap_or_else(|_| "true".into());
        let value = if before.trim() == "false" {
            "false"
        } else {
            "true"
        };
        run(&self.program, &["set", SCHEMA, KEY, value])?;
        let _ = std::fs::remove_file(&self.saved);
        Ok(FocusStatus {
            supported: true,
            on: Some(value == "false"),
            message: if value == "false" {
                "Focus mode ended; notifications stay off, as they were before.".into()
            } else {
                "Focus mode ended; notifications are back.".into()
            },
        })
    }
}

/// What to tell a mentor on a system where the app cannot switch notifications.
pub fn manual_advice() -> String {
    if cfg!(target_os = "windows") {
        "Windows does not let apps switch on Do Not Disturb: open Settings › System › Notifications and turn on Do not disturb (Focus Assist on Windows 10).".into()
    } else if cfg!(target_os = "macos") {
        "macOS does not let apps switch on Focus: open Control Centre and choose Focus › Do Not Disturb.".into()
    } else if std::env::var("XDG_CURRENT_DESKTOP").is_ok_and(|d| d.to_uppercase().contains("KDE")) {
        "On KDE Plasma, click the notifications icon in the panel and switch on Do Not Disturb."
            .into()
    } else {
        "This desktop does not let apps silence notifications: switch on Do Not Disturb in your desktop's notification settings.".into()
    }
}

/// The GNOME switch with the real `gsettings`, if this desktop has it.
pub fn system(saved: PathBuf) -> Option<GnomeFocus> {
    let f = GnomeFocus {
        program: PathBuf::from("gsettings"),
        saved,
    };
    (cfg!(target_os = "linux") && f.available()).then_some(f)
}

/// Focus mode status on this system.
pub fn status(saved: PathBuf) -> FocusStatus {
    match system(saved) {
        Some(f) => FocusStatus {
            supported: true,
            on: f.is_on().ok(),
            message: String::new(),
        },
        None => FocusStatus {
            supported: false,
            on: None,
            message: manual_advice(),
        },
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A stand-in `gsettings` that keeps the one key in a file and logs each call.
    fn fake_gsettings(dir: &Path, initial: &str) -> PathBuf {
        let store = dir.join("value");
        std::fs::write(&store, initial).unwrap();
        let script = dir.join("gsettings");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\necho \"$*\" >> '{log}'\ncase \"$1\" in\n  writable) echo true ;;\n  get) cat '{store}' ;;\n  set) printf %s \"$4\" > '{store}' ;;\n  *) exit 1 ;;\nesac\n",
                log = dir.join("calls").display(),
                store = store.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        script
    }

    #[test]
    fn silences_and_restores_gnome_banners() {
        let dir = tempfile::tempdir().unwrap();
        let f = GnomeFocus {
            program: fake_gsettings(dir.path(), "true"),
            saved: dir.path().join("state/focus-before"),
        };
        assert!(f.available());
        assert!(!f.is_on().unwrap());
        assert_eq!(f.enable().unwrap().on, Some(true));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("value")).unwrap(),
            "false"
        );
        // Enabling twice keeps the original value to restore.
        f.enable().unwrap();
        assert_eq!(std::fs::read_to_string(&f.saved).unwrap(), "true");
        assert_eq!(f.restore().unwrap().on, Some(false));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("value")).unwrap(),
            "true"
        );
        assert!(!f.saved.exists());
        let calls = std::fs::read_to_string(dir.path().join("calls")).unwrap();
        assert!(calls.contains("set org.gnome.desktop.notifications show-banners false"));
    }

    #[test]
    fn a_mentor_who_had_banners_off_keeps_them_off() {
        let dir = tempfile::tempdir().unwrap();
        let f = GnomeFocus {
            program: fake_gsettings(dir.path(), "false"),
            saved: dir.path().join("focus-before"),
        };
        f.enable().unwrap();
        let r = f.restore().unwrap();
        assert_eq!(r.on, Some(true));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("value")).unwrap(),
            "false"
        );
    }

    #[test]
    fn missing_program_is_unsupported_with_advice() {
        let f = GnomeFocus {
            program: PathBuf::from("/nonexistent/gsettings"),
            saved: PathBuf::from("/nonexistent/state"),
        };
        assert!(!f.available());
        assert!(f.enable().unwrap_err().contains("could not run"));
        assert!(
            manual_advice().contains("Do Not Disturb")
                || manual_advice().contains("Do not disturb")
        );
    }
}
