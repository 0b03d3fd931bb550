//! The mentor's schedule, records and reminder state in the database
//! ([`preflight_store::Database`]): how each value is kept, the queries the use cases make (by
//! index: a week's sessions, one session's checks), and the move of an earlier version's JSON
//! files into the database on first start.
//!
//! Each value is stored whole as JSON beside the columns it is looked up by, so a field added to
//! a record later needs no migration; the tables are in `preflight_store::db`.

use preflight_host::secrets::Secrets;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use preflight_calendar::schedule::{
    calendar_session_id, legacy_calendar_session_id, Membership, CHECK_ATTACH_WINDOW,
};
use preflight_calendar::{
    CustomPattern, ReminderConfig, ReminderState, Schedule, Session, SessionSource, Subscription,
};
use preflight_model::Origin;
use preflight_scripts::run::SessionRecord;
use preflight_store::db::DB_FILE;
use preflight_store::{Database, StoreError};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::context::Context;
use crate::records::{CheckRecord, ConcernRecord, PlannedRecord, Records, RoomRecord};

/// The largest JSON file of an earlier version that is moved into the database (those versions
/// could write files past the 32 MB they read; this lets such a mentor back in).
pub const MAX_LEGACY_FILE_BYTES: u64 = 128 * 1024 * 1024;

/// The JSON files of earlier versions, moved into the database on first start and then kept
/// aside as `<name>.migrated`.
pub const LEGACY_FILES: [&str; 3] = ["schedule.json", "records.json", "reminders.json"];

const MIGRATED_MARKER: &str = "json-files-moved-in";

/// The database, open for one use case.
#[derive(Debug)]
pub struct Db {
    db: Database,
    notice: Option<String>,
}

fn to_json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Database {
        detail: format!("a value could not be written: {e}"),
    })
}

fn from_json<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Database {
        detail: format!("a stored {what} could not be read: {e}"),
    })
}

/// Every `data` of a query, decoded.
fn all<T: DeserializeOwned>(
    tx: &Transaction<'_>,
    what: &str,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = tx.prepare_cached(sql)?;
    let rows = stmt.query_map(args, |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for text in rows {
        out.push(from_json(what, &text?)?);
    }
    Ok(out)
}

fn origin_text(o: Origin) -> Result<String, StoreError> {
    match serde_json::to_value(o) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Database {
            detail: "a check's origin could not be written".into(),
        }),
    }
}

/// The part of `Schedule` that is not sessions, as `schedule_settings` rows.
const SETTING_REMINDERS: &str = "reminders";
const SETTING_PATTERNS: &str = "link_patterns";
const SETTING_HORIZON: &str = "import_horizon_months";

fn setting<T: DeserializeOwned + Default>(
    tx: &Transaction<'_>,
    key: &str,
) -> Result<T, StoreError> {
    let text: Option<String> = tx
        .prepare_cached("SELECT value FROM schedule_settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    text.map_or_else(|| Ok(T::default()), |t| from_json(key, &t))
}

fn put_setting<T: Serialize>(tx: &Transaction<'_>, key: &str, v: &T) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO schedule_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, to_json(v)?])?;
    Ok(())
}

/// The schedule's settings and other parts, without sessions.
fn schedule_frame(tx: &Transaction<'_>) -> Result<Schedule, StoreError> {
    let reminders: Option<ReminderConfig> = setting(tx, SETTING_REMINDERS)?;
    let link_patterns: Vec<CustomPattern> = setting(tx, SETTING_PATTERNS)?;
    let import_horizon_months: Option<u32> = setting(tx, SETTING_HORIZON)?;
    let subscriptions: Vec<Subscription> = all(
        tx,
        "subscription",
        "SELECT data FROM subscriptions ORDER BY position",
        [],
    )?;
    let mut calendar_programmes = BTreeMap::new();
    {
        let mut stmt = tx.prepare_cached("SELECT calendar, data FROM calendar_programmes")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (calendar, data) = row?;
            calendar_programmes.insert(calendar, from_json::<Membership>("membership", &data)?);
        }
    }
    let removed_from_calendars: BTreeSet<String> = {
        let mut stmt = tx.prepare_cached("SELECT id FROM removed_sessions")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut edited_in_calendars = BTreeMap::new();
    {
        let mut stmt = tx.prepare_cached("SELECT id, data FROM calendar_edits")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, data) = row?;
            edited_in_calendars.insert(
                id,
                from_json::<preflight_calendar::schedule::CalendarEdit>("calendar edit", &data)?,
            );
        }
    }
    Ok(Schedule {
        sessions: Vec::new(),
        subscriptions,
        reminders: reminders.unwrap_or_default(),
        link_patterns,
        import_horizon_months,
        calendar_programmes,
        removed_from_calendars,
        edited_in_calendars,
    })
}

