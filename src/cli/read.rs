//! Read commands: served from the cache (show/save fetch a missing part on demand).
use super::out::say;
use super::{CliError, Result, print_json, rfc3339};
use crate::engine::Engine;
use crate::mime::mutf7;
use crate::model::{AccountId, MessageId};
use crate::store::{MessageRow, OpState, SortOrder};
use serde_json::json;

fn accounts(engine: &Engine, only: Option<i64>) -> Result<Vec<crate::model::Account>> {
    Ok(match only {
        Some(id) => vec![engine.store.account(AccountId(id))?],
        None => engine.store.accounts()?,
    })
}

pub fn folders(engine: &Engine, account: Option<i64>, json_out: bool) -> Result<()> {
    let mut out = Vec::new();
    for a in accounts(engine, account)? {
        for f in engine.store.folders(a.id)? {
            let s = engine.store.folder_stats(f.id)?;
            out.push(json!({
                "account": a.id, "name": f.name, "role": f.role,
                "display_name": mutf7::decode(&f.name),
                "total": s.cached_total, "unread": s.cached_unread,
            }));
        }
    }
    if json_out {
        return print_json(&out);
    }
    for f in out {
        say!(
            "{}\t{}\t{}\t{}",
            f["display_name"].as_str().unwrap_or(""),
            f["role"].as_str().unwrap_or("-"),
            f["total"],
            f["unread"]
        );
    }
    Ok(())
}

/// A folder by the name `folders` shows (modified UTF-7 decoded: `仕事` for `&TtVOiw-`, or
/// its last level), else as the store finds it (server name, role, last level).
pub(crate) fn find_folder(
    engine: &Engine,
    account: AccountId,
    name: &str,
) -> Result<crate::model::Folder> {
    let err = match engine.store.find_folder(account, name) {
        Ok(f) => return Ok(f),
        Err(e @ crate::store::StoreError::NoFolder(_)) => e,
        Err(e) => return Err(e.into()),
    };
    let want = name.to_lowercase();
    let shown = |f: &crate::model::Folder| {
        let full = mutf7::decode(&f.name);
        let leaf = match f.delimiter.as_deref() {
            Some(d) if !d.is_empty() => full.rsplit(d).next().unwrap_or(&full).to_string(),
            _ => full.clone(),
        };
        full.to_lowercase() == want || leaf.to_lowercase() == want
    };
    engine
        .store
        .folders(account)?
        .into_iter()
        .find(shown)
        .ok_or(err.into())
}

pub(crate) fn row_json(r: &MessageRow) -> serde_json::Value {
    json!({
        "id": r.id, "account": r.account_id, "uid": r.uid, "folder": r.folder,
        "subject": r.subject, "from": r.from, "to": r.to, "date": rfc3339(r.date),
        "seen": r.flags.seen, "flagged": r.flags.flagged, "answered": r.flags.answered,
        "has_attachments": r.has_attachments, "size": r.size, "message_id": r.message_id,
    })
}

fn print_rows(rows: &[MessageRow], json_out: bool) -> Result<()> {
    if json_out {
        return print_json(&rows.iter().map(row_json).collect::<Vec<_>>());
    }
    for r in rows {
        let marks = format!(
            "{}{}{}",
            if r.flags.seen { ' ' } else { 'N' },
            if r.flags.flagged { '!' } else { ' ' },
            if r.has_attachments { '@' } else { ' ' }
        );
        say!(
            "{}\t{marks}\t{}\t{}\t{}",
            r.id,
            rfc3339(r.date),
            r.from,
            r.subject
        );
    }
    Ok(())
}

pub fn list(
    engine: &Engine,
    folder: &str,
    account: Option<i64>,
    limit: u32,
    unread: bool,
    threads: bool,
    json_out: bool,
) -> Result<()> {
    let mut rows = Vec::new();
    let mut found = false;
    for a in accounts(engine, account)? {
        if let Ok(f) = find_folder(engine, a.id, folder) {
            found = true;
            rows.extend(match threads {
                true => engine.store.list_threads(f.id, unread, limit)?,
                false => {
                    engine
                        .store
                        .list_messages(f.id, unread, SortOrder::NewestFirst, limit, 0)?
                }
            });
        }
    }
    if !found {
        return Err(CliError::Usage(format!(
            "no folder named {folder} (run `tayori folders` to see them)"
        )));
    }
    rows.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then(b.uid.cmp(&a.uid))
            .then(b.id.0.cmp(&a.id.0))
    });
    rows.truncate(limit as usize);
    if threads {
        return print_thread_rows(engine, &rows, json_out);
    }
    print_rows(&rows, json_out)
}

