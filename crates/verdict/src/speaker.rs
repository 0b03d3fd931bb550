//! The speakers: the test chime, heard by the microphone or confirmed by the mentor.

use preflight_audio::{AudioError, SpeakerOutcome};
use preflight_model::{CheckId, CheckResult, Detail, Status};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer;
    use preflight_audio::ChimeDetection;

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
            compared: Vec::new(),
        };
        answer(&mut report, CheckId::Speaker, true);
        assert_eq!(report.overall, Status::Pass);
        answer(&mut report, CheckId::Mic, false); // no question there: nothing changes
        assert_eq!(report.checks[1].status, Status::Pass);
        let no = speaker_answer(&ask, false);
        assert_eq!(no.status, Status::Fail);
        assert!(no.advice.unwrap().contains("volume"));
    }
}
