//! The mentor's schedule: sessions added by hand or imported from calendars, and the questions
//! the app asks of it ("what is next?", "which session was this check for?"). Pure: every
//! question takes `now`.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::links::{check_link, CustomPattern, LinkError};

/// Where a session came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum SessionSource {
    /// Added in the app or with `preflight schedule add`.
    Manual,
    /// Imported from a calendar (a file or a subscription); re-importing replaces these.
    Calendar {
        /// The calendar's name (file name or subscription URL).
        calendar: String,
        /// The event's UID.
        uid: String,
        /// Which occurrence of the event (its original start, Unix seconds): with the calendar
        /// and the UID, what identifies an imported session (two calendars may use one UID).
        /// Absent in schedules written before it was kept.
        #[serde(default)]
        #[ts(type = "number | null")]
        recurrence_id: Option<i64>,
    },
}

/// The id of occurrence `recurrence_id` (its original start, Unix seconds) of event `uid` in
/// calendar `calendar`: the same at every import and refresh, and different for two calendars
/// that happen to use one UID (so one calendar's session never takes another's place, link or
/// records). Written `<uid>@<seconds>~<calendar's FNV-1a hash>`.
pub fn calendar_session_id(calendar: &str, uid: &str, recurrence_id: i64) -> String {
    format!(
        "{}~{:08x}",
        legacy_calendar_session_id(uid, recurrence_id),
        fnv1a32(calendar)
    )
}

/// The id calendar sessions had before the calendar was part of it (`<uid>@<seconds>`): still
/// found in the list of sessions a mentor removed, which is kept from then.
pub fn legacy_calendar_session_id(uid: &str, recurrence_id: i64) -> String {
    format!("{uid}@{recurrence_id}")
}

/// 32-bit FNV-1a: a stable, short fingerprint of a calendar's name for its sessions' ids (not
/// a secret and not a defence; the database keys sessions by calendar, UID and occurrence).
fn fnv1a32(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ b as u32).wrapping_mul(0x0100_0193)
    })
}

/// One scheduled mentoring session (one occurrence of a recurring event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Session {
    /// Stable id (manual: chosen at creation; calendar: UID + start).
    pub id: String,
    /// Who the session is with (or the event's title).
    pub mentee: String,
    /// Start (RFC 3339 instant).
    #[ts(type = "string")]
    pub start: Timestamp,
    /// The time zone the session was planned in (IANA name), for display.
    pub time_zone: String,
    /// Planned length in minutes.
    pub duration_min: u32,
    /// The meeting room (checked safe), if known.
    pub link: Option<String>,
    /// Session script to open (a template id), if chosen.
    pub template: Option<String>,
    /// Number of the session in the programme (1 = first session).
    pub session_number: Option<u32>,
    /// Where it came from.
    pub source: SessionSource,
    /// The programme it belongs to (a profile id such as `brokerage`), if the mentor chose one.
    #[serde(default)]
    pub programme: Option<String>,
    /// The mentor marked the mentee as under 18: the programme's safeguarding rules apply. (The
    /// only thing kept about the mentee besides the name the mentor typed.)
    #[serde(default)]
    pub under_18: bool,
}

/// Longest name kept for a mentee or an event title.
pub const MAX_NAME_CHARS: usize = 120;

pub use crate::text::clean_text;

/// A new id for a session added by hand: `m-<milliseconds>-<process>-<count>`. Two processes
/// (the window, the tray, the CLI) adding in the same millisecond differ by their process id,
/// and one process never repeats its count, so no addition overwrites another.
pub fn new_session_id(now: Timestamp) -> String {
    static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("m-{}-{:x}-{n}", now.as_millisecond(), std::process::id())
}

