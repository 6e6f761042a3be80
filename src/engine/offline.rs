//! The offline mirror: downloads the bodies an account's offline policy covers, in bulk, on
//! a session the caller keeps open.
//!
//! Per folder (INBOX first, newest first): the messages not readable offline yet are cut
//! into batches (500 messages or 8 MB); each batch is one `UID FETCH <ranges>
//! (UID BODY.PEEK[...])` per section kind, and two batches are kept in flight so the server
//! streams without waiting for us. Bodies go to a writer thread that commits each batch in
//! one transaction. Progress is only what the cache holds, so a cut or a kill loses at most
//! the batches in flight and the next run goes on from there, with no duplicate and no gap.
//!
//! Search indexing of whole messages is deferred to `index_bodies` (call it after
//! `download_bodies`, or when idle): full-text indexing costs ~1 µs per character of text,
//! several times the download itself, so it must not hold the download back. Text parts of
//! large messages are indexed as they are stored.
mod batches;
mod index;
mod writer;

pub use batches::MAX_DOWNLOAD;
pub use index::IndexReport;

use super::{Engine, Result};
use crate::model::{Account, AccountId, Folder, FolderRole, OfflineMode, OfflinePolicy, Uid};
use crate::protocol::imap::{BodyEvent, FrameReader, ImapConn};
use crate::store::{OfflineCandidate, StoreError, StoredBodies};
use batches::{Batch, batches};
use std::collections::{HashSet, VecDeque};
use writer::{Fetched, Sink};

/// Batches on the wire at once.
const IN_FLIGHT: usize = 2;
/// Failures listed one by one in a report (the count stays exact).
const MAX_LISTED_FAILURES: usize = 100;

/// Where an account's offline download stands, over everything its policy covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct BodyProgress {
    /// Messages readable offline.
    pub done: u64,
    /// Messages the policy covers.
    pub total: u64,
    /// Bytes of bodies kept for them.
    pub bytes: u64,
}

/// A message the mirror could not download (it is tried again next time).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BodyFailure {
    pub folder: String,
    pub uid: u32,
    pub reason: String,
}

/// What one `download_bodies` call did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct BodyReport {
    /// Bodies downloaded and stored by this call.
    pub fetched: u64,
    pub bytes: u64,
    /// Messages the policy covers that are still not readable offline (refused ones and
    /// ones the server no longer has are not counted).
    pub remaining: u64,
    /// Messages refused (too large) or sent without content.
    pub failed: u64,
    /// The first failures, one by one.
    pub failures: Vec<BodyFailure>,
}

/// The oldest date (unix seconds) a policy covers: None for every message; Err(()) when the
/// policy downloads nothing.
fn since(policy: &OfflinePolicy) -> std::result::Result<Option<i64>, ()> {
    match policy.mode {
        OfflineMode::OnDemand => Err(()),
        OfflineMode::All => Ok(None),
        OfflineMode::Days(n) => Ok(Some(chrono::Utc::now().timestamp() - i64::from(n) * 86_400)),
    }
}

/// Messages up to this size are kept whole.
fn whole_max(policy: &OfflinePolicy) -> u64 {
    (u64::from(policy.attachments_max_mb) << 20).min(MAX_DOWNLOAD)
}

/// For [`Engine::whole_first`]: under a policy that keeps every message offline, new
/// messages up to the size kept whole come whole in a sync pass, when a folder has at most
/// `max_count` of them; None under other policies.
pub fn whole_first(policy: &OfflinePolicy, max_count: usize) -> Option<super::WholeFirst> {
    (policy.mode == OfflineMode::All && whole_max(policy) > 0).then(|| super::WholeFirst {
        max_size: whole_max(policy),
        max_count,
    })
}

/// One call's bookkeeping.
#[derive(Default)]
struct Tally {
    report: BodyReport,
    /// Stored bodies and markers (messages made readable offline).
    settled: u64,
    /// Refused, or asked for and not sent (expunged meanwhile): not counted as remaining.
    passed_over: u64,
}

