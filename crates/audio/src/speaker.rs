//! What the speaker test asks for and what it found (pure types; [`crate::playback`] plays).

use crate::tone::ChimeDetection;
use crate::AudioError;

/// What to play on and listen with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpeakerRequest {
    /// Output device name; `None` for the system default.
    pub output: Option<String>,
    /// Microphone to listen with; `None` for the system default.
    pub input: Option<String>,
    /// Whether to listen for the chime with the microphone.
    pub listen: bool,
}

/// What happened when the chime was played.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerOutcome {
    /// The output device used.
    pub output_device: String,
    /// Frames the device took from us.
    pub frames_played: usize,
    /// Frames in the chime.
    pub frames_expected: usize,
    /// The acoustic check, when asked for: what the microphone heard, or why it could not listen.
    pub listened: Option<Result<ChimeDetection, AudioError>>,
}

impl SpeakerOutcome {
    /// Whether the whole chime went out to the device.
    pub fn played(&self) -> bool {
        self.frames_played >= self.frames_expected
    }
}
