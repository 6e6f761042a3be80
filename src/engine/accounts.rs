//! Adding an account: the one path the setup wizard, the manual form and
//! `tayori account add` take.
//!
//! 1. The logins are tested over TLS with the password in memory only: the incoming server
//!    (IMAP or POP3) and, when one is given, the outgoing SMTP server, both at once.
//! 2. The account and its SMTP settings are stored (one transaction: both or neither).
//! 3. The password goes to the [`SecretKeeper`] (the OS keyring), unless the account reads
//!    it from a password command.
//!
//! A failure at any step leaves nothing behind: no account rows, no SMTP row, no keyring
//! entry. `tayori account smtp` changes an account's outgoing server through
//! [`set_outgoing`], which tests the SMTP login the same way before it saves.
use crate::account::credentials::{self, CredentialError};
use crate::account::keeper::SecretKeeper;
use crate::account::oauth::TokenSet;
use crate::discovery::conntest::{ConnTestError, ServerKind, test_login_with};
use crate::model::{
    Account, AccountId, Endpoint, OAuthSettings, Protocol, SendCharset, SmtpSettings,
};
use crate::protocol::imap::Credentials;
use crate::store::{NewAccount, Store, StoreError};
use std::path::PathBuf;
use std::sync::Arc;

/// The account to add: what the wizard, the form or the command line collected.
#[derive(Debug, Clone)]
pub struct NewAccountSpec {
    /// The account itself. Its `password_command` is ignored: the [`Secret`] says.
    pub account: NewAccount,
    /// The outgoing server; None: the account can read mail but not send yet.
    pub smtp: Option<OutgoingSpec>,
    /// Test the logins before anything is stored. Only `tayori account add --no-test`
    /// turns this off (to set up an account while its servers cannot be reached).
    pub test_logins: bool,
}

/// An account's outgoing server, before the account has an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingSpec {
    pub endpoint: Endpoint,
    /// The SMTP login when it differs from the incoming one (the password is the same).
    pub username: Option<String>,
    pub send_charset: SendCharset,
    pub signature: Option<String>,
}

impl OutgoingSpec {
    /// An outgoing server with the incoming login, UTF-8 and no signature.
    pub fn new(endpoint: Endpoint) -> OutgoingSpec {
        OutgoingSpec {
            endpoint,
            username: None,
            send_charset: SendCharset::default(),
            signature: None,
        }
    }

    fn settings(&self, account_id: AccountId) -> SmtpSettings {
        SmtpSettings {
            account_id,
            endpoint: self.endpoint.clone(),
            username: self.username.clone(),
            send_charset: self.send_charset,
            signature: self.signature.clone(),
        }
    }
}

/// Where the password comes from.
#[derive(Clone)]
pub enum Secret {
    /// Typed by the user: tested, then kept by the [`SecretKeeper`].
    Password(String),
    /// A shell command printing it (like mbsync's PassCmd): run for the test, stored as the
    /// account's password command; nothing goes to the keyring.
    Command(String),
    /// OAuth2 sign-in at these settings. With the tokens of a sign-in already made (the
    /// wizard) the logins are tested with its access token and the tokens are kept; without
    /// (`tayori account add --auth oauth2`) nothing is tested or kept until
    /// [`finish_sign_in`] (`tayori account login`).
    OAuth2(Box<OAuthSettings>, Option<TokenSet>),
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Password(_) => f.write_str("Password(<hidden>)"),
            Secret::Command(c) => f.debug_tuple("Command").field(c).finish(),
            Secret::OAuth2(o, t) => f
                .debug_tuple("OAuth2")
                .field(&o.issuer)
                .field(&t.is_some())
                .finish(),
        }
    }
}

/// One server's login test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCheck {
    pub kind: ServerKind,
    pub server: Endpoint,
    pub result: Result<(), ConnTestError>,
}

/// The login tests of an account: what each server said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginCheck {
    /// The account's address (the messages name it).
    pub email: String,
    /// None only when the incoming server was not tested (`account smtp`).
    pub incoming: Option<ServerCheck>,
    pub outgoing: Option<ServerCheck>,
}

impl LoginCheck {
    /// Every tested server accepted the login.
    pub fn ok(&self) -> bool {
        self.first_failure().is_none()
    }

