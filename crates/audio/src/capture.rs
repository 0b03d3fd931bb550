//! Capturing from a microphone (cpal), with live levels for a meter.
//!
//! A microphone is read through [`MicSource`]: the device itself ([`open_mic`]), or a
//! subscription to the one owner that shares it (the engine's microphone feed). [`record`]
//! keeps a few seconds in memory, [`meter`] only measures levels as they pass.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
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
    /// How long to record (at most, with `until_enough_speech`).
    pub duration: Duration,
    /// Stop as soon as the recording holds enough speech and room sound to judge the
    /// microphone ([`crate::analysis::enough_speech`]).
    pub until_enough_speech: bool,
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

/// One read from a microphone.
#[derive(Debug, Clone)]
pub enum MicRead {
    /// Mono samples, −1.0..=1.0.
    Data(Arc<[f32]>),
    /// The sound system lost audio (an over- or underrun): a glitch, not a failure.
    Glitch,
    /// Nothing arrived within the wait.
    Nothing,
    /// The microphone was let go (its owner closed it for another use): no more audio comes.
    Ended,
    /// The device failed.
    Failed(AudioError),
}

/// A running microphone, read in mono chunks as they arrive.
pub trait MicSource {
    /// The device's name.
    fn name(&self) -> &str;
    /// Its sample rate, Hz.
    fn sample_rate(&self) -> u32;
    /// The channels it delivers (mixed down to mono before they get here).
    fn channels(&self) -> u16;
    /// The next chunk, waiting at most `wait`.
    fn read(&mut self, wait: Duration) -> MicRead;
}

/// How long past the requested duration we wait for data before calling the device stalled.
const GRACE: Duration = Duration::from_secs(2);

/// Records `duration` of audio from `source` into memory. `on_level` is called for every 50 ms
/// of audio with the level of its last 20 ms, for a live meter. A source that stops early gives
/// what it delivered; one that delivers nothing is [`AudioError::NoData`].
pub fn record(
    source: &mut dyn MicSource,
    duration: Duration,
    on_level: impl FnMut(Level),
) -> Result<Capture, AudioError> {
    record_inner(source, duration, on_level, false, None)
}

/// Like [`record`], but stops as soon as what was heard holds enough speech and room sound to
/// judge the microphone ([`crate::analysis::enough_speech`]: about 1.5 s of voice); `max` when
/// it never does (silence, a noisy room, a soft voice).
pub fn record_speech(
    source: &mut dyn MicSource,
    max: Duration,
    on_level: impl FnMut(Level),
) -> Result<Capture, AudioError> {
    record_inner(source, max, on_level, true, None)
}

/// Like [`record`], but also stops (keeping what it heard) as soon as `stop` is set: listening
/// on one microphone for as long as another is recorded.
pub fn record_until(
    source: &mut dyn MicSource,
    max: Duration,
    stop: &AtomicBool,
) -> Result<Capture, AudioError> {
    record_inner(source, max, |_| {}, false, Some(stop))
}

fn record_inner(
    source: &mut dyn MicSource,
    duration: Duration,
    mut on_level: impl FnMut(Level),
    until_speech: bool,
    stop: Option<&AtomicBool>,
) -> Result<Capture, AudioError> {
    let (name, sample_rate, channels) = (
        source.name().to_string(),
        source.sample_rate(),
        source.channels(),
    );
    let wanted = (sample_rate as f64 * duration.as_secs_f64()).round() as usize;
    let block = (sample_rate as usize * BLOCK_MS as usize / 1000).max(1);
    // One meter reading per 50 ms of audio (by sample count, not wall clock, so a device that
    // delivers in bursts still gets a reading for every 50 ms it captured).
    let meter_every = (sample_rate as usize / 20).max(1);
    let mut next_meter = meter_every.max(block);
    let deadline = Instant::now() + duration + GRACE;
    let mut samples: Vec<f32> = Vec::with_capacity(wanted);
    let mut glitches = 0u32;
    // The level of each whole 20 ms block so far, for the early stop.
    let mut blocks: Vec<f32> = Vec::new();

    while samples.len() < wanted {
        let now = Instant::now();
        if now >= deadline || stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
            break;
        }
        // Asked again at least every 50 ms when it may be told to stop.
        let wait = match stop {
            Some(_) => (deadline - now).min(Duration::from_millis(50)),
            None => deadline - now,
        };
        match source.read(wait) {
            MicRead::Data(chunk) => {
                samples.extend_from_slice(&chunk);
                let mut checkpoint = false;
                while samples.len() >= next_meter {
                    on_level(Level::of(&samples[next_meter - block..next_meter]));
                    next_meter += meter_every;
                    checkpoint = true;
                }
                if until_speech {
                    while blocks.len() < samples.len() / block {
                        let at = blocks.len() * block;
                        blocks.push(Level::of(&samples[at..at + block]).rms_dbfs);
                    }
                    // Asked again with every meter reading (every 50 ms of audio).
                    if checkpoint && crate::analysis::enough_speech(&blocks) {
                        break;
                    }
                }
            }
            // Over- and underruns are glitches, not failures: keep recording.
            MicRead::Glitch => {
                tracing::warn!(device = %name, "audio xrun during capture");
                glitches += 1;
            }
            MicRead::Nothing => {}
            MicRead::Ended => break,
            MicRead::Failed(e) => return Err(e),
        }
    }

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

