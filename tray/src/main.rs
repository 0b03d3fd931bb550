//! `mentor-preflight-tray`: what runs while the mentor waits for the next session. A small
//! process with no webview: the tray icon is a StatusNotifierItem over D-Bus on Linux (`ksni`,
//! [`icon`] from `sni.rs`) and a notification-area icon on Windows (`tray-icon`, from
//! `windows.rs`), with one menu ([`menu`]); the reminders are desktop notifications
//! (`notify-rust`: D-Bus notifications, Windows toasts), the reminder loop is the shared one in
//! `preflight::reminders`. Windows (the check, the schedule, the session script)
//! belong to the app, which this process starts with an intent (`mentor-preflight --intent …`);
//! a running app gets it through its single-instance channel.
//!
//! Started at login (the autostart entry points here) and by the app when it opens. One runs per
//! user: a second start finds the lock taken and ends at once.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use preflight::calendar::ActionKind;
use preflight::launch::{Launch, MainIntent};
use preflight::reminders::{self, Due};
use preflight::Context;
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
    /// *Run pre-flight check*, or *Run the check* on the check-prompt notification.
    Check,
    /// A click on the check-prompt notification itself: the window, ready to start the check.
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

// The tray icon itself, one backend per system (the only place this program asks which system
// it runs on): a StatusNotifierItem on Linux, a notification-area icon on Windows, none
// elsewhere (reminders still come as notifications). Each offers `Icon::spawn`,
// `Icon::set_headline` and `Icon::shutdown`, and draws [`menu`].
#[cfg(target_os = "linux")]
#[path = "sni.rs"]
mod icon;
#[cfg(windows)]
#[path = "windows.rs"]
mod icon;
#[cfg(not(any(target_os = "linux", windows)))]
#[path = "none.rs"]
mod icon;

/// One line of the tray menu.
#[derive(Debug, Clone, PartialEq, Eq)]
enum MenuLine {
    /// The next session (not clickable).
    Headline(String),
    /// An entry and what it asks for.
    Item(&'static str, Ask),
    /// A line between groups.
    Separator,
}

/// The tray menu, the same on every system: the next session first, then every action.
fn menu(headline: &str) -> Vec<MenuLine> {
    vec![
        MenuLine::Headline(format!("Next: {headline}")),
        MenuLine::Separator,
        MenuLine::Item("Run pre-flight check", Ask::Check),
        MenuLine::Item("Open room now", Ask::Room),
        MenuLine::Item("Start session script", Ask::Script),
        MenuLine::Item("Snooze reminder", Ask::Snooze(None)),
        MenuLine::Item("Schedule…", Ask::Schedule),
        MenuLine::Separator,
        MenuLine::Item("Quit Mentor Preflight", Ask::Quit),
    ]
}

/// The tooltip: what is next.
fn tooltip(headline: &str) -> String {
    format!("Mentor Preflight — {headline}")
}

/// A picture of the tray icon: straight RGBA rows.
struct Picture {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

/// The tray icon's pictures, from the PNGs in `icons/`.
fn pictures() -> Vec<Picture> {
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
        let rgba: Vec<u8> = match info.color_type {
            png::ColorType::Rgba => buf[..info.buffer_size()].to_vec(),
            png::ColorType::Rgb => buf[..info.buffer_size()]
                .chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect(),
            _ => return None,
        };
        Some(Picture {
            width: info.width,
            height: info.height,
            rgba,
        })
    })
    .collect()
}