fn load_schedule(tx: &Transaction<'_>) -> Result<Schedule, StoreError> {
    let mut s = schedule_frame(tx)?;
    s.sessions = all(
        tx,
        "session",
        "SELECT data FROM sessions ORDER BY start_s, id",
        [],
    )?;
    Ok(s)
}

fn put_session(tx: &Transaction<'_>, s: &Session) -> Result<(), StoreError> {
    let (calendar, uid, recurrence) = match &s.source {
        SessionSource::Calendar {
            calendar,
            uid,
            recurrence_id,
        } => (Some(calendar.as_str()), Some(uid.as_str()), *recurrence_id),
        SessionSource::Manual => (None, None, None),
    };
    // A session of the same calendar event and occurrence under another id is the same
    // session: it is replaced (REPLACE removes the row that shares the key).
    tx.prepare_cached(
        "INSERT OR REPLACE INTO sessions (id, start_s, calendar, uid, recurrence_id, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        s.id,
        s.start.as_second(),
        calendar,
        uid,
        recurrence,
        to_json(s)?
    ])?;
    Ok(())
}

/// Writes what changed from `before` to `after`.
fn save_schedule(
    tx: &Transaction<'_>,
    before: &Schedule,
    after: &Schedule,
) -> Result<(), StoreError> {
    let old: HashMap<&str, &Session> = before.sessions.iter().map(|s| (s.id.as_str(), s)).collect();
    let new: HashMap<&str, &Session> = after.sessions.iter().map(|s| (s.id.as_str(), s)).collect();
    for id in old.keys().filter(|id| !new.contains_key(*id)) {
        tx.prepare_cached("DELETE FROM sessions WHERE id = ?1")?
            .execute([id])?;
    }
    for s in &after.sessions {
        if old.get(s.id.as_str()) != Some(&s) {
            put_session(tx, s)?;
        }
    }
    if before.subscriptions != after.subscriptions {
        tx.execute("DELETE FROM subscriptions", [])?;
        for (i, sub) in after.subscriptions.iter().enumerate() {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO subscriptions (position, url, data) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![i as i64, sub.url, to_json(sub)?])?;
        }
    }
    if before.calendar_programmes != after.calendar_programmes {
        tx.execute("DELETE FROM calendar_programmes", [])?;
        for (calendar, m) in &after.calendar_programmes {
            tx.prepare_cached("INSERT INTO calendar_programmes (calendar, data) VALUES (?1, ?2)")?
                .execute(params![calendar, to_json(m)?])?;
        }
    }
    if before.edited_in_calendars != after.edited_in_calendars {
        tx.execute("DELETE FROM calendar_edits", [])?;
        for (id, e) in &after.edited_in_calendars {
            tx.prepare_cached("INSERT INTO calendar_edits (id, data) VALUES (?1, ?2)")?
                .execute(params![id, to_json(e)?])?;
        }
    }
    for id in before
        .removed_from_calendars
        .difference(&after.removed_from_calendars)
    {
        tx.prepare_cached("DELETE FROM removed_sessions WHERE id = ?1")?
            .execute([id])?;
    }
    for id in after
        .removed_from_calendars
        .difference(&before.removed_from_calendars)
    {
        tx.prepare_cached("INSERT OR IGNORE INTO removed_sessions (id) VALUES (?1)")?
            .execute([id])?;
    }
    if before.reminders != after.reminders {
        put_setting(tx, SETTING_REMINDERS, &Some(after.reminders))?;
    }
    if before.link_patterns != after.link_patterns {
        put_setting(tx, SETTING_PATTERNS, &after.link_patterns)?;
    }
    if before.import_horizon_months != after.import_horizon_months {
        put_setting(tx, SETTING_HORIZON, &after.import_horizon_months)?;
    }
    Ok(())
}

