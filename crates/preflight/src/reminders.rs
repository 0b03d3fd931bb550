//! The reminder loop's steps, shared by the tray process (which runs the loop), the app (which
//! marks checks and opens rooms by hand) and the CLI: all state lives in the database, changed
//! in transactions, so whoever runs a check or presses *Snooze*, every process sees it.
//!
//! - [`tick`]: what is due now (the T−10 check prompt, the room at T−5..10), with every check
//!   already recorded (by the app or `preflight check`) counted first.
//! - [`snooze`], [`open_room`]: the mentor's answers (a check is the records' to say).
//! - [`open_url`]: the one place a link leaves the app for the system's browser or mail client.

use jiff::Timestamp;
use preflight_calendar::schedule::{tray_headline, CHECK_ATTACH_WINDOW};
use preflight_calendar::ActionKind;
use preflight_calendar::ReminderConfig;
use preflight_calendar::Schedule;
use preflight_calendar::Session;
use preflight_scripts::programme::Profiles;
use preflight_store::StoreError;

use crate::context::Context;

/// For tests (compiled in only with the `test-hooks` feature): when set, links are appended to
/// this file instead of being opened.
#[cfg(feature = "test-hooks")]
pub const TEST_OPEN_LOG: &str = "MENTOR_PREFLIGHT_TEST_OPEN_LOG";

/// Something the reminder loop must do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// Prompt the check, or open the room.
    pub kind: ActionKind,
    /// The session it is for.
    pub session: Session,
    /// Whole minutes until it starts (rounded up).
    pub minutes: i64,
    /// The rule's minutes (the programme's, or the mentor's setting): the check counts as in
    /// time this long before the start.
    pub check_lead_min: u32,
}

impl Due {
    /// The codes' deadline for the check: `check_lead_min` before the start (the prompt comes
    /// a margin earlier, so acting on it meets the rule).
    pub fn check_by(&self) -> Timestamp {
        preflight_calendar::schedule::saturating_add(
            self.session.start,
            -jiff::SignedDuration::from_mins(i64::from(self.check_lead_min)),
        )
    }
}

/// One pass of the reminder loop.
#[derive(Debug, Clone)]
pub struct Tick {
    /// The schedule as read, with the sessions under way or to come (those that started in the
    /// last day and later).
    pub schedule: Schedule,
    /// The programmes as the mentor has them (for reminder notes).
    pub profiles: Profiles,
    /// What is due, each action once (the state file remembers what was done).
    pub due: Vec<Due>,
    /// "Priya · Mon 18:00 (in 9 min)" or "No sessions scheduled".
    pub headline: String,
    /// A damaged schedule file was kept aside just now: what to tell the mentor.
    pub notice: Option<String>,
    /// How the mentor reads times (their clock choice and date order).
    pub style: preflight_calendar::TimeStyle,
}

/// The reminder timing of session `s`: a programme's session opens its room as early as its
/// code asks, whatever the mentor set for others.
pub fn config_for(schedule: &Schedule, profiles: &Profiles, s: &Session) -> ReminderConfig {
    schedule.reminders.for_programme(
        s.programme
            .as_deref()
            .and_then(|id| profiles.get(id))
            .as_ref(),
    )
}

/// What is due at `now`. Reads the schedule (an unreadable one is an error: nothing fires and
/// nothing is written), counts every recorded check that did not fail as done for its session,
/// and saves the state only when it changed (the loop runs every few seconds).
pub fn tick(ctx: &Context, now: Timestamp) -> Result<Tick, StoreError> {
    let mut db = ctx.db()?;
    // What is under way or to come (a session that started over a day ago is over).
    let schedule = db.schedule_from(now - jiff::SignedDuration::from_hours(24))?;
    let notice = db.take_notice();
    let (profiles, _) = crate::programmes::profiles(ctx);
    // Only sessions a check can be for (starting within the attach window), with their records.
    let soon: Vec<Session> = schedule
        .upcoming(now)
        .into_iter()
        .take_while(|s| s.start.duration_since(now) <= CHECK_ATTACH_WINDOW)
        .cloned()
        .collect();
    let records = db.records_for(&soon).unwrap_or_default();
    // In one transaction: another process may change the state meanwhile; written only when
    // it changed (the loop runs every few seconds).
    let actions = db.update_reminders(|st| {
        if let Some(n) = &notice {
            st.set_schedule_notice(Some(n.clone()));
        }
        for s in &soon {
            if records.checked_for(s) {
                st.mark_checked(&s.id);
            }
        }
        st.due_each(&schedule.sessions, now, |s| {
            config_for(&schedule, &profiles, s)
        })
    })?;
    let due = actions
        .into_iter()
        .filter_map(|a| {
            let session = schedule.get(&a.session_id)?.clone();
            let minutes = (session.start.duration_since(now).as_secs() + 59).div_euclid(60);
            let check_lead_min = config_for(&schedule, &profiles, &session).check_lead_min;
            Some(Due {
                kind: a.kind,
                session,
                minutes,
                check_lead_min,
            })
        })
        .collect();
    let style = crate::settings::current_time_style(ctx);
    let headline = tray_headline(
        schedule.next(now),
        now,
        &jiff::tz::TimeZone::system(),
        &style,
    );
    Ok(Tick {
        schedule,
        profiles,
        due,
        headline,
        notice,
        style,
    })
}