impl Tally {
    fn fail(&mut self, folder: &str, uid: u32, reason: String) {
        tracing::warn!(folder, uid, %reason, "message body not downloaded");
        self.report.failed += 1;
        self.passed_over += 1;
        if self.report.failures.len() < MAX_LISTED_FAILURES {
            self.report.failures.push(BodyFailure {
                folder: folder.to_string(),
                uid,
                reason,
            });
        }
    }

    fn commit(&mut self, s: StoredBodies) {
        self.report.fetched += s.bodies;
        self.report.bytes += s.bytes;
        self.settled += s.bodies + s.marked;
    }
}

/// A batch on the wire.
struct InFlight {
    batch: Batch,
    tags: Vec<async_imap::imap_proto::RequestId>,
    got: Vec<Fetched>,
    received: HashSet<u32>,
}

/// The state of one `download_bodies` call.
struct Run<'a> {
    /// Started with the first batch (a call with nothing to do starts no thread).
    sink: Option<Sink>,
    tally: Tally,
    start: BodyProgress,
    whole_max: u64,
    progress: &'a mut (dyn FnMut(BodyProgress) + Send),
    pause: &'a (dyn Fn() -> bool + Sync),
    paused: bool,
}

impl Run<'_> {
    /// Reports what was committed and asks `pause` (once it said yes, it stays paused).
    fn after_batch(&mut self) {
        for s in self.sink.as_mut().map(Sink::committed).unwrap_or_default() {
            self.tally.commit(s);
        }
        (self.progress)(BodyProgress {
            done: (self.start.done + self.tally.settled).min(self.start.total),
            total: self.start.total,
            bytes: self.start.bytes + self.tally.report.bytes,
        });
        self.paused = self.paused || (self.pause)();
    }
}

impl Engine {
    /// Where the account's offline download stands (for the sync view and the status bar).
    /// An on-demand policy covers nothing: 0 of 0.
    pub fn offline_backlog(
        &self,
        account: AccountId,
        policy: &OfflinePolicy,
    ) -> Result<BodyProgress> {
        let Ok(since) = since(policy) else {
            return Ok(BodyProgress::default());
        };
        let c = self
            .store
            .offline_counts(account, since, whole_max(policy), true)?;
        Ok(BodyProgress {
            done: c.done,
            total: c.total,
            bytes: c.bytes,
        })
    }

