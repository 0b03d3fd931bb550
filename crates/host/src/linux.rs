//! What only Linux offers, compiled on Linux only: the processes under `/proc` (which hold the
//! camera `/dev/video*` and capture devices `/dev/snd/pcmC*D*c`), the recording streams of the
//! sound server (`pactl`), GNOME's notification switch (`gsettings`), what sysfs, `/proc` and
//! NetworkManager say about a network link, and the kernel's TCP counters. Every helper program
//! runs through [`crate::run_bounded`].
//!
//! Sound servers (PipeWire, PulseAudio, JACK) hold the microphone for every app, so when one
//! runs, the recording streams are read from `pactl list source-outputs` instead; without
//! `pactl` the microphone answer is "cannot tell", said plainly. Only processes of this user
//! are visible (as the OS allows), and this process itself is left out.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::focus::{FocusStatus, FocusSwitch};
use crate::inuse::{
    holders, parse_pactl_apps, recorders, DevicePaths, DeviceUse, Indicators, ProcInfo,
    SOUND_SERVERS,
};
use crate::link::LinkDetails;

/// Reads the processes under `proc_root` (normally `/proc`).
pub fn scan(proc_root: &Path) -> Vec<ProcInfo> {
    let Ok(dir) = std::fs::read_dir(proc_root) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in dir.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let base = entry.path();
        let comm = std::fs::read_to_string(base.join("comm"))
            .unwrap_or_default()
            .trim()
            .to_string();
        let cmdline = std::fs::read(base.join("cmdline"))
            .unwrap_or_default()
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let fds = std::fs::read_dir(base.join("fd"))
            .map(|d| {
                d.flatten()
                    .filter_map(|f| std::fs::read_link(f.path()).ok())
                    .collect()
            })
            .unwrap_or_default();
        out.push(ProcInfo {
            pid,
            comm,
            cmdline,
            fds,
        });
    }
    out
}

/// Application names of the recording streams a PulseAudio/PipeWire server reports, or `None`
/// if `pactl` is not available.
pub fn pactl_recording_apps() -> Option<Vec<String>> {
    let mut cmd = Command::new("pactl");
    cmd.args(["list", "source-outputs"]);
    let ran = crate::run_bounded(cmd, Duration::from_secs(1)).ok()?;
    ran.status.success().then(|| parse_pactl_apps(&ran.stdout))
}

/// The known recorders running now (see [`recorders`]).
pub fn running_recorders() -> Vec<String> {
    recorders(&scan(Path::new("/proc")), std::process::id())
}

/// Looks at this computer now.
pub fn indicators(paths: &DevicePaths) -> Indicators {
    let procs = scan(Path::new("/proc"));
    let me = std::process::id();
    let cam = holders(&procs, me, |p| paths.is_camera(p));
    let direct_mic = holders(&procs, me, |p| paths.is_mic(p));
    let server = procs
        .iter()
        .any(|p| SOUND_SERVERS.contains(&p.comm.as_str()));
    let mut note = None;
    let mic = if server {
        match pactl_recording_apps() {
            Some(mut apps) => {
                apps.extend(direct_mic);
                apps.dedup();
                DeviceUse {
                    in_use: Some(!apps.is_empty()),
                    by: apps,
                }
            }
            None if !direct_mic.is_empty() => DeviceUse {
                in_use: Some(true),
                by: direct_mic,
            },
            None => {
                note = Some("Your sound server hides which app uses the microphone (install pactl to see it).".into());
                DeviceUse {
                    in_use: None,
                    by: vec![],
                }
            }
        }
    } else {
        DeviceUse {
            in_use: Some(!direct_mic.is_empty()),
            by: direct_mic,
        }
    };
    Indicators {
        camera: DeviceUse {
            in_use: Some(!cam.is_empty()),
            by: cam,
        },
        mic,
        recorders: Some(recorders(&procs, me)),
        note,
    }
}

/// What Linux says about interface `name` on this machine: sysfs under `/sys`, the Wi‑Fi signal
/// and whether NetworkManager marks the connection as metered.
pub fn link_details(name: &str) -> LinkDetails {
    let sys = crate::link::read(Path::new("/sys"), name);
    LinkDetails {
        if_type: sys.if_type,
        driver: sys.driver,
        signal_dbm: std::fs::read_to_string("/proc/net/wireless")
            .ok()
            .and_then(|t| crate::link::wifi_signal_dbm(&t, name)),
        metered: nmcli_metered(name),
    }
}

