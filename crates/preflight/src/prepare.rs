//! One screen for the session ahead, shown at the check prompt: who, the plan from its script,
//! what was agreed last time, the safeguarding reminder for a mentee under 18, and whether it
//! has been checked. Built over the views, the script session and the records.

use jiff::Timestamp;
use serde::Serialize;

use crate::context::Context;

/// One screen for the session ahead, at the check prompt: who, the plan, what was agreed last
/// time, the safeguarding reminder for a mentee under 18, and whether it has been checked.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrepareView {
    /// The session's id (for *Join* and *Snooze*).
    pub session_id: String,
    /// "Your session with Sam starts in 12 min".
    pub headline: String,
    /// "The Brokerage · session 3 of 7 · Tue 8 Dec 18:00".
    pub line: String,
    /// The script's phases: title and minutes.
    pub roadmap: Vec<RoadmapStep>,
    /// What was agreed last time with this mentee.
    pub last_agreed: Option<crate::script_session::LastAgreed>,
    /// For a mentee under 18: the programme's safeguarding rule and whom to tell.
    pub safeguarding: Option<String>,
    /// "Checked ✓ at 17:48" once a check that did not fail is recorded for it.
    pub checked: Option<String>,
    /// It has a meeting link to join.
    pub has_link: bool,
}

/// One phase of the session's plan.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RoadmapStep {
    /// The phase's title.
    pub title: String,
    /// Its minutes.
    pub minutes: u32,
}

/// The preparation screen for the next session a check would be for (starting within the next
/// two hours), or `None` when there is none.
pub fn prepare_view(ctx: &Context, now: Timestamp) -> Option<PrepareView> {
    let schedule = crate::schedule::load_schedule(ctx).ok()?.value;
    let s = schedule
        .upcoming(now)
        .into_iter()
        .find(|s| s.start.duration_since(now) <= preflight_calendar::schedule::CHECK_ATTACH_WINDOW)?
        .clone();
    let (profiles, _) = crate::programmes::profiles(ctx);
    let programme = s.programme.as_deref().and_then(|id| profiles.get(id));
    let settings = crate::settings::load(ctx)
        .map(|l| l.value)
        .unwrap_or_default();
    let style = crate::settings::time_style(ctx, &settings);
    let local = jiff::tz::TimeZone::system();
    let countdown = preflight_calendar::schedule::countdown(s.start, s.end(), now);
    let headline = match countdown.as_str() {
        "now" => format!("Your session with {} has started", s.mentee),
        c => format!("Your session with {} starts {c}", s.mentee),
    };
    let number = match (
        s.session_number,
        programme.as_ref().and_then(|p| p.sessions),
    ) {
        (Some(n), Some(of)) => Some(format!("session {n} of {of}")),
        (Some(n), None) => Some(format!("session {n}")),
        _ => None,
    };
    let line = [
        programme.as_ref().map(|p| p.name.clone()),
        number,
        Some(style.day_time(&s.start.to_zoned(local.clone()))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let roadmap = crate::script_session::ScriptSession::for_session(ctx, &schedule, &s, now)
        .map(|r| {
            r.roadmap()
                .into_iter()
                .map(|(title, minutes)| RoadmapStep { title, minutes })
                .collect()
        })
        .unwrap_or_default();
    let safeguarding = programme.as_ref().filter(|_| s.under_18).map(|p| {
        let who = p
            .contact
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_else(|| "the programme's safeguarding lead".into());
        format!(
            "{} is under 18: {}'s safeguarding rules apply. Any concern about {}'s safety goes to {who} at once, and contact stays within the programme's channels.",
            s.mentee, p.name, s.mentee
        )
    });
    let records = ctx
        .db()
        .and_then(|mut db| db.records_for(std::slice::from_ref(&s)))
        .unwrap_or_default();
    let checked = records
        .passing_checks_for(&s)
        .map(|c| c.at)
        .max()
        .map(|t| format!("Checked ✓ at {}", style.time(&t.to_zoned(local.clone()))));
    Some(PrepareView {
        session_id: s.id.clone(),
        headline,
        line,
        roadmap,
        last_agreed: crate::script_session::last_agreed(ctx, &s.mentee),
        safeguarding,
        checked,
        has_link: s.link.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::tests::session_at;

    #[test]
    fn the_preparation_screen_says_who_the_plan_what_was_agreed_and_the_safeguarding() {
        let dir = tempfile::tempdir().unwrap();
        let now: Timestamp = "2026-12-08T17:48:00Z".parse().unwrap();
        let ctx = Context::in_folder(dir.path()).at_time(now);
        assert!(prepare_view(&ctx, now).is_none(), "no session ahead");
        let mut sam = session_at("sam", "2026-12-08T18:00:00Z");
        sam.programme = Some("brokerage".into());
        sam.under_18 = true;
        sam.session_number = Some(3);
        sam.link = Some("https://meet.jit.si/SamAndMe".into());
        crate::schedule::update_schedule(&ctx, |s| {
            s.upsert(sam.clone());
            Ok::<_, crate::store::StoreError>(())
        })
        .unwrap();
        // Last week's session noted what was agreed.
        let mut last = preflight_scripts::run::SessionRun::start(
            preflight_scripts::built_in("first-session").unwrap(),
            "2026-12-01T18:00:00Z".parse().unwrap(),
        )
        .finish("2026-12-01T18:55:00Z".parse().unwrap());
        last.mentee = Some("Sam".into());
        last.agreed =
            preflight_scripts::run::Agreed::from_words("Sam drafts her CV", false).unwrap();
        ctx.db().unwrap().add_run(&last).unwrap();

        let v = prepare_view(&ctx, now).expect("the session ahead");
        assert_eq!(v.session_id, "sam");
        assert_eq!(v.headline, "Your session with Sam starts in 12 min");
        assert!(
            v.line.starts_with("The Brokerage · session 3 of 7 · "),
            "{}",
            v.line
        );
        assert!(!v.roadmap.is_empty());
        assert_eq!(
            v.roadmap.iter().map(|r| r.minutes).sum::<u32>(),
            60,
            "The Brokerage's session length"
        );
        assert_eq!(v.last_agreed.unwrap().text, "Sam drafts her CV");
        let care = v.safeguarding.unwrap();
        assert!(
            care.starts_with("Sam is under 18: The Brokerage's safeguarding rules apply."),
            "{care}"
        );
        assert!(v.has_link);
        assert_eq!(v.checked, None);
        // A check that did not fail is recorded for it: the screen says so.
        ctx.db()
            .unwrap()
            .save_check(&crate::records::CheckRecord {
                at: now,
                overall: preflight_model::Status::Pass,
                results: vec![],
                session_id: Some("sam".into()),
                minutes_before: Some(12),
                checklist: vec![],
                from: preflight_model::Origin::App,
                figures: Default::default(),
            })
            .unwrap();
        let checked = prepare_view(&ctx, now).unwrap().checked.unwrap();
        assert!(checked.starts_with("Checked ✓ at "), "{checked}");
    }
}
