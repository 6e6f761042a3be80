//! Mirrors the server's folder list into the cache: new folders are added, gone ones
//! removed, and a folder renamed on the server (by another device) is renamed here too,
//! keeping its messages and cached bodies instead of dropping them and downloading the lot
//! again. A rename is recognised when a folder vanished and a new one appeared whose STATUS
//! matches the vanished one's last known state exactly: the same UIDVALIDITY (IMAP keeps it
//! across RENAME; a folder created anew gets a new one), the same UIDNEXT and the same
//! message count.
use super::sync::SyncReport;
use super::{Engine, Result};
use crate::model::{Account, Folder};
use crate::protocol::imap::ImapConn;

/// The cached folder `fresh` (a new server folder with `status`) is the renamed form of.
fn renamed_from<'a>(
    gone: &[&'a Folder],
    status: &crate::protocol::imap::StatusInfo,
) -> Option<&'a Folder> {
    let validity = status.uidvalidity?;
    gone.iter().copied().find(|c| {
        c.uidvalidity == Some(validity)
            && c.uidnext.is_some()
            && c.uidnext == status.uidnext
            && c.server_total == status.messages
    })
}

impl Engine {
    /// Mirrors server-side folder creation, renaming and deletion into the cache. Folders
    /// that queued changes of this device create (not on the server yet) are kept.
    pub(super) async fn mirror_folders(
        &mut self,
        conn: &mut ImapConn,
        account: &Account,
        report: &mut SyncReport,
    ) -> Result<()> {
        let server = conn.list_folders().await?;
        let cached = self.store.folders(account.id)?;
        let keep = self.store.pending_folder_names(account.id)?;
        let selectable: Vec<_> = server.iter().filter(|f| f.selectable).collect();
        let mut gone: Vec<&Folder> = cached
            .iter()
            .filter(|c| !selectable.iter().any(|f| f.name == c.name) && !keep.contains(&c.name))
            .collect();
        for f in &selectable {
            let known = cached.iter().any(|c| c.name == f.name);
            if !known && !gone.is_empty() {
                let status = conn.status_basic(&f.name).await?;
                if let Some(old) = renamed_from(&gone, &status) {
                    tracing::info!(from = %old.name, to = %f.name, "folder renamed on the server");
                    self.store.rename_cached_folder(old.id, &f.name)?;
                    report
                        .folders_renamed
                        .push((old.name.clone(), f.name.clone()));
                    gone.retain(|c| c.id != old.id);
                } else {
                    report.folders_added.push(f.name.clone());
                }
            } else if !known {
                report.folders_added.push(f.name.clone());
            }
            self.store
                .upsert_folder(account.id, &f.name, f.delimiter.as_deref(), f.role)?;
        }
        for c in gone {
            // Deleted on the server (or renamed while it also changed): its messages go.
            report.folders_removed.push(c.name.clone());
            self.store.remove_folder(c.id)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccountId, FolderId};
    use crate::protocol::imap::StatusInfo;

    fn folder(id: i64, name: &str, uv: u32, next: u32, total: u32) -> Folder {
        Folder {
            id: FolderId(id),
            account_id: AccountId(1),
            name: name.into(),
            delimiter: Some("/".into()),
            role: None,
            uidvalidity: Some(uv),
            uidnext: Some(next),
            highest_modseq: None,
            server_total: Some(total),
            server_unread: None,
            last_sync: None,
        }
    }

    #[test]
    fn a_rename_matches_validity_next_uid_and_count_exactly() {
        let a = folder(1, "Old", 100, 6, 5);
        let b = folder(2, "Other", 101, 6, 5);
        let gone = vec![&a, &b];
        let st = |uv, next, n| StatusInfo {
            uidvalidity: Some(uv),
            uidnext: Some(next),
            messages: Some(n),
            ..Default::default()
        };
        assert_eq!(
            renamed_from(&gone, &st(100, 6, 5)).map(|f| f.id),
            Some(a.id)
        );
        assert_eq!(
            renamed_from(&gone, &st(101, 6, 5)).map(|f| f.id),
            Some(b.id)
        );
        // New mail since (or a new folder with the same validity by chance): not a rename.
        assert!(renamed_from(&gone, &st(100, 7, 6)).is_none());
        assert!(renamed_from(&gone, &st(102, 6, 5)).is_none());
        assert!(renamed_from(&gone, &StatusInfo::default()).is_none());
    }
}
