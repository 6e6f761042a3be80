//! Drafts: saved locally at once, synced to the server's Drafts folder as exactly one
//! message per Message-ID.
//!
//! Per draft, each sync: find the server copies by Message-ID (UID SEARCH HEADER), compare
//! with the copy we uploaded last (`server_uid`):
//! - only here changed: APPEND the new version (its UID from APPENDUID, else by search),
//!   then remove every older copy (UID STORE \Deleted + UID EXPUNGE of those UIDs only);
//! - only the server changed (another device replaced it): take the newest server copy;
//! - both changed: keep both — the server's version keeps the Message-ID, ours becomes a
//!   new draft with a new Message-ID — and say so (`note`, report);
//! - deleted here (sent or discarded): remove its server copies, then the row;
//! - gone from the server and unchanged here: another device sent or discarded it.
//!
//! Accounts without a Drafts folder (POP3) keep drafts locally: nothing here runs for them.
use super::compose::{compose_from_raw, compose_from_stored};
use super::{Engine, EngineError, Result};
use crate::mime::compose::{self, BuildOptions, Compose, ComposeWarning};
use crate::model::{Account, AccountId, DraftId, Flags, FolderRole, MessageId, Uid};
use crate::protocol::imap::ImapConn;
use crate::store::{DraftRow, ServerDraft, StoreError};

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DraftSyncReport {
    pub uploaded: usize,
    /// Old server copies removed after an upload (or duplicates found).
    pub removed: usize,
    /// Drafts replaced by a newer version from another device.
    pub pulled: usize,
    /// Drafts gone here because another device sent or discarded them.
    pub gone: usize,
    /// Message-IDs of drafts changed on both sides (both versions kept).
    pub conflicts: Vec<String>,
    /// The server's words when it refused a draft operation (the drafts stay here).
    pub error: Option<String>,
}

/// A saved draft.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SavedDraft {
    pub id: DraftId,
    pub message_id: String,
    pub warnings: Vec<ComposeWarning>,
}

/// A draft as the UI lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DraftView {
    #[serde(flatten)]
    pub row: DraftRow,
    pub compose: Compose,
    pub synced: bool,
}

/// The Bcc header a draft keeps (sent mail has none).
fn draft_bcc(raw: &[u8]) -> Vec<String> {
    mail_parser::MessageParser::default()
        .parse(raw)
        .and_then(|m| {
            m.bcc().map(|a| {
                a.iter()
                    .filter_map(|x| x.address().map(str::to_string))
                    .collect()
            })
        })
        .unwrap_or_default()
}

fn corrupt(e: impl std::fmt::Display) -> EngineError {
    EngineError::Store(StoreError::Corrupt(e.to_string()))
}

impl Engine {
    fn build_draft(
        &self,
        account: AccountId,
        c: &Compose,
        message_id: &str,
    ) -> Result<(Vec<u8>, String, Vec<ComposeWarning>)> {
        let built = compose::build(
            c,
            &BuildOptions {
                message_id: message_id.to_string(),
                charset: self.send_charset(account)?,
                draft: true,
            },
        )?;
        let json = serde_json::to_string(c).map_err(corrupt)?;
        Ok((built.raw, json, built.warnings))
    }

    /// Saves a draft (a new one, or a new version of `draft`). Local only; `sync` uploads.
    pub fn save_draft(
        &mut self,
        account: AccountId,
        draft: Option<DraftId>,
        c: &Compose,
    ) -> Result<SavedDraft> {
        let message_id = match draft {
            Some(id) => self.store.draft(id)?.message_id,
            None => compose::new_message_id(&c.from),
        };
        let (raw, json, warnings) = self.build_draft(account, c, &message_id)?;
        let id = self.store.save_draft(account, &message_id, &json, &raw)?;
        Ok(SavedDraft {
            id,
            message_id,
            warnings,
        })
    }

    /// The draft's fields for editing (attachments included).
    pub fn draft_compose(&self, id: DraftId) -> Result<Compose> {
        let d = self.store.draft(id)?;
        compose_from_stored(&d.compose, &d.raw)
    }

