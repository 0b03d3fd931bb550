//! What differs between systems when a data file is opened or replaced:
//!
//! - [`open_for_reading`]: on Unix the open does not block should the path be a pipe (the
//!   caller then refuses it as not a file); Windows has no such trap.
//! - [`replace`]: moves a finished temporary file over the target. On Windows another process
//!   (the tray, the app, a virus scanner, a backup or search indexer) may hold the target open
//!   for a moment, and the move then fails with "access denied" or "sharing violation": it is
//!   tried again for up to about a second before the error is given back. Rust opens files with
//!   `FILE_SHARE_DELETE`, so our own readers never block it.
//! - [`sync_dir`]: makes a rename durable on Unix (the folder's entry is flushed); on Windows
//!   `MoveFileEx` needs no such step.
//! - [`keep_private`]: the mentor's data folder and its files are theirs alone: on Unix the
//!   folder is made `0700` and its files `0600` (whatever the umask); on Windows the folder
//!   lies in the user's own profile (`%APPDATA%`), whose access list already grants only the
//!   user (and the system's administrators), and files inherit it.

use std::fs::{File, OpenOptions};
use std::path::Path;
use std::time::Duration;

/// Opens `path` for reading without waiting on a pipe's writer (Unix), so that the caller can
/// check that it is a regular file.
pub fn open_for_reading(path: &Path) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    opts.open(path)
}

/// How often, and how long apart, [`replace`] tries again while the target is held open.
const REPLACE_TRIES: u32 = 20;
const REPLACE_PAUSE: Duration = Duration::from_millis(50);

/// Whether a failed move is worth trying again: on Windows, the target was held open by
/// another process for a moment (`ERROR_ACCESS_DENIED` 5, `ERROR_SHARING_VIOLATION` 32,
/// `ERROR_LOCK_VIOLATION` 33). Never on Unix, where a rename over an open file succeeds.
fn held_open(e: &std::io::Error) -> bool {
    cfg!(windows) && matches!(e.raw_os_error(), Some(5 | 32 | 33))
}

/// Moves `from` over `to` (same folder), trying again while another process holds `to` open
/// for a moment (Windows). `from` is left in place when it fails.
pub fn replace(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut tries = 0;
    loop {
        match std::fs::rename(from, to) {
            Err(e) if held_open(&e) && tries + 1 < REPLACE_TRIES => {
                tries += 1;
                std::thread::sleep(REPLACE_PAUSE);
            }
            r => return r,
        }
    }
}

/// Flushes the folder `dir`'s entries so that a rename in it survives a power cut (Unix); a
/// no-op on Windows, where the move is written through.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Makes `path` (a folder, or a file) readable and writable by its owner only (Unix: `0700`
/// for a folder, `0600` for a file); see the module's head for Windows. A path that does not
/// exist is left alone.
pub fn keep_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        // A link is never followed: its target may be anywhere.
        if meta.file_type().is_symlink() {
            return Ok(());
        }
        let mode = if meta.is_dir() { 0o700 } else { 0o600 };
        if meta.permissions().mode() & 0o777 != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_a_file_that_is_open_for_reading() {
        let dir = tempfile::tempdir().unwrap();
        let (tmp, target) = (dir.path().join("t.tmp"), dir.path().join("t.json"));
        std::fs::write(&target, "old").unwrap();
        std::fs::write(&tmp, "new").unwrap();
        // Another reader holds the target open, as the tray does while it reads the schedule.
        let reader = open_for_reading(&target).unwrap();
        replace(&tmp, &target).unwrap();
        drop(reader);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert!(!tmp.exists());
        sync_dir(dir.path());
    }

    #[test]
    fn a_move_that_cannot_succeed_fails_at_once_and_keeps_the_source() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join("t.tmp");
        std::fs::write(&tmp, "new").unwrap();
        let target = dir.path().join("no/such/folder/t.json");
        assert!(replace(&tmp, &target).is_err());
        assert!(tmp.exists());
    }

    #[cfg(unix)]
    #[test]
    fn private_folders_and_files_are_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (folder, file) = (dir.path().join("data"), dir.path().join("data/db"));
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(&file, "x").unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        keep_private(&folder).unwrap();
        keep_private(&file).unwrap();
        keep_private(&dir.path().join("missing")).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&folder), 0o700);
        assert_eq!(mode(&file), 0o600);
    }

    #[test]
    fn only_windows_sharing_errors_are_tried_again() {
        let e = std::io::Error::from_raw_os_error(32);
        assert_eq!(held_open(&e), cfg!(windows));
        assert!(!held_open(&std::io::Error::from_raw_os_error(2)));
    }
}
