//! The window's settings, kept as JSON beside the cache (`settings.json` in the data dir).
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// "en" or "ja"; None follows the OS.
    pub language: Option<String>,
    pub theme: ThemeChoice,
    /// Desktop notifications for new Inbox mail.
    pub notifications: bool,
    pub window_width: f32,
    pub window_height: f32,
    /// The folder pane's share of the window's width (its divider is dragged).
    pub folder_split: f32,
    /// The message list's share of the width right of the folder pane.
    pub list_split: f32,
    /// Seconds a message stays open in the reader before it is marked read (0: at once).
    /// Stepping past messages with j/k quicker than that leaves them unread.
    pub mark_read_delay: u32,
    /// Seconds a sent message waits in the outbox before it goes to SMTP, with "Undo" in
    /// the status line meanwhile (0: sent at once).
    pub undo_send_delay: u32,
    /// The message list shows one row per conversation (the list's switch).
    pub conversations: bool,
}

/// The longest "Undo send" delay offered.
pub const MAX_UNDO_SEND_DELAY: u32 = 30;

/// The longest mark-as-read delay offered.
pub const MAX_MARK_READ_DELAY: u32 = 10;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: None,
            theme: ThemeChoice::System,
            notifications: true,
            window_width: 1200.0,
            window_height: 760.0,
            folder_split: super::panes::DEFAULT_FOLDER_SPLIT,
            list_split: super::panes::DEFAULT_LIST_SPLIT,
            mark_read_delay: 2,
            undo_send_delay: 5,
            conversations: true,
        }
    }
}

fn path(dir: &Path) -> PathBuf {
    dir.join("settings.json")
}

impl Settings {
    /// The saved settings, or the defaults when there are none (or they cannot be read).
    pub fn load(dir: &Path) -> Settings {
        std::fs::read(path(dir))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Saves atomically (write a temp file, then rename): a crash never leaves half a file.
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let tmp = dir.join("settings.json.tmp");
        std::fs::write(&tmp, json)?;
        std::fs::rename(tmp, path(dir))
    }

    /// The language in use: the setting, else the OS's.
    pub fn language(&self) -> String {
        self.language
            .clone()
            .unwrap_or_else(|| crate::i18n::system_language().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_and_survives_garbage() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
        let s = Settings {
            language: Some("ja".into()),
            list_split: 0.6,
            ..Default::default()
        };
        s.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()), s);
        std::fs::write(dir.path().join("settings.json"), b"{not json").unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
    }
}
