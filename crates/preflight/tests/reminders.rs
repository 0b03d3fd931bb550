//! The reminder loop's steps over real files, as the tray process and the app use them: what is
//! due, a check recorded by either shell silencing the prompt, a snooze, a room opened by hand,
//! the notice about a damaged schedule, and an unreadable schedule left alone.

use preflight::Context;

use jiff::{SignedDuration, Timestamp};
use preflight::reminders;
use preflight_calendar::ActionKind;
use serde_json::json;

fn session(id: &str, mins: i64) -> serde_json::Value {
    let start = Timestamp::now() + SignedDuration::from_mins(mins);
    json!({
        "id": id, "mentee": format!("Mentee {id}"), "start": start.to_string(),
        "timeZone": "Europe/London", "durationMin": 60,
        "link": "https://meet.google.com/abc-defg-hij", "template": null,
        "sessionNumber": 1, "source": { "kind": "manual" }
    })
}

fn check(id: &str, overall: &str) -> serde_json::Value {
    let at = Timestamp::now() - SignedDuration::from_mins(1);
    json!({
        "at": at.to_string(), "overall": overall, "results": [], "sessionId": id,
        "minutesBefore": 10, "checklist": [], "from": "cli"
    })
}

fn due(t: &reminders::Tick) -> Vec<(String, ActionKind)> {
    t.due
        .iter()
        .map(|d| (d.session.id.clone(), d.kind))
        .collect()
}

