//! This device's identity (an id made once per data directory, a name) and what the
//! servers told at the last pass: the devices registered in METADATA and the quota.
use super::{Result, Store, StoreError};
use crate::model::AccountId;
use rusqlite::{OptionalExtension, params};

/// One Tayori install as it registers itself on a server (the METADATA entry's value).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeviceInfo {
    pub id: String,
    pub name: String,
    pub os: String,
    pub version: String,
    /// Unix seconds of its last complete pass.
    pub last_sync: i64,
    /// Its offline policy (`on-demand`, `days:N`, `all`).
    pub offline: String,
    /// Messages and bytes of bodies it holds for this account.
    pub messages: u64,
    pub bytes: u64,
    /// Its changes not yet on the server.
    pub waiting: u64,
}

/// The quota of an account's INBOX root (RFC 9208), in bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QuotaInfo {
    pub root: String,
    pub used_bytes: u64,
    pub limit_bytes: u64,
}

impl QuotaInfo {
    /// Used share in percent (0 when the limit is 0).
    pub fn percent(&self) -> u64 {
        (self.used_bytes.saturating_mul(100))
            .checked_div(self.limit_bytes)
            .unwrap_or(0)
    }
}

/// What an account's server told at the last pass.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ServerInfo {
    /// Whether it offers METADATA (None: not asked yet, e.g. before the first pass).
    pub metadata: Option<bool>,
    /// The devices registered there, this one included.
    pub devices: Vec<DeviceInfo>,
    /// None: the server reports no quota (or was not asked yet).
    pub quota: Option<QuotaInfo>,
    /// Unix seconds of the last look.
    pub checked: i64,
}

/// What would be lost if this computer broke, and what the server still keeps (POP3).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Risk {
    /// Messages this device holds for the account.
    pub messages_here: u64,
    /// Of those, the ones with no copy on the server (POP3: not left there, or a local
    /// folder such as Sent; IMAP: none, the server has them all).
    pub only_here: u64,
    /// POP3: copies left on the server.
    pub server_copies: u64,
    /// POP3 with delete-after-N-days: when the next copy is deleted (Unix seconds).
    pub next_server_deletion: Option<i64>,
    /// Changes made here that the server does not have yet (queued ops and unsent mail).
    pub not_sent: u64,
}

