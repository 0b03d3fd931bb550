//! The use cases over the schedule, the records and the programmes that the app, the tray and
//! the CLI share: importing a calendar, subscribing, recording a check and its checklist, the
//! monitoring export, "took place as planned", the mentor's programme and its contact. Each takes
//! the [`Context`] its shell built once: the data files are where it says (on a real system the
//! app's data folder, `~/.local/share/org.mentorpreflight.app/` on Linux — the one Tauri's
//! `app_data_dir` points to — so every shell sees one schedule and one set of records).

use std::path::Path;
use std::time::Duration;

use crate::records::CheckLine;
use crate::records::CheckRecord;
use crate::records::ChecklistLine;
use jiff::Timestamp;
use preflight_calendar::fetch::{self, FetchError, MAX_FEED_BYTES};
use preflight_calendar::ics::import_bytes;
use preflight_calendar::schedule::clean_text;
use preflight_calendar::schedule::Membership;
use preflight_calendar::IcsError;
use preflight_calendar::ImportOptions;
use preflight_calendar::Schedule;
use preflight_calendar::Subscription;
use preflight_scripts::programme::{Profile, Profiles};
use preflight_scripts::TemplateError;
use preflight_store::{read_bounded, Loaded, StoreError};

use crate::context::Context;
use crate::model::Origin;
use crate::Report;

/// Reads the schedule (a damaged file is kept aside, with a notice; a file that cannot be read
/// is an error).
pub fn load_schedule(ctx: &Context) -> Result<Loaded<Schedule>, StoreError> {
    ctx.schedule_store()?.load()
}

/// Changes the schedule under the lock and saves it atomically; nothing is written when
/// `change` fails. Returns what `change` returned and the notice about a damaged file, if any.
pub fn update_schedule<R, E: From<StoreError>>(
    ctx: &Context,
    change: impl FnOnce(&mut Schedule) -> Result<R, E>,
) -> Result<(R, Option<String>), E> {
    ctx.schedule_store()?.update(change)
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
    /// The calendar file could not be read.
    #[error("The calendar {0} Nothing in your schedule was changed.")]
    Read(String),
    /// The schedule file could not be read or written.
    #[error("Your schedule was not changed: {0}")]
    Schedule(String),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Schedule(e.to_string())
    }
}

/// Imports calendar bytes under the name `calendar` into `schedule` (replacing that calendar's
/// earlier sessions). With `membership`, the calendar's sessions belong to that programme from
/// now on (every refresh keeps it); without, the choice made before stays. Pure apart from
/// `now`; the caller saves.
pub fn import_into(
    schedule: &mut Schedule,
    bytes: &[u8],
    calendar: &str,
    now: Timestamp,
    membership: Option<Membership>,
) -> Result<ImportSummary, ImportError> {
    // Bounded like a feed address (which may be a long private link), control characters gone.
    let mut opts = ImportOptions::new(clean_text(calendar, 4096), local_zone(), now);
    let out = import_bytes(bytes, &{
        opts.link_patterns = schedule.link_patterns.clone();
        opts.horizon = schedule.import_horizon();
        opts.clone()
    })?;
    if let Some(m) = membership {
        schedule
            .calendar_programmes
            .insert(opts.calendar.clone(), m);
    }
    let added = out.sessions.len();
    let replaced = schedule.replace_calendar(&opts.calendar, out.sessions);
    Ok(ImportSummary {
        calendar: opts.calendar,
        added,
        replaced,
        notes: out.notes,
    })
}

/// Reads a calendar file the mentor chose: an ordinary file of at most [`MAX_FEED_BYTES`].
pub fn read_calendar_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    read_bounded(path, MAX_FEED_BYTES).map_err(|e| match e {
        StoreError::NotAFile { path } => ImportError::Read(format!(
            "{path} is not an ordinary file (a folder, device or pipe), so it was not read."
        )),
        StoreError::TooLarge { path, .. } => too_large(&path),
        other => ImportError::Read(other.to_string()),
    })
}

/// The refusal of a calendar larger than [`MAX_FEED_BYTES`], named `name`.
pub fn too_large(name: &str) -> ImportError {
    ImportError::Read(format!(
        "{} is larger than {} MB, far more than a calendar of sessions, so it was not read.",
        clean_text(name, 300),
        MAX_FEED_BYTES / (1024 * 1024)
    ))
}

