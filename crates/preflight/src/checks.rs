//! A finished check into the records: its checklist on this computer now, its record (verdicts,
//! summaries and checklist only, linked to the session it was for), and later answers and
//! ticks brought into that same record.

use crate::records::CheckLine;
use crate::records::CheckRecord;
use crate::records::ChecklistLine;
use preflight_calendar::Schedule;
use preflight_store::StoreError;

use crate::context::Context;
use crate::model::Origin;
use crate::programmes::profiles;
use crate::Report;

/// The report's verdict lines and checklist lines, as the records keep them.
fn record_lines(report: &Report) -> (Vec<CheckLine>, Vec<ChecklistLine>) {
    let results = report
        .checks
        .iter()
        .map(|c| CheckLine {
            id: c.id,
            status: c.status,
            summary: c.summary.clone(),
        })
        .collect();
    let checklist = report.checklist.iter().map(ChecklistLine::from).collect();
    (results, checklist)
}

/// The record of a finished check: verdicts, summaries and the checklist only, linked to the
/// scheduled session it was for (one starting within two hours of when it finished).
pub fn check_record(report: &Report, schedule: &Schedule, from: Origin) -> CheckRecord {
    let at = report.finished_at();
    let linked = schedule.session_for_check(at);
    let (results, checklist) = record_lines(report);
    CheckRecord {
        at,
        overall: report.overall,
        results,
        session_id: linked.map(|(s, _)| s.id.clone()),
        minutes_before: linked.map(|(_, m)| m),
        checklist,
        from,
        figures: crate::records::Figures::of(report),
    }
}

/// Adds a finished check to the records (the use case both shells call when a check ends), or
/// brings its record up to date when it is already there. The reminders of both shells read the
/// records: a check that did not fail ends its session's check prompt. Returns the record and
/// any notice about a damaged file.
pub fn record_check(
    ctx: &Context,
    report: &Report,
    schedule: &Schedule,
    from: Origin,
) -> Result<(CheckRecord, Option<String>), StoreError> {
    let rec = check_record(report, schedule, from);
    // A check is known by the shell that ran it and the moment it finished.
    let mut db = ctx.db()?;
    db.save_check(&rec)?;
    Ok((rec, db.take_notice()))
}

/// What finishing a check did, for the shell to say.
#[derive(Debug, Clone, Default)]
pub struct Finished {
    /// The record kept, when the check was recorded.
    pub record: Option<CheckRecord>,
    /// The session it counts for: who with, and minutes before its start (negative: after).
    pub session: Option<(String, i64)>,
    /// What to tell the mentor: the schedule could not be read, a damaged file was kept aside,
    /// or the check could not be added to the records.
    pub notice: Option<String>,
}

/// Finishes a check — the one sequence both shells follow when a check ends: the checklist
/// for the next session (with the items the mentor ticked) and what is unlike the mentor's
/// usual ([`crate::baseline`]) go into the report, then the check
/// is kept in the records (unless `record` is false: the CLI's `--no-record`), where the
/// reminders of both shells see it.
pub fn finish_check(
    ctx: &Context,
    report: &mut Report,
    ticked: &std::collections::BTreeSet<String>,
    from: Origin,
    record: bool,
) -> Finished {
    let (schedule, mut notice) = match crate::schedule::load_schedule(ctx) {
        Ok(l) => (l.value, l.notice),
        Err(e) => (Schedule::default(), Some(e.to_string())),
    };
    report.checklist = checklist_for(ctx, report, &schedule, ticked);
    // Against the mentor's usual: the checks recorded before this one.
    report.compared = crate::baseline::usual_for(
        ctx,
        &crate::records::Figures::of(report),
        report.finished_at(),
    );
    if !record {
        return Finished {
            notice,
            ..Finished::default()
        };
    }
    match record_check(ctx, report, &schedule, from) {
        Ok((rec, kept_aside)) => {
            let session = rec
                .session_id
                .as_deref()
                .and_then(|id| schedule.get(id))
                .zip(rec.minutes_before)
                .map(|(s, m)| (s.mentee.clone(), m));
            Finished {
                record: Some(rec),
                session,
                notice: kept_aside.or(notice),
            }
        }
        Err(e) => {
            notice = Some(format!(
                "This check could not be added to your records: {e}"
            ));
            Finished {
                notice,
                ..Finished::default()
            }
        }
    }
}

