//! Systems without a tray backend here (macOS would need an `NSStatusItem` and its SDK): no
//! icon, said once; the reminders still come as notifications.

use tokio::sync::mpsc;

use crate::Ask;

/// Text for a notification, as it is.
pub fn body_text(s: &str) -> String {
    s.to_string()
}

/// No icon.
pub struct Icon;

impl Icon {
    /// Always the reason there is no icon.
    pub async fn spawn(
        _headline: String,
        _asks: mpsc::UnboundedSender<Ask>,
    ) -> Result<Icon, String> {
        Err("this system has no tray icon for Mentor Preflight yet".into())
    }

    /// Nothing to show it on.
    pub async fn set_headline(&self, _headline: String) {}

    /// Nothing to take down.
    pub async fn shutdown(self) {}
}
