//! Session scripts: templates of phases (prompts, checklist, a time box), user-editable as TOML,
//! validated with errors that name the file, line and column, and rendered with variables such
//! as `{{mentee}}`. Phase timing is a pure function of when the phase started and `now`.

use std::collections::BTreeMap;
use std::ops::Range;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use toml::Spanned;
use ts_rs::TS;

/// Variables a template may use, each with what it means.
pub const VARIABLES: &[(&str, &str)] = &[
    ("mentee", "the mentee's first name"),
    ("mentor", "your name"),
    ("session_number", "this session's number in the programme"),
    ("programme_sessions", "how many sessions the programme has"),
    ("programme_name", "the programme's name"),
    ("next_session", "when the next session is"),
];

/// The longest a phase may be, minutes.
pub const MAX_PHASE_MINUTES: u32 = 180;

/// A template that failed to load, with where and why (the same error a programme profile
/// gives: file, line, column).
pub use preflight_programme::TextError as TemplateError;

/// One phase of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Phase {
    /// Heading ("Opening").
    pub title: String,
    /// Time box, minutes.
    pub minutes: u32,
    /// Things to say or ask.
    pub prompts: Vec<String>,
    /// Things to cover, ticked during the session.
    pub checklist: Vec<String>,
    /// For the last phase: what the mentee does next.
    pub call_to_action: Option<String>,
}

/// A session script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Template {
    /// Name ("First session").
    pub name: String,
    /// What it is for.
    pub description: String,
    /// The phases in order.
    pub phases: Vec<Phase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    name: Spanned<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    phase: Vec<Spanned<RawPhase>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhase {
    title: Spanned<String>,
    minutes: Spanned<i64>,
    #[serde(default)]
    prompts: Vec<Spanned<String>>,
    #[serde(default)]
    checklist: Vec<Spanned<String>>,
    call_to_action: Option<Spanned<String>>,
}

/// The largest template file read (the built-in ones are about 4 KB).
pub const MAX_TEMPLATE_BYTES: u64 = 256 * 1024;

/// The most `{{variable}}` placeholders in one template (the built-in ones have about 20): with
/// [`MAX_VALUE_CHARS`], what bounds a rendered template (256 KB + 2,000 × 200 characters).
pub const MAX_PLACEHOLDERS: usize = 2_000;

/// The longest value put in for a placeholder (names, dates and programme names are far
/// shorter); a longer one is cut, with `…`.
pub const MAX_VALUE_CHARS: usize = 200;

/// The most template files read from the mentor's folder.
pub const MAX_USER_TEMPLATES: usize = 200;

pub(crate) use preflight_programme::read_text_file;

impl Template {
    /// Reads and validates a template file (bounded in size; folders, devices and pipes are
    /// refused before they are opened).
    pub fn load(path: &std::path::Path) -> Result<Template, TemplateError> {
        let (name, text) = read_text_file(path, MAX_TEMPLATE_BYTES)?;
        Template::parse(&name, &text)
    }

