//! Mentor Preflight desktop app: a thin shell over the `preflight` engine.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod logging;

use preflight::{CheckOptions, DeviceReport, Progress, Report};
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

/// Lists microphones, speakers and cameras.
#[tauri::command]
async fn list_devices() -> Result<DeviceReport, String> {
    tauri::async_runtime::spawn_blocking(preflight::list_all_devices)
        .await
        .map_err(|e| e.to_string())
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
        .invoke_handler(tauri::generate_handler![run_check, list_devices])
        .run(tauri::generate_context!())
        .expect("error while running Mentor Preflight");
}
