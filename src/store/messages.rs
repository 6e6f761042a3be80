//! Messages table: cached headers, flags and structure of server messages.
//!
//! A row with `uid IS NULL` is a placeholder: a message moved here locally (or kept across a
//! UIDVALIDITY change) whose server UID is not known yet. The next pass over the folder adopts
//! it by Message-ID instead of inserting a duplicate.
use super::{Result, Store, StoreError};
use crate::model::{AccountId, Flags, FolderId, HeaderInfo, MessageId, PartInfo, Uid};
use rusqlite::{OptionalExtension, Row, params};

/// One cached message as the CLI and UI read it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MessageRow {
    pub id: MessageId,
    pub account_id: AccountId,
    pub folder_id: FolderId,
    pub folder: String,
    pub uid: Option<Uid>,
    pub message_id: Option<String>,
    pub subject: String,
    pub from: String,
    pub to: String,
    pub cc: String,
    pub date: i64,
    pub size: u64,
    pub flags: Flags,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub parts: Vec<PartInfo>,
    pub has_attachments: bool,
    pub snippet: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    NewestFirst,
    OldestFirst,
}

pub(super) const ROW_COLS: &str = "m.id, f.account_id, m.folder_id, f.name, m.uid, m.message_id, \
     m.subject, m.sender, m.recipients, m.cc, m.date, m.size, m.flags, m.in_reply_to, m.refs, \
     m.parts, m.has_attachments, m.snippet";

pub(super) fn row_to_message(r: &Row<'_>) -> rusqlite::Result<MessageRow> {
    let parts: String = r.get(15)?;
    Ok(MessageRow {
        id: MessageId(r.get(0)?),
        account_id: AccountId(r.get(1)?),
        folder_id: FolderId(r.get(2)?),
        folder: r.get(3)?,
        uid: r.get::<_, Option<u32>>(4)?.map(Uid),
        message_id: r.get(5)?,
        subject: r.get(6)?,
        from: r.get(7)?,
        to: r.get(8)?,
        cc: r.get(9)?,
        date: r.get(10)?,
        size: r.get::<_, i64>(11)? as u64,
        flags: Flags::from_bits(r.get(12)?),
        in_reply_to: r.get(13)?,
        references: r.get(14)?,
        parts: serde_json::from_str(&parts).unwrap_or_default(),
        has_attachments: r.get(16)?,
        snippet: r.get(17)?,
    })
}

impl Store {
    /// Stores a batch of server headers in one transaction. Rows already cached under the
    /// same UID get the new flags; placeholders with the same Message-ID are adopted.
    /// Returns how many messages were new to the cache.
    pub fn store_headers(&mut self, folder: FolderId, batch: &[HeaderInfo]) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (new, _) = insert_headers(&tx, folder, batch.iter())?;
        tx.commit()?;
        Ok(new)
    }

    /// Stores whole messages as one FETCH brought them (headers read from the message
    /// itself) in one transaction: their rows as [`Store::store_headers`] does, and each
    /// message's bytes, so it reads offline at once. Returns how many were new.
    pub fn store_whole_messages(
        &mut self,
        folder: FolderId,
        batch: &[(HeaderInfo, Vec<u8>)],
    ) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (new, ids) = insert_headers(&tx, folder, batch.iter().map(|(h, _)| h))?;
        {
            let mut put = tx.prepare_cached(
                "INSERT OR REPLACE INTO parts (message_id, section, data, fetched)
                 VALUES (?1, '', ?2, ?3)",
            )?;
            let at = super::now();
            for (id, (_, raw)) in ids.iter().zip(batch) {
                put.execute(params![id, raw, at])?;
            }
        }
        tx.commit()?;
        Ok(new)
    }
}

