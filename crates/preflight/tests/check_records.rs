//! A finished check is kept once, by the shell that ran it and the moment it finished: the app's
//! later answers and ticks update that record, never "the latest one" of the shell.

use jiff::{SignedDuration, Timestamp};
use preflight::checks::{record_check, update_recorded_check};
use preflight::model::{CheckId, CheckResult, Origin, Report, Status};
use preflight::Context;
use preflight_calendar::Schedule;

fn report(started: Timestamp, status: Status) -> Report {
    let checks = vec![CheckResult::new(
        CheckId::Speaker,
        status,
        "Did you hear it?",
    )];
    Report {
        app_version: "test".into(),
        started_at: started,
        duration_ms: 42_000,
        overall: Report::overall_of(&checks),
        checks,
        checklist: vec![],
        compared: Vec::new(),
    }
}

#[test]
fn a_check_is_found_by_who_ran_it_and_when_it_finished() {
    let home = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(home.path());
    let schedule = Schedule::default();
    let t0 = ctx.now() - SignedDuration::from_mins(30);
    let first = report(t0, Status::Warn);
    let second = report(t0 + SignedDuration::from_mins(10), Status::Warn);
    let from_terminal = report(t0 + SignedDuration::from_mins(5), Status::Pass);

    let (rec, _) = record_check(&ctx, &first, &schedule, Origin::App).unwrap();
    assert_eq!(
        rec.at,
        t0 + SignedDuration::from_secs(42),
        "kept at the moment it finished"
    );
    record_check(&ctx, &second, &schedule, Origin::App).unwrap();
    record_check(&ctx, &from_terminal, &schedule, Origin::Cli).unwrap();
    // Recording the same check again brings its record up to date instead of adding one.
    record_check(&ctx, &first, &schedule, Origin::App).unwrap();
    let all = ctx.db().unwrap().records().unwrap().checks;
    assert_eq!(all.len(), 3);

    // The mentor answers the question of the *first* check (still on screen): its record
    // changes, the later check of the same shell does not.
    let mut answered = first.clone();
    answered.checks[0].status = Status::Fail;
    answered.overall = Status::Fail;
    update_recorded_check(&ctx, Origin::App, &answered).unwrap();
    let all = ctx.db().unwrap().records().unwrap().checks;
    let overall: Vec<_> = all.iter().map(|c| (c.from, c.overall)).collect();
    assert_eq!(
        overall,
        [
            (Origin::App, Status::Fail),
            (Origin::App, Status::Warn),
            (Origin::Cli, Status::Pass)
        ]
    );
    assert_eq!(all[0].results[0].status, Status::Fail);

    // A report the records never had is not invented by an update.
    update_recorded_check(
        &ctx,
        Origin::Cli,
        &report(t0 - SignedDuration::from_mins(60), Status::Pass),
    )
    .unwrap();
    assert_eq!(ctx.db().unwrap().records().unwrap().checks.len(), 3);
}

#[test]
fn answers_and_ticks_change_the_check_on_screen_and_its_record() {
    use preflight::checks::{CheckSession, SessionError};
    let home = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(home.path());
    let session = CheckSession::default();
    // Nothing to answer for before a check has finished.
    assert_eq!(
        session
            .answer(&ctx, Origin::App, CheckId::Speaker, true)
            .unwrap_err(),
        SessionError::NoCheck
    );
    assert_eq!(
        session
            .tick(&ctx, Origin::App, &["phone".to_string()].into())
            .unwrap_err(),
        SessionError::NoCheck
    );

    let mut asked = report(ctx.now() - SignedDuration::from_mins(5), Status::Warn);
    asked.checks[0].question = Some("Did you hear the chime?".into());
    record_check(&ctx, &asked, &Schedule::default(), Origin::App).unwrap();
    session.finished(asked.clone());

    // "No": the speaker check fails, on screen and in the record.
    let answered = session
        .answer(&ctx, Origin::App, CheckId::Speaker, false)
        .unwrap();
    assert_eq!(answered.checks[0].status, Status::Fail);
    assert_eq!(answered.checks[0].question, None);
    let recorded = || ctx.db().unwrap().records().unwrap().checks;
    assert_eq!(recorded()[0].results[0].status, Status::Fail);

    // A tick keeps the answer (the session's copy, not the one the check started with) and
    // the declared item reaches the record.
    let ticked = session
        .tick(&ctx, Origin::App, &["phone".to_string()].into())
        .unwrap();
    assert_eq!(ticked.checks[0].status, Status::Fail);
    let phone = ticked.checklist.iter().find(|i| i.id == "phone").unwrap();
    assert_eq!(phone.state, preflight::checklist::ItemState::Met);
    let rec = &recorded()[0];
    assert_eq!(rec.results[0].status, Status::Fail);
    assert!(rec.checklist.iter().any(|l| l.id == "phone"), "{rec:?}");
    assert_eq!(session.current(), Some(ticked));
}

#[test]
fn finishing_a_check_builds_its_checklist_then_records_it_for_the_session_ahead() {
    let home = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(home.path());
    let start = Timestamp::now() + SignedDuration::from_mins(20);
    preflight::schedule::update_schedule(&ctx, |s| {
        s.upsert(
            serde_json::from_value(serde_json::json!({
                "id": "sam", "mentee": "Sam", "start": start.to_string(), "timeZone": "UTC",
                "durationMin": 60, "link": null, "template": null, "sessionNumber": 1,
                "source": { "kind": "manual" }
            }))
            .unwrap(),
        );
        Ok::<_, preflight::store::StoreError>(())
    })
    .unwrap();
    // A check that just ended (it took 42 s).
    let mut r = report(
        Timestamp::now() - SignedDuration::from_secs(42),
        Status::Pass,
    );
    let ticked = ["confidential".to_string()].into_iter().collect();

    // Not recorded (the CLI's --no-record): the checklist is built, nothing is kept.
    let mut unrecorded = r.clone();
    let done = preflight::checks::finish_check(&ctx, &mut unrecorded, &ticked, Origin::Cli, false);
    assert!(!unrecorded.checklist.is_empty());
    assert!(done.record.is_none() && done.session.is_none());
    assert!(ctx.db().unwrap().records().unwrap().checks.is_empty());

    // Recorded: the checklist first (the item the mentor ticked is met), then the record,
    // with the checklist in it, for Sam's session about 20 minutes ahead.
    let done = preflight::checks::finish_check(&ctx, &mut r, &ticked, Origin::Cli, true);
    let confidential = r
        .checklist
        .iter()
        .find(|i| i.id == "confidential")
        .expect("the confidentiality item");
    assert_eq!(
        confidential.state,
        preflight::model::ItemState::Met,
        "{confidential:?}"
    );
    let rec = done.record.expect("recorded");
    assert_eq!(rec.session_id.as_deref(), Some("sam"));
    assert_eq!(rec.checklist.len(), r.checklist.len());
    let (mentee, minutes) = done.session.unwrap();
    assert_eq!(mentee, "Sam");
    assert!((19..=20).contains(&minutes), "{minutes}");
    assert_eq!(done.notice, None);
    assert_eq!(ctx.db().unwrap().records().unwrap().checks.len(), 1);
}
