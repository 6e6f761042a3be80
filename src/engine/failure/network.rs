//! Failures of the network and the mail protocols as Fluent keys: connecting, TLS, logging
//! in, the servers' refusals. Typed variants and `io::ErrorKind` decide; the servers' own
//! words go in as `$server`, library text only into the detail.
use super::Failure;
use crate::discovery::conntest::ConnTestError;
use crate::model::Endpoint;
use crate::protocol::imap::ImapError;
use crate::protocol::imap::guard::GuardError;
use crate::protocol::net::NetError;
use crate::protocol::pop3::{Pop3Error, wants_app_password};
use crate::protocol::smtp::SmtpError;
use std::io::ErrorKind;

/// "certificate not trusted" when the handshake's words say the certificate was the
/// problem (native-tls gives no typed reason), else "could not be encrypted".
fn tls(host: &str, reason: &str) -> Failure {
    let r = reason.to_ascii_lowercase();
    let key = if r.contains("certificate") || r.contains("verify") {
        "error-tls-untrusted"
    } else {
        "error-tls-failed"
    };
    Failure::key(key).arg("host", host)
}

fn not_tls(host: &str, port: u16) -> Failure {
    Failure::key("error-not-tls")
        .arg("host", host)
        .arg("port", port)
}

fn no_greeting(host: &str, port: u16) -> Failure {
    Failure::key("error-no-greeting")
        .arg("host", host)
        .arg("port", port)
}

/// The connection dropped, timed out or failed for a reason the OS names.
pub(super) fn io(e: &std::io::Error) -> Failure {
    match e.kind() {
        ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted
        | ErrorKind::BrokenPipe
        | ErrorKind::UnexpectedEof
        | ErrorKind::NotConnected => Failure::key("error-connection-lost"),
        ErrorKind::TimedOut => Failure::key("error-server-timeout"),
        _ => Failure::key("error-network"),
    }
}

pub(super) fn net(e: &NetError) -> Failure {
    match e {
        NetError::HostNotFound { host, .. } => {
            Failure::key("error-host-not-found").arg("host", host)
        }
        NetError::Connect { host, port, source } => {
            let key = match source.kind() {
                ErrorKind::ConnectionRefused => "error-connection-refused",
                ErrorKind::TimedOut => "error-timeout-connect",
                ErrorKind::HostUnreachable
                | ErrorKind::NetworkUnreachable
                | ErrorKind::NetworkDown
                | ErrorKind::AddrNotAvailable => "error-host-unreachable",
                ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => {
                    "error-connection-lost"
                }
                _ => "error-connect-failed",
            };
            Failure::key(key).arg("host", host).arg("port", port)
        }
        NetError::Timeout { host, .. } => Failure::key("error-timeout").arg("host", host),
        NetError::CaFile { path, .. } => Failure::key("error-ca-file").arg("path", path),
        NetError::Tls { host, reason } => tls(host, reason),
        NetError::NotTls { host, port } => not_tls(host, *port),
    }
}

/// A refused login, told apart from "wants an app password" by the server's words.
fn auth(server_says: &str) -> Failure {
    let key = if wants_app_password(server_says) {
        "error-auth-app-password"
    } else {
        "error-auth-refused"
    };
    Failure::key(key).arg("server", server_says)
}

pub(super) fn imap(e: &ImapError) -> Failure {
    match e {
        ImapError::Net(n) => net(n),
        ImapError::NoStartTls { host } => Failure::key("error-no-starttls").arg("host", host),
        ImapError::NoGreeting { host, port, .. } => no_greeting(host, *port),
        ImapError::Auth(t) => auth(t),
        ImapError::No(t) => Failure::key("error-server-refused").arg("server", t),
        ImapError::Bad(t) => Failure::key("error-server-rejected-command").arg("server", t),
        ImapError::ConnectionLost => Failure::key("error-connection-lost"),
        ImapError::Io(io_err) => io(io_err),
        ImapError::Timeout => Failure::key("error-server-timeout"),
        ImapError::Guard(g) => match g {
            GuardError::Silent { secs } => Failure::key("error-server-silent").arg("secs", secs),
            GuardError::LineTooLong { .. } | GuardError::LiteralTooLarge { .. } => {
                Failure::key("error-server-too-large")
            }
        },
        ImapError::Protocol(_) => Failure::key("error-protocol"),
    }
}

