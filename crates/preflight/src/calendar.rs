//! Where the schedule, reminder state and records live, and the steps the app and the CLI share:
//! importing a calendar, recording a check. Data files are in the app's data directory
//! (`~/.local/share/org.mentorpreflight.app/` on Linux — the same place Tauri's `app_data_dir`
//! points to), so the CLI and the app see one schedule and one set of records.

use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;
use preflight_session::fetch::{self, FetchError};
use preflight_session::store::{load_json, save_json, Loaded};
use preflight_session::{
    import_ics, CheckLine, CheckRecord, ChecklistLine, IcsError, ImportOptions, RecordStore,
    Schedule, Subscription,
};

use crate::settings::APP_ID;
use crate::Report;

/// The data directory (`None` on a system without one).
pub fn data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(APP_ID))
}

fn in_data(name: &str) -> std::io::Result<PathBuf> {
    data_dir()
        .map(|d| d.join(name))
        .ok_or_else(|| std::io::Error::other("this system has no data directory for the app"))
}

/// `schedule.json` in the data directory.
pub fn schedule_path() -> std::io::Result<PathBuf> {
    in_data("schedule.json")
}

/// `records.json` in the data directory.
pub fn records_path() -> std::io::Result<PathBuf> {
    in_data("records.json")
}

/// `reminders.json` (what the reminder loop already did) in the data directory.
pub fn reminder_state_path() -> std::io::Result<PathBuf> {
    in_data("reminders.json")
}

/// The records store.
pub fn records() -> std::io::Result<RecordStore> {
    Ok(RecordStore::new(records_path()?))
}

/// Reads the schedule (a damaged file is kept aside, with a notice).
pub fn load_schedule() -> Loaded<Schedule> {
    match schedule_path() {
        Ok(p) => load_json(&p),
        Err(e) => Loaded {
            value: Schedule::default(),
            notice: Some(e.to_string()),
        },
    }
}

/// Writes the schedule atomically.
pub fn save_schedule(s: &Schedule) -> std::io::Result<()> {
    save_json(&schedule_path()?, s)
}

/// This computer's IANA time zone name (UTC if it cannot be told).
pub fn local_zone() -> String {
    jiff::tz::TimeZone::system()
        .iana_name()
        .unwrap_or("UTC")
        .to_string()
}

/// What an import did, for the mentor.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportSummary {
    /// The calendar's name.
    pub calendar: String,
    /// Sessions now in the schedule from it.
    pub added: usize,
    /// Sessions from an earlier import of it that were replaced.
    pub replaced: usize,
    /// Events skipped, and why.
    pub notes: Vec<String>,
}

/// Why an import failed (nothing in the schedule changed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The calendar text is not usable.
    #[error("{0}")]
    Ics(#[from] IcsError),
    /// The feed could not be fetched.
    #[error("{0}")]
    Fetch(#[from] FetchError),
    /// The schedule could not be written.
    #[error("The schedule could not be saved: {0}")]
    Save(String),
}

/// Imports calendar text under the name `calendar` into `schedule` (replacing that calendar's
/// earlier sessions). Pure apart from `now`; the caller saves.
pub fn import_into(
    schedule: &mut Schedule,
    text: &str,
    calendar: &str,
    now: Timestamp,
) -> Result<ImportSummary, ImportError> {
    let mut opts = ImportOptions::new(calendar, local_zone(), now);
    opts.link_patterns = schedule.link_patterns.clone();
    let out = import_ics(text, &opts)?;
    let added = out.sessions.len();
    let replaced = schedule.replace_calendar(calendar, out.sessions);
    Ok(ImportSummary {
        calendar: calendar.into(),
        added,
        replaced,
        notes: out.notes,
    })
}

/// Imports a file or a feed address into the saved schedule. A feed is remembered as a
/// subscription (fetched again by the app).
pub fn import_and_save(source: &str, now: Timestamp) -> Result<ImportSummary, ImportError> {
    let is_feed = source.contains("://");
    let (text, name) = if is_feed {
        (
            fetch::fetch(source, Duration::from_secs(15))?,
            source.trim().to_string(),
        )
    } else {
        let text = std::fs::read_to_string(source)
            .map_err(|e| ImportError::Save(format!("{source} could not be read: {e}")))?;
        let name = std::path::Path::new(source)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| source.to_string());
        (text, name)
    };
    let mut schedule = load_schedule().value;
    let summary = import_into(&mut schedule, &text, &name, now)?;
    if is_feed && !schedule.subscriptions.iter().any(|s| s.url == name) {
        schedule.subscriptions.push(Subscription {
            url: name.clone(),
            last_fetched: Some(now.to_string()),
            last_error: None,
        });
    }
    save_schedule(&schedule).map_err(|e| ImportError::Save(e.to_string()))?;
    Ok(summary)
}

