//! The mentor in the picture: face found, framing, light on the face.

use crate::thresholds::framing as fr;
use preflight_model::{CheckId, CheckResult, Detail, Status};
use preflight_person::frame::FrameAnalysis;

/// One framing problem: what is wrong, what to do, and the key the UI draws its guide for.
struct Framed {
    key: &'static str,
    summary: String,
    advice: &'static str,
}

/// Verdict for the mentor in the picture: is a face there, is it framed and lit well? Every
/// problem found is listed (most important first); each is a warning — the call works, the
/// mentee just sees less of the mentor.
pub fn framing(f: &FrameAnalysis) -> CheckResult {
    let id = CheckId::Framing;
    if let Some(e) = &f.detector_error {
        return CheckResult::new(
            id,
            Status::Skipped,
            format!("Could not look for your face in the picture ({e})."),
        );
    }
    let Some(m) = &f.framing else {
        return CheckResult::new(id, Status::Warn, "We can't see your face in the picture.")
            .with_advice(
                "Sit in front of the camera, facing it, with your whole face in the picture and some light on it. If you are there, check that nothing covers the camera.",
            )
            .with_details(vec![Detail::text("face", "Face", "not found")]);
    };
    let mut problems: Vec<Framed> = Vec::new();
    if m.face_outside > fr::FACE_OUTSIDE || m.head_top < 0.0 {
        problems.push(Framed {
            key: "cut_off",
            summary: "The top of your head is cut off by the edge of the picture.".into(),
            advice: "Tilt the camera up a little or sit a little lower, so there is a little space above your head.",
        });
    }
    if m.face_height > fr::FACE_LARGE {
        problems.push(Framed {
            key: "too_close",
            summary: "You are very close to the camera: your face fills the picture.".into(),
            advice: "Sit back a little (about an arm's length), so your head and shoulders show.",
        });
    } else if m.face_height < fr::FACE_SMALL {
        problems.push(Framed {
            key: "too_far",
            summary: "You look small and far away in the picture.".into(),
            advice:
                "Move closer to the camera, so your head and shoulders fill more of the picture.",
        });
    }
    if m.eye_line < fr::EYES_HIGH && !problems.iter().any(|p| p.key == "cut_off") {
        problems.push(Framed {
            key: "eyes_high",
            summary: "Your eyes are very near the top of the picture.".into(),
            advice: "Tilt the camera up a little or sit a little lower: your eyes should be about a third of the way down.",
        });
    } else if m.eye_line > fr::EYES_LOW {
        problems.push(Framed {
            key: "eyes_low",
            summary: "You are low in the picture, with a lot of empty space above your head.".into(),
            advice: "Raise the camera to eye level (a few books under the laptop help) or tilt it down a little: your eyes should be about a third of the way down.",
        });
    }
    let off = m.centre_x - 0.5;
    if off.abs() > fr::OFF_CENTRE {
        problems.push(Framed {
            key: "off_centre",
            summary: format!(
                "You are off to the {} of the picture.",
                if off < 0.0 { "left" } else { "right" }
            ),
            advice: "Move your chair or turn the camera so you sit in the middle of the picture.",
        });
    }
    if m.face_luma < m.background_luma * fr::BACKLIT_RATIO
        && m.background_luma > fr::BACKLIT_BACKGROUND
    {
        problems.push(Framed {
            key: "backlit",
            summary: "Your face is darker than what is behind you (backlight).".into(),
            advice: "Turn so the window or lamp is in front of you, not behind you, or close the curtain behind you.",
        });
    } else if m.face_luma < fr::FACE_DARK {
        problems.push(Framed {
            key: "face_dark",
            summary: "Your face is in the dark.".into(),
            advice: "Put a light in front of you, facing you, a little above your eyes.",
        });
    }
    if m.side_balance < fr::UNEVEN {
        problems.push(Framed {
            key: "uneven",
            summary: "One side of your face is much darker than the other.".into(),
            advice: "Face the window or lamp, or add a light on the darker side.",
        });
    }
    if m.nose_position < fr::NOSE_HIGH {
        problems.push(Framed {
            key: "from_below",
            summary: "The camera seems to look up at you from below.".into(),
            advice: "Raise the camera to the height of your eyes (put the laptop on a few books), so it looks at you straight on.",
        });
    }
    let details = vec![
        Detail::text(
            "issues",
            "Framing notes",
            if problems.is_empty() {
                "none".to_string()
            } else {
                problems
                    .iter()
                    .map(|p| p.key)
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
        Detail::number(
            "face_height",
            "Face height",
            m.face_height as f64 * 100.0,
            "% of the picture",
            0,
        ),
        Detail::number(
            "eye_line",
            "Eyes from the top",
            m.eye_line as f64 * 100.0,
            "% of the picture",
            0,
        ),
        Detail::number(
            "centre",
            "Face centre from the left",
            m.centre_x as f64 * 100.0,
            "%",
            0,
        ),
        Detail::number(
            "face_light",
            "Light on your face",
            m.face_luma as f64 / 2.55,
            "%",
            0,
        ),
        Detail::number(
            "background_light",
            "Light behind you",
            m.background_luma as f64 / 2.55,
            "%",
            0,
        ),
    ];
    if problems.is_empty() {
        return CheckResult::new(
            id,
            Status::Pass,
            "You are well framed and your face is well lit.",
        )
        .with_details(details);
    }
    let summary = problems
        .iter()
        .map(|p| p.summary.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let advice = problems
        .iter()
        .map(|p| p.advice)
        .collect::<Vec<_>>()
        .join(" ");
    CheckResult::new(id, Status::Warn, summary)
        .with_advice(advice)
        .with_details(details)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(tweak: impl Fn(&mut preflight_person::framing::Framing)) -> FrameAnalysis {
        use preflight_person::{framing::Framing, Face, Point};
        let p = |x, y| Point { x, y };
        let face = Face {
            score: 0.9,
            left: 0.42,
            top: 0.22,
            width: 0.16,
            height: 0.25,
            right_eye: p(0.46, 0.3),
            left_eye: p(0.54, 0.3),
            nose: p(0.5, 0.36),
            mouth: p(0.5, 0.41),
        };
        let mut m = Framing {
            face,
            centre_x: 0.5,
            eye_line: 0.3,
            face_height: 0.25,
            head_top: 0.14,
            face_outside: 0.0,
            face_luma: 140.0,
            background_luma: 150.0,
            side_balance: 0.9,
            nose_position: 0.55,
        };
        tweak(&mut m);
        FrameAnalysis {
            scene: preflight_scene::analyze(&image::RgbImage::new(64, 36)),
            framing: Some(m),
            detector_error: None,
        }
    }

    #[test]
    fn framing_rules() {
        let key = |c: &CheckResult| {
            c.details
                .iter()
                .find(|d| d.key == "issues")
                .map(|d| d.text.clone())
                .unwrap_or_default()
        };
        let good = framing(&framed(|_| {}));
        assert_eq!(good.status, Status::Pass);
        assert_eq!(key(&good), "none");
        assert!(good.advice.is_none());
        // Each rule on its own, at the threshold's right side.
        for (tweak, expect) in [
            (
                Box::new(|m: &mut preflight_person::framing::Framing| m.nose_position = 0.25)
                    as Box<dyn Fn(&mut preflight_person::framing::Framing)>,
                "from_below",
            ),
            (
                Box::new(|m| {
                    m.face_luma = 40.0;
                    m.background_luma = 50.0
                }),
                "face_dark",
            ),
            (
                Box::new(|m| {
                    m.face_luma = 80.0;
                    m.background_luma = 200.0
                }),
                "backlit",
            ),
            (Box::new(|m| m.side_balance = 0.4), "uneven"),
            (Box::new(|m| m.centre_x = 0.75), "off_centre"),
            (Box::new(|m| m.eye_line = 0.6), "eyes_low"),
            (Box::new(|m| m.eye_line = 0.12), "eyes_high"),
            (Box::new(|m| m.face_height = 0.6), "too_close"),
            (Box::new(|m| m.face_height = 0.07), "too_far"),
            (Box::new(|m| m.head_top = -0.05), "cut_off"),
        ] {
            let c = framing(&framed(tweak));
            assert_eq!(c.status, Status::Warn, "{expect}");
            assert_eq!(key(&c), expect);
            assert!(c.advice.is_some(), "{expect} has advice");
        }
        // Just inside the limits: nothing.
        let edge = framing(&framed(|m| {
            m.nose_position = 0.34;
            m.centre_x = 0.67;
            m.side_balance = 0.61;
        }));
        assert_eq!(edge.status, Status::Pass, "{}", edge.summary);
        // A cut-off head also puts the eyes high: only the cut is reported.
        let cut = framing(&framed(|m| {
            m.head_top = -0.1;
            m.eye_line = 0.1;
        }));
        assert_eq!(key(&cut), "cut_off");
        // No face, and a detector that could not run.
        let mut none = framed(|_| {});
        none.framing = None;
        let c = framing(&none);
        assert_eq!(c.status, Status::Warn);
        assert!(c.summary.contains("can't see your face"));
        none.detector_error = Some("the model could not load".into());
        assert_eq!(framing(&none).status, Status::Skipped);
    }
}
