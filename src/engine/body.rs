//! Bodies and attachments on demand: only the parts asked for are fetched, then cached.
use super::{Engine, EngineError, Result};
use crate::mime;
use crate::model::{MessageId, PartInfo};
use crate::store::MessageRow;

#[derive(Debug, Clone, serde::Serialize)]
pub struct ShownAttachment {
    pub index: usize,
    pub filename: String,
    pub mime: String,
    pub size: u64,
    pub section: String,
}

/// A message as the reader shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShownMessage {
    pub id: MessageId,
    pub folder: String,
    pub subject: String,
    pub from: String,
    pub to: String,
    pub cc: String,
    pub date: i64,
    pub text: String,
    pub attachments: Vec<ShownAttachment>,
    /// The HTML body for the formatted view (the reader's open only; `None` for text mail).
    #[serde(skip)]
    pub html: Option<std::sync::Arc<super::html_body::HtmlBody>>,
}

pub fn attachments_of(parts: &[PartInfo]) -> Vec<ShownAttachment> {
    parts
        .iter()
        .filter(|p| p.is_attachment)
        .enumerate()
        .map(|(i, p)| ShownAttachment {
            index: i + 1,
            filename: p
                .filename
                .clone()
                .unwrap_or_else(|| format!("part-{}", p.section)),
            mime: p.mime.clone(),
            size: p.size,
            section: p.section.clone(),
        })
        .collect()
}

impl Engine {
    /// Returns a section's raw bytes: from the cache, else from the server (then cached).
    pub async fn section(&mut self, row: &MessageRow, section: &str) -> Result<Vec<u8>> {
        if let Some(data) = self.store.cached_part(row.id, section)? {
            return Ok(data);
        }
        // The whole message is cached (always so for POP3): cut the part out of it.
        if !section.is_empty()
            && let Some(raw) = self.store.cached_part(row.id, "")?
            && let Some(data) = mime::section_bytes(&raw, section)
        {
            return Ok(data);
        }
        let Some(uid) = row.uid else {
            return Err(EngineError::NotCached(
                "this message is waiting for its move to reach the server; it has no \
                 downloaded content yet"
                    .into(),
            ));
        };
        let account = self.store.account(row.account_id)?;
        let uidvalidity = self.store.folder(row.folder_id)?.uidvalidity;
        let data = self
            .fetch_part(&account, &row.folder, uidvalidity, uid, section)
            .await
            .map_err(|e| match e {
                e if e.is_transient() => EngineError::Offline(Box::new(e)),
                e => e,
            })?;
        self.store.cache_part(row.id, section, &data)?;
        Ok(data)
    }

    /// The message as the reader shows it; downloads only its text part if not cached.
    pub async fn show(&mut self, id: MessageId) -> Result<ShownMessage> {
        let row = self.store.message(id)?;
        let text = match mime::choose_text_part(&row.parts).cloned() {
            Some(part) => {
                let raw = self.section(&row, &part.section).await?;
                let text = mime::decode_part_text(&part, &raw).unwrap_or_else(|e| format!("[{e}]"));
                if row.snippet.is_none() {
                    self.store
                        .index_body(id, &text, &mime::snippet(&text, 200))?;
                }
                text
            }
            None => String::new(),
        };
        // No text from the structure and nothing attached (a multipart without a boundary
        // reads as a multipart with no parts): the raw text is shown, not an empty body.
        let text = if text.trim().is_empty() && !row.parts.iter().any(|p| p.is_attachment) {
            let whole = self.section(&row, "").await?;
            mime::raw_body_text(&whole)
        } else {
            text
        };
        Ok(ShownMessage {
            id,
            folder: row.folder.clone(),
            subject: row.subject.clone(),
            from: row.from.clone(),
            to: row.to.clone(),
            cc: row.cc.clone(),
            date: row.date,
            text,
            attachments: attachments_of(&row.parts),
            html: None,
        })
    }

    /// [`Engine::show`] plus the HTML body when there is one: what the window's reader
    /// opens. A failure to get the HTML leaves the text view (logged, not an error).
    pub async fn show_for_reader(&mut self, id: MessageId) -> Result<ShownMessage> {
        let mut shown = self.show(id).await?;
        match self.html_body(id).await {
            Ok(h) => shown.html = h.map(std::sync::Arc::new),
            Err(e) => tracing::warn!("message {id}: no HTML view: {e:#}"),
        }
        Ok(shown)
    }

    /// The whole message as the server stores it.
    pub async fn raw(&mut self, id: MessageId) -> Result<Vec<u8>> {
        let row = self.store.message(id)?;
        self.section(&row, "").await
    }

    /// Downloads (if needed) and writes attachment `index` (1-based) to `path`; an existing
    /// file there is treated as `mode` says. Returns the path written and its size.
    pub async fn save_attachment(
        &mut self,
        id: MessageId,
        index: usize,
        path: &std::path::Path,
        mode: super::SaveMode,
    ) -> Result<(std::path::PathBuf, u64)> {
        let row = self.store.message(id)?;
        let parts: Vec<PartInfo> = row
            .parts
            .iter()
            .filter(|p| p.is_attachment)
            .cloned()
            .collect();
        let Some(part) = index.checked_sub(1).and_then(|i| parts.get(i)) else {
            return Err(EngineError::NotCached(format!(
                "message {} has no attachment {index} (it has {})",
                id,
                parts.len()
            )));
        };
        let raw = self.section(&row, &part.section).await?;
        let bytes = mime::decode_part_bytes(part, &raw).unwrap_or(raw);
        let written = super::save_path::write_new(path, &bytes, mode)?;
        Ok((written, bytes.len() as u64))
    }
}