    /// The first refusal, incoming before outgoing.
    pub fn first_failure(&self) -> Option<(&ServerCheck, &ConnTestError)> {
        [&self.incoming, &self.outgoing]
            .into_iter()
            .flatten()
            .find_map(|c| c.result.as_ref().err().map(|e| (c, e)))
    }
}

/// Why an account was not added (nothing of it was kept).
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// A server did not accept the login (or could not be reached to try).
    #[error("{}", login_words(.0))]
    Login(Box<LoginCheck>),
    /// The password command failed, or the keyring refused the password.
    #[error(transparent)]
    Secret(#[from] CredentialError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The store is in memory: there is no database file to write the account to.
    #[error("the cache has no database file to add the account to")]
    NoDatabase,
    /// The background step was cancelled or crashed (its words).
    #[error("adding the account was interrupted: {0}")]
    Interrupted(String),
}

fn login_words(c: &LoginCheck) -> String {
    match c.first_failure() {
        Some((check, e)) => format!(
            "the login test at the {} server {}:{} failed for {}: {e}; nothing was saved",
            match check.kind {
                ServerKind::Imap => "IMAP",
                ServerKind::Pop3 => "POP3",
                ServerKind::Smtp => "SMTP",
            },
            check.server.host,
            check.server.port,
            c.email
        ),
        None => "the login test did not finish; nothing was saved".into(),
    }
}

/// The database file of an open store, for [`create_account`] and [`set_outgoing`].
pub fn database_of(store: &Store) -> Result<PathBuf, AccountError> {
    store.path().ok_or(AccountError::NoDatabase)
}

/// Tests the logins, then stores the account, its SMTP settings and its password; takes
/// everything back on any failure. `db` is the cache's database file ([`database_of`]): the
/// account is written through a connection of its own, off the caller's thread, so the
/// returned future can run on any executor thread (the window's `Task::perform`).
pub async fn create_account(
    db: PathBuf,
    spec: NewAccountSpec,
    secret: Secret,
    keeper: Arc<dyn SecretKeeper>,
) -> Result<AccountId, AccountError> {
    let NewAccountSpec {
        mut account,
        smtp,
        test_logins,
    } = spec;
    account.password_command = match &secret {
        Secret::Command(c) => Some(c.clone()),
        Secret::Password(_) | Secret::OAuth2(..) => None,
    };
    if test_logins {
        // An OAuth2 account without a sign-in yet has nothing to test with.
        let creds = match &secret {
            Secret::OAuth2(_, Some(t)) => {
                Some(Credentials::oauth2(&account.username, &t.access_token))
            }
            Secret::OAuth2(_, None) => None,
            other => Some(Credentials::password(
                &account.username,
                &password_of(other).await?,
            )),
        };
        if let Some(creds) = creds {
            let check = check_logins(&account, smtp.as_ref(), &creds).await;
            if !check.ok() {
                return Err(AccountError::Login(Box::new(check)));
            }
        }
    }
    let (keep, oauth) = match secret {
        Secret::Password(p) => (Some(p), None),
        Secret::Command(_) => (None, None),
        Secret::OAuth2(o, t) => (t.map(|t| t.to_json()), Some(*o)),
    };
    blocking(move || {
        store_account(
            &db,
            &account,
            smtp.as_ref(),
            keep.as_deref(),
            &*keeper,
            oauth.as_ref(),
        )
    })
    .await?
}

/// Keeps the tokens of a sign-in (`tayori account login`) after testing the account's
/// logins (incoming and SMTP) with its access token; on a refusal nothing is kept.
pub async fn finish_sign_in(
    db: PathBuf,
    id: AccountId,
    tokens: TokenSet,
    keeper: Arc<dyn SecretKeeper>,
) -> Result<(), AccountError> {
    let (account, smtp) = blocking(move || -> Result<_, StoreError> {
        let store = Store::open(&db)?;
        Ok((store.account(id)?, store.smtp_settings(id)?))
    })
    .await??;
    let new = NewAccount {
        name: account.name.clone(),
        email: account.email.clone(),
        username: account.username.clone(),
        protocol: account.protocol,
        imap: account.imap.clone(),
        pop3: account.pop3,
        password_command: None,
        ca_file: account.ca_file.clone(),
    };
    let outgoing = smtp.map(|s| OutgoingSpec {
        endpoint: s.endpoint,
        username: s.username,
        send_charset: s.send_charset,
        signature: s.signature,
    });
    let creds = Credentials::oauth2(&account.username, &tokens.access_token);
    let check = check_logins(&new, outgoing.as_ref(), &creds).await;
    if !check.ok() {
        return Err(AccountError::Login(Box::new(check)));
    }
    crate::account::oauth::keep_tokens(&account, keeper, &tokens)
        .await
        .map_err(|e| match e {
            crate::account::oauth::OAuthError::Keyring(c) => AccountError::Secret(c),
            other => AccountError::Interrupted(other.to_string()),
        })
}

