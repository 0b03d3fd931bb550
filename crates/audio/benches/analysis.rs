//! Throughput of the pure microphone analysis. Run: `cargo bench -p preflight-audio`.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use preflight_audio::{analyze, ClipParams};

fn bench(c: &mut Criterion) {
    let sr = 48_000u32;
    // 10 s of a speech-like signal: a 220 Hz tone, amplitude-modulated at 3 Hz.
    let samples: Vec<f32> = (0..sr as usize * 10)
        .map(|i| {
            let t = i as f32 / sr as f32;
            0.3 * (std::f32::consts::TAU * 220.0 * t).sin()
                * (0.5 + 0.5 * (std::f32::consts::TAU * 3.0 * t).sin())
        })
        .collect();
    let mut g = c.benchmark_group("mic_analysis");
    g.throughput(Throughput::Elements(samples.len() as u64));
    g.bench_function("analyze_10s_48k", |b| {
        b.iter(|| analyze(std::hint::black_box(&samples), sr, ClipParams::default()))
    });
    // Chime detection over a 1.4 s listening window (what the speaker test analyses).
    let listen: Vec<f32> = samples[..(sr as f64 * 1.4) as usize].to_vec();
    g.throughput(Throughput::Elements(listen.len() as u64));
    g.bench_function("detect_chime_1.4s_48k", |b| {
        b.iter(|| preflight_audio::detect_chime(std::hint::black_box(&listen), sr))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
