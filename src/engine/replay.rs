//! Replays the offline queue to the server, in order, idempotently.
use super::{Engine, Result};
use crate::model::{AccountId, Uid};
use crate::protocol::imap::{ImapConn, ImapError};
use crate::store::{Op, OpKind};

impl Engine {
    /// Replays pending ops. A transient failure stops the replay (the op stays pending and
    /// the error is returned); a refusal marks that op failed with the server's words.
    /// Returns (done, failed).
    pub(super) async fn replay_ops(
        &mut self,
        conn: &mut ImapConn,
        account: AccountId,
    ) -> Result<(usize, usize)> {
        // Held to the end: the queue is read and replayed by one process at a time.
        let _lock = super::replay_lock::acquire(self.store.path().as_deref(), account).await?;
        let ops = self.store.pending_ops(account)?;
        let (mut done, mut failed) = (0, 0);
        let mut selected: Option<(String, Option<u32>)> = None;
        for op in ops {
            if matches!(op.kind, OpKind::Move { .. }) && !conn.caps.r#move {
                self.store.op_started(op.id)?;
            }
            match replay_one(conn, &op, &mut selected).await {
                Ok(new_uid) => {
                    crate::crash_point::here("op-before-done");
                    if let (Some(uid), Some(msg)) = (new_uid, op.message_id) {
                        self.store.set_uid(msg, uid)?;
                    }
                    self.store.op_done(op.id)?;
                    done += 1;
                }
                Err(e) if e.is_transient() => {
                    self.store.op_attempted(op.id, &e.to_string())?;
                    return Err(e.into());
                }
                Err(e) => {
                    tracing::warn!(op = op.id.0, "operation refused: {e}");
                    self.store.op_failed(&op, &e.to_string())?;
                    failed += 1;
                    selected = None;
                }
            }
        }
        Ok((done, failed))
    }
}

/// Resolves the op's UID on the server now: the recorded one if UIDVALIDITY still matches,
/// else by Message-ID.
async fn current_uid(
    conn: &mut ImapConn,
    op: &Op,
    uidvalidity: Option<u32>,
) -> std::result::Result<Uid, ImapError> {
    if let Some(uid) = op.uid
        && (op.uidvalidity.is_none() || op.uidvalidity == uidvalidity)
    {
        return Ok(uid);
    }
    if let Some(mid) = &op.header_message_id
        && let Some(u) = conn.search_message_id(mid).await?.first()
    {
        return Ok(Uid(*u));
    }
    Err(ImapError::No(format!(
        "the message is no longer in {} on the server",
        op.folder
    )))
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
) -> std::result::Result<Option<Uid>, ImapError> {
    if let OpKind::Move { to } = &op.kind
        && !conn.caps.r#move
        && op.attempts > 0
        && let Some(done) = earlier_copy(conn, op, to, selected).await?
    {
        return Ok(Some(done));
    }
    let uidvalidity = select(conn, &op.folder, selected).await?;
    let uid = current_uid(conn, op, uidvalidity).await?;
    match &op.kind {
        OpKind::AddFlags { bits } => conn.store_flags(uid, *bits, true).await.map(|_| None),
        OpKind::RemoveFlags { bits } => conn.store_flags(uid, *bits, false).await.map(|_| None),
        OpKind::Move { to } => conn.move_uid(uid, to).await,
        OpKind::Expunge => conn.expunge_uid(uid).await.map(|_| None),
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
        Ok(source) => conn.expunge_uid(source).await?,
        Err(ImapError::No(_)) => {} // the source copy went too: the move was complete
        Err(e) => return Err(e),
    }
    tracing::info!(op = op.id.0, "move found already copied; not copied again");
    Ok(Some(Uid(copy)))
}

impl Engine {
    /// Connects and replays the queue only (after a local change).
    pub async fn replay_now(&mut self, account: &crate::model::Account) -> Result<(usize, usize)> {
        if account.protocol == crate::model::Protocol::Pop3 {
            // Flags and moves of a POP3 account are local only.
            return Ok((self.store.settle_local_ops(account.id)?, 0));
        }
        let mut conn = Self::connect(account).await?;
        let r = self.replay_ops(&mut conn, account.id).await;
        let _ = conn.logout().await;
        r
    }
}
