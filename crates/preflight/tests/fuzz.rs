//! Property-based fuzzing of everything that reads outside input: the .ics importer (random
//! bytes and generated calendars full of edge cases), the template loader, and the data-file
//! readers. A bounded number of cases runs with `cargo test`; maintainers run more with
//! `PROPTEST_CASES=20000 cargo test --release -p preflight --test fuzz` (see the
//! README). A failing case is kept by proptest in `proptest-regressions/` and should become a
//! fixture under `tests/fixtures/hostile/`.

use jiff::Timestamp;
use preflight::records::Records;
use preflight_calendar::ics::{import, import_bytes, ImportOptions};
use preflight_calendar::ReminderState;
use preflight_calendar::Schedule;
use preflight_scripts::Template;
use preflight_store::{load_json, JsonStore, StoreError};
use proptest::prelude::*;

fn opts() -> ImportOptions {
    let mut o = ImportOptions::new(
        "fuzz.ics",
        "Europe/London",
        "2026-11-22T00:00:00Z".parse().unwrap(),
    );
    o.max_sessions = 500;
    o
}

fn date() -> impl Strategy<Value = String> {
    prop_oneof![
        "(19|20|21|99)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])T[0-2][0-9][0-5][0-9][0-5][0-9]Z?",
        "20(26|27)(0[1-9]|1[0-2])[0-3][0-9]",
        "[0-9T]{0,17}",
    ]
}

fn rule() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        "FREQ=(SECONDLY|MINUTELY|HOURLY|DAILY|WEEKLY|MONTHLY|YEARLY|SOMETIMES)",
        "COUNT=[0-9]{1,5}",
        "INTERVAL=[0-9]{1,3}",
        "UNTIL=(20[0-9]{2}[01][0-9][0-3][0-9](T[0-2][0-9]0000Z?)?)",
        "BYMONTH=(1|2|4|12|13|0)",
        "BYMONTHDAY=(-?[0-9]{1,2})",
        "BYDAY=(MO|TU|-1SU|2WE|FR,SA)",
        "BYSETPOS=(-1|1|3)",
        "BYHOUR=([0-9]{1,2})",
        "WKST=SU",
    ];
    proptest::collection::vec(part, 1..5).prop_map(|v| v.join(";"))
}

fn property() -> impl Strategy<Value = String> {
    let tzid = prop_oneof![
        Just(String::new()),
        Just(";TZID=Europe/London".to_string()),
        Just(";TZID=\"W. Europe Standard Time\"".to_string()),
        Just(";TZID=/mozilla.org/20050126_1/America/New_York".to_string()),
        "[;]TZID=[A-Za-z/_ ]{0,40}",
        Just(";VALUE=DATE".to_string()),
        Just(";VALUE=PERIOD".to_string()),
    ];
    prop_oneof![
        (prop_oneof![Just("DTSTART"), Just("DTEND"), Just("RECURRENCE-ID")], tzid.clone(), date())
            .prop_map(|(n, p, d)| format!("{n}{p}:{d}")),
        (prop_oneof![Just("RDATE"), Just("EXDATE")], tzid, proptest::collection::vec(date(), 1..4))
            .prop_map(|(n, p, d)| format!("{n}{p}:{}", d.join(","))),
        rule().prop_map(|r| format!("RRULE:{r}")),
        "DURATION:-?P(T[0-9]{1,3}[HMS]|[0-9]{1,3}[DW])",
        "UID:[a-z0-9@.]{0,12}",
        "SUMMARY:[ -~\u{1b}\u{7}\u{202e}éß]{0,40}",
        "STATUS:(CANCELLED|CONFIRMED)",
        "LOCATION:https://(zoom.us/j/[0-9]{9}|meet.google.com/[a-z-]{12}|evil.example/x)",
        "X-ALT-DESC;FMTTYPE=text/html:<a href=&quot;https://meet.jit.si/[A-Za-z]{1,8}&quot;>x</a>(&amp;|&#[0-9]{1,8};|&[a-z]{1,6};)?",
        "[A-Z-]{1,8}(;[A-Z]{1,5}=(\"[^\"]{0,6}\"|[a-z]{0,6}))*:[ -~]{0,30}",
        "[ -~]{0,30}",
    ]
}

