//! The microphone: level, room noise, clipping, silence.

use crate::thresholds::mic;
use preflight_audio::{AudioError, MicAnalysis};
use preflight_model::{CheckId, CheckResult, Detail, Evidence, Offer, Status};

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

/// Another microphone that hears the mentor clearly better than the chosen one.
#[derive(Debug, Clone, PartialEq)]
pub struct BetterInput {
    /// Its name, as the device list shows it.
    pub name: String,
    /// How much further its voice stands above its background than on the chosen one, dB.
    pub by_db: f32,
    /// The chosen microphone heard nothing at all.
    pub chosen_silent: bool,
}

/// How clearly a recording holds the voice: its voice above its background, dB (up to
/// [`mic::CLARITY_CAP_DB`]); 0 for a microphone that hears nothing.
fn clarity(a: &MicAnalysis) -> f32 {
    if a.peak_dbfs < mic::NO_SIGNAL_DBFS || !a.snr_db.is_finite() {
        return 0.0;
    }
    a.snr_db.clamp(0.0, mic::CLARITY_CAP_DB)
}

/// Whether a recording holds a voice (loud enough, and clearly above its background).
fn hears_voice(a: &MicAnalysis) -> bool {
    a.peak_dbfs >= mic::NO_SIGNAL_DBFS
        && a.speech_level_dbfs >= mic::NO_SIGNAL_DBFS
        && clarity(a) >= mic::HEARS_VOICE_DB
}

/// The microphone among `others` (each with what it heard while `chosen` was recorded) that
/// hears the voice at least [`mic::BETTER_INPUT_DB`] more clearly than the chosen one — the
/// clearest of them — if any.
pub fn better_input(chosen: &MicAnalysis, others: &[(String, MicAnalysis)]) -> Option<BetterInput> {
    let mine = clarity(chosen);
    others
        .iter()
        .filter(|(_, a)| hears_voice(a))
        .map(|(name, a)| (name, clarity(a) - mine))
        .filter(|(_, by)| *by >= mic::BETTER_INPUT_DB)
        // The clearest; on a tie, the first listed.
        .fold(None::<(&String, f32)>, |best, (name, by)| match best {
            Some((_, b)) if b >= by => best,
            _ => Some((name, by)),
        })
        .map(|(name, by_db)| BetterInput {
            name: name.clone(),
            by_db,
            chosen_silent: chosen.peak_dbfs < mic::NO_SIGNAL_DBFS,
        })
}

