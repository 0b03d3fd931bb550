//! The result model shared by the CLI, the app (via generated TypeScript types) and the records:
//! plain data only (serde and TypeScript), no rules and no I/O. The rules that fill it live in
//! `preflight::verdict` and `preflight::checklist`.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The verdict of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Status {
    /// Good to go.
    Pass,
    /// Works, but something should be improved before the session.
    Warn,
    /// Will not work as it is; fix before the session.
    Fail,
    /// Not run (switched off, or it depends on a check that failed).
    Skipped,
}

impl Status {
    /// Severity for combining verdicts: skipped < pass < warn < fail.
    fn rank(self) -> u8 {
        match self {
            Status::Skipped => 0,
            Status::Pass => 1,
            Status::Warn => 2,
            Status::Fail => 3,
        }
    }

    /// The more severe of the two.
    pub fn worse(self, other: Status) -> Status {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }

    /// The serialised name (`pass`, `warn`, `fail`, `skipped`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skipped => "skipped",
        }
    }

    /// What the windows call it, in plain words.
    pub fn words(self) -> &'static str {
        match self {
            Status::Pass => "Good",
            Status::Warn => "Needs attention",
            Status::Fail => "Problem",
            Status::Skipped => "Not checked",
        }
    }

    /// The badge beside a result.
    pub fn icon(self) -> &'static str {
        match self {
            Status::Pass => "✔",
            Status::Warn => "!",
            Status::Fail => "✕",
            Status::Skipped => "–",
        }
    }

    /// Every status, from best to not checked.
    pub const ALL: [Status; 4] = [Status::Pass, Status::Warn, Status::Fail, Status::Skipped];

    /// Upper-case label for terminals and exports.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
            Status::Skipped => "SKIP",
        }
    }
}

/// Which check a result belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum CheckId {
    /// Microphone level, room noise, clipping.
    Mic,
    /// Speakers or headphones play the test chime.
    Speaker,
    /// Camera delivery and picture.
    Camera,
    /// How busy the background behind the mentor is.
    Background,
    /// The mentor in the picture: face found, framing, light on the face.
    Framing,
    /// Network link: cable, Wi‑Fi, hotspot…
    Network,
    /// Call quality over UDP: delay, jitter, loss, MOS.
    Quality,
    /// Reachability of the meeting platforms (Zoom, Meet, Teams, Jitsi).
    Platforms,
    /// How much the connection can carry: upload and download speed, delay under load.
    Capacity,
}

impl CheckId {
    /// Every check, in the order a report lists them.
    pub const ALL: [CheckId; 9] = [
        CheckId::Mic,
        CheckId::Speaker,
        CheckId::Camera,
        CheckId::Background,
        CheckId::Framing,
        CheckId::Network,
        CheckId::Quality,
        CheckId::Platforms,
        CheckId::Capacity,
    ];

    /// The serialised id (`mic`, `speaker`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::Mic => "mic",
            CheckId::Speaker => "speaker",
            CheckId::Camera => "camera",
            CheckId::Background => "background",
            CheckId::Framing => "framing",
            CheckId::Network => "network",
            CheckId::Quality => "quality",
            CheckId::Platforms => "platforms",
            CheckId::Capacity => "capacity",
        }
    }

    /// Name to show a mentor.
    pub fn title(self) -> &'static str {
        match self {
            CheckId::Mic => "Microphone",
            CheckId::Speaker => "Speakers",
            CheckId::Camera => "Camera",
            CheckId::Background => "Background",
            CheckId::Framing => "You in the picture",
            CheckId::Network => "Connection",
            CheckId::Quality => "Call quality",
            CheckId::Platforms => "Meeting apps",
            CheckId::Capacity => "Connection speed",
        }
    }
}

/// One measured figure behind a verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Detail {
    /// Stable machine name, e.g. `rms_dbfs`.
    pub key: String,
    /// What to show, e.g. "Voice level".
    pub label: String,
    /// The number, where the figure is a number.
    pub value: Option<f64>,
    /// Its unit, e.g. "dBFS", "fps".
    pub unit: Option<String>,
    /// The figure as text for people, e.g. "−23.0 dBFS".
    pub text: String,
}

impl Detail {
    /// A numeric figure shown with `decimals` decimals and its unit.
    pub fn number(key: &str, label: &str, value: f64, unit: &str, decimals: usize) -> Detail {
        let shown = format!("{value:.decimals$}").replace('-', "−");
        Detail {
            key: key.into(),
            label: label.into(),
            value: Some(value),
            unit: (!unit.is_empty()).then(|| unit.to_string()),
            text: if unit.is_empty() {
                shown
            } else {
                format!("{shown} {unit}")
            },
        }
    }

    /// A textual figure (a device name, a link type).
    pub fn text(key: &str, label: &str, text: impl Into<String>) -> Detail {
        Detail {
            key: key.into(),
            label: label.into(),
            value: None,
            unit: None,
            text: text.into(),
        }
    }
}

