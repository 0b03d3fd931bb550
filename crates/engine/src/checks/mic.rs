//! The microphone: a few seconds of the mentor reading a sentence, judged for level, noise,
//! clipping and dropouts.

use std::time::Duration;

use preflight_model::CheckId;
use preflight_verdict::{self as verdict, thresholds};

use super::{Check, Cx, Need, Running};
use crate::measure::blocking_within;
use crate::options::{CheckOptions, PROMPT_SENTENCE};
use crate::probes::Probes;
use crate::progress::Progress;

/// The microphone check.
pub struct Mic;

impl<P: Probes> Check<P> for Mic {
    fn id(&self) -> CheckId {
        CheckId::Mic
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Microphone]
    }

    fn switched_off(&self, opts: &CheckOptions) -> Option<String> {
        opts.skip_mic
            .then(|| "Microphone check switched off.".into())
    }

    fn run<'a>(&'a self, cx: &'a Cx<P>) -> Running<'a> {
        Box::pin(async move {
            cx.started(
                CheckId::Mic,
                format!(
                    "Listening (up to {:.0} seconds). Please say: \"{PROMPT_SENTENCE}\"",
                    cx.opts.mic_seconds
                ),
            );
            let req = preflight_audio::CaptureRequest {
                device: cx.opts.mic.clone(),
                duration: Duration::from_secs_f32(cx.opts.mic_seconds.clamp(0.5, 30.0)),
                // Done as soon as the sentence and the room between its words are heard.
                until_enough_speech: true,
            };
            let limit = req.duration + cx.limits.mic_extra;
            let (p, meter) = (cx.probes.clone(), cx.progress());
            let captured = blocking_within(limit, move || {
                p.mic(&req, &mut |level| {
                    let _ = meter.send(Progress::MicLevel { level });
                })
            })
            .await;
            match captured {
                Ok(Ok(cap)) => {
                    let a = preflight_audio::analyze(
                        &cap.samples,
                        cap.sample_rate,
                        thresholds::clip_params(),
                    );
                    verdict::mic(&cap.device_name, &a, cap.glitches)
                }
                Ok(Err(e)) => verdict::mic_error(&e),
                Err(stopped) => stopped.result(CheckId::Mic),
            }
        })
    }
}
