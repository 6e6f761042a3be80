//! Mouse gestures on the message list: a right-click opens a context menu at the row (the
//! reader's actions and Move); pressing a row and releasing it over a folder moves the
//! message there. A release anywhere else ends the drag without doing anything. A
//! right-click on a folder opens it with its menu under the row.
use super::app::{App, Message};
use crate::model::{FolderId, MessageId};

#[derive(Debug, Clone)]
pub enum GestureMsg {
    /// Right-click on the row at `index`: select it and show the menu there.
    Context(MessageId, u32),
    /// Close the context menu.
    CloseMenu,
    /// Left press on a row: select it, and it may be dragged.
    Press(MessageId, u32),
    /// Released over a folder of the pane.
    DropOn(FolderId),
    /// Released anywhere (after a DropOn of the same release, if any).
    Release,
    /// Right-click on a folder: open it and show its menu (new folder, rename, delete).
    FolderContext(FolderId),
    /// Left press on a folder: open it, and it may be dragged onto another folder.
    FolderPress(FolderId),
}

impl App {
    pub fn on_gesture(&mut self, m: GestureMsg) -> iced::Task<Message> {
        match m {
            GestureMsg::Context(id, index) => {
                self.dragging = None;
                let task = self.update(Message::Select(id, index));
                self.context = Some((id, index));
                return task;
            }
            GestureMsg::CloseMenu => self.context = None,
            GestureMsg::Press(id, index) => {
                self.context = None;
                self.dragging = Some(id);
                return self.update(Message::Select(id, index));
            }
            GestureMsg::DropOn(folder) => {
                if let Some(moved) = self.dragging_folder.take()
                    && moved != folder
                {
                    self.move_folder(moved, folder);
                }
                if let Some(id) = self.dragging.take() {
                    let here = self.message_row(id).map(|r| r.folder_id);
                    if here != Some(folder) {
                        // Ctrl held at the release: a copy, the message stays here too.
                        if self.ctrl {
                            return self.copy_one(id, folder);
                        }
                        return self.move_one(id, folder);
                    }
                }
            }
            GestureMsg::Release => {
                self.dragging = None;
                self.dragging_folder = None;
            }
            GestureMsg::FolderPress(folder) => {
                self.context = None;
                self.folder_menu = None;
                self.dragging_folder = Some(folder);
                return self.update(Message::OpenListing(crate::store::Listing::Folder(folder)));
            }
            GestureMsg::FolderContext(folder) => {
                self.context = None;
                let task = self.update(Message::OpenListing(crate::store::Listing::Folder(folder)));
                self.folder_menu = Some(folder);
                return task;
            }
        }
        iced::Task::none()
    }

    /// Moves folder `moved` (dragged) under `parent`: queued like any folder change.
    fn move_folder(&mut self, moved: FolderId, parent: FolderId) {
        let Some(store) = self.store_mut() else {
            return;
        };
        match store.local_move_folder(moved, parent) {
            Ok(_) => {
                let account = store.folder(moved).map(|f| f.account_id);
                self.status.say(super::status::Said::key("folder-moved"));
                if let Ok(a) = account {
                    self.after_local_change(std::collections::BTreeSet::from([a]));
                }
            }
            Err(e) => self.status.fail(super::status::Said::store(e)),
        }
    }

    /// Copies message `id` (Ctrl-dragged) to `folder`: it stays where it is.
    fn copy_one(&mut self, id: MessageId, folder: FolderId) -> iced::Task<Message> {
        let Some(store) = self.store_mut() else {
            return iced::Task::none();
        };
        let account = store.message(id).map(|r| r.account_id);
        match store.local_copy(id, folder) {
            Ok(_) => {
                self.status.say(super::status::Said::key("message-copied"));
                if let Ok(a) = account {
                    self.after_local_change(std::collections::BTreeSet::from([a]));
                }
            }
            Err(e) => self.status.fail(super::status::Said::store(e)),
        }
        iced::Task::none()
    }

    /// Moves message `id` (dragged) to `folder`, like Move to… on it alone.
    fn move_one(&mut self, id: MessageId, folder: FolderId) -> iced::Task<Message> {
        let (selected, multi) = (self.selected, std::mem::take(&mut self.multi));
        self.selected = Some(id);
        let task = self.update(Message::MoveTo(folder));
        if selected != Some(id) {
            self.selected = selected;
        }
        self.multi = multi;
        task
    }
}
