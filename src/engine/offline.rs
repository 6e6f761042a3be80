//! Placeholder of the offline body mirror (the real one lands from its branch).
use super::{Engine, Result};
use crate::model::{Account, AccountId, OfflinePolicy};
use crate::protocol::imap::ImapConn;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BodyProgress {
    pub done: u64,
    pub total: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BodyReport {
    pub fetched: u64,
    pub bytes: u64,
    pub remaining: u64,
    pub failed: u64,
}

impl Engine {
    pub async fn download_bodies(
        &mut self,
        _conn: &mut ImapConn,
        _account: &Account,
        _policy: &OfflinePolicy,
        _progress: &mut dyn FnMut(BodyProgress),
        _pause: &dyn Fn() -> bool,
    ) -> Result<BodyReport> {
        Ok(BodyReport::default())
    }

    pub fn offline_backlog(
        &self,
        _account: AccountId,
        _policy: &OfflinePolicy,
    ) -> Result<BodyProgress> {
        Ok(BodyProgress::default())
    }
}
