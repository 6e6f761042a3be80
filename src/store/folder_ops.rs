//! Folder changes made on this device (create, rename, delete): applied to the cache at
//! once and queued as ops in the same transaction, like message changes; the engine
//! replays them in order (`engine::replay`). A rename keeps the folder's row, so its
//! messages and cached bodies stay.
use super::{Result, Store, StoreError, now};
use crate::model::{AccountId, FolderId, OpId};
use rusqlite::params;
use std::collections::HashSet;

fn queue(
    tx: &rusqlite::Transaction<'_>,
    account: AccountId,
    kind: &str,
    folder: &str,
    target: Option<&str>,
) -> Result<OpId> {
    tx.execute(
        "INSERT INTO ops (account_id, message_id, kind, folder, target, state, created, updated)
         VALUES (?1, NULL, ?2, ?3, ?4, 'pending', ?5, ?5)",
        params![account.0, kind, folder, target, now()],
    )?;
    Ok(OpId(tx.last_insert_rowid()))
}

fn taken(tx: &rusqlite::Transaction<'_>, account: AccountId, name: &str) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM folders WHERE account_id = ?1 AND name = ?2)",
        params![account.0, name],
        |r| r.get(0),
    )?)
}

fn usable(name: &str) -> bool {
    let n = name.trim();
    !n.is_empty() && !n.eq_ignore_ascii_case("INBOX") && !n.chars().any(char::is_control)
}

impl Store {
    /// Creates folder `name` (the server's name, modified UTF-7 for non-ASCII) here and
    /// queues its creation on the server.
    pub fn local_create_folder(
        &mut self,
        account: AccountId,
        name: &str,
    ) -> Result<(FolderId, OpId)> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if !usable(name) || taken(&tx, account, name)? {
            return Err(StoreError::FolderName(name.to_string()));
        }
        // The account's hierarchy delimiter, as the server listed it for its other folders.
        let delimiter: Option<String> = tx
            .query_row(
                "SELECT delimiter FROM folders WHERE account_id = ?1 AND delimiter IS NOT NULL
                 ORDER BY id LIMIT 1",
                [account.0],
                |r| r.get(0),
            )
            .ok();
        tx.execute(
            "INSERT INTO folders (account_id, name, delimiter) VALUES (?1, ?2, ?3)",
            params![account.0, name, delimiter],
        )?;
        let id = FolderId(tx.last_insert_rowid());
        let op = queue(&tx, account, "folder_create", name, None)?;
        tx.commit()?;
        Ok((id, op))
    }

    /// Renames folder `id` to `to` here (its messages and bodies stay) and queues the RENAME.
    pub fn local_rename_folder(&mut self, id: FolderId, to: &str) -> Result<OpId> {
        let f = self.folder(id)?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if !usable(to) || !usable(&f.name) || taken(&tx, f.account_id, to)? {
            return Err(StoreError::FolderName(to.to_string()));
        }
        tx.execute(
            "UPDATE folders SET name = ?2 WHERE id = ?1",
            params![id.0, to],
        )?;
        let op = queue(&tx, f.account_id, "folder_rename", &f.name, Some(to))?;
        tx.commit()?;
        Ok(op)
    }

    /// Moves folder `id` under folder `parent` (a RENAME to `PARENT<delimiter>LEAF` on the
    /// server, which takes its subfolders along); here its row and its subfolders' rows are
    /// renamed at once. Refused for Inbox, a folder onto itself or into its own subfolder,
    /// across accounts, or when the name is taken.
    pub fn local_move_folder(&mut self, id: FolderId, parent: FolderId) -> Result<OpId> {
        let f = self.folder(id)?;
        let p = self.folder(parent)?;
        let delim = p
            .delimiter
            .clone()
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| "/".into());
        let own = f
            .delimiter
            .clone()
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| delim.clone());
        let leaf = f
            .name
            .rsplit(own.as_str())
            .next()
            .unwrap_or(&f.name)
            .to_string();
        let to = format!("{}{delim}{leaf}", p.name);
        let inside = p.name == f.name || p.name.starts_with(&format!("{}{own}", f.name));
        if f.account_id != p.account_id || inside {
            return Err(StoreError::FolderName(to));
        }
        let op = self.local_rename_folder(id, &to)?;
        // The subfolders follow on the server; their rows follow here.
        self.conn.execute(
            "UPDATE folders SET name = ?3 || substr(name, length(?2) + 1)
             WHERE account_id = ?1 AND substr(name, 1, length(?2)) = ?2",
            params![
                f.account_id.0,
                format!("{}{own}", f.name),
                format!("{to}{own}")
            ],
        )?;
        Ok(op)
    }

    /// Deletes folder `id` here (with its messages) and queues the DELETE.
    pub fn local_delete_folder(&mut self, id: FolderId) -> Result<OpId> {
        let f = self.folder(id)?;
        if !usable(&f.name) {
            return Err(StoreError::FolderName(f.name));
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM folders WHERE id = ?1", [id.0])?;
        let op = queue(&tx, f.account_id, "folder_delete", &f.name, None)?;
        tx.commit()?;
        Ok(op)
    }

    /// Folder names that pending folder ops of `account` create or rename to: the server
    /// does not have them yet, so a folder mirror must not drop them.
    pub fn pending_folder_names(&self, account: AccountId) -> Result<HashSet<String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT kind, folder, target FROM ops WHERE account_id = ?1 AND state = 'pending'
             AND kind IN ('folder_create', 'folder_rename')",
        )?;
        let rows = st.query_map([account.0], |r| {
            let kind: String = r.get(0)?;
            let folder: String = r.get(1)?;
            let target: Option<String> = r.get(2)?;
            Ok(if kind == "folder_create" {
                folder
            } else {
                target.unwrap_or_default()
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A folder renamed on the server (found by the mirror): the row takes the new name and
    /// keeps its messages and cached bodies.
    pub fn rename_cached_folder(&self, id: FolderId, to: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE folders SET name = ?2 WHERE id = ?1",
            params![id.0, to],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{FolderRole, Security};
    use crate::store::{NewAccount, OpKind, Store};

    #[test]
    fn folder_changes_apply_here_and_queue_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open_dir(dir.path()).unwrap();
        let a = s
            .add_account(&NewAccount::imap("a@example.test", "h", 993, Security::Tls))
            .unwrap();
        s.upsert_folder(a, "INBOX", Some("/"), Some(FolderRole::Inbox))
            .unwrap();
        let (id, _) = s.local_create_folder(a, "Projects").unwrap();
        assert_eq!(s.folder(id).unwrap().delimiter.as_deref(), Some("/"));
        assert!(s.local_create_folder(a, "Projects").is_err(), "taken");
        assert!(s.local_create_folder(a, "inbox").is_err(), "reserved");
        assert!(s.local_create_folder(a, " ").is_err(), "empty");
        s.local_rename_folder(id, "Work").unwrap();
        assert_eq!(s.folder(id).unwrap().name, "Work");
        let names = s.pending_folder_names(a).unwrap();
        assert!(names.contains("Projects") && names.contains("Work"));
        s.local_delete_folder(id).unwrap();
        assert!(s.folder(id).is_err());
        let kinds: Vec<(OpKind, String)> = s
            .pending_ops(a)
            .unwrap()
            .into_iter()
            .map(|o| (o.kind, o.folder))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (OpKind::FolderCreate, "Projects".to_string()),
                (
                    OpKind::FolderRename {
                        to: "Work".to_string()
                    },
                    "Projects".to_string()
                ),
                (OpKind::FolderDelete, "Work".to_string()),
            ]
        );
    }
}
