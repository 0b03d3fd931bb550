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
    assert!(minor.contains(extra));
    // Shown without being asked for, marked as applying to under-18 sessions.
    let marked = adult
        .find("With a mentee under 18")
        .unwrap_or_else(|| panic!("no under-18 rules in\n{adult}"));
    assert!(adult[marked..].contains(extra), "{adult}");
    assert!(!adult[..marked].contains(extra), "{adult}");
    assert!(adult.contains("no safeguarding contact is set"), "{adult}");
    // The cable, which The Brokerage's code does not spell out, is general advice.
    let general = adult
        .find("General advice")
        .expect("general advice is listed");
    assert!(
        adult[general..].contains("[ ] I am on a network cable"),
        "{adult}"
    );
    assert!(!adult[..general].contains("network cable"), "{adult}");
    assert!(adult.contains("You arrange each session with your mentee."));
    assert!(minor.contains("The programme schedules the sessions, not you."));

    let unknown = preflight(home.path(), &["programme", "show", "nope"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("preflight programme list"));
}

#[test]
fn a_profile_you_wrote_is_checked_with_file_line_column() {
    let home = tempfile::tempdir().unwrap();
    let custom = workspace_root().join("crates/programme/programmes/custom.toml");
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
        lines[0].ends_with(",programme,feedback_due,as_planned,concern_reported,agreed"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].ends_with(",brokerage,Mid-point feedback survey,,,"),
        "{}",
        lines[1]
    );
    assert!(lines[2].ends_with(",,,,"), "{}", lines[2]);
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
    assert!(text.contains("min before the session starts"), "{text}");
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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The id `schedule add` printed ("Added: … (m-…).").
fn added_id(o: &Output) -> String {
    let out = stdout(o);
    assert!(o.status.success(), "{out}{}", stderr(o));
    out.rsplit_once('(')
        .and_then(|(_, id)| id.strip_suffix(").\n"))
        .unwrap_or_else(|| panic!("no id in {out}"))
        .to_string()
}

