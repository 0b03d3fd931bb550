//! Records written before the records were typed still load, mean the same, and are written
//! back in the same shape (an older version of the app can still read a file this one saved).
//!
//! `fixtures/records/records-main-de7d1af.json` was written by main at de7d1af (strings for
//! statuses, states, shells and session times), with one record of every kind.

use std::path::PathBuf;

use preflight::records::RecordStore;
use preflight_model::{Basis, CheckId, ItemState, Origin, Status};

fn fixture() -> PathBuf {
    PathBuf::from(&*std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("../../fixtures/records/records-main-de7d1af.json")
}

#[test]
fn records_from_before_typing_load_with_their_meaning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.json");
    std::fs::copy(fixture(), &path).unwrap();
    let loaded = RecordStore::new(&path).load().unwrap();
    assert_eq!(
        loaded.notice, None,
        "the old file is not treated as damaged"
    );
    let r = loaded.value;

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
fn a_loaded_old_file_is_written_back_in_the_same_shape() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.json");
    std::fs::copy(fixture(), &path).unwrap();
    // A change that touches nothing: the store reads, types and writes the whole file.
    RecordStore::new(&path).change(|_| {}).unwrap();
    let before: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture()).unwrap()).unwrap();
    let after: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(after, before);
}

#[test]
fn an_unknown_state_is_a_damaged_file_kept_aside_not_a_guess() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.json");
    let text = std::fs::read_to_string(fixture())
        .unwrap()
        .replace("\"not met\"", "\"half met\"");
    std::fs::write(&path, text).unwrap();
    let loaded = RecordStore::new(&path).load().unwrap();
    let notice = loaded.notice.expect("a notice about the damaged file");
    assert!(notice.contains("half met"), "{notice}");
    assert!(loaded.value.checks.is_empty());
}
