//! Records files written by earlier versions move into the database with their meaning.
//!
//! `fixtures/records/records-main-de7d1af.json` was written by main at de7d1af (strings for
//! statuses, states, shells and session times), with one record of every kind.

use std::path::PathBuf;

use preflight::records::Records;
use preflight::Context;
use preflight_model::{Basis, CheckId, ItemState, Origin, Status};

/// A context whose data folder holds `records.json` with `text`.
fn with_records(text: &str) -> (tempfile::TempDir, Context) {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::in_folder(dir.path());
    let data = ctx.data_dir().unwrap();
    std::fs::create_dir_all(data).unwrap();
    std::fs::write(data.join("records.json"), text).unwrap();
    (dir, ctx)
}

fn fixture() -> PathBuf {
    PathBuf::from(&*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("../../fixtures/records/records-main-de7d1af.json")
}

#[test]
fn records_from_before_typing_load_with_their_meaning() {
    let (_dir, ctx) = with_records(&std::fs::read_to_string(fixture()).unwrap());
    let mut db = ctx.db().unwrap();
    assert_eq!(
        db.take_notice(),
        None,
        "a clean move is logged, not a problem to tell"
    );
    let r = db.records().unwrap();

    assert_eq!(r.checks.len(), 2);
    let c = &r.checks[0];
    assert_eq!(c.overall, Status::Warn);
    assert_eq!(c.from, Origin::App);
    assert!(c.did_not_fail());
    let ids: Vec<_> = c.results.iter().map(|l| (l.id, l.status)).collect();
    assert_eq!(
        ids,
        [
            (CheckId::Mic, Status::Pass),
            (CheckId::Speaker, Status::Skipped),
            (CheckId::Network, Status::Warn)
        ]
    );
    let states: Vec<_> = c
        .checklist
        .iter()
        .map(|l| (l.id.as_str(), l.state, l.basis))
        .collect();
    assert_eq!(
        states,
        [
            ("tested", ItemState::Met, Basis::Evidence),
            ("cable", ItemState::NotMet, Basis::Evidence),
            ("quiet", ItemState::Unknown, Basis::Evidence),
            ("phone", ItemState::Met, Basis::Declared),
        ]
    );
    let failed = &r.checks[1];
    assert_eq!((failed.overall, failed.from), (Status::Fail, Origin::Cli));
    assert!(!failed.did_not_fail());

    let s = &r.sessions[0];
    assert_eq!(s.started.to_string(), "2026-11-23T18:00:00Z");
    assert_eq!(
        s.ended.duration_since(s.started),
        jiff::SignedDuration::from_millis(47 * 60_000 + 30_250)
    );
    assert_eq!(r.rooms[0].minutes_early, 8);
    assert_eq!(r.concerns[0].via, "email");
    assert_eq!(
        r.as_planned("ics:abc@example.org:20261123T180000Z"),
        Some(true)
    );
}

#[test]
fn the_old_file_moves_in_whole_and_is_kept_beside_the_database() {
    let text = std::fs::read_to_string(fixture()).unwrap();
    let (_dir, ctx) = with_records(&text);
    let moved = ctx.db().unwrap().records().unwrap();
    let typed: Records = serde_json::from_str(&text).unwrap();
    assert_eq!(moved, typed, "every record, in order, with every field");
    let data = ctx.data_dir().unwrap();
    assert!(!data.join("records.json").exists());
    assert_eq!(
        std::fs::read_to_string(data.join("records.json.migrated")).unwrap(),
        text
    );
    // Moved once: opening again neither says it again nor adds the records twice.
    let mut again = ctx.db().unwrap();
    assert_eq!(again.take_notice(), None);
    assert_eq!(again.records().unwrap(), typed);
}

#[test]
fn an_unknown_state_is_a_damaged_file_kept_aside_not_a_guess() {
    let text = std::fs::read_to_string(fixture())
        .unwrap()
        .replace("\"not met\"", "\"half met\"");
    let (_dir, ctx) = with_records(&text);
    let mut db = ctx.db().unwrap();
    let notice = db.take_notice().expect("a notice about the damaged file");
    assert!(notice.contains("half met"), "{notice}");
    assert!(db.records().unwrap().checks.is_empty());
    let kept: Vec<String> = std::fs::read_dir(ctx.data_dir().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("records.json.corrupt-"))
        .collect();
    assert_eq!(kept.len(), 1, "the file is kept for the mentor");
}
