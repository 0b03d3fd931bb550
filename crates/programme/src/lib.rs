//! Programme profiles: the rules of each mentoring code the app knows (The Brokerage, Mentor247,
//! Leapfrog / SFEDI, Qooper, the expectations guide) and a custom one the mentor writes. Stored
//! as TOML (built-ins in `programmes/`), validated like the session templates, with errors that
//! name the file, line and column.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use ts_rs::TS;

pub mod text;

pub use text::{for_terminal, is_hidden_char, read_text_file, TextError};

/// What a profile's errors are called where templates are read too.
type TemplateError = TextError;

/// The built-in session scripts a profile may name (the `preflight-scripts` crate holds them and
/// checks in a test that these are exactly its built-in templates).
pub const SCRIPT_IDS: &[&str] = &["first-session", "regular-session", "final-session"];

/// The largest profile file read (the built-in ones are about 1 KB).
pub const MAX_PROFILE_BYTES: u64 = 64 * 1024;
/// The most checklist items (and, separately, under-18 items) a profile may list.
pub const MAX_ITEMS: usize = 40;
/// The longest checklist item, characters.
pub const MAX_ITEM_CHARS: usize = 240;

/// The checklist items every code draws from, in the order the codes list them: (id, text). The
/// pre-flight check gives evidence for several of them (see the `preflight` crate's
/// `checklist`); a profile names the ones its code asks for in `standard_items`.
pub const STANDARD_ITEMS: &[(&str, &str)] = &[
    ("quiet", "I am in a quiet place with no distractions"),
    ("phone", "My phone is on silent and face down"),
    (
        "notifications",
        "Notifications on this computer are silenced",
    ),
    ("screens", "Other screens and windows are closed"),
    ("dress", "I am dressed appropriately"),
    ("background", "My background is clean and professional"),
    (
        "camera",
        "My camera works and will stay on during the session",
    ),
    ("cable", "I am on a network cable, not Wi‑Fi or a hotspot"),
    ("tested", "I tested everything at least 10 minutes before"),
    (
        "confidential",
        "The session stays confidential: nothing is recorded",
    ),
];

/// The text of a standard checklist item.
pub fn standard_item(id: &str) -> Option<&'static str> {
    STANDARD_ITEMS
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, t)| *t)
}

/// Who schedules the sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ScheduledBy {
    /// The mentor arranges each session with the mentee.
    Mentor,
    /// Always the programme (or its platform).
    Programme,
    /// The programme when the mentee is under 18, otherwise the mentor.
    #[serde(rename = "programme-for-under-18")]
    ProgrammeForUnder18,
}

/// A feedback point: after which session, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "FeedbackPoint")]
pub struct Feedback {
    /// Due after this session (1-based).
    pub after_session: u32,
    /// What is due ("Mid-point feedback survey").
    pub what: String,
}

/// Which script each session uses (built-in template ids).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ProgrammeScripts")]
pub struct Scripts {
    /// The first session.
    pub first: String,
    /// The sessions in between.
    pub middle: String,
    /// The last session (when the programme has a number of sessions).
    pub last: String,
}

/// Someone at the programme to tell about a concern, or to ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ProgrammeContact")]
pub struct Contact {
    /// Name or role ("Safeguarding lead").
    pub name: String,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
}