/// The app binary: beside this one (an installed package, or a build's target directory).
fn app_binary() -> PathBuf {
    preflight::host::beside_me(APP_BINARY).unwrap_or_else(|| PathBuf::from(APP_BINARY))
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

/// Starts the app asking for `what` (a running app gets the request through its single-instance
/// channel and the new process ends at once).
fn launch(what: &Launch) {
    let app = app_binary();
    match Command::new(&app).args(what.to_args()).spawn() {
        Ok(child) => {
            tracing::info!(?what, "app started");
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

/// Text for a notification body: cleaned of control characters and bounded, then made safe for
/// the system's notifications (Linux notification servers read markup; Windows toasts do not).
fn notification_text(s: &str) -> String {
    icon::body_text(&preflight::calendar::schedule::clean_text(s, 500))
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

/// The check-prompt notification, with *Run the check* and *Snooze N min* where the notification server
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
    /// Where the data is, and the clock.
    ctx: Context,
    asks: mpsc::UnboundedSender<Ask>,
    tray: Option<icon::Icon>,
    /// What the tray shows as next (logged when it changes).
    headline: String,
    /// The last problem reading the schedule, said once.
    read_problem: Option<String>,
}

impl Loop {
    /// One pass: fire what is due, refresh the tray.
    async fn tick(&mut self) {
        reap();
        let ctx = self.ctx.clone();
        let outcome = tokio::task::spawn_blocking(move || reminders::tick(&ctx, ctx.now())).await;
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
                        reminders::check_prompt_text(
                            due,
                            &tick.profiles,
                            &jiff::tz::TimeZone::system(),
                            &tick.style,
                        ),
                        tick.schedule.reminders.snooze_min,
                        self.asks.clone(),
                    );
                    launch(&Launch::Main(MainIntent::CheckPrompt));
                }
                ActionKind::OpenRoom => {
                    notify(
                        "Opening your meeting room",
                        &format!(
                            "Your session with {} starts in {} min.",
                            due.session.mentee, due.minutes
                        ),
                    );
                    let (session, ctx) = (due.session.clone(), self.ctx.clone());
                    let opened = tokio::task::spawn_blocking(move || {
                        reminders::open_room(&ctx, &session, true, ctx.now())
                    })
                    .await;
                    if let Ok(Err(e)) = opened {
                        tracing::warn!(error = %e, "room not opened");
                        notify("The room could not be opened", &e);
                    }
                    launch(&Launch::Script(due.session.id.clone()));
                }
            }
        }
        if tick.headline != self.headline {
            tracing::info!(headline = %tick.headline, "next session");
            self.headline = tick.headline;
            if let Some(tray) = &self.tray {
                tray.set_headline(self.headline.clone()).await;
            }
        }
    }

    /// Does what the mentor asked. Returns `false` to quit.
    async fn answer(&mut self, ask: Ask) -> bool {
        tracing::info!(?ask, "tray");
        let now = self.ctx.now();
        let ctx = &self.ctx;
        let next = || -> Result<Option<preflight::calendar::Session>, String> {
            let schedule = preflight::schedule::load_schedule(ctx)
                .map_err(|e| e.to_string())?
                .value;
            Ok(schedule.next(now).cloned())
        };
        match ask {
            Ask::Check => launch(&Launch::Main(MainIntent::RunCheck)),
            Ask::CheckPrompt => launch(&Launch::Main(MainIntent::CheckPrompt)),
            Ask::Schedule => launch(&Launch::Main(MainIntent::ShowSchedule)),
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
                    launch(&Launch::Main(MainIntent::ShowSchedule));
                }
                Ok(Some(s)) if s.link.is_some() => {
                    if let Err(e) = reminders::open_room(ctx, &s, false, now) {
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
                Ok(Some(s)) => launch(&Launch::Script(s.id.clone())),
                _ => launch(&Launch::Main(MainIntent::ShowSchedule)),
            },
            Ask::Snooze(id) => {
                let id = match id {
                    Some(id) => Some(id),
                    None => next().ok().flatten().map(|s| s.id),
                };
                if let Some(id) = id {
                    if let Err(e) = reminders::snooze(ctx, &id, now) {
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
    match Command::new(app_binary())
        .args(Launch::Quit.to_args())
        .spawn()
    {
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
fn watched_files(ctx: &Context) -> Vec<PathBuf> {
    // The database and its write-ahead log (every commit lands in the log first).
    ctx.db_path()
        .map(|p| {
            let mut wal = p.clone().into_os_string();
            wal.push("-wal");
            vec![p, PathBuf::from(wal)]
        })
        .unwrap_or_default()
}

/// When each of `files` last changed.
fn changed_at(files: &[PathBuf]) -> Vec<Option<SystemTime>> {
    files
        .iter()
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect()
}

async fn run(ctx: Context) {
    let (asks, mut asked) = mpsc::unbounded_channel();
    let headline = "…".to_string();
    let tray = match icon::Icon::spawn(headline.clone(), asks.clone()).await {
        Ok(icon) => Some(icon),
        Err(e) => {
            tracing::warn!(error = %e, "no tray icon (reminders still come as notifications)");
            None
        }
    };
    let files = watched_files(&ctx);
    let mut lp = Loop {
        ctx,
        asks,
        tray,
        headline,
        read_problem: None,
    };
    let mut watch = tokio::time::interval(WATCH);
    watch.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
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
                    let ctx = lp.ctx.clone();
                    tokio::task::spawn_blocking(move || {
                        let has = preflight::schedule::load_schedule(&ctx)
                            .is_ok_and(|l| !l.value.subscriptions.is_empty());
                        if has {
                            if let Err(e) = preflight::imports::refresh_subscriptions(&ctx, ctx.now()) {
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
    let ctx = Context::system();
    let Some(data) = ctx.data_dir().map(Path::to_path_buf) else {
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
    runtime.block_on(run(ctx));
    drop(lock);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_bodies_cannot_carry_escapes() {
        let body = notification_text("Your session with Sam\u{1b}[2J\u{7}");
        assert_eq!(body, "Your session with Sam [2J");
    }

    #[test]
    fn the_tray_icon_has_two_sizes() {
        let pictures = pictures();
        let sizes: Vec<(u32, u32)> = pictures.iter().map(|p| (p.width, p.height)).collect();
        assert_eq!(sizes, vec![(32, 32), (64, 64)]);
        for p in &pictures {
            assert_eq!(p.rgba.len(), (p.width * p.height * 4) as usize);
            // Something is drawn, and something is transparent around it.
            assert!(p.rgba.chunks_exact(4).any(|px| px[3] == 255));
            assert!(p.rgba.chunks_exact(4).any(|px| px[3] == 0));
        }
    }

    #[test]
    fn the_menu_says_the_next_session_and_offers_every_action() {
        let labels: Vec<String> = menu("Priya · Mon 18:00 (in 9 min)")
            .into_iter()
            .filter_map(|m| match m {
                MenuLine::Headline(h) => Some(h),
                MenuLine::Item(label, _) => Some(label.to_string()),
                MenuLine::Separator => None,
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
        assert_eq!(
            menu("x").last(),
            Some(&MenuLine::Item("Quit Mentor Preflight", Ask::Quit))
        );
        assert_eq!(tooltip("Sam · now"), "Mentor Preflight — Sam · now");
    }
}
