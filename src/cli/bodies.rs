//! `tayori sync --bodies`: after the sync pass, the account's offline mirror downloaded to
//! completion on one connection.
use super::Result;
use crate::engine::{BodyProgress, BodyReport, Engine};
use crate::model::{Account, OfflineMode, Protocol};
use std::io::IsTerminal;

/// Downloads every body the account's offline policy covers (an on-demand account gets
/// "all" for this run). Progress goes to stderr at most once a second on a terminal.
pub async fn download(engine: &mut Engine, account: &Account) -> Result<BodyReport> {
    if account.protocol == Protocol::Pop3 {
        return Ok(BodyReport::default()); // POP3 mail is kept whole already
    }
    let mut policy = engine.store.offline_policy(account.id)?;
    if policy.mode == OfflineMode::OnDemand {
        policy.mode = OfflineMode::All;
    }
    let tty = std::io::stderr().is_terminal();
    let email = account.email.clone();
    let mut last = std::time::Instant::now();
    let mut progress = move |p: BodyProgress| {
        if tty && last.elapsed() >= std::time::Duration::from_secs(1) {
            last = std::time::Instant::now();
            eprintln!(
                "{email}: bodies {}/{} ({:.1} MB)",
                p.done,
                p.total,
                p.bytes as f64 / 1e6
            );
        }
    };
    let mut conn = Engine::connect(account).await?;
    let report = engine
        .download_bodies(&mut conn, account, &policy, &mut progress, &|| false)
        .await?;
    let _ = conn.logout().await;
    Ok(report)
}

/// The summary line of one account.
pub fn summary(email: &str, r: &BodyReport) -> String {
    format!(
        "{email}: bodies: {} fetched ({} bytes), {} remaining, {} failed",
        r.fetched, r.bytes, r.remaining, r.failed
    )
}
