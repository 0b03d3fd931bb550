//! The session script as the app runs it, without the app: opened for a scheduled session of a
//! programme, moved through, previewed and finished into the records with who it was for.

use preflight::Context;

use jiff::{SignedDuration, Timestamp};
use preflight::script_session::ScriptSession;
use preflight_calendar::Schedule;
use preflight_calendar::Session;

#[test]
fn a_scheduled_session_is_opened_run_and_kept() {
    let home = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(home.path());
    let start: Timestamp = "2026-11-30T18:00:00Z".parse().unwrap();
    let session: Session = serde_json::from_value(serde_json::json!({
        "id": "s1", "mentee": "Sam", "start": start.to_string(), "timeZone": "Europe/London",
        "durationMin": 60, "link": null, "template": null, "sessionNumber": 1,
        "programme": "brokerage", "under18": true, "source": { "kind": "manual" }
    }))
    .unwrap();
    let mut schedule = Schedule::default();
    schedule.upsert(session.clone());

    // Opened 8 minutes early: the first phase's clock waits for the start.
    let opened = start - SignedDuration::from_mins(8);
    let mut run = ScriptSession::for_session(&ctx, &schedule, &session, opened).unwrap();
    let v = run.view(opened);
    assert!(v.starts_in_s > 0, "{v:?}");
    let p = run.programme().expect("the session's programme");
    assert!(p.under_18);
    assert_eq!(p.contact, None);
    // No contact entered: a concern says what to do instead, and notes nothing.
    let e = run.concern(opened).unwrap_err();
    assert!(e.contains("No contact is set"), "{e}");

    run.begin(start);
    run.toggle(0);
    run.step(true, start + SignedDuration::from_mins(10));
    let end = start + SignedDuration::from_mins(50);
    // The preview is the record Finish saves, with who it was for.
    let preview = run.record(end);
    assert_eq!(preview.session_id.as_deref(), Some("s1"));
    assert_eq!(preview.mentee.as_deref(), Some("Sam"));
    assert_eq!(preview.session_number, Some(1));
    assert_eq!(preview.phases[0].covered.len(), 1);
    let saved = run.finish(end).unwrap();
    assert_eq!(saved, preview);
    let records = ctx.db().unwrap().records().unwrap();
    assert_eq!(records.sessions, [saved]);
    assert!(records.concerns.is_empty());
}

#[test]
fn an_unknown_script_is_refused_with_its_name() {
    let home = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(home.path());
    let e =
        ScriptSession::by_hand(&ctx, "no-such-script", Default::default(), ctx.now()).unwrap_err();
    assert!(e.contains("no-such-script"), "{e}");
}
