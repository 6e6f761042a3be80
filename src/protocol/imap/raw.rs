//! Running a command and reading its untagged responses ourselves, for extensions
//! async-imap has no helper for.
use super::{ImapConn, ImapError, Result};
use async_imap::imap_proto::rfc4315::UidSetMember;
use async_imap::imap_proto::{Response, ResponseCode, Status};

/// The tagged completion of a command: the response codes we use, and its text.
#[derive(Debug, Default)]
pub struct Completion {
    /// COPYUID: first UID in the destination.
    pub copy_uid: Option<u32>,
    /// APPENDUID: the appended message's UID.
    pub append_uid: Option<u32>,
    pub highest_modseq: Option<u64>,
    pub text: String,
}

pub(crate) fn first_uid(set: &[UidSetMember]) -> Option<u32> {
    set.first().map(|m| match m {
        UidSetMember::Uid(u) => *u,
        UidSetMember::UidRange(r) => *r.start(),
    })
}

/// Reads the codes we care about from a (tagged or untagged) response code.
pub(crate) fn note_code(c: &mut Completion, code: &Option<ResponseCode<'_>>) {
    match code {
        Some(ResponseCode::CopyUid(_, _, to)) => c.copy_uid = first_uid(to),
        Some(ResponseCode::AppendUid(_, set)) => c.append_uid = first_uid(set),
        Some(ResponseCode::HighestModSeq(m)) => c.highest_modseq = Some(*m),
        _ => {}
    }
}

impl ImapConn {
    /// Sends `cmd`, which ends in a synchronizing literal `{n}`, waits for the server's
    /// continuation, then sends the literal's bytes. Returns the tag to `finish` with.
    pub(crate) async fn send_literal(
        &mut self,
        cmd: &str,
        data: &[u8],
    ) -> Result<async_imap::imap_proto::RequestId> {
        self.send_literals(cmd, &[(data, "")]).await
    }

    /// Sends a command with several synchronizing literals: `cmd` ends in the first `{n}`;
    /// each literal's bytes are followed by its text, which ends in the next literal's
    /// `{n}` (or is the end of the command). Waits for the server's continuation before each
    /// literal. Returns the tag to `finish` with.
    pub(crate) async fn send_literals(
        &mut self,
        cmd: &str,
        literals: &[(&[u8], &str)],
    ) -> Result<async_imap::imap_proto::RequestId> {
        use tokio::io::AsyncWriteExt;
        let id = self.session.run_command(cmd).await?;
        for (data, then) in literals {
            self.wait_continuation(&id).await?;
            let io = self.session.get_mut();
            io.write_all(data).await?;
            io.write_all(then.as_bytes()).await?;
            io.write_all(b"\r\n").await?;
            io.flush().await?;
        }
        Ok(id)
    }

    /// Reads until the server's continuation (`+`); its refusal of command `id` is an error.
    async fn wait_continuation(&mut self, id: &async_imap::imap_proto::RequestId) -> Result<()> {
        loop {
            let Some(resp) = self.session.read_response().await? else {
                return Err(ImapError::ConnectionLost);
            };
            match resp.parsed() {
                Response::Continue { .. } => return Ok(()),
                Response::Done {
                    tag,
                    status,
                    outcome,
                } if tag == id => {
                    let why = outcome.information.as_deref().unwrap_or("").to_string();
                    return Err(match status {
                        Status::No => ImapError::No(why),
                        _ => ImapError::Bad(why),
                    });
                }
                _ => {}
            }
        }
    }

    /// Sends `cmd` and feeds every untagged response to `f` until the tagged completion.
    /// NO/BAD become errors carrying the server's words.
    pub(crate) async fn raw<F>(&mut self, cmd: &str, f: F) -> Result<Completion>
    where
        F: FnMut(&Response<'_>),
    {
        let id = self.session.run_command(cmd).await?;
        self.finish(&id, f).await
    }

    /// Reads the responses of the running command `id` until its tagged completion.
    pub(crate) async fn finish<F>(
        &mut self,
        id: &async_imap::imap_proto::RequestId,
        mut f: F,
    ) -> Result<Completion>
    where
        F: FnMut(&Response<'_>),
    {
        let mut done = Completion::default();
        loop {
            let Some(resp) = self.session.read_response().await? else {
                return Err(ImapError::ConnectionLost);
            };
            match resp.parsed() {
                Response::Done {
                    tag,
                    status,
                    outcome,
                } if tag == id => {
                    let text = outcome.information.as_deref().unwrap_or("").to_string();
                    return match status {
                        Status::Ok => {
                            note_code(&mut done, &outcome.code);
                            done.text = text;
                            Ok(done)
                        }
                        Status::No => Err(ImapError::No(text)),
                        _ => Err(ImapError::Bad(text)),
                    };
                }
                Response::Data {
                    status: Status::Bye,
                    ..
                } => return Err(ImapError::ConnectionLost),
                other => {
                    if let Response::Data { outcome, .. } = other {
                        note_code(&mut done, &outcome.code);
                    }
                    f(other)
                }
            }
        }
    }
}
