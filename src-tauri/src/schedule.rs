//! The schedule, the reminder loop and the tray.
//!
//! Every 15 seconds (and right after any change to the schedule) the loop asks the pure
//! reminder engine (`preflight_session::ReminderState::due`) what is due: a notification that
//! prompts the pre-flight check at T−10 minutes, and at the configured 5–10 minutes before the
//! start, the meeting room link and the session script opened by themselves (unless switched
//! off). The tray shows the next session with a countdown; on Linux its menu is the interface.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use jiff::Timestamp;
use preflight::calendar;
use preflight_session::programme::{Contact, Profiles};
use preflight_session::schedule::Membership;
use preflight_session::{
    ActionKind, ReminderConfig, ReminderState, Schedule, Session, SessionInput,
};
use serde::Serialize;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;
use tauri_plugin_opener::OpenerExt;

/// For tests (compiled in only with the `test-hooks` feature): when set, links are appended to
/// this file instead of being opened in a browser.
#[cfg(feature = "test-hooks")]
pub const TEST_OPEN_LOG: &str = "MENTOR_PREFLIGHT_TEST_OPEN_LOG";

/// How often the reminder loop looks at the clock.
const TICK: Duration = Duration::from_secs(15);

/// What the reminder loop has done (mirrored in `reminders.json`).
#[derive(Default)]
pub struct Reminders(pub Mutex<ReminderState>);

/// The last notice about a damaged schedule file (it is moved aside by whichever read finds
/// it first, often the reminder loop), kept so the schedule panel can show it.
#[derive(Default)]
pub struct Notices(pub Mutex<Option<String>>);

/// The last "schedule could not be read" problem the mentor was told about (so it is said once,
/// not every 15 seconds), cleared when the file can be read again.
#[derive(Default)]
pub struct ReadProblem(pub Mutex<Option<String>>);

fn remember_notice(app: &AppHandle, n: String) {
    if let Some(state) = app.try_state::<Notices>() {
        *state.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(n);
    }
}

/// The tray's changing menu items.
pub struct TrayItems {
    next: MenuItem<tauri::Wry>,
}

/// A session as the schedule view shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    #[serde(flatten)]
    session: Session,
    /// Local date and time for people, e.g. "Tue 24 Nov 18:30".
    when: String,
    /// "in 2 h 05 min", "now".
    countdown: String,
    /// "Zoom", "Google Meet", …
    provider: Option<String>,
    /// Imported from this calendar (empty for sessions added by hand).
    calendar: String,
    /// The programme's name, when the session belongs to one.
    programme_name: Option<String>,
    /// The programme, not the mentor, schedules this session (its code says so).
    programme_schedules: bool,
    /// When the last check for it that did not fail finished (local "HH:MM"), if any.
    checked_at: Option<String>,
}

/// A programme the mentor can choose for a session.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgrammeChoice {
    id: String,
    name: String,
}

/// An ended session whose programme keeps a weekly "did mentoring take place as planned"
/// record, with what the mentor said (if anything).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedAsk {
    id: String,
    mentee: String,
    when: String,
    programme_name: String,
    as_planned: Option<bool>,
}

/// How far back the schedule panel asks "did it take place as planned?".
const PLANNED_ASK_DAYS: i64 = 14;

/// Everything the schedule panel shows.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleView {
    sessions: Vec<SessionView>,
    subscriptions: Vec<preflight_session::Subscription>,
    reminders: ReminderConfig,
    headline: String,
    notice: Option<String>,
    autostart: bool,
    local_zone: String,
    /// The programme profiles, for the session and import forms.
    programmes: Vec<ProgrammeChoice>,
    /// The mentor's programme (preselected in the forms).
    programme: Option<String>,
    /// Whether the mentor answered the first-run question about their programme.
    programme_chosen: bool,
    /// Recent sessions to say "took place as planned" about (newest first).
    planned: Vec<PlannedAsk>,
}

