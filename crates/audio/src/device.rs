//! Listing the sound devices the system offers (cpal).

use cpal::traits::{DeviceTrait, HostTrait};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::AudioError;

/// One microphone or speaker as the sound system names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AudioDevice {
    /// Name to show and to pass back to pick this device.
    pub name: String,
    /// Whether this is the system's default device for its direction.
    pub is_default: bool,
    /// Supported formats, e.g. `"1–2 ch, 8000–192000 Hz, i16"`.
    pub formats: Vec<String>,
}

/// Inputs (microphones) and outputs (speakers, headphones).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AudioDevices {
    /// Microphones.
    pub inputs: Vec<AudioDevice>,
    /// Speakers and headphones.
    pub outputs: Vec<AudioDevice>,
}

/// Lists microphones and speakers of the default host, default devices first.
pub fn list_devices() -> Result<AudioDevices, AudioError> {
    let host = cpal::default_host();
    // Compare by id: backends may name the default device differently from its listing
    // (ALSA lists "default" but calls the default device "Default Audio Device").
    let default_in = host.default_input_device().and_then(|d| d.id().ok());
    let default_out = host.default_output_device().and_then(|d| d.id().ok());
    let devices: Vec<cpal::Device> = host
        .devices()
        .map_err(|e| AudioError::HostUnavailable(e.to_string()))?
        .collect();

    let mut list = AudioDevices::default();
    for d in &devices {
        let name = d.to_string();
        let id = d.id().ok();
        if let Ok(configs) = d.supported_input_configs() {
            let formats = describe(configs);
            if !formats.is_empty() {
                list.inputs.push(AudioDevice {
                    is_default: id.is_some() && id == default_in,
                    name: name.clone(),
                    formats,
                });
            }
        }
        if let Ok(configs) = d.supported_output_configs() {
            let formats = describe(configs);
            if !formats.is_empty() {
                list.outputs.push(AudioDevice {
                    is_default: id.is_some() && id == default_out,
                    name,
                    formats,
                });
            }
        }
    }
    // Default first, then in the order the system gave.
    list.inputs.sort_by_key(|d| !d.is_default);
    list.outputs.sort_by_key(|d| !d.is_default);
    Ok(list)
}

/// Finds the input device called `name`, or the default input when `name` is `None`.
pub(crate) fn find_input(name: Option<&str>) -> Result<cpal::Device, AudioError> {
    find_device(name, Direction::Input)
}

/// Which way a device carries sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Microphones.
    Input,
    /// Speakers and headphones.
    Output,
}

/// Finds the device called `name` for `dir`, or the system default when `name` is `None`.
pub(crate) fn find_device(name: Option<&str>, dir: Direction) -> Result<cpal::Device, AudioError> {
    let host = cpal::default_host();
    let Some(wanted) = name else {
        return match dir {
            Direction::Input => host.default_input_device().ok_or(AudioError::NoInputDevice),
            Direction::Output => host
                .default_output_device()
                .ok_or(AudioError::NoOutputDevice),
        };
    };
    let devices: Vec<cpal::Device> = match dir {
        Direction::Input => host.input_devices().map(|d| d.collect()),
        Direction::Output => host.output_devices().map(|d| d.collect()),
    }
    .map_err(|e| AudioError::HostUnavailable(e.to_string()))?;
    if let Some(d) = devices.iter().find(|d| d.to_string() == wanted) {
        return Ok(d.clone());
    }
    Err(AudioError::DeviceNotFound {
        wanted: wanted.to_string(),
        available: devices
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

fn describe(configs: impl Iterator<Item = cpal::SupportedStreamConfigRange>) -> Vec<String> {
    let mut out: Vec<String> = configs
        .map(|c| {
            let rate = if c.min_sample_rate() == c.max_sample_rate() {
                format!("{} Hz", c.min_sample_rate())
            } else {
                format!("{}–{} Hz", c.min_sample_rate(), c.max_sample_rate())
            };
            format!("{} ch, {rate}, {}", c.channels(), c.sample_format())
        })
        .collect();
    out.dedup();
    out
}
