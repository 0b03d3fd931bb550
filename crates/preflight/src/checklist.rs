//! The code-of-conduct checklist: what the mentoring codes (Mentor247, The Brokerage,
//! Leapfrog/SFEDI, Qooper) ask of a mentor before a session, merged with the evidence the
//! pre-flight check can give. Pure: built from a [`Report`], the next session's start, the
//! processes seen and the mentor's own ticks.
//!
//! Items a machine can see are *evidenced* (quiet room ← mic noise floor; background ← busyness;
//! camera on ← camera check; cable ← link type; tested ≥ 10 minutes before ← check time against
//! the next scheduled session; no recording ← no known recorder running; notifications ← focus
//! mode). Items it cannot see (phone silenced, dress, other screens closed) are *declared*: the
//! mentor ticks them. An evidenced item without evidence (its check was skipped) falls back to
//! the mentor's tick, and says so.

use preflight_calendar::schedule::against_start;
use std::collections::BTreeSet;

use jiff::Timestamp;
use preflight_calendar::tested_in_time;
use preflight_calendar::ReminderConfig;
use preflight_model::Evidence;

use preflight_model::{CheckId, Report, Status};
use preflight_verdict::thresholds::mic::NOISY_ROOM_DBFS;

pub use preflight_model::{Basis, ChecklistItem, ItemState};

/// What the checklist is built from, besides the report.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// When the check finished.
    pub checked_at: Option<Timestamp>,
    /// Start of the next scheduled session, if any.
    pub next_session: Option<Timestamp>,
    /// When an earlier check for that session that did not fail finished in time (the records
    /// keep it): a re-check closer to the start never takes the item away.
    pub tested_earlier: Option<Timestamp>,
    /// Reminder settings (the "at least N minutes before" rule).
    pub reminders: ReminderConfig,
    /// Known screen or audio recorders running now (names); `None` if it could not be looked at.
    pub recorders: Option<Vec<String>>,
    /// Desktop notifications silenced by focus mode: `Some(true)` on, `Some(false)` off, `None`
    /// where the app cannot tell or set it.
    pub focus: Option<bool>,
    /// Item ids the mentor has ticked.
    pub ticked: BTreeSet<String>,
    /// The programme of the session the check is for, and whether its mentee is under 18: the
    /// items then come from that programme's code. `None`: every standard item.
    pub programme: Option<(preflight_scripts::programme::Profile, bool)>,
}

/// The standard items, in the order the codes list them (the catalogue lives with the programme
/// profiles, which pick from it).
pub const ITEMS: &[(&str, &str)] = preflight_scripts::programme::STANDARD_ITEMS;

fn detail_text(report: &Report, id: CheckId, key: &str) -> Option<String> {
    report.detail(id, key).map(|d| d.text.clone())
}

type Found = Option<(ItemState, String)>;

fn met(b: bool) -> ItemState {
    if b {
        ItemState::Met
    } else {
        ItemState::NotMet
    }
}

/// The item of an under-18 session in a programme with under-18 rules: is someone set to tell
/// about a concern?
pub const SAFEGUARDING_CONTACT: &str = "safeguarding-contact";

