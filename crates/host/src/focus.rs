//! Focus mode: silence desktop notifications for the session, and restore them after.
//!
//! What each system allows, honestly:
//! - GNOME (and desktops using its settings): `gsettings set org.gnome.desktop.notifications
//!   show-banners false` is GNOME's own "Do Not Disturb" switch ([`crate::linux::GnomeFocus`]).
//!   The value found is remembered in a small file (so a restart still restores it) and put
//!   back afterwards.
//! - KDE Plasma: Do Not Disturb is held by a live D-Bus connection, which a helper command cannot
//!   keep open; the mentor is told where to switch it on.
//! - Windows (Focus Assist / Do Not Disturb) and macOS (Focus) offer apps no public way to turn
//!   them on; the mentor is told how to do it.

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

/// A switch that silences notifications and puts them back.
pub trait FocusSwitch {
    /// Notifications are currently silenced.
    fn is_on(&self) -> Result<bool, String>;
    /// Silences them, remembering how they were.
    fn enable(&self) -> Result<FocusStatus, String>;
    /// Puts back how they were before [`FocusSwitch::enable`].
    fn restore(&self) -> Result<FocusStatus, String>;
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
