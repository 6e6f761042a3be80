//! Deferred search indexing of the whole messages the mirror downloaded: their text is
//! decoded and put in the full-text index in large transactions (few FTS segments, little
//! merging), off the async threads, pausable between transactions.
use super::writer::text_of_whole;
use crate::engine::{Engine, Result};
use crate::mime;
use crate::model::{AccountId, MessageId};
use crate::store::{Store, StoreError};

/// Messages per indexing transaction.
const INDEX_MESSAGES: usize = 1000;
/// Raw bytes per indexing transaction (at least one message): about a second of work.
const INDEX_BYTES: u64 = 2 << 20;

/// What one `index_bodies` call did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexReport {
    pub indexed: u64,
    /// Downloaded messages still waiting for their indexing (after a pause).
    pub remaining: u64,
}

/// Decodes and indexes the given messages in one transaction.
fn index_chunk(store: &mut Store, ids: &[MessageId]) -> std::result::Result<u64, StoreError> {
    let mut texts = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(b) = store.unindexed_body(*id)? {
            let text = text_of_whole(&b.raw, &b.parts);
            let snippet = mime::snippet(&text, 200);
            texts.push((b.id, text, snippet));
        }
    }
    store.index_texts(&texts)
}

impl Engine {
    /// Downloaded messages of the account whose text is not searchable yet.
    pub fn index_backlog(&self, account: AccountId) -> Result<u64> {
        Ok(self.store.count_unindexed(account)?)
    }

    /// Makes the whole messages the mirror downloaded searchable (text, snippet). No
    /// network. `pause` is asked between transactions; then `remaining` says what is left.
    pub async fn index_bodies(
        &mut self,
        account: AccountId,
        pause: &(dyn Fn() -> bool + Sync),
    ) -> Result<IndexReport> {
        let mut report = IndexReport::default();
        // A connection of its own, used on a blocking thread (the executor stays free).
        let mut side = match self.store.path() {
            Some(p) => Some(Store::open(&p)?),
            None => None,
        };
        let mut after = MessageId(0);
        loop {
            let ids = self
                .store
                .unindexed_ids(account, after, INDEX_MESSAGES as u32)?;
            let Some(last) = ids.last() else { break };
            after = last.0;
            let mut chunks: Vec<Vec<MessageId>> = vec![Vec::new()];
            let mut bytes = 0;
            for (id, len) in ids {
                if let Some(cur) = chunks.last_mut()
                    && !cur.is_empty()
                    && bytes + len > INDEX_BYTES
                {
                    chunks.push(Vec::new());
                    bytes = 0;
                }
                bytes += len;
                if let Some(cur) = chunks.last_mut() {
                    cur.push(id);
                }
            }
            let mut paused = false;
            for chunk in chunks {
                report.indexed += match side.take() {
                    Some(mut st) => {
                        let (st, r) = tokio::task::spawn_blocking(move || {
                            let r = index_chunk(&mut st, &chunk);
                            (st, r)
                        })
                        .await
                        .map_err(|_| StoreError::Corrupt("the indexing thread panicked".into()))?;
                        side = Some(st);
                        r?
                    }
                    None => index_chunk(&mut self.store, &chunk)?,
                };
                if pause() {
                    paused = true;
                    break;
                }
            }
            if paused {
                report.remaining = self.store.count_unindexed(account)?;
                break;
            }
        }
        Ok(report)
    }
}
