//! `preflight`: the pre-flight check in a terminal.
//!
//! `preflight check` runs every check and prints a readable report (progress goes to stderr);
//! `--json` prints the report as JSON instead. Exit code: 0 all pass, 1 a warning, 2 a failure.
//! `preflight devices` lists microphones, speakers and cameras.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use clap::{Parser, Subcommand};
use preflight::{list_all_devices, CameraChoice, CheckOptions, Progress, Report, Status};

#[derive(Parser)]
#[command(
    name = "preflight",
    version,
    about = "Check your microphone, camera, background and connection before a mentoring call."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the pre-flight check.
    Check(CheckArgs),
    /// List microphones, speakers and cameras.
    Devices {
        /// Print JSON instead of a list.
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Microphone to test (a name from `preflight devices`); default: the system's.
    #[arg(long, value_name = "NAME")]
    mic: Option<String>,
    /// Seconds to listen to the microphone.
    #[arg(long, default_value_t = 4.0, value_name = "SECONDS")]
    mic_seconds: f32,
    /// Skip the microphone check.
    #[arg(long)]
    no_mic: bool,
    /// Camera to test (a name from `preflight devices`); default: the first one.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["camera_image", "no_camera"])]
    camera: Option<String>,
    /// Use a PNG or JPEG picture instead of a camera.
    #[arg(long, value_name = "FILE", conflicts_with = "no_camera")]
    camera_image: Option<String>,
    /// Skip the camera and background checks.
    #[arg(long)]
    no_camera: bool,
    /// Seconds of camera frames to measure.
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS")]
    camera_seconds: f32,
    /// Skip the network check.
    #[arg(long)]
    no_network: bool,
}

impl CheckArgs {
    fn options(&self) -> CheckOptions {
        CheckOptions {
            mic: self.mic.clone(),
            mic_seconds: self.mic_seconds,
            skip_mic: self.no_mic,
            camera: if self.no_camera {
                CameraChoice::Off
            } else if let Some(p) = &self.camera_image {
                CameraChoice::Image(p.clone())
            } else if let Some(n) = &self.camera {
                CameraChoice::Named(n.clone())
            } else {
                CameraChoice::Default
            },
            camera_seconds: self.camera_seconds,
            skip_network: self.no_network,
        }
    }
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PREFLIGHT_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("preflight: {e:#}");
            3
        }
    };
    std::process::exit(code);
}

fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Devices { json } => {
            let d = list_all_devices();
            if json {
                println!("{}", serde_json::to_string_pretty(&d)?);
            } else {
                print!("{}", render_devices(&d));
            }
            Ok(0)
        }
        Command::Check(args) => {
            let rt = tokio::runtime::Runtime::new()?;
            let report = rt.block_on(async {
                let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
                let drawer = tokio::spawn(draw_progress(rx));
                let report = preflight::run(args.options(), tx).await;
                let _ = drawer.await;
                report
            });
            if args.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", render_report(&report));
            }
            Ok(report.exit_code())
        }
    }
}

/// Draws progress on stderr: a live line on a terminal, plain lines otherwise.
async fn draw_progress(mut rx: tokio::sync::mpsc::UnboundedReceiver<Progress>) {
    let tty = std::io::stderr().is_terminal();
    let mut err = std::io::stderr();
    while let Some(p) = rx.recv().await {
        match p {
            Progress::Started { message, .. } => {
                if tty {
                    let _ = write!(err, "\r\x1b[2K");
                }
                let _ = writeln!(err, "… {message}");
            }
            Progress::MicLevel { level } if tty => {
                let _ = write!(err, "\r\x1b[2K  Microphone {}", meter(level.rms_dbfs));
            }
            Progress::Finished { result } => {
                if tty {
                    let _ = write!(err, "\r\x1b[2K");
                }
                let _ = writeln!(
                    err,
                    "{} {}: {}",
                    symbol(result.status),
                    result.title,
                    result.status.label()
                );
            }
            _ => {}
        }
        let _ = err.flush();
    }
}

/// A 20-character level meter for −60..0 dBFS.
fn meter(dbfs: f32) -> String {
    let filled = (((dbfs + 60.0) / 60.0).clamp(0.0, 1.0) * 20.0).round() as usize;
    format!(
        "▕{}{}▏ {:>4.0} dBFS",
        "█".repeat(filled),
        "░".repeat(20 - filled),
        dbfs
    )
    .replace('-', "−")
}

fn symbol(s: Status) -> &'static str {
    match s {
        Status::Pass => "✔",
        Status::Warn => "!",
        Status::Fail => "✘",
        Status::Skipped => "–",
    }
}

fn render_report(r: &Report) -> String {
    let mut out = String::from("\nMentor Preflight — pre-flight check\n\n");
    for c in &r.checks {
        out += &format!(
            "{} {:<4}  {:<11} {}\n",
            symbol(c.status),
            c.status.label(),
            c.title,
            c.summary
        );
        for d in &c.details {
            out += &format!("{:20}{}: {}\n", "", d.label, d.text);
        }
        if let Some(a) = &c.advice {
            out += &format!("{:20}→ {a}\n", "");
        }
        out += "\n";
    }
    let count = |s| r.checks.iter().filter(|c| c.status == s).count();
    out += &format!(
        "Overall: {} — {} passed, {} warnings, {} failed, {} skipped\n",
        r.overall.label(),
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail),
        count(Status::Skipped)
    );
    out
}

fn render_devices(d: &preflight::DeviceReport) -> String {
    let mut out = String::new();
    let mut section = |title: &str, names: Vec<String>, error: &Option<String>| {
        out += &format!("{title}:\n");
        if let Some(e) = error {
            out += &format!("  (could not list: {e})\n");
        } else if names.is_empty() {
            out += "  none found\n";
        }
        for n in names {
            out += &format!("  {n}\n");
        }
    };
    let audio = |list: &[preflight_audio::AudioDevice]| {
        list.iter()
            .map(|a| {
                format!(
                    "{}{}",
                    a.name,
                    if a.is_default { "  (default)" } else { "" }
                )
            })
            .collect()
    };
    section("Microphones", audio(&d.audio.inputs), &d.audio_error);
    section("Speakers", audio(&d.audio.outputs), &d.audio_error);
    section(
        "Cameras",
        d.cameras
            .iter()
            .map(|c| format!("{} ({})", c.name, c.description))
            .collect(),
        &d.camera_error,
    );
    out
}
