//! Whole messages with their IMAP attributes in one pipelined FETCH: for an account kept
//! entirely offline, a first sync takes each message once (`FLAGS INTERNALDATE RFC822.SIZE
//! BODY.PEEK[]`) instead of its header items first and its body again afterwards; the
//! headers are then read from the message itself, as for POP3.
use super::fetch::{parse_flags, parse_internal_date};
use super::{ImapConn, Result};
use crate::model::{Flags, Uid};
use async_imap::imap_proto::AttributeValue;

/// A message as one FETCH brought it: what the server keeps about it, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WholeFetched {
    pub uid: Uid,
    pub flags: Flags,
    pub internal_date: i64,
    pub size: u64,
    pub modseq: Option<u64>,
    pub raw: Vec<u8>,
}

fn whole_from_attrs(attrs: &[AttributeValue<'_>]) -> Option<WholeFetched> {
    let mut uid = None;
    let mut raw = None;
    let mut w = WholeFetched {
        uid: Uid(0),
        flags: Flags::default(),
        internal_date: 0,
        size: 0,
        modseq: None,
        raw: Vec::new(),
    };
    for a in attrs {
        match a {
            AttributeValue::Uid(u) => uid = Some(Uid(*u)),
            AttributeValue::Flags(f) => w.flags = parse_flags(f),
            AttributeValue::InternalDate(d) => {
                w.internal_date = parse_internal_date(d).unwrap_or(0)
            }
            AttributeValue::Rfc822Size(s) => w.size = u64::from(*s),
            AttributeValue::ModSeq(m) => w.modseq = Some(*m),
            AttributeValue::BodySection {
                section: None,
                data: Some(data),
                ..
            } => raw = Some(data.to_vec()),
            _ => {}
        }
    }
    // An unsolicited FETCH (a flag change meanwhile) carries no body: not one of ours.
    w.uid = uid?;
    w.raw = raw?;
    Some(w)
}

impl ImapConn {
    /// Fetches the whole messages of `chunks` (UID lists of the selected folder), two
    /// commands on the wire at a time; `on_batch` gets each chunk's messages in order
    /// (returning false stops asking for more).
    pub async fn fetch_whole_batches<F>(&mut self, chunks: &[&[u32]], on_batch: F) -> Result<()>
    where
        F: FnMut(Vec<WholeFetched>) -> bool,
    {
        let items = if self.condstore_on {
            "(UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ BODY.PEEK[])"
        } else {
            "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])"
        };
        self.fetch_batches(chunks, items, whole_from_attrs, on_batch)
            .await
    }
}
