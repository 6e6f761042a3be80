//! Bulk body download: pipelined `UID FETCH <set> (UID BODY.PEEK[<section>])` commands whose
//! responses are read one at a time as a stream (the caller keeps a few commands in flight,
//! so the server never waits for us between two of them).
use super::{ImapConn, Result, quote, uid_set};
use async_imap::imap_proto::{MailboxDatum, RequestId, Response, ResponseCode};

/// One event of pipelined body fetches, in the order the server sent them.
#[derive(Debug)]
pub enum BodyEvent {
    /// A message's section arrived (`section` is "" for the whole message). `data` is None
    /// when the server sent NIL.
    Body {
        uid: u32,
        section: String,
        data: Option<Vec<u8>>,
    },
    /// A command finished. `refused` carries the server's words when it said NO (for
    /// example because some of the messages were expunged meanwhile); what it did send
    /// before that is valid.
    Done {
        tag: RequestId,
        refused: Option<String>,
    },
}

/// What EXAMINE told about a folder.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExamineInfo {
    pub exists: u32,
    pub uidvalidity: Option<u32>,
}

impl ImapConn {
    /// Opens `folder` read-only (nothing a FETCH does can change its flags).
    pub async fn examine(&mut self, folder: &str) -> Result<ExamineInfo> {
        let mut info = ExamineInfo::default();
        self.raw(&format!("EXAMINE {}", quote(folder)), |r| match r {
            Response::MailboxData(MailboxDatum::Exists(n)) => info.exists = *n,
            Response::Data { outcome, .. } => {
                if let Some(ResponseCode::UidValidity(v)) = &outcome.code {
                    info.uidvalidity = Some(*v);
                }
            }
            _ => {}
        })
        .await?;
        Ok(info)
    }

    /// Sends `UID FETCH <uids> (UID BODY.PEEK[<section>])` without waiting for its answer;
    /// the responses come through [`super::FrameReader`]. Returns the command's tag.
    pub async fn send_body_fetch(&mut self, uids: &[u32], section: &str) -> Result<RequestId> {
        let cmd = format!("UID FETCH {} (UID BODY.PEEK[{section}])", uid_set(uids));
        Ok(self.session.run_command(&cmd).await?)
    }
}
