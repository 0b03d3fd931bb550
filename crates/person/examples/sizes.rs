//! Cost of the two models at several input sizes (release): `cargo run --release -p
//! preflight-person --example sizes`.
use std::time::Instant;
use tract_onnx::prelude::*;

fn main() -> TractResult<()> {
    for (name, path, sizes) in [
        (
            "selfie",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/models/selfie_segmentation_landscape.onnx"
            ),
            vec![(256usize, 144usize), (160, 96), (128, 80), (128, 64)],
        ),
        (
            "face",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/models/face_detection_short_range.onnx"
            ),
            vec![(256, 144), (128, 128), (96, 96), (64, 64)],
        ),
    ] {
        for (w, h) in sizes {
            let t = Instant::now();
            let plan = tract_onnx::onnx()
                .model_for_path(path)?
                .with_input_fact(0, f32::fact([1, h, w, 3]).into())?
                .into_optimized()?
                .into_runnable()?;
            let load = t.elapsed();
            let input = Tensor::from_shape(&[1, h, w, 3], &vec![0.3f32; w * h * 3])?;
            let mut best = f64::MAX;
            for _ in 0..20 {
                let t = Instant::now();
                plan.run(tvec!(input.clone().into()))?;
                best = best.min(t.elapsed().as_secs_f64() * 1000.0);
            }
            println!("{name} {w}x{h}: load {load:?}, best of 20 {best:.1} ms");
        }
    }
    Ok(())
}