/// Imports an .ics file into the saved schedule.
pub fn import_file(
    ctx: &Context,
    path: &Path,
    now: Timestamp,
    membership: Option<Membership>,
) -> Result<ImportSummary, ImportError> {
    let bytes = read_calendar_file(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let (summary, _) = update_schedule(ctx, |s| import_into(s, &bytes, &name, now, membership))?;
    Ok(summary)
}

/// Subscribes to a calendar feed (`https://` or `webcal://`; nothing else) and imports it now.
/// The feed is fetched before the schedule is locked, so a slow server never holds the lock.
pub fn subscribe(
    ctx: &Context,
    url: &str,
    now: Timestamp,
    membership: Option<Membership>,
) -> Result<ImportSummary, ImportError> {
    let url = url.trim();
    let text = fetch::fetch(url, Duration::from_secs(15))?;
    let (summary, _) = update_schedule(ctx, |s| {
        let summary = import_into(s, text.as_bytes(), url, now, membership)?;
        let name = summary.calendar.clone();
        match s.subscriptions.iter_mut().find(|x| x.url == name) {
            Some(sub) => {
                sub.last_fetched = Some(now.to_string());
                sub.last_error = None;
            }
            None => s.subscriptions.push(Subscription {
                url: name,
                last_fetched: Some(now.to_string()),
                last_error: None,
            }),
        }
        Ok::<_, ImportError>(summary)
    })?;
    Ok(summary)
}

/// Imports a file, or subscribes to a feed address (anything with `://`): the CLI's
/// `schedule import`, where the mentor typed the path on their own computer.
pub fn import_and_save(
    ctx: &Context,
    source: &str,
    now: Timestamp,
    membership: Option<Membership>,
) -> Result<ImportSummary, ImportError> {
    if source.contains("://") {
        subscribe(ctx, source, now, membership)
    } else {
        import_file(ctx, Path::new(source), now, membership)
    }
}

/// Fetches every subscription again; failures are kept on the subscription, and its earlier
/// sessions stay. Feeds are fetched outside the lock; their results are applied under it, so a
/// session added meanwhile is kept.
pub fn refresh_subscriptions(
    ctx: &Context,
    now: Timestamp,
) -> Result<Vec<Subscription>, ImportError> {
    let urls: Vec<String> = load_schedule(ctx)?
        .value
        .subscriptions
        .iter()
        .map(|s| s.url.clone())
        .collect();
    let fetched: Vec<(String, Result<String, FetchError>)> = urls
        .into_iter()
        .map(|url| {
            let got = fetch::fetch(&url, Duration::from_secs(15));
            (url, got)
        })
        .collect();
    let (subs, _) = update_schedule(ctx, |schedule| {
        for (url, got) in fetched {
            let result = got
                .map_err(ImportError::from)
                .and_then(|text| import_into(schedule, text.as_bytes(), &url, now, None));
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
        Ok::<_, ImportError>(schedule.subscriptions.clone())
    })?;
    Ok(subs)
}

/// The report's verdict lines and checklist lines, as the records keep them.
fn record_lines(report: &Report) -> (Vec<CheckLine>, Vec<ChecklistLine>) {
    let results = report
        .checks
        .iter()
        .map(|c| CheckLine {
            id: c.id,
            status: c.status,
            summary: c.summary.clone(),
        })
        .collect();
    let checklist = report.checklist.iter().map(ChecklistLine::from).collect();
    (results, checklist)
}

/// The record of a finished check: verdicts, summaries and the checklist only, linked to the
/// scheduled session it was for (one starting within two hours of when it finished).
pub fn check_record(report: &Report, schedule: &Schedule, from: Origin) -> CheckRecord {
    let at = report.finished_at();
    let linked = schedule.session_for_check(at);
    let (results, checklist) = record_lines(report);
    CheckRecord {
        at,
        overall: report.overall,
        results,
        session_id: linked.map(|(s, _)| s.id.clone()),
        minutes_before: linked.map(|(_, m)| m),
        checklist,
        from,
    }
}

/// Whether `c` is the record of `report` run by `from` (a check is known by the shell that ran
/// it and the moment it finished).
fn is_record_of(c: &CheckRecord, report: &Report, from: Origin) -> bool {
    c.from == from && c.at == report.finished_at()
}

/// Adds a finished check to the records (the use case both shells call when a check ends), or
/// brings its record up to date when it is already there. The reminders of both shells read the
/// records: a check that did not fail ends its session's check prompt. Returns the record and
/// any notice about a damaged file.
pub fn record_check(
    ctx: &Context,
    report: &Report,
    schedule: &Schedule,
    from: Origin,
) -> Result<(CheckRecord, Option<String>), StoreError> {
    let rec = check_record(report, schedule, from);
    let notice = ctx.records()?.change(|r| {
        match r.checks.iter_mut().find(|c| is_record_of(c, report, from)) {
            Some(c) => *c = rec.clone(),
            None => r.checks.push(rec.clone()),
        }
    })?;
    Ok((rec, notice))
}

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
    let loaded = ctx.records()?.load()?;
    let schedule = load_schedule(ctx)?.value;
    let (profiles, _) = profiles(ctx);
    let mut rows =
        crate::records::monitoring_rows(&schedule, &loaded.value, &profiles, from, to, now);
    if let Some(p) = programme {
        rows.retain(|r| r.programme == p);
    }
    let csv = crate::records::to_csv(&rows);
    Ok(MonitoringExport {
        rows,
        csv,
        notice: loaded.notice,
    })
}

/// Why "did it take place as planned" was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum PlannedError {
    /// No such session in the schedule.
    #[error("There is no session with the id {0} in your schedule.")]
    NoSession(String),
    /// It has not started.
    #[error("That session has not started yet; say whether it took place as planned once it has.")]
    NotStarted,
    /// The schedule or the records could not be read or written.
    #[error("Your answer could not be saved: {0}")]
    Store(#[from] StoreError),
}

/// Records what the mentor says about session `id` having taken place as planned (the app's
/// Yes/No and `preflight records planned`); the latest answer counts. Returns the session.
pub fn state_as_planned(
    ctx: &Context,
    id: &str,
    as_planned: bool,
    now: Timestamp,
) -> Result<preflight_calendar::Session, PlannedError> {
    let schedule = load_schedule(ctx)?.value;
    let session = schedule
        .get(id)
        .cloned()
        .ok_or_else(|| PlannedError::NoSession(clean_text(id, 200)))?;
    if session.start > now {
        return Err(PlannedError::NotStarted);
    }
    ctx.records()?.change(|r| {
        r.planned.push(crate::records::PlannedRecord {
            session_id: id.to_string(),
            as_planned,
            at: now,
        })
    })?;
    Ok(session)
}

/// The profiles as this mentor has them, and what is wrong with their own profile file if it
/// cannot be used (then the built-in "custom" rules stand in, and the app and the CLI say so).
pub fn profiles(ctx: &Context) -> (Profiles, Option<String>) {
    let contacts = crate::settings::load(ctx)
        .map(|l| l.value.programme_contacts)
        .unwrap_or_default();
    let mut problem = None;
    let custom =
        ctx.custom_profile_path()
            .filter(|p| p.exists())
            .and_then(|p| match Profile::load(&p) {
                Ok(mut profile) => {
                    profile.id = "custom".into();
                    Some(profile)
                }
                Err(e) => {
                    problem = Some(format!(
                    "Your own programme profile cannot be used, so the built-in one stands in: {e}"
                ));
                    None
                }
            });
    (Profiles { custom, contacts }, problem)
}

/// The mentor's own profile as text: their file, or the built-in starting point.
pub fn custom_profile_text(ctx: &Context) -> Result<String, StoreError> {
    match ctx.custom_profile_path().filter(|p| p.exists()) {
        Some(p) => {
            let bytes = read_bounded(&p, preflight_scripts::programme::MAX_PROFILE_BYTES)?;
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
        None => Ok(preflight_scripts::programme::BUILT_IN_PROFILES
            .iter()
            .find(|(id, _)| *id == "custom")
            .map(|(_, t)| t.to_string())
            .unwrap_or_default()),
    }
}

/// Why the mentor's programme or its contact was not saved.
#[derive(Debug, thiserror::Error)]
pub enum ProgrammeError {
    /// No such programme.
    #[error("{0}")]
    Unknown(String),
    /// The contact is not usable (the message says why).
    #[error("{0}")]
    Contact(String),
    /// The settings could not be read or written.
    #[error("Your programme could not be saved: {0}")]
    Store(#[from] StoreError),
}

/// A change to a programme's contact: set it, or forget it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactChange {
    /// Set it to this (as typed: checked before anything is saved).
    Set {
        /// Name or role.
        name: String,
        /// Email address (may be empty when a phone number is given).
        email: String,
        /// Phone number (may be empty when an email is given).
        phone: String,
    },
    /// Forget it.
    Clear,
}

/// The mentor's programme (`None`: none), as both shells choose it: the id is checked, the
/// first-run question counts as answered, and `contact` (if any) changes that programme's
/// contact in the same write. Nothing is saved when the id or the contact is not valid.
pub fn choose_programme(
    ctx: &Context,
    programme: Option<&str>,
    contact: Option<ContactChange>,
) -> Result<Option<Profile>, ProgrammeError> {
    let programme = Membership::new(programme, false)
        .map_err(|e| ProgrammeError::Unknown(e.to_string()))?
        .programme;
    let contact = contact.map(checked_contact).transpose()?;
    crate::settings::update(ctx, |s| {
        s.programme = programme.clone();
        s.programme_chosen = true;
        if let (Some(id), Some(c)) = (&programme, &contact) {
            set_contact(s, id, c.clone());
        }
    })?;
    Ok(programme.and_then(|id| profiles(ctx).0.get(&id)))
}

/// Sets or forgets the contact of programme `id` (any known programme, not only the mentor's).
pub fn set_programme_contact(
    ctx: &Context,
    id: &str,
    change: ContactChange,
) -> Result<Option<preflight_scripts::programme::Contact>, ProgrammeError> {
    let id = Membership::new(Some(id), false)
        .map_err(|e| ProgrammeError::Unknown(e.to_string()))?
        .programme
        .unwrap_or_default();
    let contact = checked_contact(change)?;
    crate::settings::update(ctx, |s| set_contact(s, &id, contact.clone()))?;
    Ok(contact)
}

fn checked_contact(
    change: ContactChange,
) -> Result<Option<preflight_scripts::programme::Contact>, ProgrammeError> {
    match change {
        ContactChange::Clear => Ok(None),
        ContactChange::Set { name, email, phone } => {
            preflight_scripts::programme::Contact::validated(&name, &email, &phone)
                .map(Some)
                .map_err(ProgrammeError::Contact)
        }
    }
}

fn set_contact(
    s: &mut crate::settings::Settings,
    id: &str,
    contact: Option<preflight_scripts::programme::Contact>,
) {
    match contact {
        Some(c) => {
            s.programme_contacts.insert(id.to_string(), c);
        }
        None => {
            s.programme_contacts.remove(id);
        }
    }
}

/// Why the mentor's own profile was not saved.
#[derive(Debug, thiserror::Error)]
pub enum CustomProfileError {
    /// It does not validate (the message names the line and column).
    #[error("{0}")]
    Invalid(#[from] TemplateError),
    /// It could not be written.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// No configuration folder.
    #[error("This system has no configuration folder for your programme.")]
    NoFolder,
}

/// Validates the mentor's own profile and saves it (atomically, under the lock): nothing is
/// written when it does not validate.
pub fn save_custom_profile(ctx: &Context, text: &str) -> Result<Profile, CustomProfileError> {
    let path = ctx
        .custom_profile_path()
        .ok_or(CustomProfileError::NoFolder)?;
    let profile = Profile::parse("custom", "custom.toml", text)?;
    preflight_store::save_text_locked(&path, text)?;
    Ok(profile)
}

/// The checklist for `report` on this computer now: the next scheduled session, the recorders
/// running, focus mode, and the items the mentor ticked.
pub fn checklist_for(
    ctx: &Context,
    report: &Report,
    schedule: &Schedule,
    ticked: &std::collections::BTreeSet<String>,
) -> Vec<crate::checklist::ChecklistItem> {
    let at = report.finished_at();
    let platform = ctx.platform();
    let focus = platform.focus_status(ctx.focus_saved_path());
    // Only a session soon enough for this check to be "the" check for it.
    let session = schedule
        .session_for_check(at)
        .map(|(s, _)| s)
        .filter(|s| s.start > at);
    let tested_earlier = session.and_then(|s| {
        let records = ctx.records().and_then(|r| r.load()).ok()?.value;
        records
            .tested_in_time_for(s, schedule.reminders)
            .map(|c| c.at)
            .filter(|t| *t < at)
    });
    let ctx = crate::checklist::Context {
        checked_at: Some(at),
        next_session: session.map(|s| s.start),
        tested_earlier,
        programme: session.and_then(|s| {
            let p = profiles(ctx).0.get(s.programme.as_deref()?)?;
            Some((p, s.under_18))
        }),
        reminders: schedule.reminders,
        recorders: platform.running_recorders(),
        focus: focus.on,
        ticked: ticked.clone(),
    };
    crate::checklist::build(report, &ctx)
}

/// Brings the recorded check of `report` (run by `from`) up to date with it (a question
/// answered, checklist items ticked after the check was recorded): verdicts and checklist are
/// replaced; time and session stay. A check that was never recorded stays unrecorded.
pub fn update_recorded_check(
    ctx: &Context,
    from: Origin,
    report: &Report,
) -> Result<Option<String>, StoreError> {
    let (results, checklist) = record_lines(report);
    ctx.records()?.change(|r| {
        if let Some(c) = r.checks.iter_mut().find(|c| is_record_of(c, report, from)) {
            c.overall = report.overall;
            c.results = results;
            c.checklist = checklist;
        }
    })
}
