//! The speaker test: play the chime on an output device (cpal) and, where a microphone is
//! available, listen for it at the same time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, StreamTrait};
use cpal::{FromSample, SizedSample};

use crate::capture::Capture;
use crate::device::{find_device, Direction};
use crate::speaker::{SpeakerOutcome, SpeakerRequest};
use crate::tone::{chime, chime_len, detect_chime};
use crate::AudioError;

/// Silence before the chime starts, so the microphone is already listening.
const LEAD_IN: Duration = Duration::from_millis(150);
/// Extra listening after the chime, for the sound to travel and the device latency.
const TAIL: Duration = Duration::from_millis(500);

/// How long the microphone listens for the chime: from before it starts until the sound has
/// travelled and the devices' latency has passed.
pub fn chime_listen_window() -> Duration {
    let rate = 48_000;
    LEAD_IN + Duration::from_secs_f64(chime_len(rate) as f64 / rate as f64) + TAIL
}

/// Plays the chime on `output` (the system default when `None`) without listening for it.
pub fn play_chime(output: Option<&str>) -> Result<SpeakerOutcome, AudioError> {
    let req = SpeakerRequest {
        output: output.map(str::to_string),
        input: None,
        listen: false,
    };
    // Not listening: the listener is never called.
    play_chime_listening(&req, |_| Err(AudioError::NoInputDevice))
}

/// Plays the chime and, if `req.listen`, records [`chime_listen_window`] with `listen` (on a
/// thread of its own, started before the chime) and looks for it in what was heard.
pub fn play_chime_listening(
    req: &SpeakerRequest,
    listen: impl FnOnce(Duration) -> Result<Capture, AudioError> + Send + 'static,
) -> Result<SpeakerOutcome, AudioError> {
    let device = find_device(req.output.as_deref(), Direction::Output)?;
    let name = device.to_string();
    let supported = device
        .default_output_config()
        .map_err(|e| AudioError::from_cpal_open(&name, &e))?;
    let rate = supported.config().sample_rate;
    let lead = (rate as f64 * LEAD_IN.as_secs_f64()) as usize;
    let mut signal = vec![0.0f32; lead];
    signal.extend(chime(rate));
    let expected = signal.len();
    tracing::info!(device = %name, rate, "playing the speaker test chime");

    // Start listening first, so the recording covers the whole chime.
    let listener = req
        .listen
        .then(|| std::thread::spawn(move || listen(chime_listen_window())));

    let outcome = play_signal(&device, &name, &supported, signal);

    let listened = listener.map(|h| {
        h.join()
            .unwrap_or_else(|_| Err(AudioError::NoData("microphone".into())))
            .map(|cap| detect_chime(&cap.samples, cap.sample_rate))
    });
    let frames_played = outcome?;
    Ok(SpeakerOutcome {
        output_device: name,
        frames_played,
        frames_expected: expected,
        listened,
    })
}

/// Plays `signal` (mono, at the device's rate) to the end and lets the device drain it; returns
/// the frames the device took.
fn play_signal(
    device: &cpal::Device,
    name: &str,
    supported: &cpal::SupportedStreamConfig,
    signal: Vec<f32>,
) -> Result<usize, AudioError> {
    let config = supported.config();
    let rate = config.sample_rate;
    let expected = signal.len();
    let duration = Duration::from_secs_f64(expected as f64 / rate.max(1) as f64);
    let played = Arc::new(AtomicUsize::new(0));
    let (err_tx, err_rx) = mpsc::channel::<cpal::Error>();
    let stream = build_output(
        device,
        name,
        supported.sample_format(),
        config,
        Arc::new(signal),
        played.clone(),
        err_tx,
    )?;
    stream
        .play()
        .map_err(|e| AudioError::from_cpal_open(name, &e))?;
    let deadline = Instant::now() + duration + Duration::from_secs(3);
    let mut failure = None;
    while played.load(Ordering::Relaxed) < expected && Instant::now() < deadline {
        match err_rx.recv_timeout(Duration::from_millis(20)) {
            Ok(e) if e.kind() == cpal::ErrorKind::Xrun => continue,
            Ok(e) => {
                failure = Some(AudioError::from_cpal(name, &e));
                break;
            }
            Err(_) => {}
        }
    }
    // Let the device drain what it buffered before the stream stops.
    std::thread::sleep(Duration::from_millis(100));
    drop(stream);
    match failure {
        Some(e) => Err(e),
        None => Ok(played.load(Ordering::Relaxed).min(expected)),
    }
}

/// Plays a recording (mono, `sample_rate`) on an output device — *hear yourself*: the mentor's
/// own voice, from memory, resampled to the device's rate. Returns the device's name and whether
/// all of it went out.
pub fn play_recording(
    output: Option<&str>,
    samples: &[f32],
    sample_rate: u32,
) -> Result<(String, bool), AudioError> {
    let device = find_device(output, Direction::Output)?;
    let name = device.to_string();
    let supported = device
        .default_output_config()
        .map_err(|e| AudioError::from_cpal_open(&name, &e))?;
    let signal =
        crate::analysis::resample_linear(samples, sample_rate, supported.config().sample_rate);
    let expected = signal.len();
    tracing::info!(device = %name, seconds = samples.len() as f64 / sample_rate.max(1) as f64, "playing the mentor's voice back");
    let played = play_signal(&device, &name, &supported, signal)?;
    Ok((name, played >= expected))
}

fn build_output(
    device: &cpal::Device,
    name: &str,
    format: cpal::SampleFormat,
    config: cpal::StreamConfig,
    signal: Arc<Vec<f32>>,
    played: Arc<AtomicUsize>,
    err_tx: mpsc::Sender<cpal::Error>,
) -> Result<cpal::Stream, AudioError> {
    use cpal::SampleFormat as F;
    macro_rules! typed {
        ($t:ty) => {
            typed_output::<$t>(device, name, config, signal, played, err_tx)
        };
    }
    match format {
        F::I8 => typed!(i8),
        F::I16 => typed!(i16),
        F::I24 => typed!(cpal::I24),
        F::I32 => typed!(i32),
        F::U8 => typed!(u8),
        F::U16 => typed!(u16),
        F::U32 => typed!(u32),
        F::F32 => typed!(f32),
        F::F64 => typed!(f64),
        other => Err(AudioError::Backend {
            device: name.to_string(),
            message: format!("sample format {other} is not supported by this app"),
        }),
    }
}

fn typed_output<T>(
    device: &cpal::Device,
    name: &str,
    config: cpal::StreamConfig,
    signal: Arc<Vec<f32>>,
    played: Arc<AtomicUsize>,
    err_tx: mpsc::Sender<cpal::Error>,
) -> Result<cpal::Stream, AudioError>
where
    T: SizedSample + FromSample<f32> + Send + 'static,
{
    let channels = config.channels.max(1) as usize;
    device
        .build_output_stream::<T, _, _>(
            config,
            move |out: &mut [T], _info| {
                let start = played.load(Ordering::Relaxed);
                let frames = out.len() / channels;
                for (i, frame) in out.chunks_mut(channels).enumerate() {
                    let v = signal.get(start + i).copied().unwrap_or(0.0);
                    for s in frame {
                        *s = T::from_sample(v);
                    }
                }
                played.store(start + frames, Ordering::Relaxed);
            },
            move |e| {
                let _ = err_tx.send(e);
            },
            Some(Duration::from_secs(3)),
        )
        .map_err(|e| AudioError::from_cpal_open(name, &e))
}
