//! Small JSON files that must never lose data: written atomically (temporary file in the same
//! directory, flushed, then renamed over the old one), and a file that cannot be read is moved
//! aside — never overwritten — with a message saying where it went.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A value read from disk, and what the mentor should be told about it (if anything).
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded<T> {
    /// The value (defaults when the file was missing or unreadable).
    pub value: T,
    /// A message when the file was corrupt and was moved aside.
    pub notice: Option<String>,
}

/// Reads `path` as JSON. A missing file gives the default value. A file that is not valid JSON
/// for `T` is renamed to `<name>.corrupt-<unix seconds>` and the default is returned with a
/// notice; the data stays on disk for the mentor (or support) to recover.
pub fn load_json<T: DeserializeOwned + Default>(path: &Path) -> Loaded<T> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Loaded {
                value: T::default(),
                notice: None,
            };
        }
        Err(e) => {
            return Loaded {
                value: T::default(),
                notice: Some(format!(
                    "{} could not be read ({e}); using defaults.",
                    path.display()
                )),
            };
        }
    };
    match serde_json::from_slice::<T>(&bytes) {
        Ok(value) => Loaded {
            value,
            notice: None,
        },
        Err(parse) => {
            let aside = corrupt_name(path);
            let notice = match fs::rename(path, &aside) {
                Ok(()) => format!(
                    "{} was damaged ({parse}). It was kept as {} and defaults are used.",
                    path.display(),
                    aside.display()
                ),
                Err(e) => format!(
                    "{} was damaged ({parse}) and could not be moved aside ({e}); defaults are used and the file is left as it is.",
                    path.display()
                ),
            };
            tracing::warn!("{notice}");
            Loaded {
                value: T::default(),
                notice: Some(notice),
            }
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
pub fn save_bytes(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })?;
    // Make the rename itself durable (a power cut right after must not bring the old file back).
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
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

    #[test]
    fn round_trip_and_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("s.json");
        assert_eq!(
            load_json::<S>(&p),
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
        assert_eq!(load_json::<S>(&p).value, v);
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn corrupt_file_is_kept_aside_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        fs::write(&p, b"{ this is not json").unwrap();
        let loaded = load_json::<S>(&p);
        assert_eq!(loaded.value, S::default());
        let notice = loaded.notice.expect("a notice");
        assert!(
            notice.contains("damaged") && notice.contains(".corrupt-"),
            "{notice}"
        );
        assert!(!p.exists());
        let kept: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(fs::read(&kept[0]).unwrap(), b"{ this is not json");
        // Saving afterwards creates a fresh file and leaves the corrupt copy alone.
        save_json(&p, &S { a: None, n: 1 }).unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
