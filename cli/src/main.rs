//! `preflight`: the pre-flight check in a terminal.
//!
//! `preflight check` runs every check and prints a readable report (progress goes to stderr);
//! `--json` prints the report as JSON instead. Exit code: 0 all pass, 1 a warning, 2 a failure.
//! `preflight devices` lists microphones, speakers and cameras.

use preflight::calendar::fetch::shown_address;
use std::io::{IsTerminal, Write};

// Everything the CLI prints goes through one sanitizer (`for_terminal`): text from calendars,
// templates, file names, settings, devices and errors never reaches the terminal with its
// control sequences (ESC, OSC, C1, bidi overrides); line breaks and tabs stay.
macro_rules! outln {
    () => { println!() };
    ($($t:tt)*) => { println!("{}", $crate::shown(&format!($($t)*))) };
}
macro_rules! out {
    ($($t:tt)*) => { print!("{}", $crate::shown(&format!($($t)*))) };
}
macro_rules! errln {
    () => { eprintln!() };
    ($($t:tt)*) => { eprintln!("{}", $crate::shown(&format!($($t)*))) };
}
macro_rules! err_out {
    ($($t:tt)*) => { eprint!("{}", $crate::shown(&format!($($t)*))) };
}

/// `text` as it may be printed (see the macros above).
fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    preflight::calendar::text::for_terminal(text)
}

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};
use preflight::calendar::schedule::Membership;
use preflight::model::Offer;
use preflight::scripts::Template;
use preflight::{
    list_all_devices, settings, verdict, CameraChoice, CheckId, CheckOptions, Context, Progress,
    Report, Settings, Status,
};

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
    /// Show a session script, or check a template file you wrote.
    Script {
        #[command(subcommand)]
        action: ScriptAction,
    },
    /// Your mentoring sessions: list, add, remove, import a calendar (.ics file or feed).
    Schedule {
        #[command(subcommand)]
        action: ScheduleAction,
    },
    /// Your records of checks and sessions: export them for a programme's monitoring form.
    Records {
        #[command(subcommand)]
        action: RecordsAction,
    },
    /// Mentoring programmes and their codes: list them, show one, or check a profile you wrote.
    Programme {
        #[command(subcommand)]
        action: ProgrammeAction,
    },
    /// Your settings, shared with the app: the clock times are shown in.
    Settings {
        #[command(subcommand)]
        action: SettingsAction,
    },
}

#[derive(Subcommand)]
enum SettingsAction {
    /// Show times on a 12- or 24-hour clock, or as this computer's regional settings do;
    /// without a choice, say which is in force.
    Clock {
        /// `12`, `24` or `computer`.
        #[arg(value_parser = ["12", "24", "computer"])]
        choice: Option<String>,
    },
}

