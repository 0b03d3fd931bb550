//! The database as the use cases see it: every part of the schedule comes back as it was
//! written, two calendars never shadow each other, a database of every earlier version opens
//! with its data, an earlier version's JSON files move in with their ids brought up to date, and
//! the export read by index says what the whole records say.

use jiff::{SignedDuration, Timestamp};
use preflight::calendar::schedule::{calendar_session_id, Membership};
use preflight::calendar::{
    ImportOptions, ReminderConfig, Schedule, Session, SessionSource, Subscription,
};
use preflight::records::{CheckRecord, PlannedRecord, Records, RoomRecord};
use preflight::scripts::programme::Profiles;
use preflight::Context;
use preflight_model::{Origin, Status};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn fixture(rel: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap())
        .join("../..")
        .join(rel)
}

fn session(id: &str, start: Timestamp) -> Session {
    Session {
        id: id.into(),
        mentee: format!("Mentee {id}"),
        start,
        time_zone: "Europe/London".into(),
        duration_min: 60,
        link: None,
        template: None,
        session_number: Some(1),
        source: SessionSource::Manual,
        programme: None,
        under_18: false,
    }
}

fn check(at: Timestamp, session_id: Option<&str>, overall: Status) -> CheckRecord {
    CheckRecord {
        at,
        overall,
        results: vec![],
        session_id: session_id.map(Into::into),
        minutes_before: None,
        checklist: vec![],
        from: Origin::Cli,
        figures: Default::default(),
    }
}

#[test]
fn every_part_of_the_schedule_comes_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(dir.path());
    let mut db = ctx.db().unwrap();
    assert_eq!(db.schedule().unwrap(), Schedule::default());
    let mut want = Schedule::default();
    db.update_schedule(|s| {
        s.upsert(session("b", ts("2026-12-02T10:00:00Z")));
        s.upsert(session("a", ts("2026-12-01T10:00:00Z")));
        s.subscriptions.push(Subscription {
            url: "https://calendar.example/b.ics".into(),
            last_fetched: None,
            last_error: Some("offline".into()),
            password_kept: false,
        });
        s.subscriptions.push(Subscription {
            url: "https://calendar.example/a.ics".into(),
            last_fetched: Some("2026-12-01T08:00:00Z".into()),
            last_error: None,
            password_kept: false,
        });
        s.reminders = ReminderConfig {
            check_lead_min: 20,
            ..ReminderConfig::default()
        };
        s.import_horizon_months = Some(6);
        s.calendar_programmes.insert(
            "https://calendar.example/a.ics".into(),
            Membership::new(Some("brokerage"), true).unwrap(),
        );
        s.removed_from_calendars.insert("x@1~0".into());
        s.edited_in_calendars.insert(
            "y@2~0".into(),
            preflight::calendar::schedule::CalendarEdit {
                mentee: "Priya".into(),
                link: Some("https://meet.jit.si/Priya".into()),
                template: None,
                session_number: Some(3),
                programme: Some("brokerage".into()),
                under_18: true,
            },
        );
        want = s.clone();
        Ok::<_, preflight::store::StoreError>(())
    })
    .unwrap();
    let got = ctx.db().unwrap().schedule().unwrap();
    // Sessions come back soonest first; everything else as it was.
    want.sessions.sort_by_key(|s| s.start);
    assert_eq!(got, want);
    // A change that fails writes nothing.
    let refused = ctx.db().unwrap().update_schedule(|s| {
        s.sessions.clear();
        s.subscriptions.clear();
        Err::<(), _>(preflight::store::StoreError::Database {
            detail: "refused".into(),
        })
    });
    assert!(refused.is_err());
    assert_eq!(ctx.db().unwrap().schedule().unwrap(), want);
    // Removing one session and a subscription writes just that.
    ctx.db()
        .unwrap()
        .update_schedule(|s| {
            s.remove("a");
            s.subscriptions.remove(0);
            Ok::<_, preflight::store::StoreError>(())
        })
        .unwrap();
    let got = ctx.db().unwrap().schedule().unwrap();
    assert_eq!(
        got.sessions
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        ["b"]
    );
    assert_eq!(got.subscriptions.len(), 1);
    assert_eq!(got.subscriptions[0].url, "https://calendar.example/a.ics");
}

const EVENT: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:same-uid\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261210T180000Z\r\nDURATION:PT1H\r\nSUMMARY:LINKTEXT\r\nLOCATION:https://meet.jit.si/ROOM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

