//! The sync engine: mirrors IMAP folders into the store, replays the offline queue,
//! fetches bodies on demand and watches for pushes. Never imports the UI.
pub mod accounts;
mod body;
mod compose;
mod devices;
mod doctor;
mod drafts;
pub mod failure;
mod folder_mirror;
mod folder_replay;
mod offline;
mod outbox;
pub mod outbox_words;
pub mod plan;
mod pop3;
mod replay;
mod replay_lock;
mod save_path;
pub use devices::DEVICE_PREFIX;
pub mod scheduler;
mod server_search;
mod session;
mod sync;
mod watch;

pub use body::{ShownAttachment, ShownMessage};
pub use compose::{Queued, attachments_from_paths, suggest_addresses};
pub use drafts::{DraftSyncReport, DraftView, SavedDraft};
pub use failure::Failure;
pub use offline::{BodyFailure, BodyProgress, BodyReport, IndexReport, MAX_DOWNLOAD};
pub use outbox::{OutboxReport, SendOutcome, SendResult};
pub use pop3::{Clock, Pop3Report, SystemClock, should_delete};
pub use replay::{ReplayReport, SKIPPED_GONE};
pub use save_path::{SaveMode, safe_file_name};
pub use scheduler::{ConnState, EngineHandle, Event};
pub use sync::{Change, FolderReport, SyncReport};
pub use watch::WatchEvent;

use crate::account::credentials::{self, CredentialError};
use crate::model::{Account, AccountId, Protocol};
use crate::protocol::imap::{Credentials, ImapConn, ImapError};
use crate::store::{Store, StoreError};

/// Errors at the engine's edge, each with a one-line meaning for the user.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Credentials(#[from] CredentialError),
    #[error(transparent)]
    Imap(#[from] ImapError),
    #[error(transparent)]
    Pop3(crate::protocol::pop3::Pop3Error),
    #[error("{0}")]
    NotCached(String),
    /// A part is not on this device and the server cannot be reached now.
    #[error("this part is not downloaded yet and the server cannot be reached: {0}")]
    Offline(Box<EngineError>),
    #[error(transparent)]
    Compose(#[from] crate::mime::compose::ComposeError),
    #[error(transparent)]
    Smtp(#[from] crate::protocol::smtp::SmtpError),
    #[error(
        "account {0} has no SMTP server to send with (set one with `tayori account add --smtp-host ...`)"
    )]
    NoSmtp(AccountId),
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    /// A save would have replaced a file that is already there.
    #[error(
        "{path} already exists; nothing was written (`save-attachment --overwrite` replaces it)"
    )]
    FileExists { path: String },
    #[error(transparent)]
    Account(#[from] accounts::AccountError),
    /// Another process kept the account's replay lock for too long.
    #[error(
        "another Tayori process on this data directory is sending this account's queued changes; they stay queued here"
    )]
    ReplayBusy,
}

pub type Result<T> = std::result::Result<T, EngineError>;

impl EngineError {
    /// A network problem worth retrying later (offline, server down, connection dropped),
    /// as opposed to a refusal (wrong password, bad certificate) the user must fix.
    pub fn is_transient(&self) -> bool {
        match self {
            EngineError::Imap(e) => e.is_transient(),
            EngineError::Pop3(e) => e.is_transient(),
            EngineError::Offline(_) | EngineError::ReplayBusy => true,
            _ => false,
        }
    }
}

/// The engine over one store. Store calls are short and synchronous; network work is async.
pub struct Engine {
    pub store: Store,
    sessions: session::Sessions,
}

impl Engine {
    pub fn new(store: Store) -> Self {
        Engine {
            store,
            sessions: session::Sessions::default(),
        }
    }

    /// Looks up the password (off the async threads: the Secret Service client blocks).
    pub async fn credentials(account: &Account) -> Result<Credentials> {
        let acc = account.clone();
        let password = tokio::task::spawn_blocking(move || credentials::password(&acc))
            .await
            .map_err(|e| CredentialError::Keyring(e.to_string()))??;
        Ok(Credentials {
            username: account.username.clone(),
            password,
        })
    }

    /// Connects to an IMAP account's server (a POP3 account has no IMAP session).
    pub async fn connect(account: &Account) -> Result<ImapConn> {
        if account.protocol == Protocol::Pop3 {
            return Err(EngineError::NotCached(format!(
                "{} is a POP3 account: its mail is kept here, not on an IMAP server",
                account.email
            )));
        }
        let t0 = std::time::Instant::now();
        let creds = Self::credentials(account).await?;
        tracing::debug!(elapsed = ?t0.elapsed(), "credentials");
        Ok(ImapConn::connect(
            &account.imap.host,
            account.imap.port,
            account.imap.security,
            account.ca_file.as_deref(),
            &creds,
        )
        .await?)
    }

    /// The accounts to work on: one, or all with sync enabled.
    pub fn accounts(&self, only: Option<AccountId>) -> Result<Vec<Account>> {
        Ok(match only {
            Some(id) => vec![self.store.account(id)?],
            None => self
                .store
                .accounts()?
                .into_iter()
                .filter(|a| a.sync_enabled)
                .collect(),
        })
    }
}