/// Rows with their conversation: id, size and unread count.
fn print_thread_rows(engine: &Engine, rows: &[MessageRow], json_out: bool) -> Result<()> {
    let ids: Vec<MessageId> = rows.iter().map(|r| r.id).collect();
    let sizes = engine.store.thread_sizes(&ids)?;
    if json_out {
        let out: Vec<serde_json::Value> = rows
            .iter()
            .zip(&sizes)
            .map(|(r, (t, n, u))| {
                let mut v = row_json(r);
                v["thread"] = json!(t);
                v["thread_size"] = json!(n);
                v["thread_unread"] = json!(u);
                v
            })
            .collect();
        return print_json(&out);
    }
    for (r, (_, n, u)) in rows.iter().zip(&sizes) {
        say!(
            "{}\t({n}, {u} unread)\t{}\t{}\t{}",
            r.id,
            rfc3339(r.date),
            r.from,
            r.subject
        );
    }
    Ok(())
}

/// The conversation of message `id`, oldest first.
pub fn thread(engine: &Engine, id: i64, json_out: bool) -> Result<()> {
    engine.store.message(MessageId(id))?;
    let rows = engine.store.thread_of(MessageId(id))?;
    if json_out {
        return print_json(&rows.iter().map(row_json).collect::<Vec<_>>());
    }
    for r in &rows {
        say!(
            "{}\t{}\t{}\t{}\t{}",
            r.id,
            r.folder,
            rfc3339(r.date),
            r.from,
            r.subject
        );
    }
    Ok(())
}

pub async fn show(engine: &mut Engine, id: i64, json_out: bool, raw: bool) -> Result<()> {
    if raw {
        let bytes = engine.raw(MessageId(id)).await?;
        use std::io::Write;
        std::io::stdout().write_all(&bytes)?;
        return Ok(());
    }
    let m = engine.show(MessageId(id)).await?;
    if json_out {
        return print_json(&json!({
            "id": m.id, "folder": m.folder, "subject": m.subject, "from": m.from, "to": m.to,
            "cc": m.cc, "date": rfc3339(m.date), "text": m.text,
            "attachments": m.attachments.iter().map(|a| json!({
                "index": a.index, "filename": a.filename, "mime": a.mime, "size": a.size,
            })).collect::<Vec<_>>(),
        }));
    }
    say!("From: {}\nTo: {}", m.from, m.to);
    if !m.cc.is_empty() {
        say!("Cc: {}", m.cc);
    }
    say!("Date: {}\nSubject: {}\n", rfc3339(m.date), m.subject);
    say!("{}", m.text);
    for a in &m.attachments {
        say!(
            "[{}] {} ({}, {} bytes)",
            a.index,
            a.filename,
            a.mime,
            a.size
        );
    }
    Ok(())
}

pub async fn save_attachment(
    engine: &mut Engine,
    id: i64,
    index: usize,
    path: &std::path::Path,
    overwrite: bool,
) -> Result<()> {
    let mode = if overwrite {
        crate::engine::SaveMode::Overwrite
    } else {
        crate::engine::SaveMode::Refuse
    };
    let (written, n) = engine
        .save_attachment(MessageId(id), index, path, mode)
        .await?;
    say!("{} bytes written to {}", n, written.display());
    Ok(())
}

/// Local search; with `server`, also IMAP SEARCH on every account's server for mail whose
/// body is not cached here (matches merged, newest first).
pub async fn search(
    engine: &mut Engine,
    query: &str,
    limit: u32,
    server: bool,
    json_out: bool,
) -> Result<()> {
    let mut rows = engine.store.search(query, limit)?;
    if server {
        let known: std::collections::HashSet<MessageId> = rows.iter().map(|r| r.id).collect();
        let mut found = Vec::new();
        for a in engine.store.accounts()? {
            found.extend(engine.search_server(&a, query).await?);
        }
        for id in found.into_iter().filter(|i| !known.contains(i)) {
            rows.push(engine.store.message(id)?);
        }
        rows.sort_by_key(|r| std::cmp::Reverse(r.date));
        rows.truncate(limit as usize);
    }
    print_rows(&rows, json_out)
}

