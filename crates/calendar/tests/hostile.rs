//! Calendars, templates and data files that once crashed, hung or fooled the importer, kept as
//! fixtures (`tests/fixtures/hostile/`). Each must give a clear result or error quickly, without
//! a panic, within bounded size.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use preflight_calendar::ics::{import_bytes, ImportOutcome, MAX_SESSIONS_PER_EVENT};
use preflight_calendar::IcsError;
use preflight_calendar::ImportOptions;

fn fixture(name: &str) -> PathBuf {
    Path::new(&*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

fn opts(name: &str) -> ImportOptions {
    ImportOptions::new(
        name,
        "Europe/London",
        "2026-11-22T00:00:00Z".parse().unwrap(),
    )
}

/// Runs `f` on another thread and fails if it has not finished within `secs` (a hang), or
/// panicked. This bounds hangs; speed is measured in the benchmarks.
fn finishes<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .expect("finished in time without a panic")
}

fn import_fixture(name: &'static str) -> Result<ImportOutcome, IcsError> {
    let bytes = std::fs::read(fixture(name)).unwrap();
    finishes(20, move || import_bytes(&bytes, &opts(name)))
}

#[test]
fn deeply_nested_components_are_refused_by_line() {
    let err = import_fixture("nested-800.ics").unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, IcsError::Parse { line: 9, .. }), "{err:?}");
    assert!(
        msg.starts_with(
            "“nested-800.ics” could not be read: line 9: components are nested more than 8 deep"
        ),
        "{msg}"
    );
}

#[test]
fn dates_at_the_end_of_time_are_skipped_with_a_note() {
    let out = import_fixture("recurrence-id-9999.ics").unwrap();
    // The series' first and third sessions stay; the second was "moved" to 9999 and is named.
    let starts: Vec<String> = out.sessions.iter().map(|s| s.start.to_string()).collect();
    assert_eq!(starts, ["2026-12-01T10:00:00Z", "2026-12-15T10:00:00Z"]);
    assert!(
        out.notes
            .iter()
            .any(|n| n.contains("moved occurrence has no usable start")),
        "{:?}",
        out.notes
    );
    assert!(
        out.notes
            .iter()
            .any(|n| n.contains("End of time") && n.contains("between the years 1900 and 2199")),
        "{:?}",
        out.notes
    );
}

#[test]
fn lone_cr_line_ends_are_read() {
    for (name, events) in [("lone-cr-68k.ics", 225), ("lone-cr-79k.ics", 260)] {
        let out = import_fixture(name).unwrap();
        assert_eq!(out.sessions.len(), events, "{name}");
        assert!(out.notes.is_empty(), "{name}: {:?}", out.notes);
    }
}

#[test]
fn a_damaged_line_in_a_large_file_is_named_and_the_rest_is_imported() {
    let out = import_fixture("lone-cr-60k-broken.ics").unwrap();
    assert!(!out.sessions.is_empty());
    let note = &out.notes[0];
    assert!(note.len() < 400, "{} bytes: {note}", note.len());
    assert!(
        note.contains("line 1400: END:VCALENDAR where END:VEVENT was expected (the VEVENT that begins on line 1396 is not closed)"),
        "{note}"
    );
}

#[test]
fn rules_that_never_match_end_quickly() {
    let out = import_fixture("never-matching-x20.ics").unwrap();
    assert!(out.sessions.is_empty());
    assert_eq!(out.notes.len(), 20, "{:?}", out.notes);
    assert!(out
        .notes
        .iter()
        .all(|n| n.contains("gives no date in the coming months")));
}

#[test]
fn expanding_repeat_rules_has_a_time_budget() {
    let bytes = std::fs::read(fixture("never-matching-x20.ics")).unwrap();
    let mut o = opts("never");
    o.expansion_budget = Duration::ZERO;
    let out = finishes(20, move || import_bytes(&bytes, &o)).unwrap();
    assert_eq!(out.notes.len(), 20, "{:?}", out.notes);
    assert!(
        out.notes
            .iter()
            .all(|n| n.contains("took too long to work out")),
        "{:?}",
        out.notes
    );
    // Single events need no expansion and are never cut by it.
    let single = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:s\r\nDTSTART:20261201T100000Z\r\nSUMMARY:Sam\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let mut o = opts("single");
    o.expansion_budget = Duration::ZERO;
    assert_eq!(import_bytes(single, &o).unwrap().sessions.len(), 1);
}

