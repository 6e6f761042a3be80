//! `tayori account add|list|remove|smtp`. Adding goes through the engine's one account path
//! (`engine::accounts::create_account`): the logins are tested (unless `--no-test`), then
//! the account, its SMTP settings and the password are stored, or nothing is.
use super::{AccountCmd, CliError, Result, print_json};
use crate::account::credentials;
use crate::account::keeper::OsKeyring;
use crate::engine::accounts::{
    NewAccountSpec, OutgoingSpec, Secret, create_account, database_of, set_outgoing,
};
use crate::engine::{Engine, EngineError};
use crate::model::{
    AccountId, Endpoint, Pop3Options, Protocol, Security, SendCharset, SmtpSettings,
};
use crate::store::NewAccount;
use clap::Args;
use std::io::Read;
use std::sync::Arc;

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    pub email: String,
    /// IMAP server (give either the --imap-* or the --pop3-* options).
    #[arg(
        long,
        required_unless_present = "pop3_host",
        conflicts_with = "pop3_host"
    )]
    pub imap_host: Option<String>,
    #[arg(long, requires = "imap_host")]
    pub imap_port: Option<u16>,
    /// tls (implicit, usually 993) or starttls (usually 143).
    #[arg(long, value_parser = ["tls", "starttls"], requires = "imap_host")]
    pub imap_security: Option<String>,
    /// POP3 server: mail is downloaded into local folders.
    #[arg(long)]
    pub pop3_host: Option<String>,
    #[arg(long, requires = "pop3_host")]
    pub pop3_port: Option<u16>,
    /// tls (implicit, usually 995) or starttls (STLS, usually 110).
    #[arg(long, value_parser = ["tls", "starttls"], requires = "pop3_host")]
    pub pop3_security: Option<String>,
    /// Leave a copy of downloaded mail on the server (the default).
    #[arg(long, requires = "pop3_host", conflicts_with = "no_leave_on_server")]
    pub leave_on_server: bool,
    /// Delete each message from the server once it is downloaded.
    #[arg(long, requires = "pop3_host", conflicts_with = "delete_after_days")]
    pub no_leave_on_server: bool,
    /// Leave copies, but delete each from the server N days after downloading it.
    #[arg(long, requires = "pop3_host", value_name = "N")]
    pub delete_after_days: Option<u32>,
    /// Delete the server copy when the message is deleted here.
    #[arg(long, requires = "pop3_host")]
    pub delete_on_server_when_deleted: bool,
    /// Login name (default: the e-mail address).
    #[arg(long)]
    pub username: Option<String>,
    /// Shell command printing the password (like mbsync's PassCmd).
    #[arg(long, conflicts_with = "password_stdin")]
    pub password_command: Option<String>,
    /// Read the password from standard input and keep it in the OS keyring.
    #[arg(long)]
    pub password_stdin: bool,
    /// How the account signs in: password (default) or oauth2 (then `tayori account login
    /// ID` signs it in through the provider's web page).
    #[arg(long, value_parser = ["password", "oauth2"], default_value = "password")]
    pub auth: String,
    /// The OAuth2 authorization server: a known provider's name (microsoft,
    /// microsoft-work, google, yahoo, aol, fastmail) or an issuer URL whose metadata gives
    /// the endpoints (RFC 8414 or OpenID discovery). Default: the provider of the address.
    #[arg(long)]
    pub oauth_issuer: Option<String>,
    /// The OAuth2 client ID of the app registered at the provider (default: the build's or
    /// TAYORI_OAUTH_CLIENT_ID_<PROVIDER>).
    #[arg(long)]
    pub oauth_client_id: Option<String>,
    /// An OAuth2 scope to ask for (repeat it for several; default: the provider's).
    #[arg(long)]
    pub oauth_scope: Vec<String>,
    /// Extra CA certificate (PEM) to trust for this account's servers.
    #[arg(long)]
    pub ca_file: Option<std::path::PathBuf>,
    /// Display name of the account.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub smtp: SmtpArgs,
    #[command(flatten)]
    pub test: TestArgs,
}

/// Whether the logins are tried before anything is stored.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Store the settings without testing the logins first (for a server that cannot be
    /// reached now). By default the incoming and the SMTP logins are tested, and nothing is
    /// stored when one fails.
    #[arg(long)]
    pub no_test: bool,
}

