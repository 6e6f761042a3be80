//! The offline operation queue. A local change and its pending op are written in one
//! transaction; the engine replays ops in order and ends each as done or failed.
use super::{Result, Store, StoreError, now};
use crate::model::{AccountId, Flags, FolderId, MessageId, OpId, Uid};
use rusqlite::{OptionalExtension, Row, params};

/// How long `status` and the sync view keep showing a skipped op (seconds).
const SKIPPED_SHOWN_SECS: i64 = 7 * 24 * 3600;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpKind {
    /// Add the flag bits (see `Flags::to_bits`).
    AddFlags {
        bits: i64,
    },
    RemoveFlags {
        bits: i64,
    },
    /// Move to the named server folder.
    Move {
        to: String,
    },
    /// Copy to the named server folder (the message stays where it is).
    Copy {
        to: String,
    },
    /// Remove permanently (\Deleted + UID EXPUNGE of this UID only).
    Expunge,
    /// Create the folder named by the op's `folder`.
    FolderCreate,
    /// Rename the op's `folder` to `to`.
    FolderRename {
        to: String,
    },
    /// Delete the op's `folder` (and the messages in it).
    FolderDelete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OpState {
    Pending,
    Done,
    Failed,
    /// Never sent: its message was already deleted or moved on another device.
    Skipped,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Op {
    pub id: OpId,
    pub account_id: AccountId,
    pub message_id: Option<MessageId>,
    #[serde(flatten)]
    pub kind: OpKind,
    /// Source folder (server name) and UID at the time of the change.
    pub folder: String,
    pub uid: Option<Uid>,
    pub uidvalidity: Option<u32>,
    pub header_message_id: Option<String>,
    pub state: OpState,
    pub error: Option<String>,
    pub attempts: i64,
    pub created: i64,
    pub updated: i64,
    /// The message's subject and sender when the change was made (to name it).
    pub subject: Option<String>,
    pub sender: Option<String>,
}

const COLS: &str = "id, account_id, message_id, kind, folder, uid, uidvalidity, target, \
                    header_message_id, state, error, attempts, created, updated, subject, sender";

fn row_to_op(r: &Row<'_>) -> rusqlite::Result<Op> {
    let kind: String = r.get(3)?;
    let target: Option<String> = r.get(7)?;
    let bits = target.as_deref().and_then(|t| t.parse().ok()).unwrap_or(0);
    let kind = match kind.as_str() {
        "add_flags" => OpKind::AddFlags { bits },
        "remove_flags" => OpKind::RemoveFlags { bits },
        "move" => OpKind::Move {
            to: target.unwrap_or_default(),
        },
        "copy" => OpKind::Copy {
            to: target.unwrap_or_default(),
        },
        "folder_create" => OpKind::FolderCreate,
        "folder_rename" => OpKind::FolderRename {
            to: target.unwrap_or_default(),
        },
        "folder_delete" => OpKind::FolderDelete,
        _ => OpKind::Expunge,
    };
    let state: String = r.get(9)?;
    Ok(Op {
        id: OpId(r.get(0)?),
        account_id: AccountId(r.get(1)?),
        message_id: r.get::<_, Option<i64>>(2)?.map(MessageId),
        kind,
        folder: r.get(4)?,
        uid: r.get::<_, Option<u32>>(5)?.map(Uid),
        uidvalidity: r.get(6)?,
        header_message_id: r.get(8)?,
        state: match state.as_str() {
            "done" => OpState::Done,
            "failed" => OpState::Failed,
            "skipped" => OpState::Skipped,
            _ => OpState::Pending,
        },
        error: r.get(10)?,
        attempts: r.get(11)?,
        created: r.get(12)?,
        updated: r.get(13)?,
        subject: r.get(14)?,
        sender: r.get(15)?,
    })
}

/// What a local change needs to know of the message it touches.
struct Target {
    account: i64,
    folder_id: i64,
    folder: String,
    uid: Option<u32>,
    uidvalidity: Option<u32>,
    message_id: Option<String>,
    flags: i64,
    subject: String,
    sender: String,
}

fn target(tx: &rusqlite::Transaction<'_>, msg: MessageId) -> Result<Target> {
    tx.query_row(
        "SELECT f.account_id, f.id, f.name, m.uid, f.uidvalidity, m.message_id, m.flags,
                m.subject, m.sender
         FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.id = ?1",
        [msg.0],
        |r| {
            Ok(Target {
                account: r.get(0)?,
                folder_id: r.get(1)?,
                folder: r.get(2)?,
                uid: r.get(3)?,
                uidvalidity: r.get(4)?,
                message_id: r.get(5)?,
                flags: r.get(6)?,
                subject: r.get(7)?,
                sender: r.get(8)?,
            })
        },
    )
    .optional()?
    .ok_or(StoreError::NoMessage(msg.0))
}

/// The message's target and the server name of `dest`, unless it is in `dest` already.
fn elsewhere(
    tx: &rusqlite::Transaction<'_>,
    msg: MessageId,
    dest: FolderId,
) -> Result<Option<(Target, String)>> {
    let t = target(tx, msg)?;
    if t.folder_id == dest.0 {
        return Ok(None);
    }
    let name: String = tx.query_row("SELECT name FROM folders WHERE id = ?1", [dest.0], |r| {
        r.get(0)
    })?;
    Ok(Some((t, name)))
}

fn record(
    tx: &rusqlite::Transaction<'_>,
    t: &Target,
    msg: MessageId,
    kind: &str,
    target: Option<String>,
) -> Result<OpId> {
    let ts = now();
    tx.execute(
        "INSERT INTO ops (account_id, message_id, kind, folder, uid, uidvalidity, target,
                          header_message_id, state, created, updated, subject, sender)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9, ?9, ?10, ?11)",
        params![
            t.account,
            msg.0,
            kind,
            t.folder,
            t.uid,
            t.uidvalidity,
            target,
            t.message_id,
            ts,
            t.subject,
            t.sender
        ],
    )?;
    Ok(OpId(tx.last_insert_rowid()))
}

