//! Push: stay connected, IDLE on INBOX (or poll a server without IDLE), sync what changed;
//! reconnect with backoff.
use super::{Engine, Result, SyncReport};
use crate::model::Account;
use crate::protocol::imap::IdleOutcome;
use std::time::Duration;

/// IDLE is re-armed well inside the 29 minutes servers allow.
const IDLE_REARM: Duration = Duration::from_secs(25 * 60);
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// How often a server without IDLE (and a POP3 account, and a refused login) is asked.
const POLL: Duration = Duration::from_secs(300);

/// [`POLL`], or `TAYORI_POLL_SECS`.
pub(crate) fn poll_every() -> Duration {
    std::env::var("TAYORI_POLL_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(POLL, Duration::from_secs)
}

/// What `watch` reports to its caller.
#[derive(Debug)]
pub enum WatchEvent<'a> {
    Synced(&'a SyncReport),
    /// The outbox sent (or retried) messages, or filed Sent copies.
    Outbox(&'a super::OutboxReport),
    Offline(super::Failure),
    Online,
}

impl Engine {
    /// Runs until `on_event` returns false. Never gives up on network errors: it waits
    /// (1 s, 2 s, 4 s ... 60 s) and reconnects.
    pub async fn watch<F>(&mut self, account: &Account, mut on_event: F) -> Result<()>
    where
        F: FnMut(WatchEvent<'_>) -> bool,
    {
        let mut backoff = Duration::from_secs(1);
        loop {
            let err = match self.watch_once(account, &mut on_event, &mut backoff).await {
                Ok(()) => return Ok(()),
                Err(e) => e,
            };
            if !matches!(&err, super::EngineError::Imap(e) if e.is_transient()) {
                return Err(err);
            }
            if !on_event(WatchEvent::Offline(super::Failure::of(&err))) {
                return Ok(());
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    async fn watch_once<F>(
        &mut self,
        account: &Account,
        on_event: &mut F,
        backoff: &mut Duration,
    ) -> Result<()>
    where
        F: FnMut(WatchEvent<'_>) -> bool,
    {
        let mut conn = Self::connect(account).await?;
        *backoff = Duration::from_secs(1);
        if !on_event(WatchEvent::Online) {
            return Ok(());
        }
        let report = self.sync_with(&mut conn, account, None).await?;
        if !on_event(WatchEvent::Synced(&report)) {
            return Ok(());
        }
        let Some(inbox) = self
            .store
            .folder_by_role(account.id, crate::model::FolderRole::Inbox)?
        else {
            return Ok(());
        };
        // What SELECT said when INBOX last looked stale. If it looks stale again with the
        // very same figures, the server has not changed since and the pass did not make the
        // cache match (a server that counts a message the cache keeps apart): another pass
        // would change nothing, so push instead of passing again at once, forever. Other
        // figures mean a change on the server: pass again.
        let mut last_stale = None;
        loop {
            // Due outbox retries go out between passes (backoff decides when).
            let ob = self.outbox_tick(&mut conn, account).await?;
            if (!ob.outcomes.is_empty() || ob.filed > 0) && !on_event(WatchEvent::Outbox(&ob)) {
                return Ok(());
            }
            // Changes made between our last pass and IDLE are already in this SELECT's
            // snapshot and will not be pushed: compare it with the cache and sync again
            // rather than idle when it differs.
            let sel = conn.select(&inbox.name, None).await?;
            let cached = self.store.folder(inbox.id)?;
            let count = self.store.count_cached(inbox.id)?;
            let stale = sel.highest_modseq != cached.highest_modseq
                || sel.uidnext != cached.uidnext
                || sel.exists != count;
            // Wake up in time for the next outbox retry.
            let retry = self
                .store
                .next_outbox_attempt(account.id)?
                .map(|t| Duration::from_secs((t - crate::store::now()).max(1) as u64));
            let figures = (sel.highest_modseq, sel.uidnext, sel.exists);
            let again = stale && last_stale == Some(figures);
            if again {
                tracing::debug!(
                    ?figures,
                    cached = ?(cached.highest_modseq, cached.uidnext, count),
                    "INBOX still differs after a pass; waiting for a change instead"
                );
            }
            let outcome = if stale && !again {
                last_stale = Some(figures);
                IdleOutcome::Changed
            } else if conn.caps.idle {
                let wait = retry.map_or(IDLE_REARM, |d| d.min(IDLE_REARM));
                let (c, outcome) = conn.idle(wait).await?;
                conn = c;
                outcome
            } else {
                // No IDLE advertised: never send it; look again after the poll interval
                // (a full pass: without CONDSTORE only a pass sees others' flag changes).
                let wait = retry.map_or(poll_every(), |d| d.min(poll_every()));
                tokio::time::sleep(wait).await;
                IdleOutcome::Timeout
            };
            // A wake-up syncs INBOX; a re-arm timeout also refreshes everything else.
            let only = (outcome == IdleOutcome::Changed).then_some(inbox.name.as_str());
            let report = self.sync_with(&mut conn, account, only).await?;
            if !on_event(WatchEvent::Synced(&report)) {
                return Ok(());
            }
        }
    }
}
