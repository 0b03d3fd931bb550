//! Crash safety of the records database: a writer killed with SIGKILL at random moments never
//! leaves a damaged database or loses a committed record.
//!
//! This test binary has no test harness (`harness = false`): it is both the test and the writer
//! the test starts and kills. Started with `PREFLIGHT_RECORDS_CRASH_CHILD=<file>` it is the
//! writer; otherwise it runs the test and reports as the test harness does.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use preflight::records::CheckRecord;
use preflight::Context;
use preflight_model::{CheckId, Origin, Status};

const CHILD_ENV: &str = "PREFLIGHT_RECORDS_CRASH_CHILD";

fn record(n: usize) -> CheckRecord {
    CheckRecord {
        at: Timestamp::from_second(1_790_000_000 + n as i64).unwrap(),
        overall: Status::Pass,
        // Some bulk, so each write takes a little while and a kill can land mid-write.
        results: (0..20)
            .map(|i| preflight::records::CheckLine {
                id: CheckId::Mic,
                status: Status::Pass,
                summary: format!("check {i}: {}", "x".repeat(200)),
            })
            .collect(),
        session_id: None,
        minutes_before: None,
        checklist: vec![],
        from: Origin::Cli,
        figures: Default::default(),
    }
}

/// The writer process the crash test starts (and kills): adds records for ever, each in its
/// own transaction, numbered after those already there.
fn writer(root: std::ffi::OsString) -> ! {
    let ctx = Context::in_folder(std::path::Path::new(&root));
    let mut n = ctx
        .db()
        .expect("open")
        .records()
        .expect("read")
        .checks
        .len();
    loop {
        ctx.db()
            .expect("open")
            .save_check(&record(n))
            .expect("write");
        n += 1;
    }
}

fn main() {
    if let Some(path) = std::env::var_os(CHILD_ENV) {
        writer(path);
    }
    // Like the test harness, so `./dev test` counts it; a failure panics (exit code 101).
    let name = "killed_writers_never_damage_the_records";
    println!("\nrunning 1 test");
    killed_writers_never_damage_the_records();
    println!("test {name} ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored\n");
}

fn killed_writers_never_damage_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().as_os_str().to_owned();
    let ctx = Context::in_folder(dir.path());
    let count = || ctx.db().unwrap().records().unwrap().checks.len();
    let exe = std::env::current_exe().unwrap();
    let mut last = 0usize;
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for round in 0..12 {
        let mut child = Command::new(&exe)
            .env(CHILD_ENV, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the writer has made progress, then kill it at a pseudo-random moment.
        let started = Instant::now();
        while count() <= last && started.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(5));
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(seed % 40));
        child.kill().unwrap();
        child.wait().unwrap();

        // Opens (a damaged database would be an error) and holds every record it held.
        let checks = ctx.db().unwrap().records().unwrap().checks;
        let n = checks.len();
        assert!(n > last, "round {round}: records went from {last} to {n}");
        for (i, c) in checks.iter().enumerate() {
            assert_eq!(c, &record(i), "round {round}: record {i} differs");
        }
        last = n;
    }
}
