//! Changing server state: flags, MOVE (or COPY + \Deleted + UID EXPUNGE, or the safe
//! EXPUNGE without UIDPLUS), expunge, append.
use super::{ImapConn, Result, quote, uid_set};
use crate::model::{Flags, Uid};
use async_imap::imap_proto::{MailboxDatum, Response};

fn flag_list(bits: i64) -> String {
    let f = Flags::from_bits(bits);
    let mut v = Vec::new();
    if f.seen {
        v.push("\\Seen");
    }
    if f.flagged {
        v.push("\\Flagged");
    }
    if f.answered {
        v.push("\\Answered");
    }
    if f.draft {
        v.push("\\Draft");
    }
    if f.deleted {
        v.push("\\Deleted");
    }
    if f.forwarded {
        v.push("$Forwarded");
    }
    format!("({})", v.join(" "))
}

impl ImapConn {
    /// Adds (`add = true`) or removes flag bits on one UID of the selected folder.
    pub async fn store_flags(&mut self, uid: Uid, bits: i64, add: bool) -> Result<()> {
        let sign = if add { '+' } else { '-' };
        self.raw(
            &format!("UID STORE {} {sign}FLAGS.SILENT {}", uid.0, flag_list(bits)),
            |_| {},
        )
        .await?;
        Ok(())
    }

    /// Moves one UID of the selected folder to `dest`. Uses MOVE when offered, else
    /// COPY + \Deleted + UID EXPUNGE of exactly this UID (never a bare EXPUNGE).
    /// Returns the UID in `dest` when the server tells it (COPYUID).
    pub async fn move_uid(&mut self, uid: Uid, dest: &str) -> Result<Option<Uid>> {
        if self.caps.r#move {
            let done = self
                .raw(&format!("UID MOVE {} {}", uid.0, quote(dest)), |_| {})
                .await?;
            return Ok(done.copy_uid.map(Uid));
        }
        let done = self
            .raw(&format!("UID COPY {} {}", uid.0, quote(dest)), |_| {})
            .await?;
        crate::crash_point::here("move-after-copy");
        self.expunge_uid(uid).await?;
        Ok(done.copy_uid.map(Uid))
    }

    /// Copies one UID of the selected folder to `dest` (it stays here).
    pub async fn copy_uid(&mut self, uid: Uid, dest: &str) -> Result<Option<Uid>> {
        let done = self
            .raw(&format!("UID COPY {} {}", uid.0, quote(dest)), |_| {})
            .await?;
        Ok(done.copy_uid.map(Uid))
    }

    /// Sets \Deleted on one UID and expunges only that UID: UID EXPUNGE with UIDPLUS;
    /// without it, the safe EXPUNGE of RFC 4315 section 1: the other messages flagged
    /// \Deleted (by someone else) lose the flag, a plain EXPUNGE removes ours, and they get
    /// it back. Only a message flagged \Deleted by another client in that same instant
    /// could go too.
    pub async fn expunge_uid(&mut self, uid: Uid) -> Result<()> {
        let deleted = Flags {
            deleted: true,
            ..Default::default()
        }
        .to_bits();
        if self.caps.uidplus {
            self.store_flags(uid, deleted, true).await?;
            self.raw(&format!("UID EXPUNGE {}", uid.0), |_| {}).await?;
            return Ok(());
        }
        let others: Vec<u32> = self
            .search_uids("UID SEARCH DELETED")
            .await?
            .into_iter()
            .filter(|u| *u != uid.0)
            .collect();
        let set = uid_set(&others);
        if !others.is_empty() {
            self.raw(
                &format!("UID STORE {set} -FLAGS.SILENT {}", flag_list(deleted)),
                |_| {},
            )
            .await?;
        }
        self.store_flags(uid, deleted, true).await?;
        let expunged = self.raw("EXPUNGE", |_| {}).await;
        if !others.is_empty() {
            // Back even when the EXPUNGE failed: theirs must stay as they were.
            self.raw(
                &format!("UID STORE {set} +FLAGS.SILENT {}", flag_list(deleted)),
                |_| {},
            )
            .await?;
        }
        expunged?;
        Ok(())
    }

    async fn search_uids(&mut self, cmd: &str) -> Result<Vec<u32>> {
        let mut out = Vec::new();
        self.raw(cmd, |r| {
            if let Response::MailboxData(MailboxDatum::Search(v)) = r {
                out.extend_from_slice(v);
            }
        })
        .await?;
        Ok(out)
    }

    /// Finds UIDs in the selected folder by Message-ID header.
    pub async fn search_message_id(&mut self, message_id: &str) -> Result<Vec<u32>> {
        self.search_uids(&format!(
            "UID SEARCH HEADER Message-ID {}",
            quote(message_id)
        ))
        .await
    }

    /// Appends a raw message; returns its UID when the server says (APPENDUID, UIDPLUS).
    pub async fn append(&mut self, folder: &str, flags: i64, raw: &[u8]) -> Result<Option<Uid>> {
        let cmd = format!(
            "APPEND {} {} {{{}}}",
            quote(folder),
            flag_list(flags),
            raw.len()
        );
        let id = self.send_literal(&cmd, raw).await?;
        let done = self.finish(&id, |_| {}).await?;
        Ok(done.append_uid.map(Uid))
    }
}
