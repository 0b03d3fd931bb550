//! Where the mentor's data is kept, and bounded reading of anything the mentor hands us (a
//! calendar, a template).
//!
//! - [`db`]: the SQLite database of the schedule, subscriptions, records and reminder state —
//!   what must not be lost, shared by the window, the tray and the CLI.
//! - [`JsonStore`]: small files (settings) and the JSON files of earlier versions, read once to
//!   move them into the database.
//!
//! The discipline for every small file, in [`JsonStore`]:
//! - **read errors are errors**: a file that exists but cannot be read (permissions, I/O error,
//!   larger than any real file of its kind) is reported and never replaced by defaults;
//! - a file that is read but is not valid JSON is moved aside as `<name>.corrupt-<time>`, never
//!   overwritten, and the mentor is told where it went;
//! - every read-modify-write holds an advisory lock on a sidecar `<name>.lock`, shared by the
//!   app and the `preflight` CLI, so neither loses the other's change;
//! - writes are atomic (temporary file in the same folder, flushed, renamed), and the temporary
//!   file is removed when anything fails.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

pub mod db;
pub use db::Database;

/// The largest data file read (a schedule of a few thousand sessions is about 1 MB).
pub const MAX_DATA_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// A value read from disk, and what the mentor should be told about it (if anything).
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded<T> {
    /// The value (defaults when the file did not exist or was damaged and moved aside).
    pub value: T,
    /// A message when the file was damaged and was moved aside.
    pub notice: Option<String>,
}

