//! Framing and light: where the face is in the picture, how big, the eye line, light on the face
//! against the background — from the background check's look at the picture.

use preflight_model::CheckId;
use preflight_verdict as verdict;

use super::{skipped, Check, Cx, Need, Running};
use crate::measure::{crashed_result, Stopped};
use crate::options::CheckOptions;
use crate::probes::{CameraChoice, Probes};

/// The framing check.
pub struct Framing;

impl<P: Probes> Check<P> for Framing {
    fn id(&self) -> CheckId {
        CheckId::Framing
    }

    fn needs(&self) -> &'static [Need] {
        &[Need::Camera]
    }

    fn after(&self) -> &'static [CheckId] {
        &[CheckId::Camera, CheckId::Background]
    }

    fn switched_off(&self, opts: &CheckOptions) -> Option<String> {
        (opts.camera == CameraChoice::Off)
            .then(|| "Framing check needs the camera, which was switched off.".into())
    }

    fn run<'a>(&'a self, cx: &'a Cx<P>) -> Running<'a> {
        Box::pin(async move {
            let (no_picture, analysis) = {
                let f = cx.facts();
                let why = match &f.picture {
                    Some(Err(why)) => Some(why.clone()),
                    _ => None,
                };
                (why, f.analysis.clone())
            };
            if let Some(why) = no_picture {
                return skipped(
                    CheckId::Framing,
                    format!("No picture to look for your face: {why}."),
                );
            }
            match analysis {
                Some(Ok(a)) => verdict::framing(&a),
                Some(Err(Stopped::TimedOut(limit))) => {
                    verdict::analysis_timed_out(CheckId::Framing, limit)
                }
                Some(Err(Stopped::Crashed)) | None => crashed_result(CheckId::Framing),
            }
        })
    }
}
