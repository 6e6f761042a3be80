//! Devices and server space, refreshed at the end of each full pass.
//!
//! Each Tayori install registers itself under the server-level private METADATA entry
//! `/private/vendor/tayori/device/<id>` (RFC 5464) with its name, OS, version, last sync,
//! offline policy, what it holds and its waiting changes, then reads every device's entry
//! there. Where the server has no METADATA, only this device is known. The quota of INBOX's
//! root (RFC 9208) is read the same way. Neither ever fails the pass: a refusal is logged
//! and the pass goes on.
use super::{Engine, EngineError, Result};
use crate::model::{Account, Protocol};
use crate::protocol::imap::{ImapConn, ascii_json};
use crate::store::{DeviceInfo, OpState, OutboxState, QuotaInfo};

/// Where devices register (server-level, private to the user).
pub const DEVICE_PREFIX: &str = "/private/vendor/tayori/device";

fn entry(id: &str) -> String {
    format!("{DEVICE_PREFIX}/{id}")
}

impl Engine {
    /// This device as it registers on `account`'s server now.
    pub fn this_device(&self, account: &Account) -> Result<DeviceInfo> {
        let (messages, bytes) = self.store.account_totals(account.id)?;
        let ops = self
            .store
            .open_ops()?
            .into_iter()
            .filter(|o| o.account_id == account.id && o.state == OpState::Pending)
            .count();
        let unsent = self
            .store
            .outbox(Some(account.id))?
            .into_iter()
            .filter(|o| matches!(o.state, OutboxState::Queued | OutboxState::Sending))
            .count();
        Ok(DeviceInfo {
            id: self.store.device_id()?,
            name: self.store.device_name()?,
            os: std::env::consts::OS.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            last_sync: chrono::Utc::now().timestamp(),
            offline: self.store.offline_policy(account.id)?.mode.as_str(),
            messages,
            bytes,
            waiting: (ops + unsent) as u64,
        })
    }

    /// After a pass: devices and quota. Errors are logged, never returned; a lost
    /// connection is returned (the caller's session is gone).
    pub(super) async fn refresh_server_info(
        &mut self,
        conn: &mut ImapConn,
        account: &Account,
    ) -> Result<()> {
        if let Err(e) = self.refresh_devices(conn, account).await {
            if e.is_transient() {
                return Err(e);
            }
            tracing::warn!(account = account.id.0, "devices not refreshed: {e}");
        }
        if let Err(e) = self.refresh_quota(conn, account).await {
            if e.is_transient() {
                return Err(e);
            }
            tracing::warn!(account = account.id.0, "quota not read: {e}");
        }
        Ok(())
    }

    async fn refresh_devices(&mut self, conn: &mut ImapConn, account: &Account) -> Result<()> {
        if !conn.has_metadata() {
            return Ok(self.store.set_server_devices(account.id, false, &[])?);
        }
        let me = self.this_device(account)?;
        let json = serde_json::to_string(&me)
            .map_err(|e| EngineError::Store(crate::store::StoreError::Corrupt(e.to_string())))?;
        conn.set_metadata(&entry(&me.id), Some(&ascii_json(&json)))
            .await?;
        let mut devices: Vec<DeviceInfo> = conn
            .metadata_children(DEVICE_PREFIX)
            .await?
            .into_iter()
            .filter_map(|(_, v)| serde_json::from_str::<DeviceInfo>(&v).ok())
            .collect();
        devices.sort_by_key(|d| (d.id != me.id, -d.last_sync));
        Ok(self.store.set_server_devices(account.id, true, &devices)?)
    }

    async fn refresh_quota(&mut self, conn: &mut ImapConn, account: &Account) -> Result<()> {
        let quota = if conn.has_quota() {
            conn.storage_quota().await?.map(|q| QuotaInfo {
                root: q.root,
                used_bytes: q.used_bytes,
                limit_bytes: q.limit_bytes,
            })
        } else {
            None
        };
        Ok(self.store.set_server_quota(account.id, quota.as_ref())?)
    }

    /// Removes this device's entry from the account's server (before the account is
    /// removed here). Returns false when the server has no METADATA.
    pub async fn unregister_device(&mut self, account: &Account) -> Result<bool> {
        if account.protocol == Protocol::Pop3 {
            return Ok(false);
        }
        let mut conn = Self::connect(account).await?;
        let done = if conn.has_metadata() {
            conn.set_metadata(&entry(&self.store.device_id()?), None)
                .await?;
            true
        } else {
            false
        };
        let _ = conn.logout().await;
        Ok(done)
    }
}