#[test]
fn two_calendars_with_one_uid_keep_their_own_sessions_and_links() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(dir.path());
    let now = ts("2026-12-01T00:00:00Z");
    let import = |calendar: &str, room: &str| {
        let text = EVENT.replace("ROOM", room).replace("LINKTEXT", calendar);
        let out = preflight::calendar::import_ics(&text, &ImportOptions::new(calendar, "UTC", now))
            .unwrap();
        ctx.db()
            .unwrap()
            .update_schedule(|s| {
                s.replace_calendar(calendar, out.sessions);
                Ok::<_, preflight::store::StoreError>(())
            })
            .unwrap();
    };
    import("school.ics", "SchoolRoom");
    import("club.ics", "ClubRoom");
    import("school.ics", "SchoolRoom"); // a refresh
    let schedule = ctx.db().unwrap().schedule().unwrap();
    assert_eq!(schedule.sessions.len(), 2, "{:#?}", schedule.sessions);
    for (calendar, room) in [("school.ics", "SchoolRoom"), ("club.ics", "ClubRoom")] {
        let id = calendar_session_id(calendar, "same-uid", ts("2026-12-10T18:00:00Z").as_second());
        let s = schedule.get(&id).expect(calendar);
        assert_eq!(
            s.link.as_deref(),
            Some(format!("https://meet.jit.si/{room}").as_str())
        );
    }
}

/// Runs an SQL fixture (a database as an earlier version wrote it) into `path`.
fn restore(sql: &std::path::Path, path: &std::path::Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(&std::fs::read_to_string(sql).unwrap())
        .unwrap();
}

#[test]
fn a_database_of_every_earlier_version_opens_with_its_data() {
    let versions = preflight::store::db::schema_version();
    for v in 1..=versions {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::in_folder(dir.path());
        restore(
            &fixture(&format!("fixtures/db/v{v}.sql")),
            &ctx.db_path().unwrap(),
        );
        let mut db = ctx.db().unwrap();
        let s = db.schedule().unwrap();
        assert_eq!(s.sessions.len(), 2, "v{v}");
        let sam = &s.sessions[0];
        assert_eq!(
            (sam.mentee.as_str(), sam.programme.as_deref(), sam.under_18),
            ("Sam", Some("brokerage"), true),
            "v{v}"
        );
        assert_eq!(s.reminders.check_lead_min, 15, "v{v}");
        // From version 2, the mentor's edits of imported sessions.
        assert_eq!(
            s.edited_in_calendars
                .get("u1@1795550400~5a0c11b2")
                .map(|e| e.session_number),
            (v >= 2).then_some(Some(2)),
            "v{v}"
        );
        assert_eq!(s.subscriptions.len(), 1, "v{v}");
        assert!(
            s.calendar_programmes
                .contains_key("https://calendar.example/feed.ics"),
            "v{v}"
        );
        let r = db.records().unwrap();
        assert_eq!(
            (
                r.checks.len(),
                r.rooms.len(),
                r.sessions.len(),
                r.concerns.len(),
                r.planned.len()
            ),
            (1, 1, 1, 1, 1),
            "v{v}"
        );
        assert_eq!(r.checks[0].overall, Status::Warn, "v{v}");
        assert_eq!(r.as_planned(&sam.id), Some(true), "v{v}");
        // The check is still the same check to the use cases (known by shell and moment).
        assert!(db
            .update_check(Origin::App, ts("2026-11-24T17:45:00.25Z"), |c| {
                c.overall = Status::Pass
            })
            .unwrap());
        let user_version: i64 = rusqlite::Connection::open(ctx.db_path().unwrap())
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(user_version, versions as i64);
    }
}