/// The rows of a batch of server headers (see [`Store::store_headers`]), inside the
/// caller's transaction. Returns how many were new and the row id of each header, in
/// batch order.
fn insert_headers<'a>(
    tx: &rusqlite::Transaction<'_>,
    folder: FolderId,
    batch: impl Iterator<Item = &'a HeaderInfo>,
) -> Result<(usize, Vec<i64>)> {
    let placeholders: bool = tx.query_row(
        // The partial index of placeholders, named: left to itself the planner walks the
        // folder's date index instead (all of the folder, ~7 ms a batch at 100k).
        "SELECT EXISTS (SELECT 1 FROM messages INDEXED BY messages_placeholders
                        WHERE folder_id = ?1 AND uid IS NULL)",
        [folder.0],
        |r| r.get(0),
    )?;
    let mut new = 0;
    let mut ids = Vec::new();
    // The conversation goes in with the row, so no row is written twice: the one it joins,
    // or its own, whose id is the id the row is about to get (AUTOINCREMENT: one past the
    // largest ever used; each guess is checked against the id the row got).
    let mut next_id: i64 = tx.query_row(
        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0),
                    coalesce((SELECT max(id) FROM messages), 0)) + 1",
        [],
        |r| r.get(0),
    )?;
    {
        let mut adopt = tx.prepare_cached(
            "UPDATE messages SET uid = ?3, flags = ?4, modseq = ?5
                 WHERE id = (SELECT id FROM messages
                             WHERE folder_id = ?1 AND uid IS NULL AND message_id = ?2 LIMIT 1)
                 RETURNING id",
        )?;
        let mut ins = tx.prepare_cached(
            "INSERT INTO messages (folder_id, uid, message_id, subject, sender, recipients, cc,
                    date, internal_date, size, flags, modseq, in_reply_to, refs, parts,
                    has_attachments, thread_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17)
                 ON CONFLICT (folder_id, uid) WHERE uid IS NOT NULL DO NOTHING",
        )?;
        // Only for a UID cached meanwhile (another pass got there first): the upsert's
        // update half. Kept apart because `RETURNING` on the insert itself costs ~20 µs a
        // row (SQLite runs such a statement to completion into a temporary table first),
        // which was two thirds of a 100k first sync's writer time.
        let mut refresh = tx.prepare_cached(
            "UPDATE messages SET flags = ?3, modseq = ?4 WHERE folder_id = ?1 AND uid = ?2
                 RETURNING id, thread_id IS NULL",
        )?;
        for h in batch {
            let modseq = h.modseq.map(|m| m as i64);
            if placeholders
                && let Some(mid) = &h.message_id
                && let Some(id) = adopt
                    .query_row(
                        params![folder.0, mid, h.uid.0, h.flags.to_bits(), modseq],
                        |r| r.get::<_, i64>(0),
                    )
                    .optional()?
            {
                ids.push(id);
                continue;
            }
            let parts =
                serde_json::to_string(&h.parts).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let links = super::threads::links(
                tx,
                h.message_id.as_deref(),
                h.in_reply_to.as_deref(),
                h.references.as_deref(),
            )?;
            let joins = links.thread();
            let inserted = ins.execute(params![
                folder.0,
                h.uid.0,
                h.message_id,
                h.subject,
                h.from,
                h.to,
                h.cc,
                h.date,
                h.internal_date,
                h.size as i64,
                h.flags.to_bits(),
                modseq,
                h.in_reply_to,
                h.references,
                parts,
                h.has_attachments,
                joins.unwrap_or(next_id),
            ])?;
            let (id, unthreaded): (i64, bool) = if inserted == 1 {
                (tx.last_insert_rowid(), false)
            } else {
                refresh.query_row(params![folder.0, h.uid.0, h.flags.to_bits(), modseq], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?
            };
            new += inserted;
            ids.push(id);
            if id >= next_id {
                // Inserted. Its own conversation is its id: right unless the guess was off.
                if joins.is_none() && id != next_id {
                    tx.prepare_cached("UPDATE messages SET thread_id = ?1 WHERE id = ?1")?
                        .execute([id])?;
                }
                next_id = id + 1;
                super::threads::link(tx, joins.unwrap_or(id), &links)?;
            } else if unthreaded {
                // Already cached (same UID) from before conversations were kept.
                super::threads::thread_message(
                    tx,
                    id,
                    h.message_id.as_deref(),
                    h.in_reply_to.as_deref(),
                    h.references.as_deref(),
                )?;
            }
        }
    }
    Ok((new, ids))
}