fn component(depth: u32) -> BoxedStrategy<String> {
    let name = prop_oneof![
        Just("VEVENT"),
        Just("VEVENT"),
        Just("VTIMEZONE"),
        Just("VALARM"),
        Just("X-THING")
    ];
    let props = proptest::collection::vec(property(), 0..8);
    if depth == 0 {
        (name, props)
            .prop_map(|(n, p)| format!("BEGIN:{n}\n{}\nEND:{n}\n", p.join("\n")))
            .boxed()
    } else {
        (
            name,
            props,
            proptest::collection::vec(component(depth - 1), 0..3),
        )
            .prop_map(|(n, p, kids)| {
                format!("BEGIN:{n}\n{}\n{}END:{n}\n", p.join("\n"), kids.concat())
            })
            .boxed()
    }
}

/// A whole calendar with random line ends, folding, and sometimes a cut or a stray line.
fn calendar() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(component(2), 0..6),
        prop_oneof![Just("\r\n"), Just("\n"), Just("\r")],
        any::<bool>(),
        any::<bool>(),
        0usize..2000,
    )
        .prop_map(|(comps, nl, bom, fold, cut)| {
            let mut text = format!(
                "BEGIN:VCALENDAR\nVERSION:2.0\n{}END:VCALENDAR\n",
                comps.concat()
            );
            if fold {
                // Fold every line longer than 20 characters, as calendar programs do at 75.
                text = text
                    .lines()
                    .map(|l| {
                        let chars: Vec<char> = l.chars().collect();
                        chars
                            .chunks(20)
                            .map(|c| c.iter().collect::<String>())
                            .collect::<Vec<_>>()
                            .join("\n ")
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
            }
            if cut > 0
                && cut < text.len()
                && text.is_char_boundary(text.len() - cut)
                && cut % 3 == 0
            {
                text.truncate(text.len() - cut);
            }
            let text = text.replace('\n', nl);
            if bom {
                format!("\u{feff}{text}")
            } else {
                text
            }
        })
}

fn check_outcome(text: &str) {
    if let Ok(out) = import(text, &opts()) {
        assert!(out.sessions.len() <= 500);
        let low: Timestamp = "1899-12-31T00:00:00Z".parse().unwrap();
        let high: Timestamp = "2200-01-02T00:00:00Z".parse().unwrap();
        for s in &out.sessions {
            assert!(s.start > low && s.start < high, "{}", s.start);
            assert!(s.duration_min >= 1);
            assert!(!s.mentee.chars().any(char::is_control), "{:?}", s.mentee);
            assert!(s.mentee.chars().count() <= 120);
        }
        for n in &out.notes {
            assert!(n.len() < 2000, "{n}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn importer_survives_generated_calendars(text in calendar()) {
        check_outcome(&text);
    }

    #[test]
    fn importer_survives_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut with_header = b"BEGIN:VCALENDAR\r\n".to_vec();
        with_header.extend_from_slice(&bytes);
        for b in [&bytes, &with_header] {
            if let Err(e) = import_bytes(b, &opts()) {
                assert!(e.to_string().len() < 1000, "{e}");
            }
        }
    }

    #[test]
    fn template_loader_survives_anything(
        text in prop_oneof![
            "[ -~\n]{0,400}",
            (0usize..3000).prop_map(|n| format!("a = {}{}", "[".repeat(n), "]".repeat(n))),
            (0usize..3000).prop_map(|n| format!("a = {}1{}", "{ b = ".repeat(n), " }".repeat(n))),
            (0usize..500).prop_map(|n| format!("name = \"x\"\n{}", "[[phase]]\ntitle = \"t\"\nminutes = 1\n".repeat(n))),
        ]
    ) {
        if let Err(e) = Template::parse("fuzz.toml", &text) {
            assert!(e.line >= 1 && e.column >= 1);
            assert!(e.to_string().starts_with("fuzz.toml:"), "{e}");
        }
    }

    #[test]
    fn data_file_readers_survive_anything(
        bytes in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..1024),
            "\\{\"(sessions|checks|rooms|fired|snoozed|checked|reminders)\": \\[?\\{?[ -~]{0,80}".prop_map(String::into_bytes),
            (0usize..5000).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes()),
        ]
    ) {
        let dir = tempfile::tempdir().unwrap();
        for name in ["schedule.json", "records.json", "reminders.json"] {
            let p = dir.path().join(name);
            std::fs::write(&p, &bytes).unwrap();
            let loaded = match name {
                "schedule.json" => load_json::<Schedule>(&p).map(|l| l.notice),
                "records.json" => load_json::<Records>(&p).map(|l| l.notice),
                _ => load_json::<ReminderState>(&p).map(|l| l.notice),
            }
            .expect("a damaged file is set aside, not an error");
            // Either it was valid, or it was kept aside with the same bytes.
            if loaded.is_some() {
                let kept: Vec<_> = std::fs::read_dir(dir.path())
                    .unwrap()
                    .filter_map(|e| e.ok())
                    .filter(|e| e.file_name().to_string_lossy().starts_with(&format!("{name}.corrupt-")))
                    .collect();
                assert_eq!(kept.len(), 1);
                assert_eq!(std::fs::read(kept[0].path()).unwrap(), bytes);
                std::fs::remove_file(kept[0].path()).unwrap();
            }
            // The store can always go on from there.
            JsonStore::<Records>::new(dir.path().join("r2.json"))
                .update(|_| Ok::<_, StoreError>(()))
                .unwrap();
        }
    }

    /// Whatever bytes lie where the database should be — junk, a truncated database, a
    /// database with pages overwritten — opening it and reading the schedule and the records
    /// never panics and never changes the file: it works, or it is an error in words.
    #[test]
    fn a_damaged_database_is_an_error_and_is_never_changed(
        cut in 0usize..40_000,
        splash in proptest::collection::vec((0usize..40_000, any::<u8>()), 0..40),
        junk in proptest::collection::vec(any::<u8>(), 0..2048),
        kind in 0u8..3,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let ctx = preflight::Context::in_folder(dir.path());
        let path = ctx.db_path().unwrap();
        // A real database with some rows, closed (checkpointed into the one file).
        {
            let mut db = ctx.db().unwrap();
            db.update_schedule(|s| {
                for i in 0..30 {
                    s.upsert(preflight::calendar::Session {
                        id: format!("m-{i}"),
                        mentee: format!("Mentee {i}"),
                        start: jiff::Timestamp::from_second(1_900_000_000 + i * 3600).unwrap(),
                        time_zone: "UTC".into(),
                        duration_min: 60,
                        link: None,
                        template: None,
                        session_number: None,
                        source: preflight::calendar::SessionSource::Manual,
                        programme: None,
                        under_18: false,
                    });
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
        }
        let good = std::fs::read(&path).unwrap();
        let bytes = match kind {
            0 => junk,
            1 => good[..cut.min(good.len())].to_vec(),
            _ => {
                let mut b = good.clone();
                let n = b.len();
                for (at, v) in splash {
                    b[at % n] = v;
                }
                b
            }
        };
        std::fs::write(&path, &bytes).unwrap();
        let outcome = ctx.db().and_then(|mut db| {
            db.schedule()?;
            db.records()
        });
        if let Err(e) = outcome {
            let words = e.to_string();
            prop_assert!(!words.is_empty());
            // Refused as it was: not replaced, not emptied.
            prop_assert_eq!(std::fs::read(&path).unwrap(), bytes);
        }
    }
}