/// The evidence for one item, if a check can give it.
fn evidence(id: &str, report: &Report, ctx: &Context) -> Found {
    match id {
        SAFEGUARDING_CONTACT => {
            let (p, _) = ctx.programme.as_ref()?;
            Some(match (p.safeguarding_gap(), &p.contact) {
                (Some(gap), _) => (ItemState::NotMet, gap),
                (None, Some(c)) => (ItemState::Met, format!("You would tell {}.", c.name)),
                (None, None) => return None,
            })
        }
        "quiet" => {
            let Some(Evidence::RoomNoise { floor_dbfs }) = report.measured(CheckId::Mic)?.evidence
            else {
                return None;
            };
            // Words here; the figure is with the microphone's measurements.
            let quiet = floor_dbfs <= NOISY_ROOM_DBFS as f64;
            Some((
                met(quiet),
                if quiet {
                    "Your room sounded quiet while you were not speaking.".into()
                } else {
                    "Your room sounded noisy while you were not speaking: a fan, traffic or voices can carry into the call.".into()
                },
            ))
        }
        "background" => {
            let c = report.measured(CheckId::Background)?;
            match c.status {
                // A warning is not a pass: the mentor's own look settles it.
                Status::Warn => Some((
                    ItemState::Unknown,
                    format!(
                        "{} Look at your picture, and tick this if it is clean and professional.",
                        c.summary
                    ),
                )),
                s => Some((met(s != Status::Fail), c.summary.clone())),
            }
        }
        "camera" => {
            let c = report.measured(CheckId::Camera)?;
            Some((met(c.status != Status::Fail), c.summary.clone()))
        }
        "cable" => {
            let c = report.measured(CheckId::Network)?;
            let Some(Evidence::Connection { wired: Some(wired) }) = c.evidence else {
                return None; // not classified: the mentor says
            };
            // The words are for people; whether it is a cable comes from the typed fact.
            let link = detail_text(report, CheckId::Network, "link").unwrap_or_default();
            Some((met(wired), format!("Connection: {link}.")))
        }
        "tested" => {
            let start = ctx.next_session?;
            if let Some(earlier) = ctx.tested_earlier {
                let mins = start.duration_since(earlier).as_mins();
                return Some((
                    ItemState::Met,
                    format!(
                        "Tested {} (an earlier check).",
                        against_start(mins, "the session")
                    ),
                ));
            }
            let at = ctx.checked_at?;
            let mins = start.duration_since(at).as_mins();
            let in_time = tested_in_time(at, start, ctx.reminders);
            if in_time && report.overall == Status::Fail {
                return Some((
                    ItemState::NotMet,
                    format!(
                        "Checked {}, but the check failed: fix what it found and check again.",
                        against_start(mins, "the session")
                    ),
                ));
            }
            Some((
                met(in_time),
                format!("Checked {}.", against_start(mins, "the session")),
            ))
        }
        "confidential" => {
            let recorders = ctx.recorders.as_ref()?;
            if recorders.is_empty() {
                Some((
                    ItemState::Met,
                    "No screen or sound recorder is running.".into(),
                ))
            } else {
                Some((
                    ItemState::NotMet,
                    format!(
                        "A recorder is running: {}. Close it — sessions must not be recorded.",
                        recorders.join(", ")
                    ),
                ))
            }
        }
        "notifications" => match ctx.focus? {
            true => Some((ItemState::Met, "Focus mode is on.".into())),
            false => None, // off: the mentor may have silenced them another way
        },
        _ => None,
    }
}

/// Builds the checklist: the programme's items (or every standard item), each with evidence
/// where a check gives it, otherwise the mentor's tick.
pub fn build(report: &Report, ctx: &Context) -> Vec<ChecklistItem> {
    // (id, text, general): the programme's own rules first, then the good practice every code
    // shares that this one does not spell out, marked as general advice (applied the same for
    // every programme, so The Brokerage's mentors are asked about the cable too).
    let mut items: Vec<(String, String, bool)> = match &ctx.programme {
        Some((p, under_18)) => {
            let mut own: Vec<(String, String, bool)> = p
                .checklist_for(*under_18)
                .into_iter()
                .map(|(id, text)| (id, text, false))
                .collect();
            own.extend(
                p.general_advice()
                    .map(|(id, text)| (id.to_string(), text.to_string(), true)),
            );
            own
        }
        None => ITEMS
            .iter()
            .map(|(id, text)| (id.to_string(), text.to_string(), false))
            .collect(),
    };
    // A session with a mentee under 18 needs someone to tell about a concern: an item of its
    // own until a contact is set.
    if let Some((p, true)) = &ctx.programme {
        if !p.under_18.is_empty() {
            items.push((
                SAFEGUARDING_CONTACT.to_string(),
                "A safeguarding contact is set for this programme".to_string(),
                false,
            ));
        }
    }
    items
        .into_iter()
        .map(|(id, text, general)| {
            let mut item = item(&id, text, report, ctx);
            item.general = general;
            item
        })
        .collect()
}

