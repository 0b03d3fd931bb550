//! The Windows programs under Wine (`./dev test-windows`; ignored by a plain `cargo test`, which
//! has no Windows build): the Windows CLI gives the same answers as the Linux CLI for the same
//! calendars, scripts, programmes, records and check; the check (a picture, a loopback STUN
//! server and a loopback speed test) finishes 50 times in a row; two processes writing at once
//! lose nothing; the tray process starts, takes its per-user lock and says what is next.
//!
//! Each Windows program runs with a time limit in a process group of its own: a hang fails the
//! test with what the program printed, and nothing is left running.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use preflight_e2e::check_card;
use preflight_e2e::netsim::{SpeedProfile, SpeedServer, StunServer};
use preflight_e2e::wine::{unix_lines, windows_path, Wine};
use serde_json::Value;

/// Generous: the first start of a Wine prefix takes about a minute.
const FIRST_START: Duration = Duration::from_secs(240);
const COMMAND: Duration = Duration::from_secs(90);

fn linux(home: &Path, args: &[&str]) -> Output {
    preflight_e2e::preflight_command(home, args)
        .output()
        .expect("run the Linux CLI")
}

fn windows(wine: &Wine, args: &[&str]) -> Output {
    wine.run("preflight", args, COMMAND)
}

/// Runs `args` on both systems (the Linux CLI with its home at `home`) and returns both outputs,
/// each of which must have succeeded.
fn both(wine: &Wine, home: &Path, linux_args: &[&str], windows_args: &[&str]) -> (String, String) {
    let l = linux(home, linux_args);
    let w = windows(wine, windows_args);
    assert!(
        l.status.success(),
        "Linux {linux_args:?}: {}",
        String::from_utf8_lossy(&l.stderr)
    );
    assert!(
        w.status.success(),
        "Windows {windows_args:?} ended with {}: {}",
        w.status,
        unix_lines(&w.stderr)
    );
    (unix_lines(&l.stdout), unix_lines(&w.stdout))
}

fn same(wine: &Wine, home: &Path, args: &[&str]) -> String {
    let (l, w) = both(wine, home, args, args);
    assert_eq!(w, l, "Windows and Linux differ for {args:?}");
    w
}

#[test]
#[ignore = "needs the Windows build and Wine: ./dev test-windows"]
fn the_windows_cli_starts_and_says_its_version() {
    let wine = Wine::fresh();
    let o = wine.run("preflight", &["--version"], FIRST_START);
    assert!(o.status.success(), "{}", unix_lines(&o.stderr));
    assert!(
        unix_lines(&o.stdout).starts_with(&format!("preflight {}", env!("CARGO_PKG_VERSION"))),
        "{}",
        unix_lines(&o.stdout)
    );
}

#[test]
#[ignore = "needs the Windows build and Wine: ./dev test-windows"]
fn programmes_and_scripts_read_as_on_linux() {
    let wine = Wine::fresh();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    assert!(same(&wine, h, &["programme", "list"]).contains("brokerage"));
    same(&wine, h, &["programme", "show", "brokerage", "--under-18"]);
    // The one line that differs is where the mentor's own templates go, each system's folder.
    let (l, w) = both(&wine, h, &["script", "list"], &["script", "list"]);
    let other = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with("Your own templates go in"))
            .map(String::from)
            .collect()
    };
    assert_eq!(other(&w), other(&l));
    assert!(
        w.contains(r"Your own templates go in C:\users\")
            && w.contains(r"\AppData\Roaming\org.mentorpreflight.app\templates"),
        "{w}"
    );
    let script = same(
        &wine,
        h,
        &[
            "script",
            "show",
            "--template",
            "first-session",
            "--var",
            "mentee=Sam",
            "--var",
            "programme_sessions=7",
        ],
    );
    assert!(script.contains("Sam"), "{script}");
}

