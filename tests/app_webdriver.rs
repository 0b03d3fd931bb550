//! The real desktop app, driven through WebDriver (tauri-driver + WebKitWebDriver) on a private
//! X display, with the fake microphone. Checks that pressing "Start check" renders results
//! computed by the Rust engine, and saves screenshots to tests/artifacts/ for people to look at.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use preflight_e2e::desktop::SessionBus;
use preflight_e2e::netsim::{Impairment, Relay, SpeedProfile, SpeedServer, StunServer, TlsServer};
use preflight_e2e::{
    artifacts_dir, built_binary, free_port, processes_in_group, require_tool, FakeMic, FakeSound,
    KillOnDrop, ProcessGroup, Xvfb,
};
use serde_json::json;

struct Session {
    client: Client,
    _stun: StunServer,
    _speed: SpeedServer,
    _tls: Option<TlsServer>,
    relay: Option<Relay>,
    driver: ProcessGroup,
    /// A private D-Bus session: the tray process started by the app hands the app its intents
    /// (a reminder's script window, the check prompt) over the app's single-instance channel.
    _bus: SessionBus,
    _xvfb: Xvfb,
    _mic: FakeMic,
    display: String,
}

async fn start_app(sound: FakeSound) -> Session {
    start_app_with(sound, &[], None).await
}

/// Starts the app on a private display with the fake microphone, a loopback STUN server
/// (behind a relay with `impairment`, if given) configured in its settings, and extra `env`.
async fn start_app_with(
    sound: FakeSound,
    env: &[(&str, String)],
    impairment: Option<Impairment>,
) -> Session {
    start_app_with_files(sound, env, impairment, &[]).await
}

/// Like [`start_app_with`], with files written under the app's HOME before it starts
/// (`(path relative to HOME, contents)`), e.g. a schedule.
async fn start_app_with_files(
    sound: FakeSound,
    env: &[(&str, String)],
    impairment: Option<Impairment>,
    files: &[(&str, String)],
) -> Session {
    start_app_with_mic(FakeMic::new(sound), env, impairment, files).await
}

/// Like [`start_app_with_files`], with the fake microphones set up by the caller.
async fn start_app_with_mic(
    mic: FakeMic,
    env: &[(&str, String)],
    impairment: Option<Impairment>,
    files: &[(&str, String)],
) -> Session {
    require_tool("tauri-driver", "cargo install tauri-driver --locked");
    require_tool("WebKitWebDriver", "webkit2gtk-driver");
    let app = built_binary("mentor-preflight");
    // The call-quality check talks only to our loopback STUN server, never to the internet.
    let stun = StunServer::start();
    let relay = impairment.map(|imp| Relay::start(stun.addr, imp));
    let target = relay.as_ref().map(|r| r.addr).unwrap_or(stun.addr);
    let config = mic.home().join(".config/org.mentorpreflight.app");
    std::fs::create_dir_all(&config).unwrap();
    // Meeting apps: a local TLS endpoint (untrusted, like a captive portal) when impaired,
    // none otherwise; never the real services.
    let tls = impairment.map(|_| TlsServer::start());
    let platforms = match &tls {
        Some(t) => {
            json!([{ "name": "Local meeting app", "host": "localhost", "port": t.addr.port() }])
        }
        None => json!([]),
    };
    // The speed test goes to a paced server on loopback (8 Mbps each way), never the internet.
    let speed = SpeedServer::start(SpeedProfile::symmetric(8.0), false);
    std::fs::write(
        config.join("settings.json"),
        json!({
            "stunServers": [target.to_string()],
            "platforms": platforms,
            "speedTest": { "downloadUrl": speed.download_url(), "uploadUrl": speed.upload_url() },
            // The first-run question about the programme is answered (its own test asks it).
            "programmeChosen": true,
        })
        .to_string(),
    )
    .unwrap();
    for (rel, contents) in files {
        let path = mic.home().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    let xvfb = Xvfb::start();
    let bus = SessionBus::start(mic.home());
    let runtime_dir = mic.home().join("runtime");
    std::fs::create_dir_all(&runtime_dir).unwrap();
    std::fs::create_dir_all(mic.home().join("Documents")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    }

    // A session is asked for up to three times, each with a tauri-driver of its own on fresh
    // ports: under load a port picked free can be taken by another test's driver before ours
    // binds it, and the handshake then fails ("incomplete message"). A real failure of the app
    // to start still fails every attempt.
    let mut attempt = 0;
    let (client, driver) = loop {
        attempt += 1;
        let port = free_port();
        let native_port = free_port();
        // Its own process group: tauri-driver starts WebKitWebDriver, which starts the app; the
        // whole group is ended with the session, so none of them outlives the test.
        let driver = ProcessGroup::spawn(
            Command::new("tauri-driver")
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native_port.to_string(),
                ])
                .env("DISPLAY", &xvfb.display)
                .env("HOME", mic.home())
                .env("XDG_RUNTIME_DIR", &runtime_dir)
                .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
                // The records export's "Save as" dialog answers with its suggested name, here.
                .env(
                    "MENTOR_PREFLIGHT_TEST_SAVE_DIR",
                    mic.home().join("Documents"),
                )
                .env_remove("WAYLAND_DISPLAY")
                .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
                // Times in the house style (24 hours, day first) whatever the machine's locale.
                .env_remove("LC_ALL")
                .env("LC_TIME", "C.UTF-8")
                .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
                .stdout(Stdio::null())
                .stderr(Stdio::inherit()),
        )
        .expect("start tauri-driver");
        let t0 = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                t0.elapsed() < Duration::from_secs(20),
                "tauri-driver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert("tauri:options".into(), json!({ "application": app }));
        match ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => break (client, driver),
            Err(e) if attempt < 3 => {
                eprintln!("WebDriver session, attempt {attempt}: {e}; again with a new driver");
                drop(driver);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(e) => panic!("WebDriver session with the app: {e}"),
        }
    };
    let display = xvfb.display.clone();
    Session {
        client,
        _stun: stun,
        _speed: speed,
        _tls: tls,
        relay,
        driver,
        _bus: bus,
        _xvfb: xvfb,
        _mic: mic,
        display,
    }
}

/// Like [`start_app_with_files`], with the links the app opens (rooms, the programme contact)
/// appended to a log file in `dir` instead of opened; returns the session and the log's path.
async fn start_app_logging_links(
    dir: &Path,
    files: &[(&str, String)],
) -> (Session, std::path::PathBuf) {
    let open_log = dir.join("opened.txt");
    let s = start_app_with_files(
        FakeSound::Speech,
        &[(
            "MENTOR_PREFLIGHT_TEST_OPEN_LOG",
            open_log.display().to_string(),
        )],
        None,
        files,
    )
    .await;
    (s, open_log)
}

async fn attr(c: &Client, css: &str, name: &str) -> Option<String> {
    c.find(Locator::Css(css))
        .await
        .ok()?
        .attr(name)
        .await
        .ok()?
}

/// Waits (up to 10 s) for the app to write `path`, and returns its contents.
async fn wait_for_file(path: &Path, what: &str) -> String {
    let t0 = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            return text;
        }
        assert!(t0.elapsed() < Duration::from_secs(10), "{what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Presses "Next" in the script window once for each phase in `phases`, waiting for each.
async fn next_phases(c: &Client, phases: std::ops::Range<usize>) {
    for phase in phases {
        click(c, "#forward").await;
        c.wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Css(&format!("body[data-phase='{phase}']")))
            .await
            .unwrap_or_else(|e| panic!("phase {phase} was not shown: {e}"));
    }
}

/// Presses "Open the script window", switches to the window that opens (up to 15 s) and waits
/// for its first phase.
async fn open_script_window(c: &Client, main: &fantoccini::wd::WindowHandle) {
    click(c, "#open-script").await;
    let script = other_window(c, main).await;
    c.switch_to_window(script).await.unwrap();
    wait_for(c, "body[data-phase='0']", 15, "the first phase is shown").await;
}

/// Saves a screenshot of the window titled `title` alone (windows overlap with no window
/// manager under Xvfb) to tests/artifacts/NAME.png.
fn screenshot_window(s: &Session, title: &str, name: &str) {
    let tree = Command::new("xwininfo")
        .args(["-root", "-tree"])
        .env("DISPLAY", &s.display)
        .output()
        .expect("run xwininfo (x11-utils)");
    let tree = String::from_utf8_lossy(&tree.stdout);
    let id = tree
        .lines()
        .find(|l| l.contains(&format!("\"{title}\"")))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no window {title:?} on the screen"));
    let path = artifacts_dir().join(format!("{name}.png"));
    let status = Command::new("import")
        .args(["-window", id])
        .arg(&path)
        .env("DISPLAY", &s.display)
        .status()
        .expect("run import");
    assert!(status.success(), "screenshot {name} was not saved");
}

