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
pub mod html_body;
mod offline;
mod outbox;
pub mod outbox_words;
pub mod plan;
mod pop3;
mod replay;
mod replay_lock;
mod responded;
mod save_path;
pub use devices::DEVICE_PREFIX;
pub mod scheduler;
mod server_search;
mod session;
mod sync;
mod watch;
mod whole_first;

pub use body::{ShownAttachment, ShownMessage};
pub use compose::{Queued, attachments_from_paths, suggest_addresses};
pub use drafts::{DraftSyncReport, DraftView, SavedDraft};
pub use failure::Failure;
pub use offline::{BodyFailure, BodyProgress, BodyReport, IndexReport, MAX_DOWNLOAD, whole_first};
pub use outbox::{OutboxReport, SendOutcome, SendResult};
pub use pop3::{Clock, Pop3Report, SystemClock, should_delete};
pub use replay::{ReplayReport, SKIPPED_GONE};
pub use save_path::{SaveMode, safe_file_name};
pub use scheduler::{ConnState, EngineHandle, Event, SignInState};
pub use sync::{Change, FolderReport, SyncReport};
pub use watch::WatchEvent;

use crate::account::credentials::{self, CredentialError};
use crate::account::keeper::OsKeyring;
use crate::account::oauth::{self, OAuthError};
use crate::model::{Account, AccountId, Protocol};
use crate::protocol::imap::{AuthKind, Credentials, ImapConn, ImapError};
use crate::store::{Store, StoreError};
use std::sync::Arc;

/// Errors at the engine's edge, each with a one-line meaning for the user.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Credentials(#[from] CredentialError),
    #[error(transparent)]
    Imap(#[from] ImapError),
    /// OAuth2 sign-in: no tokens yet, "sign in again", the authorization server's refusal.
    #[error(transparent)]
    OAuth(OAuthError),
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
            EngineError::OAuth(e) => e.is_transient(),
            EngineError::Offline(_) | EngineError::ReplayBusy => true,
            _ => false,
        }
    }
}

/// A login error that means "these credentials were refused" (not a network failure).
pub(crate) trait AuthRefusal {
    fn is_auth_refusal(&self) -> bool;
}

impl AuthRefusal for ImapError {
    fn is_auth_refusal(&self) -> bool {
        matches!(self, ImapError::Auth(_))
    }
}

impl AuthRefusal for crate::protocol::pop3::Pop3Error {
    fn is_auth_refusal(&self) -> bool {
        matches!(
            self,
            crate::protocol::pop3::Pop3Error::Auth(_)
                | crate::protocol::pop3::Pop3Error::AppPassword(_)
        )
    }
}

impl AuthRefusal for crate::protocol::smtp::SmtpError {
    fn is_auth_refusal(&self) -> bool {
        matches!(self, crate::protocol::smtp::SmtpError::Auth(_))
    }
}

/// When a sync pass fetches new messages whole (an account kept entirely offline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WholeFirst {
    /// Messages up to this size come whole; larger ones take the header path.
    pub max_size: u64,
    /// Only when a folder has at most this many new messages: the window wants the list
    /// first (headers first) when a big folder arrives, `sync --bodies` wants it all.
    pub max_count: usize,
}

/// The engine over one store. Store calls are short and synchronous; network work is async.
pub struct Engine {
    pub store: Store,
    sessions: session::Sessions,
    /// Set for an account kept entirely offline: new messages are fetched whole in the
    /// sync pass, with their header rows (see `whole_first`).
    pub whole_first: Option<WholeFirst>,
}

impl Engine {
    pub fn new(store: Store) -> Self {
        Engine {
            store,
            sessions: session::Sessions::default(),
            whole_first: None,
        }
    }

    /// Looks up the password (off the async threads: the Secret Service client blocks), or
    /// for an OAuth2 account a valid access token (refreshed first when it is about to
    /// expire).
    pub async fn credentials(account: &Account) -> Result<Credentials> {
        Self::credentials_after(account, None).await
    }

    /// Like [`Engine::credentials`]; `refused`: the credentials a server just turned down.
    /// For an OAuth2 account their token is refreshed even if it has not expired (once:
    /// the callers retry one time only); a password is looked up again as it is.
    async fn credentials_after(
        account: &Account,
        refused: Option<&Credentials>,
    ) -> Result<Credentials> {
        if let Some(settings) = &account.oauth {
            let refused = refused.map(|c| c.password.as_str());
            let token = oauth::access_token(account, settings, Arc::new(OsKeyring), refused)
                .await
                .map_err(EngineError::OAuth)?;
            return Ok(Credentials::oauth2(&account.username, &token));
        }
        let acc = account.clone();
        let password = tokio::task::spawn_blocking(move || credentials::password(&acc))
            .await
            .map_err(|e| CredentialError::Keyring(e.to_string()))??;
        Ok(Credentials::password(&account.username, &password))
    }

    /// Runs `login` with the account's credentials; when an OAuth2 token is refused, once
    /// more with a refreshed one (a token can be revoked or cut short before its expiry).
    pub(crate) async fn with_login<T, E, F, Fut>(account: &Account, login: F) -> Result<T>
    where
        F: Fn(Credentials) -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, E>>,
        E: Into<EngineError> + AuthRefusal,
    {
        let creds = Self::credentials(account).await?;
        match login(creds.clone()).await {
            Err(e) if creds.kind == AuthKind::OAuth2 && e.is_auth_refusal() => {
                tracing::info!(account = %account.id, "the server refused the access token; refreshing it once");
                let fresh = Self::credentials_after(account, Some(&creds)).await?;
                login(fresh).await.map_err(Into::into)
            }
            r => r.map_err(Into::into),
        }
    }

    /// Connects to an IMAP account's server (a POP3 account has no IMAP session).
    pub async fn connect(account: &Account) -> Result<ImapConn> {
        if account.protocol == Protocol::Pop3 {
            return Err(EngineError::NotCached(format!(
                "{} is a POP3 account: its mail is kept here, not on an IMAP server",
                account.email
            )));
        }
        let i = &account.imap;
        let ca = account.ca_file.as_deref();
        Self::with_login(account, |creds| async move {
            ImapConn::connect(&i.host, i.port, i.security, ca, &creds).await
        })
        .await
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