/// A programme profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ProgrammeProfile")]
pub struct Profile {
    /// Short id (the file name without `.toml`).
    pub id: String,
    /// Name ("The Brokerage").
    pub name: String,
    /// The code of conduct it follows.
    pub code: String,
    /// Training before the first session, if the programme asks for one.
    pub training: Option<String>,
    /// Number of sessions; `None` when the programme leaves it open.
    pub sessions: Option<u32>,
    /// Length of a session, minutes.
    pub session_minutes: u32,
    /// Days between sessions, if the programme sets a rhythm.
    pub cadence_days: Option<u32>,
    /// How many minutes early to open the meeting room.
    pub room_open_minutes: u32,
    /// Whether the programme wants a weekly "did mentoring take place as planned" record.
    pub weekly_monitoring: bool,
    /// Who schedules the sessions.
    pub scheduled_by: ScheduledBy,
    /// The standard checklist items the code asks for ([`STANDARD_ITEMS`] ids, in order).
    pub standard_items: Vec<String>,
    /// What else the code asks of the mentor, as checklist items the mentor ticks.
    pub checklist: Vec<String>,
    /// Added to the checklist when the mentee is under 18.
    pub under_18: Vec<String>,
    /// With a mentee under 18, stricter wording in place of some of [`Self::checklist`]'s
    /// items (so the list never holds an item and its near-duplicate).
    #[serde(default)]
    pub under_18_instead: Vec<Instead>,
    /// Feedback points.
    pub feedback: Vec<Feedback>,
    /// Which script each session uses.
    pub scripts: Scripts,
    /// The programme contact, if any.
    pub contact: Option<Contact>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: Spanned<String>,
    code: Spanned<String>,
    training: Option<Spanned<String>>,
    sessions: Option<Spanned<i64>>,
    session_minutes: Spanned<i64>,
    cadence_days: Option<Spanned<i64>>,
    room_open_minutes: Spanned<i64>,
    #[serde(default)]
    weekly_monitoring: bool,
    scheduled_by: Spanned<String>,
    #[serde(default)]
    standard_items: Vec<Spanned<String>>,
    #[serde(default)]
    checklist: Vec<Spanned<String>>,
    #[serde(default)]
    under_18: Vec<Spanned<String>>,
    #[serde(default)]
    under_18_instead: Vec<RawInstead>,
    #[serde(default)]
    feedback: Vec<RawFeedback>,
    scripts: Spanned<RawScripts>,
    contact: Option<Spanned<RawContact>>,
}

/// A checklist item said more strictly when the mentee is under 18.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Instead {
    /// Which of the code's checklist items (1-based).
    pub item: u32,
    /// What it says instead.
    pub text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstead {
    item: Spanned<i64>,
    text: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeedback {
    after_session: Spanned<i64>,
    what: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScripts {
    first: Spanned<String>,
    middle: Spanned<String>,
    last: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContact {
    name: Spanned<String>,
    email: Option<Spanned<String>>,
    phone: Option<Spanned<String>>,
}

/// The built-in profiles: (id, TOML text).
pub const BUILT_IN_PROFILES: &[(&str, &str)] = &[
    ("brokerage", include_str!("../programmes/brokerage.toml")),
    ("mentor247", include_str!("../programmes/mentor247.toml")),
    (
        "leapfrog-sfedi",
        include_str!("../programmes/leapfrog-sfedi.toml"),
    ),
    ("qooper", include_str!("../programmes/qooper.toml")),
    (
        "expectations-guide",
        include_str!("../programmes/expectations-guide.toml"),
    ),
    ("custom", include_str!("../programmes/custom.toml")),
];

/// Loads a built-in profile by id (parsed once per process: the reminder loop asks for a
/// session's profile every tick).
pub fn built_in_profile(id: &str) -> Option<Profile> {
    static PARSED: std::sync::OnceLock<Vec<Profile>> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| {
            BUILT_IN_PROFILES
                .iter()
                .map(|(name, text)| {
                    Profile::parse(name, name, text).expect("built-in profiles are valid")
                })
                .collect()
        })
        .iter()
        .find(|p| p.id == id)
        .cloned()
}

/// The 7-week programme (`programmes/seven-week.toml`): the rhythm of a numbered session that
/// belongs to no programme — which script each session number opens, and the feedback asked
/// for after given sessions. A profile like the codes' (parsed and validated the same way), but
/// not one of them: it is not among the programmes a mentor or a session chooses.
pub fn seven_week() -> Profile {
    static PARSED: std::sync::OnceLock<Profile> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| {
            Profile::parse(
                "seven-week",
                "seven-week.toml",
                include_str!("../programmes/seven-week.toml"),
            )
            .expect("the 7-week programme's profile is valid")
        })
        .clone()
}

/// Whether `id` names a programme a session may belong to (a built-in id; "custom" is the
/// mentor's own, whose rules may come from their file).
pub fn is_known(id: &str) -> bool {
    BUILT_IN_PROFILES.iter().any(|(name, _)| *name == id)
}

/// The profiles as this mentor has them: the built-in ones, the "custom" one replaced by the
/// mentor's own file when there is one, and the programme contact the mentor entered for a
/// programme (the built-in codes name no person; the mentor's programme gives them one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profiles {
    /// The mentor's own "custom" profile, if saved.
    pub custom: Option<Profile>,
    /// Programme contacts the mentor entered, by profile id (they win over a profile's own).
    pub contacts: std::collections::BTreeMap<String, Contact>,
}