/// Sets (or replaces) an account's outgoing server, after testing its SMTP login with the
/// account's password (from its password command or the keeper) unless `test_login` is
/// false. On failure the earlier settings stay as they were.
pub async fn set_outgoing(
    db: PathBuf,
    id: AccountId,
    smtp: OutgoingSpec,
    test_login: bool,
    keeper: Arc<dyn SecretKeeper>,
) -> Result<(), AccountError> {
    let path = db.clone();
    let account = blocking(move || Store::open(&path)?.account(id)).await??;
    if test_login {
        let creds = match &account.oauth {
            Some(o) => {
                let token = crate::account::oauth::access_token(&account, o, keeper, None)
                    .await
                    .map_err(|e| AccountError::Interrupted(e.to_string()))?;
                Credentials::oauth2(&account.username, &token)
            }
            None => {
                let acc = account.clone();
                let password = blocking(move || match &acc.password_command {
                    Some(cmd) => credentials::run_command(cmd),
                    None => keeper.password(&acc),
                })
                .await??;
                Credentials::password(&account.username, &password)
            }
        };
        let outgoing = check_smtp(account.ca_file.as_deref(), &smtp, &creds);
        let check = LoginCheck {
            email: account.email.clone(),
            incoming: None,
            outgoing: Some(outgoing.await),
        };
        if !check.ok() {
            return Err(AccountError::Login(Box::new(check)));
        }
    }
    blocking(move || Store::open(&db)?.set_smtp_settings(&smtp.settings(id))).await??;
    Ok(())
}

/// Runs blocking work (SQLite, the keyring, a password command) off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AccountError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AccountError::Interrupted(e.to_string()))
}

async fn password_of(secret: &Secret) -> Result<String, AccountError> {
    match secret {
        Secret::Password(p) => Ok(p.clone()),
        Secret::Command(cmd) => {
            let cmd = cmd.clone();
            Ok(blocking(move || credentials::run_command(&cmd)).await??)
        }
        Secret::OAuth2(_, t) => Ok(t
            .as_ref()
            .map(|t| t.access_token.clone())
            .unwrap_or_default()),
    }
}

/// Both logins at once: the incoming server with the account's login, the outgoing one
/// with its own login when it has one.
async fn check_logins(
    account: &NewAccount,
    smtp: Option<&OutgoingSpec>,
    creds: &Credentials,
) -> LoginCheck {
    let kind = match account.protocol {
        Protocol::Imap => ServerKind::Imap,
        Protocol::Pop3 => ServerKind::Pop3,
    };
    let ca = account.ca_file.as_deref();
    let incoming = async {
        ServerCheck {
            kind,
            server: account.imap.clone(),
            result: test_login_with(kind, &account.imap, creds, ca).await,
        }
    };
    let outgoing = async {
        match smtp {
            Some(s) => Some(check_smtp(ca, s, creds).await),
            None => None,
        }
    };
    let (incoming, outgoing) = futures::join!(incoming, outgoing);
    LoginCheck {
        email: account.email.clone(),
        incoming: Some(incoming),
        outgoing,
    }
}

async fn check_smtp(ca: Option<&str>, smtp: &OutgoingSpec, creds: &Credentials) -> ServerCheck {
    let mut creds = creds.clone();
    if let Some(u) = smtp.username.as_deref().filter(|u| !u.is_empty()) {
        creds.username = u.to_string();
    }
    ServerCheck {
        kind: ServerKind::Smtp,
        server: smtp.endpoint.clone(),
        result: test_login_with(ServerKind::Smtp, &smtp.endpoint, &creds, ca).await,
    }
}

