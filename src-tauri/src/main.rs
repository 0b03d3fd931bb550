//! Mentor Preflight desktop app: a thin shell over the `preflight` engine.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[cfg(test)]
mod contract;
mod display;
mod events;
mod listen;
mod schedule;

use std::sync::Mutex;

use preflight::checks::CheckSession;
use preflight::script_session::{ConcernOutcome, ScriptProgramme, ScriptSession};
use preflight::scripts::script::TemplateInfo;
use preflight::scripts::ScriptView;
use preflight::scripts::SessionRecord;
use preflight::{
    model::Origin, settings, CameraChoice, CheckId, CheckOptions, Context, DeviceReport,
    PreviewFrame, Progress, Report, Settings, SettingsView,
};
use tauri::ipc::Channel;
use tauri::{Manager, State, WebviewUrl, WebviewWindowBuilder};

/// For tests without a camera (compiled in only with the `test-hooks` feature, which the
/// end-to-end tests enable): when this environment variable names a PNG or JPEG file, "First
/// camera" means that picture.
#[cfg(feature = "test-hooks")]
const TEST_CAMERA_IMAGE: &str = "MENTOR_PREFLIGHT_TEST_CAMERA_IMAGE";

/// The name the test picture has in the camera list.
#[cfg(feature = "test-hooks")]
fn test_camera_name(path: &str) -> String {
    format!("Test picture ({path})")
}

/// The camera the window asked for. The window may name a camera, never a file: a picture
/// path from the webview would let a page make the app read any file. With the `test-hooks`
/// feature the default camera (or the listed test picture) becomes the test picture.
fn camera_from_window(choice: CameraChoice) -> Result<CameraChoice, String> {
    if matches!(choice, CameraChoice::Image(_)) {
        return Err("Only a camera can be chosen here.".into());
    }
    #[cfg(feature = "test-hooks")]
    if let Ok(path) = std::env::var(TEST_CAMERA_IMAGE) {
        return Ok(match choice {
            CameraChoice::Default if !path.is_empty() => CameraChoice::Image(path),
            CameraChoice::Named(name) if name == test_camera_name(&path) => {
                CameraChoice::Image(path)
            }
            other => other,
        });
    }
    Ok(choice)
}

/// The running preview, if any (paused while a check runs; both read the one camera feed).
#[derive(Default)]
struct PreviewState(preflight::handover::Holder);

impl PreviewState {
    /// Stops the running preview (if any) and returns once it has closed the camera.
    fn stop(&self) {
        self.0.stop();
    }
}

/// Runs the pre-flight check, streaming progress (live mic level, per-check results) on
/// `on_progress`, and returns the report.
#[tauri::command]
async fn run_check(
    app: tauri::AppHandle,
    mut options: CheckOptions,
    on_progress: Channel<Progress>,
    preview: State<'_, PreviewState>,
    meter: State<'_, listen::Meter>,
) -> Result<Report, String> {
    options.camera = camera_from_window(options.camera)?;
    // The window shows the check's own frames while it runs, so the preview pauses (the camera
    // is one feed, which the check subscribes to). The check needs the microphone to itself.
    preview.stop();
    meter.stop();
    tracing::info!(?options, "pre-flight check requested");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let forward_to = on_progress.clone();
    let forward = tauri::async_runtime::spawn(async move {
        while let Some(p) = rx.recv().await {
            if forward_to.send(p).is_err() {
                break; // the window went away; the check still finishes
            }
        }
    });
    let mut report = preflight::run(options, tx).await;
    let _ = forward.await;
    // The checklist, and the record both shells keep (the reminders read it): the one use case
    // the CLI calls too.
    let ctx = schedule::context(&app);
    let (kept, notice) = tauri::async_runtime::spawn_blocking(move || {
        let done = preflight::checks::finish_check(
            &ctx,
            &mut report,
            &Default::default(),
            Origin::App,
            true,
        );
        if let Some(rec) = &done.record {
            tracing::info!(session = ?rec.session_id, minutes_before = ?rec.minutes_before, "check recorded");
        }
        (report, done.notice)
    })
    .await
    .map_err(|e| e.to_string())?;
    if let Some(text) = notice {
        let _ = on_progress.send(Progress::Notice { text });
    }
    tracing::info!(overall = ?kept.overall, ms = kept.duration_ms, "pre-flight check finished");
    // The check on screen: the mentor's answers and ticks change this one.
    app.state::<CheckSession>().finished(kept.clone());
    Ok(kept)
}

