//! Importing sessions from iCalendar (.ics) files and feeds.
//!
//! The text is parsed with the `icalendar` crate (line unfolding, properties, parameters, nested
//! components); recurrence (RRULE, RDATE, EXDATE) is expanded with the `rrule` crate in the
//! event's own time zone (`chrono-tz`), so a weekly 18:00 session stays at 18:00 local time
//! across daylight-saving changes. Moved or cancelled single occurrences (RECURRENCE-ID
//! overrides, as Outlook and Google export them) replace or remove their occurrence. Outlook's
//! Windows zone names ("GMT Standard Time") are mapped to IANA names.
//!
//! A file that cannot be parsed is an error with the parser's line number; an event that cannot
//! be used (all-day, unknown zone, broken rule) is skipped with a note naming it, and the rest of
//! the calendar is still imported.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone as _};
use icalendar::parser::{read_calendar, unfold, Component, Property};
use jiff::{SignedDuration, Timestamp};
use rrule::{RRule, RRuleSet, Tz, Unvalidated};

use crate::links::{detect, CustomPattern, Field};
use crate::schedule::{Session, SessionSource};

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The calendar's name (file name or feed URL): re-importing it replaces its sessions.
    pub calendar: String,
    /// The zone for "floating" times without a zone (this computer's zone).
    pub local_zone: String,
    /// Occurrences that ended before this are left out.
    pub from: Timestamp,
    /// How far ahead recurring events are expanded.
    pub horizon: SignedDuration,
    /// The mentor's own meeting-link patterns.
    pub link_patterns: Vec<CustomPattern>,
}

impl ImportOptions {
    /// Defaults: from `now`, one year ahead.
    pub fn new(calendar: impl Into<String>, local_zone: impl Into<String>, now: Timestamp) -> Self {
        ImportOptions {
            calendar: calendar.into(),
            local_zone: local_zone.into(),
            from: now,
            horizon: SignedDuration::from_hours(24 * 366),
            link_patterns: Vec::new(),
        }
    }
}

/// The sessions found, and notes about events that were skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Sessions (occurrences), soonest first.
    pub sessions: Vec<Session>,
    /// One line per event that could not be used, saying why.
    pub notes: Vec<String>,
}

/// A calendar that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcsError {
    /// Not iCalendar text.
    #[error("This is not a calendar file: an .ics file starts with BEGIN:VCALENDAR. Export the calendar again as iCalendar (.ics).")]
    NotACalendar,
    /// The parser failed.
    #[error("The calendar file is damaged and was not imported ({0}). Nothing in your schedule was changed.")]
    Parse(String),
}

/// Event time as written in the file.
enum When {
    At(DateTime<Tz>),
    AllDay,
}

/// Windows zone names Outlook writes in TZID, mapped to IANA (CLDR windowsZones, main zones).
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("Eastern Standard Time", "America/New_York"),
    ("Central Standard Time", "America/Chicago"),
    ("Mountain Standard Time", "America/Denver"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("India Standard Time", "Asia/Kolkata"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("W. Central Africa Standard Time", "Africa/Lagos"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("UTC", "UTC"),
    ("Coordinated Universal Time", "UTC"),
];

/// Resolves a TZID: an IANA name, a Windows name, or a prefixed IANA name such as
/// `/mozilla.org/20050126_1/Europe/London`.
pub fn resolve_zone(tzid: &str) -> Option<chrono_tz::Tz> {
    let tzid = tzid.trim().trim_matches('"');
    if let Ok(tz) = tzid.parse::<chrono_tz::Tz>() {
        return Some(tz);
    }
    if let Some((_, iana)) = WINDOWS_ZONES
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(tzid))
    {
        return iana.parse().ok();
    }
    // Try ever shorter suffixes of a path-like TZID.
    let parts: Vec<&str> = tzid.split('/').collect();
    (1..parts.len()).find_map(|i| parts[i..].join("/").parse().ok())
}

fn param<'a>(p: &'a Property<'_>, key: &str) -> Option<&'a str> {
    p.params
        .iter()
        .find(|x| x.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|x| x.val.as_ref().map(|v| v.as_str()))
}

fn prop<'a>(c: &'a Component<'_>, name: &str) -> Option<&'a Property<'a>> {
    c.properties
        .iter()
        .find(|p| p.name.as_str().eq_ignore_ascii_case(name))
}