fn insert_check(tx: &Transaction<'_>, c: &CheckRecord) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO checks (at_s, at, origin, session_id, data) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        c.at.as_second(),
        c.at.to_string(),
        origin_text(c.from)?,
        c.session_id,
        to_json(c)?
    ])?;
    Ok(())
}

fn insert_room(tx: &Transaction<'_>, r: &RoomRecord) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO rooms (session_id, at_s, data) VALUES (?1, ?2, ?3)")?
        .execute(params![r.session_id, r.at.as_second(), to_json(r)?])?;
    Ok(())
}

fn insert_run(tx: &Transaction<'_>, r: &SessionRecord) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO runs (session_id, started_s, data) VALUES (?1, ?2, ?3)")?
        .execute(params![r.session_id, r.started.as_second(), to_json(r)?])?;
    Ok(())
}

fn insert_concern(tx: &Transaction<'_>, c: &ConcernRecord) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO concerns (session_id, at_s, data) VALUES (?1, ?2, ?3)")?
        .execute(params![c.session_id, c.at.as_second(), to_json(c)?])?;
    Ok(())
}

fn insert_planned(tx: &Transaction<'_>, p: &PlannedRecord) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO planned (session_id, at_s, data) VALUES (?1, ?2, ?3)")?
        .execute(params![p.session_id, p.at.as_second(), to_json(p)?])?;
    Ok(())
}

fn load_reminders(tx: &Transaction<'_>) -> Result<ReminderState, StoreError> {
    let text: Option<String> = tx
        .prepare_cached("SELECT data FROM reminder_state WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    text.map_or_else(
        || Ok(ReminderState::default()),
        |t| from_json("reminder state", &t),
    )
}

fn put_reminders(tx: &Transaction<'_>, st: &ReminderState) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT OR REPLACE INTO reminder_state (id, data) VALUES (1, ?1)")?
        .execute([to_json(st)?])?;
    Ok(())
}

