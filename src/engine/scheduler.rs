//! The engine as a service: one scheduler under the window and `tayori watch`.
//!
//! Each account gets a thread of its own (a current-thread tokio runtime; the engine's
//! futures hold a SQLite connection and are not `Send`) running two tasks over their own
//! store connections (WAL lets them read while the other writes):
//! - **sync**: a pass (replay of queued changes, folders, outbox, drafts), then IDLE push
//!   (POP3: a poll); a local change wakes it at once; network trouble retries with backoff
//!   (5 s doubling to 5 min); a refusal waits for the user (or the next poll).
//! - **reads**: one logged-in session kept open for on-demand reads (bodies, attachments,
//!   server search), reconnected on drop; between reads it runs the offline download the
//!   account's policy asks for, in batches, and a read request jumps ahead of the next batch.
//!
//! Callers hold an [`EngineHandle`] (commands in) and read [`Event`]s (a stream out). Nothing
//! here knows iced: the window turns the stream into a Subscription.
mod account;
mod sign_in;

pub use sign_in::SignInState;

use super::{BodyProgress, Failure, OutboxReport, ShownMessage, SyncReport};
use crate::mime::compose::Compose;
use crate::mime::reply::{QuoteLabels, ReplyKind};
use crate::model::{AccountId, DraftId, MessageId, OfflinePolicy};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Where an account's connection stands, as the sync view and status bar show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnState {
    Connecting,
    Syncing,
    /// Connected and waiting for the server to push (IMAP IDLE).
    Pushing,
    /// Synced; checks again periodically (POP3).
    Online,
    /// The server cannot be reached; retrying.
    Offline(Failure),
    /// The server refused (password, certificate): needs the user.
    Failing(Failure),
    Disabled,
}

/// What the scheduler reports. Events say what changed; listeners re-read what they show.
#[derive(Debug, Clone)]
pub enum Event {
    State(AccountId, ConnState),
    /// The account's cache changed (a pass, a replay, a download batch, a read).
    Changed(AccountId),
    /// A sync pass finished (with what it changed: arrivals, removals, flags).
    Synced(AccountId, Arc<SyncReport>),
    /// The outbox sent (or tried to send) between passes.
    Outbox(AccountId, Arc<OutboxReport>),
    /// Offline download progress (done of total wanted by the policy).
    Bodies(AccountId, BodyProgress),
    Shown(MessageId, Result<ShownMessage, Failure>),
    /// An attachment was saved; `open` asks for it to be opened with the system's app.
    Saved(Result<(PathBuf, u64), Failure>, bool),
    /// A reply / forward prepared by the engine, for the composer.
    Composed(AccountId, Result<Box<Compose>, Failure>),
    /// A message of a Drafts folder opened as a draft to continue, for the composer.
    DraftOpened(AccountId, Result<(DraftId, Box<Compose>), Failure>),
    /// The servers' matches for a search (cached message ids), all accounts merged.
    ServerSearched(String, Result<Vec<MessageId>, Failure>),
    /// The connection doctor's steps ("Check connection").
    Doctor(
        AccountId,
        Result<Arc<Vec<crate::discovery::doctor::Step>>, Failure>,
    ),
    /// The account's tasks ended (removed or stopped).
    Stopped(AccountId),
    /// How a "sign in again" ([`EngineHandle::sign_in_again`]) goes.
    SignIn(AccountId, SignInState),
}

/// A read served on the account's kept session, ahead of background downloads.
pub(crate) enum Read {
    Show(MessageId),
    Save(MessageId, usize, PathBuf, bool),
    /// Save to a path the person chose (Save As), replacing a file only when they said so.
    SaveAs(MessageId, usize, PathBuf, crate::engine::SaveMode),
    Respond(MessageId, ReplyKind, QuoteLabels),
    EditDraft(MessageId),
    Search(String, oneshot::Sender<Result<Vec<MessageId>, Failure>>),
    /// Run the connection doctor for the account.
    Doctor,
}

pub(crate) enum Cmd {
    /// A local change (flag, move, draft, send) or "sync now": run a pass at once.
    Wake,
    SetPolicy(OfflinePolicy),
    SetSyncEnabled(bool),
    /// Allow (`true`) or stop allowing remote content in this sender's HTML mail.
    RemoteSender(String, bool),
    Read(Read),
    Stop,
}

