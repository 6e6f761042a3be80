//! User actions shared by the CLI and the window, built on the offline queue.
use super::{Result, Store};
use crate::model::{FolderRole, MessageId, Protocol};

impl Store {
    /// Deletes as a mail client does: IMAP moves to Trash (or expunges when already there or
    /// there is no Trash); POP3 moves to the local Trash, and marks the server copy for
    /// deletion when the account says so. Applied at once; queued for the server.
    pub fn local_delete(&mut self, msg: MessageId) -> Result<()> {
        let row = self.message(msg)?;
        let acc = self.account(row.account_id)?;
        if acc.protocol == Protocol::Pop3 {
            return self.pop3_local_delete(msg, acc.pop3.delete_when_deleted);
        }
        match self.folder_by_role(row.account_id, FolderRole::Trash)? {
            Some(t) if t.id != row.folder_id => {
                self.local_move(msg, t.id)?;
            }
            _ => {
                self.local_expunge(msg)?;
            }
        }
        Ok(())
    }
}
