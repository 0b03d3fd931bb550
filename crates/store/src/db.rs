//! The database of what a mentor cannot lose: their schedule, calendar subscriptions, records
//! and what the reminders already did, in one SQLite file that the window, the tray and the CLI
//! open alike.
//!
//! - **One transaction per use case**: [`Database::read`] sees one consistent state,
//!   [`Database::write`] takes the write lock at its start (`BEGIN IMMEDIATE`), so two processes
//!   changing the schedule at once are put one after the other and neither loses the other's
//!   change; a change that fails writes nothing.
//! - **WAL** (readers never wait for the writer) with `synchronous = FULL` (a committed record
//!   survives a power cut) and a busy timeout: a process waits up to [`BUSY_TIMEOUT`] for another
//!   one's transaction instead of failing at once.
//! - **Schema versions** in SQLite's `user_version`, brought up to date by [`migrations`] when
//!   the file is opened. A file written by a newer version of the app is refused, not changed.
//! - **Never replaced**: a file that is not a database, is damaged, or cannot be opened is an
//!   error that says so; nothing is written over it and no fresh database takes its place.
//! - **Private**: the folder is made the mentor's own and the files `0600` on Unix
//!   ([`preflight_host::files::keep_private`]); links are not followed (`SQLITE_OPEN_NOFOLLOW`).
//! - **No size cap** that could lock the mentor out: queries read what they need by index.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use rusqlite_migration::{Migrations, M};

use crate::StoreError;

/// The database's file name in the data folder.
pub const DB_FILE: &str = "mentor-preflight.sqlite3";

/// How long a process waits for another one's transaction before giving up (a refresh of a
/// large calendar writes for well under a second).
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(20);