struct Inner {
    dir: Option<PathBuf>,
    events: async_channel::Sender<Event>,
    accounts: Mutex<HashMap<AccountId, mpsc::UnboundedSender<Cmd>>>,
}

/// Commands into the scheduler. Cheap to clone; every method returns at once.
#[derive(Clone)]
pub struct EngineHandle {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for EngineHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineHandle")
            .field("dir", &self.inner.dir)
            .finish()
    }
}

impl EngineHandle {
    /// A scheduler over the cache in `dir`, with no account started yet
    /// ([`EngineHandle::start_all`] or [`EngineHandle::add_account`] start them).
    pub fn new(dir: PathBuf) -> (EngineHandle, async_channel::Receiver<Event>) {
        Self::make(Some(dir))
    }

    /// A handle that does nothing (no data dir: tests of the window's view logic).
    pub fn idle() -> EngineHandle {
        Self::make(None).0
    }

    fn make(dir: Option<PathBuf>) -> (EngineHandle, async_channel::Receiver<Event>) {
        let (events, rx) = async_channel::unbounded();
        let inner = Inner {
            dir,
            events,
            accounts: Mutex::new(HashMap::new()),
        };
        (
            EngineHandle {
                inner: Arc::new(inner),
            },
            rx,
        )
    }

    /// Starts every account of the store (those with sync off only serve reads).
    pub fn start_all(&self) -> super::Result<usize> {
        let Some(dir) = &self.inner.dir else {
            return Ok(0);
        };
        let store = crate::store::Store::open_dir(dir)?;
        let ids: Vec<AccountId> = store.accounts()?.into_iter().map(|a| a.id).collect();
        for id in &ids {
            self.add_account(*id);
        }
        Ok(ids.len())
    }

    /// Starts an account's tasks (a new account, or one whose settings changed: a running
    /// one is restarted so it reads them again).
    pub fn add_account(&self, id: AccountId) {
        let Some(dir) = self.inner.dir.clone() else {
            return;
        };
        let tx = account::spawn(dir, id, self.inner.events.clone());
        if let Ok(mut map) = self.inner.accounts.lock()
            && let Some(old) = map.insert(id, tx)
        {
            let _ = old.send(Cmd::Stop);
        }
    }

    /// Stops an account's tasks (its connections close); the cache is left as it is.
    pub fn remove_account(&self, id: AccountId) {
        if let Ok(mut map) = self.inner.accounts.lock()
            && let Some(tx) = map.remove(&id)
        {
            let _ = tx.send(Cmd::Stop);
        }
    }

    /// Stops every account (the window closes).
    pub fn shutdown(&self) {
        if let Ok(mut map) = self.inner.accounts.lock() {
            for (_, tx) in map.drain() {
                let _ = tx.send(Cmd::Stop);
            }
        }
    }

    /// The accounts running now.
    pub fn running(&self) -> Vec<AccountId> {
        self.inner
            .accounts
            .lock()
            .map(|m| m.keys().copied().collect())
            .unwrap_or_default()
    }

    fn send(&self, id: AccountId, cmd: Cmd) -> bool {
        self.inner
            .accounts
            .lock()
            .ok()
            .and_then(|m| m.get(&id).map(|tx| tx.send(cmd).is_ok()))
            .unwrap_or(false)
    }

    /// A local change was queued for `account` (flag, move, delete, draft, send): send it now.
    pub fn wake(&self, account: AccountId) {
        self.send(account, Cmd::Wake);
    }

    /// "Sync now": one account, or all.
    pub fn sync_now(&self, account: Option<AccountId>) {
        match account {
            Some(a) => self.wake(a),
            None => {
                for a in self.running() {
                    self.wake(a);
                }
            }
        }
    }

    /// Writes the account's offline policy and applies it at once.
    pub fn set_policy(&self, account: AccountId, policy: OfflinePolicy) {
        self.send(account, Cmd::SetPolicy(policy));
    }

    /// Turns the account's sync on or off (written to the store, applied at once).
    pub fn set_sync_enabled(&self, account: AccountId, on: bool) {
        self.send(account, Cmd::SetSyncEnabled(on));
    }

