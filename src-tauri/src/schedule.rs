//! The schedule panel's commands, and how the app is started: for which window (an intent from
//! the tray process or a second start), the tray process itself, and the autostart entry.
//!
//! The reminder loop and the tray icon are not here: they run in `mentor-preflight-tray`, a
//! small process without a webview (see `tray/`), which starts this app for its windows. Both
//! share the loop's steps (`preflight::reminders`) and its files.

use jiff::Timestamp;
use preflight::views::{ProgrammeView, ScheduleView};
use preflight::Context;

use preflight::calendar::schedule::Membership;
use preflight::calendar::ReminderConfig;
use preflight::calendar::Schedule;
use preflight::calendar::SessionInput;
use tauri::{AppHandle, Manager};

use crate::events::AppEvent;

/// Everything the schedule panel shows (built by the application layer; whether the app starts
/// at login is this shell's to say).
fn view(ctx: &Context, now: Timestamp) -> ScheduleView {
    preflight::views::schedule_view(ctx, now, autostart_enabled())
}

/// The context the app was started with (built once, in `main`).
pub fn context(app: &AppHandle) -> Context {
    app.state::<Context>().inner().clone()
}

/// The mentor says whether a session took place as planned (kept in the records; the latest
/// answer counts).
#[tauri::command]
pub async fn session_as_planned(
    app: AppHandle,
    id: String,
    yes: bool,
    reason: Option<String>,
) -> Result<ScheduleView, String> {
    let ctx = context(&app);
    tauri::async_runtime::spawn_blocking(move || {
        let now = ctx.now();
        preflight::monitoring::state_as_planned(&ctx, &id, yes, reason.as_deref(), now).map_err(
            |e| match e {
                preflight::monitoring::PlannedError::NoSession(_) => {
                    "That session is no longer in the schedule.".to_string()
                }
                e => e.to_string(),
            },
        )?;
        tracing::info!(session = %id, yes, "took place as planned: stated");
        Ok(view(&ctx, now))
    })
    .await
    .map_err(|e| e.to_string())?
}

/// The programme panel's data.
#[tauri::command]
pub async fn programme_get(app: AppHandle) -> Result<ProgrammeView, String> {
    let ctx = context(&app);
    tauri::async_runtime::spawn_blocking(move || preflight::views::programme_view(&ctx))
        .await
        .map_err(|e| e.to_string())?
}

/// What the first-run card asks besides the programme.
#[derive(serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FirstRun {
    mentor_name: String,
    autostart: bool,
}