    /// Parses and validates a template. `file` names it in error messages.
    pub fn parse(file: &str, text: &str) -> Result<Template, TemplateError> {
        if text.len() as u64 > MAX_TEMPLATE_BYTES {
            return Err(TemplateError {
                file: file.to_string(),
                line: 1,
                column: 1,
                message: format!(
                    "the template is larger than {} KB; a script is a few pages at most",
                    MAX_TEMPLATE_BYTES / 1024
                ),
            });
        }
        let err =
            |span: Range<usize>, message: String| TemplateError::at(file, text, span, message);
        let raw: RawTemplate = toml::from_str(text)
            .map_err(|e| err(e.span().unwrap_or(0..0), e.message().trim().to_string()))?;
        if raw.name.get_ref().trim().is_empty() {
            return Err(err(raw.name.span(), "the template needs a name".into()));
        }
        if raw.phase.is_empty() {
            return Err(err(
                0..0,
                "the template has no [[phase]] sections; add at least one".into(),
            ));
        }
        let count = raw.phase.len();
        let mut phases = Vec::with_capacity(count);
        let mut placeholder_count = 0usize;
        for (i, p) in raw.phase.into_iter().enumerate() {
            let span = p.span();
            let p = p.into_inner();
            if p.title.get_ref().trim().is_empty() {
                return Err(err(
                    p.title.span(),
                    format!("phase {} needs a title", i + 1),
                ));
            }
            let minutes = *p.minutes.get_ref();
            if minutes < 1 || minutes > MAX_PHASE_MINUTES as i64 {
                return Err(err(
                    p.minutes.span(),
                    format!(
                        "phase \"{}\" lasts {minutes} minutes; give it 1 to {MAX_PHASE_MINUTES}",
                        p.title.get_ref()
                    ),
                ));
            }
            if p.prompts.is_empty() && p.checklist.is_empty() {
                return Err(err(
                    span,
                    format!(
                        "phase \"{}\" has no prompts and no checklist",
                        p.title.get_ref()
                    ),
                ));
            }
            let is_last = i + 1 == count;
            match (&p.call_to_action, is_last) {
                (None, true) => {
                    return Err(err(
                        span,
                        format!(
                        "the last phase (\"{}\") needs a call_to_action: what the mentee does next",
                        p.title.get_ref()
                    ),
                    ))
                }
                (Some(cta), false) => {
                    return Err(err(
                        cta.span(),
                        "only the last phase can have a call_to_action".into(),
                    ));
                }
                _ => {}
            }
            let texts = p
                .prompts
                .iter()
                .chain(&p.checklist)
                .chain(p.call_to_action.iter());
            for t in texts.clone().chain(std::iter::once(&p.title)) {
                placeholder_count += placeholders(t.get_ref()).count();
                if placeholder_count > MAX_PLACEHOLDERS {
                    return Err(err(
                        t.span(),
                        format!(
                            "the template has more than {MAX_PLACEHOLDERS} {{{{variables}}}}; a session script needs far fewer"
                        ),
                    ));
                }
                if let Some(unknown) =
                    placeholders(t.get_ref()).find(|v| !VARIABLES.iter().any(|(k, _)| k == v))
                {
                    return Err(err(
                        t.span(),
                        format!(
                            "unknown variable {{{{{unknown}}}}}; known: {}",
                            VARIABLES
                                .iter()
                                .map(|(k, _)| *k)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            }
            phases.push(Phase {
                title: p.title.into_inner(),
                minutes: minutes as u32,
                prompts: p.prompts.into_iter().map(Spanned::into_inner).collect(),
                checklist: p.checklist.into_iter().map(Spanned::into_inner).collect(),
                call_to_action: p.call_to_action.map(Spanned::into_inner),
            });
        }
        Ok(Template {
            name: raw.name.into_inner(),
            description: raw.description,
            phases,
        })
    }

    /// The template with every `{{variable}}` replaced from `vars`. A variable without a value
    /// is shown as `[variable]` so the gap is visible rather than silently empty.
    /// Fills in `vars`. What would be read aloud never shows a gap: a sentence that needs a
    /// variable nobody gave is left out (a prompt, item or call to action left empty goes
    /// with it); in a title the missing name alone is left out.
    pub fn render(&self, vars: &BTreeMap<String, String>) -> Template {
        let r = |s: &str| render_text(s, vars);
        let kept = |list: &[String]| -> Vec<String> {
            list.iter()
                .map(|s| r(s))
                .filter(|s| !s.trim().is_empty())
                .collect()
        };
        Template {
            name: self.name.clone(),
            description: self.description.clone(),
            phases: self
                .phases
                .iter()
                .map(|p| Phase {
                    title: fill(&p.title, vars)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    minutes: p.minutes,
                    prompts: kept(&p.prompts),
                    checklist: kept(&p.checklist),
                    call_to_action: p
                        .call_to_action
                        .as_deref()
                        .map(r)
                        .filter(|c| !c.trim().is_empty()),
                })
                .collect(),
        }
    }

    /// Total time box, minutes.
    pub fn total_minutes(&self) -> u32 {
        self.phases.iter().map(|p| p.minutes).sum()
    }
}

/// The names inside `{{…}}` in `s`.
fn placeholders(s: &str) -> impl Iterator<Item = &str> + Clone {
    s.split("{{")
        .skip(1)
        .filter_map(|rest| rest.split_once("}}").map(|(name, _)| name.trim()))
}

/// `s` with every sentence that needs a variable missing from `vars` left out, the rest filled.
fn render_text(s: &str, vars: &BTreeMap<String, String>) -> String {
    sentences(s)
        .filter(|sentence| placeholders(sentence).all(|name| vars.contains_key(name)))
        .map(|sentence| fill(sentence, vars))
        .collect::<String>()
        .trim()
        .to_string()
}

/// The sentences of `s`, each with its end mark and the space after it.
fn sentences(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let bytes = rest.as_bytes();
        let end = (0..bytes.len())
            .find(|&i| {
                matches!(bytes[i], b'.' | b'?' | b'!')
                    && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace())
            })
            .map(|i| {
                let mut j = i + 1;
                while bytes.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
                    j += 1;
                }
                j
            })
            .unwrap_or(bytes.len());
        let (sentence, after) = rest.split_at(end);
        rest = after;
        Some(sentence)
    })
}

