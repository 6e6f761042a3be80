//! QUOTA (RFC 9208, RFC 2087): how full the account is, through async-imap's
//! `get_quota_root`.
use super::{ImapConn, Result};
use async_imap::types::QuotaResourceName;

/// STORAGE of the quota root of INBOX, in bytes (the server counts KiB).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageQuota {
    pub root: String,
    pub used_bytes: u64,
    pub limit_bytes: u64,
}

impl ImapConn {
    pub fn has_quota(&self) -> bool {
        self.caps.all.iter().any(|c| {
            c.eq_ignore_ascii_case("QUOTA") || c.to_ascii_uppercase().starts_with("QUOTA=")
        })
    }

    /// The STORAGE quota of INBOX's root; None when the server has none for it.
    pub async fn storage_quota(&mut self) -> Result<Option<StorageQuota>> {
        let (_, quotas) = self.session.get_quota_root("INBOX").await?;
        Ok(quotas.into_iter().find_map(|q| {
            q.resources
                .iter()
                .find(|r| r.name == QuotaResourceName::Storage)
                .map(|r| StorageQuota {
                    root: q.root_name.clone(),
                    used_bytes: r.usage.saturating_mul(1024),
                    limit_bytes: r.limit.saturating_mul(1024),
                })
        }))
    }
}