#[derive(Subcommand)]
enum ProgrammeAction {
    /// List the built-in programme profiles.
    List,
    /// Show a programme's rules: sessions, rhythm, scripts, feedback points, checklist, contact.
    Show {
        /// A built-in profile (see `preflight programme list`).
        #[arg(conflicts_with = "file", required_unless_present = "file")]
        id: Option<String>,
        /// Your own profile file (TOML) instead of a built-in one.
        #[arg(long, value_name = "FILE")]
        file: Option<std::path::PathBuf>,
        /// Show the checklist as for a mentee under 18.
        #[arg(long)]
        under_18: bool,
    },
    /// Check a profile file and say exactly what is wrong (file:line:column).
    Check {
        /// The profile file (TOML); start from `preflight programme show custom`'s source,
        /// crates/programme/programmes/custom.toml.
        file: std::path::PathBuf,
    },
    /// Choose the programme you mentor with: new sessions and imported calendars belong to it
    /// unless you say otherwise (`none` for no programme).
    Use {
        /// A programme id (see `preflight programme list`) or `none`.
        id: String,
    },
    /// Name the programme contact for safeguarding and questions (the script window's
    /// *Report a concern* reaches them).
    Contact {
        /// A programme id (see `preflight programme list`).
        id: String,
        /// Name or role ("Safeguarding lead").
        #[arg(long, required_unless_present = "clear")]
        name: Option<String>,
        /// Email address.
        #[arg(long)]
        email: Option<String>,
        /// Phone number.
        #[arg(long)]
        phone: Option<String>,
        /// Forget the contact.
        #[arg(long, conflicts_with_all = ["name", "email", "phone"])]
        clear: bool,
    },
    /// Save your own programme (checked first; nothing is saved when it has a mistake): it
    /// becomes the `custom` programme in the app and here.
    Save {
        /// The profile file (TOML).
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum ScheduleAction {
    /// List the coming sessions.
    List {
        /// Print JSON instead of a list.
        #[arg(long)]
        json: bool,
    },
    /// Add a session.
    Add {
        /// Who the session is with.
        #[arg(long)]
        mentee: String,
        /// Local date and time, e.g. "2026-11-24 18:00".
        #[arg(long, value_name = "DATE TIME")]
        at: String,
        /// Time zone (IANA name, e.g. Europe/London); default: this computer's.
        #[arg(long, default_value = "")]
        zone: String,
        /// Length in minutes.
        #[arg(long, default_value_t = 60)]
        minutes: u32,
        /// Meeting link (https:// or a meeting app's own link).
        #[arg(long, default_value = "")]
        link: String,
        /// Session script (first-session, regular-session, final-session, …).
        #[arg(long, default_value = "")]
        template: String,
        /// Number of the session in the programme.
        #[arg(long)]
        number: Option<u32>,
        /// The programme the session belongs to (see `preflight programme list`).
        #[arg(long, value_name = "ID")]
        programme: Option<String>,
        /// The mentee is under 18: the programme's safeguarding rules apply.
        #[arg(long, requires = "programme")]
        under_18: bool,
    },
    /// Remove a session by its id (see `schedule list --json`).
    Remove {
        /// The session's id.
        id: String,
    },
    /// Import an .ics file, or subscribe to a calendar feed (https:// or webcal://).
    Import {
        /// File path or feed address.
        source: String,
        /// The programme its sessions belong to (see `preflight programme list`; `none` for
        /// none); default: what was chosen for this calendar before, else your programme.
        #[arg(long, value_name = "ID")]
        programme: Option<String>,
        /// The mentee is under 18: the programme's safeguarding rules apply.
        #[arg(long, requires = "programme")]
        under_18: bool,
    },
    /// Fetch subscribed calendar feeds again.
    Refresh,
    /// Stop following a calendar feed: its sessions go too.
    Unsubscribe {
        /// The feed's address, as `schedule list --json`'s subscriptions show it.
        url: String,
    },
}

#[derive(Subcommand)]
enum RecordsAction {
    /// Export sessions with their checks and room openings as CSV (one row per session).
    Export {
        /// First day (YYYY-MM-DD, local time); default: Monday of this week.
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Day after the last (YYYY-MM-DD); default: seven days after --from.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
        /// Only the sessions of this programme (see `preflight programme list`).
        #[arg(long, value_name = "ID")]
        programme: Option<String>,
    },
    /// Say whether a session took place as planned (The Brokerage's weekly record).
    Planned {
        /// The session's id (see `schedule list --json`).
        id: String,
        /// `yes` or `no`.
        #[arg(value_parser = ["yes", "no"])]
        answer: String,
        /// Why not, in a few words (needed with `no`; it goes into the monitoring export).
        #[arg(long, value_name = "WORDS")]
        reason: Option<String>,
    },
}

#[derive(Subcommand)]
enum ScriptAction {
    /// Print a script with its phases, prompts and checklist, variables filled in.
    Show {
        /// The script, as `preflight script list` names it: first-session, regular-session,
        /// final-session, programme:seven-week, or user:<your file's name>.
        #[arg(long, default_value = "first-session", conflicts_with = "file")]
        template: String,
        /// Your own template file (TOML) instead of a built-in one.
        #[arg(long, value_name = "FILE")]
        file: Option<std::path::PathBuf>,
        /// A variable, as NAME=VALUE (mentee, mentor, session_number, programme_sessions,
        /// programme_name, next_session); repeat for more.
        #[arg(long = "var", value_name = "NAME=VALUE")]
        vars: Vec<String>,
        /// The programme the session belongs to (see `preflight programme list`).
        #[arg(long, value_name = "ID")]
        programme: Option<String>,
        /// The mentee is under 18: the script states the safeguarding limit of confidentiality.
        #[arg(long, requires = "programme")]
        under_18: bool,
    },
    /// Check a template file and say exactly what is wrong (file:line:column).
    Check {
        /// The template file (TOML).
        file: std::path::PathBuf,
    },
    /// List the scripts to pick from: built in, the 7-week programme, and your own.
    List,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Microphone to test (a name from `preflight devices`); default: the system's.
    #[arg(long, value_name = "NAME")]
    mic: Option<String>,
    /// Seconds to listen to the microphone (1 to 30).
    #[arg(long, default_value_t = 4.0, value_name = "SECONDS", value_parser = seconds_parser(1.0, 30.0))]
    mic_seconds: f32,
    /// Skip the microphone check.
    #[arg(long)]
    no_mic: bool,
    /// Speakers or headphones to test (a name from `preflight devices`); default: the system's.
    #[arg(long, value_name = "NAME")]
    speaker: Option<String>,
    /// Skip the speaker test.
    #[arg(long)]
    no_speaker: bool,
    /// Do not listen for the speaker chime with the microphone; just ask whether you heard it.
    #[arg(long)]
    no_listen: bool,
    /// Remember the devices given with --mic, --speaker and --camera for next time (the app
    /// shares these choices).
    #[arg(long)]
    remember: bool,
    /// Camera to test (a name from `preflight devices`); default: the first one.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["camera_image", "no_camera"])]
    camera: Option<String>,
    /// Use a PNG or JPEG picture instead of a camera.
    #[arg(long, value_name = "FILE", conflicts_with = "no_camera")]
    camera_image: Option<String>,
    /// Skip the camera and background checks.
    #[arg(long)]
    no_camera: bool,
    /// Seconds of camera frames to measure (0.5 to 30).
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS", value_parser = seconds_parser(0.5, 30.0))]
    camera_seconds: f32,
    /// Skip the network checks.
    #[arg(long)]
    no_network: bool,
    /// STUN server (host:port) to measure call quality against; repeat for fallbacks.
    /// Default: the servers in the settings, else public ones (Google, Cloudflare).
    #[arg(long = "stun-server", value_name = "HOST:PORT", value_parser = parse_host_port)]
    stun_servers: Vec<String>,
    /// A meeting platform to check instead of the defaults (Zoom, Google Meet, Microsoft
    /// Teams, Jitsi Meet), as NAME=HOST:PORT, with `,media=HOST:PORT` where its calls' media
    /// servers answer STUN over UDP (its call route is then measured too); repeat for more.
    #[arg(long = "platform", value_name = "NAME=HOST:PORT[,media=HOST:PORT]", value_parser = parse_platform)]
    platforms: Vec<preflight::net::PlatformTarget>,
    /// Skip the meeting-app reachability check.
    #[arg(long)]
    no_platforms: bool,
    /// Skip the connection speed (capacity) check.
    #[arg(long)]
    no_capacity: bool,
    /// Speed-test download address (GET; `{bytes}` stands for the number of bytes). Default:
    /// the settings, else Cloudflare's speed test. Use with --speed-test-upload.
    #[arg(long, value_name = "URL", requires = "speed_test_upload")]
    speed_test_download: Option<String>,
    /// Speed-test upload address (POST). Use with --speed-test-download.
    #[arg(long, value_name = "URL", requires = "speed_test_download")]
    speed_test_upload: Option<String>,
    /// Do not add this check to your records.
    #[arg(long)]
    no_record: bool,
    /// Confirm a checklist item the check cannot see (phone, dress, screens, …); repeat for
    /// more. See the checklist at the end of the report for the ids.
    #[arg(long = "declare", value_name = "ITEM")]
    declare: Vec<String>,
}

impl CheckArgs {
    /// Options from the flags, falling back to the remembered choices in `saved`.
    fn options(&self, saved: &Settings) -> CheckOptions {
        CheckOptions {
            mic: self.mic.clone().or_else(|| saved.mic.clone()),
            mic_seconds: self.mic_seconds,
            skip_mic: self.no_mic,
            speaker: self.speaker.clone().or_else(|| saved.speaker.clone()),
            skip_speaker: self.no_speaker,
            listen_for_chime: !self.no_listen,
            camera: if self.no_camera {
                CameraChoice::Off
            } else if let Some(p) = &self.camera_image {
                CameraChoice::Image(p.clone())
            } else if let Some(n) = self.camera.clone().or_else(|| saved.camera.clone()) {
                CameraChoice::Named(n)
            } else {
                CameraChoice::Default
            },
            camera_seconds: self.camera_seconds,
            skip_network: self.no_network,
            platforms: if self.no_platforms {
                Some(Vec::new())
            } else if !self.platforms.is_empty() {
                Some(self.platforms.clone())
            } else {
                saved.platforms.clone()
            },
            stun_servers: if self.stun_servers.is_empty() {
                saved.stun_servers.clone()
            } else {
                self.stun_servers.clone()
            },
            skip_capacity: self.no_capacity,
            speed_test: match (&self.speed_test_download, &self.speed_test_upload) {
                (Some(d), Some(u)) => Some(preflight::SpeedTest {
                    download_url: d.clone(),
                    upload_url: u.clone(),
                }),
                _ => saved.speed_test.clone(),
            },
        }
    }
}

/// Whether `s` names a checklist item: a standard one, or a programme's own (`mentor247:3`,
/// `brokerage:u18:2`, listed in the report). The message lists the standard ones when not.
fn known_item(ctx: &Context, s: &str) -> Result<(), String> {
    let ids: Vec<&str> = preflight::checklist::ITEMS
        .iter()
        .map(|(id, _)| *id)
        .collect();
    let programme_item = s.split_once(':').is_some_and(|(p, _)| {
        preflight::programmes::profiles(ctx)
            .0
            .get(p)
            .is_some_and(|p| p.checklist_for(true).iter().any(|(id, _)| id == s))
    });
    if ids.contains(&s) || programme_item {
        Ok(())
    } else {
        Err(format!(
            "unknown checklist item; use one of: {}, or a programme's item id from the report (e.g. mentor247:3)",
            ids.join(", ")
        ))
    }
}

/// A number of seconds between `min` and `max` (not NaN, not infinite).
fn seconds_parser(min: f32, max: f32) -> impl Fn(&str) -> Result<f32, String> + Clone {
    move |s: &str| {
        let v: f32 = s
            .trim()
            .parse()
            .map_err(|_| format!("“{s}” is not a number of seconds"))?;
        if v.is_finite() && (min..=max).contains(&v) {
            Ok(v)
        } else {
            Err(format!("give a number of seconds from {min} to {max}"))
        }
    }
}

/// `host:port` (a name, an IPv4 address, or `[IPv6]:port`), checked before any lookup so a typo
/// is not reported as a DNS failure.
fn parse_host_port(s: &str) -> Result<String, String> {
    let bad = || format!("“{s}” is not HOST:PORT (for example stun.l.google.com:19302)");
    let t = s.trim();
    let (host, port) = t.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    if port == 0 {
        return Err(bad());
    }
    let host_ok = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        v6.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !host.is_empty()
            && host.len() <= 253
            && host.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
    };
    if host_ok {
        Ok(t.to_string())
    } else {
        Err(bad())
    }
}

fn parse_platform(s: &str) -> Result<preflight::net::PlatformTarget, String> {
    preflight::net::PlatformTarget::parse(s)
        .ok_or_else(|| format!("expected NAME=HOST:PORT[,media=HOST:PORT], got {s:?}"))
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
            errln!("preflight: {e:#}");
            3
        }
    };
    std::process::exit(code);
}