    /// The draft a message of a Drafts folder is, to continue writing it: the one kept here
    /// under its Message-ID, else its server copy taken in as a draft in sync with that copy
    /// (so the next save replaces it on the server: one copy stays).
    pub async fn draft_of_message(&mut self, msg: MessageId) -> Result<(DraftId, Compose)> {
        let row = self.store.message(msg)?;
        let message_id = row.message_id.clone().filter(|m| !m.trim().is_empty());
        if let Some(mid) = &message_id
            && let Some(d) = self.store.draft_by_message_id(row.account_id, mid)?
        {
            return Ok((d.id, compose_from_stored(&d.compose, &d.raw)?));
        }
        let raw = self.raw(msg).await?;
        let mut c = compose_from_raw(&raw)?;
        c.bcc = draft_bcc(&raw);
        let json = serde_json::to_string(&c).map_err(corrupt)?;
        let id = match (message_id, row.uid) {
            (Some(mid), Some(uid)) => {
                let uidvalidity = self.store.folder(row.folder_id)?.uidvalidity;
                let server = ServerDraft {
                    compose: json,
                    raw,
                    uid,
                    uidvalidity,
                };
                self.store
                    .adopt_server_draft(row.account_id, &mid, &server)?
            }
            // No Message-ID to find its server copy by: a new draft (the old copy stays).
            _ => self.save_draft(row.account_id, None, &c)?.id,
        };
        Ok((id, c))
    }

    /// Drafts to list (one account or all).
    pub fn list_drafts(&self, account: Option<AccountId>) -> Result<Vec<DraftView>> {
        self.store
            .drafts(account)?
            .into_iter()
            .map(|row| {
                let compose = compose_from_stored(&row.compose, &row.raw)?;
                Ok(DraftView {
                    synced: !row.dirty(),
                    compose,
                    row,
                })
            })
            .collect()
    }

    /// Discards a draft (its server copy goes at the next sync).
    pub fn discard_draft(&mut self, id: DraftId) -> Result<()> {
        Ok(self.store.delete_draft(id)?)
    }

    /// Connects and syncs drafts only (after an autosave, when no `watch` is running).
    pub async fn sync_drafts_now(&mut self, account: &Account) -> Result<DraftSyncReport> {
        let mut conn = Self::connect(account).await?;
        let r = self.sync_drafts(&mut conn, account).await;
        let _ = conn.logout().await;
        r
    }

    /// Brings the account's drafts and its Drafts folder in line (see the module notes).
    pub async fn sync_drafts(
        &mut self,
        conn: &mut ImapConn,
        account: &Account,
    ) -> Result<DraftSyncReport> {
        let mut report = DraftSyncReport::default();
        let rows = self.store.drafts_to_sync(account.id)?;
        if rows.is_empty() {
            return Ok(report);
        }
        let Some(folder) = self
            .folder_for_role(conn, account, FolderRole::Drafts)
            .await?
        else {
            return Ok(report);
        };
        let info = conn.select(&folder, None).await?;
        let mut queue: Vec<DraftId> = rows.iter().map(|r| r.id).collect();
        let mut i = 0;
        while i < queue.len() {
            let row = self.store.draft(queue[i])?;
            i += 1;
            if let Some(new) = self
                .sync_one(conn, &folder, info.uidvalidity, row, &mut report)
                .await?
            {
                queue.push(new);
            }
        }
        Ok(report)
    }

