//! Reminder timing: the stage of a session at a given time, what is due, and what the mentor
//! already did about it. The timing settings ([`ReminderConfig`]) are kept with the schedule.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::schedule::ReminderConfig;
use crate::schedule::Session;
use preflight_programme::Profiles;

/// Where we are relative to one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "stage")]
#[ts(export)]
pub enum Stage {
    /// Nothing to do yet; the check prompt is due in `check_in_s` seconds.
    Waiting {
        /// Seconds until the check prompt.
        check_in_s: i64,
    },
    /// Time to run the pre-flight check; the room opens in `open_in_s` seconds.
    CheckDue {
        /// Seconds until the room should be opened.
        open_in_s: i64,
    },
    /// Time to open the room; the session starts in `start_in_s` seconds.
    OpenRoom {
        /// Seconds until the session starts.
        start_in_s: i64,
    },
    /// The session is under way.
    InProgress,
    /// The session has ended.
    Over,
}

/// The stage of a session that starts at `start` and lasts `duration`, at `now`.
///
/// The check is due from [`ReminderConfig::prompt_lead_min`] before the start. If
/// `open_lead_min` is larger than that the check comes first anyway: the check window is then
/// empty and the stage goes straight to [`Stage::OpenRoom`].
pub fn stage(
    start: Timestamp,
    duration: SignedDuration,
    cfg: ReminderConfig,
    now: Timestamp,
) -> Stage {
    let until_start = start.duration_since(now);
    // The prompt comes before the codes' deadline, by the mentor's margin.
    let check_lead = SignedDuration::from_mins(cfg.prompt_lead_min() as i64);
    let open_lead = SignedDuration::from_mins(cfg.open_lead_min as i64);
    if until_start > check_lead.max(open_lead) {
        Stage::Waiting {
            check_in_s: (until_start - check_lead.max(open_lead)).as_secs(),
        }
    } else if until_start > open_lead {
        Stage::CheckDue {
            open_in_s: (until_start - open_lead).as_secs(),
        }
    } else if until_start > SignedDuration::ZERO {
        Stage::OpenRoom {
            start_in_s: until_start.as_secs(),
        }
    } else if now < crate::schedule::saturating_add(start, duration) {
        Stage::InProgress
    } else {
        Stage::Over
    }
}

/// Whether a check finished at `checked_at` meets the codes' rule of testing at least
/// `check_lead_min` minutes before a session starting at `start`.
pub fn tested_in_time(checked_at: Timestamp, start: Timestamp, cfg: ReminderConfig) -> bool {
    start.duration_since(checked_at) >= SignedDuration::from_mins(cfg.check_lead_min as i64)
}

/// Something the app should do now for a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ActionKind {
    /// Notify: "Time for your pre-flight check".
    PromptCheck,
    /// Open the meeting room link and the session script.
    OpenRoom,
}

/// An action for one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Action {
    /// The session's id.
    pub session_id: String,
    /// What to do.
    pub kind: ActionKind,
}

/// What the reminder loop has already done, kept on disk so a restart does not prompt twice or
/// open the room again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReminderState {
    /// Actions already taken, by session id.
    fired: BTreeMap<String, BTreeSet<ActionKind>>,
    /// Sessions whose reminders are put off until the given instant.
    snoozed: BTreeMap<String, Timestamp>,
    /// Sessions the mentor has checked for (no more check prompts).
    checked: BTreeSet<String>,
    /// Something the mentor must be told about their schedule file (a damaged file was kept
    /// aside), kept here so the window says it whichever process found it; cleared when the
    /// mentor next changes the schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule_notice: Option<String>,
}

impl ReminderState {
    /// The actions due at `now` for `sessions`, each returned once. A check prompt is due from
    /// the prompt lead ([`ReminderConfig::prompt_lead_min`]) before the start until the start
    /// (unless a check was already done for the session); the room opens from `open_lead_min`
    /// before until the start, if `auto_open`.
    /// Nothing is due for a session under way or over — an app started late does not open a
    /// room mid-session. A snoozed session gets nothing until the snooze ends.
    pub fn due(
        &mut self,
        sessions: &[Session],
        cfg: ReminderConfig,
        now: Timestamp,
    ) -> Vec<Action> {
        self.due_each(sessions, now, |_| cfg)
    }

