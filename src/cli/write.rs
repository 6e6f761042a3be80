//! Commands that change state: sync, watch, flag, move, delete.
use super::out::say;
use super::{CliError, FlagArgs, Result, print_json};
use crate::engine::Engine;
use crate::model::{AccountId, Flags, MessageId, Protocol};

/// One sync pass per account; with `bodies`, then the offline mirror of its bodies.
pub async fn sync(
    engine: &mut Engine,
    account: Option<i64>,
    json: bool,
    bodies: bool,
) -> Result<()> {
    let accounts = engine.accounts(account.map(AccountId))?;
    if accounts.is_empty() {
        let paused = !engine.store.accounts()?.is_empty();
        return Err(CliError::Usage(if paused {
            "every account is paused (`tayori account set ID --resume`)".into()
        } else {
            "no accounts (add one with `tayori account add`)".into()
        }));
    }
    let mut reports = Vec::new();
    let mut left = Vec::new();
    for a in &accounts {
        engine.whole_first = None;
        if bodies {
            super::bodies::prepare(engine, a)?;
        }
        let (r, mut conn) = engine.sync_account_open(a).await?;
        if !json && let Some(p) = &r.pop3 {
            say!(
                "{}: {} on the server, {} downloaded, {} deleted from the server",
                a.email,
                p.server_count,
                p.downloaded,
                p.deleted_on_server
            );
        } else if !json {
            let fetched: usize = r.folders.iter().map(|f| f.fetched).sum();
            let removed: usize = r.folders.iter().map(|f| f.removed).sum();
            let flags: usize = r.folders.iter().map(|f| f.flag_changes).sum();
            say!(
                "{}: {} folders, {fetched} new, {removed} removed, {flags} flag changes, {} queued changes sent, {} refused, {} skipped (already deleted or moved on another device)",
                a.email,
                r.folders.len(),
                r.ops_done,
                r.ops_failed,
                r.ops_skipped
            );
            let o = &r.outbox;
            let sent = o
                .outcomes
                .iter()
                .filter(|x| matches!(x.result, crate::engine::SendResult::Sent { .. }))
                .count();
            if !o.outcomes.is_empty() || o.filed > 0 {
                say!(
                    "{}: outbox: {sent} sent, {} not sent, {} filed in Sent",
                    a.email,
                    o.outcomes.len() - sent,
                    o.filed
                );
            }
            if let Some(e) = &o.filing_error {
                say!("{}: Sent copies wait: {e}", a.email);
            }
            let d = &r.drafts;
            if let Some(e) = &d.error {
                say!("{}: drafts not synced: {e}", a.email);
            }
            if d.uploaded + d.pulled + d.gone + d.conflicts.len() > 0 {
                say!(
                    "{}: drafts: {} uploaded, {} updated from the server, {} gone, {} changed on both sides (both kept)",
                    a.email,
                    d.uploaded,
                    d.pulled,
                    d.gone,
                    d.conflicts.len()
                );
            }
        }
        let bodies = match (bodies, conn.as_mut()) {
            (true, Some(c)) => {
                let mut b = super::bodies::download(engine, a, c).await?;
                // Messages that came whole in the sync pass count as downloaded bodies.
                b.fetched += r.folders.iter().map(|f| f.whole as u64).sum::<u64>();
                b.bytes += r.folders.iter().map(|f| f.whole_bytes).sum::<u64>();
                if !json {
                    println!("{}", super::bodies::summary(&a.email, &b));
                    super::bodies::report_cpu("download");
                    use std::io::Write;
                    let _ = std::io::stdout().flush();
                }
                let i = super::bodies::index(engine, a).await?;
                if !json {
                    println!("{}: search index: {} bodies indexed", a.email, i.indexed);
                }
                Some((b, i))
            }
            // POP3 mail is kept whole when it is downloaded.
            (true, None) => Some(Default::default()),
            (false, _) => None,
        };
        if let Some(c) = conn {
            let _ = c.logout().await;
        }
        if let Some((b, i)) = bodies {
            for f in &b.failures {
                eprintln!(
                    "{}: {} UID {}: not downloaded: {}",
                    a.email, f.folder, f.uid, f.reason
                );
            }
            if b.remaining > 0 {
                left.push(format!("{}: {}", a.email, b.remaining));
            }
            let mut v = serde_json::to_value(&r).map_err(|e| CliError::Usage(e.to_string()))?;
            if let Some(o) = v.as_object_mut() {
                o.insert(
                    "bodies".into(),
                    serde_json::to_value(&b).map_err(|e| CliError::Usage(e.to_string()))?,
                );
                o.insert(
                    "index".into(),
                    serde_json::to_value(i).map_err(|e| CliError::Usage(e.to_string()))?,
                );
            }
            reports.push(v);
        } else {
            reports.push(serde_json::to_value(&r).map_err(|e| CliError::Usage(e.to_string()))?);
        }
    }
    if json {
        print_json(&reports)?;
    }
    if !left.is_empty() {
        return Err(CliError::Usage(format!(
            "message bodies left to download ({}): a folder changed on the server meanwhile; \
             run `tayori sync --bodies` again",
            left.join(", ")
        )));
    }
    Ok(())
}