fn props<'a>(c: &'a Component<'_>, name: &'a str) -> impl Iterator<Item = &'a Property<'a>> {
    c.properties
        .iter()
        .filter(move |p| p.name.as_str().eq_ignore_ascii_case(name))
}

fn text(c: &Component<'_>, name: &str) -> Option<String> {
    prop(c, name).map(|p| p.val.clone().unescape_text().as_str().trim().to_string())
}

/// Localises a wall-clock time: a time in a DST gap moves forward by an hour, an ambiguous one
/// takes the earlier instant (RFC 5545 §3.3.5).
fn localise(tz: Tz, naive: NaiveDateTime) -> Option<DateTime<Tz>> {
    tz.from_local_datetime(&naive).earliest().or_else(|| {
        tz.from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
    })
}

fn parse_value(value: &str, tzid: Option<&str>, is_date: bool, local: Tz) -> Result<When, String> {
    let v = value.trim();
    if is_date || (v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit())) {
        NaiveDate::parse_from_str(v, "%Y%m%d").map_err(|_| format!("bad date “{v}”"))?;
        return Ok(When::AllDay);
    }
    let (body, utc) = match v.strip_suffix('Z').or_else(|| v.strip_suffix('z')) {
        Some(b) => (b, true),
        None => (v, false),
    };
    let naive = NaiveDateTime::parse_from_str(body, "%Y%m%dT%H%M%S")
        .map_err(|_| format!("bad date-time “{v}”"))?;
    let tz = if utc {
        Tz::UTC
    } else if let Some(id) = tzid {
        Tz::Tz(resolve_zone(id).ok_or_else(|| format!("unknown time zone “{id}”"))?)
    } else {
        local
    };
    localise(tz, naive)
        .map(When::At)
        .ok_or_else(|| format!("time “{v}” does not exist"))
}

