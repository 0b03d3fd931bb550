//! What the windows show, built from the shared files: the schedule panel and the programme
//! panel as data (generated TypeScript types), and the script a session opens with its
//! variables. The shells only pass these on.

use std::collections::BTreeMap;

use jiff::Timestamp;
use preflight_calendar::ReminderConfig;
use preflight_calendar::Schedule;
use preflight_calendar::Session;
use preflight_scripts::programme::Profiles;
use serde::Serialize;

use crate::context::Context;

/// A session as the schedule view shows it.
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SessionView {
    #[serde(flatten)]
    pub session: Session,
    /// Local date and time for people, e.g. "Tue 24 Nov 18:30".
    pub when: String,
    /// "in 2 h 05 min", "now".
    pub countdown: String,
    /// "Zoom", "Google Meet", …
    pub provider: Option<String>,
    /// Imported from this calendar (empty for sessions added by hand).
    pub calendar: String,
    /// The programme's name, when the session belongs to one.
    pub programme_name: Option<String>,
    /// The programme, not the mentor, schedules this session (its code says so).
    pub programme_schedules: bool,
    /// When the last check for it that did not fail finished (local "HH:MM"), if any.
    pub checked_at: Option<String>,
}

/// A programme the mentor can choose for a session.
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProgrammeChoice {
    pub id: String,
    pub name: String,
}

/// An ended session whose programme keeps a weekly "did mentoring take place as planned"
/// record, with what the mentor said (if anything).
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlannedAsk {
    pub id: String,
    pub mentee: String,
    pub when: String,
    pub programme_name: String,
    pub as_planned: Option<bool>,
    /// Why not, as the mentor said with their *No*.
    pub reason: Option<String>,
    /// The Monday of the session's week (YYYY-MM-DD, local): its answer goes into that week's
    /// export, which may not be this week's.
    pub week: String,
}

/// How far back the schedule panel asks "did it take place as planned?".
const PLANNED_ASK_DAYS: i64 = 14;

/// Everything the schedule panel shows.
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScheduleView {
    pub sessions: Vec<SessionView>,
    pub subscriptions: Vec<preflight_calendar::Subscription>,
    pub reminders: ReminderConfig,
    pub headline: String,
    pub notice: Option<String>,
    pub autostart: bool,
    pub local_zone: String,
    /// The programme profiles, for the session and import forms.
    pub programmes: Vec<ProgrammeChoice>,
    /// The mentor's programme (preselected in the forms).
    pub programme: Option<String>,
    /// Whether the mentor answered the first-run question about their programme.
    pub programme_chosen: bool,
    /// Recent sessions to say "took place as planned" about (newest first).
    pub planned: Vec<PlannedAsk>,
    /// How the window writes the times it makes itself (the mentor's clock and date order).
    pub time_style: preflight_calendar::TimeStyle,
    /// The mentor's clock choice, for the setting's control.
    pub clock: preflight_calendar::ClockChoice,
}

