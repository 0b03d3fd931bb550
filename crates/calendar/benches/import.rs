//! Calendar import at a real-world size: five years of weekly mentoring sessions (in their own
//! time zone, across clock changes) plus 2,000 unrelated one-off events, the way a mentor's
//! whole work calendar exports; and the hostile cases that once hung (20 rules that never
//! match, 100 hourly series). Run: `cargo bench -p preflight-calendar --bench import`.
use criterion::{criterion_group, criterion_main, Criterion};
use preflight_calendar::ics::{import, ImportOptions};

fn big_calendar() -> String {
    let mut text = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n");
    // Five years of weekly sessions from January 2024: most of it before "now".
    text.push_str(
        "BEGIN:VEVENT\r\nUID:weekly@bench\r\nDTSTART;TZID=Europe/London:20240108T183000\r\nDTEND;TZID=Europe/London:20240108T193000\r\nRRULE:FREQ=WEEKLY;UNTIL=20281231T235959Z\r\nSUMMARY:Mentoring session with Priya\r\nLOCATION:https://us02web.zoom.us/j/81234567890?pwd=abc\r\nEND:VEVENT\r\n",
    );
    for i in 0..2000u32 {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let year = 2025 + i / (28 * 12);
        text.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:other-{i}@bench\r\nDTSTAMP:20250101T000000Z\r\nDTSTART;TZID=America/New_York:{year}{month:02}{day:02}T{:02}0000\r\nDTEND;TZID=America/New_York:{year}{month:02}{day:02}T{:02}3000\r\nSUMMARY:Team meeting {i}\r\nDESCRIPTION:Agenda: budget\\, hiring\\, roadmap. Dial in https://teams.microsoft.com/l/meetup-join/19%3ameeting_{i}%40thread.v2/0\r\nLOCATION:Room {i}\r\nEND:VEVENT\r\n",
            8 + i % 9,
            8 + i % 9
        ));
    }
    text.push_str("END:VCALENDAR\r\n");
    text
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(
            &*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
        )
        .join("tests/fixtures/hostile")
        .join(name),
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let opts = ImportOptions::new(
        "work.ics",
        "Europe/London",
        "2026-11-22T00:00:00Z".parse().unwrap(),
    );
    let text = big_calendar();
    let out = import(&text, &opts).unwrap();
    assert!(out.sessions.len() > 300, "{}", out.sessions.len());
    eprintln!(
        "big calendar: {} KB, {} sessions imported",
        text.len() / 1024,
        out.sessions.len()
    );
    let mut g = c.benchmark_group("ics_import");
    g.sample_size(20);
    g.bench_function("five_years_weekly_plus_2000_events", |b| {
        b.iter(|| import(std::hint::black_box(&text), &opts).unwrap())
    });
    let never = fixture("never-matching-x20.ics");
    g.bench_function("twenty_never_matching_rules", |b| {
        b.iter(|| import(std::hint::black_box(&never), &opts).unwrap())
    });
    let hourly = fixture("hourly-x100.ics");
    g.bench_function("hundred_hourly_series_capped", |b| {
        b.iter(|| import(std::hint::black_box(&hourly), &opts).unwrap())
    });
    // Two thousand events whose notes hold a thousand links each (about 2 MB of links), read
    // with one custom link pattern (once compiled for every link: 13 s).
    let mut linky = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n");
    for i in 0..2000u32 {
        let links: String = (0..40)
            .map(|k| format!("https://example.org/page/{i}/{k} "))
            .collect();
        linky.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:l-{i}@bench\r\nDTSTART:20270105T{:02}0000Z\r\nDURATION:PT1H\r\nSUMMARY:Links {i}\r\nDESCRIPTION:{links}\r\nEND:VEVENT\r\n",
            8 + i % 9
        ));
    }
    linky.push_str("END:VCALENDAR\r\n");
    let mut custom = opts.clone();
    custom.link_patterns = vec![preflight_calendar::CustomPattern {
        name: "Our rooms".into(),
        pattern: r"^https://rooms\.example\.com/[a-z]+$".into(),
    }];
    g.bench_function("links_with_a_custom_pattern", |b| {
        b.iter(|| import(std::hint::black_box(&linky), &custom).unwrap())
    });
    let nested = fixture("nested-800.ics");
    g.bench_function("nested_800_refused", |b| {
        b.iter(|| import(std::hint::black_box(&nested), &opts).unwrap_err())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