/// A weekly series in London time starting in two days, as a calendar app exports it.
fn weekly_calendar(dir: &Path) -> std::path::PathBuf {
    let day = (jiff::Zoned::now() + jiff::Span::new().days(2))
        .date()
        .strftime("%Y%m%d")
        .to_string();
    let path = dir.join("programme.ics");
    std::fs::write(
        &path,
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/London\r\nEND:VTIMEZONE\r\n\
             BEGIN:VEVENT\r\nUID:weekly-1\r\nDTSTART;TZID=Europe/London:{day}T183000\r\nDURATION:PT1H\r\n\
             RRULE:FREQ=WEEKLY;COUNT=6\r\nEXDATE;TZID=Europe/London:{day}T183000\r\nSUMMARY:Mentoring: Priya\r\n\
             DESCRIPTION:Join https://zoom.us/j/123456789\r\nEND:VEVENT\r\n\
             BEGIN:VEVENT\r\nUID:ny-1\r\nDTSTART;TZID=America/New_York:{day}T090000\r\nDTEND;TZID=America/New_York:{day}T094500\r\n\
             RRULE:FREQ=DAILY;INTERVAL=3;COUNT=4\r\nSUMMARY:Mentoring: Sam\r\nLOCATION:https://meet.jit.si/SamRoom\r\nEND:VEVENT\r\n\
             END:VCALENDAR\r\n"
        ),
    )
    .unwrap();
    path
}

/// The sessions as `schedule list --json` gives them, without what is made where it runs
/// (the ids of sessions added by hand carry the time and process).
fn sessions(json: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let mut s = s.clone();
            if s["id"].as_str().is_some_and(|i| i.starts_with("m-")) {
                s["id"] = Value::Null;
            }
            s
        })
        .collect()
}

#[test]
#[ignore = "needs the Windows build and Wine: ./dev test-windows"]
fn calendars_import_with_the_same_sessions_as_on_linux() {
    let wine = Wine::fresh();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let hostile = preflight_e2e::workspace_root().join("crates/calendar/tests/fixtures/hostile");
    let weekly = weekly_calendar(h);
    let files = [
        weekly.clone(),
        hostile.join("outlook-lenient.ics"),
        hostile.join("windows-1252.ics"),
        hostile.join("daily-since-2019.ics"),
    ];
    for f in &files {
        let (l, w) = both(
            &wine,
            h,
            &["schedule", "import", f.to_str().unwrap()],
            &["schedule", "import", &windows_path(f)],
        );
        assert_eq!(w, l, "import of {}", f.display());
        assert!(w.contains("Imported"), "{w}");
    }
    let (l, w) = both(
        &wine,
        h,
        &["schedule", "list", "--json"],
        &["schedule", "list", "--json"],
    );
    let (l, w) = (sessions(&l), sessions(&w));
    assert_eq!(w, l, "the imported sessions differ");
    // The weekly series lost its first week (EXDATE) and kept London time across the change.
    let priya = w.iter().filter(|s| s["mentee"] == "Priya").count();
    assert_eq!(priya, 5, "{w:?}");
    assert_eq!(w.iter().filter(|s| s["mentee"] == "Sam").count(), 4);
    same(&wine, h, &["schedule", "list"]);
}

#[test]
#[ignore = "needs the Windows build and Wine: ./dev test-windows"]
fn records_export_as_on_linux() {
    let wine = Wine::fresh();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // A session this week (Monday noon is in this week's export whatever the zone's offset).
    let today = jiff::Zoned::now().date();
    let monday = today - jiff::Span::new().days(i64::from(today.weekday().to_monday_zero_offset()));
    let at = format!("{} 12:00", monday.strftime("%Y-%m-%d"));
    // The zone is named: this computer's own is UTC on Linux, and Wine calls it "Greenwich
    // Standard Time" (Atlantic/Reykjavik) to the Windows program.
    let add = [
        "schedule",
        "add",
        "--mentee",
        "Ali",
        "--at",
        &at,
        "--zone",
        "Europe/London",
        "--minutes",
        "30",
        "--programme",
        "brokerage",
        "--link",
        "https://meet.jit.si/AliRoom",
    ];
    let (l, w) = both(&wine, h, &add, &add);
    assert!(
        l.starts_with("Added: Ali") && w.starts_with("Added: Ali"),
        "{l}\n{w}"
    );
    let (l, w) = both(&wine, h, &["records", "export"], &["records", "export"]);
    assert_eq!(w, l, "the exports differ");
    assert!(w.lines().count() >= 2 && w.contains("Ali"), "{w}");
    // Written to a file the Windows way.
    let out = h.join("week.csv");
    let o = windows(&wine, &["records", "export", "--out", &windows_path(&out)]);
    assert!(o.status.success(), "{}", unix_lines(&o.stderr));
    assert_eq!(unix_lines(&std::fs::read(&out).unwrap()), l);
}

