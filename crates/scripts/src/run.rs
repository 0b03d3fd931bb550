//! A session in progress: which phase, what has been ticked, how long each phase took. Pure:
//! every change takes `now`. What is kept for the record is metadata only (titles, ticks,
//! times) — never anything that was said.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::script::{phase_timer, Phase, PhaseTimer, Template};

/// A running session script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRun {
    template: Template,
    current: usize,
    /// When each phase was (last) entered; `None` for phases not reached yet.
    entered: Vec<Option<Timestamp>>,
    /// Time spent in each phase before the current visit, for phases left and come back to.
    spent: Vec<SignedDuration>,
    ticks: Vec<Vec<bool>>,
    /// When the session starts (its scheduled start, or when the mentor began it, whichever
    /// came first); the first phase's timer runs from then.
    started: Timestamp,
}

/// What the script window shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScriptView {
    /// The template's name.
    pub name: String,
    /// Current phase, from 0.
    pub index: usize,
    /// Number of phases.
    pub count: usize,
    /// The current phase (rendered).
    pub phase: Phase,
    /// Ticks of the current phase's checklist.
    pub ticks: Vec<bool>,
    /// The current phase's timer.
    pub timer: PhaseTimer,
    /// Title of the next phase, if any.
    pub next: Option<String>,
    /// Items ticked over the whole session, and items in all.
    pub covered: (usize, usize),
    /// Seconds until the session starts (0 once it has): before it, the window counts down
    /// instead of running the first phase's clock.
    #[ts(type = "number")]
    pub starts_in_s: i64,
}

/// One phase in the session record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PhaseRecord {
    /// Phase title.
    pub title: String,
    /// Planned minutes.
    pub planned_min: u32,
    /// Seconds actually spent.
    #[ts(type = "number")]
    pub actual_s: i64,
    /// Checklist items ticked.
    pub covered: Vec<String>,
    /// Checklist items not ticked.
    pub missed: Vec<String>,
}

/// What a finished session leaves in the records: metadata only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SessionRecord {
    /// Template name.
    pub template: String,
    /// Start (RFC 3339 in the file).
    #[ts(type = "string")]
    pub started: Timestamp,
    /// End (RFC 3339 in the file).
    #[ts(type = "string")]
    pub ended: Timestamp,
    /// The phases, in order.
    pub phases: Vec<PhaseRecord>,
    /// The scheduled session this was, if it was started from the schedule.
    #[serde(default)]
    pub session_id: Option<String>,
    /// Who it was with, if known.
    #[serde(default)]
    pub mentee: Option<String>,
    /// Number in the programme, if known.
    #[serde(default)]
    pub session_number: Option<u32>,
    /// Finished before its scheduled session's start: a rehearsal, which is never recorded as a
    /// session that took place (the app keeps no record of it).
    #[serde(default)]
    pub rehearsal: bool,
    /// What the mentor and mentee agreed, in the mentor's few words: kept on this computer for
    /// the next session, and in the monitoring export only when the mentor asked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreed: Option<Agreed>,
}

/// What was agreed at the end of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Agreed {
    /// A few short lines.
    pub text: String,
    /// The mentor ticked "include it in the monitoring export".
    #[serde(default)]
    pub in_export: bool,
}

/// The most a note of what was agreed keeps: a few short lines, not a diary.
pub const AGREED_MAX_CHARS: usize = 600;
/// … and at most this many lines.
pub const AGREED_MAX_LINES: usize = 8;

impl Agreed {
    /// The mentor's words, trimmed, empty lines dropped; `None` when nothing is left. Longer
    /// than [`AGREED_MAX_CHARS`] or [`AGREED_MAX_LINES`] is refused with words (nothing is cut
    /// without the mentor seeing it).
    pub fn from_words(text: &str, in_export: bool) -> Result<Option<Agreed>, String> {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            return Ok(None);
        }
        if lines.len() > AGREED_MAX_LINES {
            return Err(format!(
                "Keep what was agreed to {AGREED_MAX_LINES} short lines or fewer."
            ));
        }
        let text = lines.join("\n");
        if text.chars().count() > AGREED_MAX_CHARS {
            return Err(format!(
                "Keep what was agreed to {AGREED_MAX_CHARS} characters or fewer: a few short lines."
            ));
        }
        Ok(Some(Agreed { text, in_export }))
    }
}

