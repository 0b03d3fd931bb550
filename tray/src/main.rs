//! `mentor-preflight-tray`: what runs while the mentor waits for the next session. A small
//! process with no webview and no toolkit: the tray icon is a StatusNotifierItem over D-Bus
//! (`ksni`), the reminders are desktop notifications (`notify-rust`), the reminder loop is the
//! shared one in `preflight::reminders`. Windows (the check, the schedule, the session script)
//! belong to the app, which this process starts with an intent (`mentor-preflight --intent …`);
//! a running app gets it through its single-instance channel.
//!
//! Started at login (the autostart entry points here) and by the app when it opens. One runs per
//! user: a second start finds the lock taken and ends at once.

use std::path::PathBuf;
use std::process::{Child, Command, ExitCode};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use jiff::Timestamp;
use ksni::TrayMethods;
use preflight::calendar;
use preflight::reminders::{self, Due};
use preflight_calendar::ActionKind;
use tokio::sync::mpsc;

/// How often the loop looks at the clock for what is due.
const TICK: Duration = Duration::from_secs(15);
/// How often it looks whether the schedule, the records or the reminder state changed (a stat
/// of each file): a session added 6 minutes ahead is prompted within two seconds.
const WATCH: Duration = Duration::from_secs(2);
/// Subscribed calendars are fetched again this often.
const REFRESH: Duration = Duration::from_secs(3 * 3600);

/// The app binary this process starts for windows.
const APP_BINARY: &str = "mentor-preflight";

/// What the mentor asked for, from the tray menu or a notification button.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ask {
    /// *Run pre-flight check*, or *Run the check* on the T−10 notification.
    Check,
    /// A click on the T−10 notification itself: the window, ready to start the check.
    CheckPrompt,
    /// *Open room now*: the next session's meeting link.
    Room,
    /// *Start session script* for the next session.
    Script,
    /// *Snooze reminder*: the next session's, or the session a notification was for.
    Snooze(Option<String>),
    /// *Schedule…*
    Schedule,
    /// *Quit Mentor Preflight*: the tray and the app's windows.
    Quit,
}

/// The tray icon: the next session in the menu's first line and in the tooltip.
struct Tray {
    headline: String,
    icon: Vec<ksni::Icon>,
    asks: mpsc::UnboundedSender<Ask>,
}

impl Tray {
    fn item(&self, label: &str, ask: Ask) -> ksni::MenuItem<Self> {
        ksni::menu::StandardItem {
            label: label.into(),
            activate: Box::new(move |t: &mut Self| {
                let _ = t.asks.send(ask.clone());
            }),
            ..Default::default()
        }
        .into()
    }
}

impl ksni::Tray for Tray {
    // A left click shows the menu, as on every desktop (the menu is the interface).
    const MENU_ON_ACTIVATE: bool = true;

    fn id(&self) -> String {
        "mentor-preflight".into()
    }

    fn title(&self) -> String {
        "Mentor Preflight".into()
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        self.icon.clone()
    }

    fn tool_tip(&self) -> ksni::ToolTip {
        ksni::ToolTip {
            title: format!("Mentor Preflight — {}", self.headline),
            ..Default::default()
        }
    }

    fn menu(&self) -> Vec<ksni::MenuItem<Self>> {
        vec![
            ksni::menu::StandardItem {
                label: format!("Next: {}", self.headline),
                enabled: false,
                ..Default::default()
            }
            .into(),
            ksni::MenuItem::Separator,
            self.item("Run pre-flight check", Ask::Check),
            self.item("Open room now", Ask::Room),
            self.item("Start session script", Ask::Script),
            self.item("Snooze reminder", Ask::Snooze(None)),
            self.item("Schedule…", Ask::Schedule),
            ksni::MenuItem::Separator,
            self.item("Quit Mentor Preflight", Ask::Quit),
        ]
    }

