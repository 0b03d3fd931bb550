//! The one seam between Mentor Preflight and the operating system's own mechanisms (who uses the
//! camera and microphone, which recorders run, silencing notifications, what carries the network
//! link, the kernel's TCP counters): a [`Platform`] for this system, chosen at compile time —
//! Linux's ([`crate::linux`]), Windows' ([`crate::windows`]), or an honest fallback that says
//! "not available on this system" where a mechanism is missing.

use std::path::PathBuf;

use crate::focus::{manual_advice, FocusStatus, FocusSwitch};
use crate::inuse::{DevicePaths, Indicators};
use crate::link::LinkDetails;
use crate::RawSocket;

/// What this system lets the app see and do.
pub trait Platform: Send + Sync {
    /// Whether the camera and microphone are in use by another app, and which recorders run.
    fn indicators(&self, paths: &DevicePaths) -> Indicators;

    /// The known screen and sound recorders running now, or `None` where processes cannot be
    /// listed on this system.
    fn running_recorders(&self) -> Option<Vec<String>>;

    /// The switch that silences notifications, if the app can reach one here. `saved` is where
    /// the setting found before is kept until it is restored.
    fn focus_switch(&self, saved: PathBuf) -> Option<Box<dyn FocusSwitch>>;

    /// What the system says about network interface `name` (as `netdev` names it) beyond
    /// `netdev`'s report; nothing where it says nothing more.
    fn link_details(&self, _name: &str) -> LinkDetails {
        LinkDetails::default()
    }

    /// Bytes the other end of the TCP connection `socket` has acknowledged (what crossed the
    /// line, not what waits in the send buffer), or `None` where the system does not tell.
    fn tcp_bytes_acked(&self, _socket: RawSocket) -> Option<u64> {
        None
    }

    /// Tells the system not to report "port unreachable" answers as errors on the UDP socket
    /// `socket` (Windows reports them on every later receive; Linux only on connected sockets).
    fn ignore_udp_unreachable(&self, _socket: RawSocket) {}

    /// Whether a window that asks for it (Tauri's content protection) is kept out of screen
    /// shares and recordings: Windows (`WDA_EXCLUDEFROMCAPTURE`) and macOS do, X11 and Wayland
    /// cannot.
    fn hides_windows_from_screen_share(&self) -> bool {
        true
    }

    /// Tells the mentor something that stops the program, in a dialog of the system's own (for
    /// a program started from a menu, with no terminal to print to). Nothing where the system
    /// has no such dialog without a toolkit; the caller prints it too.
    fn alert(&self, _title: &str, _text: &str) {}

    /// How the mentor's computer writes times and dates (12- or 24-hour clock, month or day
    /// first), from the system's locale settings; nothing where it does not say.
    fn locale_times(&self) -> crate::locale::LocaleTimes {
        crate::locale::LocaleTimes::default()
    }

    /// Focus mode as the windows show it.
    fn focus_status(&self, saved: PathBuf) -> FocusStatus {
        match self.focus_switch(saved) {
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
}

/// A system without the mechanisms: every answer is "cannot tell" or "do it by hand", said so.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fallback;

impl Platform for Fallback {
    fn indicators(&self, _paths: &DevicePaths) -> Indicators {
        Indicators {
            note: Some("Device indicators are not available on this system yet.".into()),
            ..Default::default()
        }
    }

    fn running_recorders(&self) -> Option<Vec<String>> {
        None
    }

    fn focus_switch(&self, _saved: PathBuf) -> Option<Box<dyn FocusSwitch>> {
        None
    }
}

/// Linux: `/proc`, `pactl` and GNOME's `gsettings` ([`crate::linux`]).
#[cfg(target_os = "linux")]
#[derive(Debug, Clone, Copy, Default)]
pub struct Linux;

#[cfg(target_os = "linux")]
impl Platform for Linux {
    fn indicators(&self, paths: &DevicePaths) -> Indicators {
        crate::linux::indicators(paths)
    }

    fn running_recorders(&self) -> Option<Vec<String>> {
        Some(crate::linux::running_recorders())
    }

    fn focus_switch(&self, saved: PathBuf) -> Option<Box<dyn FocusSwitch>> {
        let f = crate::linux::GnomeFocus {
            program: PathBuf::from("gsettings"),
            saved,
        };
        f.available().then(|| Box::new(f) as Box<dyn FocusSwitch>)
    }

    fn link_details(&self, name: &str) -> LinkDetails {
        crate::linux::link_details(name)
    }

    fn hides_windows_from_screen_share(&self) -> bool {
        false
    }

    fn tcp_bytes_acked(&self, socket: RawSocket) -> Option<u64> {
        crate::linux::tcp_bytes_acked(socket)
    }

    fn locale_times(&self) -> crate::locale::LocaleTimes {
        crate::linux::locale_times()
    }
}

/// Windows: the consent store, the process list, the WLAN API and `SIO_TCP_INFO`
/// ([`crate::windows`]). Windows offers no switch for Do not disturb to apps: focus mode says
/// how to do it by hand.
#[cfg(windows)]
#[derive(Debug, Clone, Copy, Default)]
pub struct Windows;

#[cfg(windows)]
impl Platform for Windows {
    fn indicators(&self, _paths: &DevicePaths) -> Indicators {
        crate::windows::indicators()
    }

    fn running_recorders(&self) -> Option<Vec<String>> {
        crate::windows::running_recorders()
    }

    fn focus_switch(&self, _saved: PathBuf) -> Option<Box<dyn FocusSwitch>> {
        None
    }

    fn link_details(&self, name: &str) -> LinkDetails {
        crate::windows::link_details(name)
    }

    fn tcp_bytes_acked(&self, socket: RawSocket) -> Option<u64> {
        crate::windows::tcp_bytes_acked(socket)
    }

    fn alert(&self, title: &str, text: &str) {
        crate::windows::alert(title, text)
    }

    fn ignore_udp_unreachable(&self, socket: RawSocket) {
        crate::windows::ignore_udp_unreachable(socket)
    }

    fn locale_times(&self) -> crate::locale::LocaleTimes {
        crate::windows::locale_times()
    }
}

/// This system's platform.
pub fn this_system() -> &'static dyn Platform {
    #[cfg(target_os = "linux")]
    {
        &Linux
    }
    #[cfg(windows)]
    {
        &Windows
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    {
        &Fallback
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_says_what_it_cannot_do() {
        let i = Fallback.indicators(&DevicePaths::default());
        assert_eq!(
            (i.camera.in_use, i.mic.in_use, i.recorders),
            (None, None, None)
        );
        assert!(i.note.unwrap().contains("not available on this system"));
        assert_eq!(Fallback.running_recorders(), None);
        assert_eq!(Fallback.link_details("eth0"), LinkDetails::default());
        // Linux desktops cannot keep a window out of a screen share.
        assert_eq!(
            this_system().hides_windows_from_screen_share(),
            !cfg!(target_os = "linux")
        );
        let f = Fallback.focus_status(PathBuf::from("/nonexistent"));
        assert!(!f.supported);
        assert!(f.message.contains("Do Not Disturb") || f.message.contains("Do not disturb"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_lists_processes() {
        // This test's own process tree is visible: recorders is a list (maybe empty), never None.
        assert!(this_system().running_recorders().is_some());
        let i = this_system().indicators(&DevicePaths::default());
        assert!(i.camera.in_use.is_some(), "{i:?}");
    }
}
