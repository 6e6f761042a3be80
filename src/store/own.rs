//! What this device itself did on the server: messages it appended (sent copies, drafts),
//! moved, deleted, and flags it stored. A sync pass sees the server's echo of each of these
//! as an arrival, a removal or a flag change; [`Store::take_own_change`] tells it apart from
//! a change made on another device, so the sync view never lists this device's own work as
//! "from other devices". Each record is used once; unused ones expire after a day.
use super::{Result, Store};
use crate::model::{AccountId, Uid};
use rusqlite::{OptionalExtension, params};

/// How long a record waits for its echo.
const KEEP_SECS: i64 = 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnKind {
    /// A message this device put in the folder (APPEND, the destination of a move).
    Arrived,
    /// A message this device removed from the folder (the source of a move, an expunge).
    Removed,
    /// Flags this device stored on a message.
    Flags,
}

impl OwnKind {
    fn as_str(self) -> &'static str {
        match self {
            OwnKind::Arrived => "arrived",
            OwnKind::Removed => "removed",
            OwnKind::Flags => "flags",
        }
    }
}

impl Store {
    /// Records one change this device made in `folder`: by UID when the server told it, and
    /// by Message-ID when known (an APPEND or a move without UIDPLUS learns no UID).
    pub fn note_own_change(
        &self,
        account: AccountId,
        folder: &str,
        kind: OwnKind,
        uid: Option<Uid>,
        message_id: Option<&str>,
    ) -> Result<()> {
        if uid.is_none() && message_id.is_none() {
            return Ok(());
        }
        let now = chrono::Utc::now().timestamp();
        self.conn
            .execute("DELETE FROM own_changes WHERE at < ?1", [now - KEEP_SECS])?;
        self.conn.execute(
            "INSERT INTO own_changes (account_id, folder, kind, uid, message_id, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                account.0,
                folder,
                kind.as_str(),
                uid.map(|u| u.0),
                message_id,
                now
            ],
        )?;
        Ok(())
    }

    /// Whether a change a pass saw in `folder` is the echo of this device's own: true when a
    /// record matches its UID or Message-ID, and that record is then used up.
    pub fn take_own_change(
        &self,
        account: AccountId,
        folder: &str,
        kind: OwnKind,
        uid: Uid,
        message_id: Option<&str>,
    ) -> Result<bool> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM own_changes
                 WHERE account_id = ?1 AND folder = ?2 AND kind = ?3
                   AND (uid = ?4 OR (?5 IS NOT NULL AND message_id = ?5))
                 ORDER BY id LIMIT 1",
                params![account.0, folder, kind.as_str(), uid.0, message_id],
                |r| r.get(0),
            )
            .optional()?;
        match id {
            Some(id) => {
                self.conn
                    .execute("DELETE FROM own_changes WHERE id = ?1", [id])?;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Security;
    use crate::store::NewAccount;

    #[test]
    fn an_own_change_is_recognised_once_by_uid_or_message_id() {
        let s = Store::open_in_memory().unwrap();
        let a = s
            .add_account(&NewAccount::imap("a@example.test", "h", 993, Security::Tls))
            .unwrap();
        s.note_own_change(a, "Sent", OwnKind::Arrived, None, Some("<m@x>"))
            .unwrap();
        s.note_own_change(a, "INBOX", OwnKind::Removed, Some(Uid(7)), None)
            .unwrap();
        // Another folder, another kind or another message is not ours.
        assert!(
            !s.take_own_change(a, "INBOX", OwnKind::Arrived, Uid(7), None)
                .unwrap()
        );
        assert!(
            !s.take_own_change(a, "Trash", OwnKind::Removed, Uid(7), None)
                .unwrap()
        );
        assert!(
            !s.take_own_change(a, "Sent", OwnKind::Arrived, Uid(1), Some("<o@x>"))
                .unwrap()
        );
        assert!(
            s.take_own_change(a, "Sent", OwnKind::Arrived, Uid(1), Some("<m@x>"))
                .unwrap()
        );
        assert!(
            s.take_own_change(a, "INBOX", OwnKind::Removed, Uid(7), None)
                .unwrap()
        );
        // Used up.
        assert!(
            !s.take_own_change(a, "INBOX", OwnKind::Removed, Uid(7), None)
                .unwrap()
        );
    }
}