    /// One draft; returns a new draft to sync when a conflict split it.
    async fn sync_one(
        &mut self,
        conn: &mut ImapConn,
        folder: &str,
        uidvalidity: Option<u32>,
        row: DraftRow,
        report: &mut DraftSyncReport,
    ) -> Result<Option<DraftId>> {
        let mut on_server = conn.search_message_id(&row.message_id).await?;
        on_server.sort_unstable();
        let known = row
            .server_uid
            .filter(|_| row.server_uidvalidity.is_none() || row.server_uidvalidity == uidvalidity);
        if row.deleted {
            for u in &on_server {
                self.expunge_own(conn, row.account_id, folder, Uid(*u))
                    .await?;
                report.removed += 1;
            }
            self.store.forget_draft(row.id)?;
            return Ok(None);
        }
        if let Some(k) = known {
            // Copies older than the one we uploaded are versions it replaced (a sync cut off
            // between the APPEND and their removal left them): never taken for another
            // device's edit, which would be APPENDed after ours and have a higher UID.
            let stale: Vec<u32> = on_server.iter().copied().filter(|u| *u < k.0).collect();
            for u in &stale {
                self.expunge_own(conn, row.account_id, folder, Uid(*u))
                    .await?;
                report.removed += 1;
            }
            on_server.retain(|u| *u >= k.0);
        }
        let others: Vec<u32> = on_server
            .iter()
            .copied()
            .filter(|u| Some(Uid(*u)) != known)
            .collect();
        if let Some(&newest) = others.last() {
            // Another device wrote a version we have not seen.
            let raw = conn.fetch_section(Uid(newest), "").await?;
            let theirs = compose_from_raw(&raw)?;
            let server = ServerDraft {
                compose: serde_json::to_string(&theirs).map_err(corrupt)?,
                raw,
                uid: Uid(newest),
                uidvalidity,
            };
            let mut split = None;
            if row.dirty() && row.synced_rev > 0 {
                let ours = compose_from_stored(&row.compose, &row.raw)?;
                let new_mid = compose::new_message_id(&ours.from);
                let (new_raw, json, _) = self.build_draft(row.account_id, &ours, &new_mid)?;
                let note = format!(
                    "this draft was changed here and on another device; both versions are kept \
                     (the other one is {new_mid})"
                );
                split = Some(
                    self.store
                        .split_draft_conflict(row.id, &new_mid, &json, &new_raw, &server, &note)?,
                );
                report.conflicts.push(row.message_id.clone());
            } else if row.dirty() {
                // Never uploaded, yet a copy exists (e.g. adopted from the server): ours wins.
                self.upload(conn, folder, uidvalidity, &row, &on_server, report)
                    .await?;
                return Ok(None);
            } else {
                self.store.draft_from_server(row.id, &server)?;
                report.pulled += 1;
            }
            for u in on_server.iter().filter(|u| **u != newest) {
                self.expunge_own(conn, row.account_id, folder, Uid(*u))
                    .await?;
                report.removed += 1;
            }
            return Ok(split);
        }
        if row.dirty() {
            self.upload(conn, folder, uidvalidity, &row, &on_server, report)
                .await?;
        } else if known.is_some() && on_server.is_empty() {
            // Sent or discarded on another device.
            self.store.forget_draft(row.id)?;
            report.gone += 1;
        }
        Ok(None)
    }

    /// Removes one copy from the server, and records it as this device's own removal.
    async fn expunge_own(
        &mut self,
        conn: &mut ImapConn,
        account: crate::model::AccountId,
        folder: &str,
        uid: Uid,
    ) -> Result<()> {
        conn.expunge_uid(uid).await?;
        self.store.note_own_change(
            account,
            folder,
            crate::store::OwnKind::Removed,
            Some(uid),
            None,
        )?;
        Ok(())
    }

    /// APPENDs this version, learns its UID, then removes the old copies.
    async fn upload(
        &mut self,
        conn: &mut ImapConn,
        folder: &str,
        uidvalidity: Option<u32>,
        row: &DraftRow,
        old: &[u32],
        report: &mut DraftSyncReport,
    ) -> Result<()> {
        let flags = Flags {
            seen: true,
            draft: true,
            ..Default::default()
        };
        let mut uid = conn.append(folder, flags.to_bits(), &row.raw).await?;
        if uid.is_none() {
            // No UIDPLUS: the new copy is the one with the Message-ID we did not see before.
            uid = conn
                .search_message_id(&row.message_id)
                .await?
                .into_iter()
                .filter(|u| !old.contains(u))
                .max()
                .map(Uid);
        }
        self.store.note_own_change(
            row.account_id,
            folder,
            crate::store::OwnKind::Arrived,
            uid,
            Some(row.message_id.as_str()),
        )?;
        self.store
            .draft_uploaded(row.id, row.local_rev, uid, uidvalidity)?;
        report.uploaded += 1;
        for u in old {
            self.expunge_own(conn, row.account_id, folder, Uid(*u))
                .await?;
            report.removed += 1;
        }
        Ok(())
    }
}
