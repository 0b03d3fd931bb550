//! Mentor Preflight and the operating system.
//!
//! - [`Platform`] ([`platform`]): the one seam to what each system offers — who uses the camera
//!   and microphone, which recorders run ([`inuse`]), silencing notifications ([`focus`]), what
//!   carries the network link ([`link`]), the TCP counters of a connection — implemented for
//!   Linux ([`linux`], compiled on Linux only) and Windows ([`windows`], compiled on Windows
//!   only) with an honest fallback elsewhere. Nothing outside this crate asks which system it
//!   runs on.
//! - [`locale`]: how the computer writes times and dates (12/24-hour, month or day first).
//! - [`files`]: what differs between systems when a file is opened or replaced.
//! - [`run_bounded`]: the one way the system's small helper programs (`nmcli`, `pactl`,
//!   `gsettings`) are run: with a time limit, so a hung helper never hangs a check or the session
//!   window, and with bounded output, read while the program runs (a chatty one cannot fill its
//!   pipe and stall).
//! - [`secrets`]: the system's password store (a calendar feed's name and password).
//! - [`beside_me`]: the program installed beside this one.

pub mod files;
pub mod focus;
pub mod inuse;
pub mod link;
#[cfg(target_os = "linux")]
pub mod linux;
pub mod locale;
pub mod platform;
pub mod secrets;
#[cfg(windows)]
pub mod windows;

pub use platform::{this_system, Platform};

/// A socket as the system names it (a file descriptor on Unix, a `SOCKET` on Windows), for
/// [`Platform::tcp_bytes_acked`].
#[cfg(unix)]
pub type RawSocket = std::os::fd::RawFd;
/// A socket as the system names it (a file descriptor on Unix, a `SOCKET` on Windows), for
/// [`Platform::tcp_bytes_acked`].
#[cfg(windows)]
pub type RawSocket = std::os::windows::io::RawSocket;

/// The system's name for a socket (`tokio`'s and `std`'s TCP streams have one everywhere).
pub trait OsSocket {
    /// The raw socket; valid as long as `self` is.
    fn raw_socket(&self) -> RawSocket;
}

#[cfg(unix)]
impl<T: std::os::fd::AsRawFd> OsSocket for T {
    fn raw_socket(&self) -> RawSocket {
        self.as_raw_fd()
    }
}

#[cfg(windows)]
impl<T: std::os::windows::io::AsRawSocket> OsSocket for T {
    fn raw_socket(&self) -> RawSocket {
        self.as_raw_socket()
    }
}

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The most output kept from a helper, per stream.
pub const MAX_OUTPUT: u64 = 1 << 20;

/// What a helper printed, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    /// Its exit status.
    pub status: ExitStatus,
    /// Standard output (at most [`MAX_OUTPUT`] bytes, lossily decoded).
    pub stdout: String,
    /// Standard error (likewise).
    pub stderr: String,
}

/// Why a helper gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// It could not be started (not installed, say).
    NotStarted(String),
    /// It did not finish within the limit and was ended.
    TimedOut(Duration),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NotStarted(e) => write!(f, "could not run: {e}"),
            RunError::TimedOut(d) => write!(f, "gave no answer within {} s", d.as_secs_f32()),
        }
    }
}

impl std::error::Error for RunError {}

/// The program `name` installed beside the running one (the app and its tray process find each
/// other this way: in `/usr/bin`, or in a build's target folder), if it is there.
pub fn beside_me(name: &str) -> Option<std::path::PathBuf> {
    let me = std::env::current_exe().ok()?;
    let path = me
        .parent()?
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    path.exists().then_some(path)
}

fn reader(stream: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut s) = stream {
            let _ = s.by_ref().take(MAX_OUTPUT).read_to_end(&mut bytes);
            // The rest is read and dropped, so the program is never stalled on a full pipe.
            let _ = std::io::copy(&mut s, &mut std::io::sink());
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Runs `cmd` (no input) and waits at most `limit` for it; one that takes longer is killed.
pub fn run_bounded(mut cmd: Command, limit: Duration) -> Result<Ran, RunError> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| RunError::NotStarted(e.to_string()))?;
    let out = reader(child.stdout.take());
    let err = reader(child.stderr.take());
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    // The readers end when the pipes close (the program ended or was killed). A grandchild
    // that kept the pipe open would keep them waiting, so they are left to finish alone then.
    let Some(status) = status else {
        return Err(RunError::TimedOut(limit));
    };
    Ok(Ran {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    }

    #[test]
    fn an_answer_within_the_limit_is_read_whole() {
        let r = run_bounded(
            sh("echo hello; echo oops >&2; exit 3"),
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(r.stdout, "hello\n");
        assert_eq!(r.stderr, "oops\n");
        assert_eq!(r.status.code(), Some(3));
    }

    #[test]
    fn a_hung_helper_is_ended_at_the_limit() {
        let r = run_bounded(sh("exec sleep 30"), Duration::from_millis(200));
        assert_eq!(r, Err(RunError::TimedOut(Duration::from_millis(200))));
    }

    #[test]
    fn more_output_than_a_pipe_holds_does_not_stall_it_and_is_bounded() {
        // 4 MB: far more than a pipe buffers, and more than is kept.
        let r = run_bounded(
            sh("head -c 4194304 /dev/zero | tr '\\0' x"),
            Duration::from_secs(20),
        )
        .unwrap();
        assert!(r.status.success());
        assert_eq!(r.stdout.len() as u64, MAX_OUTPUT);
    }

    #[test]
    fn a_program_beside_this_one_is_found_and_a_missing_one_is_not() {
        let me = std::env::current_exe().unwrap();
        let name = me.file_stem().unwrap().to_string_lossy().into_owned();
        assert_eq!(beside_me(&name), Some(me));
        assert_eq!(beside_me("no-such-program-here"), None);
    }

    #[test]
    fn a_missing_program_is_said() {
        let r = run_bounded(Command::new("/nonexistent/helper"), Duration::from_secs(1));
        assert!(matches!(r, Err(RunError::NotStarted(_))), "{r:?}");
    }
}