impl Profiles {
    /// The profile `id` as this mentor has it, or `None` for an id the app does not know.
    pub fn get(&self, id: &str) -> Option<Profile> {
        let mut p = match (&self.custom, id) {
            (Some(custom), "custom") => custom.clone(),
            _ => built_in_profile(id)?,
        };
        if let Some(c) = self.contacts.get(id) {
            p.contact = Some(c.clone());
        }
        Some(p)
    }

    /// Every profile, built-in order.
    pub fn all(&self) -> Vec<Profile> {
        BUILT_IN_PROFILES
            .iter()
            .filter_map(|(id, _)| self.get(id))
            .collect()
    }
}

impl Contact {
    /// Checks a contact the mentor typed (same rules as a profile file's `[contact]`): a name,
    /// and a valid email, phone or both. Text is trimmed; empty fields are absent.
    pub fn validated(name: &str, email: &str, phone: &str) -> Result<Contact, String> {
        let one_line = |v: &str, what: &str| -> Result<Option<String>, String> {
            let v = v.trim();
            if v.is_empty() {
                return Ok(None);
            }
            if v.chars().count() > MAX_ITEM_CHARS || v.chars().any(text::is_hidden_char) {
                return Err(format!(
                    "The contact's {what} must be one line of at most {MAX_ITEM_CHARS} characters."
                ));
            }
            Ok(Some(v.to_string()))
        };
        let name = one_line(name, "name")?
            .ok_or("Give the contact's name or role (for example \"Safeguarding lead\").")?;
        let email = one_line(email, "email")?;
        if let Some(e) = &email {
            if !valid_email(e) {
                return Err(format!("“{e}” is not an email address."));
            }
        }
        let phone = one_line(phone, "phone")?;
        if let Some(p) = &phone {
            if !valid_phone(p) {
                return Err(format!(
                    "“{p}” is not a phone number (digits, spaces, + - and brackets)."
                ));
            }
        }
        if email.is_none() && phone.is_none() {
            return Err("Give the contact's email, phone number or both.".into());
        }
        Ok(Contact { name, email, phone })
    }

    /// How [`Contact::reach_url`] reaches them: `email` when there is an address, else `phone`.
    pub fn via(&self) -> &'static str {
        if self.email.is_some() {
            "email"
        } else {
            "phone"
        }
    }

    /// The address that opens the mentor's mail program (or, without an email, the phone) to
    /// reach this contact: `mailto:` with a subject only (nothing about the mentee), or `tel:`.
    pub fn reach_url(&self) -> String {
        match (&self.email, &self.phone) {
            (Some(e), _) => format!("mailto:{e}?subject=A%20safeguarding%20concern"),
            (None, Some(p)) => format!(
                "tel:{}",
                p.chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect::<String>()
            ),
            (None, None) => String::new(),
        }
    }
}

fn valid_email(v: &str) -> bool {
    let (user, domain) = v.split_once('@').unwrap_or(("", ""));
    !user.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.contains(char::is_whitespace)
        // Nothing that would add headers or a body to the mailto: link.
        && !v.contains(['?', '&', '#', '%', '<', '>', '"', ',', ';'])
}

fn valid_phone(v: &str) -> bool {
    v.chars().filter(char::is_ascii_digit).count() >= 3
        && v.chars()
            .all(|ch| ch.is_ascii_digit() || " +-()".contains(ch))
}

