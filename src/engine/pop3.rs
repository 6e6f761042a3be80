//! POP3 download: UIDL-based, into the account's local Inbox.
//!
//! Each new message is stored (headers, raw form, search text) in the same transaction that
//! records its UIDL, so a dropped connection neither loses nor duplicates mail. Server copies
//! are deleted (DELE, committed at QUIT) only for messages already stored here, and only as
//! the account's options say: not leaving copies, N days after download, or when deleted here.
use super::sync::{Change, FolderReport, SyncReport};
use super::{Engine, EngineError, Result};
use crate::mime;
use crate::model::{Account, Flags, FolderRole, HeaderInfo, Pop3Options, Uid};
use crate::protocol::pop3::{Pop3Conn, Pop3Error};
use crate::store::{KnownUidl, Pop3Message};
use std::collections::HashSet;

/// Where "now" comes from: the system clock, or a fixed time in tests.
pub trait Clock: Send + Sync {
    /// Unix seconds.
    fn now(&self) -> i64;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        chrono::Utc::now().timestamp()
    }
}

/// What a POP3 pass did, beyond the Inbox report.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Pop3Report {
    /// Messages in the maildrop when the pass began.
    pub server_count: usize,
    pub downloaded: usize,
    /// Server copies deleted (DELE committed by QUIT).
    pub deleted_on_server: usize,
}

/// Whether the server copy of an already downloaded message goes now. Pure.
pub fn should_delete(opts: &Pop3Options, known: &KnownUidl, now: i64) -> bool {
    if known.dele_pending || !opts.leave_on_server {
        return true;
    }
    opts.delete_after_days
        .is_some_and(|d| now.saturating_sub(known.downloaded) >= i64::from(d) * 86_400)
}

/// Turns a downloaded message into what the store keeps. Never fails: unreadable MIME still
/// keeps its raw bytes (the reader shows what it can).
pub fn to_pop3_message(raw: Vec<u8>, now: i64) -> Pop3Message {
    let base = HeaderInfo::bare(Uid(0), now, raw.len() as u64, Flags::default(), None);
    let (header, text) = match mime::parse_message(&raw) {
        Ok(p) => p.into_header(base),
        Err(_) => (base, String::new()),
    };
    Pop3Message {
        snippet: mime::snippet(&text, 200),
        header,
        raw,
        text,
    }
}

impl Engine {
    /// Connects and logs in to the account's POP3 server.
    pub async fn connect_pop3(account: &Account) -> Result<Pop3Conn> {
        let i = &account.imap;
        let ca = account.ca_file.as_deref();
        Self::with_login(account, |creds| async move {
            Pop3Conn::connect(&i.host, i.port, i.security, ca, &creds).await
        })
        .await
    }

    /// One POP3 pass: download new mail, then delete server copies as the options say.
    pub async fn sync_pop3(&mut self, account: &Account, clock: &dyn Clock) -> Result<SyncReport> {
        self.store.ensure_local_folders(account.id)?;
        let settled = self.store.settle_local_ops(account.id)?;
        let inbox = self
            .store
            .folder_by_role(account.id, FolderRole::Inbox)?
            .ok_or_else(|| crate::store::StoreError::NoFolder("INBOX".into()))?;
        let mut conn = Self::connect_pop3(account).await?;
        let listing = conn.uidl().await?;
        let known = self.store.known_uidls(account.id)?;
        let on_server: HashSet<&str> = listing.iter().map(|(_, u)| u.as_str()).collect();
        // A UIDL the server no longer lists can never come back: forget it.
        let gone: Vec<String> = known
            .keys()
            .filter(|u| !on_server.contains(u.as_str()))
            .cloned()
            .collect();
        self.store.forget_uidls(account.id, &gone)?;

        let now = clock.now();
        let mut rep = FolderReport {
            folder: inbox.name.clone(),
            plan: "Pop3".into(),
            ..Default::default()
        };
        let mut pop = Pop3Report {
            server_count: listing.len(),
            ..Default::default()
        };
        let mut dele: Vec<(u32, String)> = Vec::new();
        for (n, uidl) in &listing {
            if let Some(k) = known.get(uidl) {
                if should_delete(&account.pop3, k, now) {
                    dele.push((*n, uidl.clone()));
                }
                continue;
            }
            let raw = conn.retr(*n).await?;
            let msg = to_pop3_message(raw, now);
            let subject = msg.header.subject.clone();
            if let Some(id) = self
                .store
                .store_pop3_message(account.id, inbox.id, uidl, &msg, now)?
            {
                pop.downloaded += 1;
                rep.fetched += 1;
                if rep.changes.len() < 200 {
                    let uid = self.store.message(id)?.uid.map(|u| u.0).unwrap_or(0);
                    rep.changes.push(Change::Arrived { uid, subject });
                }
                if !account.pop3.leave_on_server {
                    dele.push((*n, uidl.clone()));
                }
            }
        }
        for (n, _) in &dele {
            conn.dele(*n).await?;
        }
        conn.quit().await?;
        // QUIT succeeded: the server has removed them.
        let deleted: Vec<String> = dele.into_iter().map(|(_, u)| u).collect();
        pop.deleted_on_server = deleted.len();
        self.store.forget_uidls(account.id, &deleted)?;
        let unread = self.store.count_unread(inbox.id)?;
        self.store.set_sync_state(
            inbox.id,
            &crate::store::folders::SyncState {
                server_total: Some((listing.len() - pop.deleted_on_server) as u32),
                server_unread: Some(unread),
                ..Default::default()
            },
        )?;
        Ok(SyncReport {
            ops_done: settled,
            folders: vec![rep],
            pop3: Some(pop),
            ..Default::default()
        })
    }
}

impl From<Pop3Error> for EngineError {
    fn from(e: Pop3Error) -> Self {
        EngineError::Pop3(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(downloaded: i64, dele_pending: bool) -> KnownUidl {
        KnownUidl {
            message_id: None,
            downloaded,
            dele_pending,
        }
    }

    #[test]
    fn deletion_rules() {
        let keep = Pop3Options::default();
        assert!(!should_delete(&keep, &known(0, false), 10 * 86_400));
        assert!(should_delete(&keep, &known(0, true), 0));
        let days = Pop3Options {
            delete_after_days: Some(7),
            ..keep
        };
        assert!(!should_delete(
            &days,
            &known(1000, false),
            1000 + 7 * 86_400 - 1
        ));
        assert!(should_delete(&days, &known(1000, false), 1000 + 7 * 86_400));
        let gone = Pop3Options {
            leave_on_server: false,
            ..keep
        };
        assert!(should_delete(&gone, &known(5, false), 5));
    }

    #[test]
    fn unparsable_mail_is_kept_raw() {
        let m = to_pop3_message(b"\r\n".to_vec(), 42);
        assert_eq!(m.raw, b"\r\n");
        assert_eq!(m.header.date, 42);
        let m = to_pop3_message(
            b"Subject: hi\r\nMessage-ID: <a@b>\r\n\r\nbody text\r\n".to_vec(),
            42,
        );
        assert_eq!(m.header.subject, "hi");
        assert_eq!(m.text, "body text");
        assert_eq!(m.header.parts[0].section, "1");
    }
}
