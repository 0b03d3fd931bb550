//! Pure verdict rules: measurements in, [`CheckResult`] out. Limits come from
//! [`thresholds`], each with its source; the code-of-conduct [`checklist`] takes its evidence
//! from the typed facts the verdicts establish.

pub mod checklist;
pub mod thresholds;

use preflight_audio::{AudioError, MicAnalysis, SpeakerOutcome};
use preflight_camera::{CameraError, CameraSummary};
use preflight_net::{LinkInfo, LinkKind};
use preflight_scene::SceneAnalysis;

use crate::thresholds::{background as bg, camera as cam, framing as fr, mic};
use preflight_model::{CheckId, CheckResult, Detail, Evidence, Status};
use preflight_person::frame::FrameAnalysis;

/// Verdict for a microphone recording from `device`; `glitches` are the over/underruns the
/// sound system reported while recording.
pub fn mic(device: &str, a: &MicAnalysis, glitches: u32) -> CheckResult {
    let details = vec![
        Detail::text("device", "Device", device),
        Detail::number("rms_dbfs", "Average level", a.rms_dbfs as f64, "dBFS", 1),
        Detail::number("peak_dbfs", "Peak level", a.peak_dbfs as f64, "dBFS", 1),
        Detail::number(
            "speech_dbfs",
            "Voice level",
            a.speech_level_dbfs as f64,
            "dBFS",
            1,
        ),
        Detail::number(
            "noise_floor_dbfs",
            "Room background",
            a.noise_floor_dbfs as f64,
            "dBFS",
            1,
        ),
        Detail::number("snr_db", "Voice above background", a.snr_db as f64, "dB", 1),
        Detail::number(
            "clipping_events",
            "Distortion (clipping) events",
            a.clipping_events as f64,
            "",
            0,
        ),
        Detail::number(
            "dropouts",
            "Dropouts",
            (a.dropouts + glitches as usize) as f64,
            "",
            0,
        ),
        Detail::number(
            "dc_offset_pct",
            "DC offset",
            a.dc_offset as f64 * 100.0,
            "%",
            2,
        ),
        Detail::number("duration_s", "Recorded", a.duration_s as f64, "s", 1),
    ];
    let r = |status, summary: String, advice: Option<&str>| {
        let mut c = CheckResult::new(CheckId::Mic, status, summary)
            .with_details(details.clone())
            .with_evidence(Evidence::RoomNoise {
                floor_dbfs: a.noise_floor_dbfs as f64,
            });
        c.advice = advice.map(str::to_string);
        c
    };

    if a.peak_dbfs < mic::NO_SIGNAL_DBFS {
        return r(
            Status::Fail,
            format!("No sound is reaching the app from \"{device}\"."),
            Some("Check that the microphone is not muted (a switch on the headset or a key on the keyboard), that it is plugged in, and that the right microphone is chosen."),
        );
    }
    if a.clipping_events > mic::MAX_CLIPPING_EVENTS {
        return r(
            Status::Warn,
            format!("Your voice is distorting: it hit the maximum level {} times.", a.clipping_events),
            Some("Turn the microphone input volume down a little in your sound settings, or move the microphone a bit further from your mouth."),
        );
    }
    let dropouts = a.dropouts + glitches as usize;
    if dropouts > mic::MAX_DROPOUTS {
        return r(
            Status::Warn,
            format!("The sound from your microphone cut out {dropouts} times."),
            Some("Close programs you do not need, plug a USB microphone or headset straight into the computer (not a hub), and run the check again."),
        );
    }
    if a.dc_offset.abs() > mic::MAX_DC_OFFSET {
        return r(
            Status::Warn,
            "Your microphone's signal is lopsided (a DC offset), a sign of a faulty microphone or cable.".into(),
            Some("Try another microphone or headset, or another socket or USB port."),
        );
    }
    if a.noise_floor_dbfs > mic::NOISY_ROOM_DBFS {
        return r(
            Status::Warn,
            "Your room is noisy: the microphone picks up sound around you.".to_string(),
            Some("Close the window and door, switch off fans or music, or move somewhere quieter. A headset microphone also helps."),
        );
    }
    if a.speech_level_dbfs < mic::QUIET_SPEECH_DBFS {
        return r(
            Status::Warn,
            "Your voice comes through quietly.".to_string(),
            Some("Speak the test sentence at your normal volume. If it is still quiet, move closer to the microphone or turn its input volume up."),
        );
    }
    r(
        Status::Pass,
        "Your microphone works: your voice comes through clearly and the room is quiet."
            .to_string(),
        None,
    )
}

/// Verdict when the microphone could not be recorded.
pub fn mic_error(e: &AudioError) -> CheckResult {
    let advice = match e {
        AudioError::NoInputDevice
        | AudioError::DeviceNotFound { .. }
        | AudioError::Unavailable(_) => {
            "Plug in your headset or microphone (or choose another one) and run the check again."
        }
        AudioError::Busy(_) => {
            "Close other call or recording apps (Zoom, Teams, Skype) and run the check again."
        }
        AudioError::PermissionDenied(_) => {
            "Allow microphone access for Mentor Preflight in your system settings."
        }
        _ => "Reconnect the microphone, or pick another one, and run the check again.",
    };
    CheckResult::new(CheckId::Mic, Status::Fail, e.to_string()).with_advice(advice)
}

/// The question asked when the chime could not be confirmed acoustically.
pub const HEARD_QUESTION: &str = "Did you hear the three-note chime?";

