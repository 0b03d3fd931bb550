//! Reminder timing.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// When to remind. Defaults follow the mentoring codes: test at least 10 minutes before, open
/// the room 5–10 minutes early (we pick 7, inside that window).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderConfig {
    /// Minutes before the start to prompt the pre-flight check.
    pub check_lead_min: u32,
    /// Minutes before the start to open the meeting room.
    pub open_lead_min: u32,
}

impl Default for ReminderConfig {
    fn default() -> Self {
        ReminderConfig {
            check_lead_min: 10,
            open_lead_min: 7,
        }
    }
}

/// Where we are relative to one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "stage")]
#[ts(export)]
pub enum Stage {
    /// Nothing to do yet; the check prompt is due in `check_in_s` seconds.
    Waiting {
        /// Seconds until the check prompt.
        check_in_s: i64,
    },
    /// Time to run the pre-flight check; the room opens in `open_in_s` seconds.
    CheckDue {
        /// Seconds until the room should be opened.
        open_in_s: i64,
    },
    /// Time to open the room; the session starts in `start_in_s` seconds.
    OpenRoom {
        /// Seconds until the session starts.
        start_in_s: i64,
    },
    /// The session is under way.
    InProgress,
    /// The session has ended.
    Over,
}

/// The stage of a session that starts at `start` and lasts `duration`, at `now`.
///
/// If `open_lead_min` is larger than `check_lead_min` the check comes first anyway: the check
/// window is then empty and the stage goes straight to [`Stage::OpenRoom`].
pub fn stage(
    start: Timestamp,
    duration: SignedDuration,
    cfg: ReminderConfig,
    now: Timestamp,
) -> Stage {
    let until_start = start.duration_since(now);
    let check_lead = SignedDuration::from_mins(cfg.check_lead_min as i64);
    let open_lead = SignedDuration::from_mins(cfg.open_lead_min as i64);
    if until_start > check_lead.max(open_lead) {
        Stage::Waiting {
            check_in_s: (until_start - check_lead.max(open_lead)).as_secs(),
        }
    } else if until_start > open_lead {
        Stage::CheckDue {
            open_in_s: (until_start - open_lead).as_secs(),
        }
    } else if until_start > SignedDuration::ZERO {
        Stage::OpenRoom {
            start_in_s: until_start.as_secs(),
        }
    } else if now < start + duration {
        Stage::InProgress
    } else {
        Stage::Over
    }
}

/// Whether a check finished at `checked_at` meets the codes' rule of testing at least
/// `check_lead_min` minutes before a session starting at `start`.
pub fn tested_in_time(checked_at: Timestamp, start: Timestamp, cfg: ReminderConfig) -> bool {
    start.duration_since(checked_at) >= SignedDuration::from_mins(cfg.check_lead_min as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const START: &str = "2026-03-29T09:00:00Z";
    const HOUR: SignedDuration = SignedDuration::from_hours(1);

    #[test]
    fn stages_through_a_session() {
        let cfg = ReminderConfig::default();
        let start = ts(START);
        let at = |s| stage(start, HOUR, cfg, ts(s));
        assert_eq!(
            at("2026-03-29T08:00:00Z"),
            Stage::Waiting {
                check_in_s: 50 * 60
            }
        );
        assert_eq!(
            at("2026-03-29T08:50:00Z"),
            Stage::CheckDue { open_in_s: 3 * 60 }
        );
        assert_eq!(
            at("2026-03-29T08:53:00Z"),
            Stage::OpenRoom { start_in_s: 7 * 60 }
        );
        assert_eq!(
            at("2026-03-29T08:59:59Z"),
            Stage::OpenRoom { start_in_s: 1 }
        );
        assert_eq!(at("2026-03-29T09:00:00Z"), Stage::InProgress);
        assert_eq!(at("2026-03-29T09:59:59Z"), Stage::InProgress);
        assert_eq!(at("2026-03-29T10:00:00Z"), Stage::Over);
    }

    #[test]
    fn boundary_belongs_to_the_earlier_stage() {
        let start = ts(START);
        // Exactly 10 minutes before: the check is not yet due (strictly more than 10 min waits).
        assert_eq!(
            stage(
                start,
                HOUR,
                ReminderConfig::default(),
                ts("2026-03-29T08:49:59Z")
            ),
            Stage::Waiting { check_in_s: 1 }
        );
    }

    #[test]
    fn open_lead_longer_than_check_lead() {
        let cfg = ReminderConfig {
            check_lead_min: 5,
            open_lead_min: 10,
        };
        let s = stage(ts(START), HOUR, cfg, ts("2026-03-29T08:52:00Z"));
        assert_eq!(s, Stage::OpenRoom { start_in_s: 8 * 60 });
    }

    #[test]
    fn tested_at_least_ten_minutes_before() {
        let cfg = ReminderConfig::default();
        let start = ts(START);
        assert!(tested_in_time(ts("2026-03-29T08:50:00Z"), start, cfg));
        assert!(tested_in_time(ts("2026-03-29T07:00:00Z"), start, cfg));
        assert!(!tested_in_time(ts("2026-03-29T08:50:01Z"), start, cfg));
    }
}