#[test]
fn the_reminder_loop_over_the_shared_files() {
    let home = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(home.path());
    let data = ctx.data_dir().unwrap().to_path_buf();
    assert!(data.starts_with(home.path()));
    std::fs::create_dir_all(&data).unwrap();
    let write = |name: &str, v: serde_json::Value| {
        std::fs::write(data.join(name), v.to_string()).unwrap();
    };

    // Four sessions 9 minutes away (the check prompt is due, the room at T−7 not yet) and one
    // 6 minutes away (both due). "passed" was checked from the terminal and passed, "failed"
    // was checked and failed.
    write(
        "schedule.json",
        json!({ "sessions": [
            session("plain", 9), session("passed", 9), session("failed", 9),
            session("snoozed", 9), session("soon", 6)
        ]}),
    );
    write(
        "records.json",
        json!({ "checks": [check("passed", "pass"), check("failed", "fail")] }),
    );
    let t = reminders::tick(&ctx, Timestamp::now()).unwrap();
    let mut got = due(&t);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("failed".into(), ActionKind::PromptCheck),
            ("plain".into(), ActionKind::PromptCheck),
            ("snoozed".into(), ActionKind::PromptCheck),
            ("soon".into(), ActionKind::PromptCheck),
            ("soon".into(), ActionKind::OpenRoom),
        ],
        "a passed check silences the prompt, a failed one does not"
    );
    let plain = t.due.iter().find(|d| d.session.id == "plain").unwrap();
    assert!((9..=10).contains(&plain.minutes), "{}", plain.minutes);
    let text = reminders::check_prompt_text(plain, &t.profiles, &jiff::tz::TimeZone::UTC, &t.style);
    // The deadline is the codes' 10 minutes before the start, said as a time.
    assert_eq!(
        plain.check_by(),
        plain.session.start - jiff::SignedDuration::from_mins(10)
    );
    let by = plain
        .check_by()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%H:%M")
        .to_string();
    assert!(
        text.contains(&format!(
            "by {by} (10 minutes before the start) it counts as tested in time"
        )),
        "{text}"
    );
    assert!(
        text.starts_with("Your session with Mentee plain starts in "),
        "{text}"
    );
    assert!(t.headline.starts_with("Mentee soon · "), "{}", t.headline);
    assert_eq!(
        t.style,
        Default::default(),
        "a test's context: the house style"
    );

    // A mentor who chose a 12-hour clock reads the deadline and the headline on one.
    preflight::settings::update(&ctx, |s| s.clock = preflight::settings::ClockChoice::H12).unwrap();
    let t12 = reminders::tick(&ctx, Timestamp::now()).unwrap();
    assert!(t12.style.hour12);
    let by12 = plain
        .check_by()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%-I:%M %p")
        .to_string();
    let text12 =
        reminders::check_prompt_text(plain, &t.profiles, &jiff::tz::TimeZone::UTC, &t12.style);
    assert!(
        text12.contains(&format!("by {by12} (10 minutes")),
        "{text12}"
    );
    assert!(
        t12.headline.contains(" AM (") || t12.headline.contains(" PM ("),
        "{}",
        t12.headline
    );
    preflight::settings::update(&ctx, |s| s.clock = Default::default()).unwrap();

    // Each action once: the state file remembers, for every process reading it.
    assert_eq!(
        due(&reminders::tick(&ctx, Timestamp::now()).unwrap()),
        vec![]
    );

    // Snoozed: the prompt comes again after the snooze, not before.
    let s = reminders::snooze(&ctx, "snoozed", Timestamp::now()).unwrap();
    assert_eq!(s.map(|s| s.id).as_deref(), Some("snoozed"));
    assert_eq!(
        reminders::snooze(&ctx, "gone", Timestamp::now()).unwrap(),
        None
    );
    assert_eq!(
        due(&reminders::tick(&ctx, Timestamp::now()).unwrap()),
        vec![]
    );
    let later = Timestamp::now() + SignedDuration::from_mins(6);
    assert!(
        due(&reminders::tick(&ctx, later).unwrap())
            .contains(&("snoozed".into(), ActionKind::PromptCheck)),
        "after five minutes the snoozed prompt is back"
    );

    // A room opened by hand is recorded (near the session) and not opened again at T−7.
    let schedule = preflight::schedule::load_schedule(&ctx).unwrap().value;
    // (Without its link here: no browser is opened by a test; the end-to-end tests log links.)
    let mut plain = schedule.get("plain").unwrap().clone();
    plain.link = None;
    reminders::open_room(&ctx, &plain, false, Timestamp::now()).unwrap();
    let records = ctx.db().unwrap().records().unwrap();
    assert_eq!(records.rooms.len(), 1);
    assert_eq!(records.rooms[0].session_id, "plain");
    assert!(!records.rooms[0].automatic);
    let at_t7 = Timestamp::now() + SignedDuration::from_mins(2) + SignedDuration::from_secs(30);
    assert!(
        !due(&reminders::tick(&ctx, at_t7).unwrap())
            .contains(&("plain".into(), ActionKind::OpenRoom)),
        "a room opened by hand does not open again"
    );
    // A check the app records (as its run_check does) silences a session's prompt too.
    ctx.db()
        .unwrap()
        .save_check(&preflight::records::CheckRecord {
            at: Timestamp::now(),
            overall: preflight::Status::Warn,
            results: vec![],
            session_id: Some("snoozed".into()),
            minutes_before: Some(8),
            checklist: vec![],
            from: preflight::model::Origin::App,
            figures: Default::default(),
        })
        .unwrap();
    assert!(
        !due(&reminders::tick(&ctx, later + SignedDuration::from_secs(20)).unwrap())
            .contains(&("snoozed".into(), ActionKind::PromptCheck))
    );

    // A database that cannot be read is an error: nothing fires, nothing is written over it.
    let db = ctx.db_path().unwrap();
    let junk = b"not a database, whatever happened to it\n".repeat(100);
    for side in ["-wal", "-shm"] {
        let mut p = db.clone().into_os_string();
        p.push(side);
        let _ = std::fs::remove_file(p);
    }
    std::fs::write(&db, &junk).unwrap();
    let err = reminders::tick(&ctx, Timestamp::now()).unwrap_err();
    assert!(err.to_string().contains("damaged"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), junk, "never replaced");
}

#[test]
fn a_damaged_file_of_an_earlier_version_is_kept_aside_and_said_until_the_schedule_changes() {
    let home = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(home.path());
    let data = ctx.data_dir().unwrap().to_path_buf();
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("schedule.json"), "{ \"sessions\": [ broken").unwrap();
    std::fs::write(
        data.join("records.json"),
        json!({ "checks": [check("passed", "pass")] }).to_string(),
    )
    .unwrap();
    let t = reminders::tick(&ctx, Timestamp::now()).unwrap();
    let notice = t.notice.expect("a notice");
    assert!(notice.contains("damaged"), "{notice}");
    // The damaged file is kept, the good one moved in.
    let names: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("schedule.json.corrupt-")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n == "records.json.migrated"),
        "{names:?}"
    );
    assert_eq!(ctx.db().unwrap().records().unwrap().checks.len(), 1);
    // Said by whichever process looks next, until the mentor changes the schedule.
    assert_eq!(
        reminders::tick(&ctx, Timestamp::now()).unwrap().notice,
        None
    );
    let kept = reminders::schedule_notice(&ctx).expect("kept for the window");
    assert!(kept.contains("damaged"), "{kept}");
    reminders::clear_schedule_notice(&ctx);
    assert_eq!(reminders::schedule_notice(&ctx), None);
}
