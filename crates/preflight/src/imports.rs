//! Calendars into the schedule: a file the mentor picked, a feed they subscribed to, and the
//! subscriptions fetched again; the feed is fetched outside the lock, and nothing changes when
//! an import fails.

use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;
use preflight_calendar::fetch::{self, FetchError, MAX_FEED_BYTES};
use preflight_calendar::ics::import_bytes;
use preflight_calendar::schedule::clean_text;
use preflight_calendar::schedule::Membership;
use preflight_calendar::IcsError;
use preflight_calendar::ImportOptions;
use preflight_calendar::Schedule;
use preflight_calendar::Subscription;
use preflight_store::{read_bounded, StoreError};

use crate::context::Context;
use crate::schedule::{local_zone, update_schedule};

/// What an import did, for the mentor.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportSummary {
    /// The calendar's name.
    pub calendar: String,
    /// Sessions now in the schedule from it.
    pub added: usize,
    /// Sessions from an earlier import of it that were replaced.
    pub replaced: usize,
    /// Events skipped, and why.
    pub notes: Vec<String>,
}

/// Why an import failed (nothing in the schedule changed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The calendar text is not usable.
    #[error("{0}")]
    Ics(#[from] IcsError),
    /// The feed could not be fetched.
    #[error("{0}")]
    Fetch(#[from] FetchError),
    /// The calendar file could not be read.
    #[error("The calendar {0} Nothing in your schedule was changed.")]
    Read(String),
    /// A feed's name and password could not be kept in, or read from, the password store.
    #[error("{0}")]
    Login(String),
    /// The schedule file could not be read or written.
    #[error("Your schedule was not changed: {0}")]
    Schedule(String),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Schedule(e.to_string())
    }
}

/// A calendar read, not yet in the schedule.
#[derive(Debug, Clone)]
pub struct ParsedCalendar {
    /// The calendar's name (file name or feed address), cleaned.
    pub calendar: String,
    /// What the import found.
    pub outcome: preflight_calendar::ImportOutcome,
}

/// Reads calendar bytes under the name `calendar` with the schedule's link patterns and
/// horizon. Pure apart from `now`; done before the schedule is changed, so no transaction is
/// held while a large calendar is read.
pub fn parse_calendar(
    frame: &Schedule,
    bytes: &[u8],
    calendar: &str,
    now: Timestamp,
) -> Result<ParsedCalendar, ImportError> {
    // Bounded like a feed address (which may be a long private link), control characters gone.
    let mut opts = ImportOptions::new(clean_text(calendar, 4096), local_zone(), now);
    opts.link_patterns = frame.link_patterns.clone();
    opts.horizon = frame.import_horizon();
    let outcome = import_bytes(bytes, &opts)?;
    Ok(ParsedCalendar {
        calendar: opts.calendar,
        outcome,
    })
}

/// Puts a read calendar into `schedule` (replacing that calendar's earlier sessions). With
/// `membership`, the calendar's sessions belong to that programme from now on (every refresh
/// keeps it); without, the choice made before stays.
pub fn apply_calendar(
    schedule: &mut Schedule,
    parsed: ParsedCalendar,
    membership: Option<Membership>,
) -> ImportSummary {
    if let Some(m) = membership {
        schedule
            .calendar_programmes
            .insert(parsed.calendar.clone(), m);
    }
    let added = parsed.outcome.sessions.len();
    let replaced = schedule.replace_calendar(&parsed.calendar, parsed.outcome.sessions);
    ImportSummary {
        calendar: parsed.calendar,
        added,
        replaced,
        notes: parsed.outcome.notes,
    }
}

/// Imports calendar bytes under the name `calendar` into `schedule`: [`parse_calendar`] then
/// [`apply_calendar`]. Pure apart from `now`; the caller saves.
pub fn import_into(
    schedule: &mut Schedule,
    bytes: &[u8],
    calendar: &str,
    now: Timestamp,
    membership: Option<Membership>,
) -> Result<ImportSummary, ImportError> {
    let parsed = parse_calendar(schedule, bytes, calendar, now)?;
    Ok(apply_calendar(schedule, parsed, membership))
}