impl SessionRun {
    /// The script's phases as a roadmap: each title with its minutes.
    pub fn roadmap(&self) -> Vec<(String, u32)> {
        self.template
            .phases
            .iter()
            .map(|p| (p.title.clone(), p.minutes))
            .collect()
    }

    /// Starts `template` (already rendered) at `now`, in its first phase.
    pub fn start(template: Template, now: Timestamp) -> SessionRun {
        Self::start_at(template, now, now)
    }

    /// Opens `template` at `now` for a session that starts at `at`: opened early (the room opens
    /// 5–10 minutes before), the first phase's clock waits for the start — or for the mentor to
    /// [begin](Self::begin) or move on — so it never shows overtime before the session.
    pub fn start_at(template: Template, now: Timestamp, at: Timestamp) -> SessionRun {
        let begins = at.max(now);
        let n = template.phases.len();
        let mut entered = vec![None; n];
        if n > 0 {
            entered[0] = Some(begins);
        }
        SessionRun {
            ticks: template
                .phases
                .iter()
                .map(|p| vec![false; p.checklist.len()])
                .collect(),
            spent: vec![SignedDuration::ZERO; n],
            entered,
            current: 0,
            started: begins,
            template,
        }
    }

    /// The mentor starts the session now (before its scheduled start); no-op once started.
    pub fn begin(&mut self, now: Timestamp) {
        if now < self.started {
            self.started = now;
            if let Some(first) = self.entered.first_mut() {
                *first = Some(now);
            }
        }
    }

    /// The current phase index.
    pub fn current(&self) -> usize {
        self.current
    }

    fn leave(&mut self, now: Timestamp) {
        if let Some(t) = self.entered[self.current].take() {
            self.spent[self.current] += now.duration_since(t).max(SignedDuration::ZERO);
        }
    }

    fn enter(&mut self, index: usize, now: Timestamp) {
        self.leave(now);
        self.current = index;
        self.entered[index] = Some(now);
    }

    /// Moves to the next phase (stays on the last); moving on begins the session.
    pub fn next(&mut self, now: Timestamp) {
        self.begin(now);
        if self.current + 1 < self.template.phases.len() {
            self.enter(self.current + 1, now);
        }
    }

    /// Moves back a phase (stays on the first).
    pub fn back(&mut self, now: Timestamp) {
        if self.current > 0 {
            self.enter(self.current - 1, now);
        }
    }

    /// Ticks or unticks item `item` of the current phase; out-of-range items are ignored.
    pub fn toggle(&mut self, item: usize) {
        if let Some(t) = self.ticks[self.current].get_mut(item) {
            *t = !*t;
        }
    }

    fn time_in(&self, i: usize, now: Timestamp) -> SignedDuration {
        self.spent[i]
            + self.entered[i]
                .map(|t| now.duration_since(t).max(SignedDuration::ZERO))
                .unwrap_or_default()
    }

    /// What to show at `now`.
    pub fn view(&self, now: Timestamp) -> ScriptView {
        let phase = self.template.phases[self.current].clone();
        let started_equiv = now - self.time_in(self.current, now);
        ScriptView {
            name: self.template.name.clone(),
            index: self.current,
            count: self.template.phases.len(),
            timer: phase_timer(phase.minutes, started_equiv, now),
            phase,
            ticks: self.ticks[self.current].clone(),
            next: self
                .template
                .phases
                .get(self.current + 1)
                .map(|p| p.title.clone()),
            covered: (
                self.ticks.iter().flatten().filter(|&&t| t).count(),
                self.ticks.iter().map(Vec::len).sum(),
            ),
            starts_in_s: self.started.duration_since(now).as_secs().max(0),
        }
    }