#[test]
#[ignore = "needs the Windows build and Wine: ./dev test-windows"]
fn two_processes_adding_at_once_lose_nothing() {
    let wine = Wine::fresh();
    // The prefix is up before the race (a first start is slow and would serialise the two).
    assert!(windows(&wine, &["schedule", "list"]).status.success());
    let day = (jiff::Zoned::now() + jiff::Span::new().days(3)).date();
    for round in 0..4 {
        let mut kids: Vec<_> = ["A", "B"]
            .iter()
            .map(|who| {
                let at = format!("{} 1{round}:00", day.strftime("%Y-%m-%d"));
                let mut c = wine.command(
                    "preflight",
                    &[
                        "schedule",
                        "add",
                        "--mentee",
                        &format!("{who}{round}"),
                        "--at",
                        &at,
                    ],
                );
                c.stdout(std::process::Stdio::null());
                preflight_e2e::ProcessGroup::spawn(&mut c).unwrap()
            })
            .collect();
        let t0 = std::time::Instant::now();
        while !kids.iter_mut().all(|k| k.exited()) {
            assert!(t0.elapsed() < COMMAND, "an add hung");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let o = windows(&wine, &["schedule", "list", "--json"]);
    let list = sessions(&unix_lines(&o.stdout));
    let mut names: Vec<_> = list
        .iter()
        .map(|s| s["mentee"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["A0", "A1", "A2", "A3", "B0", "B1", "B2", "B3"]);
}

#[test]
#[ignore = "needs the Windows build and Wine: ./dev test-windows"]
fn a_feeds_password_goes_to_the_credential_manager_not_the_data_folder() {
    const PASSWORD: &str = "w1ne-feed-secret";
    let wine = Wine::fresh();
    let host = preflight_e2e::feed_with_login(PASSWORD);
    let o = wine.run(
        "preflight",
        &[
            "schedule",
            "import",
            &format!("http://mentor:{PASSWORD}@{host}/feed.ics"),
        ],
        FIRST_START,
    );
    let said = format!("{}{}", unix_lines(&o.stdout), unix_lines(&o.stderr));
    assert!(o.status.success(), "{said}");
    assert!(!said.contains(PASSWORD), "{said}");
    let data = wine.app_data().expect("the data folder");
    for e in std::fs::read_dir(&data).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            let bytes = std::fs::read(&p).unwrap();
            assert!(
                !bytes
                    .windows(PASSWORD.len())
                    .any(|w| w == PASSWORD.as_bytes()),
                "the password is in {}",
                p.display()
            );
        }
    }
    // Another process reads it back from the Credential Manager and is let in.
    let o = windows(&wine, &["schedule", "refresh"]);
    let said = unix_lines(&o.stdout);
    assert!(o.status.success(), "{said}{}", unix_lines(&o.stderr));
    assert!(
        said.contains(&format!("http://{host}/feed.ics: up to date")),
        "{said}"
    );
    // Unsubscribed, the login is forgotten: subscribing again without it is refused.
    let address = format!("http://{host}/feed.ics");
    assert!(windows(&wine, &["schedule", "unsubscribe", &address])
        .status
        .success());
    let o = windows(&wine, &["schedule", "import", &address]);
    assert!(!o.status.success());
    assert!(
        unix_lines(&o.stderr).contains("asked for a name and password"),
        "{}",
        unix_lines(&o.stderr)
    );
}

/// The check with a picture, the loopback STUN server and the loopback speed test.
fn check_args<'a>(picture: &'a str, stun: &'a str, down: &'a str, up: &'a str) -> Vec<&'a str> {
    vec![
        "check",
        "--json",
        "--no-mic",
        "--no-speaker",
        "--no-platforms",
        "--no-record",
        "--camera-image",
        picture,
        "--stun-server",
        stun,
        "--speed-test-download",
        down,
        "--speed-test-upload",
        up,
    ]
}

fn report(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            unix_lines(&o.stdout),
            unix_lines(&o.stderr)
        )
    })
}

