//! The background: the last frame looked at — who is in it, where their face is, how busy the
//! background behind them is — and judged for busyness. The look is kept for the framing check,
//! and it tells the camera check whether a face was seen.

use preflight_model::CheckId;
use preflight_verdict as verdict;

use super::{skipped, Check, Cx, Need, Running};
use crate::measure::{blocking_within, crashed_result, Stopped};
use crate::options::CheckOptions;
use crate::probes::{CameraChoice, Probes};
use crate::progress::Progress;

/// The background check.
pub struct Background;

impl<P: Probes> Check<P> for Background {
    fn id(&self) -> CheckId {
        CheckId::Background
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Camera]
    }

    fn after(&self) -> &'static [CheckId] {
        &[CheckId::Camera]
    }

    fn switched_off(&self, opts: &CheckOptions) -> Option<String> {
        (opts.camera == CameraChoice::Off)
            .then(|| "Background check needs the camera, which was switched off.".into())
    }

    fn run<'a>(&'a self, cx: &'a Cx<P>) -> Running<'a> {
        Box::pin(async move {
            let picture = cx.facts().picture.clone();
            let (sample, frames) = match picture {
                Some(Ok(p)) => p,
                Some(Err(why)) => {
                    return skipped(
                        CheckId::Background,
                        format!("No picture to check the background: {why}."),
                    )
                }
                None => {
                    return skipped(
                        CheckId::Background,
                        "No picture to check the background: the camera check did not end.",
                    )
                }
            };
            cx.started(CheckId::Background, "Looking at you and your background…");
            let (p, looked_at) = (cx.probes.clone(), sample.clone());
            let analysis =
                blocking_within(cx.limits.analysis, move || p.analyze(&looked_at.last_frame)).await;
            cx.facts().analysis = Some(analysis.clone());
            let analysis = match analysis {
                Ok(a) => a,
                // The camera worked; only the look at its picture did not finish.
                Err(Stopped::TimedOut(limit)) => {
                    return verdict::analysis_timed_out(CheckId::Background, limit)
                }
                Err(Stopped::Crashed) => return crashed_result(CheckId::Background),
            };
            // The camera's verdict knows now whether a face was seen in its picture.
            let face = analysis.framing.is_some();
            cx.amend(CheckId::Camera, |_| {
                verdict::camera_with_face(&sample.source, &sample.summary, face)
            });
            cx.send(Progress::CameraFrame {
                frames,
                preview: crate::preview::encode_preview(&sample.last_frame, &sample.source),
            });
            cx.send(Progress::SceneMap {
                scene: analysis.scene.clone(),
                framing: analysis.framing.clone(),
            });
            verdict::background(&analysis.scene)
        })
    }
}