/// `preflight settings …`.
fn settings_command(ctx: &Context, action: SettingsAction) -> Result<i32> {
    let SettingsAction::Clock { choice } = action;
    if let Some(choice) = choice {
        let clock = preflight::settings::ClockChoice::parse(&choice)
            .ok_or_else(|| anyhow::anyhow!("Choose 12, 24 or computer."))?;
        if let Some(n) = preflight::settings::update(ctx, |s| s.clock = clock)? {
            errln!("Note: {}", clean(&n));
        }
    }
    let settings = preflight::settings::load(ctx)?.value;
    let style = preflight::settings::time_style(ctx, &settings);
    let example = style.time(
        &jiff::civil::date(2026, 1, 1)
            .at(14, 30, 0, 0)
            .to_zoned(jiff::tz::TimeZone::UTC)?,
    );
    let whose = match settings.clock {
        preflight::settings::ClockChoice::Computer => "as this computer shows them",
        preflight::settings::ClockChoice::H24 => "on a 24-hour clock",
        preflight::settings::ClockChoice::H12 => "on a 12-hour clock",
    };
    outln!("Times are shown {whose}, like {example}.");
    Ok(0)
}

fn run(cli: Cli) -> Result<i32> {
    // Where the data is, the clock and the platform: built once, handed to every use case.
    let ctx = Context::system();
    let ctx = &ctx;
    match cli.command {
        Command::Script { action } => script(ctx, action),
        Command::Programme { action } => programme(ctx, action),
        Command::Schedule { action } => schedule(ctx, action),
        Command::Records { action } => records(ctx, action),
        Command::Settings { action } => settings_command(ctx, action),
        Command::Devices { json } => {
            let d = list_all_devices();
            if json {
                outln!("{}", serde_json::to_string_pretty(&d)?);
            } else {
                out!("{}", render_devices(ctx, &d));
            }
            Ok(0)
        }
        Command::Check(args) => {
            // Checked before anything runs, as a usage error (clap's words and exit code).
            for item in &args.declare {
                if let Err(e) = known_item(ctx, item) {
                    Cli::command()
                        .error(
                            clap::error::ErrorKind::InvalidValue,
                            format!(
                                "invalid value '{}' for '--declare <ITEM>': {e}",
                                clean(item)
                            ),
                        )
                        .exit();
                }
            }
            let loaded = settings::load(ctx)?;
            if let Some(notice) = &loaded.notice {
                errln!("Note: {}", clean(notice));
            }
            let mut saved = loaded.value;
            if args.remember {
                settings::update(ctx, |s| {
                    s.mic = args.mic.clone().or(s.mic.take());
                    s.speaker = args.speaker.clone().or(s.speaker.take());
                    s.camera = args.camera.clone().or(s.camera.take());
                    saved = s.clone();
                })?;
            }
            let rt = tokio::runtime::Runtime::new()?;
            let mut report = rt.block_on(async {
                let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
                let drawer = tokio::spawn(draw_progress(rx));
                let report = preflight::run(args.options(&saved), tx).await;
                let _ = drawer.await;
                report
            });
            // On a terminal, ask what only the mentor can answer ("Did you hear the chime?").
            if !args.json && std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
                ask_questions(&mut report)?;
            }
            let ticked = args.declare.iter().cloned().collect();
            let finished = preflight::checks::finish_check(
                ctx,
                &mut report,
                &ticked,
                preflight::model::Origin::Cli,
                !args.no_record,
            );
            if let Some(n) = finished.notice {
                errln!("Note: {}", clean(&n));
            }
            if let Some((mentee, m)) = finished.session {
                errln!(
                    "Recorded for your session with {} ({}).",
                    clean(&mentee),
                    preflight::calendar::schedule::against_start(m, "it")
                );
            }
            if args.json {
                outln!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                out!("{}", render_report(&report));
            }
            Ok(report.exit_code())
        }
    }
}