#[test]
#[ignore = "needs the Windows build and Wine: ./dev test-windows"]
fn a_check_with_picture_stun_and_speed_test_finishes_as_on_linux_fifty_times() {
    let wine = Wine::fresh();
    let home = tempfile::tempdir().unwrap();
    let picture = preflight_e2e::portrait_on_a_wall(home.path(), "grace_hopper.jpg", 0);
    let stun = StunServer::start();
    let speed = SpeedServer::start(SpeedProfile::symmetric(8.0), false);
    let stun_addr = stun.addr.to_string();
    let (down, up) = (speed.download_url(), speed.upload_url());
    let l = linux(
        home.path(),
        &check_args(picture.to_str().unwrap(), &stun_addr, &down, &up),
    );
    let linux_report = report(&l);
    let win_picture = windows_path(&picture);
    let args = check_args(&win_picture, &stun_addr, &down, &up);
    for run in 1..=50 {
        let o = windows(&wine, &args);
        let w = report(&o);
        for id in ["camera", "background", "framing", "quality", "capacity"] {
            let (lc, wc) = (check_card(&linux_report, id), check_card(&w, id));
            assert_eq!(
                wc["status"], lc["status"],
                "run {run}, {id}: Windows {wc}\nLinux {lc}"
            );
        }
        // The picture is judged alike (same models, same measures).
        for id in ["background", "framing"] {
            assert_eq!(
                check_card(&w, id)["summary"],
                check_card(&linux_report, id)["summary"],
                "run {run}"
            );
        }
        let mbps = check_card(&w, "capacity")["details"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["key"] == "up_mbps")
            .and_then(|d| d["value"].as_f64())
            .unwrap();
        assert!((mbps - 8.0).abs() <= 1.6, "run {run}: up {mbps} Mbps");
        if run == 1 {
            // The adapter is named as Windows names it to people ("Ethernet"), not by its GUID,
            // and a speed Windows reports as 0 is no speed at all.
            let net = check_card(&w, "network");
            let details = net["details"].as_array().unwrap();
            let adapter = details
                .iter()
                .find(|d| d["key"] == "interface")
                .and_then(|d| d["text"].as_str());
            assert!(adapter.is_some_and(|a| !a.starts_with('{')), "{net}");
            assert!(
                !details
                    .iter()
                    .any(|d| d["key"] == "link_speed" && d["value"] == 0.0),
                "{net}"
            );
        }
        eprintln!("run {run}: {}", w["overall"]);
    }
}