pub(super) fn pop3(e: &Pop3Error) -> Failure {
    match e {
        Pop3Error::Net(n) => net(n),
        Pop3Error::NoStls { host } => Failure::key("error-no-starttls").arg("host", host),
        Pop3Error::NoGreeting { host, port, .. } => no_greeting(host, *port),
        Pop3Error::Auth(t) => Failure::key("error-auth-refused").arg("server", t),
        Pop3Error::AppPassword(t) => Failure::key("error-auth-app-password").arg("server", t),
        Pop3Error::Err(t) => Failure::key("error-server-refused").arg("server", t),
        Pop3Error::ConnectionLost => Failure::key("error-connection-lost"),
        Pop3Error::Io(io_err) => io(io_err),
        Pop3Error::Timeout => Failure::key("error-server-timeout"),
        Pop3Error::Protocol(_) => Failure::key("error-protocol"),
    }
}

pub(super) fn smtp(e: &SmtpError) -> Failure {
    match e {
        SmtpError::CaFile { path, .. } => Failure::key("error-ca-file").arg("path", path),
        SmtpError::Connect { host, port, .. } => Failure::key("error-smtp-unreachable")
            .arg("host", host)
            .arg("port", port),
        SmtpError::NoStartTls { host } => Failure::key("error-no-starttls").arg("host", host),
        SmtpError::Tls { host, reason } => tls(host, reason),
        SmtpError::Auth(t) => Failure::key("error-smtp-login-refused").arg("server", t),
        SmtpError::Rejected(t) => Failure::key("error-smtp-rejected").arg("server", t),
        SmtpError::Deferred(t) => Failure::key("error-smtp-deferred").arg("server", t),
        SmtpError::Network(_) => Failure::key("error-smtp-network"),
        SmtpError::Ambiguous(_) => Failure::key("error-smtp-uncertain"),
        SmtpError::Timeout => Failure::key("error-server-timeout"),
    }
}

/// A login test of account setup against `server`, for the account `email`.
pub(super) fn conntest(e: &ConnTestError, server: &Endpoint, email: &str) -> Failure {
    let host = server.host.as_str();
    match e {
        ConnTestError::HostNotFound { host } => {
            Failure::key("error-host-not-found").arg("host", host)
        }
        ConnTestError::PortClosed { host, port } => Failure::key("error-connection-refused")
            .arg("host", host)
            .arg("port", port),
        ConnTestError::Filtered { host, port } => Failure::key("error-timeout-connect")
            .arg("host", host)
            .arg("port", port),
        ConnTestError::Unreachable { host, port } => Failure::key("error-host-unreachable")
            .arg("host", host)
            .arg("port", port),
        // A certificate was read (without verifying it): verifying it is what failed.
        ConnTestError::Tls {
            host,
            cert: Some(_),
            ..
        } => Failure::key("error-tls-untrusted").arg("host", host),
        ConnTestError::Tls { host, reason, .. } => tls(host, reason),
        ConnTestError::NotTls { host, port } => not_tls(host, *port),
        ConnTestError::NoGreeting { host, port } => no_greeting(host, *port),
        ConnTestError::CaFile { path, .. } => Failure::key("error-ca-file").arg("path", path),
        ConnTestError::NoStartTls { host } => Failure::key("error-no-starttls").arg("host", host),
        ConnTestError::WrongPassword { server_says } => Failure::key("error-login-refused")
            .arg("host", host)
            .arg("email", email)
            .arg("server", server_says),
        ConnTestError::AppPassword { server_says } => Failure::key("error-app-password-required")
            .arg("host", host)
            .arg("email", email)
            .arg("server", server_says),
        ConnTestError::Refused { server_says, .. } => {
            Failure::key("error-server-refused").arg("server", server_says)
        }
        ConnTestError::Timeout { host } => Failure::key("error-timeout").arg("host", host),
        ConnTestError::ConnectionLost { .. } => Failure::key("error-connection-lost"),
        ConnTestError::Other(_) => Failure::key("error-login-failed").arg("host", host),
    }
}
