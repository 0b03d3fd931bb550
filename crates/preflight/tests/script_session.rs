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

/// Rehearsing tomorrow's script today and pressing *Finish* records nothing: the records never
/// say a session took place before its start (the same rule as "did it take place as
/// planned").
#[test]
fn finishing_before_the_start_is_a_rehearsal_and_is_not_recorded() {
    let home = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(home.path());
    let start: Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
    let session: Session = serde_json::from_value(serde_json::json!({
        "id": "s1", "mentee": "Sam", "start": start.to_string(), "timeZone": "Europe/London",
        "durationMin": 60, "link": null, "template": null, "sessionNumber": 1,
        "source": { "kind": "manual" }
    }))
    .unwrap();
    let mut schedule = Schedule::default();
    schedule.upsert(session.clone());
    ctx.db()
        .unwrap()
        .update_schedule(|s| {
            s.upsert(session.clone());
            Ok::<_, preflight::store::StoreError>(())
        })
        .unwrap();
    let day_before = start - SignedDuration::from_hours(21);
    let mut run = ScriptSession::for_session(&ctx, &schedule, &session, day_before).unwrap();
    run.begin(day_before);
    run.toggle(0);
    let a_minute_later = day_before + SignedDuration::from_mins(1);
    assert!(run.record(a_minute_later).rehearsal);
    let done = run.finish(a_minute_later).unwrap();
    assert!(done.rehearsal);
    let records = ctx.db().unwrap().records().unwrap();
    assert!(records.sessions.is_empty(), "{:?}", records.sessions);
    // The export says nothing took place yet; the weekly answer waits for the start too.
    let rows = preflight::monitoring::monitoring_export(
        &ctx,
        start - SignedDuration::from_hours(48),
        start + SignedDuration::from_hours(48),
        None,
        a_minute_later,
    )
    .unwrap()
    .rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].took_place, "", "{:?}", rows[0]);
    let e = preflight::monitoring::state_as_planned(&ctx, "s1", true, None, a_minute_later)
        .unwrap_err();
    assert!(e.to_string().contains("has not started yet"), "{e}");

    // Once the session has started, Finish records it.
    let mut run = ScriptSession::for_session(&ctx, &schedule, &session, start).unwrap();
    run.begin(start);
    let done = run.finish(start + SignedDuration::from_mins(55)).unwrap();
    assert!(!done.rehearsal);
    assert_eq!(ctx.db().unwrap().records().unwrap().sessions, [done]);

    // *No* asks why; the reason is kept (cleaned) and goes into the export with the answer.
    let later = start + SignedDuration::from_mins(70);
    for blank in [None, Some("  "), Some("\u{7}\u{1b}\n")] {
        let e =
            preflight::monitoring::state_as_planned(&ctx, "s1", false, blank, later).unwrap_err();
        assert!(
            matches!(e, preflight::monitoring::PlannedError::NoReason),
            "{blank:?}: {e}"
        );
    }
    preflight::monitoring::state_as_planned(
        &ctx,
        "s1",
        false,
        Some("Ran short: fire alarm"),
        later,
    )
    .unwrap();
    let rows = preflight::monitoring::monitoring_export(
        &ctx,
        start - SignedDuration::from_hours(48),
        start + SignedDuration::from_hours(48),
        None,
        later,
    )
    .unwrap()
    .rows;
    assert_eq!(rows[0].as_planned, "no: Ran short: fire alarm");
    assert_eq!(
        rows[0].took_place, "yes",
        "the script's record says it took place"
    );
}

#[test]
fn what_was_agreed_is_kept_for_the_next_session_which_is_added_like_this_one() {
    use preflight::script_session::{last_agreed, FinishAnswers};
    let home = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(home.path());
    let start: Timestamp = "2026-11-30T18:00:00Z".parse().unwrap();
    let session: Session = serde_json::from_value(serde_json::json!({
        "id": "s1", "mentee": "Sam", "start": start.to_string(), "timeZone": "Europe/London",
        "durationMin": 45, "link": "https://meet.jit.si/SamAndMe", "template": null,
        "sessionNumber": 2, "programme": "brokerage", "under18": true,
        "source": { "kind": "manual" }
    }))
    .unwrap();
    preflight::schedule::update_schedule(&ctx, |s| {
        s.upsert(session.clone());
        Ok::<_, preflight::store::StoreError>(())
    })
    .unwrap();
    let schedule = preflight::schedule::load_schedule(&ctx).unwrap().value;
    let open = |at| ScriptSession::for_session(&ctx, &schedule, &session, at).unwrap();
    assert_eq!(last_agreed(&ctx, "Sam"), None);

    // Finished before the start: a rehearsal records nothing and adds nothing.
    let early = open(start - SignedDuration::from_mins(30));
    let answers = FinishAnswers {
        agreed: "Sam drafts her CV\nI send two examples".into(),
        agreed_in_export: false,
        next_at: Some("2026-12-07T18:00".into()),
    };
    let done = early
        .finish_with(start - SignedDuration::from_mins(20), &answers)
        .unwrap();
    assert!(done.record.rehearsal && done.next.is_none());
    assert!(ctx.db().unwrap().records().unwrap().sessions.is_empty());

    // A next session in the past is refused before anything is saved.
    let end = start + SignedDuration::from_mins(44);
    let wrong = FinishAnswers {
        next_at: Some("2026-11-01T18:00".into()),
        ..answers.clone()
    };
    let e = open(start).finish_with(end, &wrong).unwrap_err();
    assert!(e.contains("later than now"), "{e}");
    assert!(ctx.db().unwrap().records().unwrap().sessions.is_empty());

    // Finished after the session: the note goes with the record, the next session is added.
    let done = open(start).finish_with(end, &answers).unwrap();
    let agreed = done.record.agreed.clone().unwrap();
    assert_eq!(agreed.text, "Sam drafts her CV\nI send two examples");
    assert!(!agreed.in_export);
    let next = done.next.expect("the next session");
    assert_eq!(
        (next.mentee.as_str(), next.session_number, next.duration_min),
        ("Sam", Some(3), 45)
    );
    assert_eq!(
        (next.programme.as_deref(), next.under_18),
        (Some("brokerage"), true)
    );
    assert_eq!(next.link.as_deref(), Some("https://meet.jit.si/SamAndMe"));
    assert_eq!(
        next.start,
        "2026-12-07T18:00:00Z".parse::<Timestamp>().unwrap()
    );
    let saved = preflight::schedule::load_schedule(&ctx).unwrap().value;
    assert!(saved.get(&next.id).is_some(), "in the schedule");
    assert_eq!(ctx.db().unwrap().records().unwrap().sessions.len(), 1);
    // The next session's script window shows it.
    let last = last_agreed(&ctx, "Sam").expect("what was agreed");
    assert_eq!(last.text, "Sam drafts her CV\nI send two examples");
    assert_eq!(last.when, "Mon 30 Nov");
    assert_eq!(last_agreed(&ctx, "Priya"), None);
}