    fn watcher_offline(&self, reason: ksni::OfflineReason) -> bool {
        // The desktop's tray went away (a shell restart, say): keep serving, it may come back;
        // reminders go on as notifications meanwhile.
        tracing::info!(?reason, "no tray host for now");
        true
    }
}

/// The tray icon's pictures, ARGB32 in network byte order, from the PNGs in `icons/`.
fn icons() -> Vec<ksni::Icon> {
    [
        &include_bytes!("../../icons/tray-32x32.png")[..],
        &include_bytes!("../../icons/tray-64x64.png")[..],
    ]
    .into_iter()
    .filter_map(|bytes| {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().ok()?;
        let mut buf = vec![0; reader.output_buffer_size()?];
        let info = reader.next_frame(&mut buf).ok()?;
        let rgba: Vec<[u8; 4]> = match info.color_type {
            png::ColorType::Rgba => buf[..info.buffer_size()]
                .chunks_exact(4)
                .map(|p| [p[0], p[1], p[2], p[3]])
                .collect(),
            png::ColorType::Rgb => buf[..info.buffer_size()]
                .chunks_exact(3)
                .map(|p| [p[0], p[1], p[2], 255])
                .collect(),
            _ => return None,
        };
        Some(ksni::Icon {
            width: info.width as i32,
            height: info.height as i32,
            data: rgba
                .into_iter()
                .flat_map(|[r, g, b, a]| [a, r, g, b])
                .collect(),
        })
    })
    .collect()
}

/// The app binary: beside this one (an installed package, or a build's target directory).
fn app_binary() -> PathBuf {
    preflight_host::beside_me(APP_BINARY).unwrap_or_else(|| PathBuf::from(APP_BINARY))
}

/// The app processes this one started and that may still run (reaped at every pass, so none is
/// left a zombie).
static LAUNCHED: Mutex<Vec<Child>> = Mutex::new(Vec::new());

fn launched() -> std::sync::MutexGuard<'static, Vec<Child>> {
    LAUNCHED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Forgets the started apps that have ended; returns how many still run.
fn reap() -> usize {
    let mut children = launched();
    children.retain_mut(|c| matches!(c.try_wait(), Ok(None)));
    children.len()
}

/// Starts the app with `args` (a running app gets them through its single-instance channel and
/// the new process ends at once).
fn launch(args: &[&str]) {
    let app = app_binary();
    match Command::new(&app).args(args).spawn() {
        Ok(child) => {
            tracing::info!(?args, "app started");
            launched().push(child);
        }
        Err(e) => {
            tracing::error!(app = %app.display(), error = %e, "the app could not be started");
            notify(
                "Mentor Preflight could not open its window",
                &format!("{} could not be started: {e}", app.display()),
            );
        }
    }
}

/// Text for a notification body: Linux notification servers read the body as markup, so a
/// mentee called `<b>Sam</b>` or `a & b` must be escaped there.
fn notification_text(s: &str) -> String {
    preflight_calendar::schedule::clean_text(s, 500)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Shows a notification (on a thread: the notification server may be slow or absent).
fn notify(title: &str, body: &str) {
    let (title, body) = (title.to_string(), notification_text(body));
    std::thread::spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("Mentor Preflight")
            .summary(&title)
            .body(&body)
            .show();
        if let Err(e) = shown {
            tracing::info!(error = %e, "desktop notification not shown");
        }
    });
}

/// The T−10 notification, with *Run the check* and *Snooze N min* where the notification server
/// offers buttons; what the mentor presses comes back to the loop as an [`Ask`].
fn prompt_check(due: &Due, body: String, snooze_min: u32, asks: mpsc::UnboundedSender<Ask>) {
    let session = due.session.id.clone();
    let body = notification_text(&body);
    std::thread::spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("Mentor Preflight")
            .summary("Time for your pre-flight check")
            .body(&body)
            .action("default", "Open Mentor Preflight")
            .action("check", "Run the check")
            .action("snooze", &format!("Snooze {snooze_min} min"))
            .show();
        match shown {
            Ok(handle) => handle.wait_for_action(|action| {
                tracing::info!(action, session, "notification action");
                let ask = match action {
                    "check" => Ask::Check,
                    "snooze" => Ask::Snooze(Some(session.clone())),
                    "default" => Ask::CheckPrompt,
                    _ => return,
                };
                let _ = asks.send(ask);
            }),
            Err(e) => tracing::info!(error = %e, "desktop notification not shown"),
        }
    });
}

