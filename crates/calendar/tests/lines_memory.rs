//! A calendar of millions of tiny lines is read within a few times its own size in memory:
//! 8 MB (the most a feed or file may be) of empty lines, of two-byte property lines, of lines
//! inside one event, of one folded line built from a million continuations, and of the
//! properties the reader keeps (bounded by their count). Each is read by
//! a child process (this same binary, started with `LINES_MEMORY_CHILD=<file>`) whose peak
//! resident size the system reports when it ends; the peak above that of reading a one-event
//! calendar must stay under four times the file's size. No test harness (`harness = false`):
//! the binary is both the test and the child.

const CHILD_ENV: &str = "LINES_MEMORY_CHILD";

fn main() {
    if let Some(path) = std::env::var_os(CHILD_ENV) {
        let bytes = std::fs::read(&path).unwrap();
        let now: jiff::Timestamp = "2030-12-01T00:00:00Z".parse().unwrap();
        let opts = preflight_calendar::ImportOptions::new("big.ics", "UTC", now);
        match preflight_calendar::ics::import_bytes(&bytes, &opts) {
            Ok(out) => println!("read: {} sessions", out.sessions.len()),
            Err(e) => println!("refused: {e}"),
        }
        // This process's own peak (its memory map is new since it started this program; the
        // system's `ru_maxrss` for a child would also count the parent's memory at the fork).
        #[cfg(target_os = "linux")]
        {
            let status = std::fs::read_to_string("/proc/self/status").unwrap();
            let hwm = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .unwrap()
                .trim()
                .trim_end_matches("kB")
                .trim()
                .to_string();
            println!("peak_kb {hwm}");
        }
        return;
    }
    println!("\nrunning 1 test");
    #[cfg(target_os = "linux")]
    millions_of_tiny_lines_stay_within_a_few_times_their_size();
    println!(
        "test millions_of_tiny_lines_stay_within_a_few_times_their_size ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored\n"
    );
}

/// Reads `path` in a child process: what it said and its peak resident size in KB (as the
/// child measured it).
#[cfg(target_os = "linux")]
fn read_in_child(path: &std::path::Path) -> (String, i64) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .env(CHILD_ENV, path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{said}");
    let peak = said
        .lines()
        .find_map(|l| l.strip_prefix("peak_kb "))
        .and_then(|k| k.parse().ok())
        .unwrap_or_else(|| panic!("no peak in {said}"));
    let said = said.lines().next().unwrap_or_default().to_string();
    (said, peak)
}

#[cfg(target_os = "linux")]
fn millions_of_tiny_lines_stay_within_a_few_times_their_size() {
    const SIZE: usize = 8 * 1024 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let event = "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20301202T180000Z\r\nDURATION:PT1H\r\nSUMMARY:Sam\r\nEND:VEVENT\r\n";
    let calendar = |body: &str| {
        let head = format!("BEGIN:VCALENDAR\r\n{event}");
        let tail = "END:VCALENDAR\r\n";
        let room = SIZE - head.len() - tail.len();
        let mut text = head;
        if !body.is_empty() {
            text.push_str(&body.repeat(room / body.len()));
        }
        text.push_str(tail);
        text
    };
    let small = dir.path().join("small.ics");
    std::fs::write(
        &small,
        format!("BEGIN:VCALENDAR\r\n{event}END:VCALENDAR\r\n"),
    )
    .unwrap();
    let (said, base_kb) = read_in_child(&small);
    assert!(said.starts_with("read: 1 sessions"), "{said}");
    let folded = {
        // One property folded a million times (its continuations join into one line).
        let mut t = format!("BEGIN:VCALENDAR\r\n{event}X-NOTE:a");
        let room = SIZE - t.len() - 200;
        t.push_str(&"\r\n b".repeat(room / 4));
        t.push_str("\r\nEND:VCALENDAR\r\n");
        t
    };
    let cases = [
        ("empty lines", calendar("\r\n")),
        ("bare line ends", calendar("\n")),
        ("two-byte properties", calendar("X:\n")),
        (
            "properties in one event",
            calendar("").replace(
                "SUMMARY:Sam\r\n",
                &format!("SUMMARY:Sam\r\n{}", "X:\n".repeat((SIZE - 200) / 3)),
            ),
        ),
        ("one folded line", folded),
        (
            "properties the reader keeps, in one event",
            calendar("").replace(
                "SUMMARY:Sam\r\n",
                &format!("SUMMARY:Sam\r\n{}", "UID:x\n".repeat((SIZE - 200) / 6)),
            ),
        ),
    ];
    for (name, text) in cases {
        let path = dir.path().join("big.ics");
        std::fs::write(&path, &text).unwrap();
        let (said, peak_kb) = read_in_child(&path);
        let above_mb = (peak_kb - base_kb) as f64 / 1024.0;
        let size_mb = text.len() as f64 / (1024.0 * 1024.0);
        println!("{name}: {size_mb:.1} MB file, {above_mb:.1} MB above a one-event read ({said})");
        assert!(
            above_mb < 4.0 * size_mb,
            "{name}: {above_mb:.1} MB above the baseline for a {size_mb:.1} MB file ({said})"
        );
    }
}