    /// Downloads the bodies `policy` covers that are not on this device yet, on `conn` (a
    /// logged-in session the caller keeps; the folder it leaves selected is unspecified).
    /// `progress` is called after each committed batch; `pause` is asked between batches,
    /// and when it says true the call returns at once with what is left in `remaining`.
    pub async fn download_bodies(
        &mut self,
        conn: &mut ImapConn,
        account: &Account,
        policy: &OfflinePolicy,
        progress: &mut (dyn FnMut(BodyProgress) + Send),
        pause: &(dyn Fn() -> bool + Sync),
    ) -> Result<BodyReport> {
        let Ok(since) = since(policy) else {
            return Ok(BodyReport::default());
        };
        if account.protocol == crate::model::Protocol::Pop3 {
            // POP3 mail is stored whole when it is downloaded.
            return Ok(BodyReport::default());
        }
        let t0 = std::time::Instant::now();
        // Every folder's candidates first (INBOX first): together with a plain count they
        // give where the download starts, without a second walk over what each message
        // lacks.
        let mut folders = self.store.folders(account.id)?;
        folders.sort_by_key(|f| (f.role != Some(FolderRole::Inbox), f.name.clone()));
        let mut work = Vec::new();
        for f in folders {
            let cands = self
                .store
                .offline_candidates(f.id, since, whole_max(policy))?;
            if !cands.is_empty() {
                work.push((f, cands));
            }
        }
        let left: u64 = work.iter().map(|(_, c)| c.len() as u64).sum();
        let (total, bytes) = self.store.offline_covered(account.id, since)?;
        tracing::debug!(n = left, elapsed = ?t0.elapsed(), "body candidates");
        let mut run = Run {
            sink: None,
            tally: Tally::default(),
            start: BodyProgress {
                done: total.saturating_sub(left),
                total,
                bytes,
            },
            whole_max: whole_max(policy),
            progress,
            pause,
            paused: false,
        };
        let mut result = Ok(());
        for (f, cands) in &work {
            if run.paused {
                break;
            }
            if let Err(e) = self.mirror_folder(conn, &mut run, f, cands).await {
                result = Err(e);
                break;
            }
        }
        // What was handed over is committed even when the connection failed.
        let Run {
            sink,
            mut tally,
            progress,
            start,
            ..
        } = run;
        tracing::debug!(elapsed = ?t0.elapsed(), "bodies received");
        if let Some(sink) = sink {
            for s in sink.finish()? {
                tally.commit(s);
            }
        }
        tracing::debug!(elapsed = ?t0.elapsed(), "bodies committed");
        result?;
        let now = BodyProgress {
            done: (start.done + tally.settled).min(start.total),
            total: start.total,
            bytes: start.bytes + tally.report.bytes,
        };
        progress(now);
        tally.report.remaining = left
            .saturating_sub(tally.settled)
            .saturating_sub(tally.passed_over);
        Ok(tally.report)
    }