fn schedule(ctx: &Context, action: ScheduleAction) -> Result<i32> {
    let now = ctx.now();
    match action {
        ScheduleAction::List { json } => {
            let loaded = preflight::schedule::load_schedule(ctx)?;
            if let Some(n) = &loaded.notice {
                errln!("Note: {}", clean(n));
            }
            let upcoming = loaded.value.upcoming(now);
            if json {
                outln!("{}", serde_json::to_string_pretty(&upcoming)?);
                return Ok(0);
            }
            let (profiles, _) = preflight::programmes::profiles(ctx);
            if upcoming.is_empty() {
                outln!("No sessions scheduled. Add one with `preflight schedule add` or import your calendar with `preflight schedule import FILE.ics`.");
            }
            let local = jiff::tz::TimeZone::system();
            let style = preflight::settings::current_time_style(ctx);
            for s in upcoming {
                let when = style.day_year_time(&s.start.to_zoned(local.clone()));
                let number = s
                    .session_number
                    .map(|n| format!(" · session {n}"))
                    .unwrap_or_default();
                let link = s.link.as_deref().unwrap_or("no meeting link");
                let programme = s
                    .programme
                    .as_deref()
                    .and_then(|id| profiles.get(id))
                    .map(|p| {
                        let minor = if s.under_18 { ", mentee under 18" } else { "" };
                        let by = if p.programme_schedules(s.under_18) {
                            "; the programme schedules these sessions"
                        } else {
                            ""
                        };
                        format!("\n    {}{minor}{by}", p.name)
                    })
                    .unwrap_or_default();
                outln!(
                    "{when}  {} ({} min{number}) {}\n    {}{programme}",
                    clean(&s.mentee),
                    s.duration_min,
                    preflight::calendar::schedule::countdown(s.start, s.end(), now),
                    clean(link)
                );
            }
            Ok(0)
        }
        ScheduleAction::Add {
            mentee,
            at,
            zone,
            minutes,
            link,
            template,
            number,
            programme,
            under_18,
        } => {
            // The mentor's programme, unless this session says otherwise.
            let programme = programme.or_else(|| {
                preflight::settings::load(ctx)
                    .ok()
                    .and_then(|l| l.value.programme)
            });
            let input = preflight::calendar::SessionInput {
                mentee,
                local_start: at,
                time_zone: zone,
                duration_min: minutes,
                link,
                template,
                session_number: number,
                programme,
                under_18: Some(under_18),
            };
            let id = preflight::calendar::schedule::new_session_id(now);
            let session = input
                .into_session(id, &preflight::schedule::local_zone())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let ((), notice) = preflight::schedule::update_schedule(ctx, |s| {
                s.upsert(session.clone());
                Ok::<_, preflight::store::StoreError>(())
            })?;
            if let Some(n) = notice {
                errln!("Note: {}", clean(&n));
            }
            // Said only once it is saved.
            let start = session.zoned_start();
            outln!(
                "Added: {} at {} {} ({}).",
                clean(&session.mentee),
                preflight::settings::current_time_style(ctx).day_year_time(&start),
                start.strftime("%Z"),
                session.id
            );
            Ok(0)
        }
        ScheduleAction::Remove { id } => {
            // Refused inside the change, so nothing is written when there is nothing to remove.
            preflight::schedule::update_schedule(ctx, |s| {
                if s.remove(&id) {
                    Ok(())
                } else {
                    Err(anyhow::anyhow!(
                        "There is no session with the id {}; see `preflight schedule list --json`.",
                        clean(&id)
                    ))
                }
            })?;
            outln!("Removed {}.", clean(&id));
            Ok(0)
        }
        ScheduleAction::Import {
            source,
            programme,
            under_18,
        } => {
            let membership = match programme.as_deref() {
                Some("none") => Some(Membership::default()),
                Some(p) => Some(Membership::new(Some(p), under_18)?),
                None => {
                    // Chosen before for this calendar: kept. A new calendar: the mentor's programme.
                    let name = if source.contains("://") {
                        source.trim().to_string()
                    } else {
                        std::path::Path::new(&source)
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    };
                    let known = preflight::schedule::load_schedule(ctx)?
                        .value
                        .calendar_programmes
                        .contains_key(&name);
                    let mine = preflight::settings::load(ctx)
                        .ok()
                        .and_then(|l| l.value.programme);
                    match mine {
                        Some(p) if !known => Some(Membership::new(Some(&p), false)?),
                        _ => None,
                    }
                }
            };
            let summary = preflight::imports::import_and_save(ctx, &source, now, membership)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            outln!(
                "Imported {} session(s) from {} (replacing {} from an earlier import).",
                summary.added,
                clean(&summary.calendar),
                summary.replaced
            );
            for n in &summary.notes {
                outln!("  {}", clean(n));
            }
            Ok(0)
        }
        ScheduleAction::Unsubscribe { url } => {
            let shown = shown_address(&url);
            if !preflight::imports::unsubscribe(ctx, &url).map_err(|e| anyhow::anyhow!("{e}"))? {
                anyhow::bail!("You are not subscribed to {}.", clean(&shown));
            }
            outln!(
                "Unsubscribed from {}; its sessions were removed.",
                clean(&shown)
            );
            Ok(0)
        }
        ScheduleAction::Refresh => {
            let subs = preflight::imports::refresh_subscriptions(ctx, now)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut code = 0;
            for s in subs {
                match s.last_error {
                    Some(e) => {
                        code = 1;
                        outln!("{}: {}", clean(&shown_address(&s.url)), clean(&e))
                    }
                    None => outln!("{}: up to date", clean(&shown_address(&s.url))),
                }
            }
            Ok(code)
        }
    }
}