/// `s` with each `{{name}}` replaced by its value; a name without one is left out.
fn fill(s: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].split_once("}}") {
            Some((name, after)) => {
                let name = name.trim();
                if let Some(v) = vars.get(name) {
                    // Bounded, so no value makes a template grow without limit.
                    match v.char_indices().nth(MAX_VALUE_CHARS) {
                        Some((cut, _)) => {
                            out.push_str(&v[..cut]);
                            out.push('…');
                        }
                        None => out.push_str(v),
                    }
                }
                rest = after;
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The built-in templates: (id, TOML text).
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "first-session",
        include_str!("../templates/first-session.toml"),
    ),
    (
        "regular-session",
        include_str!("../templates/regular-session.toml"),
    ),
    (
        "final-session",
        include_str!("../templates/final-session.toml"),
    ),
];

/// Loads a built-in template by id.
pub fn built_in(id: &str) -> Option<Template> {
    BUILT_IN
        .iter()
        .find(|(name, _)| *name == id)
        .map(|(name, text)| Template::parse(name, text).expect("built-in templates are valid"))
}

/// The user's own templates: every `*.toml` in `dir`, sorted by file name, each either loaded
/// (with its id, the file stem) or the error that says what is wrong where. A missing folder
/// is simply empty.
pub fn user_templates(dir: &std::path::Path) -> Vec<Result<(String, Template), TemplateError>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files.truncate(MAX_USER_TEMPLATES);
    files
        .into_iter()
        .map(|path| {
            let id = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            Template::load(&path).map(|t| (id, t))
        })
        .collect()
}

/// The picker id of the 7-week programme: its script for the session number.
pub const SEVEN_WEEK: &str = "programme:seven-week";

/// A script the mentor can pick (in the app and with `preflight script`): built in, the 7-week
/// programme, or their own file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TemplateInfo {
    /// What to pick it by: a built-in id, [`SEVEN_WEEK`], or `user:<file stem>`.
    pub id: String,
    /// Its name (for a broken file, the file's name).
    pub name: String,
    /// Its length in minutes (0 when it depends on the session).
    pub minutes: u32,
    /// What it is for.
    pub description: String,
    /// For a broken template file: what is wrong and where (it cannot be picked).
    pub error: Option<String>,
}

/// Every script to pick from: the built-in ones, the 7-week programme, and the mentor's own
/// files in `user_dir` (broken ones listed with their error, so the mentor can mend them).
pub fn catalogue(user_dir: Option<&std::path::Path>) -> Vec<TemplateInfo> {
    let mut list: Vec<TemplateInfo> = BUILT_IN
        .iter()
        .filter_map(|(id, _)| {
            let t = built_in(id)?;
            Some(TemplateInfo {
                id: id.to_string(),
                name: t.name.clone(),
                minutes: t.total_minutes(),
                description: t.description.clone(),
                error: None,
            })
        })
        .collect();
    list.push(TemplateInfo {
        id: SEVEN_WEEK.into(),
        name: format!(
            "{}'s script for the session number",
            preflight_programme::seven_week().name
        ),
        minutes: 0,
        description: "First, regular or final session by its number, with the programme's feedback reminders.".into(),
        error: None,
    });
    for found in user_dir.map(user_templates).unwrap_or_default() {
        list.push(match found {
            Ok((id, t)) => TemplateInfo {
                id: format!("user:{id}"),
                name: t.name.clone(),
                minutes: t.total_minutes(),
                description: t.description.clone(),
                error: None,
            },
            Err(e) => TemplateInfo {
                id: String::new(),
                name: e.file.clone(),
                minutes: 0,
                description: String::new(),
                error: Some(e.to_string()),
            },
        });
    }
    list
}