/// Fetches every subscription again; failures are kept on the subscription, and its earlier
/// sessions stay.
pub fn refresh_subscriptions(now: Timestamp) -> std::io::Result<Vec<Subscription>> {
    let mut schedule = load_schedule().value;
    let urls: Vec<String> = schedule
        .subscriptions
        .iter()
        .map(|s| s.url.clone())
        .collect();
    for url in urls {
        let result = fetch::fetch(&url, Duration::from_secs(15))
            .map_err(ImportError::from)
            .and_then(|text| import_into(&mut schedule, &text, &url, now));
        if let Some(sub) = schedule.subscriptions.iter_mut().find(|s| s.url == url) {
            match result {
                Ok(_) => {
                    sub.last_fetched = Some(now.to_string());
                    sub.last_error = None;
                }
                Err(e) => sub.last_error = Some(e.to_string()),
            }
        }
    }
    save_schedule(&schedule)?;
    Ok(schedule.subscriptions)
}

/// The report's verdict lines and checklist lines, as the records keep them.
fn record_lines(report: &Report) -> (Vec<CheckLine>, Vec<ChecklistLine>) {
    let results = report
        .checks
        .iter()
        .map(|c| CheckLine {
            id: c.id.as_str().into(),
            status: c.status.as_str().into(),
            summary: c.summary.clone(),
        })
        .collect();
    let checklist = report.checklist.iter().map(|i| i.line()).collect();
    (results, checklist)
}

/// The record of a finished check: verdicts, summaries and the checklist only, linked to the
/// scheduled session it was for (one starting within two hours).
pub fn check_record(
    report: &Report,
    schedule: &Schedule,
    at: Timestamp,
    from: &str,
) -> CheckRecord {
    let linked = schedule.session_for_check(at);
    let (results, checklist) = record_lines(report);
    CheckRecord {
        at,
        overall: report.overall.as_str().into(),
        results,
        session_id: linked.map(|(s, _)| s.id.clone()),
        minutes_before: linked.map(|(_, m)| m),
        checklist,
        from: from.into(),
    }
}

/// Appends a check to the records. Returns the record and any notice about a damaged file.
pub fn record_check(
    report: &Report,
    schedule: &Schedule,
    from: &str,
) -> std::io::Result<(CheckRecord, Option<String>)> {
    let rec = check_record(report, schedule, Timestamp::now(), from);
    let notice = records()?.update(|r| r.checks.push(rec.clone()))?;
    Ok((rec, notice))
}

/// Where focus mode keeps the notification setting it found, until it restores it.
pub fn focus_saved_path() -> PathBuf {
    data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("focus-before")
}

/// When a report's check finished.
pub fn finished_at(report: &Report) -> Timestamp {
    report
        .started_at
        .parse::<Timestamp>()
        .map(|t| t + jiff::SignedDuration::from_millis(report.duration_ms as i64))
        .unwrap_or_else(|_| Timestamp::now())
}

/// The checklist for `report` on this computer now: the next scheduled session, the recorders
/// running, focus mode, and the items the mentor ticked.
pub fn checklist_for(
    report: &Report,
    schedule: &Schedule,
    ticked: &std::collections::BTreeSet<String>,
) -> Vec<crate::checklist::ChecklistItem> {
    let at = finished_at(report);
    let focus = crate::focus::status(focus_saved_path());
    let ctx = crate::checklist::Context {
        checked_at: Some(at),
        // Only a session soon enough for this check to be "the" check for it.
        next_session: schedule
            .session_for_check(at)
            .map(|(s, _)| s.start)
            .filter(|s| *s > at),
        reminders: schedule.reminders,
        recorders: crate::inuse::running_recorders(),
        focus: focus.on,
        ticked: ticked.clone(),
    };
    crate::checklist::build(report, &ctx)
}

/// Brings the latest check recorded from `from` up to date with `report` (a question answered,
/// checklist items ticked after the check was recorded): verdicts and checklist are replaced;
/// time and session stay.
pub fn update_recorded_check(from: &str, report: &Report) -> std::io::Result<Option<String>> {
    let (results, checklist) = record_lines(report);
    records()?.update(|r| {
        if let Some(c) = r.checks.iter_mut().rev().find(|c| c.from == from) {
            c.overall = report.overall.as_str().into();
            c.results = results;
            c.checklist = checklist;
        }
    })
}