    /// Ends the session at `now` and returns its record.
    pub fn finish(mut self, now: Timestamp) -> SessionRecord {
        self.begin(now);
        self.leave(now);
        SessionRecord {
            session_id: None,
            mentee: None,
            session_number: None,
            rehearsal: false,
            agreed: None,
            template: self.template.name.clone(),
            started: self.started,
            ended: now,
            phases: self
                .template
                .phases
                .iter()
                .zip(&self.ticks)
                .zip(&self.spent)
                .map(|((p, ticks), spent)| PhaseRecord {
                    title: p.title.clone(),
                    planned_min: p.minutes,
                    actual_s: spent.as_secs(),
                    covered: p
                        .checklist
                        .iter()
                        .zip(ticks)
                        .filter(|(_, t)| **t)
                        .map(|(c, _)| c.clone())
                        .collect(),
                    missed: p
                        .checklist
                        .iter()
                        .zip(ticks)
                        .filter(|(_, t)| !**t)
                        .map(|(c, _)| c.clone())
                        .collect(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::{built_in, TimerColour};

    fn t(s: i64) -> Timestamp {
        "2026-03-29T09:00:00Z".parse::<Timestamp>().unwrap() + SignedDuration::from_secs(s)
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_session_walks_through_phases() {
        let tpl = built_in("regular-session").unwrap();
        let mut run = SessionRun::start(tpl.clone(), t(0));
        let v = run.view(t(60));
        assert_eq!((v.index, v.count, v.timer.elapsed_s), (0, 4, 60));
        assert_eq!(v.next.as_deref(), Some("Review actions"));
        run.toggle(0);
        run.toggle(7); // no such item: ignored
        run.next(t(300));
        assert_eq!(run.view(t(300)).timer.elapsed_s, 0);
        // Back to the first phase: its clock resumes where it stopped.
        run.back(t(400));
        assert_eq!(run.view(t(410)).timer.elapsed_s, 310);
        assert_eq!(
            run.view(t(410)).timer.colour,
            TimerColour::Red,
            "5-minute check-in is over time"
        );
        run.next(t(420));
        run.next(t(1000));
        run.next(t(2800));
        run.next(t(2900)); // already last: stays
        let v = run.view(t(2900));
        assert_eq!(v.index, 3);
        assert!(v.next.is_none());
        assert_eq!(v.covered, (1, v.covered.1));
        let rec = run.finish(t(3100));
        assert_eq!(rec.phases.len(), 4);
        assert_eq!(
            rec.phases[0].covered,
            vec!["Opened with encouragement".to_string()]
        );
        assert_eq!(rec.phases[0].actual_s, 300 + 20);
        assert_eq!(rec.phases[1].actual_s, 100 + 580);
        assert_eq!(rec.phases[3].actual_s, 300);
        assert_eq!(rec.phases[3].missed.len(), 2);
    }

    #[test]
    fn the_record_holds_no_prompts() {
        let tpl = built_in("first-session").unwrap();
        let rec = SessionRun::start(tpl.clone(), t(0)).finish(t(60));
        let json = serde_json::to_string(&rec).unwrap();
        for p in tpl.phases.iter().flat_map(|p| &p.prompts) {
            assert!(
                !json.contains(p.as_str()),
                "a prompt leaked into the record"
            );
        }
    }

    #[test]
    fn opened_early_the_clock_waits_for_the_start() {
        let t = crate::script::built_in("first-session").unwrap();
        let open = ts("2026-11-24T17:53:00Z");
        let start = ts("2026-11-24T18:00:00Z");
        let mut run = SessionRun::start_at(t.clone(), open, start);
        let before = run.view(ts("2026-11-24T17:56:20Z"));
        assert_eq!(before.starts_in_s, 220);
        assert_eq!(before.timer.elapsed_s, 0);
        assert_eq!(
            before.timer.overtime_s, 0,
            "never overtime before the start"
        );
        let after = run.view(ts("2026-11-24T18:02:00Z"));
        assert_eq!((after.starts_in_s, after.timer.elapsed_s), (0, 120));
        // The record's length is the real one: from the start, not from opening the window.
        let rec = run.clone().finish(ts("2026-11-24T18:55:00Z"));
        assert_eq!(rec.started, start);
        // Begun early by the mentor (or by moving on): from then.
        run.begin(ts("2026-11-24T17:58:00Z"));
        let v = run.view(ts("2026-11-24T17:59:00Z"));
        assert_eq!((v.starts_in_s, v.timer.elapsed_s), (0, 60));
        let mut moved = SessionRun::start_at(t.clone(), open, start);
        moved.next(ts("2026-11-24T17:57:00Z"));
        let rec = moved.finish(ts("2026-11-24T18:40:00Z"));
        assert_eq!(rec.started, ts("2026-11-24T17:57:00Z"));
        assert_eq!(rec.phases[0].actual_s, 0);
        // Opened late: the clock runs from the opening.
        let late = SessionRun::start_at(t, ts("2026-11-24T18:05:00Z"), start);
        assert_eq!(late.view(ts("2026-11-24T18:06:00Z")).timer.elapsed_s, 60);
    }
}
