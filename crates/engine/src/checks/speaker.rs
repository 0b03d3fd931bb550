//! The speakers: a short chime, announced first, heard by the microphone (or asked about).
//! It follows the microphone check, so the chime never colours the room-noise measurement.

use std::time::Duration;

use preflight_model::CheckId;
use preflight_verdict as verdict;

use super::{Check, Cx, Need, Running};
use crate::measure::blocking_within;
use crate::options::CheckOptions;
use crate::probes::Probes;

/// How long the mentor is told "a chime plays in a moment" before it does: long enough to read
/// the line that appears, short enough that the chime follows the sentence at once.
const CHIME_NOTICE: Duration = Duration::from_millis(400);

/// The speaker check.
pub struct Speaker;

impl<P: Probes> Check<P> for Speaker {
    fn id(&self) -> CheckId {
        CheckId::Speaker
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Speakers, Need::Microphone]
    }

    fn after(&self) -> &'static [CheckId] {
        &[CheckId::Mic]
    }

    fn switched_off(&self, opts: &CheckOptions) -> Option<String> {
        opts.skip_speaker
            .then(|| "Speaker test switched off.".into())
    }

    fn run<'a>(&'a self, cx: &'a Cx<P>) -> Running<'a> {
        Box::pin(async move {
            cx.started(
                CheckId::Speaker,
                "Listen: a short chime plays through your speakers or headphones in a moment.",
            );
            let req = preflight_audio::SpeakerRequest {
                output: cx.opts.speaker.clone(),
                input: cx.opts.mic.clone(),
                // Listening needs the microphone but not the microphone check: it runs even
                // when that check is switched off.
                listen: cx.opts.listen_for_chime,
            };
            let p = cx.probes.clone();
            let played = blocking_within(CHIME_NOTICE + cx.limits.chime, move || {
                // Said before it plays, so the mentor is listening when it comes.
                p.pause(CHIME_NOTICE);
                p.chime(&req)
            })
            .await;
            match played {
                Ok(Ok(outcome)) => verdict::speaker(&outcome),
                Ok(Err(e)) => verdict::speaker_error(&e),
                Err(stopped) => stopped.result(CheckId::Speaker),
            }
        })
    }
}