/// The loop's memory between passes (everything else is in files).
struct Loop {
    asks: mpsc::UnboundedSender<Ask>,
    tray: Option<ksni::Handle<Tray>>,
    /// The last problem reading the schedule, said once.
    read_problem: Option<String>,
}

impl Loop {
    /// One pass: fire what is due, refresh the tray.
    async fn tick(&mut self) {
        reap();
        let outcome = tokio::task::spawn_blocking(|| reminders::tick(Timestamp::now())).await;
        let tick = match outcome {
            Ok(Ok(t)) => t,
            Ok(Err(e)) => {
                // Unreadable: say so once, fire nothing, never write over it.
                let n = e.to_string();
                if self.read_problem.as_deref() != Some(n.as_str()) {
                    notify("Your schedule could not be read", &n);
                    self.read_problem = Some(n);
                }
                return;
            }
            Err(e) => {
                tracing::error!(error = %e, "reminder pass failed");
                return;
            }
        };
        self.read_problem = None;
        if let Some(n) = &tick.notice {
            notify("Your schedule file was damaged", n);
        }
        for due in &tick.due {
            match due.kind {
                ActionKind::PromptCheck => {
                    tracing::info!(session = %due.session.id, "check prompt");
                    prompt_check(
                        due,
                        reminders::check_prompt_text(due, &tick.profiles),
                        tick.schedule.reminders.snooze_min,
                        self.asks.clone(),
                    );
                    launch(&["--intent", "check-prompt"]);
                }
                ActionKind::OpenRoom => {
                    notify(
                        "Opening your meeting room",
                        &format!(
                            "Your session with {} starts in {} min.",
                            due.session.mentee, due.minutes
                        ),
                    );
                    let session = due.session.clone();
                    let opened = tokio::task::spawn_blocking(move || {
                        reminders::open_room(&session, true, Timestamp::now())
                    })
                    .await;
                    if let Ok(Err(e)) = opened {
                        tracing::warn!(error = %e, "room not opened");
                        notify("The room could not be opened", &e);
                    }
                    launch(&["--script", &due.session.id]);
                }
            }
        }
        if let Some(tray) = &self.tray {
            let headline = tick.headline;
            tray.update(|t| {
                if t.headline != headline {
                    t.headline = headline;
                }
            })
            .await;
        }
    }

