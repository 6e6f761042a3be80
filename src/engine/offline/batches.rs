//! Deciding what to download for each message, and cutting the work into batches: one
//! batch is a few pipelined FETCH commands and one committed transaction.
use crate::mime;
use crate::model::{MessageId, PartInfo};
use crate::store::OfflineCandidate;
use std::collections::HashMap;

/// Messages per batch (one transaction each).
pub const BATCH_MESSAGES: usize = 500;
/// Bytes per batch (a single larger message is a batch of its own).
pub const BATCH_BYTES: u64 = 2 << 20;
/// The most one download may be (a whole message or a text part): larger ones are refused,
/// so memory stays bounded whatever the mailbox holds.
pub const MAX_DOWNLOAD: u64 = 32 << 20;

/// What to do for one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Download `section` ("" = whole message); `text` is the part the reader shows.
    Fetch {
        section: String,
        text: Option<PartInfo>,
        size: u64,
    },
    /// Larger than kept whole and without a text part: nothing to download, mark it done.
    Mark,
    /// Refused, with the reason.
    Refuse(String),
}

/// The job of one candidate: whole when its size fits `whole_max`, else its text part.
pub fn job(c: &OfflineCandidate, whole_max: u64) -> Job {
    if c.size <= whole_max {
        // Its text is found and indexed afterwards, from the cached message.
        return Job::Fetch {
            section: String::new(),
            text: None,
            size: c.size,
        };
    }
    match mime::choose_text_part(&c.parts).cloned() {
        None => Job::Mark,
        Some(p) if p.size > MAX_DOWNLOAD => Job::Refuse(format!(
            "its text part is {:.1} MB, over the {} MB limit of one download",
            p.size as f64 / f64::from(1 << 20),
            MAX_DOWNLOAD >> 20
        )),
        Some(p) => Job::Fetch {
            section: p.section.clone(),
            size: p.size,
            text: Some(p),
        },
    }
}

/// A message of a batch waiting for its body.
#[derive(Debug, Clone)]
pub struct Wanted {
    pub id: MessageId,
    pub section: String,
    pub text: Option<PartInfo>,
    pub had_parts: bool,
}

/// One batch: the FETCH commands to send and what they should bring.
#[derive(Debug, Default)]
pub struct Batch {
    /// (section, UIDs) per command.
    pub commands: Vec<(String, Vec<u32>)>,
    pub wanted: HashMap<u32, Wanted>,
    pub marks: Vec<(u32, MessageId)>,
    pub refused: Vec<(u32, String)>,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.wanted.len() + self.marks.len() + self.refused.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Cuts the candidates (newest first) into batches of at most [`BATCH_MESSAGES`] messages
/// and [`BATCH_BYTES`] bytes, keeping their order.
pub fn batches(cands: &[OfflineCandidate], whole_max: u64) -> Vec<Batch> {
    let mut out = Vec::new();
    let mut cur = Batch::default();
    let mut bytes = 0u64;
    let mut by_section: HashMap<String, Vec<u32>> = HashMap::new();
    let close = |cur: &mut Batch, by_section: &mut HashMap<String, Vec<u32>>| {
        let mut cmds: Vec<(String, Vec<u32>)> = by_section.drain().collect();
        cmds.sort_by(|a, b| a.0.cmp(&b.0));
        cur.commands = cmds;
        std::mem::take(cur)
    };
    for c in cands {
        let j = job(c, whole_max);
        let size = match &j {
            Job::Fetch { size, .. } => *size,
            _ => 0,
        };
        if !cur.is_empty() && (cur.len() >= BATCH_MESSAGES || bytes + size > BATCH_BYTES) {
            out.push(close(&mut cur, &mut by_section));
            bytes = 0;
        }
        bytes += size;
        match j {
            Job::Fetch { section, text, .. } => {
                by_section.entry(section.clone()).or_default().push(c.uid.0);
                cur.wanted.insert(
                    c.uid.0,
                    Wanted {
                        id: c.id,
                        section,
                        text,
                        had_parts: c.has_parts,
                    },
                );
            }
            Job::Mark => cur.marks.push((c.uid.0, c.id)),
            Job::Refuse(why) => cur.refused.push((c.uid.0, why)),
        }
    }
    if !cur.is_empty() {
        out.push(close(&mut cur, &mut by_section));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Uid;

    fn cand(uid: u32, size: u64, text_size: u64) -> OfflineCandidate {
        OfflineCandidate {
            id: MessageId(i64::from(uid)),
            uid: Uid(uid),
            size,
            parts: vec![PartInfo {
                section: "1".into(),
                mime: "text/plain".into(),
                size: text_size,
                charset: None,
                encoding: "7bit".into(),
                filename: None,
                is_attachment: false,
            }],
            has_parts: false,
        }
    }

    #[test]
    fn small_whole_large_text_huge_text_refused() {
        let max = 10 << 20;
        assert!(
            matches!(job(&cand(1, 500, 100), max), Job::Fetch { ref section, .. } if section.is_empty())
        );
        assert!(
            matches!(job(&cand(2, 20 << 20, 100), max), Job::Fetch { ref section, .. } if section == "1")
        );
        assert!(matches!(
            job(&cand(3, 80 << 20, 40 << 20), max),
            Job::Refuse(_)
        ));
        let mut none = cand(4, 20 << 20, 0);
        none.parts.clear();
        assert_eq!(job(&none, max), Job::Mark);
    }

    #[test]
    fn batches_respect_count_and_bytes() {
        let cands: Vec<_> = (0..1200u32).rev().map(|u| cand(u + 1, 1000, 10)).collect();
        let b = batches(&cands, 10 << 20);
        assert_eq!(
            b.iter().map(Batch::len).collect::<Vec<_>>(),
            [500, 500, 200]
        );
        assert_eq!(b[0].commands.len(), 1);
        let big: Vec<_> = (0..3u32).map(|u| cand(u + 1, 6 << 20, 10)).collect();
        assert_eq!(batches(&big, 10 << 20).len(), 3);
    }
}