#[test]
fn an_earlier_versions_files_move_in_with_ids_that_name_their_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(dir.path());
    let data = ctx.data_dir().unwrap().to_path_buf();
    std::fs::create_dir_all(&data).unwrap();
    let old_id = "u1@1796148000";
    let start = "2026-12-01T18:00:00Z";
    let schedule = serde_json::json!({
        "sessions": [
            {"id": old_id, "mentee": "Priya", "start": start, "timeZone": "UTC",
             "durationMin": 60, "link": "https://meet.jit.si/Priya", "template": null,
             "sessionNumber": null, "source": {"kind": "calendar", "calendar": "a.ics", "uid": "u1"}},
            {"id": "m-1", "mentee": "Sam", "start": start, "timeZone": "UTC",
             "durationMin": 60, "link": null, "template": null,
             "sessionNumber": 2, "source": {"kind": "manual"}}
        ],
        "removedFromCalendars": ["u1@1795543200"],
        "reminders": {"checkLeadMin": 15, "openLeadMin": 7, "autoOpen": true, "snoozeMin": 5}
    });
    let records = serde_json::json!({
        "checks": [{"at": "2026-12-01T17:40:00Z", "overall": "pass", "results": [],
                    "sessionId": old_id, "minutesBefore": 20, "checklist": [], "from": "app"}],
        "rooms": [{"sessionId": old_id, "at": "2026-12-01T17:52:00Z", "minutesEarly": 8, "automatic": true}],
        "planned": [{"sessionId": old_id, "asPlanned": false, "at": "2026-12-01T19:10:00Z"}]
    });
    let reminders =
        serde_json::json!({"fired": {old_id: ["promptCheck"]}, "snoozed": {}, "checked": [old_id]});
    for (name, v) in [
        ("schedule.json", &schedule),
        ("records.json", &records),
        ("reminders.json", &reminders),
    ] {
        std::fs::write(data.join(name), v.to_string()).unwrap();
    }
    let mut db = ctx.db().unwrap();
    assert_eq!(db.take_notice(), None, "nothing was damaged");
    let s = db.schedule().unwrap();
    let new_id = calendar_session_id("a.ics", "u1", 1796148000);
    let priya = s.get(&new_id).expect("renamed");
    assert_eq!(priya.link.as_deref(), Some("https://meet.jit.si/Priya"));
    assert!(matches!(
        priya.source,
        SessionSource::Calendar {
            recurrence_id: Some(1796148000),
            ..
        }
    ));
    assert!(s.get("m-1").is_some(), "manual ids stay");
    assert_eq!(s.reminders.check_lead_min, 15);
    // The records and the reminder state follow the new id.
    let r = db.records_for(std::slice::from_ref(priya)).unwrap();
    assert_eq!((r.checks.len(), r.rooms.len(), r.planned.len()), (1, 1, 1));
    assert_eq!(r.as_planned(&new_id), Some(false));
    let st = serde_json::to_value(db.reminder_state().unwrap()).unwrap();
    assert_eq!(st["checked"], serde_json::json!([new_id]));
    // A session removed before the move stays out of the next import of its calendar.
    db.update_schedule(|s| {
        let mut again = priya.clone();
        again.id = calendar_session_id("a.ics", "u1", 1795543200);
        again.source = SessionSource::Calendar {
            calendar: "a.ics".into(),
            uid: "u1".into(),
            recurrence_id: Some(1795543200),
        };
        let n = s.sessions.len();
        s.replace_calendar("a.ics", vec![again]);
        assert_eq!(s.sessions.len(), n - 1, "the removed occurrence stays out");
        Ok::<_, preflight::store::StoreError>(())
    })
    .unwrap();
    for name in ["schedule.json", "records.json", "reminders.json"] {
        assert!(!data.join(name).exists(), "{name}");
        assert!(data.join(format!("{name}.migrated")).exists(), "{name}");
    }
}

/// A year of weekly sessions for `n` mentees, with checks before each (some unlinked, some
/// failed), rooms, runs and answers, some of them out of the period asked for.
fn busy_year(n: usize) -> (Schedule, Records) {
    let mut schedule = Schedule::default();
    let mut records = Records::default();
    let t0 = ts("2026-01-05T09:00:00Z");
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut rand = move |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % m
    };
    for m in 0..n {
        for w in 0..52 {
            let start = t0
                + SignedDuration::from_hours(24 * 7 * w + (m as i64 % 50))
                + SignedDuration::from_mins(m as i64 % 7);
            let id = format!("m{m}-w{w}");
            schedule.sessions.push(session(&id, start));
            for k in 0..rand(4) {
                // Each check its own moment: a check is known by its shell and that moment.
                let at = start - SignedDuration::from_mins(rand(150) as i64 + k as i64)
                    + SignedDuration::from_nanos(records.checks.len() as i64 + 1);
                let linked = rand(3) != 0;
                let overall = if rand(5) == 0 {
                    Status::Fail
                } else {
                    Status::Pass
                };
                records
                    .checks
                    .push(check(at, linked.then_some(id.as_str()), overall));
            }
            if rand(2) == 0 {
                records.rooms.push(RoomRecord {
                    session_id: id.clone(),
                    at: start - SignedDuration::from_mins(rand(12) as i64),
                    minutes_early: 5,
                    automatic: true,
                });
            }
            if rand(3) == 0 {
                records.planned.push(PlannedRecord {
                    session_id: id.clone(),
                    as_planned: rand(2) == 0,
                    reason: None,
                    at: start + SignedDuration::from_hours(2),
                });
            }
        }
    }
    (schedule, records)
}

