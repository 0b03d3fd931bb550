//! The mentor's records: each pre-flight check, each room opening and each session, as
//! metadata only (times, verdicts, figures, ticked items — never audio, video or what was said),
//! kept in the database ([`crate::db`]). A CSV export fills a programme's weekly monitoring form.

use jiff::{SignedDuration, Timestamp};
use preflight_model::{Basis, CheckId, ChecklistItem, ItemState, Origin, Status};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

use preflight_calendar::reminder::{tested_in_time, ReminderConfig};
use preflight_calendar::schedule::{Schedule, Session};
use preflight_scripts::programme::Profiles;
use preflight_scripts::run::SessionRecord;

/// One check's verdict line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckLine {
    /// Which check.
    pub id: CheckId,
    /// Its verdict.
    pub status: Status,
    /// The one-line summary shown to the mentor.
    pub summary: String,
}

/// One item of the code-of-conduct checklist, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChecklistLine {
    /// Item id.
    pub id: String,
    /// Met, not met or unknown (written `met`, `not met`, `unknown`, as since the first records).
    #[serde(with = "recorded_state")]
    #[ts(type = "\"met\" | \"not met\" | \"unknown\"")]
    pub state: ItemState,
    /// A check showed it (`evidence`) or the mentor ticked it (`declared`).
    pub basis: Basis,
}

impl From<&ChecklistItem> for ChecklistLine {
    fn from(item: &ChecklistItem) -> ChecklistLine {
        ChecklistLine {
            id: item.id.clone(),
            state: item.state,
            basis: item.basis,
        }
    }
}

/// The records file's spelling of an item's state (see [`ItemState::recorded`]).
mod recorded_state {
    use super::*;

    pub fn serialize<S: Serializer>(state: &ItemState, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(state.recorded())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ItemState, D::Error> {
        let text = String::deserialize(d)?;
        ItemState::from_recorded(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown checklist state {text:?} (expected met, not met or unknown)"
            ))
        })
    }
}

/// The figures of a check the mentor's usual is made of: numbers only (the delay, jitter and loss
/// of call quality, the upload and download speeds, the room's noise floor, and whether the
/// computer was on a cable), each `None` when that part did not measure it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct Figures {
    /// Round trip (average), ms.
    pub rtt_ms: Option<f64>,
    /// Jitter, ms.
    pub jitter_ms: Option<f64>,
    /// Packet loss, %.
    pub loss_pct: Option<f64>,
    /// Upload, Mbps.
    pub up_mbps: Option<f64>,
    /// Download, Mbps.
    pub down_mbps: Option<f64>,
    /// The room's noise floor, dBFS.
    pub noise_floor_dbfs: Option<f64>,
    /// On a network cable (`false`: Wi‑Fi, a hotspot, mobile broadband, a VPN).
    pub wired: Option<bool>,
}

impl Figures {
    /// The figures of a finished check, from its results' measured details (by their stable
    /// keys) and typed evidence; a part that was skipped or failed to measure gives none.
    pub fn of(report: &preflight_model::Report) -> Figures {
        let value = |id: CheckId, key: &str| {
            report
                .detail(id, key)
                .and_then(|d| d.value)
                .filter(|v| v.is_finite())
        };
        let wired = report
            .measured(CheckId::Network)
            .and_then(|c| match c.evidence {
                Some(preflight_model::Evidence::Connection { wired }) => wired,
                _ => None,
            });
        Figures {
            rtt_ms: value(CheckId::Quality, "rtt_avg_ms"),
            jitter_ms: value(CheckId::Quality, "jitter_ms"),
            loss_pct: value(CheckId::Quality, "loss_pct"),
            up_mbps: value(CheckId::Capacity, "up_mbps"),
            down_mbps: value(CheckId::Capacity, "down_mbps"),
            noise_floor_dbfs: value(CheckId::Mic, "noise_floor_dbfs"),
            wired,
        }
    }
}

/// A pre-flight check, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckRecord {
    /// When it finished (RFC 3339).
    #[ts(type = "string")]
    pub at: Timestamp,
    /// Overall status.
    pub overall: Status,
    /// Each check.
    pub results: Vec<CheckLine>,
    /// The scheduled session it was for, if one starts within two hours.
    pub session_id: Option<String>,
    /// Minutes between the check and that session's start.
    pub minutes_before: Option<i64>,
    /// The checklist at the time of the check (empty when none was shown).
    #[serde(default)]
    pub checklist: Vec<ChecklistLine>,
    /// Which shell ran it.
    pub from: Origin,
    /// Its figures, for the mentor's usual (none in records from before they were kept).
    #[serde(default)]
    pub figures: Figures,
}

impl CheckRecord {
    /// Whether the check passed or warned: only such a check counts as the mentor having
    /// tested (a failed one leaves something to fix).
    pub fn did_not_fail(&self) -> bool {
        self.overall != Status::Fail
    }
}

/// The meeting room was opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RoomRecord {
    /// Session id.
    pub session_id: String,
    /// When (RFC 3339).
    #[ts(type = "string")]
    pub at: Timestamp,
    /// Minutes before the scheduled start (negative = late).
    pub minutes_early: i64,
    /// Opened by the reminder rather than by the mentor.
    pub automatic: bool,
}

