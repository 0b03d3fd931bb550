//! The whole picture analysis the camera check runs on a frame: who is in it (mask and face),
//! how busy the background behind them is, and how they are framed and lit.

#[cfg(feature = "models")]
use image::RgbImage;
use preflight_scene::SceneAnalysis;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[cfg(feature = "models")]
use crate::framing;
use crate::framing::Framing;
use crate::Person;
#[cfg(feature = "models")]
use crate::{Models, PersonError};

/// Around the person, this share of the picture's width is left out of the background too: the
/// mask's soft edge, hair, and the halo a camera's processing leaves around a person.
pub const MARGIN: f32 = 0.03;

/// Background, person and framing of one frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FrameAnalysis {
    /// How busy the background is, with the person left out.
    pub scene: SceneAnalysis,
    /// Where the face is and how it is framed and lit; `None` when no face was found.
    pub framing: Option<Framing>,
    /// Why the person detector could not run, if it could not (the background is then scored
    /// as a whole and the framing is unknown).
    pub detector_error: Option<String>,
}

#[cfg(feature = "models")]
/// Analyses `frame` (any size). `models` is [`crate::shared`]'s result: when the models could
/// not be loaded, the background is scored as a whole and the error is reported, never a panic.
pub fn analyze(models: Result<&Models, PersonError>, frame: &RgbImage) -> FrameAnalysis {
    let small = preflight_scene::downscale(frame);
    let (w, h) = small.dimensions();
    match models.and_then(|m| m.person(&small)) {
        Ok(p) => {
            // Worked out once: the busyness leaves it out, the framing compares light against it.
            let background = background(&p, w, h);
            let framing = p
                .face
                .as_ref()
                .zip(background.as_deref())
                .map(|(f, bg)| framing::measure(f, bg, &small));
            FrameAnalysis {
                scene: preflight_scene::analyze_work(&small, background.as_deref()),
                framing,
                detector_error: None,
            }
        }
        Err(e) => FrameAnalysis {
            scene: preflight_scene::analyze_work(&small, None),
            framing: None,
            detector_error: Some(e.to_string()),
        },
    }
}

/// Which pixels of a `w × h` work picture are background for the busyness measures: outside the
/// person and a [`MARGIN`] around them; `None` (all of it) when no face was found.
pub fn background(p: &Person, w: u32, h: u32) -> Option<Vec<bool>> {
    p.face.is_some().then(|| p.mask.background(w, h, MARGIN))
}