fn view(app: &AppHandle, now: Timestamp) -> ScheduleView {
    let local = jiff::tz::TimeZone::system();
    // A schedule that cannot be read is shown as a notice over an empty list; nothing is
    // written until it can be read again.
    let (schedule, notice) = match calendar::load_schedule() {
        Ok(l) => (l.value, l.notice),
        Err(e) => (Schedule::default(), Some(e.to_string())),
    };
    let (profiles, _) = calendar::profiles();
    let settings = preflight::settings::load()
        .map(|l| l.value)
        .unwrap_or_default();
    let records = calendar::records()
        .and_then(|r| r.load())
        .map(|l| l.value)
        .unwrap_or_default();
    let sessions = schedule
        .upcoming(now)
        .into_iter()
        .map(|s| (s, s.programme.as_deref().and_then(|id| profiles.get(id))))
        .map(|(s, programme)| SessionView {
            when: s
                .start
                .to_zoned(local.clone())
                .strftime("%a %-d %b %H:%M")
                .to_string(),
            countdown: preflight_session::schedule::countdown(s.start, s.end(), now),
            provider: s.link.as_deref().map(|l| {
                preflight_session::links::classify(l, &schedule.link_patterns)
                    .unwrap_or(preflight_session::Provider::Other)
                    .label()
                    .to_string()
            }),
            calendar: match &s.source {
                preflight_session::SessionSource::Calendar { calendar, .. } => calendar.clone(),
                preflight_session::SessionSource::Manual => String::new(),
            },
            programme_name: programme.as_ref().map(|p| p.name.clone()),
            programme_schedules: programme
                .as_ref()
                .is_some_and(|p| p.programme_schedules(s.under_18)),
            checked_at: records
                .passing_checks_for(s)
                .map(|c| c.at)
                .max()
                .map(|t| t.to_zoned(local.clone()).strftime("%H:%M").to_string()),
            session: s.clone(),
        })
        .collect();
    use tauri_plugin_autostart::ManagerExt;
    ScheduleView {
        headline: preflight_session::schedule::tray_headline(schedule.next(now), now, &local),
        sessions,
        subscriptions: schedule.subscriptions.clone(),
        reminders: schedule.reminders,
        notice: notice.or_else(|| {
            app.try_state::<Notices>()
                .and_then(|n| n.0.lock().unwrap_or_else(|e| e.into_inner()).clone())
        }),
        autostart: app.autolaunch().is_enabled().unwrap_or(false),
        local_zone: calendar::local_zone(),
        programmes: profiles
            .all()
            .into_iter()
            .map(|p| ProgrammeChoice {
                id: p.id,
                name: p.name,
            })
            .collect(),
        programme: settings.programme,
        programme_chosen: settings.programme_chosen,
        planned: planned_asks(&schedule, &profiles, &records, now, &local),
    }
}

/// Ended sessions of the last two weeks whose programme keeps a weekly record, newest first.
fn planned_asks(
    schedule: &Schedule,
    profiles: &Profiles,
    records: &preflight_session::Records,
    now: Timestamp,
    local: &jiff::tz::TimeZone,
) -> Vec<PlannedAsk> {
    let since = now - jiff::SignedDuration::from_hours(24 * PLANNED_ASK_DAYS);
    let mut asks: Vec<(Timestamp, PlannedAsk)> = schedule
        .sessions
        .iter()
        .filter(|s| s.end() <= now && s.start >= since)
        .filter_map(|s| {
            let p = profiles.get(s.programme.as_deref()?)?;
            p.weekly_monitoring.then(|| {
                (
                    s.start,
                    PlannedAsk {
                        id: s.id.clone(),
                        mentee: s.mentee.clone(),
                        when: s
                            .start
                            .to_zoned(local.clone())
                            .strftime("%a %-d %b %H:%M")
                            .to_string(),
                        programme_name: p.name,
                        as_planned: records.as_planned(&s.id),
                    },
                )
            })
        })
        .collect();
    asks.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
    asks.into_iter().map(|(_, a)| a).collect()
}

/// The mentor says whether a session took place as planned (kept in the records; the latest
/// answer counts).
#[tauri::command]
pub async fn session_as_planned(
    app: AppHandle,
    id: String,
    yes: bool,
) -> Result<ScheduleView, String> {
    tauri::async_runtime::spawn_blocking(move || {
        let now = Timestamp::now();
        calendar::state_as_planned(&id, yes, now).map_err(|e| match e {
            calendar::PlannedError::NoSession(_) => {
                "That session is no longer in the schedule.".to_string()
            }
            e => e.to_string(),
        })?;
        tracing::info!(session = %id, yes, "took place as planned: stated");
        Ok(view(&app, now))
    })
    .await
    .map_err(|e| e.to_string())?
}

/// A profile with its checklist as the mentor reads it (standard items in words).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgrammeInfo {
    #[serde(flatten)]
    profile: preflight_session::programme::Profile,
    /// The checklist for an adult mentee, in words.
    items: Vec<String>,
}

/// The programme panel: every profile, the mentor's choice, the contacts they entered and their
/// own profile's text.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgrammeView {
    programmes: Vec<ProgrammeInfo>,
    programme: Option<String>,
    chosen: bool,
    custom_text: String,
    /// What is wrong with the mentor's own profile file, if it cannot be used.
    custom_problem: Option<String>,
    /// The mentor's first name, for the scripts.
    mentor_name: Option<String>,
}

fn programme_view() -> Result<ProgrammeView, String> {
    let (profiles, custom_problem) = calendar::profiles();
    let settings = preflight::settings::load()
        .map_err(|e| e.to_string())?
        .value;
    Ok(ProgrammeView {
        programmes: profiles
            .all()
            .into_iter()
            .map(|p| ProgrammeInfo {
                items: p.checklist_for(false).into_iter().map(|(_, t)| t).collect(),
                profile: p,
            })
            .collect(),
        programme: settings.programme,
        chosen: settings.programme_chosen,
        custom_text: calendar::custom_profile_text().map_err(|e| e.to_string())?,
        custom_problem,
        mentor_name: settings.mentor_name,
    })
}

/// The programme panel's data.
#[tauri::command]
pub async fn programme_get() -> Result<ProgrammeView, String> {
    tauri::async_runtime::spawn_blocking(programme_view)
        .await
        .map_err(|e| e.to_string())?
}

