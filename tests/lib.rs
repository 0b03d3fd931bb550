//! Test harness for Mentor Preflight's end-to-end tests: fake microphones through ALSA's
//! `file` plugin, a private X display (Xvfb), and paths to the built binaries.
//!
//! The binaries must be built first (`cargo build --workspace --bins`; `./dev test` does it):
//! Cargo does not build other packages' binaries for a test.

pub mod desktop;
pub mod netsim;
pub mod wine;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(&*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Path of a workspace binary in the target directory this test was built into.
pub fn built_binary(name: &str) -> PathBuf {
    // The test executable lives in <target>/<profile>/deps/.
    let exe = std::env::current_exe().expect("current exe");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let bin = profile_dir.join(name);
    assert!(
        bin.exists(),
        "{} is not built. Run `cargo build --workspace --bins` first (./dev test does this).",
        bin.display()
    );
    bin
}

/// Where tests put artifacts worth looking at (screenshots): `tests/artifacts/`.
pub fn artifacts_dir() -> PathBuf {
    let d = workspace_root().join("tests").join("artifacts");
    std::fs::create_dir_all(&d).expect("create tests/artifacts");
    d
}

/// Fails with a clear message if a tool the test needs is missing.
pub fn require_tool(tool: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "`{tool}` is not installed (Debian package or tool: {package}). Run ./dev test, which installs it."
    );
}