/// The verdict shown on the card of check `id`.
/// Waits for a second window (the script window) to open and returns its handle.
async fn other_window(
    c: &Client,
    main: &fantoccini::wd::WindowHandle,
) -> fantoccini::wd::WindowHandle {
    let t0 = Instant::now();
    loop {
        if let Some(h) = c.windows().await.unwrap().into_iter().find(|h| h != main) {
            return h;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "the script window did not open"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Reads the records file until `ready` holds for it (or fails after 15 s).
async fn wait_records(
    path: &Path,
    ready: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let t0 = Instant::now();
    // `path` names the data folder's records; they are kept in its database.
    let data = path.parent().unwrap();
    loop {
        let r = preflight_e2e::stored_records(data);
        if ready(&r) {
            return r;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(15),
            "records not as expected: {r}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A fixture photo resized to webcam size (1280×720), saved in `dir` for the test camera.
fn webcam_picture(dir: &Path, fixture: &str) -> std::path::PathBuf {
    let picture = dir.join("webcam.png");
    image::open(
        preflight_e2e::workspace_root()
            .join("fixtures/photos")
            .join(fixture),
    )
    .unwrap()
    .resize_exact(1280, 720, image::imageops::FilterType::Triangle)
    .to_rgb8()
    .save(&picture)
    .unwrap();
    picture
}

/// Clicks the element `css` selects.
/// Shows the screen (the check, or sessions and scripts) holding `css`, as a mentor would switch
/// to it with the tabs at the top.
async fn reveal(c: &Client, css: &str) {
    c.execute(
        "if (window.showViewOf) window.showViewOf(arguments[0])",
        vec![json!(css)],
    )
    .await
    .unwrap();
}

async fn click(c: &Client, css: &str) {
    reveal(c, css).await;
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} not found: {e}"))
        .click()
        .await
        .unwrap();
}

/// Presses *Finish* in the script window. Finishing closes the window, sometimes before the
/// driver has answered the click: a window that is already gone is the expected outcome.
async fn finish_script(c: &Client) {
    // *Finish* shows what was covered first; *Save and close* saves at once.
    click(c, "#finish").await;
    wait_for(c, "#finish-panel:not([hidden])", 10, "the session summary").await;
    finish_now(c).await;
}

/// *Save and close* on the summary *Finish* shows.
async fn finish_now(c: &Client) {
    let button = c
        .find(Locator::Css("#finish-now"))
        .await
        .unwrap_or_else(|e| panic!("#finish-now not found: {e}"));
    match button.click().await {
        Ok(()) => {}
        Err(fantoccini::error::CmdError::Standard(e))
            if e.error == fantoccini::error::ErrorStatus::NoSuchWindow => {}
        Err(e) => panic!("Finish could not be pressed: {e}"),
    }
}

/// Waits up to `secs` seconds until the text of `css` satisfies `ok`, and returns it.
async fn wait_text(c: &Client, css: &str, secs: u64, ok: impl Fn(&str) -> bool) -> String {
    let t0 = Instant::now();
    loop {
        let t = text(c, css).await;
        if ok(&t) {
            return t;
        }
        assert!(t0.elapsed() < Duration::from_secs(secs), "{css}: {t}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits up to `secs` seconds for `css` to match, failing with `what`.
async fn wait_for(c: &Client, css: &str, secs: u64, what: &str) -> fantoccini::elements::Element {
    let el = c
        .wait()
        .at_most(Duration::from_secs(secs))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    reveal(c, css).await;
    el
}

async fn card_status(c: &Client, id: &str) -> Option<String> {
    attr(c, &format!("li[data-check-id='{id}']"), "data-status").await
}

/// The text of the element `css` matches. Lists are re-rendered when the reminder loop ticks,
/// so an element found a moment ago may have been replaced: it is looked up again then.
async fn text(c: &Client, css: &str) -> String {
    reveal(c, css).await;
    for attempt in 0..40 {
        let el = match c.find(Locator::Css(css)).await {
            Ok(el) => el,
            // Between a list's old and new items for a moment: look again.
            Err(_) if attempt < 39 => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            Err(_) => panic!("no {css}"),
        };
        match el.text().await {
            Ok(t) => return t,
            Err(fantoccini::error::CmdError::Standard(e))
                if e.error == fantoccini::error::ErrorStatus::StaleElementReference =>
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("text of {css}: {e}"),
        }
    }
    panic!("{css} kept being replaced");
}

/// Scrolls the card of check `id` into view (`block`: start, center or end) and saves a
/// screenshot called `name`.
async fn show_card(s: &Session, id: &str, block: &str, name: &str) {
    let script = format!(
        "document.querySelector(\"li[data-check-id='{id}']\").scrollIntoView({{block: '{block}'}})"
    );
    s.client.execute(&script, vec![]).await.expect("scroll");
    screenshot(s, name);
}

/// Runs axe-core (the npm package the UI's dev dependencies install) on the page `c` shows and
/// fails on any serious or critical or moderate violation, naming each rule and where it fired.
/// Every rule runs, the experimental ones too (`label-content-name-mismatch` is one).
async fn axe(c: &Client, what: &str) {
    let source = preflight_e2e::workspace_root().join("ui/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&source)
        .unwrap_or_else(|e| panic!("{}: {e} (run npm ci in ui/)", source.display()));
    c.execute(&format!("{source}\nreturn typeof axe;"), vec![])
        .await
        .expect("load axe-core into the page");
    let found = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            axe.run(document, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                    'wcag22aa', 'best-practice', 'experimental'] },
                resultTypes: ['violations'],
            }).then(r => done(r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
            }))), e => done([{ id: 'axe-error', impact: 'serious', help: String(e), nodes: [] }]));"#,
            vec![],
        )
        .await
        .expect("run axe-core");
    let found = found.as_array().cloned().unwrap_or_default();
    let (bad, minor): (Vec<_>, Vec<_>) = found.iter().partition(|v| {
        matches!(
            v["impact"].as_str(),
            Some("critical" | "serious" | "moderate")
        )
    });
    for v in &minor {
        eprintln!("axe ({what}), minor: {} — {}", v["id"], v["nodes"]);
    }
    assert!(
        bad.is_empty(),
        "axe-core on {what}: {}",
        serde_json::to_string_pretty(&bad).unwrap()
    );
}

/// Saves a screenshot of the whole private X screen (ImageMagick's `import`) to
/// tests/artifacts/NAME.png. (WebKitWebDriver's own screenshot command stalls through
/// fantoccini here, so the X screen is captured instead; it also shows the window frame.)
fn screenshot(s: &Session, name: &str) {
    require_tool("import", "imagemagick");
    let path = artifacts_dir().join(format!("{name}.png"));
    let status = Command::new("import")
        .args(["-window", "root"])
        .arg(&path)
        .env("DISPLAY", &s.display)
        .status()
        .expect("run import");
    assert!(
        status.success() && path.exists(),
        "screenshot {name} was not saved"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn preflight_screen_renders_results_from_rust() {
    let s = start_app(FakeSound::Speech).await;
    let c = &s.client;

    let button = c
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Id("run-check"))
        .await
        .expect("the pre-flight screen shows a Start check button");
    assert_eq!(button.text().await.unwrap(), "Start check");
    // The window as it first opens fits a 1366×768 laptop screen with a taskbar (40 px) and a
    // title bar (32 px) — the commonest screen mentors have.
    let (_, _, w, h) = c.get_window_rect().await.unwrap();
    assert!(
        w <= 1366 && h <= 768 - 40 - 32,
        "the window opens at {w}×{h}"
    );

    // The device pickers list what ALSA offers (the fake set-up has "mic" and "speakers").
    wait_for(c, "#devices[data-loaded]", 30, "devices are listed").await;
    let mic_select = c.find(Locator::Id("mic-select")).await.unwrap();
    mic_select
        .select_by_value("mic")
        .await
        .expect("the fake 'mic' device is offered");
    // The choice is remembered in the settings file the CLI shares.
    let settings = s
        ._mic
        .home()
        .join(".config/org.mentorpreflight.app/settings.json");
    // (The file exists from the start: wait for the choice to reach it.)
    let t0 = Instant::now();
    let saved = loop {
        let text = wait_for_file(&settings, "settings were not saved").await;
        if text.contains("\"mic\": \"mic\"") || t0.elapsed() > Duration::from_secs(10) {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(saved.contains("\"mic\": \"mic\""), "{saved}");
    assert!(
        saved.contains("127.0.0.1:"),
        "the STUN server setting is kept: {saved}"
    );
    // Before any check the guide says what to do, and the microphone meter already moves with
    // the room (the fake microphone speaks).
    assert!(text(c, "#guide-step").await.contains("Start check"));
    let t0 = Instant::now();
    while attr(c, "#mic-meter", "aria-valuenow").await.as_deref() == Some("-60") {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "the meter does not move before the check"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let word = text(c, "#mic-meter-value").await;
    assert!(
        ["Good", "Quiet", "Too loud", "Silent"].contains(&word.as_str()),
        "the meter speaks in words, not dBFS: {word}"
    );
    // It lets go of the microphone when another window (the meeting app) comes to the front,
    // and listens again when this one does.
    wait_for(
        c,
        "#mic-meter[data-listening='true']",
        5,
        "the meter listens",
    )
    .await;
    c.execute("window.dispatchEvent(new Event('blur'))", vec![])
        .await
        .unwrap();
    wait_for(
        c,
        "#mic-meter[data-listening='false']",
        5,
        "the meter lets go",
    )
    .await;
    c.execute("window.dispatchEvent(new Event('focus'))", vec![])
        .await
        .unwrap();
    wait_for(
        c,
        "#mic-meter[data-listening='true']",
        5,
        "the meter listens again",
    )
    .await;
    screenshot(&s, "app-start");
    // Ctrl+Enter starts the check from anywhere on the screen.
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys(&format!("{}{}", Key::Control, Key::Enter))
        .await
        .unwrap();

    // One step at a time, where the eye is: first the sentence to say, beside the meter (the
    // fake microphone delivers its seconds at once, so that step is over in a moment)…
    wait_for(
        c,
        "#guide[data-steps^='mic']",
        20,
        "the guide asked to speak first",
    )
    .await;
    let say = attr(c, "#guide", "data-said-mic").await.unwrap_or_default();
    assert!(say.contains("Please say"), "{say}");
    // …then the chime, announced a moment before it plays.
    wait_for(
        c,
        "#guide[data-step='speaker']",
        20,
        "the guide announces the chime",
    )
    .await;
    let listen = text(c, "#guide-step").await;
    assert!(listen.starts_with("Listen:"), "{listen}");
    assert_eq!(text(c, "#run-check").await, "Checking…");
    screenshot(&s, "app-check-listen");

    // The overall verdict appears only when the Rust engine has returned its report.
    wait_for(c, "#overall[data-status]", 60, "a report is shown").await;

    let cards = c
        .find_all(Locator::Css("#results li[data-check-id]"))
        .await
        .unwrap();
    assert_eq!(cards.len(), 9, "one card per check");
    for id in [
        "mic",
        "speaker",
        "camera",
        "background",
        "framing",
        "network",
        "quality",
        "platforms",
        "capacity",
    ] {
        let status = attr(c, &format!("li[data-check-id='{id}']"), "data-status").await;
        assert!(
            matches!(
                status.as_deref(),
                Some("pass" | "warn" | "fail" | "skipped")
            ),
            "{id} has a verdict, not {status:?}"
        );
        assert!(!text(c, &format!("li[data-check-id='{id}'] .summary"))
            .await
            .is_empty());
    }

    // The microphone verdict comes from cpal capturing the fake microphone's speech.
    assert_eq!(card_status(c, "mic").await.as_deref(), Some("pass"));
    let mic_summary = text(c, "li[data-check-id='mic'] .summary").await;
    assert!(
        mic_summary.contains("Your microphone works"),
        "{mic_summary}"
    );
    // The live meter received levels from Rust while the mic was recorded.
    let loudest: f64 = attr(c, "#mic-meter", "data-loudest")
        .await
        .expect("meter got levels")
        .parse()
        .unwrap();
    assert!(loudest > -40.0, "loudest meter reading {loudest}");
    // It used the device picked above.
    // (The figures sit in a collapsed <details>, so read the DOM rather than visible text.)
    let device = c
        .execute(
            "return [...document.querySelectorAll(\"li[data-check-id='mic'] dt\")].find(d => d.textContent === 'Device').nextElementSibling.textContent",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(device, json!("mic"));

    // The fake microphone hears speech, not the chime: the app asks, and the answer settles it.
    assert_eq!(card_status(c, "speaker").await.as_deref(), Some("warn"));
    assert!(text(c, "li[data-check-id='speaker'] .question-text")
        .await
        .contains("Did you hear"));
    show_card(&s, "speaker", "center", "app-question").await;
    // The question is asked in the guide too, with the chime played again until it is answered;
    // Enter answers yes (the Yes button has the focus).
    wait_for(
        c,
        "#guide[data-step='question']",
        10,
        "the guide asks whether the chime was heard",
    )
    .await;
    assert!(text(c, "#guide-question-text")
        .await
        .contains("Did you hear"));
    // The meter is off while the question is asked: no "Silent" or "Speak" beside it.
    let meter_shown = || async {
        c.execute(
            "return ['mic-meter-row', 'meter-note'].map(id => getComputedStyle(document.getElementById(id)).display !== 'none')",
            vec![],
        )
        .await
        .unwrap()
    };
    assert_eq!(meter_shown().await, json!([false, false]));
    c.execute(
        "document.getElementById('guide').scrollIntoView({block: 'center'})",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&s, "app-check-question");
    c.active_element()
        .await
        .unwrap()
        .send_keys(&Key::Enter.to_string())
        .await
        .unwrap();
    wait_for(
        c,
        "li[data-check-id='speaker'][data-status='pass']",
        10,
        "answering yes passes the speaker check",
    )
    .await;
    assert!(text(c, "li[data-check-id='speaker'] .summary")
        .await
        .contains("you heard the test chime"));
    assert_eq!(
        attr(c, "#guide-question", "hidden").await.as_deref(),
        Some("true"),
        "answered: the question leaves the guide"
    );
    assert_eq!(
        meter_shown().await,
        json!([true, true]),
        "the meter is back"
    );

    // Hear yourself: a few seconds of the microphone, played back (from memory) on the speakers.
    click(c, "#hear-yourself").await;
    let loudest: f64 = wait_for(
        c,
        "#hear-status[data-loudest]",
        20,
        "hear yourself finished",
    )
    .await
    .attr("data-loudest")
    .await
    .unwrap()
    .unwrap()
    .parse()
    .unwrap();
    assert!(loudest > -40.0, "the recording heard the voice: {loudest}");
    let heard = text(c, "#hear-status").await;
    assert!(heard.starts_with("That was you, played on "), "{heard}");

    // No camera exists on the CI machine: the card says so plainly.
    if !Path::new("/dev/video0").exists() {
        assert_eq!(card_status(c, "camera").await.as_deref(), Some("fail"));
        assert!(text(c, "li[data-check-id='camera'] .summary")
            .await
            .contains("No camera was found"));
        assert!(text(c, "li[data-check-id='camera'] .advice")
            .await
            .contains("How to fix"));
    }

    // Call quality was measured against the loopback STUN server, and charted.
    assert_eq!(card_status(c, "quality").await.as_deref(), Some("pass"));
    assert!(text(c, "li[data-check-id='quality'] .summary")
        .await
        .contains("good for video calls"));
    assert_eq!(
        attr(c, "li[data-check-id='quality'] svg", "data-probes")
            .await
            .as_deref(),
        Some("40")
    );

    // Connection speed was measured against the loopback speed-test server (8 Mbps), charted
    // live while it ran and kept on the card.
    assert_eq!(card_status(c, "capacity").await.as_deref(), Some("pass"));
    let speed = text(c, "li[data-check-id='capacity'] .summary").await;
    assert!(
        speed.starts_with("Your connection can carry HD video ("),
        "{speed}"
    );
    let readings: usize = attr(c, "li[data-check-id='capacity'] svg", "data-readings")
        .await
        .expect("a speed chart on the card")
        .parse()
        .unwrap();
    // At least three a direction: each transfer stops once its rate has settled (about a second).
    assert!(readings >= 6, "{readings} speed readings charted");
    assert!(c
        .find(Locator::Css(
            "li[data-check-id='capacity'] svg polyline.speed-up"
        ))
        .await
        .is_ok());
    show_card(&s, "capacity", "center", "app-capacity").await;

    assert_eq!(text(c, "#run-check").await, "Check again");
    c.execute(
        "document.getElementById('overall').scrollIntoView({block: 'start'})",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&s, "app-preflight");
    s.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn live_preview_and_camera_check_with_a_test_picture() {
    // A fixture photo at webcam size, as the test camera's picture.
    let dir = tempfile::tempdir().unwrap();
    let picture = preflight_e2e::portrait_on_a_wall(dir.path(), "astronaut.png", 0);
    let s = start_app_with(
        FakeSound::Speech,
        &[(
            "MENTOR_PREFLIGHT_TEST_CAMERA_IMAGE",
            picture.display().to_string(),
        )],
        Some(Impairment {
            delay_ms: 80.0,
            jitter_ms: 60.0,
            loss: 0.1,
            seed: 5,
        }),
    )
    .await;
    let c = &s.client;

    // The live preview shows the camera's picture and keeps updating.
    wait_for(
        c,
        "#preview-figure[data-frames]",
        30,
        "preview frames arrive",
    )
    .await;
    let src = attr(c, "#camera-preview", "src").await.unwrap_or_default();
    assert!(
        src.starts_with("data:image/jpeg;base64,"),
        "{}",
        &src[..src.len().min(40)]
    );
    let frames = |v: Option<String>| v.and_then(|f| f.parse::<u32>().ok()).unwrap_or(0);
    let first = frames(attr(c, "#preview-figure", "data-frames").await);
    // It keeps updating (about 10 a second; allow for a busy machine: 5 new frames within 5 s).
    let t0 = Instant::now();
    loop {
        let later = frames(attr(c, "#preview-figure", "data-frames").await);
        if later >= first + 5 {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "the preview stalled: {first} then {later} frames"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The live coach finds the astronaut's face and says how she is framed.
    let t0 = Instant::now();
    loop {
        let coach = text(c, "#preview-framing").await;
        if coach.contains("well framed") {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "live coach: {coach:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        attr(c, "#preview-guide", "data-face").await.as_deref(),
        Some("found")
    );
    c.execute(
        "document.getElementById('preview-figure').scrollIntoView({block: 'center'})",
        vec![],
    )
    .await
    .expect("scroll");
    screenshot(&s, "app-camera-preview");

    click(c, "#run-check").await;
    wait_for(c, "#overall[data-status]", 60, "a report is shown").await;
    assert_eq!(card_status(c, "camera").await.as_deref(), Some("pass"));
    assert!(text(c, "li[data-check-id='camera'] .summary")
        .await
        .contains("Your camera works: 1280×720"));
    let background = card_status(c, "background").await;
    assert!(
        matches!(background.as_deref(), Some("pass" | "warn" | "fail")),
        "{background:?}"
    );
    // The background card shows the checked picture with its busyness map (6 × 4 cells), drawn
    // through the person mask: the astronaut was found, so the tint never covers her.
    let cells = c
        .find_all(Locator::Css("li[data-check-id='background'] .scene-cell"))
        .await
        .unwrap();
    assert_eq!(cells.len(), 24);
    assert_eq!(
        attr(
            c,
            "li[data-check-id='background'] .scene-grid",
            "data-masked"
        )
        .await
        .as_deref(),
        Some("person")
    );
    // The framing card shows the picture with the eye line and the face that was found.
    let framing = card_status(c, "framing").await;
    assert!(
        matches!(framing.as_deref(), Some("pass" | "warn")),
        "{framing:?}"
    );
    assert_eq!(
        attr(c, "li[data-check-id='framing'] .framing-guide", "data-face")
            .await
            .as_deref(),
        Some("found")
    );
    let src = attr(c, "li[data-check-id='background'] .scene-box img", "src")
        .await
        .unwrap_or_default();
    assert!(src.starts_with("data:image/jpeg;base64,"));

    // The impaired path: every probe the relay dropped is a red mark on the chart.
    let dropped = s
        .relay
        .as_ref()
        .unwrap()
        .treatments()
        .iter()
        .filter(|t| t.dropped)
        .count();
    assert!(dropped > 0);
    let marks = c
        .find_all(Locator::Css("li[data-check-id='quality'] svg .lost"))
        .await
        .unwrap();
    assert_eq!(marks.len(), dropped);
    // The meeting app behind an untrusted certificate is flagged as a possible sign-in page.
    assert_eq!(card_status(c, "platforms").await.as_deref(), Some("warn"));
    assert!(text(c, "li[data-check-id='platforms'] .summary")
        .await
        .contains("sign-in page"));
    let quality = card_status(c, "quality").await;
    assert!(
        matches!(quality.as_deref(), Some("warn" | "fail")),
        "{quality:?}"
    );

    // After the check the preview is live again.
    let before = frames(attr(c, "#preview-figure", "data-frames").await);
    let t0 = Instant::now();
    while frames(attr(c, "#preview-figure", "data-frames").await) <= before {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "the preview did not resume after the check"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    show_card(&s, "camera", "start", "app-camera-result").await;
    show_card(&s, "background", "start", "app-background-map").await;
    show_card(&s, "framing", "start", "app-framing").await;
    show_card(&s, "quality", "end", "app-network").await;
    s.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn session_script_window_with_keyboard_and_record() {
    let s = start_app(FakeSound::Speech).await;
    let c = &s.client;
    let main_window = c.window().await.unwrap();

    wait_for(
        c,
        "#script-template option[value='first-session']",
        30,
        "the script templates are listed",
    )
    .await;
    reveal(c, "#script-mentee").await;
    c.find(Locator::Id("script-mentee"))
        .await
        .unwrap()
        .send_keys("Sam")
        .await
        .unwrap();
    c.find(Locator::Id("script-mentor"))
        .await
        .unwrap()
        .send_keys("Alex")
        .await
        .unwrap();
    // The script opens in a window of its own, on its first phase.
    open_script_window(c, &main_window).await;
    assert_eq!(text(c, "#phase-title").await, "Welcome and confidentiality");
    assert!(text(c, "#prompts").await.contains("Welcome, Sam. I'm Alex"));
    assert_eq!(
        attr(c, "#timer", "data-colour").await.as_deref(),
        Some("green")
    );
    assert!(text(c, "#timer").await.ends_with("left"));

    // Keyboard: 1 ticks the first item, → moves on.
    let body = c.find(Locator::Css("body")).await.unwrap();
    body.send_keys("1").await.unwrap();
    wait_for(
        c,
        "#checklist input[data-item='0']:checked",
        5,
        "key 1 ticks the first item",
    )
    .await;
    screenshot(&s, "app-script-window");
    // Tab to a checkbox, let the timer tick a few times, then Space: the focus is still there.
    let second = c
        .find(Locator::Css("#checklist input[data-item='1']"))
        .await
        .unwrap();
    c.execute(
        "document.querySelector(\"#checklist input[data-item='1']\").focus()",
        vec![],
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    second.send_keys(" ").await.unwrap();
    wait_for(
        c,
        "#checklist input[data-item='1']:checked",
        5,
        "Space ticks the focused item after the timer ticked",
    )
    .await;
    let focused = c
        .execute(
            "return document.activeElement && document.activeElement.dataset.item",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focused, json!("1"), "the focus stays on the item");
    body.send_keys(&Key::Right.to_string()).await.unwrap();
    wait_for(c, "body[data-phase='1']", 5, "→ moves to the next phase").await;
    assert_eq!(text(c, "#phase-title").await, "What to expect");
    assert!(text(c, "#prompts")
        .await
        .contains("The programme has 7 sessions"));

    // To the last phase with the button, then finish.
    next_phases(c, 2..5).await;
    assert!(text(c, "#cta")
        .await
        .starts_with("Next step: Before our next session, Sam"));
    // The buttons stay in view in the small window, however long the phase.
    let foot_in_view = c
        .execute(
            "const r = document.getElementById('finish').getBoundingClientRect(); return r.bottom <= window.innerHeight && r.height > 0",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(foot_in_view, json!(true));
    // Finish shows what was covered and what was not, and can be undone.
    click(c, "#finish").await;
    wait_for(c, "#finish-panel:not([hidden])", 10, "the session summary").await;
    let covered = text(c, "#finish-covered").await;
    assert!(
        covered.contains("Explained confidentiality and its one limit"),
        "{covered}"
    );
    assert!(!text(c, "#finish-missed").await.is_empty());
    assert!(text(c, "#finish-countdown")
        .await
        .starts_with("Saved and closed in "));
    screenshot_window(&s, "Session script — Mentor Preflight", "app-script-finish");
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys(&Key::Escape.to_string())
        .await
        .unwrap();
    wait_for(c, "#finish-panel[hidden]", 5, "Escape undoes Finish").await;
    assert_eq!(attr(c, "#script-main", "hidden").await, None);
    let data = preflight_e2e::data_dir(s._mic.home());
    assert!(
        preflight_e2e::stored(&data, "runs").is_empty(),
        "nothing is saved until the summary has been seen"
    );
    // Three quick questions: what was agreed (the countdown stops once the mentor answers),
    // and when the next one is (a week on by default), added to the sessions when ticked.
    click(c, "#finish").await;
    wait_for(c, "#finish-panel:not([hidden])", 10, "the session summary").await;
    let next_at = c
        .find(Locator::Id("next-at"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(
        next_at.len(),
        16,
        "a week on, as a local date and time: {next_at}"
    );
    c.find(Locator::Id("agreed"))
        .await
        .unwrap()
        .send_keys("Sam drafts her CV")
        .await
        .unwrap();
    wait_text(c, "#finish-countdown", 5, |t| {
        t.starts_with("Saved when you press Save and close")
    })
    .await;
    click(c, "#next-add").await;
    screenshot_window(&s, "Session script — Mentor Preflight", "app-script-agreed");
    finish_now(c).await;

    // The record keeps what was covered, never what was said.
    let record = preflight_e2e::data_dir(s._mic.home()).join("records.json");
    let records = wait_records(&record, |r| {
        r["sessions"].as_array().is_some_and(|a| !a.is_empty())
    })
    .await;
    let saved = records.to_string();
    let records = &records["sessions"];
    assert_eq!(records[0]["template"], "First session");
    assert_eq!(records[0]["mentee"], "Sam");
    assert_eq!(
        records[0]["phases"][0]["covered"][0],
        "Explained confidentiality and its one limit"
    );
    assert!(!saved.contains("Welcome, Sam"), "prompts are not recorded");
    // What was agreed is kept on this computer (not for the export: not ticked).
    assert_eq!(records[0]["agreed"]["text"], "Sam drafts her CV");
    assert_eq!(records[0]["agreed"]["inExport"], false);
    c.switch_to_window(main_window.clone()).await.unwrap();
    // The next session is in the list, and its script says what was agreed last time.
    click(c, "#tab-sessions").await;
    wait_for(
        c,
        "#session-list li[data-session-id]",
        10,
        "the next session is listed",
    )
    .await;
    assert!(text(c, "#session-list").await.contains("— Sam"));
    open_script_window(c, &main_window).await;
    let last = wait_text(c, "#last-agreed", 10, |t| !t.is_empty()).await;
    assert_eq!(last, "Last time (today) you agreed: Sam drafts her CV");
    screenshot_window(
        &s,
        "Session script — Mentor Preflight",
        "app-script-last-agreed",
    );
    c.switch_to_window(main_window).await.unwrap();
    s.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn programme_scripts_and_user_templates() {
    let s = start_app(FakeSound::Speech).await;
    let c = &s.client;
    // A broken template of the mentor's own, dropped in the templates folder before start…
    let dir = s
        ._mic
        .home()
        .join(".config/org.mentorpreflight.app/templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("broken.toml"),
        "name = \"Mine\"\n[[phase]]\ntitle = \"Hi\"\nminutes = 999\nprompts = [\"x\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("short.toml"),
        "name = \"My short check-in\"\n[[phase]]\ntitle = \"Hello {{mentee}}\"\nminutes = 10\nchecklist = [\"Asked how the week went\"]\ncall_to_action = \"Send me your CV\"\n",
    )
    .unwrap();
    c.refresh().await.unwrap();
    // …is reported with file and line; the good one can be picked.
    wait_for(
        c,
        "#script-template option[value='user:short']",
        20,
        "the mentor's own template is listed",
    )
    .await;
    let notice = text(c, "#script-notice").await;
    assert!(
        notice.contains("broken.toml:4:") && notice.contains("1 to 180"),
        "{notice}"
    );

    // The 7-week programme picks the script for the session number, with its reminders.
    reveal(c, "#script-template").await;
    c.find(Locator::Id("script-template"))
        .await
        .unwrap()
        .select_by_value("programme:seven-week")
        .await
        .unwrap();
    let session = c.find(Locator::Id("script-session")).await.unwrap();
    session.clear().await.unwrap();
    session.send_keys("4").await.unwrap();
    let main_window = c.window().await.unwrap();
    // The script opens in a window of its own, on its first phase.
    open_script_window(c, &main_window).await;
    assert_eq!(
        text(c, "#script-name").await,
        "Regular session — session 4 of 7"
    );
    next_phases(c, 1..4).await;
    assert!(
        text(c, "#prompts")
            .await
            .contains("asks for the mid-point feedback form"),
        "the mid-point feedback reminder is in the closing phase"
    );
    c.switch_to_window(main_window).await.unwrap();
    s.client.clone().close().await.unwrap();
}

/// Where the app keeps its data under the test HOME.
const DATA: &str = ".local/share/org.mentorpreflight.app";

/// A scheduled session starting in `mins` minutes, as the schedule file holds it.
fn schedule_file(mins: i64) -> String {
    schedule_file_in(mins, None)
}

/// A schedule with one session `mins` from now, of `programme` if given.
fn schedule_file_in(mins: i64, programme: Option<&str>) -> String {
    let start = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(mins);
    json!({
        "sessions": [{
            "id": "sched-1",
            "mentee": "Priya",
            "start": start.to_string(),
            "timeZone": "Europe/London",
            "durationMin": 60,
            "link": "https://meet.google.com/abc-defg-hij",
            "template": null,
            "sessionNumber": 1,
            "source": { "kind": "manual" },
            "programme": programme
        }]
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn reminder_opens_the_room_and_the_script_and_records_it() {
    // A session 6 minutes away: the check prompt (T-10) and the room (T-7) are both due when the
    // app starts. Links go to a log file instead of a browser.
    let tmp = tempfile::tempdir().unwrap();
    let (s, open_log) = start_app_logging_links(
        tmp.path(),
        &[(&format!("{DATA}/schedule.json"), schedule_file(6))],
    )
    .await;
    let c = &s.client;
    let main_window = c.window().await.unwrap();

    let opened = wait_for_file(&open_log, "the meeting room was not opened").await;
    assert_eq!(opened.trim(), "https://meet.google.com/abc-defg-hij");

    // The session script opened by itself, for Priya's first session.
    let script = other_window(c, &main_window).await;
    c.switch_to_window(script).await.unwrap();
    wait_for(c, "body[data-phase='0']", 15, "the first phase is shown").await;
    assert!(
        text(c, "#prompts").await.contains("Priya"),
        "{}",
        text(c, "#prompts").await
    );
    // Before the call, camera and microphone off is expected: the pills wait, not alarm.
    let t0 = Instant::now();
    while text(c, "#ind-camera").await != "Camera: waiting for the call" {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "{}",
            text(c, "#ind-camera").await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Opened six minutes early: the clock counts down to the start, never "over".
    let timer = text(c, "#timer").await;
    assert!(
        timer.starts_with("Starts in 5:") || timer.starts_with("Starts in 6:"),
        "{timer}"
    );
    assert_eq!(
        attr(c, "#timer", "data-colour").await.as_deref(),
        Some("waiting")
    );
    screenshot_window(
        &s,
        "Session script — Mentor Preflight",
        "app-script-auto-opened",
    );
    next_phases(c, 1..5).await;
    // Finished before the session's start: a rehearsal, said so, and never recorded as held.
    click(c, "#finish").await;
    wait_for(c, "#finish-panel:not([hidden])", 10, "the session summary").await;
    let said = text(c, "#finish-countdown").await;
    assert!(
        said.starts_with(
            "This was a rehearsal before the session's start, so nothing is recorded."
        ),
        "{said}"
    );
    assert!(text(c, "#finish-time").await.starts_with("Rehearsal · "));
    assert_eq!(text(c, "#finish-now").await, "Close");
    screenshot_window(
        &s,
        "Session script — Mentor Preflight",
        "app-script-rehearsal",
    );
    finish_now(c).await;

    // The records hold the automatic room opening (about 6 minutes early), and no session.
    let records_path = s._mic.home().join(DATA).join("records.json");
    let records = wait_records(&records_path, |r| {
        r["rooms"].as_array().is_some_and(|a| !a.is_empty())
    })
    .await;
    assert_eq!(records["rooms"][0]["sessionId"], "sched-1");
    assert_eq!(records["rooms"][0]["automatic"], true);
    let early = records["rooms"][0]["minutesEarly"].as_i64().unwrap();
    assert!((5..=6).contains(&early), "opened {early} min early");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        preflight_e2e::stored(&s._mic.home().join(DATA), "runs"),
        Vec::<serde_json::Value>::new(),
        "a rehearsal is not recorded"
    );

    // The main window lists the session; the week's export has it as opened early and held.
    c.switch_to_window(main_window).await.unwrap();
    wait_for(
        c,
        "#session-list li[data-session-id='sched-1']",
        15,
        "the session is listed",
    )
    .await;
    assert!(text(c, "#next-headline").await.starts_with("Priya · "));
    click(c, "#export-week").await;
    let t0 = Instant::now();
    let saved = loop {
        let t = text(c, "#export-result").await;
        if let Some(p) = t.strip_prefix("Saved to ") {
            break p.to_string();
        }
        assert!(t0.elapsed() < Duration::from_secs(10), "no export: {t}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // Where the "Save as" dialog was answered (its suggestion, in the test's folder).
    let saved = std::path::PathBuf::from(saved);
    assert_eq!(
        saved.parent(),
        Some(s._mic.home().join("Documents").as_path())
    );
    let file_name = saved.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        file_name.starts_with("mentor-preflight-week-") && file_name.ends_with(".csv"),
        "{file_name}"
    );
    let csv = std::fs::read_to_string(&saved).unwrap();
    assert!(
        !csv.contains("meet.google.com"),
        "the export holds no links: {csv}"
    );
    // The session's own week (Monday, local time): a test run a few minutes before midnight
    // between Sunday and Monday has its session in the next week, which "this week's records"
    // rightly leave out.
    let schedule = preflight_e2e::stored_schedule(&s._mic.home().join(DATA));
    let start: jiff::Timestamp = schedule["sessions"][0]["start"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let day = start.to_zoned(jiff::tz::TimeZone::system()).date();
    let monday = day
        .checked_sub(jiff::Span::new().days(day.weekday().to_monday_zero_offset()))
        .unwrap();
    if file_name == format!("mentor-preflight-week-{monday}.csv") {
        let row = csv.lines().nth(1).expect("a row for the session");
        assert!(row.contains(",Priya,1,60,"), "{row}");
        assert!(row.contains(",yes,"), "{row}");
    } else {
        assert_eq!(csv.lines().count(), 1, "only the header: {csv}");
    }
    s.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn schedule_add_import_and_refuse_unsafe_links() {
    let tmp = tempfile::tempdir().unwrap();
    let ics = tmp.path().join("programme.ics");
    // A weekly programme starting in two weeks (imports look a year ahead).
    let day = (jiff::Zoned::now() + jiff::Span::new().days(14))
        .date()
        .strftime("%Y%m%d")
        .to_string();
    // Written as an older Windows program would: Windows-1252, so "Zoë" is the byte 0xEB.
    let calendar = format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:prog@example.org\r\nDTSTART;TZID=Europe/London:{day}T183000\r\nDTEND;TZID=Europe/London:{day}T193000\r\nRRULE:FREQ=WEEKLY;COUNT=7\r\nSUMMARY:Mentoring session with Zo\u{eb}\r\nLOCATION:https://us02web.zoom.us/j/81234567890\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:allday\r\nDTSTART;VALUE=DATE:{day}\r\nSUMMARY:Programme launch day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    let cp1252: Vec<u8> = calendar
        .chars()
        .map(|ch| u8::try_from(u32::from(ch)).expect("Latin-1 text"))
        .collect();
    std::fs::write(&ics, cp1252).unwrap();
    let s = start_app(FakeSound::Speech).await;
    let c = &s.client;
    wait_for(
        c,
        "#session-list li.session-empty",
        30,
        "an empty schedule says so",
    )
    .await;

    // Import: seven weekly sessions of The Brokerage with a mentee under 18, the all-day event
    // named as skipped. Picking the file imports nothing yet: whom its sessions belong to can
    // be set after picking it, then *Import the file* imports them.
    click(c, "#import-calendar summary").await;
    c.find(Locator::Id("ics-file"))
        .await
        .unwrap()
        .send_keys(&ics.display().to_string())
        .await
        .unwrap();
    wait_text(c, "#import-result", 10, |t| {
        t.starts_with("programme.ics is ready")
    })
    .await;
    assert!(
        c.find(Locator::Css("#session-list li[data-session-id]"))
            .await
            .is_err(),
        "nothing is imported when the file is picked"
    );
    c.find(Locator::Id("import-programme"))
        .await
        .unwrap()
        .select_by_value("brokerage")
        .await
        .unwrap();
    click(c, "#import-under-18").await;
    click(c, "#ics-import").await;
    let report = wait_text(c, "#import-result", 15, |t| t.starts_with("Imported")).await;
    assert!(
        report.contains("Imported 7 sessions from programme.ics"),
        "{report}"
    );
    assert!(
        report.contains("Programme launch day") && report.contains("all-day"),
        "{report}"
    );
    // The bytes reached Rust as they are: decoded as Windows-1252, and said so.
    assert!(report.contains("Windows-1252"), "{report}");
    wait_for(
        c,
        "#session-list li[data-session-id^='prog@example.org']",
        10,
        "imported sessions are listed",
    )
    .await;
    assert!(text(c, "#session-list")
        .await
        .contains("session 1 · Zoom · from programme.ics"));
    // Four are listed, so the check stays in view; the rest on request.
    let listed = || async {
        c.find_all(Locator::Css("#session-list li[data-session-id]"))
            .await
            .unwrap()
            .len()
    };
    assert_eq!(listed().await, 4);
    assert!(text(c, "#show-all-sessions")
        .await
        .starts_with("and 3 more later"));
    click(c, "#show-all-sessions").await;
    assert_eq!(listed().await, 7);
    // An imported session can be removed (and stays out of later imports: unit-tested).
    click(
        c,
        "#session-list li[data-session-id^='prog@example.org'] button[aria-label^='Remove']",
    )
    .await;
    let t0 = Instant::now();
    while listed().await != 6 {
        assert!(t0.elapsed() < Duration::from_secs(10), "not removed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        text(c, "#session-list").await.contains("Zoë"),
        "the mentee's name survived its encoding"
    );
    // The whole series belongs to the programme chosen for the calendar.
    assert!(
        text(
            c,
            "#session-list li[data-session-id^='prog@example.org'] .session-programme"
        )
        .await
        .contains("The Brokerage · mentee under 18 · the programme schedules these sessions"),
        "{}",
        text(c, "#session-list").await
    );
    // An imported session can be edited (not its time: that is the calendar's), and the edit
    // outlives the next import of the same file.
    let first = "#session-list li[data-session-id^='prog@example.org']";
    let id = attr(c, first, "data-session-id").await.unwrap();
    click(c, &format!("{first} button[aria-label^='Edit']")).await;
    let readonly = c
        .execute(
            "return document.getElementById('session-start').readOnly",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        readonly,
        json!(true),
        "an imported session's time is its calendar's"
    );
    assert!(text(c, "#session-calendar-note")
        .await
        .starts_with("The time comes from programme.ics"));
    let mentee = c.find(Locator::Id("session-mentee")).await.unwrap();
    mentee.clear().await.unwrap();
    mentee.send_keys("Zoë Adams").await.unwrap();
    click(c, "#session-save").await;
    let row = format!("#session-list li[data-session-id='{id}']");
    wait_text(c, &row, 10, |t| t.contains("Zoë Adams")).await;
    c.find(Locator::Id("ics-file"))
        .await
        .unwrap()
        .send_keys(&ics.display().to_string())
        .await
        .unwrap();
    click(c, "#ics-import").await;
    wait_text(c, "#import-result", 15, |t| t.starts_with("Imported")).await;
    wait_text(c, &row, 10, |t| t.contains("Zoë Adams")).await;
    assert_eq!(listed().await, 6, "edited in place, nothing added");

    // Add by hand: an unsafe link is refused with a reason, then a good one is saved.
    let sam_day = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/London").unwrap())
        + jiff::Span::new().days(3);
    let sam_local = format!("{}T09:00", sam_day.date());
    click(c, "#add-session summary").await;
    c.find(Locator::Id("session-mentee"))
        .await
        .unwrap()
        .send_keys("Sam")
        .await
        .unwrap();
    // datetime-local takes its value from script more reliably than from typed keys.
    c.execute(
        "document.getElementById('session-start').value = arguments[0];",
        vec![json!(sam_local.clone())],
    )
    .await
    .unwrap();
    c.find(Locator::Id("session-zone"))
        .await
        .unwrap()
        .send_keys("Europe/London")
        .await
        .unwrap();
    let link = c.find(Locator::Id("session-link")).await.unwrap();
    link.send_keys("javascript:alert(1)").await.unwrap();
    click(c, "#session-save").await;
    wait_for(
        c,
        "#schedule-notice:not([hidden])",
        10,
        "the unsafe link is refused",
    )
    .await;
    assert!(text(c, "#schedule-notice").await.contains("never opened"));
    link.clear().await.unwrap();
    link.send_keys("https://meet.jit.si/SamAndMe")
        .await
        .unwrap();
    // A date that has passed is refused with a reason; nothing is saved.
    let past = format!(
        "{}T09:00",
        (sam_day.clone() - jiff::Span::new().days(10)).date()
    );
    c.execute(
        "document.getElementById('session-start').value = arguments[0];",
        vec![json!(past)],
    )
    .await
    .unwrap();
    click(c, "#session-save").await;
    wait_text(c, "#schedule-notice", 10, |t| {
        t.contains("has already passed")
    })
    .await;
    c.execute(
        "document.getElementById('session-start').value = arguments[0];",
        vec![json!(sam_local.clone())],
    )
    .await
    .unwrap();
    // Sam is a Brokerage mentee under 18.
    c.execute(
        "document.getElementById('session-programme').value = 'brokerage';",
        vec![],
    )
    .await
    .unwrap();
    click(c, "#session-under-18").await;
    click(c, "#session-save").await;
    // Saving is asynchronous: the list is redrawn when the schedule comes back.
    let t0 = Instant::now();
    let first = loop {
        let first = text(c, "#session-list li.soon").await;
        if first.contains("— Sam") || t0.elapsed() > Duration::from_secs(10) {
            break first;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(first.contains("— Sam"), "{first}");
    assert!(first.contains("Jitsi"), "{first}");
    assert!(
        first.contains("The Brokerage · mentee under 18 · the programme schedules these sessions"),
        "{first}"
    );
    screenshot(&s, "app-schedule");

    // Saved where the CLI reads it too, in the session's own zone.
    let saved = preflight_e2e::stored_schedule(&s._mic.home().join(DATA));
    let sam = saved["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["mentee"] == "Sam")
        .expect("Sam's session saved");
    let expected = sam_day
        .date()
        .at(9, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::get("Europe/London").unwrap())
        .unwrap()
        .timestamp();
    assert_eq!(sam["start"], expected.to_string());
    assert_eq!(sam["link"], "https://meet.jit.si/SamAndMe");
    assert_eq!(sam["programme"], "brokerage");
    assert_eq!(sam["under18"], true);

    // A mentor who reads a 12-hour clock chooses it under *Reminders and times*: the list and
    // the headline follow at once, and the CLI and the tray read the same setting.
    click(c, "#reminder-settings > summary").await;
    c.find(Locator::Id("clock-choice"))
        .await
        .unwrap()
        .select_by_value("12h")
        .await
        .unwrap();
    wait_text(c, "#clock-saved", 10, |t| {
        t == "Saved: times are shown like 2:30 PM."
    })
    .await;
    let first = text(c, "#session-list li.soon").await;
    assert!(first.contains(" 9:00 AM — Sam"), "{first}");
    let headline = text(c, "#next-headline").await;
    assert!(headline.contains(" 9:00 AM ("), "{headline}");
    let settings: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            s._mic
                .home()
                .join(".config/org.mentorpreflight.app/settings.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(settings["clock"], "12h");
    c.execute(
        "document.getElementById('reminder-settings').scrollIntoView({ block: 'center' })",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&s, "app-clock-12h");
    s.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn checklist_evidence_ticks_and_in_session_indicators() {
    // A Mentor247 session in 30 minutes (no reminder due yet) and a "screen recorder" running.
    let tmp = tempfile::tempdir().unwrap();
    let obs = tmp.path().join("obs");
    std::os::unix::fs::symlink("/bin/sleep", &obs).unwrap();
    let _recorder = KillOnDrop(Command::new(&obs).arg("120").spawn().unwrap());
    // A camera that works (a portrait as the picture), so the check does not fail: a failed
    // check never meets "tested at least 10 minutes before".
    let picture = preflight_e2e::portrait_on_a_wall(tmp.path(), "astronaut.png", 0);
    let s = start_app_with_files(
        FakeSound::Speech,
        &[(
            "MENTOR_PREFLIGHT_TEST_CAMERA_IMAGE",
            picture.display().to_string(),
        )],
        None,
        &[(
            &format!("{DATA}/schedule.json"),
            schedule_file_in(30, Some("mentor247")),
        )],
    )
    .await;
    let c = &s.client;
    let main_window = c.window().await.unwrap();
    wait_for(c, "#devices[data-loaded]", 30, "devices are listed").await;
    // The session list names the programme and who schedules.
    wait_for(
        c,
        "#session-list .session-programme[data-programme='mentor247']",
        10,
        "the session's programme is shown",
    )
    .await;
    assert!(text(c, "#session-list .session-programme")
        .await
        .contains("Mentor247 · the programme schedules these sessions"));
    click(c, "#run-check").await;
    wait_for(
        c,
        "#checklist:not([hidden]) li[data-item='tested']",
        90,
        "the checklist is shown with the report",
    )
    .await;
    // The check is recorded for the session, and the list says so.
    let checked = wait_for(
        c,
        "#session-list li[data-session-id='sched-1'] .session-checked",
        15,
        "the session is marked as checked",
    )
    .await;
    assert!(checked.text().await.unwrap().starts_with("Checked ✓ at "));
    c.execute(
        "document.querySelector(\"#session-list li[data-session-id='sched-1']\").scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&s, "app-session-checked");
    // Back to the check screen, where the checklist is.
    reveal(c, "#checklist-items").await;

    let item = |id: &'static str| async move {
        let li = c
            .find(Locator::Css(&format!(
                "#checklist-items li[data-item='{id}']"
            )))
            .await
            .unwrap();
        (
            li.attr("data-state").await.unwrap().unwrap_or_default(),
            li.attr("data-basis").await.unwrap().unwrap_or_default(),
            li.text().await.unwrap(),
        )
    };
    // Evidence: tested ~30 min before the session; quiet room from the mic; the recorder seen.
    let (state, basis, why) = item("tested").await;
    assert_eq!(
        (state.as_str(), basis.as_str()),
        ("met", "evidence"),
        "{why}"
    );
    let (state, basis, _) = item("quiet").await;
    assert_eq!((state.as_str(), basis.as_str()), ("met", "evidence"));
    let (state, _, why) = item("confidential").await;
    assert_eq!(state, "notMet");
    assert!(why.contains("OBS Studio"), "{why}");
    // The code's own items follow the standard ones: Mentor247's "ask me to repeat".
    let (state, basis, text_of) = item("mentor247:3").await;
    assert_eq!((state.as_str(), basis.as_str()), ("unknown", "declared"));
    assert!(text_of.contains("ask me to repeat"), "{text_of}");
    // Self-declared: the phone, ticked by keyboard.
    let (state, basis, _) = item("phone").await;
    assert_eq!((state.as_str(), basis.as_str()), ("unknown", "declared"));
    let phone = c
        .find(Locator::Css("#checklist-items input[data-item='phone']"))
        .await
        .unwrap();
    phone.send_keys(" ").await.unwrap();
    wait_for(
        c,
        "#checklist-items li[data-item='phone'][data-state='met']",
        10,
        "the tick is taken",
    )
    .await;
    c.execute(
        "document.getElementById('checklist').scrollIntoView({block: 'start'})",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&s, "app-checklist");

    // The records keep the checklist with the check: ids and states, evidence or declared.
    let records_path = s._mic.home().join(DATA).join("records.json");
    let r = wait_records(&records_path, |r| {
        r["checks"][0]["checklist"]
            .as_array()
            .is_some_and(|l| l.iter().any(|l| l["id"] == "phone" && l["state"] == "met"))
    })
    .await;
    assert_eq!(r["checks"][0]["sessionId"], "sched-1");
    let lines = r["checks"][0]["checklist"].as_array().unwrap();
    assert!(lines
        .iter()
        .any(|l| l["id"] == "tested" && l["basis"] == "evidence"));

    // In the session window: the camera is not in use by any call here, and the recorder is named.
    click(
        c,
        "#session-list li[data-session-id='sched-1'] button[aria-label^='Script for']",
    )
    .await;
    let script = other_window(c, &main_window).await;
    c.switch_to_window(script).await.unwrap();
    // Half an hour before the call the camera being off is expected; once the mentor starts the
    // session, off means the call is not using it.
    wait_for(
        c,
        "#ind-camera[data-state='waiting']",
        15,
        "the camera indicator waits for the call",
    )
    .await;
    assert_eq!(text(c, "#ind-camera").await, "Camera: waiting for the call");
    click(c, "#begin").await;
    wait_for(
        c,
        "#ind-camera[data-state='off']",
        15,
        "the camera indicator says off",
    )
    .await;
    wait_for(
        c,
        "#recorder-warning:not([hidden])",
        15,
        "the recorder warning shows",
    )
    .await;
    assert!(text(c, "#recorder-warning").await.contains("OBS Studio"));
    assert!(text(c, "#ind-camera").await.starts_with("Camera off"));
    screenshot(&s, "app-script-indicators");
    c.switch_to_window(main_window).await.unwrap();
    s.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn busyness_map_over_the_live_preview_and_scenery_advice() {
    // A beach photograph (sea, sky, dune grass) as the camera's picture.
    let dir = tempfile::tempdir().unwrap();
    let picture = webcam_picture(dir.path(), "mate-dune.jpg");
    let s = start_app_with(
        FakeSound::Speech,
        &[(
            "MENTOR_PREFLIGHT_TEST_CAMERA_IMAGE",
            picture.display().to_string(),
        )],
        None,
    )
    .await;
    let c = &s.client;
    // The live preview carries the map (6 × 4 cells, the mentor's place marked) and the words.
    wait_for(
        c,
        "#preview-busy[data-score]",
        30,
        "the live preview is analysed",
    )
    .await;
    let cells = c
        .find_all(Locator::Css("#preview-grid .scene-cell"))
        .await
        .unwrap();
    assert_eq!(cells.len(), 24);
    // Nobody in this picture: the whole of it is scored, and the guide says no face was found.
    assert_eq!(
        attr(c, "#preview-grid", "data-masked").await.as_deref(),
        Some("none")
    );
    assert_eq!(
        attr(c, "#preview-guide", "data-face").await.as_deref(),
        Some("none")
    );
    let coach = text(c, "#preview-framing").await;
    assert!(coach.contains("can't see your face"), "{coach}");
    let words = text(c, "#preview-busy").await;
    // The background check's own words (Rust's verdict), not a second wording in the window.
    assert!(words.starts_with("Your background"), "{words}");
    assert!(words.contains("outdoor or holiday scene"), "{words}");
    // The map is off until the mentor asks for it (it never covers the person: it is drawn
    // through the background mask): not drawn at all, whatever the style sheet says of grids.
    let drawn = || async {
        c.execute(
            "const g = document.getElementById('preview-grid'); return getComputedStyle(g).display !== 'none' && g.getBoundingClientRect().width > 0",
            vec![],
        )
        .await
        .unwrap()
    };
    assert_eq!(
        attr(c, "#preview-grid", "hidden").await.as_deref(),
        Some("true")
    );
    assert_eq!(drawn().await, json!(false), "the unticked map is drawn");
    let caption = text(c, "#preview-caption").await;
    assert!(
        caption.starts_with("This is what your mentee will see"),
        "{caption}"
    );
    click(c, "#show-busy").await;
    assert_eq!(attr(c, "#preview-grid", "hidden").await, None);
    assert_eq!(drawn().await, json!(true));
    // Under a red-tinted picture the caption does not say the mentee sees it.
    let caption = text(c, "#preview-caption").await;
    assert!(
        caption.starts_with("Red marks the busy areas") && !caption.contains("will see"),
        "{caption}"
    );
    c.execute(
        "document.getElementById('preview-figure').scrollIntoView({block: 'center'})",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&s, "app-preview-busyness");
    // Switching it off hides it again.
    click(c, "#show-busy").await;
    assert_eq!(drawn().await, json!(false));
    assert!(text(c, "#preview-caption")
        .await
        .starts_with("This is what your mentee will see"));

    // The check's background card names the scenery.
    click(c, "#run-check").await;
    wait_for(c, "#overall[data-status]", 90, "a report is shown").await;
    let status = card_status(c, "background").await;
    assert!(
        matches!(status.as_deref(), Some("warn" | "fail")),
        "{status:?}"
    );
    let summary = text(c, "li[data-check-id='background'] .summary").await;
    assert!(summary.contains("outdoor or holiday scene"), "{summary}");
    s.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_schedule_is_kept_aside_and_said() {
    let s = start_app_with_files(
        FakeSound::Speech,
        &[],
        None,
        &[(
            &format!("{DATA}/schedule.json"),
            "{ \"sessions\": [ broken".into(),
        )],
    )
    .await;
    let c = &s.client;
    wait_for(
        c,
        "#schedule-notice:not([hidden])",
        30,
        "the schedule panel says the file was damaged",
    )
    .await;
    let notice = text(c, "#schedule-notice").await;
    assert!(
        notice.contains("damaged") && notice.contains(".corrupt-"),
        "{notice}"
    );
    let kept: Vec<String> = std::fs::read_dir(s._mic.home().join(DATA))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("schedule.json.corrupt-"))
        .collect();
    assert_eq!(kept.len(), 1, "the damaged file is kept: {kept:?}");
    let saved = std::fs::read_to_string(s._mic.home().join(DATA).join(&kept[0])).unwrap();
    assert_eq!(saved, "{ \"sessions\": [ broken");
    s.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn no_driver_or_app_outlives_its_session() {
    let mut s = start_app(FakeSound::Silence).await;
    wait_for(&s.client, "#run-check", 20, "the app's window is up").await;
    let pgid = s.driver.pgid;
    let group = processes_in_group(pgid);
    assert!(
        group.iter().any(|p| p.contains("WebKitWebDriv")),
        "the driver runs in the test's process group: {group:?}"
    );
    assert!(
        group.iter().any(|p| p.contains("mentor-prefl")),
        "the app runs in the test's process group: {group:?}"
    );
    s.client.clone().close().await.unwrap();
    s.driver.end();
    assert_eq!(
        processes_in_group(pgid),
        Vec::<String>::new(),
        "nothing the driver started is left"
    );
}

/// A schedule with a Brokerage session that ended two days ago (to say whether it took place
/// as planned) and one with a mentee under 18 starting in `mins` minutes.
fn brokerage_schedule(mins: i64) -> String {
    let now = jiff::Timestamp::now();
    let session = |id: &str, mentee: &str, start: jiff::Timestamp, under_18: bool| {
        json!({
            "id": id, "mentee": mentee, "start": start.to_string(), "timeZone": "Europe/London",
            "durationMin": 60, "link": "https://meet.google.com/abc-defg-hij", "template": null,
            "sessionNumber": 2, "source": { "kind": "manual" },
            "programme": "brokerage", "under18": under_18
        })
    };
    json!({ "sessions": [
        session("past-1", "Jordan", now - jiff::SignedDuration::from_hours(48), false),
        // Nine days ago: always in an earlier week than today's.
        session("past-2", "Jordan", now - jiff::SignedDuration::from_hours(24 * 9), false),
        session("soon-1", "Alex", now + jiff::SignedDuration::from_mins(mins), true),
    ]})
    .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn programme_first_run_contact_concern_weekly_record_and_own_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let config = ".config/org.mentorpreflight.app";
    let (s, open_log) = start_app_logging_links(
        tmp.path(),
        &[
            // A first start: no programme chosen yet (and no checks run in this test).
            (&format!("{config}/settings.json"), "{}".to_string()),
            (&format!("{DATA}/schedule.json"), brokerage_schedule(90)),
        ],
    )
    .await;
    let c = &s.client;
    let home = s._mic.home().to_path_buf();
    let settings = || -> serde_json::Value {
        serde_json::from_str(
            &std::fs::read_to_string(home.join(config).join("settings.json")).unwrap(),
        )
        .unwrap()
    };

    // The first-run card asks, open, at the top.
    wait_for(
        c,
        "#programme-panel[open].first-run",
        20,
        "the first-run card is open",
    )
    .await;
    assert_eq!(text(c, "#programme-summary").await, "Getting started");
    assert!(text(c, "#programme-ask")
        .await
        .starts_with("Which programme do you mentor with?"));
    screenshot(&s, "app-first-run");
    axe(c, "the first-run card").await;
    wait_for(
        c,
        "#programme-choice option[value='brokerage']",
        10,
        "programmes are listed",
    )
    .await;
    c.find(Locator::Id("programme-choice"))
        .await
        .unwrap()
        .select_by_value("brokerage")
        .await
        .unwrap();
    let rules = text(c, "#programme-rules").await;
    for row in [
        "7 sessions of 60 minutes, weekly",
        "A one-hour mentor training before the first session.",
        "With a mentee under 18, the programme schedules the sessions.",
        "Each week you record whether mentoring took place as planned.",
        "After session 4: Mid-point feedback survey.",
        "After session 7: End-point feedback survey.",
        "Contact only by email and video conferencing",
        "Social media only on professional sites such as LinkedIn",
    ] {
        assert!(rules.contains(row), "{row:?} missing from {rules}");
    }
    // A contact that is not valid is refused, and nothing is saved.
    let typed = |id: &'static str, value: &'static str| async move {
        let e = c.find(Locator::Id(id)).await.unwrap();
        e.clear().await.unwrap();
        e.send_keys(value).await.unwrap();
    };
    typed("contact-name", "Safeguarding lead").await;
    typed("contact-email", "lead@").await;
    click(c, "#programme-save").await;
    wait_for(
        c,
        "#programme-notice:not([hidden])",
        10,
        "the contact is refused",
    )
    .await;
    assert!(text(c, "#programme-notice")
        .await
        .contains("is not an email address"));
    assert_eq!(settings()["programmeChosen"], serde_json::Value::Null);
    screenshot(&s, "app-programme-first-run");
    typed("contact-email", "safe@brokerage.example").await;
    typed("contact-phone", "+44 20 7946 0000").await;
    // Asked once with the programme: the mentor's name, and start at login (on by default).
    assert!(c
        .find(Locator::Id("first-autostart"))
        .await
        .unwrap()
        .is_selected()
        .await
        .unwrap());
    typed("first-name", "Jo").await;
    click(c, "#programme-save").await;
    let t0 = Instant::now();
    while text(c, "#programme-summary").await != "Your programme: The Brokerage" {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "the choice was not saved"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let saved = settings();
    assert_eq!(saved["programme"], "brokerage");
    assert_eq!(saved["programmeChosen"], true);
    assert_eq!(saved["mentorName"], "Jo");
    // The name is used at once (no restart): the script form has it.
    let t0 = Instant::now();
    while c
        .execute(
            "return document.getElementById('script-mentor').value",
            vec![],
        )
        .await
        .unwrap()
        != json!("Jo")
    {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "the first name did not reach the script form"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        attr(c, "#first-run-fields", "hidden").await.as_deref(),
        Some("true"),
        "asked once"
    );
    // Reminders need the tray process running: it starts at login, from the entry the app wrote.
    let autostart = std::fs::read_dir(home.join(".config/autostart"))
        .expect("an autostart entry")
        .filter_map(|e| e.ok())
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .find(|t| t.contains("mentor-preflight"))
        .expect("an autostart entry for the app");
    assert!(
        autostart.contains("/mentor-preflight-tray"),
        "at login the tray starts, never a window: {autostart}"
    );
    assert_eq!(
        saved["programmeContacts"]["brokerage"]["email"],
        "safe@brokerage.example"
    );
    // Choosing a microphone afterwards changes only the device choice: the window's older copy
    // of the settings never writes the programme away.
    wait_for(c, "#devices[data-loaded]", 30, "devices are listed").await;
    c.find(Locator::Id("mic-select"))
        .await
        .unwrap()
        .select_by_value("mic")
        .await
        .unwrap();
    let t0 = Instant::now();
    while settings()["mic"] != "mic" {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "the microphone was not saved"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(settings()["programme"], "brokerage");
    assert_eq!(
        settings()["programmeContacts"]["brokerage"]["name"],
        "Safeguarding lead"
    );
    // New sessions and calendars now belong to it unless the mentor says otherwise.
    wait_for(
        c,
        "#session-programme option[value='brokerage']",
        10,
        "the form lists programmes",
    )
    .await;
    for select in ["session-programme", "import-programme"] {
        let value = c
            .find(Locator::Id(select))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(value.as_deref(), Some("brokerage"), "{select}");
    }

    // The Brokerage's weekly record: did the ended session take place as planned?
    wait_for(
        c,
        "#planned-list li[data-session-id='past-1']",
        10,
        "the ended session is asked about",
    )
    .await;
    assert!(text(c, "#planned-why")
        .await
        .contains("The Brokerage asks each week"));
    click(
        c,
        "#planned-list li[data-session-id='past-1'] button:first-of-type",
    )
    .await;
    let records_path = home.join(DATA).join("records.json");
    let records = wait_records(&records_path, |r| {
        r["planned"].as_array().is_some_and(|a| !a.is_empty())
    })
    .await;
    assert_eq!(records["planned"][0]["sessionId"], "past-1");
    assert_eq!(records["planned"][0]["asPlanned"], true);
    wait_text(c, "#planned-list", 10, |t| {
        t.contains("Jordan: yes, as planned")
    })
    .await;
    // *No* asks why, in the row; the answer and its reason go into that session's week's
    // export, which the panel offers as a button of its own (it is not this week).
    click(
        c,
        "#planned-list li[data-session-id='past-2'] button[aria-label^='No:']",
    )
    .await;
    let why = wait_for(
        c,
        "#planned-list li[data-session-id='past-2'] .planned-why-not input",
        5,
        "No asks why",
    )
    .await;
    why.send_keys("Jordan was ill").await.unwrap();
    why.send_keys(&Key::Enter.to_string()).await.unwrap();
    let records = wait_records(&records_path, |r| {
        r["planned"].as_array().is_some_and(|a| a.len() == 2)
    })
    .await;
    assert_eq!(records["planned"][1]["sessionId"], "past-2");
    assert_eq!(records["planned"][1]["asPlanned"], false);
    assert_eq!(records["planned"][1]["reason"], "Jordan was ill");
    wait_text(c, "#planned-list li[data-session-id='past-2']", 10, |t| {
        t.contains("no, not as planned (Jordan was ill)")
    })
    .await;
    screenshot(&s, "app-programme-weekly-record");
    click(c, "#planned-exports button[data-week]").await;
    let t0 = Instant::now();
    let saved = loop {
        let t = text(c, "#export-result").await;
        if let Some(p) = t.strip_prefix("Saved to ") {
            break p.to_string();
        }
        assert!(t0.elapsed() < Duration::from_secs(10), "no export: {t}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let csv = std::fs::read_to_string(&saved).unwrap();
    assert!(csv.contains(",no: Jordan was ill,"), "{csv}");

    // The under-18 session's script: the safeguarding limit, and a discreet Report a concern
    // that reaches the programme contact and notes only that a concern was raised.
    let main_window = c.window().await.unwrap();
    click(
        c,
        "#session-list li[data-session-id='soon-1'] button[aria-label^='Script for']",
    )
    .await;
    let script = other_window(c, &main_window).await;
    c.switch_to_window(script).await.unwrap();
    wait_for(c, "body[data-phase='0']", 15, "the script is shown").await;
    // The safeguarding limit names the contact the mentor entered.
    let prompts = text(c, "#prompts").await;
    assert!(
        prompts.contains("because you are under 18")
            && prompts.contains("The Brokerage's safeguarding contact (Safeguarding lead)")
            && prompts.contains("This is session 2 of 7.")
            && !prompts.contains('['),
        "{prompts}"
    );
    wait_for(
        c,
        "#report-concern:not([hidden])",
        10,
        "Report a concern is offered",
    )
    .await;
    click(c, "#report-concern").await;
    wait_for(
        c,
        "#concern-panel:not([hidden])",
        10,
        "the concern panel opens",
    )
    .await;
    let who = text(c, "#concern-who").await;
    assert!(
        who.contains("Safeguarding lead") && who.contains("safe@brokerage.example"),
        "{who}"
    );
    // The phone number and the email are links the mentor can press, not plain text.
    assert_eq!(
        text(c, "#concern-who a[href='tel:+442079460000']").await,
        "+44 20 7946 0000"
    );
    assert!(c
        .find(Locator::Css(
            "#concern-who a[href='mailto:safe@brokerage.example']"
        ))
        .await
        .is_ok());
    assert!(
        !open_log.exists(),
        "nothing is opened before the mentor confirms"
    );
    click(c, "#concern-go").await;
    let opened = wait_for_file(&open_log, "the programme contact was not opened").await;
    assert_eq!(
        opened.trim(),
        "mailto:safe@brokerage.example?subject=A%20safeguarding%20concern"
    );
    let records = wait_records(&records_path, |r| {
        r["concerns"].as_array().is_some_and(|a| !a.is_empty())
    })
    .await;
    let concern = &records["concerns"][0];
    assert_eq!(concern["sessionId"], "soon-1");
    assert_eq!(concern["programme"], "brokerage");
    assert_eq!(concern["via"], "email");
    assert_eq!(
        concern.as_object().unwrap().len(),
        4,
        "metadata only: {concern}"
    );
    wait_for(c, "#concern-result", 5, "the outcome is said").await;
    screenshot(&s, "app-script-report-concern");
    let mut phase = 0;
    while attr(c, "#forward", "hidden").await.is_none() {
        phase += 1;
        next_phases(c, phase..phase + 1).await;
    }
    finish_script(c).await;
    c.switch_to_window(main_window).await.unwrap();

    // The mentor's own programme: a mistake is named with its line and column and nothing is
    // saved; a good one becomes the "custom" programme.
    click(c, "#programme-panel > summary").await;
    c.find(Locator::Id("programme-choice"))
        .await
        .unwrap()
        .select_by_value("custom")
        .await
        .unwrap();
    click(c, "#custom-programme > summary").await;
    let area = c.find(Locator::Id("custom-text")).await.unwrap();
    let starter = area.prop("value").await.unwrap().unwrap_or_default();
    assert!(starter.contains("name = \"My programme\""), "{starter}");
    let own_path = home.join(config).join("programmes/custom.toml");
    // Typed text would go through the keyboard (and WebKit's key mapping); the value is set.
    let write = |text: String| async move {
        c.execute(
            "document.getElementById('custom-text').value = arguments[0]",
            vec![json!(text)],
        )
        .await
        .unwrap();
    };
    write(starter.replace("session_minutes = 60", "session_minutes = 600")).await;
    click(c, "#custom-save").await;
    wait_for(c, "#custom-result.error", 10, "the mistake is reported").await;
    let err = text(c, "#custom-result").await;
    assert!(
        err.contains("custom.toml:6:") && err.contains("Nothing was saved"),
        "{err}"
    );
    assert!(!own_path.exists(), "nothing saved");
    write(starter.replace("My programme", "Youth Futures")).await;
    click(c, "#custom-save").await;
    wait_for(
        c,
        "#custom-result:not(.error)",
        10,
        "the programme is saved",
    )
    .await;
    assert!(std::fs::read_to_string(&own_path)
        .unwrap()
        .contains("Youth Futures"));
    assert_eq!(
        text(c, "#programme-choice option[value='custom']").await,
        "Youth Futures"
    );

    // Each code's own rows, as a mentor of that programme reads them.
    for (id, rows) in [
        (
            "mentor247",
            &[
                "Sessions of 60 minutes",
                "The programme schedules the sessions, not you.",
                "My phone is on silent and face down",
                "I am on a network cable, not Wi‑Fi or a hotspot",
                "I tested everything at least 10 minutes before",
                "Speak slowly and invite \"ask me to repeat\"",
                "Start with encouragement, end with a call to action",
                "Sessions scheduled only through the platform",
            ][..],
        ),
        (
            "leapfrog-sfedi",
            &[
                "The mentee's agenda, not mine",
                "Boundaries kept; signposting to other help where it is needed",
                "The mentee knows the complaints procedure",
                "The mentee knows either of us may end the relationship",
            ][..],
        ),
        (
            "qooper",
            &[
                "Broke the ice",
                "Contact schedule agreed: every 2 weeks, or a weekly check-in",
                "Listen, ask, offer, advise",
                "Accountable action items agreed",
            ][..],
        ),
        (
            "expectations-guide",
            &[
                "Came prepared and on time",
                "No change or cancellation except in an emergency",
                "An agenda for this session",
            ][..],
        ),
    ] {
        reveal(c, "#programme-choice").await;
        c.find(Locator::Id("programme-choice"))
            .await
            .unwrap()
            .select_by_value(id)
            .await
            .unwrap();
        let rules = text(c, "#programme-rules").await;
        for row in rows {
            assert!(rules.contains(row), "{id}: {row:?} missing from {rules}");
        }
    }
    s.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_brokerage_room_opens_as_early_as_its_code_asks() {
    // Nine minutes before a Brokerage session: the mentor's own setting (T-7) would wait two more
    // minutes, but The Brokerage asks for the room open 10 minutes early.
    let tmp = tempfile::tempdir().unwrap();
    let (s, open_log) = start_app_logging_links(
        tmp.path(),
        &[(
            &format!("{DATA}/schedule.json"),
            schedule_file_in(9, Some("brokerage")),
        )],
    )
    .await;
    let opened = wait_for_file(&open_log, "the Brokerage room was not opened at T-9").await;
    assert_eq!(opened.trim(), "https://meet.google.com/abc-defg-hij");
    let records = wait_records(&s._mic.home().join(DATA).join("records.json"), |r| {
        r["rooms"].as_array().is_some_and(|a| !a.is_empty())
    })
    .await;
    let early = records["rooms"][0]["minutesEarly"].as_i64().unwrap();
    assert!((8..=9).contains(&early), "opened {early} min early");
    s.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn subscriptions_are_listed_with_their_problem_and_can_be_unsubscribed() {
    // Nothing listens on this loopback port: the refresh at start fails at once, and says so.
    let feed = "https://127.0.0.1:9/feed.ics";
    let start = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48);
    let schedule = json!({
        "sessions": [{
            "id": "feed-1", "mentee": "Kim", "start": start.to_string(), "timeZone": "UTC",
            "durationMin": 60, "link": null, "template": null, "sessionNumber": null,
            "source": { "kind": "calendar", "calendar": feed, "uid": "f" }
        }],
        "subscriptions": [{ "url": feed, "lastFetched": null, "lastError": null }]
    });
    let s = start_app_with_files(
        FakeSound::Speech,
        &[],
        None,
        &[(&format!("{DATA}/schedule.json"), schedule.to_string())],
    )
    .await;
    let c = &s.client;
    wait_for(
        c,
        "#session-list li[data-session-id='feed-1']",
        20,
        "the feed's session is listed",
    )
    .await;
    click(c, "#import-calendar summary").await;
    let row = format!("#subscriptions li[data-url='{feed}']");
    wait_for(c, &row, 10, "the subscription is listed").await;
    let t0 = Instant::now();
    while !text(c, &row).await.contains("Problem:") {
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "{}",
            text(c, &row).await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    c.execute(
        "document.getElementById('subscriptions').scrollIntoView({ block: 'center' })",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&s, "app-subscriptions");
    click(c, &format!("{row} button")).await;
    let t0 = Instant::now();
    while c.find(Locator::Css(&row)).await.is_ok()
        || c.find(Locator::Css("#session-list li[data-session-id='feed-1']"))
            .await
            .is_ok()
    {
        assert!(t0.elapsed() < Duration::from_secs(10), "still subscribed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The reminder settings: the codes' deadline and the prompt's margin before it.
    click(c, "#reminder-settings > summary").await;
    let margin = c.find(Locator::Id("rem-margin")).await.unwrap();
    assert_eq!(margin.prop("value").await.unwrap().as_deref(), Some("5"));
    c.execute(
        "document.getElementById('reminder-settings').scrollIntoView({ block: 'center' })",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&s, "app-reminders");
    s.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_check_comes_first_at_800_by_600_in_the_dark() {
    // Five sessions scheduled (the list that used to push *Start check* below the fold), a dark
    // desktop theme, and a small 800×600 window.
    let start = |mins: i64| jiff::Timestamp::now() + jiff::SignedDuration::from_mins(mins);
    let sessions: Vec<serde_json::Value> = (0..5)
        .map(|i| {
            json!({
                "id": format!("s-{i}"), "mentee": format!("Mentee {i}"),
                "start": start(90 + i * 1440).to_string(), "timeZone": "Europe/London",
                "durationMin": 60, "link": "https://meet.google.com/abc-defg-hij",
                "template": null, "sessionNumber": i + 1, "source": { "kind": "manual" }
            })
        })
        .collect();
    let s = start_app_with_files(
        FakeSound::Speech,
        &[("GTK_THEME", "Adwaita:dark".into())],
        None,
        &[(
            &format!("{DATA}/schedule.json"),
            json!({ "sessions": sessions }).to_string(),
        )],
    )
    .await;
    let c = &s.client;
    c.set_window_size(800, 600).await.unwrap();
    wait_for(c, "#devices[data-loaded]", 30, "devices are listed").await;
    wait_text(c, "#next-bar", 10, |t| {
        t.starts_with("Next session: Mentee 0 · ")
    })
    .await;
    // The check screen: the next session above it, Start check and the guide in view, the
    // sessions on their own screen.
    c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    screenshot(&s, "app-check-800x600-dark");
    let in_view = |css: &str| {
        format!(
            "const r = document.querySelector(\"{css}\").getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight"
        )
    };
    for css in ["#next-bar", "#run-check", "#guide-step"] {
        let shown = c.execute(&in_view(css), vec![]).await.unwrap();
        assert_eq!(shown, json!(true), "{css} is not in view at 800×600");
    }
    assert_eq!(
        attr(c, "#view-sessions", "hidden").await.as_deref(),
        Some("true")
    );
    // Dark: the page follows the desktop's theme.
    let bg = c
        .execute(
            "return getComputedStyle(document.documentElement).backgroundColor",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(bg, json!("rgb(18, 26, 28)"), "the dark palette is used");
    // The next-session bar leads to the sessions screen.
    click(c, "#next-bar").await;
    wait_for(c, "#view-sessions:not([hidden])", 5, "the sessions screen").await;
    assert_eq!(
        attr(c, "#tab-sessions", "aria-current").await.as_deref(),
        Some("page")
    );
    screenshot(&s, "app-sessions-800x600-dark");
    s.client.clone().close().await.unwrap();
}

/// The environment that runs the app (through tauri-driver and WebKitWebDriver, so the tray and
/// the webview too) under libfaketime, its wall clock starting at `at` (faketime's `@YYYY-MM-DD
/// hh:mm:ss`, in UTC) and running on; monotonic time is left real, as the event loops need.
fn faketime_env(at: &str) -> Vec<(&'static str, String)> {
    require_tool("faketime", "faketime");
    let lib = std::fs::read_dir("/usr/lib")
        .unwrap()
        .filter_map(|d| d.ok())
        .map(|d| d.path().join("faketime/libfaketime.so.1"))
        .find(|p| p.exists())
        .expect("libfaketime.so.1 under /usr/lib/*/faketime (Debian package faketime)");
    vec![
        ("LD_PRELOAD", lib.display().to_string()),
        ("FAKETIME", at.to_string()),
        ("FAKETIME_DONT_FAKE_MONOTONIC", "1".to_string()),
        ("TZ", "UTC".to_string()),
    ]
}

/// An earlier version's records file with `n` passed checks, hours apart in the last days, whose
/// figures were a good line (`up_mbps` up, 20 ms, a quiet room on a cable).
fn earlier_checks(n: i64, up_mbps: f64) -> String {
    let checks: Vec<serde_json::Value> = (1..=n)
        .map(|i| {
            let at = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(20 * i);
            json!({
                "at": at.to_string(), "overall": "pass", "results": [], "sessionId": null,
                "minutesBefore": null, "checklist": [], "from": "app",
                "figures": {
                    "rttMs": 20.0 + i as f64, "jitterMs": 1.0, "lossPct": 0.0,
                    "upMbps": up_mbps, "downMbps": 80.0, "noiseFloorDbfs": -70.0 - i as f64,
                    "wired": true
                }
            })
        })
        .collect();
    json!({ "checks": checks }).to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn axe_finds_no_serious_or_moderate_violation_on_any_screen_light_or_dark() {
    // Every screen and window a mentor sees, in both themes: the check before and after a run
    // (results, checklist, measurements), the sessions screen with sessions to open, and the
    // script window. (The first-run card is checked in its own test.)
    for (theme, gtk) in [("light", "Adwaita"), ("dark", "Adwaita:dark")] {
        let tmp = tempfile::tempdir().unwrap();
        let picture = preflight_e2e::portrait_on_a_wall(tmp.path(), "astronaut.png", 0);
        let s = start_app_with_files(
            FakeSound::Speech,
            &[
                ("GTK_THEME", gtk.into()),
                (
                    "MENTOR_PREFLIGHT_TEST_CAMERA_IMAGE",
                    picture.display().to_string(),
                ),
            ],
            None,
            &[
                (&format!("{DATA}/schedule.json"), brokerage_schedule(90)),
                // Four earlier checks on a faster line (40 Mbps up): today's 8 is unlike them.
                (&format!("{DATA}/records.json"), earlier_checks(4, 40.0)),
            ],
        )
        .await;
        let c = &s.client;
        wait_for(c, "#devices[data-loaded]", 30, "devices are listed").await;
        wait_for(c, "#preview-figure:not([hidden])", 20, "the preview").await;
        axe(c, &format!("the check screen before a check ({theme})")).await;
        click(c, "#run-check").await;
        wait_for(c, "#overall[data-status]", 90, "a report is shown").await;
        wait_for(c, "#checklist:not([hidden])", 10, "the checklist").await;
        // Each part's end was announced to screen readers, in a polite live region.
        let cards = c
            .find_all(Locator::Css("#results li[data-check-id]"))
            .await
            .unwrap();
        let said = attr(c, "#check-progress", "data-said")
            .await
            .unwrap_or_default();
        assert_eq!(said.split(' ').count(), cards.len(), "announced: {said}");
        let last = c
            .execute(
                "return document.getElementById('check-progress').textContent",
                vec![],
            )
            .await
            .unwrap();
        let last = last.as_str().unwrap_or_default();
        assert!(
            last.ends_with(&format!("{n} of {n} done.", n = cards.len())),
            "{last}"
        );
        assert_eq!(
            attr(c, "#check-progress", "aria-live").await.as_deref(),
            Some("polite")
        );
        // Against the mentor's usual: said in words, and drawn (delay, upload, room noise).
        wait_for(c, "#history:not([hidden])", 10, "the comparison").await;
        let compared = text(c, "#compared").await;
        assert!(
            compared.contains("Your upload is")
                && compared.contains("a fifth of your usual 40 — someone at home may be streaming"),
            "{compared}"
        );
        let charts = c
            .find_all(Locator::Css("#history .history-chart"))
            .await
            .unwrap();
        assert_eq!(charts.len(), 3, "delay, upload and room noise");
        let upload = attr(c, ".history-chart[data-key='upMbps'] svg", "aria-label")
            .await
            .unwrap_or_default();
        assert!(
            upload.starts_with("Upload over your last 5 checks: usually 40.0 Mbps,"),
            "{upload}"
        );
        c.execute(
            "document.getElementById('history').scrollIntoView({ block: 'center' })",
            vec![],
        )
        .await
        .unwrap();
        screenshot(&s, &format!("app-history-{theme}"));
        axe(c, &format!("the check screen with its results ({theme})")).await;
        // The check's results at the two commonest laptop screens, for people to look at.
        let sizes = [(1366, 768), (1920, 1080)];
        for (w, h) in sizes {
            c.set_window_size(w, h).await.unwrap();
            c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
            screenshot(&s, &format!("app-check-{w}x{h}-{theme}"));
        }
        c.set_window_size(880, 680).await.unwrap();
        click(c, "#tab-sessions").await;
        wait_for(
            c,
            "#planned:not([hidden]) button",
            10,
            "sessions are listed",
        )
        .await;
        axe(c, &format!("the sessions screen ({theme})")).await;
        for (w, h) in sizes {
            c.set_window_size(w, h).await.unwrap();
            c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
            screenshot(&s, &format!("app-sessions-{w}x{h}-{theme}"));
        }
        c.set_window_size(880, 680).await.unwrap();
        let main_window = c.window().await.unwrap();
        open_script_window(c, &main_window).await;
        axe(c, &format!("the script window ({theme})")).await;
        s.client.clone().close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_check_prompt_opens_one_screen_for_the_session_ahead() {
    // Under faketime: the app (and its tray, and the webview) believe it is Tuesday 9 March 2027,
    // 09:48 UTC. Sam's third Brokerage session (under 18) starts at 10:00: the reminder's check
    // prompt (T−15) is due as soon as the tray starts. Last week's session noted what was agreed.
    let tmp = tempfile::tempdir().unwrap();
    let now: jiff::Timestamp = "2027-03-09T09:48:00Z".parse().unwrap();
    let start = now + jiff::SignedDuration::from_mins(12);
    let schedule = json!({ "sessions": [{
        "id": "sam-3", "mentee": "Sam", "start": start.to_string(), "timeZone": "Europe/London",
        "durationMin": 60, "link": "https://meet.jit.si/SamAndMe", "template": null,
        "sessionNumber": 3, "source": { "kind": "manual" },
        "programme": "brokerage", "under18": true
    }]});
    let week_ago = now - jiff::SignedDuration::from_hours(24 * 7);
    let records = json!({ "sessions": [{
        "template": "Regular session", "started": week_ago.to_string(),
        "ended": (week_ago + jiff::SignedDuration::from_mins(55)).to_string(),
        "phases": [], "sessionId": null, "mentee": "Sam", "sessionNumber": 2,
        "rehearsal": false, "agreed": { "text": "Sam drafts her CV", "inExport": false }
    }]});
    for (theme, gtk) in [("light", "Adwaita"), ("dark", "Adwaita:dark")] {
        let open_log = tmp.path().join(format!("opened-{theme}.txt"));
        let mut env = faketime_env("@2027-03-09 09:48:00");
        env.extend([
            ("GTK_THEME", gtk.into()),
            (
                "MENTOR_PREFLIGHT_TEST_OPEN_LOG",
                open_log.display().to_string(),
            ),
        ]);
        let s = start_app_with_files(
            FakeSound::Speech,
            &env,
            None,
            &[
                (&format!("{DATA}/schedule.json"), schedule.to_string()),
                (&format!("{DATA}/records.json"), records.to_string()),
            ],
        )
        .await;
        let c = &s.client;
        wait_for(c, "#prepare:not([hidden])", 45, "the preparation screen").await;
        let title = text(c, "#prepare-title").await;
        assert!(
            title.starts_with("Your session with Sam starts in "),
            "{title}"
        );
        // The day and time the faked clock says, not today's.
        assert_eq!(
            text(c, "#prepare-line").await,
            "The Brokerage · session 3 of 7 · Tue 9 Mar 10:00"
        );
        assert_eq!(
            text(c, "#prepare-agreed").await,
            "Last time (Tue 2 Mar) you agreed: Sam drafts her CV"
        );
        assert!(text(c, "#prepare-safeguarding")
            .await
            .starts_with("Sam is under 18: The Brokerage's safeguarding rules apply."));
        let plan = c.find_all(Locator::Css("#prepare-plan li")).await.unwrap();
        assert!(plan.len() >= 3, "the script's phases");
        assert!(text(c, "#prepare-checked")
            .await
            .starts_with("Not checked yet"));
        // Keyboard first: Run the check has the focus.
        let focused = c
            .execute("return document.activeElement.id", vec![])
            .await
            .unwrap();
        assert_eq!(focused, json!("prepare-run"));
        axe(c, &format!("the preparation screen ({theme})")).await;
        screenshot(&s, &format!("app-prepare-{theme}"));
        // Join opens the room (logged here instead of a browser).
        click(c, "#prepare-join").await;
        let opened = wait_for_file(&open_log, "the room was not opened from the screen").await;
        assert!(opened.contains("https://meet.jit.si/SamAndMe"), "{opened}");
        // Escape closes it and leaves the check in front.
        c.find(Locator::Id("prepare-join"))
            .await
            .unwrap()
            .send_keys(&Key::Escape.to_string())
            .await
            .unwrap();
        wait_for(c, "#prepare[hidden]", 5, "Escape closes the screen").await;
        s.client.clone().close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_microphone_that_hears_the_mentor_is_offered_and_chosen_with_one_key() {
    for dark in [false, true] {
        // The laptop's microphone (silent) is the system's default; a headset beside it hears
        // the mentor.
        let mic = FakeMic::silent_laptop_beside_a_headset();
        let env = if dark {
            vec![("GTK_THEME", "Adwaita:dark".to_string())]
        } else {
            vec![]
        };
        let s = start_app_with_mic(mic, &env, None, &[]).await;
        let c = &s.client;
        wait_for(c, "#devices[data-loaded]", 30, "devices are listed").await;
        c.find(Locator::Id("mic-select"))
            .await
            .unwrap()
            .select_by_value("USB Headset Microphone")
            .await
            .expect("the headset is offered by its description");
        // Back to the system default (the silent laptop microphone), then the check.
        c.find(Locator::Id("mic-select"))
            .await
            .unwrap()
            .select_by_value("")
            .await
            .unwrap();
        click(c, "#run-check").await;
        wait_for(
            c,
            "li[data-check-id='mic'][data-status='fail']",
            30,
            "the microphone's verdict",
        )
        .await;
        // The rest of the check finishes (the guide stops moving the page) before the picture.
        wait_for(c, "#overall[data-status]", 60, "a report is shown").await;
        let summary = text(c, "li[data-check-id='mic'] .summary").await;
        assert_eq!(
            summary,
            "Your computer's default microphone hears nothing, but \"USB Headset Microphone\" hears you: the wrong microphone is chosen."
        );
        assert!(text(c, "li[data-check-id='mic'] .advice")
            .await
            .contains("meeting app"));
        let offer = "li[data-check-id='mic'] .offer-use-mic";
        assert_eq!(text(c, offer).await, "Use \"USB Headset Microphone\"");
        show_card(
            &s,
            "mic",
            "center",
            if dark {
                "app-mic-offer-dark"
            } else {
                "app-mic-offer-light"
            },
        )
        .await;
        axe(c, "the microphone offer").await;
        // Keyboard first: the offer is a button reached and pressed with the keyboard.
        c.execute(
            &format!("document.querySelector(\"{offer}\").focus()"),
            vec![],
        )
        .await
        .unwrap();
        c.active_element()
            .await
            .unwrap()
            .send_keys(&Key::Enter.to_string())
            .await
            .unwrap();
        let done = wait_text(c, "li[data-check-id='mic'] .offer-done", 5, |t| {
            !t.is_empty()
        })
        .await;
        assert!(done.contains("Choose it in your meeting app too"), "{done}");
        let chosen = c
            .execute("return document.getElementById('mic-select').value", vec![])
            .await
            .unwrap();
        assert_eq!(chosen, json!("USB Headset Microphone"));
        // Saved where the CLI reads it.
        let settings = s
            ._mic
            .home()
            .join(".config/org.mentorpreflight.app/settings.json");
        let t0 = Instant::now();
        loop {
            let text = wait_for_file(&settings, "settings were not saved").await;
            if text.contains("\"mic\": \"USB Headset Microphone\"") {
                break;
            }
            assert!(t0.elapsed() < Duration::from_secs(10), "{text}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if !dark {
            screenshot(&s, "app-mic-offer-chosen");
        }
        s.client.clone().close().await.unwrap();
    }
}
