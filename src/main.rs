use clap::Parser;
use std::path::PathBuf;
use tayori::instance::{self, Request, Role};

fn main() {
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("TAYORI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // async-imap traces every command it sends, AUTHENTICATE/LOGIN included: never let a
    // log level reveal a password.
    if let Ok(cap) = "async_imap=info".parse() {
        filter = filter.add_directive(cap);
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let mut cli = tayori::cli::Cli::parse();
    if cli.command.is_some() && cli.mailto.is_some() {
        eprintln!("tayori: a mailto: URL cannot be given with a subcommand");
        std::process::exit(2);
    }
    let code = match cli.command.take() {
        Some(cmd) => tayori::cli::run(cli, cmd),
        None => open_window(cli.data_dir, cli.mailto),
    };
    if std::env::var_os("TAYORI_REPORT_RSS").is_some() {
        // For the benchmark: peak resident set size of this process.
        if let Ok(status) = std::fs::read_to_string("/proc/self/status")
            && let Some(l) = status.lines().find(|l| l.starts_with("VmHWM:"))
        {
            eprintln!("peak-rss {}", l.trim_start_matches("VmHWM:").trim());
        }
    }
    std::process::exit(code);
}

/// One window per data directory: a second `tayori` (or `tayori mailto:...`) hands its
/// request to the running one and exits 0 without printing anything.
fn open_window(dir: Option<PathBuf>, mailto: Option<String>) -> i32 {
    let dir = tayori::cli::data_dir(dir);
    let request = match mailto {
        Some(url) => Request::Mailto { url },
        None => Request::Activate,
    };
    match instance::acquire(&dir, &request) {
        Ok(Role::HandedOver) => 0,
        Ok(Role::Primary(mut primary)) => {
            // The window takes the first request (a mailto: URL opens the composer) and those
            // later `tayori` starts hand over.
            let requests = primary.incoming();
            let code = tayori::ui::run(dir, request, requests);
            drop(primary);
            code
        }
        Err(e) => {
            eprintln!("tayori: {e}");
            1
        }
    }
}
