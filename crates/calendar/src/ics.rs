//! Importing sessions from iCalendar (.ics) files and feeds.
//!
//! The text is read by [`crate::icstext`] (bounded, lenient, never recursive); recurrence
//! (RRULE, RDATE, EXDATE) is expanded with the `rrule` crate in the event's own time zone
//! (`chrono-tz`), so a weekly 18:00 session stays at 18:00 local time across daylight-saving
//! changes. Moved or cancelled single occurrences (RECURRENCE-ID overrides, as Outlook and
//! Google export them) replace or remove their occurrence. Outlook's Windows zone names
//! ("GMT Standard Time") are mapped to IANA names.
//!
//! Everything is bounded before it is expanded: recurrence is expanded only inside a window
//! (from a day before `from` to the horizon, a year by default), at most
//! [`MAX_SESSIONS_PER_EVENT`] sessions per event and [`ImportOptions::max_sessions`] in all, with
//! a note whenever anything was cut; dates are kept between 1900 and 2199; rules that repeat
//! more often than hourly are refused; time-zone names are short.
//!
//! A file that cannot be read is an error naming the file and the line; an event that cannot be
//! used (all-day, unknown zone, broken rule) is skipped with a note naming it, and the rest of
//! the calendar is still imported.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone as _};
use jiff::{SignedDuration, Timestamp};
use rrule::{Frequency, RRule, RRuleSet, Tz, Unvalidated};

use crate::icstext::{self, Component, Property};
use crate::links::{detect, CustomPattern, Field};
use crate::schedule::{calendar_session_id, clean_text, Session, SessionSource, MAX_NAME_CHARS};

/// Most sessions one event (one series) contributes to the schedule; a daily series for a
/// year fits.
pub const MAX_SESSIONS_PER_EVENT: usize = 400;

/// Most sessions one calendar contributes, by default.
pub const MAX_SESSIONS: usize = 3_000;

/// How many earlier occurrences of a series are counted to number its sessions; past this the
/// series is too long for "session 7 of the programme" to mean anything and is not numbered.
const NUMBERING_SCAN: u16 = 1_000;

/// Longest time-zone name looked at (the longest IANA name is 32 characters; Outlook's
/// prefixed names are a little longer).
const MAX_TZID: usize = 128;

/// Years a date may have: outside them it is a typo or an attack, never a session.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

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
    /// Most sessions kept from this calendar (the soonest).
    pub max_sessions: usize,
    /// Time allowed for expanding repeat rules; series left after it are skipped with a note
    /// (a rule that never matches costs the `rrule` crate's full iteration limit, about 10 ms).
    pub expansion_budget: std::time::Duration,
}

impl ImportOptions {
    /// Defaults: from `now`, one year ahead, at most [`MAX_SESSIONS`].
    pub fn new(calendar: impl Into<String>, local_zone: impl Into<String>, now: Timestamp) -> Self {
        ImportOptions {
            calendar: calendar.into(),
            local_zone: local_zone.into(),
            from: now,
            horizon: SignedDuration::from_hours(24 * 366),
            link_patterns: Vec::new(),
            max_sessions: MAX_SESSIONS,
            expansion_budget: std::time::Duration::from_secs(2),
        }
    }
}

/// The sessions found, and notes about events that were skipped or cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Sessions (occurrences), soonest first.
    pub sessions: Vec<Session>,
    /// One line per event that could not be used (or was cut short), saying why.
    pub notes: Vec<String>,
}

/// A calendar that could not be read at all. Nothing in the schedule is changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcsError {
    /// Not iCalendar text.
    #[error("“{calendar}” is not a calendar file: an .ics file starts with BEGIN:VCALENDAR. Export the calendar again as iCalendar (.ics). Nothing in your schedule was changed.")]
    NotACalendar {
        /// The file or feed.
        calendar: String,
    },
    /// The text is damaged.
    #[error("“{calendar}” could not be read: {problem}. Nothing in your schedule was changed; export the calendar again, or tell whoever sent it.")]
    Parse {
        /// The file or feed.
        calendar: String,
        /// 1-based line number (0 for the file as a whole).
        line: usize,
        /// What is wrong, with the line ("line 42: …").
        problem: String,
    },
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
    if tzid.len() > MAX_TZID {
        return None;
    }
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

fn text(c: &Component, name: &str) -> Option<String> {
    c.prop(name).map(|p| p.text().trim().to_string())
}

