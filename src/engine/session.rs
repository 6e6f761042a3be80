//! Sessions that stay open: with [`Engine::keep_sessions`] on (the scheduler does this), each
//! account keeps one logged-in IMAP connection for on-demand reads (bodies, attachments,
//! server search) beside its IDLE connection, so opening an uncached message costs one
//! FETCH, not a TCP + TLS + LOGIN + SELECT + LOGOUT. A dropped connection is replaced once
//! per request, transparently. Without it (one-shot CLI commands) each read connects and
//! logs out, as before.
use super::{Engine, EngineError, Result};
use crate::model::{Account, AccountId, Uid};
use crate::protocol::imap::{ImapConn, ImapError};
use std::collections::HashMap;

/// A kept connection and what it has selected (name, UIDVALIDITY at SELECT).
pub(crate) struct Kept {
    pub(crate) conn: ImapConn,
    selected: Option<(String, Option<u32>)>,
}

/// The kept sessions of an engine, by account.
#[derive(Default)]
pub(crate) struct Sessions {
    pub(crate) keep: bool,
    open: HashMap<AccountId, Kept>,
}

impl Engine {
    /// Keep one read session per account open between requests (the scheduler's mode).
    pub fn keep_sessions(&mut self, on: bool) {
        self.sessions.keep = on;
        if !on {
            self.sessions.open.clear();
        }
    }

    /// Takes the account's read connection out (connecting when there is none). Give it
    /// back with [`Engine::put_back`] after a success; drop it after an error.
    pub(crate) async fn take_session(&mut self, account: &Account) -> Result<Kept> {
        if let Some(k) = self.sessions.open.remove(&account.id) {
            return Ok(k);
        }
        let conn = Self::connect(account).await?;
        Ok(Kept {
            conn,
            selected: None,
        })
    }

    /// Keeps the connection for the next read, or logs out when sessions are not kept.
    pub(crate) async fn put_back(&mut self, account: AccountId, kept: Kept) {
        if self.sessions.keep {
            self.sessions.open.insert(account, kept);
        } else {
            let _ = kept.conn.logout().await;
        }
    }

    /// One section of one message, fetched on the account's read session. The folder is
    /// selected only when it is not already; a UIDVALIDITY other than the cache's means the
    /// UID no longer names this message, so nothing is fetched.
    pub(crate) async fn fetch_part(
        &mut self,
        account: &Account,
        folder: &str,
        uidvalidity: Option<u32>,
        uid: Uid,
        section: &str,
    ) -> Result<Vec<u8>> {
        let mut last = None;
        // A kept connection may have been closed by the server while idle: one fresh try.
        for _ in 0..2 {
            let mut kept = self.take_session(account).await?;
            match fetch_on(&mut kept, folder, uidvalidity, uid, section).await {
                Ok(data) => {
                    self.put_back(account.id, kept).await;
                    return Ok(data);
                }
                Err(e) if e.is_transient() => last = Some(e),
                Err(e) => {
                    // The connection is fine after a NO: keep it.
                    self.put_back(account.id, kept).await;
                    return Err(e.into());
                }
            }
        }
        Err(last.map_or(EngineError::Imap(ImapError::ConnectionLost), Into::into))
    }
}

async fn fetch_on(
    kept: &mut Kept,
    folder: &str,
    uidvalidity: Option<u32>,
    uid: Uid,
    section: &str,
) -> std::result::Result<Vec<u8>, ImapError> {
    kept.select(folder).await?;
    if let (Some(want), Some((_, Some(have)))) = (uidvalidity, &kept.selected)
        && want != *have
    {
        return Err(ImapError::No(format!(
            "{folder} was recreated on the server (UIDVALIDITY {have}, cached {want}); \
             the next sync re-reads it"
        )));
    }
    kept.conn.fetch_section(uid, section).await
}

impl Kept {
    /// Selects `folder` unless it is the selected one.
    pub(crate) async fn select(&mut self, folder: &str) -> std::result::Result<(), ImapError> {
        if self.selected.as_ref().is_some_and(|(f, _)| f == folder) {
            return Ok(());
        }
        self.selected = None;
        let info = self.conn.select(folder, None).await?;
        self.selected = Some((folder.to_string(), info.uidvalidity));
        Ok(())
    }

    /// The connection for work that selects folders itself (bulk downloads, search).
    pub(crate) fn conn_for_any_folder(&mut self) -> &mut ImapConn {
        self.selected = None;
        &mut self.conn
    }
}
