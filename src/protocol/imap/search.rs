//! Server-side search (UID SEARCH TEXT), for mail whose body is not cached here.
use super::{ImapConn, Result, quote};
use async_imap::imap_proto::{MailboxDatum, Response};

impl ImapConn {
    /// UIDs of messages in the selected folder whose headers or body contain `text`.
    /// Non-ASCII text goes as a UTF-8 literal (CHARSET UTF-8), sent after the server's
    /// continuation, as APPEND does.
    pub async fn search_text(&mut self, text: &str) -> Result<Vec<u32>> {
        let mut out = Vec::new();
        let collect = |r: &Response<'_>, out: &mut Vec<u32>| {
            if let Response::MailboxData(MailboxDatum::Search(v)) = r {
                out.extend_from_slice(v);
            }
        };
        if text.is_ascii() && !text.contains(['"', '\\', '\r', '\n']) {
            self.raw(&format!("UID SEARCH TEXT {}", quote(text)), |r| {
                collect(r, &mut out)
            })
            .await?;
            return Ok(out);
        }
        let cmd = format!("UID SEARCH CHARSET UTF-8 TEXT {{{}}}", text.len());
        let id = self.send_literal(&cmd, text.as_bytes()).await?;
        self.finish(&id, |r| collect(r, &mut out)).await?;
        Ok(out)
    }
}
