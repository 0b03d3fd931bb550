//! The session script in progress, as the app runs it in its small window: opened for a
//! scheduled session or by hand, ticked and moved through, a concern reported to the programme
//! contact, and finished into the records (metadata only: titles, ticks, times — never what was
//! said). The shell keeps one of these and opens the window; everything else is here.

use std::collections::BTreeMap;

use crate::records::ConcernRecord;
use jiff::Timestamp;
use preflight_calendar::Schedule;
use preflight_calendar::Session;
use preflight_scripts::programme::{Contact, Profile};
use preflight_scripts::ScriptView;
use preflight_scripts::SessionRecord;
use preflight_scripts::SessionRun;
use serde::Serialize;
use ts_rs::TS;

use crate::context::Context;
use crate::settings;

/// Who and what the script is for, kept with the record when it is finished.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptMeta {
    /// The scheduled session, if it was opened for one.
    pub session_id: Option<String>,
    /// The mentee, if known.
    pub mentee: Option<String>,
    /// The session's number in the programme, if known.
    pub session_number: Option<u32>,
    /// The programme the session belongs to, and whether the mentee is under 18.
    pub programme: Option<(String, bool)>,
    /// The scheduled start: opened early, the script's clock waits for it.
    pub starts: Option<Timestamp>,
}

/// The programme of the session in the script window, for its *Report a concern*.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScriptProgramme {
    /// The programme's name.
    pub name: String,
    /// The mentee is under 18 (the programme's safeguarding rules apply).
    pub under_18: bool,
    /// Whom to tell about a concern, if the mentor entered them.
    pub contact: Option<Contact>,
}

/// What *Report a concern* did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConcernOutcome {
    /// The contact reached (shown in full, so the mentor can also call or write by hand).
    pub contact: Contact,
    /// The mail program (or phone app) was opened.
    pub opened: bool,
    /// Why it could not be opened, if it could not.
    pub problem: Option<String>,
}

/// What the mentor says at *Finish*.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct FinishAnswers {
    /// What was agreed, a few short lines (empty: nothing noted).
    pub agreed: String,
    /// Include what was agreed in the monitoring export (otherwise it stays on this computer).
    pub agreed_in_export: bool,
    /// The next session's local date and time ("2026-12-13T18:00"), to add to the schedule.
    pub next_at: Option<String>,
}

/// A finished session: its record, and the next session added, if one was.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Finished {
    /// The record (a rehearsal's is not kept).
    pub record: SessionRecord,
    /// The next session, added to the schedule.
    pub next: Option<Session>,
    /// What to tell the mentor: the record is kept, but the next session could not be added.
    pub notice: Option<String>,
}

/// What was agreed last time with a mentee, for the next session's script window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LastAgreed {
    /// When that session was, in the mentor's words ("today", "yesterday", "Tue 1 Dec").
    pub when: String,
    /// What was agreed.
    pub text: String,
}

/// What was agreed at the last recorded session with `mentee` that noted something.
pub fn last_agreed(ctx: &Context, mentee: &str) -> Option<LastAgreed> {
    let run = ctx
        .db()
        .and_then(|mut db| {
            db.latest_run(|r| {
                !r.rehearsal && r.mentee.as_deref() == Some(mentee) && r.agreed.is_some()
            })
        })
        .ok()??;
    let style = settings::current_time_style(ctx);
    let tz = jiff::tz::TimeZone::system();
    let then = run.started.to_zoned(tz.clone());
    let days = ctx.now().to_zoned(tz).date() - then.date();
    let when = match days.get_days() {
        0 => "today".to_string(),
        1 => "yesterday".to_string(),
        _ => style.day(&then),
    };
    Some(LastAgreed {
        when,
        text: run.agreed.as_ref()?.text.clone(),
    })
}

/// A session script in progress.
#[derive(Debug, Clone)]
pub struct ScriptSession {
    run: SessionRun,
    meta: ScriptMeta,
    /// Where its record goes, and where the programme contacts are read.
    ctx: Context,
}

impl ScriptSession {
    /// The script the mentor chose by hand, with the variables typed in the main window. A
    /// mentor's name typed there is remembered for the next scripts.
    pub fn by_hand(
        ctx: &Context,
        template: &str,
        vars: BTreeMap<String, String>,
        now: Timestamp,
    ) -> Result<ScriptSession, String> {
        if let Some(name) = vars.get("mentor").filter(|n| !n.trim().is_empty()) {
            let name = preflight_calendar::schedule::clean_text(name, 120);
            let known = settings::load(ctx).ok().and_then(|l| l.value.mentor_name);
            if known.as_deref() != Some(name.as_str()) {
                if let Err(e) = settings::update(ctx, |s| s.mentor_name = Some(name)) {
                    tracing::warn!(error = %e, "mentor's name not remembered");
                }
            }
        }
        let meta = ScriptMeta {
            mentee: vars.get("mentee").filter(|m| !m.trim().is_empty()).cloned(),
            session_number: vars
                .get("session_number")
                .and_then(|n| n.trim().parse().ok()),
            ..ScriptMeta::default()
        };
        Self::open(ctx, template, vars, meta, None, now)
    }