/// Localises a wall-clock time: a time in a DST gap moves forward by an hour, an ambiguous one
/// takes the earlier instant (RFC 5545 §3.3.5).
fn localise(tz: Tz, naive: NaiveDateTime) -> Option<DateTime<Tz>> {
    tz.from_local_datetime(&naive).earliest().or_else(|| {
        tz.from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
    })
}

fn in_years(year: i32, v: &str) -> Result<(), String> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(format!(
            "its date “{}” is not between the years {} and {}",
            clean_text(v, 40),
            YEARS.start(),
            YEARS.end()
        ))
    }
}

fn parse_value(value: &str, tzid: Option<&str>, is_date: bool, local: Tz) -> Result<When, String> {
    use chrono::Datelike as _;
    let v = value.trim();
    if is_date || (v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit())) {
        let d = NaiveDate::parse_from_str(v, "%Y%m%d")
            .map_err(|_| format!("bad date “{}”", clean_text(v, 40)))?;
        in_years(d.year(), v)?;
        return Ok(When::AllDay);
    }
    let (body, utc) = match v.strip_suffix('Z').or_else(|| v.strip_suffix('z')) {
        Some(b) => (b, true),
        None => (v, false),
    };
    let naive = NaiveDateTime::parse_from_str(body, "%Y%m%dT%H%M%S")
        .map_err(|_| format!("bad date-time “{}”", clean_text(v, 40)))?;
    in_years(naive.year(), v)?;
    let tz = if utc {
        Tz::UTC
    } else if let Some(id) = tzid {
        Tz::Tz(
            resolve_zone(id)
                .ok_or_else(|| format!("unknown time zone “{}”", clean_text(id, 40)))?,
        )
    } else {
        local
    };
    localise(tz, naive)
        .map(When::At)
        .ok_or_else(|| format!("time “{}” does not exist", clean_text(v, 40)))
}

fn is_date_value(p: &Property) -> bool {
    p.param("VALUE")
        .is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
}

fn when(p: &Property, local: Tz) -> Result<When, String> {
    parse_value(&p.value, p.param("TZID"), is_date_value(p), local)
}

/// All date-times of a multi-valued property (EXDATE, RDATE), floating ones in `local`. A
/// PERIOD value (`start/end` or `start/duration`) counts by its start.
fn when_list(c: &Component, name: &str, local: Tz) -> Result<Vec<DateTime<Tz>>, String> {
    let mut out = Vec::new();
    for p in c.props(name) {
        for v in p.value.split(',') {
            let start = v.split('/').next().unwrap_or_default();
            if let When::At(t) = parse_value(start, p.param("TZID"), is_date_value(p), local)? {
                out.push(t);
            }
            if out.len() > MAX_SESSIONS_PER_EVENT * 4 {
                return Err(format!(
                    "it lists more than {} {name} dates",
                    MAX_SESSIONS_PER_EVENT * 4
                ));
            }
        }
    }
    Ok(out)
}

