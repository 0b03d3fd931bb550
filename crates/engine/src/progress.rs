//! Progress events, sent while checks run (live meters, previews, per-check completion).

use preflight_audio::Level;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use preflight_model::{CheckId, CheckResult};

/// One event on the progress stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum Progress {
    /// A check started; `message` tells the mentor what is happening ("Listening…").
    Started {
        /// Which check.
        id: CheckId,
        /// What is happening.
        message: String,
    },
    /// A live microphone level for the meter.
    MicLevel {
        /// The level.
        level: Level,
    },
    /// A camera frame arrived (sent about 10 times a second, with a small preview).
    CameraFrame {
        /// Frames so far.
        frames: u32,
        /// A small JPEG of the frame for the live preview (in memory only).
        preview: crate::preview::PreviewFrame,
    },
    /// Where the background clutter is: the busyness map of the frame the background check
    /// used (the last camera frame sent before it).
    SceneMap {
        /// The analysis, with its grid.
        scene: preflight_scene::SceneAnalysis,
        /// Where the face is and how it is framed, if a face was found.
        framing: Option<preflight_person::framing::Framing>,
    },
    /// A network probe settled (answered or lost), for the live RTT chart.
    NetProbe {
        /// The probe.
        probe: preflight_net::Probe,
    },
    /// A reading of the capacity probe (throughput so far, a round trip), for the live
    /// chart.
    Capacity {
        /// The reading.
        event: preflight_net::capacity::CapacityEvent,
        /// The speed HD video needs (the verdict's threshold), for the chart's guide line.
        #[serde(rename = "hdMbps")]
        hd_mbps: f64,
    },
    /// A check finished.
    Finished {
        /// Its result.
        result: CheckResult,
    },
    /// Something the mentor should know about their records once the check is kept (a damaged
    /// records file set aside, or the check could not be added).
    Notice {
        /// What to say.
        text: String,
    },
}

/// What the microphone meter and *hear yourself* report to the window (levels only: the sound
/// itself never leaves memory).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum ListenEvent {
    /// The level of the last 50 ms, dBFS.
    Level {
        /// RMS level, dBFS (−100 for silence).
        #[serde(rename = "rmsDbfs")]
        rms_dbfs: f32,
    },
    /// *Hear yourself*: recording for `seconds` now.
    Recording {
        /// How long.
        seconds: f32,
    },
    /// *Hear yourself*: playing the recording back now.
    Playing {
        /// How long.
        seconds: f32,
    },
    /// The microphone could not be listened to (the meter stops).
    Problem {
        /// What went wrong, for the mentor.
        message: String,
    },
}

/// What *hear yourself* found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HearOutcome {
    /// The loudest 50 ms of the recording, dBFS: the window says "we heard nothing" when it is
    /// silence.
    pub loudest_dbfs: f32,
    /// Whether all of it was played back.
    pub played: bool,
    /// The speakers it was played on.
    pub speaker: String,
}