/// The mentor used *Report a concern* in the script window. Metadata only: when, for which
/// session and programme, and how the contact was reached — never what the concern was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConcernRecord {
    /// When (RFC 3339).
    #[ts(type = "string")]
    pub at: Timestamp,
    /// The session the script was for, if scheduled.
    pub session_id: Option<String>,
    /// The programme whose contact was reached.
    pub programme: String,
    /// `email` or `phone`.
    pub via: String,
}

/// The mentor stated whether a session took place as planned (The Brokerage's weekly
/// monitoring record). The latest statement for a session counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlannedRecord {
    /// Session id.
    pub session_id: String,
    /// Yes or no, as the mentor said.
    pub as_planned: bool,
    /// Why not, in the mentor's few words (asked with every *No*; at most
    /// [`MAX_REASON_CHARS`] characters). Records written before reasons were asked have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When the mentor said it (RFC 3339).
    #[ts(type = "string")]
    pub at: Timestamp,
}

/// The longest reason kept for a *No* (a few words for a monitoring form, not a diary).
pub const MAX_REASON_CHARS: usize = 200;

/// How long before a session opening its room counts as opening it for the session (the codes
/// ask for 5–10 minutes early): a room opened days ahead, to look at the link, is not an opening.
pub const ROOM_OPENING_WINDOW: SignedDuration = SignedDuration::from_mins(60);

/// The record of opening session `s`'s room at `at`, if that counts as opening it for the
/// session: from [`ROOM_OPENING_WINDOW`] before the start until the session ends.
pub fn room_opening(s: &Session, at: Timestamp, automatic: bool) -> Option<RoomRecord> {
    let soon = at < s.start && s.start.duration_since(at) <= ROOM_OPENING_WINDOW;
    let under_way = at >= s.start && at < s.end();
    (soon || under_way).then(|| RoomRecord {
        session_id: s.id.clone(),
        at,
        minutes_early: s.start.duration_since(at).as_mins(),
        automatic,
    })
}

/// Everything in the records file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct Records {
    /// Pre-flight checks.
    pub checks: Vec<CheckRecord>,
    /// Rooms opened.
    pub rooms: Vec<RoomRecord>,
    /// Sessions run with the script window.
    pub sessions: Vec<SessionRecord>,
    /// Concerns reported to a programme contact (metadata only).
    pub concerns: Vec<ConcernRecord>,
    /// "Did mentoring take place as planned?", as the mentor answered it.
    pub planned: Vec<PlannedRecord>,
}

impl Records {
    /// The checks that count for session `s`: linked to it, or (unlinked) finished within the
    /// attach window before its start.
    pub fn checks_for<'a>(&'a self, s: &Session) -> impl Iterator<Item = &'a CheckRecord> + 'a {
        let (id, start) = (s.id.clone(), s.start);
        self.checks.iter().filter(move |c| {
            c.session_id.as_deref() == Some(id.as_str())
                || (c.session_id.is_none()
                    && c.at <= start
                    && start.duration_since(c.at)
                        <= preflight_calendar::schedule::CHECK_ATTACH_WINDOW)
        })
    }

    /// The codes' rule, as the records tell it: the mentor tested at least `check_lead_min`
    /// before session `s` when *any* check for it that did not fail finished that early. A later
    /// re-check never takes it away; a failed check never gives it. Returns the earliest such
    /// check.
    pub fn tested_in_time_for(&self, s: &Session, cfg: ReminderConfig) -> Option<&CheckRecord> {
        first_in_time(self.checks_for(s), s, cfg)
    }

    /// The checks for session `s` that did not fail: only they count as the mentor having
    /// tested (a failed check leaves something to fix).
    pub fn passing_checks_for<'a>(
        &'a self,
        s: &Session,
    ) -> impl Iterator<Item = &'a CheckRecord> + 'a {
        self.checks_for(s).filter(|c| c.did_not_fail())
    }

    /// Whether a check for session `s` that did not fail was recorded (by the app or the CLI):
    /// then its check reminder has done its job.
    pub fn checked_for(&self, s: &Session) -> bool {
        self.passing_checks_for(s).next().is_some()
    }

    /// What the mentor last said about session `id` taking place as planned.
    pub fn as_planned(&self, id: &str) -> Option<bool> {
        self.planned_for(id).map(|p| p.as_planned)
    }

    /// The mentor's last statement about session `id` taking place as planned.
    pub fn planned_for(&self, id: &str) -> Option<&PlannedRecord> {
        self.planned
            .iter()
            .filter(|p| p.session_id == id)
            .max_by_key(|p| p.at)
    }
}

/// The earliest of `checks` (those for session `s`) that did not fail and finished at least the
/// check lead before its start (see [`Records::tested_in_time_for`]).
fn first_in_time<'a>(
    checks: impl Iterator<Item = &'a CheckRecord>,
    s: &Session,
    cfg: ReminderConfig,
) -> Option<&'a CheckRecord> {
    checks
        .filter(|c| c.did_not_fail() && tested_in_time(c.at, s.start, cfg))
        .min_by_key(|c| c.at)
}