/// `t + d`, or the end of time instead of overflowing (a session stored by an older version
/// with an absurd date must not crash every reading of the schedule).
pub fn saturating_add(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.checked_add(d).unwrap_or(if d.is_negative() {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// When to remind. Defaults follow the mentoring codes: test at least 10 minutes before, open
/// the room 5–10 minutes early (we pick 7, inside that window). The check prompt comes
/// `prompt_margin_min` before the codes' deadline (T−15 by default), so a mentor who acts on
/// it is tested in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct ReminderConfig {
    /// The codes' rule: test at least this many minutes before the start.
    pub check_lead_min: u32,
    /// How much earlier than that the check is prompted (minutes), so acting on the prompt
    /// meets the rule: the prompt comes at `check_lead_min + prompt_margin_min` before.
    pub prompt_margin_min: u32,
    /// Minutes before the start to open the meeting room.
    pub open_lead_min: u32,
    /// Open the room link and the session script by themselves at `open_lead_min`.
    pub auto_open: bool,
    /// Minutes a "Snooze" puts the reminder off.
    pub snooze_min: u32,
}

impl Default for ReminderConfig {
    fn default() -> Self {
        ReminderConfig {
            check_lead_min: 10,
            prompt_margin_min: 5,
            open_lead_min: 7,
            auto_open: true,
            snooze_min: 5,
        }
    }
}

impl ReminderConfig {
    /// Minutes before the start the check is prompted: the codes' deadline plus the margin.
    pub fn prompt_lead_min(&self) -> u32 {
        self.check_lead_min.saturating_add(self.prompt_margin_min)
    }

    /// The timing for a session of a programme: the room opens as early as the programme's code
    /// asks (The Brokerage 10 minutes, Mentor247 5–10), whatever the mentor set for other
    /// sessions; the check prompt stays where the mentor put it, and never comes after the room.
    pub fn for_programme(self, profile: Option<&preflight_programme::Profile>) -> ReminderConfig {
        match profile {
            Some(p) => ReminderConfig {
                open_lead_min: p.room_open_minutes,
                check_lead_min: self.check_lead_min.max(p.room_open_minutes),
                ..self
            },
            None => self,
        }
    }
}

/// Years a session may be planned in.
pub const SESSION_YEARS: std::ops::RangeInclusive<i16> = 2000..=2199;

impl Session {
    /// When it ends.
    pub fn end(&self) -> Timestamp {
        saturating_add(
            self.start,
            SignedDuration::from_mins(self.duration_min as i64),
        )
    }

    /// The start in the session's own time zone (falls back to UTC for an unknown zone).
    pub fn zoned_start(&self) -> Zoned {
        let tz = TimeZone::get(&self.time_zone).unwrap_or(TimeZone::UTC);
        self.start.to_zoned(tz)
    }
}

/// A subscribed calendar, fetched again when the app starts and every few hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Subscription {
    /// https:// (or webcal://) address of the .ics feed, without a name and password.
    pub url: String,
    /// When it was last fetched successfully (RFC 3339).
    pub last_fetched: Option<String>,
    /// The last problem fetching or reading it.
    pub last_error: Option<String>,
    /// The address came with a name and password, which are kept in the system's password
    /// store (never here) and sent with every fetch.
    #[serde(default)]
    pub password_kept: bool,
}

/// Everything the schedule file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct Schedule {
    /// Sessions, in no particular order.
    pub sessions: Vec<Session>,
    /// Subscribed calendars.
    pub subscriptions: Vec<Subscription>,
    /// Reminder timing.
    pub reminders: ReminderConfig,
    /// The mentor's own meeting-link patterns.
    pub link_patterns: Vec<CustomPattern>,
    /// How many months ahead recurring calendar events are expanded (default 12, at most 36).
    pub import_horizon_months: Option<u32>,
    /// The programme each imported calendar (file name or feed address) belongs to, applied to
    /// its sessions at every import and refresh.
    pub calendar_programmes: std::collections::BTreeMap<String, Membership>,
    /// Imported sessions the mentor removed: they stay out when their calendar is imported or
    /// refreshed again (ids are the event's UID and start, stable across imports).
    pub removed_from_calendars: std::collections::BTreeSet<String>,
    /// What the mentor changed in imported sessions, by session id: applied again whenever
    /// their calendar is imported or refreshed, so an edit is never lost to a refresh.
    pub edited_in_calendars: std::collections::BTreeMap<String, CalendarEdit>,
}

/// The mentor's own word on an imported session: who it is with, its link, script, number and
/// programme. Its time stays the calendar's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CalendarEdit {
    /// Who the session is with.
    pub mentee: String,
    /// Meeting link.
    pub link: Option<String>,
    /// Template id.
    pub template: Option<String>,
    /// Session number.
    pub session_number: Option<u32>,
    /// Programme profile id.
    pub programme: Option<String>,
    /// The mentee is under 18.
    pub under_18: bool,
}

impl CalendarEdit {
    /// What `s` (validated from the mentor's form) says of these fields.
    pub fn of(s: &Session) -> CalendarEdit {
        CalendarEdit {
            mentee: s.mentee.clone(),
            link: s.link.clone(),
            template: s.template.clone(),
            session_number: s.session_number,
            programme: s.programme.clone(),
            under_18: s.under_18,
        }
    }

    /// Puts these fields into `s`, leaving its time and source as the calendar has them.
    pub fn apply(&self, s: &mut Session) {
        s.mentee = self.mentee.clone();
        s.link = self.link.clone();
        s.template = self.template.clone();
        s.session_number = self.session_number;
        s.programme = self.programme.clone();
        s.under_18 = self.under_18;
    }
}

