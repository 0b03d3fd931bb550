//! A private desktop session for tests of the tray and notifications: a D-Bus session bus of our
//! own (`dbus-daemon`), a StatusNotifierWatcher that the app's tray icon registers with, and a
//! notification server that keeps what it was asked to show. Nothing reaches the machine's own
//! session; everything ends with the test.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zbus::object_server::SignalEmitter;
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};
use zbus::{interface, Connection};

use serde_json::json;

use crate::{processes_in_group, ProcessGroup, Xvfb};

/// A private session bus; its `address` goes into `DBUS_SESSION_BUS_ADDRESS`.
pub struct SessionBus {
    _daemon: ProcessGroup,
    /// `unix:path=…`.
    pub address: String,
}

impl SessionBus {
    /// Starts `dbus-daemon --session` listening on a socket in `dir`.
    pub fn start(dir: &Path) -> SessionBus {
        crate::require_tool("dbus-daemon", "dbus-daemon");
        let socket = dir.join("bus");
        let address = format!("unix:path={}", socket.display());
        let daemon = ProcessGroup::spawn(
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--nopidfile"])
                .arg(format!("--address={address}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
        .expect("start dbus-daemon");
        let t0 = Instant::now();
        // The socket file appears when it is bound, a moment before the daemon listens on it:
        // wait until a connection is taken.
        while std::os::unix::net::UnixStream::connect(&socket).is_err() {
            assert!(
                t0.elapsed() < Duration::from_secs(10),
                "the session bus did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        SessionBus {
            _daemon: daemon,
            address,
        }
    }
}

/// The system's password store as a desktop has it: GNOME Keyring's Secret Service on a
/// private session bus, its login keyring created and unlocked in `home` (so nothing touches
/// the machine's own keyring).
pub struct PasswordStore {
    _daemon: ProcessGroup,
}

impl PasswordStore {
    /// Starts `gnome-keyring-daemon` (secrets only) on `bus` with `home` as its home, and waits
    /// until it answers on the bus.
    pub fn start(bus: &SessionBus, home: &Path) -> PasswordStore {
        crate::require_tool("gnome-keyring-daemon", "gnome-keyring");
        let mut daemon = ProcessGroup::spawn(
            Command::new("gnome-keyring-daemon")
                .args(["--foreground", "--unlock", "--components=secrets"])
                .env("HOME", home)
                .env("XDG_DATA_HOME", home.join(".local/share"))
                .env("XDG_RUNTIME_DIR", home)
                .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
        .expect("start gnome-keyring-daemon");
        {
            use std::io::Write;
            // The login keyring's password, then end of input: it is created and unlocked.
            let mut stdin = daemon.child.stdin.take().expect("keyring's input");
            stdin.write_all(b"test-login-password").unwrap();
        }
        let t0 = Instant::now();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let conn = zbus::connection::Builder::address(bus.address.as_str())
                .unwrap()
                .build()
                .await
                .expect("connect to the test bus");
            let dbus = zbus::fdo::DBusProxy::new(&conn).await.unwrap();
            let name = zbus::names::BusName::try_from("org.freedesktop.secrets").unwrap();
            while !dbus.name_has_owner(name.clone()).await.unwrap_or(false) {
                assert!(
                    t0.elapsed() < Duration::from_secs(20),
                    "the password store did not start"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
        PasswordStore { _daemon: daemon }
    }
}

/// One notification as the app asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// The id the server gave it.
    pub id: u32,
    /// The title.
    pub summary: String,
    /// The text.
    pub body: String,
    /// Action keys and their labels, as pairs.
    pub actions: Vec<(String, String)>,
}

struct Notifications {
    shown: Arc<Mutex<Vec<Shown>>>,
}

#[interface(name = "org.freedesktop.Notifications")]
impl Notifications {
    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into(), "actions".into()]
    }

    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: String,
        replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut shown = self.shown.lock().unwrap();
        let id = if replaces_id > 0 {
            replaces_id
        } else {
            shown.len() as u32 + 1
        };
        shown.push(Shown {
            id,
            summary,
            body,
            actions: actions
                .chunks(2)
                .map(|p| (p[0].clone(), p.get(1).cloned().unwrap_or_default()))
                .collect(),
        });
        id
    }

    fn close_notification(&self, _id: u32) {}

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "preflight-test".into(),
            "Mentor Preflight tests".into(),
            "1".into(),
            "1.2".into(),
        )
    }

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;
}

struct Watcher {
    items: Arc<Mutex<Vec<String>>>,
}

#[interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    async fn register_status_notifier_item(
        &self,
        service: String,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        // An item names either its object path (on the caller's connection) or a bus name.
        let item = if service.starts_with('/') {
            format!("{sender}{service}")
        } else {
            format!("{service}/StatusNotifierItem")
        };
        self.items.lock().unwrap().push(item.clone());
        let _ = Self::status_notifier_item_registered(&emitter, &item).await;
    }

    fn register_status_notifier_host(&self, _service: String) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items.lock().unwrap().clone()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }

    #[zbus(signal)]
    async fn status_notifier_item_registered(
        emitter: &SignalEmitter<'_>,
        service: &str,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn status_notifier_host_registered(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;
}

/// The tray host and the notification server, on the private bus.
pub struct Desktop {
    conn: Connection,
    shown: Arc<Mutex<Vec<Shown>>>,
    items: Arc<Mutex<Vec<String>>>,
}

/// A menu entry of the tray icon, as the tray host reads it.
#[derive(Debug, Clone)]
pub struct MenuEntry {
    /// dbusmenu id (to click it).
    pub id: i32,
    /// The label (mnemonic underscores removed).
    pub label: String,
    /// Whether it can be clicked.
    pub enabled: bool,
}

type Layout = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

impl Desktop {
    /// Serves the watcher and the notification server on `bus`.
    pub async fn start(bus: &SessionBus) -> Desktop {
        let shown = Arc::new(Mutex::new(Vec::new()));
        let items = Arc::new(Mutex::new(Vec::new()));
        let conn = zbus::connection::Builder::address(bus.address.as_str())
            .expect("bus address")
            .serve_at(
                "/org/freedesktop/Notifications",
                Notifications {
                    shown: shown.clone(),
                },
            )
            .expect("notification server")
            .serve_at(
                "/StatusNotifierWatcher",
                Watcher {
                    items: items.clone(),
                },
            )
            .expect("tray watcher")
            .name("org.freedesktop.Notifications")
            .expect("name")
            .name("org.kde.StatusNotifierWatcher")
            .expect("name")
            .build()
            .await
            .expect("connect to the private bus");
        Desktop { conn, shown, items }
    }

    /// The notifications shown so far.
    pub fn shown(&self) -> Vec<Shown> {
        self.shown.lock().unwrap().clone()
    }

    /// Waits up to `secs` for a notification titled `summary`.
    pub async fn wait_for_notification(&self, summary: &str, secs: u64) -> Shown {
        let t0 = Instant::now();
        loop {
            if let Some(n) = self.shown().into_iter().find(|n| n.summary == summary) {
                return n;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(secs),
                "no notification {summary:?}; shown: {:?}",
                self.shown()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Reports a click on `action` of notification `id`, as a notification server does.
    pub async fn invoke_action(&self, id: u32, action: &str) {
        let emitter = SignalEmitter::new(&self.conn, "/org/freedesktop/Notifications").unwrap();
        Notifications::action_invoked(&emitter, id, action)
            .await
            .expect("send ActionInvoked");
    }

    /// Waits up to `secs` for a tray item to register; returns its bus name and object path.
    pub async fn wait_for_tray_item(&self, secs: u64) -> (String, String) {
        let t0 = Instant::now();
        loop {
            if let Some(item) = self.items.lock().unwrap().first().cloned() {
                let slash = item.find('/').expect("bus name + path");
                return (item[..slash].to_string(), item[slash..].to_string());
            }
            assert!(
                t0.elapsed() < Duration::from_secs(secs),
                "no tray item registered"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn menu_of(&self, item: &(String, String)) -> zbus::Proxy<'static> {
        let sni = zbus::Proxy::new(
            &self.conn,
            item.0.clone(),
            item.1.clone(),
            "org.kde.StatusNotifierItem",
        )
        .await
        .expect("tray item proxy");
        let menu: OwnedObjectPath = sni.get_property("Menu").await.expect("the item's menu");
        zbus::Proxy::new(&self.conn, item.0.clone(), menu, "com.canonical.dbusmenu")
            .await
            .expect("menu proxy")
    }

    /// The tray item's menu, top level, as the tray host shows it (separators left out).
    pub async fn tray_menu(&self, item: &(String, String)) -> Vec<MenuEntry> {
        let menu = self.menu_of(item).await;
        let (_revision, (_, _, children)): (u32, Layout) = menu
            .call("GetLayout", &(0i32, -1i32, Vec::<String>::new()))
            .await
            .expect("GetLayout");
        children
            .into_iter()
            .filter_map(|child| {
                let (id, props, _): Layout = child.try_into().ok()?;
                let text = |k: &str| {
                    props
                        .get(k)
                        .and_then(|v| String::try_from(v.try_clone().ok()?).ok())
                };
                if text("type").as_deref() == Some("separator") {
                    return None;
                }
                let enabled = props
                    .get("enabled")
                    .and_then(|v| bool::try_from(v).ok())
                    .unwrap_or(true);
                Some(MenuEntry {
                    id,
                    label: text("label").unwrap_or_default().replace('_', ""),
                    enabled,
                })
            })
            .collect()
    }

    /// The tray menu once its first entry (the headline) reads `prefix…` (up to 15 s: the
    /// reminder loop fills it in after start).
    pub async fn tray_menu_when(&self, item: &(String, String), prefix: &str) -> Vec<MenuEntry> {
        let t0 = Instant::now();
        loop {
            let menu = self.tray_menu(item).await;
            if menu.first().is_some_and(|e| e.label.starts_with(prefix)) {
                return menu;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(15),
                "the tray menu does not start with {prefix:?}: {menu:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks a menu entry, as a tray host does.
    pub async fn click(&self, item: &(String, String), entry: &MenuEntry) {
        let menu = self.menu_of(item).await;
        let _: () = menu
            .call("Event", &(entry.id, "clicked", Value::from(0i32), 0u32))
            .await
            .expect("menu Event");
    }
}

const DATA: &str = ".local/share/org.mentorpreflight.app";
const CONFIG: &str = ".config/org.mentorpreflight.app";

/// The app started as at login (the tray process alone) or as a mentor starts it (the window,
/// which starts the tray process), under Xvfb on a private desktop session, with its tray icon
/// registered.
pub struct TrayApp {
    /// The app's process group: the tray process, the app when it runs, WebKit's helpers.
    pub app: ProcessGroup,
    /// The tray host and notification server.
    pub desktop: Desktop,
    /// The tray icon (bus name, object path).
    pub item: (String, String),
    /// The X server.
    pub xvfb: Xvfb,
    /// When the app was started.
    pub started: Instant,
    _bus: SessionBus,
}

impl TrayApp {
    /// Starts the app (the one built next to the running test) with a schedule of one session
    /// `mins` from now (reminders do not open rooms by themselves) — as at login with
    /// `minimized` (the autostart entry starts `mentor-preflight-tray`, no window), else as a
    /// mentor starts it — and waits for its tray icon.
    pub async fn start(home: &Path, mins: i64, minimized: bool) -> TrayApp {
        Self::start_binary(
            &crate::built_binary("mentor-preflight"),
            home,
            mins,
            minimized,
        )
        .await
    }

    /// [`TrayApp::start`] with another build of the app (the installed one, say).
    pub async fn start_binary(binary: &Path, home: &Path, mins: i64, minimized: bool) -> TrayApp {
        let start = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(mins);
        let schedule = json!({
            "sessions": [{
                "id": "sched-1", "mentee": "Priya", "start": start.to_string(),
                "timeZone": "Europe/London", "durationMin": 60,
                "link": "https://meet.google.com/abc-defg-hij", "template": null,
                "sessionNumber": 1, "source": { "kind": "manual" }
            }],
            "reminders": { "checkLeadMin": 10, "openLeadMin": 7, "autoOpen": false, "snoozeMin": 5 }
        });
        for (dir, name, text) in [
            (DATA, "schedule.json", schedule.to_string()),
            // No check runs in these tests; nothing may reach the network if one did.
            (
                CONFIG,
                "settings.json",
                json!({ "programmeChosen": true, "platforms": [], "stunServers": ["127.0.0.1:9"] })
                    .to_string(),
            ),
        ] {
            std::fs::create_dir_all(home.join(dir)).unwrap();
            std::fs::write(home.join(dir).join(name), text).unwrap();
        }
        let runtime = home.join("runtime");
        std::fs::create_dir_all(&runtime).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        let bus = SessionBus::start(home);
        let desktop = Desktop::start(&bus).await;
        let xvfb = Xvfb::start();
        let started = Instant::now();
        // At login the autostart entry starts the tray process, which is installed beside the app.
        let program = if minimized {
            binary.with_file_name("mentor-preflight-tray")
        } else {
            binary.to_path_buf()
        };
        let app = ProcessGroup::spawn(
            Command::new(program)
                .env("HOME", home)
                .env_remove("XDG_CONFIG_HOME")
                .env_remove("XDG_DATA_HOME")
                .env("XDG_RUNTIME_DIR", &runtime)
                .env("DISPLAY", &xvfb.display)
                .env_remove("WAYLAND_DISPLAY")
                .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
                .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
        .expect("start the app");
        let item = desktop.wait_for_tray_item(20).await;
        TrayApp {
            app,
            desktop,
            item,
            xvfb,
            started,
            _bus: bus,
        }
    }

    /// The app's processes (`pid name`), WebKit's helpers included.
    pub fn processes(&self) -> Vec<String> {
        processes_in_group(self.app.pgid)
    }

    /// The app's WebKit helper processes (none while no webview exists).
    pub fn webkit_processes(&self) -> Vec<String> {
        self.processes()
            .into_iter()
            .filter(|p| p.contains("WebKit"))
            .collect()
    }

    /// The X id of the window titled "Mentor Preflight", if it is on the screen.
    fn main_window_id(&self) -> Option<String> {
        let out = Command::new("xwininfo")
            .args(["-root", "-tree"])
            .env("DISPLAY", &self.xvfb.display)
            .output()
            .expect("run xwininfo (x11-utils)");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find(|l| l.contains("\"Mentor Preflight\""))
            .and_then(|l| l.split_whitespace().next().map(str::to_string))
    }

    /// Whether a window titled "Mentor Preflight" is on the X screen.
    pub fn main_window_shown(&self) -> bool {
        self.main_window_id().is_some()
    }

    /// Whether that window shows its page (not an empty, one-colour surface).
    pub fn main_window_painted(&self) -> bool {
        let Some(id) = self.main_window_id() else {
            return false;
        };
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "import -window {id} png:- 2>/dev/null | convert - -format '%[fx:standard_deviation]' info:"
            ))
            .env("DISPLAY", &self.xvfb.display)
            .output()
            .expect("run import and convert (imagemagick)");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse::<f64>()
            .is_ok_and(|sd| sd > 0.02)
    }

    /// Resident memory of all the app's processes, kB, with each process's share.
    pub fn resident_kb(&self) -> (u64, Vec<(String, u64)>) {
        let each: Vec<(String, u64)> = self
            .processes()
            .into_iter()
            .filter_map(|p| {
                let kb = crate::proc_status_kb(p.split_whitespace().next()?, "VmRSS:")?;
                Some((p, kb))
            })
            .collect();
        (each.iter().map(|(_, kb)| kb).sum(), each)
    }

    /// CPU time used so far by all the app's processes, in clock ticks.
    pub fn cpu_ticks(&self) -> u64 {
        self.processes()
            .into_iter()
            .filter_map(|p| crate::proc_cpu_ticks(p.split_whitespace().next()?))
            .sum()
    }

    /// The tray menu entry labelled `label`.
    pub async fn menu_entry(&self, label: &str) -> MenuEntry {
        self.desktop
            .tray_menu(&self.item)
            .await
            .into_iter()
            .find(|e| e.label == label)
            .unwrap_or_else(|| panic!("no {label:?} in the tray menu"))
    }

    /// Quits from the tray menu and waits for every process of the app (the tray, the window's,
    /// WebKit's) to end.
    pub async fn quit(mut self) {
        let quit = self.menu_entry("Quit Mentor Preflight").await;
        self.desktop.click(&self.item, &quit).await;
        let t0 = Instant::now();
        while !self.app.exited() || !self.processes().is_empty() {
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "Quit did not end the app: {:?}",
                self.processes()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