/// The schema, one entry per version; a new version is a new entry at the end, never a change
/// to an old one (`tests` open a database of every earlier version).
const SCHEMA: &[&str] = &[
    // Version 1. Each domain value is kept whole as JSON in `data` (serde gives it its meaning,
    // and a field added later needs no migration), with the columns queries look up by beside
    // it. Times are Unix seconds for ranges and order; `checks.at` keeps the exact instant a
    // check is known by.
    r#"
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY NOT NULL,
    start_s       INTEGER NOT NULL,
    calendar      TEXT,
    uid           TEXT,
    recurrence_id INTEGER,
    data          TEXT NOT NULL,
    UNIQUE (calendar, uid, recurrence_id)
) STRICT;
CREATE INDEX sessions_by_start ON sessions (start_s);
CREATE TABLE subscriptions (
    position INTEGER PRIMARY KEY,
    url      TEXT NOT NULL UNIQUE,
    data     TEXT NOT NULL
) STRICT;
CREATE TABLE calendar_programmes (
    calendar TEXT PRIMARY KEY NOT NULL,
    data     TEXT NOT NULL
) STRICT;
CREATE TABLE removed_sessions (id TEXT PRIMARY KEY NOT NULL) STRICT;
CREATE TABLE schedule_settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
CREATE TABLE checks (
    id         INTEGER PRIMARY KEY,
    at_s       INTEGER NOT NULL,
    at         TEXT NOT NULL,
    origin     TEXT NOT NULL,
    session_id TEXT,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX checks_by_session ON checks (session_id, at_s);
CREATE INDEX checks_by_time ON checks (at_s);
CREATE INDEX checks_by_origin ON checks (origin, at);
CREATE TABLE rooms (
    id         INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    at_s       INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX rooms_by_session ON rooms (session_id);
CREATE TABLE runs (
    id         INTEGER PRIMARY KEY,
    session_id TEXT,
    started_s  INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX runs_by_session ON runs (session_id);
CREATE INDEX runs_by_time ON runs (started_s);
CREATE TABLE concerns (
    id         INTEGER PRIMARY KEY,
    session_id TEXT,
    at_s       INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX concerns_by_session ON concerns (session_id);
CREATE TABLE planned (
    id         INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    at_s       INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX planned_by_session ON planned (session_id);
CREATE TABLE reminder_state (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    data TEXT NOT NULL
) STRICT;
CREATE TABLE markers (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
"#,
    // Version 2. The mentor's edits of imported sessions (who, link, script, number,
    // programme), by session id, applied again at every import and refresh.
    r#"
CREATE TABLE calendar_edits (
    id   TEXT PRIMARY KEY NOT NULL,
    data TEXT NOT NULL
) STRICT;
"#,
];

static MIGRATIONS: LazyLock<Migrations<'static>> =
    LazyLock::new(|| Migrations::new(SCHEMA.iter().map(|sql| M::up(sql)).collect()));

/// The migrations from an empty file to the current schema.
pub fn migrations() -> &'static Migrations<'static> {
    &MIGRATIONS
}

/// The current schema version.
pub fn schema_version() -> usize {
    SCHEMA.len()
}

/// An open database.
#[derive(Debug)]
pub struct Database {
    conn: Connection,
    path: PathBuf,
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Words for what SQLite said about the file at `path`.
fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Damaged {
            path: shown(path),
            detail: e.to_string(),
        },
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            StoreError::Busy { path: shown(path) }
        }
        Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::ReadOnly) => {
            StoreError::Unreadable {
                path: shown(path),
                source: std::io::Error::other(e.to_string()),
            }
        }
        _ => StoreError::Database {
            detail: e.to_string(),
        },
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        classify(Path::new("your data file"), e)
    }
}

impl Database {
    /// Opens (or creates) the database at `path` and brings its schema up to date. The folder
    /// is created if needed and kept private. A file that is not a database (or is damaged),
    /// that is not an ordinary file, or that a newer version of the app wrote, is an error and
    /// is left exactly as it was.
    pub fn open(path: &Path) -> Result<Database, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let failed = |source| StoreError::Unreadable {
                path: shown(dir),
                source,
            };
            std::fs::create_dir_all(dir).map_err(failed)?;
            preflight_host::files::keep_private(dir).map_err(failed)?;
        }
        match std::fs::symlink_metadata(path) {
            Ok(m) if !m.is_file() => return Err(StoreError::NotAFile { path: shown(path) }),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(StoreError::Unreadable {
                    path: shown(path),
                    source,
                })
            }
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_NOFOLLOW;
        let fail = |e| classify(path, e);
        let mut conn = Connection::open_with_flags(path, flags).map_err(fail)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        // The first statement reads the file's header: a file that is not a database says so here.
        // Switching a new file to WAL needs it to itself for a moment, and SQLite does not wait
        // for that through the busy timeout: another process opening it at the same moment is
        // waited for here.
        let mut tries = 0;
        let mode: String = loop {
            match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)) {
                Err(e)
                    if tries < 200
                        && matches!(
                            e.sqlite_error_code(),
                            Some(
                                rusqlite::ErrorCode::DatabaseBusy
                                    | rusqlite::ErrorCode::DatabaseLocked
                            )
                        ) =>
                {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(25));
                }
                r => break r.map_err(fail)?,
            }
        };
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "the database could not use write-ahead logging");
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(fail)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(fail)?;
        // Refuse a file from a newer version before anything is written.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(fail)?;
        if version > schema_version() as i64 {
            return Err(StoreError::Newer {
                path: shown(path),
                version,
                known: schema_version(),
            });
        }
        // Two processes may open a new file at the same moment (the window and the tray on the
        // first start): the migration's transaction takes the write lock at its start, so one
        // waits for the other, and finding the work done is not a failure.
        conn.set_transaction_behavior(TransactionBehavior::Immediate);
        let migrated = MIGRATIONS.to_latest(&mut conn);
        conn.set_transaction_behavior(TransactionBehavior::Deferred);
        if let Err(e) = migrated {
            let now: i64 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(fail)?;
            if now != schema_version() as i64 {
                return Err(match e {
                    rusqlite_migration::Error::RusqliteError { err, .. } => classify(path, err),
                    other => StoreError::Database {
                        detail: other.to_string(),
                    },
                });
            }
        }
        for p in [
            path.to_path_buf(),
            with_suffix(path, "-wal"),
            with_suffix(path, "-shm"),
        ] {
            if let Err(e) = preflight_host::files::keep_private(&p) {
                tracing::warn!(error = %e, file = %p.display(), "could not make the file private");
            }
        }
        Ok(Database {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in a read transaction: it sees one consistent state, whatever other processes
    /// commit meanwhile.
    pub fn read<R>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(|e| classify(&path, e))?;
        let out = f(&tx)?;
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok(out)
    }

    /// Runs `f` in a write transaction, taken at once (`BEGIN IMMEDIATE`: another process's
    /// change waits for this one, up to [`BUSY_TIMEOUT`]), and commits what it did; when `f`
    /// fails, nothing it did is kept.
    pub fn write<R, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<R, E>,
    ) -> Result<R, E> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        let out = f(&tx)?;
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok(out)
    }

    /// The connection itself (for tests and tools that inspect the file).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn a_new_database_is_at_the_current_version_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("data").join(DB_FILE);
        let mut db = Database::open(&p).unwrap();
        db.write(|tx| {
            tx.execute("INSERT INTO markers (key, value) VALUES ('a', 'b')", [])?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
        drop(db);
        let mut db = Database::open(&p).unwrap();
        let v: i64 = db
            .connection()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, schema_version() as i64);
        let got: String = db
            .read(|tx| Ok(tx.query_row("SELECT value FROM markers", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(got, "b");
        let mode: String = db
            .connection()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_failed_write_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Database::open(&dir.path().join(DB_FILE)).unwrap();
        let r = db.write(|tx| {
            tx.execute("INSERT INTO markers (key, value) VALUES ('a', 'b')", [])?;
            Err::<(), _>(StoreError::Database {
                detail: "refused".into(),
            })
        });
        assert!(r.is_err());
        let n: i64 = db
            .read(|tx| Ok(tx.query_row("SELECT count(*) FROM markers", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_an_error_and_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(DB_FILE);
        let junk = b"this is a schedule that someone overwrote with text\n".repeat(200);
        std::fs::write(&p, &junk).unwrap();
        let err = Database::open(&p).unwrap_err();
        assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
        let words = err.to_string();
        assert!(
            words.contains("damaged") && words.contains(DB_FILE),
            "{words}"
        );
        assert_eq!(std::fs::read(&p).unwrap(), junk, "never replaced");
    }

    #[test]
    fn a_database_from_a_newer_version_is_refused_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(DB_FILE);
        drop(Database::open(&p).unwrap());
        let c = Connection::open(&p).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        let err = Database::open(&p).unwrap_err();
        assert!(
            matches!(err, StoreError::Newer { version: 99, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("newer version"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn folder_and_files_are_private_and_links_are_not_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("data");
        let p = folder.join(DB_FILE);
        drop(Database::open(&p).unwrap());
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&folder), 0o700);
        assert_eq!(mode(&p), 0o600);
        // A link in the database's place is refused, and its target is not touched.
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, "x").unwrap();
        let link = dir.path().join("link.sqlite3");
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        assert!(matches!(
            Database::open(&link),
            Err(StoreError::NotAFile { .. })
        ));
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "x");
    }

    #[test]
    fn a_new_file_opened_by_many_at_once_is_created_once() {
        for round in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join(DB_FILE);
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
            let handles: Vec<_> = (0..6)
                .map(|_| {
                    let (p, barrier) = (p.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        barrier.wait();
                        Database::open(&p).map(drop)
                    })
                })
                .collect();
            for h in handles {
                h.join()
                    .unwrap()
                    .unwrap_or_else(|e| panic!("round {round}: {e}"));
            }
        }
    }

    #[test]
    fn writers_in_threads_take_turns_and_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(DB_FILE);
        drop(Database::open(&p).unwrap());
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let p = p.clone();
                std::thread::spawn(move || {
                    let mut db = Database::open(&p).unwrap();
                    for i in 0..25 {
                        db.write(|tx| {
                            // Read, then write: the lost-update pattern a file store must lock.
                            let n: i64 =
                                tx.query_row("SELECT count(*) FROM markers", [], |r| r.get(0))?;
                            tx.execute(
                                "INSERT INTO markers (key, value) VALUES (?1, ?2)",
                                (format!("{t}-{i}"), n.to_string()),
                            )?;
                            Ok::<_, StoreError>(())
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let mut db = Database::open(&p).unwrap();
        let (n, distinct): (i64, i64) = db
            .read(|tx| {
                Ok(tx.query_row(
                    "SELECT count(*), count(DISTINCT value) FROM markers",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
            })
            .unwrap();
        // Every writer saw every earlier write: the counts it read are all different.
        assert_eq!((n, distinct), (100, 100));
    }
}
