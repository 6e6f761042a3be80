//! POP3 accounts: local folders, downloaded UIDLs, and messages stored whole.
//!
//! A POP3 message gets a local UID (the next number in its folder), its whole raw form as
//! the cached section "" (any part can be cut from it offline) and its text in the search
//! index, all in the transaction that records its UIDL.
use super::{Result, Store, now};
use crate::model::{AccountId, FolderId, FolderRole, HeaderInfo, MessageId};
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::HashMap;

/// The local folders of a POP3 account: (name, role).
pub const LOCAL_FOLDERS: [(&str, FolderRole); 4] = [
    ("INBOX", FolderRole::Inbox),
    ("Drafts", FolderRole::Drafts),
    ("Sent", FolderRole::Sent),
    ("Trash", FolderRole::Trash),
];

/// A downloaded message ready to store.
#[derive(Debug, Clone)]
pub struct Pop3Message {
    pub header: HeaderInfo,
    pub raw: Vec<u8>,
    pub text: String,
    pub snippet: String,
}

/// What the cache knows of a UIDL it downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownUidl {
    /// The local message (None once it was removed here for good).
    pub message_id: Option<MessageId>,
    /// When it was downloaded (unix seconds, by the engine's clock).
    pub downloaded: i64,
    /// "Delete from the server when I delete it here" asked for a DELE.
    pub dele_pending: bool,
}

fn next_uid(tx: &Transaction<'_>, folder: FolderId) -> Result<u32> {
    let max: Option<u32> = tx.query_row(
        "SELECT max(uid) FROM messages WHERE folder_id = ?1",
        [folder.0],
        |r| r.get(0),
    )?;
    Ok(max.unwrap_or(0) + 1)
}

impl Store {
    /// Creates the local Inbox, Drafts, Sent and Trash of a POP3 account (idempotent).
    pub fn ensure_local_folders(&self, account: AccountId) -> Result<()> {
        for (name, role) in LOCAL_FOLDERS {
            self.upsert_folder(account, name, Some("/"), Some(role))?;
        }
        Ok(())
    }