fn run_ok(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("could not run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What the fake microphone "hears".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FakeSound {
    /// A spoken sentence (espeak-ng), normalised to −3 dBFS peak, with quiet pauses.
    Speech,
    /// Digital silence (ALSA's `null` device): a muted or dead microphone.
    Silence,
    /// The same speech over loud background noise: a noisy room.
    NoisyRoom,
    /// The speech amplified 18 dB and hard-clipped: an input gain set far too high.
    Clipped,
    /// The speaker-test chime over and over, 20 dB down: a microphone that hears the speakers
    /// (no headphones). ALSA's `file` plugin starts its input file again at every open, so the
    /// speaker test, which opens the microphone afresh, hears this from the start.
    Chime,
}

/// A private ALSA set-up: `HOME` points at a temporary directory whose `.asoundrc` makes the
/// default capture device play a raw S16_LE 48 kHz mono file, and playback go nowhere.
pub struct FakeMic {
    /// The temporary home directory (set `HOME` to it).
    pub home: tempfile::TempDir,
    /// The raw file being "recorded" (None for silence).
    pub raw: Option<PathBuf>,
    /// Where everything played on the default output lands (S16_LE, 48 kHz, mono).
    pub played: PathBuf,
}

/// Sample rate of the fake microphone's file.
pub const FAKE_RATE: u32 = 48_000;

impl FakeMic {
    /// Builds a fake microphone that captures `sound`.
    pub fn new(sound: FakeSound) -> FakeMic {
        let home = tempfile::tempdir().expect("tempdir");
        let dir = home.path();
        let raw = if sound == FakeSound::Silence {
            None
        } else if sound == FakeSound::Chime {
            let raw = dir.join("mic.raw");
            std::fs::write(&raw, b"").expect("create mic.raw");
            append_chimes(&raw, 12, 0.1);
            Some(raw)
        } else {
            require_tool("espeak-ng", "espeak-ng");
            require_tool("sox", "sox");
            let wav = dir.join("speech.wav");
            run_ok(Command::new("espeak-ng").arg("-w").arg(&wav).arg(
                "Hello, this is my microphone check before today's mentoring session. \
                 It is normal if this feels strange the first time. Please ask me to repeat anything.",
            ));
            let raw = dir.join("mic.raw");
            // Inputs and effects per sound; every output is normalised to a peak of −3 dBFS
            // and written in the fake device's format (S16_LE, 48 kHz, mono).
            let mut sox = Command::new("sox");
            let effects: &[&str] = match sound {
                FakeSound::Speech => {
                    sox.arg(&wav);
                    &["norm", "-3"]
                }
                FakeSound::Clipped => {
                    sox.arg("-V1").arg(&wav);
                    &["norm", "-3", "gain", "18"]
                }
                FakeSound::NoisyRoom => {
                    // Mix the speech with brown noise at about −30 dBFS RMS.
                    let noise = dir.join("noise.wav");
                    run_ok(
                        Command::new("sox")
                            .args(["-n", "-r", "22050", "-c", "1"])
                            .arg(&noise)
                            .args(["synth", "12", "brownnoise", "vol", "0.1"]),
                    );
                    sox.arg("-m").arg(&wav).arg(&noise);
                    &["norm", "-3"]
                }
                FakeSound::Silence | FakeSound::Chime => unreachable!("handled above"),
            };
            sox.args([
                "-r",
                "48000",
                "-c",
                "1",
                "-b",
                "16",
                "-e",
                "signed-integer",
                "-t",
                "raw",
            ])
            .arg(&raw)
            .args(effects);
            run_ok(&mut sox);
            Some(raw)
        };
        let capture = match &raw {
            Some(raw) => format!(
                "pcm.fakemic {{ type file; slave.pcm \"null\"; file \"/dev/null\"; infile \"{}\"; format \"raw\" }}\n\
                 pcm.mic {{ type plug; slave {{ pcm \"fakemic\"; format S16_LE; rate {FAKE_RATE}; channels 1 }} }}\n",
                raw.display()
            ),
            None => "pcm.mic { type plug; slave.pcm \"null\" }\n".to_string(),
        };
        let played = dir.join("played.raw");
        let rc = format!(
            "{capture}\
             pcm.spk {{ type file; slave.pcm \"null\"; file \"{}\"; format \"raw\" }}\n\
             pcm.speakers {{ type plug; slave {{ pcm \"spk\"; format S16_LE; rate {FAKE_RATE}; channels 1 }} }}\n\
             pcm.!default {{ type asym; playback.pcm \"speakers\"; capture.pcm \"mic\" }}\n",
            played.display()
        );
        std::fs::write(dir.join(".asoundrc"), rc).expect("write .asoundrc");
        FakeMic { home, raw, played }
    }

    /// The fake home directory, to set as `HOME`.
    pub fn home(&self) -> &Path {
        self.home.path()
    }
}

/// One of several fake microphones ([`FakeMic::with_inputs`]).
pub struct FakeInput<'a> {
    /// What `preflight devices` lists it as (its ALSA hint's description).
    pub description: &'a str,
    /// The raw S16_LE 48 kHz mono file it hears, or `None` for digital silence.
    pub raw: Option<&'a Path>,
}

impl FakeMic {
    /// Replaces the microphones with `inputs`, each a PCM of its own that `preflight devices`
    /// lists under its description (an ALSA `hint { show on; description … }`); the system
    /// default captures from `inputs[default]`. The speakers stay as they were.
    pub fn with_inputs(self, inputs: &[FakeInput], default: usize) -> FakeMic {
        let mut rc = String::new();
        for (i, input) in inputs.iter().enumerate() {
            let slave = match input.raw {
                Some(raw) => format!(
                    "slave {{ pcm {{ type file; slave.pcm \"null\"; file \"/dev/null\"; infile \"{}\"; format \"raw\" }}; format S16_LE; rate {FAKE_RATE}; channels 1 }}",
                    raw.display()
                ),
                None => "slave.pcm \"null\"".to_string(),
            };
            rc += &format!(
                "pcm.input{i} {{ type plug; {slave}; hint {{ show on; description \"{}\" }} }}\n",
                input.description
            );
        }
        rc += &format!(
            "pcm.spk {{ type file; slave.pcm \"null\"; file \"{}\"; format \"raw\" }}\n\
             pcm.speakers {{ type plug; slave {{ pcm \"spk\"; format S16_LE; rate {FAKE_RATE}; channels 1 }} }}\n\
             pcm.!default {{ type asym; playback.pcm \"speakers\"; capture.pcm \"input{default}\" }}\n",
            self.played.display()
        );
        std::fs::write(self.home.path().join(".asoundrc"), rc).expect("write .asoundrc");
        self
    }