    /// Does what the mentor asked. Returns `false` to quit.
    async fn answer(&mut self, ask: Ask) -> bool {
        tracing::info!(?ask, "tray");
        let now = Timestamp::now();
        let next = || -> Result<Option<preflight_calendar::Session>, String> {
            let schedule = calendar::load_schedule().map_err(|e| e.to_string())?.value;
            Ok(schedule.next(now).cloned())
        };
        match ask {
            Ask::Check => launch(&["--intent", "run-check"]),
            Ask::CheckPrompt => launch(&["--intent", "check-prompt"]),
            Ask::Schedule => launch(&["--intent", "show-schedule"]),
            Ask::Quit => {
                let _ = tokio::task::spawn_blocking(quit_app).await;
                return false;
            }
            Ask::Room => match next() {
                // The next session is not soon: opening its room now would be no opening at
                // all. The mentor chooses which session's room they mean in the schedule.
                Ok(Some(s))
                    if s.link.is_some()
                        && preflight::records::room_opening(&s, now, false).is_none() =>
                {
                    notify(
                        "Which session's room?",
                        &format!(
                            "Your next session, with {}, is not soon. Choose the session whose room you want in the schedule.",
                            s.mentee
                        ),
                    );
                    launch(&["--intent", "show-schedule"]);
                }
                Ok(Some(s)) if s.link.is_some() => {
                    if let Err(e) = reminders::open_room(&s, false, now) {
                        notify("The room could not be opened", &e);
                    }
                }
                Ok(Some(s)) => notify(
                    "No meeting link",
                    &format!(
                        "The session with {} has no meeting link. Add one in the schedule.",
                        s.mentee
                    ),
                ),
                Ok(None) => notify("No sessions scheduled", "Add a session in the schedule."),
                Err(e) => notify("Your schedule could not be read", &e),
            },
            Ask::Script => match next() {
                Ok(Some(s)) => launch(&["--script", &s.id]),
                _ => launch(&["--intent", "show-schedule"]),
            },
            Ask::Snooze(id) => {
                let id = match id {
                    Some(id) => Some(id),
                    None => next().ok().flatten().map(|s| s.id),
                };
                if let Some(id) = id {
                    if let Err(e) = reminders::snooze(&id, now) {
                        tracing::warn!(error = %e, "reminder not snoozed");
                    }
                }
            }
        }
        // The answer may have changed what is due (a snooze, an opened room).
        self.tick().await;
        true
    }
}

