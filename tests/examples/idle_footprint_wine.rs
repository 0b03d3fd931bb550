//! What the Windows tray process costs while it waits, under Wine: `./dev bench-idle-windows`
//! (which builds the release tray for Windows, makes a Wine prefix and sets
//! `MENTOR_PREFLIGHT_WINDOWS_BIN` and `MENTOR_PREFLIGHT_WINEPREFIX` for this program).
//!
//! The tray starts as at login, with one session three hours away (added with the Windows CLI,
//! so nothing is due while it is measured). After 25 s this prints the tray's resident memory
//! (and how much of it is private to it rather than pages of files shared with other programs),
//! then its CPU use over the next 30 s. Wine's own server (`wineserver`, shared by every Windows
//! program of the prefix) and its helper services are listed apart: they are Wine, not the app,
//! and have no counterpart on Windows.

use std::time::{Duration, Instant};

use preflight_e2e::wine::Wine;
use preflight_e2e::ProcessGroup;

/// `(pid, command line, resident kB, private kB)` of every live process of group `pgid` (Wine
/// names its processes by their Windows command line; their `comm` is Wine's own).
fn memory_of_group(pgid: i32) -> Vec<(i32, String, u64, u64)> {
    preflight_e2e::processes_in_group(pgid)
        .into_iter()
        .filter_map(|p| {
            let (pid, name) = p.split_once(' ')?;
            let pid: i32 = pid.parse().ok()?;
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            let name = if cmdline.trim().is_empty() {
                name.to_string()
            } else {
                cmdline.trim().to_string()
            };
            // Private: anonymous memory (heap, stacks, and the pages of an image Wine had to
            // write to, such as relocations) — what no other process shares.
            let rss = preflight_e2e::proc_status_kb(&pid.to_string(), "VmRSS:")?;
            let private = preflight_e2e::proc_status_kb(&pid.to_string(), "RssAnon:").unwrap_or(0);
            Some((pid, name, rss, private))
        })
        .collect()
}

fn cpu_ticks(pid: i32) -> u64 {
    preflight_e2e::proc_cpu_ticks(&pid.to_string()).unwrap_or(0)
}

fn main() {
    let wine = Wine::fresh();
    let at = (jiff::Zoned::now() + jiff::Span::new().hours(3))
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    let o = wine.run(
        "preflight",
        &["schedule", "add", "--mentee", "Kim", "--at", &at],
        Duration::from_secs(120),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let exe = wine.bin.join("mentor-preflight-tray.exe");
    let size = std::fs::metadata(&exe).map(|m| m.len()).unwrap_or(0);
    println!(
        "Windows tray process idle, under Wine ({}, {:.1} MB)",
        exe.display(),
        size as f64 / 1e6
    );
    let mut cmd = wine.command("mentor-preflight-tray", &[]);
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut tray = ProcessGroup::spawn(&mut cmd).expect("wine starts");
    std::thread::sleep(Duration::from_secs(25));
    assert!(!tray.exited(), "the tray process ended");
    let procs = memory_of_group(tray.pgid);
    let Some(&(pid, ref name, rss, private)) = procs
        .iter()
        .find(|(_, n, _, _)| n.contains("mentor-preflight-tray"))
    else {
        panic!("no tray process among {procs:?}");
    };
    println!(
        "In the tray after 25 s: {:.1} MB resident, {:.1} MB of it private ({name}, pid {pid})",
        rss as f64 / 1024.0,
        private as f64 / 1024.0
    );
    for (p, n, r, a) in procs.iter().filter(|(p, ..)| *p != pid) {
        println!(
            "  Wine's own: {:>6.1} MB resident, {:>6.1} MB private  {n} ({p})",
            *r as f64 / 1024.0,
            *a as f64 / 1024.0
        );
    }
    let ticks_per_s = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let (c0, t0) = (cpu_ticks(pid), Instant::now());
    std::thread::sleep(Duration::from_secs(30));
    let cpu = (cpu_ticks(pid) - c0) as f64 / ticks_per_s / t0.elapsed().as_secs_f64();
    println!("CPU over 30 s idle: {:.2} % of one core", cpu * 100.0);
    tray.end();
}