fn when(p: &Property<'_>, local: Tz) -> Result<When, String> {
    let is_date = param(p, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
    parse_value(p.val.as_str(), param(p, "TZID"), is_date, local)
}

/// All date-times of a multi-valued property (EXDATE, RDATE), in `start`'s zone where floating.
fn when_list(c: &Component<'_>, name: &str, local: Tz) -> Result<Vec<DateTime<Tz>>, String> {
    let mut out = Vec::new();
    for p in props(c, name) {
        let is_date = param(p, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
        for v in p.val.as_str().split(',') {
            if let When::At(t) = parse_value(v, param(p, "TZID"), is_date, local)? {
                out.push(t);
            }
        }
    }
    Ok(out)
}

fn to_ts(t: &DateTime<Tz>) -> Timestamp {
    Timestamp::from_second(t.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn zone_name(t: &DateTime<Tz>) -> String {
    match t.timezone() {
        Tz::Tz(z) => z.name().to_string(),
        Tz::Local(_) => "UTC".into(),
    }
}

/// What an event contributes to each of its occurrences.
#[derive(Clone)]
struct EventInfo {
    title: String,
    duration: SignedDuration,
    link: Option<String>,
    cancelled: bool,
}

fn event_info(
    c: &Component<'_>,
    start: &DateTime<Tz>,
    local: Tz,
    patterns: &[CustomPattern],
) -> Result<EventInfo, String> {
    let duration = if let Some(end) = prop(c, "DTEND") {
        match when(end, local)? {
            When::At(e) => SignedDuration::from_secs(e.timestamp() - start.timestamp()),
            When::AllDay => return Err("its end is a date without a time".into()),
        }
    } else if let Some(d) = prop(c, "DURATION") {
        d.val
            .as_str()
            .trim()
            .parse::<SignedDuration>()
            .map_err(|_| format!("bad DURATION “{}”", d.val.as_str()))?
    } else {
        SignedDuration::from_hours(1)
    };
    if duration <= SignedDuration::ZERO || duration > SignedDuration::from_hours(24) {
        return Err("its length is not between a minute and a day".into());
    }
    let url = text(c, "URL").unwrap_or_default();
    let location = text(c, "LOCATION").unwrap_or_default();
    let description = text(c, "DESCRIPTION").unwrap_or_default();
    let alt = props(c, "X-ALT-DESC")
        .map(|p| p.val.as_str().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let conference = props(c, "CONFERENCE")
        .map(|p| p.val.as_str().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let link = detect(
        &[
            (Field::Url, &url),
            (Field::Url, &conference),
            (Field::Location, &location),
            (Field::Description, &description),
            (Field::Description, &alt),
        ],
        patterns,
    )
    .map(|l| l.url);
    Ok(EventInfo {
        title: mentee_from_title(&text(c, "SUMMARY").unwrap_or_default()),
        duration,
        link,
        cancelled: text(c, "STATUS").is_some_and(|s| s.eq_ignore_ascii_case("CANCELLED")),
    })
}

/// "Mentoring session with Sam" → "Sam"; other titles are kept as they are.
fn mentee_from_title(title: &str) -> String {
    let t = title.trim();
    let lower = t.to_lowercase();
    for prefix in [
        "mentoring session with ",
        "mentoring session: ",
        "mentoring with ",
        "mentoring: ",
        "mentor session with ",
        "session with ",
    ] {
        if lower.starts_with(prefix) && t.len() > prefix.len() {
            return t[prefix.len()..].trim().to_string();
        }
    }
    if t.is_empty() {
        "(untitled session)".into()
    } else {
        t.to_string()
    }
}

/// Reads sessions from iCalendar text.
pub fn import(text_in: &str, opts: &ImportOptions) -> Result<ImportOutcome, IcsError> {
    if !text_in.to_ascii_uppercase().contains("BEGIN:VCALENDAR") {
        return Err(IcsError::NotACalendar);
    }
    let unfolded = unfold(text_in);
    let cal = read_calendar(&unfolded).map_err(|e| {
        IcsError::Parse(
            e.trim_start_matches("error: ")
                .lines()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ")
                .trim()
                .to_string(),
        )
    })?;
    let local = resolve_zone(&opts.local_zone)
        .map(Tz::Tz)
        .unwrap_or(Tz::UTC);
    let events: Vec<&Component<'_>> = cal
        .components
        .iter()
        .filter(|c| c.name.as_str().eq_ignore_ascii_case("VEVENT"))
        .collect();
    let until = opts.from + opts.horizon;
    let mut notes = Vec::new();
    let mut sessions = Vec::new();

    // Overrides (RECURRENCE-ID) by UID and original start.
    let mut overrides: BTreeMap<(String, i64), &Component<'_>> = BTreeMap::new();
    for e in &events {
        if let (Some(uid), Some(rid)) = (text(e, "UID"), prop(e, "RECURRENCE-ID")) {
            if let Ok(When::At(t)) = when(rid, local) {
                overrides.insert((uid, t.timestamp()), e);
            }
        }
    }

    for (n, e) in events.iter().enumerate() {
        if prop(e, "RECURRENCE-ID").is_some() {
            continue;
        }
        let title = text(e, "SUMMARY").unwrap_or_else(|| format!("event {}", n + 1));
        let uid = text(e, "UID").unwrap_or_else(|| format!("no-uid-{n}"));
        let skip = |why: String, notes: &mut Vec<String>| {
            notes.push(format!("“{title}” was skipped: {why}."))
        };
        let Some(dtstart) = prop(e, "DTSTART") else {
            skip("it has no start time".into(), &mut notes);
            continue;
        };
        let start = match when(dtstart, local) {
            Ok(When::At(t)) => t,
            Ok(When::AllDay) => {
                skip(
                    "it is an all-day event, not a session at a time".into(),
                    &mut notes,
                );
                continue;
            }
            Err(why) => {
                skip(why, &mut notes);
                continue;
            }
        };
        let info = match event_info(e, &start, local, &opts.link_patterns) {
            Ok(i) => i,
            Err(why) => {
                skip(why, &mut notes);
                continue;
            }
        };
        if info.cancelled {
            continue;
        }
        let occurrences: Vec<DateTime<Tz>> = match recurrence(e, &start, local) {
            Ok(Some(set)) => set.into_iter().take(2000).collect(),
            Ok(None) => vec![start],
            Err(why) => {
                skip(why, &mut notes);
                continue;
            }
        };
        for (i, occ) in occurrences.iter().enumerate() {
            let original = to_ts(occ);
            if original > until {
                break;
            }
            let (occ_start, occ_info) = match overrides.get(&(uid.clone(), occ.timestamp())) {
                Some(o) => {
                    let Some(Ok(When::At(s))) = prop(o, "DTSTART").map(|p| when(p, local)) else {
                        skip("a moved occurrence has no usable start".into(), &mut notes);
                        continue;
                    };
                    match event_info(o, &s, local, &opts.link_patterns) {
                        Ok(info) => (s, info),
                        Err(why) => {
                            skip(why, &mut notes);
                            continue;
                        }
                    }
                }
                // Not cancelled: cancelled series were skipped above.
                None => (*occ, info.clone()),
            };
            let st = to_ts(&occ_start);
            if occ_info.cancelled || st + occ_info.duration <= opts.from {
                continue;
            }
            sessions.push(Session {
                id: format!("{uid}@{}", original.as_second()),
                mentee: occ_info.title,
                start: st,
                time_zone: zone_name(&occ_start),
                duration_min: (occ_info.duration.as_secs() / 60).max(1) as u32,
                link: occ_info.link,
                template: None,
                session_number: (occurrences.len() > 1).then_some(i as u32 + 1),
                source: SessionSource::Calendar {
                    calendar: opts.calendar.clone(),
                    uid: uid.clone(),
                },
            });
        }
    }
    sessions.sort_by_key(|s| (s.start, s.id.clone()));
    Ok(ImportOutcome { sessions, notes })
}

/// The event's recurrence set, if it recurs.
fn recurrence(
    e: &Component<'_>,
    start: &DateTime<Tz>,
    local: Tz,
) -> Result<Option<RRuleSet>, String> {
    let rules: Vec<&Property<'_>> = props(e, "RRULE").collect();
    let rdates = when_list(e, "RDATE", local)?;
    if rules.is_empty() && rdates.is_empty() {
        return Ok(None);
    }
    let mut set = RRuleSet::new(*start);
    for r in rules {
        let rule: RRule<Unvalidated> = r
            .val
            .as_str()
            .parse()
            .map_err(|e| format!("its repeat rule “{}” is not valid ({e})", r.val.as_str()))?;
        let rule = rule
            .validate(*start)
            .map_err(|e| format!("its repeat rule “{}” is not valid ({e})", r.val.as_str()))?;
        set = set.rrule(rule);
    }
    for d in rdates {
        set = set.rdate(d);
    }
    set = set.set_exdates(when_list(e, "EXDATE", start.timezone())?);
    Ok(Some(set))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn opts(now: &str) -> ImportOptions {
        ImportOptions::new("test.ics", "Europe/London", ts(now))
    }

    fn cal(events: &str) -> String {
        format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{events}END:VCALENDAR\r\n")
    }

    #[test]
    fn weekly_programme_keeps_local_time_across_dst() {
        // Seven weekly sessions at 18:30 London time from 12 October 2026: the clocks go back
        // on 25 October, so the UTC time moves from 17:30 to 18:30.
        let text = cal("BEGIN:VEVENT\r\nUID:prog-1@example.org\r\nDTSTAMP:20261001T000000Z\r\nDTSTART;TZID=Europe/London:20261012T183000\r\nDTEND;TZID=Europe/London:20261012T193000\r\nRRULE:FREQ=WEEKLY;COUNT=7\r\nEXDATE;TZID=Europe/London:20261102T183000\r\nSUMMARY:Mentoring session with Priya\r\nLOCATION:https://meet.google.com/abc-defg-hij\r\nEND:VEVENT\r\n");
        let out = import(&text, &opts("2026-10-01T00:00:00Z")).unwrap();
        assert!(out.notes.is_empty(), "{:?}", out.notes);
        let starts: Vec<String> = out.sessions.iter().map(|s| s.start.to_string()).collect();
        assert_eq!(
            starts,
            [
                "2026-10-12T17:30:00Z",
                "2026-10-19T17:30:00Z",
                "2026-10-26T18:30:00Z",
                // 2 November excluded by EXDATE
                "2026-11-09T18:30:00Z",
                "2026-11-16T18:30:00Z",
                "2026-11-23T18:30:00Z",
            ]
        );
        let numbers: Vec<u32> = out
            .sessions
            .iter()
            .map(|s| s.session_number.unwrap())
            .collect();
        // Numbers count the sessions that take place: after a skipped week the mentee's fourth
        // session is the fourth, whatever the calendar week.
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
        let s = &out.sessions[0];
        assert_eq!(s.mentee, "Priya");
        assert_eq!(s.duration_min, 60);
        assert_eq!(s.time_zone, "Europe/London");
        assert_eq!(
            s.link.as_deref(),
            Some("https://meet.google.com/abc-defg-hij")
        );
        assert_eq!(s.id, "prog-1@example.org@1791826200");
        // Ids are stable across imports.
        assert_eq!(import(&text, &opts("2026-10-01T00:00:00Z")).unwrap(), out);
    }

    #[test]
    fn past_occurrences_and_the_horizon_are_left_out() {
        let text = cal("BEGIN:VEVENT\r\nUID:w\r\nDTSTART:20260105T090000Z\r\nDURATION:PT45M\r\nRRULE:FREQ=WEEKLY\r\nSUMMARY:Jo\r\nEND:VEVENT\r\n");
        let mut o = opts("2026-11-22T00:00:00Z");
        o.horizon = SignedDuration::from_hours(24 * 21);
        let out = import(&text, &o).unwrap();
        let starts: Vec<String> = out.sessions.iter().map(|s| s.start.to_string()).collect();
        assert_eq!(
            starts,
            [
                "2026-11-23T09:00:00Z",
                "2026-11-30T09:00:00Z",
                "2026-12-07T09:00:00Z"
            ]
        );
        assert_eq!(out.sessions[0].duration_min, 45);
        // Numbered from the series' first session in January.
        assert_eq!(out.sessions[0].session_number, Some(47));
    }

    #[test]
    fn until_across_dst_in_new_york() {
        // US clocks go forward on 8 March 2026: 09:00 local is 14:00Z before, 13:00Z after.
        let text = cal("BEGIN:VEVENT\r\nUID:ny\r\nDTSTART;TZID=America/New_York:20260302T090000\r\nDTEND;TZID=America/New_York:20260302T100000\r\nRRULE:FREQ=WEEKLY;UNTIL=20260316T130000Z\r\nSUMMARY:Ana\r\nEND:VEVENT\r\n");
        let out = import(&text, &opts("2026-03-01T00:00:00Z")).unwrap();
        let starts: Vec<String> = out.sessions.iter().map(|s| s.start.to_string()).collect();
        assert_eq!(
            starts,
            [
                "2026-03-02T14:00:00Z",
                "2026-03-09T13:00:00Z",
                "2026-03-16T13:00:00Z"
            ]
        );
    }

    #[test]
    fn outlook_windows_zone_moved_and_cancelled_occurrences() {
        let text = cal(concat!(
            "BEGIN:VTIMEZONE\r\nTZID:GMT Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n",
            "BEGIN:VEVENT\r\nUID:040000008200E0\r\nDTSTART;TZID=GMT Standard Time:20261201T170000\r\nDTEND;TZID=GMT Standard Time:20261201T180000\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Mentoring: Leo\r\n",
            "DESCRIPTION:Join: https://eur02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fteams.microsoft.com%2Fl%2Fmeetup-join%2F19%253ameeting_x%2540thread.v2%2F0&data=1\r\nEND:VEVENT\r\n",
            // The second occurrence moved to Thursday 18:00.
            "BEGIN:VEVENT\r\nUID:040000008200E0\r\nRECURRENCE-ID;TZID=GMT Standard Time:20261208T170000\r\nDTSTART;TZID=GMT Standard Time:20261210T180000\r\nDTEND;TZID=GMT Standard Time:20261210T190000\r\nSUMMARY:Mentoring: Leo (moved)\r\nLOCATION:https://meet.jit.si/LeoRoom\r\nEND:VEVENT\r\n",
            // The third was cancelled.
            "BEGIN:VEVENT\r\nUID:040000008200E0\r\nRECURRENCE-ID;TZID=GMT Standard Time:20261215T170000\r\nDTSTART;TZID=GMT Standard Time:20261215T170000\r\nSTATUS:CANCELLED\r\nSUMMARY:Mentoring: Leo\r\nEND:VEVENT\r\n",
        ));
        let out = import(&text, &opts("2026-11-22T00:00:00Z")).unwrap();
        assert!(out.notes.is_empty(), "{:?}", out.notes);
        assert_eq!(out.sessions.len(), 2);
        assert_eq!(out.sessions[0].start, ts("2026-12-01T17:00:00Z"));
        assert_eq!(out.sessions[0].mentee, "Leo");
        assert_eq!(
            out.sessions[0].link.as_deref(),
            Some("https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0")
        );
        assert_eq!(out.sessions[1].start, ts("2026-12-10T18:00:00Z"));
        assert_eq!(out.sessions[1].mentee, "Leo (moved)");
        assert_eq!(
            out.sessions[1].link.as_deref(),
            Some("https://meet.jit.si/LeoRoom")
        );
        // The moved session keeps the id of the occurrence it replaces.
        assert_eq!(
            out.sessions[1].id,
            format!("040000008200E0@{}", ts("2026-12-08T17:00:00Z").as_second())
        );
    }

    #[test]
    fn floating_times_use_the_computer_zone_and_folded_lines_are_joined() {
        let text = cal("BEGIN:VEVENT\r\nUID:f\r\nDTSTART:20260701T180000\r\nDTEND:20260701T184500\r\nSUMMARY:Kim\r\nDESCRIPTION:Zoom: https://us02web.zoom.us/j/8123\r\n 4567890?pwd=abc\r\nEND:VEVENT\r\n");
        let out = import(&text, &opts("2026-06-01T00:00:00Z")).unwrap();
        assert_eq!(out.sessions[0].start, ts("2026-07-01T17:00:00Z"));
        assert_eq!(out.sessions[0].duration_min, 45);
        assert_eq!(
            out.sessions[0].link.as_deref(),
            Some("https://us02web.zoom.us/j/81234567890?pwd=abc")
        );
        assert_eq!(out.sessions[0].session_number, None);
    }

    #[test]
    fn unusable_events_are_named_and_the_rest_imported() {
        let text = cal(concat!(
            "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20261201\r\nSUMMARY:Team away day\r\nEND:VEVENT\r\n",
            "BEGIN:VEVENT\r\nUID:b\r\nDTSTART;TZID=Mars/Olympus:20261201T100000\r\nSUMMARY:Space mentoring\r\nEND:VEVENT\r\n",
            "BEGIN:VEVENT\r\nUID:c\r\nDTSTART:20261201T100000Z\r\nRRULE:FREQ=SOMETIMES\r\nSUMMARY:Broken rule\r\nEND:VEVENT\r\n",
            "BEGIN:VEVENT\r\nUID:d\r\nDTSTART:20261201T100000Z\r\nDTEND:20261201T090000Z\r\nSUMMARY:Ends before it starts\r\nEND:VEVENT\r\n",
            "BEGIN:VEVENT\r\nUID:e\r\nDTSTART:20261202T100000Z\r\nSUMMARY:Good one\r\nURL:javascript:alert(1)\r\nEND:VEVENT\r\n",
        ));
        let out = import(&text, &opts("2026-11-22T00:00:00Z")).unwrap();
        assert_eq!(out.sessions.len(), 1);
        assert_eq!(out.sessions[0].mentee, "Good one");
        assert_eq!(out.sessions[0].link, None, "an unsafe URL is never kept");
        assert_eq!(out.notes.len(), 4, "{:#?}", out.notes);
        assert!(out.notes[0].contains("Team away day") && out.notes[0].contains("all-day"));
        assert!(out.notes[1].contains("Mars/Olympus"));
        assert!(out.notes[2].contains("repeat rule"));
        assert!(out.notes[3].contains("length"));
    }

    #[test]
    fn malformed_files_are_errors() {
        assert_eq!(
            import("hello, this is a note", &opts("2026-11-22T00:00:00Z")),
            Err(IcsError::NotACalendar)
        );
        let broken = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261201T100000Z\r\nEND:VCALENDAR\r\n";
        let err = import(broken, &opts("2026-11-22T00:00:00Z")).unwrap_err();
        assert!(matches!(err, IcsError::Parse(_)), "{err:?}");
        assert!(
            err.to_string()
                .contains("Nothing in your schedule was changed"),
            "{err}"
        );
    }

    #[test]
    fn zones() {
        assert_eq!(
            resolve_zone("Europe/London"),
            Some(chrono_tz::Europe::London)
        );
        assert_eq!(
            resolve_zone("\"W. Europe Standard Time\""),
            Some(chrono_tz::Europe::Berlin)
        );
        assert_eq!(
            resolve_zone("/mozilla.org/20050126_1/America/New_York"),
            Some(chrono_tz::America::New_York)
        );
        assert_eq!(resolve_zone("Nowhere Standard Time"), None);
    }
}
