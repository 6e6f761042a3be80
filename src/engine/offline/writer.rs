//! The writer of the offline mirror: decodes each downloaded body into searchable text and
//! commits a batch per transaction, on a thread of its own with its own store connection
//! (as the first header sync does), so decoding and SQLite run while the next batch is on
//! the wire.
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
    pub data: Option<Vec<u8>>,
    pub text: Option<PartInfo>,
}

/// The text the reader would show, for the snippet and the search index.
fn text_of(f: &Fetched) -> String {
    let Some(raw) = &f.data else {
        return String::new();
    };
    match (f.section.is_empty(), &f.text) {
        (true, Some(p)) => mime::part_of_whole(raw, &p.section)
            .and_then(|b| mime::decode_part_text(p, &b).ok())
            .unwrap_or_default(),
        (true, None) => mime::parse_message(raw).map(|m| m.text).unwrap_or_default(),
        (false, Some(p)) => mime::decode_part_text(p, raw).unwrap_or_default(),
        (false, None) => mime::sniff_text(raw, None),
    }
}

fn decode(f: Fetched) -> OfflineBody {
    let text = text_of(&f);
    OfflineBody {
        id: f.id,
        folder: f.folder,
        uid: f.uid,
        snippet: mime::snippet(&text, 200),
        text,
        section: f.section,
        data: f.data,
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
            while let Some(batch) = rx.blocking_recv() {
                let stored = write_batch(&mut store, batch)?;
                if ack_tx.send(stored).is_err() {
                    break;
                }
            }
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
