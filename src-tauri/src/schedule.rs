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
use preflight_session::store::{load_json, save_json};
use preflight_session::{
    ActionKind, ReminderConfig, ReminderState, RoomRecord, Schedule, Session, SessionInput,
};
use serde::Serialize;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;
use tauri_plugin_opener::OpenerExt;

/// For tests: when set, links are appended to this file instead of being opened in a browser.
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
}

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
}

fn view(app: &AppHandle, now: Timestamp) -> ScheduleView {
    let loaded = calendar::load_schedule();
    let local = jiff::tz::TimeZone::system();
    let schedule = loaded.value;
    let sessions = schedule
        .upcoming(now)
        .into_iter()
        .map(|s| SessionView {
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
            session: s.clone(),
        })
        .collect();
    use tauri_plugin_autostart::ManagerExt;
    ScheduleView {
        headline: preflight_session::schedule::tray_headline(schedule.next(now), now, &local),
        sessions,
        subscriptions: schedule.subscriptions.clone(),
        reminders: schedule.reminders,
        notice: loaded.notice.or_else(|| {
            app.try_state::<Notices>()
                .and_then(|n| n.0.lock().unwrap_or_else(|e| e.into_inner()).clone())
        }),
        autostart: app.autolaunch().is_enabled().unwrap_or(false),
        local_zone: calendar::local_zone(),
    }
}

/// The schedule panel's data.
#[tauri::command]
pub fn schedule_get(app: AppHandle) -> ScheduleView {
    view(&app, Timestamp::now())
}

fn change_schedule(
    app: &AppHandle,
    f: impl FnOnce(&mut Schedule) -> Result<(), String>,
) -> Result<ScheduleView, String> {
    let mut s = calendar::load_schedule().value;
    f(&mut s)?;
    calendar::save_schedule(&s).map_err(|e| format!("The schedule could not be saved: {e}"))?;
    tick(app);
    Ok(view(app, Timestamp::now()))
}

/// Adds a session (no `id`) or changes one.
#[tauri::command]
pub fn schedule_save(
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
    tracing::info!(id = %session.id, "session saved");
    change_schedule(&app, |s| {
        s.upsert(session);
        Ok(())
    })
}

/// Removes a session.
#[tauri::command]
pub fn schedule_remove(app: AppHandle, id: String) -> Result<ScheduleView, String> {
    change_schedule(&app, |s| {
        if s.remove(&id) {
            Ok(())
        } else {
            Err("That session is no longer in the schedule.".into())
        }
    })
}

/// Imports .ics text the mentor picked (the window reads the file; nothing else is read).
#[tauri::command]
pub fn schedule_import(
    app: AppHandle,
    name: String,
    text: String,
) -> Result<preflight::calendar::ImportSummary, String> {
    let mut s = calendar::load_schedule().value;
    let summary =
        calendar::import_into(&mut s, &text, &name, Timestamp::now()).map_err(|e| e.to_string())?;
    calendar::save_schedule(&s).map_err(|e| format!("The schedule could not be saved: {e}"))?;
    tracing::info!(calendar = %name, added = summary.added, skipped = summary.notes.len(), "calendar imported");
    tick(&app);
    Ok(summary)
}

