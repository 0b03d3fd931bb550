//! The monitoring export over years of records, read from the database by index: 20,000
//! scheduled sessions and 200,000 checks (some linked to their session, some not, a fifth of
//! them failed), a room opening for half the sessions. The data is written as an earlier
//! version's JSON files and moved into a fresh database once (also measured, once). Run:
//! `cargo bench -p preflight --bench export`.
use criterion::{criterion_group, criterion_main, Criterion};
use jiff::{SignedDuration, Timestamp};
use preflight::Context;

const SESSIONS: usize = 20_000;
const CHECKS_PER_SESSION: usize = 10;

fn write_earlier_files(data: &std::path::Path) {
    let t0: Timestamp = "2020-01-06T09:00:00Z".parse().unwrap();
    let mut sessions = Vec::with_capacity(SESSIONS);
    let mut checks = Vec::with_capacity(SESSIONS * CHECKS_PER_SESSION);
    let mut rooms = Vec::new();
    for i in 0..SESSIONS {
        // About 20 sessions a week for 19 years.
        let start = t0 + SignedDuration::from_mins(i as i64 * 504);
        let id = format!("m-{i}");
        sessions.push(serde_json::json!({
            "id": id, "mentee": format!("Mentee {}", i % 40), "start": start.to_string(),
            "timeZone": "Europe/London", "durationMin": 60, "link": null, "template": null,
            "sessionNumber": (i % 8) + 1, "source": {"kind": "manual"}
        }));
        for k in 0..CHECKS_PER_SESSION {
            let at = start - SignedDuration::from_mins(5 + 11 * k as i64)
                + SignedDuration::from_nanos(k as i64 + 1);
            checks.push(serde_json::json!({
                "at": at.to_string(), "overall": if k % 5 == 0 { "fail" } else { "pass" },
                "results": [{"id": "mic", "status": "pass", "summary": "Clear"}],
                "sessionId": if k % 3 == 0 { serde_json::Value::Null } else { id.clone().into() },
                "minutesBefore": 5 + 11 * k, "checklist": [], "from": "cli"
            }));
        }
        if i % 2 == 0 {
            rooms.push(serde_json::json!({
                "sessionId": id, "at": (start - SignedDuration::from_mins(6)).to_string(),
                "minutesEarly": 6, "automatic": true
            }));
        }
    }
    std::fs::create_dir_all(data).unwrap();
    std::fs::write(
        data.join("schedule.json"),
        serde_json::json!({ "sessions": sessions }).to_string(),
    )
    .unwrap();
    std::fs::write(
        data.join("records.json"),
        serde_json::json!({ "checks": checks, "rooms": rooms }).to_string(),
    )
    .unwrap();
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(dir.path());
    write_earlier_files(ctx.data_dir().unwrap());
    let t = std::time::Instant::now();
    assert_eq!(ctx.db().unwrap().take_notice(), None);
    eprintln!(
        "moved {SESSIONS} sessions and {} checks into the database in {:.1} s",
        SESSIONS * CHECKS_PER_SESSION,
        t.elapsed().as_secs_f64()
    );
    let now: Timestamp = "2040-01-01T00:00:00Z".parse().unwrap();
    let (from, to): (Timestamp, Timestamp) = (
        "2019-01-01T00:00:00Z".parse().unwrap(),
        "2040-01-01T00:00:00Z".parse().unwrap(),
    );
    let all = preflight::monitoring::monitoring_export(&ctx, from, to, None, now).unwrap();
    assert_eq!(all.rows.len(), SESSIONS);
    let mut g = c.benchmark_group("export");
    g.sample_size(10);
    g.bench_function("every session (20k sessions, 200k checks)", |b| {
        b.iter(|| preflight::monitoring::monitoring_export(&ctx, from, to, None, now).unwrap())
    });
    let (wf, wt) = preflight::records::week_of(
        "2031-03-05T12:00:00Z".parse().unwrap(),
        &jiff::tz::TimeZone::UTC,
    );
    g.bench_function("one week of the same", |b| {
        b.iter(|| preflight::monitoring::monitoring_export(&ctx, wf, wt, None, now).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