    /// [`ReminderState::due`] with each session's own timing (a programme's room-open lead
    /// time, see [`ReminderConfig::for_programme`]).
    pub fn due_each(
        &mut self,
        sessions: &[Session],
        now: Timestamp,
        cfg_for: impl Fn(&Session) -> ReminderConfig,
    ) -> Vec<Action> {
        let mut out = Vec::new();
        for s in sessions {
            let cfg = cfg_for(s);
            let st = stage(s.start, s.end().duration_since(s.start), cfg, now);
            if matches!(st, Stage::Waiting { .. } | Stage::InProgress | Stage::Over) {
                continue;
            }
            if self.snoozed.get(&s.id).is_some_and(|until| now < *until) {
                continue;
            }
            let fired = self.fired.entry(s.id.clone()).or_default();
            if !self.checked.contains(&s.id) && fired.insert(ActionKind::PromptCheck) {
                out.push(Action {
                    session_id: s.id.clone(),
                    kind: ActionKind::PromptCheck,
                });
            }
            if matches!(st, Stage::OpenRoom { .. })
                && cfg.auto_open
                && fired.insert(ActionKind::OpenRoom)
            {
                out.push(Action {
                    session_id: s.id.clone(),
                    kind: ActionKind::OpenRoom,
                });
            }
        }
        // Forget sessions that are over (or gone from the schedule).
        let live: BTreeSet<&str> = sessions
            .iter()
            .filter(|s| s.end() > now)
            .map(|s| s.id.as_str())
            .collect();
        self.fired.retain(|id, _| live.contains(id.as_str()));
        self.snoozed.retain(|id, _| live.contains(id.as_str()));
        self.checked.retain(|id| live.contains(id.as_str()));
        out
    }

    /// Puts off the reminders of `session` for `snooze_min` minutes, but never past its start:
    /// the check prompt comes again after the snooze, and a room not yet opened opens then.
    pub fn snooze(&mut self, session: &Session, cfg: ReminderConfig, now: Timestamp) {
        let until =
            (now + SignedDuration::from_mins(cfg.snooze_min.max(1) as i64)).min(session.start);
        self.snoozed.insert(session.id.clone(), until);
        if let Some(f) = self.fired.get_mut(&session.id) {
            f.remove(&ActionKind::PromptCheck);
        }
    }

    /// Records that the mentor ran the check for `session_id`: no more check prompts for it.
    pub fn mark_checked(&mut self, session_id: &str) {
        self.checked.insert(session_id.to_string());
    }

    /// What the mentor must still be told about their schedule file, if anything.
    pub fn schedule_notice(&self) -> Option<&str> {
        self.schedule_notice.as_deref()
    }

    /// Keeps `notice` (about the schedule file) until the mentor changes the schedule.
    pub fn set_schedule_notice(&mut self, notice: Option<String>) {
        self.schedule_notice = notice;
    }

    /// Gives the sessions renamed in `renamed` (old id → new id) their new ids (the schedule of
    /// an earlier version moving into the database).
    pub fn rename_sessions(&mut self, renamed: &std::collections::HashMap<String, String>) {
        let new = |id: String| renamed.get(&id).cloned().unwrap_or(id);
        self.fired = std::mem::take(&mut self.fired)
            .into_iter()
            .map(|(k, v)| (new(k), v))
            .collect();
        self.snoozed = std::mem::take(&mut self.snoozed)
            .into_iter()
            .map(|(k, v)| (new(k), v))
            .collect();
        self.checked = std::mem::take(&mut self.checked)
            .into_iter()
            .map(new)
            .collect();
    }

    /// Records that the room of `session_id` was opened (by hand): it will not open again.
    pub fn mark_opened(&mut self, session_id: &str) {
        self.fired
            .entry(session_id.to_string())
            .or_default()
            .insert(ActionKind::OpenRoom);
    }
}