fn to_ts(t: &DateTime<Tz>) -> Timestamp {
    Timestamp::from_second(t.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn to_tz(t: Timestamp, tz: Tz) -> DateTime<Tz> {
    tz.timestamp_opt(t.as_second(), 0)
        .single()
        .unwrap_or_else(|| Tz::UTC.timestamp_opt(0, 0).unwrap())
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
    c: &Component,
    start: &DateTime<Tz>,
    local: Tz,
    patterns: &[CustomPattern],
) -> Result<EventInfo, String> {
    let duration = if let Some(end) = c.prop("DTEND") {
        match when(end, local)? {
            When::At(e) => SignedDuration::from_secs(e.timestamp() - start.timestamp()),
            When::AllDay => return Err("its end is a date without a time".into()),
        }
    } else if let Some(d) = c.prop("DURATION") {
        d.value
            .trim()
            .parse::<SignedDuration>()
            .map_err(|_| format!("bad DURATION “{}”", clean_text(&d.value, 40)))?
    } else {
        SignedDuration::from_hours(1)
    };
    if duration <= SignedDuration::ZERO || duration > SignedDuration::from_hours(24) {
        return Err("its length is not between a minute and a day".into());
    }
    let url = text(c, "URL").unwrap_or_default();
    let location = text(c, "LOCATION").unwrap_or_default();
    let description = text(c, "DESCRIPTION").unwrap_or_default();
    // Outlook's HTML description: entities decoded first, or `&amp;` and `&quot;` end up in
    // the link.
    let alt = c
        .props("X-ALT-DESC")
        .map(|p| html_escape::decode_html_entities(&p.text()).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    let conference = c
        .props("CONFERENCE")
        .map(|p| p.value.clone())
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

/// "Mentoring session with Sam" → "Sam", and a trailing bracketed note is not part of the name
/// ("Priya (The Brokerage)" → "Priya": a programme or a place written after it); other titles
/// are kept as they are. Control characters (terminal escapes) never get through.
fn mentee_from_title(title: &str) -> String {
    let t = clean_text(title, MAX_NAME_CHARS);
    let lower = t.to_lowercase();
    let mut name = t.as_str();
    for prefix in [
        "mentoring session with ",
        "mentoring session: ",
        "mentoring with ",
        "mentoring: ",
        "mentor session with ",
        "session with ",
    ] {
        if lower.starts_with(prefix) && t.len() > prefix.len() && t.is_char_boundary(prefix.len()) {
            name = t[prefix.len()..].trim();
            break;
        }
    }
    let name = without_trailing_note(name);
    if name.is_empty() {
        "(untitled session)".into()
    } else {
        name.to_string()
    }
}

/// "Priya (The Brokerage)" → "Priya"; "[x] Sam [online]" → "[x] Sam"; a title that is only a
/// bracket is kept.
fn without_trailing_note(name: &str) -> &str {
    let name = name.trim();
    for (open, close) in [('(', ')'), ('[', ']')] {
        if let Some(body) = name.strip_suffix(close) {
            if let Some(at) = body.rfind(open) {
                let before = name[..at].trim_end();
                if !before.is_empty() {
                    return before;
                }
            }
        }
    }
    name
}

/// Decodes a calendar file's bytes: UTF-8 (with or without a byte-order mark), UTF-16 with a
/// byte-order mark, and otherwise Windows-1252 (a superset of Latin-1, what older Windows
/// programs write), with a note saying so.
/// UTF-8 text is borrowed, not copied.
pub fn decode(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, Option<String>) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (text, None);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), None),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (
                text,
                Some("The file is not in UTF-8, so it was read as Western European (Windows-1252) text; if names look wrong, export it again as UTF-8.".into()),
            )
        }
    }
}

/// Reads sessions from the bytes of a calendar file (see [`decode`] for the encodings).
pub fn import_bytes(bytes: &[u8], opts: &ImportOptions) -> Result<ImportOutcome, IcsError> {
    // The reader's size bound, applied before anything is decoded (which copies the bytes).
    let max = icstext::Limits::default().max_bytes;
    if bytes.len() > max {
        return Err(IcsError::Parse {
            calendar: clean_text(&opts.calendar, 200),
            line: 0,
            problem: icstext::too_large(max).to_string(),
        });
    }
    let (text, note) = decode(bytes);
    let mut out = import(&text, opts)?;
    if let Some(n) = note {
        out.notes.insert(0, n);
    }
    Ok(out)
}

/// The properties the import reads; the reader keeps only these (every other line is read,
/// bounded and dropped). A property read below must be listed here.
const USED_PROPERTIES: &[&str] = &[
    "ATTENDEE",
    "CONFERENCE",
    "DESCRIPTION",
    "DTEND",
    "DTSTART",
    "DURATION",
    "EXDATE",
    "LOCATION",
    "RDATE",
    "RECURRENCE-ID",
    "RRULE",
    "STATUS",
    "SUMMARY",
    "UID",
    "URL",
    "X-ALT-DESC",
];

