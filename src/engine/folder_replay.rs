//! Replays a queued folder change (create, rename, delete) to the server, idempotently: a
//! refusal is checked against the server's LIST, so a change another device (or an earlier
//! try cut off before its answer) already made counts as done instead of failing.
use crate::protocol::imap::{ImapConn, ImapError};
use crate::store::{Op, OpKind};

/// Sends `op` (a folder op). `Ok` when the server has the change now.
pub(super) async fn replay_folder_op(conn: &mut ImapConn, op: &Op) -> Result<(), ImapError> {
    let sent = match &op.kind {
        OpKind::FolderCreate => conn.create_folder(&op.folder).await,
        OpKind::FolderRename { to } => conn.rename_folder(&op.folder, to).await,
        OpKind::FolderDelete => conn.delete_folder(&op.folder).await,
        _ => return Ok(()),
    };
    let refusal = match sent {
        Ok(()) => return Ok(()),
        Err(e @ (ImapError::No(_) | ImapError::Bad(_))) => e,
        Err(e) => return Err(e),
    };
    let names: Vec<String> = conn
        .list_folders()
        .await?
        .into_iter()
        .map(|f| f.name)
        .collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    let already = match &op.kind {
        OpKind::FolderCreate => has(&op.folder),
        OpKind::FolderRename { to } => has(to) && !has(&op.folder),
        _ => !has(&op.folder),
    };
    if already {
        tracing::info!(op = op.id.0, folder = %op.folder, "folder change already on the server");
        Ok(())
    } else {
        Err(refusal)
    }
}

/// Whether `kind` is a folder change (it has no message).
pub(super) fn is_folder_op(kind: &OpKind) -> bool {
    matches!(
        kind,
        OpKind::FolderCreate | OpKind::FolderRename { .. } | OpKind::FolderDelete
    )
}