/// What the mentor typed for a programme contact.
#[derive(serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
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
    let ctx = context(&app);
    tauri::async_runtime::spawn_blocking(move || {
        // A contact is changed only with a programme; all-empty fields forget it.
        let contact = match (&programme, contact) {
            (Some(_), Some(c))
                if [&c.name, &c.email, &c.phone]
                    .iter()
                    .any(|v| !v.trim().is_empty()) =>
            {
                Some(preflight::programmes::ContactChange::Set {
                    name: c.name,
                    email: c.email,
                    phone: c.phone,
                })
            }
            (Some(_), Some(_)) => Some(preflight::programmes::ContactChange::Clear),
            _ => None,
        };
        // Checked and saved first: nothing is saved when the programme or the contact is not
        // valid.
        preflight::programmes::choose_programme(&ctx, programme.as_deref(), contact)
            .map_err(|e| e.to_string())?;
        // First start: the mentor's name for the scripts, and start at login (reminders need it).
        if let Some(first) = &first_run {
            let name = preflight::calendar::schedule::clean_text(first.mentor_name.trim(), 120);
            if !name.is_empty() {
                preflight::settings::update(&ctx, |s| s.mentor_name = Some(name))
                    .map_err(|e| format!("Your name could not be saved: {e}"))?;
            }
            set_autostart(first.autostart)?;
        }
        tracing::info!(programme = ?programme, "programme chosen");
        preflight::views::programme_view(&ctx)
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Saves the mentor's own programme profile (checked first: a mistake is reported with its line
/// and column and nothing is saved).
#[tauri::command]
pub async fn programme_custom_save(app: AppHandle, text: String) -> Result<ProgrammeView, String> {
    let ctx = context(&app);
    if text.len() as u64 > preflight::scripts::programme::MAX_PROFILE_BYTES {
        return Err("That is larger than a programme's rules can be (64 KB).".into());
    }
    tauri::async_runtime::spawn_blocking(move || {
        preflight::programmes::save_custom_profile(&ctx, &text)
            .map_err(|e| format!("{e}\nNothing was saved."))?;
        tracing::info!("own programme profile saved");
        preflight::views::programme_view(&ctx)
    })
    .await
    .map_err(|e| e.to_string())?
}

/// The schedule panel's data (read off the UI thread).
#[tauri::command]
pub async fn schedule_get(app: AppHandle) -> ScheduleView {
    let ctx = context(&app);
    let c = ctx.clone();
    match tauri::async_runtime::spawn_blocking(move || view(&c, c.now())).await {
        Ok(v) => v,
        Err(_) => view(&ctx, ctx.now()),
    }
}

/// Changes the schedule under the shared lock (off the UI thread) and returns the new view. The
/// tray's reminder loop sees the change within two seconds (it watches the file).
async fn change_schedule(
    ctx: Context,
    f: impl FnOnce(&mut Schedule) -> Result<(), String> + Send + 'static,
) -> Result<ScheduleView, String> {
    tauri::async_runtime::spawn_blocking(move || {
        let (_, notice) =
            preflight::schedule::update_schedule(&ctx, |s| f(s).map_err(ChangeError::Refused))
                .map_err(|e| e.to_string())?;
        // The mentor has acted on the schedule since a damaged file was kept aside: that
        // notice is done with (a new one, found by this very change, is said now).
        preflight::reminders::clear_schedule_notice(&ctx);
        let mut v = view(&ctx, ctx.now());
        v.notice = notice.or(v.notice);
        Ok(v)
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
    Store(#[from] preflight::store::StoreError),
}

/// Adds a session (no `id`) or changes one.
#[tauri::command]
pub async fn schedule_save(
    app: AppHandle,
    id: Option<String>,
    input: SessionInput,
) -> Result<ScheduleView, String> {
    let ctx = context(&app);
    let id = id
        .filter(|i| !i.is_empty())
        .unwrap_or_else(|| preflight::calendar::schedule::new_session_id(ctx.now()));
    let session = input
        .into_session(id, &preflight::schedule::local_zone())
        .map_err(|e| e.to_string())?;
    // A session that is already over cannot be planned (the CLI still records past sessions).
    if session.end() <= ctx.now() {
        return Err(format!(
            "{} has already passed: choose a date and time still to come.",
            preflight::settings::current_time_style(&ctx).long_day_time(&session.zoned_start())
        ));
    }
    tracing::info!(id = %session.id, "session saved");
    // An imported session keeps its calendar's time; the rest is kept as an edit that the
    // calendar's next refresh applies again.
    change_schedule(ctx, move |s| {
        s.save_typed(session);
        Ok(())
    })
    .await
}

/// Removes a session.
#[tauri::command]
pub async fn schedule_remove(app: AppHandle, id: String) -> Result<ScheduleView, String> {
    change_schedule(context(&app), move |s| {
        if s.remove(&id) {
            Ok(())
        } else {
            Err("That session is no longer in the schedule.".into())
        }
    })
    .await
}

/// Stops following a subscribed calendar: the subscription and its sessions go.
#[tauri::command]
pub async fn schedule_unsubscribe(app: AppHandle, url: String) -> Result<ScheduleView, String> {
    let ctx = context(&app);
    tauri::async_runtime::spawn_blocking(move || {
        if !preflight::imports::unsubscribe(&ctx, &url).map_err(|e| e.to_string())? {
            return Err("That calendar is no longer subscribed.".to_string());
        }
        preflight::reminders::clear_schedule_notice(&ctx);
        Ok(view(&ctx, ctx.now()))
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Imports the .ics file the mentor picked. The window sends the file's bytes as they are
/// (a raw request, so a Windows-1252 or UTF-16 calendar is decoded here, with a note, rather
/// than mangled by the browser) and its name in the `x-file-name` header; nothing else is read.
/// Off the UI thread and under the shared lock.
#[tauri::command]
pub async fn schedule_import(
    app: AppHandle,
    request: tauri::ipc::Request<'_>,
) -> Result<preflight::imports::ImportSummary, String> {
    let ctx = context(&app);
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
    if bytes.len() as u64 > preflight::calendar::fetch::MAX_FEED_BYTES {
        return Err(preflight::imports::too_large(&name).to_string());
    }
    let bytes = bytes.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let now = ctx.now();
        let (summary, _) =
            preflight::schedule::update_schedule(&ctx, |s| {
                preflight::imports::import_into(s, &bytes, &name, now, Some(membership))
            })
                .map_err(|e| e.to_string())?;
        tracing::info!(calendar = %summary.calendar, added = summary.added, skipped = summary.notes.len(), "calendar imported");
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
) -> Result<preflight::imports::ImportSummary, String> {
    let membership = Membership::new(programme.as_deref(), under_18.unwrap_or(false))
        .map_err(|e| e.to_string())?;
    let ctx = context(&app);
    let summary = tauri::async_runtime::spawn_blocking(move || {
        preflight::imports::subscribe(&ctx, &url, ctx.now(), Some(membership))
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    Ok(summary)
}

/// Changes reminder timing, auto-open and start-at-login.
#[tauri::command]
pub async fn schedule_settings(
    app: AppHandle,
    reminders: ReminderConfig,
    autostart: bool,
) -> Result<ScheduleView, String> {
    if reminders.open_lead_min > 60
        || reminders.check_lead_min > 120
        || reminders.prompt_margin_min > 60
        || reminders.snooze_min > 60
    {
        return Err("Reminders can be at most two hours before a session.".into());
    }
    set_autostart(autostart)?;
    change_schedule(context(&app), move |s| {
        s.reminders = reminders;
        Ok(())
    })
    .await
}

/// The mentor's clock: 12 or 24 hours, or as this computer's regional settings say. Saved in
/// the settings the CLI and the tray read too; the schedule comes back written in it.
#[tauri::command]
pub async fn set_clock(
    app: AppHandle,
    clock: preflight::settings::ClockChoice,
) -> Result<ScheduleView, String> {
    let ctx = context(&app);
    tauri::async_runtime::spawn_blocking(move || {
        let notice =
            preflight::settings::update(&ctx, |s| s.clock = clock).map_err(|e| e.to_string())?;
        let mut v = view(&ctx, ctx.now());
        v.notice = notice.or(v.notice);
        Ok(v)
    })
    .await
    .map_err(|e| e.to_string())?
}

/// How the windows write times and dates for this mentor (their clock, their date order).
#[tauri::command]
pub fn time_style(app: AppHandle) -> preflight::settings::TimeStyle {
    preflight::settings::current_time_style(&context(&app))
}

/// The preparation screen for the session ahead (shown at the check prompt), if there is one.
#[tauri::command]
pub async fn prepare_view(app: AppHandle) -> Option<preflight::prepare::PrepareView> {
    let ctx = context(&app);
    tauri::async_runtime::spawn_blocking(move || preflight::prepare::prepare_view(&ctx, ctx.now()))
        .await
        .ok()
        .flatten()
}

/// Puts the reminders of session `id` off for the mentor's snooze time.
#[tauri::command]
pub async fn snooze_session(app: AppHandle, id: String) -> Result<(), String> {
    let ctx = context(&app);
    tauri::async_runtime::spawn_blocking(move || {
        preflight::reminders::snooze(&ctx, &id, ctx.now())
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Opens the room of a session now (by hand) and records it.
#[tauri::command]
pub fn open_room(app: AppHandle, id: String) -> Result<(), String> {
    let ctx = context(&app);
    let s = preflight::schedule::load_schedule(&ctx)
        .map_err(|e| e.to_string())?
        .value;
    let session = s
        .get(&id)
        .ok_or("That session is no longer in the schedule.")?;
    preflight::reminders::open_room(&ctx, session, false, ctx.now())
}

/// Opens the session script window for a scheduled session.
#[tauri::command]
pub fn start_session_script(app: AppHandle, id: String) -> Result<(), String> {
    script_of(&app, &id)
}

/// Opens the script window of scheduled session `id` (from the schedule, the tray, a reminder).
fn script_of(app: &AppHandle, id: &str) -> Result<(), String> {
    let s = preflight::schedule::load_schedule(&context(app))
        .map_err(|e| e.to_string())?
        .value;
    let session = s
        .get(id)
        .ok_or("That session is no longer in the schedule.")?;
    crate::start_script_for(app, &s, session)
}

/// For tests (compiled in only with the `test-hooks` feature): the *Save as* dialog is answered
/// with the name it suggests, in this folder, as a mentor pressing *Save* would.
#[cfg(feature = "test-hooks")]
const TEST_SAVE_DIR: &str = "MENTOR_PREFLIGHT_TEST_SAVE_DIR";

/// Writes the monitoring CSV for the week containing `day` (default: this week) where the mentor
/// chooses in a *Save as* dialog (suggested: the Documents folder, `mentor-preflight-week-<monday>.csv`).
/// Returns the path, or `None` when the mentor cancelled.
#[tauri::command]
pub async fn export_records(app: AppHandle, day: Option<String>) -> Result<Option<String>, String> {
    let ctx = context(&app);
    tauri::async_runtime::spawn_blocking(move || {
        let tz = jiff::tz::TimeZone::system();
        let at = match day.filter(|d| !d.is_empty()) {
            Some(d) => d
                .parse::<jiff::civil::Date>()
                .map_err(|_| format!("“{d}” is not a date."))?
                .to_zoned(tz.clone())
                .map_err(|e| e.to_string())?
                .timestamp(),
            None => ctx.now(),
        };
        let (from, to) = preflight::records::week_of(at, &tz);
        let export = preflight::monitoring::monitoring_export(&ctx, from, to, None, ctx.now())
            .map_err(|e| e.to_string())?;
        let dir = dirs::document_dir().or_else(dirs::home_dir);
        let name = format!(
            "mentor-preflight-week-{}.csv",
            from.to_zoned(tz).strftime("%Y-%m-%d")
        );
        let Some(path) = save_as(&app, dir, &name) else {
            tracing::info!("records export cancelled");
            return Ok(None);
        };
        preflight::monitoring::write_export(&ctx, &path, &export.csv)
            .map_err(|e| format!("The export could not be written: {e}"))?;
        tracing::info!(path = %path.display(), rows = export.rows.len(), "records exported");
        Ok(Some(path.display().to_string()))
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Asks where to save `name` (starting in `dir`); `None` when cancelled.
fn save_as(
    app: &AppHandle,
    dir: Option<std::path::PathBuf>,
    name: &str,
) -> Option<std::path::PathBuf> {
    #[cfg(feature = "test-hooks")]
    if let Ok(d) = std::env::var(TEST_SAVE_DIR) {
        return Some(std::path::PathBuf::from(d).join(name));
    }
    use tauri_plugin_dialog::DialogExt;
    let mut dialog = app
        .dialog()
        .file()
        .set_title("Save this week's records")
        .set_file_name(name)
        .add_filter("CSV (spreadsheet)", &["csv"]);
    if let Some(dir) = dir {
        dialog = dialog.set_directory(dir);
    }
    dialog.blocking_save_file()?.into_path().ok()
}

/// What the main window is brought forward for.
pub use preflight::launch::{Launch, MainIntent};

/// The event an open window gets for an intent, and the `#fragment` a new one opens with (so a
/// window created for the intent acts on it once its page has loaded, not before).
fn intent_event(intent: MainIntent) -> Option<AppEvent> {
    match intent {
        MainIntent::Show => None,
        MainIntent::RunCheck => Some(AppEvent::RunCheckRequested),
        MainIntent::CheckPrompt => Some(AppEvent::CheckPrompt),
        MainIntent::ShowSchedule => Some(AppEvent::ShowSchedule),
    }
}

/// Does what a start of the app asked for.
pub fn launched(app: &AppHandle, launch: Launch) {
    tracing::info!(?launch, "launched");
    match launch {
        Launch::Main(intent) => show_main(app, intent),
        Launch::Script(id) => {
            if let Err(e) = script_of(app, &id) {
                tracing::warn!(error = %e, "script not opened");
                show_main(app, MainIntent::ShowSchedule);
            }
        }
        Launch::TrayOnly => {
            if app.webview_windows().is_empty() {
                app.exit(0);
            }
        }
        Launch::Quit => app.exit(0),
    }
}

/// What the main window was last asked to do while it existed, until its page takes it: an
/// event sent while the page is still loading (the app just started, the tray's check prompt
/// right behind) would otherwise be lost.
#[derive(Default)]
pub struct PendingIntent(std::sync::Mutex<Option<AppEvent>>);

/// The event the main window was last asked for and has not taken yet (the page asks when it
/// loads, and when the event reaches it).
#[tauri::command]
pub fn take_launch_intent(app: AppHandle) -> Option<AppEvent> {
    app.state::<PendingIntent>()
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
}

/// Brings the main window forward, creating it (and its webview) if it does not exist: closing
/// the window destroys it, and the app ends with its last window (the tray process stays).
pub fn show_main(app: &AppHandle, intent: MainIntent) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
        if let Some(event) = intent_event(intent) {
            *app.state::<PendingIntent>()
                .0
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some(event.clone());
            event.send_to(app, "main");
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
    if let Some(event) = intent_event(intent) {
        config.url = tauri::WebviewUrl::App(format!("index.html#{}", event.name()).into());
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

/// The tray process's binary: beside the app's.
const TRAY_BINARY: &str = "mentor-preflight-tray";

fn tray_binary() -> Option<std::path::PathBuf> {
    preflight::host::beside_me(TRAY_BINARY)
}

/// Starts the tray process (reminders, the tray icon) if it is not running: it takes a lock, so
/// a second one ends at once. It keeps running when the app's windows close.
pub fn start_tray() {
    let Some(tray) = tray_binary() else {
        tracing::warn!("{TRAY_BINARY} is not installed beside the app: no reminders");
        return;
    };
    match std::process::Command::new(&tray)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
    {
        // Waited for on a thread (it usually outlives the app; if not, it is no zombie).
        Ok(mut child) => {
            std::thread::spawn(move || {
                let _ = child.wait();
            });
        }
        Err(e) => tracing::warn!(error = %e, "the tray could not be started"),
    }
}

/// The autostart entry: at login the tray process starts (never a window).
fn autolaunch() -> Result<auto_launch::AutoLaunch, String> {
    let tray = tray_binary().ok_or(format!("{TRAY_BINARY} is not installed beside the app"))?;
    auto_launch::AutoLaunchBuilder::new()
        .set_app_name("Mentor Preflight")
        .set_app_path(&tray.display().to_string())
        .build()
        .map_err(|e| e.to_string())
}

/// Whether the app starts at login.
fn autostart_enabled() -> bool {
    autolaunch().is_ok_and(|a| a.is_enabled().unwrap_or(false))
}

/// Switches starting at login on (writing the entry again, so it points at this installation's
/// tray) or off.
fn set_autostart(on: bool) -> Result<(), String> {
    let al = autolaunch().map_err(|e| format!("Starting at login could not be changed: {e}"))?;
    let r = if on {
        al.enable()
    } else if al.is_enabled().unwrap_or(false) {
        al.disable()
    } else {
        Ok(())
    };
    r.map_err(|e| format!("Starting at login could not be changed: {e}"))
}

/// While the main window is open, the headline and countdowns are refreshed every 15 seconds.
pub fn start_headline_ticks(app: &AppHandle) {
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(15)).await;
            if handle.get_webview_window("main").is_some() {
                AppEvent::ScheduleTick.send_to(&handle, "main");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_intent_reaches_the_window_as_its_own_event() {
        // The tray's words (preflight::launch) name the events the windows listen to.
        for i in MainIntent::ALL {
            match intent_event(i) {
                None => assert_eq!(i, MainIntent::Show),
                Some(e) => assert_eq!(MainIntent::from_word(e.name()), Some(i), "{i:?}"),
            }
        }
    }

    #[test]
    fn the_window_can_subscribe_only_to_feed_addresses() {
        // A path (or anything but https/webcal, or http to this computer) is refused before
        // anything is read.
        // Refused before the schedule is even read: a folder that does not exist will do.
        let ctx = Context::in_folder(std::path::Path::new("/nonexistent/mentor-preflight"));
        for source in [
            "/etc/passwd",
            "file:///etc/passwd",
            "~/.ssh/id_rsa",
            "C:\\x.ics",
        ] {
            let err = preflight::imports::subscribe(&ctx, source, ctx.now(), None).unwrap_err();
            assert!(
                matches!(
                    err,
                    preflight::imports::ImportError::Fetch(
                        preflight::calendar::fetch::FetchError::BadUrl(_)
                    )
                ),
                "{source}: {err:?}"
            );
        }
    }
}
