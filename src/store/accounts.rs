//! Accounts table.
use super::{Result, Store, StoreError, now};
use crate::model::{Account, AccountId, Endpoint, Pop3Options, Protocol, Security, SmtpSettings};
use rusqlite::{OptionalExtension, Row, params};

/// What `account add` supplies.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub name: String,
    pub email: String,
    pub username: String,
    /// IMAP or POP3 (the incoming server `imap` speaks that protocol).
    pub protocol: Protocol,
    pub imap: Endpoint,
    pub pop3: Pop3Options,
    pub password_command: Option<String>,
    pub ca_file: Option<String>,
}

impl NewAccount {
    /// An IMAP account whose login is the address (the add-account form's default).
    pub fn imap(email: &str, host: &str, port: u16, security: crate::model::Security) -> Self {
        NewAccount {
            name: email.to_string(),
            email: email.to_string(),
            username: email.to_string(),
            protocol: Protocol::Imap,
            imap: Endpoint {
                host: host.to_string(),
                port,
                security,
            },
            pop3: Pop3Options::default(),
            password_command: None,
            ca_file: None,
        }
    }
}

const COLS: &str = "id, name, email, username, imap_host, imap_port, imap_security, \
                    password_command, ca_file, sync_enabled, protocol, pop3_leave_on_server, \
                    pop3_delete_after_days, pop3_delete_when_deleted, oauth";

fn row_to_account(r: &Row<'_>) -> rusqlite::Result<Account> {
    let sec: String = r.get(6)?;
    Ok(Account {
        id: AccountId(r.get(0)?),
        name: r.get(1)?,
        email: r.get(2)?,
        username: r.get(3)?,
        imap: Endpoint {
            host: r.get(4)?,
            port: r.get(5)?,
            security: Security::parse(&sec).unwrap_or(Security::Tls),
        },
        password_command: r.get(7)?,
        ca_file: r.get(8)?,
        sync_enabled: r.get(9)?,
        protocol: Protocol::parse(&r.get::<_, String>(10)?).unwrap_or_default(),
        pop3: Pop3Options {
            leave_on_server: r.get(11)?,
            delete_after_days: r.get(12)?,
            delete_when_deleted: r.get(13)?,
        },
        oauth: r
            .get::<_, Option<String>>(14)?
            .and_then(|j| serde_json::from_str(&j).ok()),
    })
}

impl Store {
    pub fn add_account(&self, a: &NewAccount) -> Result<AccountId> {
        self.conn.execute(
            "INSERT INTO accounts (name, email, username, imap_host, imap_port, imap_security,
                                   password_command, ca_file, created, protocol,
                                   pop3_leave_on_server, pop3_delete_after_days,
                                   pop3_delete_when_deleted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                a.name,
                a.email,
                a.username,
                a.imap.host,
                a.imap.port,
                a.imap.security.as_str(),
                a.password_command,
                a.ca_file,
                now(),
                a.protocol.as_str(),
                a.pop3.leave_on_server,
                a.pop3.delete_after_days,
                a.pop3.delete_when_deleted,
            ],
        )?;
        let id = AccountId(self.conn.last_insert_rowid());
        if a.protocol == Protocol::Pop3 {
            self.ensure_local_folders(id)?;
        }
        Ok(id)
    }

    /// Adds the account and, when given, its SMTP settings (their `account_id` is set to
    /// the new account's) in one transaction: both are stored, or neither.
    pub fn add_account_with_smtp(
        &self,
        a: &NewAccount,
        smtp: Option<&SmtpSettings>,
    ) -> Result<AccountId> {
        let tx = self.conn.unchecked_transaction()?;
        let id = self.add_account(a)?;
        if let Some(s) = smtp {
            let mut s = s.clone();
            s.account_id = id;
            self.set_smtp_settings(&s)?;
        }
        tx.commit()?;
        Ok(id)
    }

    pub fn accounts(&self) -> Result<Vec<Account>> {
        let mut st = self
            .conn
            .prepare(&format!("SELECT {COLS} FROM accounts ORDER BY id"))?;
        let rows = st.query_map([], row_to_account)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn account(&self, id: AccountId) -> Result<Account> {
        self.conn
            .query_row(
                &format!("SELECT {COLS} FROM accounts WHERE id = ?1"),
                [id.0],
                row_to_account,
            )
            .optional()?
            .ok_or(StoreError::NoAccount(id.0))
    }

    /// Removes the account and everything cached for it.
    pub fn remove_account(&self, id: AccountId) -> Result<()> {
        let n = self
            .conn
            .execute("DELETE FROM accounts WHERE id = ?1", [id.0])?;
        if n == 0 {
            return Err(StoreError::NoAccount(id.0));
        }
        Ok(())
    }

    /// Makes the account sign in with OAuth2 (`Some`) or a password (`None`).
    pub fn set_account_oauth(
        &self,
        id: AccountId,
        oauth: Option<&crate::model::OAuthSettings>,
    ) -> Result<()> {
        let json = oauth.map(|o| serde_json::to_string(o).unwrap_or_default());
        let n = self.conn.execute(
            "UPDATE accounts SET oauth = ?2 WHERE id = ?1",
            params![id.0, json],
        )?;
        if n == 0 {
            return Err(StoreError::NoAccount(id.0));
        }
        Ok(())
    }

    pub fn set_sync_enabled(&self, id: AccountId, on: bool) -> Result<()> {
        self.conn.execute(
            "UPDATE accounts SET sync_enabled = ?2 WHERE id = ?1",
            params![id.0, on],
        )?;
        Ok(())
    }
}

impl Store {
    /// The account's offline policy (which bodies to keep on this device).
    pub fn offline_policy(&self, id: AccountId) -> Result<crate::model::OfflinePolicy> {
        let (mode, max): (String, i64) = self
            .conn
            .query_row(
                "SELECT offline_mode, offline_attachments_max_mb FROM accounts WHERE id = ?1",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(StoreError::NoAccount(id.0))?;
        Ok(crate::model::OfflinePolicy {
            mode: crate::model::OfflineMode::parse(&mode).unwrap_or_default(),
            attachments_max_mb: u32::try_from(max).unwrap_or(0),
        })
    }

    pub fn set_offline_policy(
        &self,
        id: AccountId,
        policy: &crate::model::OfflinePolicy,
    ) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE accounts SET offline_mode = ?2, offline_attachments_max_mb = ?3 WHERE id = ?1",
            params![id.0, policy.mode.as_str(), policy.attachments_max_mb],
        )?;
        if n == 0 {
            return Err(StoreError::NoAccount(id.0));
        }
        Ok(())
    }
}