fn parse_day(s: &str) -> Result<jiff::Timestamp> {
    let date: jiff::civil::Date = s
        .parse()
        .map_err(|_| anyhow::anyhow!("“{s}” is not a date; use the form 2026-11-23."))?;
    date.to_zoned(jiff::tz::TimeZone::system())
        .map(|z| z.timestamp())
        .map_err(|_| {
            anyhow::anyhow!(
                "“{}” is outside the dates this app can handle; use a date between the years 1 and 9999.",
                clean(s)
            )
        })
}

fn records(ctx: &Context, action: RecordsAction) -> Result<i32> {
    let (from, to, out, programme) = match action {
        RecordsAction::Export {
            from,
            to,
            out,
            programme,
        } => (from, to, out, programme),
        RecordsAction::Planned { id, answer, reason } => {
            let yes = answer == "yes";
            let session = preflight::monitoring::state_as_planned(
                ctx,
                &id,
                yes,
                reason.as_deref(),
                ctx.now(),
            )
            .map_err(|e| match e {
                preflight::monitoring::PlannedError::NoSession(_) => {
                    anyhow::anyhow!("{e} See `preflight schedule list --json` for the ids.")
                }
                preflight::monitoring::PlannedError::NoReason => {
                    anyhow::anyhow!("{e} Add --reason \"…\".")
                }
                e => e.into(),
            })?;
            outln!(
                "Recorded: the session with {} on {} {} as planned.",
                clean(&session.mentee),
                session.zoned_start().strftime("%a %-d %b"),
                if yes {
                    "took place"
                } else {
                    "did not take place"
                }
            );
            return Ok(0);
        }
    };
    if let Some(p) = &programme {
        if !preflight::scripts::programme::is_known(p) {
            anyhow::bail!(
                "“{}” is not a programme this app knows; see `preflight programme list`.",
                clean(p)
            );
        }
    }
    let now = ctx.now();
    let (from, to) = match (from, to) {
        (None, None) => preflight::records::week_of(now, &jiff::tz::TimeZone::system()),
        (Some(day), None) => {
            let f = parse_day(&day)?;
            let t = f
                .checked_add(jiff::SignedDuration::from_hours(24 * 7))
                .map_err(|_| {
                    anyhow::anyhow!(
                        "A week from “{}” runs past the last date this app can handle; give --to as well.",
                        clean(&day)
                    )
                })?;
            (f, t)
        }
        (f, Some(t)) => {
            let day = t;
            let t = parse_day(&day)?;
            let f = match f {
                Some(f) => parse_day(&f)?,
                None => t
                    .checked_sub(jiff::SignedDuration::from_hours(24 * 7))
                    .map_err(|_| {
                        anyhow::anyhow!(
                            "A week before “{}” starts before the first date this app can handle; give --from as well.",
                            clean(&day)
                        )
                    })?,
            };
            (f, t)
        }
    };
    let export =
        preflight::monitoring::monitoring_export(ctx, from, to, programme.as_deref(), now)?;
    if let Some(n) = &export.notice {
        errln!("Note: {}", clean(n));
    }
    match out {
        Some(path) => {
            preflight::monitoring::write_export(ctx, &path, &export.csv)
                .map_err(|e| anyhow::anyhow!("The export was not written: {e}"))?;
            errln!(
                "Wrote {} session(s) to {}.",
                export.rows.len(),
                path.display()
            );
        }
        None => out!("{}", export.csv),
    }
    Ok(0)
}