/// Verdict for the speaker test.
pub fn speaker(o: &SpeakerOutcome) -> CheckResult {
    let mut details = vec![
        Detail::text("device", "Device", o.output_device.clone()),
        Detail::number(
            "played_pct",
            "Chime played",
            100.0 * o.frames_played as f64 / o.frames_expected.max(1) as f64,
            "%",
            0,
        ),
    ];
    if let Some(Ok(d)) = &o.listened {
        details.push(Detail::number(
            "notes_heard",
            "Chime notes the microphone heard",
            d.notes_heard as f64,
            "of 3",
            0,
        ));
    }
    if !o.played() {
        return CheckResult::new(
            CheckId::Speaker,
            Status::Fail,
            format!("\"{}\" did not play the test chime.", o.output_device),
        )
        .with_details(details)
        .with_advice("Check that your speakers or headphones are plugged in and switched on, and pick them in your sound settings.");
    }
    match &o.listened {
        Some(Ok(d)) if d.heard => CheckResult::new(
            CheckId::Speaker,
            Status::Pass,
            format!(
                "Your speakers work: the microphone heard the test chime from \"{}\".",
                o.output_device
            ),
        )
        .with_details(details),
        other => {
            let why = match other {
                Some(Ok(_)) => {
                    "The microphone did not pick it up (that is expected with headphones)."
                }
                Some(Err(_)) => "The microphone could not listen for it.",
                None => "",
            };
            let mut c = CheckResult::new(
                CheckId::Speaker,
                Status::Warn,
                format!("The test chime played on \"{}\". {why}", o.output_device).trim_end().to_string(),
            )
            .with_details(details)
            .with_advice("Listen for the chime and answer the question, or run the check again with your volume up.");
            c.question = Some(HEARD_QUESTION.to_string());
            c
        }
    }
}

/// The speaker result once the mentor has answered [`HEARD_QUESTION`].
pub fn speaker_answer(asked: &CheckResult, heard: bool) -> CheckResult {
    let device = asked
        .details
        .iter()
        .find(|d| d.key == "device")
        .map(|d| d.text.clone())
        .unwrap_or_else(|| "your speakers".into());
    let mut details = asked.details.clone();
    details.push(Detail::text(
        "answer",
        "You heard the chime",
        if heard { "yes" } else { "no" },
    ));
    if heard {
        CheckResult::new(
            CheckId::Speaker,
            Status::Pass,
            format!("Your speakers work: you heard the test chime on \"{device}\"."),
        )
        .with_details(details)
    } else {
        CheckResult::new(CheckId::Speaker, Status::Fail, format!("You did not hear the test chime on \"{device}\"."))
            .with_details(details)
            .with_advice("Turn the volume up and check it is not muted, make sure your headphones or speakers are plugged in and chosen as the output, then run the check again.")
    }
}

/// Settles the open question of check `id` in `report` with the mentor's answer and
/// recomputes the overall verdict. Checks without a question are left as they are.
pub fn answer(report: &mut preflight_model::Report, id: CheckId, yes: bool) {
    for c in report.checks.iter_mut() {
        if c.id == id && c.question.is_some() && id == CheckId::Speaker {
            *c = speaker_answer(c, yes);
        }
    }
    report.overall = preflight_model::Report::overall_of(&report.checks);
}

/// Verdict when the chime could not be played.
pub fn speaker_error(e: &AudioError) -> CheckResult {
    let advice = match e {
        AudioError::NoOutputDevice
        | AudioError::DeviceNotFound { .. }
        | AudioError::Unavailable(_) => {
            "Plug in headphones or speakers (or choose others) and run the check again."
        }
        AudioError::Busy(_) => {
            "Close other apps playing sound exclusively and run the check again."
        }
        _ => "Reconnect your speakers or headphones, or pick others, and run the check again.",
    };
    CheckResult::new(CheckId::Speaker, Status::Fail, e.to_string()).with_advice(advice)
}

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

/// Verdict for the background busyness of a frame.
pub fn background(a: &SceneAnalysis) -> CheckResult {
    let details = vec![
        Detail::number(
            "score",
            "Busyness (0 plain – 100 very busy)",
            a.score as f64,
            "",
            0,
        ),
        Detail::number(
            "edge_density",
            "Edge density",
            a.edge_density as f64 * 100.0,
            "%",
            1,
        ),
        Detail::number(
            "jpeg_bpp",
            "Compressed size",
            a.jpeg_bpp as f64,
            "bits/pixel",
            2,
        ),
        Detail::number("colour_variety", "Colours", a.colour_variety as f64, "", 0),
        Detail::number(
            "scenery_share",
            "Outdoor colours (sky, water, foliage, sand)",
            a.scenery_share as f64 * 100.0,
            "%",
            0,
        ),
    ];
    let where_ = a
        .busiest_region
        .as_deref()
        .map(|r| format!(" The {r} part of the picture is the busiest."))
        .unwrap_or_default();
    let scenery_too = if a.scenery {
        format!(
            " It also looks like an outdoor or holiday scene ({}).",
            a.scenery_kind.as_deref().unwrap_or("vivid colours")
        )
    } else {
        String::new()
    };
    let (status, summary, advice) = if a.score >= bg::FAIL_SCORE {
        (
            Status::Fail,
            format!("Your background is very busy (score {:.0}/100).{where_}{scenery_too}", a.score),
            Some("Tidy what is behind you, turn to face a plain wall, or use the call app's background blur."),
        )
    } else if a.score >= bg::WARN_SCORE {
        (
            Status::Warn,
            format!(
                "Your background is a little busy (score {:.0}/100).{where_}{scenery_too}",
                a.score
            ),
            Some("Consider tidying what is behind you or sitting with a plainer wall behind you."),
        )
    } else if a.scenery {
        (
            Status::Warn,
            format!(
                "Your background looks like an outdoor or holiday scene ({}): it can distract even when it is calm.",
                a.scenery_kind.as_deref().unwrap_or("vivid colours")
            ),
            Some("Choose a plain wall or a neutral virtual background instead of scenery such as a beach or a meadow."),
        )
    } else {
        (
            Status::Pass,
            format!("Your background looks calm (score {:.0}/100).", a.score),
            None,
        )
    };
    let mut c = CheckResult::new(CheckId::Background, status, summary).with_details(details);
    c.advice = advice.map(str::to_string);
    c
}

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

