//! What the windows show about the check as Rust defines it — the checks in their order with
//! their titles, the words and badges of each verdict, the microphone meter's bands and what a
//! check from the window measures — so the UI shows what Rust says instead of restating it.

use serde::Serialize;
use ts_rs::TS;

use crate::options::CheckOptions;
use preflight_model::{CheckId, Status};
use preflight_verdict::thresholds::meter;

/// A check as the windows name it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckInfo {
    /// Which check.
    pub id: CheckId,
    /// Its title.
    pub title: String,
}

/// A verdict as the windows show it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StatusInfo {
    /// The verdict.
    pub status: Status,
    /// Its plain words ("Needs attention").
    pub words: String,
    /// Its badge.
    pub icon: String,
}

/// The live microphone meter's bands, dBFS (see `thresholds::meter`).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MeterBands {
    /// Above this: too loud.
    pub loud_dbfs: f32,
    /// From this up to `loud_dbfs`: good.
    pub good_dbfs: f32,
    /// Below this: silent (between this and `good_dbfs`: quiet).
    pub quiet_dbfs: f32,
}

/// Everything the check screen needs to know before a check runs.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckGuide {
    /// Every check, in the order the report lists them.
    pub checks: Vec<CheckInfo>,
    /// Every verdict's words and badge.
    pub statuses: Vec<StatusInfo>,
    /// The meter's bands.
    pub meter: MeterBands,
    /// The edge density at which a cell of the busyness map is fully tinted (the top of the
    /// busyness score's edge scale, `preflight_scene::scale::EDGES`).
    pub busy_cell_full: f32,
    /// What a check from the window measures (how long the microphone records, how long the
    /// camera is watched); the window fills in the devices and the network settings.
    pub options: CheckOptions,
}

/// The guide, from the model, the thresholds and the check's defaults.
pub fn check_guide() -> CheckGuide {
    CheckGuide {
        checks: CheckId::ALL
            .iter()
            .map(|&id| CheckInfo {
                id,
                title: id.title().into(),
            })
            .collect(),
        statuses: Status::ALL
            .iter()
            .map(|&status| StatusInfo {
                status,
                words: status.words().into(),
                icon: status.icon().into(),
            })
            .collect(),
        meter: MeterBands {
            loud_dbfs: meter::LOUD_DBFS,
            good_dbfs: meter::GOOD_DBFS,
            quiet_dbfs: meter::QUIET_DBFS,
        },
        busy_cell_full: preflight_scene::scale::EDGES.1,
        options: CheckOptions::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_is_what_the_report_does() {
        let g = check_guide();
        let ids: Vec<_> = g.checks.iter().map(|c| c.id).collect();
        assert_eq!(ids, CheckId::ALL);
        assert_eq!(g.checks[4].title, "You in the picture");
        assert_eq!(g.statuses.len(), 4);
        assert_eq!(g.statuses[1].words, "Needs attention");
        assert!(g.meter.quiet_dbfs < g.meter.good_dbfs && g.meter.good_dbfs < g.meter.loud_dbfs);
        assert_eq!(g.options.mic_seconds, CheckOptions::default().mic_seconds);
        assert_eq!(g.busy_cell_full, preflight_scene::scale::EDGES.1);
        let json = serde_json::to_value(&g).unwrap();
        assert_eq!(json["checks"][0]["id"], "mic");
        assert_eq!(json["options"]["cameraSeconds"], 2.0);
    }
}
