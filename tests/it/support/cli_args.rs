//! `tayori account add` arguments for the servers the harness starts.
#![allow(dead_code)]

use std::path::Path;

/// An incoming server to add an account for: `proto` is "imap" or "pop3".
pub struct Server<'a> {
    pub proto: &'a str,
    pub host: &'a str,
    pub port: u16,
    pub starttls: bool,
}

/// `tayori account add` arguments for alice@example.test on `server`, the password given
/// by a password command, `ca` added as a trust anchor.
pub fn account_add_args(server: &Server, user: &str, pw: &str, ca: Option<&Path>) -> Vec<String> {
    let p = server.proto;
    let mut args: Vec<String> = [
        "account",
        "add",
        "--email",
        "alice@example.test",
        &format!("--{p}-host"),
        server.host,
        &format!("--{p}-port"),
        &server.port.to_string(),
        &format!("--{p}-security"),
        if server.starttls { "starttls" } else { "tls" },
        "--username",
        user,
        "--password-command",
        &format!("printf %s '{pw}'"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(ca) = ca {
        args.extend(["--ca-file".to_string(), ca.display().to_string()]);
    }
    args
}
