//! What the sync view shows, for the command line: changes from other devices (`activity`),
//! the devices that use each account (`devices`, `device rename`).
use super::out::say;
use super::{Result, print_json, rfc3339};
use crate::engine::Engine;
use crate::mime::mutf7;
use serde_json::json;

/// `tayori activity [--json] [--limit N]`: the newest changes other devices made (this
/// device's own appends, moves, deletes and flag changes are never among them).
pub fn activity(engine: &Engine, limit: u32, json_out: bool) -> Result<()> {
    let rows = engine.store.recent_activity(limit)?;
    let emails: std::collections::HashMap<_, _> = engine
        .store
        .accounts()?
        .into_iter()
        .map(|a| (a.id, a.email))
        .collect();
    let out: Vec<_> = rows
        .iter()
        .map(|a| {
            json!({
                "account": a.account_id,
                "email": emails.get(&a.account_id),
                "folder": a.folder,
                "display_name": mutf7::decode(&a.folder),
                "at": rfc3339(a.at),
                "kind": a.kind,
                "detail": a.detail,
            })
        })
        .collect();
    if json_out {
        return print_json(&out);
    }
    for a in &out {
        say!(
            "{}\t{}\t{}\t{}",
            a["at"].as_str().unwrap_or(""),
            a["kind"].as_str().unwrap_or(""),
            a["display_name"].as_str().unwrap_or(""),
            a["detail"].as_str().unwrap_or(""),
        );
    }
    Ok(())
}

/// `tayori devices [--json]`: per account, the devices registered on its server (this one
/// first) as the last pass saw them; where the server has no METADATA, this device only.
pub fn devices(engine: &Engine, json_out: bool) -> Result<()> {
    let this_id = engine.store.device_id()?;
    let mut out = Vec::new();
    for a in engine.store.accounts()? {
        let info = engine.store.server_info(a.id)?;
        let mut list: Vec<_> = info
            .devices
            .iter()
            .map(|d| {
                let mut v = serde_json::to_value(d).unwrap_or_default();
                v["this_device"] = json!(d.id == this_id);
                v["last_sync"] = json!(rfc3339(d.last_sync));
                v
            })
            .collect();
        if list.is_empty() {
            let mut me = serde_json::to_value(engine.this_device(&a)?).unwrap_or_default();
            me["this_device"] = json!(true);
            me["last_sync"] = json!(a_last_sync(engine, &a)?);
            list.push(me);
        }
        let note = match (a.protocol, info.metadata) {
            (crate::model::Protocol::Pop3, _) => Some("pop3: devices are not shared"),
            (_, Some(false)) => Some(
                "the server does not offer METADATA (RFC 5464): other devices cannot be listed; this device only",
            ),
            (_, None) => Some("not synced yet: other devices are listed after the next sync"),
            (_, Some(true)) => None,
        };
        out.push(json!({
            "account": a.id, "email": a.email,
            "metadata": info.metadata,
            "note": note,
            "devices": list,
        }));
    }
    if json_out {
        return print_json(&out);
    }
    for a in &out {
        say!("{}", a["email"].as_str().unwrap_or(""));
        if let Some(n) = a["note"].as_str() {
            say!("  {n}");
        }
        for d in a["devices"].as_array().into_iter().flatten() {
            say!(
                "  {}{}\t{} {}\tlast sync {}\t{} messages, {} bytes\t{} waiting\toffline {}",
                d["name"].as_str().unwrap_or(""),
                if d["this_device"] == true {
                    " (this device)"
                } else {
                    ""
                },
                d["os"].as_str().unwrap_or(""),
                d["version"].as_str().unwrap_or(""),
                d["last_sync"]
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .unwrap_or("never"),
                d["messages"],
                d["bytes"],
                d["waiting"],
                d["offline"].as_str().unwrap_or(""),
            );
        }
    }
    Ok(())
}

/// The newest last sync of the account's folders (RFC 3339), or "" before the first.
fn a_last_sync(engine: &Engine, a: &crate::model::Account) -> Result<String> {
    Ok(engine
        .store
        .folders(a.id)?
        .iter()
        .filter_map(|f| f.last_sync)
        .max()
        .map(rfc3339)
        .unwrap_or_default())
}

/// `tayori device rename NAME`: this device's name on every server from the next sync on.
pub fn rename(engine: &Engine, name: &str) -> Result<()> {
    engine.store.set_device_name(name)?;
    say!("{}", engine.store.device_name()?);
    Ok(())
}

/// `tayori doctor ACCOUNT [--json]`: every connection check, in the user's language (the
/// window's language setting, else the system's); exit status 0 only when all pass, else
/// the first failing step is named on stderr.
pub async fn doctor(
    engine: &Engine,
    data: &std::path::Path,
    id: i64,
    json_out: bool,
) -> Result<()> {
    use crate::discovery::doctor::{first_failure, words};
    let account = engine.store.account(crate::model::AccountId(id))?;
    let steps = engine.doctor(&account).await?;
    let tr = crate::i18n::Localizer::new(&language(data));
    let failed = first_failure(&steps).map(|s| words(&tr, s));
    if json_out {
        let list: Vec<_> = steps
            .iter()
            .map(|s| {
                let w = words(&tr, s);
                json!({
                    "server": s.server, "step": s.step, "host": s.host, "port": s.port,
                    "ok": s.ok, "title": w.title, "verdict": w.verdict, "advice": w.advice,
                    "cert": s.cert,
                })
            })
            .collect();
        print_json(&json!({
            "account": account.id, "email": account.email,
            "ok": failed.is_none(),
            "first_failure": failed.as_ref().map(|w| &w.title),
            "steps": list,
        }))?;
    } else {
        for s in &steps {
            let w = words(&tr, s);
            say!(
                "{} {}: {}",
                if s.ok { "✓" } else { "✗" },
                w.title,
                w.verdict
            );
            if let Some(a) = w.advice {
                say!("    → {a}");
            }
        }
    }
    match failed {
        None => {
            if !json_out {
                say!("{}", tr.tr("doctor-all-passed", None));
            }
            Ok(())
        }
        Some(w) => {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("step", w.title);
            Err(super::CliError::Usage(
                tr.tr("doctor-first-failing", Some(&args)),
            ))
        }
    }
}

/// The window's language setting (DATA/settings.json), else the system's.
fn language(data: &std::path::Path) -> String {
    std::fs::read(data.join("settings.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["language"].as_str().map(str::to_string))
        .unwrap_or_else(|| crate::i18n::system_language().to_string())
}