/// The programme a calendar's sessions belong to, as the mentor chose it when importing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Membership {
    /// Programme profile id, or `None` for no programme.
    pub programme: Option<String>,
    /// The mentee is under 18.
    pub under_18: bool,
}

impl Membership {
    /// A membership the mentor asked for; an unknown programme is refused.
    pub fn new(programme: Option<&str>, under_18: bool) -> Result<Membership, InputError> {
        let programme = match programme.map(str::trim) {
            None | Some("") => None,
            Some(p) if preflight_programme::is_known(p) => Some(p.to_string()),
            Some(p) => return Err(InputError::UnknownProgramme(clean_text(p, 60))),
        };
        Ok(Membership {
            programme,
            under_18,
        })
    }
}

/// What the mentor types to add or edit a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SessionInput {
    /// Who the session is with.
    pub mentee: String,
    /// Local date and time, e.g. `2026-11-24T18:00`.
    pub local_start: String,
    /// IANA time zone, e.g. `Europe/London`; empty for this computer's zone.
    pub time_zone: String,
    /// Minutes.
    pub duration_min: u32,
    /// Meeting link (optional).
    pub link: String,
    /// Template id (optional).
    pub template: String,
    /// Session number (optional).
    pub session_number: Option<u32>,
    /// Programme profile id (optional; a built-in one, see `preflight programme list`).
    #[serde(default)]
    #[ts(optional)]
    pub programme: Option<String>,
    /// The mentee is under 18 (optional; default no).
    #[serde(default)]
    #[ts(optional)]
    pub under_18: Option<bool>,
}

/// A session the mentor typed that cannot be saved, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// No name.
    #[error("Please say who the session is with.")]
    NoMentee,
    /// Time did not parse.
    #[error("“{0}” is not a date and time; use the form 2026-11-24 18:00.")]
    BadTime(String),
    /// A year no session is planned in.
    #[error("“{0}” is too far in the past or the future; sessions can be planned between the years 2000 and 2199.")]
    OutOfRange(String),
    /// Unknown zone.
    #[error("“{0}” is not a time zone this computer knows; use a name such as Europe/London.")]
    BadZone(String),
    /// Length out of range.
    #[error("A session must last between 5 minutes and 8 hours (got {0} minutes).")]
    BadDuration(u32),
    /// The link is not safe to open.
    #[error("{0}")]
    Link(#[from] LinkError),
    /// A programme the app does not know.
    #[error("“{0}” is not a programme this app knows; see `preflight programme list`.")]
    UnknownProgramme(String),
}

impl SessionInput {
    /// Validates the input into a session with the given id. Local times that fall in a DST gap
    /// move forward by the gap; ambiguous ones (clocks going back) take the earlier instant.
    pub fn into_session(self, id: String, local_zone: &str) -> Result<Session, InputError> {
        let mentee = clean_text(&self.mentee, MAX_NAME_CHARS);
        if mentee.is_empty() {
            return Err(InputError::NoMentee);
        }
        let zone_name = if self.time_zone.trim().is_empty() {
            local_zone.to_string()
        } else {
            self.time_zone.trim().to_string()
        };
        let tz = TimeZone::get(&zone_name)
            .map_err(|_| InputError::BadZone(clean_text(&zone_name, 60)))?;
        let text = self.local_start.trim().replace(' ', "T");
        let shown = clean_text(&self.local_start, 40);
        let civil: DateTime = text
            .parse()
            .map_err(|_| InputError::BadTime(shown.clone()))?;
        if !SESSION_YEARS.contains(&civil.year()) {
            return Err(InputError::OutOfRange(shown));
        }
        let start = tz
            .to_ambiguous_zoned(civil)
            .compatible()
            .map_err(|_| InputError::BadTime(shown.clone()))?
            .timestamp();
        if !(5..=480).contains(&self.duration_min) {
            return Err(InputError::BadDuration(self.duration_min));
        }
        let link = match self.link.trim() {
            "" => None,
            l => Some(check_link(l)?),
        };
        let template = Some(clean_text(&self.template, 200)).filter(|t| !t.is_empty());
        let Membership {
            programme,
            under_18,
        } = Membership::new(self.programme.as_deref(), self.under_18.unwrap_or(false))?;
        Ok(Session {
            id,
            mentee,
            start,
            time_zone: zone_name,
            duration_min: self.duration_min,
            link,
            template,
            session_number: self.session_number.filter(|n| *n > 0),
            source: SessionSource::Manual,
            programme,
            under_18,
        })
    }
}

/// How long before a session a check still counts as "for" that session.
pub const CHECK_ATTACH_WINDOW: SignedDuration = SignedDuration::from_hours(2);

