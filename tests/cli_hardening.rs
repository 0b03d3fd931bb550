//! The `preflight` CLI against hostile and broken input: devices and pipes given as calendars,
//! data files that exist but cannot be read, two processes changing the schedule at once,
//! terminal escapes in calendar titles, hostile feeds behind a subscription, and malformed flags.
//! Nothing may crash, hang, lose data or print control characters.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use preflight_e2e::data_dir;
use preflight_e2e::preflight_command;

fn cmd(home: &Path, args: &[&str]) -> Command {
    let mut c = preflight_command(home, args);
    c.env("TZ", "Europe/London");
    c
}

/// Runs the CLI and fails if it has not ended within `secs` (a hang). Its output is read
/// while it runs, so a long listing never blocks it.
fn cli_within(home: &Path, args: &[&str], secs: u64) -> Output {
    let child = cmd(home, args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run preflight");
    let pid = child.id() as i32;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            // SAFETY: signals our own child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("preflight {args:?} still running after {secs} s");
        }
    }
}

fn cli(home: &Path, args: &[&str]) -> Output {
    cli_within(home, args, 60)
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The database of schedule and records.
fn database(home: &Path) -> PathBuf {
    data_dir(home).join(preflight::store::db::DB_FILE)
}

/// The sessions `preflight schedule list --json` gives.
fn listed(home: &Path) -> Vec<serde_json::Value> {
    let o = cli(home, &["schedule", "list", "--json"]);
    assert!(o.status.success(), "{}", err(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn fixture(name: &str) -> PathBuf {
    preflight_e2e::workspace_root()
        .join("crates/calendar/tests/fixtures/hostile")
        .join(name)
}

fn in_two_days() -> String {
    (jiff::Zoned::now() + jiff::Span::new().days(2))
        .strftime("%Y-%m-%d 18:00")
        .to_string()
}

fn add(home: &Path, mentee: &str) -> Output {
    cli(
        home,
        &[
            "schedule",
            "add",
            "--mentee",
            mentee,
            "--at",
            &in_two_days(),
            "--zone",
            "Europe/London",
        ],
    )
}

#[test]
fn devices_pipes_and_huge_files_are_not_read_as_calendars() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let o = cli_within(h, &["schedule", "import", "/dev/zero"], 20);
    assert_eq!(o.status.code(), Some(3), "{}", err(&o));
    assert!(
        err(&o).contains("/dev/zero is not an ordinary file"),
        "{}",
        err(&o)
    );
    let fifo = h.join("feed.ics");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let o = cli_within(h, &["schedule", "import", fifo.to_str().unwrap()], 20);
    assert!(err(&o).contains("not an ordinary file"), "{}", err(&o));
    let big = h.join("big.ics");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(9 * 1024 * 1024).unwrap();
    let o = cli_within(h, &["schedule", "import", big.to_str().unwrap()], 20);
    assert!(err(&o).contains("larger than 8 MB"), "{}", err(&o));
    // Templates too.
    let o = cli_within(h, &["script", "show", "--file", "/dev/zero"], 20);
    assert!(!o.status.success());
    assert!(err(&o).contains("not an ordinary file"), "{}", err(&o));
    assert!(listed(h).is_empty(), "nothing was added");
}

#[test]
fn hostile_fixtures_import_quickly_and_name_what_was_cut() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let o = cli_within(
        h,
        &[
            "schedule",
            "import",
            fixture("nested-800.ics").to_str().unwrap(),
        ],
        20,
    );
    assert!(
        err(&o).contains("“nested-800.ics” could not be read: line 9: components are nested"),
        "{}",
        err(&o)
    );
    let o = cli_within(
        h,
        &[
            "schedule",
            "import",
            fixture("hourly-x100.ics").to_str().unwrap(),
        ],
        30,
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("only the first 3000 were imported"),
        "{}",
        out(&o)
    );
    assert_eq!(listed(h).len(), 3000);
    let o = cli_within(h, &["schedule", "list"], 20);
    assert!(o.status.success(), "{}", err(&o));
}

#[test]
fn an_absurd_date_is_refused_and_an_old_one_on_disk_does_not_crash() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let o = cli(
        h,
        &[
            "schedule",
            "add",
            "--mentee",
            "Sam",
            "--at",
            "9999-12-30 21:30",
            "--zone",
            "UTC",
            "--minutes",
            "60",
        ],
    );
    assert!(!o.status.success());
    assert!(
        err(&o).contains("too far in the past or the future"),
        "{}",
        err(&o)
    );
    assert!(!out(&o).contains("Added"), "{}", out(&o));
    // As an older version could have written it.
    std::fs::create_dir_all(data_dir(h)).unwrap();
    std::fs::write(
        data_dir(h).join("schedule.json"),
        r#"{"sessions":[{"id":"m-1","mentee":"Sam","start":"9999-12-30T21:30:00Z","timeZone":"UTC","durationMin":60,"link":null,"template":null,"sessionNumber":null,"source":{"kind":"manual"}}]}"#,
    )
    .unwrap();
    let o = cli(h, &["schedule", "list"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("Sam"), "{}", out(&o));
    let o = cli(
        h,
        &[
            "check",
            "--no-mic",
            "--no-speaker",
            "--no-camera",
            "--no-network",
        ],
    );
    assert!(o.status.code().is_some_and(|c| c < 3), "{}", err(&o));
}

#[test]
fn titles_with_terminal_escapes_are_printed_plain() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // The fixture's session is on 1 December 2026; make a copy a day ahead of now.
    let text = std::fs::read_to_string(fixture("terminal-escapes.ics")).unwrap();
    let day = (jiff::Zoned::now() + jiff::Span::new().days(1))
        .strftime("%Y%m%d")
        .to_string();
    let ics = h.join("escapes.ics");
    std::fs::write(&ics, text.replace("20261201", &day)).unwrap();
    let o = cli(h, &["schedule", "import", ics.to_str().unwrap()]);
    assert!(o.status.success(), "{}", err(&o));
    let o = cli(h, &["schedule", "list"]);
    let printed = out(&o);
    assert!(printed.contains("Sam"), "{printed}");
    assert!(
        !printed.contains('\u{1b}') && !printed.contains('\u{7}'),
        "control characters printed: {printed:?}"
    );
}

#[cfg(unix)]
#[test]
fn files_that_cannot_be_read_are_errors_and_are_never_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    assert!(add(h, "Sam").status.success());
    assert!(add(h, "Kim").status.success());
    let schedule = database(h);
    let before = std::fs::read(&schedule).unwrap();
    // Root reads anything: a folder in the file's place stands in for a file that cannot be
    // read (for everyone else, no read permission does).
    let root = unsafe { libc::geteuid() } == 0;
    let aside = h.join("database.real");
    if root {
        std::fs::rename(&schedule, &aside).unwrap();
        std::fs::create_dir(&schedule).unwrap();
    } else {
        std::fs::set_permissions(&schedule, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    for args in [
        vec!["schedule", "list"],
        vec![
            "schedule",
            "add",
            "--mentee",
            "Lee",
            "--at",
            &in_two_days(),
            "--zone",
            "UTC",
        ],
    ] {
        let o = cli(h, &args);
        assert_eq!(o.status.code(), Some(3), "{args:?}: {}", err(&o));
        assert!(
            err(&o).contains(preflight::store::db::DB_FILE)
                && (err(&o).contains("could not be read")
                    || err(&o).contains("not an ordinary file")),
            "{args:?}: {}",
            err(&o)
        );
        assert!(!out(&o).contains("Added"), "{}", out(&o));
    }
    if root {
        assert!(schedule.is_dir());
        std::fs::remove_dir(&schedule).unwrap();
        std::fs::rename(&aside, &schedule).unwrap();
    } else {
        std::fs::set_permissions(&schedule, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    assert_eq!(
        std::fs::read(&schedule).unwrap(),
        before,
        "both sessions kept"
    );

    // The settings file: the check refuses to run rather than lose the chosen devices.
    let config = h.join(".config/org.mentorpreflight.app");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::create_dir(config.join("settings.json")).unwrap();
    let o = cli(
        h,
        &[
            "check",
            "--no-mic",
            "--no-speaker",
            "--no-camera",
            "--no-network",
            "--remember",
            "--mic",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", err(&o));
    assert!(err(&o).contains("settings.json"), "{}", err(&o));
    assert!(config.join("settings.json").is_dir());
}

#[test]
fn two_processes_changing_the_schedule_at_once_lose_nothing() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_path_buf();
    let ics = h.join("weekly.ics");
    let day = (jiff::Zoned::now() + jiff::Span::new().days(3))
        .strftime("%Y%m%d")
        .to_string();
    std::fs::write(
        &ics,
        format!("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:w\r\nDTSTART;TZID=Europe/London:{day}T090000\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=300\r\nSUMMARY:Series\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
    )
    .unwrap();
    const ADDS: usize = 12;
    let importer = {
        let h = h.clone();
        let ics = ics.clone();
        std::thread::spawn(move || {
            for _ in 0..ADDS {
                let o = cli(&h, &["schedule", "import", ics.to_str().unwrap()]);
                assert!(o.status.success(), "{}", err(&o));
            }
        })
    };
    for i in 0..ADDS {
        let o = add(&h, &format!("Mentee {i}"));
        assert!(o.status.success(), "{}", err(&o));
    }
    importer.join().unwrap();
    let o = cli(&h, &["schedule", "list", "--json"]);
    let list: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    for i in 0..ADDS {
        let name = format!("Mentee {i}");
        assert!(
            list.iter().any(|s| s["mentee"] == name.as_str()),
            "{name} was lost"
        );
    }
    assert_eq!(list.iter().filter(|s| s["mentee"] == "Series").count(), 300);
    // Nothing but the database (and its log, while open) is left in the data folder.
    let leftovers: Vec<String> = std::fs::read_dir(data_dir(&h))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(preflight::store::db::DB_FILE) && n != "logs")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn eight_processes_adding_at_once_lose_nothing_and_every_id_is_unique() {
    // Once 8–12 of 120 were lost: ids were the millisecond, and the file was read whole,
    // changed and renamed back. Each round starts eight CLIs at the same moment.
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_path_buf();
    const PROCESSES: usize = 8;
    const ROUNDS: usize = 15;
    let start = std::sync::Arc::new(std::sync::Barrier::new(PROCESSES));
    let workers: Vec<_> = (0..PROCESSES)
        .map(|p| {
            let (h, start) = (h.clone(), start.clone());
            std::thread::spawn(move || {
                for r in 0..ROUNDS {
                    let mut cmd = preflight_command(
                        &h,
                        &[
                            "schedule",
                            "add",
                            "--mentee",
                            &format!("Mentee {p}-{r}"),
                            "--at",
                            &in_two_days(),
                            "--zone",
                            "Europe/London",
                        ],
                    );
                    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
                    start.wait();
                    let o = cmd.output().unwrap();
                    assert!(o.status.success(), "{}", err(&o));
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let list = listed(&h);
    assert_eq!(list.len(), PROCESSES * ROUNDS, "sessions were lost");
    let ids: std::collections::BTreeSet<&str> =
        list.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), PROCESSES * ROUNDS, "ids repeat");
    for p in 0..PROCESSES {
        for r in 0..ROUNDS {
            let name = format!("Mentee {p}-{r}");
            assert!(list.iter().any(|s| s["mentee"] == name.as_str()), "{name}");
        }
    }
}

/// A tiny HTTP server on loopback: each request gets the next answer (then the last again).
fn serve(answers: Vec<String>) -> (String, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let h = std::thread::spawn(move || {
        let t0 = Instant::now();
        let mut i = 0;
        while t0.elapsed() < Duration::from_secs(30) && i < answers.len() {
            match listener.accept() {
                Ok((mut s, _)) => {
                    s.set_nonblocking(false).unwrap();
                    let mut buf = [0u8; 4096];
                    let _ = s.read(&mut buf);
                    let _ = s.write_all(answers[i].as_bytes());
                    i += 1;
                }
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    });
    (format!("http://{addr}/feed.ics"), h)
}

fn ok(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[test]
fn a_feed_that_turns_hostile_never_crashes_a_refresh_and_keeps_its_sessions() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let day = (jiff::Zoned::now() + jiff::Span::new().days(2))
        .strftime("%Y%m%d")
        .to_string();
    let good = format!("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:f\r\nDTSTART:{day}T100000Z\r\nDURATION:PT1H\r\nSUMMARY:Feed session\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    let nested = std::fs::read_to_string(fixture("nested-800.ics")).unwrap();
    let never = std::fs::read_to_string(fixture("never-matching-x20.ics")).unwrap();
    let (url, server) = serve(vec![
        ok(&good),
        ok(&nested),
        ok(&never),
        "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
    ]);
    let o = cli(h, &["schedule", "import", &url]);
    assert!(o.status.success(), "{}", err(&o));
    // Nested: an error on the subscription, sessions kept.
    let o = cli_within(h, &["schedule", "refresh"], 30);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        out(&o).contains("components are nested more than 8 deep"),
        "{}",
        out(&o)
    );
    // Never-matching rules: imported (nothing), quickly.
    let o = cli_within(h, &["schedule", "refresh"], 30);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    // Redirected to a metadata address: refused.
    let o = cli_within(h, &["schedule", "refresh"], 30);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(out(&o).contains("only over https"), "{}", out(&o));
    server.join().unwrap();
    let o = cli(h, &["schedule", "list"]);
    assert!(o.status.success(), "{}", err(&o));
}

#[test]
fn malformed_flags_are_explained_not_panicked_on() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    for (args, says) in [
        (
            vec!["--mic-seconds", "NaN"],
            "give a number of seconds from 1 to 30",
        ),
        (
            vec!["--mic-seconds", "inf"],
            "give a number of seconds from 1 to 30",
        ),
        (vec!["--camera-seconds=-3"], "give a number of seconds"),
        (
            vec!["--stun-server", "stun.example.org"],
            "is not HOST:PORT",
        ),
        (vec!["--stun-server", "bad host:3478"], "is not HOST:PORT"),
        (vec!["--stun-server", "[::1:3478"], "is not HOST:PORT"),
    ] {
        let o = cli(h, &[&["check"][..], &args].concat());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(err(&o).contains(says), "{args:?}: {}", err(&o));
        assert!(!err(&o).contains("panicked"), "{}", err(&o));
    }
    let o = cli(
        h,
        &[
            "check",
            "--no-mic",
            "--no-speaker",
            "--no-camera",
            "--no-platforms",
            "--no-capacity",
            "--stun-server",
            "[::1]:9",
            "--no-record",
        ],
    );
    assert!(!err(&o).contains("panicked"), "{}", err(&o));
}

#[test]
fn huge_lists_in_the_settings_file_are_bounded() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let config = h.join(".config/org.mentorpreflight.app");
    std::fs::create_dir_all(&config).unwrap();
    // Thousands of STUN servers and platforms, all on this computer and all closed.
    let stun: Vec<String> = (0..5000).map(|_| "127.0.0.1:9".to_string()).collect();
    let platforms: Vec<serde_json::Value> = (0..5000)
        .map(|i| serde_json::json!({ "name": format!("P{i}"), "host": "127.0.0.1", "port": 9 }))
        .collect();
    std::fs::write(
        config.join("settings.json"),
        serde_json::json!({ "stunServers": stun, "platforms": platforms }).to_string(),
    )
    .unwrap();
    let o = cli_within(
        h,
        &[
            "check",
            "--json",
            "--no-mic",
            "--no-speaker",
            "--no-camera",
            "--no-capacity",
            "--no-record",
        ],
        30,
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}", err(&o));
    });
    let platforms = preflight_e2e::check_card(&report, "platforms");
    let checked = platforms["details"].as_array().unwrap().len();
    assert!(checked <= 12, "{checked} platforms checked");
}

#[test]
fn removing_an_unknown_session_says_so_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    assert!(add(h, "Sam").status.success());
    let before = preflight_e2e::stored(&data_dir(h), "sessions");
    assert_eq!(before.len(), 1);
    let o = cli(h, &["schedule", "remove", "m-nope\u{1b}[2J"]);
    assert_eq!(o.status.code(), Some(3), "{}", err(&o));
    assert!(
        err(&o).contains("There is no session with the id m-nope"),
        "{}",
        err(&o)
    );
    assert!(!err(&o).contains('\u{1b}'), "{:?}", err(&o));
    assert_eq!(preflight_e2e::stored(&data_dir(h), "sessions"), before);
    // A real id is removed.
    let o = cli(h, &["schedule", "list", "--json"]);
    let list: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let id = list[0]["id"].as_str().unwrap().to_string();
    let o = cli(h, &["schedule", "remove", &id]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains(&format!("Removed {id}.")));
    let o = cli(h, &["schedule", "list", "--json"]);
    let list: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(list.is_empty());
}

#[test]
fn export_dates_at_the_ends_of_the_calendar_are_refused_in_words() {
    // Once a panic (a week added to 9999-12-28, taken from -9999-01-05).
    let home = tempfile::tempdir().unwrap();
    for (args, says) in [
        (&["--from", "9999-12-28"][..], "give --to as well"),
        (&["--to=-009999-01-05"][..], "give --from as well"),
        (
            &["--from", "9999-12-20", "--to", "9999-12-31"][..],
            "outside the dates this app can handle",
        ),
    ] {
        let o = cli(home.path(), &[&["records", "export"][..], args].concat());
        assert_eq!(o.status.code(), Some(3), "{args:?}: {}", err(&o));
        assert!(err(&o).contains(says), "{args:?}: {}", err(&o));
        assert!(!err(&o).contains("panicked"), "{}", err(&o));
    }
}

#[cfg(unix)]
#[test]
fn an_export_goes_only_to_an_ordinary_or_new_file_outside_the_data_folder() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    assert!(add(h, "Sam").status.success());
    let export = |out: &Path| cli(h, &["records", "export", "--out", out.to_str().unwrap()]);
    // Into the data folder, even over the database's own name: refused, the database intact.
    let before = preflight_e2e::stored(&data_dir(h), "sessions");
    for out in [database(h), data_dir(h).join("records.csv")] {
        let o = export(&out);
        assert_eq!(o.status.code(), Some(3), "{}", err(&o));
        assert!(err(&o).contains("own data folder"), "{}", err(&o));
    }
    assert!(!data_dir(h).join("records.csv").exists());
    assert_eq!(preflight_e2e::stored(&data_dir(h), "sessions"), before);
    // A link and a pipe are refused; what the link points at is untouched.
    let target = h.join("elsewhere.txt");
    std::fs::write(&target, "keep").unwrap();
    let link = h.join("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = export(&link);
    assert!(err(&o).contains("is a link"), "{}", err(&o));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    let fifo = h.join("fifo.csv");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let o = cli_within(
        h,
        &["records", "export", "--out", fifo.to_str().unwrap()],
        20,
    );
    assert!(err(&o).contains("not an ordinary file"), "{}", err(&o));
    // An ordinary file is replaced and keeps its permissions.
    let out = h.join("week.csv");
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = export(&out);
    assert!(o.status.success(), "{}", err(&o));
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("date,"));
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

/// Whether `text` holds a character a terminal would act on or that hides what text says
/// (anything hidden but a line break or a tab).
fn has_hidden(text: &str) -> bool {
    text.chars()
        .any(|c| c != '\n' && c != '\t' && preflight::calendar::text::is_hidden_char(c))
}

#[cfg(unix)]
#[test]
fn templates_file_names_errors_and_contacts_never_print_terminal_controls() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // A template whose name, title, prompts and file name carry ESC/OSC (set the clipboard),
    // C1 CSI (clear the screen), BEL and a text-direction override.
    let evil = "\u{1b}]52;c;ZXZpbA==\u{7}\u{9b}2J\u{202E}";
    let file = h.join(format!("session{evil}.toml"));
    // The same characters as TOML escapes inside the template's strings.
    let t = r"\u001b]52;c;ZXZpbA==\u0007\u009b2J\u202E";
    std::fs::write(
        &file,
        format!(
            "name = \"Mine{t}\"\ndescription = \"d{t}\"\n\n[[phase]]\ntitle = \"Hello{t}\"\nminutes = 5\nprompts = [\"Say hi{t}\"]\nchecklist = [\"Hi{t}\"]\ncall_to_action = \"Book{t}\"\n"
        ),
    )
    .unwrap();
    let o = cli(h, &["script", "show", "--file", file.to_str().unwrap()]);
    let (printed, said) = (out(&o), err(&o));
    assert!(o.status.success(), "{said}");
    assert!(
        !has_hidden(&printed) && !has_hidden(&said),
        "{printed:?} {said:?}"
    );
    assert!(
        printed.contains("Hello") && printed.contains("Say hi"),
        "{printed:?}"
    );
    // An error that quotes the file (a broken line) is printed clean too.
    let broken = h.join(format!("broken{evil}.toml"));
    std::fs::write(&broken, format!("name = \"x\"\n[[phase]\ntitle = {evil}\n")).unwrap();
    let o = cli(h, &["script", "show", "--file", broken.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        !has_hidden(&out(&o)) && !has_hidden(&err(&o)),
        "{:?}",
        err(&o)
    );
    assert!(err(&o).contains("broken"), "{}", err(&o));
    // A safeguarding contact with a text-direction override is refused, in clean words.
    let o = cli(
        h,
        &[
            "programme",
            "contact",
            "brokerage",
            "--name",
            "Lead\u{202E}dael",
            "--email",
            "lead@example.org",
        ],
    );
    assert!(!o.status.success(), "refused: {}", out(&o));
    assert!(err(&o).contains("contact"), "{}", err(&o));
    assert!(
        !has_hidden(&out(&o)) && !has_hidden(&err(&o)),
        "{:?}",
        err(&o)
    );
}