impl Store {
    /// UIDs and flag bits of every cached message of the folder with a known UID.
    pub fn cached_uid_flags(&self, folder: FolderId) -> Result<Vec<(Uid, i64)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT uid, flags FROM messages WHERE folder_id = ?1 AND uid IS NOT NULL ORDER BY uid",
        )?;
        let rows = st.query_map([folder.0], |r| Ok((Uid(r.get(0)?), r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sets server flags for cached UIDs; returns the (message id, uid, new flags) that changed.
    pub fn apply_server_flags(
        &mut self,
        folder: FolderId,
        updates: &[(Uid, Flags, Option<u64>)],
    ) -> Result<Vec<(MessageId, Uid, Flags, Flags)>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut changed = Vec::new();
        {
            let mut get = tx.prepare_cached(
                "SELECT id, flags FROM messages WHERE folder_id = ?1 AND uid = ?2",
            )?;
            let mut set = tx.prepare_cached(
                "UPDATE messages SET flags = ?2, modseq = coalesce(?3, modseq) WHERE id = ?1",
            )?;
            for (uid, flags, modseq) in updates {
                let found: Option<(i64, i64)> = get
                    .query_row(params![folder.0, uid.0], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                if let Some((id, old)) = found
                    && old != flags.to_bits()
                {
                    set.execute(params![id, flags.to_bits(), modseq.map(|m| m as i64)])?;
                    changed.push((MessageId(id), *uid, Flags::from_bits(old), flags.clone()));
                }
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Drops cached messages whose UIDs vanished from the server; returns how many.
    pub fn remove_uids(&mut self, folder: FolderId, uids: &[Uid]) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut n = 0;
        {
            let mut del =
                tx.prepare_cached("DELETE FROM messages WHERE folder_id = ?1 AND uid = ?2")?;
            for uid in uids {
                n += del.execute(params![folder.0, uid.0])?;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// UIDVALIDITY changed: every cached UID of the folder is void. Rows become
    /// placeholders (kept with their cached bodies) until re-matched by Message-ID.
    pub fn forget_uids(&mut self, folder: FolderId, new_uidvalidity: Option<u32>) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE messages SET uid = NULL, modseq = NULL WHERE folder_id = ?1",
            [folder.0],
        )?;
        tx.execute(
            "UPDATE folders SET uidvalidity = ?2, uidnext = NULL, highest_modseq = NULL
             WHERE id = ?1",
            params![folder.0, new_uidvalidity],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// After a complete pass: placeholders nobody claimed and no pending op protects are gone
    /// from the server too.
    pub fn drop_unclaimed_placeholders(&self, folder: FolderId) -> Result<usize> {
        Ok(self.conn.execute(
            "DELETE FROM messages INDEXED BY messages_placeholders
             WHERE folder_id = ?1 AND uid IS NULL
             AND id NOT IN (SELECT message_id FROM ops WHERE state = 'pending'
                            AND message_id IS NOT NULL)",
            [folder.0],
        )?)
    }

    pub fn max_cached_uid(&self, folder: FolderId) -> Result<Option<Uid>> {
        Ok(self
            .conn
            .query_row(
                "SELECT max(uid) FROM messages WHERE folder_id = ?1",
                [folder.0],
                |r| r.get::<_, Option<u32>>(0),
            )?
            .map(Uid))
    }

    pub fn count_cached(&self, folder: FolderId) -> Result<u32> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM messages WHERE folder_id = ?1 AND uid IS NOT NULL",
            [folder.0],
            |r| r.get(0),
        )?)
    }

    pub fn count_unread(&self, folder: FolderId) -> Result<u32> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM messages WHERE folder_id = ?1 AND (flags & 1) = 0",
            [folder.0],
            |r| r.get(0),
        )?)
    }

    /// A window over a folder, newest first: what the list shows.
    pub fn list_messages(
        &self,
        folder: FolderId,
        unread_only: bool,
        order: SortOrder,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<MessageRow>> {
        let dir = match order {
            SortOrder::NewestFirst => "DESC",
            SortOrder::OldestFirst => "ASC",
        };
        let unread = if unread_only {
            "AND (m.flags & 1) = 0"
        } else {
            ""
        };
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ROW_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE m.folder_id = ?1 {unread}
             ORDER BY m.date {dir}, m.uid {dir}, m.id {dir} LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = st.query_map(params![folder.0, limit, offset], row_to_message)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn message(&self, id: MessageId) -> Result<MessageRow> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {ROW_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id
                     WHERE m.id = ?1"
                ),
                [id.0],
                row_to_message,
            )
            .optional()?
            .ok_or(StoreError::NoMessage(id.0))
    }

    pub fn message_by_uid(&self, folder: FolderId, uid: Uid) -> Result<Option<MessageRow>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {ROW_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id
                     WHERE m.folder_id = ?1 AND m.uid = ?2"
                ),
                params![folder.0, uid.0],
                row_to_message,
            )
            .optional()?)
    }

    /// Sets the server UID learned for a placeholder (e.g. from COPYUID). When the folder
    /// already has a row with that UID (a pass fetched it first), that row is the message
    /// and the placeholder goes.
    pub fn set_uid(&mut self, id: MessageId, uid: Uid) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let set = tx.execute(
            "UPDATE messages SET uid = ?2 WHERE id = ?1
             AND NOT EXISTS (SELECT 1 FROM messages x
                             WHERE x.folder_id = messages.folder_id AND x.uid = ?2)",
            params![id.0, uid.0],
        )?;
        if set == 0 {
            tx.execute("DELETE FROM messages WHERE id = ?1 AND uid IS NULL", [id.0])?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn delete_message_row(&self, id: MessageId) -> Result<()> {
        self.conn
            .execute("DELETE FROM messages WHERE id = ?1", [id.0])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Flags, Uid};
    use crate::store::speed::{header, inbox_and_sent};

    #[test]
    fn headers_stored_again_update_flags_and_count_as_not_new() {
        let (mut s, inbox, _) = inbox_and_sent();
        let first: Vec<_> = (1..=5).map(header).collect();
        assert_eq!(s.store_headers(inbox, &first).unwrap(), 5);
        let before = s.message_by_uid(inbox, Uid(3)).unwrap().unwrap();
        // The same UIDs again (a pass that raced another), now read and flagged, plus one
        // new message.
        let mut again: Vec<_> = (1..=6).map(header).collect();
        for h in &mut again {
            h.flags = Flags {
                seen: true,
                flagged: true,
                ..Flags::default()
            };
            h.modseq = Some(7);
        }
        assert_eq!(s.store_headers(inbox, &again).unwrap(), 1);
        assert_eq!(s.count_cached(inbox).unwrap(), 6);
        let after = s.message_by_uid(inbox, Uid(3)).unwrap().unwrap();
        assert_eq!(after.id, before.id, "the cached row is kept, not replaced");
        assert!(after.flags.seen && after.flags.flagged);
        assert_eq!(s.thread_of(after.id).unwrap().len(), 1);
        let six = s.message_by_uid(inbox, Uid(6)).unwrap().unwrap();
        assert!(six.flags.seen);
    }
}
