//! Accounts table.
use super::{Result, Store, StoreError, now};
use crate::model::{Account, AccountId, Endpoint, Security};
use rusqlite::{OptionalExtension, Row, params};

/// What `account add` supplies.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub name: String,
    pub email: String,
    pub username: String,
    pub imap: Endpoint,
    pub password_command: Option<String>,
    pub ca_file: Option<String>,
}

const COLS: &str = "id, name, email, username, imap_host, imap_port, imap_security, \
                    password_command, ca_file, sync_enabled";

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
    })
}

impl Store {
    pub fn add_account(&self, a: &NewAccount) -> Result<AccountId> {
        self.conn.execute(
            "INSERT INTO accounts (name, email, username, imap_host, imap_port, imap_security,
                                   password_command, ca_file, created)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                a.name,
                a.email,
                a.username,
                a.imap.host,
                a.imap.port,
                a.imap.security.as_str(),
                a.password_command,
                a.ca_file,
                now()
            ],
        )?;
        Ok(AccountId(self.conn.last_insert_rowid()))
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

    pub fn set_sync_enabled(&self, id: AccountId, on: bool) -> Result<()> {
        self.conn.execute(
            "UPDATE accounts SET sync_enabled = ?2 WHERE id = ?1",
            params![id.0, on],
        )?;
        Ok(())
    }
}
