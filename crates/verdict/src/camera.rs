//! The camera: delivered frame rate and resolution, black and frozen frames, exposure, sharpness, light.

use crate::thresholds::camera as cam;
use preflight_camera::{CameraError, CameraSummary};
use preflight_model::{CheckId, CheckResult, Detail, Status};

/// Verdict for a camera capture.
pub fn camera(source: &str, s: &CameraSummary) -> CheckResult {
    camera_with_face(source, s, false)
}

/// Verdict for the camera, knowing whether a face was found: then light on the face is judged
/// by [`framing`] (measured on the face itself) and the centre-against-surround backlight guess is
/// left out here.
pub fn camera_with_face(source: &str, s: &CameraSummary, face_found: bool) -> CheckResult {
    let share = |n: usize| {
        if s.frames == 0 {
            0.0
        } else {
            n as f32 / s.frames as f32
        }
    };
    let mut details = vec![
        Detail::text("device", "Camera", source),
        Detail::text(
            "resolution",
            "Picture size",
            format!("{}×{}", s.width, s.height),
        ),
    ];
    if let Some((w, h, fps)) = s.requested {
        details.push(Detail::text(
            "requested",
            "Asked for",
            format!("{w}×{h} at {fps} fps"),
        ));
    }
    details.extend([
        Detail::number("fps", "Frames per second", s.fps as f64, "fps", 1),
        Detail::number("frames", "Frames checked", s.frames as f64, "", 0),
        Detail::number("black_frames", "Black frames", s.black_frames as f64, "", 0),
        Detail::number(
            "frozen_frames",
            "Frozen frames",
            s.frozen_frames as f64,
            "",
            0,
        ),
        Detail::number("mean_luma", "Brightness (0–255)", s.mean_luma as f64, "", 0),
        Detail::number(
            "centre_luma",
            "Brightness in the middle",
            s.centre_luma as f64,
            "",
            0,
        ),
        Detail::number(
            "surround_luma",
            "Brightness around",
            s.surround_luma as f64,
            "",
            0,
        ),
        Detail::number("sharpness", "Sharpness", s.sharpness as f64, "", 0),
        Detail::text(
            "chroma",
            "Colour balance (red/green/blue)",
            format!(
                "{:.2} / {:.2} / {:.2}",
                s.chroma[0], s.chroma[1], s.chroma[2]
            ),
        ),
    ]);
    if s.still {
        details.push(Detail::text(
            "still",
            "Source",
            "a still picture (frozen-frame check not applicable)",
        ));
    }
    let r = |status, summary: String, advice: &str| {
        let mut c =
            CheckResult::new(CheckId::Camera, status, summary).with_details(details.clone());
        if !advice.is_empty() {
            c.advice = Some(advice.to_string());
        }
        c
    };
    if s.frames == 0 {
        return r(
            Status::Fail,
            format!("\"{source}\" delivered no picture."),
            "Reconnect the camera, or pick another one, and run the check again.",
        );
    }
    if share(s.black_frames) > cam::MAX_BLACK_SHARE {
        return r(
            Status::Fail,
            format!(
                "The camera shows a black picture ({} of {} frames).",
                s.black_frames, s.frames
            ),
            "Open the camera's privacy shutter or remove its cover, and check the room is lit.",
        );
    }
    if !s.still && share(s.frozen_frames) > cam::MAX_FROZEN_SHARE {
        return r(
            Status::Fail,
            format!("The picture is frozen ({} of {} frames did not change).", s.frozen_frames, s.frames),
            "Unplug the camera and plug it back in (or restart the computer), then run the check again.",
        );
    }
    if s.fps < cam::MIN_FPS {
        return r(
            Status::Fail,
            format!("The camera delivers only {:.1} frames per second.", s.fps),
            "Close other apps that use the camera or a lot of processing power, or plug the camera into another USB port.",
        );
    }
    let mut problems: Vec<(String, &str)> = Vec::new();
    if s.fps < cam::LOW_FPS {
        problems.push((
            format!("The picture may look jerky ({:.1} frames per second).", s.fps),
            "Add light to the room (cameras slow down in the dark) and close other apps using the camera.",
        ));
    }
    let asked_width = s.requested.map(|r| r.0).unwrap_or(0);
    if s.width < cam::MIN_WIDTH
        || (asked_width > 0 && (s.width as f32) < asked_width as f32 * cam::MIN_WIDTH_SHARE)
    {
        problems.push((
            format!("The picture is small ({}×{}).", s.width, s.height),
            "Plug the camera straight into the computer (not a hub), or pick a better camera; calls look best at 1280×720 or more.",
        ));
    }
    let dark = s.mean_luma < cam::DARK_LUMA;
    if dark {
        problems.push((
            "Your picture is too dark.".into(),
            "Turn on a light in front of you, facing you (not behind you).",
        ));
    } else if !face_found
        && s.surround_luma - s.centre_luma > cam::BACKLIGHT_DIFF
        && s.surround_luma > cam::BACKLIGHT_SURROUND
    {
        problems.push((
            "Your face is backlit: it is much darker than what is behind you.".into(),
            "Turn so the window or lamp is in front of you, not behind you, or close the curtain behind you.",
        ));
    } else if s.mean_luma > cam::BRIGHT_LUMA || s.bright_share > cam::MAX_BRIGHT_SHARE {
        problems.push((
            "Your picture is washed out (too bright).".into(),
            "Move away from direct sunlight or turn down the light shining at the camera.",
        ));
    }
    if s.sharpness < cam::BLURRY_SHARPNESS {
        problems.push((
            "Your picture is blurry.".into(),
            "Wipe the camera lens with a soft cloth; if the camera has a focus ring, adjust it.",
        ));
    }
    if !dark {
        let [red, green, blue] = s.chroma;
        let cast = if blue > cam::CAST_BLUE_GREEN {
            Some("blue")
        } else if green > cam::CAST_BLUE_GREEN {
            Some("green")
        } else if red > cam::CAST_RED {
            Some("orange")
        } else {
            None
        };
        if let Some(colour) = cast {
            problems.push((
                format!("Your picture looks very {colour}."),
                "Check the camera's white balance (set it to automatic in the camera settings) and the colour of the light in the room.",
            ));
        }
    }
    match problems.as_slice() {
        [] => r(
            Status::Pass,
            format!(
                "Your camera works: {}×{} at {:.0} frames per second.",
                s.width, s.height, s.fps
            ),
            "",
        ),
        [(summary, advice)] => r(Status::Warn, summary.clone(), advice),
        many => {
            let summary = many
                .iter()
                .map(|(s, _)| s.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let advice = many.iter().map(|(_, a)| *a).collect::<Vec<_>>().join(" ");
            r(Status::Warn, summary, &advice)
        }
    }
}

/// Verdict when the camera could not be used.
pub fn camera_error(e: &CameraError) -> CheckResult {
    let advice = match e {
        CameraError::NoCamera | CameraError::NotFound { .. } => {
            "Plug in a webcam (or open the laptop lid) and run the check again. The mentoring codes ask for the camera to be on during sessions."
        }
        CameraError::Busy(_) => "Close Zoom, Teams, Meet or any other app using the camera, then run the check again.",
        CameraError::PermissionDenied(_) => "Allow camera access for Mentor Preflight in your system settings.",
        CameraError::Image { .. } => "Check the image file path and that it is a PNG or JPEG picture.",
        _ => "Reconnect the camera, or pick another one, and run the check again.",
    };
    CheckResult::new(CheckId::Camera, Status::Fail, e.to_string()).with_advice(advice)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cam_summary(fps: f32, frames: usize, black: usize, luma: f32, w: u32) -> CameraSummary {
        CameraSummary {
            frames,
            fps,
            width: w,
            height: w * 9 / 16,
            requested: None,
            still: false,
            black_frames: black,
            frozen_frames: 0,
            mean_luma: luma,
            dark_share: 0.0,
            bright_share: 0.0,
            centre_luma: luma,
            surround_luma: luma,
            sharpness: 500.0,
            chroma: [0.36, 0.33, 0.31],
        }
    }

    #[test]
    fn camera_rules() {
        assert_eq!(
            camera("c", &cam_summary(30.0, 60, 0, 120.0, 1280)).status,
            Status::Pass
        );
        assert_eq!(
            camera("c", &cam_summary(3.0, 10, 0, 120.0, 1280)).status,
            Status::Fail
        );
        assert_eq!(
            camera("c", &cam_summary(10.0, 20, 0, 120.0, 1280)).status,
            Status::Warn
        );
        assert_eq!(
            camera("c", &cam_summary(30.0, 60, 30, 60.0, 1280)).status,
            Status::Fail
        );
        assert_eq!(
            camera("c", &cam_summary(30.0, 60, 0, 40.0, 1280)).status,
            Status::Warn
        );
        assert_eq!(
            camera("c", &cam_summary(30.0, 60, 0, 230.0, 1280)).status,
            Status::Warn
        );
        assert_eq!(
            camera("c", &cam_summary(30.0, 60, 0, 120.0, 320)).status,
            Status::Warn
        );
        assert_eq!(
            camera("c", &cam_summary(0.0, 0, 0, 0.0, 0)).status,
            Status::Fail
        );
    }

    #[test]
    fn camera_picture_rules() {
        let ok = cam_summary(30.0, 60, 0, 120.0, 1280);
        let with = |f: &dyn Fn(&mut CameraSummary)| {
            let mut s = ok.clone();
            f(&mut s);
            camera("c", &s)
        };
        let frozen = with(&|s| s.frozen_frames = 40);
        assert_eq!(frozen.status, Status::Fail);
        assert!(frozen.summary.contains("frozen"));
        // A still test picture repeats itself by design: not a fault.
        assert_eq!(
            with(&|s| {
                s.frozen_frames = 59;
                s.still = true
            })
            .status,
            Status::Pass
        );
        let backlit = with(&|s| {
            s.centre_luma = 60.0;
            s.surround_luma = 200.0
        });
        assert_eq!(backlit.status, Status::Warn);
        assert!(
            backlit.summary.contains("backlit")
                && backlit.advice.unwrap().contains("in front of you")
        );
        assert!(with(&|s| s.sharpness = 10.0).summary.contains("blurry"));
        assert!(with(&|s| s.chroma = [0.28, 0.3, 0.42])
            .summary
            .contains("very blue"));
        assert!(with(&|s| s.chroma = [0.3, 0.42, 0.28])
            .summary
            .contains("very green"));
        assert_eq!(
            with(&|s| s.chroma = [0.54, 0.29, 0.17]).status,
            Status::Pass,
            "a warm scene is fine"
        );
        assert!(with(&|s| s.bright_share = 0.4)
            .summary
            .contains("washed out"));
        let small = with(&|s| {
            s.requested = Some((1280, 720, 30));
            s.width = 640;
            s.height = 360
        });
        assert!(small.summary.contains("small"), "{}", small.summary);
        // Several problems are all named, with all the advice.
        let both = with(&|s| {
            s.sharpness = 10.0;
            s.chroma = [0.28, 0.3, 0.42]
        });
        assert!(both.summary.contains("blurry") && both.summary.contains("blue"));
        assert!(both.advice.unwrap().contains("lens"));
    }

    #[test]
    fn no_camera_is_a_clear_failure() {
        let c = camera_error(&CameraError::NoCamera);
        assert_eq!(c.status, Status::Fail);
        assert!(c.summary.contains("No camera was found"));
        assert!(c.advice.is_some());
    }

    #[test]
    fn a_found_face_replaces_the_backlight_guess() {
        let mut s = cam_summary(30.0, 60, 0, 120.0, 1280);
        s.centre_luma = 60.0;
        s.surround_luma = 200.0;
        assert!(camera("c", &s).summary.contains("backlit"));
        assert!(!camera_with_face("c", &s, true).summary.contains("backlit"));
    }
}
