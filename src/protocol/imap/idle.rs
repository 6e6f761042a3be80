//! IDLE: wait for the server to tell us something changed.
use super::{ImapConn, Result};
use async_imap::extensions::idle::IdleResponse;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleOutcome {
    /// The server sent an update (EXISTS, EXPUNGE, FETCH...).
    Changed,
    /// Nothing happened before the timeout (re-arm).
    Timeout,
}

impl ImapConn {
    /// Idles on the selected folder for at most `timeout` (keep it under 29 minutes).
    pub async fn idle(self, timeout: Duration) -> Result<(ImapConn, IdleOutcome)> {
        let ImapConn {
            session,
            caps,
            qresync_on,
            condstore_on,
            guard,
        } = self;
        let mut handle = session.idle();
        handle.init().await?;
        // Waiting in IDLE is silence on purpose: lift the inactivity timeout meanwhile.
        guard.idle(true);
        let (fut, _stop) = handle.wait_with_timeout(timeout);
        let waited = fut.await;
        guard.idle(false);
        let outcome = match waited? {
            IdleResponse::NewData(_) => IdleOutcome::Changed,
            IdleResponse::Timeout | IdleResponse::ManualInterrupt => IdleOutcome::Timeout,
        };
        let session = handle.done().await?;
        Ok((
            ImapConn {
                session,
                caps,
                qresync_on,
                condstore_on,
                guard,
            },
            outcome,
        ))
    }
}
