//! The headless command line over the same engine. Read commands work offline from the cache.
mod account_cmd;
mod account_set;
mod bodies;
mod discover_cmd;
mod folder_cmd;
mod login_cmd;
pub(crate) mod out;
mod read;
mod render_cmd;
mod send_cmd;
mod sync_info;
mod write;

use crate::engine::{Engine, EngineError};
use crate::store::{Store, StoreError};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "tayori",
    version,
    about = "Tayori mail client (no subcommand opens the window)"
)]
pub struct Cli {
    /// Where the cache and settings live (default: the OS data directory).
    #[arg(long, global = true, env = "TAYORI_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// A mailto: URL (RFC 6068) to open in the composer: what the desktop passes to the
    /// mail handler. Handed to the running Tayori of the same data directory if there is one.
    #[arg(value_name = "MAILTO_URL", value_parser = mailto_arg)]
    pub mailto: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum DeviceCmd {
    /// Names this device (shown on your other devices after the next sync of each).
    Rename { name: String },
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, list or remove accounts.
    #[command(subcommand)]
    Account(AccountCmd),
    /// One full sync pass (replays queued changes first), then exit.
    Sync {
        #[arg(long)]
        account: Option<i64>,
        #[arg(long)]
        json: bool,
        /// Then download every message body the account's offline policy covers, to the
        /// end, on one connection ("all" when the policy is on-demand).
        #[arg(long)]
        bodies: bool,
    },
    /// Stay connected (IDLE) and print one line per change.
    Watch {
        #[arg(long)]
        account: Option<i64>,
    },
    /// Create, rename or delete a folder (here at once, on the server at once or when online).
    #[command(subcommand)]
    Folder(folder_cmd::FolderCmd),
    /// Cached folders with counts.
    Folders {
        #[arg(long)]
        account: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Messages of a folder, newest first.
    List {
        #[arg(long)]
        folder: String,
        #[arg(long)]
        account: Option<i64>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        unread: bool,
        /// One row per conversation (its newest message in the folder), with `thread`,
        /// `thread_size` and `thread_unread`.
        #[arg(long)]
        threads: bool,
        #[arg(long)]
        json: bool,
    },
    /// The conversation of a message: every cached message in it (all folders), oldest first.
    Thread {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Show a message (downloads only its text part when not cached).
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
        /// Print the raw RFC 5322 message.
        #[arg(long, conflicts_with = "json")]
        raw: bool,
    },
    /// Draw a message as the reader does (HTML laid out and painted on the CPU) into a PNG;
    /// prints the remote URLs it blocked.
    Render {
        id: i64,
        /// Where to write the PNG.
        #[arg(long)]
        png: PathBuf,
        /// Layout width in pixels.
        #[arg(long, default_value_t = 800)]
        width: u32,
        /// Load remote content (images, styles) as "Show once" does in the window.
        #[arg(long)]
        allow_remote: bool,
    },
    /// Save attachment INDEX (1-based, as `show` lists them) to PATH.
    SaveAttachment {
        id: i64,
        index: usize,
        path: PathBuf,
        /// Replace PATH if it exists (without this, an existing file is kept and the save refused).
        #[arg(long)]
        overwrite: bool,
    },
    /// Change flags (applied at once, queued for the server).
    Flag {
        id: i64,
        #[command(flatten)]
        which: FlagArgs,
    },
    /// Move a message to another folder (name or role, e.g. "Archive").
    Move {
        id: i64,
        #[arg(long)]
        to: String,
    },
    /// Delete a message (to Trash; from Trash, permanently).
    Delete { id: i64 },
    /// Local full-text search over the cache (`--server`: also search the servers).
    Search {
        query: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Also ask each IMAP server (finds mail whose body is not on this device).
        #[arg(long)]
        server: bool,
        #[arg(long)]
        json: bool,
    },
    /// Per folder: server vs cached counts, sync state; pending and failed operations.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Changes other devices made (mail arrived or removed, read, flagged), newest first.
    Activity {
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// The devices that use each account (IMAP METADATA), this one first.
    Devices {
        #[arg(long)]
        json: bool,
    },
    /// This device's settings: `device rename NAME`.
    Device {
        #[command(subcommand)]
        cmd: DeviceCmd,
    },
    /// Checks an account's connection step by step (name lookup, port, TLS, greeting,
    /// login, SMTP, POP3 UIDL); exit status 0 only when every step passes.
    Doctor {
        account: i64,
        #[arg(long)]
        json: bool,
    },
    /// Find server settings from an e-mail address (provider database, autoconfig, MX,
    /// SRV, then guessing) and print them with where they came from.
    Discover {
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// Write a message (body on stdin) to the outbox and try to send it at once.
    Send {
        #[command(flatten)]
        msg: send_cmd::MessageArgs,
        #[command(flatten)]
        from: send_cmd::SourceArgs,
        #[arg(long)]
        json: bool,
    },
    /// Messages in the outbox: queued, sent, failed (with the server's words), uncertain.
    Outbox {
        #[arg(long)]
        json: bool,
        /// Queue a failed or uncertain message again (it goes out at the next sync).
        #[arg(long)]
        retry: Option<i64>,
    },
    /// Save a draft (body on stdin): a new one, or a new version of --id. Prints its id.
    Draft {
        #[command(flatten)]
        msg: send_cmd::MessageArgs,
        #[arg(long)]
        id: Option<i64>,
    },
    /// Drafts kept here (synced to the server's Drafts folder by `sync`).
    Drafts {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct FlagArgs {
    #[arg(long)]
    pub read: bool,
    #[arg(long)]
    pub unread: bool,
    #[arg(long)]
    pub flag: bool,
    #[arg(long)]
    pub unflag: bool,
}

#[derive(Debug, Subcommand)]
pub enum AccountCmd {
    /// Add an IMAP or POP3 account (its logins are tested first); prints its id.
    Add(Box<account_cmd::AddArgs>),
    /// List accounts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove an account and its cache (and its keyring password).
    Remove { id: i64 },
    /// Change settings of an account (its offline policy).
    Set {
        id: i64,
        #[command(flatten)]
        settings: account_set::SetArgs,
    },
    /// Sign an OAuth2 account in (again): opens the provider's page in the browser and
    /// waits for it to come back; the tokens go to the OS keyring.
    Login {
        id: i64,
        /// Print the URL instead of opening a browser, and wait for the redirect.
        #[arg(long)]
        no_browser: bool,
    },
    /// Set (or replace) the outgoing SMTP server of an account (its login is tested first).
    Smtp {
        id: i64,
        #[command(flatten)]
        smtp: account_cmd::SmtpArgs,
        #[command(flatten)]
        test: account_cmd::TestArgs,
    },
}

/// A CLI failure: printed as one line, exit status 1.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot start the async runtime: {0}")]
    Runtime(String),
}

pub type Result<T> = std::result::Result<T, CliError>;

/// Accepts only a well-formed mailto: URL, so a mistyped subcommand gets a clear error.
fn mailto_arg(s: &str) -> std::result::Result<String, String> {
    if !crate::mailto::is_mailto(s) {
        return Err(format!(
            "not a subcommand or a mailto: URL: {s:?} (see --help)"
        ));
    }
    crate::mailto::Mailto::parse(s)
        .map(|_| s.to_string())
        .map_err(|e| e.to_string())
}

/// The data directory: --data-dir, $TAYORI_DATA_DIR, or the OS default.
pub fn data_dir(explicit: Option<PathBuf>) -> PathBuf {
    explicit.unwrap_or_else(|| {
        directories::ProjectDirs::from("", "", "tayori")
            .map(|d| d.data_dir().to_path_buf())
            .unwrap_or_else(|| PathBuf::from(".tayori"))
    })
}

pub fn open_engine(dir: Option<PathBuf>) -> Result<Engine> {
    Ok(Engine::new(Store::open_dir(&data_dir(dir))?))
}

/// Runs one subcommand; returns the process exit code.
pub fn run(cli: Cli, command: Command) -> i32 {
    // One thread: the CLI runs one command at a time, and a single-threaded runtime polls
    // the sockets on the thread that reads them (no cross-thread wake-up per read, which
    // cost a third of the body download's CPU). Blocking work (keyring, SQLite writers) has
    // its own threads.
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tayori: {}", CliError::Runtime(e.to_string()));
            return 1;
        }
    };
    match rt.block_on(dispatch(cli.data_dir, command)) {
        Ok(()) => 0,
        // `tayori list | head -1`: the reader has what it wanted.
        Err(e) if out::is_broken_pipe(&e) => 0,
        Err(e) => {
            // A server's or a message's words may be in it: no escape sequences.
            eprintln!("tayori: {}", out::terminal_safe(&e.to_string()));
            1
        }
    }
}

async fn dispatch(dir: Option<PathBuf>, command: Command) -> Result<()> {
    let t0 = std::time::Instant::now();
    let data = data_dir(dir);
    let mut engine = Engine::new(Store::open_dir(&data)?);
    tracing::debug!(elapsed = ?t0.elapsed(), "store open");
    match command {
        Command::Account(cmd) => account_cmd::run(&mut engine, cmd).await,
        Command::Sync {
            account,
            json,
            bodies,
        } => write::sync(&mut engine, account, json, bodies).await,
        Command::Watch { account } => write::watch(&mut engine, data, account).await,
        Command::Folder(cmd) => folder_cmd::run(&mut engine, cmd).await,
        Command::Folders { account, json } => read::folders(&engine, account, json),
        Command::List {
            folder,
            account,
            limit,
            unread,
            threads,
            json,
        } => read::list(&engine, &folder, account, limit, unread, threads, json),
        Command::Thread { id, json } => read::thread(&engine, id, json),
        Command::Show { id, json, raw } => read::show(&mut engine, id, json, raw).await,
        Command::Render {
            id,
            png,
            width,
            allow_remote,
        } => render_cmd::render(&mut engine, id, &png, width, allow_remote).await,
        Command::SaveAttachment {
            id,
            index,
            path,
            overwrite,
        } => read::save_attachment(&mut engine, id, index, &path, overwrite).await,
        Command::Flag { id, which } => write::flag(&mut engine, id, &which).await,
        Command::Move { id, to } => write::move_to(&mut engine, id, &to).await,
        Command::Delete { id } => write::delete(&mut engine, id).await,
        Command::Search {
            query,
            limit,
            server,
            json,
        } => read::search(&mut engine, &query, limit, server, json).await,
        Command::Status { json } => read::status(&engine, json),
        Command::Activity { json, limit } => sync_info::activity(&engine, limit, json),
        Command::Doctor { account, json } => sync_info::doctor(&engine, &data, account, json).await,
        Command::Devices { json } => sync_info::devices(&engine, json),
        Command::Device {
            cmd: DeviceCmd::Rename { name },
        } => sync_info::rename(&engine, &name),
        Command::Discover { email, json } => discover_cmd::run(&email, json).await,
        Command::Send { msg, from, json } => send_cmd::send(&mut engine, &msg, &from, json).await,
        Command::Outbox { json, retry } => send_cmd::outbox(&mut engine, json, retry),
        Command::Draft { msg, id } => send_cmd::save_draft(&mut engine, &msg, id),
        Command::Drafts { json } => send_cmd::drafts(&engine, json),
    }
}

pub(crate) fn rfc3339(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

pub(crate) fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    let s = serde_json::to_string_pretty(v).map_err(|e| CliError::Usage(e.to_string()))?;
    out::json_text(&s)
}
