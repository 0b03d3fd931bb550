//! The schedule as the use cases read and change it: loaded with its notice, changed under the
//! shared lock, and this computer's time zone for sessions typed in.

use preflight_calendar::Schedule;
use preflight_store::{Loaded, StoreError};

use crate::context::Context;

/// Reads the schedule (a damaged file is kept aside, with a notice; a file that cannot be read
/// is an error).
pub fn load_schedule(ctx: &Context) -> Result<Loaded<Schedule>, StoreError> {
    ctx.schedule_store()?.load()
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

/// Changes the schedule under the lock and saves it atomically; nothing is written when
/// `change` fails. Returns what `change` returned and the notice about a damaged file, if any.
pub fn update_schedule<R, E: From<StoreError>>(
    ctx: &Context,
    change: impl FnOnce(&mut Schedule) -> Result<R, E>,
) -> Result<(R, Option<String>), E> {
    ctx.schedule_store()?.update(change)
}

/// This computer's IANA time zone name (UTC if it cannot be told).
pub fn local_zone() -> String {
    jiff::tz::TimeZone::system()
        .iana_name()
        .unwrap_or("UTC")
        .to_string()
}