/// The text of the check prompt for `d`, its times in `tz` (the mentor's) and `style`: when the
/// session starts, and by when the check must be done to count as tested in time.
pub fn check_prompt_text(
    d: &Due,
    profiles: &Profiles,
    tz: &jiff::tz::TimeZone,
    style: &preflight_calendar::TimeStyle,
) -> String {
    let by = style.time(&d.check_by().to_zoned(tz.clone()));
    format!(
        "Your session with {} starts in {} min. Test your microphone, camera and connection now: by {by} ({} minutes before the start) it counts as tested in time.{}",
        d.session.mentee,
        d.minutes,
        d.check_lead_min,
        preflight_calendar::reminder::reminder_note(profiles, &d.session)
            .map(|n| format!(" {n}"))
            .unwrap_or_default()
    )
}

/// Puts the reminders of session `id` off for the mentor's snooze time (never past its start).
/// Returns the session, or `None` when it is no longer in the schedule.
pub fn snooze(ctx: &Context, id: &str, now: Timestamp) -> Result<Option<Session>, StoreError> {
    let mut db = ctx.db()?;
    let Some(s) = db.session(id)? else {
        return Ok(None);
    };
    let reminders = db.schedule_without_sessions()?.reminders;
    db.update_reminders(|st| st.snooze(&s, reminders, now))?;
    tracing::info!(session = %s.id, "reminder snoozed");
    Ok(Some(s))
}

/// The notice about a damaged schedule file the mentor has not yet acted on.
pub fn schedule_notice(ctx: &Context) -> Option<String> {
    ctx.db()
        .and_then(|mut db| db.reminder_state())
        .ok()
        .and_then(|st| st.schedule_notice().map(str::to_string))
}

/// Forgets the notice about a damaged schedule (the mentor changed the schedule since).
pub fn clear_schedule_notice(ctx: &Context) {
    if schedule_notice(ctx).is_some() {
        if let Err(e) = ctx
            .db()
            .and_then(|mut db| db.update_reminders(|st| st.set_schedule_notice(None)))
        {
            tracing::warn!(error = %e, "schedule notice not cleared");
        }
    }
}

/// Opens the room of `session` (its link checked again) and records the opening when it is one
/// (near or during the session; a look at the link days ahead records nothing). The room will
/// not be opened again by the reminder loop.
pub fn open_room(
    ctx: &Context,
    session: &Session,
    automatic: bool,
    now: Timestamp,
) -> Result<(), String> {
    if let Some(link) = &session.link {
        let safe = preflight_calendar::check_link(link).map_err(|e| e.to_string())?;
        open_url(&safe).map_err(|e| format!("The meeting link could not be opened: {e}"))?;
    }
    match crate::records::room_opening(session, now, automatic) {
        Some(rec) => {
            if let Err(e) = ctx.db().and_then(|mut db| db.add_room(&rec)) {
                tracing::warn!(error = %e, "room opening not recorded");
            }
        }
        None => {
            tracing::info!(session = %session.id, "room link opened well before the session: not recorded")
        }
    }
    if let Err(e) = ctx
        .db()
        .and_then(|mut db| db.update_reminders(|st| st.mark_opened(&session.id)))
    {
        tracing::warn!(error = %e, "reminder state not saved");
    }
    tracing::info!(session = %session.id, automatic, has_link = session.link.is_some(), "room opened");
    Ok(())
}

/// Opens an address the app made itself (a checked meeting link, a `mailto:`/`tel:` to the
/// programme contact) with the system's handler, without waiting for it.
pub fn open_url(safe: &str) -> Result<(), String> {
    #[cfg(feature = "test-hooks")]
    if let Ok(log) = std::env::var(TEST_OPEN_LOG) {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| e.to_string())?;
        writeln!(f, "{safe}").map_err(|e| e.to_string())?;
        return Ok(());
    }
    open::that_detached(safe).map_err(|e| e.to_string())
}