/// Announces in the closing phase the feedback `profile` asks for after session `n`, if any.
pub fn feedback_due(profile: &preflight_programme::Profile, t: &mut Template, n: u32) {
    if let Some(last) = t.phases.last_mut() {
        for f in profile.feedback.iter().filter(|f| f.after_session == n) {
            last.prompts.push(format!(
                "Before you go: after today's session {} asks for the {}. Please look out for it, and fill it in honestly: it helps the programme.",
                profile.name,
                lower_first(&f.what)
            ));
        }
    }
}

/// "Mid-point feedback survey" → "mid-point feedback survey" (for use inside a sentence).
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The 7-week programme's script for session `n` (1-based): the built-in one its profile names
/// for that point of the programme ([`preflight_programme::seven_week`]), named with the
/// session's place in it, the feedback due after it announced in the closing phase.
pub fn seven_week_script(n: u32) -> Template {
    let p = preflight_programme::seven_week();
    let mut t = built_in(p.script_for(n)).expect("built-in templates are valid");
    t.name = format!("{} — session {n} of {}", t.name, p.sessions.unwrap_or(n));
    feedback_due(&p, &mut t, n);
    t
}

/// The template a picker id names: a built-in one, the 7-week programme's for the
/// `session_number` in `vars` (the first when none), or the mentor's own file in `user_dir`.
pub fn resolve(
    id: &str,
    user_dir: Option<&std::path::Path>,
    vars: &BTreeMap<String, String>,
) -> Result<Template, String> {
    if id == SEVEN_WEEK {
        let n = vars
            .get("session_number")
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(1);
        return Ok(seven_week_script(n));
    }
    if let Some(stem) = id.strip_prefix("user:") {
        let dir = user_dir.ok_or("This system has no configuration folder for templates.")?;
        return user_templates(dir)
            .into_iter()
            .find_map(|r| r.ok().filter(|(i, _)| i == stem).map(|(_, t)| t))
            .ok_or_else(|| {
                format!("The template {stem} could not be loaded; check it with `preflight script check`.")
            });
    }
    built_in(id).ok_or_else(|| format!("There is no script called {id}."))
}

/// The colour of a phase timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum TimerColour {
    /// Plenty of time.
    Green,
    /// The last fifth of the time box (at least the last minute): start wrapping up.
    Amber,
    /// Over time.
    Red,
}

/// A phase timer at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PhaseTimer {
    /// Seconds since the phase started.
    #[ts(type = "number")]
    pub elapsed_s: i64,
    /// Seconds left in the time box (0 when over).
    #[ts(type = "number")]
    pub remaining_s: i64,
    /// Seconds over the time box (0 when not over).
    #[ts(type = "number")]
    pub overtime_s: i64,
    /// Colour to show.
    pub colour: TimerColour,
}

