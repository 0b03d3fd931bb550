//! The listening commands (the microphone meter, *hear yourself*, the chime again): one line
//! each over the engine's `listen` module, with the window's channel as the event sink.

use preflight::listen;
pub use preflight::listen::Meter;
use preflight::progress::{HearOutcome, ListenEvent};
use tauri::ipc::Channel;
use tauri::State;

/// Starts the microphone meter on `mic` (the system default when `None`); levels go to
/// `on_event` about 20 times a second until [`mic_meter_stop`], a check, or the window closes.
#[tauri::command]
pub fn mic_meter_start(
    mic: Option<String>,
    on_event: Channel<ListenEvent>,
    meter: State<'_, Meter>,
) {
    meter.start(mic, move |e| {
        let _ = on_event.send(e);
    });
}

/// Stops the microphone meter.
#[tauri::command]
pub fn mic_meter_stop(meter: State<'_, Meter>) {
    meter.stop();
}

/// *Hear yourself*: a few seconds from `mic`, played back on `speaker` (in memory only).
#[tauri::command]
pub async fn hear_yourself(
    mic: Option<String>,
    speaker: Option<String>,
    on_event: Channel<ListenEvent>,
    meter: State<'_, Meter>,
) -> Result<HearOutcome, String> {
    meter.stop();
    tauri::async_runtime::spawn_blocking(move || {
        listen::hear_yourself(mic, speaker, |e| {
            let _ = on_event.send(e);
        })
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Plays the speaker-test chime again.
#[tauri::command]
pub async fn play_chime(speaker: Option<String>, meter: State<'_, Meter>) -> Result<(), String> {
    meter.stop();
    tauri::async_runtime::spawn_blocking(move || listen::chime_again(speaker))
        .await
        .map_err(|e| e.to_string())?
}
