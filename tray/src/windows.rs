//! The tray icon on Windows: a notification-area icon with its menu (`tray-icon`), owned by a
//! thread of its own that runs the Win32 message loop the icon needs; the loop hears what the
//! mentor clicked through the menu's event channel and is told the next session over a channel.

use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tray_icon::menu::{Menu, MenuEvent, MenuId, MenuItem, PredefinedMenuItem};
use tray_icon::TrayIconBuilder;
use windows_sys::Win32::UI::WindowsAndMessaging::{
    DispatchMessageW, PeekMessageW, TranslateMessage, MSG, PM_REMOVE,
};

use crate::{menu, pictures, tooltip, Ask, MenuLine};

/// How often the icon's thread looks at the menu's events and the loop's requests between
/// Windows messages.
const PUMP: Duration = Duration::from_millis(100);

enum Cmd {
    Headline(String),
    Quit,
}

/// Text for a toast: Windows puts it in the toast's XML as text, not markup, so it stays as it is.
pub fn body_text(s: &str) -> String {
    s.to_string()
}

/// The running icon (its thread).
pub struct Icon {
    cmds: std_mpsc::Sender<Cmd>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Icon {
    /// Puts the icon up; an error when Windows has no notification area for it.
    pub async fn spawn(headline: String, asks: mpsc::UnboundedSender<Ask>) -> Result<Icon, String> {
        let (cmds, rx) = std_mpsc::channel();
        let (ready, is_ready) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("tray icon".into())
            .spawn(move || run(headline, asks, rx, ready))
            .map_err(|e| e.to_string())?;
        match is_ready.await {
            Ok(Ok(())) => Ok(Icon {
                cmds,
                thread: Some(thread),
            }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err("the tray icon's thread ended".into()),
        }
    }

    /// Shows `headline` as what is next.
    pub async fn set_headline(&self, headline: String) {
        let _ = self.cmds.send(Cmd::Headline(headline));
    }

    /// Takes the icon down.
    pub async fn shutdown(mut self) {
        let _ = self.cmds.send(Cmd::Quit);
        if let Some(t) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || t.join()).await;
        }
    }
}

/// Hands the Windows messages waiting for this thread's windows (the icon's hidden window) to
/// them.
fn pump_messages() {
    // SAFETY: MSG is plain data; the calls only touch this thread's message queue.
    unsafe {
        let mut msg: MSG = std::mem::zeroed();
        while PeekMessageW(&mut msg, std::ptr::null_mut(), 0, 0, PM_REMOVE) != 0 {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
}

fn headline_text(headline: &str) -> String {
    match menu(headline).into_iter().next() {
        Some(MenuLine::Headline(text)) => text,
        _ => headline.to_string(),
    }
}

fn run(
    headline: String,
    asks: mpsc::UnboundedSender<Ask>,
    cmds: std_mpsc::Receiver<Cmd>,
    ready: oneshot::Sender<Result<(), String>>,
) {
    let tray_menu = Menu::new();
    let head = MenuItem::new(headline_text(&headline), false, None);
    let mut items: Vec<(MenuItem, Ask)> = Vec::new();
    let mut separators = Vec::new();
    for line in menu(&headline) {
        let appended = match line {
            MenuLine::Headline(_) => tray_menu.append(&head),
            MenuLine::Separator => {
                separators.push(PredefinedMenuItem::separator());
                tray_menu.append(separators.last().expect("just pushed"))
            }
            MenuLine::Item(label, ask) => {
                items.push((MenuItem::new(label, true, None), ask));
                tray_menu.append(&items.last().expect("just pushed").0)
            }
        };
        if let Err(e) = appended {
            let _ = ready.send(Err(e.to_string()));
            return;
        }
    }
    let ids: Vec<(MenuId, Ask)> = items
        .iter()
        .map(|(item, ask)| (item.id().clone(), ask.clone()))
        .collect();
    let mut builder = TrayIconBuilder::new()
        .with_menu(Box::new(tray_menu))
        .with_menu_on_left_click(true)
        .with_tooltip(tooltip(&headline));
    if let Some(p) = pictures().into_iter().next() {
        match tray_icon::Icon::from_rgba(p.rgba, p.width, p.height) {
            Ok(icon) => builder = builder.with_icon(icon),
            Err(e) => tracing::warn!(error = %e, "tray picture not usable"),
        }
    }
    let tray = match builder.build() {
        Ok(t) => t,
        Err(e) => {
            let _ = ready.send(Err(e.to_string()));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    loop {
        pump_messages();
        while let Ok(event) = MenuEvent::receiver().try_recv() {
            if let Some((_, ask)) = ids.iter().find(|(id, _)| *id == event.id) {
                let _ = asks.send(ask.clone());
            }
        }
        match cmds.recv_timeout(PUMP) {
            Ok(Cmd::Headline(h)) => {
                if let Err(e) = tray.set_tooltip(Some(tooltip(&h))) {
                    tracing::warn!(error = %e, "tray tooltip not changed");
                }
                head.set_text(headline_text(&h));
            }
            Ok(Cmd::Quit) | Err(std_mpsc::RecvTimeoutError::Disconnected) => break,
            Err(std_mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
    drop(tray);
}