/// A microphone stream that is running: its mono chunks (or errors) arrive on `rx`. Closed
/// when dropped.
pub struct Input {
    name: String,
    sample_rate: u32,
    channels: u16,
    format: cpal::SampleFormat,
    /// Kept for its life: the device is closed when it is dropped.
    _stream: cpal::Stream,
    rx: mpsc::Receiver<Msg>,
}

impl MicSource for Input {
    fn name(&self) -> &str {
        &self.name
    }

    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn channels(&self) -> u16 {
        self.channels
    }

    fn read(&mut self, wait: Duration) -> MicRead {
        match self.rx.recv_timeout(wait) {
            Ok(Msg::Data(chunk)) => MicRead::Data(chunk.into()),
            Ok(Msg::Error(e)) if e.kind() == cpal::ErrorKind::Xrun => MicRead::Glitch,
            Ok(Msg::Error(e)) => MicRead::Failed(AudioError::from_cpal(&self.name, &e)),
            Err(mpsc::RecvTimeoutError::Timeout) => MicRead::Nothing,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                MicRead::Failed(AudioError::NoData(self.name.clone()))
            }
        }
    }
}

/// Opens and starts the microphone `device` (the system default when `None`) for its owner (the
/// engine's microphone feed, the one way to the microphone), in its preferred format and held to
/// real time: a source faster than real time (a file or a virtual device) is paced like a
/// microphone ([`Pacer`]), so every reader sees a microphone's pace.
pub fn open_mic(device: Option<&str>) -> Result<Input, AudioError> {
    let device = find_input(device)?;
    let name = device.to_string();
    let supported = preferred_config(&device).map_err(|e| AudioError::from_cpal_open(&name, &e))?;
    let config = supported.config();
    let (channels, sample_rate) = (config.channels.max(1), config.sample_rate);
    let (tx, rx) = mpsc::channel::<Msg>();
    let stream = build_stream(&device, &name, supported.sample_format(), config, tx)?;
    stream
        .play()
        .map_err(|e| AudioError::from_cpal_open(&name, &e))?;
    let input = Input {
        name,
        sample_rate,
        channels,
        format: supported.sample_format(),
        _stream: stream,
        rx,
    };
    tracing::info!(device = %input.name, sample_rate = input.sample_rate, channels = input.channels, format = %input.format, "microphone open");
    Ok(input)
}

/// How long a meter waits for audio before calling the device silent.
pub const MONITOR_STALL: Duration = Duration::from_secs(3);

/// Measures `source` for a live meter until `stop` is set or its owner lets it go: `on_level`
/// gets the level of every 50 ms of audio. Nothing is kept beyond the block being measured. A
/// source that delivers nothing for [`MONITOR_STALL`] is [`AudioError::NoData`].
pub fn meter(
    source: &mut dyn MicSource,
    stop: &AtomicBool,
    mut on_level: impl FnMut(Level),
) -> Result<(), AudioError> {
    let sample_rate = source.sample_rate();
    let block = (sample_rate as usize * BLOCK_MS as usize / 1000).max(1);
    let every = (sample_rate as usize / 20).max(block);
    let mut buf: Vec<f32> = Vec::with_capacity(every * 2);
    let mut last_data = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        match source.read(Duration::from_millis(100)) {
            MicRead::Data(chunk) => {
                last_data = Instant::now();
                buf.extend_from_slice(&chunk);
                while buf.len() >= every {
                    on_level(Level::of(&buf[every - block..every]));
                    buf.drain(..every);
                }
            }
            MicRead::Glitch => {}
            MicRead::Failed(e) => return Err(e),
            MicRead::Ended => return Ok(()),
            MicRead::Nothing => {
                if last_data.elapsed() > MONITOR_STALL {
                    return Err(AudioError::NoData(source.name().to_string()));
                }
            }
        }
    }
    Ok(())
}

/// Holds a source to real time: after `frames` more frames at `rate`, sleeps for as long as the
/// source is ahead of the wall clock (more than 20 ms). A real device is never ahead.
#[derive(Default)]
struct Pacer {
    start: Option<Instant>,
    frames: u64,
}