/// The result of one check: the one type every check returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckResult {
    /// Which check.
    pub id: CheckId,
    /// Name to show.
    pub title: String,
    /// The verdict.
    pub status: Status,
    /// One sentence: what we found.
    pub summary: String,
    /// The measured figures behind the verdict.
    pub details: Vec<Detail>,
    /// What to do about it, when there is something to do.
    pub advice: Option<String>,
    /// A yes/no question only the mentor can answer (e.g. "Did you hear the chime?"); the
    /// answer turns this result into a final one (see `verdict::speaker_answer`).
    pub question: Option<String>,
    /// What this result shows about the mentor's set-up, as typed facts (the checklist is built
    /// from these, never from the wording of a summary or a label).
    #[serde(default)]
    pub evidence: Option<Evidence>,
    /// Something the app can do about this result in one step, offered beside the advice.
    #[serde(default)]
    pub offer: Option<Offer>,
}

/// A one-step fix the app offers with a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum Offer {
    /// Choose another microphone: the one called `name` (as the device list names it).
    UseMicrophone {
        /// The microphone's name.
        name: String,
    },
}

/// A typed fact a check established, which the code-of-conduct checklist uses as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum Evidence {
    /// The room's noise floor, measured by the microphone check.
    RoomNoise {
        /// Noise floor, dBFS.
        #[serde(rename = "floorDbfs")]
        floor_dbfs: f64,
    },
    /// What carries the connection.
    Connection {
        /// `Some(true)` on a network cable, `Some(false)` on Wi‑Fi, a hotspot, mobile broadband,
        /// a VPN or offline; `None` when the link could not be classified.
        wired: Option<bool>,
    },
}

impl CheckResult {
    /// A result with no details or advice yet.
    pub fn new(id: CheckId, status: Status, summary: impl Into<String>) -> CheckResult {
        CheckResult {
            id,
            title: id.title().to_string(),
            status,
            summary: summary.into(),
            details: Vec::new(),
            advice: None,
            question: None,
            evidence: None,
            offer: None,
        }
    }

    /// Adds the typed fact this result established.
    pub fn with_evidence(mut self, evidence: Evidence) -> CheckResult {
        self.evidence = Some(evidence);
        self
    }

    /// Adds advice.
    pub fn with_advice(mut self, advice: impl Into<String>) -> CheckResult {
        self.advice = Some(advice.into());
        self
    }

    /// Adds details.
    pub fn with_details(mut self, details: Vec<Detail>) -> CheckResult {
        self.details = details;
        self
    }
}

/// A whole pre-flight check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Report {
    /// Version of the app that made the report.
    pub app_version: String,
    /// When the check started (RFC 3339, UTC).
    #[ts(type = "string")]
    pub started_at: Timestamp,
    /// How long it took, milliseconds.
    #[ts(type = "number")]
    pub duration_ms: u64,
    /// The worst verdict of all checks (skipped checks do not count).
    pub overall: Status,
    /// One result per check, in a fixed order.
    pub checks: Vec<CheckResult>,
    /// The code-of-conduct checklist, evidenced by these checks where they can (filled in by
    /// the app and the CLI after the run: it also needs the schedule and the running apps).
    #[serde(default)]
    pub checklist: Vec<ChecklistItem>,
    /// What is clearly unlike the mentor's usual (their earlier checks), in plain sentences
    /// (filled in with the checklist, from the records).
    #[serde(default)]
    pub compared: Vec<String>,
}

impl Report {
    /// The result of check `id`, unless it was skipped (a skipped check measured nothing).
    pub fn measured(&self, id: CheckId) -> Option<&CheckResult> {
        self.checks
            .iter()
            .find(|c| c.id == id && c.status != Status::Skipped)
    }

    /// The figure `key` among the details of check `id`, unless that check was skipped.
    pub fn detail(&self, id: CheckId, key: &str) -> Option<&Detail> {
        self.measured(id)?.details.iter().find(|d| d.key == key)
    }

    /// The worst status among `checks`; [`Status::Skipped`] only if every check was skipped.
    pub fn overall_of(checks: &[CheckResult]) -> Status {
        checks
            .iter()
            .map(|c| c.status)
            .max_by_key(|s| s.rank())
            .unwrap_or(Status::Skipped)
    }

    /// When the check finished: its start plus its duration. With the shell that ran it, this
    /// identifies the check in the records.
    pub fn finished_at(&self) -> Timestamp {
        self.started_at + SignedDuration::from_millis(self.duration_ms.min(i64::MAX as u64) as i64)
    }

    /// Process exit code for the CLI: 0 all pass, 1 a warning, 2 a failure.
    pub fn exit_code(&self) -> i32 {
        match self.overall {
            Status::Pass | Status::Skipped => 0,
            Status::Warn => 1,
            Status::Fail => 2,
        }
    }
}

