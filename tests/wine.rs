//! The Windows programs under Wine, for `./dev test-windows`: where they are, a Wine prefix,
//! and running one with a time limit in a process group of its own (a Windows program that
//! hangs is ended, with everything Wine started for it, and the test says so).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::ProcessGroup;

/// Wine's 64-bit loader and server as Debian's `wine64` installs them.
pub const WINE: &str = "/usr/lib/wine/wine64";
const WINESERVER: &str = "/usr/lib/wine/wineserver";

/// The folder with the Windows programs (`MENTOR_PREFLIGHT_WINDOWS_BIN`, which
/// `./dev test-windows` sets after building them).
pub fn windows_bin_dir() -> PathBuf {
    let dir = std::env::var_os("MENTOR_PREFLIGHT_WINDOWS_BIN").map(PathBuf::from).expect(
        "MENTOR_PREFLIGHT_WINDOWS_BIN is not set: run these tests with ./dev test-windows, which builds the Windows programs and sets it",
    );
    assert!(
        dir.join("preflight.exe").is_file(),
        "{} has no preflight.exe: run ./dev build-windows",
        dir.display()
    );
    dir
}

/// A Wine prefix (`MENTOR_PREFLIGHT_WINEPREFIX`, made once by `./dev test-windows`), whose
/// user's roaming application data is cleared of Mentor Preflight's folder for each test.
pub struct Wine {
    /// The prefix.
    pub prefix: PathBuf,
    /// Where the Windows programs are.
    pub bin: PathBuf,
}

impl Wine {
    /// The prefix of this run, with Mentor Preflight's data and settings removed.
    pub fn fresh() -> Wine {
        assert!(
            Path::new(WINE).is_file(),
            "Wine is not installed (Debian package wine64): run ./dev test-windows"
        );
        let prefix = std::env::var_os("MENTOR_PREFLIGHT_WINEPREFIX")
            .map(PathBuf::from)
            .expect("MENTOR_PREFLIGHT_WINEPREFIX is not set: run ./dev test-windows");
        let wine = Wine {
            prefix,
            bin: windows_bin_dir(),
        };
        if let Some(d) = wine.app_data() {
            let _ = std::fs::remove_dir_all(d);
        }
        // One Wine server for the whole test, persistent (`-p`: it daemonizes in a session of its
        // own and stays until `-k`). Every program is ended with its group when it is done, and a
        // server left without programs ends by itself a few seconds later: a program starting
        // just then lost its connection ("recvmsg: Connection reset by peer", once in fifty
        // checks).
        let _ = Command::new(WINESERVER)
            .arg("-p")
            .env("WINEPREFIX", &wine.prefix)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        wine
    }

    /// The app's folder under the prefix user's `AppData\Roaming` (where `%APPDATA%` is), once
    /// Wine has made the user's profile.
    pub fn app_data(&self) -> Option<PathBuf> {
        let users = self.prefix.join("drive_c/users");
        std::fs::read_dir(users)
            .ok()?
            .flatten()
            .map(|e| e.path().join("AppData/Roaming/org.mentorpreflight.app"))
            .find(|p| p.parent().is_some_and(Path::is_dir))
    }

    /// `program.exe args` under Wine (not yet started), the program from the Windows build.
    pub fn command(&self, program: &str, args: &[&str]) -> Command {
        self.command_exe(self.bin.join(format!("{program}.exe")).as_os_str(), args)
    }

    /// `exe args` under Wine (not yet started): a Linux path, or a Windows one (`C:\…`), or a
    /// program Wine itself provides (`reg`).
    pub fn command_exe(&self, exe: &std::ffi::OsStr, args: &[&str]) -> Command {
        let mut c = Command::new(WINE);
        c.arg(exe)
            .args(args)
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            // No Wine dialogs (crash reports, "Wine is updating the prefix") on the test display.
            .env(
                "WINEDLLOVERRIDES",
                "winemenubuilder.exe=d;mshtml=d;mscoree=d",
            )
            .env_remove("DISPLAY")
            // A British user's regional settings (Wine takes them from the locale's name, installed
            // or not): 24-hour times with the day first, as the Linux CLI writes them in the C
            // locale. Without it Wine's default is the US's.
            .env("LC_ALL", "en_GB.UTF-8")
            .stdin(Stdio::null());
        c
    }

