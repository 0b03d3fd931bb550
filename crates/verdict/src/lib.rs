//! Pure verdict rules: measurements in, [`CheckResult`] out. Limits come from
//! [`thresholds`], each with its source. The verdicts attach typed facts ([`preflight_model::Evidence`])
//! that the code-of-conduct checklist (in the application layer, `preflight::checklist`) is
//! built from. The crate links no device, model, network or calendar crate.

pub mod background;
pub mod camera;
pub mod capacity;
pub mod framing;
pub mod mic;
pub mod network;
pub mod platforms;
pub mod quality;
pub mod speaker;
pub mod thresholds;

pub use background::background;
pub use camera::{camera, camera_error, camera_with_face};
pub use capacity::capacity;
pub use framing::framing;
pub use mic::{better_input, mic, mic_error, with_better_input, BetterInput};
pub use network::network;
pub use platforms::platforms;
pub use quality::{connection_without_internet, not_measured, path, NoInternet, PathOutcome};
pub use speaker::{speaker, speaker_answer, speaker_error, HEARD_QUESTION};

use preflight_model::{CheckId, CheckResult, Status};

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

/// Verdict for the look at the picture (background or framing, `id`) when it did not finish
/// within `limit`: the camera worked, but the picture was not judged, so the mentor is asked to
/// look for themselves. A warning, never a pass.
pub fn analysis_timed_out(id: CheckId, limit: std::time::Duration) -> CheckResult {
    let secs = limit.as_secs_f64().ceil() as u64;
    let (what, look) = match id {
        CheckId::Framing => (
            "where you are in the picture",
            "Look at the preview yourself: your eyes about a third of the way down, your head and shoulders in the picture, light on your face.",
        ),
        _ => (
            "your background",
            "Look at the preview yourself: a plain, tidy background with nothing moving behind you.",
        ),
    };
    CheckResult::new(
        id,
        Status::Warn,
        format!(
            "Looking at {what} took longer than {secs} seconds, so it was not judged this time."
        ),
    )
    .with_advice(format!(
        "{look} Run the check again; if it happens again, close programs that keep the computer busy."
    ))
}

#[cfg(test)]
mod analysis_tests {
    use super::*;

    #[test]
    fn a_picture_not_judged_in_time_is_a_warning_that_says_so() {
        for id in [CheckId::Background, CheckId::Framing] {
            let r = analysis_timed_out(id, std::time::Duration::from_millis(7500));
            assert_eq!((r.id, r.status), (id, Status::Warn));
            assert!(r.summary.contains("8 seconds"), "{}", r.summary);
            assert!(r.summary.contains("not judged"), "{}", r.summary);
            assert!(r.advice.as_deref().unwrap().contains("preview"));
        }
    }
}
