//! The microphone: level, room noise, clipping, silence.

use crate::thresholds::mic;
use preflight_audio::{AudioError, MicAnalysis};
use preflight_model::{CheckId, CheckResult, Detail, Evidence, Status};

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
}
