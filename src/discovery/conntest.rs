//! Connection tests (account setup, `tayori discover`): try settings with a password (never
//! the keyring) and say precisely what is wrong. The SMTP login itself is
//! [`crate::protocol::smtp::test_login`].
use super::guess::{self, Kind};
use crate::model::{Endpoint, Security};
use crate::protocol::imap::{Credentials, ImapConn, ImapError, guard};
use crate::protocol::net::NetError;
use crate::protocol::pop3::{Pop3Conn, Pop3Error};
use crate::protocol::smtp::{self, SmtpError};
use serde::Serialize;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::BufReader;
use tokio::net::TcpStream;

/// How long each stage (DNS, connect, login) may take.
pub const STAGE_TIMEOUT: Duration = Duration::from_secs(10);

/// Which server is tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ServerKind {
    Imap,
    Pop3,
    Smtp,
}

/// The certificate a server showed, for the user to judge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    /// RFC 3339.
    pub not_before: String,
    pub not_after: String,
    /// SHA-256 of the DER certificate, "AB:CD:..".
    pub sha256: String,
}

/// What went wrong, specifically.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ConnTestError {
    #[error("host {host} was not found")]
    HostNotFound { host: String },
    #[error("{host}:{port} refused the connection (the port is closed)")]
    PortClosed { host: String, port: u16 },
    #[error("{host}:{port} did not answer (the port is filtered, or the host is down)")]
    Filtered { host: String, port: u16 },
    #[error("{host}:{port} cannot be reached (no route to it: offline?)")]
    Unreachable { host: String, port: u16 },
    #[error("{}", crate::protocol::net::tls_sentence(.host, .reason))]
    Tls {
        host: String,
        reason: String,
        cert: Option<Box<CertInfo>>,
    },
    #[error(
        "{host}:{port} answered without TLS: this port expects STARTTLS (security `starttls`), \
         or TLS is on another port"
    )]
    NotTls { host: String, port: u16 },
    #[error(
        "{host}:{port} sent no greeting: it probably expects TLS at once (security `tls`), \
         not STARTTLS"
    )]
    NoGreeting { host: String, port: u16 },
    #[error("cannot read the CA file {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("{host} does not offer STARTTLS; refusing to continue without encryption")]
    NoStartTls { host: String },
    #[error("wrong user name or password (the server says: {server_says})")]
    WrongPassword { server_says: String },
    #[error("the server wants an app password or OAuth sign-in (it says: {server_says})")]
    AppPassword { server_says: String },
    #[error("{host} refused: {server_says}")]
    Refused { host: String, server_says: String },
    #[error("{host} did not answer in time")]
    Timeout { host: String },
    #[error("the connection to {host} was lost")]
    ConnectionLost { host: String },
    #[error("{0}")]
    Other(String),
}

pub use crate::protocol::pop3::wants_app_password;

fn login_failed(text: String) -> ConnTestError {
    if wants_app_password(&text) {
        ConnTestError::AppPassword { server_says: text }
    } else {
        ConnTestError::WrongPassword { server_says: text }
    }
}

/// Resolves and connects (no TLS yet): host not found / closed / filtered.
async fn reach(host: &str, port: u16) -> Result<SocketAddr, ConnTestError> {
    let addrs =
        match tokio::time::timeout(STAGE_TIMEOUT, tokio::net::lookup_host((host, port))).await {
            Ok(Ok(a)) => a.collect::<Vec<_>>(),
            _ => Vec::new(),
        };
    if addrs.is_empty() {
        return Err(ConnTestError::HostNotFound {
            host: host.to_string(),
        });
    }
    let mut last = None;
    for addr in addrs {
        match tokio::time::timeout(STAGE_TIMEOUT, TcpStream::connect(addr)).await {
            Ok(Ok(_)) => return Ok(addr),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                last = Some(ConnTestError::PortClosed {
                    host: host.to_string(),
                    port,
                })
            }
            Ok(Err(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::HostUnreachable | std::io::ErrorKind::NetworkUnreachable
                ) =>
            {
                last = Some(ConnTestError::Unreachable {
                    host: host.to_string(),
                    port,
                })
            }
            Ok(Err(e)) => last = Some(ConnTestError::Other(e.to_string())),
            Err(_) => {
                last = Some(ConnTestError::Filtered {
                    host: host.to_string(),
                    port,
                })
            }
        }
    }
    Err(last.unwrap_or(ConnTestError::HostNotFound {
        host: host.to_string(),
    }))
}

