//! Writing mail: the account's identity, reply/reply-all/forward from the cache, queueing
//! a message in the outbox. What the composer window calls.
use super::{Engine, EngineError, Result};
use crate::mime::compose::{self, Attachment, BuildOptions, Compose, ComposeWarning};
use crate::mime::reply::{Original, QuoteLabels, ReplyKind, respond};
use crate::model::{AccountId, DraftId, MessageId, OutboxId, SendCharset};
use crate::store::NewOutbox;
use lettre::message::Mailbox;

/// A message written to the outbox.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Queued {
    pub id: OutboxId,
    pub message_id: String,
    pub warnings: Vec<ComposeWarning>,
}

impl Engine {
    /// "Name <email>" of the account (just the address when the name is the address).
    pub fn identity(&self, account: AccountId) -> Result<String> {
        let a = self.store.account(account)?;
        let addr = a
            .email
            .parse()
            .map_err(|e: lettre::address::AddressError| {
                crate::mime::compose::ComposeError::Address(a.email.clone(), e.to_string())
            })?;
        let name = (!a.name.trim().is_empty() && a.name != a.email).then(|| a.name.clone());
        Ok(Mailbox::new(name, addr).to_string())
    }

    /// An empty message from the account.
    pub fn new_compose(&self, account: AccountId) -> Result<Compose> {
        Ok(Compose {
            from: self.identity(account)?,
            ..Default::default()
        })
    }

    /// The charset the account sends in.
    pub fn send_charset(&self, account: AccountId) -> Result<SendCharset> {
        Ok(self
            .store
            .smtp_settings(account)?
            .map(|s| s.send_charset)
            .unwrap_or_default())
    }

    /// Reply, reply-all or forward of a cached message: quotes its text (downloading only
    /// the text part if needed) and, for a forward, carries its attachments.
    pub async fn respond_to(
        &mut self,
        msg: MessageId,
        kind: ReplyKind,
        labels: &QuoteLabels,
    ) -> Result<Compose> {
        let row = self.store.message(msg)?;
        let shown = self.show(msg).await?;
        let mut attachments = Vec::new();
        if kind == ReplyKind::Forward {
            for a in &shown.attachments {
                let part = row.parts.iter().find(|p| p.section == a.section);
                let raw = self.section(&row, &a.section).await?;
                let data = match part {
                    Some(p) => crate::mime::decode_part_bytes(p, &raw).unwrap_or(raw),
                    None => raw,
                };
                let mut att = Attachment::new(&a.filename, data);
                if !a.mime.is_empty() {
                    att.mime = a.mime.clone();
                }
                attachments.push(att);
            }
        }
        let orig = Original {
            subject: row.subject.clone(),
            from: row.from.clone(),
            to: row.to.clone(),
            cc: row.cc.clone(),
            date: crate::cli::rfc3339(row.date),
            message_id: row.message_id.clone(),
            references: row.references.clone(),
            text: shown.text,
            attachments,
        };
        let me = self.identity(row.account_id)?;
        Ok(respond(&orig, kind, &me, labels))
    }

    /// Writes the message to the outbox (one transaction; a draft it was written as is
    /// retired in the same one). Nothing goes over the network here: call `flush_outbox`.
    pub fn queue_send(
        &mut self,
        account: AccountId,
        c: &Compose,
        draft: Option<DraftId>,
    ) -> Result<Queued> {
        if self.store.smtp_settings(account)?.is_none() {
            return Err(EngineError::NoSmtp(account));
        }
        let draft_mid = match draft {
            Some(d) => Some(self.store.draft(d)?.message_id),
            None => None,
        };
        let message_id = draft_mid
            .clone()
            .unwrap_or_else(|| compose::new_message_id(&c.from));
        let built = compose::build(
            c,
            &BuildOptions {
                message_id: message_id.clone(),
                charset: self.send_charset(account)?,
                draft: false,
            },
        )?;
        let json = serde_json::to_string(c)
            .map_err(|e| EngineError::Store(crate::store::StoreError::Corrupt(e.to_string())))?;
        let id = self.store.queue_outbox(&NewOutbox {
            account_id: account,
            message_id: message_id.clone(),
            envelope_from: built.envelope_from,
            recipients: built.recipients,
            subject: c.subject.clone(),
            compose: json,
            raw: built.raw,
            draft_message_id: draft_mid,
        })?;
        Ok(Queued {
            id,
            message_id,
            warnings: built.warnings,
        })
    }

    /// Takes an unsent message out of the outbox to edit it again (failed, uncertain or
    /// still queued). None when it is being sent or was sent.
    pub fn edit_outbox(&mut self, id: OutboxId) -> Result<Option<Compose>> {
        let Some((json, raw)) = self.store.take_outbox(id)? else {
            return Ok(None);
        };
        Ok(Some(compose_from_stored(&json, &raw)?))
    }
}

/// The editable fields saved as JSON, with the attachment bytes taken back from the message.
pub(super) fn compose_from_stored(json: &str, raw: &[u8]) -> Result<Compose> {
    let mut c: Compose = serde_json::from_str(json)
        .map_err(|e| EngineError::Store(crate::store::StoreError::Corrupt(e.to_string())))?;
    if !c.attachments.is_empty() {
        let parsed = crate::mime::parse_message(raw)
            .map_err(|e| EngineError::Store(crate::store::StoreError::Corrupt(e.to_string())))?;
        for (a, (_, data)) in c.attachments.iter_mut().zip(parsed.attachments) {
            a.size = data.len() as u64;
            a.data = data;
        }
    }
    Ok(c)
}

/// The editable fields of a message someone else wrote (a draft from another device).
pub(super) fn compose_from_raw(raw: &[u8]) -> Result<Compose> {
    let p = crate::mime::parse_message(raw)
        .map_err(|e| EngineError::Store(crate::store::StoreError::Corrupt(e.to_string())))?;
    let list = |s: &str| compose::split_addresses(s);
    Ok(Compose {
        from: p.from.clone(),
        to: list(&p.to),
        cc: list(&p.cc),
        bcc: Vec::new(),
        subject: p.subject.clone(),
        body: p.text.clone(),
        attachments: p
            .attachments
            .into_iter()
            .map(|(part, data)| {
                let mut a = Attachment::new(part.filename.as_deref().unwrap_or("attachment"), data);
                a.mime = part.mime;
                a
            })
            .collect(),
        in_reply_to: p.in_reply_to,
        references: p.references,
    })
}

/// Reads files to attach (MIME type guessed from the name).
pub fn attachments_from_paths(paths: &[std::path::PathBuf]) -> Result<Vec<Attachment>> {
    paths
        .iter()
        .map(|p| {
            let data = std::fs::read(p).map_err(|source| EngineError::Read {
                path: p.display().to_string(),
                source,
            })?;
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "attachment".into());
            Ok(Attachment::new(&name, data))
        })
        .collect()
}