    /// Runs `program.exe args` and waits at most `limit`; a program that has not ended by then
    /// is ended with its process group and the test fails, saying it hung.
    pub fn run(&self, program: &str, args: &[&str], limit: Duration) -> Output {
        run_limited(&mut self.command(program, args), limit).unwrap_or_else(|partial| {
            panic!("{program} {args:?} hung for {limit:?} under Wine; it printed: {partial}")
        })
    }

    /// Like [`Wine::run`] for any program ([`Wine::command_exe`]).
    pub fn run_exe(&self, exe: &str, args: &[&str], limit: Duration) -> Output {
        run_limited(&mut self.command_exe(exe.as_ref(), args), limit).unwrap_or_else(|partial| {
            panic!("{exe} {args:?} hung for {limit:?} under Wine; it printed: {partial}")
        })
    }

    /// The prefix's `C:` drive.
    pub fn drive_c(&self) -> PathBuf {
        self.prefix.join("drive_c")
    }

    /// A value under `HKEY_CURRENT_USER` or `HKEY_LOCAL_MACHINE` (`key` as `reg` writes it), as
    /// Wine's `reg query` prints it, or `None` when it is not there.
    pub fn registry_value(&self, key: &str, value: &str) -> Option<String> {
        let o = self.run_exe("reg", &["query", key, "/v", value], Duration::from_secs(60));
        let out = unix_lines(&o.stdout);
        (o.status.success())
            .then(|| {
                out.lines()
                    .find(|l| l.trim_start().starts_with(value))
                    .map(|l| l.trim().to_string())
            })
            .flatten()
    }
}

/// Runs `cmd` in a process group of its own and waits at most `limit`; on time-out the group is
/// ended and what it printed so far is returned as the error.
pub fn run_limited(cmd: &mut Command, limit: Duration) -> Result<Output, String> {
    let out_file = tempfile::tempfile().unwrap();
    let err_file = tempfile::tempfile().unwrap();
    cmd.stdout(out_file.try_clone().unwrap())
        .stderr(err_file.try_clone().unwrap());
    let mut group = ProcessGroup::spawn(cmd).expect("start wine");
    let t0 = Instant::now();
    let read = |mut f: &std::fs::File| {
        use std::io::{Read, Seek};
        let mut v = Vec::new();
        let _ = f.seek(std::io::SeekFrom::Start(0));
        let _ = f.read_to_end(&mut v);
        v
    };
    loop {
        if let Some(status) = group.try_status() {
            // Wine's helper processes may still be in the group; end them too.
            group.end();
            return Ok(Output {
                status,
                stdout: read(&out_file),
                stderr: read(&err_file),
            });
        }
        if t0.elapsed() > limit {
            group.end();
            return Err(format!(
                "stdout: {}\nstderr: {}",
                String::from_utf8_lossy(&read(&out_file)),
                String::from_utf8_lossy(&read(&err_file))
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for Wine {
    fn drop(&mut self) {
        // Nothing of this test's is left running in the prefix.
        let _ = Command::new(WINESERVER)
            .arg("-k")
            .env("WINEPREFIX", &self.prefix)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// `path` as the Windows program sees it (Wine maps `/` to drive `Z:`).
pub fn windows_path(path: &Path) -> String {
    format!("Z:{}", path.display()).replace('/', "\\")
}

/// Windows line ends as Linux's, so that outputs compare.
pub fn unix_lines(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("\r\n", "\n")
}
