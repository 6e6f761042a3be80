//! `tayori account add|list|remove`.
use super::{AccountCmd, CliError, Result, print_json};
use crate::account::credentials;
use crate::engine::Engine;
use crate::model::{AccountId, Endpoint, Security, SendCharset, SmtpSettings};
use crate::store::NewAccount;
use clap::Args;
use std::io::Read;

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub imap_host: String,
    #[arg(long)]
    pub imap_port: u16,
    /// tls (implicit, usually 993) or starttls (usually 143).
    #[arg(long, value_parser = ["tls", "starttls"])]
    pub imap_security: String,
    /// Login name (default: the e-mail address).
    #[arg(long)]
    pub username: Option<String>,
    /// Shell command printing the password (like mbsync's PassCmd).
    #[arg(long, conflicts_with = "password_stdin")]
    pub password_command: Option<String>,
    /// Read the password from standard input and keep it in the OS keyring.
    #[arg(long)]
    pub password_stdin: bool,
    /// Extra CA certificate (PEM) to trust for this account's servers.
    #[arg(long)]
    pub ca_file: Option<std::path::PathBuf>,
    /// Display name of the account.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub smtp: SmtpArgs,
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
    /// The settings, None when no --smtp-host was given.
    fn settings(&self, account: AccountId) -> Result<Option<SmtpSettings>> {
        let (Some(host), Some(port), Some(sec)) =
            (&self.smtp_host, self.smtp_port, &self.smtp_security)
        else {
            return Ok(None);
        };
        Ok(Some(SmtpSettings {
            account_id: account,
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
}

pub fn run(engine: &mut Engine, cmd: AccountCmd) -> Result<()> {
    match cmd {
        AccountCmd::Add(a) => add(engine, *a),
        AccountCmd::List { json } => {
            let accounts = engine.store.accounts()?;
            let mut listed = Vec::new();
            for account in accounts {
                let smtp = engine.store.smtp_settings(account.id)?;
                listed.push(Listed { account, smtp });
            }
            if json {
                return print_json(&listed);
            }
            for Listed { account: a, smtp } in listed {
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
                println!(
                    "{}\t{}\t{}\t{}:{} ({}){smtp}",
                    a.id,
                    a.name,
                    a.email,
                    a.imap.host,
                    a.imap.port,
                    a.imap.security.as_str()
                );
            }
            Ok(())
        }
        AccountCmd::Smtp { id, smtp } => {
            let acc = engine.store.account(AccountId(id))?;
            let Some(settings) = smtp.settings(acc.id)? else {
                return Err(CliError::Usage(
                    "give --smtp-host, --smtp-port and --smtp-security".into(),
                ));
            };
            engine.store.set_smtp_settings(&settings)?;
            Ok(())
        }
        AccountCmd::Remove { id } => {
            let acc = engine.store.account(AccountId(id))?;
            engine.store.remove_account(acc.id)?;
            if acc.password_command.is_none() {
                outside_runtime(|| credentials::forget_password(&acc));
            }
            Ok(())
        }
    }
}

fn add(engine: &mut Engine, a: AddArgs) -> Result<()> {
    if a.password_command.is_none() && !a.password_stdin {
        return Err(CliError::Usage(
            "give --password-command CMD or --password-stdin".into(),
        ));
    }
    let ca_file = match &a.ca_file {
        Some(p) => Some(
            std::fs::canonicalize(p)
                .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", p.display())))?
                .display()
                .to_string(),
        ),
        None => None,
    };
    let security = Security::parse(&a.imap_security)
        .ok_or_else(|| CliError::Usage("--imap-security must be tls or starttls".into()))?;
    let password = if a.password_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        Some(s.lines().next().unwrap_or("").to_string())
    } else {
        None
    };
    let new = NewAccount {
        name: a.name.clone().unwrap_or_else(|| a.email.clone()),
        email: a.email.clone(),
        username: a.username.clone().unwrap_or_else(|| a.email.clone()),
        imap: Endpoint {
            host: a.imap_host,
            port: a.imap_port,
            security,
        },
        password_command: a.password_command,
        ca_file,
    };
    // Checked before the account exists, so a bad value leaves nothing behind.
    let smtp = a.smtp.settings(AccountId(0))?;
    let id = engine.store.add_account(&new)?;
    if let Some(mut settings) = smtp {
        settings.account_id = id;
        engine.store.set_smtp_settings(&settings)?;
    }
    if let Some(pw) = password {
        let acc = engine.store.account(id)?;
        if let Err(e) = outside_runtime(|| credentials::store_password(&acc, &pw)) {
            // Do not leave an account that can never log in.
            engine.store.remove_account(id)?;
            return Err(crate::engine::EngineError::Credentials(e).into());
        }
    }
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
