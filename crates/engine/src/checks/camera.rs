//! The camera: a couple of seconds of frames, judged for frame rate, black and frozen frames,
//! exposure and sharpness. The sample is kept for the background and framing checks.

use std::time::Duration;

use preflight_model::CheckId;
use preflight_verdict as verdict;

use super::{Check, Cx, Need, Running};
use crate::measure::blocking_within;
use crate::options::CheckOptions;
use crate::probes::{CameraChoice, Probes};
use crate::progress::Progress;

/// The camera check.
pub struct Camera;

impl<P: Probes> Check<P> for Camera {
    fn id(&self) -> CheckId {
        CheckId::Camera
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Camera]
    }

    fn switched_off(&self, opts: &CheckOptions) -> Option<String> {
        (opts.camera == CameraChoice::Off).then(|| "Camera check switched off.".into())
    }

    fn run<'a>(&'a self, cx: &'a Cx<P>) -> Running<'a> {
        Box::pin(async move {
            cx.started(CheckId::Camera, "Looking through your camera…");
            let seconds = Duration::from_secs_f32(cx.opts.camera_seconds.clamp(0.2, 30.0));
            let (p, choice, live) = (cx.probes.clone(), cx.opts.camera.clone(), cx.progress());
            let sampled = blocking_within(seconds + cx.limits.camera_extra, move || {
                let mut frames = 0u32;
                let mut next_preview = Duration::ZERO;
                p.camera(&choice)
                    .and_then(|mut src| {
                        let name = src.name();
                        preflight_camera::sample(src.as_mut(), seconds, 600, |frame| {
                            frames += 1;
                            if frame.timestamp >= next_preview {
                                next_preview = frame.timestamp
                                    + Duration::from_secs(1) / crate::preview::PREVIEW_FPS;
                                let _ = live.send(Progress::CameraFrame {
                                    frames,
                                    preview: crate::preview::encode_preview(&frame.image, &name),
                                });
                            }
                        })
                    })
                    .map(|s| (s, frames))
            })
            .await;
            let (result, picture) = match sampled {
                Ok(Ok((s, frames))) => (
                    verdict::camera(&s.source, &s.summary),
                    Ok((std::sync::Arc::new(s), frames)),
                ),
                Ok(Err(e)) => (verdict::camera_error(&e), Err("the camera check failed")),
                Err(stopped) => (
                    stopped.result(CheckId::Camera),
                    Err("the camera did not answer"),
                ),
            };
            cx.facts().picture = Some(picture.map_err(str::to_string));
            result
        })
    }
}