/// The figures of the mentor's last checks (numbers only, newest first) for the history chart
/// under the results.
#[tauri::command]
async fn check_history(app: tauri::AppHandle) -> Vec<preflight::baseline::HistoryPoint> {
    let ctx = schedule::context(&app);
    tauri::async_runtime::spawn_blocking(move || {
        // The check just recorded included.
        let until = ctx.now() + jiff::SignedDuration::from_secs(1);
        preflight::baseline::history_before(&ctx, until)
    })
    .await
    .unwrap_or_default()
}

/// What the check screen shows about the checks, as Rust defines it (titles and order, verdict
/// words, the meter's bands, how long each step measures).
#[tauri::command]
fn check_guide() -> preflight::guide::CheckGuide {
    preflight::guide::check_guide()
}

/// Rebuilds the checklist of the check on screen with the items the mentor ticked (ids), and
/// keeps it with the recorded check (metadata only: item ids, met or not, evidence or declared).
#[tauri::command]
async fn checklist_update(app: tauri::AppHandle, ticked: Vec<String>) -> Result<Report, String> {
    let ticked = ticked.into_iter().collect();
    let ctx = schedule::context(&app);
    tauri::async_runtime::spawn_blocking(move || {
        app.state::<CheckSession>()
            .tick(&ctx, Origin::App, &ticked)
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Whether the camera and microphone are in use by another app (the call) and whether a
/// recorder is running, for the script window's indicators.
#[tauri::command]
async fn session_indicators(app: tauri::AppHandle) -> preflight::inuse::Indicators {
    let ctx = schedule::context(&app);
    tauri::async_runtime::spawn_blocking(move || {
        ctx.platform()
            .indicators(&preflight::inuse::DevicePaths::default())
    })
    .await
    .unwrap_or_default()
}

/// Focus mode: whether the app can silence notifications here, and whether they are.
#[tauri::command]
async fn focus_status(app: tauri::AppHandle) -> preflight::focus::FocusStatus {
    let ctx = schedule::context(&app);
    tauri::async_runtime::spawn_blocking(move || {
        ctx.platform().focus_status(ctx.focus_saved_path())
    })
    .await
    .unwrap_or(preflight::focus::FocusStatus {
        supported: false,
        on: None,
        message: preflight::focus::manual_advice(),
    })
}

/// Switches focus mode on (notifications silenced) or off (as they were before).
#[tauri::command]
async fn focus_set(
    app: tauri::AppHandle,
    on: bool,
) -> Result<preflight::focus::FocusStatus, String> {
    let ctx = schedule::context(&app);
    let status = tauri::async_runtime::spawn_blocking(move || focus_switch(&ctx, on))
        .await
        .map_err(|e| e.to_string())??;
    // Both windows show focus mode (the script's pill, the main window's checklist): whichever
    // switched it, the other follows.
    events::AppEvent::FocusChanged(status.clone()).send(&app);
    Ok(status)
}

fn focus_switch(ctx: &Context, on: bool) -> Result<preflight::focus::FocusStatus, String> {
    let saved = ctx.focus_saved_path();
    let Some(f) = ctx.platform().focus_switch(saved) else {
        return Err(preflight::focus::manual_advice());
    };
    let r = if on { f.enable() } else { f.restore() };
    tracing::info!(on, ok = r.is_ok(), "focus mode");
    r.map_err(|e| format!("Notifications could not be changed: {e}"))
}

/// Settles a question only the mentor can answer ("Did you hear the chime?") about the check on
/// screen and returns it with the verdict and the overall status updated.
#[tauri::command]
fn answer_question(
    app: tauri::AppHandle,
    session: State<'_, CheckSession>,
    id: CheckId,
    yes: bool,
) -> Result<Report, String> {
    let ctx = schedule::context(&app);
    let report = session
        .answer(&ctx, Origin::App, id, yes)
        .map_err(|e| e.to_string())?;
    tracing::info!(check = ?id, yes, overall = ?report.overall, "question answered");
    Ok(report)
}

/// Starts a live camera preview (about 10 small frames a second on `on_frame`), replacing any
/// running one. It runs until `stop_preview`, a check, or the window stops listening.
#[tauri::command]
async fn start_preview(
    camera: CameraChoice,
    on_frame: Channel<PreviewFrame>,
    preview: State<'_, PreviewState>,
) -> Result<(), String> {
    let choice = camera_from_window(camera)?;
    // The previous preview has closed the camera when this returns.
    let (stop, release) = preview.0.begin();
    tauri::async_runtime::spawn_blocking(move || {
        let _release = release; // dropped once the camera is closed
        match preflight::run_preview(preflight::feed::camera_feed(), &choice, &stop, |f| {
            on_frame.send(f).is_ok()
        }) {
            Ok(()) => tracing::debug!("preview stopped"),
            Err(e) => tracing::info!(error = %e, "no camera preview"),
        }
    });
    Ok(())
}

/// Stops the live camera preview (the window is hidden, or the camera is needed elsewhere).
#[tauri::command]
fn stop_preview(preview: State<'_, PreviewState>) {
    preview.stop();
}

/// The session script in progress, if any (the application layer runs it; this shell keeps it
/// and its window).
#[derive(Default)]
struct ScriptState(Mutex<Option<ScriptSession>>);

/// The scripts to pick from: built-in ones, the 7-week programme, and the mentor's own files
/// (broken ones listed with their error) — the same catalogue `preflight script list` shows.
#[tauri::command]
async fn script_templates(app: tauri::AppHandle) -> Vec<TemplateInfo> {
    let ctx = schedule::context(&app);
    tauri::async_runtime::spawn_blocking(move || {
        preflight::scripts::script::catalogue(ctx.templates_dir().as_deref())
    })
    .await
    .unwrap_or_default()
}

/// Starts a session script (variables filled in) and opens the small always-on-top window.
#[tauri::command]
fn script_start(
    app: tauri::AppHandle,
    template: String,
    vars: std::collections::BTreeMap<String, String>,
) -> Result<(), String> {
    let ctx = schedule::context(&app);
    let run = ScriptSession::by_hand(&ctx, &template, vars, ctx.now())?;
    open_script(&app, run)
}

/// Opens the script of a scheduled session (from the schedule, the tray or the reminder).
pub(crate) fn start_script_for(
    app: &tauri::AppHandle,
    schedule: &preflight::calendar::Schedule,
    session: &preflight::calendar::Session,
) -> Result<(), String> {
    let ctx = schedule::context(app);
    let run = ScriptSession::for_session(&ctx, schedule, session, ctx.now())?;
    open_script(app, run)
}

/// Keeps `run` as the script in progress and shows it in the script window.
fn open_script(app: &tauri::AppHandle, run: ScriptSession) -> Result<(), String> {
    *app.state::<ScriptState>()
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = Some(run);
    if let Some(w) = app.get_webview_window("script") {
        let _ = w.eval("window.location.reload()");
        let _ = w.set_focus();
        return Ok(());
    }
    WebviewWindowBuilder::new(app, "script", WebviewUrl::App("script.html".into()))
        .title("Session script — Mentor Preflight")
        .inner_size(400.0, 620.0)
        .min_inner_size(320.0, 420.0)
        .always_on_top(true)
        // Kept out of screen sharing and recordings where the system allows it (Windows, macOS).
        .content_protected(true)
        .build()
        .map_err(|e| format!("The script window could not be opened: {e}"))?;
    Ok(())
}

/// What the script window tells the mentor about itself on this system, once: whether a screen
/// share would show it, and whether it can stay on top.
#[tauri::command]
fn script_window_note(app: tauri::AppHandle) -> Option<String> {
    let ctx = schedule::context(&app);
    let note = display::script_window_note(
        display::Session::detect(),
        ctx.platform().hides_windows_from_screen_share(),
    )?;
    let seen = settings::load(&ctx)
        .ok()
        .is_some_and(|l| l.value.script_window_note_seen);
    if seen {
        return None;
    }
    if let Err(e) = settings::update(&ctx, |s| s.script_window_note_seen = true) {
        tracing::warn!(error = %e, "script window note not remembered");
    }
    Some(note)
}

fn with_run<T>(
    script: &State<'_, ScriptState>,
    f: impl FnOnce(&mut ScriptSession, jiff::Timestamp) -> T,
) -> Result<T, String> {
    let mut guard = script.0.lock().unwrap_or_else(|e| e.into_inner());
    let run = guard.as_mut().ok_or("No session script is running.")?;
    Ok(f(run, jiff::Timestamp::now()))
}

/// The script window's view: phase, prompts, checklist, timer.
#[tauri::command]
fn script_view(script: State<'_, ScriptState>) -> Result<ScriptView, String> {
    with_run(&script, |run, now| run.view(now))
}

/// Ticks or unticks a checklist item of the current phase.
#[tauri::command]
fn script_toggle(item: usize, script: State<'_, ScriptState>) -> Result<ScriptView, String> {
    with_run(&script, |run, now| {
        run.toggle(item);
        run.view(now)
    })
}

/// Starts the session now, before its scheduled start (the first phase's clock runs from now).
#[tauri::command]
fn script_begin(script: State<'_, ScriptState>) -> Result<ScriptView, String> {
    with_run(&script, |run, now| {
        run.begin(now);
        run.view(now)
    })
}

/// Moves to the next phase (`forward`) or back one.
#[tauri::command]
fn script_move(forward: bool, script: State<'_, ScriptState>) -> Result<ScriptView, String> {
    with_run(&script, |run, now| {
        run.step(forward, now);
        run.view(now)
    })
}

/// The script's programme and its contact, or `None` when the session belongs to no programme.
#[tauri::command]
fn script_programme(script: State<'_, ScriptState>) -> Option<ScriptProgramme> {
    with_run(&script, |run, _| run.programme()).ok().flatten()
}

/// *Report a concern*: notes that a concern was raised (never what it is) and opens the
/// programme contact.
#[tauri::command]
fn script_concern(script: State<'_, ScriptState>) -> Result<ConcernOutcome, String> {
    with_run(&script, |run, now| run.concern(now))?
}

/// What *Finish* would save now (nothing is saved yet): the window shows it as a summary, with
/// a few seconds to undo, before [`script_finish`].
#[tauri::command]
fn script_finish_preview(script: State<'_, ScriptState>) -> Result<SessionRecord, String> {
    with_run(&script, |run, now| run.record(now))
}

/// Ends the session and saves what was covered (titles, ticks, times; never what was said) to
/// the records; focus mode ends with it (only if the app switched it on).
#[tauri::command]
fn script_finish(
    app: tauri::AppHandle,
    script: State<'_, ScriptState>,
    answers: preflight::script_session::FinishAnswers,
) -> Result<preflight::script_session::Finished, String> {
    let ctx = schedule::context(&app);
    let mut slot = script.0.lock().unwrap_or_else(|e| e.into_inner());
    let run = slot
        .as_ref()
        .ok_or("No session script is running.")?
        .clone();
    // A mistake in the answers keeps the script open, to be mended.
    let finished = run.finish_with(ctx.now(), &answers)?;
    slot.take();
    drop(slot);
    if finished.next.is_some() {
        // The main window's list shows the session just added.
        events::AppEvent::ScheduleTick.send_to(&app, "main");
    }
    let record = finished;
    if ctx.focus_saved_path().exists() {
        if let Err(e) = focus_switch(&ctx, false) {
            tracing::warn!(error = %e, "focus mode not ended");
        }
    }
    if let Some(w) = app.get_webview_window("script") {
        let _ = w.close();
    }
    Ok(record)
}

/// What was agreed at the last session with this script's mentee, for the script window.
#[tauri::command]
fn script_last_agreed(
    app: tauri::AppHandle,
    script: State<'_, ScriptState>,
) -> Option<preflight::script_session::LastAgreed> {
    let mentee = script
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()?
        .mentee()?
        .to_string();
    preflight::script_session::last_agreed(&schedule::context(&app), &mentee)
}

/// Lists microphones, speakers and cameras.
#[tauri::command]
async fn list_devices() -> Result<DeviceReport, String> {
    #[cfg_attr(not(feature = "test-hooks"), allow(unused_mut))]
    let mut report = tauri::async_runtime::spawn_blocking(preflight::list_all_devices)
        .await
        .map_err(|e| e.to_string())?;
    #[cfg(feature = "test-hooks")]
    if let Ok(path) = std::env::var(TEST_CAMERA_IMAGE) {
        report.cameras.insert(
            0,
            preflight::camera::CameraDevice {
                name: test_camera_name(&path),
                description: "a still picture standing in for a camera".into(),
                index: "test".into(),
                formats: vec!["the picture's own size, 30 fps".into()],
            },
        );
    }
    Ok(report)
}

/// The remembered device choices (shared with the `preflight` CLI). A settings file that
/// cannot be read is shown as a notice with the defaults, and is never saved over.
#[tauri::command]
async fn get_settings(app: tauri::AppHandle) -> SettingsView {
    let ctx = schedule::context(&app);
    tauri::async_runtime::spawn_blocking(move || match settings::load(&ctx) {
        Ok(loaded) => SettingsView {
            settings: loaded.value,
            notice: loaded.notice,
        },
        Err(e) => SettingsView {
            settings: Settings::default(),
            notice: Some(e.to_string()),
        },
    })
    .await
    .unwrap_or_default()
}

/// Remembers the device choices (under the shared lock, written atomically). Only these three:
/// the rest of the settings (the programme, the mentor's name, what the CLI set) is changed
/// where it is chosen, so a window opened earlier can never write back an old copy of it.
#[tauri::command]
async fn save_devices(
    app: tauri::AppHandle,
    mic: Option<String>,
    speaker: Option<String>,
    camera: Option<String>,
) -> Result<(), String> {
    let ctx = schedule::context(&app);
    tauri::async_runtime::spawn_blocking(move || {
        settings::update(&ctx, |s| {
            s.mic = mic;
            s.speaker = speaker;
            s.camera = camera;
        })
        .map(|_| ())
        .map_err(|e| format!("Your device choices could not be saved: {e}"))
    })
    .await
    .map_err(|e| e.to_string())?
}

fn main() {
    if std::env::args().any(|a| a == "--version" || a == "-V") {
        println!("mentor-preflight {}", env!("CARGO_PKG_VERSION"));
        return;
    }
    // Wayland ignores "always on top": with XWayland at hand the app runs as an X11 client, so
    // the script window stays over the call. Done first, while the process has one thread.
    if let Some(why) = display::prefer_x11(display::Session::detect()) {
        std::env::set_var("GDK_BACKEND", "x11");
        eprintln!("{why}");
    }
    // The window is drawn by the system's web view (Microsoft's WebView2 runtime on Windows):
    // without it, say what to install and what works meanwhile, instead of failing obscurely.
    if let Err(e) = tauri::webview_version() {
        let text = webview_missing(&e.to_string());
        eprintln!("{text}");
        preflight::host::this_system().alert("Mentor Preflight cannot open its window", &text);
        std::process::exit(2);
    }
    let launch = schedule::Launch::from_args(&std::env::args().collect::<Vec<_>>());
    let app = tauri::Builder::default()
        // First: a second start (from the tray process, the menu, a notification) hands its
        // arguments to the running app and ends.
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            schedule::launched(app, schedule::Launch::from_args(&args));
        }))
        .plugin(tauri_plugin_dialog::init())
        // Where the data is, the clock and the platform: built once, read by every command.
        .manage(Context::system())
        .manage(CheckSession::default())
        .manage(PreviewState::default())
        .manage(listen::Meter::default())
        .manage(ScriptState::default())
        .manage(schedule::PendingIntent::default())
        .setup(move |app| {
            let log_dir = app.path().app_log_dir()?;
            let guard = preflight::logging::init(&log_dir, "mentor-preflight");
            app.manage(guard);
            tracing::info!(version = env!("CARGO_PKG_VERSION"), log_dir = %log_dir.display(), "Mentor Preflight started");
            // Reminders and the tray icon live in their own small process.
            schedule::start_tray();
            schedule::start_headline_ticks(app.handle());
            // Focus mode left on by a session the app did not see end (quit, crash): restore.
            let ctx = schedule::context(app.handle());
            if ctx.focus_saved_path().exists() {
                tauri::async_runtime::spawn_blocking(move || {
                    if let Err(e) = focus_switch(&ctx, false) {
                        tracing::warn!(error = %e, "focus mode left on could not be ended");
                    }
                });
            }
            schedule::launched(app.handle(), launch);
            Ok(())
        })
        .on_window_event(|window, event| {
            // The main window's webview is gone with it: its camera preview stops.
            if let tauri::WindowEvent::Destroyed = event {
                if window.label() == "main" {
                    window.app_handle().state::<PreviewState>().stop();
                    window.app_handle().state::<listen::Meter>().stop();
                    tracing::info!("main window closed");
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            run_check,
            check_history,
            check_guide,
            answer_question,
            list_devices,
            get_settings,
            save_devices,
            start_preview,
            stop_preview,
            script_templates,
            script_start,
            script_view,
            script_toggle,
            script_move,
            script_begin,
            script_finish,
            script_last_agreed,
            script_finish_preview,
            checklist_update,
            session_indicators,
            focus_status,
            focus_set,
            schedule::schedule_get,
            schedule::schedule_save,
            schedule::schedule_remove,
            schedule::schedule_import,
            schedule::schedule_subscribe,
            schedule::schedule_unsubscribe,
            schedule::schedule_settings,
            schedule::set_clock,
            schedule::prepare_view,
            schedule::take_launch_intent,
            schedule::snooze_session,
            schedule::time_style,
            schedule::session_as_planned,
            schedule::programme_get,
            schedule::programme_choose,
            schedule::programme_custom_save,
            script_programme,
            script_concern,
            script_window_note,
            schedule::open_room,
            schedule::start_session_script,
            schedule::export_records,
            listen::mic_meter_start,
            listen::mic_meter_stop,
            listen::hear_yourself,
            listen::play_chime
        ])
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        // E.g. a second start whose running app ended while it handed over its request.
        Err(e) => {
            eprintln!("Mentor Preflight could not start: {e}");
            std::process::exit(1);
        }
    }
}

/// What the mentor is told when the system's web view is missing (`why`: the system's words).
fn webview_missing(why: &str) -> String {
    format!(
        "Mentor Preflight's window needs Microsoft Edge WebView2 Runtime (on Linux: WebKitGTK), \
         which is missing or broken on this computer ({why}).\n\n\
         Install \"Microsoft Edge WebView2 Runtime\" from Microsoft's website \
         (https://developer.microsoft.com/microsoft-edge/webview2/), then start Mentor Preflight \
         again. Your reminders keep coming meanwhile, and the pre-flight check runs in a \
         terminal: preflight check"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_web_view_is_said_with_what_to_install_and_what_works_meanwhile() {
        let t = webview_missing("no WebView2 installation found");
        assert!(t.contains("Microsoft Edge WebView2 Runtime"), "{t}");
        assert!(t.contains("(no WebView2 installation found)"), "{t}");
        assert!(t.contains("preflight check"), "{t}");
    }

    #[test]
    fn the_window_can_name_a_camera_but_never_a_file() {
        let err = camera_from_window(CameraChoice::Image("/etc/shadow".into())).unwrap_err();
        assert!(err.contains("Only a camera"), "{err}");
        assert_eq!(
            camera_from_window(CameraChoice::Named("USB camera".into())),
            Ok(CameraChoice::Named("USB camera".into()))
        );
        assert_eq!(camera_from_window(CameraChoice::Off), Ok(CameraChoice::Off));
    }
}
