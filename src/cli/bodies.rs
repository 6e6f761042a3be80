//! `tayori sync --bodies`: after the sync pass, the account's offline mirror downloaded to
//! completion on the same connection, then made searchable.
use super::Result;
use crate::engine::{BodyProgress, BodyReport, Engine, IndexReport};
use crate::model::{Account, OfflineMode};
use crate::protocol::imap::ImapConn;
use std::io::IsTerminal;

/// The policy of this run: the account's, with an on-demand account getting "all".
fn run_policy(engine: &Engine, account: &Account) -> Result<crate::model::OfflinePolicy> {
    let mut policy = engine.store.offline_policy(account.id)?;
    if policy.mode == OfflineMode::OnDemand {
        policy.mode = OfflineMode::All;
    }
    Ok(policy)
}

/// Set before the sync pass of `sync --bodies`: when the run keeps every message, new ones
/// come whole in that pass (one FETCH each instead of two).
pub fn prepare(engine: &mut Engine, account: &Account) -> Result<()> {
    engine.whole_first = crate::engine::whole_first(&run_policy(engine, account)?, usize::MAX);
    Ok(())
}

/// Downloads every body the account's offline policy covers (an on-demand account gets
/// "all" for this run) on `conn`. Progress goes to stderr at most once a second on a
/// terminal.
pub async fn download(
    engine: &mut Engine,
    account: &Account,
    conn: &mut ImapConn,
) -> Result<BodyReport> {
    let policy = run_policy(engine, account)?;
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
    Ok(engine
        .download_bodies(conn, account, &policy, &mut progress, &|| false)
        .await?)
}

/// Makes the downloaded bodies searchable (no network).
pub async fn index(engine: &mut Engine, account: &Account) -> Result<IndexReport> {
    Ok(engine.index_bodies(account.id, &|| false).await?)
}

/// The summary line of one account.
pub fn summary(email: &str, r: &BodyReport) -> String {
    format!(
        "{email}: bodies: {} fetched ({} bytes), {} remaining, {} failed",
        r.fetched, r.bytes, r.remaining, r.failed
    )
}

/// For the benchmark (`TAYORI_REPORT_RSS` set, Linux): the CPU time this process has used so
/// far (user + system, all threads), on stderr as `cpu-LABEL N ms`.
pub fn report_cpu(label: &str) {
    if std::env::var_os("TAYORI_REPORT_RSS").is_none() {
        return;
    }
    // /proc/self/stat: fields 14 and 15 (utime, stime) in clock ticks, after the ")" that
    // ends the command name.
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return;
    };
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return;
    };
    let f: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    if let [u, s] = f[..] {
        // The kernel's USER_HZ is 100 on every Linux architecture.
        eprintln!("cpu-{label} {} ms", (u + s) * 10);
    }
}