/// The records that belong to `sessions`: checks linked to one (or, unlinked, finished in the
/// attach window before its start), its room openings, script runs, concerns and answers.
fn records_for(tx: &Transaction<'_>, sessions: &[Session]) -> Result<Records, StoreError> {
    let mut checks: BTreeMap<i64, CheckRecord> = BTreeMap::new();
    let mut rooms = BTreeMap::new();
    let mut runs = BTreeMap::new();
    let mut concerns = BTreeMap::new();
    let mut planned = BTreeMap::new();
    fn rows<T: DeserializeOwned>(
        tx: &Transaction<'_>,
        what: &str,
        sql: &str,
        args: impl rusqlite::Params,
        into: &mut BTreeMap<i64, T>,
    ) -> Result<(), StoreError> {
        let mut stmt = tx.prepare_cached(sql)?;
        let found = stmt.query_map(args, |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in found {
            let (id, data) = row?;
            if let std::collections::btree_map::Entry::Vacant(e) = into.entry(id) {
                e.insert(from_json(what, &data)?);
            }
        }
        Ok(())
    }
    for s in sessions {
        let start = s.start.as_second();
        let window = CHECK_ATTACH_WINDOW.as_secs();
        rows(
            tx,
            "check",
            "SELECT id, data FROM checks WHERE session_id = ?1",
            [&s.id],
            &mut checks,
        )?;
        rows(
            tx,
            "check",
            "SELECT id, data FROM checks WHERE session_id IS NULL AND at_s BETWEEN ?1 AND ?2",
            [start.saturating_sub(window + 1), start.saturating_add(1)],
            &mut checks,
        )?;
        rows(
            tx,
            "room opening",
            "SELECT id, data FROM rooms WHERE session_id = ?1",
            [&s.id],
            &mut rooms,
        )?;
        rows(
            tx,
            "session record",
            "SELECT id, data FROM runs WHERE session_id = ?1",
            [&s.id],
            &mut runs,
        )?;
        rows(
            tx,
            "concern",
            "SELECT id, data FROM concerns WHERE session_id = ?1",
            [&s.id],
            &mut concerns,
        )?;
        rows(
            tx,
            "answer",
            "SELECT id, data FROM planned WHERE session_id = ?1",
            [&s.id],
            &mut planned,
        )?;
    }
    Ok(Records {
        checks: checks.into_values().collect(),
        rooms: rooms.into_values().collect(),
        sessions: runs.into_values().collect(),
        concerns: concerns.into_values().collect(),
        planned: planned.into_values().collect(),
    })
}

impl Context {
    /// The database, open for one use case (shared by the app, the tray and the CLI; the JSON
    /// files of an earlier version are moved into it the first time).
    pub fn db(&self) -> Result<Db, StoreError> {
        Db::open(self)
    }
}

impl Db {
    /// Opens the database in `ctx`'s data folder (creating it), moving an earlier version's
    /// JSON files into it on first start.
    pub fn open(ctx: &Context) -> Result<Db, StoreError> {
        let path = ctx.db_path()?;
        let mut db = Database::open(&path)?;
        let notice = match path.parent() {
            Some(dir) => move_legacy_files_in(&mut db, dir, ctx.secrets())?,
            None => None,
        };
        Ok(Db { db, notice })
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        self.db.path()
    }

    /// What the mentor should be told about this opening (an earlier version's file was damaged
    /// and kept aside while the others moved in), once.
    pub fn take_notice(&mut self) -> Option<String> {
        self.notice.take()
    }

    /// The whole schedule.
    pub fn schedule(&mut self) -> Result<Schedule, StoreError> {
        self.db.read(load_schedule)
    }

    /// The schedule with only the sessions starting from `from` on (the reminder loop's and
    /// the tray's view: what is under way or to come).
    pub fn schedule_from(&mut self, from: Timestamp) -> Result<Schedule, StoreError> {
        self.db.read(|tx| {
            let mut s = schedule_frame(tx)?;
            s.sessions = all(
                tx,
                "session",
                "SELECT data FROM sessions WHERE start_s >= ?1 ORDER BY start_s, id",
                [from.as_second()],
            )?;
            Ok(s)
        })
    }

    /// The schedule's settings, subscriptions and calendars, without its sessions.
    pub fn schedule_without_sessions(&mut self) -> Result<Schedule, StoreError> {
        self.db.read(schedule_frame)
    }

    /// One session by id.
    pub fn session(&mut self, id: &str) -> Result<Option<Session>, StoreError> {
        self.db.read(|tx| {
            Ok(all(
                tx,
                "session",
                "SELECT data FROM sessions WHERE id = ?1",
                [id],
            )?
            .into_iter()
            .next())
        })
    }

    /// Changes the schedule in one transaction: `change` sees the schedule as it is now (no
    /// other process can change it meanwhile) and only what it changed is written; nothing is
    /// written when it fails.
    pub fn update_schedule<R, E: From<StoreError>>(
        &mut self,
        change: impl FnOnce(&mut Schedule) -> Result<R, E>,
    ) -> Result<R, E> {
        self.db.write(|tx| {
            let before = load_schedule(tx)?;
            let mut after = before.clone();
            let out = change(&mut after)?;
            save_schedule(tx, &before, &after)?;
            Ok(out)
        })
    }

    /// Every record (tools and tests; the use cases ask for what they need).
    pub fn records(&mut self) -> Result<Records, StoreError> {
        self.db.read(|tx| {
            Ok(Records {
                checks: all(tx, "check", "SELECT data FROM checks ORDER BY id", [])?,
                rooms: all(tx, "room opening", "SELECT data FROM rooms ORDER BY id", [])?,
                sessions: all(
                    tx,
                    "session record",
                    "SELECT data FROM runs ORDER BY id",
                    [],
                )?,
                concerns: all(tx, "concern", "SELECT data FROM concerns ORDER BY id", [])?,
                planned: all(tx, "answer", "SELECT data FROM planned ORDER BY id", [])?,
            })
        })
    }

    /// The last `n` checks recorded before `before`, newest first (what the mentor's usual is
    /// made of; by the time index, whatever the size of the records).
    pub fn checks_before(
        &mut self,
        before: Timestamp,
        n: usize,
    ) -> Result<Vec<CheckRecord>, StoreError> {
        self.db.read(|tx| {
            all(
                tx,
                "check",
                "SELECT data FROM checks WHERE at_s < ?1 ORDER BY at_s DESC, id DESC LIMIT ?2",
                params![before.as_second(), n as i64],
            )
        })
    }

    /// The records of `sessions` (see [`Records::checks_for`] for which checks count).
    pub fn records_for(&mut self, sessions: &[Session]) -> Result<Records, StoreError> {
        self.db.read(|tx| records_for(tx, sessions))
    }

    /// What a monitoring export from `from` to `to` needs, read by index in one transaction:
    /// the sessions starting then (with the schedule's settings), their records, and the
    /// script runs started then without a session in the schedule.
    pub fn export_slice(
        &mut self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<(Schedule, Records), StoreError> {
        self.db.read(|tx| {
            let mut schedule = schedule_frame(tx)?;
            let (a, b) = (
                from.as_second().saturating_sub(1),
                to.as_second().saturating_add(1),
            );
            schedule.sessions = all(
                tx,
                "session",
                "SELECT data FROM sessions WHERE start_s BETWEEN ?1 AND ?2 ORDER BY start_s, id",
                [a, b],
            )?;
            let mut records = records_for(tx, &schedule.sessions)?;
            let in_slice: BTreeSet<&str> =
                schedule.sessions.iter().map(|s| s.id.as_str()).collect();
            let mut stmt = tx.prepare_cached(
                "SELECT r.data, r.session_id IS NOT NULL AND EXISTS
                     (SELECT 1 FROM sessions s WHERE s.id = r.session_id)
                 FROM runs r WHERE r.started_s BETWEEN ?1 AND ?2 ORDER BY r.id",
            )?;
            let found = stmt.query_map([a, b], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?))
            })?;
            for row in found {
                let (data, scheduled) = row?;
                let run: SessionRecord = from_json("session record", &data)?;
                // A run of a scheduled session belongs to that session's row (already read
                // when the session is in the period; out of it when it is not).
                if !scheduled
                    && !run
                        .session_id
                        .as_deref()
                        .is_some_and(|id| in_slice.contains(id))
                {
                    records.sessions.push(run);
                }
            }
            Ok((schedule, records))
        })
    }

    /// Adds the record of a finished check, or replaces the record of the same check (known by
    /// the shell that ran it and the moment it finished).
    pub fn save_check(&mut self, rec: &CheckRecord) -> Result<(), StoreError> {
        self.db.write(|tx| {
            let existing: Option<i64> = tx
                .prepare_cached("SELECT id FROM checks WHERE origin = ?1 AND at = ?2")?
                .query_row(params![origin_text(rec.from)?, rec.at.to_string()], |r| {
                    r.get(0)
                })
                .optional()?;
            match existing {
                Some(id) => {
                    tx.prepare_cached(
                        "UPDATE checks SET session_id = ?1, data = ?2 WHERE id = ?3",
                    )?
                    .execute(params![rec.session_id, to_json(rec)?, id])?;
                }
                None => insert_check(tx, rec)?,
            }
            Ok(())
        })
    }

    /// Changes the recorded check run by `from` that finished at `at`; false when there is no
    /// such record (nothing is written).
    pub fn update_check(
        &mut self,
        from: Origin,
        at: Timestamp,
        change: impl FnOnce(&mut CheckRecord),
    ) -> Result<bool, StoreError> {
        self.db.write(|tx| {
            let found: Option<(i64, String)> = tx
                .prepare_cached("SELECT id, data FROM checks WHERE origin = ?1 AND at = ?2")?
                .query_row(params![origin_text(from)?, at.to_string()], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            let Some((id, data)) = found else {
                return Ok(false);
            };
            let mut rec: CheckRecord = from_json("check", &data)?;
            change(&mut rec);
            tx.prepare_cached("UPDATE checks SET session_id = ?1, data = ?2 WHERE id = ?3")?
                .execute(params![rec.session_id, to_json(&rec)?, id])?;
            Ok(true)
        })
    }

    /// Records a room opening.
    pub fn add_room(&mut self, r: &RoomRecord) -> Result<(), StoreError> {
        self.db.write(|tx| insert_room(tx, r))
    }

    /// The most recent session run (by its start) that `wanted` accepts, reading the runs alone,
    /// newest first, and only as far as the first one that matches.
    pub fn latest_run(
        &mut self,
        wanted: impl Fn(&SessionRecord) -> bool,
    ) -> Result<Option<SessionRecord>, StoreError> {
        self.db.read(|tx| {
            let mut stmt =
                tx.prepare_cached("SELECT data FROM runs ORDER BY started_s DESC, id DESC")?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let run: SessionRecord = from_json("session record", &row.get::<_, String>(0)?)?;
                if wanted(&run) {
                    return Ok(Some(run));
                }
            }
            Ok(None)
        })
    }

    /// Records a session run with the script window.
    pub fn add_run(&mut self, r: &SessionRecord) -> Result<(), StoreError> {
        self.db.write(|tx| insert_run(tx, r))
    }

    /// Records that a concern was reported (metadata only).
    pub fn add_concern(&mut self, c: &ConcernRecord) -> Result<(), StoreError> {
        self.db.write(|tx| insert_concern(tx, c))
    }

    /// Records the mentor's word on a session having taken place as planned.
    pub fn add_planned(&mut self, p: &PlannedRecord) -> Result<(), StoreError> {
        self.db.write(|tx| insert_planned(tx, p))
    }

    /// What the reminder loop already did.
    pub fn reminder_state(&mut self) -> Result<ReminderState, StoreError> {
        self.db.read(load_reminders)
    }

    /// Changes the reminder state in one transaction; written only when it changed.
    pub fn update_reminders<R>(
        &mut self,
        change: impl FnOnce(&mut ReminderState) -> R,
    ) -> Result<R, StoreError> {
        self.db.write(|tx| {
            let before = load_reminders(tx)?;
            let mut after = before.clone();
            let out = change(&mut after);
            if after != before {
                put_reminders(tx, &after)?;
            }
            Ok(out)
        })
    }
}

