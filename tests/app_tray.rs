//! The tray icon and the notifications for real: the app runs as at login (`--minimized`)
//! under Xvfb, on a private D-Bus session where the test is the tray host (a
//! StatusNotifierWatcher reading the icon's menu over dbusmenu) and the notification server.
//! Nothing here uses WebDriver: while the app only sits in the tray there is no webview to
//! drive.

use std::time::{Duration, Instant};

use preflight_e2e::desktop::TrayApp;

/// Where the app keeps its data under the test HOME.
const DATA: &str = ".local/share/org.mentorpreflight.app";

/// The check-prompt notification, once the tray has shown it (within 20 s).
async fn check_prompt(app: &TrayApp) -> preflight_e2e::desktop::Shown {
    app.desktop
        .wait_for_notification("Time for your pre-flight check", 20)
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tray_menu_and_the_t10_notification_with_its_actions() {
    let home = tempfile::tempdir().unwrap();
    let app = TrayApp::start(home.path(), 9, true).await;

    // The tray menu, as a tray host shows it.
    // The next session heads the menu.
    let menu = app
        .desktop
        .tray_menu_when(&app.item, "Next: Priya · ")
        .await;
    let labels: Vec<&str> = menu.iter().map(|e| e.label.as_str()).collect();
    assert!(labels[0].ends_with("(in 9 min)"), "{labels:?}");
    assert!(!menu[0].enabled, "the headline is not a button");
    for wanted in [
        "Run pre-flight check",
        "Open room now",
        "Start session script",
        "Snooze reminder",
        "Schedule…",
        "Quit Mentor Preflight",
    ] {
        assert!(
            labels.contains(&wanted),
            "{wanted:?} missing from {labels:?}"
        );
    }

    // The check prompt (T−15) arrives as a notification with its words and buttons.
    let n = check_prompt(&app).await;
    assert!(
        n.body
            .starts_with("Your session with Priya starts in 9 min."),
        "{}",
        n.body
    );
    assert!(n
        .body
        .contains("Test your microphone, camera and connection now: by "));
    for action in [("check", "Run the check"), ("snooze", "Snooze 5 min")] {
        assert!(
            n.actions
                .iter()
                .any(|(k, l)| (k.as_str(), l.as_str()) == action),
            "{action:?} not offered: {:?}",
            n.actions
        );
    }

    // "Snooze 5 min" on the notification puts that session's reminder off. The tray listens
    // for the button a moment after the notification is shown (as any notifying program
    // does); a press that came before it listened is pressed again, as a mentor would.
    let t0 = Instant::now();
    let mut pressed = Instant::now() - Duration::from_secs(10);
    loop {
        if pressed.elapsed() >= Duration::from_secs(2) {
            app.desktop.invoke_action(n.id, "snooze").await;
            pressed = Instant::now();
        }
        let v = preflight_e2e::stored(&home.path().join(DATA), "reminder_state")
            .pop()
            .unwrap_or_default();
        let text = v.to_string();
        if v["snoozed"]["sched-1"].is_string() {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(15),
            "the snooze was not kept: {text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.quit().await;
}

/// The prompt comes early enough that acting on it meets the codes' rule: a session 14 minutes
/// away is prompted (T−15: the codes' 10 minutes plus the margin), the notification says by
/// when, and a check run at once is recorded as tested at least 10 minutes before.
#[tokio::test(flavor = "multi_thread")]
async fn the_prompt_leaves_room_to_be_tested_in_time() {
    let home = tempfile::tempdir().unwrap();
    let app = TrayApp::start(home.path(), 14, true).await;
    let n = check_prompt(&app).await;
    assert!(
        n.body
            .contains("(10 minutes before the start) it counts as tested in time"),
        "{}",
        n.body
    );
    let o = preflight_e2e::preflight_command(home.path(), preflight_e2e::OFFLINE_CHECK)
        .output()
        .unwrap();
    assert!(
        o.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let records = preflight_e2e::stored_records(&home.path().join(DATA));
    let check = &records["checks"][0];
    assert_eq!(check["sessionId"], "sched-1", "{records}");
    assert!(check["minutesBefore"].as_i64().unwrap() >= 10, "{check}");
    let tested = check["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "tested")
        .unwrap_or_else(|| panic!("no tested item: {check}"));
    assert_eq!(tested["state"], "met", "{check}");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn in_the_tray_there_is_no_webview_until_the_window_is_needed() {
    let home = tempfile::tempdir().unwrap();
    // The next session is hours away: nothing is due.
    let app = TrayApp::start(home.path(), 180, true).await;
    app.desktop
        .tray_menu_when(&app.item, "Next: Priya · ")
        .await;
    // Give a webview every chance to appear: none does, and no window is shown.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(app.webkit_processes(), Vec::<String>::new());
    assert!(!app.main_window_shown());
    // Only the tray process runs, and it has no toolkit or web engine loaded at all.
    let running = app.processes();
    assert_eq!(running.len(), 1, "{running:?}");
    let pid = running[0].split_whitespace().next().unwrap();
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    for lib in ["libwebkit2gtk", "libjavascriptcore", "libgtk-3", "libLLVM"] {
        assert!(!maps.contains(lib), "the tray process loaded {lib}");
    }
    assert!(
        app.desktop.shown().is_empty(),
        "nothing is due, so nothing is notified"
    );

    // "Schedule…" in the tray creates the window (and its webview) on demand.
    let schedule = app.menu_entry("Schedule…").await;
    app.desktop.click(&app.item, &schedule).await;
    let t0 = Instant::now();
    while !app.main_window_shown() || app.webkit_processes().is_empty() {
        assert!(
            t0.elapsed() < Duration::from_secs(15),
            "the window did not open from the tray: {:?}",
            app.processes()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.quit().await;
}

/// Records holding one check for the scheduled session, finished a minute ago with `overall`.
fn records_with_check(home: &std::path::Path, overall: &str) {
    let at = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(1);
    let records = serde_json::json!({ "checks": [{
        "at": at.to_string(), "overall": overall, "results": [], "sessionId": "sched-1",
        "minutesBefore": 10, "checklist": [], "from": "cli"
    }]});
    std::fs::create_dir_all(home.join(DATA)).unwrap();
    std::fs::write(home.join(DATA).join("records.json"), records.to_string()).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_check_that_passed_silences_the_reminder_whoever_ran_it_and_a_failed_one_does_not() {
    // Checked from the terminal (`preflight check`) a minute ago, and it passed: no prompt.
    let home = tempfile::tempdir().unwrap();
    records_with_check(home.path(), "pass");
    let app = TrayApp::start(home.path(), 9, true).await;
    app.desktop
        .tray_menu_when(&app.item, "Next: Priya · ")
        .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        app.desktop.shown().is_empty(),
        "a passed check already did the reminder's job: {:?}",
        app.desktop.shown()
    );
    app.quit().await;

    // It failed: something still needs fixing, so the reminder still comes.
    let home = tempfile::tempdir().unwrap();
    records_with_check(home.path(), "fail");
    let app = TrayApp::start(home.path(), 9, true).await;
    app.desktop
        .wait_for_notification("Time for your pre-flight check", 20)
        .await;
    app.quit().await;
}