fn load_template(file: &std::path::Path) -> Result<Template> {
    Ok(Template::load(file)?)
}

/// Text from a file or a feed, safe to print on a terminal (no escape sequences).
fn clean(s: &str) -> String {
    preflight::calendar::schedule::clean_text(s, 2000)
}

fn programme(ctx: &Context, action: ProgrammeAction) -> Result<i32> {
    use preflight::scripts::programme::Profile;
    let (profiles, problem) = preflight::programmes::profiles(ctx);
    match action {
        ProgrammeAction::List => {
            let mine = preflight::settings::load(ctx)
                .ok()
                .and_then(|l| l.value.programme);
            for p in profiles.all() {
                let star = if mine.as_deref() == Some(p.id.as_str()) {
                    "  (your programme)"
                } else {
                    ""
                };
                outln!(
                    "{:20} {} — {}{star}",
                    p.id,
                    clean(&p.name),
                    programme_rhythm(&p)
                );
            }
            if let Some(e) = problem {
                errln!("Note: {}", clean(&e));
            }
            Ok(0)
        }
        ProgrammeAction::Use { id } => {
            let choice = (id != "none").then_some(id.as_str());
            match preflight::programmes::choose_programme(ctx, choice, None)? {
                Some(p) => {
                    outln!(
                        "Your programme: {}. New sessions and calendars belong to it.",
                        clean(&p.name)
                    );
                    if let Some(gap) = p.safeguarding_gap() {
                        errln!(
                            "Note: {} (preflight programme contact {} --name … --email …)",
                            clean(&gap),
                            clean(&p.id)
                        );
                    }
                }
                None => outln!("No programme: sessions belong to none unless you choose one."),
            }
            Ok(0)
        }
        ProgrammeAction::Contact {
            id,
            name,
            email,
            phone,
            clear,
        } => {
            let change = if clear {
                preflight::programmes::ContactChange::Clear
            } else {
                preflight::programmes::ContactChange::Set {
                    name: name.unwrap_or_default(),
                    email: email.unwrap_or_default(),
                    phone: phone.unwrap_or_default(),
                }
            };
            match preflight::programmes::set_programme_contact(ctx, &id, change)? {
                Some(c) => outln!("Programme contact for {id}: {}.", clean(&c.name)),
                None => outln!("No programme contact for {id}."),
            }
            Ok(0)
        }
        ProgrammeAction::Save { file } => {
            let text = match Profile::load(&file) {
                Ok(_) => std::fs::read_to_string(&file)?,
                Err(e) => {
                    errln!("{e}\nNothing was saved.");
                    return Ok(2);
                }
            };
            match preflight::programmes::save_custom_profile(ctx, &text) {
                Ok(p) => {
                    outln!(
                        "Saved your programme \"{}\" as `custom`: {}.",
                        clean(&p.name),
                        programme_rhythm(&p)
                    );
                    Ok(0)
                }
                Err(e) => {
                    errln!("{e}\nNothing was saved.");
                    Ok(2)
                }
            }
        }
        ProgrammeAction::Check { file } => match Profile::load(&file) {
            Ok(p) => {
                outln!(
                    "{}: OK — \"{}\", {}, {} checklist items",
                    file.display(),
                    clean(&p.name),
                    programme_rhythm(&p),
                    p.checklist_for(false).len()
                );
                Ok(0)
            }
            Err(e) => {
                errln!("{e}");
                Ok(2)
            }
        },
        ProgrammeAction::Show { id, file, under_18 } => {
            let p = match (&file, &id) {
                (Some(f), _) => match Profile::load(f) {
                    Ok(p) => p,
                    Err(e) => {
                        errln!("{e}");
                        return Ok(2);
                    }
                },
                (None, Some(id)) => profiles.get(id).ok_or_else(|| {
                    anyhow::anyhow!(
                        "there is no built-in programme {id:?}; see `preflight programme list`"
                    )
                })?,
                (None, None) => anyhow::bail!("name a programme or give --file"),
            };
            out!("{}", render_programme(&p, under_18));
            Ok(0)
        }
    }
}

/// "7 sessions of 60 minutes, every 7 days" and the like.
fn programme_rhythm(p: &preflight::scripts::programme::Profile) -> String {
    let count = match p.sessions {
        Some(n) => format!("{n} sessions of {} minutes", p.session_minutes),
        None => format!("sessions of {} minutes", p.session_minutes),
    };
    match p.cadence_days {
        Some(7) => format!("{count}, weekly"),
        Some(14) => format!("{count}, every two weeks"),
        Some(d) => format!("{count}, every {d} days"),
        None => count,
    }
}