fn get(s: &Store, key: &str) -> Result<Option<String>> {
    Ok(s.conn
        .query_row("SELECT value FROM device WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

fn put(s: &Store, key: &str, value: &str) -> Result<()> {
    s.conn.execute(
        "INSERT INTO device (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// The host name, the default device name.
pub fn host_name() -> String {
    let h = gethostname::gethostname()
        .to_string_lossy()
        .trim()
        .to_string();
    if h.is_empty() { "Tayori".into() } else { h }
}

impl Store {
    /// This device's id: made once, kept in the cache (two data directories are two devices).
    pub fn device_id(&self) -> Result<String> {
        if let Some(id) = get(self, "id")? {
            return Ok(id);
        }
        let id = uuid::Uuid::new_v4().simple().to_string();
        self.conn.execute(
            "INSERT OR IGNORE INTO device (key, value) VALUES ('id', ?1)",
            [&id],
        )?;
        Ok(get(self, "id")?.unwrap_or(id))
    }

    /// This device's name: the one set with `device rename`, else the host name.
    pub fn device_name(&self) -> Result<String> {
        Ok(get(self, "name")?.unwrap_or_else(host_name))
    }

    pub fn set_device_name(&self, name: &str) -> Result<()> {
        let name = name.trim();
        if name.is_empty() || name.chars().any(char::is_control) {
            return Err(StoreError::Corrupt(
                "a device name must be non-empty text on one line".into(),
            ));
        }
        put(self, "name", name)
    }

    /// Messages and bytes of bodies this device holds for `account`.
    pub fn account_totals(&self, account: AccountId) -> Result<(u64, u64)> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE f.account_id = ?1",
            [account.0],
            |r| r.get(0),
        )?;
        let b: i64 = self.conn.query_row(
            "SELECT coalesce(sum(length(p.data)), 0) FROM parts p
             JOIN messages m ON m.id = p.message_id JOIN folders f ON f.id = m.folder_id
             WHERE f.account_id = ?1",
            [account.0],
            |r| r.get(0),
        )?;
        Ok((n.max(0) as u64, b.max(0) as u64))
    }

    /// What is only on this device for `account` (see [`Risk`]).
    pub fn risk(&self, account: &crate::model::Account) -> Result<Risk> {
        let (messages_here, _) = self.account_totals(account.id)?;
        let ops: i64 = self.conn.query_row(
            "SELECT count(*) FROM ops WHERE account_id = ?1 AND state = 'pending'",
            [account.id.0],
            |r| r.get(0),
        )?;
        let unsent: i64 = self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE account_id = ?1
             AND state IN ('queued', 'sending', 'failed', 'uncertain')",
            [account.id.0],
            |r| r.get(0),
        )?;
        let mut risk = Risk {
            messages_here,
            not_sent: (ops + unsent).max(0) as u64,
            ..Default::default()
        };
        if account.protocol == crate::model::Protocol::Pop3 {
            let (copies, oldest): (i64, Option<i64>) = self.conn.query_row(
                "SELECT count(*), min(u.downloaded) FROM pop3_uidls u
                 JOIN messages m ON m.id = u.message_id
                 JOIN folders f ON f.id = m.folder_id
                 WHERE u.account_id = ?1 AND f.account_id = ?1 AND u.dele_pending = 0",
                [account.id.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            risk.server_copies = copies.max(0) as u64;
            risk.only_here = messages_here.saturating_sub(risk.server_copies);
            if account.pop3.leave_on_server
                && let Some(days) = account.pop3.delete_after_days
            {
                risk.next_server_deletion = oldest.map(|t| t + i64::from(days) * 86_400);
            }
        }
        Ok(risk)
    }

    pub fn server_info(&self, account: AccountId) -> Result<ServerInfo> {
        let row: Option<(Option<i64>, String, Option<String>, i64)> = self
            .conn
            .query_row(
                "SELECT metadata, devices, quota, checked FROM server_info WHERE account_id = ?1",
                [account.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((metadata, devices, quota, checked)) = row else {
            return Ok(ServerInfo::default());
        };
        Ok(ServerInfo {
            metadata: metadata.map(|m| m != 0),
            devices: serde_json::from_str(&devices).unwrap_or_default(),
            quota: quota.and_then(|q| serde_json::from_str(&q).ok()),
            checked,
        })
    }

    /// Records whether the server has METADATA and the devices it lists.
    pub fn set_server_devices(
        &self,
        account: AccountId,
        metadata: bool,
        devices: &[DeviceInfo],
    ) -> Result<()> {
        let json =
            serde_json::to_string(devices).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO server_info (account_id, metadata, devices, checked)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account_id) DO UPDATE SET metadata = excluded.metadata,
                 devices = excluded.devices, checked = excluded.checked",
            params![account.0, metadata as i64, json, super::now()],
        )?;
        Ok(())
    }

    /// Records the quota the server reports (None: it reports none).
    pub fn set_server_quota(&self, account: AccountId, quota: Option<&QuotaInfo>) -> Result<()> {
        let json = quota
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO server_info (account_id, quota, checked) VALUES (?1, ?2, ?3)
             ON CONFLICT (account_id) DO UPDATE SET quota = excluded.quota,
                 checked = excluded.checked",
            params![account.0, json, super::now()],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Security;
    use crate::store::NewAccount;

    #[test]
    fn the_id_is_made_once_and_the_name_defaults_to_the_host() {
        let s = Store::open_in_memory().unwrap();
        let id = s.device_id().unwrap();
        assert_eq!(s.device_id().unwrap(), id);
        assert_eq!(s.device_name().unwrap(), host_name());
        s.set_device_name(" 居間のPC ").unwrap();
        assert_eq!(s.device_name().unwrap(), "居間のPC");
        assert!(s.set_device_name("a\nb").is_err());
        let a = s
            .add_account(&NewAccount::imap("a@example.test", "h", 993, Security::Tls))
            .unwrap();
        assert_eq!(s.server_info(a).unwrap(), ServerInfo::default());
        s.set_server_devices(a, false, &[]).unwrap();
        let q = QuotaInfo {
            root: "User quota".into(),
            used_bytes: 95,
            limit_bytes: 100,
        };
        s.set_server_quota(a, Some(&q)).unwrap();
        let got = s.server_info(a).unwrap();
        assert_eq!(got.metadata, Some(false));
        assert_eq!(got.quota.unwrap().percent(), 95);
    }
}
