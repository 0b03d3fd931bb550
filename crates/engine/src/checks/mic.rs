//! The microphone: a few seconds of the mentor reading a sentence, judged for level, noise,
//! clipping and dropouts.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use preflight_model::CheckId;
use preflight_verdict::{self as verdict, thresholds};

use super::{Check, Cx, Need, Running};
use crate::measure::blocking_within;
use crate::options::{CheckOptions, PROMPT_SENTENCE};
use crate::probes::Probes;
use crate::progress::Progress;

/// How long the other microphones may take to close once the chosen one has been recorded.
const OTHERS_LIMIT: Duration = Duration::from_secs(2);

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
            // Every other microphone listens at the same time, for as long as the chosen one
            // is recorded: the commonest "they can't hear me" is a headset plugged in while
            // the laptop's own microphone stays chosen.
            let stop = Arc::new(AtomicBool::new(false));
            let chosen = req.device.clone();
            let others = {
                let (p, stop, chosen, max) =
                    (cx.probes.clone(), stop.clone(), chosen.clone(), limit);
                tokio::task::spawn_blocking(move || p.other_mics(chosen.as_deref(), max, &stop))
            };
            let (p, meter) = (cx.probes.clone(), cx.progress());
            let captured = blocking_within(limit, move || {
                p.mic(&req, &mut |level| {
                    let _ = meter.send(Progress::MicLevel { level });
                })
            })
            .await;
            stop.store(true, Ordering::Relaxed);
            let others = match tokio::time::timeout(OTHERS_LIMIT, others).await {
                Ok(Ok(heard)) => heard,
                _ => Vec::new(),
            };
            match captured {
                Ok(Ok(cap)) => {
                    let analyze = |c: &preflight_audio::Capture| {
                        preflight_audio::analyze(
                            &c.samples,
                            c.sample_rate,
                            thresholds::clip_params(),
                        )
                    };
                    let a = analyze(&cap);
                    let result = verdict::mic(&cap.device_name, &a, cap.glitches);
                    let others: Vec<(String, _)> = others
                        .iter()
                        .map(|c| (c.device_name.clone(), analyze(c)))
                        .collect();
                    match verdict::better_input(&a, &others) {
                        Some(better) => {
                            verdict::with_better_input(result, chosen.as_deref(), &better)
                        }
                        None => result,
                    }
                }
                Ok(Err(e)) => verdict::mic_error(&e),
                Err(stopped) => stopped.result(CheckId::Mic),
            }
        })
    }
}