    /// One folder: its batches, two on the wire at a time, until done or paused.
    async fn mirror_folder(
        &mut self,
        conn: &mut ImapConn,
        run: &mut Run<'_>,
        f: &Folder,
        cands: &[OfflineCandidate],
    ) -> Result<()> {
        let info = match conn.examine(&f.name).await {
            Ok(i) => i,
            Err(e) if !e.is_transient() => {
                // Gone or refused on the server: the next sync settles the folder.
                tracing::warn!(folder = %f.name, error = %e, "folder skipped by the body download");
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        if f.uidvalidity.is_some() && info.uidvalidity != f.uidvalidity {
            // The cached UIDs mean other messages now: the next sync re-maps them first.
            tracing::warn!(folder = %f.name, "UIDVALIDITY changed; bodies wait for a sync");
            return Ok(());
        }
        tracing::debug!(folder = %f.name, "examined");
        if run.sink.is_none() {
            run.sink = Some(match self.store.path() {
                Some(path) => Sink::thread(path),
                None => Sink::Inline(Vec::new()),
            });
        }
        let mut todo: VecDeque<Batch> = batches(cands, run.whole_max).into();
        let mut wire: VecDeque<InFlight> = VecDeque::new();
        let mut reader = FrameReader::new();
        loop {
            while !run.paused && wire.len() < IN_FLIGHT {
                let Some(batch) = todo.pop_front() else { break };
                let mut tags = Vec::new();
                for (section, uids) in &batch.commands {
                    tags.push(conn.send_body_fetch(uids, section).await?);
                }
                wire.push_back(InFlight {
                    batch,
                    tags,
                    got: Vec::new(),
                    received: HashSet::new(),
                });
            }
            // Batches whose commands all completed (or that had none) are done, in order.
            if wire.front().is_some_and(|fl| fl.tags.is_empty()) {
                if let Some(done) = wire.pop_front() {
                    self.settle(run, f, done).await?;
                    run.after_batch();
                }
                continue;
            }
            if wire.is_empty() {
                break;
            }
            match reader.next_body(conn).await? {
                BodyEvent::Body { uid, section, data } => {
                    let Some(fl) = wire.iter_mut().find(|fl| {
                        fl.batch
                            .wanted
                            .get(&uid)
                            .is_some_and(|w| w.section == section)
                    }) else {
                        continue; // not asked for
                    };
                    if !fl.received.insert(uid) {
                        continue; // sent twice
                    }
                    let Some(w) = fl.batch.wanted.get(&uid) else {
                        continue;
                    };
                    let (id, text, had_parts) = (w.id, w.text.clone(), w.had_parts);
                    match data {
                        None => run
                            .tally
                            .fail(&f.name, uid, "the server sent no content".into()),
                        Some(d) if d.len() as u64 > MAX_DOWNLOAD => run.tally.fail(
                            &f.name,
                            uid,
                            format!(
                                "the server sent {} MB, over the {} MB limit of one download",
                                d.len() >> 20,
                                MAX_DOWNLOAD >> 20
                            ),
                        ),
                        Some(d) => fl.got.push(Fetched {
                            id,
                            folder: f.id,
                            uid: Uid(uid),
                            section,
                            had_parts,
                            data: Some(d),
                            text,
                        }),
                    }
                }
                BodyEvent::Done { tag, refused } => {
                    if let Some(why) = &refused {
                        tracing::info!(folder = %f.name, %why, "FETCH partly refused (expunged meanwhile?)");
                    }
                    if let Some(fl) = wire.iter_mut().find(|fl| fl.tags.contains(&tag)) {
                        fl.tags.retain(|t| *t != tag);
                    }
                }
            }
        }
        if !reader.is_drained() {
            // Only unsolicited responses can follow the last completion; the next sync
            // learns what they said.
            tracing::debug!(folder = %f.name, "bytes after the last body FETCH dropped");
        }
        Ok(())
    }

    /// A batch is complete: hand its bodies and markers to the writer; count refusals and
    /// messages the server did not send (expunged meanwhile: skipped, no retry loop).
    async fn settle(&mut self, run: &mut Run<'_>, f: &Folder, done: InFlight) -> Result<()> {
        let InFlight {
            batch,
            mut got,
            received,
            ..
        } = done;
        for (uid, why) in batch.refused {
            run.tally.fail(&f.name, uid, why);
        }
        tracing::trace!(n = got.len(), "batch received");
        let missing = batch
            .wanted
            .keys()
            .filter(|u| !received.contains(u))
            .count() as u64;
        run.tally.passed_over += missing;
        for (uid, id) in batch.marks {
            got.push(Fetched {
                id,
                folder: f.id,
                uid: Uid(uid),
                section: String::new(),
                had_parts: false,
                data: None,
                text: None,
            });
        }
        if got.is_empty() {
            return Ok(());
        }
        let sent = match run.sink.as_mut() {
            Some(sink) => sink.send(&mut self.store, got).await?,
            None => false,
        };
        if !sent {
            return Err(StoreError::Corrupt("the body writer stopped".into()).into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    /// The scheduler runs the download in a spawned task: its future must be Send.
    #[allow(dead_code)]
    fn download_future_is_send(
        engine: &mut Engine,
        conn: &mut ImapConn,
        account: &Account,
        policy: &OfflinePolicy,
    ) {
        let mut progress = |_p: BodyProgress| {};
        let pause = || false;
        let fut = engine.download_bodies(conn, account, policy, &mut progress, &pause);
        assert_send(&fut);
    }

    #[test]
    fn policies_cover_what_they_say() {
        let mut p = OfflinePolicy::default();
        assert!(since(&p).is_err());
        p.mode = OfflineMode::All;
        assert_eq!(since(&p), Ok(None));
        p.mode = OfflineMode::Days(2);
        let s = since(&p).ok().flatten().unwrap_or(0);
        assert!((chrono::Utc::now().timestamp() - s - 2 * 86_400).abs() < 5);
        p.attachments_max_mb = 1;
        assert_eq!(whole_max(&p), 1 << 20);
        p.attachments_max_mb = 1000;
        assert_eq!(whole_max(&p), MAX_DOWNLOAD);
    }
}