/// What the path measurement found.
#[derive(Debug, Clone, PartialEq)]
pub enum PathOutcome {
    /// Probes went out to `server`; these are the figures.
    Measured {
        /// The STUN server that was used.
        server: String,
        /// The figures.
        stats: preflight_net::PathStats,
    },
    /// No server name could be looked up.
    NoDns {
        /// The names tried.
        servers: Vec<String>,
    },
}

/// Verdict for the call path. `offline` says the link check found no default route.
pub fn path(outcome: &PathOutcome, offline: bool, link: Option<LinkKind>) -> CheckResult {
    use crate::thresholds::path as p;
    let (server, st) = match outcome {
        PathOutcome::NoDns { servers } => {
            let summary = if offline {
                "Call quality could not be measured: you are offline.".to_string()
            } else {
                format!(
                    "The test servers could not be found ({}): the internet or DNS is not working.",
                    servers.join(", ")
                )
            };
            return CheckResult::new(CheckId::Quality, Status::Fail, summary).with_advice(if offline {
                "Connect to your network (plug in the cable or join the Wi‑Fi), then run the check again."
            } else {
                "Check that you are connected (open a web page). If web pages load, restart your router or ask your IT contact about DNS."
            });
        }
        PathOutcome::Measured { server, stats } => (server, stats),
    };
    let details = vec![
        Detail::text("server", "Measured against", server.clone()),
        Detail::number("rtt_avg_ms", "Round trip (average)", st.rtt_avg_ms, "ms", 0),
        Detail::number(
            "rtt_p95_ms",
            "Round trip (95th percentile)",
            st.rtt_p95_ms,
            "ms",
            0,
        ),
        Detail::number("rtt_min_ms", "Round trip (best)", st.rtt_min_ms, "ms", 0),
        Detail::number("jitter_ms", "Jitter", st.jitter_ms, "ms", 1),
        Detail::number("loss_pct", "Packet loss", st.loss_pct, "%", 1),
        Detail::number("mos", "Call quality score (MOS, 1–4.5)", st.mos, "", 1),
        Detail::text(
            "probes",
            "Probes answered",
            format!("{} of {}", st.received, st.sent),
        ),
        Detail::text(
            "confidence",
            "Confidence",
            format!("{:?}", st.confidence).to_lowercase(),
        ),
    ];
    let r = |status, summary: String, advice: Option<&str>| {
        let mut c =
            CheckResult::new(CheckId::Quality, status, summary).with_details(details.clone());
        c.advice = advice.map(str::to_string);
        c
    };
    if st.received == 0 {
        return if offline {
            r(
                Status::Fail,
                "Call quality could not be measured: you are offline.".into(),
                Some("Connect to your network and run the check again."),
            )
        } else {
            r(
                Status::Warn,
                "No test packet got an answer: this network seems to block the kind of traffic video calls use.".into(),
                Some("Calls will fall back to a slower route and may be choppy. On a work or school network, ask IT to allow UDP for video calls, or use another network."),
            )
        };
    }
    let few = if st.received < 10 {
        " (few answers, so only a rough guide)"
    } else {
        ""
    };
    // Advice that fits how the mentor is connected: nobody on a cable is told to plug one in.
    let on_cable = link == Some(LinkKind::Wired);
    let fail_advice = if on_cable {
        "Stop downloads and streaming on your network and restart your router; if it stays poor, use another connection (your phone's mobile data, say)."
    } else {
        "Move closer to the router or plug in a cable, stop downloads and streaming on your network, or use another connection."
    };
    let warn_advice = if on_cable {
        "Ask others on your network to pause big downloads and streaming during the session."
    } else {
        "Plug in a cable if you can, and ask others on your network to pause big downloads and streaming during the session."
    };
    // Plain words here; the figures (round trip, jitter, loss, MOS) are under Measurements.
    if st.loss_pct > p::FAIL_LOSS_PCT || st.rtt_avg_ms > p::FAIL_RTT_MS {
        let why = if st.loss_pct > p::FAIL_LOSS_PCT {
            "much of what you send is lost"
        } else {
            "everything you say arrives late"
        };
        return r(
            Status::Fail,
            format!("Your connection is too poor for video right now: {why}{few}."),
            Some(fail_advice),
        );
    }
    let mut issues = Vec::new();
    if st.loss_pct > p::WARN_LOSS_PCT {
        issues.push("some of what you send is lost");
    }
    if st.rtt_avg_ms > p::WARN_RTT_MS {
        issues.push("there is a noticeable delay");
    }
    if st.jitter_ms > p::WARN_JITTER_MS {
        issues.push("the delay keeps changing");
    }
    if !issues.is_empty() {
        return r(
            Status::Warn,
            format!(
                "Your connection may make the call choppy: {}{few}.",
                issues.join(" and ")
            ),
            Some(warn_advice),
        );
    }
    r(
        Status::Pass,
        format!("Your connection is good for video calls{few}."),
        None,
    )
}

/// The connection card once the internet has been tried: a network that is up but from which
/// nothing on the internet answers is not "Good" (the call-quality card says why).
pub fn connection_without_internet(mut link: CheckResult) -> CheckResult {
    if link.status == Status::Fail {
        return link;
    }
    link.status = Status::Fail;
    link.summary = format!(
        "{} But the internet does not answer from here.",
        link.summary
    );
    link.advice = Some(
        "Open a web page to see whether the internet works. If it does not, restart your router or call your internet provider; if only this computer is affected, reconnect to the network.".into(),
    );
    link
}