/// Tests an incoming or outgoing server with a user name and password. Nothing is stored.
pub async fn test_login(
    kind: ServerKind,
    server: &Endpoint,
    username: &str,
    password: &str,
    ca_file: Option<&str>,
) -> Result<(), ConnTestError> {
    let creds = Credentials::password(username, password);
    test_login_with(kind, server, &creds, ca_file).await
}

/// Tests a server with these credentials (a password or an OAuth2 access token).
pub async fn test_login_with(
    kind: ServerKind,
    server: &Endpoint,
    creds: &Credentials,
    ca_file: Option<&str>,
) -> Result<(), ConnTestError> {
    let addr = reach(&server.host, server.port).await?;
    let (h, p, s) = (server.host.as_str(), server.port, server.security);
    let host = || h.to_string();
    match kind {
        ServerKind::Imap => match ImapConn::connect(h, p, s, ca_file, creds).await {
            Ok(c) => {
                let _ = c.logout().await;
                Ok(())
            }
            Err(ImapError::Auth(t)) => Err(login_failed(t)),
            Err(ImapError::NoStartTls { host }) => Err(ConnTestError::NoStartTls { host }),
            Err(ImapError::NoGreeting { host, port, .. }) => {
                Err(ConnTestError::NoGreeting { host, port })
            }
            Err(ImapError::Net(n)) => Err(net_error(kind, server, addr, n).await),
            Err(ImapError::No(t) | ImapError::Bad(t)) => Err(ConnTestError::Refused {
                host: host(),
                server_says: t,
            }),
            Err(ImapError::Timeout | ImapError::Guard(guard::GuardError::Silent { .. })) => {
                Err(ConnTestError::Timeout { host: host() })
            }
            Err(e @ ImapError::Guard(_)) => Err(ConnTestError::Other(e.to_string())),
            Err(ImapError::ConnectionLost | ImapError::Io(_)) => {
                Err(ConnTestError::ConnectionLost { host: host() })
            }
            Err(e @ ImapError::Protocol(_)) => Err(ConnTestError::Other(e.to_string())),
        },
        ServerKind::Pop3 => match Pop3Conn::connect(h, p, s, ca_file, creds).await {
            Ok(c) => {
                let _ = c.quit().await;
                Ok(())
            }
            Err(Pop3Error::Auth(t)) => Err(login_failed(t)),
            Err(Pop3Error::AppPassword(t)) => Err(ConnTestError::AppPassword { server_says: t }),
            Err(Pop3Error::NoStls { host }) => Err(ConnTestError::NoStartTls { host }),
            Err(Pop3Error::NoGreeting { host, port, .. }) => {
                Err(ConnTestError::NoGreeting { host, port })
            }
            Err(Pop3Error::Net(n)) => Err(net_error(kind, server, addr, n).await),
            Err(Pop3Error::Err(t)) => Err(ConnTestError::Refused {
                host: host(),
                server_says: t,
            }),
            Err(Pop3Error::Timeout) => Err(ConnTestError::Timeout { host: host() }),
            Err(Pop3Error::ConnectionLost | Pop3Error::Io(_)) => {
                Err(ConnTestError::ConnectionLost { host: host() })
            }
            Err(e @ Pop3Error::Protocol(_)) => Err(ConnTestError::Other(e.to_string())),
        },
        ServerKind::Smtp => match smtp::test_login(server, ca_file, creds, STAGE_TIMEOUT).await {
            Ok(()) => Ok(()),
            Err(SmtpError::Auth(t)) => Err(login_failed(t)),
            Err(SmtpError::NoStartTls { host }) => Err(ConnTestError::NoStartTls { host }),
            Err(SmtpError::Tls { reason, .. }) => Err(tls_error(kind, server, addr, reason).await),
            Err(SmtpError::CaFile { path, reason }) => Err(ConnTestError::CaFile { path, reason }),
            Err(SmtpError::Rejected(t) | SmtpError::Deferred(t)) => Err(ConnTestError::Refused {
                host: host(),
                server_says: t,
            }),
            Err(SmtpError::Timeout) => Err(ConnTestError::Timeout { host: host() }),
            Err(SmtpError::Connect { .. } | SmtpError::Network(_) | SmtpError::Ambiguous(_)) => {
                Err(ConnTestError::ConnectionLost { host: host() })
            }
        },
    }
}