    /// The script of scheduled session `session`: the one it names, its programme's for its
    /// number, or the regular one; its variables from the schedule, the mentor's name and the
    /// programme (name, length, safeguarding limit for a mentee under 18).
    pub fn for_session(
        ctx: &Context,
        schedule: &Schedule,
        session: &Session,
        now: Timestamp,
    ) -> Result<ScriptSession, String> {
        let settings = settings::load(ctx).map(|l| l.value).unwrap_or_default();
        let style = settings::time_style(ctx, &settings);
        let mut vars = crate::views::script_vars(schedule, session, &style);
        if let Some(name) = settings.mentor_name {
            vars.insert("mentor".into(), name);
        }
        let meta = ScriptMeta {
            session_id: Some(session.id.clone()),
            mentee: Some(session.mentee.clone()),
            session_number: session.session_number,
            programme: session.programme.clone().map(|id| (id, session.under_18)),
            starts: Some(session.start),
        };
        let (profiles, _) = crate::programmes::profiles(ctx);
        let programme = session
            .programme
            .as_deref()
            .and_then(|id| profiles.get(id))
            .map(|p| (p, session.under_18));
        // The programme's name and length fill the script's roadmap ("session 2 of 7").
        if let Some((p, _)) = &programme {
            p.fill_vars(&mut vars);
        }
        let template = crate::views::template_for(&profiles, session);
        Self::open(ctx, &template, vars, meta, programme, now)
    }

    /// `template` rendered with `vars` and adapted to the session's programme.
    fn open(
        ctx: &Context,
        template: &str,
        mut vars: BTreeMap<String, String>,
        meta: ScriptMeta,
        programme: Option<(Profile, bool)>,
        now: Timestamp,
    ) -> Result<ScriptSession, String> {
        if template == preflight_scripts::script::SEVEN_WEEK {
            if let Some(n) = preflight_scripts::programme::seven_week().sessions {
                vars.entry("programme_sessions".into())
                    .or_insert_with(|| n.to_string());
            }
        }
        let t =
            preflight_scripts::script::resolve(template, ctx.templates_dir().as_deref(), &vars)?;
        let mut rendered = t.render(&vars);
        if let Some((p, under_18)) = &programme {
            preflight_scripts::adapt::adapt(p, &mut rendered, *under_18, meta.session_number);
        }
        let run = SessionRun::start_at(rendered, now, meta.starts.unwrap_or(now));
        tracing::info!(%template, "session script started");
        Ok(ScriptSession {
            run,
            meta,
            ctx: ctx.clone(),
        })
    }

    /// What the window shows at `now`: phase, prompts, checklist, timer.
    pub fn view(&self, now: Timestamp) -> ScriptView {
        self.run.view(now)
    }

    /// Ticks or unticks checklist item `item` of the current phase.
    pub fn toggle(&mut self, item: usize) {
        self.run.toggle(item);
    }

    /// Starts the session now, before its scheduled start.
    pub fn begin(&mut self, now: Timestamp) {
        self.run.begin(now);
    }

    /// Moves to the next phase (`forward`) or back one.
    pub fn step(&mut self, forward: bool, now: Timestamp) {
        if forward {
            self.run.next(now)
        } else {
            self.run.back(now)
        }
    }

    /// The session's programme and its contact (looked up now, so a contact entered meanwhile
    /// is there), with the session's id; `None` when it belongs to no programme.
    fn profile(&self) -> Option<(Profile, bool)> {
        let (id, under_18) = self.meta.programme.clone()?;
        Some((crate::programmes::profiles(&self.ctx).0.get(&id)?, under_18))
    }

    /// The programme for *Report a concern*, or `None` when the session belongs to none.
    pub fn programme(&self) -> Option<ScriptProgramme> {
        self.profile().map(|(p, under_18)| ScriptProgramme {
            name: p.name,
            under_18,
            contact: p.contact,
        })
    }

    /// *Report a concern*: notes, metadata only, that a concern was raised (when, which session
    /// and programme, how — never what it is), then opens the contact (a mail with a subject
    /// only, or the phone number).
    pub fn concern(&self, now: Timestamp) -> Result<ConcernOutcome, String> {
        let (profile, _) = self
            .profile()
            .ok_or("This session belongs to no programme, so there is no programme contact.")?;
        let contact = profile.contact.ok_or_else(|| {
            format!(
                "No contact is set for {}: tell your programme's safeguarding lead at once, and add their details under “Your programme” in the main window.",
                profile.name
            )
        })?;
        let via = contact.via();
        let record = ConcernRecord {
            at: now,
            session_id: self.meta.session_id.clone(),
            programme: profile.id.clone(),
            via: via.into(),
        };
        // Noted first: opening the mail program may fail, the concern was still raised.
        if let Err(e) = self.ctx.db().and_then(|mut db| db.add_concern(&record)) {
            tracing::warn!(error = %e, "concern not noted in the records");
        }
        tracing::info!(programme = %profile.id, via, "concern reported");
        let opened = crate::reminders::open_url(&contact.reach_url());
        Ok(ConcernOutcome {
            opened: opened.is_ok(),
            problem: opened.err(),
            contact,
        })
    }

