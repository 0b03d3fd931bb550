//! Which display system the app runs on, and what follows for the script window: Wayland
//! ignores "always on top" (so with XWayland the app runs as an X11 client), and only Windows
//! and macOS can keep a window out of a screen share.

/// The display session, from the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    /// A Wayland compositor is there (`WAYLAND_DISPLAY`).
    pub wayland: bool,
    /// An X server (or XWayland) is there (`DISPLAY`).
    pub x11: bool,
    /// The mentor (or their desktop) already chose a GTK backend (`GDK_BACKEND`).
    pub backend_chosen: bool,
}

impl Session {
    /// Reads the environment.
    pub fn detect() -> Session {
        let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        Session {
            wayland: set("WAYLAND_DISPLAY"),
            x11: set("DISPLAY"),
            backend_chosen: set("GDK_BACKEND"),
        }
    }
}

/// Whether to run as an X11 client (and why, for the log): on Wayland with XWayland at hand,
/// unless a backend was chosen already. (Only Linux desktops set `WAYLAND_DISPLAY`.)
pub fn prefer_x11(s: Session) -> Option<&'static str> {
    (s.wayland && s.x11 && !s.backend_chosen).then_some(
        "Wayland: running through XWayland so the session script can stay on top of the call",
    )
}

/// What the script window says once about itself on this system, if anything (`hides`: the
/// system keeps windows out of screen shares, as Windows and macOS do).
pub fn script_window_note(s: Session, hides: bool) -> Option<String> {
    if hides {
        // Content protection keeps it out of screen shares, and it stays on top.
        return None;
    }
    let mut note = String::from(
        "If you share your screen, your mentee can see this window: this system cannot hide it from a screen share. Share only the meeting app's window, or move this one aside first.",
    );
    if s.wayland && (!s.x11 || s.backend_chosen) && !x11_in_use(s) {
        note.push_str(
            " On this Wayland desktop the window cannot keep itself on top of the call; use your desktop's “Always on top” for it.",
        );
    }
    Some(note)
}

/// Whether GTK is on X11: no Wayland, or the backend is X11 (set by us or the mentor).
fn x11_in_use(s: Session) -> bool {
    !s.wayland || std::env::var("GDK_BACKEND").is_ok_and(|b| b.starts_with("x11"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const X11: Session = Session {
        wayland: false,
        x11: true,
        backend_chosen: false,
    };

    #[test]
    fn wayland_with_xwayland_runs_as_x11_unless_chosen_otherwise() {
        let wayland = Session {
            wayland: true,
            ..X11
        };
        assert!(prefer_x11(wayland).is_some());
        assert!(prefer_x11(X11).is_none(), "plain X11 needs nothing");
        assert!(prefer_x11(Session {
            backend_chosen: true,
            ..wayland
        })
        .is_none());
        assert!(
            prefer_x11(Session {
                x11: false,
                ..wayland
            })
            .is_none(),
            "no XWayland: nothing to switch to"
        );
    }

    #[test]
    fn the_script_window_says_what_this_system_cannot_do() {
        // Windows and macOS keep the window out of screen shares: nothing to say.
        assert_eq!(script_window_note(X11, true), None);
        let note = script_window_note(X11, false).unwrap();
        assert!(note.contains("can see this window"), "{note}");
        assert!(!note.contains("Wayland"), "{note}");
        let pure_wayland = Session {
            wayland: true,
            x11: false,
            backend_chosen: false,
        };
        assert!(script_window_note(pure_wayland, false)
            .unwrap()
            .contains("cannot keep itself on top"));
    }
}
