//! SMTP settings per account (table `account_smtp`).
use super::{Result, Store};
use crate::model::{AccountId, Endpoint, Security, SendCharset, SmtpSettings};
use rusqlite::{OptionalExtension, params};

impl Store {
    /// Sets (or replaces) how the account sends mail.
    pub fn set_smtp_settings(&self, s: &SmtpSettings) -> Result<()> {
        self.conn.execute(
            "INSERT INTO account_smtp (account_id, host, port, security, username, send_charset,
                                       signature)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (account_id) DO UPDATE SET host = ?2, port = ?3, security = ?4,
                 username = ?5, send_charset = ?6, signature = ?7",
            params![
                s.account_id.0,
                s.endpoint.host,
                s.endpoint.port,
                s.endpoint.security.as_str(),
                s.username,
                s.send_charset.as_str(),
                s.signature
            ],
        )?;
        Ok(())
    }

    /// The account's SMTP settings, None when it has none (it cannot send yet).
    pub fn smtp_settings(&self, account: AccountId) -> Result<Option<SmtpSettings>> {
        Ok(self
            .conn
            .query_row(
                "SELECT host, port, security, username, send_charset, signature FROM account_smtp
                 WHERE account_id = ?1",
                [account.0],
                |r| {
                    let sec: String = r.get(2)?;
                    let cs: String = r.get(4)?;
                    Ok(SmtpSettings {
                        account_id: account,
                        endpoint: Endpoint {
                            host: r.get(0)?,
                            port: r.get(1)?,
                            security: Security::parse(&sec).unwrap_or(Security::Tls),
                        },
                        username: r.get(3)?,
                        send_charset: SendCharset::parse(&cs).unwrap_or_default(),
                        signature: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }
}