#[test]
fn your_programme_and_its_contact_are_remembered_and_used() {
    let home = tempfile::tempdir().unwrap();
    let settings = || -> serde_json::Value {
        serde_json::from_str(
            &std::fs::read_to_string(
                home.path()
                    .join(".config/org.mentorpreflight.app/settings.json"),
            )
            .unwrap(),
        )
        .unwrap()
    };
    let o = preflight(home.path(), &["programme", "use", "nope"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not a programme this app knows"));
    let o = preflight(home.path(), &["programme", "use", "brokerage"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Your programme: The Brokerage."));
    assert_eq!(settings()["programme"], "brokerage");
    assert_eq!(settings()["programmeChosen"], true);
    assert!(stdout(&preflight(home.path(), &["programme", "list"]))
        .lines()
        .any(|l| l.starts_with("brokerage") && l.ends_with("(your programme)")));

    // A new session belongs to it unless it says otherwise.
    let id = added_id(&add_session(
        home.path(),
        "Sam",
        &["--at", "2027-03-02 18:00", "--zone", "Europe/London"],
    ));
    let other = added_id(&add_session(
        home.path(),
        "Kim",
        &[
            "--at",
            "2027-03-03 18:00",
            "--zone",
            "Europe/London",
            "--programme",
            "qooper",
        ],
    ));
    let json: serde_json::Value = serde_json::from_str(&stdout(&preflight(
        home.path(),
        &["schedule", "list", "--json"],
    )))
    .unwrap();
    let programme_of = |id: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()["programme"]
            .clone()
    };
    assert_eq!(programme_of(&id), "brokerage");
    assert_eq!(programme_of(&other), "qooper");

    // A contact that is not valid is refused and nothing is saved; a valid one is shown with
    // the programme and named in the under-18 script.
    let o = preflight(
        home.path(),
        &[
            "programme",
            "contact",
            "brokerage",
            "--name",
            "Safeguarding lead",
            "--email",
            "lead@x?body=hello",
        ],
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("is not an email address"),
        "{}",
        stderr(&o)
    );
    assert!(settings()["programmeContacts"]["brokerage"].is_null());
    let o = preflight(
        home.path(),
        &[
            "programme",
            "contact",
            "brokerage",
            "--name",
            "Safeguarding lead",
            "--phone",
            "+44 20 7946 0000",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let show = stdout(&preflight(home.path(), &["programme", "show", "brokerage"]));
    assert!(
        show.contains("Programme contact: Safeguarding lead, +44 20 7946 0000"),
        "{show}"
    );
    let script = stdout(&preflight(
        home.path(),
        &[
            "script",
            "show",
            "--programme",
            "brokerage",
            "--under-18",
            "--var",
            "mentee=Sam",
        ],
    ));
    assert!(
        script.contains(
            "I must tell The Brokerage's safeguarding contact (Safeguarding lead) straight away"
        ),
        "{script}"
    );
    assert!(
        script.contains("7"),
        "the programme's length fills the roadmap: {script}"
    );
    let o = preflight(
        home.path(),
        &["programme", "contact", "brokerage", "--clear"],
    );
    assert!(o.status.success());
    assert!(settings()["programmeContacts"]["brokerage"].is_null());
}

#[test]
fn your_own_programme_is_saved_only_when_it_is_valid() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let starter =
        std::fs::read_to_string(workspace_root().join("crates/programme/programmes/custom.toml"))
            .unwrap();
    let saved = home
        .path()
        .join(".config/org.mentorpreflight.app/programmes/custom.toml");
    let broken = dir.path().join("youth.toml");
    std::fs::write(
        &broken,
        starter.replace("cadence_days = 14", "cadence_days = \"often\""),
    )
    .unwrap();
    let o = preflight(
        home.path(),
        &["programme", "save", broken.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("youth.toml:7:"), "{}", stderr(&o));
    assert!(stderr(&o).contains("Nothing was saved."));
    assert!(!saved.exists());
    let good = dir.path().join("youth-good.toml");
    std::fs::write(&good, starter.replace("My programme", "Youth Futures")).unwrap();
    let o = preflight(home.path(), &["programme", "save", good.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&saved)
        .unwrap()
        .contains("Youth Futures"));
    // It is the `custom` programme from now on, for the CLI and the app alike.
    let show = stdout(&preflight(home.path(), &["programme", "show", "custom"]));
    assert!(show.starts_with("Youth Futures (My own rules)"), "{show}");
    // Broken by hand later: said, and the built-in rules stand in.
    std::fs::write(&saved, "name = ").unwrap();
    let o = preflight(home.path(), &["programme", "list"]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("Your own programme profile cannot be used"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("My programme"));
}

#[test]
fn an_imported_series_belongs_to_the_programme_chosen_for_it() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ics = dir.path().join("brokerage.ics");
    std::fs::write(
        &ics,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:series@example.org\r\nDTSTART:20270302T180000Z\r\nDTEND:20270302T190000Z\r\nRRULE:FREQ=WEEKLY;COUNT=7\r\nSUMMARY:Mentoring with Alex\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    let programmes = |home: &std::path::Path| -> Vec<(String, bool)> {
        let json: serde_json::Value =
            serde_json::from_str(&stdout(&preflight(home, &["schedule", "list", "--json"])))
                .unwrap();
        json.as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["programme"].as_str().unwrap_or("").to_string(),
                    s["under18"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    let path = ics.to_str().unwrap();
    let o = preflight(
        home.path(),
        &[
            "schedule",
            "import",
            path,
            "--programme",
            "brokerage",
            "--under-18",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let all = programmes(home.path());
    assert!(all.len() >= 7, "{all:?}");
    assert!(all.iter().all(|(p, u)| p == "brokerage" && *u), "{all:?}");
    // Imported again without saying: the choice made for this calendar stays.
    assert!(preflight(home.path(), &["schedule", "import", path])
        .status
        .success());
    assert!(programmes(home.path())
        .iter()
        .all(|(p, u)| p == "brokerage" && *u));
    let list = stdout(&preflight(home.path(), &["schedule", "list"]));
    assert!(list.contains("The Brokerage, mentee under 18; the programme schedules these sessions"));
    // `none` takes it out of the programme.
    assert!(preflight(
        home.path(),
        &["schedule", "import", path, "--programme", "none"]
    )
    .status
    .success());
    assert!(programmes(home.path())
        .iter()
        .all(|(p, u)| p.is_empty() && !*u));
    // An unknown programme is refused before anything is imported.
    let o = preflight(
        home.path(),
        &["schedule", "import", path, "--programme", "nope"],
    );
    assert!(!o.status.success());
    assert!(programmes(home.path()).iter().all(|(p, _)| p.is_empty()));

    // A new calendar belongs to the mentor's programme unless the import says otherwise.
    let other = tempfile::tempdir().unwrap();
    assert!(preflight(other.path(), &["programme", "use", "mentor247"])
        .status
        .success());
    assert!(preflight(other.path(), &["schedule", "import", path])
        .status
        .success());
    assert!(programmes(other.path())
        .iter()
        .all(|(p, u)| p == "mentor247" && !*u));
}

#[test]
fn the_weekly_record_says_what_the_mentor_stated() {
    let home = tempfile::tempdir().unwrap();
    let add = |mentee: &str, at: &str| {
        added_id(&add_session(
            home.path(),
            mentee,
            &[
                "--at",
                at,
                "--zone",
                "UTC",
                "--programme",
                "brokerage",
                "--number",
                "4",
            ],
        ))
    };
    let held = add("Sam", "2026-11-03 18:00");
    let kim = add("Kim", "2026-11-04 18:00");
    let future = add("Lee", "2027-11-04 18:00");
    let o = preflight(home.path(), &["records", "planned", &future, "yes"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("has not started yet"), "{}", stderr(&o));
    let o = preflight(home.path(), &["records", "planned", &held, "maybe"]);
    assert!(!o.status.success(), "yes or no only");
    // *No* asks why, and the reason goes with the answer into the export.
    let o = preflight(home.path(), &["records", "planned", &held, "no"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--reason"), "{}", stderr(&o));
    let o = preflight(
        home.path(),
        &["records", "planned", &kim, "no", "--reason", "Kim was ill"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = preflight(home.path(), &["records", "planned", &held, "yes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("took place as planned"),
        "{}",
        stdout(&o)
    );
    let csv = stdout(&preflight(
        home.path(),
        &[
            "records",
            "export",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-09",
            "--programme",
            "brokerage",
        ],
    ));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].contains(",Sam,")
            && lines[1].ends_with(",brokerage,Mid-point feedback survey,yes,,"),
        "{csv}"
    );
    // No script was run: the mentor's word says whether it took place.
    assert!(lines[1].contains(",yes (stated),"), "{csv}");
    assert!(
        lines[2].contains(",Kim,") && lines[2].ends_with(",no: Kim was ill,,"),
        "{csv}"
    );
}

#[test]
fn the_script_announces_the_feedback_due_after_that_session() {
    let home = tempfile::tempdir().unwrap();
    let show = |n: &str| {
        stdout(&preflight(
            home.path(),
            &[
                "script",
                "show",
                "--template",
                "regular-session",
                "--programme",
                "brokerage",
                "--var",
                "mentee=Sam",
                "--var",
                &format!("session_number={n}"),
            ],
        ))
    };
    let fourth = show("4");
    assert!(
        fourth.contains("The Brokerage asks for the mid-point feedback survey"),
        "{fourth}"
    );
    assert!(fourth.contains("session 4 of 7"), "{fourth}");
    assert!(!show("3").contains("feedback survey"));
}

#[test]
fn the_cli_lists_and_shows_every_script_the_app_offers() {
    // The mentor's own templates folder, shared with the app: one good file, one broken.
    let home = tempfile::tempdir().unwrap();
    let dir = home
        .path()
        .join(".config/org.mentorpreflight.app/templates");
    std::fs::create_dir_all(&dir).unwrap();
    let regular = std::fs::read_to_string(
        workspace_root().join("crates/scripts/templates/regular-session.toml"),
    )
    .unwrap();
    let mine = regular.replacen(
        "name = \"Regular session\"",
        "name = \"Our club's check-in\"",
        1,
    );
    assert_ne!(mine, regular, "the template's name line changed");
    std::fs::write(dir.join("club.toml"), mine).unwrap();
    std::fs::write(
        dir.join("broken.toml"),
        "name = \"x\"\n[[phase]\ntitle = 1\n",
    )
    .unwrap();

    let o = preflight(home.path(), &["script", "list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = stdout(&o);
    for id in [
        "first-session",
        "regular-session",
        "final-session",
        "programme:seven-week",
        "user:club",
    ] {
        assert!(list.contains(id), "{id} missing from:\n{list}");
    }
    assert!(list.contains("Our club's check-in"), "{list}");
    assert!(
        list.contains("broken.toml") && list.contains("not usable: "),
        "a broken file is named with its problem:\n{list}"
    );

    // Each can be shown by the id the list gives.
    let show = |args: &[&str]| {
        let o = preflight(home.path(), &[&["script", "show"][..], args].concat());
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert!(show(&["--template", "user:club"]).starts_with("Our club's check-in ("));
    // The 7-week programme picks by the session number: its last session is the final one.
    assert!(show(&[
        "--template",
        "programme:seven-week",
        "--var",
        "session_number=7"
    ])
    .starts_with("Final session"));
    assert!(show(&["--template", "programme:seven-week"]).starts_with("First session"));
    // Its feedback points come from its profile: the end-point form after the seventh.
    assert!(show(&[
        "--template",
        "programme:seven-week",
        "--var",
        "session_number=7"
    ])
    .contains("The 7-week programme asks for the end-point feedback form"));
    let missing = preflight(home.path(), &["script", "show", "--template", "user:nope"]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("could not be loaded"),
        "{}",
        stderr(&missing)
    );
}