/// The records indexed by session, so that each row of an export is found without a pass over
/// every record (an export of a year of sessions and checks stays linear).
struct BySession<'a> {
    linked: std::collections::HashMap<&'a str, Vec<&'a CheckRecord>>,
    /// Checks linked to no session, by when they finished.
    unlinked: Vec<&'a CheckRecord>,
    rooms: std::collections::HashMap<&'a str, &'a RoomRecord>,
    runs: std::collections::HashMap<&'a str, &'a SessionRecord>,
    concerns: std::collections::HashSet<&'a str>,
    planned: std::collections::HashMap<&'a str, &'a PlannedRecord>,
}

impl<'a> BySession<'a> {
    fn new(records: &'a Records) -> BySession<'a> {
        let mut linked: std::collections::HashMap<&str, Vec<&CheckRecord>> = Default::default();
        let mut unlinked = Vec::new();
        for c in &records.checks {
            match c.session_id.as_deref() {
                Some(id) => linked.entry(id).or_default().push(c),
                None => unlinked.push(c),
            }
        }
        unlinked.sort_by_key(|c| c.at);
        let mut rooms: std::collections::HashMap<&str, &RoomRecord> = Default::default();
        for r in &records.rooms {
            // The first opening counts.
            rooms
                .entry(r.session_id.as_str())
                .and_modify(|old| {
                    if r.at < old.at {
                        *old = r
                    }
                })
                .or_insert(r);
        }
        let mut runs: std::collections::HashMap<&str, &SessionRecord> = Default::default();
        for r in &records.sessions {
            if let Some(id) = r.session_id.as_deref() {
                runs.entry(id).or_insert(r);
            }
        }
        let mut planned: std::collections::HashMap<&str, &PlannedRecord> = Default::default();
        for p in &records.planned {
            // The latest answer counts.
            planned
                .entry(p.session_id.as_str())
                .and_modify(|old| {
                    if p.at >= old.at {
                        *old = p
                    }
                })
                .or_insert(p);
        }
        BySession {
            linked,
            unlinked,
            rooms,
            runs,
            concerns: records
                .concerns
                .iter()
                .filter_map(|c| c.session_id.as_deref())
                .collect(),
            planned,
        }
    }

    /// The checks for `s`, as [`Records::checks_for`] tells them.
    fn checks(&self, s: &Session) -> Vec<&'a CheckRecord> {
        let mut out: Vec<&CheckRecord> =
            self.linked.get(s.id.as_str()).cloned().unwrap_or_default();
        let earliest = s
            .start
            .checked_sub(preflight_calendar::schedule::CHECK_ATTACH_WINDOW)
            .unwrap_or(Timestamp::MIN);
        let from = self.unlinked.partition_point(|c| c.at < earliest);
        out.extend(
            self.unlinked[from..]
                .iter()
                .take_while(|c| c.at <= s.start)
                .copied(),
        );
        out
    }
}

/// One row of the monitoring export: a scheduled session (or a session run without one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MonitoringRow {
    /// Local date (YYYY-MM-DD).
    pub date: String,
    /// Local start time (HH:MM) in the session's zone.
    pub time: String,
    /// Time zone of date and time.
    pub time_zone: String,
    /// Mentee.
    pub mentee: String,
    /// Session number.
    pub session_number: String,
    /// Planned minutes.
    pub planned_min: String,
    /// When the last check before the session finished (local HH:MM), if any.
    pub checked_at: String,
    /// Minutes before the start.
    pub check_minutes_before: String,
    /// `yes` if tested at least 10 minutes before (the codes' rule), `no`, or empty.
    pub tested_10_min_before: String,
    /// Overall check result.
    pub check_result: String,
    /// Minutes early the room was opened (negative = late).
    pub room_opened_min_early: String,
    /// `yes` if opened 5–10 minutes early (or earlier), `no`, or empty.
    pub room_opened_5_min_early: String,
    /// `yes` (a script was run), `no record` (time passed without one), or empty (future).
    pub took_place: String,
    /// Minutes the session actually lasted.
    pub actual_min: String,
    /// Script items covered, "8/10".
    pub items_covered: String,
    /// The programme the session belongs to (profile id), if any.
    pub programme: String,
    /// What the programme asks after this session ("Mid-point feedback survey"), if anything.
    pub feedback_due: String,
    /// `yes`/`no` as the mentor stated "did mentoring take place as planned", `not stated` once
    /// a session of a programme with weekly monitoring has ended unanswered, or empty.
    pub as_planned: String,
    /// `yes` when the mentor reported a concern to the programme contact from this session.
    pub concern_reported: String,
    /// What was agreed, only when the mentor asked for it to be in the export.
    pub agreed: String,
}

fn local(t: Timestamp, zone: &str) -> jiff::Zoned {
    t.to_zoned(jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC))
}

