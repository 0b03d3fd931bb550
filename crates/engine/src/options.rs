//! What a check is asked to do (which devices, which servers, what to skip) and how long each
//! measurement may take.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::probes::{CameraChoice, SpeedTest};

/// Time allowed for each step (DNS, connect, TLS) of reaching a meeting platform.
pub const PLATFORM_LIMIT: Duration = Duration::from_secs(3);

/// What to check and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct CheckOptions {
    /// Microphone name; `None` for the system default.
    pub mic: Option<String>,
    /// Seconds to record from the microphone.
    pub mic_seconds: f32,
    /// Skip the microphone check.
    pub skip_mic: bool,
    /// Speakers or headphones name; `None` for the system default.
    pub speaker: Option<String>,
    /// Skip the speaker test.
    pub skip_speaker: bool,
    /// Listen for the speaker chime with the microphone (turn off to only ask the mentor).
    pub listen_for_chime: bool,
    /// Which camera.
    pub camera: CameraChoice,
    /// Seconds of camera frames to measure.
    pub camera_seconds: f32,
    /// Skip the network checks.
    pub skip_network: bool,
    /// STUN servers (host:port) to measure the call path against; empty for the defaults.
    pub stun_servers: Vec<String>,
    /// Meeting platforms to check; `None` for Zoom, Google Meet, Microsoft Teams and Jitsi,
    /// an empty list to skip the check.
    pub platforms: Option<Vec<preflight_net::PlatformTarget>>,
    /// The speed-test endpoint; `None` for the public default (Cloudflare's speed test).
    pub speed_test: Option<SpeedTest>,
    /// Skip the capacity (speed) check.
    pub skip_capacity: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            mic: None,
            mic_seconds: 4.0,
            skip_mic: false,
            speaker: None,
            skip_speaker: false,
            listen_for_chime: true,
            camera: CameraChoice::Default,
            camera_seconds: 2.0,
            skip_network: false,
            stun_servers: Vec::new(),
            platforms: None,
            speed_test: None,
            skip_capacity: false,
        }
    }
}

/// The sentence the mentor is asked to read while the microphone is recorded.
pub const PROMPT_SENTENCE: &str =
    "Hello, this is my microphone check before today's mentoring session.";

/// How long each measurement may take before the engine stops waiting for it. A device or a
/// network that never answers costs a failed or unfinished check, never a hung one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Opening the microphone, on top of the recording itself.
    pub mic_extra: Duration,
    /// Playing the chime (and listening for it).
    pub chime: Duration,
    /// Opening the camera and reading its frames, on top of the sampling time.
    pub camera_extra: Duration,
    /// Looking at the picture (person, face and background): about 0.1 s on a laptop, 2 s on
    /// a slow one the first time (the models are loaded once).
    pub analysis: Duration,
    /// Finding out what carries the connection.
    pub link: Duration,
    /// One run of call-quality probes (each server's lookup has its own limit too).
    pub probing: Duration,
    /// Reaching the meeting platforms.
    pub platforms: Duration,
    /// The capacity probe.
    pub capacity: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            mic_extra: Duration::from_secs(10),
            chime: Duration::from_secs(20),
            camera_extra: Duration::from_secs(15),
            analysis: Duration::from_secs(20),
            link: Duration::from_secs(8),
            // Probing takes 4.7 s at most (see `ProbeConfig::default`).
            probing: Duration::from_secs(8),
            // Each platform's DNS, TCP and TLS steps have PLATFORM_LIMIT; they run together.
            platforms: PLATFORM_LIMIT * 3 + Duration::from_secs(2),
            // The capacity probe stops itself after 6 s.
            capacity: Duration::from_secs(10),
        }
    }
}
