//! `preflight programme`: the built-in programme profiles listed and shown with each code's
//! rules, and a profile the mentor wrote checked with `file:line:column` errors.

use std::process::Output;

use preflight_e2e::{preflight_command, workspace_root, OFFLINE_CHECK};

fn preflight(home: &std::path::Path, args: &[&str]) -> Output {
    preflight_command(home, args)
        .output()
        .expect("run preflight")
}

/// `preflight schedule add --mentee NAME ARGS…`.
fn add_session(home: &std::path::Path, mentee: &str, args: &[&str]) -> Output {
    preflight(
        home,
        &[&["schedule", "add", "--mentee", mentee][..], args].concat(),
    )
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn each_code_shows_its_own_rules() {
    let home = tempfile::tempdir().unwrap();
    let list = preflight(home.path(), &["programme", "list"]);
    assert!(list.status.success());
    let list = stdout(&list);
    for id in [
        "brokerage",
        "mentor247",
        "leapfrog-sfedi",
        "qooper",
        "expectations-guide",
        "custom",
    ] {
        assert!(list.contains(id), "{id} in {list}");
    }
    assert!(list.contains("The Brokerage — 7 sessions of 60 minutes, weekly"));

    // Each code's distinctive rows.
    for (id, rows) in [
        (
            "brokerage",
            &[
                "After session 4: Mid-point feedback survey",
                "After session 7: End-point feedback survey",
                "Each week: a record of whether mentoring took place as planned.",
                "[ ] Contact only by email and video conferencing",
            ][..],
        ),
        (
            "mentor247",
            &[
                "[ ] My phone is on silent and face down",
                "[ ] Other screens and windows are closed",
                "[ ] I am on a network cable, not Wi‑Fi or a hotspot",
                "[ ] Speak slowly and invite \"ask me to repeat\"",
                "The programme schedules the sessions, not you.",
            ][..],
        ),
        (
            "leapfrog-sfedi",
            &[
                "[ ] The mentee's agenda, not mine",
                "[ ] The mentee knows the complaints procedure",
            ][..],
        ),
        (
            "qooper",
            &[
                "every two weeks",
                "[ ] Listen, ask, offer, advise",
                "[ ] Accountable action items agreed",
            ][..],
        ),
        (
            "expectations-guide",
            &["[ ] An agenda for this session"][..],
        ),
    ] {
        let o = preflight(home.path(), &["programme", "show", id]);
        assert!(o.status.success(), "{id}");
        let text = stdout(&o);
        for row in rows {
            assert!(text.contains(row), "{id}: {row:?} in\n{text}");
        }
    }

    // Under 18: the Brokerage's additions, and the programme schedules.
    let adult = stdout(&preflight(home.path(), &["programme", "show", "brokerage"]));
    let minor = stdout(&preflight(
        home.path(),
        &["programme", "show", "brokerage", "--under-18"],
    ));
    let extra = "[ ] Contact only through the programme's channels";
    assert!(!adult.contains(extra) && minor.contains(extra));
    assert!(adult.contains("You arrange each session with your mentee."));
    assert!(minor.contains("The programme schedules the sessions, not you."));

    let unknown = preflight(home.path(), &["programme", "show", "nope"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("preflight programme list"));
}

#[test]
fn a_profile_you_wrote_is_checked_with_file_line_column() {
    let home = tempfile::tempdir().unwrap();
    let custom = workspace_root().join("crates/session/programmes/custom.toml");
    let ok = preflight(
        home.path(),
        &["programme", "check", custom.to_str().unwrap()],
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(stdout(&ok).contains("OK — \"My programme\", 6 sessions of 60 minutes"));

    let text = std::fs::read_to_string(&custom)
        .unwrap()
        .replace("cadence_days = 14", "cadence_days = 100");
    let line = text
        .lines()
        .position(|l| l.starts_with("cadence_days"))
        .unwrap()
        + 1;
    let broken = home.path().join("ours.toml");
    std::fs::write(&broken, &text).unwrap();
    let o = preflight(
        home.path(),
        &["programme", "check", broken.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!(
            "ours.toml:{line}:16: cadence_days is 100; give 1 to 62"
        )),
        "{err}"
    );
    // `show --file` reads the same file and refuses it the same way.
    let o = preflight(
        home.path(),
        &["programme", "show", "--file", broken.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn sessions_belong_to_a_programme_and_the_export_follows_it() {
    let home = tempfile::tempdir().unwrap();
    let add = |extra: &[&str]| {
        let o = add_session(
            home.path(),
            "Sam",
            &[&["--zone", "Europe/London"][..], extra].concat(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    add(&[
        "--at",
        "2027-03-02 18:00",
        "--number",
        "4",
        "--programme",
        "brokerage",
        "--under-18",
    ]);
    add(&["--at", "2027-03-03 18:00", "--number", "2"]);
    // An unknown programme is refused, and nothing is added.
    let o = add_session(
        home.path(),
        "Kim",
        &["--at", "2027-03-04 18:00", "--programme", "nope"],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a programme this app knows"));

    let list = stdout(&preflight(home.path(), &["schedule", "list"]));
    assert!(
        list.contains("The Brokerage, mentee under 18; the programme schedules these sessions"),
        "{list}"
    );
    assert!(!list.contains("Kim"));

    let export = |extra: &[&str]| {
        stdout(&preflight(
            home.path(),
            &[
                &[
                    "records",
                    "export",
                    "--from",
                    "2027-03-01",
                    "--to",
                    "2027-03-08",
                ][..],
                extra,
            ]
            .concat(),
        ))
    };
    let all = export(&[]);
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines.len(), 3, "{all}");
    assert!(
        lines[0].ends_with(",programme,feedback_due"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].ends_with(",brokerage,Mid-point feedback survey"),
        "{}",
        lines[1]
    );
    assert!(lines[2].ends_with(",,"), "{}", lines[2]);
    let brokerage = export(&["--programme", "brokerage"]);
    assert_eq!(brokerage.lines().count(), 2, "{brokerage}");
    // Nothing about the mentee beyond what was typed: the name and the under-18 mark.
    let json = stdout(&preflight(home.path(), &["schedule", "list", "--json"]));
    assert!(json.contains("\"under18\": true"), "{json}");
}

#[test]
fn the_check_lists_what_the_sessions_programme_asks() {
    let home = tempfile::tempdir().unwrap();
    // A Mentor247 session in 30 minutes.
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(30);
    let at = soon
        .to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    let o = add_session(
        home.path(),
        "Sam",
        &["--zone", "UTC", "--at", &at, "--programme", "mentor247"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = preflight(home.path(), OFFLINE_CHECK);
    let text = stdout(&o);
    assert!(
        text.contains("My phone is on silent and face down"),
        "{text}"
    );
    assert!(
        text.contains("Sessions scheduled only through the platform"),
        "{text}"
    );
    // The check was made 30 minutes before: that item is evidenced.
    assert!(text.contains("min before the next session"), "{text}");
    // The mentor confirms one of the code's own items by its id.
    let o = preflight(
        home.path(),
        &[OFFLINE_CHECK, &["--declare", "mentor247:5", "--json"]].concat(),
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let item = report["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "mentor247:5")
        .unwrap();
    assert_eq!(item["state"], "met");
    assert_eq!(item["basis"], "declared");
    let bad = preflight(home.path(), &["check", "--declare", "mentor247:99"]);
    assert!(!bad.status.success());
}

#[test]
fn under_18_the_script_says_whom_the_mentor_would_tell() {
    let home = tempfile::tempdir().unwrap();
    let show = |extra: &[&str]| {
        let o = preflight(
            home.path(),
            &[
                &["script", "show", "--template", "first-session"][..],
                extra,
            ]
            .concat(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        stdout(&o)
    };
    let adult = show(&["--programme", "brokerage"]);
    let minor = show(&["--programme", "brokerage", "--under-18"]);
    assert!(!adult.contains("because you are under 18"));
    let at = minor
        .find("because you are under 18")
        .expect("the safeguarding limit is said");
    assert!(minor[at..].contains("The Brokerage's safeguarding contact"));
    // Right after the confidentiality prompt.
    let confidential = minor.find("confidential. It stays between us").unwrap();
    assert!(confidential < at);
}