#[test]
fn a_huge_time_zone_name_is_refused_at_once() {
    let out = import_fixture("tzid-16k.ics").unwrap();
    assert!(out.sessions.is_empty());
    assert_eq!(out.notes.len(), 1);
    assert!(
        out.notes[0].contains("unknown time zone"),
        "{:?}",
        out.notes
    );
    assert!(out.notes[0].len() < 300, "{}", out.notes[0]);
}

#[test]
fn hourly_events_are_capped_per_event_and_in_all() {
    let out = import_fixture("hourly-x100.ics").unwrap();
    assert_eq!(out.sessions.len(), preflight_calendar::ics::MAX_SESSIONS);
    let per_event = out
        .notes
        .iter()
        .filter(|n| n.contains(&format!("only its first {MAX_SESSIONS_PER_EVENT} sessions")))
        .count();
    assert_eq!(per_event, 100, "{:?}", &out.notes[..3]);
    assert!(
        out.notes
            .last()
            .unwrap()
            .contains("only the first 3000 were imported"),
        "{:?}",
        out.notes.last()
    );
    // What would be stored stays small.
    let json = serde_json::to_vec(&out.sessions).unwrap();
    assert!(json.len() < 2 * 1024 * 1024, "{} bytes", json.len());
}

#[test]
fn a_series_that_began_years_ago_still_imports_its_coming_sessions() {
    let out = import_fixture("daily-since-2019.ics").unwrap();
    assert!(out.notes.is_empty(), "{:?}", out.notes);
    // From a day before "now" (22 November 2026) to a year ahead: 367 or 368 days.
    assert!(
        (366..=368).contains(&out.sessions.len()),
        "{}",
        out.sessions.len()
    );
    assert_eq!(
        out.sessions[0].start,
        "2026-11-22T18:00:00Z".parse::<Timestamp>().unwrap()
    );
    // Far more than a thousand earlier sessions: not numbered as a programme.
    assert_eq!(out.sessions[0].session_number, None);
}

#[test]
fn floating_and_date_until_and_period_rdates() {
    let out = import_fixture("floating-until-rdate-period.ics").unwrap();
    assert!(out.notes.is_empty(), "{:?}", out.notes);
    let by = |who: &str| -> Vec<String> {
        out.sessions
            .iter()
            .filter(|s| s.mentee == who)
            .map(|s| s.start.to_string())
            .collect()
    };
    // Floating 18:00 in the computer's zone (London, GMT in December), until 15 December.
    assert_eq!(
        by("Floating until"),
        [
            "2026-12-01T18:00:00Z",
            "2026-12-08T18:00:00Z",
            "2026-12-15T18:00:00Z"
        ]
    );
    // UNTIL as a date includes that day.
    assert_eq!(
        by("Date until"),
        [
            "2026-12-01T14:00:00Z",
            "2026-12-02T14:00:00Z",
            "2026-12-03T14:00:00Z"
        ]
    );
    assert_eq!(
        by("Periods"),
        [
            "2026-12-01T10:00:00Z",
            "2026-12-05T10:00:00Z",
            "2026-12-06T10:00:00Z"
        ]
    );
}

#[test]
fn what_lenient_readers_open_is_opened() {
    let out = import_fixture("outlook-lenient.ics").unwrap();
    assert!(out.notes.is_empty(), "{:?}", out.notes);
    let names: Vec<(&str, String)> = out
        .sessions
        .iter()
        .map(|s| (s.mentee.as_str(), s.start.to_string()))
        .collect();
    assert_eq!(
        names,
        [
            ("Ana", "2026-12-01T09:00:00Z".to_string()),
            ("Second calendar", "2026-12-02T10:00:00Z".to_string())
        ]
    );
}

#[test]
fn windows_1252_is_decoded_with_a_note() {
    let out = import_fixture("windows-1252.ics").unwrap();
    assert_eq!(out.sessions[0].mentee, "Zoë Müller – café");
    assert_eq!(out.notes.len(), 1);
    assert!(out.notes[0].contains("Windows-1252"), "{:?}", out.notes);
}

