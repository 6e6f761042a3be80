//! `tayori send`, `outbox`, `draft` and `drafts`.
use super::{CliError, Result, print_json, rfc3339};
use crate::engine::{Engine, SendResult, attachments_from_paths};
use crate::mime::compose::Compose;
use crate::model::{AccountId, DraftId, OutboxId};
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
pub async fn send(engine: &mut Engine, m: &MessageArgs, json: bool) -> Result<()> {
    let account = engine.store.account(AccountId(m.account))?;
    let c = compose(engine, m)?;
    let queued = engine.queue_send(account.id, &c, None)?;
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
                println!("{id}\tsent\t{reply}");
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
        println!("{id}\t{state}");
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
        println!("{id}\tqueued");
        return Ok(());
    }
    let items = engine.store.outbox(None)?;
    if json {
        return print_json(&items);
    }
    for i in items {
        println!(
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
    println!("{}", saved.id);
    Ok(())
}

pub fn drafts(engine: &Engine, json: bool) -> Result<()> {
    let list = engine.list_drafts(None)?;
    if json {
        return print_json(&list);
    }
    for d in list {
        println!(
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
