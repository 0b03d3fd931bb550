//! Mentor Preflight desktop app: a thin shell over the `preflight` engine.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod logging;

use preflight::{
    settings, verdict, CheckId, CheckOptions, DeviceReport, Progress, Report, Settings,
    SettingsView,
};
use tauri::ipc::Channel;
use tauri::Manager;

/// Runs the pre-flight check, streaming progress (live mic level, per-check results) on
/// `on_progress`, and returns the report.
#[tauri::command]
async fn run_check(
    options: CheckOptions,
    on_progress: Channel<Progress>,
) -> Result<Report, String> {
    tracing::info!(?options, "pre-flight check requested");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let forward = tauri::async_runtime::spawn(async move {
        while let Some(p) = rx.recv().await {
            if on_progress.send(p).is_err() {
                break; // the window went away; the check still finishes
            }
        }
    });
    let report = preflight::run(options, tx).await;
    let _ = forward.await;
    tracing::info!(overall = ?report.overall, ms = report.duration_ms, "pre-flight check finished");
    Ok(report)
}

/// Settles a question only the mentor can answer ("Did you hear the chime?") and returns the
/// report with the verdict and the overall status updated.
#[tauri::command]
fn answer_question(mut report: Report, id: CheckId, yes: bool) -> Report {
    verdict::answer(&mut report, id, yes);
    tracing::info!(check = ?id, yes, overall = ?report.overall, "question answered");
    report
}

/// Lists microphones, speakers and cameras.
#[tauri::command]
async fn list_devices() -> Result<DeviceReport, String> {
    tauri::async_runtime::spawn_blocking(preflight::list_all_devices)
        .await
        .map_err(|e| e.to_string())
}

/// The remembered device choices (shared with the `preflight` CLI).
#[tauri::command]
fn get_settings() -> SettingsView {
    let loaded = settings::load();
    SettingsView {
        settings: loaded.value,
        notice: loaded.notice,
    }
}

/// Remembers the device choices (written atomically).
#[tauri::command]
fn save_settings(settings: Settings) -> Result<(), String> {
    settings::save(&settings).map_err(|e| format!("Your device choices could not be saved: {e}"))
}

fn main() {
    tauri::Builder::default()
        .setup(|app| {
            let log_dir = app.path().app_log_dir()?;
            let guard = logging::init(&log_dir);
            app.manage(guard);
            tracing::info!(version = env!("CARGO_PKG_VERSION"), log_dir = %log_dir.display(), "Mentor Preflight started");
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            run_check,
            answer_question,
            list_devices,
            get_settings,
            save_settings
        ])
        .run(tauri::generate_context!())
        .expect("error while running Mentor Preflight");
}
