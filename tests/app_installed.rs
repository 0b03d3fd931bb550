//! The installed package, as a mentor gets it (`./dev test-installed` after
//! `apt install ./…deb`; CI does both on its clean machine). Ignored in a plain `cargo test`,
//! which has no package installed: run with `--ignored` and `MENTOR_PREFLIGHT_BINARY`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use preflight_e2e::desktop::TrayApp;

fn installed() -> PathBuf {
    PathBuf::from(
        std::env::var("MENTOR_PREFLIGHT_BINARY")
            .unwrap_or_else(|_| "/usr/bin/mentor-preflight".into()),
    )
}

/// What `program --version` prints (it must run and succeed).
fn version_of(program: &Path) -> String {
    let out = std::process::Command::new(program)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("{} does not run: {e}", program.display()));
    assert!(
        out.status.success(),
        "{} --version failed",
        program.display()
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
#[ignore = "needs the installed package: ./dev test-installed"]
fn the_installed_binary_says_its_version_and_has_a_desktop_entry_and_icon() {
    let bin = installed();
    assert_eq!(
        version_of(&bin),
        format!("mentor-preflight {}", env!("CARGO_PKG_VERSION"))
    );
    // The desktop entry starts the installed binary and names its icon, which is installed.
    let entry = std::fs::read_dir("/usr/share/applications")
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("Name=Mentor Preflight")))
        .expect("a desktop entry for Mentor Preflight");
    let text = std::fs::read_to_string(&entry).unwrap();
    let exec = text
        .lines()
        .find_map(|l| l.strip_prefix("Exec="))
        .expect("Exec=");
    let program = exec.split_whitespace().next().unwrap();
    assert!(
        program == bin.display().to_string() || Path::new("/usr/bin").join(program) == bin,
        "the entry runs {program}, not {}",
        bin.display()
    );
    let icon = text
        .lines()
        .find_map(|l| l.strip_prefix("Icon="))
        .expect("Icon=");
    let found = ["32x32", "128x128", "256x256@2"].iter().any(|size| {
        Path::new(&format!("/usr/share/icons/hicolor/{size}/apps/{icon}.png")).exists()
    });
    assert!(found, "icon {icon} is not installed");
    // What it needs is declared, so `apt install ./…deb` brings it.
    let status = std::process::Command::new("dpkg")
        .args(["-s", "mentor-preflight"])
        .output()
        .expect("dpkg -s");
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.contains("libwebkit2gtk-4.1-0"),
        "WebKitGTK is not a dependency: {status}"
    );
    // The tray process (reminders; what the autostart entry starts) is installed beside the app.
    assert_eq!(
        version_of(&bin.with_file_name("mentor-preflight-tray")),
        format!("mentor-preflight-tray {}", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the installed package: ./dev test-installed"]
async fn the_installed_app_shows_its_window_and_its_tray() {
    let home = tempfile::tempdir().unwrap();
    let app = TrayApp::start_binary(&installed(), home.path(), 180, false).await;
    let t0 = Instant::now();
    while !app.main_window_painted() {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the installed app's window did not render: {:?}",
            app.processes()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.desktop
        .tray_menu_when(&app.item, "Next: Priya · ")
        .await;
    // The tray icon is served by the installed tray process, which the window started.
    let exes: Vec<PathBuf> = app
        .processes()
        .iter()
        .filter_map(|p| {
            std::fs::read_link(format!("/proc/{}/exe", p.split_whitespace().next()?)).ok()
        })
        .collect();
    let tray = installed().with_file_name("mentor-preflight-tray");
    assert!(
        exes.contains(&tray),
        "{} is not running: {exes:?}",
        tray.display()
    );
    app.quit().await;
}