    /// The session's roadmap: its script's phases, each with its minutes.
    pub fn roadmap(&self) -> Vec<(String, u32)> {
        self.run.roadmap()
    }

    /// Who the script is for, if known.
    pub fn mentee(&self) -> Option<&str> {
        self.meta.mentee.as_deref()
    }

    /// The record *Finish* would save at `now`, with who and what it was for (the window shows
    /// it as a summary with a few seconds to undo; nothing is saved).
    pub fn record(&self, now: Timestamp) -> SessionRecord {
        let mut record = self.run.clone().finish(now);
        record.session_id = self.meta.session_id.clone();
        record.mentee = self.meta.mentee.clone();
        record.session_number = self.meta.session_number;
        record.rehearsal = self
            .meta
            .starts
            .is_some_and(|start| !crate::records::has_started(start, now));
        record
    }

    /// Ends the session at `now` and saves its record — unless it ends before its scheduled
    /// session's start: that was a rehearsal, returned as one and not recorded.
    pub fn finish(self, now: Timestamp) -> Result<SessionRecord, String> {
        self.finish_with(now, &FinishAnswers::default())
            .map(|f| f.record)
    }

    /// Ends the session at `now` with the mentor's answers: what was agreed goes with its
    /// record (checked before anything is saved), and the next session, when given, is added to
    /// the schedule — like this one (mentee, programme, length, link), numbered one on. A
    /// rehearsal records nothing and adds nothing.
    pub fn finish_with(self, now: Timestamp, answers: &FinishAnswers) -> Result<Finished, String> {
        let agreed =
            preflight_scripts::run::Agreed::from_words(&answers.agreed, answers.agreed_in_export)?;
        let next = match answers.next_at.as_deref().map(str::trim) {
            Some(at) if !at.is_empty() => Some(self.next_session(at, now)?),
            _ => None,
        };
        let mut record = self.record(now);
        if record.rehearsal {
            tracing::info!("rehearsal finished; nothing recorded");
            return Ok(Finished {
                record,
                next: None,
                notice: None,
            });
        }
        record.agreed = agreed;
        let mut db = self.ctx.db().map_err(|e| e.to_string())?;
        db.add_run(&record)
            .map_err(|e| format!("The session record could not be saved: {e}"))?;
        tracing::info!(path = %db.path().display(), agreed = record.agreed.is_some(), "session record saved");
        drop(db);
        // The record is kept whatever happens next: a schedule that cannot be written is said.
        let mut notice = None;
        let next = next.filter(|s| {
            let added = s.clone();
            match crate::schedule::update_schedule(&self.ctx, move |sch| {
                sch.upsert(added);
                Ok::<_, crate::store::StoreError>(())
            }) {
                Ok(_) => {
                    tracing::info!(id = %s.id, "next session added");
                    true
                }
                Err(e) => {
                    notice = Some(format!(
                        "The session was saved, but the next one could not be added: {e}"
                    ));
                    false
                }
            }
        });
        Ok(Finished {
            record,
            next,
            notice,
        })
    }

    /// The next session, like this one, at `local` ("2026-12-13T18:00", in this session's zone).
    fn next_session(&self, local: &str, now: Timestamp) -> Result<Session, String> {
        let schedule = crate::schedule::schedule_for_reading(&self.ctx);
        let this = self
            .meta
            .session_id
            .as_deref()
            .and_then(|id| schedule.get(id))
            .cloned();
        let mentee = this
            .as_ref()
            .map(|s| s.mentee.clone())
            .or_else(|| self.meta.mentee.clone())
            .unwrap_or_default();
        let input = preflight_calendar::SessionInput {
            mentee,
            local_start: local.to_string(),
            time_zone: this
                .as_ref()
                .map(|s| s.time_zone.clone())
                .unwrap_or_default(),
            duration_min: this.as_ref().map_or(60, |s| s.duration_min),
            link: this
                .as_ref()
                .and_then(|s| s.link.clone())
                .unwrap_or_default(),
            template: String::new(),
            session_number: self.meta.session_number.map(|n| n + 1),
            programme: self.meta.programme.as_ref().map(|(p, _)| p.clone()),
            under_18: self.meta.programme.as_ref().map(|(_, u)| *u),
        };
        let s = input
            .into_session(
                preflight_calendar::schedule::new_session_id(now),
                &crate::schedule::local_zone(),
            )
            .map_err(|e| format!("The next session: {e}"))?;
        if s.start <= now {
            return Err("The next session must be later than now.".into());
        }
        Ok(s)
    }
}
