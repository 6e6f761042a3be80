//! "Search the server": for mail whose body is not on this device, IMAP SEARCH TEXT in each
//! folder; matches are returned as cached messages (every header is cached, bodies may not).
use super::{Engine, Result};
use crate::model::{Account, MessageId, Protocol, Uid};

/// At most this many matches are returned.
const LIMIT: usize = 500;

impl Engine {
    pub async fn search_server(&mut self, account: &Account, text: &str) -> Result<Vec<MessageId>> {
        if account.protocol == Protocol::Pop3 || text.trim().is_empty() {
            // POP3 mail is all on this device: the local search already saw it.
            return Ok(Vec::new());
        }
        let mut kept = self.take_session(account).await?;
        let mut out = Vec::new();
        for f in self.store.folders(account.id)? {
            kept.select(&f.name).await?;
            let mut uids = kept.conn.search_text(text.trim()).await?;
            uids.sort_unstable_by(|a, b| b.cmp(a));
            for u in uids {
                if let Some(m) = self.store.message_by_uid(f.id, Uid(u))? {
                    out.push(m.id);
                }
                if out.len() >= LIMIT {
                    break;
                }
            }
        }
        self.put_back(account.id, kept).await;
        Ok(out)
    }
}