/// Reads sessions from iCalendar text.
pub fn import(text_in: &str, opts: &ImportOptions) -> Result<ImportOutcome, IcsError> {
    let calendar = clean_text(&opts.calendar, 200);
    let parsed = icstext::parse_keeping(text_in, &icstext::Limits::default(), |name| {
        USED_PROPERTIES.contains(&name)
    })
    .map_err(|e| {
        if e.message == icstext::NO_CALENDAR {
            IcsError::NotACalendar {
                calendar: calendar.clone(),
            }
        } else {
            IcsError::Parse {
                calendar: calendar.clone(),
                line: e.line,
                problem: e.to_string(),
            }
        }
    })?;
    let cals = &parsed.calendars;
    let local = resolve_zone(&opts.local_zone)
        .map(Tz::Tz)
        .unwrap_or(Tz::UTC);
    let events: Vec<&Component> = cals
        .iter()
        .flat_map(|c| c.children.iter())
        .filter(|c| c.name == "VEVENT")
        .collect();
    let window_start = crate::schedule::saturating_add(opts.from, -SignedDuration::from_hours(24));
    let until = opts
        .from
        .checked_add(opts.horizon)
        .unwrap_or(Timestamp::MAX);
    let mut notes = Vec::new();
    let mut sessions = Vec::new();
    let expanding = std::time::Instant::now();
    // Events that could not be used at all (each skipped with a note).
    let unreadable = std::cell::RefCell::new(std::collections::BTreeSet::new());

    // Overrides (RECURRENCE-ID) by UID and original start.
    let mut overrides: BTreeMap<(String, i64), &Component> = BTreeMap::new();
    for e in &events {
        if let (Some(uid), Some(rid)) = (text(e, "UID"), e.prop("RECURRENCE-ID")) {
            if let Ok(When::At(t)) = when(rid, local) {
                overrides.insert((uid, t.timestamp()), e);
            }
        }
    }

    for (n, e) in events.iter().enumerate() {
        if e.prop("RECURRENCE-ID").is_some() {
            continue;
        }
        let title = text(e, "SUMMARY")
            .map(|t| clean_text(&t, MAX_NAME_CHARS))
            .unwrap_or_else(|| format!("event {}", n + 1));
        let uid = text(e, "UID")
            .map(|u| clean_text(&u, 512))
            .unwrap_or_else(|| format!("no-uid-{n}"));
        let skip = |why: String, notes: &mut Vec<String>| {
            unreadable.borrow_mut().insert(n);
            notes.push(format!("“{title}” (line {}) was skipped: {why}.", e.line))
        };
        let Some(dtstart) = e.prop("DTSTART") else {
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
        // (occurrence, its number in the series if known)
        let occurrences: Vec<(DateTime<Tz>, Option<u32>)> = match recurrence(e, &start, local) {
            Ok(None) => vec![(start, None)],
            Ok(Some(_)) if expanding.elapsed() > opts.expansion_budget => {
                skip(
                    "the calendar's repeat rules took too long to work out, so this series was left out (import it again, or ask whoever sent it for a simpler calendar)".into(),
                    &mut notes,
                );
                continue;
            }
            Ok(Some((set, unbounded))) => {
                let tz = start.timezone();
                let ws = to_tz(window_start, tz);
                let we = to_tz(until, tz);
                let found = set
                    .clone()
                    .after(ws)
                    .before(we)
                    .all(MAX_SESSIONS_PER_EVENT as u16 + 1);
                let mut dates = found.dates;
                if dates.len() > MAX_SESSIONS_PER_EVENT {
                    dates.truncate(MAX_SESSIONS_PER_EVENT);
                    notes.push(format!(
                        "“{title}” (line {}) repeats more often than a mentoring programme; only its first {MAX_SESSIONS_PER_EVENT} sessions were imported.",
                        e.line
                    ));
                } else if dates.is_empty() && unbounded && start <= we {
                    // A series without an end that gives nothing in the window: its rule never
                    // matches (or not for many months).
                    notes.push(format!(
                        "“{title}” (line {}) was skipped: its repeat rule gives no date in the coming months.",
                        e.line
                    ));
                }
                // Number the sessions in the window by counting the earlier ones (a bounded
                // count: a series with more than a thousand is not a programme).
                let known_before = if dates.is_empty() {
                    None
                } else {
                    let earlier = set
                        .before(to_tz(window_start - SignedDuration::from_secs(1), tz))
                        .all(NUMBERING_SCAN);
                    (earlier.dates.len() < NUMBERING_SCAN as usize).then_some(earlier.dates.len())
                };
                let numbered = known_before.is_some_and(|b| b + dates.len() > 1);
                dates
                    .into_iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let number = known_before
                            .filter(|_| numbered)
                            .map(|b| (b + i + 1) as u32);
                        (d, number)
                    })
                    .collect()
            }
            Err(why) => {
                skip(why, &mut notes);
                continue;
            }
        };
        for (occ, number) in occurrences {
            let original = to_ts(&occ);
            if original > until {
                break;
            }
            let (occ_start, occ_info) = match overrides.get(&(uid.clone(), occ.timestamp())) {
                Some(o) => {
                    let Some(Ok(When::At(s))) = o.prop("DTSTART").map(|p| when(p, local)) else {
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
                None => (occ, info.clone()),
            };
            let st = to_ts(&occ_start);
            if occ_info.cancelled || st + occ_info.duration <= opts.from {
                continue;
            }
            sessions.push(Session {
                id: calendar_session_id(&calendar, &uid, original.as_second()),
                mentee: occ_info.title,
                start: st,
                time_zone: zone_name(&occ_start),
                duration_min: (occ_info.duration.as_secs() / 60).max(1) as u32,
                link: occ_info.link,
                template: None,
                session_number: number,
                programme: None,
                under_18: false,
                source: SessionSource::Calendar {
                    calendar: calendar.clone(),
                    uid: uid.clone(),
                    recurrence_id: Some(original.as_second()),
                },
            });
        }
    }
    if let Some(first) = parsed.skipped.first() {
        // Only a file with no event that could be read at all is refused, by its first
        // problem (the rest is imported, with the skipped lines named).
        if sessions.is_empty() && unreadable.borrow().len() == events.len() {
            let more = match parsed.skipped_count {
                1 => String::new(),
                n => format!(" (and {} more lines that could not be read)", n - 1),
            };
            return Err(IcsError::Parse {
                calendar: calendar.clone(),
                line: first.line,
                problem: format!("{first}{more}"),
            });
        }
        let lines: Vec<String> = parsed.skipped.iter().map(|e| e.to_string()).collect();
        let more = parsed.skipped_count - parsed.skipped.len();
        let (lines_were, n) = match parsed.skipped_count {
            1 => ("line could not be read and was", 1),
            n => ("lines could not be read and were", n),
        };
        let mut note = format!(
            "{n} {lines_were} skipped (the rest was imported): {}",
            lines.join("; ")
        );
        if more > 0 {
            note.push_str(&format!("; and {more} more"));
        }
        note.push('.');
        notes.insert(0, note);
    }
    sessions.sort_by_key(|s| (s.start, s.id.clone()));
    if sessions.len() > opts.max_sessions {
        notes.push(format!(
            "The calendar holds {} sessions in the coming months; only the first {} were imported.",
            sessions.len(),
            opts.max_sessions
        ));
        sessions.truncate(opts.max_sessions);
    }
    Ok(ImportOutcome { sessions, notes })
}

/// An RRULE with a floating or date-only UNTIL made UTC in the start's zone, as the `rrule`
/// crate requires (RFC 5545 lets UNTIL be floating when DTSTART is, and a date when DTSTART
/// is a date; we give floating starts the computer's zone).
fn rule_text(rule: &str, start: &DateTime<Tz>) -> Result<String, String> {
    let parts: Vec<String> = rule
        .split(';')
        .map(|part| {
            let Some((k, v)) = part.split_once('=') else {
                return Ok(part.to_string());
            };
            if !k.trim().eq_ignore_ascii_case("UNTIL") {
                return Ok(part.to_string());
            }
            let v = v.trim();
            if v.ends_with(['Z', 'z']) {
                return Ok(format!("UNTIL={v}"));
            }
            let tz = start.timezone();
            let local_until = if v.len() == 8 {
                // A date: the whole of that day counts.
                NaiveDate::parse_from_str(v, "%Y%m%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(23, 59, 59))
            } else {
                NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S").ok()
            }
            .ok_or_else(|| {
                format!(
                    "its repeat rule ends on “{}”, which is not a date",
                    clean_text(v, 40)
                )
            })?;
            {
                use chrono::Datelike as _;
                in_years(local_until.year(), v)?;
            }
            let utc = localise(tz, local_until)
                .ok_or_else(|| {
                    format!(
                        "its repeat rule ends at a time that does not exist (“{}”)",
                        clean_text(v, 40)
                    )
                })?
                .with_timezone(&chrono::Utc);
            Ok(format!("UNTIL={}", utc.format("%Y%m%dT%H%M%SZ")))
        })
        .collect::<Result<_, String>>()?;
    Ok(parts.join(";"))
}

/// The event's recurrence set, if it recurs, and whether it goes on for ever (a rule without
/// COUNT or UNTIL).
fn recurrence(
    e: &Component,
    start: &DateTime<Tz>,
    local: Tz,
) -> Result<Option<(RRuleSet, bool)>, String> {
    let rules: Vec<&Property> = e.props("RRULE").collect();
    let rdates = when_list(e, "RDATE", local)?;
    if rules.is_empty() && rdates.is_empty() {
        return Ok(None);
    }
    if rules.len() > 4 {
        return Err("it has more than four repeat rules".into());
    }
    let mut set = RRuleSet::new(*start).limit();
    let mut unbounded = false;
    for r in &rules {
        let shown = clean_text(&r.value, 80);
        let rule: RRule<Unvalidated> = rule_text(&r.value, start)?
            .parse()
            .map_err(|e| format!("its repeat rule “{shown}” is not valid ({e})"))?;
        if matches!(rule.get_freq(), Frequency::Secondly | Frequency::Minutely) {
            return Err(format!(
                "its repeat rule “{shown}” repeats every minute or second, which is not a session"
            ));
        }
        unbounded |= rule.get_count().is_none() && rule.get_until().is_none();
        let rule = rule
            .validate(*start)
            .map_err(|e| format!("its repeat rule “{shown}” is not valid ({e})"))?;
        set = set.rrule(rule);
    }
    if rules.is_empty() {
        // RDATE alone: DTSTART is the first occurrence (RFC 5545 §3.8.5.2).
        set = set.rdate(*start);
    }
    for d in rdates {
        set = set.rdate(d);
    }
    set = set.set_exdates(when_list(e, "EXDATE", start.timezone())?);
    Ok(Some((set, unbounded)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mentee_is_the_name_without_the_programme_after_it() {
        for (title, mentee) in [
            ("Mentoring session with Priya (The Brokerage)", "Priya"),
            ("Priya (The Brokerage)", "Priya"),
            ("Session with Sam [online]", "Sam"),
            ("Mentoring: Alex", "Alex"),
            ("Sam Lee", "Sam Lee"),
            ("(The Brokerage)", "(The Brokerage)"),
            ("", "(untitled session)"),
        ] {
            assert_eq!(mentee_from_title(title), mentee, "{title:?}");
        }
    }

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
        assert!(
            s.id.starts_with("prog-1@example.org@1791826200~"),
            "{}",
            s.id
        );
        assert_eq!(
            s.source,
            SessionSource::Calendar {
                calendar: "test.ics".into(),
                uid: "prog-1@example.org".into(),
                recurrence_id: Some(1791826200)
            }
        );
        // Ids are stable across imports…
        assert_eq!(import(&text, &opts("2026-10-01T00:00:00Z")).unwrap(), out);
        // …and differ for another calendar with the same event (one must not replace the other).
        let mut other = opts("2026-10-01T00:00:00Z");
        other.calendar = "other.ics".into();
        let theirs = import(&text, &other).unwrap();
        assert_ne!(theirs.sessions[0].id, s.id);
        assert_eq!(theirs.sessions[0].start, s.start);
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
        // The moved occurrence's own title ("Leo (moved)") names the same mentee.
        assert_eq!(out.sessions[1].mentee, "Leo");
        assert_eq!(
            out.sessions[1].link.as_deref(),
            Some("https://meet.jit.si/LeoRoom")
        );
        // The moved session keeps the id of the occurrence it replaces.
        assert_eq!(
            out.sessions[1].id,
            calendar_session_id(
                "test.ics",
                "040000008200E0",
                ts("2026-12-08T17:00:00Z").as_second()
            )
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
            Err(IcsError::NotACalendar {
                calendar: "test.ics".into()
            })
        );
        // An event left open but whole: imported, the line named.
        let open = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261201T100000Z\r\nEND:VCALENDAR\r\n";
        let out = import(open, &opts("2026-11-22T00:00:00Z")).unwrap();
        assert_eq!(out.sessions.len(), 1);
        assert!(
            out.notes[0].starts_with("1 line could not be read and was skipped (the rest was imported): line 6: END:VCALENDAR where END:VEVENT was expected"),
            "{:?}",
            out.notes
        );
        // Nothing readable at all (its one event has no start): refused by its first problem.
        let broken = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:x\r\nEND:VCALENDAR\r\n";
        let err = import(broken, &opts("2026-11-22T00:00:00Z")).unwrap_err();
        assert!(matches!(err, IcsError::Parse { line: 6, .. }), "{err:?}");
        assert!(
            err.to_string().starts_with(
                "“test.ics” could not be read: line 6: END:VCALENDAR where END:VEVENT was expected"
            ),
            "{err}"
        );
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
