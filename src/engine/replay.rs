//! Replays the offline queue to the server, in order, idempotently.
//!
//! Each op is sent only against the message it was recorded for: its UID counts only while
//! the folder's UIDVALIDITY is the one recorded with the op (and the UID still exists);
//! otherwise the message is looked up by Message-ID. A message that is gone (expunged or
//! moved on another device) ends the op as `skipped`, never as sent.
use super::{Engine, Result};
use crate::model::{AccountId, Uid};
use crate::protocol::imap::{ImapConn, ImapError};
use crate::store::{Op, OpKind, OwnKind, Store};

/// What one replay did with the queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReplayReport {
    /// Sent to the server.
    pub done: usize,
    /// Refused by the server (its words kept on the op).
    pub failed: usize,
    /// Not sent: the message was already deleted or moved on another device.
    pub skipped: usize,
}

/// The words kept on an op skipped because its message is gone.
pub const SKIPPED_GONE: &str = "skipped: already deleted or moved on another device";

/// How one op ended.
enum Outcome {
    /// Sent: the UID it acted on in the source (None when only the destination was looked
    /// at), and the UID in the destination when the server told it.
    Sent(Option<Uid>, Option<Uid>),
    /// Not sent: its message is no longer on the server where the op expects it.
    Gone,
}

