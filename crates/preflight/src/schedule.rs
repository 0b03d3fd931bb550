//! The schedule as the use cases read and change it: loaded with its notice (the data of an
//! earlier version just moved into the database), changed in one database transaction, and
//! this computer's time zone for sessions typed in.

use preflight_calendar::Schedule;
use preflight_store::{Loaded, StoreError};

use crate::context::Context;

/// Reads the schedule (a database that cannot be read is an error; the notice says what was
/// moved in from an earlier version's files, if that happened just now).
pub fn load_schedule(ctx: &Context) -> Result<Loaded<Schedule>, StoreError> {
    let mut db = ctx.db()?;
    let value = db.schedule()?;
    Ok(Loaded {
        value,
        notice: db.take_notice(),
    })
}

/// The schedule for a best-effort read (a checklist, a record's session): a file that cannot be
/// read is logged and taken as no sessions, and nothing is written.
pub fn schedule_for_reading(ctx: &Context) -> Schedule {
    match load_schedule(ctx) {
        Ok(l) => l.value,
        Err(e) => {
            tracing::warn!(error = %e, "schedule not read");
            Schedule::default()
        }
    }
}

/// Changes the schedule in one transaction (no other process changes it meanwhile) and saves
/// what changed; nothing is written when `change` fails. Returns what `change` returned and the
/// opening's notice, if any.
pub fn update_schedule<R, E: From<StoreError>>(
    ctx: &Context,
    change: impl FnOnce(&mut Schedule) -> Result<R, E>,
) -> Result<(R, Option<String>), E> {
    let mut db = ctx.db()?;
    let out = db.update_schedule(change)?;
    Ok((out, db.take_notice()))
}

/// This computer's IANA time zone name (UTC if it cannot be told).
pub fn local_zone() -> String {
    jiff::tz::TimeZone::system()
        .iana_name()
        .unwrap_or("UTC")
        .to_string()
}