/// Whether a checklist item is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ItemState {
    /// Met.
    Met,
    /// Not met.
    NotMet,
    /// Nobody has said yet.
    Unknown,
}

impl ItemState {
    /// How the records file writes it (`met`, `not met`, `unknown`), unchanged since the first
    /// records were written.
    pub fn recorded(self) -> &'static str {
        match self {
            ItemState::Met => "met",
            ItemState::NotMet => "not met",
            ItemState::Unknown => "unknown",
        }
    }

    /// The state written as [`ItemState::recorded`] (or as the window names it).
    pub fn from_recorded(s: &str) -> Option<ItemState> {
        match s {
            "met" => Some(ItemState::Met),
            "not met" | "notMet" => Some(ItemState::NotMet),
            "unknown" => Some(ItemState::Unknown),
            _ => None,
        }
    }
}

/// What a checklist item's state rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Basis {
    /// A check measured it.
    Evidence,
    /// The mentor says so.
    Declared,
}

/// One item of the code-of-conduct checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChecklistItem {
    /// Stable id (a standard item's id, or one a programme's code defines).
    pub id: String,
    /// What the codes ask, in plain words.
    pub text: String,
    /// Met, not met, unknown.
    pub state: ItemState,
    /// Evidence or the mentor's word.
    pub basis: Basis,
    /// The evidence (or why there is none), for people.
    pub why: String,
    /// General good practice the mentoring codes share, not a rule of the session's programme
    /// (false for the programme's own rules, and for every item when there is no programme).
    #[serde(default)]
    pub general: bool,
}

/// Which shell ran a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Origin {
    /// The desktop app.
    App,
    /// The `preflight` command.
    Cli,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: Status) -> CheckResult {
        CheckResult::new(CheckId::Mic, s, "x")
    }

    #[test]
    fn overall_is_the_worst() {
        assert_eq!(
            Report::overall_of(&[r(Status::Pass), r(Status::Warn)]),
            Status::Warn
        );
        assert_eq!(
            Report::overall_of(&[r(Status::Fail), r(Status::Skipped), r(Status::Warn)]),
            Status::Fail
        );
        assert_eq!(
            Report::overall_of(&[r(Status::Skipped), r(Status::Pass)]),
            Status::Pass
        );
        assert_eq!(Report::overall_of(&[]), Status::Skipped);
    }

    #[test]
    fn exit_codes() {
        let mut rep = Report {
            app_version: "0".into(),
            started_at: Timestamp::UNIX_EPOCH,
            duration_ms: 0,
            overall: Status::Pass,
            checks: vec![],
            checklist: vec![],
            compared: Vec::new(),
        };
        assert_eq!(rep.exit_code(), 0);
        rep.overall = Status::Warn;
        assert_eq!(rep.exit_code(), 1);
        rep.overall = Status::Fail;
        assert_eq!(rep.exit_code(), 2);
    }

    #[test]
    fn finished_is_start_plus_duration() {
        let rep = Report {
            app_version: "0".into(),
            started_at: "2026-11-30T10:00:00Z".parse().unwrap(),
            duration_ms: 61_500,
            overall: Status::Pass,
            checks: vec![],
            checklist: vec![],
            compared: Vec::new(),
        };
        assert_eq!(rep.finished_at().to_string(), "2026-11-30T10:01:01.5Z");
        let json = serde_json::to_value(&rep).unwrap();
        assert_eq!(json["startedAt"], "2026-11-30T10:00:00Z");
    }

    #[test]
    fn recorded_item_states_read_back() {
        for s in [ItemState::Met, ItemState::NotMet, ItemState::Unknown] {
            assert_eq!(ItemState::from_recorded(s.recorded()), Some(s));
        }
        assert_eq!(ItemState::NotMet.recorded(), "not met");
        assert_eq!(ItemState::from_recorded("maybe"), None);
    }

    #[test]
    fn evidence_is_tagged() {
        let v = serde_json::to_value(Evidence::Connection { wired: Some(true) }).unwrap();
        assert_eq!(v, serde_json::json!({"kind": "connection", "wired": true}));
        let v = serde_json::to_value(Evidence::RoomNoise { floor_dbfs: -50.0 }).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"kind": "roomNoise", "floorDbfs": -50.0})
        );
    }

    #[test]
    fn json_shape_is_stable() {
        let c = r(Status::Warn)
            .with_details(vec![Detail::number("rms_dbfs", "Level", -23.04, "dBFS", 1)]);
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["id"], "mic");
        assert_eq!(v["status"], "warn");
        assert_eq!(v["details"][0]["text"], "−23.0 dBFS");
        assert_eq!(v["details"][0]["value"], -23.04);
    }
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn as_str_matches_serde() {
        for s in Status::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        // (That ALL holds every check, in the report's order, the engine's tests check.)
        for c in CheckId::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }
}