/// What the reminder adds for a session whose programme, not the mentor, schedules it (the
/// Brokerage with a mentee under 18, Mentor247): changes go through the programme.
pub fn reminder_note(profiles: &Profiles, session: &Session) -> Option<String> {
    let p = profiles.get(session.programme.as_deref()?)?;
    p.programme_schedules(session.under_18).then(|| {
        format!(
            "{} schedules these sessions: for any change, contact the programme, not your mentee.",
            p.name
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const START: &str = "2026-03-29T09:00:00Z";
    const HOUR: SignedDuration = SignedDuration::from_hours(1);

    #[test]
    fn the_reminder_says_when_the_programme_schedules() {
        let mut s: Session = serde_json::from_str(
            r#"{"id":"x","mentee":"Sam","start":"2026-11-24T18:00:00Z","timeZone":"UTC","durationMin":60,"link":null,"template":null,"sessionNumber":null,"source":{"kind":"manual"}}"#,
        )
        .unwrap();
        assert_eq!(
            reminder_note(&Profiles::default(), &s),
            None,
            "no programme"
        );
        s.programme = Some("brokerage".into());
        assert_eq!(
            reminder_note(&Profiles::default(), &s),
            None,
            "an adult Brokerage mentee: the mentor schedules"
        );
        s.under_18 = true;
        assert!(reminder_note(&Profiles::default(), &s)
            .unwrap()
            .starts_with("The Brokerage schedules these sessions"));
        s.programme = Some("qooper".into());
        assert_eq!(reminder_note(&Profiles::default(), &s), None);
    }

    #[test]
    fn absurd_stored_dates_do_not_overflow_the_stage() {
        // Written by an older version: the end of time plus an hour must not panic.
        let far: Timestamp = "9999-12-30T21:30:00Z".parse().unwrap();
        let now: Timestamp = "2026-11-24T08:00:00Z".parse().unwrap();
        let cfg = ReminderConfig::default();
        let hour = SignedDuration::from_hours(1);
        // Far ahead: waiting, for as long as it really is.
        let Stage::Waiting { check_in_s } = stage(far, hour, cfg, now) else {
            panic!("a session at the end of time is not waiting");
        };
        let lead = i64::from(cfg.prompt_lead_min().max(cfg.open_lead_min)) * 60;
        assert_eq!(check_in_s, far.duration_since(now).as_secs() - lead);
        // Under way at the end of time: its end (past the last representable instant) saturates
        // instead of overflowing, so it is in progress, not over.
        let during = far + SignedDuration::from_mins(10);
        assert_eq!(stage(far, hour, cfg, during), Stage::InProgress);
    }

    #[test]
    fn stages_through_a_session() {
        let cfg = ReminderConfig::default();
        let start = ts(START);
        let at = |s| stage(start, HOUR, cfg, ts(s));
        assert_eq!(
            at("2026-03-29T08:00:00Z"),
            Stage::Waiting {
                check_in_s: 45 * 60
            }
        );
        // The prompt at T−15: the codes' 10 minutes plus the 5-minute margin.
        assert_eq!(
            at("2026-03-29T08:45:00Z"),
            Stage::CheckDue { open_in_s: 8 * 60 }
        );
        assert_eq!(
            at("2026-03-29T08:50:00Z"),
            Stage::CheckDue { open_in_s: 3 * 60 }
        );
        assert_eq!(
            at("2026-03-29T08:53:00Z"),
            Stage::OpenRoom { start_in_s: 7 * 60 }
        );
        assert_eq!(
            at("2026-03-29T08:59:59Z"),
            Stage::OpenRoom { start_in_s: 1 }
        );
        assert_eq!(at("2026-03-29T09:00:00Z"), Stage::InProgress);
        assert_eq!(at("2026-03-29T09:59:59Z"), Stage::InProgress);
        assert_eq!(at("2026-03-29T10:00:00Z"), Stage::Over);
    }

    #[test]
    fn boundary_belongs_to_the_earlier_stage() {
        let start = ts(START);
        // Exactly 15 minutes before: the check is not yet due (strictly more than 15 min waits).
        assert_eq!(
            stage(
                start,
                HOUR,
                ReminderConfig::default(),
                ts("2026-03-29T08:44:59Z")
            ),
            Stage::Waiting { check_in_s: 1 }
        );
        // Without a margin the prompt is at the deadline itself.
        let no_margin = ReminderConfig {
            prompt_margin_min: 0,
            ..Default::default()
        };
        assert_eq!(
            stage(start, HOUR, no_margin, ts("2026-03-29T08:49:59Z")),
            Stage::Waiting { check_in_s: 1 }
        );
    }

    #[test]
    fn open_lead_longer_than_check_lead() {
        let cfg = ReminderConfig {
            check_lead_min: 5,
            open_lead_min: 10,
            ..Default::default()
        };
        let s = stage(ts(START), HOUR, cfg, ts("2026-03-29T08:52:00Z"));
        assert_eq!(s, Stage::OpenRoom { start_in_s: 8 * 60 });
    }

    #[test]
    fn tested_at_least_ten_minutes_before() {
        let cfg = ReminderConfig::default();
        let start = ts(START);
        assert!(tested_in_time(ts("2026-03-29T08:50:00Z"), start, cfg));
        assert!(tested_in_time(ts("2026-03-29T07:00:00Z"), start, cfg));
        assert!(!tested_in_time(ts("2026-03-29T08:50:01Z"), start, cfg));
    }

    fn sess(id: &str, start: &str) -> Session {
        Session {
            id: id.into(),
            mentee: "Sam".into(),
            start: ts(start),
            time_zone: "Europe/London".into(),
            duration_min: 60,
            link: Some("https://meet.google.com/abc-defg-hij".into()),
            template: None,
            session_number: None,
            programme: None,
            under_18: false,
            source: crate::schedule::SessionSource::Manual,
        }
    }

    fn kinds(v: &[Action]) -> Vec<(&str, ActionKind)> {
        v.iter().map(|a| (a.session_id.as_str(), a.kind)).collect()
    }

    #[test]
    fn each_action_fires_once_at_its_time() {
        let cfg = ReminderConfig::default();
        let sessions = [sess("s", START)];
        let mut st = ReminderState::default();
        assert!(st
            .due(&sessions, cfg, ts("2026-03-29T08:44:00Z"))
            .is_empty());
        assert_eq!(
            kinds(&st.due(&sessions, cfg, ts("2026-03-29T08:45:30Z"))),
            [("s", ActionKind::PromptCheck)]
        );
        // Acted on at once, the check is in time by the codes' rule.
        assert!(tested_in_time(ts("2026-03-29T08:46:30Z"), ts(START), cfg));
        assert!(st
            .due(&sessions, cfg, ts("2026-03-29T08:51:00Z"))
            .is_empty());
        assert_eq!(
            kinds(&st.due(&sessions, cfg, ts("2026-03-29T08:53:00Z"))),
            [("s", ActionKind::OpenRoom)]
        );
        assert!(st
            .due(&sessions, cfg, ts("2026-03-29T08:54:00Z"))
            .is_empty());
        assert!(st
            .due(&sessions, cfg, ts("2026-03-29T09:05:00Z"))
            .is_empty());
    }

    #[test]
    fn started_late_catches_up_but_never_mid_session() {
        let cfg = ReminderConfig::default();
        let sessions = [sess("s", START)];
        // The computer woke at T-4: both the prompt and the room are due at once.
        let mut st = ReminderState::default();
        assert_eq!(
            kinds(&st.due(&sessions, cfg, ts("2026-03-29T08:56:00Z"))),
            [("s", ActionKind::PromptCheck), ("s", ActionKind::OpenRoom)]
        );
        // Woken during the session: nothing opens by itself.
        let mut st = ReminderState::default();
        assert!(st
            .due(&sessions, cfg, ts("2026-03-29T09:01:00Z"))
            .is_empty());
    }

    #[test]
    fn auto_open_can_be_switched_off_and_checked_sessions_are_not_prompted() {
        let cfg = ReminderConfig {
            auto_open: false,
            ..Default::default()
        };
        let sessions = [sess("s", START)];
        let mut st = ReminderState::default();
        st.mark_checked("s");
        assert!(st
            .due(&sessions, cfg, ts("2026-03-29T08:56:00Z"))
            .is_empty());
    }

    #[test]
    fn snooze_puts_off_and_prompts_again_but_not_past_the_start() {
        let cfg = ReminderConfig::default();
        let sessions = [sess("s", START)];
        let mut st = ReminderState::default();
        assert_eq!(st.due(&sessions, cfg, ts("2026-03-29T08:44:59Z")).len(), 0);
        assert_eq!(st.due(&sessions, cfg, ts("2026-03-29T08:50:00Z")).len(), 1);
        st.snooze(&sessions[0], cfg, ts("2026-03-29T08:51:00Z"));
        // Room time (T-7) falls inside the snooze: nothing until 08:56.
        assert!(st
            .due(&sessions, cfg, ts("2026-03-29T08:53:00Z"))
            .is_empty());
        assert_eq!(
            kinds(&st.due(&sessions, cfg, ts("2026-03-29T08:56:00Z"))),
            [("s", ActionKind::PromptCheck), ("s", ActionKind::OpenRoom)]
        );
        // A snooze at T-2 ends at the start, not after it: by then the session is under way.
        let mut st = ReminderState::default();
        st.snooze(&sessions[0], cfg, ts("2026-03-29T08:58:00Z"));
        assert!(st
            .due(&sessions, cfg, ts("2026-03-29T08:59:59Z"))
            .is_empty());
    }

    #[test]
    fn recurrence_each_occurrence_has_its_own_reminders() {
        let cfg = ReminderConfig::default();
        // Weekly across the UK clocks change (29 March 2026): 19:00 local is 19:00Z then 18:00Z.
        let sessions = [
            sess("w1", "2026-03-22T19:00:00Z"),
            sess("w2", "2026-03-29T18:00:00Z"),
        ];
        let mut st = ReminderState::default();
        assert_eq!(
            kinds(&st.due(&sessions, cfg, ts("2026-03-22T18:51:00Z"))),
            [("w1", ActionKind::PromptCheck)]
        );
        assert!(st
            .due(&sessions, cfg, ts("2026-03-29T17:44:00Z"))
            .is_empty());
        assert_eq!(
            kinds(&st.due(&sessions, cfg, ts("2026-03-29T17:51:00Z"))),
            [("w2", ActionKind::PromptCheck)]
        );
        // The first week's state was forgotten once it was over.
        assert!(!st.fired.contains_key("w1"));
    }

    #[test]
    fn opened_by_hand_does_not_open_again() {
        let cfg = ReminderConfig::default();
        let sessions = [sess("s", START)];
        let mut st = ReminderState::default();
        st.mark_opened("s");
        assert_eq!(
            kinds(&st.due(&sessions, cfg, ts("2026-03-29T08:55:00Z"))),
            [("s", ActionKind::PromptCheck)]
        );
    }

    #[test]
    fn a_programme_session_opens_its_room_as_early_as_its_code_asks() {
        let cfg = ReminderConfig::default(); // room at T-7
        let brokerage = preflight_programme::built_in_profile("brokerage").unwrap(); // T-10
        assert_eq!(cfg.for_programme(None), cfg);
        let b = cfg.for_programme(Some(&brokerage));
        assert_eq!((b.open_lead_min, b.check_lead_min), (10, 10));
        let mut custom = brokerage.clone();
        custom.room_open_minutes = 3;
        let late_check = ReminderConfig {
            check_lead_min: 20,
            ..cfg
        };
        let c = late_check.for_programme(Some(&custom));
        assert_eq!((c.open_lead_min, c.check_lead_min), (3, 20));

        let mut mine = sess("mine", START);
        mine.programme = None;
        let mut theirs = sess("theirs", START);
        theirs.programme = Some("brokerage".into());
        let sessions = vec![mine, theirs];
        let mut st = ReminderState::default();
        let cfg_for = |s: &Session| {
            cfg.for_programme(
                s.programme
                    .as_deref()
                    .and_then(preflight_programme::built_in_profile)
                    .as_ref(),
            )
        };
        // T-9: the Brokerage room opens, the mentor's own session only prompts the check.
        let due = st.due_each(&sessions, ts("2026-03-29T08:51:00Z"), cfg_for);
        assert!(due.contains(&Action {
            session_id: "theirs".into(),
            kind: ActionKind::OpenRoom
        }));
        assert!(!due
            .iter()
            .any(|a| a.session_id == "mine" && a.kind == ActionKind::OpenRoom));
        let due = st.due_each(&sessions, ts("2026-03-29T08:53:00Z"), cfg_for);
        assert_eq!(
            due,
            vec![Action {
                session_id: "mine".into(),
                kind: ActionKind::OpenRoom
            }]
        );
    }
}
