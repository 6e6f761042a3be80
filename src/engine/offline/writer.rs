//! The writer of the offline mirror: commits a batch of downloaded bodies per transaction,
//! on a thread of its own with its own store connection (as the first header sync does), so
//! SQLite runs while the next batch is on the wire. Text parts of large messages are decoded
//! and indexed here; whole messages are indexed afterwards (see `index`): full-text
//! indexing costs ~1 µs per character, far more than the download.
use crate::mime;
use crate::model::{FolderId, MessageId, PartInfo, Uid};
use crate::store::{OfflineBody, Store, StoreError, StoredBodies};

/// A body as it came off the wire (or a marker: `data` None).
#[derive(Debug)]
pub struct Fetched {
    pub id: MessageId,
    pub folder: FolderId,
    pub uid: Uid,
    pub section: String,
    pub had_parts: bool,
    pub data: Option<Vec<u8>>,
    pub text: Option<PartInfo>,
}

/// The text the reader would show of a whole message (for the snippet and the index).
pub fn text_of_whole(raw: &[u8], parts: &[PartInfo]) -> String {
    match mime::choose_text_part(parts) {
        Some(p) => mime::part_of_whole(raw, &p.section)
            .and_then(|b| mime::decode_part_text(p, &b).ok())
            .unwrap_or_default(),
        None if parts.is_empty() => mime::parse_message(raw).map(|m| m.text).unwrap_or_default(),
        None => String::new(),
    }
}

/// Text and snippet of a text part.
fn indexed(text: String) -> (String, String) {
    let snippet = mime::snippet(&text, 200);
    (text, snippet)
}

fn decode(f: Fetched) -> OfflineBody {
    let index = match (&f.data, &f.text) {
        // A marker: nothing to read, nothing to index.
        (None, _) => Some((String::new(), String::new())),
        // Whole messages: indexed afterwards.
        (Some(_), _) if f.section.is_empty() => None,
        (Some(raw), Some(p)) => Some(indexed(mime::decode_part_text(p, raw).unwrap_or_default())),
        (Some(raw), None) => Some(indexed(mime::sniff_text(raw, None))),
    };
    OfflineBody {
        id: f.id,
        folder: f.folder,
        uid: f.uid,
        section: f.section,
        had_parts: f.had_parts,
        data: f.data,
        index,
    }
}

/// Decodes and stores one batch in one transaction.
pub fn write_batch(store: &mut Store, batch: Vec<Fetched>) -> Result<StoredBodies, StoreError> {
    let bodies: Vec<OfflineBody> = batch.into_iter().map(decode).collect();
    store.store_offline_bodies(&bodies)
}

/// Where batches go: a writer thread over a file store, or the caller's store (in memory).
pub enum Sink {
    Thread {
        tx: tokio::sync::mpsc::Sender<Vec<Fetched>>,
        acks: std::sync::mpsc::Receiver<StoredBodies>,
        handle: std::thread::JoinHandle<Result<(), StoreError>>,
    },
    Inline(Vec<StoredBodies>),
}

impl Sink {
    /// A writer thread on its own connection to the store at `path`.
    pub fn thread(path: std::path::PathBuf) -> Sink {
        // Two batches queued at most: memory stays a few batches whatever the mailbox size.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Fetched>>(2);
        let (ack_tx, acks) = std::sync::mpsc::channel();
        let handle = std::thread::spawn(move || -> Result<(), StoreError> {
            let mut store = Store::open(&path)?;
            // Fewer checkpoints: one took a sixth of the writer's time at SQLite's default.
            store.bulk_log()?;
            let mut busy = std::time::Duration::ZERO;
            while let Some(batch) = rx.blocking_recv() {
                let t0 = std::time::Instant::now();
                let stored = write_batch(&mut store, batch)?;
                busy += t0.elapsed();
                if ack_tx.send(stored).is_err() {
                    break;
                }
            }
            tracing::debug!(?busy, "body writer done");
            Ok(())
        });
        Sink::Thread { tx, acks, handle }
    }

    /// Hands a batch over; false when the writer has stopped (its error comes from `finish`).
    pub async fn send(
        &mut self,
        store: &mut Store,
        batch: Vec<Fetched>,
    ) -> Result<bool, StoreError> {
        match self {
            Sink::Thread { tx, .. } => Ok(tx.send(batch).await.is_ok()),
            Sink::Inline(done) => {
                done.push(write_batch(store, batch)?);
                Ok(true)
            }
        }
    }

    /// What was committed since the last call.
    pub fn committed(&mut self) -> Vec<StoredBodies> {
        match self {
            Sink::Thread { acks, .. } => acks.try_iter().collect(),
            Sink::Inline(done) => std::mem::take(done),
        }
    }

    /// Waits for the writer to commit everything handed over; returns the last commits.
    pub fn finish(self) -> Result<Vec<StoredBodies>, StoreError> {
        match self {
            Sink::Thread { tx, acks, handle } => {
                drop(tx);
                let written = handle
                    .join()
                    .map_err(|_| StoreError::Corrupt("the body writer thread panicked".into()))?;
                let done: Vec<StoredBodies> = acks.try_iter().collect();
                written.map(|()| done)
            }
            Sink::Inline(done) => Ok(done),
        }
    }
}