/// Asks NetworkManager (`nmcli`) whether `iface` is metered. No NetworkManager, or no answer
/// within a second, gives `None`.
fn nmcli_metered(iface: &str) -> Option<bool> {
    let mut cmd = Command::new("nmcli");
    cmd.args(["-t", "-g", "GENERAL.METERED", "device", "show", iface]);
    let ran = crate::run_bounded(cmd, Duration::from_secs(1)).ok()?;
    ran.status
        .success()
        .then(|| crate::link::parse_metered(&ran.stdout))?
}

/// Bytes the other end of a TCP connection has acknowledged (`TCP_INFO`).
pub fn tcp_bytes_acked(socket: crate::RawSocket) -> Option<u64> {
    // SAFETY: getsockopt into a zeroed tcp_info of the size we pass; the caller keeps the
    // socket open for the call.
    unsafe {
        let mut info: libc::tcp_info = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
        let r = libc::getsockopt(
            socket,
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            &mut info as *mut libc::tcp_info as *mut libc::c_void,
            &mut len,
        );
        (r == 0 && len as usize >= std::mem::size_of::<libc::tcp_info>())
            .then_some(info.tcpi_bytes_acked)
    }
}

const SCHEMA: &str = "org.gnome.desktop.notifications";
const KEY: &str = "show-banners";

/// GNOME's notification switch, through the `gsettings` program at `program`.
#[derive(Debug, Clone)]
pub struct GnomeFocus {
    /// The `gsettings` program (tests give a fake one).
    pub program: PathBuf,
    /// Where the value found before switching is kept until it is restored.
    pub saved: PathBuf,
}

/// How long `gsettings` may take (it talks to the settings daemon, which can hang).
const GSETTINGS_LIMIT: std::time::Duration = std::time::Duration::from_secs(3);

fn run(program: &Path, args: &[&str]) -> Result<String, String> {
    let mut cmd = Command::new(program);
    cmd.args(args);
    let out = crate::run_bounded(cmd, GSETTINGS_LIMIT)
        .map_err(|e| format!("{} {e}", program.display()))?;
    if out.status.success() {
        Ok(out.stdout.trim().to_string())
    } else {
        Err(out.stderr.trim().to_string())
    }
}

impl GnomeFocus {
    /// Whether the switch exists (the program runs and the key is writable).
    pub fn available(&self) -> bool {
        run(&self.program, &["writable", SCHEMA, KEY]).is_ok_and(|o| o == "true")
    }
}

impl FocusSwitch for GnomeFocus {
    /// Banners are currently off.
    fn is_on(&self) -> Result<bool, String> {
        run(&self.program, &["get", SCHEMA, KEY]).map(|v| v == "false")
    }

    /// Turns banners off, remembering the previous value (unless already remembered).
    fn enable(&self) -> Result<FocusStatus, String> {
        let before = run(&self.program, &["get", SCHEMA, KEY])?;
        if !self.saved.exists() {
            if let Some(dir) = self.saved.parent() {
                std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
            }
            std::fs::write(&self.saved, &before).map_err(|e| e.to_string())?;
        }
        run(&self.program, &["set", SCHEMA, KEY, "false"])?;
        Ok(FocusStatus {
            supported: true,
            on: Some(true),
            message: "Notifications are silenced until you end focus mode.".into(),
        })
    }