/// *Quit*: asks the app to close its windows and end (`--quit`, through its single-instance
/// channel; that request is given five seconds). An app this process started that still runs a
/// few seconds later (it may not have been listening yet) is ended.
fn quit_app() {
    match Command::new(app_binary()).arg("--quit").spawn() {
        Ok(mut asker) => {
            let t0 = Instant::now();
            while matches!(asker.try_wait(), Ok(None)) && t0.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(50));
            }
            if matches!(asker.try_wait(), Ok(None)) {
                tracing::warn!("the app did not take the quit request in time");
                let _ = asker.kill();
            }
            let _ = asker.wait();
        }
        Err(e) => tracing::warn!(error = %e, "the app could not be asked to quit"),
    }
    let t0 = Instant::now();
    while reap() > 0 && t0.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(100));
    }
    for child in launched().iter_mut() {
        tracing::warn!(pid = child.id(), "the app did not quit: ended");
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The files the loop reads (the app and the CLI change them too).
fn watched_files() -> Vec<PathBuf> {
    [
        calendar::schedule_path(),
        calendar::records_path(),
        calendar::reminder_state_path(),
    ]
    .into_iter()
    .filter_map(Result::ok)
    .collect()
}

/// When each of `files` last changed.
fn changed_at(files: &[PathBuf]) -> Vec<Option<SystemTime>> {
    files
        .iter()
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect()
}

async fn run() {
    let (asks, mut asked) = mpsc::unbounded_channel();
    let tray = Tray {
        headline: "…".into(),
        icon: icons(),
        asks: asks.clone(),
    };
    // The desktop may not have its tray up yet at login: the item waits for it.
    let tray = match tray.assume_sni_available(true).spawn().await {
        Ok(handle) => Some(handle),
        Err(e) => {
            tracing::warn!(error = %e, "no tray icon (reminders still come as notifications)");
            None
        }
    };
    let mut lp = Loop {
        asks,
        tray,
        read_problem: None,
    };
    let mut watch = tokio::time::interval(WATCH);
    watch.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let files = watched_files();
    let mut seen = None;
    let mut last_tick: Option<Instant> = None;
    let mut last_refresh: Option<Instant> = None;
    loop {
        tokio::select! {
            _ = watch.tick() => {
                let stamp = changed_at(&files);
                if seen.as_ref() != Some(&stamp) || last_tick.is_none_or(|t| t.elapsed() >= TICK) {
                    lp.tick().await;
                    // What the pass itself wrote does not count as a change.
                    seen = Some(changed_at(&files));
                    last_tick = Some(Instant::now());
                }
                if last_refresh.is_none_or(|t| t.elapsed() >= REFRESH) {
                    last_refresh = Some(Instant::now());
                    tokio::task::spawn_blocking(|| {
                        let has = calendar::load_schedule()
                            .is_ok_and(|l| !l.value.subscriptions.is_empty());
                        if has {
                            if let Err(e) = calendar::refresh_subscriptions(Timestamp::now()) {
                                tracing::warn!(error = %e, "subscriptions not refreshed");
                            }
                        }
                    });
                }
            }
            Some(ask) = asked.recv() => {
                if !lp.answer(ask).await {
                    break;
                }
            }
        }
    }
    if let Some(tray) = lp.tray {
        tray.shutdown().await;
    }
    tracing::info!("tray ended");
}

fn main() -> ExitCode {
    if std::env::args().any(|a| a == "--version" || a == "-V") {
        println!("mentor-preflight-tray {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let Some(data) = calendar::data_dir() else {
        eprintln!("This system has no data directory for Mentor Preflight: no reminders.");
        return ExitCode::FAILURE;
    };
    if let Err(e) = std::fs::create_dir_all(&data) {
        eprintln!("{} could not be created: {e}", data.display());
        return ExitCode::FAILURE;
    }
    // One tray per user: the lock is held for the life of the process and let go by the system
    // when it ends, however it ends.
    let lock = match std::fs::File::create(data.join("tray.lock")) {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "{} could not be opened: {e}",
                data.join("tray.lock").display()
            );
            return ExitCode::FAILURE;
        }
    };
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            println!("Mentor Preflight's tray is already running.");
            return ExitCode::SUCCESS;
        }
        Err(std::fs::TryLockError::Error(e)) => {
            eprintln!("The tray's lock could not be taken ({e}); running anyway.");
        }
    }
    let _log = preflight::logging::init(&data.join("logs"), "tray");
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "tray started");
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "no async runtime");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run());
    drop(lock);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_bodies_cannot_carry_markup_or_escapes() {
        let body =
            notification_text("Your session with <b>Sam</b> & <a href=\"x\">Jo</a>\u{1b}[2J");
        assert_eq!(
            body,
            "Your session with &lt;b&gt;Sam&lt;/b&gt; &amp; &lt;a href=\"x\"&gt;Jo&lt;/a&gt; [2J"
        );
    }

    #[test]
    fn the_tray_icon_is_argb_in_two_sizes() {
        let icons = icons();
        let sizes: Vec<(i32, i32)> = icons.iter().map(|i| (i.width, i.height)).collect();
        assert_eq!(sizes, vec![(32, 32), (64, 64)]);
        for i in &icons {
            assert_eq!(i.data.len(), (i.width * i.height * 4) as usize);
            // Something is drawn, and something is transparent around it (alpha comes first).
            assert!(i.data.chunks_exact(4).any(|p| p[0] == 255));
            assert!(i.data.chunks_exact(4).any(|p| p[0] == 0));
        }
    }

    #[test]
    fn the_menu_says_the_next_session_and_offers_every_action() {
        let (asks, mut asked) = mpsc::unbounded_channel();
        let mut tray = Tray {
            headline: "Priya · Mon 18:00 (in 9 min)".into(),
            icon: Vec::new(),
            asks,
        };
        let menu = ksni::Tray::menu(&tray);
        let labels: Vec<String> = menu
            .iter()
            .filter_map(|m| match m {
                ksni::MenuItem::Standard(s) => Some(s.label.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            labels,
            [
                "Next: Priya · Mon 18:00 (in 9 min)",
                "Run pre-flight check",
                "Open room now",
                "Start session script",
                "Snooze reminder",
                "Schedule…",
                "Quit Mentor Preflight"
            ]
        );
        // Each entry asks the loop for its action.
        let mut menu = ksni::Tray::menu(&tray);
        if let ksni::MenuItem::Standard(quit) = menu.pop().unwrap() {
            (quit.activate)(&mut tray);
        }
        assert_eq!(asked.try_recv().unwrap(), Ask::Quit);
    }
}
