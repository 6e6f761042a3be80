//! One account's thread: a router for its commands, the sync task and the read task.
use super::{Cmd, ConnState, Event, Read};
use crate::engine::{Engine, EngineError, Failure, WatchEvent};
use crate::model::{Account, AccountId, OfflineMode, Protocol};
use crate::store::Store;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc};

/// How often a POP3 account (no push) or a refusing account is tried again.
/// First retry after a network failure; doubles up to [`MAX_RETRY`].
const RETRY_BASE: Duration = Duration::from_secs(5);
const MAX_RETRY: Duration = Duration::from_secs(300);

fn retry_base() -> Duration {
    std::env::var("TAYORI_RETRY_BASE_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(RETRY_BASE, Duration::from_secs)
}

use crate::engine::watch::poll_every;

type Events = async_channel::Sender<Event>;

pub(super) fn spawn(dir: PathBuf, id: AccountId, events: Events) -> mpsc::UnboundedSender<Cmd> {
    let (tx, rx) = mpsc::unbounded_channel();
    let spawned = std::thread::Builder::new()
        .name(format!("account-{}", id.0))
        .spawn(move || run(dir, id, rx, events));
    if let Err(e) = spawned {
        tracing::error!("account {id}: cannot start its thread: {e}");
    }
    tx
}

fn open(dir: &std::path::Path) -> Result<Engine, Failure> {
    Store::open_dir(dir)
        .map(Engine::new)
        .map_err(|e| Failure::of(&EngineError::Store(e)))
}

fn run(dir: PathBuf, id: AccountId, mut cmds: mpsc::UnboundedReceiver<Cmd>, events: Events) {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("account {id}: no runtime: {e}");
            return;
        }
    };
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async move {
        let control = match open(&dir) {
            Ok(e) => e,
            Err(f) => {
                let _ = events.try_send(Event::State(id, ConnState::Failing(f)));
                return;
            }
        };
        let wake = Rc::new(Notify::new());
        let work = Rc::new(Notify::new());
        let (read_tx, read_rx) = mpsc::unbounded_channel::<Read>();
        let reads = tokio::task::spawn_local(read_loop(
            dir.clone(),
            id,
            read_rx,
            work.clone(),
            events.clone(),
        ));
        let start_sync = || {
            tokio::task::spawn_local(sync_loop(
                dir.clone(),
                id,
                wake.clone(),
                work.clone(),
                events.clone(),
            ))
        };
        let enabled = control.store.account(id).map(|a| a.sync_enabled);
        let mut sync = match enabled {
            Ok(true) => Some(start_sync()),
            Ok(false) => {
                let _ = events.try_send(Event::State(id, ConnState::Disabled));
                None
            }
            Err(e) => {
                let f = Failure::of(&EngineError::Store(e));
                let _ = events.try_send(Event::State(id, ConnState::Failing(f)));
                None
            }
        };
        while let Some(cmd) = cmds.recv().await {
            match cmd {
                Cmd::Wake => wake.notify_one(),
                Cmd::SetPolicy(p) => match control.store.set_offline_policy(id, &p) {
                    Ok(()) => work.notify_one(),
                    Err(e) => tracing::warn!("account {id}: policy not saved: {e}"),
                },
                Cmd::RemoteSender(address, allow) => {
                    let saved = match allow {
                        true => control.store.allow_remote_sender(&address),
                        false => control.store.remove_remote_sender(&address),
                    };
                    match saved {
                        Ok(()) => {
                            let _ = events.try_send(Event::Changed(id));
                        }
                        Err(e) => tracing::warn!("remote content setting not saved: {e}"),
                    }
                }
                Cmd::SetSyncEnabled(on) => {
                    if let Err(e) = control.store.set_sync_enabled(id, on) {
                        tracing::warn!("account {id}: sync switch not saved: {e}");
                        continue;
                    }
                    match (on, sync.take()) {
                        (true, Some(t)) => sync = Some(t),
                        (true, None) => sync = Some(start_sync()),
                        (false, Some(t)) => {
                            t.abort();
                            let _ = events.try_send(Event::State(id, ConnState::Disabled));
                        }
                        (false, None) => {}
                    }
                    work.notify_one();
                }
                Cmd::Read(r) => {
                    let _ = read_tx.send(r);
                }
                Cmd::Stop => break,
            }
        }
        if let Some(t) = sync {
            t.abort();
        }
        reads.abort();
        let _ = events.try_send(Event::Stopped(id));
    });
}

/// Sync, then push (IMAP IDLE) or poll (POP3), until aborted. A wake runs a pass at once.
/// New messages of a folder fetched whole in a pass of an account kept entirely offline.
const WHOLE_FIRST_MAX: usize = 500;