    /// The commonest wrong choice: the laptop's own microphone ("Laptop Built-in Microphone",
    /// silent: muted, or the lid closed) is the system default, while a headset plugged in
    /// beside it ("USB Headset Microphone") hears the spoken sentence.
    pub fn silent_laptop_beside_a_headset() -> FakeMic {
        let mic = FakeMic::new(FakeSound::Speech);
        let speech = mic.raw.clone().expect("speech");
        mic.with_inputs(
            &[
                FakeInput {
                    description: "Laptop Built-in Microphone",
                    raw: None,
                },
                FakeInput {
                    description: "USB Headset Microphone",
                    raw: Some(&speech),
                },
            ],
            0,
        )
    }
}

/// Appends `times` copies of the speaker-test chime at `gain` to a raw S16_LE file.
fn append_chimes(raw: &Path, times: usize, gain: f32) {
    use std::io::Write;
    let chime = preflight_audio::chime(FAKE_RATE);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(raw)
        .expect("open raw");
    let mut bytes = Vec::with_capacity(chime.len() * 2 * times);
    for _ in 0..times {
        for v in &chime {
            bytes.extend(((v * gain * 32767.0) as i16).to_le_bytes());
        }
    }
    f.write_all(&bytes).expect("append chimes");
}

/// Reads a raw S16_LE mono file as samples.
pub fn read_raw(path: &Path) -> Vec<f32> {
    std::fs::read(path)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0)
        .collect()
}

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process that is killed when dropped.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A child that starts others (tauri-driver starts WebKitWebDriver, which starts the app),
/// run in a process group of its own. Dropping it ends the whole group: SIGTERM, then SIGKILL
/// for whatever is still there after a moment, so nothing it started outlives the test or
/// keeps the test's output pipe open.
pub struct ProcessGroup {
    child: Child,
    /// The group's id (the leader's pid).
    pub pgid: i32,
}

impl ProcessGroup {
    /// Spawns `cmd` as the leader of a new process group.
    pub fn spawn(cmd: &mut Command) -> std::io::Result<ProcessGroup> {
        use std::os::unix::process::CommandExt;
        let child = cmd.process_group(0).spawn()?;
        let pgid = child.id() as i32;
        Ok(ProcessGroup { child, pgid })
    }

    /// Ends the group and waits (up to a few seconds) until none of its processes is left.
    pub fn end(&mut self) {
        end_group(self.pgid);
        let _ = self.child.kill();
        let _ = self.child.wait();
        let t0 = Instant::now();
        while !processes_in_group(self.pgid).is_empty() && t0.elapsed() < Duration::from_secs(5) {
            end_group_now(self.pgid);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl ProcessGroup {
    /// Whether the leader has exited.
    pub fn exited(&mut self) -> bool {
        self.try_status().is_some()
    }

    /// The leader's exit status, once it has exited.
    pub fn try_status(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}

/// Whether `pid` (text, as in an X lock file) names a running process.
fn pid_alive(pid: &str) -> bool {
    pid.parse::<u32>()
        .is_ok_and(|p| Path::new(&format!("/proc/{p}")).exists())
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        self.end();
    }
}

fn end_group(pgid: i32) {
    // SAFETY: kill(2) with a negative pid signals the group; no memory is involved.
    unsafe { libc::kill(-pgid, libc::SIGTERM) };
    let t0 = Instant::now();
    while !processes_in_group(pgid).is_empty() && t0.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(50));
    }
    end_group_now(pgid);
}

fn end_group_now(pgid: i32) {
    // SAFETY: as above.
    unsafe { libc::kill(-pgid, libc::SIGKILL) };
}

/// The live (not zombie) processes in process group `pgid`, as `pid name`, read from `/proc`.
pub fn processes_in_group(pgid: i32) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| {
        let e = e.ok()?;
        let pid: i32 = e.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
        // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
        let close = stat.rfind(')')?;
        let name = stat.get(stat.find('(')? + 1..close)?.to_string();
        let mut rest = stat[close + 1..].split_whitespace();
        let state = rest.next()?;
        let _ppid = rest.next()?;
        let pgrp: i32 = rest.next()?.parse().ok()?;
        (pgrp == pgid && state != "Z" && state != "X").then(|| format!("{pid} {name}"))
    })
    .collect()
}