/// Verdict for the meeting platforms' reachability.
pub fn platforms(results: &[preflight_net::Reachability], offline: bool) -> CheckResult {
    use preflight_net::ReachProblem as P;
    let details: Vec<Detail> = results
        .iter()
        .map(|r| {
            let key = format!("platform_{}", r.target.name.to_lowercase().replace(' ', "_"));
            let text = if r.ok {
                let total = r.dns_ms.unwrap_or(0.0) + r.connect_ms.unwrap_or(0.0) + r.tls_ms.unwrap_or(0.0);
                format!(
                    "reachable, secure connection in {total:.0} ms (name {:.0}, connect {:.0}, handshake {:.0})",
                    r.dns_ms.unwrap_or(0.0),
                    r.connect_ms.unwrap_or(0.0),
                    r.tls_ms.unwrap_or(0.0)
                )
            } else {
                let why = match r.problem {
                    Some(P::Dns) => "its name could not be looked up",
                    Some(P::Refused) => "the connection was refused",
                    Some(P::Timeout) => "no answer in time",
                    Some(P::Certificate) => "its certificate could not be verified",
                    _ => "the secure connection failed",
                };
                format!("not reachable: {why}")
            };
            Detail::text(&key, &r.target.name, text)
        })
        .collect();
    let names = |f: &dyn Fn(&preflight_net::Reachability) -> bool| {
        results
            .iter()
            .filter(|r| f(r))
            .map(|r| r.target.name.clone())
            .collect::<Vec<_>>()
    };
    let ok = names(&|r| r.ok);
    let bad = names(&|r| !r.ok);
    let cert = names(&|r| r.problem == Some(P::Certificate));
    let r = |status, summary: String, advice: Option<&str>| {
        let mut c =
            CheckResult::new(CheckId::Platforms, status, summary).with_details(details.clone());
        c.advice = advice.map(str::to_string);
        c
    };
    if bad.is_empty() {
        return r(
            Status::Pass,
            format!("{} can be reached.", join_names(&ok)),
            None,
        );
    }
    if !cert.is_empty() {
        return r(
            Status::Warn,
            format!("{} could not be verified: you may be behind a Wi‑Fi sign-in page or a network that inspects secure traffic.", join_names(&cert)),
            Some("Open a web browser and complete the Wi‑Fi sign-in page if there is one, or use another network."),
        );
    }
    if ok.is_empty() {
        return r(
            Status::Fail,
            if offline {
                "The meeting apps cannot be reached: you are offline.".to_string()
            } else {
                format!("None of the meeting apps could be reached ({}).", join_names(&bad))
            },
            Some("Check your internet connection; on a work network, ask IT whether video-call services are blocked."),
        );
    }
    r(
        Status::Warn,
        format!("{} could not be reached; {} can.", join_names(&bad), join_names(&ok)),
        Some("If your mentoring uses one of the apps that failed, open it now to check; on a work network, ask IT whether it is blocked."),
    )
}