/// The schedule panel at `now`: the coming sessions with their words and checks, the
/// subscriptions, the reminder settings, the notice about a damaged schedule, the programme
/// choices and the sessions to say "took place as planned" about. `autostart` is whether the
/// shell starts at login (the shell knows).
pub fn schedule_view(ctx: &Context, now: Timestamp, autostart: bool) -> ScheduleView {
    let local = jiff::tz::TimeZone::system();
    // A schedule that cannot be read is shown as a notice over an empty list; nothing is
    // written until it can be read again.
    let (schedule, notice) = match crate::schedule::load_schedule(ctx) {
        Ok(l) => (l.value, l.notice),
        Err(e) => (Schedule::default(), Some(e.to_string())),
    };
    let (profiles, _) = crate::programmes::profiles(ctx);
    let settings = crate::settings::load(ctx)
        .map(|l| l.value)
        .unwrap_or_default();
    let style = crate::settings::time_style(ctx, &settings);
    // The records of the sessions the view shows: to come, and ended in the days it asks about.
    let since = now - jiff::SignedDuration::from_hours(24 * PLANNED_ASK_DAYS);
    let shown: Vec<preflight_calendar::Session> = schedule
        .sessions
        .iter()
        .filter(|s| s.start >= since || s.end() > now)
        .cloned()
        .collect();
    let records = ctx
        .db()
        .and_then(|mut db| db.records_for(&shown))
        .unwrap_or_default();
    let sessions = schedule
        .upcoming(now)
        .into_iter()
        .map(|s| (s, s.programme.as_deref().and_then(|id| profiles.get(id))))
        .map(|(s, programme)| SessionView {
            when: style.day_time(&s.start.to_zoned(local.clone())),
            countdown: preflight_calendar::schedule::countdown(s.start, s.end(), now),
            provider: s.link.as_deref().map(|l| {
                preflight_calendar::links::classify(l, &schedule.link_patterns)
                    .unwrap_or(preflight_calendar::Provider::Other)
                    .label()
                    .to_string()
            }),
            calendar: match &s.source {
                preflight_calendar::SessionSource::Calendar { calendar, .. } => calendar.clone(),
                preflight_calendar::SessionSource::Manual => String::new(),
            },
            programme_name: programme.as_ref().map(|p| p.name.clone()),
            programme_schedules: programme
                .as_ref()
                .is_some_and(|p| p.programme_schedules(s.under_18)),
            checked_at: records
                .passing_checks_for(s)
                .map(|c| c.at)
                .max()
                .map(|t| style.time(&t.to_zoned(local.clone()))),
            session: s.clone(),
        })
        .collect();
    ScheduleView {
        headline: preflight_calendar::schedule::tray_headline(
            schedule.next(now),
            now,
            &local,
            &style,
        ),
        sessions,
        // An earlier version kept a name and password in the address: never shown.
        subscriptions: schedule
            .subscriptions
            .iter()
            .map(|s| preflight_calendar::Subscription {
                url: preflight_calendar::fetch::split_login(&s.url).0,
                ..s.clone()
            })
            .collect(),
        reminders: schedule.reminders,
        // Kept aside by whichever process read it first (often the tray's reminder loop).
        notice: notice.or_else(|| crate::reminders::schedule_notice(ctx)),
        autostart,
        local_zone: crate::schedule::local_zone(),
        programmes: profiles
            .all()
            .into_iter()
            .map(|p| ProgrammeChoice {
                id: p.id,
                name: p.name,
            })
            .collect(),
        programme: settings.programme,
        programme_chosen: settings.programme_chosen,
        planned: planned_asks(&schedule, &profiles, &records, now, &local, &style),
        time_style: style,
        clock: settings.clock,
    }
}

/// Ended sessions of the last two weeks whose programme keeps a weekly record, newest first.
fn planned_asks(
    schedule: &Schedule,
    profiles: &Profiles,
    records: &crate::records::Records,
    now: Timestamp,
    local: &jiff::tz::TimeZone,
    style: &preflight_calendar::TimeStyle,
) -> Vec<PlannedAsk> {
    let since = now - jiff::SignedDuration::from_hours(24 * PLANNED_ASK_DAYS);
    let mut asks: Vec<(Timestamp, PlannedAsk)> = schedule
        .sessions
        .iter()
        .filter(|s| s.end() <= now && s.start >= since)
        .filter_map(|s| {
            let p = profiles.get(s.programme.as_deref()?)?;
            p.weekly_monitoring.then(|| {
                let said = records.planned_for(&s.id);
                (
                    s.start,
                    PlannedAsk {
                        id: s.id.clone(),
                        mentee: s.mentee.clone(),
                        when: style.day_time(&s.start.to_zoned(local.clone())),
                        programme_name: p.name,
                        as_planned: said.map(|r| r.as_planned),
                        reason: said.and_then(|r| r.reason.clone()),
                        week: crate::records::week_of(s.start, local)
                            .0
                            .to_zoned(local.clone())
                            .strftime("%Y-%m-%d")
                            .to_string(),
                    },
                )
            })
        })
        .collect();
    asks.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
    asks.into_iter().map(|(_, a)| a).collect()
}

