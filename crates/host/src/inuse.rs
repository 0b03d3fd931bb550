//! In-session indicators: is the camera and the microphone in use by another app (the call), and
//! is a known screen or sound recorder running (sessions are confidential and never recorded)?
//!
//! What this module holds is pure: a process as the indicators see it, which device files count,
//! and the matching ([`holders`], [`recorders`], [`parse_pactl_apps`]), so tests feed it the
//! processes they start. Reading the processes is the platform's part ([`crate::Platform`]): on
//! Linux `/proc/<pid>/fd` and `pactl` ([`crate::linux`]); elsewhere the indicators say "not
//! available on this system".

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A process as the indicators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcInfo {
    /// Process id.
    pub pid: u32,
    /// Kernel name (`comm`, at most 15 characters).
    pub comm: String,
    /// Command line arguments.
    pub cmdline: Vec<String>,
    /// Targets of its open file descriptors.
    pub fds: Vec<PathBuf>,
}

impl ProcInfo {
    /// A name for people: the program file's name, else `comm`.
    pub fn name(&self) -> String {
        self.cmdline
            .first()
            .and_then(|a| Path::new(a).file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| self.comm.clone())
    }
}

/// Which device files count as cameras and microphones.
#[derive(Debug, Clone)]
pub struct DevicePaths {
    /// A camera is `<prefix><digits>`.
    pub camera_prefix: String,
    /// A capture device is `<prefix>…c` (ALSA: `/dev/snd/pcmC0D0c`).
    pub mic_prefix: String,
}

impl Default for DevicePaths {
    fn default() -> Self {
        DevicePaths {
            camera_prefix: "/dev/video".into(),
            mic_prefix: "/dev/snd/pcmC".into(),
        }
    }
}

impl DevicePaths {
    /// `p` is a camera device.
    pub fn is_camera(&self, p: &Path) -> bool {
        let s = p.to_string_lossy();
        s.strip_prefix(&self.camera_prefix)
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
    }

    /// `p` is a sound capture device.
    pub fn is_mic(&self, p: &Path) -> bool {
        let s = p.to_string_lossy();
        s.strip_prefix(&self.mic_prefix)
            .is_some_and(|rest| rest.ends_with('c'))
    }
}

/// Programs that hold devices for other apps.
pub const SOUND_SERVERS: &[&str] = &[
    "pipewire",
    "pipewire-pulse",
    "pulseaudio",
    "wireplumber",
    "jackd",
    "jackdbus",
];

/// Names of the processes (other than `own_pid` and sound servers) holding a matching device.
pub fn holders(procs: &[ProcInfo], own_pid: u32, is_device: impl Fn(&Path) -> bool) -> Vec<String> {
    let mut names: Vec<String> = procs
        .iter()
        .filter(|p| p.pid != own_pid && !SOUND_SERVERS.contains(&p.comm.as_str()))
        .filter(|p| p.fds.iter().any(|f| is_device(f)))
        .map(ProcInfo::name)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Known screen and sound recorders: (program name, name for people).
const RECORDERS: &[(&str, &str)] = &[
    ("obs", "OBS Studio"),
    ("simplescreenrecorder", "SimpleScreenRecorder"),
    ("simplescreenrec", "SimpleScreenRecorder"),
    ("kazam", "Kazam"),
    ("vokoscreen", "vokoscreen"),
    ("vokoscreenNG", "vokoscreen"),
    ("recordmydesktop", "recordMyDesktop"),
    ("gtk-recordmydesktop", "recordMyDesktop"),
    ("peek", "Peek"),
    ("kooha", "Kooha"),
    ("gpu-screen-recorder", "GPU Screen Recorder"),
    ("blue-recorder", "Blue Recorder"),
    ("audacity", "Audacity"),
    ("arecord", "arecord (sound recorder)"),
    ("parecord", "parecord (sound recorder)"),
    ("pw-record", "pw-record (sound recorder)"),
    ("gnome-sound-recorder", "Sound Recorder"),
    ("spectacle", "Spectacle (screen recording)"),
    // Windows (the program file's name without `.exe`).
    ("obs64", "OBS Studio"),
    ("obs32", "OBS Studio"),
    ("sharex", "ShareX"),
    ("camtasia", "Camtasia"),
    ("camrecorder", "Camtasia Recorder"),
    ("bdcam", "Bandicam"),
    ("loom", "Loom"),
    ("screenrec", "ScreenRec"),
];

/// A program's name as the recorder list writes it: lower case, without Windows' `.exe`.
fn program_key(name: &str) -> String {
    let lower = name.to_lowercase();
    lower.strip_suffix(".exe").unwrap_or(&lower).to_string()
}

/// One app's entry in Windows' record of who used a device (`HKCU\Software\Microsoft\Windows\
/// CurrentVersion\CapabilityAccessManager\ConsentStore\<webcam|microphone>`): the subkey's
/// name (a packaged app's family name, or under `NonPackaged` the program's path with `#` for
/// `\`) and its `LastUsedTimeStart` / `LastUsedTimeStop` (FILETIME; a stop of 0 after a start
/// means the app holds the device now).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentEntry {
    /// The subkey's name.
    pub key: String,
    /// `LastUsedTimeStart` (0 when never used).
    pub last_used_start: u64,
    /// `LastUsedTimeStop` (0 while in use).
    pub last_used_stop: u64,
}