    /// Puts back the value found before `enable` (banners on if none was kept).
    fn restore(&self) -> Result<FocusStatus, String> {
        let before = std::fs::read_to_string(&self.saved).unwrap_or_else(|_| "true".into());
        let value = if before.trim() == "false" {
            "false"
        } else {
            "true"
        };
        run(&self.program, &["set", SCHEMA, KEY, value])?;
        let _ = std::fs::remove_file(&self.saved);
        Ok(FocusStatus {
            supported: true,
            on: Some(value == "false"),
            message: if value == "false" {
                "Focus mode ended; notifications stay off, as they were before.".into()
            } else {
                "Focus mode ended; notifications are back.".into()
            },
        })
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::focus::manual_advice;
    use std::os::unix::fs::PermissionsExt;

    /// A stand-in `gsettings` that keeps the one key in a file and logs each call.
    fn fake_gsettings(dir: &Path, initial: &str) -> PathBuf {
        let store = dir.join("value");
        std::fs::write(&store, initial).unwrap();
        let script = dir.join("gsettings");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\necho \"$*\" >> '{log}'\ncase \"$1\" in\n  writable) echo true ;;\n  get) cat '{store}' ;;\n  set) printf %s \"$4\" > '{store}' ;;\n  *) exit 1 ;;\nesac\n",
                log = dir.join("calls").display(),
                store = store.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        // Another test's thread may fork while this file is still open for writing; its child
        // holds that descriptor until it execs, and running the script then fails with "text
        // file busy". Wait until it runs once (the probe is a command it refuses).
        let t0 = std::time::Instant::now();
        loop {
            match std::process::Command::new(&script).arg("probe").status() {
                Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => {
                    assert!(t0.elapsed() < std::time::Duration::from_secs(5), "{e}");
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                other => {
                    other.unwrap();
                    break;
                }
            }
        }
        script
    }

    #[test]
    fn silences_and_restores_gnome_banners() {
        let dir = tempfile::tempdir().unwrap();
        let f = GnomeFocus {
            program: fake_gsettings(dir.path(), "true"),
            saved: dir.path().join("state/focus-before"),
        };
        assert!(f.available());
        assert!(!f.is_on().unwrap());
        assert_eq!(f.enable().unwrap().on, Some(true));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("value")).unwrap(),
            "false"
        );
        // Enabling twice keeps the original value to restore.
        f.enable().unwrap();
        assert_eq!(std::fs::read_to_string(&f.saved).unwrap(), "true");
        assert_eq!(f.restore().unwrap().on, Some(false));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("value")).unwrap(),
            "true"
        );
        assert!(!f.saved.exists());
        let calls = std::fs::read_to_string(dir.path().join("calls")).unwrap();
        assert!(calls.contains("set org.gnome.desktop.notifications show-banners false"));
    }

    #[test]
    fn a_mentor_who_had_banners_off_keeps_them_off() {
        let dir = tempfile::tempdir().unwrap();
        let f = GnomeFocus {
            program: fake_gsettings(dir.path(), "false"),
            saved: dir.path().join("focus-before"),
        };
        f.enable().unwrap();
        let r = f.restore().unwrap();
        assert_eq!(r.on, Some(true));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("value")).unwrap(),
            "false"
        );
    }

    #[test]
    fn the_loopback_of_this_machine_has_no_device_behind_it() {
        // Read from the real /sys: `lo` is on every Linux machine, virtual, with no driver.
        let lo = crate::link::read(Path::new("/sys"), "lo");
        assert_eq!(lo, crate::link::SysfsFacts::default());
        let f = link_details("lo");
        assert_eq!((f.if_type, f.driver, f.signal_dbm), (None, None, None));
    }

    #[test]
    fn missing_program_is_unsupported_with_advice() {
        let f = GnomeFocus {
            program: PathBuf::from("/nonexistent/gsettings"),
            saved: PathBuf::from("/nonexistent/state"),
        };
        assert!(!f.available());
        assert!(f.enable().unwrap_err().contains("could not run"));
        assert!(
            manual_advice().contains("Do Not Disturb")
                || manual_advice().contains("Do not disturb")
        );
    }
}

/// How this user's `LC_TIME` locale writes times and dates (`nl_langinfo_l`'s `T_FMT` and
/// `D_FMT`, read through a locale object of its own: the process's locale is never changed).
/// The C locale, or a locale that is not installed, says nothing.
pub fn locale_times() -> crate::locale::LocaleTimes {
    let var = |k: &str| std::env::var(k).ok();
    let (all, time, lang) = (var("LC_ALL"), var("LC_TIME"), var("LANG"));
    let name = crate::locale::lc_time_name(all.as_deref(), time.as_deref(), lang.as_deref());
    if crate::locale::is_c_locale(name) {
        return crate::locale::LocaleTimes::default();
    }
    // SAFETY: an empty name asks for the environment's locale; a null base makes a new object.
    let loc = unsafe { libc::newlocale(libc::LC_TIME_MASK, c"".as_ptr(), std::ptr::null_mut()) };
    if loc.is_null() {
        return crate::locale::LocaleTimes::default();
    }
    let item = |i: libc::nl_item| {
        // SAFETY: `loc` is a live locale object; the answer is a NUL-terminated string it owns,
        // copied before the object is freed.
        let p = unsafe { libc::nl_langinfo_l(i, loc) };
        if p.is_null() {
            String::new()
        } else {
            unsafe { std::ffi::CStr::from_ptr(p) }
                .to_string_lossy()
                .into_owned()
        }
    };
    let (t_fmt, d_fmt) = (item(libc::T_FMT), item(libc::D_FMT));
    // SAFETY: made above, freed once, not used after.
    unsafe { libc::freelocale(loc) };
    crate::locale::from_posix(&t_fmt, &d_fmt)
}
