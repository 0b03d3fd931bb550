//! The tray icon on Linux: a StatusNotifierItem with a dbusmenu menu over D-Bus (`ksni`), which
//! GNOME (with its AppIndicator extension), KDE, Xfce and most panels show.

use ksni::TrayMethods;
use tokio::sync::mpsc;

use crate::{menu, pictures, tooltip, Ask, MenuLine};

/// The item's state: the next session, the pictures, where clicks go.
struct Tray {
    headline: String,
    icon: Vec<ksni::Icon>,
    asks: mpsc::UnboundedSender<Ask>,
}

impl ksni::Tray for Tray {
    // A left click shows the menu, as on every desktop (the menu is the interface).
    const MENU_ON_ACTIVATE: bool = true;

    fn id(&self) -> String {
        "mentor-preflight".into()
    }

    fn title(&self) -> String {
        "Mentor Preflight".into()
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        self.icon.clone()
    }

    fn tool_tip(&self) -> ksni::ToolTip {
        ksni::ToolTip {
            title: tooltip(&self.headline),
            ..Default::default()
        }
    }

    fn menu(&self) -> Vec<ksni::MenuItem<Self>> {
        menu(&self.headline)
            .into_iter()
            .map(|line| match line {
                MenuLine::Headline(label) => ksni::menu::StandardItem {
                    label,
                    enabled: false,
                    ..Default::default()
                }
                .into(),
                MenuLine::Separator => ksni::MenuItem::Separator,
                MenuLine::Item(label, ask) => ksni::menu::StandardItem {
                    label: label.into(),
                    activate: Box::new(move |t: &mut Self| {
                        let _ = t.asks.send(ask.clone());
                    }),
                    ..Default::default()
                }
                .into(),
            })
            .collect()
    }

    fn watcher_offline(&self, reason: ksni::OfflineReason) -> bool {
        // The desktop's tray went away (a shell restart, say): keep serving, it may come back;
        // reminders go on as notifications meanwhile.
        tracing::info!(?reason, "no tray host for now");
        true
    }
}

/// SNI pictures are ARGB32 in network byte order.
fn argb() -> Vec<ksni::Icon> {
    pictures()
        .into_iter()
        .map(|p| ksni::Icon {
            width: p.width as i32,
            height: p.height as i32,
            data: p
                .rgba
                .chunks_exact(4)
                .flat_map(|px| [px[3], px[0], px[1], px[2]])
                .collect(),
        })
        .collect()
}

/// Text for a notification body: notification servers read the body as markup, so a mentee
/// called `<b>Sam</b>` or `a & b` is escaped.
pub fn body_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The running tray item.
pub struct Icon(ksni::Handle<Tray>);

impl Icon {
    /// Puts the item up (the desktop may not have its tray up yet at login: it waits for it).
    pub async fn spawn(headline: String, asks: mpsc::UnboundedSender<Ask>) -> Result<Icon, String> {
        let tray = Tray {
            headline,
            icon: argb(),
            asks,
        };
        tray.assume_sni_available(true)
            .spawn()
            .await
            .map(Icon)
            .map_err(|e| e.to_string())
    }

    /// Shows `headline` as what is next.
    pub async fn set_headline(&self, headline: String) {
        self.0.update(move |t| t.headline = headline).await;
    }

    /// Takes the item down.
    pub async fn shutdown(self) {
        self.0.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_bodies_cannot_carry_markup() {
        assert_eq!(
            body_text("Your session with <b>Sam</b> & <a href=\"x\">Jo</a>"),
            "Your session with &lt;b&gt;Sam&lt;/b&gt; &amp; &lt;a href=\"x\"&gt;Jo&lt;/a&gt;"
        );
    }

    #[test]
    fn the_pictures_are_argb_and_each_entry_asks_for_its_action() {
        for i in argb() {
            assert_eq!(i.data.len(), (i.width * i.height * 4) as usize);
            // Alpha comes first: something is opaque, something transparent.
            assert!(i.data.chunks_exact(4).any(|p| p[0] == 255));
            assert!(i.data.chunks_exact(4).any(|p| p[0] == 0));
        }
        let (asks, mut asked) = mpsc::unbounded_channel();
        let mut tray = Tray {
            headline: "Priya · Mon 18:00 (in 9 min)".into(),
            icon: Vec::new(),
            asks,
        };
        let mut items = ksni::Tray::menu(&tray);
        match &items[0] {
            ksni::MenuItem::Standard(s) => {
                assert_eq!(s.label, "Next: Priya · Mon 18:00 (in 9 min)");
                assert!(!s.enabled);
            }
            _ => panic!("the headline comes first"),
        }
        if let ksni::MenuItem::Standard(quit) = items.pop().unwrap() {
            (quit.activate)(&mut tray);
        }
        assert_eq!(asked.try_recv().unwrap(), Ask::Quit);
    }
}