/// One item with its evidence where a check gives it, otherwise the mentor's tick.
fn item(id: &str, text: String, report: &Report, ctx: &Context) -> ChecklistItem {
    let ticked = ctx.ticked.contains(id);
    let (state, basis, why) = match evidence(id, report, ctx) {
        // The check looked but could not settle it: the mentor's look does, with its words.
        Some((ItemState::Unknown, _)) if ticked => (
            ItemState::Met,
            Basis::Declared,
            "You looked and confirmed this.".into(),
        ),
        Some((ItemState::Unknown, why)) => (ItemState::Unknown, Basis::Declared, why),
        Some((state, why)) => (state, Basis::Evidence, why),
        None if ticked => (
            ItemState::Met,
            Basis::Declared,
            "You confirmed this.".into(),
        ),
        None => (
            ItemState::Unknown,
            Basis::Declared,
            "Tick this yourself: the check cannot see it.".into(),
        ),
    };
    ChecklistItem {
        id: id.to_string(),
        text,
        state,
        basis,
        why,
        general: false,
    }
}

/// Counts for a one-line summary: (met by evidence, met by declaration, not met, unknown).
pub fn tally(items: &[ChecklistItem]) -> (usize, usize, usize, usize) {
    let c = |f: &dyn Fn(&ChecklistItem) -> bool| items.iter().filter(|i| f(i)).count();
    (
        c(&|i| i.state == ItemState::Met && i.basis == Basis::Evidence),
        c(&|i| i.state == ItemState::Met && i.basis == Basis::Declared),
        c(&|i| i.state == ItemState::NotMet),
        c(&|i| i.state == ItemState::Unknown),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use preflight_model::{CheckResult, Detail};
    use preflight_net::{LinkInfo, LinkKind};

    fn result(id: CheckId, status: Status, summary: &str, details: Vec<Detail>) -> CheckResult {
        let mut r = CheckResult::new(id, status, summary);
        r.details = details;
        r
    }

    fn report(checks: Vec<CheckResult>) -> Report {
        Report {
            app_version: "test".into(),
            started_at: ts("2026-11-24T17:40:00Z"),
            duration_ms: 1,
            overall: Report::overall_of(&checks),
            checks,
            checklist: vec![],
            compared: Vec::new(),
        }
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn item<'a>(items: &'a [ChecklistItem], id: &str) -> &'a ChecklistItem {
        items.iter().find(|i| i.id == id).unwrap()
    }

    fn full_report(floor: f64, link: LinkKind, background: Status) -> Report {
        report(vec![
            result(
                CheckId::Mic,
                Status::Pass,
                "ok",
                vec![Detail::number(
                    "noise_floor_dbfs",
                    "Room noise",
                    floor,
                    "dBFS",
                    1,
                )],
            )
            .with_evidence(Evidence::RoomNoise { floor_dbfs: floor }),
            result(
                CheckId::Camera,
                Status::Pass,
                "Camera works: 30 fps.",
                vec![],
            ),
            result(
                CheckId::Background,
                background,
                "Background is busy on the left.",
                vec![],
            ),
            preflight_verdict::network(&LinkInfo {
                kind: link,
                interface: None,
                reason: "test".into(),
                speed_mbps: None,
                signal_dbm: None,
            }),
        ])
    }

    #[test]
    fn evidence_maps_from_the_checks() {
        let ctx = Context {
            checked_at: Some(ts("2026-11-24T17:45:00Z")),
            next_session: Some(ts("2026-11-24T18:00:00Z")),
            recorders: Some(vec![]),
            ..Default::default()
        };
        let items = build(&full_report(-58.0, LinkKind::Wired, Status::Pass), &ctx);
        for id in [
            "quiet",
            "camera",
            "background",
            "cable",
            "tested",
            "confidential",
        ] {
            let i = item(&items, id);
            assert_eq!(
                (i.state, i.basis),
                (ItemState::Met, Basis::Evidence),
                "{id}: {}",
                i.why
            );
        }
        // Words in the checklist; the figure stays with the microphone's measurements.
        let quiet = &item(&items, "quiet").why;
        assert!(
            quiet.contains("sounded quiet") && !quiet.contains("dBFS"),
            "{quiet}"
        );
        assert!(item(&items, "tested").why.contains("15 min"));
        for id in ["phone", "dress", "screens", "notifications"] {
            let i = item(&items, id);
            assert_eq!(
                (i.state, i.basis),
                (ItemState::Unknown, Basis::Declared),
                "{id}"
            );
        }
        assert_eq!(tally(&items), (6, 0, 0, 4));
    }

    #[test]
    fn the_programme_chooses_the_items_and_the_evidence_still_maps() {
        use preflight_scripts::programme::built_in_profile;
        let r = full_report(-58.0, LinkKind::Wifi, Status::Pass);
        let mut ctx = Context {
            checked_at: Some(ts("2026-11-24T17:45:00Z")),
            next_session: Some(ts("2026-11-24T18:00:00Z")),
            recorders: Some(vec![]),
            programme: Some((built_in_profile("mentor247").unwrap(), false)),
            ..Default::default()
        };
        ctx.ticked.insert("mentor247:3".into());
        let items = build(&r, &ctx);
        // Mentor247 asks for the phone and the cable: declared and evidenced as before.
        assert_eq!(item(&items, "phone").basis, Basis::Declared);
        let cable = item(&items, "cable");
        assert_eq!(
            (cable.state, cable.basis),
            (ItemState::NotMet, Basis::Evidence)
        );
        let own = item(&items, "mentor247:3");
        assert!(own.text.contains("ask me to repeat"));
        assert_eq!((own.state, own.basis), (ItemState::Met, Basis::Declared));
        assert!(!items.iter().any(|i| i.id.contains("u18")));

        // The Brokerage with a mentee under 18: its contact rules, said more strictly, and the
        // additions; the cable, which its code does not spell out, is there as general advice
        // like every other item the codes share.
        ctx.programme = Some((built_in_profile("brokerage").unwrap(), true));
        let items = build(&r, &ctx);
        let cable = item(&items, "cable");
        assert!(cable.general, "{cable:?}");
        assert_eq!(cable.state, ItemState::NotMet, "on Wi‑Fi");
        assert!(
            !item(&items, "quiet").general,
            "the Brokerage's code asks for quiet"
        );
        assert!(!item(&items, "brokerage:3").general);
        for (id, _) in ITEMS {
            assert_eq!(items.iter().filter(|i| i.id == *id).count(), 1, "{id}");
        }
        assert!(!items
            .iter()
            .any(|i| i.text == "Contact only by email and video conferencing"));
        let minor = item(&items, "brokerage:1:u18");
        assert_eq!(minor.text, "Contact only through the programme's channels");
        assert_eq!(minor.state, ItemState::Unknown);
        // No safeguarding contact for an under-18 session: said, as an item not met, until set.
        let gap = item(&items, SAFEGUARDING_CONTACT);
        assert_eq!((gap.state, gap.basis), (ItemState::NotMet, Basis::Evidence));
        assert!(
            gap.why.contains("no safeguarding contact is set"),
            "{}",
            gap.why
        );
        let mut with_contact = built_in_profile("brokerage").unwrap();
        with_contact.contact = Some(preflight_scripts::programme::Contact {
            name: "Ana Lopez".into(),
            email: Some("ana@example.org".into()),
            phone: None,
        });
        ctx.programme = Some((with_contact.clone(), true));
        assert_eq!(
            item(&build(&r, &ctx), SAFEGUARDING_CONTACT).state,
            ItemState::Met
        );
        // Not an item for an adult mentee.
        ctx.programme = Some((with_contact, false));
        assert!(!build(&r, &ctx).iter().any(|i| i.id == SAFEGUARDING_CONTACT));
        assert_eq!(item(&items, "quiet").basis, Basis::Evidence);
    }

    #[test]
    fn a_background_warning_asks_for_the_mentors_look_not_a_tick() {
        let r = full_report(-58.0, LinkKind::Wired, Status::Warn);
        let mut ctx = Context::default();
        let looked = item(&build(&r, &ctx), "background").clone();
        assert_eq!(
            (looked.state, looked.basis),
            (ItemState::Unknown, Basis::Declared)
        );
        assert!(
            looked.why.starts_with("Background is busy on the left.")
                && looked.why.contains("Look at your picture"),
            "{}",
            looked.why
        );
        ctx.ticked.insert("background".into());
        let ticked = item(&build(&r, &ctx), "background").clone();
        assert_eq!(
            (ticked.state, ticked.basis),
            (ItemState::Met, Basis::Declared)
        );
        assert_eq!(ticked.why, "You looked and confirmed this.");
        // A pass stays evidenced, whatever was ticked.
        let pass = full_report(-58.0, LinkKind::Wired, Status::Pass);
        assert_eq!(
            item(&build(&pass, &ctx), "background").basis,
            Basis::Evidence
        );
    }

    #[test]
    fn failures_are_not_met() {
        let ctx = Context {
            checked_at: Some(ts("2026-11-24T17:55:00Z")),
            next_session: Some(ts("2026-11-24T18:00:00Z")),
            recorders: Some(vec!["OBS Studio".into()]),
            ..Default::default()
        };
        let items = build(&full_report(-30.0, LinkKind::Wifi, Status::Fail), &ctx);
        for id in ["quiet", "background", "cable", "tested", "confidential"] {
            assert_eq!(item(&items, id).state, ItemState::NotMet, "{id}");
        }
        assert!(item(&items, "confidential").why.contains("OBS Studio"));
        assert!(item(&items, "cable").why.contains("Wi‑Fi"));
    }

    #[test]
    fn a_recheck_never_takes_the_ten_minute_rule_away_and_a_failed_check_never_meets_it() {
        let start = ts("2026-11-24T18:00:00Z");
        let recheck = Context {
            checked_at: Some(ts("2026-11-24T17:55:00Z")),
            next_session: Some(start),
            tested_earlier: Some(ts("2026-11-24T17:47:00Z")),
            ..Default::default()
        };
        let tested = item(&build(&report(vec![]), &recheck), "tested").clone();
        assert_eq!(tested.state, ItemState::Met);
        assert!(tested.why.contains("13 min before"), "{}", tested.why);
        // In time, but the check failed: not met, and it says why.
        let failed = Context {
            checked_at: Some(ts("2026-11-24T17:40:00Z")),
            next_session: Some(start),
            ..Default::default()
        };
        let items = build(&full_report(-58.0, LinkKind::Wired, Status::Fail), &failed);
        let tested = item(&items, "tested");
        assert_eq!(tested.state, ItemState::NotMet);
        assert!(tested.why.contains("the check failed"), "{}", tested.why);
        // During the session: after it started, never "-41 min before".
        let late = Context {
            checked_at: Some(ts("2026-11-24T18:41:00Z")),
            next_session: Some(start),
            ..Default::default()
        };
        let tested = item(&build(&report(vec![]), &late), "tested").clone();
        assert_eq!(tested.state, ItemState::NotMet);
        assert_eq!(tested.why, "Checked 41 min after the session started.");
    }

    #[test]
    fn ten_minute_rule_at_the_boundary() {
        let start = ts("2026-11-24T18:00:00Z");
        let at = |t: &str| {
            let ctx = Context {
                checked_at: Some(ts(t)),
                next_session: Some(start),
                ..Default::default()
            };
            item(&build(&report(vec![]), &ctx), "tested").state
        };
        assert_eq!(at("2026-11-24T17:50:00Z"), ItemState::Met);
        assert_eq!(at("2026-11-24T17:50:01Z"), ItemState::NotMet);
        assert_eq!(at("2026-11-24T09:00:00Z"), ItemState::Met);
        // A longer lead set by the mentor moves the rule.
        let ctx = Context {
            checked_at: Some(ts("2026-11-24T17:45:00Z")),
            next_session: Some(start),
            reminders: ReminderConfig {
                check_lead_min: 20,
                ..Default::default()
            },
            ..Default::default()
        };
        assert_eq!(
            item(&build(&report(vec![]), &ctx), "tested").state,
            ItemState::NotMet
        );
    }

    #[test]
    fn without_evidence_the_mentor_declares() {
        // Everything skipped, nothing scheduled, processes not visible.
        let mut ctx = Context::default();
        ctx.ticked.insert("phone".into());
        ctx.ticked.insert("cable".into());
        let items = build(
            &report(vec![result(
                CheckId::Mic,
                Status::Skipped,
                "skipped",
                vec![],
            )]),
            &ctx,
        );
        assert!(items.iter().all(|i| i.basis == Basis::Declared));
        assert_eq!(item(&items, "phone").state, ItemState::Met);
        assert_eq!(item(&items, "cable").state, ItemState::Met);
        assert_eq!(item(&items, "quiet").state, ItemState::Unknown);
        assert_eq!(tally(&items), (0, 2, 0, 8));
        // A tick never overrides evidence.
        let mut ctx = Context::default();
        ctx.ticked.insert("cable".into());
        let items = build(&full_report(-58.0, LinkKind::Hotspot, Status::Pass), &ctx);
        assert_eq!(item(&items, "cable").state, ItemState::NotMet);
        assert_eq!(item(&items, "cable").basis, Basis::Evidence);
        // Focus mode on is evidence for notifications.
        let ctx = Context {
            focus: Some(true),
            ..Default::default()
        };
        let items = build(&report(vec![]), &ctx);
        assert_eq!(item(&items, "notifications").basis, Basis::Evidence);
        let it = item(&items, "notifications");
        assert_eq!((it.state, it.basis), (ItemState::Met, Basis::Evidence));
    }

    #[test]
    fn the_cable_item_rests_on_the_link_type_not_on_its_wording() {
        let ctx = Context::default();
        // Reworded labels never flip the item: a label that starts with "Cable" on Wi‑Fi…
        let mut r = full_report(-58.0, LinkKind::Wifi, Status::Pass);
        let net = r
            .checks
            .iter_mut()
            .find(|c| c.id == CheckId::Network)
            .unwrap();
        net.details[0].text = "Cable-free Wi‑Fi".into();
        assert_eq!(item(&build(&r, &ctx), "cable").state, ItemState::NotMet);
        // …and a cable whose label says something else entirely.
        let mut r = full_report(-58.0, LinkKind::Wired, Status::Pass);
        let net = r
            .checks
            .iter_mut()
            .find(|c| c.id == CheckId::Network)
            .unwrap();
        net.details[0].text = "Ethernet".into();
        let cable = item(&build(&r, &ctx), "cable").clone();
        assert_eq!(
            (cable.state, cable.basis),
            (ItemState::Met, Basis::Evidence)
        );
        assert_eq!(cable.why, "Connection: Ethernet.");
        // A link that could not be classified leaves the item to the mentor.
        let r = full_report(-58.0, LinkKind::Unknown, Status::Pass);
        assert_eq!(item(&build(&r, &ctx), "cable").basis, Basis::Declared);
        // The quiet room rests on the measured floor, not on a detail's key.
        let mut r = full_report(-58.0, LinkKind::Wired, Status::Pass);
        r.checks[0].details.clear();
        assert_eq!(item(&build(&r, &ctx), "quiet").state, ItemState::Met);
    }
}
