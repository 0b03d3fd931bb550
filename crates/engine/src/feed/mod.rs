//! One owner per device: the camera feed ([`camera`]) and the microphone feed ([`microphone`])
//! each open their device once, on a thread of their own, and hand what it delivers to every
//! subscriber at once (the live preview or the meter, the check, *hear yourself*). The device
//! stays open while anyone subscribes and is closed when the last one lets go; another camera
//! is opened only after the thread holding the first has closed it, and a microphone nobody
//! listens to any more is closed before another is opened — an awaited hand-over, never a
//! pause. Microphones in use stay open side by side (the check listens on every one at once).

pub mod camera;
pub mod microphone;

pub use camera::{camera_feed, CameraFeed, FeedSource};
pub use microphone::{mic_feed, MicFeed, MicSubscription};
