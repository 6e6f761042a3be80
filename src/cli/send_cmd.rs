//! `tayori send`, `outbox`, `draft` and `drafts`.
use super::out::say;
use super::{CliError, Result, print_json, rfc3339};
use crate::engine::{Engine, SendResult, attachments_from_paths};
use crate::mime::compose::Compose;
use crate::mime::reply::{QuoteLabels, ReplyKind};
use crate::model::{AccountId, DraftId, MessageId, OutboxId};
use clap::Args;
use std::io::Read;
use std::path::PathBuf;

/// The fields of a message given on the command line (the body comes on stdin).
#[derive(Debug, Args)]
pub struct MessageArgs {
    #[arg(long)]
    pub account: i64,
    /// Recipient (repeatable; "Name <addr>" or "addr"; commas separate several).
    #[arg(long)]
    pub to: Vec<String>,
    #[arg(long)]
    pub cc: Vec<String>,
    #[arg(long)]
    pub bcc: Vec<String>,
    #[arg(long, default_value = "")]
    pub subject: String,
    /// A file to attach (repeatable); its MIME type is guessed from the name.
    #[arg(long)]
    pub attach: Vec<PathBuf>,
}

/// What a sent message starts from, other than a blank page.
#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct SourceArgs {
    /// Reply to cached message ID (quotes it; sets In-Reply-To and References).
    #[arg(long, value_name = "ID")]
    pub reply: Option<i64>,
    /// Reply to the sender and all recipients of message ID (except this account).
    #[arg(long, value_name = "ID")]
    pub reply_all: Option<i64>,
    /// Forward message ID with its attachments.
    #[arg(long, value_name = "ID")]
    pub forward: Option<i64>,
    /// Send draft ID as saved (stdin and the other fields are not read); the draft is
    /// removed here and from the server's Drafts folder.
    #[arg(long, value_name = "ID")]
    pub draft: Option<i64>,
}

fn read_body() -> Result<String> {
    let mut body = Vec::new();
    std::io::stdin().read_to_end(&mut body)?;
    String::from_utf8(body).map_err(|_| CliError::Usage("the body on stdin is not UTF-8".into()))
}

fn compose(engine: &Engine, m: &MessageArgs) -> Result<Compose> {
    let mut c = engine.new_compose(AccountId(m.account))?;
    c.to = m.to.clone();
    c.cc = m.cc.clone();
    c.bcc = m.bcc.clone();
    c.subject = m.subject.clone();
    c.body = read_body()?;
    c.attachments = attachments_from_paths(&m.attach)?;
    Ok(c)
}

/// Queues the message, then tries to send it at once. Not sent -> exit 1 with the reason
/// (it stays in the outbox).
pub async fn send(
    engine: &mut Engine,
    m: &MessageArgs,
    src: &SourceArgs,
    json: bool,
) -> Result<()> {
    let account = engine.store.account(AccountId(m.account))?;
    let respond = match (src.reply, src.reply_all, src.forward) {
        (Some(id), _, _) => Some((id, ReplyKind::Reply)),
        (_, Some(id), _) => Some((id, ReplyKind::ReplyAll)),
        (_, _, Some(id)) => Some((id, ReplyKind::Forward)),
        _ => None,
    };
    let c = if let Some(d) = src.draft {
        engine.draft_compose(DraftId(d))?
    } else if let Some((id, kind)) = respond {
        let mut c = engine
            .respond_to(MessageId(id), kind, &QuoteLabels::english())
            .await?;
        let extra = compose(engine, m)?;
        c.to.extend(extra.to);
        c.cc.extend(extra.cc);
        c.bcc.extend(extra.bcc);
        if !extra.subject.is_empty() {
            c.subject = extra.subject;
        }
        c.body = format!("{}{}", extra.body.trim_end(), c.body);
        c.attachments.extend(extra.attachments);
        c
    } else {
        let mut c = compose(engine, m)?;
        if let Some(sig) = engine.signature_block(account.id)? {
            c.body = format!("{}\n\n{sig}", c.body.trim_end());
        }
        c
    };
    let queued = engine.queue_send(account.id, &c, src.draft.map(DraftId))?;
    for w in &queued.warnings {
        eprintln!("tayori: warning: {w}");
    }
    let report = engine.flush_outbox(&account, true).await?;
    let result = report
        .outcomes
        .iter()
        .find(|o| o.id == queued.id)
        .map(|o| o.result.clone());
    if json {
        print_json(&serde_json::json!({
            "id": queued.id,
            "message_id": queued.message_id,
            "warnings": queued.warnings,
            "result": result,
            "filed": report.filed,
            "filing_error": report.filing_error,
        }))?;
    }
    if let Some(e) = &report.filing_error {
        eprintln!("tayori: sent, but the copy for the Sent folder waits for the next sync: {e}");
    }
    let id = queued.id;
    let (state, err) = match result {
        Some(SendResult::Sent { reply }) => {
            if !json {
                say!("{id}\tsent\t{reply}");
            }
            return Ok(());
        }
        Some(SendResult::Failed { error }) => (
            "failed",
            format!("the server refused the message, kept in the outbox: {error}"),
        ),
        Some(SendResult::Uncertain { error }) => (
            "uncertain",
            format!(
                "it may or may not have been sent; not resent automatically \
                 (`tayori outbox --retry {id}` sends it anyway): {error}"
            ),
        ),
        Some(SendResult::Queued { error, .. }) => (
            "queued",
            format!("not sent, kept in the outbox (retried on the next sync): {error}"),
        ),
        None => {
            let error = engine.store.outbox_item(id)?.error.unwrap_or_default();
            (
                "queued",
                format!("not sent, kept in the outbox (retried on the next sync): {error}"),
            )
        }
    };
    if !json {
        say!("{id}\t{state}");
    }
    Err(CliError::Usage(err))
}

pub fn outbox(engine: &mut Engine, json: bool, retry: Option<i64>) -> Result<()> {
    if let Some(id) = retry {
        if !engine.store.requeue_outbox(OutboxId(id))? {
            return Err(CliError::Usage(format!(
                "outbox message {id} cannot be queued again (sent, or being sent)"
            )));
        }
        say!("{id}\tqueued");
        return Ok(());
    }
    let items = engine.store.outbox(None)?;
    if json {
        return print_json(&items);
    }
    for i in items {
        say!(
            "{}\t{}\t{} attempt(s)\t{}\t{}\t{}",
            i.id,
            serde_json::to_value(i.state)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            i.attempts,
            i.sent_at.map(rfc3339).unwrap_or_default(),
            i.subject,
            i.error.unwrap_or_default()
        );
    }
    Ok(())
}

/// Saves a draft (new, or a new version of `--id`); prints its id.
pub fn save_draft(engine: &mut Engine, m: &MessageArgs, id: Option<i64>) -> Result<()> {
    let c = compose(engine, m)?;
    let saved = engine.save_draft(AccountId(m.account), id.map(DraftId), &c)?;
    for w in &saved.warnings {
        eprintln!("tayori: warning: {w}");
    }
    say!("{}", saved.id);
    Ok(())
}

pub fn drafts(engine: &Engine, json: bool) -> Result<()> {
    let list = engine.list_drafts(None)?;
    if json {
        return print_json(&list);
    }
    for d in list {
        say!(
            "{}\t{}\t{}\t{}\t{}",
            d.row.id,
            if d.synced { "synced" } else { "local" },
            d.compose.subject,
            d.compose.to.join(", "),
            d.row.note.unwrap_or_default()
        );
    }
    Ok(())
}