/// Waits up to `limit` for `file` to contain `needle`; its text then.
fn wait_for_text(file: &Path, needle: &str, limit: Duration) -> Option<String> {
    let t0 = std::time::Instant::now();
    while t0.elapsed() < limit {
        let text = unix_lines(&std::fs::read(file).unwrap_or_default());
        if text.contains(needle) {
            return Some(text);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    None
}

#[test]
#[ignore = "needs the Windows build and Wine: ./dev test-windows"]
fn times_follow_the_users_regional_settings_and_their_clock_choice() {
    let wine = Wine::fresh();
    // Windows' regional settings, as Wine takes them from the locale's name.
    let run = |locale: &str, args: &[&str]| {
        let mut c = wine.command("preflight", args);
        c.env("LC_ALL", locale).env("TZ", "Europe/London");
        let o = preflight_e2e::wine::run_limited(&mut c, COMMAND)
            .unwrap_or_else(|p| panic!("{args:?} hung under Wine: {p}"));
        assert!(o.status.success(), "{args:?}: {}", unix_lines(&o.stderr));
        unix_lines(&o.stdout)
    };
    let added = run(
        "en_US.UTF-8",
        &[
            "schedule",
            "add",
            "--mentee",
            "Sam",
            "--at",
            "2030-12-24 18:00",
            "--zone",
            "Europe/London",
        ],
    );
    assert!(
        added.contains("Sam at Tue, Dec 24, 2030, 6:00 PM"),
        "{added}"
    );
    let list = |locale: &str| run(locale, &["schedule", "list"]);
    // United States: 12 hours, the month first. United Kingdom and Germany: 24 hours, the day
    // first.
    assert!(
        list("en_US.UTF-8").contains("Tue, Dec 24, 2030, 6:00 PM  Sam"),
        "{}",
        list("en_US.UTF-8")
    );
    assert!(
        list("en_GB.UTF-8").contains("Tue 24 Dec 2030 18:00  Sam"),
        "{}",
        list("en_GB.UTF-8")
    );
    assert!(
        list("de_DE.UTF-8").contains("Tue 24 Dec 2030 18:00  Sam"),
        "{}",
        list("de_DE.UTF-8")
    );
    // The mentor's clock wins over the computer's, in the settings the app shares.
    assert_eq!(
        run("en_US.UTF-8", &["settings", "clock", "24"]).trim(),
        "Times are shown on a 24-hour clock, like 14:30."
    );
    assert!(
        list("en_US.UTF-8").contains("Tue, Dec 24, 2030, 18:00  Sam"),
        "{}",
        list("en_US.UTF-8")
    );
    run("en_GB.UTF-8", &["settings", "clock", "computer"]);
    assert!(list("en_US.UTF-8").contains("6:00 PM"));
}

#[test]
#[ignore = "needs the Windows build and Wine: ./dev test-windows"]
fn the_tray_process_takes_its_lock_and_says_what_is_next() {
    let wine = Wine::fresh();
    let at = (jiff::Zoned::now() + jiff::Span::new().hours(3))
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    let o = windows(&wine, &["schedule", "add", "--mentee", "Kim", "--at", &at]);
    assert!(o.status.success(), "{}", unix_lines(&o.stderr));
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("tray.log");
    let mut cmd = wine.command("mentor-preflight-tray", &[]);
    cmd.stdout(std::fs::File::create(dir.path().join("tray.out")).unwrap())
        .stderr(std::fs::File::create(&log).unwrap());
    let mut tray = preflight_e2e::ProcessGroup::spawn(&mut cmd).unwrap();
    let text = wait_for_text(&log, "next session", COMMAND);
    let text = text.unwrap_or_else(|| {
        panic!(
            "the tray never said what is next: {}",
            unix_lines(&std::fs::read(&log).unwrap_or_default())
        )
    });
    let line = text.lines().find(|l| l.contains("next session")).unwrap();
    assert!(line.contains("Kim"), "{line}");
    assert!(text.contains("tray started"), "{text}");
    assert!(!tray.exited(), "the tray ended: {text}");
    // One per user: a second start finds the lock taken and ends at once.
    let second = wine.run("mentor-preflight-tray", &[], COMMAND);
    assert!(second.status.success());
    assert!(
        unix_lines(&second.stdout).contains("already running"),
        "{}",
        unix_lines(&second.stdout)
    );
    tray.end();
}

#[test]
#[ignore = "needs the Windows build and Wine: ./dev test-windows"]
fn the_window_says_plainly_that_webview2_is_missing() {
    // Wine has no WebView2 runtime: the app must say what to install, not fail obscurely.
    let wine = Wine::fresh();
    let dir = tempfile::tempdir().unwrap();
    let err = dir.path().join("app.err");
    let mut cmd = wine.command("mentor-preflight", &[]);
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&err).unwrap());
    let mut app = preflight_e2e::ProcessGroup::spawn(&mut cmd).unwrap();
    // The message is printed, then shown in a message box that nobody here clicks.
    let text = wait_for_text(&err, "preflight check", COMMAND);
    app.end();
    let text = text.unwrap_or_else(|| {
        panic!(
            "no word about WebView2: {}",
            unix_lines(&std::fs::read(&err).unwrap_or_default())
        )
    });
    assert!(
        text.contains("needs Microsoft Edge WebView2 Runtime"),
        "{text}"
    );
}

#[test]
#[ignore = "needs the Windows build and Wine: ./dev test-windows"]
fn the_installer_installs_and_uninstalls_silently() {
    let wine = Wine::fresh();
    let installer = std::env::var("MENTOR_PREFLIGHT_WINDOWS_INSTALLER").expect(
        "MENTOR_PREFLIGHT_WINDOWS_INSTALLER is not set: run ./dev test-windows, which builds it",
    );
    let o = wine.run_exe(&installer, &["/S"], FIRST_START);
    assert!(o.status.success(), "{}", unix_lines(&o.stderr));
    let dir = wine.drive_c().join("Program Files/Mentor Preflight");
    for exe in [
        "mentor-preflight.exe",
        "mentor-preflight-tray.exe",
        "preflight.exe",
        "uninstall.exe",
    ] {
        assert!(
            dir.join(exe).is_file(),
            "{exe} not installed in {}",
            dir.display()
        );
    }
    let shortcut = wine
        .drive_c()
        .join("ProgramData/Microsoft/Windows/Start Menu/Programs/Mentor Preflight.lnk");
    assert!(
        shortcut.is_file(),
        "no Start-menu entry at {}",
        shortcut.display()
    );
    let run_key = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run";
    let autostart = wine.registry_value(run_key, "Mentor Preflight");
    assert!(
        autostart
            .as_deref()
            .is_some_and(|v| v.contains(r"Mentor Preflight\mentor-preflight-tray.exe")),
        "{autostart:?}"
    );
    let installed = r"C:\Program Files\Mentor Preflight\preflight.exe";
    let o = wine.run_exe(installed, &["--version"], COMMAND);
    assert!(
        unix_lines(&o.stdout).starts_with("preflight "),
        "{}",
        unix_lines(&o.stderr)
    );
    // The uninstaller hands over to a copy of itself and returns: wait for its work.
    let o = wine.run_exe(
        r"C:\Program Files\Mentor Preflight\uninstall.exe",
        &["/S"],
        COMMAND,
    );
    assert!(o.status.success(), "{}", unix_lines(&o.stderr));
    let t0 = std::time::Instant::now();
    while dir.exists() && t0.elapsed() < COMMAND {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        !dir.exists(),
        "still there after uninstalling: {}",
        dir.display()
    );
    assert!(!shortcut.exists());
    assert_eq!(wine.registry_value(run_key, "Mentor Preflight"), None);
}

