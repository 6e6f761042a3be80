//! Save As for attachments: the system's save dialog (the XDG desktop portal on Linux,
//! without GTK; the native ones on Windows and macOS, through `rfd`), then the engine writes
//! the file. A file that is already there is replaced only after the person says so in the
//! reader; until then nothing is written.
use super::app::{App, Message, Reading};
use crate::engine::SaveMode;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub enum SaveAsMsg {
    /// Save attachment INDEX: open the dialog.
    Ask(usize),
    /// The dialog's answer (None: cancelled, or no dialog could be shown).
    Chosen(usize, Option<PathBuf>),
    /// The answer to "replace the file?".
    Replace(bool),
}

/// Where the dialog starts: Downloads, else the home folder.
fn start_dir() -> Option<PathBuf> {
    let dirs = directories::UserDirs::new()?;
    Some(
        dirs.download_dir()
            .map_or_else(|| dirs.home_dir().to_path_buf(), |d| d.to_path_buf()),
    )
}

impl App {
    /// The message `id` as the reader shows it: the open message, or one of the open
    /// conversation.
    pub(super) fn shown_message(
        &self,
        id: crate::model::MessageId,
    ) -> Option<&crate::engine::ShownMessage> {
        match &self.reading {
            Reading::Shown(m) if m.id == id => Some(m.as_ref()),
            _ => self
                .conv
                .open
                .as_ref()
                .and_then(|c| c.bodies.get(&id))
                .and_then(|b| b.as_ref().ok()),
        }
    }

    pub fn on_save_as(&mut self, m: SaveAsMsg) -> iced::Task<Message> {
        match m {
            SaveAsMsg::Ask(index) => {
                let Some(id) = self.conv.single.or(self.selected) else {
                    return iced::Task::none();
                };
                self.save_as_for = Some(id);
                let Some(shown) = self.shown_message(id) else {
                    return iced::Task::none();
                };
                let Some(a) = shown.attachments.iter().find(|a| a.index == index) else {
                    return iced::Task::none();
                };
                let mut dialog = rfd::AsyncFileDialog::new()
                    .set_title(self.tr.tr("attachment-save-as", None))
                    .set_file_name(crate::engine::safe_file_name(&a.filename));
                if let Some(dir) = start_dir() {
                    dialog = dialog.set_directory(dir);
                }
                return iced::Task::perform(
                    async move { dialog.save_file().await.map(|h| h.path().to_path_buf()) },
                    move |path| Message::SaveAs(SaveAsMsg::Chosen(index, path)),
                );
            }
            SaveAsMsg::Chosen(_, None) => {}
            SaveAsMsg::Chosen(index, Some(path)) => {
                if path.exists() {
                    self.replace_ask = Some((index, path));
                } else {
                    self.save_to(index, path, SaveMode::Refuse);
                }
            }
            SaveAsMsg::Replace(yes) => {
                if let Some((index, path)) = self.replace_ask.take()
                    && yes
                {
                    self.save_to(index, path, SaveMode::Overwrite);
                }
            }
        }
        iced::Task::none()
    }

    fn save_to(&mut self, index: usize, path: PathBuf, mode: SaveMode) {
        if let Some(id) = self.save_as_for.or(self.selected)
            && let Some(account) = self.account_of(id)
        {
            self.status
                .say(super::status::Said::key("attachment-downloading"));
            self.engine
                .save_attachment_as(account, id, index, path, mode);
        }
    }
}
