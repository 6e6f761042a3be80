//! The local cache: SQLite through rusqlite. No network here.
//!
//! One writer connection per process (WAL, `synchronous=NORMAL`, foreign keys on).
//! Every multi-row change runs in one transaction so a crash leaves a consistent cache.
mod accounts;
mod actions;
mod activity;
mod conversations;
mod devices;
mod drafts;
mod folder_ops;
pub mod folders;
mod listing;
mod messages;
mod migrations;
mod offline;
mod ops;
mod outbox;
mod own;
mod parts;
mod pop3;
mod private;
mod remote_senders;
mod search;
pub mod search_query;
mod smtp;
mod threads;

pub use accounts::NewAccount;
pub use activity::{Activity, ActivityKind};
pub use conversations::ConversationFacts;
pub use devices::{DeviceInfo, QuotaInfo, Risk, ServerInfo, host_name};
pub use drafts::{DraftRow, ServerDraft};
pub use listing::{Listing, SortKey};
pub use messages::{MessageRow, SortOrder};
pub use offline::{OfflineBody, OfflineCandidate, OfflineCounts, StoredBodies, UnindexedBody};
pub use ops::{Op, OpKind, OpState};
pub use outbox::{NewOutbox, OutboxItem, OutboxState, SentCopy};
pub use own::OwnKind;
pub use pop3::{KnownUidl, Pop3Message};

use rusqlite::Connection;
use std::path::Path;

/// Errors of the store layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("cannot create the data directory {path}: {source}")]
    Dir {
        path: String,
        source: std::io::Error,
    },
    #[error("no such account: {0}")]
    NoAccount(i64),
    #[error("no such folder: {0}")]
    NoFolder(String),
    #[error("no such message: {0}")]
    NoMessage(i64),
    #[error("the cache was written by a newer Tayori (schema {found}, this build knows {known})")]
    TooNew { found: i64, known: i64 },
    #[error("corrupt cached value: {0}")]
    Corrupt(String),
    /// A folder name that cannot be created or renamed to (empty, taken, or INBOX).
    #[error("cannot use the folder name {0:?}")]
    FolderName(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The cache database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating and migrating as needed) the cache in `dir/tayori.sqlite3`.
    /// The directory and the database are private to the user (0700 and 0600 on Unix, even
    /// under a permissive umask, and tightened when found looser): the cache holds mail.
    pub fn open_dir(dir: &Path) -> Result<Self> {
        let dir_err = |source| StoreError::Dir {
            path: dir.display().to_string(),
            source,
        };
        private::create_dir(dir).map_err(dir_err)?;
        let db = dir.join("tayori.sqlite3");
        private::create_file(&db).map_err(dir_err)?;
        Self::open(&db)
    }

    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path)?;
        Self::setup(conn)
    }

    pub fn open_in_memory() -> Result<Self> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// For a connection that writes in bulk (the body mirror's writer and those of a first
    /// sync): lets the log grow to 16,384 pages (64 MiB) before this connection copies it
    /// back into the database, instead of SQLite's 1,000. Each checkpoint rewrites the
    /// tree's inner pages again, so over a long run of commits fewer, larger ones cost much
    /// less; the indexing pass after the download, or the next writer, checkpoints the rest.
    pub fn bulk_log(&self) -> Result<()> {
        self.conn
            .pragma_update(None, "wal_autocheckpoint", 16_384)?;
        Ok(())
    }

    /// For a connection that stores a folder's worth of messages (the header and message
    /// writers of a first sync): [`Store::bulk_log`], and a page cache of 64 MiB instead of
    /// SQLite's 2 MiB. Each message touches five indexes at random places (Message-IDs,
    /// conversations); at 100k messages they no longer fit in 2 MiB and every insert
    /// rereads pages from the OS.
    pub fn bulk_writer(&self) -> Result<()> {
        self.bulk_log()?;
        self.conn.pragma_update(None, "cache_size", -65536)?;
        Ok(())
    }

    /// The database file (None for an in-memory store).
    pub fn path(&self) -> Option<std::path::PathBuf> {
        self.conn
            .path()
            .filter(|p| !p.is_empty())
            .map(std::path::PathBuf::from)
    }

    /// Schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Size of the database file(s) in bytes.
    pub fn db_bytes(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            [],
            |r| r.get(0),
        )?)
    }
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[cfg(test)]
pub(crate) mod speed {
    use super::*;
    use crate::model::*;

    /// A store in memory with one IMAP account and its INBOX and Sent.
    pub(crate) fn inbox_and_sent() -> (Store, FolderId, FolderId) {
        let s = Store::open_in_memory().unwrap();
        let a = s
            .add_account(&NewAccount::imap("a@example.test", "h", 993, Security::Tls))
            .unwrap();
        let inbox = s
            .upsert_folder(a, "INBOX", Some("/"), Some(FolderRole::Inbox))
            .unwrap();
        let sent = s
            .upsert_folder(a, "Sent", Some("/"), Some(FolderRole::Sent))
            .unwrap();
        (s, inbox, sent)
    }

    /// A generated header of a text message (the timing probes of the store use it).
    pub(crate) fn header(i: u32) -> HeaderInfo {
        HeaderInfo {
            uid: Uid(i),
            message_id: Some(format!("<{i}.bench@example.test>")),
            subject: format!("Benchmark message {i} about the quarterly report"),
            from: format!("Sender {i} <sender{i}@example.test>"),
            to: "Alice <alice@example.test>".into(),
            cc: String::new(),
            date: 1_700_000_000 + i64::from(i),
            internal_date: 1_700_000_000 + i64::from(i),
            size: 400,
            flags: Flags::default(),
            modseq: Some(1),
            in_reply_to: None,
            references: None,
            parts: vec![PartInfo {
                section: "1".into(),
                mime: "text/plain".into(),
                size: 100,
                charset: Some("utf-8".into()),
                encoding: "7bit".into(),
                filename: None,
                is_attachment: false,
            }],
            has_attachments: false,
        }
    }

    /// Timing probe for the header insert path (run with --ignored --nocapture).
    #[test]
    #[ignore]
    fn store_headers_speed() {
        {
            let dir = tempfile::tempdir().unwrap();
            let mut s = Store::open_dir(dir.path()).unwrap();
            let a = s
                .add_account(&NewAccount {
                    name: "a".into(),
                    email: "a".into(),
                    username: "a".into(),
                    protocol: Protocol::Imap,
                    imap: Endpoint {
                        host: "h".into(),
                        port: 1,
                        security: Security::Tls,
                    },
                    pop3: Pop3Options::default(),
                    password_command: None,
                    ca_file: None,
                })
                .unwrap();
            let f = s.upsert_folder(a, "INBOX", Some("/"), None).unwrap();
            let t0 = std::time::Instant::now();
            for b in 0..30 {
                let batch: Vec<HeaderInfo> = (0..1000).map(|i| header(b * 1000 + i + 1)).collect();
                s.store_headers(f, &batch).unwrap();
            }
            eprintln!("30k header rows stored in {:?}", t0.elapsed());
            let t1 = std::time::Instant::now();
            assert_eq!(s.search("message 29999 about", 50).unwrap().len(), 1);
            eprintln!("header search over 30k rows in {:?}", t1.elapsed());
        }
    }
}
