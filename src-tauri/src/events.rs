//! Every event the app sends its windows, with its payload: one Rust type exported to
//! TypeScript (`ui/src/bindings/AppEvent.ts`), which the windows listen through
//! (`ui/src/events.ts`), so an event's name and payload are written once.

use preflight::focus::FocusStatus;
use serde::Serialize;
use tauri::{AppHandle, Emitter};

/// An event for the windows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "name", content = "payload", rename_all = "kebab-case")]
#[ts(export)]
pub enum AppEvent {
    /// Run the check now (the tray's *Run the check*, a reminder's button).
    RunCheckRequested,
    /// The check reminder is due: ask the mentor whether to run the check.
    CheckPrompt,
    /// Show the sessions and the schedule.
    ShowSchedule,
    /// Refresh the next-session headline and the countdowns.
    ScheduleTick,
    /// Focus mode was switched in one window; the other follows.
    FocusChanged(FocusStatus),
}

impl AppEvent {
    /// The event's name, as the windows listen for it (also the main window's `#hash` when it
    /// is opened for the event).
    pub fn name(&self) -> &'static str {
        match self {
            AppEvent::RunCheckRequested => "run-check-requested",
            AppEvent::CheckPrompt => "check-prompt",
            AppEvent::ShowSchedule => "show-schedule",
            AppEvent::ScheduleTick => "schedule-tick",
            AppEvent::FocusChanged(_) => "focus-changed",
        }
    }

    fn payload(&self) -> serde_json::Value {
        match self {
            AppEvent::FocusChanged(s) => serde_json::to_value(s).unwrap_or_default(),
            _ => serde_json::Value::Null,
        }
    }

    /// Sends it to the window labelled `window`.
    pub fn send_to(&self, app: &AppHandle, window: &str) {
        if let Err(e) = app.emit_to(window, self.name(), self.payload()) {
            tracing::warn!(event = self.name(), error = %e, "event not sent");
        }
    }

    /// Sends it to every window.
    pub fn send(&self, app: &AppHandle) {
        if let Err(e) = app.emit(self.name(), self.payload()) {
            tracing::warn!(event = self.name(), error = %e, "event not sent");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_payloads_are_what_typescript_is_told() {
        let status = FocusStatus {
            supported: true,
            on: Some(true),
            message: String::new(),
        };
        for e in [
            AppEvent::RunCheckRequested,
            AppEvent::CheckPrompt,
            AppEvent::ShowSchedule,
            AppEvent::ScheduleTick,
            AppEvent::FocusChanged(status.clone()),
        ] {
            let v = serde_json::to_value(&e).unwrap();
            assert_eq!(v["name"], e.name(), "{e:?}");
            assert_eq!(v.get("payload").cloned().unwrap_or_default(), e.payload());
        }
        assert_eq!(
            AppEvent::FocusChanged(status).payload()["on"],
            serde_json::json!(true)
        );
    }
}