/// A name for people from a consent store key: `C:#Program Files#Zoom#bin#Zoom.exe` → `Zoom`,
/// `Microsoft.WindowsCamera_8wekyb3d8bbwe` → `WindowsCamera`.
pub fn consent_app_name(key: &str) -> String {
    if key.contains('#') {
        let file = key.rsplit('#').next().unwrap_or(key);
        let lower = file.to_lowercase();
        match lower.strip_suffix(".exe") {
            Some(stem) => file[..stem.len()].to_string(),
            None => file.to_string(),
        }
    } else {
        let family = key.split('_').next().unwrap_or(key);
        family.rsplit('.').next().unwrap_or(family).to_string()
    }
}

/// Who holds a device now by the consent store's entries, leaving out the program `own_exe`
/// (this app, which may have just tested the device).
pub fn consent_in_use(entries: &[ConsentEntry], own_exe: &str) -> DeviceUse {
    let own = program_key(own_exe);
    let mut by: Vec<String> = Vec::new();
    for e in entries {
        if e.last_used_start == 0 || e.last_used_stop != 0 {
            continue;
        }
        if e.key.contains('#') && program_key(e.key.rsplit('#').next().unwrap_or("")) == own {
            continue;
        }
        let name = consent_app_name(&e.key);
        if !by.contains(&name) {
            by.push(name);
        }
    }
    DeviceUse {
        in_use: Some(!by.is_empty()),
        by,
    }
}

/// The known recorders among `procs` (names for people, each once). `ffmpeg` counts when it
/// grabs the screen or a sound input.
pub fn recorders(procs: &[ProcInfo], own_pid: u32) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for p in procs.iter().filter(|p| p.pid != own_pid) {
        let name = p.name();
        let key = program_key(&name);
        let hit = RECORDERS
            .iter()
            .find(|(prog, _)| program_key(prog) == key || *prog == p.comm)
            .map(|(_, label)| label.to_string())
            .or_else(|| {
                let grabs = p.cmdline.iter().any(|a| {
                    matches!(
                        a.as_str(),
                        "x11grab" | "kmsgrab" | "pulse" | "alsa" | "gdigrab" | "avfoundation"
                    )
                });
                (key == "ffmpeg" && grabs).then(|| "ffmpeg (recording)".to_string())
            });
        if let Some(h) = hit {
            if !found.contains(&h) {
                found.push(h);
            }
        }
    }
    found
}

/// Whether a device is in use by another app. The default is "cannot tell".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeviceUse {
    /// `true` in use, `false` free, `None` cannot tell here.
    pub in_use: Option<bool>,
    /// The apps using it, where known.
    pub by: Vec<String>,
}

/// What the script window shows during the session. The default is "cannot tell" throughout.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Indicators {
    /// The camera.
    pub camera: DeviceUse,
    /// The microphone.
    pub mic: DeviceUse,
    /// Recorders running (confidentiality); `None` if processes cannot be listed here.
    pub recorders: Option<Vec<String>>,
    /// A limitation to tell the mentor, if any.
    pub note: Option<String>,
}