fn render_programme(p: &preflight::scripts::programme::Profile, under_18: bool) -> String {
    let mut out = format!("{} ({})\n", clean(&p.name), clean(&p.code));
    out += &format!("  {}\n", programme_rhythm(p));
    if let Some(t) = &p.training {
        out += &format!("  Before you start: {}\n", clean(t));
    }
    out += &format!(
        "  Open the meeting room {} minutes early.\n",
        p.room_open_minutes
    );
    out += if p.programme_schedules(under_18) {
        "  The programme schedules the sessions, not you.\n"
    } else {
        "  You arrange each session with your mentee.\n"
    };
    if p.weekly_monitoring {
        out += "  Each week: a record of whether mentoring took place as planned.\n";
    }
    for f in &p.feedback {
        out += &format!("  After session {}: {}\n", f.after_session, clean(&f.what));
    }
    out += &format!(
        "  Scripts: {} first, {} in between, {} last\n",
        p.scripts.first, p.scripts.middle, p.scripts.last
    );
    out += if under_18 {
        "\nWhat the code asks of you (mentee under 18):\n"
    } else {
        "\nWhat the code asks of you:\n"
    };
    for (_, item) in p.checklist_for(under_18) {
        out += &format!("  [ ] {}\n", clean(&item));
    }
    // The good practice the codes share that this one does not spell out: the check asks it
    // of every mentor, marked as general advice.
    let general: Vec<&str> = p.general_advice().map(|(_, text)| *text).collect();
    if !general.is_empty() {
        out +=
            "\nGeneral advice (good practice from the mentoring codes; the check asks it too):\n";
        for text in general {
            out += &format!("  [ ] {text}\n");
        }
    }
    // The under-18 rules are always shown (a mentor may not know to ask for them), marked as
    // applying to sessions with a mentee under 18.
    if !under_18 && (!p.under_18.is_empty() || p.programme_schedules(true)) {
        out += "\nWith a mentee under 18 (sessions marked under 18), also:\n";
        if p.programme_schedules(true) && !p.programme_schedules(false) {
            out += "  The programme schedules the sessions, not you.\n";
        }
        for x in &p.under_18_instead {
            let was = p.checklist.get(x.item as usize - 1).map(String::as_str);
            out += &format!(
                "  [ ] {} (instead of \u{201c}{}\u{201d})\n",
                clean(&x.text),
                clean(was.unwrap_or_default())
            );
        }
        for item in &p.under_18 {
            out += &format!("  [ ] {}\n", clean(item));
        }
    }
    if let Some(gap) = p.safeguarding_gap() {
        out += &format!(
            "\nNote: {} (preflight programme contact {} --name … --email …)\n",
            clean(&gap),
            clean(&p.id)
        );
    }
    if let Some(c) = &p.contact {
        out += &format!("\nProgramme contact: {}", clean(&c.name));
        for v in [&c.email, &c.phone].into_iter().flatten() {
            out += &format!(", {}", clean(v));
        }
        out += "\n";
    }
    out
}

fn script(ctx: &Context, action: ScriptAction) -> Result<i32> {
    match action {
        ScriptAction::List => {
            // The same catalogue the app's pickers show: built in, the 7-week programme, and
            // your own files (a broken one with what is wrong where).
            let dir = ctx.templates_dir();
            for t in preflight::scripts::script::catalogue(dir.as_deref()) {
                match &t.error {
                    Some(e) => outln!("{:24} not usable: {e}", t.name),
                    None if t.minutes > 0 => outln!(
                        "{:24} {} ({} min): {}",
                        t.id,
                        t.name,
                        t.minutes,
                        t.description
                    ),
                    None => outln!("{:24} {}: {}", t.id, t.name, t.description),
                }
            }
            if let Some(dir) = dir {
                outln!("\nYour own templates go in {}", dir.display());
            }
            Ok(0)
        }
        ScriptAction::Check { file } => match load_template(&file) {
            Ok(t) => {
                outln!(
                    "{}: OK — \"{}\", {} phases, {} minutes",
                    file.display(),
                    t.name,
                    t.phases.len(),
                    t.total_minutes()
                );
                Ok(0)
            }
            Err(e) => {
                errln!("{e}");
                Ok(2)
            }
        },
        ScriptAction::Show {
            template,
            file,
            vars,
            programme,
            under_18,
        } => {
            let profile = match &programme {
                Some(id) => Some(preflight::programmes::profiles(ctx).0.get(id).ok_or_else(
                    || {
                        anyhow::anyhow!(
                            "there is no built-in programme {id:?}; see `preflight programme list`"
                        )
                    },
                )?),
                None => None,
            };
            let mut values = std::collections::BTreeMap::new();
            for v in vars {
                let (k, val) = v
                    .split_once('=')
                    .ok_or_else(|| anyhow::anyhow!("--var takes NAME=VALUE, got {v:?}"))?;
                values.insert(k.trim().to_string(), val.trim().to_string());
            }
            let t = match &file {
                Some(f) => load_template(f)?,
                // Any script the app offers: built in, programme:seven-week (by the
                // session_number variable), or user:<name> from your templates folder.
                None => preflight::scripts::script::resolve(
                    &template,
                    ctx.templates_dir().as_deref(),
                    &values,
                )
                .map_err(|e| anyhow::anyhow!("{e} See `preflight script list`."))?,
            };
            if let Some(p) = &profile {
                p.fill_vars(&mut values);
            }
            let mut t = t.render(&values);
            if let Some(p) = &profile {
                let n = values
                    .get("session_number")
                    .and_then(|n| n.trim().parse().ok());
                preflight::scripts::adapt::adapt(p, &mut t, under_18, n);
            }
            outln!("{} ({} minutes)\n", t.name, t.total_minutes());
            for (i, p) in t.phases.iter().enumerate() {
                outln!("{}. {} — {} min", i + 1, p.title, p.minutes);
                for q in &p.prompts {
                    outln!("   “{q}”");
                }
                for c in &p.checklist {
                    outln!("   [ ] {c}");
                }
                if let Some(cta) = &p.call_to_action {
                    outln!("   → Next step: {cta}");
                }
                outln!();
            }
            Ok(0)
        }
    }
}

