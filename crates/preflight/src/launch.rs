//! How the app is asked to open a window: the one protocol between the tray process (and the
//! autostart entry, and a notification's button) and the app, typed on both sides. It travels
//! as the app's command-line arguments (a running app gets a second start's arguments through
//! its single-instance channel), written by [`Launch::to_args`] and read by [`Launch::from_args`].

use serde::{Deserialize, Serialize};

/// What the main window is opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MainIntent {
    /// Just show it.
    Show,
    /// Start the pre-flight check (tray, notification button).
    RunCheck,
    /// The check reminder: bring *Start check* into view.
    CheckPrompt,
    /// Show the schedule (tray).
    ShowSchedule,
}

impl MainIntent {
    /// Every intent, for tests and for readers that list them.
    pub const ALL: [MainIntent; 4] = [
        MainIntent::Show,
        MainIntent::RunCheck,
        MainIntent::CheckPrompt,
        MainIntent::ShowSchedule,
    ];

    /// The word after `--intent`.
    pub fn word(self) -> &'static str {
        match self {
            MainIntent::Show => "show",
            MainIntent::RunCheck => "run-check",
            MainIntent::CheckPrompt => "check-prompt",
            MainIntent::ShowSchedule => "show-schedule",
        }
    }

    /// The intent a word names (`run-check-requested` is what older tray versions sent).
    pub fn from_word(word: &str) -> Option<MainIntent> {
        match word {
            "run-check-requested" => Some(MainIntent::RunCheck),
            w => MainIntent::ALL.into_iter().find(|i| i.word() == w),
        }
    }
}

/// What a start of the app asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Launch {
    /// The main window, for an intent.
    Main(MainIntent),
    /// The session script of a scheduled session, by its id (the reminder when the room opens,
    /// the tray's *Session script*).
    Script(String),
    /// Started at login by an older autostart entry (`--minimized`): only the tray.
    TrayOnly,
    /// *Quit* in the tray: close every window and end.
    Quit,
}

impl Launch {
    /// The arguments that ask for this (the program name not included).
    pub fn to_args(&self) -> Vec<String> {
        match self {
            Launch::Main(MainIntent::Show) => vec![],
            Launch::Main(i) => vec!["--intent".into(), i.word().into()],
            Launch::Script(id) => vec!["--script".into(), id.clone()],
            Launch::TrayOnly => vec!["--minimized".into()],
            Launch::Quit => vec!["--quit".into()],
        }
    }

    /// Reads a start's arguments (the program name first). Unknown words are ignored: the main
    /// window opens.
    pub fn from_args(args: &[String]) -> Launch {
        let mut it = args.iter().skip(1);
        while let Some(a) = it.next() {
            match a.as_str() {
                "--quit" => return Launch::Quit,
                "--minimized" => return Launch::TrayOnly,
                "--script" => {
                    if let Some(id) = it.next() {
                        return Launch::Script(id.clone());
                    }
                }
                "--intent" => {
                    let intent = it.next().and_then(|w| MainIntent::from_word(w));
                    return Launch::Main(intent.unwrap_or(MainIntent::Show));
                }
                _ => {}
            }
        }
        Launch::Main(MainIntent::Show)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(args: &[&str]) -> Launch {
        Launch::from_args(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn what_one_side_writes_the_other_reads() {
        let mut all: Vec<Launch> = MainIntent::ALL.into_iter().map(Launch::Main).collect();
        all.extend([
            Launch::Script("m-1-2a-0".into()),
            Launch::TrayOnly,
            Launch::Quit,
        ]);
        for l in all {
            let mut args = vec!["mentor-preflight".to_string()];
            args.extend(l.to_args());
            assert_eq!(Launch::from_args(&args), l, "{args:?}");
        }
        // The words are the serde names too (logs, and any later channel).
        for i in MainIntent::ALL {
            let json = serde_json::to_string(&i).unwrap();
            assert_eq!(json, format!("\"{}\"", i.word()));
        }
    }

    #[test]
    fn odd_starts_open_the_window() {
        assert_eq!(read(&["app"]), Launch::Main(MainIntent::Show));
        assert_eq!(
            read(&["app", "--intent", "nonsense"]),
            Launch::Main(MainIntent::Show)
        );
        assert_eq!(
            read(&["app", "--intent", "run-check-requested"]),
            Launch::Main(MainIntent::RunCheck)
        );
        assert_eq!(read(&["app", "--script"]), Launch::Main(MainIntent::Show));
        assert_eq!(read(&["app", "--minimized"]), Launch::TrayOnly);
    }
}
