//! Reading iCalendar text (RFC 5545 §3.1) into components and properties: bounded, lenient
//! where real calendar programs are sloppy, and never recursive.
//!
//! This is the one piece of the calendar import written by hand. The `icalendar` crate's parser
//! recurses once per nested `BEGIN:` (a 13 KB file overflowed the stack), echoed whole files in
//! its errors, panicked formatting errors on long lines, and refused files that every calendar
//! program opens. Here:
//! - every input is bounded before it is expanded: total size, line length, nesting depth, the
//!   number of components, properties and parameters;
//! - nesting uses an explicit stack, so depth costs memory in proportion, not stack frames;
//! - lines may end in CRLF, LF or a lone CR; folded lines (a leading space or tab) are joined;
//! - a UTF-8 byte-order mark, blank lines, text before `BEGIN:VCALENDAR` or after
//!   `END:VCALENDAR`, several `VCALENDAR` blocks in one file and white space around property
//!   names and parameters are all accepted;
//! - a line inside a calendar that cannot be read is skipped and named, not the whole file
//!   refused ([`parse`]);
//! - errors carry the line number and say what is wrong in words, never the parser's state.

/// Bounds on what is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest text read, in bytes.
    pub max_bytes: usize,
    /// Longest content line after unfolding, in bytes (an HTML description can be long).
    pub max_line: usize,
    /// Deepest nesting (`VCALENDAR` › `VEVENT` › `VALARM` is 3).
    pub max_depth: usize,
    /// Most components in the file.
    pub max_components: usize,
    /// Most properties in the file.
    pub max_properties: usize,
    /// Most parameters on one property.
    pub max_params: usize,
    /// Most properties kept (those the caller reads; see [`parse_keeping`]): what bounds the
    /// memory a file of many short lines takes.
    pub max_kept: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 8 * 1024 * 1024,
            max_line: 256 * 1024,
            max_depth: 8,
            max_components: 50_000,
            max_properties: 500_000,
            max_params: 32,
            max_kept: 120_000,
        }
    }
}

/// One property: `NAME;PARAM=value:value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// Upper-case name, e.g. `DTSTART`.
    pub name: String,
    /// Parameters, keys upper-case, values unquoted.
    pub params: Vec<(String, String)>,
    /// The raw value (not unescaped).
    pub value: String,
    /// Line number where the property starts (1-based).
    pub line: usize,
}

impl Property {
    /// A parameter's value (case-insensitive key).
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// The value as TEXT (RFC 5545 §3.3.11): `\n`, `\,`, `\;` and `\\` unescaped.
    pub fn text(&self) -> String {
        unescape(&self.value)
    }
}

/// One component (`VEVENT`, `VTIMEZONE`, …) with its properties and sub-components.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Component {
    /// Upper-case name, e.g. `VEVENT`.
    pub name: String,
    /// Properties, in file order.
    pub properties: Vec<Property>,
    /// Nested components.
    pub children: Vec<Component>,
    /// Line of its `BEGIN:`.
    pub line: usize,
}

impl Component {
    /// The first property named `name`.
    pub fn prop(&self, name: &str) -> Option<&Property> {
        self.properties
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// Every property named `name`.
    pub fn props<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Property> + 'a {
        self.properties
            .iter()
            .filter(move |p| p.name.eq_ignore_ascii_case(name))
    }
}

/// Why the text could not be read, with the line it happened on (0 when it is the whole file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", if *line > 0 { format!("line {line}: ") } else { String::new() })]
pub struct ParseError {
    /// 1-based line number, 0 for the whole file.
    pub line: usize,
    /// What is wrong, in words.
    pub message: String,
}