/// `application.name = "Zoom"` lines of `pactl list source-outputs`, each once; a stream
/// without a name counts as "an app". (Our own peak-meter streams are not there: we use ALSA.)
pub fn parse_pactl_apps(text: &str) -> Vec<String> {
    let mut apps = Vec::new();
    for block in text.split("Source Output #").skip(1) {
        let name = block
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("application.name = ")
                    .map(|v| v.trim_matches('"').to_string())
            })
            .unwrap_or_else(|| "an app".into());
        if !apps.contains(&name) {
            apps.push(name);
        }
    }
    apps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pid: u32, comm: &str, argv: &[&str], fds: &[&str]) -> ProcInfo {
        ProcInfo {
            pid,
            comm: comm.into(),
            cmdline: argv.iter().map(|s| s.to_string()).collect(),
            fds: fds.iter().map(PathBuf::from).collect(),
        }
    }

    #[test]
    fn windows_consent_store_says_who_holds_a_device_now() {
        let e = |key: &str, start, stop| ConsentEntry {
            key: key.into(),
            last_used_start: start,
            last_used_stop: stop,
        };
        let entries = [
            e(
                "C:#Program Files#Zoom#bin#Zoom.exe",
                133_000_000_000_000_000,
                0,
            ),
            e(
                "MSTeams_8wekyb3d8bbwe",
                133_000_000_000_000_000,
                133_000_000_100_000_000,
            ),
            e("Microsoft.WindowsCamera_8wekyb3d8bbwe", 0, 0),
            e(
                "C:#Program Files#Mentor Preflight#mentor-preflight.exe",
                1,
                0,
            ),
            e("C:#Tools#obs64.EXE", 5, 0),
        ];
        let u = consent_in_use(&entries, "mentor-preflight.exe");
        assert_eq!(u.in_use, Some(true));
        assert_eq!(u.by, ["Zoom", "obs64"]);
        // Finished uses, never used, and this app itself: free.
        let u = consent_in_use(&entries[1..4], "Mentor-Preflight.EXE");
        assert_eq!((u.in_use, u.by.len()), (Some(false), 0));
        assert_eq!(
            consent_app_name("Microsoft.WindowsCamera_8wekyb3d8bbwe"),
            "WindowsCamera"
        );
    }

    #[test]
    fn windows_recorders_are_named_by_their_program_file() {
        let procs = [
            // Windows gives the program file's name (no command line without more rights).
            p(4, "obs64.exe", &[], &[]),
            p(5, "ShareX.exe", &[], &[]),
            p(6, "explorer.exe", &[], &[]),
        ];
        assert_eq!(recorders(&procs, 1), ["OBS Studio", "ShareX"]);
    }

    #[test]
    fn who_holds_the_devices() {
        let paths = DevicePaths::default();
        let procs = [
            p(
                10,
                "zoom",
                &["/opt/zoom/zoom"],
                &["/dev/video0", "/dev/null"],
            ),
            p(
                11,
                "pipewire",
                &["pipewire"],
                &["/dev/snd/pcmC0D0c", "/dev/video0"],
            ),
            p(
                12,
                "chrome",
                &["/usr/lib/chromium/chromium"],
                &["/dev/snd/pcmC1D0c"],
            ),
            p(13, "aplay", &["aplay"], &["/dev/snd/pcmC0D0p"]), // playback, not capture
            p(
                14,
                "mentor-preflight",
                &["mentor-preflight"],
                &["/dev/video2"],
            ),
            p(15, "v4l", &["v4l"], &["/dev/video-legacy"]),
        ];
        assert_eq!(holders(&procs, 14, |f| paths.is_camera(f)), ["zoom"]);
        assert_eq!(holders(&procs, 14, |f| paths.is_mic(f)), ["chromium"]);
        assert_eq!(
            holders(&procs, 99, |f| paths.is_camera(f)),
            ["mentor-preflight", "zoom"]
        );
    }

    #[test]
    fn known_recorders() {
        let procs = [
            p(1, "obs", &["/usr/bin/obs"], &[]),
            p(
                2,
                "simplescreenrec",
                &["simplescreenrecorder", "--start-hidden"],
                &[],
            ),
            p(3, "ffmpeg", &["ffmpeg", "-i", "in.mp4", "out.webm"], &[]), // converting, not recording
            p(4, "ffmpeg", &["ffmpeg", "-f", "x11grab", "-i", ":0"], &[]),
            p(5, "bash", &["bash"], &[]),
            p(6, "obs", &["obs"], &[]),
        ];
        assert_eq!(
            recorders(&procs, 0),
            ["OBS Studio", "SimpleScreenRecorder", "ffmpeg (recording)"]
        );
        assert!(recorders(&procs[4..5], 0).is_empty());
    }

    #[test]
    fn pactl_streams() {
        let text = "Source Output #41\n\tDriver: PipeWire\n\tProperties:\n\t\tapplication.name = \"ZOOM VoiceEngine\"\n\t\tmedia.name = \"capture\"\nSource Output #42\n\tProperties:\n\t\tmedia.name = \"x\"\nSource Output #43\n\t\tapplication.name = \"ZOOM VoiceEngine\"\n";
        assert_eq!(parse_pactl_apps(text), ["ZOOM VoiceEngine", "an app"]);
        assert!(parse_pactl_apps("").is_empty());
    }
}