impl Profile {
    /// Reads and validates a profile file (bounded in size; folders, devices and pipes are
    /// refused before they are opened). Its id is the file name without `.toml`.
    pub fn load(path: &std::path::Path) -> Result<Profile, TemplateError> {
        let (name, text) = read_text_file(path, MAX_PROFILE_BYTES)?;
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "custom".into());
        Profile::parse(&id, &name, &text)
    }

    /// Parses and validates a profile. `file` names it in error messages.
    pub fn parse(id: &str, file: &str, text: &str) -> Result<Profile, TemplateError> {
        let err =
            |span: Range<usize>, message: String| TemplateError::at(file, text, span, message);
        if text.len() as u64 > MAX_PROFILE_BYTES {
            return Err(err(
                0..0,
                format!(
                    "the profile is larger than {} KB; a programme's rules fit in a page",
                    MAX_PROFILE_BYTES / 1024
                ),
            ));
        }
        let raw: RawProfile = toml::from_str(text)
            .map_err(|e| err(e.span().unwrap_or(0..0), e.message().trim().to_string()))?;
        let text_of = |s: &Spanned<String>, what: &str| -> Result<String, TemplateError> {
            let t = s.get_ref().trim();
            if t.is_empty() {
                return Err(err(s.span(), format!("{what} is empty")));
            }
            if t.chars().count() > MAX_ITEM_CHARS || t.chars().any(char::is_control) {
                return Err(err(
                    s.span(),
                    format!("{what} must be one line of at most {MAX_ITEM_CHARS} characters"),
                ));
            }
            if t.chars().any(text::is_hidden_char) {
                return Err(err(
                    s.span(),
                    format!("{what} holds hidden characters (text-direction or zero-width marks) that could disguise it"),
                ));
            }
            Ok(t.to_string())
        };
        let number =
            |n: &Spanned<i64>, what: &str, lo: i64, hi: i64| -> Result<u32, TemplateError> {
                let v = *n.get_ref();
                if v < lo || v > hi {
                    return Err(err(n.span(), format!("{what} is {v}; give {lo} to {hi}")));
                }
                Ok(v as u32)
            };
        let items = |list: &[Spanned<String>], what: &str| -> Result<Vec<String>, TemplateError> {
            if list.len() > MAX_ITEMS {
                return Err(err(
                    list[MAX_ITEMS].span(),
                    format!("{what} has more than {MAX_ITEMS} items"),
                ));
            }
            list.iter()
                .map(|s| text_of(s, &format!("a {what} item")))
                .collect()
        };

        let sessions = raw
            .sessions
            .as_ref()
            .map(|n| number(n, "sessions", 1, 52))
            .transpose()?;
        let scheduled_by = match raw.scheduled_by.get_ref().as_str() {
            "mentor" => ScheduledBy::Mentor,
            "programme" => ScheduledBy::Programme,
            "programme-for-under-18" => ScheduledBy::ProgrammeForUnder18,
            other => {
                return Err(err(
                    raw.scheduled_by.span(),
                    format!(
                        "scheduled_by is \"{other}\"; write \"mentor\", \"programme\" or \"programme-for-under-18\""
                    ),
                ))
            }
        };
        let mut standard_items: Vec<String> = Vec::new();
        for item in &raw.standard_items {
            let id = item.get_ref().trim();
            if standard_item(id).is_none() {
                let known: Vec<&str> = STANDARD_ITEMS.iter().map(|(i, _)| *i).collect();
                return Err(err(
                    item.span(),
                    format!(
                        "there is no standard item \"{id}\"; use one of {}",
                        known.join(", ")
                    ),
                ));
            }
            if standard_items.iter().any(|s| s == id) {
                return Err(err(item.span(), format!("\"{id}\" is listed twice")));
            }
            standard_items.push(id.to_string());
        }
        if standard_items.is_empty() && raw.checklist.is_empty() {
            return Err(err(
                0..0,
                "the profile asks nothing of the mentor: add standard_items or checklist".into(),
            ));
        }
        let checklist = items(&raw.checklist, "checklist")?;
        // Bounded by the rules: an item of the checklist (at most MAX_ITEMS), each once.
        let mut under_18_instead: Vec<Instead> = Vec::new();
        for i in &raw.under_18_instead {
            if checklist.is_empty() {
                return Err(err(
                    i.item.span(),
                    "under_18_instead needs checklist items to replace".into(),
                ));
            }
            let n = number(
                &i.item,
                "under_18_instead's item",
                1,
                checklist.len() as i64,
            )?;
            if under_18_instead.iter().any(|o| o.item == n) {
                return Err(err(
                    i.item.span(),
                    format!("checklist item {n} is replaced twice"),
                ));
            }
            under_18_instead.push(Instead {
                item: n,
                text: text_of(&i.text, "an under_18_instead text")?,
            });
        }
        let mut feedback = Vec::new();
        for f in &raw.feedback {
            let after = number(&f.after_session, "after_session", 1, 52)?;
            if let Some(n) = sessions.filter(|&n| after > n) {
                return Err(err(
                    f.after_session.span(),
                    format!("feedback after session {after}, but the programme has {n} sessions"),
                ));
            }
            feedback.push(Feedback {
                after_session: after,
                what: text_of(&f.what, "a feedback point's `what`")?,
            });
        }
        let script = |s: &Spanned<String>| -> Result<String, TemplateError> {
            let id = s.get_ref().trim();
            if SCRIPT_IDS.contains(&id) {
                Ok(id.to_string())
            } else {
                let known: Vec<&str> = SCRIPT_IDS.to_vec();
                Err(err(
                    s.span(),
                    format!(
                        "there is no script \"{id}\"; use one of {}",
                        known.join(", ")
                    ),
                ))
            }
        };
        let scripts = raw.scripts.get_ref();
        let contact = match &raw.contact {
            None => None,
            Some(c) => {
                let span = c.span();
                let c = c.get_ref();
                let email = c
                    .email
                    .as_ref()
                    .map(|e| {
                        let v = text_of(e, "the contact's email")?;
                        if !valid_email(&v) {
                            return Err(err(e.span(), format!("\"{v}\" is not an email address")));
                        }
                        Ok(v)
                    })
                    .transpose()?;
                let phone = c
                    .phone
                    .as_ref()
                    .map(|p| {
                        let v = text_of(p, "the contact's phone")?;
                        if !valid_phone(&v) {
                            return Err(err(p.span(), format!("\"{v}\" is not a phone number")));
                        }
                        Ok(v)
                    })
                    .transpose()?;
                if email.is_none() && phone.is_none() {
                    return Err(err(
                        span,
                        "the contact needs an email, a phone or both".into(),
                    ));
                }
                Some(Contact {
                    name: text_of(&c.name, "the contact's name")?,
                    email,
                    phone,
                })
            }
        };
        Ok(Profile {
            id: id.to_string(),
            name: text_of(&raw.name, "name")?,
            code: text_of(&raw.code, "code")?,
            training: raw
                .training
                .as_ref()
                .map(|t| text_of(t, "training"))
                .transpose()?,
            sessions,
            session_minutes: number(&raw.session_minutes, "session_minutes", 10, 240)?,
            cadence_days: raw
                .cadence_days
                .as_ref()
                .map(|n| number(n, "cadence_days", 1, 62))
                .transpose()?,
            room_open_minutes: number(&raw.room_open_minutes, "room_open_minutes", 0, 30)?,
            weekly_monitoring: raw.weekly_monitoring,
            scheduled_by,
            standard_items,
            checklist,
            under_18: items(&raw.under_18, "under_18")?,
            under_18_instead,
            feedback,
            scripts: Scripts {
                first: script(&scripts.first)?,
                middle: script(&scripts.middle)?,
                last: script(&scripts.last)?,
            },
            contact,
        })
    }

    /// The script (built-in template id) for session `n` (1-based).
    pub fn script_for(&self, n: u32) -> &str {
        match self.sessions {
            _ if n <= 1 => &self.scripts.first,
            Some(total) if n >= total => &self.scripts.last,
            _ => &self.scripts.middle,
        }
    }

    /// The checklist for a session as (id, text): the standard items the code asks for, the
    /// code's own items (`<profile>:<n>`), then the under-18 additions (`<profile>:u18:<n>`) if
    /// the mentee is under 18. Under 18, an item the code words more strictly for minors is
    /// said that way instead (`<profile>:<n>:u18`), never beside its near-duplicate.
    pub fn checklist_for(&self, under_18: bool) -> Vec<(String, String)> {
        let mut items: Vec<(String, String)> = self
            .standard_items
            .iter()
            .filter_map(|id| Some((id.clone(), standard_item(id)?.to_string())))
            .collect();
        items.extend(self.checklist.iter().enumerate().map(|(i, t)| {
            let n = i as u32 + 1;
            match self.under_18_instead.iter().find(|x| x.item == n) {
                Some(x) if under_18 => (format!("{}:{n}:u18", self.id), x.text.clone()),
                _ => (format!("{}:{n}", self.id), t.clone()),
            }
        }));
        if under_18 {
            items.extend(
                self.under_18
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (format!("{}:u18:{}", self.id, i + 1), t.clone())),
            );
        }
        items
    }

    /// The standard items (id, text) this code does not ask for itself: good practice the other
    /// codes share, which the check asks of every mentor as general advice.
    pub fn general_advice(
        &self,
    ) -> impl Iterator<Item = &'static (&'static str, &'static str)> + '_ {
        STANDARD_ITEMS
            .iter()
            .filter(|(id, _)| !self.standard_items.iter().any(|s| s == id))
    }

    /// Whether the programme, not the mentor, schedules the sessions.
    pub fn programme_schedules(&self, under_18: bool) -> bool {
        match self.scheduled_by {
            ScheduledBy::Mentor => false,
            ScheduledBy::Programme => true,
            ScheduledBy::ProgrammeForUnder18 => under_18,
        }
    }
}

