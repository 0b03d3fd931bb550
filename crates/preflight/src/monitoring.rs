//! What the programmes' monitoring forms take: the export of a period, and the mentor's word
//! on whether a session took place as planned.

use jiff::Timestamp;
use preflight_calendar::schedule::clean_text;
use preflight_store::StoreError;

use crate::context::Context;
use crate::programmes::profiles;

/// A programme's monitoring export: one row per session between two moments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoringExport {
    /// The rows.
    pub rows: Vec<crate::records::MonitoringRow>,
    /// The rows as the CSV a programme's form takes.
    pub csv: String,
    /// A notice about a damaged records file that was set aside, if any.
    pub notice: Option<String>,
}

/// The monitoring export from `from` to `to` (only programme `programme`'s sessions when one is
/// named), as both shells write it: the schedule, the records and the programme profiles read
/// now.
pub fn monitoring_export(
    ctx: &Context,
    from: Timestamp,
    to: Timestamp,
    programme: Option<&str>,
    now: Timestamp,
) -> Result<MonitoringExport, StoreError> {
    let mut db = ctx.db()?;
    let (schedule, records) = db.export_slice(from, to)?;
    let (profiles, _) = profiles(ctx);
    let mut rows = crate::records::monitoring_rows(&schedule, &records, &profiles, from, to, now);
    if let Some(p) = programme {
        rows.retain(|r| r.programme == p);
    }
    let csv = crate::records::to_csv(&rows);
    Ok(MonitoringExport {
        rows,
        csv,
        notice: db.take_notice(),
    })
}

/// Writes an export's CSV to the file the mentor chose, as both shells do: only over an
/// ordinary file (its permissions kept) or as a new one, never over a link, a device or a pipe,
/// and never inside the app's data folder (where the database lives).
pub fn write_export(ctx: &Context, path: &std::path::Path, csv: &str) -> std::io::Result<()> {
    let data = ctx
        .data_dir()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    preflight_store::save_chosen_file(path, csv.as_bytes(), &data)
}

/// Why "did it take place as planned" was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum PlannedError {
    /// No such session in the schedule.
    #[error("There is no session with the id {0} in your schedule.")]
    NoSession(String),
    /// A *No* without a reason.
    #[error("Say in a few words why it did not take place as planned (for example: the mentee was ill, or we moved it to next week).")]
    NoReason,
    /// It has not started.
    #[error("That session has not started yet; say whether it took place as planned once it has.")]
    NotStarted,
    /// The schedule or the records could not be read or written.
    #[error("Your answer could not be saved: {0}")]
    Store(#[from] StoreError),
}

/// Records what the mentor says about session `id` having taken place as planned (the app's
/// Yes/No and `preflight records planned`); the latest answer counts. A *No* needs its
/// `reason` (a few words, cleaned and cut to [`crate::records::MAX_REASON_CHARS`]); a *Yes*
/// keeps none. Returns the session.
pub fn state_as_planned(
    ctx: &Context,
    id: &str,
    as_planned: bool,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<preflight_calendar::Session, PlannedError> {
    let reason = if as_planned {
        None
    } else {
        let r = clean_text(reason.unwrap_or_default(), crate::records::MAX_REASON_CHARS);
        let r = r.trim();
        if r.is_empty() {
            return Err(PlannedError::NoReason);
        }
        Some(r.to_string())
    };
    let mut db = ctx.db()?;
    let session = db
        .session(id)?
        .ok_or_else(|| PlannedError::NoSession(clean_text(id, 200)))?;
    if !crate::records::has_started(session.start, now) {
        return Err(PlannedError::NotStarted);
    }
    db.add_planned(&crate::records::PlannedRecord {
        session_id: id.to_string(),
        as_planned,
        reason,
        at: now,
    })?;
    Ok(session)
}
