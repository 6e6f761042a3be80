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

    /// Addresses from the cache for To/Cc/Bcc completion: those whose name or address
    /// contains `query` (case-insensitive), most frequent first, one per address.
    pub fn suggest_addresses(&self, query: &str, limit: usize) -> Result<Vec<String>> {
        suggest_addresses(&self.store, query, limit)
    }

    /// The account's signature block ("-- " line and the signature), if it has one.
    pub fn signature_block(&self, account: AccountId) -> Result<Option<String>> {
        Ok(self
            .store
            .smtp_settings(account)?
            .and_then(|s| s.signature)
            .map(|sig| format!("-- \n{}\n", sig.trim_end())))
    }

    /// An empty message from the account (with its signature, if any).
    pub fn new_compose(&self, account: AccountId) -> Result<Compose> {
        Ok(Compose {
            from: self.identity(account)?,
            body: self
                .signature_block(account)?
                .map(|s| format!("\n\n{s}"))
                .unwrap_or_default(),
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
            date: chrono::DateTime::from_timestamp(row.date, 0)
                .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default(),
            message_id: row.message_id.clone(),
            references: row.references.clone(),
            text: shown.text,
            attachments,
        };
        let me = self.identity(row.account_id)?;
        let mut c = respond(&orig, kind, &me, labels);
        if let Some(sig) = self.signature_block(row.account_id)? {
            // The signature goes under the new text, above the quote.
            c.body = format!("\n\n{sig}\n{}", c.body.trim_start_matches('\n'));
        }
        Ok(c)
    }

    /// Writes the message to the outbox (one transaction; a draft it was written as is
    /// retired in the same one). Nothing goes over the network here: call `flush_outbox`.
    pub fn queue_send(
        &mut self,
        account: AccountId,
        c: &Compose,
        draft: Option<DraftId>,
    ) -> Result<Queued> {
        self.queue_send_held(account, c, draft, 0)
    }

    /// [`Engine::queue_send`], held back `hold_secs` seconds before anything may send it
    /// (the window's "Undo send"; [`Engine::edit_outbox`] takes it back meanwhile).
    pub fn queue_send_held(
        &mut self,
        account: AccountId,
        c: &Compose,
        draft: Option<DraftId>,
        hold_secs: u32,
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
            hold_until: if hold_secs == 0 {
                0
            } else {
                crate::store::now() + i64::from(hold_secs)
            },
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
        forward_of: None,
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

/// Addresses from the cache for To/Cc/Bcc completion: those whose name or address contains
/// `query` (case-insensitive), most frequent first, one per address.
pub fn suggest_addresses(
    store: &crate::store::Store,
    query: &str,
    limit: usize,
) -> Result<Vec<String>> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let mut counts: std::collections::HashMap<String, (usize, usize, String)> =
        std::collections::HashMap::new();
    let fields = store.address_fields_matching(&q, 2000)?;
    for (i, field) in fields.iter().enumerate() {
        for a in compose::split_addresses(field) {
            if !a.to_lowercase().contains(&q) {
                continue;
            }
            let key = crate::mime::reply::bare_address(&a);
            let e = counts.entry(key).or_insert((0, i, a.clone()));
            e.0 += 1;
            // Prefer a form with a display name.
            if !e.2.contains('<') && a.contains('<') {
                e.2 = a;
            }
        }
    }
    let mut v: Vec<(usize, usize, String)> = counts.into_values().collect();
    v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(v.into_iter().take(limit).map(|(_, _, a)| a).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Endpoint, Flags, HeaderInfo, Security, SmtpSettings, Uid};
    use crate::store::{NewAccount, Store};

    fn engine() -> (Engine, AccountId) {
        let s = Store::open_in_memory().unwrap();
        let a = s
            .add_account(&NewAccount {
                name: "Alice Example".into(),
                email: "alice@example.test".into(),
                username: "alice".into(),
                imap: Endpoint {
                    host: "h".into(),
                    port: 993,
                    security: Security::Tls,
                },
                protocol: crate::model::Protocol::Imap,
                pop3: crate::model::Pop3Options::default(),
                password_command: None,
                ca_file: None,
            })
            .unwrap();
        (Engine::new(s), a)
    }

    fn header(uid: u32, from: &str, to: &str, cc: &str) -> HeaderInfo {
        HeaderInfo {
            uid: Uid(uid),
            message_id: None,
            subject: "s".into(),
            from: from.into(),
            to: to.into(),
            cc: cc.into(),
            date: i64::from(uid),
            internal_date: 0,
            size: 1,
            flags: Flags::default(),
            modseq: None,
            in_reply_to: None,
            references: None,
            parts: Vec::new(),
            has_attachments: false,
        }
    }

    #[test]
    fn suggestions_come_from_the_cache_most_frequent_first() {
        let (mut e, a) = engine();
        let f = e.store.upsert_folder(a, "INBOX", Some("/"), None).unwrap();
        e.store
            .store_headers(
                f,
                &[
                    header(1, "Bob Smith <bob@example.test>", "alice@example.test", ""),
                    header(
                        2,
                        "bob@example.test",
                        "alice@example.test",
                        "Bobby Tables <tables@x.test>",
                    ),
                    header(
                        3,
                        "Carol <carol@example.test>",
                        "Bob Smith <bob@example.test>",
                        "",
                    ),
                ],
            )
            .unwrap();
        assert_eq!(
            e.suggest_addresses("BOB", 10).unwrap(),
            [
                "Bob Smith <bob@example.test>",
                "Bobby Tables <tables@x.test>"
            ]
        );
        assert_eq!(
            e.suggest_addresses("carol", 10).unwrap(),
            ["Carol <carol@example.test>"]
        );
        assert!(e.suggest_addresses(" ", 10).unwrap().is_empty());
    }

    #[test]
    fn identity_and_signature() {
        let (e, a) = engine();
        assert_eq!(e.identity(a).unwrap(), "Alice Example <alice@example.test>");
        assert_eq!(e.new_compose(a).unwrap().body, "");
        e.store
            .set_smtp_settings(&SmtpSettings {
                account_id: a,
                endpoint: Endpoint {
                    host: "s".into(),
                    port: 465,
                    security: Security::Tls,
                },
                username: None,
                send_charset: SendCharset::Utf8,
                signature: Some("Alice\nExample Inc.".into()),
            })
            .unwrap();
        assert_eq!(
            e.new_compose(a).unwrap().body,
            "\n\n-- \nAlice\nExample Inc.\n"
        );
    }
}