/// "A", "A and B", "A, B and C".
/// Verdict for the connection's capacity: can it carry video, and does the delay jump when the
/// line is busy? `quality` is the call-quality verdict, so that the two never contradict each
/// other: when delay and loss were fine but the speed is low, the advice says the line is full
/// rather than broken. `offline` comes from the link check.
pub fn capacity(
    cap: Option<&preflight_net::capacity::Capacity>,
    quality: Status,
    offline: bool,
) -> CheckResult {
    use crate::thresholds::capacity as t;
    use preflight_net::capacity::CapacityProblem as P;
    let id = CheckId::Capacity;
    let Some(cap) = cap else {
        return CheckResult::new(
            id,
            Status::Fail,
            "Your connection speed could not be measured: you are offline.",
        )
        .with_advice("Connect to your network (plug in the cable or join the Wi‑Fi), then run the check again.");
    };
    let mut details = vec![Detail::text(
        "server",
        "Measured against",
        cap.server.clone(),
    )];
    if let Some(v) = cap.up_mbps {
        details.push(Detail::number("up_mbps", "Upload", v, "Mbps", 1));
    }
    if let Some(v) = cap.down_mbps {
        details.push(Detail::number("down_mbps", "Download", v, "Mbps", 1));
    }
    if let Some(v) = cap.idle_rtt_ms {
        details.push(Detail::number(
            "idle_rtt_ms",
            "Round trip, line quiet",
            v,
            "ms",
            0,
        ));
    }
    if let Some(v) = cap.loaded_rtt_ms {
        details.push(Detail::number(
            "loaded_rtt_ms",
            "Round trip while uploading",
            v,
            "ms",
            0,
        ));
    }
    details.push(Detail::number(
        "traffic_mb",
        "Test traffic",
        (cap.up_bytes + cap.down_bytes) as f64 / 1e6,
        "MB",
        1,
    ));
    let r = |status, summary: String, advice: Option<String>| {
        let mut c = CheckResult::new(id, status, summary).with_details(details.clone());
        c.advice = advice;
        c
    };
    let (Some(up), Some(down)) = (cap.up_mbps, cap.down_mbps) else {
        let why = cap
            .problem
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_else(|| "the test was too short to tell".into());
        let advice = match &cap.problem {
            _ if offline => "Connect to your network, then run the check again.".to_string(),
            Some(P::Tls(_)) => "If you are on a hotel, café or guest Wi‑Fi, open a web page and accept its terms, then run the check again.".into(),
            Some(P::Dns) | Some(P::Unreachable(_)) if quality == Status::Fail => "The internet does not seem to work: open a web page to check, restart your router, or use another connection.".into(),
            Some(P::BadUrl(_)) => "Check the speed-test addresses in your settings (they must start with https://).".into(),
            _ => "The other checks still tell you about your connection. Try again in a minute; on a work or school network, the speed-test site may be blocked.".into(),
        };
        return r(
            if offline { Status::Fail } else { Status::Warn },
            format!("Your connection speed could not be measured: {why}."),
            Some(advice),
        );
    };
    // Capacity and the quality of the path are separate questions: say which one is the
    // problem, so this card never contradicts the call-quality card above it.
    let path_fine = quality == Status::Pass;
    let full_line = if path_fine {
        " Delay and loss were fine, so the line works but is too full or too slow for video:"
    } else {
        ""
    };
    if up < t::AUDIO_MBPS || down < t::AUDIO_MBPS {
        return r(
            Status::Fail,
            format!("Too slow even for a voice call ({up:.1} Mbps up, {down:.1} Mbps down)."),
            Some(format!("Use another connection for the session (a cable, another Wi‑Fi, or your phone's mobile data).{full_line}")),
        );
    }
    if up < t::VIDEO_UP_MBPS || down < t::VIDEO_DOWN_MBPS {
        return r(
            Status::Fail,
            format!("Too slow for video: audio only ({up:.1} Mbps up, {down:.1} Mbps down)."),
            Some(format!(
                "{}Ask others at home to pause downloads, uploads and streaming, move closer to the router or plug in a cable, or use another connection. If it stays slow, start the session with audio and agree this with your mentee.",
                if path_fine { "Delay and loss were fine, so the line works but is too full or too slow for video. " } else { "" }
            )),
        );
    }
    let bloat = match (cap.idle_rtt_ms, cap.loaded_rtt_ms) {
        (Some(i), Some(l)) if l - i > t::BLOAT_WARN_MS => Some(l - i),
        _ => None,
    };
    if up < t::HD_UP_MBPS || down < t::HD_DOWN_MBPS {
        return r(
            Status::Warn,
            format!("Enough for video at lower quality ({up:.1} Mbps up, {down:.1} Mbps down), not for HD."),
            Some(format!(
                "{}Ask others at home to pause downloads and uploads during the session; a cable helps too.",
                if path_fine { "The line works well, it is just busy or slow. " } else { "" }
            )),
        );
    }
    if let Some(extra) = bloat {
        return r(
            Status::Warn,
            format!("Your connection can carry HD video ({up:.1} Mbps up), but the delay rises by {extra:.0} ms while you upload, so the call may stutter when the line is busy."),
            Some("Ask others at home to pause big uploads (cloud backups, photo syncing) during the session. If your router has a setting called SQM or Smart Queue, switching it on fixes this.".into()),
        );
    }
    r(
        Status::Pass,
        format!("Your connection can carry HD video ({up:.1} Mbps up, {down:.1} Mbps down)."),
        None,
    )
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Verdict for a measurement that did not finish within `limit`: a device that does not answer
/// will not work in the call either (fail); a network measurement that could not finish is a
/// warning (the call may still work).
pub fn timed_out(id: CheckId, limit: std::time::Duration) -> CheckResult {
    let secs = limit.as_secs_f64().ceil() as u64;
    let (status, summary, advice) = match id {
        CheckId::Mic => (
            Status::Fail,
            format!("The microphone did not answer within {secs} seconds."),
            "Unplug the microphone and plug it back in (or choose another one), close other apps that may be using it, then run the check again.",
        ),
        CheckId::Speaker => (
            Status::Fail,
            format!("The speakers did not finish playing the chime within {secs} seconds."),
            "Unplug the headphones or speakers and plug them back in (or choose others), then run the check again.",
        ),
        CheckId::Camera | CheckId::Background | CheckId::Framing => (
            Status::Fail,
            format!("The camera did not deliver a picture within {secs} seconds."),
            "Close other apps that may be using the camera (the meeting app too), unplug it and plug it back in, then run the check again.",
        ),
        CheckId::Network | CheckId::Quality | CheckId::Platforms | CheckId::Capacity => (
            Status::Warn,
            format!(
                "The {} check could not finish within {secs} seconds.",
                id.title().to_lowercase()
            ),
            "Run the check again. If it happens again, your connection may be very slow or blocked: restart your router, or try another network.",
        ),
    };
    CheckResult::new(id, status, summary).with_advice(advice)
}

/// Verdict for the network link.
pub fn network(link: &LinkInfo) -> CheckResult {
    let kind = match link.kind {
        LinkKind::Wired => "Cable (Ethernet)",
        LinkKind::Wifi => "Wi‑Fi",
        LinkKind::Hotspot => "Phone hotspot",
        LinkKind::Cellular => "Mobile broadband",
        LinkKind::Vpn => "VPN",
        LinkKind::Offline => "Offline",
        LinkKind::Unknown => "Unknown",
    };
    let mut details = vec![Detail::text("link", "Connection", kind)];
    if let Some(i) = &link.interface {
        details.push(Detail::text("interface", "Network adapter", i.clone()));
    }
    if let Some(s) = link.speed_mbps {
        details.push(Detail::number(
            "link_speed",
            "Link speed",
            s as f64,
            "Mbit/s",
            0,
        ));
    }
    if let Some(dbm) = link.signal_dbm {
        details.push(Detail::number(
            "signal_dbm",
            "Wi‑Fi signal",
            dbm as f64,
            "dBm",
            0,
        ));
    }
    let weak_wifi = link
        .signal_dbm
        .is_some_and(|d| d < crate::thresholds::WEAK_WIFI_DBM);
    let (status, summary, advice) = match link.kind {
        LinkKind::Wired => (Status::Pass, "You are connected by cable, as recommended.".to_string(), None),
        LinkKind::Wifi => (
            Status::Warn,
            if weak_wifi {
                // The signal strength in dBm is under Measurements.
                "You are on Wi‑Fi, and the signal is weak.".to_string()
            } else {
                "You are on Wi‑Fi.".to_string()
            },
            Some("Plug in a network cable if you can. If not, sit close to the router and ask others at home to pause big downloads and streaming."),
        ),
        LinkKind::Hotspot => (
            Status::Warn,
            format!("You seem to be on a phone hotspot: {}.", link.reason),
            Some("Hotspots drop out and run out of data. Use a cable or home broadband for the session if you can."),
        ),
        LinkKind::Cellular => (
            Status::Warn,
            "You are on mobile broadband.".to_string(),
            Some("Mobile connections vary; use a cable or home broadband for the session if you can."),
        ),
        LinkKind::Vpn => (
            Status::Warn,
            format!("A VPN is on: {}.", link.reason),
            Some("VPNs add delay to calls. Switch it off for the session if your organisation allows it."),
        ),
        LinkKind::Offline => (
            Status::Fail,
            format!("You are offline: {}.", link.reason),
            Some("Plug in the network cable or connect to your network, then run the check again."),
        ),
        LinkKind::Unknown => (
            Status::Warn,
            format!("We could not tell how you are connected: {}.", link.reason),
            Some("A network cable is the most reliable way to join a call."),
        ),
    };
    let wired = match link.kind {
        LinkKind::Wired => Some(true),
        LinkKind::Unknown => None,
        _ => Some(false),
    };
    let mut c = CheckResult::new(CheckId::Network, status, summary)
        .with_details(details)
        .with_evidence(Evidence::Connection { wired });
    c.advice = advice.map(str::to_string);
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use preflight_audio::ChimeDetection;

    fn mic_analysis(speech: f32, floor: f32, peak: f32, clips: usize) -> MicAnalysis {
        MicAnalysis {
            duration_s: 3.0,
            rms_dbfs: (speech + floor) / 2.0,
            peak_dbfs: peak,
            noise_floor_dbfs: floor,
            speech_level_dbfs: speech,
            snr_db: speech - floor,
            clipping_events: clips,
            dc_offset: 0.0,
            dropouts: 0,
            samples: 144_000,
        }
    }

    #[test]
    fn mic_rules() {
        assert_eq!(
            mic("m", &mic_analysis(-20.0, -60.0, -6.0, 0), 0).status,
            Status::Pass
        );
        let silent = mic("m", &mic_analysis(-120.0, -120.0, -120.0, 0), 0);
        assert_eq!(silent.status, Status::Fail);
        assert!(silent.advice.unwrap().contains("muted"));
        let noisy = mic("m", &mic_analysis(-20.0, -38.0, -6.0, 0), 0);
        assert_eq!(noisy.status, Status::Warn);
        assert!(noisy.summary.contains("noisy"), "{}", noisy.summary);
        // Plain words: the figures are under Measurements.
        assert!(!noisy.summary.contains("dBFS"), "{}", noisy.summary);
        assert!(noisy
            .details
            .iter()
            .any(|d| d.key == "noise_floor_dbfs" && d.value == Some(-38.0)));
        assert_eq!(
            mic("m", &mic_analysis(-10.0, -60.0, 0.0, 3), 0).status,
            Status::Warn
        );
        assert_eq!(
            mic("m", &mic_analysis(-42.0, -70.0, -30.0, 0), 0).status,
            Status::Warn
        );
        let glitchy = mic("m", &mic_analysis(-20.0, -60.0, -6.0, 0), 2);
        assert_eq!(glitchy.status, Status::Warn);
        assert!(glitchy.summary.contains("cut out 2 times"));
        let mut dc = mic_analysis(-20.0, -60.0, -6.0, 0);
        dc.dc_offset = 0.2;
        assert_eq!(mic("m", &dc, 0).status, Status::Warn);
        assert!(mic("m", &mic_analysis(-20.0, -60.0, -6.0, 0), 0)
            .details
            .iter()
            .any(|d| d.key == "noise_floor_dbfs" && d.value == Some(-60.0)));
    }

    fn outcome(
        played: usize,
        listened: Option<Result<ChimeDetection, AudioError>>,
    ) -> SpeakerOutcome {
        SpeakerOutcome {
            output_device: "spk".into(),
            frames_played: played,
            frames_expected: 1000,
            listened,
        }
    }

    fn heard(notes: usize) -> Option<Result<ChimeDetection, AudioError>> {
        Some(Ok(ChimeDetection {
            note_prominence_db: vec![20.0; 3],
            notes_heard: notes,
            heard: notes >= 2,
        }))
    }

    #[test]
    fn speaker_rules() {
        let pass = speaker(&outcome(1000, heard(3)));
        assert_eq!(pass.status, Status::Pass);
        assert!(pass.question.is_none());
        assert_eq!(speaker(&outcome(10, heard(3))).status, Status::Fail);
        // Played but not heard (headphones): ask the mentor.
        let ask = speaker(&outcome(1000, heard(0)));
        assert_eq!(ask.status, Status::Warn);
        assert_eq!(ask.question.as_deref(), Some(HEARD_QUESTION));
        let asked_no_mic = speaker(&outcome(1000, Some(Err(AudioError::NoInputDevice))));
        assert!(asked_no_mic.question.is_some());
        assert!(speaker(&outcome(1000, None)).question.is_some());
        // The answer settles it.
        let yes = speaker_answer(&ask, true);
        assert_eq!(yes.status, Status::Pass);
        assert!(yes.summary.contains("\"spk\""), "{}", yes.summary);
        assert!(yes.question.is_none());
        let mut report = preflight_model::Report {
            app_version: "0".into(),
            started_at: jiff::Timestamp::UNIX_EPOCH,
            duration_ms: 0,
            overall: Status::Warn,
            checks: vec![
                ask.clone(),
                CheckResult::new(CheckId::Mic, Status::Pass, "ok"),
            ],
            checklist: vec![],
        };
        answer(&mut report, CheckId::Speaker, true);
        assert_eq!(report.overall, Status::Pass);
        answer(&mut report, CheckId::Mic, false); // no question there: nothing changes
        assert_eq!(report.checks[1].status, Status::Pass);
        let no = speaker_answer(&ask, false);
        assert_eq!(no.status, Status::Fail);
        assert!(no.advice.unwrap().contains("volume"));
    }

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
    fn network_rules() {
        let link = |kind| LinkInfo {
            kind,
            interface: Some("x0".into()),
            reason: "because".into(),
            speed_mbps: Some(1000),
            signal_dbm: None,
        };
        assert_eq!(network(&link(LinkKind::Wired)).status, Status::Pass);
        assert_eq!(network(&link(LinkKind::Wifi)).status, Status::Warn);
        assert!(network(&link(LinkKind::Wifi))
            .advice
            .unwrap()
            .contains("cable"));
        assert_eq!(network(&link(LinkKind::Hotspot)).status, Status::Warn);
        assert_eq!(network(&link(LinkKind::Offline)).status, Status::Fail);
        let mut weak = link(LinkKind::Wifi);
        weak.signal_dbm = Some(-78);
        let v = network(&weak);
        assert_eq!(v.summary, "You are on Wi‑Fi, and the signal is weak.");
        assert!(v
            .details
            .iter()
            .any(|d| d.key == "signal_dbm" && d.value == Some(-78.0)));
    }

    #[test]
    fn platform_rules() {
        use preflight_net::{PlatformTarget, ReachProblem, Reachability};
        let reach = |name: &str, problem: Option<ReachProblem>| Reachability {
            target: PlatformTarget {
                name: name.into(),
                host: "h".into(),
                port: 443,
            },
            ok: problem.is_none(),
            dns_ms: Some(5.0),
            connect_ms: problem.is_none().then_some(20.0),
            tls_ms: problem.is_none().then_some(60.0),
            problem,
            error: None,
        };
        let all = platforms(
            &[
                reach("Zoom", None),
                reach("Google Meet", None),
                reach("Jitsi Meet", None),
            ],
            false,
        );
        assert_eq!(all.status, Status::Pass);
        assert_eq!(
            all.summary,
            "Zoom, Google Meet and Jitsi Meet can be reached."
        );
        assert!(
            all.details[0].text.contains("85 ms"),
            "{}",
            all.details[0].text
        );
        let portal = platforms(
            &[
                reach("Zoom", Some(ReachProblem::Certificate)),
                reach("Jitsi Meet", None),
            ],
            false,
        );
        assert_eq!(portal.status, Status::Warn);
        assert!(portal.summary.contains("sign-in page"));
        let some = platforms(
            &[
                reach("Zoom", Some(ReachProblem::Timeout)),
                reach("Jitsi Meet", None),
            ],
            false,
        );
        assert_eq!(some.status, Status::Warn);
        assert!(some.summary.starts_with("Zoom could not be reached"));
        let none = platforms(&[reach("Zoom", Some(ReachProblem::Dns))], true);
        assert_eq!(none.status, Status::Fail);
        assert!(none.summary.contains("offline"));
    }

    #[test]
    fn path_rules() {
        let stats = |rtt: f64, jitter: f64, loss: f64, received: u32| preflight_net::PathStats {
            sent: 40,
            received,
            loss_pct: loss,
            rtt_min_ms: rtt,
            rtt_avg_ms: rtt,
            rtt_p95_ms: rtt,
            jitter_ms: jitter,
            mos: preflight_net::mos(rtt, jitter, loss),
            confidence: preflight_net::Confidence::High,
        };
        let m = |s| PathOutcome::Measured {
            server: "stun:1".into(),
            stats: s,
        };
        let good = path(&m(stats(40.0, 3.0, 0.0, 40)), false, None);
        assert_eq!(good.status, Status::Pass);
        // Plain words first; the figures are under Measurements.
        assert_eq!(good.summary, "Your connection is good for video calls.");
        assert!(good
            .details
            .iter()
            .any(|d| d.key == "rtt_avg_ms" && d.text == "40 ms"));
        for word in ["ms", "jitter", "MOS", "4.5", "UDP"] {
            for st in [
                stats(40.0, 3.0, 0.0, 40),
                stats(350.0, 45.0, 5.0, 38),
                stats(700.0, 3.0, 15.0, 34),
                stats(0.0, 0.0, 100.0, 0),
            ] {
                let r = path(&m(st), false, None);
                let words: Vec<&str> = r
                    .summary
                    .split(|c: char| !c.is_alphanumeric() && c != '.')
                    .collect();
                assert!(!words.contains(&word), "{word} in {:?}", r.summary);
            }
        }
        // Advice fits the link: nobody on a cable is told to plug one in.
        let poor = stats(40.0, 45.0, 5.0, 38);
        let wired = path(&m(poor.clone()), false, Some(LinkKind::Wired));
        assert!(!wired.advice.unwrap().contains("cable"));
        let wifi = path(&m(poor), false, Some(LinkKind::Wifi));
        assert!(wifi.advice.unwrap().contains("cable"));
        assert_eq!(
            path(&m(stats(350.0, 3.0, 0.0, 40)), false, None).status,
            Status::Warn
        );
        assert_eq!(
            path(&m(stats(40.0, 45.0, 0.0, 40)), false, None).status,
            Status::Warn
        );
        assert_eq!(
            path(&m(stats(40.0, 3.0, 5.0, 38)), false, None).status,
            Status::Warn
        );
        assert_eq!(
            path(&m(stats(700.0, 3.0, 0.0, 40)), false, None).status,
            Status::Fail
        );
        assert_eq!(
            path(&m(stats(40.0, 3.0, 15.0, 34)), false, None).status,
            Status::Fail
        );
        let blocked = path(&m(stats(0.0, 0.0, 100.0, 0)), false, None);
        assert_eq!(blocked.status, Status::Warn);
        assert!(
            blocked.summary.contains("seems to block"),
            "{}",
            blocked.summary
        );
        assert_eq!(
            path(&m(stats(0.0, 0.0, 100.0, 0)), true, None).status,
            Status::Fail
        );
        let dns = path(
            &PathOutcome::NoDns {
                servers: vec!["a:1".into()],
            },
            false,
            None,
        );
        assert_eq!(dns.status, Status::Fail);
        assert!(dns.summary.contains("DNS"));
    }

    #[test]
    fn a_connection_without_internet_is_not_good() {
        let cable = CheckResult::new(
            CheckId::Network,
            Status::Pass,
            "You are connected by cable, as recommended.",
        );
        let c = connection_without_internet(cable);
        assert_eq!(c.status, Status::Fail);
        assert!(c
            .summary
            .ends_with("But the internet does not answer from here."));
        assert!(c.advice.unwrap().contains("web page"));
        let offline = CheckResult::new(CheckId::Network, Status::Fail, "You are offline: x.");
        assert_eq!(connection_without_internet(offline.clone()), offline);
    }

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

    #[test]
    fn a_found_face_replaces_the_backlight_guess() {
        let mut s = cam_summary(30.0, 60, 0, 120.0, 1280);
        s.centre_luma = 60.0;
        s.surround_luma = 200.0;
        assert!(camera("c", &s).summary.contains("backlit"));
        assert!(!camera_with_face("c", &s, true).summary.contains("backlit"));
    }

    #[test]
    fn background_rules_name_the_region() {
        let a = |score: f32, region: Option<&str>| SceneAnalysis {
            score,
            edge_density: score / 1000.0,
            jpeg_bpp: 0.8,
            colour_variety: 10,
            scenery_share: 0.0,
            scenery: false,
            scenery_kind: None,
            grid: vec![],
            cols: 6,
            rows: 4,
            person_share: 0.0,
            background_mask: None,
            busiest_region: region.map(str::to_string),
        };
        assert_eq!(background(&a(10.0, None)).status, Status::Pass);
        let busy = background(&a(80.0, Some("left")));
        assert_eq!(busy.status, Status::Fail);
        assert!(busy.summary.contains("left part"));
        assert_eq!(background(&a(45.0, None)).status, Status::Warn);
        // Calm but a holiday scene: a warning that names it.
        let mut beach = a(12.0, None);
        beach.scenery = true;
        beach.scenery_kind = Some("water".into());
        let v = background(&beach);
        assert_eq!(v.status, Status::Warn);
        assert!(
            v.summary.contains("outdoor or holiday scene (water)"),
            "{}",
            v.summary
        );
        assert!(v.details.iter().any(|d| d.key == "scenery_share"));
    }

    fn cap(up: f64, down: f64, idle: f64, loaded: f64) -> preflight_net::capacity::Capacity {
        preflight_net::capacity::Capacity {
            up_mbps: Some(up),
            down_mbps: Some(down),
            idle_rtt_ms: Some(idle),
            loaded_rtt_ms: Some(loaded),
            up_bytes: 2_000_000,
            down_bytes: 3_000_000,
            server: "speed.example".into(),
            problem: None,
        }
    }

    #[test]
    fn capacity_bands_in_a_mentors_words() {
        let v = capacity(Some(&cap(8.2, 40.0, 20.0, 30.0)), Status::Pass, false);
        assert_eq!(v.status, Status::Pass);
        assert_eq!(
            v.summary,
            "Your connection can carry HD video (8.2 Mbps up, 40.0 Mbps down)."
        );
        assert!(v.details.iter().any(|d| d.key == "up_mbps"));
        let v = capacity(Some(&cap(1.0, 40.0, 20.0, 30.0)), Status::Pass, false);
        assert_eq!(v.status, Status::Warn);
        assert!(
            v.summary.starts_with("Enough for video at lower quality"),
            "{}",
            v.summary
        );
        assert!(v.advice.unwrap().contains("pause downloads"));
        let v = capacity(Some(&cap(0.3, 40.0, 20.0, 30.0)), Status::Pass, false);
        assert_eq!(v.status, Status::Fail);
        assert!(
            v.summary.starts_with("Too slow for video: audio only"),
            "{}",
            v.summary
        );
        let v = capacity(Some(&cap(0.05, 40.0, 20.0, 30.0)), Status::Pass, false);
        assert!(
            v.summary.starts_with("Too slow even for a voice call"),
            "{}",
            v.summary
        );
        // Slow download matters too (you must see your mentee).
        let v = capacity(Some(&cap(8.0, 0.4, 20.0, 30.0)), Status::Pass, false);
        assert_eq!(v.status, Status::Fail);
    }

    #[test]
    fn capacity_thresholds_at_their_edges() {
        use crate::thresholds::capacity as t;
        let at = |up| capacity(Some(&cap(up, 50.0, 20.0, 20.0)), Status::Pass, false).status;
        assert_eq!(at(t::HD_UP_MBPS), Status::Pass);
        assert_eq!(at(t::HD_UP_MBPS - 0.01), Status::Warn);
        assert_eq!(at(t::VIDEO_UP_MBPS), Status::Warn);
        assert_eq!(at(t::VIDEO_UP_MBPS - 0.01), Status::Fail);
    }

    #[test]
    fn bufferbloat_warns_even_when_fast() {
        let v = capacity(Some(&cap(20.0, 50.0, 20.0, 260.0)), Status::Pass, false);
        assert_eq!(v.status, Status::Warn);
        assert!(v.summary.contains("delay rises by 240 ms"), "{}", v.summary);
        let v = capacity(Some(&cap(20.0, 50.0, 20.0, 110.0)), Status::Pass, false);
        assert_eq!(v.status, Status::Pass);
    }

    #[test]
    fn capacity_never_contradicts_the_call_quality_card() {
        // Path fine, line slow: the advice says the line works but is full.
        let v = capacity(Some(&cap(0.4, 10.0, 20.0, 20.0)), Status::Pass, false);
        assert!(v
            .advice
            .as_deref()
            .unwrap()
            .contains("Delay and loss were fine"));
        // Path poor too: no such claim.
        let v = capacity(Some(&cap(0.4, 10.0, 20.0, 20.0)), Status::Warn, false);
        assert!(!v
            .advice
            .as_deref()
            .unwrap()
            .contains("Delay and loss were fine"));
        // Offline: said once, plainly, with no figures.
        let v = capacity(None, Status::Fail, true);
        assert_eq!(v.status, Status::Fail);
        assert!(v.summary.contains("offline"));
        // A stalled server: a warning that says so, never a pass.
        let mut c = cap(0.0, 0.0, 20.0, 20.0);
        c.up_mbps = None;
        c.down_mbps = None;
        c.problem = Some(preflight_net::capacity::CapacityProblem::Stalled);
        let v = capacity(Some(&c), Status::Pass, false);
        assert_eq!(v.status, Status::Warn);
        assert!(v.summary.contains("stopped answering"), "{}", v.summary);
    }
}
