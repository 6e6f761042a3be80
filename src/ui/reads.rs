//! A small read pool: the window's queries (list windows, search, address completion,
//! reloads of counts and queues) run on two threads with their own store connections, so
//! the UI thread never waits on the disk. Each query comes back as a message.
use crate::store::Store;
use std::future::Future;
use std::path::Path;

type Job = Box<dyn FnOnce(&Store) + Send>;

/// Threads of the pool: one for a long query (a sender sort of 100k rows) and one so a
/// reload never queues behind it.
const THREADS: usize = 2;

#[derive(Clone)]
pub struct ReadPool {
    jobs: Option<async_channel::Sender<Job>>,
}

impl std::fmt::Debug for ReadPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadPool")
    }
}

impl ReadPool {
    /// Starts the threads over the cache in `dir` (they end when the pool is dropped).
    pub fn start(dir: &Path) -> ReadPool {
        let (tx, rx) = async_channel::unbounded::<Job>();
        for n in 0..THREADS {
            let rx = rx.clone();
            let dir = dir.to_path_buf();
            let spawned = std::thread::Builder::new()
                .name(format!("ui-read-{n}"))
                .spawn(move || {
                    let store = match Store::open_dir(&dir) {
                        Ok(s) => s,
                        Err(e) => {
                            tracing::error!("read pool: {e}");
                            return;
                        }
                    };
                    while let Ok(job) = rx.recv_blocking() {
                        job(&store);
                    }
                });
            if let Err(e) = spawned {
                tracing::error!("read pool: cannot start a thread: {e}");
            }
        }
        ReadPool { jobs: Some(tx) }
    }

    /// A pool with no cache (no data dir): every query answers `None`.
    pub fn none() -> ReadPool {
        ReadPool { jobs: None }
    }

    /// Runs `f` on a pool thread; the future resolves to its result (`None` without a cache
    /// or when the pool is gone).
    pub fn query<T, F>(&self, f: F) -> impl Future<Output = Option<T>> + Send + 'static
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> T + Send + 'static,
    {
        let (tx, rx) = futures::channel::oneshot::channel();
        let sent = self.jobs.as_ref().is_some_and(|jobs| {
            jobs.try_send(Box::new(move |s: &Store| {
                let _ = tx.send(f(s));
            }))
            .is_ok()
        });
        async move { if sent { rx.await.ok() } else { None } }
    }
}
