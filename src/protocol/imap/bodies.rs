//! Bulk body download: pipelined `UID FETCH <set> (UID BODY.PEEK[<section>])` commands whose
//! responses are read one at a time as a stream (the caller keeps a few commands in flight,
//! so the server never waits for us between two of them).
use super::{ImapConn, ImapError, Result, quote, uid_set};
use async_imap::imap_proto::{
    AttributeValue, MailboxDatum, RequestId, Response, ResponseCode, SectionPath, Status,
};

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

fn section_name(section: &Option<SectionPath>) -> String {
    match section {
        None => String::new(),
        Some(SectionPath::Part(path, None)) => path
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("."),
        // We only ask for "" and numbered parts; anything else is not ours.
        Some(_) => "?".to_string(),
    }
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
    /// the responses come through [`ImapConn::next_body_event`]. Returns the command's tag.
    pub async fn send_body_fetch(&mut self, uids: &[u32], section: &str) -> Result<RequestId> {
        let cmd = format!("UID FETCH {} (UID BODY.PEEK[{section}])", uid_set(uids));
        Ok(self.session.run_command(&cmd).await?)
    }

    /// Reads responses until a body or the completion of a command arrives. Other untagged
    /// responses (EXISTS, EXPUNGE, VANISHED, flag updates) are skipped: the next header sync
    /// deals with them. At most one response is held in memory at a time.
    pub async fn next_body_event(&mut self) -> Result<BodyEvent> {
        loop {
            let Some(resp) = self.session.read_response().await? else {
                return Err(ImapError::ConnectionLost);
            };
            match resp.parsed() {
                Response::Fetch(_, attrs) => {
                    let mut uid = None;
                    let mut body = None;
                    for a in attrs {
                        match a {
                            AttributeValue::Uid(u) => uid = Some(*u),
                            AttributeValue::BodySection { section, data, .. } => {
                                body = Some((
                                    section_name(section),
                                    data.as_deref().map(<[u8]>::to_vec),
                                ))
                            }
                            _ => {}
                        }
                    }
                    if let (Some(uid), Some((section, data))) = (uid, body) {
                        return Ok(BodyEvent::Body { uid, section, data });
                    }
                }
                Response::Done {
                    tag,
                    status,
                    outcome,
                } => {
                    let text = outcome.information.as_deref().unwrap_or("").to_string();
                    return match status {
                        Status::Ok => Ok(BodyEvent::Done {
                            tag: tag.clone(),
                            refused: None,
                        }),
                        Status::No => Ok(BodyEvent::Done {
                            tag: tag.clone(),
                            refused: Some(text),
                        }),
                        _ => Err(ImapError::Bad(text)),
                    };
                }
                Response::Data {
                    status: Status::Bye,
                    ..
                } => return Err(ImapError::ConnectionLost),
                _ => {}
            }
        }
    }
}