/// Asks each open question on the terminal and settles the result with the answer.
fn ask_questions(report: &mut Report) -> Result<()> {
    for check in report.checks.iter_mut() {
        let Some(q) = check.question.clone() else {
            continue;
        };
        if check.id != CheckId::Speaker {
            continue;
        }
        err_out!("{q} [y/n] ");
        std::io::stderr().flush()?;
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        let heard = matches!(line.trim().to_lowercase().as_str(), "y" | "yes");
        *check = verdict::speaker_answer(check, heard);
    }
    report.overall = Report::overall_of(&report.checks);
    Ok(())
}

/// Draws progress on stderr: a live line on a terminal, plain lines otherwise.
async fn draw_progress(mut rx: tokio::sync::mpsc::UnboundedReceiver<Progress>) {
    let tty = std::io::stderr().is_terminal();
    let mut err = std::io::stderr();
    let mut last_plain_rate: Option<u32> = None;
    while let Some(p) = rx.recv().await {
        match p {
            Progress::Capacity {
                event:
                    preflight::net::capacity::CapacityEvent::Rate {
                        direction,
                        at_ms,
                        mbps,
                    },
                ..
            } => {
                let way = match direction {
                    preflight::net::capacity::Direction::Up => "Upload  ",
                    preflight::net::capacity::Direction::Down => "Download",
                };
                if tty {
                    let _ = write!(err, "\r\x1b[2K  {way} {}", speed_meter(mbps));
                } else if last_plain_rate.is_none_or(|t| at_ms >= t + 1000) {
                    // A plain line a second is enough in a log.
                    last_plain_rate = Some(at_ms);
                    let _ = writeln!(err, "  {} {mbps:.1} Mbps", way.trim_end().to_lowercase());
                }
            }
            Progress::Started { message, .. } => {
                if tty {
                    let _ = write!(err, "\r\x1b[2K");
                }
                let _ = writeln!(err, "… {}", shown(&message));
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
                    shown(&result.title),
                    result.status.label()
                );
            }
            _ => {}
        }
        let _ = err.flush();
    }
}

/// A 20-character speed meter on a log scale from 0.1 to 100 Mbps (the HD mark, 1.5 Mbps,
/// falls a little before the middle).
fn speed_meter(mbps: f64) -> String {
    let pos = ((mbps.max(0.1).log10() + 1.0) / 3.0).clamp(0.0, 1.0);
    let filled = (pos * 20.0).round() as usize;
    format!(
        "▕{}{}▏ {mbps:>5.1} Mbps",
        "█".repeat(filled),
        "░".repeat(20 - filled)
    )
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
            "{} {:<4}  {:<18} {}\n",
            symbol(c.status),
            c.status.label(),
            c.title,
            c.summary
        );
        for d in &c.details {
            out += &format!("{:27}{}: {}\n", "", d.label, d.text);
        }
        if let Some(a) = &c.advice {
            out += &format!("{:27}→ {a}\n", "");
        }
        match &c.offer {
            Some(Offer::UseMicrophone { name }) => {
                out += &format!(
                    "{:27}→ To use it from now on: preflight check --mic \"{name}\" --remember\n",
                    ""
                );
            }
            None => {}
        }
        if let Some(q) = &c.question {
            out += &format!("{:27}? {q} (not answered)\n", "");
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
    if !r.compared.is_empty() {
        out += "\nUnlike your usual (your last checks on this computer):\n";
        for c in &r.compared {
            out += &format!("! {}\n", clean(c));
        }
    }
    if !r.checklist.is_empty() {
        use preflight::checklist::{tally, Basis, ItemState};
        let (ev, dec, not, unknown) = tally(&r.checklist);
        out += &format!(
            "\nCode-of-conduct checklist — {ev} shown by the check, {dec} confirmed by you, {not} not met, {unknown} to confirm\n"
        );
        for i in &r.checklist {
            let mark = match i.state {
                ItemState::Met => "✔",
                ItemState::NotMet => "✕",
                ItemState::Unknown => "☐",
            };
            let basis = match (i.basis, i.general) {
                (Basis::Evidence, false) => "checked",
                (Basis::Declared, false) => "you confirm",
                (Basis::Evidence, true) => "checked · general advice",
                (Basis::Declared, true) => "you confirm · general advice",
            };
            out += &format!("{mark} {:<58} [{basis}]\n", i.text);
            if i.state != ItemState::Met || i.basis == Basis::Evidence {
                out += &format!("    {} ({})\n", i.why, i.id);
            }
        }
        out +=
            "Confirm items yourself with --declare ITEM (e.g. --declare phone --declare dress).\n";
    }
    out
}

fn render_devices(ctx: &Context, d: &preflight::DeviceReport) -> String {
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
    let audio = |list: &[preflight::audio::AudioDevice]| {
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
    match settings::load(ctx) {
        Ok(l) => {
            let saved = l.value;
            section(
                "Remembered choices",
                [
                    ("Microphone", saved.mic),
                    ("Speakers", saved.speaker),
                    ("Camera", saved.camera),
                ]
                .into_iter()
                .map(|(what, v)| {
                    format!(
                        "{what}: {}",
                        v.map(|v| clean(&v))
                            .unwrap_or_else(|| "system default".into())
                    )
                })
                .collect(),
                &None,
            )
        }
        Err(e) => section("Remembered choices", vec![], &Some(e.to_string())),
    }
    section(
        "Cameras",
        d.cameras
            .iter()
            .map(|c| {
                format!(
                    "{} ({})\n      {}",
                    c.name,
                    c.description,
                    c.formats.join("; ")
                )
            })
            .collect(),
        &d.camera_error,
    );
    out
}
