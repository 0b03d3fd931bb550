//! Listening outside the check: the microphone meter that moves while the check screen is open,
//! *hear yourself* (a few seconds of the mentor's voice recorded and played straight back from
//! memory, never written anywhere) and the chime played again for the speaker question.
//!
//! Every one of them reads the microphone through its one owner ([`crate::feed::mic_feed`]):
//! the meter stops before the check, *hear yourself* or the chime listens (the window shows
//! their levels instead), and the window starts it again afterwards. A meter that stops lets
//! go of the microphone, and [`Meter::stop`] returns once the feed has closed it (unless
//! something else still listens) — what the window does when the meeting app comes to the
//! front.

use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::handover::Holder;
use crate::progress::{HearOutcome, ListenEvent};

/// How long *hear yourself* records.
pub const HEAR_SECONDS: f32 = 4.0;

/// The running meter, if any.
#[derive(Default)]
pub struct Meter(Holder);

impl Meter {
    /// Stops the meter (if one runs) and returns once the microphone is closed (unless
    /// something else still listens to it).
    pub fn stop(&self) {
        self.0.stop();
        crate::feed::mic_feed().close_if_unused();
    }

    /// Starts the meter on `mic` (the system default when `None`), replacing a running one:
    /// levels go to `on_event` about 20 times a second until [`Meter::stop`]; a microphone
    /// that fails is said once on `on_event`.
    pub fn start(&self, mic: Option<String>, on_event: impl Fn(ListenEvent) + Send + 'static) {
        let (stop, release) = self.0.begin();
        std::thread::spawn(move || {
            let _release = release; // dropped once the subscription is
            let r = crate::feed::mic_feed()
                .subscribe(mic.as_deref())
                .and_then(|mut sub| {
                    tracing::info!(microphone = %preflight_audio::MicSource::name(&sub), "microphone meter on");
                    preflight_audio::meter(&mut sub, &stop, |level| {
                        on_event(ListenEvent::Level {
                            rms_dbfs: level.rms_dbfs,
                        })
                    })
                });
            if let Err(e) = r {
                if !stop.load(Ordering::Relaxed) {
                    tracing::info!(error = %e, "microphone meter stopped");
                    on_event(ListenEvent::Problem {
                        message: e.to_string(),
                    });
                }
            }
        });
    }
}

/// *Hear yourself*: records [`HEAR_SECONDS`] from `mic` (levels to `on_event`), then plays it
/// back on `speaker`. The recording exists only in memory, for these few seconds. Blocking.
pub fn hear_yourself(
    mic: Option<String>,
    speaker: Option<String>,
    mut on_event: impl FnMut(ListenEvent),
) -> Result<HearOutcome, String> {
    on_event(ListenEvent::Recording {
        seconds: HEAR_SECONDS,
    });
    let mut loudest = -100.0f32;
    let mut sub = crate::feed::mic_feed()
        .subscribe(mic.as_deref())
        .map_err(|e| e.to_string())?;
    let cap = preflight_audio::record(&mut sub, Duration::from_secs_f32(HEAR_SECONDS), |level| {
        loudest = loudest.max(level.rms_dbfs);
        on_event(ListenEvent::Level {
            rms_dbfs: level.rms_dbfs,
        });
    })
    .map_err(|e| e.to_string())?;
    // Let go of the microphone before playing back.
    drop(sub);
    crate::feed::mic_feed().close_if_unused();
    on_event(ListenEvent::Playing {
        seconds: cap.samples.len() as f32 / cap.sample_rate.max(1) as f32,
    });
    let (speaker, played) =
        preflight_audio::play_recording(speaker.as_deref(), &cap.samples, cap.sample_rate)
            .map_err(|e| e.to_string())?;
    tracing::info!(loudest_dbfs = loudest, played, "hear yourself");
    Ok(HearOutcome {
        loudest_dbfs: loudest,
        played,
        speaker,
    })
}

/// Plays the speaker-test chime again, without listening (the mentor did not hear it, or wants
/// to hear it once more before answering). Blocking.
pub fn chime_again(speaker: Option<String>) -> Result<(), String> {
    preflight_audio::play_chime(speaker.as_deref())
        .map(|_| ())
        .map_err(|e| e.to_string())
}
