//! SELECT, with CONDSTORE or QRESYNC when the server offers them.
use super::fetch::parse_flags;
use super::{ImapConn, Result, quote};
use crate::model::{Flags, Uid};
use async_imap::imap_proto::{
    AttributeValue, MailboxDatum, Response, ResponseCode, StatusAttribute,
};

/// What SELECT told us about a folder.
#[derive(Debug, Clone, Default)]
pub struct SelectInfo {
    pub exists: u32,
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    pub highest_modseq: Option<u64>,
    /// QRESYNC only: UIDs expunged since the known modseq.
    pub vanished: Vec<Uid>,
    /// QRESYNC only: messages whose flags changed since the known modseq.
    pub changed: Vec<(Uid, Flags, Option<u64>)>,
    /// True when the server answered a QRESYNC SELECT (vanished/changed are complete).
    pub resynced: bool,
}

impl ImapConn {
    /// Selects `folder`. With `known = Some((uidvalidity, modseq))` and QRESYNC enabled, the
    /// server reports what changed since in the same round trip.
    pub async fn select(&mut self, folder: &str, known: Option<(u32, u64)>) -> Result<SelectInfo> {
        let mut cmd = format!("SELECT {}", quote(folder));
        let mut resynced = false;
        match known {
            Some((v, m)) if self.qresync_on && m > 0 => {
                cmd.push_str(&format!(" (QRESYNC ({v} {m}))"));
                resynced = true;
            }
            _ if self.condstore_on => cmd.push_str(" (CONDSTORE)"),
            _ => {}
        }
        let mut info = SelectInfo {
            resynced,
            ..Default::default()
        };
        let done = self
            .raw(&cmd, |r| match r {
                Response::MailboxData(MailboxDatum::Exists(n)) => info.exists = *n,
                Response::Data { outcome, .. } => match &outcome.code {
                    Some(ResponseCode::UidValidity(v)) => info.uidvalidity = Some(*v),
                    Some(ResponseCode::UidNext(v)) => info.uidnext = Some(*v),
                    Some(ResponseCode::HighestModSeq(v)) => info.highest_modseq = Some(*v),
                    _ => {}
                },
                Response::Vanished { uids, .. } => {
                    for r in uids {
                        info.vanished.extend(r.clone().map(Uid));
                    }
                }
                Response::Fetch(_, attrs) => {
                    let mut uid = None;
                    let mut flags = None;
                    let mut modseq = None;
                    for a in attrs {
                        match a {
                            AttributeValue::Uid(u) => uid = Some(Uid(*u)),
                            AttributeValue::Flags(f) => flags = Some(parse_flags(f)),
                            AttributeValue::ModSeq(m) => modseq = Some(*m),
                            _ => {}
                        }
                    }
                    if let (Some(u), Some(f)) = (uid, flags) {
                        info.changed.push((u, f, modseq));
                    }
                }
                _ => {}
            })
            .await?;
        if let Some(v) = done.highest_modseq {
            info.highest_modseq = Some(v);
        }
        Ok(info)
    }
}

/// What STATUS told us about a folder without selecting it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusInfo {
    pub messages: Option<u32>,
    pub uidnext: Option<u32>,
    pub uidvalidity: Option<u32>,
    pub highest_modseq: Option<u64>,
    pub unseen: Option<u32>,
}

impl ImapConn {
    /// STATUS with HIGHESTMODSEQ (CONDSTORE servers only): tells whether anything changed in
    /// a folder without SELECT, which on some servers (Maildir) costs a directory scan.
    pub async fn status(&mut self, folder: &str) -> Result<StatusInfo> {
        self.status_of(folder, "MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ UNSEEN")
            .await
    }

    /// STATUS of the items every IMAP4rev1 server has (MESSAGES UIDNEXT UIDVALIDITY).
    pub async fn status_basic(&mut self, folder: &str) -> Result<StatusInfo> {
        self.status_of(folder, "MESSAGES UIDNEXT UIDVALIDITY").await
    }

    async fn status_of(&mut self, folder: &str, items: &str) -> Result<StatusInfo> {
        let cmd = format!("STATUS {} ({items})", quote(folder));
        let mut info = StatusInfo::default();
        self.raw(&cmd, |r| {
            if let Response::MailboxData(MailboxDatum::Status { status, .. }) = r {
                for a in status {
                    match a {
                        StatusAttribute::Messages(n) => info.messages = Some(*n),
                        StatusAttribute::UidNext(n) => info.uidnext = Some(*n),
                        StatusAttribute::UidValidity(n) => info.uidvalidity = Some(*n),
                        StatusAttribute::HighestModSeq(n) => info.highest_modseq = Some(*n),
                        StatusAttribute::Unseen(n) => info.unseen = Some(*n),
                        _ => {}
                    }
                }
            }
        })
        .await?;
        Ok(info)
    }
}