/// The outgoing server of an account.
#[derive(Debug, Args)]
pub struct SmtpArgs {
    /// SMTP submission server for sending.
    #[arg(long, requires_all = ["smtp_port", "smtp_security"])]
    pub smtp_host: Option<String>,
    /// Usually 587 (starttls) or 465 (tls).
    #[arg(long, requires = "smtp_host")]
    pub smtp_port: Option<u16>,
    #[arg(long, value_parser = ["tls", "starttls"], requires = "smtp_host")]
    pub smtp_security: Option<String>,
    /// SMTP login, when it differs from the incoming one (the password is the same).
    #[arg(long, requires = "smtp_host")]
    pub smtp_username: Option<String>,
    /// utf-8 (default) or iso-2022-jp (falls back to UTF-8, with a warning, when a
    /// character does not fit).
    #[arg(long, value_parser = ["utf-8", "iso-2022-jp"], requires = "smtp_host")]
    pub send_charset: Option<String>,
    /// Signature put under "-- " at the end of messages sent from this account.
    #[arg(long, requires = "smtp_host")]
    pub signature: Option<String>,
}

impl SmtpArgs {
    /// The outgoing server, None when no --smtp-host was given.
    fn outgoing(&self) -> Result<Option<OutgoingSpec>> {
        let (Some(host), Some(port), Some(sec)) =
            (&self.smtp_host, self.smtp_port, &self.smtp_security)
        else {
            return Ok(None);
        };
        Ok(Some(OutgoingSpec {
            endpoint: Endpoint {
                host: host.clone(),
                port,
                security: Security::parse(sec).ok_or_else(|| {
                    CliError::Usage("--smtp-security must be tls or starttls".into())
                })?,
            },
            username: self.smtp_username.clone(),
            send_charset: SendCharset::parse(self.send_charset.as_deref().unwrap_or("utf-8"))
                .ok_or_else(|| {
                    CliError::Usage("--send-charset must be utf-8 or iso-2022-jp".into())
                })?,
            signature: self.signature.clone().filter(|s| !s.trim().is_empty()),
        }))
    }
}

/// An account as `account list --json` shows it: its fields plus its SMTP settings.
#[derive(serde::Serialize)]
struct Listed {
    #[serde(flatten)]
    account: crate::model::Account,
    smtp: Option<SmtpSettings>,
    offline: super::account_set::OfflineView,
}

pub async fn run(engine: &mut Engine, cmd: AccountCmd) -> Result<()> {
    match cmd {
        AccountCmd::Add(a) => add(engine, *a).await,
        AccountCmd::List { json } => {
            let accounts = engine.store.accounts()?;
            let mut listed = Vec::new();
            for account in accounts {
                let smtp = engine.store.smtp_settings(account.id)?;
                let offline = engine.store.offline_policy(account.id)?.into();
                listed.push(Listed {
                    account,
                    smtp,
                    offline,
                });
            }
            if json {
                return print_json(&listed);
            }
            for Listed {
                account: a,
                smtp,
                offline,
            } in listed
            {
                let smtp = smtp
                    .map(|s| {
                        format!(
                            "\tsmtp {}:{} ({})",
                            s.endpoint.host,
                            s.endpoint.port,
                            s.endpoint.security.as_str()
                        )
                    })
                    .unwrap_or_default();
                let offline = match offline.mode.as_str() {
                    "on-demand" => String::new(),
                    mode => format!("\toffline {mode}"),
                };
                println!(
                    "{}\t{}\t{}\t{} {}:{} ({}){smtp}{offline}",
                    a.id,
                    a.name,
                    a.email,
                    a.protocol.as_str(),
                    a.imap.host,
                    a.imap.port,
                    a.imap.security.as_str()
                );
            }
            Ok(())
        }
        AccountCmd::Login { id, no_browser } => {
            super::login_cmd::run(engine, AccountId(id), no_browser).await
        }
        AccountCmd::Set { id, settings } => super::account_set::run(engine, id, &settings),
        AccountCmd::Smtp { id, smtp, test } => {
            let acc = engine.store.account(AccountId(id))?;
            let Some(outgoing) = smtp.outgoing()? else {
                return Err(CliError::Usage(
                    "give --smtp-host, --smtp-port and --smtp-security".into(),
                ));
            };
            let db = database_of(&engine.store).map_err(EngineError::from)?;
            set_outgoing(db, acc.id, outgoing, !test.no_test, Arc::new(OsKeyring))
                .await
                .map_err(EngineError::from)?;
            Ok(())
        }
        AccountCmd::Remove { id } => {
            let acc = engine.store.account(AccountId(id))?;
            // This device's METADATA entry goes first (it needs the password); a server
            // that cannot be reached now keeps it, and says so, but the account goes.
            let unregister = engine.unregister_device(&acc);
            match tokio::time::timeout(std::time::Duration::from_secs(20), unregister).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => eprintln!(
                    "note: this device's entry stays on the server (it could not be removed: {})",
                    super::out::terminal_safe(&e.to_string())
                ),
                Err(_) => eprintln!(
                    "note: this device's entry stays on the server (the server did not answer)"
                ),
            }
            engine.store.remove_account(acc.id)?;
            if acc.password_command.is_none() {
                outside_runtime(|| credentials::forget_password(&acc));
            }
            Ok(())
        }
    }
}