/// A profile with its checklist as the mentor reads it (standard items in words).
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProgrammeInfo {
    #[serde(flatten)]
    pub profile: preflight_scripts::programme::Profile,
    /// The checklist for an adult mentee, in words.
    pub items: Vec<String>,
}

/// The programme panel: every profile, the mentor's choice, the contacts they entered and their
/// own profile's text.
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProgrammeView {
    pub programmes: Vec<ProgrammeInfo>,
    pub programme: Option<String>,
    pub chosen: bool,
    pub custom_text: String,
    /// What is wrong with the mentor's own profile file, if it cannot be used.
    pub custom_problem: Option<String>,
    /// The mentor's first name, for the scripts.
    pub mentor_name: Option<String>,
    /// The chosen programme has under-18 rules and no safeguarding contact: what to add.
    pub safeguarding_gap: Option<String>,
}

/// The programme panel: every profile, the mentor's choice, their own profile's text.
pub fn programme_view(ctx: &Context) -> Result<ProgrammeView, String> {
    let (profiles, custom_problem) = crate::programmes::profiles(ctx);
    let settings = crate::settings::load(ctx).map_err(|e| e.to_string())?.value;
    let safeguarding_gap = settings
        .programme
        .as_deref()
        .and_then(|id| profiles.get(id))
        .and_then(|p| p.safeguarding_gap());
    Ok(ProgrammeView {
        programmes: profiles
            .all()
            .into_iter()
            .map(|p| ProgrammeInfo {
                items: p.checklist_for(false).into_iter().map(|(_, t)| t).collect(),
                profile: p,
            })
            .collect(),
        programme: settings.programme,
        chosen: settings.programme_chosen,
        custom_text: crate::programmes::custom_profile_text(ctx).map_err(|e| e.to_string())?,
        custom_problem,
        mentor_name: settings.mentor_name,
        safeguarding_gap,
    })
}

/// The variables a scheduled session fills into its script, its times in the mentor's `style`.
pub fn script_vars(
    schedule: &Schedule,
    session: &Session,
    style: &preflight_calendar::TimeStyle,
) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    vars.insert("mentee".into(), session.mentee.clone());
    if let Some(n) = session.session_number {
        vars.insert("session_number".into(), n.to_string());
    }
    // The next session with the same mentee, for the closing "see you on …".
    if let Some(after) = schedule
        .upcoming(session.end())
        .into_iter()
        .find(|s| s.mentee == session.mentee && s.start >= session.end())
    {
        vars.insert(
            "next_session".into(),
            style.long_day_time(&after.zoned_start()),
        );
    }
    vars
}