/// Why a file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but could not be read; nothing was changed.
    #[error("{path} could not be read ({source}). Nothing was changed; check the file's permissions or the disk.")]
    Unreadable {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// Not a regular file (a folder, a device, a pipe).
    #[error("{path} is not an ordinary file, so it was not read.")]
    NotAFile {
        /// The file.
        path: String,
    },
    /// Larger than any real file of its kind.
    #[error("{path} is too large to be read ({size} bytes; at most {max} are read).")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size (or at least this many bytes).
        size: u64,
        /// The bound.
        max: u64,
    },
    /// The lock shared with the other copy of the app could not be taken.
    #[error("{path} could not be locked ({source}), so it was not changed.")]
    Lock {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The database file is damaged or is not a database; it was left as it is.
    #[error("{path} is damaged and could not be read ({detail}). Nothing was changed and it was not replaced: restore it from a backup, or move it elsewhere to start with an empty schedule and records.")]
    Damaged {
        /// The file.
        path: String,
        /// What SQLite said.
        detail: String,
    },
    /// Another copy of the app kept the database busy for longer than the busy timeout.
    #[error("{path} was kept busy by another copy of Mentor Preflight for too long; nothing was changed. Try again in a moment.")]
    Busy {
        /// The file.
        path: String,
    },
    /// The database was written by a newer version of the app.
    #[error("{path} was written by a newer version of Mentor Preflight (its format is version {version}; this version knows up to {known}). It was not changed: use the newer version.")]
    Newer {
        /// The file.
        path: String,
        /// The file's schema version.
        version: i64,
        /// The newest version this build knows.
        known: usize,
    },
    /// Any other problem reading or writing the database.
    #[error(
        "Your schedule and records could not be read or saved ({detail}). Nothing was changed."
    )]
    Database {
        /// What SQLite said.
        detail: String,
    },
    /// The new contents could not be written; the old file is unchanged.
    #[error("{path} could not be saved ({source}). The previous version is unchanged.")]
    Write {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Reads at most `max` bytes of the ordinary file at `path`. Folders, devices and pipes are
/// refused before they are opened (a FIFO would block, `/dev/zero` never ends), and a file
/// larger than `max` is an error rather than a truncated read.
pub fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, StoreError> {
    let meta = fs::metadata(path).map_err(|source| StoreError::Unreadable {
        path: shown(path),
        source,
    })?;
    if !meta.is_file() {
        return Err(StoreError::NotAFile { path: shown(path) });
    }
    if meta.len() > max {
        return Err(StoreError::TooLarge {
            path: shown(path),
            size: meta.len(),
            max,
        });
    }
    // Should the file be swapped for a pipe between the check and the open, do not block.
    let f =
        preflight_host::files::open_for_reading(path).map_err(|source| StoreError::Unreadable {
            path: shown(path),
            source,
        })?;
    if !f.metadata().map(|m| m.is_file()).unwrap_or(false) {
        return Err(StoreError::NotAFile { path: shown(path) });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| StoreError::Unreadable {
            path: shown(path),
            source,
        })?;
    if bytes.len() as u64 > max {
        return Err(StoreError::TooLarge {
            path: shown(path),
            size: bytes.len() as u64,
            max,
        });
    }
    Ok(bytes)
}

/// Reads `path` as JSON. A missing file gives the default value. A file that is not valid JSON
/// for `T` is renamed to `<name>.corrupt-<unix seconds>` and the default is returned with a
/// notice; the data stays on disk for the mentor (or support) to recover. A file that cannot be
/// read is an error: the caller must not go on to overwrite it.
pub fn load_json<T: DeserializeOwned + Default>(path: &Path) -> Result<Loaded<T>, StoreError> {
    load_json_within(path, MAX_DATA_FILE_BYTES)
}

/// [`load_json`] of a file of at most `max` bytes.
pub fn load_json_within<T: DeserializeOwned + Default>(
    path: &Path,
    max: u64,
) -> Result<Loaded<T>, StoreError> {
    let bytes = match read_bounded(path, max) {
        Ok(b) => b,
        Err(StoreError::Unreadable { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            return Ok(Loaded {
                value: T::default(),
                notice: None,
            });
        }
        Err(e) => return Err(e),
    };
    match serde_json::from_slice::<T>(&bytes) {
        Ok(value) => Ok(Loaded {
            value,
            notice: None,
        }),
        Err(parse) => {
            let aside = corrupt_name(path);
            let notice = match fs::rename(path, &aside) {
                Ok(()) => format!(
                    "{} was damaged ({parse}). It was kept as {} and a fresh one was started.",
                    path.display(),
                    aside.display()
                ),
                Err(e) => {
                    // It cannot be moved aside, so it must not be overwritten either.
                    return Err(StoreError::Unreadable {
                        path: shown(path),
                        source: std::io::Error::other(format!(
                            "it is damaged ({parse}) and could not be moved aside: {e}"
                        )),
                    });
                }
            };
            tracing::warn!("{notice}");
            Ok(Loaded {
                value: T::default(),
                notice: Some(notice),
            })
        }
    }
}

fn corrupt_name(path: &Path) -> PathBuf {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let mut candidate = path.with_file_name(format!("{name}.corrupt-{secs}"));
    let mut n = 1;
    while candidate.exists() {
        candidate = path.with_file_name(format!("{name}.corrupt-{secs}-{n}"));
        n += 1;
    }
    candidate
}

/// Distinguishes the temporary files of concurrent writers in one process.
static NEXT_TMP: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Writes `value` as pretty JSON to `path` atomically, creating the directory if needed.
/// Data files go through [`JsonStore::update`] instead, which also takes the lock.
pub fn save_json<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let mut json = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
    json.push(b'\n');
    save_bytes(path, &json)
}

/// Writes `text` to `path` atomically (an export, say), creating the directory if needed.
pub fn save_text(path: &Path, text: &str) -> std::io::Result<()> {
    save_bytes(path, text.as_bytes())
}

/// Writes `bytes` to `path` atomically: temporary file in the same directory, flushed, renamed.
/// Whatever fails, no temporary file is left behind.
pub fn save_bytes(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    save_bytes_as(path, bytes, None)
}

/// Writes a file the mentor chose (an export) at `path`: only over an ordinary file (whose
/// permissions it keeps) or as a new one — never over a link, a folder, a device or a pipe, and
/// never inside `keep_out_of` (the app's own data folder, where the database lives). Atomic as
/// [`save_bytes`]. The error says in words why the place was refused.
pub fn save_chosen_file(path: &Path, bytes: &[u8], keep_out_of: &Path) -> std::io::Result<()> {
    let refuse = |why: &str| Err(std::io::Error::other(format!("{} {why}", path.display())));
    let keep = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return refuse("is a link: choose the file itself, or a new name.")
        }
        Ok(m) if !m.is_file() => {
            return refuse("is not an ordinary file (a folder, a device or a pipe): choose a file.")
        }
        Ok(m) => Some(m.permissions()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    // Where it would land, links resolved: the nearest folder on the way that exists.
    let parent = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut existing = parent;
    while !existing.exists() {
        match existing.parent() {
            Some(p) if !p.as_os_str().is_empty() => existing = p,
            _ => {
                existing = Path::new(".");
                break;
            }
        }
    }
    if let (Ok(at), Ok(forbidden)) = (fs::canonicalize(existing), fs::canonicalize(keep_out_of)) {
        if at.starts_with(&forbidden) {
            return refuse(
                "is inside Mentor Preflight's own data folder: choose another folder (your Documents, say).",
            );
        }
    }
    save_bytes_as(path, bytes, keep)
}

fn save_bytes_as(
    path: &Path,
    bytes: &[u8],
    permissions: Option<fs::Permissions>,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id(),
        NEXT_TMP.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let written = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        if let Some(p) = permissions {
            f.set_permissions(p)?;
        }
        f.sync_all()?;
        drop(f);
        preflight_host::files::replace(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    // Make the rename itself durable (a power cut right after must not bring the old file back).
    preflight_host::files::sync_dir(dir);
    Ok(())
}

/// Takes the advisory lock on `<path>.lock` (shared by the app and the CLI); released when the
/// returned file is dropped.
fn lock_beside(path: &Path, exclusive: bool) -> Result<File, StoreError> {
    let lock_err = |source| StoreError::Lock {
        path: shown(path),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(lock_err)?;
    }
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path.with_file_name(name))
        .map_err(lock_err)?;
    if exclusive {
        f.lock().map_err(lock_err)?;
    } else {
        f.lock_shared().map_err(lock_err)?;
    }
    Ok(f)
}

/// Writes a text file the mentor may also edit by hand (their programme profile) atomically,
/// under the same kind of lock as the data files.
pub fn save_text_locked(path: &Path, text: &str) -> Result<(), StoreError> {
    let _guard = lock_beside(path, true)?;
    save_text(path, text).map_err(|source| StoreError::Write {
        path: shown(path),
        source,
    })
}

/// A JSON data file with the house discipline: bounded reads, read errors as errors, damaged
/// files kept aside, read-modify-write under a lock shared by every process, atomic writes.
#[derive(Debug)]
pub struct JsonStore<T> {
    path: PathBuf,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for JsonStore<T> {
    fn clone(&self) -> Self {
        JsonStore {
            path: self.path.clone(),
            _t: PhantomData,
        }
    }
}

impl<T: Serialize + DeserializeOwned + Default> JsonStore<T> {
    /// The store at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        JsonStore {
            path: path.into(),
            _t: PhantomData,
        }
    }

    /// Where the data lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock_file(&self, exclusive: bool) -> Result<File, StoreError> {
        lock_beside(&self.path, exclusive)
    }

    /// Reads the data. A damaged file is moved aside and the notice says where; a file that
    /// cannot be read is an error.
    pub fn load(&self) -> Result<Loaded<T>, StoreError> {
        // Read under the lock when it can be taken; a read-only folder still gets its data.
        let _guard = self.lock_file(false).ok();
        load_json(&self.path)
    }

    /// Applies `change` under the lock and writes the result atomically; nothing is written
    /// when `change` fails or the file cannot be read. Returns what `change` returned and the
    /// notice from loading (a damaged file set aside), if any.
    pub fn update<R, E: From<StoreError>>(
        &self,
        change: impl FnOnce(&mut T) -> Result<R, E>,
    ) -> Result<(R, Option<String>), E> {
        let _guard = self.lock_file(true)?;
        let Loaded { mut value, notice } = load_json::<T>(&self.path)?;
        let out = change(&mut value)?;
        save_json(&self.path, &value).map_err(|source| StoreError::Write {
            path: shown(&self.path),
            source,
        })?;
        Ok((out, notice))
    }

    /// [`JsonStore::update`] for a change that cannot fail; returns the loading notice.
    pub fn change(&self, change: impl FnOnce(&mut T)) -> Result<Option<String>, StoreError> {
        self.update(|v| {
            change(v);
            Ok::<_, StoreError>(())
        })
        .map(|((), notice)| notice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
    struct S {
        a: Option<String>,
        n: u32,
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn round_trip_and_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("s.json");
        assert_eq!(
            load_json::<S>(&p).unwrap(),
            Loaded {
                value: S::default(),
                notice: None
            }
        );
        let v = S {
            a: Some("mic".into()),
            n: 3,
        };
        save_json(&p, &v).unwrap();
        assert_eq!(load_json::<S>(&p).unwrap().value, v);
        // No temporary files are left behind.
        assert_eq!(files(p.parent().unwrap()), ["s.json"]);
    }

    #[test]
    fn corrupt_file_is_kept_aside_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        fs::write(&p, b"{ this is not json").unwrap();
        let loaded = load_json::<S>(&p).unwrap();
        assert_eq!(loaded.value, S::default());
        let notice = loaded.notice.expect("a notice");
        assert!(
            notice.contains("damaged") && notice.contains(".corrupt-"),
            "{notice}"
        );
        assert!(!p.exists());
        let kept = files(dir.path());
        assert_eq!(kept.len(), 1);
        assert_eq!(
            fs::read(dir.path().join(&kept[0])).unwrap(),
            b"{ this is not json"
        );
        // Saving afterwards creates a fresh file and leaves the corrupt copy alone.
        save_json(&p, &S { a: None, n: 1 }).unwrap();
        assert_eq!(files(dir.path()).len(), 2);
    }

    #[cfg(unix)]
    fn running_as_root() -> bool {
        // Root reads files whatever their permissions; use a directory instead then.
        unsafe { libc::geteuid() == 0 }
    }

    #[cfg(unix)]
    #[test]
    fn a_file_that_cannot_be_read_is_an_error_and_is_never_overwritten() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        let store = JsonStore::<S>::new(&p);
        store
            .update(|s| {
                s.n = 3;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let before = fs::read(&p).unwrap();
        if running_as_root() {
            // A folder where the file should be: exists, cannot be read as a file.
            let q = dir.path().join("d.json");
            fs::create_dir(&q).unwrap();
            let err = JsonStore::<S>::new(&q).load().unwrap_err();
            assert!(matches!(err, StoreError::NotAFile { .. }), "{err}");
            let err = JsonStore::<S>::new(&q)
                .update(|_| Ok::<_, StoreError>(()))
                .unwrap_err();
            assert!(matches!(err, StoreError::NotAFile { .. }), "{err}");
            assert!(q.is_dir());
        } else {
            fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
            let err = store.load().unwrap_err();
            assert!(err.to_string().contains("could not be read"), "{err}");
            let err = store
                .update(|s| {
                    s.n = 99;
                    Ok::<_, StoreError>(())
                })
                .unwrap_err();
            assert!(matches!(err, StoreError::Unreadable { .. }), "{err}");
            fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert_eq!(fs::read(&p).unwrap(), before, "the data was not touched");
    }

    #[test]
    fn a_failed_change_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        let store = JsonStore::<S>::new(&p);
        let err = store
            .update(|s| {
                s.n = 5;
                Err::<(), _>(StoreError::NotAFile { path: "x".into() })
            })
            .unwrap_err();
        assert!(matches!(err, StoreError::NotAFile { .. }));
        assert!(!p.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a non-empty folder: the rename over it fails after the temp file is
        // written.
        let p = dir.path().join("s.json");
        fs::create_dir(&p).unwrap();
        fs::write(p.join("inside"), b"x").unwrap();
        assert!(save_json(&p, &S::default()).is_err());
        assert_eq!(files(dir.path()), ["s.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn devices_pipes_and_huge_files_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            read_bounded(&fifo, 1024),
            Err(StoreError::NotAFile { .. })
        ));
        assert!(matches!(
            read_bounded(Path::new("/dev/zero"), 1024),
            Err(StoreError::NotAFile { .. })
        ));
        let big = dir.path().join("big");
        fs::write(&big, vec![b'x'; 2048]).unwrap();
        let err = read_bounded(&big, 1024).unwrap_err();
        assert!(matches!(err, StoreError::TooLarge { size: 2048, .. }));
        assert!(err.to_string().contains("too large"), "{err}");
        assert_eq!(read_bounded(&big, 2048).unwrap().len(), 2048);
    }

    #[cfg(unix)]
    #[test]
    fn a_chosen_file_is_only_an_ordinary_or_new_file_outside_the_data_folder() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        fs::create_dir(&data).unwrap();
        // A new file, and an ordinary one replaced with its permissions kept.
        let out = dir.path().join("week.csv");
        save_chosen_file(&out, b"a", &data).unwrap();
        fs::set_permissions(&out, fs::Permissions::from_mode(0o600)).unwrap();
        save_chosen_file(&out, b"b", &data).unwrap();
        assert_eq!(fs::read(&out).unwrap(), b"b");
        assert_eq!(
            fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o600
        );
        // A link is refused and its target untouched.
        let target = dir.path().join("target");
        fs::write(&target, "keep").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = save_chosen_file(&link, b"x", &data).unwrap_err();
        assert!(e.to_string().contains("is a link"), "{e}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep");
        assert!(link.is_symlink());
        // A pipe and a folder are refused (a device is refused the same way; the test does not
        // try one, as a broken rule run as root would replace it).
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        for p in [fifo.as_path(), dir.path()] {
            let e = save_chosen_file(p, b"x", &data).unwrap_err();
            assert!(e.to_string().contains("not an ordinary file"), "{e}");
        }
        // Nothing inside the data folder, however it is named.
        fs::write(data.join("db"), "database").unwrap();
        for p in [
            data.join("db"),
            data.join("new.csv"),
            dir.path().join("data/../data/sub/x.csv"),
        ] {
            let e = save_chosen_file(&p, b"x", &data).unwrap_err();
            assert!(e.to_string().contains("own data folder"), "{e}");
        }
        assert_eq!(fs::read_to_string(data.join("db")).unwrap(), "database");
        assert!(!data.join("sub").exists());
        // Leaves no temporary file.
        assert_eq!(
            files(dir.path()),
            ["data", "fifo", "link.csv", "target", "week.csv"]
        );
    }

    #[test]
    fn concurrent_updates_in_threads_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let store = JsonStore::<S>::new(&p);
                std::thread::spawn(move || {
                    for _ in 0..25 {
                        store
                            .update(|s| {
                                s.n += 1;
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
        assert_eq!(JsonStore::<S>::new(&p).load().unwrap().value.n, 100);
    }
}