impl Profile {
    /// What is missing for a session with a mentee under 18: a programme with under-18 rules and
    /// no safeguarding contact set, in words (said when it is chosen, shown, and on every check
    /// of an under-18 session until a contact is set).
    pub fn safeguarding_gap(&self) -> Option<String> {
        (!self.under_18.is_empty() && self.contact.is_none()).then(|| {
            format!(
                "{} has rules for mentees under 18, and no safeguarding contact is set: add who to tell about a concern (a name and an email or phone) before a session with a mentee under 18.",
                self.name
            )
        })
    }

    /// What the mentor says about the limit of confidentiality when the mentee is under 18, and
    /// whom they would tell.
    pub fn safeguarding_prompt(&self) -> String {
        format!("One limit to that, {}", self.safeguarding_limit())
    }

    /// The same limit said on its own, for a script that does not speak of confidentiality
    /// (a session after the first): the mentee hears what it is a limit of.
    pub fn safeguarding_reminder(&self) -> String {
        format!(
            "A reminder: what we say stays between us, with one limit, {}",
            self.safeguarding_limit()
        )
    }

    fn safeguarding_limit(&self) -> String {
        let who = self
            .contact
            .as_ref()
            // The role first, the name in brackets: it reads well whether the name is a
            // person's ("Ana Lopez") or a role's ("Programme coordinator").
            .map(|c| format!("{}'s safeguarding contact ({})", self.name, c.name))
            .unwrap_or_else(|| format!("{}'s safeguarding contact", self.name));
        format!(
            "because you are under 18: if I am worried that you or someone else may be at risk, I must tell {who} straight away. I would tell you first that I am doing it."
        )
    }

