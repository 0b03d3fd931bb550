//! Microphone and speaker support for Mentor Preflight.
//!
//! The crate is split in two:
//! - [`analysis`] is pure: it takes `&[f32]` samples at a sample rate and returns measured
//!   figures (RMS, peak, noise floor, clipping…). It knows nothing of devices and is unit-tested
//!   and benchmarked on generated signals.
//! - [`tone`] makes the speaker-test chime and detects it in a recording (pure).
//! - [`device`], [`capture`] and [`playback`] talk to the sound system through `cpal`
//!   (the `device` feature, on by default; without it the crate links no audio library). Every failure there
//!   (no device, busy, unplugged, permission denied) is an [`AudioError`] value, never a panic.
//!
//! Privacy: captured samples live in memory only. Nothing here writes audio anywhere.

pub mod analysis;
#[cfg(feature = "device")]
pub mod capture;
#[cfg(feature = "device")]
pub mod device;
mod error;
#[cfg(feature = "device")]
pub mod playback;
pub mod speaker;
#[cfg(test)]
mod testsig;
pub mod tone;

pub use analysis::{analyze, dbfs, enough_speech, ClipParams, Level, MicAnalysis};
#[cfg(feature = "device")]
pub use capture::{
    meter, open_mic, record, record_speech, record_until, Capture, CaptureRequest, MicRead,
    MicSource,
};
#[cfg(feature = "device")]
pub use device::{list_devices, AudioDevice, AudioDevices};
pub use error::AudioError;
#[cfg(feature = "device")]
pub use playback::{chime_listen_window, play_chime, play_chime_listening, play_recording};
pub use speaker::{SpeakerOutcome, SpeakerRequest};
pub use tone::{chime, detect_chime, ChimeDetection};
