//! Capturing a few seconds from a microphone (cpal), with live levels for a meter.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, StreamTrait};
use cpal::{FromSample, Sample, SizedSample};

use crate::analysis::{Level, BLOCK_MS};
use crate::device::find_input;
use crate::AudioError;

/// What to capture.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureRequest {
    /// Device name as listed by [`crate::list_devices`]; `None` for the system default.
    pub device: Option<String>,
    /// How long to record.
    pub duration: Duration,
}

/// A finished recording: mono samples in memory (never written anywhere).
#[derive(Debug, Clone)]
pub struct Capture {
    /// The device that was recorded.
    pub device_name: String,
    /// Sample rate of `samples`, Hz.
    pub sample_rate: u32,
    /// Channels the device delivered (mixed down to mono in `samples`).
    pub channels: u16,
    /// Mono samples, −1.0..=1.0.
    pub samples: Vec<f32>,
    /// Over- and underruns the sound system reported while recording (audio was lost).
    pub glitches: u32,
}

enum Msg {
    Data(Vec<f32>),
    Error(cpal::Error),
}

/// How long past the requested duration we wait for data before calling the device stalled.
const GRACE: Duration = Duration::from_secs(2);

/// Records `req.duration` of audio. `on_level` is called for every 50 ms of audio with the
/// level of its last 20 ms, for a live meter.
pub fn capture(
    req: &CaptureRequest,
    mut on_level: impl FnMut(Level),
) -> Result<Capture, AudioError> {
    let device = find_input(req.device.as_deref())?;
    let name = device.to_string();
    let supported = preferred_config(&device).map_err(|e| AudioError::from_cpal_open(&name, &e))?;
    let config = supported.config();
    let channels = config.channels.max(1);
    let sample_rate = config.sample_rate;
    tracing::info!(device = %name, sample_rate, channels, format = %supported.sample_format(), "capturing microphone");

    let (tx, rx) = mpsc::channel::<Msg>();
    let stream = build_stream(&device, &name, supported.sample_format(), config, tx)?;
    stream
        .play()
        .map_err(|e| AudioError::from_cpal_open(&name, &e))?;

    let wanted = (sample_rate as f64 * req.duration.as_secs_f64()).round() as usize;
    let block = (sample_rate as usize * BLOCK_MS as usize / 1000).max(1);
    // One meter reading per 50 ms of audio (by sample count, not wall clock, so a device that
    // delivers in bursts still gets a reading for every 50 ms it captured).
    let meter_every = (sample_rate as usize / 20).max(1);
    let mut next_meter = meter_every.max(block);
    let deadline = Instant::now() + req.duration + GRACE;
    let mut samples: Vec<f32> = Vec::with_capacity(wanted);
    let mut glitches = 0u32;

    while samples.len() < wanted {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        match rx.recv_timeout(deadline - now) {
            Ok(Msg::Data(chunk)) => {
                samples.extend(chunk);
                while samples.len() >= next_meter {
                    on_level(Level::of(&samples[next_meter - block..next_meter]));
                    next_meter += meter_every;
                }
            }
            Ok(Msg::Error(e)) => {
                // Over- and underruns are glitches, not failures: keep recording.
                if e.kind() == cpal::ErrorKind::Xrun {
                    tracing::warn!(device = %name, "audio xrun during capture");
                    glitches += 1;
                    continue;
                }
                return Err(AudioError::from_cpal(&name, &e));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => break,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    drop(stream);

    if samples.is_empty() {
        return Err(AudioError::NoData(name));
    }
    samples.truncate(wanted);
    Ok(Capture {
        device_name: name,
        sample_rate,
        channels,
        samples,
        glitches,
    })
}

/// The device's default format, but mono where the device offers mono at the same rate and
/// sample format: a voice is mono, and it spares a downmix.
fn preferred_config(device: &cpal::Device) -> Result<cpal::SupportedStreamConfig, cpal::Error> {
    let default = device.default_input_config()?;
    let rate = default.sample_rate();
    let mono = device
        .supported_input_configs()
        .ok()
        .and_then(|mut ranges| {
            ranges.find(|r| {
                r.channels() == 1
                    && r.sample_format() == default.sample_format()
                    && r.min_sample_rate() <= rate
                    && rate <= r.max_sample_rate()
            })
        });
    Ok(mono.map(|r| r.with_sample_rate(rate)).unwrap_or(default))
}

fn build_stream(
    device: &cpal::Device,
    name: &str,
    format: cpal::SampleFormat,
    config: cpal::StreamConfig,
    tx: mpsc::Sender<Msg>,
) -> Result<cpal::Stream, AudioError> {
    use cpal::SampleFormat as F;
    match format {
        F::I8 => typed::<i8>(device, name, config, tx),
        F::I16 => typed::<i16>(device, name, config, tx),
        F::I24 => typed::<cpal::I24>(device, name, config, tx),
        F::I32 => typed::<i32>(device, name, config, tx),
        F::U8 => typed::<u8>(device, name, config, tx),
        F::U16 => typed::<u16>(device, name, config, tx),
        F::U32 => typed::<u32>(device, name, config, tx),
        F::F32 => typed::<f32>(device, name, config, tx),
        F::F64 => typed::<f64>(device, name, config, tx),
        other => Err(AudioError::Backend {
            device: name.to_string(),
            message: format!("sample format {other} is not supported by this app"),
        }),
    }
}

fn typed<T>(
    device: &cpal::Device,
    name: &str,
    config: cpal::StreamConfig,
    tx: mpsc::Sender<Msg>,
) -> Result<cpal::Stream, AudioError>
where
    T: SizedSample + Send + 'static,
    f32: FromSample<T>,
{
    let channels = config.channels.max(1) as usize;
    let err_tx = tx.clone();
    device
        .build_input_stream::<T, _, _>(
            config,
            move |data: &[T], _info| {
                let mono: Vec<f32> = data
                    .chunks(channels)
                    .map(|frame| {
                        frame.iter().map(|&s| f32::from_sample(s)).sum::<f32>() / frame.len() as f32
                    })
                    .collect();
                let _ = tx.send(Msg::Data(mono));
            },
            move |e| {
                let _ = err_tx.send(Msg::Error(e));
            },
            Some(Duration::from_secs(3)),
        )
        .map_err(|e| AudioError::from_cpal_open(name, &e))
}