async fn sync_loop(dir: PathBuf, id: AccountId, wake: Rc<Notify>, work: Rc<Notify>, ev: Events) {
    let send = |e: Event| ev.try_send(e).is_ok();
    let mut engine = match open(&dir) {
        Ok(e) => e,
        Err(f) => {
            send(Event::State(id, ConnState::Failing(f)));
            return;
        }
    };
    let mut backoff = retry_base();
    loop {
        // Read the account each time round: a changed setting applies at the next pass.
        let account = match engine.store.account(id) {
            Ok(a) => a,
            Err(e) => {
                send(Event::State(
                    id,
                    ConnState::Failing(Failure::of(&EngineError::Store(e))),
                ));
                return;
            }
        };
        // Kept entirely offline: new mail comes whole in the pass (a big first sync still
        // lists headers first; the offline download follows).
        engine.whole_first = engine
            .store
            .offline_policy(id)
            .ok()
            .and_then(|p| crate::engine::whole_first(&p, WHOLE_FIRST_MAX));
        send(Event::State(id, ConnState::Syncing));
        let wait = match engine.sync_account(&account).await {
            Ok(report) => {
                backoff = retry_base();
                send(Event::Synced(id, Arc::new(report)));
                send(Event::Changed(id));
                work.notify_one();
                None
            }
            Err(e) if e.is_transient() => {
                send(Event::State(id, ConnState::Offline(Failure::of(&e))));
                let w = backoff;
                backoff = (backoff * 2).min(MAX_RETRY);
                Some(w)
            }
            Err(e) => {
                send(Event::State(id, ConnState::Failing(Failure::of(&e))));
                Some(poll_every())
            }
        };
        let wait = match (wait, account.protocol) {
            (Some(w), _) => w,
            (None, Protocol::Pop3) => {
                send(Event::State(id, ConnState::Online));
                poll_every()
            }
            (None, Protocol::Imap) => {
                if push(&mut engine, &account, &wake, &work, &ev).await {
                    continue;
                }
                // Push ended with a refusal: wait as after a failed pass.
                poll_every()
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = wake.notified() => {}
        }
    }
}

/// IDLE until a wake (returns true: run a pass now) or a refusal (false).
async fn push(
    engine: &mut Engine,
    account: &Account,
    wake: &Notify,
    work: &Notify,
    ev: &Events,
) -> bool {
    let id = account.id;
    let send = |e: Event| ev.try_send(e).is_ok();
    let watch = engine.watch(account, |w| match w {
        WatchEvent::Synced(report) => {
            work.notify_one();
            send(Event::Synced(id, Arc::new(report.clone())));
            send(Event::Changed(id));
            send(Event::State(id, ConnState::Pushing))
        }
        WatchEvent::Online => send(Event::State(id, ConnState::Pushing)),
        WatchEvent::Offline(f) => send(Event::State(id, ConnState::Offline(f))),
        WatchEvent::Outbox(r) => {
            send(Event::Outbox(id, Arc::new(r.clone())));
            send(Event::Changed(id))
        }
    });
    tokio::select! {
        r = watch => match r {
            Ok(()) => true,
            Err(e) => {
                send(Event::State(id, ConnState::Failing(Failure::of(&e))));
                false
            }
        },
        _ = wake.notified() => true,
    }
}

/// Reads on the kept session first; the offline download in between, batch by batch.
async fn read_loop(
    dir: PathBuf,
    id: AccountId,
    mut reads: mpsc::UnboundedReceiver<Read>,
    work: Rc<Notify>,
    ev: Events,
) {
    let mut engine = match open(&dir) {
        Ok(e) => e,
        Err(f) => {
            let _ = ev.try_send(Event::State(id, ConnState::Failing(f)));
            return;
        }
    };
    engine.keep_sessions(true);
    // Log the read session in now, so the first click on an uncached message costs one
    // FETCH, not a login (a failure here is fine: the first read connects).
    if let Ok(account) = engine.store.account(id)
        && account.protocol == Protocol::Imap
        && account.sync_enabled
        && let Ok(kept) = engine.take_session(&account).await
    {
        engine.put_back(id, kept).await;
    }
    let mut pending = true;
    let mut backoff = retry_base();
    loop {
        while let Ok(r) = reads.try_recv() {
            serve(&mut engine, id, r, &ev).await;
        }
        if pending {
            match download_step(&mut engine, id, &reads, &ev).await {
                Step::More => backoff = retry_base(),
                Step::Done => pending = false,
                Step::Retry => {
                    let w = backoff;
                    backoff = (backoff * 2).min(MAX_RETRY);
                    tokio::select! {
                        r = reads.recv() => match r {
                            Some(r) => serve(&mut engine, id, r, &ev).await,
                            None => return,
                        },
                        _ = tokio::time::sleep(w) => {}
                        _ = work.notified() => {}
                    }
                }
            }
            continue;
        }
        tokio::select! {
            r = reads.recv() => match r {
                Some(r) => serve(&mut engine, id, r, &ev).await,
                None => return,
            },
            _ = work.notified() => pending = true,
        }
    }
}

enum Step {
    /// Paused for a read, or a batch went through: call again.
    More,
    /// Nothing (more) to download under the policy.
    Done,
    /// The network failed: try again later.
    Retry,
}

async fn download_step(
    engine: &mut Engine,
    id: AccountId,
    reads: &mpsc::UnboundedReceiver<Read>,
    ev: &Events,
) -> Step {
    let (account, policy) = match (engine.store.account(id), engine.store.offline_policy(id)) {
        (Ok(a), Ok(p)) => (a, p),
        _ => return Step::Done,
    };
    if account.protocol != Protocol::Imap
        || !account.sync_enabled
        || policy.mode == OfflineMode::OnDemand
    {
        return Step::Done;
    }
    let mut kept = match engine.take_session(&account).await {
        Ok(k) => k,
        Err(e) if e.is_transient() => return Step::Retry,
        Err(_) => return Step::Done,
    };
    let mut progress = |p| {
        let _ = ev.try_send(Event::Bodies(id, p));
    };
    let pause = || !reads.is_empty();
    let r = engine
        .download_bodies(
            kept.conn_for_any_folder(),
            &account,
            &policy,
            &mut progress,
            &pause,
        )
        .await;
    match r {
        Ok(rep) => {
            engine.put_back(id, kept).await;
            if rep.fetched > 0 {
                let _ = ev.try_send(Event::Changed(id));
            }
            if rep.remaining > 0 && (rep.fetched > 0 || !reads.is_empty()) {
                return Step::More;
            }
            // Downloaded mail becomes searchable (no network; pausable for a read too).
            match engine.index_bodies(id, &pause).await {
                Ok(ix) if ix.remaining > 0 => Step::More,
                Ok(_) => Step::Done,
                Err(e) => {
                    tracing::warn!("account {id}: search indexing stopped: {e}");
                    Step::Done
                }
            }
        }
        Err(e) if e.is_transient() => Step::Retry,
        Err(e) => {
            tracing::warn!("account {id}: offline download stopped: {e}");
            Step::Done
        }
    }
}

fn save_mode(open: bool) -> crate::engine::SaveMode {
    if open {
        crate::engine::SaveMode::Overwrite
    } else {
        crate::engine::SaveMode::NewName
    }
}

async fn serve(engine: &mut Engine, id: AccountId, r: Read, ev: &Events) {
    let event = match r {
        Read::Show(m) => Event::Shown(m, engine.show_for_reader(m).await.map_err(Failure::from)),
        Read::Save(m, index, path, open) => Event::Saved(
            // The window's Save never replaces a file: "name (1).ext" beside it instead. A
            // copy to open lives in Tayori's own folder and is simply written again.
            engine
                .save_attachment(m, index, &path, save_mode(open))
                .await
                .map_err(Failure::from),
            open,
        ),
        Read::SaveAs(m, index, path, mode) => Event::Saved(
            engine
                .save_attachment(m, index, &path, mode)
                .await
                .map_err(Failure::from),
            false,
        ),
        Read::Respond(m, kind, labels) => Event::Composed(
            id,
            engine
                .respond_to(m, kind, &labels)
                .await
                .map(Box::new)
                .map_err(Failure::from),
        ),
        Read::EditDraft(m) => Event::DraftOpened(
            id,
            engine
                .draft_of_message(m)
                .await
                .map(|(d, c)| (d, Box::new(c)))
                .map_err(Failure::from),
        ),
        Read::Doctor => {
            let r = match engine.store.account(id) {
                Ok(a) => engine.doctor(&a).await.map(Arc::new).map_err(Failure::from),
                Err(e) => Err(Failure::of(&EngineError::Store(e))),
            };
            Event::Doctor(id, r)
        }
        Read::Search(text, reply) => {
            let r = match engine.store.account(id) {
                Ok(a) => engine.search_server(&a, &text).await.map_err(Failure::from),
                Err(e) => Err(Failure::of(&EngineError::Store(e))),
            };
            let _ = reply.send(r);
            return;
        }
    };
    let changed = matches!(&event, Event::Shown(_, Ok(_)));
    let _ = ev.try_send(event);
    if changed {
        let _ = ev.try_send(Event::Changed(id));
    }
}
