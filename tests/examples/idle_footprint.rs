//! What the app costs while it waits in the tray, and how fast its window comes back:
//! `./dev bench-idle` (or `cargo run --release -p preflight-e2e --example idle_footprint` after
//! `cargo build --release -p mentor-preflight -p mentor-preflight-tray`).
//!
//! The release app starts as at login (the autostart entry's `mentor-preflight-tray`, no window)
//! under Xvfb on a private D-Bus session where this program is the tray host and the notification
//! server. After 25 s it prints the resident
//! memory of every process of the app (WebKit's helpers included, if any) and their CPU use over
//! the next 30 s; then it opens the window from the tray menu and times it until the window is
//! on screen and until its page is painted; then it times a cold start to the first paint.

use std::time::{Duration, Instant};

use preflight_e2e::desktop::TrayApp;

async fn until(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) -> Duration {
    let t0 = Instant::now();
    while !ready() {
        assert!(
            t0.elapsed() < limit,
            "{what} did not happen within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    t0.elapsed()
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

fn print_memory(app: &TrayApp, when: &str) {
    let (total, each) = app.resident_kb();
    println!("{when}: {:.1} MB resident in all", total as f64 / 1024.0);
    for (p, kb) in each {
        println!("  {:>8.1} MB  {p}", kb as f64 / 1024.0);
    }
}

#[tokio::main]
async fn main() {
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!("Mentor Preflight idle footprint ({profile} build)");
    let home = tempfile::tempdir().unwrap();
    // The next session is three hours away: nothing is due while it is measured.
    let app = TrayApp::start(home.path(), 180, true).await;
    tokio::time::sleep(Duration::from_secs(25)).await;
    print_memory(&app, "In the tray after 25 s");
    let ticks_per_s = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let (c0, t0) = (app.cpu_ticks(), Instant::now());
    tokio::time::sleep(Duration::from_secs(30)).await;
    let cpu = (app.cpu_ticks() - c0) as f64 / ticks_per_s / t0.elapsed().as_secs_f64();
    println!("CPU over 30 s idle: {:.2} % of one core", cpu * 100.0);

    // The window from the tray, as a mentor opens it.
    let schedule = app.menu_entry("Schedule…").await;
    let clicked = Instant::now();
    app.desktop.click(&app.item, &schedule).await;
    until("the window", Duration::from_secs(15), || {
        app.main_window_shown()
    })
    .await;
    let shown = clicked.elapsed();
    until("the first paint", Duration::from_secs(15), || {
        app.main_window_painted()
    })
    .await;
    let painted = clicked.elapsed();
    println!(
        "Window from the tray: on screen in {} ms, page painted in {} ms",
        ms(shown),
        ms(painted)
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    print_memory(&app, "With the window open");
    app.quit().await;

    // A cold start, as a mentor starts the app.
    let home = tempfile::tempdir().unwrap();
    let app = TrayApp::start(home.path(), 180, false).await;
    until("the first paint", Duration::from_secs(30), || {
        app.main_window_painted()
    })
    .await;
    println!(
        "Cold start to the first paint: {} ms",
        ms(app.started.elapsed())
    );
    app.quit().await;
}