/// The timer of a `minutes`-long phase that started at `started`, at `now`.
pub fn phase_timer(minutes: u32, started: Timestamp, now: Timestamp) -> PhaseTimer {
    let elapsed = now
        .duration_since(started)
        .max(SignedDuration::ZERO)
        .as_secs();
    let boxed = minutes as i64 * 60;
    let amber_from = boxed - (boxed / 5).max(60).min(boxed);
    PhaseTimer {
        elapsed_s: elapsed,
        remaining_s: (boxed - elapsed).max(0),
        overtime_s: (elapsed - boxed).max(0),
        colour: if elapsed > boxed {
            TimerColour::Red
        } else if elapsed >= amber_from {
            TimerColour::Amber
        } else {
            TimerColour::Green
        },
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn one_catalogue_and_one_way_to_resolve_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            BUILT_IN[1]
                .1
                .replacen("name = \"Regular session\"", "name = \"Mine\"", 1),
        )
        .unwrap();
        std::fs::write(dir.path().join("bad.toml"), "name = [").unwrap();
        let list = catalogue(Some(dir.path()));
        let ids: Vec<&str> = list.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "first-session",
                "regular-session",
                "final-session",
                SEVEN_WEEK,
                "",
                "user:mine"
            ]
        );
        assert!(list[4].error.as_deref().unwrap().contains("bad.toml"));
        assert_eq!(list[5].name, "Mine");
        assert!(list
            .iter()
            .all(|t| t.error.is_some() || !t.description.is_empty()));
        // Without a folder: the built-in ones and the programme.
        assert_eq!(catalogue(None).len(), 4);

        let vars = |n: &str| BTreeMap::from([("session_number".to_string(), n.to_string())]);
        let name = |id: &str, v: &BTreeMap<String, String>| {
            resolve(id, Some(dir.path()), v).map(|t| t.name)
        };
        assert_eq!(name("user:mine", &vars("1")).unwrap(), "Mine");
        assert!(name(SEVEN_WEEK, &vars("7"))
            .unwrap()
            .starts_with("Final session"));
        assert!(name(SEVEN_WEEK, &BTreeMap::new())
            .unwrap()
            .starts_with("First session"));
        assert_eq!(
            name("final-session", &BTreeMap::new()).unwrap(),
            "Final session"
        );
        assert!(name("user:bad", &BTreeMap::new()).is_err());
        assert!(name("nonsense", &BTreeMap::new())
            .unwrap_err()
            .contains("nonsense"));
        assert!(resolve("user:mine", None, &BTreeMap::new()).is_err());
    }

    use super::*;

    #[test]
    fn the_programmes_know_exactly_the_built_in_scripts() {
        // A profile names its scripts by these ids, checked where profiles are read.
        let ours: Vec<&str> = BUILT_IN.iter().map(|(id, _)| *id).collect();
        assert_eq!(ours, preflight_programme::SCRIPT_IDS);
    }

    fn vars() -> BTreeMap<String, String> {
        [
            ("mentee", "Sam"),
            ("mentor", "Alex"),
            ("programme_sessions", "7"),
            ("next_session", "next Tuesday at 6pm"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn built_ins_parse_and_close_with_a_call_to_action() {
        for (id, _) in BUILT_IN {
            let t = built_in(id).unwrap();
            assert!(!t.phases.is_empty());
            assert!(t.phases.last().unwrap().call_to_action.is_some(), "{id}");
        }
    }

    #[test]
    fn first_session_has_what_the_codes_ask_for() {
        let t = built_in("first-session").unwrap().render(&vars());
        let all: String = t
            .phases
            .iter()
            .flat_map(|p| p.prompts.iter().chain(&p.checklist))
            .cloned()
            .collect::<Vec<_>>()
            .join("\n");
        for needle in [
            "confidential",
            "normal if it feels strange",
            "7 sessions",
            "repeat",
            "role",
            "open",
        ] {
            assert!(all.contains(needle), "missing {needle:?}");
        }
        assert!(all.contains("Welcome, Sam. I'm Alex"));
        assert!(t
            .phases
            .last()
            .unwrap()
            .call_to_action
            .as_deref()
            .unwrap()
            .starts_with("Before our next session, Sam"));
    }

    #[test]
    fn a_sentence_needing_a_missing_variable_is_left_out_never_shown_as_a_gap() {
        let none = BTreeMap::new();
        let mut no_mentor = vars();
        no_mentor.remove("mentor");
        assert_eq!(
            render_text(
                "Welcome, {{mentee}}. I'm {{mentor}}, and I'm glad. Shall we start?",
                &no_mentor
            ),
            "Welcome, Sam. Shall we start?"
        );
        assert_eq!(
            render_text("Hi {{mentee}}, see you {{next_session}}", &none),
            ""
        );
        assert_eq!(render_text("no {{ end", &vars()), "no {{ end");
        assert_eq!(render_text("{{ mentee }}!", &vars()), "Sam!");
        assert_eq!(
            render_text("Version 2.5 is out. Ok", &none),
            "Version 2.5 is out. Ok"
        );
        // Through a template: no brackets anywhere, empty prompts and items gone, titles kept.
        let t = built_in("first-session").unwrap();
        let only_mentee: BTreeMap<String, String> =
            [("mentee".to_string(), "Sam".to_string())].into();
        let r = t.render(&only_mentee);
        let text: String = r
            .phases
            .iter()
            .flat_map(|p| {
                [p.title.clone()]
                    .into_iter()
                    .chain(p.prompts.clone())
                    .chain(p.checklist.clone())
                    .chain(p.call_to_action.clone())
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(!text.contains('[') && !text.contains("{{"), "{text}");
        assert!(r.phases.iter().all(|p| !p.title.is_empty()));
        let prompts: Vec<&String> = r.phases.iter().flat_map(|p| &p.prompts).collect();
        assert!(prompts.iter().any(|p| p.starts_with("Welcome, Sam.")));
        assert!(!prompts.iter().any(|p| p.contains("I'm ")), "{prompts:?}");
        assert!(prompts.iter().all(|p| !p.trim().is_empty()));
    }

    fn parse_err(text: &str) -> TemplateError {
        Template::parse("mine.toml", text).unwrap_err()
    }

    const OK_TAIL: &str = "call_to_action = \"Try it\"\n";

    #[test]
    fn expansion_is_bounded_by_placeholder_count_and_value_length() {
        // 20,000 placeholders (220 KB, under the file size bound): refused with words, at load.
        let many = "{{mentee}} ".repeat(20_000);
        let e = parse_err(&format!(
            "name = \"X\"\n[[phase]]\ntitle = \"A\"\nminutes = 5\nprompts = [\"{many}\"]\n{OK_TAIL}"
        ));
        assert!(e.message.contains("more than 2000"), "{e}");
        // The most placeholders allowed, each given a 100 KB value: about 2,000 × 200
        // characters, not 2,000 × 100 KB.
        let most = "{{mentee}} ".repeat(MAX_PLACEHOLDERS);
        let t = Template::parse(
            "mine.toml",
            &format!("name = \"X\"\n[[phase]]\ntitle = \"A\"\nminutes = 5\nprompts = [\"{most}\"]\n{OK_TAIL}"),
        )
        .unwrap();
        let mut vars = BTreeMap::new();
        vars.insert("mentee".to_string(), "x".repeat(100_000));
        let shown = t.render(&vars);
        let len: usize = shown.phases[0].prompts.iter().map(|p| p.len()).sum();
        assert!(len <= MAX_PLACEHOLDERS * (MAX_VALUE_CHARS + 4), "{len}");
        assert!(shown.phases[0].prompts[0].contains('…'));
    }

    #[test]
    fn broken_files_say_where_and_what() {
        let e = parse_err(
            "name = \"X\"\n[[phase]]\ntitle = \"A\"\nminutes = \"ten\"\nprompts = [\"hi\"]\n",
        );
        assert_eq!((e.file.as_str(), e.line), ("mine.toml", 4), "{e}");
        assert!(e.to_string().starts_with("mine.toml:4:"), "{e}");

        let e = parse_err(&format!(
            "name = \"X\"\n[[phase]]\ntitle = \"A\"\nminutes = 500\nprompts = [\"hi\"]\n{OK_TAIL}"
        ));
        assert_eq!(e.line, 4);
        assert!(e.message.contains("1 to 180"), "{e}");

        let e = parse_err(&format!("name = \"X\"\n[[phase]]\ntitle = \"A\"\nminutes = 5\nprompts = [\"Hi {{{{mentie}}}}\"]\n{OK_TAIL}"));
        assert_eq!(e.line, 5);
        assert!(e.message.contains("unknown variable {{mentie}}"), "{e}");

        let e = parse_err(
            "name = \"X\"\n[[phase]]\ntitle = \"Closing\"\nminutes = 5\nprompts = [\"bye\"]\n",
        );
        assert!(e.message.contains("needs a call_to_action"), "{e}");

        let e = parse_err("name = \"X\"\n");
        assert!(e.message.contains("no [[phase]]"), "{e}");

        let e = parse_err("name = \"X\"\ncolour = \"red\"\n");
        assert_eq!(e.line, 2, "{e}");

        let e = parse_err("name = \"X\"\n[[phase\n");
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn a_good_user_template_loads() {
        let t = Template::parse(
            "mine.toml",
            "name = \"Short\"\n[[phase]]\ntitle = \"Hi {{mentee}}\"\nminutes = 3\nchecklist = [\"Said hello\"]\ncall_to_action = \"Email me\"\n",
        )
        .unwrap();
        assert_eq!(t.total_minutes(), 3);
        assert_eq!(t.render(&vars()).phases[0].title, "Hi Sam");
    }

    #[test]
    fn seven_week_programme() {
        // Its rhythm and feedback points come from its profile (programmes/seven-week.toml).
        assert_eq!(seven_week_script(1).name, "First session — session 1 of 7");
        let mid = seven_week_script(4);
        assert_eq!(mid.name, "Regular session — session 4 of 7");
        let closing = |t: &Template| t.phases.last().unwrap().prompts.join(" ");
        assert!(
            closing(&mid).contains("asks for the mid-point feedback form"),
            "{}",
            closing(&mid)
        );
        let last = seven_week_script(7);
        assert!(last.name.starts_with("Final session"), "{}", last.name);
        assert!(closing(&last).contains("end-point feedback form"));
        assert!(!closing(&seven_week_script(2)).contains("feedback form"));
        // What the picker resolves to.
        let vars = BTreeMap::from([("session_number".to_string(), "4".to_string())]);
        assert_eq!(resolve(SEVEN_WEEK, None, &vars).unwrap(), mid);
    }

    #[test]
    fn user_templates_are_loaded_and_broken_ones_reported() {
        let dir = std::env::temp_dir().join(format!("mp-templates-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a-good.toml"), "name = \"Mine\"\n[[phase]]\ntitle = \"Hi\"\nminutes = 5\nprompts = [\"x\"]\ncall_to_action = \"y\"\n").unwrap();
        std::fs::write(
            dir.join("b-bad.toml"),
            "name = \"Broken\"\n[[phase]]\ntitle = \"Hi\"\nminutes = 0\nprompts = [\"x\"]\n",
        )
        .unwrap();
        std::fs::write(dir.join("notes.txt"), "not a template").unwrap();
        let found = user_templates(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].as_ref().unwrap().1.name, "Mine");
        let err = found[1].as_ref().unwrap_err();
        assert!(err.file.ends_with("b-bad.toml") && err.line == 4, "{err}");
        assert!(user_templates(std::path::Path::new("/nonexistent")).is_empty());
    }

    #[test]
    fn phase_timer_colours() {
        let start: Timestamp = "2026-03-29T09:00:00Z".parse().unwrap();
        let at = |s: i64| start + SignedDuration::from_secs(s);
        // A 10-minute phase: green for 8 minutes, amber for the last 2, then red with overtime.
        assert_eq!(phase_timer(10, start, at(0)).colour, TimerColour::Green);
        assert_eq!(phase_timer(10, start, at(479)).colour, TimerColour::Green);
        assert_eq!(phase_timer(10, start, at(480)).colour, TimerColour::Amber);
        let end = phase_timer(10, start, at(600));
        assert_eq!(
            (end.colour, end.remaining_s, end.overtime_s),
            (TimerColour::Amber, 0, 0)
        );
        let over = phase_timer(10, start, at(725));
        assert_eq!(
            (over.colour, over.overtime_s, over.remaining_s),
            (TimerColour::Red, 125, 0)
        );
        // Short phases get at least a minute of amber.
        assert_eq!(phase_timer(3, start, at(120)).colour, TimerColour::Amber);
        assert_eq!(phase_timer(3, start, at(119)).colour, TimerColour::Green);
        // A clock that went backwards reads as the start.
        assert_eq!(phase_timer(3, start, at(-30)).elapsed_s, 0);
    }
}