/// Subscribes to a calendar feed (https:// or webcal://) and imports it now.
#[tauri::command]
pub async fn schedule_subscribe(
    app: AppHandle,
    url: String,
) -> Result<preflight::calendar::ImportSummary, String> {
    let summary = tauri::async_runtime::spawn_blocking(move || {
        calendar::import_and_save(&url, Timestamp::now())
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    tick(&app);
    Ok(summary)
}

/// Changes reminder timing, auto-open and start-at-login.
#[tauri::command]
pub fn schedule_settings(
    app: AppHandle,
    reminders: ReminderConfig,
    autostart: bool,
) -> Result<ScheduleView, String> {
    if reminders.open_lead_min > 60 || reminders.check_lead_min > 120 || reminders.snooze_min > 60 {
        return Err("Reminders can be at most two hours before a session.".into());
    }
    use tauri_plugin_autostart::ManagerExt;
    let al = app.autolaunch();
    if al.is_enabled().unwrap_or(false) != autostart {
        let r = if autostart { al.enable() } else { al.disable() };
        r.map_err(|e| format!("Starting at login could not be changed: {e}"))?;
    }
    change_schedule(&app, |s| {
        s.reminders = reminders;
        Ok(())
    })
}

/// Opens the room of a session now (by hand) and records it.
#[tauri::command]
pub fn open_room(app: AppHandle, id: String) -> Result<(), String> {
    let s = calendar::load_schedule().value;
    let session = s
        .get(&id)
        .ok_or("That session is no longer in the schedule.")?;
    open_room_of(&app, session, false)
}

/// Opens the session script window for a scheduled session.
#[tauri::command]
pub fn start_session_script(app: AppHandle, id: String) -> Result<(), String> {
    let s = calendar::load_schedule().value;
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
    let records = store.load().value;
    let schedule = calendar::load_schedule().value;
    let rows = preflight_session::records::monitoring_rows(
        &schedule,
        &records,
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
        .map_err(|e| format!("The meeting link could not be opened: {e}"))
}

fn open_room_of(app: &AppHandle, session: &Session, automatic: bool) -> Result<(), String> {
    let now = Timestamp::now();
    if let Some(link) = &session.link {
        open_link(app, link)?;
    }
    let rec = RoomRecord {
        session_id: session.id.clone(),
        at: now,
        minutes_early: session.start.duration_since(now).as_mins(),
        automatic,
    };
    if let Ok(store) = calendar::records() {
        if let Err(e) = store.update(|r| r.rooms.push(rec)) {
            tracing::warn!(error = %e, "room opening not recorded");
        }
    }
    let reminders = app.state::<Reminders>();
    let mut st = reminders.0.lock().unwrap_or_else(|e| e.into_inner());
    st.mark_opened(&session.id);
    save_state(&st);
    tracing::info!(session = %session.id, automatic, has_link = session.link.is_some(), "room opened");
    Ok(())
}

fn save_state(st: &ReminderState) {
    if let Ok(p) = calendar::reminder_state_path() {
        if let Err(e) = save_json(&p, st) {
            tracing::warn!(error = %e, "reminder state not saved");
        }
    }
}

/// Loads what the reminder loop already did.
pub fn load_state() -> ReminderState {
    calendar::reminder_state_path()
        .map(|p| load_json(&p).value)
        .unwrap_or_default()
}

/// Marks the session a finished check was for, so it is not prompted again.
pub fn checked_for(app: &AppHandle, session_id: &str) {
    let reminders = app.state::<Reminders>();
    let mut st = reminders.0.lock().unwrap_or_else(|e| e.into_inner());
    st.mark_checked(session_id);
    save_state(&st);
}

fn notify(app: &AppHandle, title: &str, body: &str) {
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::info!(error = %e, "desktop notification not shown");
    }
}

fn show_main(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// One pass of the reminder loop: fire what is due, refresh the tray.
pub fn tick(app: &AppHandle) {
    let now = Timestamp::now();
    let loaded = calendar::load_schedule();
    if let Some(n) = loaded.notice {
        // A damaged schedule was kept aside: say so now and in the schedule panel.
        notify(app, "Your schedule file was damaged", &n);
        remember_notice(app, n);
    }
    let schedule = loaded.value;
    let due = {
        let reminders = app.state::<Reminders>();
        let mut st = reminders.0.lock().unwrap_or_else(|e| e.into_inner());
        let due = st.due(&schedule.sessions, schedule.reminders, now);
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
                notify(
                    app,
                    "Time for your pre-flight check",
                    &format!(
                        "Your session with {} starts in {mins} min. Test your microphone, camera and connection now.",
                        session.mentee
                    ),
                );
                show_main(app);
                let _ = app.emit("check-prompt", &session.id);
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
                    let has = !calendar::load_schedule().value.subscriptions.is_empty();
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
    let schedule = calendar::load_schedule().value;
    let next = schedule.next(now).cloned();
    match id {
        "check" => {
            show_main(app);
            let _ = app.emit("run-check-requested", ());
        }
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
            None => show_main(app),
        },
        "snooze" => {
            if let Some(s) = &next {
                let reminders = app.state::<Reminders>();
                let mut st = reminders.0.lock().unwrap_or_else(|e| e.into_inner());
                st.snooze(s, schedule.reminders, now);
                save_state(&st);
                tracing::info!(session = %s.id, "reminder snoozed");
            }
        }
        "schedule" => {
            show_main(app);
            let _ = app.emit("show-schedule", ());
        }
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
pub fn template_for(session: &Session) -> String {
    match (&session.template, session.session_number) {
        (Some(t), _) => t.clone(),
        (None, Some(_)) => crate::SEVEN_WEEK.into(),
        (None, None) => "regular-session".into(),
    }
}