    /// "Always for this sender" (`allow`) or its removal in Settings; saved in the store by
    /// `account`'s task (any running account: the list is not per account), then
    /// [`Event::Changed`].
    pub fn set_remote_sender(&self, account: AccountId, address: &str, allow: bool) {
        self.send(account, Cmd::RemoteSender(address.to_string(), allow));
    }

    /// Opens a message for the reader: from the cache, else one FETCH on the kept session.
    /// Answered with [`Event::Shown`].
    /// Runs the connection doctor for `account`; the steps come as [`Event::Doctor`].
    pub fn check_connection(&self, account: AccountId) {
        if !self.send(account, Cmd::Read(Read::Doctor)) {
            let _ = self
                .inner
                .events
                .try_send(Event::Doctor(account, Err(not_running())));
        }
    }

    pub fn show(&self, account: AccountId, id: MessageId) {
        if !self.send(account, Cmd::Read(Read::Show(id))) {
            let _ = self
                .inner
                .events
                .try_send(Event::Shown(id, Err(not_running())));
        }
    }

    /// Downloads (if needed) and writes attachment `index` to `path`; [`Event::Saved`].
    pub fn save_attachment(
        &self,
        account: AccountId,
        id: MessageId,
        index: usize,
        path: PathBuf,
        open: bool,
    ) {
        if !self.send(account, Cmd::Read(Read::Save(id, index, path, open))) {
            let _ = self
                .inner
                .events
                .try_send(Event::Saved(Err(not_running()), open));
        }
    }

    /// Writes attachment `index` to `path` as `mode` says (Save As); [`Event::Saved`].
    pub fn save_attachment_as(
        &self,
        account: AccountId,
        id: MessageId,
        index: usize,
        path: PathBuf,
        mode: crate::engine::SaveMode,
    ) {
        if !self.send(account, Cmd::Read(Read::SaveAs(id, index, path, mode))) {
            let _ = self
                .inner
                .events
                .try_send(Event::Saved(Err(not_running()), false));
        }
    }

    /// Prepares a reply, reply-all or forward of `id`; [`Event::Composed`].
    pub fn respond(&self, account: AccountId, id: MessageId, kind: ReplyKind, labels: QuoteLabels) {
        if !self.send(account, Cmd::Read(Read::Respond(id, kind, labels))) {
            let _ = self
                .inner
                .events
                .try_send(Event::Composed(account, Err(not_running())));
        }
    }

    /// Opens `id` (a message of a Drafts folder) as a draft; [`Event::DraftOpened`].
    pub fn edit_draft(&self, account: AccountId, id: MessageId) {
        if !self.send(account, Cmd::Read(Read::EditDraft(id))) {
            let _ = self
                .inner
                .events
                .try_send(Event::DraftOpened(account, Err(not_running())));
        }
    }

    /// Searches every account's server for `text`; one [`Event::ServerSearched`] with the
    /// matches of all (an error only when every server failed).
    pub fn search_server(&self, text: String) {
        let mut answers = Vec::new();
        for a in self.running() {
            let (tx, rx) = oneshot::channel();
            if self.send(a, Cmd::Read(Read::Search(text.clone(), tx))) {
                answers.push(rx);
            }
        }
        let events = self.inner.events.clone();
        let spawned = std::thread::Builder::new()
            .name("server-search".into())
            .spawn(move || {
                let results = futures::executor::block_on(futures::future::join_all(answers));
                let mut ids = Vec::new();
                let mut first_err = None;
                let mut any_ok = results.is_empty();
                for r in results {
                    match r {
                        Ok(Ok(v)) => {
                            any_ok = true;
                            ids.extend(v);
                        }
                        Ok(Err(e)) => {
                            first_err.get_or_insert(e);
                        }
                        Err(_) => {
                            first_err.get_or_insert_with(not_running);
                        }
                    }
                }
                let r = match (any_ok, first_err) {
                    (false, Some(e)) => Err(e),
                    _ => Ok(ids),
                };
                let _ = events.try_send(Event::ServerSearched(text, r));
            });
        if let Err(e) = spawned {
            tracing::error!("server search: {e}");
        }
    }
}

fn not_running() -> Failure {
    Failure {
        key: "error-account-not-running",
        args: Vec::new(),
        detail: "the account is not running".into(),
        transient: false,
    }
}