impl Engine {
    /// Replays pending ops. A transient failure stops the replay (the op stays pending and
    /// the error is returned); a refusal marks that op failed with the server's words; an op
    /// whose message is gone is marked skipped.
    pub(super) async fn replay_ops(
        &mut self,
        conn: &mut ImapConn,
        account: AccountId,
    ) -> Result<ReplayReport> {
        // Held to the end: the queue is read and replayed by one process at a time.
        let _lock = super::replay_lock::acquire(self.store.path().as_deref(), account).await?;
        let ops = self.store.pending_ops(account)?;
        let mut rep = ReplayReport::default();
        let mut selected: Option<(String, Option<u32>)> = None;
        for op in ops {
            if (matches!(op.kind, OpKind::Move { .. }) && !conn.caps.r#move)
                || matches!(op.kind, OpKind::Copy { .. })
            {
                self.store.op_started(op.id)?;
            }
            match replay_one(conn, &op, &mut selected).await {
                Ok(Outcome::Sent(source, new_uid)) => {
                    crate::crash_point::here("op-before-done");
                    note_own(&self.store, &op, source, new_uid)?;
                    if let (Some(uid), Some(msg)) = (new_uid, op.message_id) {
                        self.store.set_uid(msg, uid)?;
                    }
                    self.store.op_done(op.id)?;
                    rep.done += 1;
                }
                Ok(Outcome::Gone) => {
                    tracing::info!(op = op.id.0, folder = %op.folder, "{SKIPPED_GONE}");
                    self.store.op_skipped(op.id, SKIPPED_GONE)?;
                    rep.skipped += 1;
                }
                Err(e) if e.is_transient() => {
                    self.store.op_attempted(op.id, &e.to_string())?;
                    return Err(e.into());
                }
                Err(e) => {
                    tracing::warn!(op = op.id.0, "operation refused: {e}");
                    self.store.op_failed(&op, &e.to_string())?;
                    rep.failed += 1;
                    selected = None;
                }
            }
        }
        Ok(rep)
    }
}

/// Finds the op's message in the selected folder (`uidvalidity` is the server's now): its
/// recorded UID when the op's UIDVALIDITY is known and the same and that UID still exists,
/// else by Message-ID. None when it is gone. An op whose UID no longer means anything and
/// that has no Message-ID to look for is refused in words, never sent blindly.
async fn current_uid(
    conn: &mut ImapConn,
    op: &Op,
    uidvalidity: Option<u32>,
) -> std::result::Result<Option<Uid>, ImapError> {
    let same_validity = op.uidvalidity.is_some() && op.uidvalidity == uidvalidity;
    if let Some(uid) = op.uid
        && same_validity
        && !conn.fetch_flags(&uid.0.to_string(), None).await?.is_empty()
    {
        return Ok(Some(uid));
    }
    if let Some(mid) = &op.header_message_id {
        return Ok(conn.search_message_id(mid).await?.first().map(|u| Uid(*u)));
    }
    if op.uid.is_some() && !same_validity {
        return Err(ImapError::No(format!(
            "{} was recreated on the server (UIDVALIDITY {} now, {} when the change was made) \
             and the message has no Message-ID to find it by; nothing was sent",
            op.folder,
            uidvalidity.map_or_else(|| "unknown".into(), |v| v.to_string()),
            op.uidvalidity
                .map_or_else(|| "unknown".into(), |v| v.to_string()),
        )));
    }
    Ok(None)
}

/// Selects `folder` unless it is selected; returns its UIDVALIDITY.
async fn select(
    conn: &mut ImapConn,
    folder: &str,
    selected: &mut Option<(String, Option<u32>)>,
) -> std::result::Result<Option<u32>, ImapError> {
    match selected {
        Some((name, uv)) if *name == folder => Ok(*uv),
        _ => {
            let info = conn.select(folder, None).await?;
            *selected = Some((folder.to_string(), info.uidvalidity));
            Ok(info.uidvalidity)
        }
    }
}

async fn replay_one(
    conn: &mut ImapConn,
    op: &Op,
    selected: &mut Option<(String, Option<u32>)>,
) -> std::result::Result<Outcome, ImapError> {
    if super::folder_replay::is_folder_op(&op.kind) {
        // A renamed or deleted folder may be the selected one: select afresh after it.
        *selected = None;
        super::folder_replay::replay_folder_op(conn, op).await?;
        return Ok(Outcome::Sent(None, None));
    }
    if let OpKind::Move { to } = &op.kind
        && !conn.caps.r#move
        && op.attempts > 0
        && let Some(done) = earlier_copy(conn, op, to, selected).await?
    {
        return Ok(Outcome::Sent(None, Some(done)));
    }
    // A copy tried before (cut off before its answer) may be there already: not twice.
    if let OpKind::Copy { to } = &op.kind
        && op.attempts > 0
        && let Some(mid) = &op.header_message_id
    {
        select(conn, to, selected).await?;
        if !conn.search_message_id(mid).await?.is_empty() {
            return Ok(Outcome::Sent(None, None));
        }
    }
    let uidvalidity = select(conn, &op.folder, selected).await?;
    let Some(uid) = current_uid(conn, op, uidvalidity).await? else {
        // Gone from the source. A move whose message is in its destination already (an
        // earlier try cut off before its answer, or another device did the same) is done.
        if let OpKind::Move { to } = &op.kind
            && let Some(mid) = &op.header_message_id
        {
            select(conn, to, selected).await?;
            if let Some(there) = conn.search_message_id(mid).await?.into_iter().max() {
                return Ok(Outcome::Sent(None, Some(Uid(there))));
            }
        }
        return Ok(Outcome::Gone);
    };
    let new_uid = match &op.kind {
        OpKind::AddFlags { bits } => conn.store_flags(uid, *bits, true).await.map(|_| None),
        OpKind::RemoveFlags { bits } => conn.store_flags(uid, *bits, false).await.map(|_| None),
        OpKind::Move { to } => conn.move_uid(uid, to).await,
        // The copy's UID is not this message's: the next pass lists it in `to`.
        OpKind::Copy { to } => conn.copy_uid(uid, to).await.map(|_| None),
        OpKind::Expunge => conn.expunge_uid(uid).await.map(|_| None),
        OpKind::FolderCreate | OpKind::FolderRename { .. } | OpKind::FolderDelete => Ok(None),
    }?;
    Ok(Outcome::Sent(Some(uid), new_uid))
}

/// Records what a sent op did on the server, so that the next pass does not list its echo
/// as another device's change.
fn note_own(
    store: &Store,
    op: &Op,
    source: Option<Uid>,
    dest: Option<Uid>,
) -> crate::store::Result<()> {
    let mid = op.header_message_id.as_deref();
    let uid = source.or(op.uid);
    match &op.kind {
        OpKind::AddFlags { .. } | OpKind::RemoveFlags { .. } => {
            store.note_own_change(op.account_id, &op.folder, OwnKind::Flags, uid, mid)
        }
        OpKind::Expunge => {
            store.note_own_change(op.account_id, &op.folder, OwnKind::Removed, uid, mid)
        }
        OpKind::Move { to } => {
            store.note_own_change(op.account_id, &op.folder, OwnKind::Removed, uid, mid)?;
            store.note_own_change(op.account_id, to, OwnKind::Arrived, dest, mid)
        }
        OpKind::Copy { to } => {
            store.note_own_change(op.account_id, to, OwnKind::Arrived, dest, mid)
        }
        // Folders are mirrored by name: their echo is no message change.
        OpKind::FolderCreate | OpKind::FolderRename { .. } | OpKind::FolderDelete => Ok(()),
    }
}

/// A move without MOVE is COPY, then \Deleted + UID EXPUNGE. When an earlier try of this op
/// was cut off (its attempt was counted before COPY), the copy may already be in `to`: look
/// for the Message-ID there, and if it is, only finish removing the source. Returns the UID
/// in `to` when the move turned out to be done (or is now).
async fn earlier_copy(
    conn: &mut ImapConn,
    op: &Op,
    to: &str,
    selected: &mut Option<(String, Option<u32>)>,
) -> std::result::Result<Option<Uid>, ImapError> {
    let Some(mid) = &op.header_message_id else {
        return Ok(None);
    };
    select(conn, to, selected).await?;
    let Some(copy) = conn.search_message_id(mid).await?.into_iter().max() else {
        return Ok(None);
    };
    let uidvalidity = select(conn, &op.folder, selected).await?;
    match current_uid(conn, op, uidvalidity).await {
        Ok(Some(source)) => conn.expunge_uid(source).await?,
        // The source copy went too (or cannot be told apart): the move was complete.
        Ok(None) | Err(ImapError::No(_)) => {}
        Err(e) => return Err(e),
    }
    tracing::info!(op = op.id.0, "move found already copied; not copied again");
    Ok(Some(Uid(copy)))
}

impl Engine {
    /// Connects and replays the queue only (after a local change).
    pub async fn replay_now(&mut self, account: &crate::model::Account) -> Result<ReplayReport> {
        if account.protocol == crate::model::Protocol::Pop3 {
            // Flags and moves of a POP3 account are local only.
            return Ok(ReplayReport {
                done: self.store.settle_local_ops(account.id)?,
                ..Default::default()
            });
        }
        let mut conn = Self::connect(account).await?;
        let r = self.replay_ops(&mut conn, account.id).await;
        let _ = conn.logout().await;
        r
    }
}