/// The schedule's settings (link patterns, horizon) a calendar is read with.
fn frame(ctx: &Context) -> Result<Schedule, ImportError> {
    Ok(ctx.db()?.schedule_without_sessions()?)
}

/// Reads a calendar file the mentor chose: an ordinary file of at most [`MAX_FEED_BYTES`].
pub fn read_calendar_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    read_bounded(path, MAX_FEED_BYTES).map_err(|e| match e {
        StoreError::NotAFile { path } => ImportError::Read(format!(
            "{path} is not an ordinary file (a folder, device or pipe), so it was not read."
        )),
        StoreError::TooLarge { path, .. } => too_large(&path),
        other => ImportError::Read(other.to_string()),
    })
}

/// The refusal of a calendar larger than [`MAX_FEED_BYTES`], named `name`.
pub fn too_large(name: &str) -> ImportError {
    ImportError::Read(format!(
        "{} is larger than {} MB, far more than a calendar of sessions, so it was not read.",
        clean_text(name, 300),
        MAX_FEED_BYTES / (1024 * 1024)
    ))
}

/// Imports an .ics file into the saved schedule.
pub fn import_file(
    ctx: &Context,
    path: &Path,
    now: Timestamp,
    membership: Option<Membership>,
) -> Result<ImportSummary, ImportError> {
    let bytes = read_calendar_file(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let parsed = parse_calendar(&frame(ctx)?, &bytes, &name, now)?;
    let (summary, _) = update_schedule(ctx, |s| {
        Ok::<_, ImportError>(apply_calendar(s, parsed, membership))
    })?;
    Ok(summary)
}

/// The name a feed's name and password are kept under in the password store: a digest of its
/// address (an address can be longer than a store allows a name to be, and the name is no
/// secret of its own).
pub fn feed_key(address: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(address.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("calendar feed {hex}")
}

/// The name and password kept for the subscription at `address`.
fn kept_login(ctx: &Context, address: &str) -> Result<fetch::Login, ImportError> {
    match ctx.secrets().get(&feed_key(address)) {
        Ok(Some(userinfo)) => fetch::Login::from_userinfo(&userinfo).ok_or_else(|| {
            ImportError::Login(forgotten_login(address))
        }),
        Ok(None) => Err(ImportError::Login(forgotten_login(address))),
        Err(e) => Err(ImportError::Login(format!(
            "The name and password for {} could not be read: {e}. It will be tried again later; your schedule was not changed.",
            fetch::shown_address(address)
        ))),
    }
}

fn forgotten_login(address: &str) -> String {
    format!(
        "The name and password for {} are no longer in your computer's password store. Subscribe again with the full address your calendar shares; your schedule was not changed.",
        fetch::shown_address(address)
    )
}

/// Subscribes to a calendar feed (`https://` or `webcal://`; nothing else) and imports it now.
/// The feed is fetched and read before the schedule is changed, so a slow server or a large
/// calendar never holds the database.
///
/// A name and password in the address (`https://name:password@host/…`) are taken out of it:
/// the schedule keeps the address without them and they go to the system's password store
/// ([`Context::secrets`]); if that store cannot be reached, nothing is subscribed — they are
/// never written into the app's own files. Subscribing again to the same address without them
/// uses the ones kept.
pub fn subscribe(
    ctx: &Context,
    url: &str,
    now: Timestamp,
    membership: Option<Membership>,
) -> Result<ImportSummary, ImportError> {
    let (address, typed) = fetch::split_login(url);
    let frame = frame(ctx)?;
    let kept_before = frame
        .subscriptions
        .iter()
        .any(|s| s.url == address && s.password_kept);
    let login = match typed {
        Some(l) => Some(l),
        None if kept_before => Some(kept_login(ctx, &address)?),
        None => None,
    };
    let bytes = fetch::fetch_as(&address, login.as_ref(), Duration::from_secs(15))?;
    let parsed = parse_calendar(&frame, &bytes, &address, now)?;
    if let Some(l) = &login {
        ctx.secrets()
            .set(&feed_key(&address), &l.to_userinfo())
            .map_err(|e| {
                ImportError::Login(format!(
                    "The calendar's address has a name and password in it, and {e}, so the calendar was not subscribed: the app never writes a password into its own files. Start or unlock your password store (GNOME Keyring or KWallet on Linux, Credential Manager on Windows) and subscribe again."
                ))
            })?;
    }
    let (summary, _) = update_schedule(ctx, |s| {
        let summary = apply_calendar(s, parsed, membership);
        let name = summary.calendar.clone();
        match s.subscriptions.iter_mut().find(|x| x.url == name) {
            Some(sub) => {
                sub.last_fetched = Some(now.to_string());
                sub.last_error = None;
                sub.password_kept = login.is_some();
            }
            None => s.subscriptions.push(Subscription {
                url: name,
                last_fetched: Some(now.to_string()),
                last_error: None,
                password_kept: login.is_some(),
            }),
        }
        Ok::<_, ImportError>(summary)
    })?;
    Ok(summary)
}

/// Stops following the calendar at `url` (as listed, or as pasted with its name and
/// password): the subscription and its sessions go, and so does its name and password in the
/// password store. Whether it was subscribed.
pub fn unsubscribe(ctx: &Context, url: &str) -> Result<bool, ImportError> {
    let (gone, _) = update_schedule(ctx, |s| Ok::<_, ImportError>(s.unsubscribe(url)))?;
    let Some(gone) = gone else {
        return Ok(false);
    };
    if gone.password_kept {
        if let Err(e) = ctx.secrets().forget(&feed_key(&gone.url)) {
            tracing::warn!(
                "the name and password of an unsubscribed calendar stay in the password store: {e}"
            );
        }
    }
    Ok(true)
}

/// Imports a file, or subscribes to a feed address (anything with `://`): the CLI's
/// `schedule import`, where the mentor typed the path on their own computer.
pub fn import_and_save(
    ctx: &Context,
    source: &str,
    now: Timestamp,
    membership: Option<Membership>,
) -> Result<ImportSummary, ImportError> {
    if source.contains("://") {
        subscribe(ctx, source, now, membership)
    } else {
        import_file(ctx, Path::new(source), now, membership)
    }
}

/// Fetches every subscription again; failures are kept on the subscription, and its earlier
/// sessions stay. Feeds are fetched and read outside the transaction; their results are applied
/// in it, so a session added meanwhile is kept.
pub fn refresh_subscriptions(
    ctx: &Context,
    now: Timestamp,
) -> Result<Vec<Subscription>, ImportError> {
    let frame = frame(ctx)?;
    let fetched: Vec<(String, Result<ParsedCalendar, ImportError>)> = frame
        .subscriptions
        .iter()
        .map(|s| {
            // The login kept in the password store; otherwise whatever the address holds (an
            // earlier version's, whose store could not be reached when its files moved in),
            // which `fetch` takes out of it itself.
            let bytes = if s.password_kept {
                kept_login(ctx, &s.url).and_then(|login| {
                    Ok(fetch::fetch_as(
                        &s.url,
                        Some(&login),
                        Duration::from_secs(15),
                    )?)
                })
            } else {
                fetch::fetch(&s.url, Duration::from_secs(15)).map_err(ImportError::from)
            };
            let got = bytes.and_then(|bytes| parse_calendar(&frame, &bytes, &s.url, now));
            (s.url.clone(), got)
        })
        .collect();
    let (subs, _) = update_schedule(ctx, |schedule| {
        for (url, got) in fetched {
            let result = got.map(|parsed| apply_calendar(schedule, parsed, None));
            if let Some(sub) = schedule.subscriptions.iter_mut().find(|s| s.url == url) {
                match result {
                    Ok(_) => {
                        sub.last_fetched = Some(now.to_string());
                        sub.last_error = None;
                    }
                    Err(e) => sub.last_error = Some(e.to_string()),
                }
            }
        }
        Ok::<_, ImportError>(schedule.subscriptions.clone())
    })?;
    Ok(subs)
}
