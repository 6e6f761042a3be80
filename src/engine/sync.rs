//! One sync pass: replay the queue, mirror the folder list, bring each folder up to date.
use super::plan::{FolderPlan, ServerState, diff_flags, diff_uids, plan_folder};
use super::{Engine, Result};
use crate::model::{Account, AccountId, Flags, Folder, FolderRole, HeaderInfo, Uid};
use crate::protocol::imap::ImapConn;
use crate::store::folders::SyncState;
use crate::store::{ActivityKind, OwnKind, Store, StoreError};

/// Header batch size: each batch is one FETCH and at most one committed transaction.
pub const BATCH: usize = 1000;

/// `first` and the batches already waiting behind it in `rx`, as one: a writer that lags
/// commits what has queued up in one transaction (fewer, larger commits, each rewriting
/// the trees' inner pages once) instead of one per FETCH. Only batches already received
/// (so already in memory) are joined.
pub(super) fn with_queued<T>(rx: &std::sync::mpsc::Receiver<Vec<T>>, mut first: Vec<T>) -> Vec<T> {
    while let Ok(more) = rx.try_recv() {
        first.extend(more);
    }
    first
}

/// One change the pass applied to the cache (what `watch` prints).
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    Arrived {
        uid: u32,
        subject: String,
    },
    Removed {
        uid: u32,
        /// The subject, when this device held the message.
        #[serde(skip_serializing_if = "Option::is_none")]
        subject: Option<String>,
    },
    Flags {
        uid: u32,
        seen: bool,
        flagged: bool,
        /// What the cache held before: which of the two changed.
        #[serde(skip)]
        before: (bool, bool),
    },
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FolderReport {
    pub folder: String,
    pub plan: String,
    pub fetched: usize,
    /// Of `fetched`, the messages that came whole (see `whole_first`), and their bytes.
    pub whole: usize,
    pub whole_bytes: u64,
    pub removed: usize,
    pub flag_changes: usize,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SyncReport {
    pub ops_done: usize,
    pub ops_failed: usize,
    /// Queued changes not sent: their message was already deleted or moved on another device.
    pub ops_skipped: usize,
    pub folders_added: Vec<String>,
    pub folders_removed: Vec<String>,
    /// Folders renamed on the server (old name, new name): kept with their messages.
    pub folders_renamed: Vec<(String, String)>,
    pub folders: Vec<FolderReport>,
    /// POP3 accounts only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pop3: Option<super::Pop3Report>,
    /// Messages the outbox sent (or tried to) during the pass, and Sent copies filed.
    pub outbox: super::OutboxReport,
    pub drafts: super::DraftSyncReport,
}

/// Keep at most this many individual changes per folder report (counts stay exact).
pub(super) const MAX_CHANGES: usize = 200;

fn note_arrivals(rep: &mut FolderReport, headers: &[HeaderInfo]) {
    rep.fetched += headers.len();
    let room = MAX_CHANGES.saturating_sub(rep.changes.len());
    for h in headers.iter().take(room) {
        rep.changes.push(Change::Arrived {
            uid: h.uid.0,
            subject: h.subject.clone(),
        });
    }
}

impl Engine {
    /// One complete pass over an account.
    pub async fn sync_account(&mut self, account: &Account) -> Result<SyncReport> {
        let (report, conn) = self.sync_account_open(account).await?;
        if let Some(conn) = conn {
            let _ = conn.logout().await;
        }
        Ok(report)
    }

    /// One complete pass over an account; an IMAP account's session is handed back open
    /// (for more work on it, e.g. the body download).
    pub async fn sync_account_open(
        &mut self,
        account: &Account,
    ) -> Result<(SyncReport, Option<ImapConn>)> {
        let t0 = std::time::Instant::now();
        // The outbox goes first: sending does not need IMAP (nor POP3).
        let mut outbox = self.send_due(account, true).await?;
        if account.protocol == crate::model::Protocol::Pop3 {
            let mut report = self.sync_pop3(account, &super::SystemClock).await?;
            report.outbox = outbox;
            return Ok((report, None));
        }
        let mut conn = Self::connect(account).await?;
        tracing::debug!(elapsed = ?t0.elapsed(), "connected");
        match self.file_sent_copies(&mut conn, account).await {
            Ok(n) => outbox.filed = n,
            Err(e) => outbox.filing_error = Some(e.to_string()),
        }
        // A draft the server refuses (quota, ...) must not stop the mail sync.
        let drafts = match self.sync_drafts(&mut conn, account).await {
            Ok(d) => d,
            Err(super::EngineError::Imap(e)) if !e.is_transient() => super::DraftSyncReport {
                error: Some(e.to_string()),
                ..Default::default()
            },
            Err(e) => return Err(e),
        };
        let mut report = self.sync_with(&mut conn, account, None).await?;
        report.outbox = outbox;
        report.drafts = drafts;
        self.refresh_server_info(&mut conn, account).await?;
        tracing::debug!(elapsed = ?t0.elapsed(), "synced");
        Ok((report, Some(conn)))
    }

    /// A pass on an open connection; `only` limits it to one folder (after an IDLE wake-up).
    pub async fn sync_with(
        &mut self,
        conn: &mut ImapConn,
        account: &Account,
        only: Option<&str>,
    ) -> Result<SyncReport> {
        let mut report = SyncReport::default();
        let replayed = self.replay_ops(conn, account.id).await?;
        report.ops_done = replayed.done;
        report.ops_failed = replayed.failed;
        report.ops_skipped = replayed.skipped;
        // STATUS before LIST: on Dovecot a LIST makes the next look at a big Maildir INBOX
        // (STATUS or SELECT) rescan it (~0.4 s at 100k messages); before LIST it is ~1 ms.
        let mut unchanged = std::collections::HashSet::new();
        if only.is_none() {
            for f in self.store.folders(account.id)? {
                if self.unchanged_by_status(conn, &f).await? {
                    unchanged.insert(f.id);
                }
            }
            self.mirror_folders(conn, account, &mut report).await?;
        }
        let mut folders = self.store.folders(account.id)?;
        // INBOX first, then the rest.
        folders.sort_by_key(|f| (f.role != Some(FolderRole::Inbox), f.name.clone()));
        for f in folders {
            if only.is_some_and(|o| o != f.name) {
                continue;
            }
            let t0 = std::time::Instant::now();
            if unchanged.contains(&f.id) {
                self.drop_ghosts(&f)?;
                report.folders.push(FolderReport {
                    folder: f.name.clone(),
                    plan: format!("{:?}", FolderPlan::UpToDate),
                    ..Default::default()
                });
                continue;
            }
            let r = self.sync_folder(conn, &f).await;
            tracing::debug!(folder = %f.name, elapsed = ?t0.elapsed(), "folder pass");
            match r {
                Ok(fr) => {
                    self.drop_ghosts(&f)?;
                    self.note_activity(account.id, &f, &fr)?;
                    report.folders.push(fr);
                }
                Err(e) => {
                    self.store.set_folder_error(f.id, Some(&e.to_string()))?;
                    return Err(e);
                }
            }
        }
        Ok(report)
    }

    /// After a pass over `f`: a placeholder whose op has ended and that the pass did not adopt
    /// by Message-ID is a ghost (its move was skipped, or the message went elsewhere on the
    /// server), so it never survives the pass.
    fn drop_ghosts(&mut self, f: &Folder) -> Result<()> {
        let dropped = self.store.drop_unclaimed_placeholders(f.id)?;
        if dropped > 0 {
            tracing::info!(folder = %f.name, dropped, "placeholders without a server copy removed");
        }
        Ok(())
    }

    /// Keeps what this pass brought from other devices for the sync view. A first (or reset)
    /// pass only fills the cache: nothing to report. The echo of this device's own work
    /// (its appends, moves, deletes and flag changes, see `store::own`) is left out, and so is
    /// the removal of a message this device did not hold.
    fn note_activity(&mut self, account: AccountId, f: &Folder, rep: &FolderReport) -> Result<()> {
        if rep.changes.is_empty() || rep.plan.starts_with("Full") || rep.plan.starts_with("Reset") {
            return Ok(());
        }
        let mut items = Vec::new();
        for c in &rep.changes {
            match c {
                Change::Arrived { uid, subject } => {
                    let mid = self
                        .store
                        .message_by_uid(f.id, Uid(*uid))?
                        .and_then(|m| m.message_id);
                    if !self.own(account, f, OwnKind::Arrived, *uid, mid.as_deref())? {
                        items.push((ActivityKind::Arrived, subject.clone()));
                    }
                }
                Change::Removed { uid, subject } => {
                    if let Some(subject) = subject
                        && !self.own(account, f, OwnKind::Removed, *uid, None)?
                    {
                        items.push((ActivityKind::Removed, subject.clone()));
                    }
                }
                Change::Flags {
                    uid,
                    seen,
                    flagged,
                    before,
                } => {
                    let m = self.store.message_by_uid(f.id, Uid(*uid))?;
                    let mid = m.as_ref().and_then(|m| m.message_id.clone());
                    if self.own(account, f, OwnKind::Flags, *uid, mid.as_deref())? {
                        continue;
                    }
                    let subject = m.map_or_else(|| format!("UID {uid}"), |m| m.subject);
                    if *seen != before.0 {
                        let kind = if *seen {
                            ActivityKind::Read
                        } else {
                            ActivityKind::Unread
                        };
                        items.push((kind, subject.clone()));
                    }
                    if *flagged != before.1 {
                        let kind = if *flagged {
                            ActivityKind::Flagged
                        } else {
                            ActivityKind::Unflagged
                        };
                        items.push((kind, subject));
                    }
                }
            }
        }
        let now = chrono::Utc::now().timestamp();
        Ok(self.store.record_activity(account, &f.name, now, &items)?)
    }

    /// Whether a change seen in `f` is the echo of this device's own (used up if so).
    fn own(
        &mut self,
        account: AccountId,
        f: &Folder,
        kind: OwnKind,
        uid: u32,
        mid: Option<&str>,
    ) -> Result<bool> {
        Ok(self
            .store
            .take_own_change(account, &f.name, kind, Uid(uid), mid)?)
    }

    /// With CONDSTORE, one STATUS tells whether a folder changed at all since the last complete
    /// pass (same UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and count): then SELECT is skipped, which
    /// on a Maildir server means no directory scan of a big folder. Records the pass.
    async fn unchanged_by_status(&mut self, conn: &mut ImapConn, f: &Folder) -> Result<bool> {
        let (Some(v), Some(m), Some(next), Some(total), Some(unread)) = (
            f.uidvalidity,
            f.highest_modseq,
            f.uidnext,
            f.server_total,
            f.server_unread,
        ) else {
            return Ok(false);
        };
        if !conn.condstore_on {
            return Ok(false);
        }
        let st = match conn.status(&f.name).await {
            Ok(st) => st,
            // Refused (e.g. the folder was deleted on the server): the full path decides.
            Err(e) if !e.is_transient() => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        let same = st.uidvalidity == Some(v)
            && st.highest_modseq == Some(m)
            && st.uidnext == Some(next)
            && st.messages == Some(total);
        if same {
            self.store.set_sync_state(
                f.id,
                &SyncState {
                    uidvalidity: Some(v),
                    uidnext: Some(next),
                    highest_modseq: Some(m),
                    server_total: Some(total),
                    server_unread: Some(unread),
                },
            )?;
        }
        Ok(same)
    }

    async fn sync_folder(&mut self, conn: &mut ImapConn, f: &Folder) -> Result<FolderReport> {
        let known = match (f.uidvalidity, f.highest_modseq, f.uidnext) {
            (Some(v), Some(m), Some(_)) => Some((v, m)),
            _ => None,
        };
        let sel = conn.select(&f.name, known).await?;
        // Known from the first SELECT on, not only after a complete pass: an op recorded
        // against rows of an interrupted first sync carries it (see `replay`).
        if f.uidvalidity.is_none() && sel.uidvalidity.is_some() {
            self.store.set_uidvalidity(f.id, sel.uidvalidity)?;
        }
        // What the server held at our last complete pass: no need to count a big folder.
        let cached_count = match f.server_total {
            Some(n) => n,
            None => self.store.count_cached(f.id)?,
        };
        let server = ServerState {
            uidvalidity: sel.uidvalidity,
            uidnext: sel.uidnext,
            highest_modseq: sel.highest_modseq,
            exists: sel.exists,
            resynced: sel.resynced,
        };
        let plan = plan_folder(f, cached_count, &server);
        let mut rep = FolderReport {
            folder: f.name.clone(),
            plan: format!("{plan:?}"),
            ..Default::default()
        };
        match &plan {
            FolderPlan::UpToDate => {}
            FolderPlan::Reset => {
                tracing::info!(folder = %f.name, "UIDVALIDITY changed; re-mapping by Message-ID");
                self.store.forget_uids(f.id, sel.uidvalidity)?;
                self.full_pass(conn, f, &mut rep).await?;
            }
            FolderPlan::Full => {
                self.store.set_server_total(f.id, sel.exists)?;
                self.full_pass(conn, f, &mut rep).await?
            }
            &FolderPlan::Incremental {
                new_from,
                changed_since,
                check_vanished,
            } => {
                if sel.resynced {
                    self.apply_flags(f, &sel.changed, &mut rep)?;
                    self.remove(f, &sel.vanished, &mut rep)?;
                }
                // New mail: UIDs at or above the last UIDNEXT.
                if sel.uidnext.is_none_or(|n| n > new_from) {
                    let uids: Vec<u32> = conn
                        .fetch_flags(&format!("{new_from}:*"), None)
                        .await?
                        .into_iter()
                        .map(|(u, _, _)| u.0)
                        .filter(|u| *u >= new_from)
                        .collect();
                    self.fetch_new(conn, f, uids, &mut rep).await?;
                }
                if !sel.resynced {
                    let cached = self.store.cached_uid_flags(f.id)?;
                    let server_flags = conn.fetch_flags("1:*", changed_since).await?;
                    let changed = diff_flags(&cached, &server_flags);
                    self.apply_flags(f, &changed, &mut rep)?;
                    if check_vanished {
                        let now_cached = self.store.count_cached(f.id)?;
                        if changed_since.is_none() {
                            // The full flag listing is also the full UID listing.
                            let all: Vec<u32> = server_flags.iter().map(|(u, _, _)| u.0).collect();
                            let (_, gone) = diff_uids(&cached, &all);
                            self.remove(f, &gone, &mut rep)?;
                        } else if now_cached != sel.exists {
                            let all = conn.all_uids().await?;
                            let cached = self.store.cached_uid_flags(f.id)?;
                            let (_, gone) = diff_uids(&cached, &all);
                            self.remove(f, &gone, &mut rep)?;
                        }
                    }
                }
            }
        }
        // Unread count: unchanged when the folder was up to date (no scan of a big folder).
        let unread = match (&plan, f.server_unread) {
            (FolderPlan::UpToDate, Some(u)) => u,
            _ => self.store.count_unread(f.id)?,
        };
        self.store.set_sync_state(
            f.id,
            &SyncState {
                uidvalidity: sel.uidvalidity,
                uidnext: sel.uidnext,
                highest_modseq: sel.highest_modseq,
                server_total: Some(sel.exists),
                server_unread: Some(unread),
            },
        )?;
        Ok(rep)
    }

    /// Full compare: every server UID against the cache. Resumes an interrupted first sync:
    /// what is cached stays, only the missing headers are fetched (newest first).
    async fn full_pass(
        &mut self,
        conn: &mut ImapConn,
        f: &Folder,
        rep: &mut FolderReport,
    ) -> Result<()> {
        let server_uids = conn.all_uids().await?;
        let cached = self.store.cached_uid_flags(f.id)?;
        let (missing, gone) = diff_uids(&cached, &server_uids);
        self.remove(f, &gone, rep)?;
        if !cached.is_empty() {
            let server_flags = conn.fetch_flags("1:*", None).await?;
            let changed = diff_flags(&cached, &server_flags);
            self.apply_flags(f, &changed, rep)?;
        }
        self.fetch_new(conn, f, missing, rep).await?;
        self.store.drop_unclaimed_placeholders(f.id)?;
        Ok(())
    }

    /// Fetches headers newest first in committed batches. A writer thread with its own
    /// connection commits batch k while batch k+1 is on the wire (one transaction per batch,
    /// so an interruption leaves whole batches only).
    async fn fetch_new(
        &mut self,
        conn: &mut ImapConn,
        f: &Folder,
        mut uids: Vec<u32>,
        rep: &mut FolderReport,
    ) -> Result<()> {
        if uids.is_empty() {
            return Ok(());
        }
        uids.sort_unstable_by(|a, b| b.cmp(a));
        if let Some(w) = self.whole_first
            && w.max_size > 0
            && uids.len() <= w.max_count
        {
            uids = self.fetch_new_whole(conn, f, uids, w.max_size, rep).await?;
            if uids.is_empty() {
                return Ok(());
            }
        }
        let Some(path) = self.store.path() else {
            // In-memory store (tests): write inline.
            for chunk in uids.chunks(BATCH) {
                let headers = conn.fetch_headers(chunk).await?;
                self.store.store_headers(f.id, &headers)?;
                note_arrivals(rep, &headers);
            }
            return Ok(());
        };
        let folder = f.id;
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<HeaderInfo>>(2);
        let writer = std::thread::spawn(move || -> std::result::Result<(), StoreError> {
            let mut store = Store::open(&path)?;
            store.bulk_writer()?;
            let mut busy = std::time::Duration::ZERO;
            for batch in rx.iter() {
                let batch = with_queued(&rx, batch);
                let t0 = std::time::Instant::now();
                store.store_headers(folder, &batch)?;
                busy += t0.elapsed();
                crate::crash_point::here("header-batch-stored");
            }
            // Near the whole pass's time: the writer is what the pass waits for.
            tracing::debug!(?busy, "header writer busy");
            Ok(())
        });
        let chunks: Vec<&[u32]> = uids.chunks(BATCH).collect();
        // Pipelined: the next batch's FETCH is on the wire while one is read.
        let fetch_result: Result<()> = conn
            .fetch_header_batches(&chunks, |headers| {
                note_arrivals(rep, &headers);
                // False when the writer failed; its error is reported below.
                tx.send(headers).is_ok()
            })
            .await
            .map_err(Into::into);
        drop(tx);
        let written = writer
            .join()
            .map_err(|_| StoreError::Corrupt("the header writer thread panicked".into()))?;
        written?;
        fetch_result
    }

    fn apply_flags(
        &mut self,
        f: &Folder,
        changed: &[(Uid, Flags, Option<u64>)],
        rep: &mut FolderReport,
    ) -> Result<()> {
        let applied = self.store.apply_server_flags(f.id, changed)?;
        rep.flag_changes += applied.len();
        for (_, uid, old, fl) in applied
            .iter()
            .take(MAX_CHANGES.saturating_sub(rep.changes.len()))
        {
            rep.changes.push(Change::Flags {
                uid: uid.0,
                seen: fl.seen,
                flagged: fl.flagged,
                before: (old.seen, old.flagged),
            });
        }
        Ok(())
    }

    fn remove(&mut self, f: &Folder, gone: &[Uid], rep: &mut FolderReport) -> Result<()> {
        if gone.is_empty() {
            return Ok(());
        }
        let mut noted = Vec::new();
        for u in gone
            .iter()
            .take(MAX_CHANGES.saturating_sub(rep.changes.len()))
        {
            let subject = self.store.message_by_uid(f.id, *u)?.map(|m| m.subject);
            noted.push(Change::Removed { uid: u.0, subject });
        }
        rep.removed += self.store.remove_uids(f.id, gone)?;
        rep.changes.extend(noted);
        Ok(())
    }
}