/// What the first-run card asks besides the programme.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FirstRun {
    mentor_name: String,
    autostart: bool,
}

/// What the mentor typed for a programme contact.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactInput {
    name: String,
    email: String,
    phone: String,
}

/// Saves the mentor's programme (or none) and, if typed, its contact (an all-empty contact
/// forgets it). Nothing is saved when the contact is not valid.
#[tauri::command]
pub async fn programme_choose(
    app: AppHandle,
    programme: Option<String>,
    contact: Option<ContactInput>,
    first_run: Option<FirstRun>,
) -> Result<ProgrammeView, String> {
    tauri::async_runtime::spawn_blocking(move || {
        let programme = Membership::new(programme.as_deref(), false)
            .map_err(|e| e.to_string())?
            .programme;
        let contact = match (&programme, contact) {
            (Some(_), Some(c))
                if [&c.name, &c.email, &c.phone]
                    .iter()
                    .any(|v| !v.trim().is_empty()) =>
            {
                Some(Some(Contact::validated(&c.name, &c.email, &c.phone)?))
            }
            (Some(_), Some(_)) => Some(None),
            _ => None,
        };
        // First start: the mentor's name for the scripts, and start at login (reminders need it).
        if let Some(first) = &first_run {
            let name = preflight_session::schedule::clean_text(first.mentor_name.trim(), 120);
            if !name.is_empty() {
                preflight::settings::update(|s| s.mentor_name = Some(name))
                    .map_err(|e| format!("Your name could not be saved: {e}"))?;
            }
            set_autostart(&app, first.autostart)?;
        }
        preflight::settings::update(|s| {
            s.programme = programme.clone();
            s.programme_chosen = true;
            if let (Some(id), Some(c)) = (&programme, &contact) {
                match c {
                    Some(c) => {
                        s.programme_contacts.insert(id.clone(), c.clone());
                    }
                    None => {
                        s.programme_contacts.remove(id);
                    }
                }
            }
        })
        .map_err(|e| format!("Your programme could not be saved: {e}"))?;
        tracing::info!(programme = ?programme, "programme chosen");
        programme_view()
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Saves the mentor's own programme profile (checked first: a mistake is reported with its line
/// and column and nothing is saved).
#[tauri::command]
pub async fn programme_custom_save(text: String) -> Result<ProgrammeView, String> {
    if text.len() as u64 > preflight_session::programme::MAX_PROFILE_BYTES {
        return Err("That is larger than a programme's rules can be (64 KB).".into());
    }
    tauri::async_runtime::spawn_blocking(move || {
        calendar::save_custom_profile(&text).map_err(|e| format!("{e}\nNothing was saved."))?;
        tracing::info!("own programme profile saved");
        programme_view()
    })
    .await
    .map_err(|e| e.to_string())?
}

/// The schedule panel's data (read off the UI thread).
#[tauri::command]
pub async fn schedule_get(app: AppHandle) -> ScheduleView {
    let a = app.clone();
    match tauri::async_runtime::spawn_blocking(move || view(&a, Timestamp::now())).await {
        Ok(v) => v,
        Err(_) => view(&app, Timestamp::now()),
    }
}

/// Changes the schedule under the shared lock (off the UI thread), then ticks the reminder
/// loop and returns the new view.
async fn change_schedule(
    app: AppHandle,
    f: impl FnOnce(&mut Schedule) -> Result<(), String> + Send + 'static,
) -> Result<ScheduleView, String> {
    tauri::async_runtime::spawn_blocking(move || {
        let (_, notice) = calendar::update_schedule(|s| f(s).map_err(ChangeError::Refused))
            .map_err(|e| e.to_string())?;
        if let Some(n) = notice {
            remember_notice(&app, n);
        }
        tick(&app);
        Ok(view(&app, Timestamp::now()))
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Why a schedule change was not made.
#[derive(Debug, thiserror::Error)]
enum ChangeError {
    /// The change itself was refused (the message says why).
    #[error("{0}")]
    Refused(String),
    /// The file could not be read or written.
    #[error("The schedule was not changed: {0}")]
    Store(#[from] preflight_session::store::StoreError),
}

/// Adds a session (no `id`) or changes one.
#[tauri::command]
pub async fn schedule_save(
    app: AppHandle,
    id: Option<String>,
    input: SessionInput,
) -> Result<ScheduleView, String> {
    let id = id
        .filter(|i| !i.is_empty())
        .unwrap_or_else(|| format!("m-{}", Timestamp::now().as_millisecond()));
    let session = input
        .into_session(id, &calendar::local_zone())
        .map_err(|e| e.to_string())?;
    // A session that is already over cannot be planned (the CLI still records past sessions).
    if session.end() <= Timestamp::now() {
        return Err(format!(
            "{} has already passed: choose a date and time still to come.",
            session.zoned_start().strftime("%A %-d %B at %H:%M")
        ));
    }
    tracing::info!(id = %session.id, "session saved");
    change_schedule(app, |s| {
        s.upsert(session);
        Ok(())
    })
    .await
}

/// Removes a session.
#[tauri::command]
pub async fn schedule_remove(app: AppHandle, id: String) -> Result<ScheduleView, String> {
    change_schedule(app, move |s| {
        if s.remove(&id) {
            Ok(())
        } else {
            Err("That session is no longer in the schedule.".into())
        }
    })
    .await
}

/// Switches starting at login on or off (the autostart entry), if it is not so already.
fn set_autostart(app: &AppHandle, on: bool) -> Result<(), String> {
    use tauri_plugin_autostart::ManagerExt;
    let al = app.autolaunch();
    if al.is_enabled().unwrap_or(false) == on {
        return Ok(());
    }
    let r = if on { al.enable() } else { al.disable() };
    r.map_err(|e| format!("Starting at login could not be changed: {e}"))
}

/// Stops following a subscribed calendar: the subscription and its sessions go.
#[tauri::command]
pub async fn schedule_unsubscribe(app: AppHandle, url: String) -> Result<ScheduleView, String> {
    change_schedule(app, move |s| {
        if s.unsubscribe(&url) {
            Ok(())
        } else {
            Err("That calendar is no longer subscribed.".into())
        }
    })
    .await
}

/// Imports the .ics file the mentor picked. The window sends the file's bytes as they are
/// (a raw request, so a Windows-1252 or UTF-16 calendar is decoded here, with a note, rather
/// than mangled by the browser) and its name in the `x-file-name` header; nothing else is read.
/// Off the UI thread and under the shared lock.
#[tauri::command]
pub async fn schedule_import(
    app: AppHandle,
    request: tauri::ipc::Request<'_>,
) -> Result<preflight::calendar::ImportSummary, String> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err("The calendar file did not arrive; choose it again.".into());
    };
    let name = request
        .headers()
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        // encodeURIComponent's output: no raw '+', '=' or '&', so form decoding is exact.
        .and_then(|v| {
            url::form_urlencoded::parse(v.as_bytes())
                .next()
                .map(|(name, _)| name.into_owned())
        })
        .unwrap_or_else(|| "calendar.ics".into());
    // The programme its sessions belong to, as chosen in the import form.
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let membership = Membership::new(
        header("x-programme").as_deref(),
        header("x-under-18").as_deref() == Some("true"),
    )
    .map_err(|e| e.to_string())?;
    // Refused before it is copied off the UI thread, in the same words as a file read by path.
    if bytes.len() as u64 > preflight_session::fetch::MAX_FEED_BYTES {
        return Err(calendar::too_large(&name).to_string());
    }
    let bytes = bytes.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let now = Timestamp::now();
        let (summary, _) =
            calendar::update_schedule(|s| {
                calendar::import_into(s, &bytes, &name, now, Some(membership))
            })
                .map_err(|e| e.to_string())?;
        tracing::info!(calendar = %summary.calendar, added = summary.added, skipped = summary.notes.len(), "calendar imported");
        tick(&app);
        Ok(summary)
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Subscribes to a calendar feed (https:// or webcal:// only: the window can never make the
/// app read a local file) and imports it now.
#[tauri::command]
pub async fn schedule_subscribe(
    app: AppHandle,
    url: String,
    programme: Option<String>,
    under_18: Option<bool>,
) -> Result<preflight::calendar::ImportSummary, String> {
    let membership = Membership::new(programme.as_deref(), under_18.unwrap_or(false))
        .map_err(|e| e.to_string())?;
    let summary = tauri::async_runtime::spawn_blocking(move || {
        calendar::subscribe(&url, Timestamp::now(), Some(membership))
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    tick(&app);
    Ok(summary)
}

/// Changes reminder timing, auto-open and start-at-login.
#[tauri::command]
pub async fn schedule_settings(
    app: AppHandle,
    reminders: ReminderConfig,
    autostart: bool,
) -> Result<ScheduleView, String> {
    if reminders.open_lead_min > 60 || reminders.check_lead_min > 120 || reminders.snooze_min > 60 {
        return Err("Reminders can be at most two hours before a session.".into());
    }
    set_autostart(&app, autostart)?;
    change_schedule(app, move |s| {
        s.reminders = reminders;
        Ok(())
    })
    .await
}

/// Opens the room of a session now (by hand) and records it.
#[tauri::command]
pub fn open_room(app: AppHandle, id: String) -> Result<(), String> {
    let s = calendar::load_schedule().map_err(|e| e.to_string())?.value;
    let session = s
        .get(&id)
        .ok_or("That session is no longer in the schedule.")?;
    open_room_of(&app, session, false)
}

/// Opens the session script window for a scheduled session.
#[tauri::command]
pub fn start_session_script(app: AppHandle, id: String) -> Result<(), String> {
    let s = calendar::load_schedule().map_err(|e| e.to_string())?.value;
    let session = s
        .get(&id)
        .ok_or("That session is no longer in the schedule.")?;
    crate::start_script_for(&app, &s, session)
}

/// Writes the monitoring CSV for the week containing `day` (default: this week) to the
/// Documents folder (or the home folder) and returns its path.
#[tauri::command]
pub fn export_records(day: Option<String>) -> Result<String, String> {
    let tz = jiff::tz::TimeZone::system();
    let at = match day.filter(|d| !d.is_empty()) {
        Some(d) => d
            .parse::<jiff::civil::Date>()
            .map_err(|_| format!("“{d}” is not a date."))?
            .to_zoned(tz.clone())
            .map_err(|e| e.to_string())?
            .timestamp(),
        None => Timestamp::now(),
    };
    let (from, to) = preflight_session::records::week_of(at, &tz);
    let store = calendar::records().map_err(|e| e.to_string())?;
    let records = store.load().map_err(|e| e.to_string())?.value;
    let schedule = calendar::load_schedule().map_err(|e| e.to_string())?.value;
    let rows = preflight_session::records::monitoring_rows(
        &schedule,
        &records,
        &calendar::profiles().0,
        from,
        to,
        Timestamp::now(),
    );
    let dir = dirs::document_dir()
        .or_else(dirs::home_dir)
        .ok_or("There is no Documents folder to save to.")?;
    let name = format!(
        "mentor-preflight-week-{}.csv",
        from.to_zoned(tz).strftime("%Y-%m-%d")
    );
    let path = dir.join(name);
    preflight_session::store::save_text(&path, &preflight_session::records::to_csv(&rows))
        .map_err(|e| format!("The export could not be written: {e}"))?;
    tracing::info!(path = %path.display(), rows = rows.len(), "records exported");
    Ok(path.display().to_string())
}

/// Opens a link (already checked safe when it entered the schedule; checked again here).
pub fn open_link(app: &AppHandle, link: &str) -> Result<(), String> {
    let safe = preflight_session::check_link(link).map_err(|e| e.to_string())?;
    open_url(app, &safe).map_err(|e| format!("The meeting link could not be opened: {e}"))
}

/// Opens an address the app made itself (a checked meeting link, a `mailto:`/`tel:` to the
/// programme contact) with the system's handler.
pub fn open_url(app: &AppHandle, safe: &str) -> Result<(), String> {
    #[cfg(feature = "test-hooks")]
    if let Ok(log) = std::env::var(TEST_OPEN_LOG) {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| e.to_string())?;
        writeln!(f, "{safe}").map_err(|e| e.to_string())?;
        return Ok(());
    }
    app.opener()
        .open_url(safe, None::<&str>)
        .map_err(|e| e.to_string())
}

fn open_room_of(app: &AppHandle, session: &Session, automatic: bool) -> Result<(), String> {
    let now = Timestamp::now();
    if let Some(link) = &session.link {
        open_link(app, link)?;
    }
    // Only an opening near the session is one; a look at the link days ahead records nothing.
    let Some(rec) = preflight_session::records::room_opening(session, now, automatic) else {
        tracing::info!(session = %session.id, "room link opened well before the session: not recorded");
        return Ok(());
    };
    match calendar::records().and_then(|store| store.change(|r| r.rooms.push(rec))) {
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "room opening not recorded"),
    }
    let reminders = app.state::<Reminders>();
    let mut st = reminders.0.lock().unwrap_or_else(|e| e.into_inner());
    st.mark_opened(&session.id);
    save_state(&st);
    tracing::info!(session = %session.id, automatic, has_link = session.link.is_some(), "room opened");
    Ok(())
}

fn save_state(st: &ReminderState) {
    let saved = calendar::reminder_store().and_then(|store| store.change(|s| *s = st.clone()));
    if let Err(e) = saved {
        tracing::warn!(error = %e, "reminder state not saved");
    }
}

/// Loads what the reminder loop already did (nothing, with a warning, if it cannot be read:
/// the file is then left alone, since every save would fail on it too).
pub fn load_state() -> ReminderState {
    match calendar::reminder_store().and_then(|s| s.load()) {
        Ok(l) => l.value,
        Err(e) => {
            tracing::warn!(error = %e, "reminder state not read");
            ReminderState::default()
        }
    }
}

/// Marks the session a finished check was for, so it is not prompted again.
pub fn checked_for(app: &AppHandle, session_id: &str) {
    let reminders = app.state::<Reminders>();
    let mut st = reminders.0.lock().unwrap_or_else(|e| e.into_inner());
    st.mark_checked(session_id);
    save_state(&st);
}

/// Text for a notification body: Linux notification servers read the body as markup, so a
/// mentee called `<b>Sam</b>` or `a & b` must be escaped there.
fn notification_text(s: &str) -> String {
    let s = preflight_session::schedule::clean_text(s, 500);
    if cfg!(target_os = "linux") {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        s
    }
}

fn notify(app: &AppHandle, title: &str, body: &str) {
    let body = notification_text(body);
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::info!(error = %e, "desktop notification not shown");
    }
}

/// The T−10 notification, with *Run the check* and *Snooze* where the notification server
/// offers buttons (the session it is for travels with it).
fn prompt_check(app: &AppHandle, session: &Session, snooze_min: u32, body: &str) {
    use tauri_plugin_notification::{Action, ActionType};
    // Registered again each time: the snooze button says the current snooze length.
    let _ = app
        .notification()
        .register_action_types(vec![ActionType::builder(CHECK_PROMPT)
            .actions(vec![
                Action::builder("check", "Run the check").build(),
                Action::builder("snooze", format!("Snooze {snooze_min} min")).build(),
            ])
            .build()]);
    let shown = app
        .notification()
        .builder()
        .title("Time for your pre-flight check")
        .body(notification_text(body))
        .action_type_id(CHECK_PROMPT)
        .extra("session", &session.id)
        .show();
    if let Err(e) = shown {
        tracing::info!(error = %e, "desktop notification not shown");
    }
}

/// The action type of the T−10 notification.
const CHECK_PROMPT: &str = "check-prompt";

/// What the mentor did with a notification: *Run the check* opens the window and starts it,
/// *Snooze* puts that session's reminder off, a click on the notification shows the window.
fn notification_action(app: &AppHandle, action: &str, session_id: Option<&str>) {
    tracing::info!(action, session = ?session_id, "notification action");
    match action {
        "check" => show_main(app, MainIntent::RunCheck),
        "snooze" => {
            let Some(id) = session_id else { return };
            let Ok(loaded) = calendar::load_schedule() else {
                return;
            };
            if let Some(s) = loaded.value.get(id) {
                snooze(app, s, loaded.value.reminders, "notification");
            }
        }
        _ => show_main(app, MainIntent::CheckPrompt),
    }
}

/// Puts session `s`'s reminder off for the snooze time (from the tray or a notification).
fn snooze(app: &AppHandle, s: &Session, cfg: ReminderConfig, from: &str) {
    let reminders = app.state::<Reminders>();
    let mut st = reminders.0.lock().unwrap_or_else(|e| e.into_inner());
    st.snooze(s, cfg, Timestamp::now());
    save_state(&st);
    tracing::info!(session = %s.id, from, "reminder snoozed");
}

/// What the main window is brought forward for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MainIntent {
    /// Just show it.
    Show,
    /// Start the pre-flight check (tray).
    RunCheck,
    /// The T−10 reminder: bring *Start check* into view.
    CheckPrompt,
    /// Show the schedule (tray).
    Schedule,
}

impl MainIntent {
    /// The event an open window gets, and the `#fragment` a new one opens with (so a window
    /// created for the intent acts on it once its page has loaded, not before).
    fn event(self) -> Option<&'static str> {
        match self {
            MainIntent::Show => None,
            MainIntent::RunCheck => Some("run-check-requested"),
            MainIntent::CheckPrompt => Some("check-prompt"),
            MainIntent::Schedule => Some("show-schedule"),
        }
    }
}

/// Brings the main window forward, creating it (and its webview) if it does not exist: while
/// the app only sits in the tray there is no webview at all, and closing the window destroys it.
pub fn show_main(app: &AppHandle, intent: MainIntent) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
        if let Some(event) = intent.event() {
            let _ = app.emit_to("main", event, ());
        }
        return;
    }
    let Some(mut config) = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
    else {
        tracing::error!("the main window is not configured");
        return;
    };
    if let Some(event) = intent.event() {
        config.url = tauri::WebviewUrl::App(format!("index.html#{event}").into());
    }
    let t0 = std::time::Instant::now();
    match tauri::WebviewWindowBuilder::from_config(app, &config).and_then(|b| b.build()) {
        Ok(w) => {
            let _ = w.set_focus();
            tracing::info!(
                ms = t0.elapsed().as_millis() as u64,
                ?intent,
                "main window created"
            );
        }
        Err(e) => tracing::error!(error = %e, "the main window could not be created"),
    }
}

/// One pass of the reminder loop: fire what is due, refresh the tray.
pub fn tick(app: &AppHandle) {
    let now = Timestamp::now();
    let schedule = match calendar::load_schedule() {
        Ok(loaded) => {
            if let Some(n) = loaded.notice {
                // A damaged schedule was kept aside: say so now and in the schedule panel.
                notify(app, "Your schedule file was damaged", &n);
                remember_notice(app, n);
            }
            loaded.value
        }
        Err(e) => {
            // Unreadable: say so once (the schedule panel shows it while it lasts), fire
            // nothing, and never write over it.
            let n = e.to_string();
            let new = app.try_state::<ReadProblem>().is_some_and(|s| {
                let mut last = s.0.lock().unwrap_or_else(|e| e.into_inner());
                let new = last.as_deref() != Some(n.as_str());
                *last = Some(n.clone());
                new
            });
            if new {
                notify(app, "Your schedule could not be read", &n);
            }
            return;
        }
    };
    if let Some(s) = app.try_state::<ReadProblem>() {
        *s.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
    // A programme's session opens its room as early as the programme's code asks.
    let (profiles, _) = calendar::profiles();
    let cfg_for = |s: &Session| {
        schedule.reminders.for_programme(
            s.programme
                .as_deref()
                .and_then(|id| profiles.get(id))
                .as_ref(),
        )
    };
    // A check recorded by the CLI (or by this app) that did not fail has done the reminder's
    // job, whoever ran it.
    let records = calendar::records()
        .and_then(|r| r.load())
        .map(|l| l.value)
        .unwrap_or_default();
    let due = {
        let reminders = app.state::<Reminders>();
        let mut st = reminders.0.lock().unwrap_or_else(|e| e.into_inner());
        // Only sessions a check can be for (starting within the attach window): the loop runs
        // every 15 s over a schedule and records that only grow.
        let soon = schedule.upcoming(now).into_iter().take_while(|s| {
            s.start.duration_since(now) <= preflight_session::schedule::CHECK_ATTACH_WINDOW
        });
        for s in soon {
            if records.checked_for(s) {
                st.mark_checked(&s.id);
            }
        }
        let due = st.due_each(&schedule.sessions, now, cfg_for);
        if !due.is_empty() {
            save_state(&st);
        }
        due
    };
    for action in due {
        let Some(session) = schedule.get(&action.session_id) else {
            continue;
        };
        let mins = (session.start.duration_since(now).as_secs() + 59) / 60;
        match action.kind {
            ActionKind::PromptCheck => {
                tracing::info!(session = %session.id, "check prompt");
                prompt_check(
                    app,
                    session,
                    schedule.reminders.snooze_min,
                    &format!(
                        "Your session with {} starts in {mins} min. Test your microphone, camera and connection now.{}",
                        session.mentee,
                        preflight_session::programme::reminder_note(&profiles, session)
                            .map(|n| format!(" {n}"))
                            .unwrap_or_default()
                    ),
                );
                show_main(app, MainIntent::CheckPrompt);
            }
            ActionKind::OpenRoom => {
                notify(
                    app,
                    "Opening your meeting room",
                    &format!("Your session with {} starts in {mins} min.", session.mentee),
                );
                if let Err(e) = open_room_of(app, session, true) {
                    tracing::warn!(error = %e, "room not opened");
                }
                if let Err(e) = crate::start_script_for(app, &schedule, session) {
                    tracing::warn!(error = %e, "script not opened");
                }
            }
        }
    }
    update_tray(app, &schedule, now);
}

fn update_tray(app: &AppHandle, schedule: &Schedule, now: Timestamp) {
    let local = jiff::tz::TimeZone::system();
    let headline = preflight_session::schedule::tray_headline(schedule.next(now), now, &local);
    if let Some(items) = app.try_state::<TrayItems>() {
        let _ = items.next.set_text(format!("Next: {headline}"));
    }
    if let Some(tray) = app.tray_by_id("main") {
        let _ = tray.set_tooltip(Some(format!("Mentor Preflight — {headline}")));
    }
    let _ = app.emit("schedule-tick", &headline);
}

/// Builds the tray and starts the reminder loop.
pub fn setup(app: &tauri::App) -> tauri::Result<()> {
    app.manage(Reminders(Mutex::new(load_state())));
    app.manage(Notices::default());
    app.manage(ReadProblem::default());
    let handle = app.handle();
    let next = MenuItem::with_id(handle, "next", "Next: …", false, None::<&str>)?;
    let check = MenuItem::with_id(handle, "check", "Run pre-flight check", true, None::<&str>)?;
    let room = MenuItem::with_id(handle, "room", "Open room now", true, None::<&str>)?;
    let script = MenuItem::with_id(handle, "script", "Start session script", true, None::<&str>)?;
    let snooze = MenuItem::with_id(handle, "snooze", "Snooze reminder", true, None::<&str>)?;
    let sched = MenuItem::with_id(handle, "schedule", "Schedule…", true, None::<&str>)?;
    let quit = MenuItem::with_id(handle, "quit", "Quit Mentor Preflight", true, None::<&str>)?;
    let sep = PredefinedMenuItem::separator(handle)?;
    let sep2 = PredefinedMenuItem::separator(handle)?;
    let menu = Menu::with_items(
        handle,
        &[
            &next, &sep, &check, &room, &script, &snooze, &sched, &sep2, &quit,
        ],
    )?;
    let mut builder = TrayIconBuilder::with_id("main")
        .tooltip("Mentor Preflight")
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| menu_event(app, event.id.as_ref()));
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    match builder.build(app) {
        Ok(_) => {}
        // No tray on this desktop: the window and notifications still work.
        Err(e) => tracing::warn!(error = %e, "no tray icon"),
    }
    app.manage(TrayItems { next });
    let h = app.handle().clone();
    let _ = app.notification().on_action(move |a| {
        let session = a
            .notification()
            .and_then(|n| n.extra().get("session"))
            .and_then(|v| v.as_str())
            .map(str::to_string);
        notification_action(&h, a.action_id(), session.as_deref());
    });

    let handle = app.handle().clone();
    tauri::async_runtime::spawn(async move {
        let mut last_refresh: Option<std::time::Instant> = None;
        loop {
            let h = handle.clone();
            let _ = tauri::async_runtime::spawn_blocking(move || tick(&h)).await;
            // Subscribed calendars: at start and every three hours.
            if last_refresh.is_none_or(|t| t.elapsed() > Duration::from_secs(3 * 3600)) {
                last_refresh = Some(std::time::Instant::now());
                let _ = tauri::async_runtime::spawn_blocking(|| {
                    let has =
                        calendar::load_schedule().is_ok_and(|l| !l.value.subscriptions.is_empty());
                    if has {
                        if let Err(e) = calendar::refresh_subscriptions(Timestamp::now()) {
                            tracing::warn!(error = %e, "subscriptions not refreshed");
                        }
                    }
                })
                .await;
            }
            tokio::time::sleep(TICK).await;
        }
    });
    Ok(())
}

fn menu_event(app: &AppHandle, id: &str) {
    let now = Timestamp::now();
    let schedule = match calendar::load_schedule() {
        Ok(l) => l.value,
        Err(e) => {
            if id == "quit" {
                app.exit(0);
            } else {
                notify(app, "Your schedule could not be read", &e.to_string());
                show_main(app, MainIntent::Show);
            }
            return;
        }
    };
    let next = schedule.next(now).cloned();
    match id {
        "check" => show_main(app, MainIntent::RunCheck),
        "room" => match &next {
            Some(s) if s.link.is_some() => {
                if let Err(e) = open_room_of(app, s, false) {
                    notify(app, "The room could not be opened", &e);
                }
            }
            Some(s) => notify(
                app,
                "No meeting link",
                &format!(
                    "The session with {} has no meeting link. Add one in the schedule.",
                    s.mentee
                ),
            ),
            None => notify(
                app,
                "No sessions scheduled",
                "Add a session in the schedule.",
            ),
        },
        "script" => match &next {
            Some(s) => {
                if let Err(e) = crate::start_script_for(app, &schedule, s) {
                    notify(app, "The script could not be opened", &e);
                }
            }
            None => show_main(app, MainIntent::Show),
        },
        "snooze" => {
            if let Some(s) = &next {
                snooze(app, s, schedule.reminders, "tray");
            }
        }
        "schedule" => show_main(app, MainIntent::Schedule),
        "quit" => app.exit(0),
        _ => {}
    }
}

/// The variables a scheduled session fills into its script.
pub fn script_vars(schedule: &Schedule, session: &Session) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    vars.insert("mentee".into(), session.mentee.clone());
    if let Some(n) = session.session_number {
        vars.insert("session_number".into(), n.to_string());
    }
    // The next session with the same mentee, for the closing "see you on …".
    if let Some(after) = schedule
        .upcoming(session.end())
        .into_iter()
        .find(|s| s.mentee == session.mentee && s.start >= session.end())
    {
        vars.insert(
            "next_session".into(),
            after
                .zoned_start()
                .strftime("%A %-d %B at %H:%M")
                .to_string(),
        );
    }
    vars
}

/// Which script a scheduled session opens: its own choice, else the 7-week programme's script
/// for its number, else the regular-session script.
pub fn template_for(profiles: &Profiles, session: &Session) -> String {
    let programme = session.programme.as_deref().and_then(|id| profiles.get(id));
    match (&session.template, session.session_number, programme) {
        (Some(t), _, _) => t.clone(),
        // The session's programme names the script for each session number (without a number:
        // the one for the sessions in between).
        (None, Some(n), Some(p)) => p.script_for(n).to_string(),
        (None, None, Some(p)) => p.scripts.middle.clone(),
        (None, Some(_), None) => crate::SEVEN_WEEK.into(),
        (None, None, None) => "regular-session".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_programme_session_opens_its_programmes_script() {
        let mut s: Session = serde_json::from_str(
            r#"{"id":"x","mentee":"Sam","start":"2026-11-24T18:00:00Z","timeZone":"UTC","durationMin":60,"link":null,"template":null,"sessionNumber":7,"source":{"kind":"manual"}}"#,
        )
        .unwrap();
        assert_eq!(template_for(&Profiles::default(), &s), crate::SEVEN_WEEK);
        s.programme = Some("brokerage".into());
        assert_eq!(template_for(&Profiles::default(), &s), "final-session");
        s.session_number = Some(1);
        assert_eq!(template_for(&Profiles::default(), &s), "first-session");
        s.session_number = None;
        assert_eq!(template_for(&Profiles::default(), &s), "regular-session");
        s.template = Some("my-own".into());
        assert_eq!(
            template_for(&Profiles::default(), &s),
            "my-own",
            "the mentor's choice wins"
        );
    }

    #[test]
    fn notification_bodies_cannot_carry_markup_or_escapes() {
        let body =
            notification_text("Your session with <b>Sam</b> & <a href=\"x\">Jo</a>\u{1b}[2J");
        if cfg!(target_os = "linux") {
            assert_eq!(
                body,
                "Your session with &lt;b&gt;Sam&lt;/b&gt; &amp; &lt;a href=\"x\"&gt;Jo&lt;/a&gt; [2J"
            );
        }
        assert!(!body.contains('\u{1b}'));
    }

    #[test]
    fn the_window_can_subscribe_only_to_feed_addresses() {
        // A path (or anything but https/webcal, or http to this computer) is refused before
        // anything is read.
        for source in [
            "/etc/passwd",
            "file:///etc/passwd",
            "~/.ssh/id_rsa",
            "C:\\x.ics",
        ] {
            let err = calendar::subscribe(source, Timestamp::now(), None).unwrap_err();
            assert!(
                matches!(
                    err,
                    preflight::calendar::ImportError::Fetch(
                        preflight_session::fetch::FetchError::BadUrl(_)
                    )
                ),
                "{source}: {err:?}"
            );
        }
    }
}