fn err(line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

/// Shortens `s` for a message: never echo a whole line back.
fn clip(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() > 40 {
        format!("{}…", clean.chars().take(40).collect::<String>())
    } else {
        clean
    }
}

/// Splits the text into physical lines (CRLF, LF or lone CR) and joins folded ones, giving each
/// logical line with the number of the physical line it starts on. Lazily, and borrowing every
/// line that is not folded: a file of millions of tiny lines costs no more than one line at a
/// time (it once held them all, about 40 bytes of bookkeeping for each).
fn logical_lines<'a>(
    text: &'a str,
    limits: &'a Limits,
) -> impl Iterator<Item = Result<(usize, std::borrow::Cow<'a, str>), ParseError>> + 'a {
    let mut rest = text;
    let mut n = 0usize;
    let mut pending: Option<(usize, std::borrow::Cow<'a, str>)> = None;
    let mut done = false;
    let too_long = move |n: usize| {
        err(
            n,
            format!(
                "a line is longer than {} KB, which no calendar program writes",
                limits.max_line / 1024
            ),
        )
    };
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        loop {
            if rest.is_empty() {
                done = true;
                return pending.take().map(Ok);
            }
            n += 1;
            let end = rest.find(['\r', '\n']).unwrap_or(rest.len());
            let line = &rest[..end];
            rest = &rest[end..];
            if let Some(r) = rest.strip_prefix("\r\n") {
                rest = r;
            } else if !rest.is_empty() {
                rest = &rest[1..];
            }
            if let Some(cont) = line.strip_prefix([' ', '\t']) {
                if let Some((_, last)) = pending.as_mut() {
                    if last.len() + cont.len() > limits.max_line {
                        done = true;
                        return Some(Err(too_long(n)));
                    }
                    last.to_mut().push_str(cont);
                    continue;
                }
            }
            if line.trim().is_empty() {
                continue;
            }
            if line.len() > limits.max_line {
                done = true;
                return Some(Err(too_long(n)));
            }
            if let Some(previous) = pending.replace((n, std::borrow::Cow::Borrowed(line))) {
                return Some(Ok(previous));
            }
        }
    })
}

/// Splits a content line into name, parameters and value. `None` if it has no `:`.
fn split_line(line: &str, n: usize, limits: &Limits) -> Result<Option<Property>, ParseError> {
    // The name runs to the first ';' or ':'.
    let Some(name_end) = line.find([';', ':']) else {
        return Ok(None);
    };
    let name = line[..name_end].trim();
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(err(
            n,
            format!("“{}” is not a calendar property name", clip(name)),
        ));
    }
    let mut params = Vec::new();
    let bytes = line.as_bytes();
    let mut i = name_end;
    while bytes[i] == b';' {
        i += 1;
        let key_end = line[i..]
            .find(['=', ':', ';'])
            .map(|k| i + k)
            .ok_or_else(|| err(n, format!("the property {name} is cut short")))?;
        let key = line[i..key_end].trim().to_ascii_uppercase();
        let mut values: Vec<String> = Vec::new();
        i = key_end;
        if bytes[i] == b'=' {
            // One or more values separated by ',', each possibly quoted.
            loop {
                i += 1;
                while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b'"' {
                    let close = line[i + 1..].find('"').map(|c| i + 1 + c).ok_or_else(|| {
                        err(n, format!("a quoted parameter of {name} is never closed"))
                    })?;
                    values.push(line[i + 1..close].to_string());
                    i = close + 1;
                    while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
                        i += 1;
                    }
                } else {
                    let end = line[i..]
                        .find([',', ';', ':'])
                        .map(|e| i + e)
                        .unwrap_or(line.len());
                    values.push(line[i..end].trim().to_string());
                    i = end;
                }
                if i >= bytes.len() || bytes[i] != b',' {
                    break;
                }
            }
        }
        if i >= bytes.len() {
            return Err(err(n, format!("the property {name} has no value")));
        }
        params.push((key, values.join(",")));
        if params.len() > limits.max_params {
            return Err(err(
                n,
                format!(
                    "the property {name} has more than {} parameters",
                    limits.max_params
                ),
            ));
        }
    }
    if bytes[i] != b':' {
        return Err(err(n, format!("the property {name} has no value")));
    }
    Ok(Some(Property {
        name: name.to_ascii_uppercase(),
        params,
        value: line[i + 1..].to_string(),
        line: n,
    }))
}

/// The refusal of a text over `max_bytes`.
pub fn too_large(max_bytes: usize) -> ParseError {
    err(
        0,
        format!(
            "the file is larger than {} MB, far more than a calendar of sessions",
            max_bytes / (1024 * 1024)
        ),
    )
}

/// The message when the text holds no calendar at all.
pub const NO_CALENDAR: &str = "there is no BEGIN:VCALENDAR … END:VCALENDAR in it";

/// Most skipped lines kept to be named (all are counted).
pub const MAX_SKIPPED_KEPT: usize = 20;

/// What was read: the calendars, and the lines inside them that could not be read and were
/// skipped (at most [`MAX_SKIPPED_KEPT`] kept, all counted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Each `VCALENDAR` block, in order.
    pub calendars: Vec<Component>,
    /// The first skipped lines, each with its line number and why.
    pub skipped: Vec<ParseError>,
    /// How many lines were skipped in all.
    pub skipped_count: usize,
}