impl Schedule {
    /// How far ahead recurring events are expanded on import: [`Schedule::import_horizon_months`]
    /// (default 12) kept between 1 and 36 months.
    pub fn import_horizon(&self) -> SignedDuration {
        let months = self.import_horizon_months.unwrap_or(12).clamp(1, 36);
        SignedDuration::from_hours(24 * 31 * months as i64)
    }

    /// Sessions not yet over at `now`, soonest first.
    pub fn upcoming(&self, now: Timestamp) -> Vec<&Session> {
        let mut v: Vec<&Session> = self.sessions.iter().filter(|s| s.end() > now).collect();
        v.sort_by_key(|s| (s.start, s.id.clone()));
        v
    }

    /// The next session (or the one under way) at `now`.
    pub fn next(&self, now: Timestamp) -> Option<&Session> {
        self.upcoming(now).into_iter().next()
    }

    /// Looks a session up by id.
    pub fn get(&self, id: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == id)
    }

    /// The session a check finished at `at` was for: the first one starting within the next
    /// two hours (or already under way). Returns it with the minutes between check and start.
    pub fn session_for_check(&self, at: Timestamp) -> Option<(&Session, i64)> {
        self.upcoming(at)
            .into_iter()
            .find(|s| s.start.duration_since(at) <= CHECK_ATTACH_WINDOW)
            .map(|s| (s, s.start.duration_since(at).as_mins()))
    }

    /// Saves a session the mentor entered (validated by [`SessionInput::into_session`]): a new
    /// or typed one as it is; for an imported one with its id only who, the link, the script,
    /// the number and the programme change (its time is the calendar's), kept as an edit that
    /// later imports and refreshes apply again.
    pub fn save_typed(&mut self, typed: Session) {
        match self
            .sessions
            .iter_mut()
            .find(|s| s.id == typed.id && matches!(s.source, SessionSource::Calendar { .. }))
        {
            Some(imported) => {
                let edit = CalendarEdit::of(&typed);
                edit.apply(imported);
                self.edited_in_calendars.insert(typed.id, edit);
            }
            None => self.upsert(typed),
        }
    }

    /// Adds a session, or replaces the one with the same id.
    pub fn upsert(&mut self, session: Session) {
        match self.sessions.iter_mut().find(|s| s.id == session.id) {
            Some(old) => *old = session,
            None => self.sessions.push(session),
        }
    }

    /// Removes a session by id; true if there was one. An imported one stays out of later
    /// imports of its calendar.
    pub fn remove(&mut self, id: &str) -> bool {
        if self
            .get(id)
            .is_some_and(|s| matches!(s.source, SessionSource::Calendar { .. }))
        {
            self.removed_from_calendars.insert(id.to_string());
        }
        let before = self.sessions.len();
        self.sessions.retain(|s| s.id != id);
        before != self.sessions.len()
    }

    /// Replaces every session imported from `calendar` with `sessions` (manual sessions and
    /// other calendars are left alone). Returns how many were replaced.
    pub fn replace_calendar(&mut self, calendar: &str, mut sessions: Vec<Session>) -> usize {
        sessions.retain(|s| !self.was_removed(s));
        if let Some(m) = self.calendar_programmes.get(calendar) {
            for s in &mut sessions {
                s.programme = m.programme.clone();
                s.under_18 = m.under_18;
            }
        }
        // The mentor's own edits outlive the refresh.
        for s in &mut sessions {
            if let Some(e) = self.edited_in_calendars.get(&s.id) {
                e.apply(s);
            }
        }
        let before = self.sessions.len();
        self.sessions.retain(
            |s| !matches!(&s.source, SessionSource::Calendar { calendar: c, .. } if c == calendar),
        );
        let removed = before - self.sessions.len();
        self.sessions.extend(sessions);
        removed
    }
}

impl Schedule {
    /// Whether the mentor removed imported session `s` (by its id, or by the id it had before
    /// calendars were part of ids).
    fn was_removed(&self, s: &Session) -> bool {
        self.removed_from_calendars.contains(&s.id)
            || match &s.source {
                SessionSource::Calendar {
                    uid,
                    recurrence_id: Some(r),
                    ..
                } => self
                    .removed_from_calendars
                    .contains(&legacy_calendar_session_id(uid, *r)),
                _ => false,
            }
    }

    /// Stops following the calendar feed `url`: the subscription, its sessions and the
    /// programme chosen for it go. The subscription that went, or `None` if there was none.
    ///
    /// `url` may be given with or without a name and password; a subscription kept by an earlier
    /// version with them in its address is found by the address without them too.
    pub fn unsubscribe(&mut self, url: &str) -> Option<Subscription> {
        let (address, _) = crate::login::split_login(url);
        let i = self
            .subscriptions
            .iter()
            .position(|s| crate::login::split_login(&s.url).0 == address)?;
        let sub = self.subscriptions.remove(i);
        self.replace_calendar(&sub.url, Vec::new());
        self.calendar_programmes.remove(&sub.url);
        Some(sub)
    }
}

