//! Background work for the window: one thread per account keeps it in sync (sync, then IDLE
//! push; a local change wakes it to replay the queue at once), and one reader thread opens
//! messages and saves attachments. Each thread has its own engine and store connection
//! (SQLite WAL lets them read while another writes). The window hears back through one
//! channel of [`Event`]s. No protocol here: only engine calls.
use super::settings::DownloadPolicy;
use crate::engine::{Engine, ShownMessage, WatchEvent};
use crate::i18n::Localizer;
use crate::model::{Account, AccountId, MessageId, Protocol};
use crate::notify::{NewMail, Notifier};
use crate::store::Store;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc;

/// Where an account's connection stands, as the sync view and status bar show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnState {
    Connecting,
    Syncing,
    /// Connected and waiting for the server to push (IMAP IDLE).
    Pushing,
    /// Synced; checks again periodically (POP3).
    Online,
    /// The server cannot be reached; retrying. The reason in the system's words.
    Offline(String),
    /// The server refused (password, certificate): needs the user. The server's words.
    Failing(String),
    Disabled,
}

#[derive(Debug, Clone)]
pub enum Event {
    State(AccountId, ConnState),
    /// The cache changed (a sync pass or replay finished).
    Synced(AccountId),
    Shown(MessageId, Result<ShownMessage, String>),
    /// An attachment was saved; `open` asks for it to be opened with the system's app.
    Saved(Result<(PathBuf, u64), String>, bool),
    /// A reply / forward prepared by the engine, for the composer.
    Composed(
        AccountId,
        Result<Box<crate::mime::compose::Compose>, String>,
    ),
    /// The server's matches for a search (cached message ids).
    ServerSearched(String, Result<Vec<MessageId>, String>),
}

enum ReadJob {
    Show(MessageId),
    Save(MessageId, usize, PathBuf, bool),
    Search(String),
    Respond(
        MessageId,
        crate::mime::reply::ReplyKind,
        crate::mime::reply::QuoteLabels,
    ),
}

/// Handle the window keeps: send work, wake accounts.
#[derive(Debug, Clone)]
pub struct Worker {
    read: mpsc::UnboundedSender<ReadJob>,
    kicks: HashMap<AccountId, mpsc::UnboundedSender<()>>,
}

impl std::fmt::Debug for ReadJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadJob")
    }
}

/// How often a POP3 account (no push) or a failing account is tried again.
const POLL: Duration = Duration::from_secs(300);
const RETRY: Duration = Duration::from_secs(30);

impl Worker {
    /// Starts the threads; events arrive on the returned receiver.
    pub fn start(
        dir: PathBuf,
        accounts: Vec<Account>,
        policy: DownloadPolicy,
        notifier: Notifier,
    ) -> (Worker, async_channel::Receiver<Event>) {
        let (events, rx) = async_channel::unbounded();
        let (read_tx, read_rx) = mpsc::unbounded_channel();
        {
            let dir = dir.clone();
            let events = events.clone();
            std::thread::spawn(move || reader(dir, read_rx, events));
        }
        let mut kicks = HashMap::new();
        for a in accounts {
            if !a.sync_enabled {
                let _ = events.try_send(Event::State(a.id, ConnState::Disabled));
                continue;
            }
            let (kick_tx, kick_rx) = mpsc::unbounded_channel();
            kicks.insert(a.id, kick_tx);
            let dir = dir.clone();
            let events = events.clone();
            let notifier = notifier.clone();
            std::thread::spawn(move || account_loop(dir, a, kick_rx, events, policy, notifier));
        }
        (
            Worker {
                read: read_tx,
                kicks,
            },
            rx,
        )
    }

    /// A worker that does nothing (no data dir, tests of the view logic).
    pub fn idle() -> Worker {
        let (read, _) = mpsc::unbounded_channel();
        Worker {
            read,
            kicks: HashMap::new(),
        }
    }

    pub fn show(&self, id: MessageId) {
        let _ = self.read.send(ReadJob::Show(id));
    }

    pub fn save_attachment(&self, id: MessageId, index: usize, path: PathBuf, open: bool) {
        let _ = self.read.send(ReadJob::Save(id, index, path, open));
    }

    /// Prepares a reply, reply-all or forward of `id` (its text may need downloading).
    pub fn respond(
        &self,
        id: MessageId,
        kind: crate::mime::reply::ReplyKind,
        labels: crate::mime::reply::QuoteLabels,
    ) {
        let _ = self.read.send(ReadJob::Respond(id, kind, labels));
    }

    /// Searches every IMAP account's server for `text`.
    pub fn search_server(&self, text: String) {
        let _ = self.read.send(ReadJob::Search(text));
    }

    /// A local change was queued for `account`: replay it now.
    pub fn kick(&self, account: AccountId) {
        if let Some(k) = self.kicks.get(&account) {
            let _ = k.send(());
        }
    }
}

fn runtime() -> Option<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()
}

