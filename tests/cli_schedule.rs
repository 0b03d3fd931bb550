//! The `preflight` CLI's schedule and records: import a calendar (good and damaged), add a
//! session, run a check that is recorded against it, export the week's monitoring CSV.

use std::path::Path;
use std::process::Output;

use preflight_e2e::{preflight_command, OFFLINE_CHECK};

fn cli(home: &Path, args: &[&str]) -> Output {
    preflight_command(home, args)
        .env("TZ", "Europe/London")
        .output()
        .expect("run preflight")
}

/// `preflight check` with no devices and no network (nothing here to measure), plus `args`.
fn check(home: &Path, args: &[&str]) -> Output {
    cli(home, &[OFFLINE_CHECK, args].concat())
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn import_add_check_and_export() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let data = h.join(".local/share/org.mentorpreflight.app");

    // A damaged calendar changes nothing and says so.
    let bad = h.join("bad.ics");
    std::fs::write(
        &bad,
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    let o = cli(h, &["schedule", "import", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains(
            "“bad.ics” could not be read: line 4: END:VCALENDAR where END:VEVENT was expected"
        ) && stderr(&o).contains("Nothing in your schedule was changed"),
        "{}",
        stderr(&o)
    );
    assert!(
        preflight_e2e::stored(&data, "sessions").is_empty(),
        "nothing was added"
    );

    // A weekly programme in the near future.
    let day = (jiff::Zoned::now() + jiff::Span::new().days(2))
        .date()
        .strftime("%Y%m%d")
        .to_string();
    let good = h.join("programme.ics");
    std::fs::write(
        &good,
        format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:p\r\nDTSTART;TZID=Europe/London:{day}T183000\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Mentoring: Priya\r\nDESCRIPTION:Join https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fzoom.us%2Fj%2F123456789&data=x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
    )
    .unwrap();
    let o = cli(h, &["schedule", "import", good.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Imported 3 session(s) from programme.ics"));
    // Importing again replaces rather than duplicates.
    let o = cli(h, &["schedule", "import", good.to_str().unwrap()]);
    assert!(stdout(&o).contains("replacing 3"), "{}", stdout(&o));

    // A session by hand starting in 30 minutes; an unsafe link is refused.
    let soon = jiff::Zoned::now().with_time_zone(jiff::tz::TimeZone::get("Europe/London").unwrap())
        + jiff::Span::new().minutes(30);
    let at = soon.strftime("%Y-%m-%d %H:%M").to_string();
    let o = cli(
        h,
        &[
            "schedule",
            "add",
            "--mentee",
            "Sam",
            "--at",
            &at,
            "--link",
            "file:///etc/passwd",
        ],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("never opened"), "{}", stderr(&o));
    let o = cli(
        h,
        &[
            "schedule",
            "add",
            "--mentee",
            "Sam",
            "--at",
            &at,
            "--link",
            "https://meet.jit.si/SamRoom",
            "--number",
            "2",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));

    let o = cli(h, &["schedule", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 4);
    assert_eq!(list[0]["mentee"], "Sam");
    assert_eq!(list[1]["mentee"], "Priya");
    assert_eq!(list[1]["link"], "https://zoom.us/j/123456789");
    assert_eq!(list[1]["sessionNumber"], 1);

    // A check (no devices, no network) is recorded against Sam's session, about 30 min before.
    let o = check(h, &["--json"]);
    assert!(
        stderr(&o).contains("Recorded for your session with Sam"),
        "{}",
        stderr(&o)
    );
    // The report carries the checklist: "tested ≥10 min before" is evidenced, the phone is
    // declared with --declare, the rest is left for the mentor.
    let o = check(h, &["--json", "--declare", "phone"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let item = |id: &str| {
        report["checklist"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            item("tested")["state"].as_str(),
            item("tested")["basis"].as_str()
        ),
        (Some("met"), Some("evidence"))
    );
    assert_eq!(
        (
            item("phone")["state"].as_str(),
            item("phone")["basis"].as_str()
        ),
        (Some("met"), Some("declared"))
    );
    assert_eq!(item("dress")["state"], "unknown");
    let o = check(h, &["--no-record", "--declare", "nonsense"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("unknown checklist item"),
        "{}",
        stderr(&o)
    );
    let records = serde_json::json!({ "checks": preflight_e2e::stored(&data, "checks") });
    assert_eq!(
        records["checks"].as_array().unwrap().len(),
        2,
        "--no-record was not recorded"
    );
    assert!(records["checks"][1]["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["id"] == "phone" && l["state"] == "met" && l["basis"] == "declared"));
    let check = &records["checks"][0];
    assert_eq!(check["from"], "cli");
    let before = check["minutesBefore"].as_i64().unwrap();
    assert!((28..=30).contains(&before), "{before}");
    // Metadata only: statuses and summaries, nothing else.
    assert!(records.to_string().len() < 4000);

    // The export for the week of Sam's session has it as tested in time.
    let out = h.join("week.csv");
    let from = soon.date().to_string();
    let o = cli(
        h,
        &[
            "records",
            "export",
            "--from",
            &from,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&out).unwrap();
    let sam = csv.lines().find(|l| l.contains(",Sam,")).expect(&csv);
    assert!(sam.contains(",2,60,"), "{sam}");
    assert!(
        sam.contains(",yes,skipped,"),
        "tested 10+ minutes before, all checks skipped: {sam}"
    );
}

#[test]
fn a_damaged_schedule_of_an_earlier_version_is_kept_aside() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join(".local/share/org.mentorpreflight.app");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("schedule.json"), "{ not json").unwrap();
    let o = cli(home.path(), &["schedule", "list"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("damaged"), "{}", stderr(&o));
    let kept: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        kept.iter().any(|n| n.starts_with("schedule.json.corrupt-")),
        "{kept:?}"
    );
}

#[test]
fn removed_imported_sessions_stay_out_and_a_feed_can_be_unsubscribed() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ics = dir.path().join("weekly.ics");
    std::fs::write(
        &ics,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:w@example.org\r\nDTSTART:20270302T180000Z\r\nDTEND:20270302T190000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Mentoring with Alex\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    let ids = |home: &Path| -> Vec<String> {
        let json: serde_json::Value =
            serde_json::from_str(&stdout(&cli(home, &["schedule", "list", "--json"]))).unwrap();
        json.as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    };
    let path = ics.to_str().unwrap();
    assert!(cli(home.path(), &["schedule", "import", path])
        .status
        .success());
    let all = ids(home.path());
    assert_eq!(all.len(), 3);
    assert!(cli(home.path(), &["schedule", "remove", &all[1]])
        .status
        .success());
    // Imported again: the one removed stays out.
    assert!(cli(home.path(), &["schedule", "import", path])
        .status
        .success());
    assert_eq!(ids(home.path()), vec![all[0].clone(), all[2].clone()]);

    // A subscribed feed (kept as the app keeps it) and its sessions go on unsubscribing.
    let feed = "https://calendar.example/feed.ics";
    let data = home.path().join(".local/share/org.mentorpreflight.app");
    let ctx = preflight::Context::in_folders(&data, &home.path().join(".config"));
    ctx.db()
        .unwrap()
        .update_schedule(|s| {
            let mut from_feed = s.sessions[0].clone();
            from_feed.id = "feed-1".into();
            from_feed.source = preflight::calendar::SessionSource::Calendar {
                calendar: feed.into(),
                uid: "f".into(),
                recurrence_id: None,
            };
            s.sessions.push(from_feed);
            s.subscriptions.push(preflight::calendar::Subscription {
                url: feed.into(),
                last_fetched: None,
                last_error: None,
                password_kept: false,
            });
            Ok::<_, preflight::store::StoreError>(())
        })
        .unwrap();
    assert!(ids(home.path()).contains(&"feed-1".to_string()));
    let o = cli(
        home.path(),
        &["schedule", "unsubscribe", "https://other.example/x.ics"],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not subscribed"), "{}", stderr(&o));
    let o = cli(home.path(), &["schedule", "unsubscribe", feed]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!ids(home.path()).contains(&"feed-1".to_string()));
    assert_eq!(ids(home.path()).len(), 2, "the file's sessions stay");
}

#[test]
fn a_feeds_password_lives_in_the_systems_password_store_never_in_the_data_folder() {
    const PASSWORD: &str = "c0rrect-h0rse-feed";
    let home = tempfile::tempdir().unwrap();
    let run = tempfile::tempdir().unwrap();
    let bus = preflight_e2e::desktop::SessionBus::start(run.path());
    let _store = preflight_e2e::desktop::PasswordStore::start(&bus, home.path());
    let host = preflight_e2e::feed_with_login(PASSWORD);
    let with_login = format!("http://mentor:{PASSWORD}@{host}/feed.ics");
    let address = format!("http://{host}/feed.ics");
    let on_bus = |args: &[&str]| {
        preflight_command(home.path(), args)
            .env("TZ", "Europe/London")
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .output()
            .expect("run preflight")
    };
    let o = on_bus(&["schedule", "import", &with_login]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !stdout(&o).contains(PASSWORD) && !stderr(&o).contains(PASSWORD),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    let data = preflight_e2e::data_dir(home.path());
    let mut bytes = Vec::new();
    for e in std::fs::read_dir(&data).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            bytes.extend(std::fs::read(&p).unwrap());
        }
    }
    assert!(
        !bytes
            .windows(PASSWORD.len())
            .any(|w| w == PASSWORD.as_bytes()),
        "the password is in the data folder"
    );
    let subs = preflight_e2e::stored(&data, "subscriptions");
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0]["url"], address.as_str());
    assert_eq!(subs[0]["passwordKept"], true);

    // Another process (the tray's refresh, say) reads it from the store and is let in.
    let o = on_bus(&["schedule", "refresh"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("up to date"), "{}", stdout(&o));
    assert!(!stdout(&o).contains(PASSWORD));

    // Unsubscribed: the login goes with it, so subscribing again without it is refused.
    let o = on_bus(&["schedule", "unsubscribe", &address]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = on_bus(&["schedule", "import", &address]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("asked for a name and password"),
        "{}",
        stderr(&o)
    );

    // No password store at all: refused in words, nothing subscribed, nothing written.
    let o = preflight_command(home.path(), &["schedule", "import", &with_login])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}/none", run.path().display()),
        )
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("password store"), "{}", stderr(&o));
    assert!(!stderr(&o).contains(PASSWORD));
    assert!(preflight_e2e::stored(&data, "subscriptions").is_empty());
}

/// glibc locales compiled into a folder of the test's own (found through `LOCPATH`): Debian's
/// `locales` package has their sources; the machine need not have generated them.
fn compiled_locales(dir: &Path, names: &[&str]) {
    for name in names {
        let o = std::process::Command::new("localedef")
            .args(["-i", name, "-f", "UTF-8"])
            .arg(dir.join(format!("{name}.UTF-8")))
            .output()
            .expect("localedef (Debian packages libc-bin and locales: ./dev test installs them)");
        assert!(
            o.status.success(),
            "localedef {name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn times_follow_the_computers_locale_and_the_mentors_clock() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let locales = tempfile::tempdir().unwrap();
    compiled_locales(locales.path(), &["en_US", "en_GB"]);
    // The CLI as run on a computer whose environment names `vars`' locales.
    let run = |vars: &[(&str, &str)], args: &[&str]| {
        let mut c = preflight_command(h, args);
        c.env("TZ", "Europe/London").env("LOCPATH", locales.path());
        for (k, v) in vars {
            c.env(k, v);
        }
        let o = c.output().expect("run preflight");
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        stdout(&o)
    };
    let added = run(
        &[("LC_TIME", "en_US.UTF-8")],
        &[
            "schedule",
            "add",
            "--mentee",
            "Sam",
            "--at",
            "2030-12-24 18:00",
        ],
    );
    assert!(
        added.contains("Sam at Tue, Dec 24, 2030, 6:00 PM GMT"),
        "{added}"
    );
    let list = |vars: &[(&str, &str)]| run(vars, &["schedule", "list"]);

    // The C locale says nothing: the house style, 24 hours and the day first.
    assert!(
        list(&[]).contains("Tue 24 Dec 2030 18:00  Sam"),
        "{}",
        list(&[])
    );
    // A US computer: 12 hours, the month first; a British one: 24 hours, the day first.
    let us = [("LC_TIME", "en_US.UTF-8")];
    assert!(
        list(&us).contains("Tue, Dec 24, 2030, 6:00 PM  Sam"),
        "{}",
        list(&us)
    );
    let gb = [("LANG", "en_GB.UTF-8")];
    assert!(
        list(&gb).contains("Tue 24 Dec 2030 18:00  Sam"),
        "{}",
        list(&gb)
    );
    // LC_ALL decides over LC_TIME, as everywhere on Linux.
    let all_gb = [("LC_ALL", "en_GB.UTF-8"), ("LC_TIME", "en_US.UTF-8")];
    assert!(list(&all_gb).contains("Tue 24 Dec 2030 18:00  Sam"));
    // A locale that is not installed says nothing, rather than failing.
    let missing = [("LC_TIME", "fr_FR.UTF-8")];
    assert!(list(&missing).contains("Tue 24 Dec 2030 18:00  Sam"));

    // The mentor's choice wins over the computer's clock (not over its date order).
    let said = run(&us, &["settings", "clock", "24"]);
    assert_eq!(
        said.trim(),
        "Times are shown on a 24-hour clock, like 14:30."
    );
    assert!(
        list(&us).contains("Tue, Dec 24, 2030, 18:00  Sam"),
        "{}",
        list(&us)
    );
    run(&[], &["settings", "clock", "12"]);
    assert!(
        list(&[]).contains("Tue 24 Dec 2030 6:00 PM  Sam"),
        "{}",
        list(&[])
    );
    assert_eq!(
        run(&[], &["settings", "clock"]).trim(),
        "Times are shown on a 12-hour clock, like 2:30 PM."
    );
    // The monitoring export keeps a form's columns: ISO date, 24-hour time.
    let csv = run(
        &us,
        &[
            "records",
            "export",
            "--from",
            "2030-12-23",
            "--to",
            "2030-12-30",
        ],
    );
    let sam = csv.lines().find(|l| l.contains(",Sam,")).expect(&csv);
    assert!(sam.starts_with("2030-12-24,18:00,"), "{sam}");
    run(&us, &["settings", "clock", "computer"]);
    assert!(list(&us).contains("6:00 PM"));

    // Anything else is refused by name, and nothing is changed.
    let o = preflight_command(h, &["settings", "clock", "13"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("possible values: 12, 24, computer"),
        "{}",
        stderr(&o)
    );
    assert!(run(&us, &["schedule", "list"]).contains("6:00 PM"));
}