    /// Fills the script variables the programme knows (its name and number of sessions, for
    /// the roadmap: "session 2 of 7"), leaving what the caller set.
    pub fn fill_vars(&self, vars: &mut std::collections::BTreeMap<String, String>) {
        vars.entry("programme_name".into())
            .or_insert_with(|| self.name.clone());
        if let Some(n) = self.sessions {
            vars.entry("programme_sessions".into())
                .or_insert_with(|| n.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_profile_is_valid() {
        for (id, text) in BUILT_IN_PROFILES {
            let p = Profile::parse(id, id, text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(&p.id, id);
            assert!(!p.checklist.is_empty(), "{id} lists what its code asks");
            assert!(!p.standard_items.is_empty(), "{id} names standard items");
            assert!(p.room_open_minutes <= 10, "{id}");
        }
        let b = built_in_profile("brokerage").unwrap();
        assert_eq!(b.sessions, Some(7));
        assert_eq!(b.cadence_days, Some(7));
        assert!(b.weekly_monitoring);
        assert_eq!(
            b.feedback
                .iter()
                .map(|f| f.after_session)
                .collect::<Vec<_>>(),
            [4, 7]
        );
        assert!(b.programme_schedules(true) && !b.programme_schedules(false));
        assert_eq!(b.script_for(1), "first-session");
        assert_eq!(b.script_for(4), "regular-session");
        assert_eq!(b.script_for(7), "final-session");
        let channels = "Contact only through the programme's channels";
        let with = b.checklist_for(true);
        assert!(with
            .iter()
            .any(|(id, t)| t == channels && id == "brokerage:1:u18"));
        assert!(!b.checklist_for(false).iter().any(|(_, t)| t == channels));
        assert_eq!(with[0].0, b.standard_items[0], "standard items first");
        let m = built_in_profile("mentor247").unwrap();
        let items = m.checklist_for(false);
        assert!(items.iter().any(|(id, _)| id == "phone"));
        assert!(items.iter().any(|(id, _)| id == "cable"));
        assert!(m.programme_schedules(false));
        assert_eq!(
            m.script_for(9),
            "regular-session",
            "open-ended: never the last"
        );
        assert!(built_in_profile("nope").is_none());
    }

    #[test]
    fn under_18_an_item_is_said_more_strictly_never_beside_its_near_duplicate() {
        for (id, _) in BUILT_IN_PROFILES {
            let p = built_in_profile(id).unwrap();
            let items = p.checklist_for(true);
            for (i, (_, a)) in items.iter().enumerate() {
                for (_, b) in &items[i + 1..] {
                    let (a, b) = (a.to_lowercase(), b.to_lowercase());
                    assert!(
                        !a.starts_with(&b) && !b.starts_with(&a),
                        "{id}: {a:?} and {b:?}"
                    );
                }
            }
        }
        let b = built_in_profile("brokerage").unwrap();
        let adult: Vec<String> = b.checklist_for(false).into_iter().map(|(_, t)| t).collect();
        let minor: Vec<String> = b.checklist_for(true).into_iter().map(|(_, t)| t).collect();
        assert!(adult.contains(&"No personal contact details shared".to_string()));
        assert!(minor.contains(&"No personal contact details shared at all".to_string()));
        assert!(!minor.contains(&"No personal contact details shared".to_string()));
        assert!(!minor.contains(&"Contact only by email and video conferencing".to_string()));
        assert_eq!(minor.len(), adult.len() + b.under_18.len());
        // A replacement of an item the code does not have is refused where it is written.
        let e = broken(&GOOD.replace(
            "checklist = [\"On time\"]",
            "checklist = [\"On time\"]\n[[under_18_instead]]\nitem = 2\ntext = \"x\"",
        ));
        assert!(e.to_string().contains("give 1 to 1"), "{e}");
    }

    fn broken(text: &str) -> TemplateError {
        Profile::parse("mine", "mine.toml", text).unwrap_err()
    }

    const GOOD: &str = "name = \"Mine\"\ncode = \"My rules\"\nsessions = 4\nsession_minutes = 45\nroom_open_minutes = 5\nscheduled_by = \"mentor\"\nchecklist = [\"On time\"]\n\n[scripts]\nfirst = \"first-session\"\nmiddle = \"regular-session\"\nlast = \"final-session\"\n";

    #[test]
    fn broken_profiles_say_where() {
        assert!(Profile::parse("mine", "mine.toml", GOOD).is_ok());
        let e = broken(&GOOD.replace("sessions = 4", "sessions = 400"));
        assert_eq!(
            (e.file.as_str(), e.line, e.column),
            ("mine.toml", 3, 12),
            "{e}"
        );
        assert!(e.message.contains("give 1 to 52"), "{e}");
        let e = broken(&GOOD.replace("\"mentor\"", "\"the mentee\""));
        assert_eq!(e.line, 6, "{e}");
        let e = broken(&GOOD.replace("last = \"final-session\"", "last = \"goodbye\""));
        assert_eq!(e.line, 12, "{e}");
        assert!(
            e.message.contains("first-session"),
            "names the scripts there are: {e}"
        );
        let e = broken(&GOOD.replace("checklist = [\"On time\"]", "checklist = [\"\"]"));
        assert_eq!(e.line, 7, "{e}");
        let e = broken(&GOOD.replace(
            "checklist = [\"On time\"]",
            "standard_items = [\"quiet\", \"hat\"]",
        ));
        assert_eq!((e.line, e.column), (7, 28), "{e}");
        assert!(e.message.contains("quiet, phone"), "{e}");
        let e = broken(&GOOD.replace("checklist = [\"On time\"]", "checklist = []"));
        assert!(e.message.contains("asks nothing"), "{e}");
        let e = broken(&format!(
            "{GOOD}\n[[feedback]]\nafter_session = 5\nwhat = \"Survey\"\n"
        ));
        assert_eq!(e.line, 15, "{e}");
        assert!(e.message.contains("has 4 sessions"), "{e}");
        let e = broken(&format!(
            "{GOOD}\n[contact]\nname = \"Lead\"\nemail = \"not an address\"\n"
        ));
        assert_eq!(e.line, 16, "{e}");
        let e = broken(&format!("{GOOD}\n[contact]\nname = \"Lead\"\n"));
        assert!(e.message.contains("email, a phone or both"), "{e}");
        let e = broken(&GOOD.replace("code =", "colour = \"red\"\ncode ="));
        assert_eq!(e.line, 2, "unknown keys are refused: {e}");
        let e = broken("name = [");
        assert_eq!(e.line, 1, "{e}");
        let big = format!("{GOOD}#{}\n", "x".repeat(MAX_PROFILE_BYTES as usize));
        assert!(broken(&big).message.contains("larger than"));
        let many = GOOD.replace(
            "checklist = [\"On time\"]",
            &format!("checklist = [{}]", vec!["\"x\""; MAX_ITEMS + 1].join(", ")),
        );
        assert!(broken(&many).message.contains("more than 40 items"));
        let ok = Profile::parse(
            "mine",
            "mine.toml",
            &format!("{GOOD}\n[contact]\nname = \"Lead\"\nphone = \"+44 (0)20 7946 0000\"\n"),
        )
        .unwrap();
        assert_eq!(
            ok.contact.unwrap().phone.as_deref(),
            Some("+44 (0)20 7946 0000")
        );
    }

    #[test]
    fn the_mentors_contact_and_custom_profile_win_over_the_built_in_ones() {
        let mut profiles = Profiles::default();
        assert_eq!(profiles.get("brokerage").unwrap().contact, None);
        let c = Contact::validated(" Safeguarding lead ", "safe@brokerage.example", "").unwrap();
        assert_eq!(c.name, "Safeguarding lead");
        profiles.contacts.insert("brokerage".into(), c.clone());
        assert_eq!(profiles.get("brokerage").unwrap().contact, Some(c));
        assert_eq!(
            profiles.get("qooper").unwrap().contact,
            None,
            "only its own"
        );
        let mine = Profile::parse(
            "custom",
            "custom.toml",
            &BUILT_IN_PROFILES[5]
                .1
                .replace("My programme", "Youth Futures"),
        )
        .unwrap();
        profiles.custom = Some(mine);
        assert_eq!(profiles.get("custom").unwrap().name, "Youth Futures");
        assert_eq!(profiles.all().len(), BUILT_IN_PROFILES.len());
        assert!(profiles.get("nope").is_none());
        assert!(is_known("custom") && !is_known("nope"));
    }

    #[test]
    fn a_typed_contact_is_checked_and_reached_without_anything_about_the_mentee() {
        assert!(Contact::validated("", "a@b.org", "").is_err(), "a name");
        assert!(
            Contact::validated("Lead", "", "").is_err(),
            "a way to reach"
        );
        assert!(Contact::validated("Lead", "not an email", "").is_err());
        // Nothing can smuggle a body or headers into the mail link.
        assert!(Contact::validated("Lead", "a@b.org?body=hi", "").is_err());
        assert!(Contact::validated("Lead", "a@b.org", "call me").is_err());
        assert!(Contact::validated("Lead\nX", "a@b.org", "").is_err());
        let c = Contact::validated("Lead", "lead@programme.org", "+44 20 7946 0000").unwrap();
        assert_eq!(
            c.reach_url(),
            "mailto:lead@programme.org?subject=A%20safeguarding%20concern"
        );
        let t = Contact::validated("Lead", "", "+44 (0)20 7946-0000").unwrap();
        assert_eq!(t.reach_url(), "tel:+4402079460000");
        assert_eq!((c.via(), t.via()), ("email", "phone"));
    }

    #[test]
    fn the_seven_week_programme_is_a_profile_but_not_a_choice() {
        let p = seven_week();
        assert_eq!((p.sessions, p.cadence_days), (Some(7), Some(7)));
        assert_eq!(
            (p.script_for(1), p.script_for(4), p.script_for(7)),
            ("first-session", "regular-session", "final-session")
        );
        let after: Vec<u32> = p.feedback.iter().map(|f| f.after_session).collect();
        assert_eq!(after, [4, 7]);
        assert!(!is_known("seven-week"));
        assert!(built_in_profile("seven-week").is_none());
    }
}