fn reader(
    dir: PathBuf,
    mut jobs: mpsc::UnboundedReceiver<ReadJob>,
    events: async_channel::Sender<Event>,
) {
    let Some(rt) = runtime() else { return };
    rt.block_on(async move {
        let mut engine = match Store::open_dir(&dir) {
            Ok(s) => Engine::new(s),
            Err(e) => {
                tracing::error!("reader: {e}");
                return;
            }
        };
        while let Some(job) = jobs.recv().await {
            let ev = match job {
                ReadJob::Show(id) => {
                    Event::Shown(id, engine.show(id).await.map_err(|e| e.to_string()))
                }
                ReadJob::Save(id, index, path, open) => Event::Saved(
                    engine
                        .save_attachment(id, index, &path)
                        .await
                        .map(|n| (path, n))
                        .map_err(|e| e.to_string()),
                    open,
                ),
                ReadJob::Respond(id, kind, labels) => {
                    let account = engine.store.message(id).map(|m| m.account_id);
                    match account {
                        Ok(account) => Event::Composed(
                            account,
                            engine
                                .respond_to(id, kind, &labels)
                                .await
                                .map(Box::new)
                                .map_err(|e| e.to_string()),
                        ),
                        Err(e) => Event::Shown(id, Err(e.to_string())),
                    }
                }
                ReadJob::Search(text) => {
                    let r = search_everywhere(&mut engine, &text).await;
                    Event::ServerSearched(text, r)
                }
            };
            if events.send(ev).await.is_err() {
                return;
            }
        }
    });
}

async fn search_everywhere(engine: &mut Engine, text: &str) -> Result<Vec<MessageId>, String> {
    let accounts = engine.store.accounts().map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for a in accounts.iter().filter(|a| a.sync_enabled) {
        out.extend(
            engine
                .search_server(a, text)
                .await
                .map_err(|e| e.to_string())?,
        );
    }
    Ok(out)
}

fn account_loop(
    dir: PathBuf,
    account: Account,
    mut kicks: mpsc::UnboundedReceiver<()>,
    events: async_channel::Sender<Event>,
    policy: DownloadPolicy,
    notifier: Notifier,
) {
    let Some(rt) = runtime() else { return };
    let tr = std::rc::Rc::new(Localizer::new(crate::i18n::system_language()));
    let email = account.email.clone();
    // New Inbox mail from a pass (not a first fill of the cache) makes a desktop notification.
    let notify = move |report: &crate::engine::SyncReport| {
        if let Some(arrivals) = crate::notify::inbox_arrivals(report) {
            notifier.show_in_background(NewMail::localized(&tr, &email, &arrivals));
        }
    };
    let id = account.id;
    let send = move |ev: Event| events.try_send(ev).is_ok();
    rt.block_on(async move {
        let mut engine = match Store::open_dir(&dir) {
            Ok(s) => Engine::new(s),
            Err(e) => {
                send(Event::State(id, ConnState::Failing(e.to_string())));
                return;
            }
        };
        loop {
            if !send(Event::State(id, ConnState::Syncing)) {
                return;
            }
            let wait = match engine.sync_account(&account).await {
                Ok(report) => {
                    notify(&report);
                    send(Event::Synced(id));
                    prefetch(&mut engine, id, policy).await;
                    send(Event::Synced(id));
                    None
                }
                Err(e) if e.is_transient() => {
                    send(Event::State(id, ConnState::Offline(e.to_string())));
                    Some(RETRY)
                }
                Err(e) => {
                    send(Event::State(id, ConnState::Failing(e.to_string())));
                    Some(POLL)
                }
            };
            let wait = match (wait, account.protocol) {
                (Some(w), _) => w,
                (None, Protocol::Pop3) => {
                    send(Event::State(id, ConnState::Online));
                    POLL
                }
                (None, Protocol::Imap) => {
                    // Push until a local change needs replaying (the watch is dropped then).
                    let sender = send.clone();
                    let notify = notify.clone();
                    let watch = engine.watch(&account, move |ev| match ev {
                        WatchEvent::Synced(report) => {
                            notify(report);
                            sender(Event::Synced(id));
                            sender(Event::State(id, ConnState::Pushing))
                        }
                        WatchEvent::Online => sender(Event::State(id, ConnState::Pushing)),
                        WatchEvent::Offline(why) => {
                            sender(Event::State(id, ConnState::Offline(why)))
                        }
                        WatchEvent::Outbox(_) => sender(Event::Synced(id)),
                    });
                    tokio::select! {
                        r = watch => match r {
                            Ok(()) => return,
                            Err(e) => {
                                send(Event::State(id, ConnState::Failing(e.to_string())));
                                POLL
                            }
                        },
                        k = kicks.recv() => {
                            if k.is_none() { return; }
                            continue;
                        }
                    }
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                k = kicks.recv() => if k.is_none() { return; },
            }
        }
    });
}

/// Fetches message text for offline reading, as the download policy says (a bounded batch
/// per pass, newest first).
async fn prefetch(engine: &mut Engine, account: AccountId, policy: DownloadPolicy) {
    let since = match policy {
        DownloadPolicy::OnDemand => return,
        DownloadPolicy::Recent(days) => {
            Some(chrono::Utc::now().timestamp() - i64::from(days) * 86_400)
        }
        DownloadPolicy::Everything => None,
    };
    let Ok(ids) = engine.store.messages_without_text(account, since, 200) else {
        return;
    };
    for id in ids {
        if engine.show(id).await.is_err() {
            return;
        }
    }
}