impl Pacer {
    fn hold(&mut self, frames: usize, rate: f64) {
        let start = *self.start.get_or_insert_with(Instant::now);
        self.frames += frames as u64;
        let due = Duration::from_secs_f64(self.frames as f64 / rate);
        let ahead = due.saturating_sub(start.elapsed());
        if ahead > Duration::from_millis(20) {
            std::thread::sleep(ahead);
        }
    }
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
    let rate = config.sample_rate.max(1) as f64;
    let err_tx = tx.clone();
    let mut pacer = Pacer::default();
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
                let frames = mono.len();
                let _ = tx.send(Msg::Data(mono));
                pacer.hold(frames, rate);
            },
            move |e| {
                let _ = err_tx.send(Msg::Error(e));
            },
            Some(Duration::from_secs(3)),
        )
        .map_err(|e| AudioError::from_cpal_open(name, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_faster_than_real_time_is_held_to_it() {
        // A tenth of a second of audio delivered at once: the pacer waits for the clock.
        let mut p = Pacer::default();
        let t0 = Instant::now();
        p.hold(4_800, 48_000.0);
        assert!(
            t0.elapsed() >= Duration::from_millis(80),
            "{:?}",
            t0.elapsed()
        );
        // Behind the clock (a real device): no wait at all.
        let mut p = Pacer {
            start: Some(Instant::now() - Duration::from_secs(1)),
            frames: 0,
        };
        let t0 = Instant::now();
        p.hold(24_000, 48_000.0);
        assert!(
            t0.elapsed() < Duration::from_millis(400),
            "{:?}",
            t0.elapsed()
        );
    }

    /// A microphone delivering 10 ms chunks at once (no pacing): a room at about −70 dBFS, and
    /// from `voice_from` seconds a voice at about −20 dBFS in 400 ms words with 100 ms pauses.
    struct Scripted {
        rate: u32,
        at: usize,
        voice_from: Option<f32>,
    }

    impl MicSource for Scripted {
        fn name(&self) -> &str {
            "scripted"
        }
        fn sample_rate(&self) -> u32 {
            self.rate
        }
        fn channels(&self) -> u16 {
            1
        }
        fn read(&mut self, _wait: Duration) -> MicRead {
            let n = self.rate as usize / 100;
            let chunk: Vec<f32> = (self.at..self.at + n)
                .map(|i| {
                    let t = i as f32 / self.rate as f32;
                    let talking = self
                        .voice_from
                        .is_some_and(|from| t >= from && (t - from) % 0.5 < 0.4);
                    let amp = if talking { 0.14 } else { 0.0004 };
                    amp * (i as f32 * 0.3).sin()
                })
                .collect();
            self.at += n;
            MicRead::Data(chunk.into())
        }
    }

    #[test]
    fn the_speaking_step_ends_once_enough_speech_is_heard_and_not_before() {
        let secs = |c: &Capture| c.samples.len() as f32 / c.sample_rate as f32;
        let max = Duration::from_secs(4);
        let speaking = || Scripted {
            rate: 16_000,
            at: 0,
            voice_from: Some(0.3),
        };
        // 1.5 s of voice in 400 ms words from 0.3 s: about 2.2 s, not 4.
        let early = record_speech(&mut speaking(), max, |_| {}).unwrap();
        assert!((1.9..=2.6).contains(&secs(&early)), "{}", secs(&early));
        // Asked for a fixed length, it records all of it.
        let full = record(&mut speaking(), max, |_| {}).unwrap();
        assert_eq!(secs(&full), 4.0);
        // Nobody speaks: the whole time.
        let mut silent = Scripted {
            rate: 16_000,
            at: 0,
            voice_from: None,
        };
        let quiet = record_speech(&mut silent, max, |_| {}).unwrap();
        assert_eq!(secs(&quiet), 4.0);
        // What the check judges is the same: the room and the voice of the short recording are
        // those of the long one.
        let (a, b) = (
            crate::analyze(&early.samples, early.sample_rate, Default::default()),
            crate::analyze(&full.samples, full.sample_rate, Default::default()),
        );
        assert!(
            (a.noise_floor_dbfs - b.noise_floor_dbfs).abs() < 1.0,
            "{a:?} {b:?}"
        );
        assert!(
            (a.speech_level_dbfs - b.speech_level_dbfs).abs() < 1.0,
            "{a:?} {b:?}"
        );
    }

    /// [`Scripted`] at a microphone's pace.
    struct Paced(Scripted);

    impl MicSource for Paced {
        fn name(&self) -> &str {
            self.0.name()
        }
        fn sample_rate(&self) -> u32 {
            self.0.rate
        }
        fn channels(&self) -> u16 {
            1
        }
        fn read(&mut self, wait: Duration) -> MicRead {
            std::thread::sleep(Duration::from_millis(10).min(wait));
            self.0.read(wait)
        }
    }

    #[test]
    fn listening_beside_another_recording_stops_when_told_and_keeps_what_it_heard() {
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let stopper = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(400));
                stop.store(true, Ordering::Relaxed);
            })
        };
        let mut mic = Paced(Scripted {
            rate: 16_000,
            at: 0,
            voice_from: Some(0.0),
        });
        let t0 = Instant::now();
        let heard = record_until(&mut mic, Duration::from_secs(10), &stop).unwrap();
        stopper.join().unwrap();
        let secs = heard.samples.len() as f32 / heard.sample_rate as f32;
        assert!((0.2..2.0).contains(&secs), "{secs}");
        assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());
        // Never told: the whole time asked for.
        let never = AtomicBool::new(false);
        let mut mic = Scripted {
            rate: 16_000,
            at: 0,
            voice_from: None,
        };
        let all = record_until(&mut mic, Duration::from_secs(1), &never).unwrap();
        assert_eq!(all.samples.len(), 16_000);
    }
}