/// Which script a scheduled session opens: its own choice, else the 7-week programme's script
/// for its number, else the regular-session script.
pub fn template_for(profiles: &Profiles, session: &Session) -> String {
    let programme = session.programme.as_deref().and_then(|id| profiles.get(id));
    match (&session.template, session.session_number, programme) {
        (Some(t), _, _) => t.clone(),
        // The session's programme names the script for each session number (without a number:
        // the one for the sessions in between).
        (None, Some(n), Some(p)) => p.script_for(n).to_string(),
        (None, None, Some(p)) => p.scripts.middle.clone(),
        (None, Some(_), None) => preflight_scripts::script::SEVEN_WEEK.into(),
        (None, None, None) => "regular-session".into(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn a_programme_session_opens_its_programmes_script() {
        let mut s: Session = serde_json::from_str(
            r#"{"id":"x","mentee":"Sam","start":"2026-11-24T18:00:00Z","timeZone":"UTC","durationMin":60,"link":null,"template":null,"sessionNumber":7,"source":{"kind":"manual"}}"#,
        )
        .unwrap();
        assert_eq!(
            template_for(&Profiles::default(), &s),
            preflight_scripts::script::SEVEN_WEEK
        );
        s.programme = Some("brokerage".into());
        assert_eq!(template_for(&Profiles::default(), &s), "final-session");
        s.session_number = Some(1);
        assert_eq!(template_for(&Profiles::default(), &s), "first-session");
        s.session_number = None;
        assert_eq!(template_for(&Profiles::default(), &s), "regular-session");
        s.template = Some("my-own".into());
        assert_eq!(
            template_for(&Profiles::default(), &s),
            "my-own",
            "the mentor's choice wins"
        );
    }

    /// A session of Sam's at `start` (UTC), for the views' tests.
    pub(crate) fn session_at(id: &str, start: &str) -> Session {
        serde_json::from_value(serde_json::json!({
            "id": id, "mentee": "Sam", "start": start, "timeZone": "UTC", "durationMin": 60,
            "link": null, "template": null, "sessionNumber": 1, "source": { "kind": "manual" }
        }))
        .unwrap()
    }

    #[test]
    fn the_schedule_is_written_in_the_mentors_clock_and_date_order() {
        use crate::settings::{self, ClockChoice, TimeStyle};
        use preflight_host::locale::LocaleTimes;
        let dir = tempfile::tempdir().unwrap();
        let now: Timestamp = "2026-11-24T12:00:00Z".parse().unwrap();
        let ctx = Context::in_folder(dir.path()).at_time(now);
        let (first, second) = (
            session_at("a", "2026-11-24T18:05:00Z"),
            session_at("b", "2026-12-01T18:05:00Z"),
        );
        crate::schedule::update_schedule(&ctx, |s| {
            s.upsert(first.clone());
            s.upsert(second.clone());
            Ok::<_, crate::store::StoreError>(())
        })
        .unwrap();
        // Shown in this computer's zone, whatever the test machine's is.
        let start = first.start.to_zoned(jiff::tz::TimeZone::system());
        let when = |ctx: &Context| schedule_view(ctx, now, false).sessions[0].when.clone();
        let next = |ctx: &Context| {
            let schedule = crate::schedule::load_schedule(ctx).unwrap().value;
            let style = settings::current_time_style(ctx);
            script_vars(&schedule, &first, &style)["next_session"].clone()
        };

        // A computer that says nothing: the house style, 24 hours and the day first.
        let v = schedule_view(&ctx, now, false);
        assert_eq!(v.time_style, TimeStyle::default());
        assert_eq!(v.clock, ClockChoice::Computer);
        assert_eq!(
            v.sessions[0].when,
            start.strftime("%a %-d %b %H:%M").to_string()
        );
        assert!(v.headline.contains(&v.sessions[0].when), "{}", v.headline);
        assert_eq!(next(&ctx), "Tuesday 1 December at 18:05");

        // The mentor chose 12 hours: the view, its headline and the script's next session.
        settings::update(&ctx, |s| s.clock = ClockChoice::H12).unwrap();
        let v = schedule_view(&ctx, now, false);
        assert_eq!(v.clock, ClockChoice::H12);
        assert!(v.time_style.hour12);
        assert_eq!(
            v.sessions[0].when,
            start.strftime("%a %-d %b %-I:%M %p").to_string()
        );
        assert!(v.headline.contains(&v.sessions[0].when), "{}", v.headline);
        assert_eq!(next(&ctx), "Tuesday 1 December at 6:05 PM");

        // A US computer, the clock left to it: 12 hours, the month first.
        settings::update(&ctx, |s| s.clock = ClockChoice::Computer).unwrap();
        let us = ctx.clone().with_locale_times(LocaleTimes {
            hour12: Some(true),
            month_first: Some(true),
        });
        assert_eq!(
            when(&us),
            start.strftime("%a, %b %-d, %-I:%M %p").to_string()
        );
        assert_eq!(next(&us), "Tuesday, December 1 at 6:05 PM");
        // The mentor's choice wins over the computer's clock, not its date order.
        settings::update(&us, |s| s.clock = ClockChoice::H24).unwrap();
        assert_eq!(when(&us), start.strftime("%a, %b %-d, %H:%M").to_string());
    }
}