/// Calendar sessions of an earlier version carry ids without their calendar (`<uid>@<start>`):
/// they get the ids of this version, their occurrence is kept in their source, and the map of
/// old to new ids is returned so the records and reminder state follow.
fn rename_legacy_sessions(schedule: &mut Schedule) -> HashMap<String, String> {
    let mut renamed = HashMap::new();
    for s in &mut schedule.sessions {
        let SessionSource::Calendar {
            calendar,
            uid,
            recurrence_id,
        } = &mut s.source
        else {
            continue;
        };
        if recurrence_id.is_some() {
            continue;
        }
        let Some(r) =
            s.id.rsplit_once('@')
                .and_then(|(_, secs)| secs.parse::<i64>().ok())
                .filter(|r| s.id == legacy_calendar_session_id(uid, *r))
        else {
            continue;
        };
        *recurrence_id = Some(r);
        let new = calendar_session_id(calendar, uid, r);
        renamed.entry(s.id.clone()).or_insert_with(|| new.clone());
        s.id = new;
    }
    renamed
}

/// An earlier version kept a feed's name and password in its address: they move to the
/// password store, and the subscription, its sessions and its programme are named by the
/// address without them (before the sessions get this version's ids, which name it). Where the
/// store cannot be reached they stay, are never shown, and still work; logged. Returns the
/// addresses changed (as they were, as they are).
fn move_feed_logins(schedule: &mut Schedule, secrets: &dyn Secrets) -> Vec<(String, String)> {
    let mut moved = Vec::new();
    for sub in &mut schedule.subscriptions {
        let (address, Some(login)) = preflight_calendar::fetch::split_login(&sub.url) else {
            continue;
        };
        if let Err(e) = secrets.set(&crate::imports::feed_key(&address), &login.to_userinfo()) {
            tracing::warn!("a calendar's name and password stay in its address: {e}");
            continue;
        }
        let old = std::mem::replace(&mut sub.url, address.clone());
        sub.password_kept = true;
        for s in &mut schedule.sessions {
            if let SessionSource::Calendar { calendar, .. } = &mut s.source {
                if *calendar == old {
                    calendar.clone_from(&address);
                }
            }
        }
        if let Some(m) = schedule.calendar_programmes.remove(&old) {
            schedule.calendar_programmes.insert(address.clone(), m);
        }
        moved.push((old, address));
    }
    moved
}

