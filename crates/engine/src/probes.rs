//! What the check engine measures with: the devices, the sockets and the clock, behind one trait
//! so the engine's order, skips, time limits and failure handling can be tested without any of
//! them ([`SystemProbes`] is the real machine; the engine's tests use fakes).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use image::RgbImage;
use jiff::Timestamp;
use preflight_audio::{AudioError, Capture, CaptureRequest, Level, SpeakerOutcome, SpeakerRequest};
use preflight_camera::{CameraError, FrameSource};
use preflight_net::capacity::{Capacity, CapacityConfig, CapacityEvent};
use preflight_net::{LinkInfo, PlatformTarget, Probe, ProbeConfig, ProbeError, Reachability};
use preflight_person::frame::FrameAnalysis;

pub use crate::cameras::{open_camera, CameraChoice};

pub use preflight_net::capacity::SpeedTest;

/// Everything the check engine measures with. The blocking methods are called on a blocking
/// thread; the engine bounds every call in time, so an implementation that hangs (a device that
/// never answers) costs a failed or unfinished check, never a hung one.
pub trait Probes: Send + Sync + 'static {
    /// Records the microphone, reporting live levels to `on_level`.
    fn mic(
        &self,
        req: &CaptureRequest,
        on_level: &mut (dyn FnMut(Level) + Send),
    ) -> Result<Capture, AudioError>;

    /// Listens on every other microphone (all but `chosen`, the one the check records; the
    /// system default when `None`) until `stop` is set or `max` has passed, and gives what each
    /// heard. Microphones that cannot be opened are left out. None here: only the real machine
    /// has other microphones.
    fn other_mics(&self, chosen: Option<&str>, max: Duration, stop: &AtomicBool) -> Vec<Capture> {
        let _ = (chosen, max, stop);
        Vec::new()
    }

    /// Plays the test chime (and listens for it when asked).
    fn chime(&self, req: &SpeakerRequest) -> Result<SpeakerOutcome, AudioError>;

    /// Opens the camera.
    fn camera(&self, choice: &CameraChoice) -> Result<Box<dyn FrameSource>, CameraError>;

    /// Looks at one picture: the background with the person left out, and the framing (the
    /// person and face models, then the busyness measures). CPU-bound; the engine bounds it in
    /// time like every device call.
    fn analyze(&self, frame: &RgbImage) -> FrameAnalysis {
        preflight_person::frame::analyze(preflight_person::shared(), frame)
    }

    /// What carries the connection (blocking: it may ask the system's network manager).
    fn link(&self) -> LinkInfo;

    /// Looks up a STUN server's address within `limit`.
    fn resolve(
        &self,
        server: &str,
        limit: Duration,
    ) -> impl Future<Output = Result<SocketAddr, ProbeError>> + Send;

    /// Sends STUN probes to `server`, reporting each settled probe to `on_probe`.
    fn probe(
        &self,
        server: SocketAddr,
        cfg: &ProbeConfig,
        on_probe: impl FnMut(&Probe) + Send,
    ) -> impl Future<Output = Result<Vec<Probe>, ProbeError>> + Send;

    /// Tries to reach the meeting platforms, each step within `limit`.
    fn platforms(
        &self,
        targets: &[PlatformTarget],
        limit: Duration,
    ) -> impl Future<Output = Vec<Reachability>> + Send;

    /// Measures what the connection can carry against `endpoint`.
    fn capacity(
        &self,
        endpoint: &SpeedTest,
        on_event: impl FnMut(CapacityEvent) + Send,
    ) -> impl Future<Output = Capacity> + Send;

    /// The wall clock.
    fn now(&self) -> Timestamp;

    /// Waits `d` on a blocking thread (the pause between "a chime plays in a moment" and the
    /// chime).
    fn pause(&self, d: Duration);
}

/// The most microphones listened to beside the chosen one (a computer rarely has more than a
/// built-in one, a webcam's and a headset's; the sound system may list one several times).
pub const MAX_OTHER_MICS: usize = 8;

/// The real machine: cpal, nokhwa, the OS's network information, UDP and TCP sockets, the clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemProbes;

