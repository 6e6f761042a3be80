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
                if let Some(id) = self.dragging.take() {
                    let here = self.message_row(id).map(|r| r.folder_id);
                    if here != Some(folder) {
                        return self.move_one(id, folder);
                    }
                }
            }
            GestureMsg::Release => self.dragging = None,
            GestureMsg::FolderContext(folder) => {
                self.context = None;
                let task = self.update(Message::OpenListing(crate::store::Listing::Folder(folder)));
                self.folder_menu = Some(folder);
                return task;
            }
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