/// Builds the monitoring rows for sessions starting in `[from, to)`, in time order: every
/// scheduled session, joined with its last check, room opening and session record, plus
/// sessions run without a schedule entry.
pub fn monitoring_rows(
    schedule: &Schedule,
    records: &Records,
    profiles: &Profiles,
    from: Timestamp,
    to: Timestamp,
    now: Timestamp,
) -> Vec<MonitoringRow> {
    let cfg: ReminderConfig = schedule.reminders;
    let mut rows: Vec<(Timestamp, MonitoringRow)> = Vec::new();
    let in_range = |t: Timestamp| t >= from && t < to;
    let index = BySession::new(records);
    for s in schedule.sessions.iter().filter(|s| in_range(s.start)) {
        let zone = &s.time_zone;
        let checks = index.checks(s);
        let check = checks.iter().copied().max_by_key(|c| c.at);
        let room = index.rooms.get(s.id.as_str()).copied();
        let run = index.runs.get(s.id.as_str()).copied();
        let z = s.zoned_start();
        let said = index.planned.get(s.id.as_str()).copied();
        let mut row = MonitoringRow {
            date: z.strftime("%Y-%m-%d").to_string(),
            time: z.strftime("%H:%M").to_string(),
            time_zone: zone.clone(),
            mentee: s.mentee.clone(),
            session_number: s.session_number.map(|n| n.to_string()).unwrap_or_default(),
            planned_min: s.duration_min.to_string(),
            programme: s.programme.clone().unwrap_or_default(),
            feedback_due: feedback_due(profiles, s),
            as_planned: match said {
                Some(p) if p.as_planned => "yes".into(),
                Some(p) => match &p.reason {
                    Some(r) => format!("no: {r}"),
                    None => "no".into(),
                },
                None if s.end() <= now && weekly_monitoring(profiles, s) => "not stated".into(),
                None => String::new(),
            },
            concern_reported: if index.concerns.contains(s.id.as_str()) {
                "yes".into()
            } else {
                String::new()
            },
            ..Default::default()
        };
        if let Some(c) = check {
            row.checked_at = local(c.at, zone).strftime("%H:%M").to_string();
            row.check_minutes_before = s.start.duration_since(c.at).as_mins().to_string();
            row.tested_10_min_before =
                yes_no(first_in_time(checks.iter().copied(), s, cfg).is_some());
            row.check_result = c.overall.as_str().into();
        } else if s.start <= now {
            row.tested_10_min_before = "no".into();
        }
        if let Some(r) = room {
            row.room_opened_min_early = r.minutes_early.to_string();
            row.room_opened_5_min_early = yes_no(r.minutes_early >= 5);
        } else if s.start <= now {
            row.room_opened_5_min_early = "no".into();
        }
        // Without a script's record, the mentor's own word decides whether it took place:
        // a row never says "as planned: yes" beside "did not take place".
        match (run, said.map(|p| p.as_planned)) {
            (Some(r), _) => fill_run(&mut row, r),
            (None, Some(true)) => row.took_place = "yes (stated)".into(),
            (None, _) if s.end() <= now => row.took_place = "no record".into(),
            (None, _) => {}
        }
        rows.push((s.start, row));
    }
    // Sessions run without a schedule entry.
    let scheduled: std::collections::HashSet<&str> =
        schedule.sessions.iter().map(|s| s.id.as_str()).collect();
    for r in records.sessions.iter().filter(|r| {
        r.session_id
            .as_deref()
            .is_none_or(|id| !scheduled.contains(id))
    }) {
        let started = r.started;
        if !in_range(started) {
            continue;
        }
        let zone = jiff::tz::TimeZone::system()
            .iana_name()
            .unwrap_or("UTC")
            .to_string();
        let z = local(started, &zone);
        let mut row = MonitoringRow {
            date: z.strftime("%Y-%m-%d").to_string(),
            time: z.strftime("%H:%M").to_string(),
            time_zone: zone,
            mentee: r.mentee.clone().unwrap_or_default(),
            session_number: r.session_number.map(|n| n.to_string()).unwrap_or_default(),
            // Summed wide: a record's phases could add up past u32 (a damaged or hostile one).
            planned_min: r
                .phases
                .iter()
                .map(|p| u64::from(p.planned_min))
                .sum::<u64>()
                .to_string(),
            ..Default::default()
        };
        fill_run(&mut row, r);
        rows.push((started, row));
    }
    rows.sort_by_key(|(t, _)| *t);
    rows.into_iter().map(|(_, r)| r).collect()
}

