use clap::Parser;

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
    let code = match cli.command.take() {
        Some(cmd) => tayori::cli::run(cli, cmd),
        None => tayori::ui::run(tayori::cli::data_dir(cli.data_dir)),
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