impl Parsed {
    fn skip(&mut self, e: ParseError) {
        self.skipped_count += 1;
        if self.skipped.len() < MAX_SKIPPED_KEPT {
            self.skipped.push(e);
        }
    }
}

/// Reads every `VCALENDAR` in `text` (a leading byte-order mark is skipped). Lines outside a
/// calendar are ignored. Inside one, as `python-icalendar` and Thunderbird do, what cannot be
/// read is skipped and named ([`Parsed::skipped`]) rather than the whole file refused: a line
/// that is not a property (no `:`, a name with spaces, a parameter cut short), an `END:` that
/// closes nothing open (`END:VCALENDARD`), an `END:` that closes an outer component while an
/// inner one is open (the inner one ends there), and a file cut off before its `END:VCALENDAR`
/// (the calendar ends with the file; an event still open there may be cut short and is left
/// out). Only the bounds (size, line length, depth, counts) and a text with no calendar at all
/// are errors.
pub fn parse(text: &str, limits: &Limits) -> Result<Parsed, ParseError> {
    parse_keeping(text, limits, |_| true)
}

/// [`parse`], keeping only the properties whose (upper-case) name `keep` wants: the rest are
/// read, counted against the bounds and dropped, so a file of many lines nobody reads (vendor
/// `X-` properties, alarms' attachments) costs no memory for them.
pub fn parse_keeping(
    text: &str,
    limits: &Limits,
    keep: impl Fn(&str) -> bool,
) -> Result<Parsed, ParseError> {
    if text.len() > limits.max_bytes {
        return Err(too_large(limits.max_bytes));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Parsed::default();
    let mut stack: Vec<Component> = Vec::new();
    let mut components = 0usize;
    let mut properties = 0usize;
    let mut kept = 0usize;
    // Closes the innermost open component into its parent (or the list of calendars).
    fn close(stack: &mut Vec<Component>, calendars: &mut Vec<Component>) {
        if let Some(open) = stack.pop() {
            match stack.last_mut() {
                Some(parent) => parent.children.push(open),
                None => calendars.push(open),
            }
        }
    }
    for item in logical_lines(text, limits) {
        let (n, line) = item?;
        let prop = match split_line(&line, n, limits) {
            Ok(Some(p)) => p,
            // Outside a calendar anything goes (mail headers, trailing text).
            Ok(None) | Err(_) if stack.is_empty() => continue,
            Ok(None) => {
                out.skip(err(
                    n,
                    format!("“{}” is not a calendar line (it has no “:”)", clip(&line)),
                ));
                continue;
            }
            Err(e) => {
                out.skip(e);
                continue;
            }
        };
        match prop.name.as_str() {
            "BEGIN" => {
                let what = prop.value.trim().to_ascii_uppercase();
                if stack.is_empty() && what != "VCALENDAR" {
                    continue; // stray component outside a calendar
                }
                if what.is_empty() {
                    out.skip(err(n, "BEGIN: names no component"));
                    continue;
                }
                if stack.len() >= limits.max_depth {
                    return Err(err(
                        n,
                        format!(
                            "components are nested more than {} deep, which no calendar program writes",
                            limits.max_depth
                        ),
                    ));
                }
                components += 1;
                if components > limits.max_components {
                    return Err(err(
                        n,
                        format!("the file has more than {} entries", limits.max_components),
                    ));
                }
                stack.push(Component {
                    name: what,
                    line: n,
                    ..Component::default()
                });
            }
            "END" => {
                let what = prop.value.trim().to_ascii_uppercase();
                let Some(open) = stack.last() else {
                    continue; // stray END outside a calendar
                };
                if open.name != what {
                    // An outer component's END closes what is open inside it; an END of
                    // nothing open is only skipped.
                    let Some(at) = stack.iter().rposition(|c| c.name == what) else {
                        out.skip(err(
                            n,
                            format!(
                                "END:{} ends nothing that is open (END:{} was expected)",
                                clip(&what),
                                open.name
                            ),
                        ));
                        continue;
                    };
                    out.skip(err(
                        n,
                        format!(
                            "END:{} where END:{} was expected (the {} that begins on line {} is not closed)",
                            clip(&what),
                            open.name,
                            open.name,
                            open.line
                        ),
                    ));
                    while stack.len() > at + 1 {
                        close(&mut stack, &mut out.calendars);
                    }
                }
                close(&mut stack, &mut out.calendars);
            }
            _ => {
                let Some(current) = stack.last_mut() else {
                    continue;
                };
                properties += 1;
                if properties > limits.max_properties {
                    return Err(err(
                        n,
                        format!("the file has more than {} lines", limits.max_properties),
                    ));
                }
                if keep(&prop.name) {
                    kept += 1;
                    if kept > limits.max_kept {
                        return Err(err(
                            n,
                            format!(
                                "the file holds more than {} event details (dates, titles, links), far more than a calendar of sessions",
                                limits.max_kept
                            ),
                        ));
                    }
                    current.properties.push(prop);
                }
            }
        }
    }
    // The file ends with components open: it may have been cut short. What is open inside a
    // calendar is left out (its end may be missing); the calendar keeps what was read in full.
    // One note for the one cause: the innermost component still open.
    if let Some(open) = stack.last() {
        let left_out = if stack.len() > 1 {
            ", so it was left out"
        } else {
            ""
        };
        out.skip(err(
            open.line,
            format!(
                "the {} that begins here is never closed (the file may have been cut short){left_out}",
                open.name
            ),
        ));
    }
    stack.truncate(1);
    close(&mut stack, &mut out.calendars);
    if out.calendars.is_empty() {
        return Err(err(0, NO_CALENDAR));
    }
    Ok(out)
}

/// TEXT unescaping (RFC 5545 §3.3.11).
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Component {
        let mut cals = parse(text, &Limits::default()).unwrap().calendars;
        assert_eq!(cals.len(), 1);
        cals.remove(0)
    }

    #[test]
    fn lines_params_and_folding() {
        let cal = one("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=\"Europe/London\":20261201T100000\r\nDESCRIPTION:a\\, b\\nc\r\n  continued\r\nATTENDEE;ROLE=REQ-PARTICIPANT;CN=\"Doe, Jo\":mailto:jo@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
        let ev = &cal.children[0];
        assert_eq!(ev.name, "VEVENT");
        let dt = ev.prop("dtstart").unwrap();
        assert_eq!(dt.param("tzid"), Some("Europe/London"));
        assert_eq!(dt.value, "20261201T100000");
        assert_eq!(dt.line, 3);
        assert_eq!(ev.prop("DESCRIPTION").unwrap().text(), "a, b\nc continued");
        let att = ev.prop("ATTENDEE").unwrap();
        assert_eq!(att.param("CN"), Some("Doe, Jo"));
        assert_eq!(att.value, "mailto:jo@example.org");
    }

    #[test]
    fn lenient_where_calendar_programs_are_sloppy() {
        // BOM, LF and lone CR line ends, blank lines, white space around names and parameters,
        // text before and after, two calendars.
        let text = "\u{feff}Subject: my calendar\n\nBEGIN:VCALENDAR\rBEGIN : VEVENT\nDTSTART ; TZID = Europe/London :20261201T100000\nEND:VEVENT\nEND:VCALENDAR\nsome trailing text\nBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:two\r\nEND:VEVENT\r\nEND:VCALENDAR\r\nmore";
        let cals = parse(text, &Limits::default()).unwrap().calendars;
        assert_eq!(cals.len(), 2);
        let dt = cals[0].children[0].prop("DTSTART").unwrap();
        assert_eq!(dt.param("TZID"), Some("Europe/London"));
        assert_eq!(cals[1].children[0].prop("SUMMARY").unwrap().value, "two");
    }

    #[test]
    fn lines_that_cannot_be_read_are_skipped_and_named_and_the_rest_is_read() {
        let read = |t: &str| parse(t, &Limits::default()).unwrap();
        // An outer END closes the event left open; it is kept, the line named.
        let p = read("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VCALENDAR\n");
        assert_eq!(
            p.calendars[0].children[0].prop("SUMMARY").unwrap().value,
            "x"
        );
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(p.skipped[0].line, 4);
        assert!(p.skipped[0].to_string().contains("line 4: END:VCALENDAR where END:VEVENT was expected (the VEVENT that begins on line 2"), "{}", p.skipped[0]);
        // Cut off inside an event: the event is left out, the calendar keeps the rest.
        let p = read(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:whole\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:cut",
        );
        assert_eq!(p.calendars[0].children.len(), 1);
        assert_eq!((p.skipped_count, p.skipped[0].line), (1, 5));
        assert!(p.skipped[0]
            .message
            .contains("never closed (the file may have been cut short), so it was left out"));
        // Cut off before END:VCALENDAR: everything read is kept.
        let p = read("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:a\nEND:VEVENT\n");
        assert_eq!(p.calendars[0].children.len(), 1);
        assert_eq!(p.skipped[0].line, 1);
        // What real files hold: a line without “:”, a property name with a space, a name
        // with no value, an END of nothing open; each skipped and named, nothing else lost.
        let p = read("BEGIN:VCALENDAR\nBEGIN:VEVENT\nX-APPLE-RADIUS=49.91\nSUMMARY=test\nX APPLE:1\nORGANIZER;CN=Jo\nSUMMARY:kept\nEND:VEVENT\nEND:VCALENDARD\nEND:VCALENDAR\n");
        let ev = &p.calendars[0].children[0];
        assert_eq!(ev.prop("SUMMARY").unwrap().value, "kept");
        assert_eq!(ev.properties.len(), 1);
        let lines: Vec<usize> = p.skipped.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 9]);
        assert!(
            p.skipped[0]
                .message
                .contains("“X-APPLE-RADIUS=49.91” is not a calendar line"),
            "{}",
            p.skipped[0]
        );
        assert!(
            p.skipped[4]
                .message
                .contains("END:VCALENDARD ends nothing that is open (END:VCALENDAR was expected)"),
            "{}",
            p.skipped[4]
        );
        // Thousands of bad lines: all counted, a few kept to be named.
        let p = read(&format!(
            "BEGIN:VCALENDAR\n{}END:VCALENDAR\n",
            "junk\n".repeat(5000)
        ));
        assert_eq!((p.skipped_count, p.skipped.len()), (5000, MAX_SKIPPED_KEPT));
        let e = parse("hello", &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("no BEGIN:VCALENDAR"), "{e}");
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let mut text = String::from("BEGIN:VCALENDAR\n");
        for _ in 0..100_000 {
            text.push_str("BEGIN:X\n");
        }
        let e = parse(&text, &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("nested more than 8 deep"), "{e}");
        assert_eq!(e.line, 9);
    }

    #[test]
    fn bounds_on_size_lines_and_counts() {
        let limits = Limits {
            max_bytes: 100,
            ..Limits::default()
        };
        assert!(parse(&"x".repeat(101), &limits).is_err());
        let limits = Limits {
            max_line: 50,
            ..Limits::default()
        };
        let long = format!("BEGIN:VCALENDAR\nX-A:{}\nEND:VCALENDAR\n", "a".repeat(60));
        let e = parse(&long, &limits).unwrap_err();
        assert_eq!(e.line, 2);
        // A long line is never echoed back.
        assert!(e.to_string().len() < 120, "{e}");
        let folded = format!(
            "BEGIN:VCALENDAR\nX-A:{}\n {}\nEND:VCALENDAR\n",
            "a".repeat(30),
            "b".repeat(30)
        );
        assert!(parse(&folded, &limits).is_err());
        let limits = Limits {
            max_components: 3,
            ..Limits::default()
        };
        let many = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VEVENT\nBEGIN:VEVENT\nEND:VEVENT\nBEGIN:VEVENT\nEND:VEVENT\nEND:VCALENDAR\n";
        assert!(parse(many, &limits).is_err());
        // Properties kept are bounded; those dropped count only against the line bound.
        let limits = Limits {
            max_kept: 2,
            ..Limits::default()
        };
        let three = "BEGIN:VCALENDAR\nUID:a\nUID:b\nX-A:1\nX-B:2\nUID:c\nEND:VCALENDAR\n";
        let e = parse_keeping(three, &limits, |n| n == "UID").unwrap_err();
        assert_eq!(e.line, 6);
        assert!(e.message.contains("more than 2 event details"), "{e}");
        let p = parse_keeping(three, &limits, |n| n.starts_with("X-")).unwrap();
        assert_eq!(p.calendars[0].properties.len(), 2);
        let params = format!(
            "BEGIN:VCALENDAR\nX-A{}:v\nEND:VCALENDAR\n",
            ";A=1".repeat(40)
        );
        // Too many parameters: that line is skipped, its parameters never all kept.
        let p = parse(&params, &Limits::default()).unwrap();
        assert_eq!(p.skipped_count, 1);
        assert!(p.calendars[0].properties.is_empty());
    }

    #[test]
    fn unescaping() {
        assert_eq!(unescape(r"a\,b\;c\\d\Ne\"), "a,b;c\\d\ne\\");
    }
}