impl Probes for SystemProbes {
    fn mic(
        &self,
        req: &CaptureRequest,
        on_level: &mut (dyn FnMut(Level) + Send),
    ) -> Result<Capture, AudioError> {
        // Through the microphone's one owner (held to a microphone's real pace).
        let mut sub = crate::feed::mic_feed().subscribe(req.device.as_deref())?;
        tracing::info!(microphone = %preflight_audio::MicSource::name(&sub), "capturing microphone");
        if req.until_enough_speech {
            preflight_audio::record_speech(&mut sub, req.duration, on_level)
        } else {
            preflight_audio::record(&mut sub, req.duration, on_level)
        }
    }

    fn other_mics(&self, chosen: Option<&str>, max: Duration, stop: &AtomicBool) -> Vec<Capture> {
        let inputs = match preflight_audio::list_devices() {
            Ok(d) => d.inputs,
            Err(e) => {
                tracing::info!(error = %e, "could not list the other microphones");
                return Vec::new();
            }
        };
        let mut others: Vec<_> = inputs
            .into_iter()
            .filter(|d| match chosen {
                Some(c) => d.name != c,
                None => !d.is_default,
            })
            .collect();
        // The system default last: where it is another name for a microphone also listed by
        // its own (ALSA's "default"), the two hear alike and the first listed is the one named.
        others.sort_by_key(|d| d.is_default);
        let names: Vec<String> = others
            .into_iter()
            .map(|d| d.name)
            .take(MAX_OTHER_MICS)
            .collect();
        // Each through the microphones' one owner, on a thread of its own, all at once.
        std::thread::scope(|s| {
            let listening: Vec<_> = names
                .iter()
                .map(|name| {
                    s.spawn(move || {
                        let mut sub = crate::feed::mic_feed()
                            .subscribe(Some(name))
                            .map_err(
                                |e| tracing::info!(microphone = %name, error = %e, "not compared"),
                            )
                            .ok()?;
                        preflight_audio::record_until(&mut sub, max, stop).ok()
                    })
                })
                .collect();
            listening
                .into_iter()
                .filter_map(|h| h.join().ok().flatten())
                .collect()
        })
    }

    fn chime(&self, req: &SpeakerRequest) -> Result<SpeakerOutcome, AudioError> {
        // Listening through the microphone's owner too: subscribed before the chime plays.
        let input = req.input.clone();
        preflight_audio::play_chime_listening(req, move |window| {
            let mut sub = crate::feed::mic_feed().subscribe(input.as_deref())?;
            preflight_audio::record(&mut sub, window, |_| {})
        })
    }

    fn camera(&self, choice: &CameraChoice) -> Result<Box<dyn FrameSource>, CameraError> {
        // Through the camera's one owner: a preview that is running shares its frames.
        Ok(Box::new(crate::feed::camera_feed().subscribe(choice)?))
    }

    fn link(&self) -> LinkInfo {
        preflight_net::detect()
    }

    async fn resolve(&self, server: &str, limit: Duration) -> Result<SocketAddr, ProbeError> {
        preflight_net::resolve(server, limit).await
    }

    async fn probe(
        &self,
        server: SocketAddr,
        cfg: &ProbeConfig,
        on_probe: impl FnMut(&Probe) + Send,
    ) -> Result<Vec<Probe>, ProbeError> {
        preflight_net::probe(server, cfg, on_probe).await
    }

    async fn platforms(&self, targets: &[PlatformTarget], limit: Duration) -> Vec<Reachability> {
        preflight_net::check_platforms(targets, preflight_net::default_tls_config(), limit).await
    }

    async fn capacity(
        &self,
        endpoint: &SpeedTest,
        on_event: impl FnMut(CapacityEvent) + Send,
    ) -> Capacity {
        let cfg = CapacityConfig::new(
            &endpoint.download_url,
            &endpoint.upload_url,
            preflight_net::default_tls_config(),
        );
        preflight_net::capacity::measure(&cfg, on_event).await
    }

    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn pause(&self, d: Duration) {
        std::thread::sleep(d);
    }
}
