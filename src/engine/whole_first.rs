//! The first sync of an account kept entirely offline: each new message is fetched once,
//! whole (`FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]`), and its header row read from the
//! message itself, instead of the header items first and the same message again for the
//! offline mirror. A 100k INBOX then costs one body FETCH's worth of wire time, not a
//! header FETCH plus a body FETCH (see README, Benchmark).
//!
//! Messages larger than the policy keeps whole go the usual way (header items now, their
//! text part in the offline download). Batches are committed headers and bytes together,
//! so a cut or a kill leaves whole batches only and the next pass fetches the rest.
use super::sync::{Change, FolderReport, MAX_CHANGES};
use super::{Engine, Result};
use crate::mime;
use crate::model::{Folder, HeaderInfo};
use crate::protocol::imap::{ImapConn, WholeFetched};
use crate::store::{Store, StoreError};
use std::collections::HashSet;

/// Messages per FETCH command (each at most the policy's whole-message size).
const WHOLE_BATCH: usize = 500;

/// The header row of a message fetched whole, as a header sync would have stored it.
pub fn header_of_whole(w: &WholeFetched) -> HeaderInfo {
    let size = if w.size > 0 {
        w.size
    } else {
        w.raw.len() as u64
    };
    let base = HeaderInfo::bare(w.uid, w.internal_date, size, w.flags.clone(), w.modseq);
    match mime::parse_summary(&w.raw) {
        Ok(p) => p.into_header(base).0,
        Err(_) => base,
    }
}

/// What the writer thread saw: how many messages it stored and the first arrivals.
type Written = std::result::Result<Vec<Change>, StoreError>;

impl Engine {
    /// Fetches `uids` (newest first) whole where they fit `whole_max`, committed in batches
    /// with their header rows; returns the UIDs left for the header path (the larger ones).
    pub(super) async fn fetch_new_whole(
        &mut self,
        conn: &mut ImapConn,
        f: &Folder,
        uids: Vec<u32>,
        whole_max: u64,
        rep: &mut FolderReport,
    ) -> Result<Vec<u32>> {
        let Some(path) = self.store.path() else {
            return Ok(uids);
        };
        let large: HashSet<u32> = conn
            .uids_where(&format!("LARGER {whole_max}"))
            .await?
            .into_iter()
            .collect();
        let (small, large): (Vec<u32>, Vec<u32>) =
            uids.into_iter().partition(|u| !large.contains(u));
        if small.is_empty() {
            return Ok(large);
        }
        let folder = f.id;
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<WholeFetched>>(2);
        let writer = std::thread::spawn(move || -> Written {
            let mut store = Store::open(&path)?;
            store.bulk_writer()?;
            let mut arrived = Vec::new();
            let mut busy = std::time::Duration::ZERO;
            for batch in rx.iter() {
                let batch = super::sync::with_queued(&rx, batch);
                let t0 = std::time::Instant::now();
                let rows: Vec<(HeaderInfo, Vec<u8>)> = batch
                    .into_iter()
                    .map(|w| (header_of_whole(&w), w.raw))
                    .collect();
                store.store_whole_messages(folder, &rows)?;
                busy += t0.elapsed();
                crate::crash_point::here("whole-batch-stored");
                let room = MAX_CHANGES.saturating_sub(arrived.len());
                arrived.extend(rows.iter().take(room).map(|(h, _)| Change::Arrived {
                    uid: h.uid.0,
                    subject: h.subject.clone(),
                }));
            }
            tracing::debug!(?busy, "whole-message writer busy");
            Ok(arrived)
        });
        let chunks: Vec<&[u32]> = small.chunks(WHOLE_BATCH).collect();
        let (mut fetched, mut bytes) = (0, 0);
        let fetch_result = conn
            .fetch_whole_batches(&chunks, |batch| {
                fetched += batch.len();
                bytes += batch.iter().map(|w| w.raw.len() as u64).sum::<u64>();
                // False when the writer failed; its error is reported below.
                tx.send(batch).is_ok()
            })
            .await;
        drop(tx);
        let written = writer
            .join()
            .map_err(|_| StoreError::Corrupt("the message writer thread panicked".into()))?;
        let arrived = written?;
        fetch_result?;
        rep.fetched += fetched;
        rep.whole += fetched;
        rep.whole_bytes += bytes;
        let room = MAX_CHANGES.saturating_sub(rep.changes.len());
        rep.changes.extend(arrived.into_iter().take(room));
        Ok(large)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flags, Uid};

    #[test]
    fn a_whole_message_gives_the_header_row_of_a_header_sync() {
        let raw = b"From: =?UTF-8?B?5aSq6YOO?= <taro@example.jp>\r\nTo: hanako@example.jp\r\n\
            Subject: =?ISO-2022-JP?B?GyRCMnE1RBsoQg==?=\r\nMessage-ID: <a@b>\r\n\
            In-Reply-To: <z@b>\r\nReferences: <y@b> <z@b>\r\n\
            Date: Tue, 01 Dec 2026 10:00:00 +0900\r\nMIME-Version: 1.0\r\n\
            Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\
            Content-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n--x\r\n\
            Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\n\
            JVBERi0=\r\n--x--\r\n"
            .to_vec();
        let w = WholeFetched {
            uid: Uid(7),
            flags: Flags {
                seen: true,
                ..Flags::default()
            },
            internal_date: 5,
            size: raw.len() as u64,
            modseq: Some(9),
            raw,
        };
        let h = header_of_whole(&w);
        assert_eq!(h.uid, Uid(7));
        assert_eq!(h.subject, "会議");
        assert_eq!(h.from, "太郎 <taro@example.jp>");
        assert_eq!(h.message_id.as_deref(), Some("<a@b>"));
        assert_eq!(h.references.as_deref(), Some("<y@b> <z@b>"));
        assert_eq!(h.date, 1_796_086_800);
        assert!(h.flags.seen);
        assert_eq!(h.modseq, Some(9));
        assert!(h.has_attachments);
        assert_eq!(h.parts.len(), 2);
    }

    #[test]
    fn no_message_at_all_still_gives_a_row() {
        let w = WholeFetched {
            uid: Uid(1),
            flags: Flags::default(),
            internal_date: 42,
            size: 0,
            modseq: None,
            raw: b"\r\n".to_vec(),
        };
        let h = header_of_whole(&w);
        assert_eq!((h.date, h.size, h.subject.as_str()), (42, 2, ""));
    }
}