/// The programme's feedback points due after this session (by its number), joined by "; ".
fn feedback_due(profiles: &Profiles, s: &Session) -> String {
    let (Some(id), Some(n)) = (s.programme.as_deref(), s.session_number) else {
        return String::new();
    };
    profiles
        .get(id)
        .map(|p| {
            p.feedback
                .iter()
                .filter(|f| f.after_session == n)
                .map(|f| f.what.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

/// Whether the session's programme keeps a weekly "took place as planned" record.
fn weekly_monitoring(profiles: &Profiles, s: &Session) -> bool {
    s.programme
        .as_deref()
        .and_then(|id| profiles.get(id))
        .is_some_and(|p| p.weekly_monitoring)
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

fn fill_run(row: &mut MonitoringRow, r: &SessionRecord) {
    row.took_place = "yes".into();
    // The mentor's note leaves this computer only when they ticked it for the export.
    row.agreed = r
        .agreed
        .as_ref()
        .filter(|a| a.in_export)
        .map(|a| a.text.replace('\n', "; "))
        .unwrap_or_default();
    row.actual_min = (r.ended.duration_since(r.started).as_secs() / 60).to_string();
    let covered: usize = r.phases.iter().map(|p| p.covered.len()).sum();
    let all: usize = r
        .phases
        .iter()
        .map(|p| p.covered.len() + p.missed.len())
        .sum();
    row.items_covered = format!("{covered}/{all}");
}

/// The one rule for what the records may say took place: a session whose scheduled start has
/// come. Before it, *Finish* is a rehearsal (nothing recorded) and "did it take place as
/// planned" cannot be answered — in the window and the CLI alike.
pub fn has_started(start: Timestamp, now: Timestamp) -> bool {
    start <= now
}

/// Cells that a spreadsheet would run as a formula are prefixed with `'` (OWASP CSV injection):
/// a mentee name from a calendar is not trusted. A cell counts as a formula when its first
/// visible character starts one (`=`, `+`, `-`, `@`, or their full-width forms `＝＋－＠`), after
/// any spaces, tabs, line breaks, no-break spaces and zero-width characters a spreadsheet skips;
/// a cell that starts with a tab or a line break is defused too. Plain decimal numbers (`-41`,
/// `2.5`) stay numbers; `+NaN`, `-inf` and `+1e400` are not plain numbers.
fn defuse(cell: &str) -> String {
    let invisible = |c: char| {
        c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
    };
    let visible = cell.trim_start_matches(invisible);
    let formula_start = visible.starts_with([
        '=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
    ]);
    let control_start = cell.starts_with(['\t', '\r', '\n']);
    if (formula_start && !plain_number(cell)) || control_start {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// `-41`, `+3`, `2.5`: an optional sign, digits, and at most one decimal point with digits after
/// it — nothing a spreadsheet could read as anything but that number.
fn plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// The rows as CSV with a header line.
pub fn to_csv(rows: &[MonitoringRow]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "date",
        "time",
        "time_zone",
        "mentee",
        "session_number",
        "planned_min",
        "checked_at",
        "check_minutes_before",
        "tested_10_min_before",
        "check_result",
        "room_opened_min_early",
        "room_opened_5_min_early",
        "took_place",
        "actual_min",
        "items_covered",
        "programme",
        "feedback_due",
        "as_planned",
        "concern_reported",
        "agreed",
    ]);
    for r in rows {
        let cells = [
            &r.date,
            &r.time,
            &r.time_zone,
            &r.mentee,
            &r.session_number,
            &r.planned_min,
            &r.checked_at,
            &r.check_minutes_before,
            &r.tested_10_min_before,
            &r.check_result,
            &r.room_opened_min_early,
            &r.room_opened_5_min_early,
            &r.took_place,
            &r.actual_min,
            &r.items_covered,
            &r.programme,
            &r.feedback_due,
            &r.as_planned,
            &r.concern_reported,
            &r.agreed,
        ];
        let _ = w.write_record(cells.iter().map(|c| defuse(c)));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The Monday-to-Monday week containing `now` in zone `tz`, for "this week's" export.
pub fn week_of(now: Timestamp, tz: &jiff::tz::TimeZone) -> (Timestamp, Timestamp) {
    let z = now.to_zoned(tz.clone());
    let days_since_monday = z.weekday().to_monday_zero_offset() as i64;
    let monday = z
        .date()
        .checked_sub(jiff::Span::new().days(days_since_monday))
        .unwrap_or(z.date());
    let start = monday
        .to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .unwrap_or(now);
    let end = monday
        .checked_add(jiff::Span::new().days(7))
        .ok()
        .and_then(|d| d.to_zoned(tz.clone()).ok())
        .map(|z| z.timestamp())
        .unwrap_or_else(|| {
            now.checked_add(SignedDuration::from_hours(24 * 7))
                .unwrap_or(Timestamp::MAX)
        });
    (start, end)
}

#[cfg(test)]
mod tests {

    /// The export rows of the test week (Monday 23 to Monday 30 November 2026), seen on the
    /// Thursday at noon.
    fn test_week_rows(schedule: &Schedule, records: &Records) -> Vec<MonitoringRow> {
        monitoring_rows(
            schedule,
            records,
            &Profiles::default(),
            ts("2026-11-23T00:00:00Z"),
            ts("2026-11-30T00:00:00Z"),
            ts("2026-11-26T12:00:00Z"),
        )
    }
    use super::*;
    use preflight_calendar::schedule::{Session, SessionSource};
    use preflight_scripts::run::PhaseRecord;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn session(id: &str, start: &str) -> Session {
        Session {
            id: id.into(),
            mentee: id.into(),
            start: ts(start),
            time_zone: "Europe/London".into(),
            duration_min: 60,
            link: None,
            template: None,
            session_number: Some(2),
            programme: None,
            under_18: false,
            source: SessionSource::Manual,
        }
    }

    fn check(at: &str, id: Option<&str>, overall: &str) -> CheckRecord {
        CheckRecord {
            at: ts(at),
            overall: serde_json::from_value(serde_json::json!(overall)).unwrap(),
            results: vec![],
            session_id: id.map(Into::into),
            minutes_before: None,
            checklist: vec![],
            from: Origin::App,
            figures: Default::default(),
        }
    }

    fn run(id: &str, started: &str, ended: &str) -> SessionRecord {
        SessionRecord {
            template: "First session".into(),
            started: ts(started),
            ended: ts(ended),
            phases: vec![PhaseRecord {
                title: "Welcome".into(),
                planned_min: 10,
                actual_s: 600,
                covered: vec!["a".into(), "b".into()],
                missed: vec!["c".into()],
            }],
            session_id: Some(id.into()),
            mentee: None,
            session_number: None,
            rehearsal: false,
            agreed: None,
        }
    }

    #[test]
    fn a_checklist_item_is_recorded_as_its_id_state_and_basis_only() {
        let item = preflight_model::ChecklistItem {
            id: "cable".into(),
            text: "I am on a network cable".into(),
            state: ItemState::NotMet,
            basis: Basis::Evidence,
            why: "Connection: Wi‑Fi.".into(),
            general: false,
        };
        let line = ChecklistLine::from(&item);
        assert_eq!(
            serde_json::to_value(&line).unwrap(),
            serde_json::json!({"id": "cable", "state": "not met", "basis": "evidence"})
        );
    }

    #[test]
    fn what_was_agreed_reaches_the_export_only_when_the_mentor_asked() {
        let mut schedule = Schedule::default();
        schedule.upsert(session("a", "2026-11-24T18:00:00Z"));
        schedule.upsert(session("b", "2026-11-25T18:00:00Z"));
        let note = |in_export| {
            preflight_scripts::run::Agreed::from_words(
                "  Sam drafts her CV  \n\n Next: mock interview ",
                in_export,
            )
            .unwrap()
        };
        let mut kept_here = run("a", "2026-11-24T18:01:00Z", "2026-11-24T18:56:00Z");
        kept_here.agreed = note(false);
        let mut shared = run("b", "2026-11-25T18:01:00Z", "2026-11-25T18:50:00Z");
        shared.agreed = note(true);
        let records = Records {
            sessions: vec![kept_here, shared],
            ..Default::default()
        };
        let rows = test_week_rows(&schedule, &records);
        let by = |id: &str| rows.iter().find(|r| r.mentee == id).unwrap();
        assert_eq!(by("a").agreed, "", "kept on this computer");
        assert_eq!(by("b").agreed, "Sam drafts her CV; Next: mock interview");
        assert!(to_csv(&rows).contains(",Sam drafts her CV; Next: mock interview\n"));
        // Bounded: a few short lines, refused with words beyond that; nothing is nothing.
        use preflight_scripts::run::Agreed;
        assert_eq!(Agreed::from_words(" \n  \n", true).unwrap(), None);
        assert!(Agreed::from_words(&"x\n".repeat(9), false)
            .unwrap_err()
            .contains("8 short lines"));
        assert!(Agreed::from_words(&"y".repeat(601), false)
            .unwrap_err()
            .contains("600 characters"));
    }

    #[test]
    fn planned_lengths_that_add_up_past_u32_do_not_overflow() {
        let mut r = run("gone", "2026-11-24T18:00:00Z", "2026-11-24T19:00:00Z");
        r.session_id = None;
        r.phases = vec![r.phases[0].clone(), r.phases[0].clone()];
        for p in &mut r.phases {
            p.planned_min = u32::MAX;
        }
        let records = Records {
            sessions: vec![r],
            ..Default::default()
        };
        let rows = test_week_rows(&Schedule::default(), &records);
        assert_eq!(rows[0].planned_min, (2 * u64::from(u32::MAX)).to_string());
    }

    #[test]
    fn monitoring_rows_join_checks_rooms_and_sessions() {
        let mut schedule = Schedule::default();
        schedule.upsert(session("a", "2026-11-24T18:00:00Z"));
        schedule.upsert(session("b", "2026-11-25T18:00:00Z"));
        schedule.upsert(session("c", "2026-11-27T18:00:00Z"));
        let records = Records {
            checks: vec![
                check("2026-11-24T17:30:00Z", Some("a"), "warn"),
                check("2026-11-24T17:45:00Z", Some("a"), "pass"), // the last one counts
                check("2026-11-25T17:55:00Z", None, "fail"),      // too late, not linked
            ],
            rooms: vec![
                RoomRecord {
                    session_id: "a".into(),
                    at: ts("2026-11-24T17:53:00Z"),
                    minutes_early: 7,
                    automatic: true,
                },
                RoomRecord {
                    session_id: "b".into(),
                    at: ts("2026-11-25T17:58:00Z"),
                    minutes_early: 2,
                    automatic: false,
                },
            ],
            sessions: vec![
                run("a", "2026-11-24T18:01:00Z", "2026-11-24T18:56:00Z"),
                SessionRecord {
                    session_id: None,
                    mentee: Some("Walk-in".into()),
                    ..run("x", "2026-11-26T10:00:00Z", "2026-11-26T10:30:00Z")
                },
            ],
            ..Default::default()
        };
        let rows = test_week_rows(&schedule, &records);
        assert_eq!(rows.len(), 4);
        let a = &rows[0];
        assert_eq!((a.date.as_str(), a.time.as_str()), ("2026-11-24", "18:00"));
        assert_eq!(a.check_minutes_before, "15");
        assert_eq!(a.tested_10_min_before, "yes");
        assert_eq!(a.check_result, "pass");
        assert_eq!(a.room_opened_5_min_early, "yes");
        assert_eq!(a.took_place, "yes");
        assert_eq!(a.actual_min, "55");
        assert_eq!(a.items_covered, "2/3");
        let b = &rows[1];
        assert_eq!(b.check_minutes_before, "5");
        assert_eq!(b.tested_10_min_before, "no");
        assert_eq!(b.room_opened_min_early, "2");
        assert_eq!(b.room_opened_5_min_early, "no");
        assert_eq!(b.took_place, "no record");
        assert_eq!(rows[2].mentee, "Walk-in");
        assert_eq!(rows[2].took_place, "yes");
        let c = &rows[3];
        assert_eq!(c.took_place, "", "a future session has no verdict yet");
        assert_eq!(c.tested_10_min_before, "");

        let csv = to_csv(&rows);
        let mut lines = csv.lines();
        assert!(lines
            .next()
            .unwrap()
            .starts_with("date,time,time_zone,mentee,"));
        assert!(lines.next().unwrap().starts_with(
            "2026-11-24,18:00,Europe/London,a,2,60,17:45,15,yes,pass,7,yes,yes,55,2/3"
        ));
    }

    #[test]
    fn csv_defuses_formulas() {
        let mut row = monitoring_rows(
            &Schedule::default(),
            &Records::default(),
            &Profiles::default(),
            Timestamp::MIN,
            Timestamp::MAX,
            Timestamp::MIN,
        );
        assert!(row.is_empty());
        let mut schedule = Schedule::default();
        let mut s = session("=HYPERLINK(\"http://x\")", "2026-11-24T18:00:00Z");
        s.mentee = "=HYPERLINK(\"http://x\",\"Sam\")".into();
        schedule.upsert(s);
        row = monitoring_rows(
            &schedule,
            &Records::default(),
            &Profiles::default(),
            Timestamp::MIN,
            Timestamp::MAX,
            Timestamp::MIN,
        );
        let csv = to_csv(&row);
        assert!(csv.contains("\"'=HYPERLINK("), "{csv}");
        assert!(!csv.contains(",=HYPERLINK"), "{csv}");
    }

    #[test]
    fn every_formula_like_start_is_defused_and_plain_numbers_stay_numbers() {
        for bad in [
            "=1+1",
            "+NaN",
            "-inf",
            "+1e400",
            "-1e5",
            "@SUM(A1)",
            " =1+1",
            "\u{00A0}=1+1",
            "\n=1+1",
            "\t=1",
            "\r=1",
            "\u{200B}=1+1",
            "\u{FEFF}+1",
            "\u{FF1D}1+1",
            "\u{FF0B}1",
            "\u{FF0D}1",
            "\u{FF20}x",
            "\tplain",
        ] {
            assert_eq!(defuse(bad), format!("'{bad}"), "{bad:?}");
        }
        for fine in ["-41", "+3", "2.5", "-0.25", "Sam", "", "5-a-side", "a=b"] {
            assert_eq!(defuse(fine), fine, "{fine:?}");
        }
    }

    #[test]
    fn a_week_at_the_ends_of_time_does_not_overflow() {
        let utc = jiff::tz::TimeZone::UTC;
        for t in [Timestamp::MAX, Timestamp::MIN] {
            let (a, b) = week_of(t, &utc);
            assert!(a <= b, "{a} {b}");
        }
    }

    #[test]
    fn week_runs_monday_to_monday_in_local_time() {
        let london = jiff::tz::TimeZone::get("Europe/London").unwrap();
        let (a, b) = week_of(ts("2026-11-26T12:00:00Z"), &london);
        assert_eq!(a, ts("2026-11-23T00:00:00Z"));
        assert_eq!(b, ts("2026-11-30T00:00:00Z"));
        // A week containing the October clock change is 169 hours long.
        let (a, b) = week_of(ts("2026-10-22T12:00:00Z"), &london);
        assert_eq!(a, ts("2026-10-18T23:00:00Z"));
        assert_eq!(b.duration_since(a), SignedDuration::from_hours(169));
    }

    #[test]
    fn a_brokerage_week_says_what_the_mentor_stated_and_which_concerns_were_reported() {
        let mut schedule = Schedule::default();
        for (id, start) in [
            ("w1", "2026-11-23T18:00:00Z"),
            ("w2", "2026-11-24T18:00:00Z"),
            ("w3", "2026-11-25T18:00:00Z"),
            ("w4", "2026-11-28T18:00:00Z"),
        ] {
            let mut s = session(id, start);
            s.programme = Some("brokerage".into());
            s.session_number = Some(4);
            schedule.upsert(s);
        }
        let mut adult = session("q", "2026-11-24T09:00:00Z");
        adult.programme = Some("qooper".into());
        schedule.upsert(adult);
        let planned = |id: &str, yes: bool, at: &str| PlannedRecord {
            session_id: id.into(),
            as_planned: yes,
            reason: (!yes).then(|| "Mentee ill".to_string()),
            at: ts(at),
        };
        let records = Records {
            planned: vec![
                planned("w1", true, "2026-11-23T19:10:00Z"),
                planned("w2", true, "2026-11-24T19:10:00Z"),
                // The mentor corrected it: the latest answer counts.
                planned("w2", false, "2026-11-24T20:00:00Z"),
            ],
            concerns: vec![ConcernRecord {
                at: ts("2026-11-24T18:20:00Z"),
                session_id: Some("w2".into()),
                programme: "brokerage".into(),
                via: "email".into(),
            }],
            ..Default::default()
        };
        assert_eq!(records.as_planned("w2"), Some(false));
        let rows = test_week_rows(&schedule, &records);
        let by = |mentee: &str| rows.iter().find(|r| r.mentee == mentee).unwrap();
        assert_eq!(by("w1").as_planned, "yes");
        // A *No* carries its reason into the form.
        assert_eq!(by("w2").as_planned, "no: Mentee ill");
        // No script was run for w1, but the mentor says it took place as planned: the row
        // says so, never "as planned: yes" beside "no record".
        assert_eq!(by("w1").took_place, "yes (stated)");
        assert_eq!(by("w2").took_place, "no record");
        assert_eq!(by("w3").took_place, "no record");
        assert_eq!(by("w2").concern_reported, "yes");
        assert_eq!(by("w1").concern_reported, "");
        assert_eq!(by("w3").as_planned, "not stated", "ended, unanswered");
        assert_eq!(by("w4").as_planned, "", "not yet held");
        assert_eq!(by("q").as_planned, "", "Qooper keeps no weekly record");
        assert_eq!(by("w1").feedback_due, "Mid-point feedback survey");
        let csv = to_csv(&rows);
        assert!(csv
            .lines()
            .next()
            .unwrap()
            .ends_with(",programme,feedback_due,as_planned,concern_reported,agreed"));
        assert!(
            csv.contains(",brokerage,Mid-point feedback survey,no: Mentee ill,yes,\n"),
            "{csv}"
        );
    }

    #[test]
    fn a_recheck_never_takes_away_a_test_in_time_and_a_failed_check_never_gives_one() {
        let mut schedule = Schedule::default();
        schedule.upsert(session("a", "2026-11-24T18:00:00Z"));
        schedule.upsert(session("b", "2026-11-25T18:00:00Z"));
        let records = Records {
            checks: vec![
                // a: passed 13 minutes before, then a re-check 5 minutes before.
                check("2026-11-24T17:47:00Z", Some("a"), "warn"),
                check("2026-11-24T17:55:00Z", Some("a"), "pass"),
                // b: failed 20 minutes before, passed 4 minutes before.
                check("2026-11-25T17:40:00Z", Some("b"), "fail"),
                check("2026-11-25T17:56:00Z", Some("b"), "pass"),
            ],
            ..Default::default()
        };
        let cfg = ReminderConfig::default();
        let a = schedule.get("a").unwrap();
        let b = schedule.get("b").unwrap();
        assert_eq!(
            records.tested_in_time_for(a, cfg).map(|c| c.at),
            Some(ts("2026-11-24T17:47:00Z"))
        );
        assert!(records.tested_in_time_for(b, cfg).is_none());
        assert!(
            records.checked_for(b),
            "the passing re-check counts as checked"
        );
        let rows = test_week_rows(&schedule, &records);
        // The last check is shown; the rule is the codes'.
        assert_eq!(
            (
                rows[0].check_minutes_before.as_str(),
                rows[0].tested_10_min_before.as_str()
            ),
            ("5", "yes")
        );
        assert_eq!(
            (
                rows[1].check_minutes_before.as_str(),
                rows[1].tested_10_min_before.as_str()
            ),
            ("4", "no")
        );
        // Only a failed check: not checked, the reminder keeps its job.
        let failed = Records {
            checks: vec![check("2026-11-25T17:40:00Z", Some("b"), "fail")],
            ..Default::default()
        };
        assert!(!failed.checked_for(b));
    }

    #[test]
    fn only_a_room_opened_near_the_session_is_recorded_as_opened() {
        let s = session("a", "2026-11-24T18:00:00Z");
        let at = |t: &str| room_opening(&s, ts(t), false).map(|r| r.minutes_early);
        assert_eq!(at("2026-11-22T18:00:00Z"), None, "two days ahead: looking");
        assert_eq!(at("2026-11-24T16:59:00Z"), None);
        assert_eq!(at("2026-11-24T17:00:00Z"), Some(60));
        assert_eq!(at("2026-11-24T17:53:00Z"), Some(7));
        assert_eq!(
            at("2026-11-24T18:04:00Z"),
            Some(-4),
            "late is still an opening"
        );
        assert_eq!(at("2026-11-24T19:00:00Z"), None, "over");
    }
}
