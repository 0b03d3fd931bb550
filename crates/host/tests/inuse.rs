//! Device-in-use and recorder detection against processes this test starts: one holds files
//! that stand in for a camera and a capture device; one is a "recorder" by name.

#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use preflight_host::inuse::{holders, recorders, DevicePaths};
use preflight_host::linux::scan;

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let t0 = Instant::now();
    while !f() {
        assert!(t0.elapsed() < Duration::from_secs(10), "{what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_process_holding_the_camera_and_mic_is_seen_and_then_gone() {
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("video0");
    let mic = dir.path().join("pcmC0D0c");
    let speaker = dir.path().join("pcmC0D0p");
    for f in [&video, &mic, &speaker] {
        std::fs::write(f, b"").unwrap();
    }
    let paths = DevicePaths {
        camera_prefix: format!("{}/video", dir.path().display()),
        mic_prefix: format!("{}/pcmC", dir.path().display()),
    };
    let me = std::process::id();
    let cam_users = || holders(&scan(Path::new("/proc")), me, |p| paths.is_camera(p));
    let mic_users = || holders(&scan(Path::new("/proc")), me, |p| paths.is_mic(p));
    assert!(cam_users().is_empty());

    // A "call" that opens the camera only.
    let call = Kill(
        Command::new("sh")
            .args(["-c", "exec 3<\"$1\"; exec sleep 30", "sh"])
            .arg(&video)
            .spawn()
            .unwrap(),
    );
    wait_until("the camera holder was not seen", || {
        cam_users() == ["sleep"]
    });
    assert!(mic_users().is_empty(), "{:?}", mic_users());
    drop(call);
    wait_until("the camera still looked in use", || cam_users().is_empty());

    // Now one that records sound (capture device) and plays (playback device).
    let _call = Kill(
        Command::new("sh")
            .args(["-c", "exec 3<\"$1\" 4<\"$2\"; exec sleep 30", "sh"])
            .arg(&mic)
            .arg(&speaker)
            .spawn()
            .unwrap(),
    );
    wait_until("the mic holder was not seen", || mic_users() == ["sleep"]);
    assert!(cam_users().is_empty());
}

#[test]
fn a_running_recorder_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let obs = dir.path().join("obs");
    std::os::unix::fs::symlink(which("sleep"), &obs).unwrap();
    let me = std::process::id();
    let before = recorders(&scan(Path::new("/proc")), me);
    let rec = Kill(Command::new(&obs).arg("30").spawn().unwrap());
    wait_until("the recorder was not named", || {
        recorders(&scan(Path::new("/proc")), me).contains(&"OBS Studio".to_string())
    });
    drop(rec);
    wait_until("the recorder was still named", || {
        recorders(&scan(Path::new("/proc")), me) == before
    });
}

fn which(prog: &str) -> std::path::PathBuf {
    let path = std::env::var_os("PATH").expect("PATH");
    std::env::split_paths(&path)
        .map(|d| d.join(prog))
        .find(|c| c.exists())
        .expect("program on PATH")
}