pub fn status(engine: &Engine, json_out: bool) -> Result<()> {
    let mut folders = Vec::new();
    let mut pop3_deletions = Vec::new();
    let mut accounts_out = Vec::new();
    for a in engine.store.accounts()? {
        let info = engine.store.server_info(a.id)?;
        let risk = engine.store.risk(&a)?;
        accounts_out.push(json!({
            "account": a.id, "email": a.email, "protocol": a.protocol.as_str(),
            "paused": !a.sync_enabled,
            "metadata": info.metadata,
            "devices": info.devices.len(),
            "quota": info.quota.as_ref().map(|q| json!({
                "root": q.root, "used_bytes": q.used_bytes, "limit_bytes": q.limit_bytes,
                "percent": q.percent(), "warning": q.percent() >= 90,
            })),
            "risk": {
                "messages_here": risk.messages_here,
                "only_here": risk.only_here,
                "server_copies": risk.server_copies,
                "next_server_deletion": risk.next_server_deletion.map(rfc3339),
                "not_sent": risk.not_sent,
                "lost_if_this_computer_breaks": risk.only_here + risk.not_sent,
            },
        }));
        if a.protocol == crate::model::Protocol::Pop3 {
            let n = engine.store.pending_dele_count(a.id)?;
            pop3_deletions.push(json!({ "account": a.id, "pending": n }));
        }
        for f in engine.store.folders(a.id)? {
            let s = engine.store.folder_stats(f.id)?;
            folders.push(json!({
                "account": a.id, "folder": f.name, "role": f.role,
                "display_name": mutf7::decode(&f.name),
                "server_total": f.server_total, "server_unread": f.server_unread,
                "cached_total": s.cached_total, "cached_unread": s.cached_unread,
                "cached_bodies": s.cached_bodies, "cached_bytes": s.cached_bytes,
                "uidvalidity": f.uidvalidity, "uidnext": f.uidnext,
                "highest_modseq": f.highest_modseq,
                "last_sync": f.last_sync.map(rfc3339),
                "error": engine.store.folder_error(f.id)?,
            }));
        }
    }
    let ops = engine.store.open_ops()?;
    let count = |state| ops.iter().filter(|o| o.state == state).count();
    let (pending, failed, skipped) = (
        count(OpState::Pending),
        count(OpState::Failed),
        count(OpState::Skipped),
    );
    if json_out {
        return print_json(&json!({
            "folders": folders, "pending": pending,
            "failed": failed, "skipped": skipped, "operations": ops,
            "pop3_server_deletions": pop3_deletions,
            "database_bytes": engine.store.db_bytes()?,
            "device": {
                "id": engine.store.device_id()?,
                "name": engine.store.device_name()?,
                "os": std::env::consts::OS,
                "version": env!("CARGO_PKG_VERSION"),
            },
            "accounts": accounts_out,
        }));
    }
    for f in &folders {
        say!(
            "{}\tserver {}/{}\tcached {}/{}\tbodies {} ({} bytes)\tuidvalidity {}\tmodseq {}\tlast sync {}{}",
            f["display_name"].as_str().unwrap_or(""),
            f["server_total"],
            f["server_unread"],
            f["cached_total"],
            f["cached_unread"],
            f["cached_bodies"],
            f["cached_bytes"],
            f["uidvalidity"],
            f["highest_modseq"],
            f["last_sync"].as_str().unwrap_or("never"),
            f["error"]
                .as_str()
                .map(|e| format!("\terror: {e}"))
                .unwrap_or_default(),
        );
    }
    say!("pending operations: {pending}; failed: {failed}; skipped: {skipped}");
    for d in &pop3_deletions {
        say!(
            "account {}: {} server deletion(s) waiting for the next POP3 sync",
            d["account"],
            d["pending"]
        );
    }
    for a in &accounts_out {
        let quota = match &a["quota"] {
            serde_json::Value::Null => "the server reports no quota".to_string(),
            q => format!(
                "server space {} of {} bytes ({}%){}",
                q["used_bytes"],
                q["limit_bytes"],
                q["percent"],
                if q["warning"] == true {
                    ", nearly full"
                } else {
                    ""
                }
            ),
        };
        say!(
            "{}: {quota}; if this computer breaks: {} messages only here and {} changes not sent are lost",
            a["email"].as_str().unwrap_or(""),
            a["risk"]["only_here"],
            a["risk"]["not_sent"],
        );
    }
    let l10n = crate::i18n::Localizer::new(crate::i18n::system_language());
    for o in &ops {
        // A skipped op says why in the user's language; the others keep the server's words.
        let why = match o.state {
            OpState::Skipped => Some(l10n.tr("op-skipped-gone", None)),
            _ => o.error.clone(),
        };
        say!(
            "  #{} {:?} {} uid {:?}: {:?}{}",
            o.id,
            o.kind,
            mutf7::decode(&o.folder),
            o.uid.map(|u| u.0),
            o.state,
            why.map(|e| format!(" ({e})")).unwrap_or_default()
        );
    }
    Ok(())
}
