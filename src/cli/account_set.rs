//! `tayori account set ID ...`: settings of an existing account: its offline policy, and
//! whether it is paused (the sync view's "Pause this account").
use super::{CliError, Result};
use crate::engine::Engine;
use crate::model::{AccountId, OfflineMode, OfflinePolicy};
use clap::Args;

#[derive(Debug, Args)]
pub struct SetArgs {
    /// Which message bodies to keep on this device: on-demand (fetched when opened),
    /// days:N (messages of the last N days) or all.
    #[arg(long, value_name = "MODE", value_parser = offline_mode)]
    pub offline: Option<OfflineMode>,
    /// Messages up to this size (MB) are kept whole, attachments included; larger ones keep
    /// only their text.
    #[arg(long, value_name = "MB")]
    pub offline_attachments_max: Option<u32>,
    /// Pause the account (`sync` and the window leave it alone until resumed)...
    #[arg(long, conflicts_with = "resume")]
    pub pause: bool,
    /// ... or resume it.
    #[arg(long)]
    pub resume: bool,
}

fn offline_mode(s: &str) -> std::result::Result<OfflineMode, String> {
    OfflineMode::parse(s).ok_or_else(|| {
        format!("{s:?} is not an offline mode: use on-demand, days:N (N at least 1) or all")
    })
}

/// The offline policy as `account list --json` shows it.
#[derive(Debug, serde::Serialize)]
pub struct OfflineView {
    pub mode: String,
    pub attachments_max_mb: u32,
}

impl From<OfflinePolicy> for OfflineView {
    fn from(p: OfflinePolicy) -> Self {
        OfflineView {
            mode: p.mode.as_str(),
            attachments_max_mb: p.attachments_max_mb,
        }
    }
}

pub fn run(engine: &mut Engine, id: i64, args: &SetArgs) -> Result<()> {
    let acc = engine.store.account(AccountId(id))?;
    if args.pause || args.resume {
        engine.store.set_sync_enabled(acc.id, args.resume)?;
    }
    if args.offline.is_none() && args.offline_attachments_max.is_none() {
        if args.pause || args.resume {
            return Ok(());
        }
        return Err(CliError::Usage(
            "nothing to set: give --offline on-demand|days:N|all, \
             --offline-attachments-max MB, --pause or --resume"
                .into(),
        ));
    }
    let mut policy = engine.store.offline_policy(acc.id)?;
    if let Some(mode) = args.offline {
        policy.mode = mode;
    }
    if let Some(mb) = args.offline_attachments_max {
        policy.attachments_max_mb = mb;
    }
    engine.store.set_offline_policy(acc.id, &policy)?;
    Ok(())
}