#[test]
fn html_entities_are_decoded_before_links_are_read() {
    let out = import_fixture("alt-desc-entities.ics").unwrap();
    assert_eq!(
        out.sessions[0].link.as_deref(),
        Some("https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d&x=1")
    );
}

#[test]
fn terminal_escapes_never_reach_a_title() {
    let out = import_fixture("terminal-escapes.ics").unwrap();
    let name = &out.sessions[0].mentee;
    assert!(!name.chars().any(char::is_control), "{name:?}");
    assert!(name.contains("Sam"), "{name:?}");
}

#[test]
fn the_window_and_the_cap_are_configurable() {
    let bytes = std::fs::read(fixture("daily-since-2019.ics")).unwrap();
    let mut o = opts("daily");
    o.horizon = SignedDuration::from_hours(24 * 30);
    o.max_sessions = 10;
    let out = import_bytes(&bytes, &o).unwrap();
    assert_eq!(out.sessions.len(), 10);
    assert!(
        out.notes[0].contains("only the first 10"),
        "{:?}",
        out.notes
    );
}

#[test]
fn templates_from_devices_pipes_and_huge_files_are_refused() {
    use preflight_scripts::Template;
    let e = finishes(10, || Template::load(Path::new("/dev/zero"))).unwrap_err();
    assert!(e.to_string().contains("not an ordinary file"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    std::fs::write(&big, "# ".repeat(200_000)).unwrap();
    let e = Template::load(&big).unwrap_err();
    assert!(e.to_string().contains("too large"), "{e}");
    #[cfg(unix)]
    {
        let fifo = dir.path().join("fifo.toml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = finishes(10, move || Template::load(&fifo)).unwrap_err();
        assert!(e.to_string().contains("not an ordinary file"), "{e}");
        // A folder of templates with a pipe in it is listed, not waited on.
        let listed = finishes(10, {
            let d = dir.path().to_path_buf();
            move || preflight_scripts::script::user_templates(&d)
        });
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().all(|r| r.is_err()));
    }
}

#[test]
fn oversized_bytes_are_refused_before_they_are_decoded() {
    // Not UTF-8, so decoding would copy all of it as Windows-1252 first.
    let bytes = vec![0xE9u8; 9 * 1024 * 1024];
    let err = import_bytes(&bytes, &opts("big.ics")).unwrap_err();
    assert!(
        err.to_string()
            .contains("“big.ics” could not be read: the file is larger than 8 MB"),
        "{err}"
    );
}

/// Damaged calendars of the kinds real ones are (`tests/fixtures/damaged/`, made to match what
/// calendar libraries' bug reports show): the good events are imported and the one note names
/// every line that was skipped, as `python-icalendar` and Thunderbird read them.
#[test]
fn damaged_calendars_import_their_good_events_and_name_the_skipped_lines() {
    for (name, sessions, lines) in [
        ("no-colon-apple.ics", 2, &[9, 10][..]),
        ("summary-equals.ics", 2, &[12]),
        ("empty-organizer.ics", 1, &[8, 9]),
        ("space-in-name.ics", 1, &[8]),
        ("end-vcalendard.ics", 2, &[9]),
        ("cut-off.ics", 2, &[15]),
    ] {
        let bytes = std::fs::read(
            // The directory cargo runs the test in, not the one it was compiled in: a build
            // cached from another checkout would name that checkout's files.
            Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/damaged")
                .join(name),
        )
        .unwrap();
        let out = import_bytes(&bytes, &opts(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(out.sessions.len(), sessions, "{name}: {:?}", out.notes);
        let note = &out.notes[0];
        assert!(
            note.contains("could not be read and") && note.contains("(the rest was imported)"),
            "{name}: {note}"
        );
        for l in lines {
            assert!(note.contains(&format!("line {l}: ")), "{name}: {note}");
        }
        let named = note
            .match_indices("line ")
            .filter(|(i, _)| {
                let rest = &note[i + 5..];
                let digits =
                    rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                digits > 0 && rest[digits..].starts_with(": ")
            })
            .count();
        assert_eq!(named, lines.len(), "{name}: only those lines: {note}");
    }
    // A file with nothing readable is still refused, by its first problem.
    let err = import_bytes(
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY=test\r\n",
        &opts("none.ics"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("line 3: "), "{err}");
}