/// Runs the engine's scheduler for every account (or one) and prints one line per change.
/// With several accounts each line starts with the account's address and ": ".
pub async fn watch(
    engine: &mut Engine,
    dir: std::path::PathBuf,
    account: Option<i64>,
) -> Result<()> {
    let accounts = engine.accounts(account.map(AccountId))?;
    if accounts.is_empty() {
        return Err(CliError::Usage(
            "no accounts (add one with `tayori account add`)".into(),
        ));
    }
    let (handle, events) = crate::engine::EngineHandle::new(dir);
    for a in &accounts {
        handle.add_account(a.id);
    }
    let emails: std::collections::HashMap<AccountId, String> =
        accounts.iter().map(|a| (a.id, a.email.clone())).collect();
    let many = accounts.len() > 1;
    let mut pushing = std::collections::HashSet::new();
    while let Ok(ev) = events.recv().await {
        let Some((id, lines)) = watch_lines(&ev, &emails, &mut pushing) else {
            continue;
        };
        let prefix = match (many, emails.get(&id)) {
            (true, Some(e)) => format!("{e}: "),
            _ => String::new(),
        };
        for l in lines {
            // `say!` shows control characters as symbols (mail headers are cleaned already).
            say!("{prefix}{l}");
        }
        use std::io::Write;
        let _ = std::io::stdout().flush();
    }
    Ok(())
}

fn outbox_lines(r: &crate::engine::OutboxReport, out: &mut Vec<String>) {
    for o in &r.outcomes {
        let state = match &o.result {
            crate::engine::SendResult::Sent { .. } => "sent",
            crate::engine::SendResult::Queued { .. } => "queued",
            crate::engine::SendResult::Failed { .. } => "failed",
            crate::engine::SendResult::Uncertain { .. } => "uncertain",
        };
        out.push(format!("outbox {} {state} {}", o.id, o.subject));
    }
}

/// The lines `watch` prints for one scheduler event.
fn watch_lines(
    ev: &crate::engine::Event,
    emails: &std::collections::HashMap<AccountId, String>,
    pushing: &mut std::collections::HashSet<AccountId>,
) -> Option<(AccountId, Vec<String>)> {
    use crate::engine::{Change, ConnState, Event};
    let mut out = Vec::new();
    let id = match ev {
        Event::State(id, s) => {
            match s {
                ConnState::Pushing | ConnState::Online if pushing.insert(*id) => {
                    out.push(format!(
                        "online {}",
                        emails.get(id).map_or("", |e| e.as_str())
                    ));
                }
                ConnState::Offline(f) | ConnState::Failing(f) => {
                    pushing.remove(id);
                    out.push(format!("offline {}", f.detail));
                }
                _ => {}
            }
            *id
        }
        Event::Outbox(id, r) => {
            outbox_lines(r, &mut out);
            *id
        }
        Event::Synced(id, r) => {
            outbox_lines(&r.outbox, &mut out);
            for f in &r.folders {
                // The name `folders` shows (modified UTF-7 decoded).
                let folder = crate::mime::mutf7::decode(&f.folder);
                for c in &f.changes {
                    out.push(match c {
                        Change::Arrived { uid, subject } => {
                            format!("arrived {folder} {uid} {subject}")
                        }
                        Change::Removed { uid, .. } => format!("removed {folder} {uid}"),
                        Change::Flags {
                            uid, seen, flagged, ..
                        } => format!(
                            "flags {folder} {uid} {}{}",
                            if *seen { "seen" } else { "unseen" },
                            if *flagged { " flagged" } else { "" }
                        ),
                    });
                }
            }
            *id
        }
        _ => return None,
    };
    Some((id, out))
}

/// Tries to send queued changes now; offline is fine (they stay queued).
pub(super) async fn push(engine: &mut Engine, account: AccountId) -> Result<()> {
    let acc = engine.store.account(account)?;
    match engine.replay_now(&acc).await {
        Ok(r) if r.failed == 0 => {
            if r.skipped > 0 {
                say!("{} change(s) {}", r.skipped, crate::engine::SKIPPED_GONE);
            }
        }
        Ok(r) => {
            let failed = r.failed;
            let ops = engine.store.open_ops()?;
            let why = ops
                .iter()
                .rev()
                .find_map(|o| o.error.clone())
                .unwrap_or_default();
            return Err(CliError::Usage(format!(
                "the server refused {failed} change(s): {why}"
            )));
        }
        Err(e) => say!("queued (will be sent when the server is reachable): {e}"),
    }
    Ok(())
}

pub async fn flag(engine: &mut Engine, id: i64, which: &FlagArgs) -> Result<()> {
    let msg = engine.store.message(MessageId(id))?;
    let seen = Flags {
        seen: true,
        ..Default::default()
    };
    let flagged = Flags {
        flagged: true,
        ..Default::default()
    };
    let none = Flags::default();
    let (add, remove) = if which.read {
        (&seen, &none)
    } else if which.unread {
        (&none, &seen)
    } else if which.flag {
        (&flagged, &none)
    } else {
        (&none, &flagged)
    };
    engine.store.local_set_flags(msg.id, add, remove)?;
    push(engine, msg.account_id).await
}

pub async fn move_to(engine: &mut Engine, id: i64, to: &str) -> Result<()> {
    let msg = engine.store.message(MessageId(id))?;
    let dest = super::read::find_folder(engine, msg.account_id, to)?;
    engine.store.local_move(msg.id, dest.id)?;
    push(engine, msg.account_id).await
}

pub async fn delete(engine: &mut Engine, id: i64) -> Result<()> {
    let msg = engine.store.message(MessageId(id))?;
    engine.store.local_delete(msg.id)?;
    let acc = engine.store.account(msg.account_id)?;
    if acc.protocol == Protocol::Pop3 {
        // Local folders; the server copy goes at the next sync when the account says so.
        return Ok(());
    }
    push(engine, msg.account_id).await
}