/// A private X server (Xvfb) on a free display number.
pub struct Xvfb {
    /// Ended with SIGTERM first, so the server removes its lock file and socket.
    _child: ProcessGroup,
    /// The `DISPLAY` value, e.g. `:107`.
    pub display: String,
}

impl Xvfb {
    /// Starts Xvfb at 1920×1080 (the larger common laptop screen; windows are sized within it) on a display of its own and waits until it accepts connections.
    ///
    /// Tests run in parallel: each picks the next number from a process-wide counter (so two
    /// tests never race for the same one), skips numbers in use, and checks that *its* Xvfb is
    /// the one running there (otherwise two tests would share a server and the first to finish
    /// would take the other's display down).
    pub fn start() -> Xvfb {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        require_tool("Xvfb", "xvfb");
        let base = 110 + (std::process::id() % 50) * 5;
        for _ in 0..200 {
            let n = base + NEXT.fetch_add(1, Ordering::Relaxed) % 250;
            let lock = PathBuf::from(format!("/tmp/.X{n}-lock"));
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
            match std::fs::read_to_string(&lock) {
                // A server that was killed outright leaves its lock and socket behind: when the
                // pid in the lock is gone, the number is free again.
                Ok(pid) if !pid_alive(pid.trim()) => {
                    let _ = std::fs::remove_file(&lock);
                    let _ = std::fs::remove_file(&socket);
                }
                Ok(_) => continue,
                Err(_) if socket.exists() => continue,
                Err(_) => {}
            }
            let display = format!(":{n}");
            let mut child = ProcessGroup::spawn(
                Command::new("Xvfb")
                    .args([
                        display.as_str(),
                        "-screen",
                        "0",
                        "1920x1080x24",
                        "-nolisten",
                        "tcp",
                    ])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null()),
            )
            .expect("start Xvfb");
            let t0 = Instant::now();
            let mut exited = false;
            while !socket.exists() {
                if child.exited() {
                    exited = true;
                    break;
                }
                assert!(
                    t0.elapsed() < Duration::from_secs(15),
                    "Xvfb did not start on {display}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
            // Still ours a moment later (not a loser of a race for the number)?
            std::thread::sleep(Duration::from_millis(100));
            if exited || child.exited() {
                continue;
            }
            return Xvfb {
                _child: child,
                display,
            };
        }
        panic!("no free X display number");
    }
}

/// The built `preflight` CLI with `args`, its home at `home` (the XDG overrides removed, so its
/// data and settings land under that home and nowhere else), in the C locale (times in the
/// house style, 24-hour and day first, whatever the machine's locale).
pub fn preflight_command(home: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(built_binary("preflight"));
    c.args(args)
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("LC_ALL")
        .env_remove("LC_TIME")
        .env_remove("LANG");
    c
}

/// `preflight check` arguments for a check with no devices and no network: only the schedule,
/// the records and the checklist matter.
pub const OFFLINE_CHECK: &[&str] = &[
    "check",
    "--no-mic",
    "--no-speaker",
    "--no-camera",
    "--no-network",
];

/// A portrait fixture photo (`fixtures/photos/NAME`) as a webcam would frame it: scaled to 720
/// pixels high (its shape kept), `shift_x` pixels right of the middle of a 1280×720 picture of a
/// plain wall; saved as `dir/webcam.png`.
pub fn portrait_on_a_wall(dir: &Path, fixture: &str, shift_x: i64) -> PathBuf {
    let person = image::open(workspace_root().join("fixtures/photos").join(fixture))
        .unwrap_or_else(|e| panic!("{fixture}: {e}"))
        .resize(1280, 720, image::imageops::FilterType::Triangle)
        .to_rgb8();
    let mut frame = image::RgbImage::from_pixel(1280, 720, image::Rgb([150, 146, 140]));
    let x = (1280 - person.width() as i64) / 2 + shift_x;
    let y = (720 - person.height() as i64) / 2;
    image::imageops::replace(&mut frame, &person, x, y);
    let path = dir.join("webcam.png");
    frame.save(&path).unwrap();
    path
}

/// The card of check `id` in a report the CLI printed with `--json`.
pub fn check_card<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("no checks in {report}"))
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id} card in {report}"))
}