impl Store {
    /// Changes flags locally at once and queues the change for the server.
    /// Returns None when nothing changes.
    pub fn local_set_flags(
        &mut self,
        msg: MessageId,
        add: &Flags,
        remove: &Flags,
    ) -> Result<Option<OpId>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let t = target(&tx, msg)?;
        let add_bits = add.to_bits() & !t.flags;
        let remove_bits = remove.to_bits() & t.flags;
        if add_bits == 0 && remove_bits == 0 {
            return Ok(None);
        }
        let new = (t.flags | add_bits) & !remove_bits;
        tx.execute(
            "UPDATE messages SET flags = ?2 WHERE id = ?1",
            params![msg.0, new],
        )?;
        let mut op = None;
        if add_bits != 0 {
            op = Some(record(
                &tx,
                &t,
                msg,
                "add_flags",
                Some(add_bits.to_string()),
            )?);
        }
        if remove_bits != 0 {
            op = Some(record(
                &tx,
                &t,
                msg,
                "remove_flags",
                Some(remove_bits.to_string()),
            )?);
        }
        tx.commit()?;
        Ok(op)
    }

    /// Moves the message locally at once (it becomes a placeholder in `dest` until the
    /// server tells its new UID) and queues the move.
    pub fn local_move(&mut self, msg: MessageId, dest: FolderId) -> Result<Option<OpId>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let Some((t, dest_name)) = elsewhere(&tx, msg, dest)? else {
            return Ok(None);
        };
        tx.execute(
            "UPDATE messages SET folder_id = ?2, uid = NULL, modseq = NULL WHERE id = ?1",
            params![msg.0, dest.0],
        )?;
        let op = record(&tx, &t, msg, "move", Some(dest_name))?;
        tx.commit()?;
        Ok(Some(op))
    }

    /// Queues a copy of the message into `dest` (the copy is listed there after the server
    /// made it, at the next pass over that folder).
    pub fn local_copy(&mut self, msg: MessageId, dest: FolderId) -> Result<Option<OpId>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let Some((t, dest_name)) = elsewhere(&tx, msg, dest)? else {
            return Ok(None);
        };
        let op = record(&tx, &t, msg, "copy", Some(dest_name))?;
        // The next pass looks at the destination afresh.
        tx.execute("UPDATE folders SET uidnext = NULL WHERE id = ?1", [dest.0])?;
        tx.commit()?;
        Ok(Some(op))
    }

    /// Removes the message locally at once and queues its permanent removal.
    pub fn local_expunge(&mut self, msg: MessageId) -> Result<OpId> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let t = target(&tx, msg)?;
        let op = record(&tx, &t, msg, "expunge", None)?;
        tx.execute("DELETE FROM messages WHERE id = ?1", [msg.0])?;
        tx.execute(
            "UPDATE ops SET message_id = NULL WHERE message_id = ?1",
            [msg.0],
        )?;
        tx.commit()?;
        Ok(op)
    }

    pub fn pending_ops(&self, account: AccountId) -> Result<Vec<Op>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM ops WHERE account_id = ?1 AND state = 'pending' ORDER BY id"
        ))?;
        let rows = st.query_map([account.0], row_to_op)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Pending, failed and skipped ops of every account (for `status` and the sync view);
    /// a skipped op shows for a week after it ended.
    pub fn open_ops(&self) -> Result<Vec<Op>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM ops WHERE state IN ('pending', 'failed')
                OR (state = 'skipped' AND updated > ?1) ORDER BY id"
        ))?;
        let rows = st.query_map([now() - SKIPPED_SHOWN_SECS], row_to_op)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The op was not sent because its message is gone from the server (expunged or moved
    /// by another device): it ends as skipped with `why`. Its placeholder, if any, is left
    /// to the next pass over its folder (adopted by Message-ID there, or dropped).
    pub fn op_skipped(&self, id: OpId, why: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE ops SET state = 'skipped', error = ?2, attempts = attempts + 1, updated = ?3
             WHERE id = ?1",
            params![id.0, why, now()],
        )?;
        Ok(())
    }

    pub fn op_done(&self, id: OpId) -> Result<()> {
        self.conn.execute(
            "UPDATE ops SET state = 'done', error = NULL, attempts = attempts + 1, updated = ?2
             WHERE id = ?1",
            params![id.0, now()],
        )?;
        Ok(())
    }

    /// The server refused the op: keep it as failed with the server's words, and make the
    /// next pass over the source folder a full compare so the cache shows the server's truth.
    pub fn op_failed(&mut self, op: &Op, error: &str) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE ops SET state = 'failed', error = ?2, attempts = attempts + 1, updated = ?3
             WHERE id = ?1",
            params![op.id.0, error, now()],
        )?;
        if let (OpKind::Move { .. }, Some(msg), Some(uid)) = (&op.kind, op.message_id, op.uid) {
            // Put the message back where the server still has it.
            tx.execute(
                "UPDATE messages SET uid = ?2,
                     folder_id = (SELECT id FROM folders WHERE account_id = ?3 AND name = ?4)
                 WHERE id = ?1 AND uid IS NULL
                   AND EXISTS (SELECT 1 FROM folders WHERE account_id = ?3 AND name = ?4)
                   AND NOT EXISTS (SELECT 1 FROM messages x JOIN folders g ON g.id = x.folder_id
                                   WHERE g.account_id = ?3 AND g.name = ?4 AND x.uid = ?2)",
                params![msg.0, uid.0, op.account_id.0, op.folder],
            )?;
        }
        tx.execute(
            "UPDATE folders SET uidnext = NULL, highest_modseq = NULL
             WHERE account_id = ?1 AND name = ?2",
            params![op.account_id.0, op.folder],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A transient failure (offline): the op stays pending.
    /// Counts an attempt before a step that is not idempotent (COPY), so that a process
    /// killed after it leaves a trace the next replay sees (`attempts > 0`).
    pub fn op_started(&self, id: OpId) -> Result<()> {
        self.conn.execute(
            "UPDATE ops SET attempts = attempts + 1, updated = ?2 WHERE id = ?1",
            params![id.0, now()],
        )?;
        Ok(())
    }

    pub fn op_attempted(&self, id: OpId, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE ops SET attempts = attempts + 1, error = ?2, updated = ?3 WHERE id = ?1",
            params![id.0, error, now()],
        )?;
        Ok(())
    }

    /// Puts a failed op back in the queue.
    pub fn retry_op(&self, id: OpId) -> Result<()> {
        self.conn.execute(
            "UPDATE ops SET state = 'pending', updated = ?2 WHERE id = ?1 AND state = 'failed'",
            params![id.0, now()],
        )?;
        Ok(())
    }

    /// Gives up on a failed op (the user said so).
    pub fn discard_op(&self, id: OpId) -> Result<()> {
        self.conn.execute(
            "UPDATE ops SET state = 'done', error = 'discarded', updated = ?2
             WHERE id = ?1 AND state = 'failed'",
            params![id.0, now()],
        )?;
        Ok(())
    }
}