/// A connection-level failure after the port answered (TLS, CA file, a dropped link).
async fn net_error(
    kind: ServerKind,
    server: &Endpoint,
    addr: SocketAddr,
    e: NetError,
) -> ConnTestError {
    let host = server.host.clone();
    match e {
        NetError::Tls { reason, .. } => tls_error(kind, server, addr, reason).await,
        NetError::NotTls { host, port } => ConnTestError::NotTls { host, port },
        NetError::CaFile { path, reason } => ConnTestError::CaFile { path, reason },
        NetError::Timeout { .. } => ConnTestError::Timeout { host },
        NetError::HostNotFound { .. } => ConnTestError::HostNotFound { host },
        NetError::Connect { port, source, .. } => match source.kind() {
            std::io::ErrorKind::ConnectionRefused => ConnTestError::PortClosed { host, port },
            std::io::ErrorKind::HostUnreachable | std::io::ErrorKind::NetworkUnreachable => {
                ConnTestError::Unreachable { host, port }
            }
            _ => ConnTestError::ConnectionLost { host },
        },
    }
}

async fn tls_error(
    kind: ServerKind,
    server: &Endpoint,
    addr: SocketAddr,
    reason: String,
) -> ConnTestError {
    let cert = tokio::time::timeout(STAGE_TIMEOUT, peer_certificate(kind, server, addr))
        .await
        .ok()
        .flatten()
        .map(Box::new);
    ConnTestError::Tls {
        host: server.host.clone(),
        reason,
        cert,
    }
}

/// Reads the certificate the server presents, to show it after a failed verification. The
/// handshake here accepts any certificate ONLY to read it: nothing is sent over this
/// connection and it is closed at once.
pub async fn peer_certificate(
    kind: ServerKind,
    server: &Endpoint,
    addr: SocketAddr,
) -> Option<CertInfo> {
    let tcp = TcpStream::connect(addr).await.ok()?;
    let gkind = match kind {
        ServerKind::Imap => Kind::Imap,
        ServerKind::Pop3 => Kind::Pop3,
        ServerKind::Smtp => Kind::Smtp,
    };
    let tcp = match server.security {
        Security::Tls => tcp,
        Security::Starttls => {
            let mut r = BufReader::new(tcp);
            if !guess::greeting(&mut r, gkind).await || !guess::starttls(&mut r, gkind).await {
                return None;
            }
            r.into_inner()
        }
    };
    let connector = async_native_tls::TlsConnector::new()
        .danger_accept_invalid_certs(true)
        .danger_accept_invalid_hostnames(true);
    let tls = connector.connect(&server.host, tcp).await.ok()?;
    let der = tls.peer_certificate().ok()??.to_der().ok()?;
    drop(tls);
    cert_info(&der)
}

/// [`peer_certificate`] of the first address `server`'s name resolves to.
pub async fn peer_certificate_at(kind: ServerKind, server: &Endpoint) -> Option<CertInfo> {
    let addr = tokio::net::lookup_host((server.host.as_str(), server.port))
        .await
        .ok()?
        .next()?;
    peer_certificate(kind, server, addr).await
}

/// Subject, issuer, validity and SHA-256 fingerprint of a DER certificate.
pub fn cert_info(der: &[u8]) -> Option<CertInfo> {
    use sha2::Digest;
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let time = |t: x509_parser::time::ASN1Time| crate::cli::rfc3339(t.timestamp());
    let digest = sha2::Sha256::digest(der);
    Some(CertInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: time(cert.validity().not_before),
        not_after: time(cert.validity().not_after),
        sha256: digest
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":"),
    })
}