/// A figure in kB from `/proc/<pid>/status` (`key` such as `"VmRSS:"` or `"RssAnon:"`).
pub fn proc_status_kb(pid: &str, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// CPU time a process has used so far (user and system), in clock ticks, from `/proc/<pid>/stat`.
pub fn proc_cpu_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    // After the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    // utime stime …
    Some(rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?)
}

/// The app's data folder under a test's `home` (Linux).
pub fn data_dir(home: &Path) -> PathBuf {
    home.join(".local/share/org.mentorpreflight.app")
}

/// What the app keeps in table `table` (`checks`, `rooms`, `runs`, `planned`, `concerns`,
/// `sessions`, `reminder_state`) of its database in `data_dir`, each row's stored value, oldest
/// first; nothing when there is no database yet. Read as another process of the app would.
pub fn stored(data_dir: &Path, table: &str) -> Vec<serde_json::Value> {
    let db = data_dir.join("mentor-preflight.sqlite3");
    if !db.exists() {
        return Vec::new();
    }
    let c = rusqlite::Connection::open(&db).unwrap();
    c.busy_timeout(Duration::from_secs(20)).unwrap();
    let mut stmt = c
        .prepare(&format!("SELECT data FROM {table} ORDER BY rowid"))
        .unwrap();
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|t| serde_json::from_str(&t.unwrap()).unwrap())
        .collect();
    rows
}

/// The records in the database in `data_dir`, shaped as the app's records (`checks`, `rooms`,
/// `sessions`, `concerns`, `planned`).
pub fn stored_records(data_dir: &Path) -> serde_json::Value {
    serde_json::json!({
        "checks": stored(data_dir, "checks"),
        "rooms": stored(data_dir, "rooms"),
        "sessions": stored(data_dir, "runs"),
        "concerns": stored(data_dir, "concerns"),
        "planned": stored(data_dir, "planned"),
    })
}

/// The sessions in the database in `data_dir`, shaped as the schedule (`sessions`), soonest
/// first.
pub fn stored_schedule(data_dir: &Path) -> serde_json::Value {
    let mut sessions = stored(data_dir, "sessions");
    sessions.sort_by(|a, b| a["start"].as_str().cmp(&b["start"].as_str()));
    serde_json::json!({ "sessions": sessions })
}

/// A calendar feed on loopback that serves one event only to `mentor:<password>` (HTTP Basic)
/// and 401 to anything else; its `host:port`.
pub fn feed_with_login(password: &'static str) -> String {
    use base64::Engine;
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let expected = format!(
        "authorization: basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("mentor:{password}"))
    )
    .to_lowercase();
    std::thread::spawn(move || {
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:kept@example.org\r\nDTSTART:20300302T180000Z\r\nDURATION:PT1H\r\nSUMMARY:Alex\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        for conn in listener.incoming() {
            let Ok(mut s) = conn else { break };
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_lowercase();
            let answer = if head.contains(&expected) {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{ics}",
                    ics.len()
                )
            } else {
                "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into()
            };
            let _ = s.write_all(answer.as_bytes());
        }
    });
    format!("127.0.0.1:{port}")
}