#[test]
#[ignore = "needs the Windows build and Wine: ./dev test-windows"]
fn without_a_camera_the_check_says_so_plainly() {
    // Wine has no camera. Media Foundation must start (it refused nokhwa's start-up version
    // before), so the answer is the plain one, as on a Windows computer without a webcam.
    let wine = Wine::fresh();
    let o = windows(
        &wine,
        &[
            "check",
            "--json",
            "--no-mic",
            "--no-speaker",
            "--no-network",
            "--no-record",
        ],
    );
    let r = report(&o);
    let cam = check_card(&r, "camera");
    assert_eq!(cam["status"], "fail", "{cam}");
    assert!(
        cam["summary"]
            .as_str()
            .unwrap()
            .starts_with("No camera was found"),
        "{cam}"
    );
    let o = windows(&wine, &["devices"]);
    let all = format!("{}{}", unix_lines(&o.stdout), unix_lines(&o.stderr));
    assert!(!all.contains("MediaFoundation"), "{all}");
}

#[test]
#[ignore = "needs the Windows build and Wine: ./dev test-windows"]
fn the_microphone_check_hears_the_fake_voice_through_wines_alsa() {
    // Wine's audio is ALSA underneath (winealsa): the fake microphone of the Linux tests, an
    // `.asoundrc` in the home Wine runs with, is what the Windows program hears through WASAPI.
    let wine = Wine::fresh();
    let mic = preflight_e2e::FakeMic::new(preflight_e2e::FakeSound::Speech);
    let mut cmd = wine.command(
        "preflight",
        &[
            "check",
            "--json",
            "--no-speaker",
            "--no-camera",
            "--no-network",
            "--no-record",
        ],
    );
    cmd.env("HOME", mic.home());
    let o = preflight_e2e::wine::run_limited(&mut cmd, COMMAND)
        .unwrap_or_else(|p| panic!("the microphone check hung: {p}"));
    let r = report(&o);
    let m = check_card(&r, "mic");
    assert_eq!(m["status"], "pass", "{m}\n{}", unix_lines(&o.stderr));
    // The same voice, the same verdict as on Linux.
    let l = preflight_e2e::preflight_command(
        mic.home(),
        &[
            "check",
            "--json",
            "--no-speaker",
            "--no-camera",
            "--no-network",
            "--no-record",
        ],
    )
    .output()
    .unwrap();
    let lr = report(&l);
    assert_eq!(m["summary"], check_card(&lr, "mic")["summary"]);
}

#[test]
#[ignore = "needs the Windows build and Wine: ./dev test-windows"]
fn a_stun_server_that_is_not_there_ends_in_time_and_says_so() {
    // A closed UDP port answers "port unreachable"; the check must end in time all the same.
    let wine = Wine::fresh();
    let closed = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let t0 = std::time::Instant::now();
    let o = windows(
        &wine,
        &[
            "check",
            "--json",
            "--no-mic",
            "--no-speaker",
            "--no-camera",
            "--no-platforms",
            "--no-capacity",
            "--no-record",
            "--stun-server",
            &closed,
        ],
    );
    assert!(t0.elapsed() < Duration::from_secs(30), "{:?}", t0.elapsed());
    let q = check_card(&report(&o), "quality").clone();
    assert_eq!(q["status"], "warn", "{q}");
    assert!(
        q["summary"]
            .as_str()
            .unwrap()
            .starts_with("No test packet got an answer"),
        "{q}"
    );
}
