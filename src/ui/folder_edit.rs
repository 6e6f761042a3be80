//! Folder changes from the folder pane: "New folder", and Rename / Delete for the open
//! folder (not for Inbox or special folders). The name is typed in a field in the pane;
//! Delete asks first. The change goes through the store's queue like a message change
//! (applied here at once, sent at once when online) and wakes the account.
use super::app::{App, Message};
use crate::mime::mutf7;
use crate::model::{AccountId, FolderId};
use crate::store::Listing;

/// What the folder pane is asking for.
#[derive(Debug, Clone, PartialEq)]
pub enum FolderEdit {
    /// A new folder's name in `account`.
    Create { account: AccountId, name: String },
    /// A new name for `folder`.
    Rename { folder: FolderId, name: String },
    /// "Delete this folder and its messages?"
    Delete { folder: FolderId },
}

#[derive(Debug, Clone)]
pub enum FolderMsg {
    New,
    Rename,
    Delete,
    Name(String),
    Confirm,
    Cancel,
}

/// The widget id of the name field (focused when it opens).
pub const NAME_ID: &str = "folder-name";

impl App {
    /// The open folder when it is one a person may rename or delete.
    pub fn editable_folder(&self) -> Option<&crate::model::Folder> {
        let Some(Listing::Folder(id)) = self.listing else {
            return None;
        };
        self.accounts
            .iter()
            .flat_map(|a| a.folders.iter())
            .map(|f| &f.folder)
            .find(|f| f.id == id && f.role.is_none())
    }

    pub fn on_folder(&mut self, m: FolderMsg) -> iced::Task<Message> {
        match m {
            FolderMsg::New => {
                let account = self
                    .editable_folder()
                    .map(|f| f.account_id)
                    .or_else(|| self.accounts.first().map(|a| a.account.id));
                if let Some(account) = account {
                    self.folder_edit = Some(FolderEdit::Create {
                        account,
                        name: String::new(),
                    });
                    return iced::widget::operation::focus(NAME_ID);
                }
            }
            FolderMsg::Rename => {
                if let Some(f) = self.editable_folder() {
                    self.folder_edit = Some(FolderEdit::Rename {
                        folder: f.id,
                        name: mutf7::decode(&f.name),
                    });
                    return iced::widget::operation::focus(NAME_ID);
                }
            }
            FolderMsg::Delete => {
                if let Some(f) = self.editable_folder() {
                    self.folder_edit = Some(FolderEdit::Delete { folder: f.id });
                }
            }
            FolderMsg::Name(s) => {
                if let Some(FolderEdit::Create { name, .. } | FolderEdit::Rename { name, .. }) =
                    &mut self.folder_edit
                {
                    *name = s;
                }
            }
            FolderMsg::Cancel => self.folder_edit = None,
            FolderMsg::Confirm => self.folder_confirm(),
        }
        iced::Task::none()
    }

    fn folder_confirm(&mut self) {
        let Some(edit) = self.folder_edit.take() else {
            return;
        };
        let Some(store) = self.store_mut() else {
            return;
        };
        let result = match &edit {
            FolderEdit::Create { account, name } => store
                .local_create_folder(*account, &mutf7::encode(name.trim()))
                .map(|(id, _)| (*account, Some(id))),
            FolderEdit::Rename { folder, name } => store
                .folder(*folder)
                .and_then(|f| {
                    store
                        .local_rename_folder(*folder, &mutf7::encode(name.trim()))
                        .map(|_| f.account_id)
                })
                .map(|a| (a, Some(*folder))),
            FolderEdit::Delete { folder } => store
                .folder(*folder)
                .and_then(|f| store.local_delete_folder(*folder).map(|_| f.account_id))
                .map(|a| (a, None)),
        };
        match result {
            Ok((account, open)) => {
                self.status.clear_error();
                self.after_local_change([account].into());
                match open {
                    Some(id) => self.open_listing(Listing::Folder(id)),
                    None => {
                        let inbox = self.first_inbox();
                        self.open_listing(inbox);
                    }
                }
            }
            Err(e) => {
                self.status.fail(super::status::Said::store(e));
                // Keep what was typed, to fix it.
                if !matches!(edit, FolderEdit::Delete { .. }) {
                    self.folder_edit = Some(edit);
                }
            }
        }
    }
}
