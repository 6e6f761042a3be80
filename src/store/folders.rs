//! Folders table: the server's folders and their last known sync state.
use super::{Result, Store, StoreError, now};
use crate::model::{AccountId, Folder, FolderId, FolderRole};
use rusqlite::{OptionalExtension, Row, params};

const COLS: &str = "id, account_id, name, delimiter, role, uidvalidity, uidnext, \
                    highest_modseq, server_total, server_unread, last_sync";

fn row_to_folder(r: &Row<'_>) -> rusqlite::Result<Folder> {
    let role: Option<String> = r.get(4)?;
    Ok(Folder {
        id: FolderId(r.get(0)?),
        account_id: AccountId(r.get(1)?),
        name: r.get(2)?,
        delimiter: r.get(3)?,
        role: role.as_deref().and_then(FolderRole::parse),
        uidvalidity: r.get(5)?,
        uidnext: r.get(6)?,
        highest_modseq: r.get::<_, Option<i64>>(7)?.map(|v| v as u64),
        server_total: r.get(8)?,
        server_unread: r.get(9)?,
        last_sync: r.get(10)?,
    })
}

/// Per-folder counts for `status` and the sync view.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FolderStats {
    pub cached_total: i64,
    pub cached_unread: i64,
    pub cached_bodies: i64,
    pub cached_bytes: i64,
}

/// Server state recorded after a complete pass over a folder.
#[derive(Debug, Clone, Copy, Default)]
pub struct SyncState {
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    pub highest_modseq: Option<u64>,
    pub server_total: Option<u32>,
    pub server_unread: Option<u32>,
}

impl Store {
    /// Inserts the folder or updates its delimiter and role; returns its id.
    pub fn upsert_folder(
        &self,
        account: AccountId,
        name: &str,
        delimiter: Option<&str>,
        role: Option<FolderRole>,
    ) -> Result<FolderId> {
        self.conn.execute(
            "INSERT INTO folders (account_id, name, delimiter, role) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account_id, name) DO UPDATE SET delimiter = ?3, role = ?4",
            params![account.0, name, delimiter, role.map(FolderRole::as_str)],
        )?;
        Ok(FolderId(self.conn.query_row(
            "SELECT id FROM folders WHERE account_id = ?1 AND name = ?2",
            params![account.0, name],
            |r| r.get(0),
        )?))
    }

    pub fn folders(&self, account: AccountId) -> Result<Vec<Folder>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {COLS} FROM folders WHERE account_id = ?1
             ORDER BY CASE role WHEN 'inbox' THEN 0 ELSE 1 END, name"
        ))?;
        let rows = st.query_map([account.0], row_to_folder)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn folder(&self, id: FolderId) -> Result<Folder> {
        self.conn
            .query_row(
                &format!("SELECT {COLS} FROM folders WHERE id = ?1"),
                [id.0],
                row_to_folder,
            )
            .optional()?
            .ok_or_else(|| StoreError::NoFolder(id.0.to_string()))
    }

    /// Finds a folder by server name, or by a role name such as "trash" / "Sent".
    pub fn find_folder(&self, account: AccountId, name: &str) -> Result<Folder> {
        let by_name = self
            .conn
            .query_row(
                &format!("SELECT {COLS} FROM folders WHERE account_id = ?1 AND name = ?2"),
                params![account.0, name],
                row_to_folder,
            )
            .optional()?;
        if let Some(f) = by_name {
            return Ok(f);
        }
        if let Some(role) = FolderRole::parse(&name.to_ascii_lowercase())
            && let Some(f) = self.folder_by_role(account, role)?
        {
            return Ok(f);
        }
        // Case-insensitive match on the last path element ("Sent" for "INBOX.Sent").
        let all = self.folders(account)?;
        let want = name.to_lowercase();
        all.into_iter()
            .find(|f| {
                let leaf = match f.delimiter.as_deref() {
                    Some(d) if !d.is_empty() => f.name.rsplit(d).next().unwrap_or(&f.name),
                    _ => &f.name,
                };
                leaf.to_lowercase() == want || f.name.to_lowercase() == want
            })
            .ok_or_else(|| StoreError::NoFolder(name.to_string()))
    }

    pub fn folder_by_role(&self, account: AccountId, role: FolderRole) -> Result<Option<Folder>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLS} FROM folders WHERE account_id = ?1 AND role = ?2"),
                params![account.0, role.as_str()],
                row_to_folder,
            )
            .optional()?)
    }

    /// Removes a folder that no longer exists on the server (its messages go with it).
    pub fn remove_folder(&self, id: FolderId) -> Result<()> {
        self.conn
            .execute("DELETE FROM folders WHERE id = ?1", [id.0])?;
        Ok(())
    }

    /// Records a complete pass: the server state every cached row now agrees with.
    pub fn set_sync_state(&self, id: FolderId, s: &SyncState) -> Result<()> {
        self.conn.execute(
            "UPDATE folders SET uidvalidity = ?2, uidnext = ?3, highest_modseq = ?4,
                server_total = ?5, server_unread = ?6, last_sync = ?7, last_error = NULL
             WHERE id = ?1",
            params![
                id.0,
                s.uidvalidity,
                s.uidnext,
                s.highest_modseq.map(|v| v as i64),
                s.server_total,
                s.server_unread,
                now()
            ],
        )?;
        Ok(())
    }

    /// Records the folder's UIDVALIDITY at its first SELECT (before any row is cached), so
    /// rows and queued ops of an interrupted first pass know which UID space they are in.
    pub fn set_uidvalidity(&self, id: FolderId, uidvalidity: Option<u32>) -> Result<()> {
        self.conn.execute(
            "UPDATE folders SET uidvalidity = ?2 WHERE id = ?1 AND uidvalidity IS NULL",
            params![id.0, uidvalidity],
        )?;
        Ok(())
    }

    /// Records the server's message count before a full pass completes, so a first sync can
    /// show progress ("1,200 / 100,000"). Harmless to planning: without UIDNEXT (set only by a
    /// complete pass) the next pass is a full one anyway.
    pub fn set_server_total(&self, id: FolderId, total: u32) -> Result<()> {
        self.conn.execute(
            "UPDATE folders SET server_total = ?2 WHERE id = ?1 AND uidnext IS NULL",
            params![id.0, total],
        )?;
        Ok(())
    }

    pub fn set_folder_error(&self, id: FolderId, err: Option<&str>) -> Result<()> {
        self.conn.execute(
            "UPDATE folders SET last_error = ?2 WHERE id = ?1",
            params![id.0, err],
        )?;
        Ok(())
    }

    pub fn folder_error(&self, id: FolderId) -> Result<Option<String>> {
        Ok(self.conn.query_row(
            "SELECT last_error FROM folders WHERE id = ?1",
            [id.0],
            |r| r.get(0),
        )?)
    }

    pub fn folder_stats(&self, id: FolderId) -> Result<FolderStats> {
        let (total, unread): (i64, i64) = self.conn.query_row(
            "SELECT count(*), coalesce(sum((flags & 1) = 0), 0) FROM messages WHERE folder_id = ?1",
            [id.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (bodies, bytes): (i64, i64) = self.conn.query_row(
            "SELECT count(DISTINCT p.message_id), coalesce(sum(length(p.data)), 0)
             FROM parts p JOIN messages m ON m.id = p.message_id WHERE m.folder_id = ?1",
            [id.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(FolderStats {
            cached_total: total,
            cached_unread: unread,
            cached_bodies: bodies,
            cached_bytes: bytes,
        })
    }
}
