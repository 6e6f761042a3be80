//! SELECT, with CONDSTORE or QRESYNC when the server offers them.
use super::fetch::parse_flags;
use super::{ImapConn, Result, quote};
use crate::model::{Flags, Uid};
use async_imap::imap_proto::{AttributeValue, MailboxDatum, Response, ResponseCode};

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