/// Steps 2 and 3, blocking: the rows in one transaction, then the password; when keeping
/// the password fails, the rows go again (and whatever the keeper may have half-written).
fn store_account(
    db: &std::path::Path,
    new: &NewAccount,
    smtp: Option<&OutgoingSpec>,
    password: Option<&str>,
    keeper: &dyn SecretKeeper,
    oauth: Option<&OAuthSettings>,
) -> Result<AccountId, AccountError> {
    let store = Store::open(db)?;
    let settings = smtp.map(|s| s.settings(AccountId(0)));
    let id = store.add_account_with_smtp(new, settings.as_ref())?;
    if let Some(o) = oauth
        && let Err(e) = store.set_account_oauth(id, Some(o))
    {
        let _ = store.remove_account(id);
        return Err(e.into());
    }
    let Some(password) = password else {
        return Ok(id);
    };
    let kept = store
        .account(id)
        .map_err(AccountError::from)
        .and_then(|account| {
            keeper.keep(&account, password).map_err(|e| {
                undo_secret(keeper, &account);
                AccountError::from(e)
            })
        });
    match kept {
        Ok(()) => Ok(id),
        Err(e) => {
            if let Err(undo) = store.remove_account(id) {
                tracing::error!(%undo, "could not take back the account after: {e}");
            }
            Err(e)
        }
    }
}

fn undo_secret(keeper: &dyn SecretKeeper, account: &Account) {
    if let Err(undo) = keeper.forget(account) {
        tracing::warn!(%undo, "could not remove a half-kept password");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::keeper::MemoryKeeper;
    use crate::model::Security;

    fn spec(host: &str, port: u16) -> NewAccountSpec {
        NewAccountSpec {
            account: NewAccount::imap("a@example.test", host, port, Security::Tls),
            smtp: Some(OutgoingSpec::new(Endpoint {
                host: host.into(),
                port,
                security: Security::Starttls,
            })),
            test_logins: false,
        }
    }

    /// `create_account` run to its end on a runtime of its own.
    fn create(
        db: &std::path::Path,
        spec: NewAccountSpec,
        secret: Secret,
        keeper: Arc<MemoryKeeper>,
    ) -> Result<AccountId, AccountError> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(create_account(db.to_path_buf(), spec, secret, keeper))
    }

    #[test]
    fn without_tests_the_account_its_smtp_and_password_are_stored() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tayori.sqlite3");
        let keeper = Arc::new(MemoryKeeper::new());
        let id = create(
            &db,
            spec("mail.example.test", 993),
            Secret::Password("pw".into()),
            keeper.clone(),
        )
        .unwrap();
        let store = Store::open(&db).unwrap();
        assert_eq!(store.account(id).unwrap().email, "a@example.test");
        assert!(store.smtp_settings(id).unwrap().is_some());
        assert_eq!(
            keeper.entries(),
            vec![(format!("a@example.test#{}", id.0), "pw".to_string())]
        );
    }

    #[test]
    fn a_keyring_failure_takes_the_rows_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tayori.sqlite3");
        let keeper = Arc::new(MemoryKeeper::unreachable("no Secret Service"));
        let e = create(
            &db,
            spec("mail.example.test", 993),
            Secret::Password("pw".into()),
            keeper.clone(),
        )
        .unwrap_err();
        assert!(
            matches!(e, AccountError::Secret(CredentialError::Keyring(_))),
            "{e:?}"
        );
        let store = Store::open(&db).unwrap();
        assert!(store.accounts().unwrap().is_empty());
        // The SMTP row went with the account (its foreign key cascades).
        assert!(store.smtp_settings(AccountId(1)).unwrap().is_none());
    }

    #[test]
    fn a_password_command_is_stored_and_nothing_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tayori.sqlite3");
        let keeper = Arc::new(MemoryKeeper::new());
        let id = create(
            &db,
            spec("mail.example.test", 993),
            Secret::Command("printf %s pw".into()),
            keeper.clone(),
        )
        .unwrap();
        let a = Store::open(&db).unwrap().account(id).unwrap();
        assert_eq!(a.password_command.as_deref(), Some("printf %s pw"));
        assert!(keeper.entries().is_empty());
    }

    #[test]
    fn a_failing_password_command_stops_before_the_test() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tayori.sqlite3");
        let mut s = spec("mail.example.test", 993);
        s.test_logins = true;
        let e = create(
            &db,
            s,
            Secret::Command("exit 3".into()),
            Arc::new(MemoryKeeper::new()),
        )
        .unwrap_err();
        assert!(
            matches!(e, AccountError::Secret(CredentialError::Command(_))),
            "{e:?}"
        );
        assert!(Store::open(&db).unwrap().accounts().unwrap().is_empty());
    }
}