    /// Every UIDL downloaded for the account.
    pub fn known_uidls(&self, account: AccountId) -> Result<HashMap<String, KnownUidl>> {
        let mut st = self.conn.prepare_cached(
            "SELECT uidl, message_id, downloaded, dele_pending FROM pop3_uidls
             WHERE account_id = ?1",
        )?;
        let rows = st.query_map([account.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                KnownUidl {
                    message_id: r.get::<_, Option<i64>>(1)?.map(MessageId),
                    downloaded: r.get(2)?,
                    dele_pending: r.get(3)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Stores a downloaded message and records its UIDL in one transaction. Returns None
    /// (storing nothing) when the UIDL was already recorded.
    pub fn store_pop3_message(
        &mut self,
        account: AccountId,
        folder: FolderId,
        uidl: &str,
        msg: &Pop3Message,
        downloaded: i64,
    ) -> Result<Option<MessageId>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let known: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM pop3_uidls WHERE account_id = ?1 AND uidl = ?2",
                params![account.0, uidl],
                |r| r.get(0),
            )
            .optional()?;
        if known.is_some() {
            return Ok(None);
        }
        let uid = next_uid(&tx, folder)?;
        let h = &msg.header;
        let parts = serde_json::to_string(&h.parts)
            .map_err(|e| super::StoreError::Corrupt(e.to_string()))?;
        tx.execute(
            "INSERT INTO messages (folder_id, uid, message_id, subject, sender, recipients, cc,
                date, internal_date, size, flags, modseq, in_reply_to, refs, parts,
                has_attachments, snippet)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL, ?12, ?13, ?14, ?15, ?16)",
            params![
                folder.0,
                uid,
                h.message_id,
                h.subject,
                h.from,
                h.to,
                h.cc,
                h.date,
                h.internal_date,
                h.size as i64,
                h.flags.to_bits(),
                h.in_reply_to,
                h.references,
                parts,
                h.has_attachments,
                msg.snippet,
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO parts (message_id, section, data, fetched) VALUES (?1, '', ?2, ?3)",
            params![id, msg.raw, now()],
        )?;
        super::search::index(&tx, id, &msg.text)?;
        super::threads::thread_message(
            &tx,
            id,
            h.message_id.as_deref(),
            h.in_reply_to.as_deref(),
            h.references.as_deref(),
        )?;
        tx.execute(
            "INSERT INTO pop3_uidls (account_id, uidl, message_id, downloaded)
             VALUES (?1, ?2, ?3, ?4)",
            params![account.0, uidl, id, downloaded],
        )?;
        tx.commit()?;
        Ok(Some(MessageId(id)))
    }

    /// Forgets UIDLs the server no longer has (after a QUIT that committed their DELE, or
    /// because its listing lacks them).
    pub fn forget_uidls(&mut self, account: AccountId, uidls: &[String]) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut del =
                tx.prepare_cached("DELETE FROM pop3_uidls WHERE account_id = ?1 AND uidl = ?2")?;
            for u in uidls {
                del.execute(params![account.0, u])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Deletes a POP3 message here: to Trash (or for good when it is in Trash), and when
    /// `dele` is set marks its server copy for DELE at the next sync, in one transaction.
    pub fn pop3_local_delete(&mut self, msg: MessageId, dele: bool) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (account, folder): (i64, i64) = tx
            .query_row(
                "SELECT f.account_id, f.id FROM messages m JOIN folders f ON f.id = m.folder_id
                 WHERE m.id = ?1",
                [msg.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(super::StoreError::NoMessage(msg.0))?;
        if dele {
            tx.execute(
                "UPDATE pop3_uidls SET dele_pending = 1 WHERE account_id = ?1 AND message_id = ?2",
                params![account, msg.0],
            )?;
        }
        let trash: Option<i64> = tx
            .query_row(
                "SELECT id FROM folders WHERE account_id = ?1 AND role = 'trash'",
                [account],
                |r| r.get(0),
            )
            .optional()?;
        match trash {
            Some(t) if t != folder => {
                let uid = next_uid(&tx, FolderId(t))?;
                tx.execute(
                    "UPDATE messages SET folder_id = ?2, uid = ?3 WHERE id = ?1",
                    params![msg.0, t, uid],
                )?;
            }
            _ => {
                tx.execute(
                    "UPDATE pop3_uidls SET message_id = NULL WHERE account_id = ?1
                     AND message_id = ?2",
                    params![account, msg.0],
                )?;
                tx.execute("DELETE FROM messages WHERE id = ?1", [msg.0])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// POP3 accounts have no server folders: queued flag changes and moves are local only.
    /// Marks them done and gives moved messages a local UID in their new folder.
    pub fn settle_local_ops(&mut self, account: AccountId) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let placeholders: Vec<(i64, i64)> = {
            let mut st = tx.prepare(
                "SELECT m.id, m.folder_id FROM messages m JOIN folders f ON f.id = m.folder_id
                 WHERE f.account_id = ?1 AND m.uid IS NULL ORDER BY m.id",
            )?;
            let rows = st.query_map([account.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, folder) in placeholders {
            let uid = next_uid(&tx, FolderId(folder))?;
            tx.execute(
                "UPDATE messages SET uid = ?2 WHERE id = ?1",
                params![id, uid],
            )?;
        }
        let n = tx.execute(
            "UPDATE ops SET state = 'done', error = NULL, updated = ?2
             WHERE account_id = ?1 AND state = 'pending'",
            params![account.0, now()],
        )?;
        tx.commit()?;
        Ok(n)
    }

    /// UIDLs waiting for a DELE ("delete from the server when I delete it here").
    pub fn pending_dele_count(&self, account: AccountId) -> Result<u32> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM pop3_uidls WHERE account_id = ?1 AND dele_pending = 1",
            [account.0],
            |r| r.get(0),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Endpoint, Flags, Pop3Options, Protocol, Security, Uid};
    use crate::store::NewAccount;

    fn msg(subject: &str) -> Pop3Message {
        Pop3Message {
            header: HeaderInfo {
                uid: Uid(0),
                message_id: Some(format!("<{subject}@x>")),
                subject: subject.into(),
                from: "a@x".into(),
                to: "b@x".into(),
                cc: String::new(),
                date: 1,
                internal_date: 1,
                size: 10,
                flags: Flags::default(),
                modseq: None,
                in_reply_to: None,
                references: None,
                parts: Vec::new(),
                has_attachments: false,
            },
            raw: format!("Subject: {subject}\r\n\r\nbody {subject}\r\n").into_bytes(),
            text: format!("body {subject}"),
            snippet: String::new(),
        }
    }

    #[test]
    fn uidl_recorded_with_the_message_and_never_twice() {
        let mut s = Store::open_in_memory().unwrap();
        let a = s
            .add_account(&NewAccount {
                name: "p".into(),
                email: "p@x".into(),
                username: "p".into(),
                protocol: Protocol::Pop3,
                imap: Endpoint {
                    host: "pop.x".into(),
                    port: 995,
                    security: Security::Tls,
                },
                pop3: Pop3Options::default(),
                password_command: None,
                ca_file: None,
            })
            .unwrap();
        assert_eq!(s.folders(a).unwrap().len(), 4);
        let inbox = s.folder_by_role(a, FolderRole::Inbox).unwrap().unwrap();
        let id = s
            .store_pop3_message(a, inbox.id, "u1", &msg("one"), 100)
            .unwrap()
            .unwrap();
        assert!(
            s.store_pop3_message(a, inbox.id, "u1", &msg("one"), 100)
                .unwrap()
                .is_none()
        );
        s.store_pop3_message(a, inbox.id, "u2", &msg("two"), 100)
            .unwrap()
            .unwrap();
        assert_eq!(s.count_cached(inbox.id).unwrap(), 2);
        assert_eq!(s.message(id).unwrap().uid, Some(Uid(1)));
        assert_eq!(s.cached_part(id, "").unwrap().unwrap(), msg("one").raw);
        assert_eq!(s.search("body two", 10).unwrap().len(), 1);

        // Delete here: to Trash, DELE marked; from Trash: gone, the UIDL stays known.
        s.pop3_local_delete(id, true).unwrap();
        let m = s.message(id).unwrap();
        assert_eq!(m.folder, "Trash");
        let known = s.known_uidls(a).unwrap();
        assert!(known["u1"].dele_pending && known["u1"].message_id == Some(id));
        s.pop3_local_delete(id, true).unwrap();
        assert!(s.message(id).is_err());
        let known = s.known_uidls(a).unwrap();
        assert_eq!(known["u1"].message_id, None);
        assert_eq!(s.pending_dele_count(a).unwrap(), 1);
        s.forget_uidls(a, &["u1".into()]).unwrap();
        assert_eq!(s.known_uidls(a).unwrap().len(), 1);
    }
}
