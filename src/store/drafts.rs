//! Drafts: one row per Message-ID. The engine uploads a new server copy whenever
//! `local_rev` is ahead of `synced_rev`, then removes the old copy (`server_uid`).
use super::{Result, Store, StoreError, now};
use crate::model::{AccountId, DraftId, Uid};
use rusqlite::{OptionalExtension, Row, params};

#[derive(Debug, Clone, serde::Serialize)]
pub struct DraftRow {
    pub id: DraftId,
    pub account_id: AccountId,
    pub message_id: String,
    /// The editable fields (JSON of `mime::compose::Compose`, attachment bytes live in `raw`).
    pub compose: String,
    #[serde(skip)]
    pub raw: Vec<u8>,
    pub local_rev: i64,
    pub synced_rev: i64,
    pub server_uid: Option<Uid>,
    pub server_uidvalidity: Option<u32>,
    /// Sent or discarded: its server copy goes at the next sync, then the row.
    pub deleted: bool,
    /// Something the user should know (e.g. a conflict kept both versions).
    pub note: Option<String>,
    pub created: i64,
    pub updated: i64,
}

impl DraftRow {
    /// True when this version is not on the server yet.
    pub fn dirty(&self) -> bool {
        self.local_rev != self.synced_rev
    }
}

const COLS: &str = "id, account_id, message_id, compose, raw, local_rev, synced_rev, server_uid, \
                    server_uidvalidity, deleted, note, created, updated";

fn row_to_draft(r: &Row<'_>) -> rusqlite::Result<DraftRow> {
    Ok(DraftRow {
        id: DraftId(r.get(0)?),
        account_id: AccountId(r.get(1)?),
        message_id: r.get(2)?,
        compose: r.get(3)?,
        raw: r.get(4)?,
        local_rev: r.get(5)?,
        synced_rev: r.get(6)?,
        server_uid: r.get::<_, Option<u32>>(7)?.map(Uid),
        server_uidvalidity: r.get(8)?,
        deleted: r.get(9)?,
        note: r.get(10)?,
        created: r.get(11)?,
        updated: r.get(12)?,
    })
}

/// A server version of a draft, as learned by the engine.
#[derive(Debug, Clone)]
pub struct ServerDraft {
    pub compose: String,
    pub raw: Vec<u8>,
    pub uid: Uid,
    pub uidvalidity: Option<u32>,
}

impl Store {
    fn draft_id(&self, account: AccountId, message_id: &str) -> Result<DraftId> {
        self.conn
            .query_row(
                "SELECT id FROM drafts WHERE account_id = ?1 AND message_id = ?2",
                params![account.0, message_id],
                |r| Ok(DraftId(r.get(0)?)),
            )
            .map_err(Into::into)
    }

    /// Saves a local edit of the draft with this Message-ID (new or existing): a new local
    /// revision, to be uploaded at the next sync.
    pub fn save_draft(
        &self,
        account: AccountId,
        message_id: &str,
        compose: &str,
        raw: &[u8],
    ) -> Result<DraftId> {
        let ts = now();
        self.conn.execute(
            "INSERT INTO drafts (account_id, message_id, compose, raw, created, updated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT (account_id, message_id) DO UPDATE SET compose = ?3, raw = ?4,
                 local_rev = local_rev + 1, deleted = 0, updated = ?5",
            params![account.0, message_id, compose, raw, ts],
        )?;
        self.draft_id(account, message_id)
    }

