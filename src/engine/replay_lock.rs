//! One replayer per account at a time, across processes (two `tayori sync`, or the window
//! and a `sync`, on one data directory): an exclusive lock on `replay-<account>.lock` next to
//! the database, held while the queue is read and replayed. A second replayer waits for
//! it, then finds the queue already sent. The OS drops the lock with the process, so a
//! killed replayer leaves nothing stale.
use super::{EngineError, Result};
use crate::model::AccountId;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a replayer waits for another before leaving the queue to it.
const WAIT: Duration = Duration::from_secs(120);

/// Held while replaying; dropping it unlocks.
pub(super) struct ReplayLock {
    _file: Option<std::fs::File>,
}

/// Takes the account's replay lock (waiting for another process to finish). A store with no
/// file (in memory) has no other process to exclude.
pub(super) async fn acquire(db: Option<&Path>, account: AccountId) -> Result<ReplayLock> {
    let Some(dir) = db.and_then(Path::parent) else {
        return Ok(ReplayLock { _file: None });
    };
    let path = dir.join(format!("replay-{}.lock", account.0));
    let io_err = |source| EngineError::Write {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_err)?;
    let t0 = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(ReplayLock { _file: Some(file) }),
            Err(std::fs::TryLockError::WouldBlock) if t0.elapsed() < WAIT => {
                tracing::debug!(account = account.0, "replay lock held by another process");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(std::fs::TryLockError::WouldBlock) => return Err(EngineError::ReplayBusy),
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(e)),
        }
    }
}
