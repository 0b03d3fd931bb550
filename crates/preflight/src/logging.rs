//! Logging for the app and the tray process: tracing to stderr and to a daily-rotated file in
//! the app's log directory (the last 7 days are kept). Logs hold events and figures only, never
//! audio or pictures.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

/// Keeps the file writer flushing; dropped when the app exits.
pub struct LogGuard(#[allow(dead_code)] Option<WorkerGuard>);

/// Starts logging to `log_dir/<prefix>.<date>.log`. A log directory that cannot be created only
/// loses the file log (with a note on stderr); the program still runs.
pub fn init(log_dir: &Path, prefix: &str) -> LogGuard {
    let filter =
        EnvFilter::try_from_env("PREFLIGHT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = fmt::layer().with_writer(std::io::stderr);
    let file = std::fs::create_dir_all(log_dir)
        .map_err(|e| e.to_string())
        .and_then(|_| {
            Builder::new()
                .rotation(Rotation::DAILY)
                .filename_prefix(prefix)
                .filename_suffix("log")
                .max_log_files(7)
                .build(log_dir)
                .map_err(|e| e.to_string())
        });
    match file {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let _ = tracing_subscriber::registry()
                .with(filter)
                .with(stderr)
                .with(fmt::layer().with_ansi(false).with_writer(writer))
                .try_init();
            LogGuard(Some(guard))
        }
        Err(e) => {
            let _ = tracing_subscriber::registry()
                .with(filter)
                .with(stderr)
                .try_init();
            tracing::warn!(dir = %log_dir.display(), error = %e, "file logging is off: the log directory is not writable");
            LogGuard(None)
        }
    }
}