/// The checklist for `report` on this computer now: the next scheduled session, the recorders
/// running, focus mode, and the items the mentor ticked.
pub fn checklist_for(
    ctx: &Context,
    report: &Report,
    schedule: &Schedule,
    ticked: &std::collections::BTreeSet<String>,
) -> Vec<crate::checklist::ChecklistItem> {
    let at = report.finished_at();
    let platform = ctx.platform();
    let focus = platform.focus_status(ctx.focus_saved_path());
    // Only a session soon enough for this check to be "the" check for it.
    let session = schedule
        .session_for_check(at)
        .map(|(s, _)| s)
        .filter(|s| s.start > at);
    let tested_earlier = session.and_then(|s| {
        let records = ctx
            .db()
            .and_then(|mut db| db.records_for(std::slice::from_ref(s)))
            .ok()?;
        records
            .tested_in_time_for(s, schedule.reminders)
            .map(|c| c.at)
            .filter(|t| *t < at)
    });
    let ctx = crate::checklist::Context {
        checked_at: Some(at),
        next_session: session.map(|s| s.start),
        tested_earlier,
        programme: session.and_then(|s| {
            let p = profiles(ctx).0.get(s.programme.as_deref()?)?;
            Some((p, s.under_18))
        }),
        reminders: schedule.reminders,
        recorders: platform.running_recorders(),
        focus: focus.on,
        ticked: ticked.clone(),
    };
    crate::checklist::build(report, &ctx)
}

/// Brings the recorded check of `report` (run by `from`) up to date with it (a question
/// answered, checklist items ticked after the check was recorded): verdicts and checklist are
/// replaced; time and session stay. A check that was never recorded stays unrecorded.
pub fn update_recorded_check(
    ctx: &Context,
    from: Origin,
    report: &Report,
) -> Result<Option<String>, StoreError> {
    let (results, checklist) = record_lines(report);
    let mut db = ctx.db()?;
    db.update_check(from, report.finished_at(), |c| {
        c.overall = report.overall;
        c.results = results;
        c.checklist = checklist;
    })?;
    Ok(db.take_notice())
}

/// The check a shell has on screen: the last one it ran, kept here so the mentor's later
/// answers ("Did you hear the chime?") and ticks change *that* check and its record. A window
/// sends only ids and answers; it never hands a report back to be recorded.
#[derive(Debug, Default)]
pub struct CheckSession {
    shown: std::sync::Mutex<Option<Report>>,
}

/// Why an answer or a tick was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// No check has finished in this shell yet.
    #[error("There is no finished check to answer for: run the check first.")]
    NoCheck,
    /// The records could not be written (the check on screen is still changed).
    #[error("{0}")]
    NotSaved(String),
}

impl CheckSession {
    fn shown(&self) -> std::sync::MutexGuard<'_, Option<Report>> {
        self.shown.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The check that just finished (and was recorded) becomes the one on screen.
    pub fn finished(&self, report: Report) {
        *self.shown() = Some(report);
    }

    /// The check on screen, if any.
    pub fn current(&self) -> Option<Report> {
        self.shown().clone()
    }

    /// Settles the open question of check `id` with the mentor's answer, recomputes the overall
    /// verdict and brings the record up to date (a record that cannot be written is logged).
    /// Returns the check as it is now.
    pub fn answer(
        &self,
        ctx: &Context,
        from: Origin,
        id: crate::CheckId,
        yes: bool,
    ) -> Result<Report, SessionError> {
        let mut shown = self.shown();
        let report = shown.as_mut().ok_or(SessionError::NoCheck)?;
        preflight_verdict::answer(report, id, yes);
        let now = report.clone();
        drop(shown);
        // The answer counts on screen even when the records cannot take it (said in the log).
        if let Err(e) = update_recorded_check(ctx, from, &now) {
            tracing::warn!(error = %e, "answer not added to the records");
        }
        Ok(now)
    }

    /// Rebuilds the checklist with the items the mentor ticked (ids) and keeps it with the
    /// record. Returns the check as it is now.
    pub fn tick(
        &self,
        ctx: &Context,
        from: Origin,
        ticked: &std::collections::BTreeSet<String>,
    ) -> Result<Report, SessionError> {
        let Some(seen) = self.current() else {
            return Err(SessionError::NoCheck);
        };
        // Read outside the lock (files, the system's recorders and focus mode)…
        let schedule = crate::schedule::schedule_for_reading(ctx);
        let checklist = checklist_for(ctx, &seen, &schedule, ticked);
        // …then set on the check as it is now (an answer given meanwhile stays), unless a newer
        // check has finished since.
        let report = {
            let mut shown = self.shown();
            match shown.as_mut() {
                Some(r) if r.finished_at() == seen.finished_at() => {
                    r.checklist = checklist;
                    r.clone()
                }
                _ => {
                    let mut old = seen;
                    old.checklist = checklist;
                    old
                }
            }
        };
        update_recorded_check(ctx, from, &report).map_err(|e| {
            SessionError::NotSaved(format!(
                "The checklist could not be saved with your records: {e}"
            ))
        })?;
        Ok(report)
    }
}