    /// The live draft with this Message-ID, if one is kept here.
    pub fn draft_by_message_id(
        &self,
        account: AccountId,
        message_id: &str,
    ) -> Result<Option<DraftRow>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {COLS} FROM drafts
                     WHERE account_id = ?1 AND message_id = ?2 AND deleted = 0"
                ),
                params![account.0, message_id],
                row_to_draft,
            )
            .optional()?)
    }

    /// Keeps a draft found on the server (written on another device, or before this cache)
    /// as a local draft already in sync with that copy, so editing it here replaces the
    /// copy instead of adding one. A draft already kept under the Message-ID stays as it is.
    pub fn adopt_server_draft(
        &self,
        account: AccountId,
        message_id: &str,
        s: &ServerDraft,
    ) -> Result<DraftId> {
        let ts = now();
        self.conn.execute(
            "INSERT INTO drafts (account_id, message_id, compose, raw, local_rev, synced_rev,
                                 server_uid, server_uidvalidity, created, updated)
             VALUES (?1, ?2, ?3, ?4, 1, 1, ?5, ?6, ?7, ?7)
             ON CONFLICT (account_id, message_id) DO NOTHING",
            params![
                account.0,
                message_id,
                s.compose,
                s.raw,
                s.uid.0,
                s.uidvalidity,
                ts
            ],
        )?;
        self.draft_id(account, message_id)
    }

    /// Live drafts (not deleted), newest edit first.
    pub fn drafts(&self, account: Option<AccountId>) -> Result<Vec<DraftRow>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {COLS} FROM drafts WHERE deleted = 0 AND (?1 IS NULL OR account_id = ?1)
             ORDER BY updated DESC, id DESC"
        ))?;
        let rows = st.query_map([account.map(|a| a.0)], row_to_draft)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every row of the account the draft sync must look at (deleted ones included).
    pub fn drafts_to_sync(&self, account: AccountId) -> Result<Vec<DraftRow>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {COLS} FROM drafts WHERE account_id = ?1 ORDER BY id"
        ))?;
        let rows = st.query_map([account.0], row_to_draft)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn draft(&self, id: DraftId) -> Result<DraftRow> {
        self.conn
            .query_row(
                &format!("SELECT {COLS} FROM drafts WHERE id = ?1"),
                [id.0],
                row_to_draft,
            )
            .optional()?
            .ok_or_else(|| StoreError::Corrupt(format!("no draft {id}")))
    }

    /// Discards a draft: gone locally at once, its server copy at the next sync.
    pub fn delete_draft(&self, id: DraftId) -> Result<()> {
        self.conn.execute(
            "UPDATE drafts SET deleted = 1, updated = ?2 WHERE id = ?1",
            params![id.0, now()],
        )?;
        Ok(())
    }

    /// Drops the row for good (its server copies are gone).
    pub fn forget_draft(&self, id: DraftId) -> Result<()> {
        self.conn
            .execute("DELETE FROM drafts WHERE id = ?1", [id.0])?;
        Ok(())
    }

    /// Revision `rev` is on the server as `uid`. A later local edit stays dirty.
    pub fn draft_uploaded(
        &self,
        id: DraftId,
        rev: i64,
        uid: Option<Uid>,
        uidvalidity: Option<u32>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE drafts SET synced_rev = ?2, server_uid = ?3, server_uidvalidity = ?4
             WHERE id = ?1",
            params![id.0, rev, uid.map(|u| u.0), uidvalidity],
        )?;
        Ok(())
    }

    /// Takes the server's version (another device edited it; nothing changed here).
    pub fn draft_from_server(&self, id: DraftId, s: &ServerDraft) -> Result<()> {
        self.conn.execute(
            "UPDATE drafts SET compose = ?2, raw = ?3, local_rev = local_rev + 1,
                    synced_rev = local_rev + 1, server_uid = ?4, server_uidvalidity = ?5,
                    updated = ?6
             WHERE id = ?1",
            params![id.0, s.compose, s.raw, s.uid.0, s.uidvalidity, now()],
        )?;
        Ok(())
    }

    /// Both sides changed: the local version becomes a new draft under `new_message_id`
    /// (`new_compose`/`new_raw`, to be uploaded), and the server's version takes the row's
    /// old Message-ID. One transaction; both rows carry `note`. Returns the new draft's id.
    pub fn split_draft_conflict(
        &mut self,
        id: DraftId,
        new_message_id: &str,
        new_compose: &str,
        new_raw: &[u8],
        server: &ServerDraft,
        note: &str,
    ) -> Result<DraftId> {
        let ts = now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (account, old_mid): (i64, String) = tx.query_row(
            "SELECT account_id, message_id FROM drafts WHERE id = ?1",
            [id.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        tx.execute(
            "UPDATE drafts SET compose = ?2, raw = ?3, local_rev = local_rev + 1,
                    synced_rev = local_rev + 1, server_uid = ?4, server_uidvalidity = ?5,
                    note = ?6, updated = ?7
             WHERE id = ?1",
            params![
                id.0,
                server.compose,
                server.raw,
                server.uid.0,
                server.uidvalidity,
                note,
                ts
            ],
        )?;
        tx.execute(
            "INSERT INTO drafts (account_id, message_id, compose, raw, note, created, updated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![account, new_message_id, new_compose, new_raw, note, ts],
        )?;
        let new_id = DraftId(tx.last_insert_rowid());
        tracing::info!(
            draft = id.0,
            new = new_id.0,
            "draft conflict: kept both ({old_mid})"
        );
        tx.commit()?;
        Ok(new_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Endpoint, Security};
    use crate::store::NewAccount;

    #[test]
    fn saves_bump_the_revision_and_uploads_catch_up() {
        let s = Store::open_in_memory().unwrap();
        let a = s
            .add_account(&NewAccount {
                name: "a".into(),
                email: "a@example.test".into(),
                username: "a".into(),
                imap: Endpoint {
                    host: "h".into(),
                    port: 1,
                    security: Security::Tls,
                },
                protocol: crate::model::Protocol::Imap,
                pop3: crate::model::Pop3Options::default(),
                password_command: None,
                ca_file: None,
            })
            .unwrap();
        let id = s.save_draft(a, "<d@x>", "{}", b"v1").unwrap();
        assert!(s.draft(id).unwrap().dirty());
        s.draft_uploaded(id, 1, Some(Uid(5)), Some(9)).unwrap();
        assert!(!s.draft(id).unwrap().dirty());
        assert_eq!(s.save_draft(a, "<d@x>", "{}", b"v2").unwrap(), id);
        let d = s.draft(id).unwrap();
        assert_eq!(
            (d.local_rev, d.synced_rev, d.server_uid),
            (2, 1, Some(Uid(5)))
        );
        s.delete_draft(id).unwrap();
        assert!(s.drafts(None).unwrap().is_empty());
        assert_eq!(s.drafts_to_sync(a).unwrap().len(), 1);
    }
}