/// The copy of an earlier version's schedule kept as `schedule.json.migrated` loses the names
/// and passwords that moved to the password store too (the addresses are replaced as JSON
/// spells them), so no copy of them stays in the data folder.
fn scrub_moved_logins(aside: &Path, moved: &[(String, String)]) {
    let scrub = || -> Result<(), Box<dyn std::error::Error>> {
        let mut text =
            String::from_utf8(preflight_store::read_bounded(aside, MAX_LEGACY_FILE_BYTES)?)?;
        for (old, new) in moved {
            let json = |s: &str| serde_json::to_string(s).map(|q| q[1..q.len() - 1].to_string());
            text = text.replace(&json(old)?, &json(new)?);
        }
        preflight_store::save_text(aside, &text)?;
        Ok(())
    };
    if let Err(e) = scrub() {
        tracing::warn!(error = %e, file = %aside.display(), "a moved calendar password stays in the kept copy");
    }
}

/// Moves the JSON files an earlier version kept in `dir` into the database, once: in one
/// transaction (another process starting at the same moment waits, then finds them moved),
/// then renames each to `<name>.migrated`. A damaged file is kept aside as before
/// (`<name>.corrupt-<time>`) and said in the notice; a file that cannot be read is an error and
/// nothing is moved.
fn move_legacy_files_in(
    db: &mut Database,
    dir: &Path,
    secrets: &dyn Secrets,
) -> Result<Option<String>, StoreError> {
    let present: Vec<PathBuf> = LEGACY_FILES
        .iter()
        .map(|n| dir.join(n))
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .collect();
    if present.is_empty() {
        return Ok(None);
    }
    let moved = db.write(|tx| {
        let done: Option<String> = tx
            .query_row(
                "SELECT value FROM markers WHERE key = ?1",
                [MIGRATED_MARKER],
                |r| r.get(0),
            )
            .optional()?;
        if done.is_some() {
            return Ok(None);
        }
        let mut notices = Vec::new();
        // A file that is not what its name says is kept aside with a notice (as the earlier
        // versions did), so one damaged file never keeps the mentor out of the rest.
        fn load<T: DeserializeOwned + Default>(
            dir: &Path,
            name: &str,
            notices: &mut Vec<String>,
        ) -> Result<T, StoreError> {
            let p = dir.join(name);
            if std::fs::symlink_metadata(&p).is_err() {
                return Ok(T::default());
            }
            let loaded = preflight_store::load_json_within::<T>(&p, MAX_LEGACY_FILE_BYTES)?;
            notices.extend(loaded.notice);
            Ok(loaded.value)
        }
        let mut schedule: Schedule = load(dir, "schedule.json", &mut notices)?;
        let mut records: Records = load(dir, "records.json", &mut notices)?;
        let mut reminders: ReminderState = load(dir, "reminders.json", &mut notices)?;
        let logins = move_feed_logins(&mut schedule, secrets);
        let renamed = rename_legacy_sessions(&mut schedule);
        let new = |id: &mut String| {
            if let Some(n) = renamed.get(id.as_str()) {
                *id = n.clone();
            }
        };
        for c in &mut records.checks {
            c.session_id.as_mut().map(new);
        }
        for r in &mut records.rooms {
            new(&mut r.session_id);
        }
        for r in &mut records.sessions {
            r.session_id.as_mut().map(new);
        }
        for c in &mut records.concerns {
            c.session_id.as_mut().map(new);
        }
        for p in &mut records.planned {
            new(&mut p.session_id);
        }
        reminders.rename_sessions(&renamed);
        // One row per session id (an earlier version could hold two of one id).
        let mut seen = BTreeSet::new();
        schedule.sessions.retain(|s| seen.insert(s.id.clone()));
        save_schedule(tx, &Schedule::default(), &schedule)?;
        for c in &records.checks {
            insert_check(tx, c)?;
        }
        for r in &records.rooms {
            insert_room(tx, r)?;
        }
        for r in &records.sessions {
            insert_run(tx, r)?;
        }
        for c in &records.concerns {
            insert_concern(tx, c)?;
        }
        for p in &records.planned {
            insert_planned(tx, p)?;
        }
        if !notices.is_empty() {
            reminders.set_schedule_notice(Some(notices.join(" ")));
        }
        put_reminders(tx, &reminders)?;
        tx.execute(
            "INSERT INTO markers (key, value) VALUES (?1, ?2)",
            params![MIGRATED_MARKER, Timestamp::now().to_string()],
        )?;
        Ok::<_, StoreError>(Some((
            schedule.sessions.len(),
            records.checks.len(),
            notices,
            logins,
        )))
    })?;
    let Some((sessions, checks, mut notices, logins)) = moved else {
        return Ok(None);
    };
    for p in present {
        let mut aside = p.clone().into_os_string();
        aside.push(".migrated");
        if let Err(e) = std::fs::rename(&p, &aside) {
            // Moved in already (the marker says so): the file is only left where it was.
            tracing::warn!(error = %e, file = %p.display(), "moved into the database but not renamed");
        } else if !logins.is_empty() && p.file_name() == Some("schedule.json".as_ref()) {
            scrub_moved_logins(Path::new(&aside), &logins);
        }
    }
    let moved = format!(
        "Your schedule ({sessions} sessions) and records ({checks} checks) moved into {}; the old files are kept beside it as *.migrated.",
        dir.join(DB_FILE).display()
    );
    tracing::info!("{moved}");
    // Only a damaged file is something to tell the mentor about (the move itself is logged).
    if notices.is_empty() {
        return Ok(None);
    }
    notices.insert(0, moved);
    Ok(Some(notices.join(" ")))
}