/// The microphone verdict `result` for the chosen microphone (`chosen`: its name, or `None`
/// for the computer's default), told that `better` hears the mentor clearly better: a chosen
/// microphone that heard nothing fails with the one that heard them named; one that heard them
/// less clearly is a warning. Either way the mentor is offered the switch, and told to choose
/// the same microphone in their meeting app.
pub fn with_better_input(
    result: CheckResult,
    chosen: Option<&str>,
    better: &BetterInput,
) -> CheckResult {
    let name = &better.name;
    let (status, summary) = if better.chosen_silent {
        let chosen = match chosen {
            Some(c) => format!("\"{c}\""),
            None => "Your computer's default microphone".to_string(),
        };
        (
            Status::Fail,
            format!(
                "{chosen} hears nothing, but \"{name}\" hears you: the wrong microphone is chosen."
            ),
        )
    } else {
        let chosen = match chosen {
            Some(c) => format!("\"{c}\", the microphone chosen now"),
            None => "your computer's default microphone, the one chosen now".to_string(),
        };
        (
            result.status.worse(Status::Warn),
            format!("\"{name}\" hears you much more clearly than {chosen}."),
        )
    };
    let mut details = result.details;
    details.push(Detail::text("better_input", "Hears you better", name));
    details.push(Detail::number(
        "better_by_db",
        "How much clearer",
        better.by_db as f64,
        "dB",
        0,
    ));
    let mut c = CheckResult::new(CheckId::Mic, status, summary)
        .with_details(details)
        .with_advice(format!(
            "Use \"{name}\" for your calls: choose it in Mentor Preflight, and choose the same microphone in your meeting app's audio settings (Zoom, Teams and Meet each keep their own choice)."
        ));
    c.evidence = result.evidence;
    c.offer = Some(Offer::UseMicrophone { name: name.clone() });
    c
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn another_microphone_that_hears_the_mentor_clearly_better_is_named() {
        let laptop = mic_analysis(-38.0, -52.0, -25.0, 0); // 14 dB above the room
        let headset = mic_analysis(-18.0, -70.0, -4.0, 0); // 52 dB
        let webcam = mic_analysis(-30.0, -60.0, -12.0, 0); // 30 dB
        let hum = mic_analysis(-40.0, -45.0, -35.0, 0); // a fan, no voice
        let others = vec![
            ("Webcam".to_string(), webcam.clone()),
            ("USB Headset".to_string(), headset.clone()),
            ("Line in".to_string(), hum),
        ];
        let b = better_input(&laptop, &others).unwrap();
        assert_eq!(b.name, "USB Headset");
        assert!((b.by_db - 38.0).abs() < 0.01, "{b:?}");
        assert!(!b.chosen_silent);
        // Not 10 dB clearer: nothing to say (the headset chosen, the webcam beside it).
        assert_eq!(better_input(&headset, &others[..1]), None);
        let near = mic_analysis(-36.0, -57.0, -25.0, 0); // 21 dB against the laptop's 14
        assert_eq!(better_input(&laptop, &[("Near".into(), near)]), None);
        // Two names for one microphone hear the same: nothing to say.
        assert_eq!(
            better_input(&headset, &[("USB Headset".into(), headset.clone())]),
            None
        );
        // Digital silence between words does not make one "clearer" beyond the cap.
        let virtual_a = mic_analysis(-18.0, -120.0, -4.0, 0);
        assert_eq!(
            better_input(&headset, &[("virtual".into(), virtual_a)]),
            None
        );

        let r = with_better_input(mic("Laptop", &laptop, 0), Some("Laptop"), &b);
        assert_eq!(r.status, Status::Warn);
        assert!(
            r.summary
                .contains("\"USB Headset\" hears you much more clearly than \"Laptop\""),
            "{}",
            r.summary
        );
        assert!(r.advice.as_deref().unwrap().contains("meeting app"));
        assert_eq!(
            r.offer,
            Some(Offer::UseMicrophone {
                name: "USB Headset".into()
            })
        );
        assert!(r
            .details
            .iter()
            .any(|d| d.key == "better_input" && d.text == "USB Headset"));
        assert!(r.evidence.is_some(), "the room's noise is still evidence");
    }

    #[test]
    fn a_silent_chosen_microphone_while_another_hears_the_mentor_is_the_verdict() {
        let silent = mic_analysis(-120.0, -120.0, -120.0, 0);
        let headset = mic_analysis(-18.0, -70.0, -4.0, 0);
        let b = better_input(&silent, &[("USB Headset".into(), headset)]).unwrap();
        assert!(b.chosen_silent);
        let r = with_better_input(mic("Built-in", &silent, 0), Some("Built-in"), &b);
        assert_eq!(r.status, Status::Fail);
        assert_eq!(
            r.summary,
            "\"Built-in\" hears nothing, but \"USB Headset\" hears you: the wrong microphone is chosen."
        );
        let r = with_better_input(mic("Default Audio Device", &silent, 0), None, &b);
        assert!(
            r.summary
                .starts_with("Your computer's default microphone hears nothing, but"),
            "{}",
            r.summary
        );
        // Every other microphone silent too: the plain "no sound" verdict stands.
        let also_silent = mic_analysis(-120.0, -120.0, -120.0, 0);
        assert_eq!(
            better_input(&silent, &[("Other".into(), also_silent)]),
            None
        );
    }
}