async fn add(engine: &mut Engine, a: AddArgs) -> Result<()> {
    let ca_file = match &a.ca_file {
        Some(p) => Some(
            std::fs::canonicalize(p)
                .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", p.display())))?
                .display()
                .to_string(),
        ),
        None => None,
    };
    let (protocol, host, port, security) = match (&a.imap_host, &a.pop3_host) {
        (Some(h), None) => (
            Protocol::Imap,
            h.clone(),
            a.imap_port,
            a.imap_security.as_deref(),
        ),
        (None, Some(h)) => (
            Protocol::Pop3,
            h.clone(),
            a.pop3_port,
            a.pop3_security.as_deref(),
        ),
        _ => {
            return Err(CliError::Usage(
                "give either --imap-host or --pop3-host".into(),
            ));
        }
    };
    let flag = protocol.as_str();
    let port =
        port.ok_or_else(|| CliError::Usage(format!("give --{flag}-port (e.g. 993 or 995)")))?;
    let security = security
        .and_then(Security::parse)
        .ok_or_else(|| CliError::Usage(format!("--{flag}-security must be tls or starttls")))?;
    if a.delete_after_days == Some(0) {
        return Err(CliError::Usage(
            "--delete-after-days must be at least 1 (use --no-leave-on-server to delete at once)"
                .into(),
        ));
    }
    let pop3 = Pop3Options {
        leave_on_server: !a.no_leave_on_server,
        delete_after_days: a.delete_after_days,
        delete_when_deleted: a.delete_on_server_when_deleted,
    };
    let secret = match (a.password_stdin, a.password_command) {
        _ if a.auth == "oauth2" => Secret::OAuth2(
            Box::new(
                super::login_cmd::oauth_settings(
                    &a.email,
                    &host,
                    a.oauth_issuer.as_deref(),
                    a.oauth_client_id.clone(),
                    a.oauth_scope.clone(),
                )
                .await?,
            ),
            None,
        ),
        (true, _) => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            Secret::Password(s.lines().next().unwrap_or("").to_string())
        }
        (false, Some(cmd)) => Secret::Command(cmd),
        (false, None) => {
            return Err(CliError::Usage(
                "give --password-command CMD or --password-stdin".into(),
            ));
        }
    };
    let account = NewAccount {
        name: a.name.clone().unwrap_or_else(|| a.email.clone()),
        email: a.email.clone(),
        username: a.username.clone().unwrap_or_else(|| a.email.clone()),
        protocol,
        imap: Endpoint {
            host,
            port,
            security,
        },
        pop3,
        password_command: None,
        ca_file,
    };
    // Checked before anything is tried, so a bad value leaves nothing behind.
    let spec = NewAccountSpec {
        account,
        smtp: a.smtp.outgoing()?,
        test_logins: !a.test.no_test,
    };
    let db = database_of(&engine.store).map_err(EngineError::from)?;
    let id = create_account(db, spec, secret, Arc::new(OsKeyring))
        .await
        .map_err(EngineError::from)?;
    println!("{id}");
    Ok(())
}

/// Runs `f` on a plain thread: the Secret Service client must not run inside the async
/// runtime (it starts its own executor).
fn outside_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(v) => v,
        Err(p) => std::panic::resume_unwind(p),
    })
}
