use clap::Parser;

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TAYORI_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut cli = tayori::cli::Cli::parse();
    let code = match cli.command.take() {
        Some(cmd) => tayori::cli::run(cli, cmd),
        None => tayori::ui::run(tayori::cli::data_dir(cli.data_dir)),
    };
    std::process::exit(code);
}