/// A check's time against its session's start, in words: "15 min before the session starts",
/// "41 min after the session started", "as the session started" (`mins` is minutes before the
/// start, negative after it; `subject` names the session).
pub fn against_start(mins: i64, subject: &str) -> String {
    match mins {
        0 => format!("as {subject} started"),
        m if m > 0 => format!("{m} min before {subject} starts"),
        m => format!("{} min after {subject} started", m.unsigned_abs()),
    }
}

/// "in 2 h 05 min", "in 9 min", "in under a minute", "now", "ended".
pub fn countdown(start: Timestamp, end: Timestamp, now: Timestamp) -> String {
    if now >= end {
        return "ended".into();
    }
    if now >= start {
        return "now".into();
    }
    let mins = (start.duration_since(now).as_secs() + 59) / 60;
    match mins {
        0 | 1 if start.duration_since(now).as_secs() < 60 => "in under a minute".into(),
        m if m < 60 => format!("in {m} min"),
        m if m < 48 * 60 => format!("in {} h {:02} min", m / 60, m % 60),
        m => format!("in {} days", m / (24 * 60)),
    }
}

/// The tray's headline for the next session, e.g. "Sam · Tue 24 Nov 18:00 (in 2 h 05 min)",
/// shown in the computer's zone `local` and the mentor's `style`.
pub fn tray_headline(
    next: Option<&Session>,
    now: Timestamp,
    local: &TimeZone,
    style: &crate::TimeStyle,
) -> String {
    match next {
        None => "No sessions scheduled".into(),
        Some(s) => {
            let when = style.day_time(&s.start.to_zoned(local.clone()));
            format!(
                "{} · {when} ({})",
                s.mentee,
                countdown(s.start, s.end(), now)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn input(local: &str, zone: &str) -> SessionInput {
        SessionInput {
            mentee: " Sam ".into(),
            local_start: local.into(),
            time_zone: zone.into(),
            duration_min: 60,
            link: "https://meet.google.com/abc-defg-hij".into(),
            template: "first".into(),
            session_number: Some(1),
            programme: None,
            under_18: None,
        }
    }

    #[test]
    fn a_session_belongs_to_a_known_programme() {
        let mut i = input("2026-11-24 18:00", "Europe/London");
        i.programme = Some("brokerage".into());
        i.under_18 = Some(true);
        let s = i.clone().into_session("m1".into(), "UTC").unwrap();
        assert_eq!(s.programme.as_deref(), Some("brokerage"));
        assert!(s.under_18);
        i.programme = Some("no-such-thing".into());
        assert_eq!(
            i.into_session("m2".into(), "UTC").unwrap_err(),
            InputError::UnknownProgramme("no-such-thing".into())
        );
        // A schedule written before programmes existed still loads.
        let old = r#"{"id":"x","mentee":"Sam","start":"2026-11-24T18:00:00Z","timeZone":"UTC","durationMin":60,"link":null,"template":null,"sessionNumber":null,"source":{"kind":"manual"}}"#;
        let s: Session = serde_json::from_str(old).unwrap();
        assert_eq!((s.programme, s.under_18), (None, false));
    }

    #[test]
    fn an_edit_of_an_imported_session_keeps_its_time_and_outlives_every_refresh() {
        let mut schedule = Schedule::default();
        let imported = |id: &str| Session {
            mentee: "Priya (The Brokerage)".into(),
            link: None,
            source: SessionSource::Calendar {
                calendar: "feed.ics".into(),
                uid: id.into(),
                recurrence_id: None,
            },
            ..input("2026-11-24 18:00", "UTC")
                .into_session(id.into(), "UTC")
                .unwrap()
        };
        schedule.replace_calendar("feed.ics", vec![imported("a"), imported("b")]);
        // The mentor's form: a new name, link, programme and under 18 — and a different time,
        // which an imported session does not take (its time is the calendar's).
        let mut typed = input("2026-12-01 09:00", "UTC");
        typed.mentee = "Priya".into();
        typed.link = "https://meet.jit.si/PriyaRoom".into();
        typed.programme = Some("brokerage".into());
        typed.under_18 = Some(true);
        schedule.save_typed(typed.into_session("a".into(), "UTC").unwrap());
        let check = |s: &Schedule| {
            let a = s.get("a").unwrap();
            assert_eq!(a.mentee, "Priya");
            assert_eq!(a.link.as_deref(), Some("https://meet.jit.si/PriyaRoom"));
            assert_eq!(
                (a.programme.as_deref(), a.under_18),
                (Some("brokerage"), true)
            );
            assert_eq!(
                a.start,
                "2026-11-24T18:00:00Z".parse().unwrap(),
                "the calendar's time"
            );
            assert!(matches!(a.source, SessionSource::Calendar { .. }));
            assert_eq!(
                s.get("b").unwrap().mentee,
                "Priya (The Brokerage)",
                "only that one"
            );
        };
        check(&schedule);
        assert_eq!(schedule.sessions.len(), 2, "edited in place, not added");
        // The next refresh brings the calendar's words back; the edit is applied again.
        schedule.replace_calendar("feed.ics", vec![imported("a"), imported("b")]);
        check(&schedule);
        // A session added by hand is saved as typed.
        schedule.save_typed(
            input("2026-12-01 09:00", "UTC")
                .into_session("m".into(), "UTC")
                .unwrap(),
        );
        assert_eq!(
            schedule.get("m").unwrap().start,
            "2026-12-01T09:00:00Z".parse().unwrap()
        );
        assert!(!schedule.edited_in_calendars.contains_key("m"));
    }

    #[test]
    fn an_imported_calendar_belongs_to_the_programme_chosen_for_it() {
        let mut schedule = Schedule::default();
        let imported = |id: &str| Session {
            source: SessionSource::Calendar {
                calendar: "brokerage.ics".into(),
                uid: id.into(),
                recurrence_id: None,
            },
            ..input("2026-11-24 18:00", "UTC")
                .into_session(id.into(), "UTC")
                .unwrap()
        };
        schedule.replace_calendar("brokerage.ics", vec![imported("a")]);
        assert_eq!(schedule.sessions[0].programme, None, "no choice made");
        schedule.calendar_programmes.insert(
            "brokerage.ics".into(),
            Membership::new(Some("brokerage"), true).unwrap(),
        );
        // Every import and refresh of that calendar applies the choice.
        schedule.replace_calendar("brokerage.ics", vec![imported("a"), imported("b")]);
        assert!(schedule
            .sessions
            .iter()
            .all(|s| s.programme.as_deref() == Some("brokerage") && s.under_18));
        schedule.replace_calendar("other.ics", vec![imported("c")]);
        assert_eq!(
            schedule.get("c").unwrap().programme,
            None,
            "only that calendar"
        );
        assert!(Membership::new(Some("nope"), false).is_err());
        assert_eq!(
            Membership::new(Some(" "), false).unwrap(),
            Membership::default()
        );
    }

    #[test]
    fn a_removed_imported_session_stays_out_and_unsubscribing_takes_a_feed_away() {
        let from = |cal: &str, id: &str| Session {
            source: SessionSource::Calendar {
                calendar: cal.into(),
                uid: id.into(),
                recurrence_id: None,
            },
            ..input("2026-11-24 18:00", "UTC")
                .into_session(id.into(), "UTC")
                .unwrap()
        };
        let feed = "https://calendar.example/feed.ics";
        let mut schedule = Schedule::default();
        schedule.subscriptions.push(Subscription {
            url: feed.into(),
            last_fetched: None,
            last_error: None,
            password_kept: false,
        });
        schedule
            .calendar_programmes
            .insert(feed.into(), Membership::new(Some("qooper"), false).unwrap());
        schedule.replace_calendar(feed, vec![from(feed, "a"), from(feed, "b")]);
        schedule.replace_calendar("mine.ics", vec![from("mine.ics", "c")]);
        assert!(schedule.remove("a"));
        // The feed refreshed: "a" stays out, "b" is back as it was.
        schedule.replace_calendar(feed, vec![from(feed, "a"), from(feed, "b")]);
        assert!(schedule.get("a").is_none() && schedule.get("b").is_some());
        assert_eq!(schedule.unsubscribe("https://other.example/x.ics"), None);
        assert_eq!(
            schedule.unsubscribe(feed).map(|s| s.url),
            Some(feed.to_string())
        );
        assert!(schedule.subscriptions.is_empty());
        assert!(schedule.get("b").is_none(), "its sessions go with it");
        assert!(schedule.get("c").is_some(), "other calendars stay");
        assert!(schedule.calendar_programmes.is_empty());
        // A session added by hand is just removed.
        let mut manual = Schedule::default();
        manual.upsert(
            input("2026-11-24 18:00", "UTC")
                .into_session("m".into(), "UTC")
                .unwrap(),
        );
        assert!(manual.remove("m"));
        assert!(manual.removed_from_calendars.is_empty());
    }

    #[test]
    fn manual_input_in_a_zone() {
        let s = input("2026-11-24 18:00", "Europe/London")
            .into_session("m1".into(), "UTC")
            .unwrap();
        assert_eq!(s.mentee, "Sam");
        assert_eq!(s.start, ts("2026-11-24T18:00:00Z")); // GMT in November
        let s = input("2026-07-01T18:00", "Europe/London")
            .into_session("m1".into(), "UTC")
            .unwrap();
        assert_eq!(s.start, ts("2026-07-01T17:00:00Z")); // BST in July
                                                         // Empty zone = this computer's zone.
        let s = input("2026-07-01T18:00", "")
            .into_session("m1".into(), "America/New_York")
            .unwrap();
        assert_eq!(s.start, ts("2026-07-01T22:00:00Z"));
        assert_eq!(s.time_zone, "America/New_York");
    }

    #[test]
    fn dst_gap_and_fold() {
        // 01:30 on 29 March 2026 does not exist in London: it moves forward to 02:30 BST.
        let s = input("2026-03-29T01:30", "Europe/London")
            .into_session("g".into(), "UTC")
            .unwrap();
        assert_eq!(s.start, ts("2026-03-29T01:30:00Z"));
        // 01:30 on 25 October 2026 happens twice: the first (BST) is taken.
        let s = input("2026-10-25T01:30", "Europe/London")
            .into_session("f".into(), "UTC")
            .unwrap();
        assert_eq!(s.start, ts("2026-10-25T00:30:00Z"));
    }

    #[test]
    fn bad_input_is_explained() {
        let mut i = input("2026-11-24 18:00", "Europe/London");
        i.mentee = "  ".into();
        assert_eq!(i.into_session("x".into(), "UTC"), Err(InputError::NoMentee));
        let e = input("next tuesday", "UTC").into_session("x".into(), "UTC");
        assert!(matches!(e, Err(InputError::BadTime(_))));
        let e = input("2026-11-24 18:00", "Mars/Olympus").into_session("x".into(), "UTC");
        assert!(matches!(e, Err(InputError::BadZone(_))));
        let mut i = input("2026-11-24 18:00", "UTC");
        i.duration_min = 0;
        assert!(matches!(
            i.into_session("x".into(), "UTC"),
            Err(InputError::BadDuration(0))
        ));
        let e = input("9999-12-30 21:30", "UTC").into_session("x".into(), "UTC");
        assert!(matches!(e, Err(InputError::OutOfRange(_))), "{e:?}");
        let e = input("1066-10-14 09:00", "UTC").into_session("x".into(), "UTC");
        assert!(matches!(e, Err(InputError::OutOfRange(_))), "{e:?}");
        let mut i = input("2026-11-24 18:00", "UTC");
        i.mentee = "\u{1b}]0;pwned\u{7}\u{1b}[2JSam\u{202e}".into();
        assert_eq!(
            i.into_session("x".into(), "UTC").unwrap().mentee,
            "]0;pwned [2JSam"
        );
        let mut i = input("2026-11-24 18:00", "UTC");
        i.link = "javascript:alert(1)".into();
        let e = i.into_session("x".into(), "UTC").unwrap_err();
        assert!(e.to_string().contains("never opened"), "{e}");
    }

    #[test]
    fn ids_for_sessions_added_in_the_same_millisecond_differ() {
        let now: Timestamp = "2026-12-04T10:00:00Z".parse().unwrap();
        let ids: std::collections::HashSet<String> =
            (0..1000).map(|_| new_session_id(now)).collect();
        assert_eq!(ids.len(), 1000);
        let id = new_session_id(now);
        assert!(
            id.starts_with(&format!(
                "m-{}-{:x}-",
                now.as_millisecond(),
                std::process::id()
            )),
            "{id}"
        );
    }

    fn session(id: &str, start: &str, mins: u32) -> Session {
        Session {
            id: id.into(),
            mentee: id.into(),
            start: ts(start),
            time_zone: "UTC".into(),
            duration_min: mins,
            link: None,
            template: None,
            session_number: None,
            programme: None,
            under_18: false,
            source: SessionSource::Manual,
        }
    }

    #[test]
    fn next_and_attach() {
        let mut sch = Schedule::default();
        sch.upsert(session("b", "2026-11-24T18:00:00Z", 60));
        sch.upsert(session("a", "2026-11-24T09:00:00Z", 60));
        sch.upsert(session("c", "2026-11-25T09:00:00Z", 60));
        assert_eq!(sch.next(ts("2026-11-24T08:00:00Z")).unwrap().id, "a");
        // Under way still counts as next.
        assert_eq!(sch.next(ts("2026-11-24T09:30:00Z")).unwrap().id, "a");
        assert_eq!(sch.next(ts("2026-11-24T10:00:00Z")).unwrap().id, "b");
        assert!(sch.next(ts("2026-11-26T00:00:00Z")).is_none());
        let (s, mins) = sch.session_for_check(ts("2026-11-24T17:45:00Z")).unwrap();
        assert_eq!((s.id.as_str(), mins), ("b", 15));
        // Three hours ahead is too far to be "for" that session.
        assert!(sch.session_for_check(ts("2026-11-24T15:00:00Z")).is_none());
    }

    #[test]
    fn a_session_removed_under_its_old_id_stays_out() {
        let mut sch = Schedule::default();
        let mut imported = session(
            &calendar_session_id("work.ics", "u1", 1_795_000_000),
            "2026-11-25T18:00:00Z",
            60,
        );
        imported.source = SessionSource::Calendar {
            calendar: "work.ics".into(),
            uid: "u1".into(),
            recurrence_id: Some(1_795_000_000),
        };
        sch.removed_from_calendars.insert("u1@1795000000".into());
        sch.replace_calendar("work.ics", vec![imported.clone()]);
        assert!(
            sch.sessions.is_empty(),
            "removed before ids named calendars"
        );
        sch.removed_from_calendars.clear();
        sch.replace_calendar("work.ics", vec![imported]);
        assert_eq!(sch.sessions.len(), 1);
        assert_ne!(
            calendar_session_id("work.ics", "u1", 1),
            calendar_session_id("home.ics", "u1", 1)
        );
    }

    #[test]
    fn replacing_a_calendar_keeps_the_rest() {
        let mut sch = Schedule::default();
        sch.upsert(session("manual", "2026-11-24T18:00:00Z", 60));
        let mut imported = session("ics1", "2026-11-25T18:00:00Z", 60);
        imported.source = SessionSource::Calendar {
            calendar: "work.ics".into(),
            uid: "u1".into(),
            recurrence_id: None,
        };
        sch.replace_calendar("work.ics", vec![imported.clone()]);
        assert_eq!(sch.sessions.len(), 2);
        assert_eq!(sch.replace_calendar("work.ics", vec![]), 1);
        assert_eq!(sch.sessions.len(), 1);
        assert_eq!(sch.sessions[0].id, "manual");
        assert!(sch.remove("manual"));
        assert!(!sch.remove("manual"));
    }

    #[test]
    fn absurd_stored_dates_do_not_overflow() {
        // Written by an older version: the end of time plus an hour must not panic.
        let s = session("far", "9999-12-30T21:30:00Z", 60);
        assert_eq!(s.end(), Timestamp::MAX);
        let mut sch = Schedule::default();
        sch.upsert(s);
        assert_eq!(sch.next(ts("2026-11-24T08:00:00Z")).unwrap().id, "far");
    }

    #[test]
    fn a_time_against_the_start_is_said_in_words() {
        assert_eq!(against_start(15, "it"), "15 min before it starts");
        assert_eq!(against_start(-41, "it"), "41 min after it started");
        assert_eq!(against_start(0, "the session"), "as the session started");
    }

    #[test]
    fn countdown_words() {
        let start = ts("2026-11-24T18:00:00Z");
        let end = ts("2026-11-24T19:00:00Z");
        let at = |s| countdown(start, end, ts(s));
        assert_eq!(at("2026-11-24T15:55:00Z"), "in 2 h 05 min");
        assert_eq!(at("2026-11-24T17:51:00Z"), "in 9 min");
        assert_eq!(at("2026-11-24T17:50:30Z"), "in 10 min"); // rounds up: never late
        assert_eq!(at("2026-11-24T17:59:30Z"), "in under a minute");
        assert_eq!(at("2026-11-24T18:10:00Z"), "now");
        assert_eq!(at("2026-11-24T19:00:00Z"), "ended");
        assert_eq!(at("2026-11-20T18:00:00Z"), "in 4 days");
        let s = session("Sam", "2026-11-24T18:00:00Z", 60);
        let london = TimeZone::get("Europe/London").unwrap();
        assert_eq!(
            tray_headline(
                Some(&s),
                ts("2026-11-24T15:55:00Z"),
                &london,
                &Default::default()
            ),
            "Sam · Tue 24 Nov 18:00 (in 2 h 05 min)"
        );
        let us = crate::TimeStyle {
            hour12: true,
            month_first: true,
        };
        assert_eq!(
            tray_headline(Some(&s), ts("2026-11-24T15:55:00Z"), &london, &us),
            "Sam · Tue, Nov 24, 6:00 PM (in 2 h 05 min)"
        );
        assert_eq!(
            tray_headline(None, ts("2026-11-24T15:55:00Z"), &london, &us),
            "No sessions scheduled"
        );
    }
}
