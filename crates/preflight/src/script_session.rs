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
        let record = self.record(now);
        if record.rehearsal {
            tracing::info!("rehearsal finished; nothing recorded");
            return Ok(record);
        }
        let mut db = self.ctx.db().map_err(|e| e.to_string())?;
        db.add_run(&record)
            .map_err(|e| format!("The session record could not be saved: {e}"))?;
        tracing::info!(path = %db.path().display(), "session record saved");
        Ok(record)
    }
}