#[test]
fn the_export_read_by_index_says_what_the_whole_records_say() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(dir.path());
    let (schedule, records) = busy_year(12);
    let mut db = ctx.db().unwrap();
    db.update_schedule(|s| {
        *s = schedule.clone();
        Ok::<_, preflight::store::StoreError>(())
    })
    .unwrap();
    for c in &records.checks {
        db.save_check(c).unwrap();
    }
    for r in &records.rooms {
        db.add_room(r).unwrap();
    }
    for p in &records.planned {
        db.add_planned(p).unwrap();
    }
    let now = ts("2026-07-01T00:00:00Z");
    let profiles = Profiles::default();
    for (from, to) in [
        ("2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z"),
        ("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("2026-06-29T09:03:00Z", "2026-06-30T10:00:00Z"),
    ] {
        let (from, to) = (ts(from), ts(to));
        let whole =
            preflight::records::monitoring_rows(&schedule, &records, &profiles, from, to, now);
        let (s, r) = db.export_slice(from, to).unwrap();
        let sliced = preflight::records::monitoring_rows(&s, &r, &profiles, from, to, now);
        assert!(!whole.is_empty());
        assert_eq!(sliced.len(), whole.len(), "{from}..{to}");
        for (i, (a, b)) in sliced.iter().zip(&whole).enumerate() {
            assert_eq!(a, b, "{from}..{to}: row {i}");
        }
    }
}

/// One change a writer makes.
#[derive(Debug, Clone)]
enum Op {
    /// Add a session by hand.
    Add,
    /// Remove the writer's own `n`-th session added so far (if any).
    Remove(usize),
    /// Record a check for the writer's `n`-th session (if any).
    Check(usize),
}

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    use proptest::prelude::*;
    prop_oneof![
        3 => Just(Op::Add),
        1 => (0usize..8).prop_map(Op::Remove),
        2 => (0usize..8).prop_map(Op::Check),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

    /// Several writers, each with its own connection, change the schedule and the records at
    /// once: afterwards the database holds exactly what a writer-by-writer replay says — nothing
    /// lost, nothing doubled, every id unique.
    #[test]
    fn writers_at_once_lose_nothing(plans in proptest::collection::vec(proptest::collection::vec(op(), 1..14), 2..5)) {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::in_folder(dir.path());
        drop(ctx.db().unwrap());
        let start = ts("2030-01-07T10:00:00Z");
        let handles: Vec<_> = plans
            .iter()
            .cloned()
            .enumerate()
            .map(|(w, plan)| {
                let ctx = ctx.clone();
                std::thread::spawn(move || {
                    // What this writer expects to be left: its sessions and their checks.
                    let mut mine: Vec<(String, bool, usize)> = Vec::new();
                    for (k, op) in plan.into_iter().enumerate() {
                        let mut db = ctx.db().unwrap();
                        match op {
                            Op::Add => {
                                let id = preflight::calendar::schedule::new_session_id(start);
                                let s = session(&id, start + SignedDuration::from_mins((w * 100 + k) as i64));
                                db.update_schedule(|sch| {
                                    sch.upsert(s);
                                    Ok::<_, preflight::store::StoreError>(())
                                })
                                .unwrap();
                                mine.push((id, true, 0));
                            }
                            Op::Remove(n) => {
                                if let Some(entry) = mine.get_mut(n).filter(|e| e.1) {
                                    let id = entry.0.clone();
                                    db.update_schedule(|sch| {
                                        assert!(sch.remove(&id), "{id} was there");
                                        Ok::<_, preflight::store::StoreError>(())
                                    })
                                    .unwrap();
                                    entry.1 = false;
                                }
                            }
                            Op::Check(n) => {
                                if let Some(entry) = mine.get_mut(n) {
                                    let at = start + SignedDuration::from_nanos((w * 1000 + k) as i64);
                                    db.save_check(&check(at, Some(&entry.0), Status::Pass)).unwrap();
                                    entry.2 += 1;
                                }
                            }
                        }
                    }
                    mine
                })
            })
            .collect();
        let expected: Vec<(String, bool, usize)> =
            handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
        let mut db = ctx.db().unwrap();
        let schedule = db.schedule().unwrap();
        let ids: std::collections::BTreeSet<&str> =
            schedule.sessions.iter().map(|s| s.id.as_str()).collect();
        proptest::prop_assert_eq!(ids.len(), schedule.sessions.len(), "ids repeat");
        let kept: std::collections::BTreeSet<&str> = expected
            .iter()
            .filter(|e| e.1)
            .map(|e| e.0.as_str())
            .collect();
        proptest::prop_assert_eq!(&ids, &kept);
        let records = db.records().unwrap();
        for (id, _, checks) in &expected {
            let n = records.checks.iter().filter(|c| c.session_id.as_deref() == Some(id)).count();
            proptest::prop_assert_eq!(n, *checks, "checks of {}", id);
        }
    }
}
