//! The HTML of a message for the layout engine, with the inline parts its `cid:` images
//! name, and whether its sender may load remote content. Only the HTML part is fetched,
//! unless the message has image parts: then the whole message (which holds them) is.
use super::{Engine, Result};
use crate::mime;
use crate::model::MessageId;
use crate::render::MailHtml;
use crate::render::provider::normalise_cid;
use mail_parser::MimeHeaders;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct HtmlBody {
    pub id: MessageId,
    pub mail: MailHtml,
    /// The sender's bare address ("Always for this sender" keys on it).
    pub sender: String,
    pub sender_allowed: bool,
}

impl Engine {
    /// The message's HTML body, or `None` when it has no HTML part.
    pub async fn html_body(&mut self, id: MessageId) -> Result<Option<HtmlBody>> {
        let row = self.store.message(id)?;
        let Some(part) = row
            .parts
            .iter()
            .find(|p| !p.is_attachment && p.mime == "text/html")
            .cloned()
        else {
            return Ok(None);
        };
        let raw = self.section(&row, &part.section).await?;
        let html = mime::decode_part_string(&part, &raw).unwrap_or_default();
        let mut inline = HashMap::new();
        if html.to_ascii_lowercase().contains("cid:")
            && row.parts.iter().any(|p| p.mime.starts_with("image/"))
        {
            let whole = self.section(&row, "").await?;
            inline = inline_parts(&whole);
        }
        let sender = mime::reply::bare_address(&row.from);
        let sender_allowed = self.store.remote_sender_allowed(&sender)?;
        Ok(Some(HtmlBody {
            id,
            mail: MailHtml { html, inline },
            sender,
            sender_allowed,
        }))
    }
}

/// Content-ID (normalised) -> decoded bytes of every part of `whole` that has one.
pub fn inline_parts(whole: &[u8]) -> HashMap<String, Arc<Vec<u8>>> {
    let mut out = HashMap::new();
    let Some(msg) = mail_parser::MessageParser::default().parse(whole) else {
        return out;
    };
    for part in &msg.parts {
        if let Some(cid) = part.content_id() {
            out.insert(normalise_cid(cid), Arc::new(part.contents().to_vec()));
        }
    }
    out
}
